"""astral-sh/setup-uv's cache of uv's cache directory (``enable-cache``).

The key, release by release (``src/cache/restore-cache.ts`` ``computeKeys``; line of the
``return`` at the tag named):

=========  ===================================================================================
v1.0.0     ``setup-uv-1-{arch}-{platform}-{uv version}-{hash}{suffix}`` (l.47); ``{hash}`` is
           ``hashFiles(cache-dependency-glob)`` (no default glob: ``no-dependency-glob``);
           a glob that matches nothing fails the step; ``enable-cache`` defaults to false
v3.0.0     ``cache-dependency-glob`` defaults to ``**/uv.lock`` (action.yml)
v5.0.0     ``…-{uv version}-{python version}-…`` (l.56); ``enable-cache: auto`` by default: on
           for GitHub-hosted runners; the glob default adds ``**/requirements*.txt``
v5.0.1     a glob that matches nothing only warns; the key says ``-no-dependency-glob``
v5.1.0     ``…-{platform}-{python version}-…`` (l.56): the uv version leaves the key
v6.0.1     the glob default: ``**/*requirements*.{txt,in}``, ``**/*constraints*.{txt,in}``,
           ``**/pyproject.toml``, ``**/uv.lock`` (v6.0.0's extglob matched nothing); v6.8.0
           adds ``**/*.py.lock``
v6.1.0     ``-pruned`` after the Python version when ``prune-cache`` (default true) (l.60)
v7.0.0     the glob is resolved against ``working-directory``
v7.1.0     ``-py`` when ``cache-python`` (a second cache, ``{key}-python``, of the managed
           Pythons)
v7.1.6     ``setup-uv-2-{arch}-{platform}-{os name-version}-…`` (l.79): the cache version 2
           and the runner image (``ubuntu-24.04``, ``macos-15``, ``windows-2022``)
v8.0.0     no moving major tags any more (``@v8`` does not resolve; pin ``v8.0.0``)
v8.3.0     the Python version and the suffix are ``encodeURIComponent``-ed (l.105)
v9.0.0     ``prune-cache`` defaults to false: keys lose ``-pruned``
v10.0.0    ``enable-cache: auto`` is off for tag pushes, ``pull_request_target``,
           ``workflow_run`` and ``release`` (``src/utils/inputs.ts`` l.164-189)
=========  ===================================================================================

``{arch}`` is ``x86_64``/``aarch64``, ``{platform}`` ``unknown-linux-gnu``, ``apple-darwin`` or
``pc-windows-msvc`` (``src/utils/platforms.ts``). ``{python version}`` is the
``python-version`` input, else the version of the Python ``uv python find`` picks on the runner
(``unknown`` when there is none). ``{hash}`` uses the action's copy of ``@actions/glob``
``hashFiles``, the same digest. There is no restore key: a changed lock file starts from an
empty cache. The cached path is ``cache-local-path``, else uv's ``cache-dir`` setting (v7.0.0+),
else ``UV_CACHE_DIR``, else ``$RUNNER_TEMP/setup-uv-cache`` on GitHub-hosted runners (v2.1.0+;
``/tmp/setup-uv-cache`` before). The glob defaults per release come from the release data
(``reads``, from each tag's ``action.yml``).
"""

from __future__ import annotations

import posixpath
import urllib.parse
from dataclasses import replace
from typing import Any

from ...expressions import Unknown
from ..model import (
    ActionError,
    CacheSpec,
    CacheStepKind,
    ContextValue,
    KeyTemplate,
    RunnerEnv,
    UnknownComponent,
    unknown_path,
)
from ..releases import ActionRelease, moving_tag, release_reads
from ._common import POST_SAVE_NOTE, hash_component, spec
from .interface import CachingAction, Exports, StepCall

__all__ = ["SetupUv", "runner_temp"]

ACTION = "astral-sh/setup-uv"
Version = tuple[int, int, int]

