"""actions/setup-python's built-in dependency cache (``cache: pip | pipenv | poetry``).

Key templates by release, from ``src/cache-distributions/*.ts`` at each tag:

=============  ==========================================================================
v2.3.0         ``cache:`` appears (pip, pipenv). pip: ``setup-python-{OS}-pip-{hash}``
v2.3.2         pip gains the Python version: ``setup-python-{OS}-python-{ver}-pip-{hash}``
v3.1.0         poetry (``…-poetry-{hash}``)
v4.2.0         pip on Linux gains ``-{lsb release}-{lsb id}`` after the OS (``-24.04-Ubuntu``)
v4.5.0         poetry keys become ``…-poetry-v2-{hash}`` (old caches were broken)
v4.6.0         pip falls back to ``hashFiles('**/pyproject.toml')`` when nothing matches
v5.2.0         every key gains ``-{process.arch}`` after the OS (``Linux-x64``)
v6.3.0         pipenv and poetry gain the Linux segment too; RHEL is keyed ``-9-rhel``
=============  ==========================================================================

Only pip has a restore key (the key without its hash). ``{ver}`` is the installed version
(``3.12.4``, ``3.13.1t`` free-threaded, ``{pypy}-{python}`` for PyPy); ``{hash}`` is
``@actions/glob`` ``hashFiles`` of ``cache-dependency-path`` or the manager's default pattern —
an empty hash fails the step.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...expressions import Unknown
from ..model import ActionError, CacheSpec, ContextValue, KeyTemplate, RunnerEnv, UnknownComponent
from ..pythons import Manifest, ResolvedPython, resolve_python
from ..version import yaml_boolean
from ._common import POST_SAVE_NOTE, HashFn, hash_component, inp, pick_release, rejected, spec
from .interface import CachingAction, Exports, StepCall
from .version_files import python_version_file, python_versions_from_file

__all__ = ["SetupPython", "setup_python_cache"]

ACTION = "actions/setup-python"
DEFAULT_PATTERNS = {
    "pip": "**/requirements.txt",
    "pipenv": "**/Pipfile.lock",
    "poetry": "**/poetry.lock",
}
PYPROJECT = "**/pyproject.toml"


def _bool_input(inputs: Mapping[str, str], name: str) -> bool:
    """``core.getBooleanInput``: anything but a YAML 1.2 boolean fails the step."""
    value = inp(inputs, name)
    try:
        return yaml_boolean(value, name) if value else False
    except ValueError as exc:
        raise ActionError(f"{ACTION}: {str(exc).splitlines()[0]}") from exc


def _python_version(
    inputs: Mapping[str, str], runner: RunnerEnv, v: tuple[int, int, int], manifest: Manifest | None
) -> tuple[ContextValue | UnknownComponent, ResolvedPython | None, list[str]]:
    lines = [line.strip() for line in inp(inputs, "python-version").split("\n") if line.strip()]
    notes: list[str] = []
    if not lines:
        src = inp(inputs, "python-version-file") or ".python-version"
        return UnknownComponent("python version", f"read from {src} on the runner"), None, notes
    spec_line = lines[-1]
    if len(lines) > 1:
        notes.append(f"several python-version lines: the key uses the last one, {spec_line}")
    freethreaded = v >= (5, 5, 0) and _bool_input(inputs, "freethreaded")
    res = resolve_python(
        spec_line,
        runner,
        manifest=manifest,
        architecture=inp(inputs, "architecture") or None,
        allow_prereleases=v >= (4, 6, 0) and _bool_input(inputs, "allow-prereleases"),
        freethreaded=freethreaded,
        check_latest=_bool_input(inputs, "check-latest"),
    )
    if not isinstance(res, ResolvedPython):
        return UnknownComponent("python version", res.reason), None, notes
    if v < (5, 5, 0) and res.key_version.endswith("t"):
        return UnknownComponent("python version", "free-threaded specs need v5.5.0+"), None, notes
    notes += res.notes
    source = f"python-version: {spec_line} ({res.basis})"
    return (
        ContextValue(
            "python version", res.key_version, source, res.basis in ("manifest", "check-latest")
        ),
        res,
        notes,
    )


def _linux_segment(runner: RunnerEnv, rhel_rules: bool) -> ContextValue | UnknownComponent | None:
    if runner.os != "Linux":
        return None
    if not runner.distro_id or not runner.distro_release:
        return UnknownComponent(
            "lsb_release", "the runner's lsb_release -i -r -s output is not known"
        )
    name, release = runner.distro_id, runner.distro_release
    if rhel_rules and (name.lower() == "rhel" or "redhat" in name.lower()):
        name, release = "rhel", release.split(".")[0]
    return runner.context("lsb_release -i -r -s", f"-{release}-{name}")


def _paths(pm: str, runner: RunnerEnv) -> tuple[list[str], list[str]]:
    h = runner.home
    if pm == "pip":
        if runner.os == "Linux":
            p = runner.join(h, ".cache", "pip")
        elif runner.os == "macOS":
            p = runner.join(h, "Library", "Caches", "pip")
        else:
            p = runner.join(h, "AppData", "Local", "pip", "Cache")
        return [p], [
            f"path is the default `pip cache dir` ({p}); PIP_CACHE_DIR or"
            " XDG_CACHE_HOME change it, and with it the cache version"
        ]
    if pm == "pipenv":
        rel = ".virtualenvs" if runner.windows else ".local/share/virtualenvs"
        return [runner.join(h, rel)], ["pipenv: the default virtualenv directory is cached"]
    if runner.os == "Linux":
        cache_dir = runner.join(h, ".cache", "pypoetry")
    elif runner.os == "macOS":
        cache_dir = runner.join(h, "Library", "Caches", "pypoetry")
    else:
        cache_dir = runner.join(h, "AppData", "Local", "pypoetry", "Cache")
    venvs = runner.join(cache_dir, "virtualenvs")
    return [venvs], [
        f"poetry: paths come from `poetry config --list` in each poetry.lock directory; {venvs} is"
        " the default virtualenvs.path, and projects with virtualenvs.in-project add their .venv;"
        " poetry must be installed before this step",
    ]


def setup_python_cache(
    major: int,
    inputs: Mapping[str, str],
    runner: RunnerEnv,
    hash_files: HashFn,
    *,
    release: str | None = None,
    manifest: Manifest | None = None,
) -> CacheSpec | None:
    """The cache ``actions/setup-python@v{major}`` (newest release of that major, or ``release``)
    restores and saves with these inputs on ``runner``; ``None`` when ``cache:`` is off.

    ``hash_files(patterns)`` must compute ``hashFiles`` over the workspace as the action's
    ``@actions/glob`` does (``Flavor.SETUP_ACTION``).
    """
    rel = pick_release(ACTION, major, release)
    v = rel.version
    ref = release or f"v{major}"
    pm = inp(inputs, "cache")
    if not pm or v < (2, 3, 0):
        return None
    supported = ("pip", "pipenv", "poetry") if v >= (3, 1, 0) else ("pip", "pipenv")
    if pm not in supported:
        return rejected(
            rel=rel, ref=ref, name=pm, runner=runner, fails=f"Caching for '{pm}' is not supported"
        )
    notes: list[str] = []
    version, _, vnotes = _python_version(inputs, runner, v, manifest)
    notes += vnotes
    deps = inp(inputs, "cache-dependency-path") or DEFAULT_PATTERNS[pm]
    hashed = hash_component(hash_files, deps.split("\n"))
    fallback = pm == "pip" and v >= (4, 6, 0)
    if fallback and hashed.digest == "":
        hashed = hash_component(hash_files, [PYPROJECT])
        notes.append(f"no file matched {deps}: the key hashes {PYPROJECT} instead")

    head = KeyTemplate.of("setup-python-", runner.context("runner.os", runner.os))
    if v >= (5, 2, 0):
        head += KeyTemplate.of("-", runner.context("process.arch", runner.node_arch))
    segment_since = (4, 2, 0) if pm == "pip" else (6, 3, 0)
    if v >= segment_since:
        seg = _linux_segment(runner, rhel_rules=v >= (6, 3, 0))
        if seg is not None:
            head += seg
    if pm == "pip" and v < (2, 3, 2):
        stem = head + f"-{pm}"
    else:
        stem = KeyTemplate.of(head, "-python-", version, f"-{pm}")
    if pm == "poetry" and v >= (4, 5, 0):
        stem += "-v2"
    key = KeyTemplate.of(stem, "-", hashed)
    restore = [stem] if pm == "pip" else []

    fails = None
    if hashed.digest == "":
        tried = deps.replace("\n", ",") + (f" or {PYPROJECT}" if fallback else "")
        fails = (
            f"No file in {{workspace}} matched to [{tried}], make sure you have checked out"
            " the target repository"
        )
    paths, pnotes = _paths(pm, runner)
    notes += pnotes
    if v >= (3, 1, 1):
        notes.append("cache-hit is true only when the primary key matched exactly")
    notes.append(POST_SAVE_NOTE)
    return spec(
        rel=rel,
        ref=ref,
        name=pm,
        key=key,
        restore_keys=restore,
        paths=paths,
        runner=runner,
        notes=notes,
        fails=fails,
    )


class SetupPython(CachingAction):
    """``actions/setup-python``: its ``cache:`` input, and the Python it puts on the PATH."""

    name = ACTION
    log_patterns = (
        # src/cache-distributions/cache-distributor.ts handleMatchResult
        ("restored_from", r"Cache restored from key: (.*)"),
        ("not_found_pm", r"(?:pip|pipenv|poetry) cache is not found"),
        # src/cache-save.ts (v6.0.0+)
        (
            "nothing_to_save",
            r"(Cache folder path is retrieved for .* but doesn't exist on disk: .*)",
        ),
    )

    def prepare(self, call: StepCall) -> Mapping[str, str]:
        """No ``python-version``: the versions the release reads from its version file
        (:mod:`.version_files`), as a multi-line ``python-version`` (the key takes the last)."""
        if call.text("python-version").strip():
            return {}
        try:
            v = self.resolve(call).release.version
        except ActionError:
            return {}
        path = python_version_file(call.text("python-version-file").strip(), v)
        text = call.read_text(path) if path else None
        if path is None or text is None:
            return {}
        versions = python_versions_from_file(path, text, v)
        return {"python-version": "\n".join(versions)} if versions else {}

    def enabled(self, call: StepCall) -> bool:
        return bool(call.text("cache"))

    def specs(self, call: StepCall) -> tuple[CacheSpec, ...]:
        assert call.runner is not None
        release = self.resolve(call).release
        one = setup_python_cache(
            release.major,
            call.strings(),
            call.runner,
            call.hash_files,
            release=release.tag,
            manifest=call.manifest,
        )
        return (one,) if one else ()

    def exports(self, call: StepCall) -> Exports:
        """What setup-python exports: pythonLocation & co, and its outputs."""
        assert call.runner is not None
        runner = call.runner
        lines = [x.strip() for x in call.text("python-version").splitlines() if x.strip()]
        where = call.where
        location: Any
        version: Any
        if not lines:
            location = Unknown(
                "env.pythonLocation", "the Python on the runner's PATH", origin=where
            )
            version = Unknown("python-version", "no python-version given")
            detail = "no python-version: the runner's default Python"
        else:
            res = resolve_python(
                lines[-1],
                runner,
                manifest=call.manifest,
                architecture=call.text("architecture") or None,
            )
            if isinstance(res, ResolvedPython):
                location, version = res.location, res.key_version
                detail = f"Python {res.version} ({res.basis})"
            else:
                location = Unknown("env.pythonLocation", res.reason, origin=where)
                version = Unknown("python-version", res.reason)
                detail = res.reason
        env: dict[str, Any] = {}
        sources: dict[str, str] = {}
        for name in ("pythonLocation", "Python_ROOT_DIR", "Python2_ROOT_DIR", "Python3_ROOT_DIR"):
            env[name] = location
            sources[name] = f"set by {where}: {detail}"
        if isinstance(location, str):
            env["PKG_CONFIG_PATH"] = runner.join(location, "lib", "pkgconfig")
            sources["PKG_CONFIG_PATH"] = f"set by {where}"
        outputs = {
            "python-version": version,
            "python-path": Unknown("python-path", "the interpreter path"),
            "cache-hit": Unknown("cache-hit", "at run"),
        }
        return Exports(env=env, env_sources=sources, outputs=outputs)
