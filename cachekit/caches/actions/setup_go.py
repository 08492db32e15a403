"""actions/setup-go's built-in module and build cache (``cache: true``, the default since v4).

Key templates by release, from ``src/cache-restore.ts``, ``src/main.ts`` and
``src/package-managers.ts`` at each tag:

=======  ==========================================================================
v3.2.0   ``setup-go-{OS}-go-{go-version input}-{hash(go.sum)}``; ``cache`` defaults to false
v3.3.1   the version part is the spec from ``go-version`` or ``go-version-file``
v4.0.0   caching on by default; the version part is the *installed* version
         (``go version`` → ``1.22.5``); a restore failure is only a warning
v4.1.0   ``setup-go-{OS}-{ImageOS}-go-…`` on Linux (``ImageOS`` of the image: ``ubuntu24``)
v5.1.0   ``setup-go-{OS}-{arch}-{ImageOS-}go-…`` (``process.arch``: ``x64``, ``arm64``)
v6.3.0   the default dependency file is ``go.mod`` instead of ``go.sum``
=======  ==========================================================================

There is no restore key. The paths are ``go env GOMODCACHE`` and ``go env GOCACHE``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..gos import resolve_go
from ..model import ActionError, CacheSpec, ContextValue, KeyTemplate, RunnerEnv, UnknownComponent
from ..version import yaml_boolean
from ._common import POST_SAVE_NOTE, HashFn, hash_component, inp, pick_release, spec
from .interface import CachingAction, StepCall

__all__ = ["SetupGo", "setup_go_cache"]

ACTION = "actions/setup-go"


def _go_version(
    inputs: Mapping[str, str], v: tuple[int, int, int], runner: RunnerEnv
) -> ContextValue | UnknownComponent:
    spec_text = inp(inputs, "go-version")
    if v < (4, 0, 0):
        if spec_text:
            return ContextValue("go-version", spec_text, "go-version input (the spec as written)")
        if v >= (3, 3, 1) and inp(inputs, "go-version-file"):
            return UnknownComponent("go version", "read from go-version-file on the runner")
        return ContextValue("go-version", "", "go-version input (empty)")
    if not spec_text:
        what = "read from go-version-file" if inp(inputs, "go-version-file") else "pre-installed"
        return UnknownComponent("go version", f"the installed Go version ({what})")
    try:
        check_latest = yaml_boolean(inp(inputs, "check-latest") or "false", "check-latest")
    except ValueError:
        check_latest = False
    resolved = resolve_go(
        spec_text,
        runner,
        architecture=inp(inputs, "architecture") or None,
        check_latest=check_latest,
    )
    if resolved is None:
        return UnknownComponent(
            "go version", f"the newest Go matching '{spec_text}' when the job runs"
        )
    if resolved.basis in ("alias", "check-latest"):
        # resolved against the live manifest on the day of the run: it moves with every Go
        # release, so the key is not predictable; say what the snapshot gives today
        return UnknownComponent(
            "go version",
            f"the newest Go matching '{spec_text}' when the job runs ({resolved.version} by the"
            f" {resolved.source})",
        )
    m = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", resolved.version)
    if not m:
        return UnknownComponent("go version", f"`go version` of Go {resolved.version}")
    major, minor, patch = (int(g) for g in m.groups())
    # Go releases before 1.21 call their first release "go1.20", not "go1.20.0".
    text = (
        f"{major}.{minor}"
        if (major, minor) < (1, 21) and patch == 0
        else f"{major}.{minor}.{patch}"
    )
    if resolved.basis == "exact":
        return ContextValue(
            "go version", text, f"`go version` after installing go-version {spec_text}"
        )
    return ContextValue(
        "go version",
        text,
        f"`go version` after installing go-version {spec_text}: {resolved.source}",
        assumed=True,
    )


def _paths(runner: RunnerEnv) -> list[str]:
    h = runner.home
    modcache = runner.join(h, "go", "pkg", "mod")
    if runner.os == "Linux":
        build = runner.join(h, ".cache", "go-build")
    elif runner.os == "macOS":
        build = runner.join(h, "Library", "Caches", "go-build")
    else:
        build = runner.join(h, "AppData", "Local", "go-build")
    return [modcache, build]


def setup_go_cache(
    major: int,
    inputs: Mapping[str, str],
    runner: RunnerEnv,
    hash_files: HashFn,
    *,
    release: str | None = None,
) -> CacheSpec | None:
    """The cache ``actions/setup-go@v{major}`` restores and saves; ``None`` when off."""
    rel = pick_release(ACTION, major, release)
    v = rel.version
    ref = release or f"v{major}"
    if v < (3, 2, 0):
        return None
    raw = inp(inputs, "cache") or ("true" if v >= (4, 0, 0) else "false")
    try:
        enabled = yaml_boolean(raw, "cache")
    except ValueError as exc:
        return spec(
            rel=rel,
            ref=ref,
            name="go",
            key=KeyTemplate(),
            restore_keys=(),
            paths=(),
            runner=runner,
            notes=(),
            fails=str(exc),
        )
    if not enabled:
        return None
    notes: list[str] = []
    dep_file = "go.mod" if v >= (6, 3, 0) else "go.sum"
    deps = inp(inputs, "cache-dependency-path")
    problem = None
    if deps:
        hashed = hash_component(hash_files, deps.split("\n"))
    else:
        hashed = hash_component(hash_files, [dep_file])
        if hashed.digest == "":
            problem = (
                f"Dependencies file is not found in {{workspace}}. Supported file pattern:"
                f" {dep_file}"
            )
    if problem is None and hashed.digest == "":
        problem = "Some specified paths were not resolved, unable to cache dependencies."

    key = KeyTemplate.of("setup-go-", runner.context("runner.os", runner.os))
    if v >= (5, 1, 0):
        key += KeyTemplate.of("-", runner.context("process.arch", runner.node_arch))
    key += "-"
    if v >= (4, 1, 0) and runner.os == "Linux":
        if runner.image_os is None:
            key += UnknownComponent(
                "env.ImageOS",
                "ImageOS is not known for this runner;"
                " where it is unset the key reads 'undefined-'",
            )
        else:
            key += runner.context("env.ImageOS", runner.image_os)
        key += "-"
    key = KeyTemplate.of(key, "go-", _go_version(inputs, v, runner), "-", hashed)

    fails = None
    if problem is not None:
        if v >= (4, 0, 0):
            notes.append(
                f"Restore cache failed: {problem} — a warning only: the job runs"
                " without this cache and the post step saves nothing"
            )
        else:
            fails = problem
    paths = _paths(runner)
    notes.append(
        f"paths are `go env GOMODCACHE` and `go env GOCACHE`, by default {paths[0]}"
        f" and {paths[1]}; GOPATH, GOMODCACHE or GOCACHE change them"
    )
    notes.append(
        "cache-hit is true for any restored entry (src/cache-restore.ts: Boolean(cacheKey)),"
        " but the lookup passes no restore keys, so only this exact key restores"
    )
    notes.append(POST_SAVE_NOTE)
    return spec(
        rel=rel,
        ref=ref,
        name="go",
        key=key,
        restore_keys=(),
        paths=paths,
        runner=runner,
        notes=notes,
        fails=fails,
    )


class SetupGo(CachingAction):
    """``actions/setup-go``: the module and build cache (on by default since v4)."""

    name = ACTION
    log_patterns = (
        # src/cache-restore.ts, src/cache-save.ts
        ("restored_from", r"Cache restored from key: (.*)"),
        ("not_found_pm", r"Cache is not found"),
        ("nothing_to_save", r"(There are no cache folders on the disk)"),
    )

    def prepare(self, call: StepCall) -> Mapping[str, str]:
        """``go-version-file`` read as setup-go's installer reads it (``parseGoVersionFile``):
        go.mod/go.work's ``toolchain`` line (v6+, unless GOTOOLCHAIN=local), else its ``go``
        line; ``.tool-versions``' ``golang`` entry; any other file's text. The version found
        is then a spec like ``go-version`` (``1.22.5`` exact, ``1.22`` the newest patch)."""
        if call.text("go-version").strip():
            return {}
        path = call.text("go-version-file").strip()
        text = call.read_text(path) if path else None
        if text is None:
            return {}
        name = path.rsplit("/", 1)[-1]
        version = ""
        if name in ("go.mod", "go.work"):
            major = re.match(r"v?(\d+)", call.ref)
            toolchain = re.search(r"^toolchain go(1\.\d+(?:\.\d+|rc\d+)?)", text, re.M)
            local = str(call.env.get("GOTOOLCHAIN", "")) == "local"
            if toolchain and major and int(major.group(1)) >= 6 and not local:
                version = toolchain.group(1)
            else:
                go = re.search(r"^go (\d+(\.\d+)*)", text, re.M)
                version = go.group(1) if go else ""
        elif name == ".tool-versions":
            found = re.search(r"^golang\s+([^\n#]+)", text, re.M)
            version = found.group(1).strip() if found else ""
        else:
            version = text.strip()
        return {"go-version": version} if version else {}

    def enabled(self, call: StepCall) -> bool:
        raw = call.text("cache").strip()
        if not raw:
            try:
                return self.resolve(call).release.version >= (4, 0, 0)
            except ActionError:
                return True
        return raw.lower() != "false"

    def specs(self, call: StepCall) -> tuple[CacheSpec, ...]:
        assert call.runner is not None
        release = self.resolve(call).release
        one = setup_go_cache(
            release.major, call.strings(), call.runner, call.hash_files, release=release.tag
        )
        return (one,) if one else ()