_ARCH = {"X64": "x86_64", "ARM64": "aarch64", "X86": "i686"}
_PLATFORM = {"Linux": "unknown-linux-gnu", "macOS": "apple-darwin", "Windows": "pc-windows-msvc"}
_WINDOWS_IMAGES = {"win19": "windows-2019", "win22": "windows-2022", "win25": "windows-2025"}
_OUTPUTS = (
    "uv-version",
    "uv-path",
    "uvx-path",
    "cache-hit",
    "cache-key",
    "venv",
    "python-version",
    "python-cache-hit",
)
"""The outputs action.yml declares (v10); those not computed here stay unknown, not empty."""
_AUTO_OFF_EVENTS = ("pull_request_target", "workflow_run", "release")


def _encode(text: str) -> str:
    """JavaScript's ``encodeURIComponent``."""
    return urllib.parse.quote(text, safe="-_.!~*'()")


def runner_temp(runner: RunnerEnv) -> str:
    """``RUNNER_TEMP`` on GitHub's hosted images."""
    if runner.windows:
        return "D:\\a\\_temp"
    return runner.join(runner.home, "work", "_temp")


def os_name_version(runner: RunnerEnv) -> ContextValue | UnknownComponent:
    """``getOSNameVersion()``: ``ID-VERSION_ID`` of /etc/os-release, ``macos-N``, ``windows-N``."""
    if runner.os == "Linux" and runner.distro_id and runner.distro_release:
        value = f"{runner.distro_id.lower()}-{runner.distro_release}"
        return runner.context("/etc/os-release ID-VERSION_ID", value)
    if runner.os == "macOS" and runner.image_os and runner.image_os.startswith("macos"):
        return runner.context("macOS version", "macos-" + runner.image_os.removeprefix("macos"))
    if runner.os == "Windows" and runner.image_os in _WINDOWS_IMAGES:
        return runner.context("Windows version", _WINDOWS_IMAGES[runner.image_os])
    return UnknownComponent("OS name and version", "the runner's image is not known")


def _flag(call: StepCall, name: str, default: bool) -> bool:
    """setup-uv reads its switches as ``core.getInput(name) === "true"`` (not YAML booleans)."""
    raw = call.text(name).strip()
    return raw == "true" if raw else default


def _patterns(call: StepCall, rel: ActionRelease) -> list[str]:
    raw = call.text("cache-dependency-glob")
    if "cache-dependency-glob" not in call.inputs:
        raw = release_reads(ACTION, rel.tag).get("cache-dependency-glob", "")
    lines = [line.strip() for line in raw.split("\n") if line.strip()]
    wd = call.text("working-directory").strip().strip("/")
    if rel.version < (7, 0, 0) or not wd or wd in (".", "${{ github.workspace }}"):
        return lines
    out = []
    for line in lines:
        neg, bare = ("!", line[1:]) if line.startswith("!") else ("", line)
        out.append(bare if bare.startswith("/") else neg + posixpath.join(wd, bare))
    return out


def _python(call: StepCall) -> ContextValue | UnknownComponent:
    given = call.text("python-version").strip()
    if given:
        return ContextValue("python-version", given, "python-version input")
    return UnknownComponent(
        "python version", "the Python `uv python find` picks on the runner ('unknown' if none)"
    )


def _uv_version(call: StepCall) -> ContextValue | UnknownComponent:
    given = call.text("version").strip()
    if given and given != "latest" and all(p.isdigit() for p in given.split(".")):
        return ContextValue("uv version", given, "version input")
    return UnknownComponent("uv version", "the newest uv when the job runs")


def _encoded(part: ContextValue | UnknownComponent, v: Version) -> ContextValue | UnknownComponent:
    if v >= (8, 3, 0) and isinstance(part, ContextValue):
        return replace(part, value=_encode(part.value))
    return part


def _cache_path(call: StepCall, runner: RunnerEnv, v: Version) -> tuple[str, str, bool]:
    """(path, where it comes from, whether setup-uv exports it as UV_CACHE_DIR)."""
    given = call.text("cache-local-path").strip()
    if given:
        path = runner.home + given[1:] if given.startswith("~") else given
        return path, "cache-local-path input", True
    if v >= (7, 0, 0):
        for name in ("uv.toml", "pyproject.toml"):
            text = call.read_text(name)
            if text and "cache-dir" in text:
                return unknown_path(f"cache-dir in {name}"), f"uv's cache-dir ({name})", False
    env = call.env.get("UV_CACHE_DIR")
    if isinstance(env, str) and env:
        return env, "UV_CACHE_DIR", False
    if env is not None:
        return unknown_path("env.UV_CACHE_DIR"), "UV_CACHE_DIR", False
    if v < (2, 1, 0):
        return "/tmp/setup-uv-cache", "the cache-local-path default", v >= (2, 0, 0)
    return runner.join(runner_temp(runner), "setup-uv-cache"), "$RUNNER_TEMP/setup-uv-cache", True


def _key(
    call: StepCall, runner: RunnerEnv, rel: ActionRelease, notes: list[str], fails: str | None
) -> tuple[KeyTemplate, str | None, bool]:
    """The primary key ``computeKeys`` builds at this release; (key, failure, cache-python)."""
    v = rel.version
    key = KeyTemplate.of(
        f"setup-uv-{'2' if v >= (7, 1, 6) else '1'}-",
        runner.context("process.arch", _ARCH[runner.arch]),
        "-",
        runner.context("process.platform", _PLATFORM[runner.os]),
        "-",
    )
    if v >= (7, 1, 6):
        key += KeyTemplate.of(os_name_version(runner), "-")
    if v < (5, 1, 0):
        key += _uv_version(call)
        if v >= (5, 0, 0):
            key += KeyTemplate.of("-", _python(call))
    else:
        key += _encoded(_python(call), v)
    if v >= (6, 1, 0) and _flag(call, "prune-cache", v < (9, 0, 0)):
        key += "-pruned"
    cache_python = v >= (7, 1, 0) and _flag(call, "cache-python", False)
    if cache_python:
        key += "-py"
    patterns = _patterns(call, rel)
    if patterns:
        hashed = hash_component(call.hash_files, patterns)
        if hashed.digest == "":
            if v < (5, 0, 1):
                fails = fails or f"No file matched to [{','.join(patterns)}]"
            else:
                notes.append(
                    f"no file matched [{','.join(patterns)}]: the key says"
                    " -no-dependency-glob and the cache is never invalidated"
                )
            key += "-no-dependency-glob"
        else:
            key += KeyTemplate.of("-", hashed)
    else:
        key += "-no-dependency-glob"
    suffix = call.text("cache-suffix")
    if suffix:
        key += "-" + (_encode(suffix) if v >= (8, 3, 0) else suffix)
    return key, fails, cache_python


class SetupUv(CachingAction):
    """``astral-sh/setup-uv``: uv's cache directory, keyed on the dependency files."""

    name = ACTION
    log_patterns = (
        # src/cache/restore-cache.ts handleMatchResult / restoreCacheFromKey (v10)
        ("restored_from", r"cache restored from GitHub Actions cache with key: (.*)"),
        ("not_found_pm", r"No GitHub Actions cache found for key: .*"),
        # src/save-cache.ts
        ("hit_no_save", r"Cache hit occurred on key (.*), not saving cache\."),
        ("saved_with", r"(?:uv cache|Python cache) saved with key: (.*)"),
    )

    def _release(self, call: StepCall) -> ActionRelease:
        return self.resolve(call).release

    def enabled(self, call: StepCall) -> bool:
        try:
            v = self._release(call).version
        except ActionError:  # a ref the snapshot does not know: the newest behaviour
            v = (99, 0, 0)
        raw = call.text("enable-cache").strip() or ("auto" if v >= (5, 0, 0) else "false")
        if raw != "auto":
            return raw == "true"
        if call.runner is None:
            return False  # auto: on only for GitHub-hosted runners
        if v >= (10, 0, 0):
            tag_push = call.event == "push" and call.run_ref.startswith("refs/tags/")
            return not tag_push and call.event not in _AUTO_OFF_EVENTS
        return True

    def specs(self, call: StepCall) -> tuple[CacheSpec, ...]:
        if not self.enabled(call):
            return ()
        assert call.runner is not None
        runner = call.runner
        resolved = self.resolve(call)
        rel = resolved.release
        v = rel.version
        notes: list[str] = [resolved.note] if resolved.note else []
        fails = None
        major_only = call.ref.lstrip("v").isdigit()
        if major_only and moving_tag(ACTION, int(call.ref.lstrip("v"))) is None:
            fails = (
                f"Unable to resolve action {ACTION}@{call.ref}: setup-uv publishes no moving"
                f" major tags since v8 (pin a full version such as {rel.tag})"
            )
        restore = v < (6, 7, 0) or _flag(call, "restore-cache", True)
        save = v < (6, 7, 0) or _flag(call, "save-cache", True)
        if not restore and not save:
            return ()

        key, fails, cache_python = _key(call, runner, rel, notes, fails)
        path, where, _ = _cache_path(call, runner, v)
        notes.append(f"the cached path is {path} ({where})")
        notes.append("no restore key: a changed dependency file starts from an empty cache")
        if v >= (6, 1, 0) and _flag(call, "prune-cache", v < (9, 0, 0)):
            notes.append("the post step runs `uv cache prune --ci` before saving")
        notes.append(POST_SAVE_NOTE)
        kind = (
            CacheStepKind.RESTORE_AND_SAVE
            if restore and save
            else CacheStepKind.RESTORE_ONLY
            if restore
            else CacheStepKind.SAVE_ONLY
        )
        main = replace(
            spec(
                rel=rel,
                ref=call.ref,
                name="uv",
                key=key,
                restore_keys=(),
                paths=[path],
                runner=runner,
                notes=notes,
                fails=fails,
            ),
            kind=kind,
        )
        if not cache_python:
            return (main,)
        python_dir = runner.join(runner_temp(runner), "uv-python-dir")
        if isinstance(call.env.get("UV_PYTHON_INSTALL_DIR"), str):
            python_dir = str(call.env["UV_PYTHON_INSTALL_DIR"])
        second = replace(
            spec(
                rel=rel,
                ref=call.ref,
                name="uv-python",
                key=key + "-python",
                restore_keys=(),
                paths=[python_dir],
                runner=runner,
                notes=["the managed Python installations (cache-python: true)", POST_SAVE_NOTE],
                fails=fails,
            ),
            kind=kind,
        )
        return (main, second)

    def exports(self, call: StepCall) -> Exports:
        """UV_CACHE_DIR (when setup-uv chose the path) and the ``cache-key`` output."""
        if call.runner is None or not self.enabled(call):
            return Exports()
        v = self._release(call).version
        path, where, exported = _cache_path(call, call.runner, v)
        env: dict[str, Any] = {}
        sources: dict[str, str] = {}
        if exported:
            env["UV_CACHE_DIR"] = path
            sources["UV_CACHE_DIR"] = f"set by {call.where} ({where})"
        outputs: dict[str, Any] = {
            name: Unknown(f"outputs.{name}", "set when the step runs") for name in _OUTPUTS
        }
        specs = self.specs(call)
        if specs and v >= (7, 1, 6):
            key = specs[0].key
            outputs["cache-key"] = (
                key.render() if key.is_known else Unknown("cache-key", "a part is unknown")
            )
        return Exports(env=env, env_sources=sources, outputs=outputs)
