"""Which CPython setup-python installs for a ``python-version`` spec, and where.

The installed full version is part of setup-python's cache key (``…-python-3.12.4-pip-…``) and
its directory is ``env.pythonLocation``, which many hand-written keys include. setup-python
resolves a spec like this (``find-python.ts``, ``@actions/tool-cache``):

1. desugar ``3.13t`` (free-threaded: architecture ``x64-freethreaded``, key version ``3.13.1t``)
   and ``3.14-dev`` (→ ``~3.14.0-0``); rewrite ``3.14.0rc1`` as ``3.14.0-rc1``; with
   ``allow-prereleases``, ``3.14`` becomes ``~3.14.0-0``;
2. with ``check-latest``, pin the spec to the newest manifest match first;
3. use the newest *pre-installed* tool-cache version satisfying the spec, if any;
4. otherwise download the newest match from actions/python-versions' ``versions-manifest.json``
   for this platform, architecture and (on Linux) OS release.

Step 3 depends on the runner image, which changes weekly; this module says which version the
manifest gives and marks the result ``manifest`` unless the caller supplies the image's
pre-installed versions (:attr:`RunnerEnv.preinstalled_pythons`). The manifest is a dated
snapshot bundled in ``cachekit/data/python-versions.json``.
"""

from __future__ import annotations

import functools
import json
import re
import typing
from dataclasses import dataclass, field

from ..snapshots import read_snapshot
from . import semver
from .model import ActionError, RunnerEnv

__all__ = [
    "Manifest",
    "ManifestFile",
    "PythonRelease",
    "ResolvedPython",
    "UnresolvedPython",
    "desugar_version",
    "load_manifest",
    "python_location",
    "python_version_to_semantic",
    "resolve_python",
]

Basis = typing.Literal["exact", "toolcache", "manifest", "check-latest"]


@dataclass(frozen=True)
class ManifestFile:
    platform: str
    platform_version: str | None
    arch: str


@dataclass(frozen=True)
class PythonRelease:
    version: str
    stable: bool
    files: tuple[ManifestFile, ...]


@dataclass(frozen=True)
class Manifest:
    """``versions-manifest.json`` reduced to what resolution reads, newest release first."""

    releases: tuple[PythonRelease, ...]
    fetched: str
    commit: str
    commit_date: str

    @property
    def source(self) -> str:
        return (
            f"actions/python-versions versions-manifest.json at {self.commit[:12]}"
            f" ({self.commit_date}), fetched {self.fetched}"
        )


@functools.lru_cache(maxsize=1)
def load_manifest(path: str | None = None) -> Manifest:
    """The bundled snapshot, or a manifest file the user gives.

    ``path`` may be actions/python-versions' own ``versions-manifest.json`` (a list of
    releases with ``files``) or a file in the bundled compact format; a newer manifest makes
    ``3.x``-style specs resolve as they do today.
    """
    if path is not None:
        return _load_manifest_file(path)
    return _bundled_manifest()


@functools.lru_cache(maxsize=1)
def _bundled_manifest() -> Manifest:
    data = json.loads(read_snapshot("python-versions"))
    rels = []
    for version, stable, files in data["releases"]:
        mfiles = []
        for f in files:
            platform, pv, arch = f.split(":")
            mfiles.append(ManifestFile(platform, pv or None, arch))
        rels.append(PythonRelease(version, bool(stable), tuple(mfiles)))
    src = data["source"]
    return Manifest(tuple(rels), data["fetched"], src["commit"], src["commit_date"])


def _load_manifest_file(path: str) -> Manifest:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError) as exc:
        raise ActionError(f"{path}: cannot read the Python manifest ({exc})") from None
    if isinstance(data, dict) and "releases" in data:
        rels = []
        for version, stable, files in data["releases"]:
            mfiles = [
                ManifestFile(*(f.split(":")[0], f.split(":")[1] or None, f.split(":")[2]))
                for f in files
            ]
            rels.append(PythonRelease(version, bool(stable), tuple(mfiles)))
        src = data.get("source", {})
        return Manifest(
            tuple(rels),
            data.get("fetched", "?"),
            src.get("commit", "?"),
            src.get("commit_date", "?"),
        )
    if not isinstance(data, list):
        raise ActionError(f"{path}: not a python-versions manifest (expected a list)")
    rels = []
    for entry in data:
        if not isinstance(entry, dict) or "version" not in entry:
            raise ActionError(f"{path}: not a python-versions manifest (entry without version)")
        files = tuple(
            ManifestFile(str(f.get("platform")), f.get("platform_version"), str(f.get("arch")))
            for f in entry.get("files", [])
            if isinstance(f, dict)
        )
        rels.append(PythonRelease(str(entry["version"]), bool(entry.get("stable")), files))
    return Manifest(tuple(rels), f"file {path}", "?", "?")


@dataclass(frozen=True)
class ResolvedPython:
    """The CPython a spec resolves to.

    ``version`` is the tool-cache directory name (``3.12.4``, ``3.14.0-rc.2``); ``key_version``
    is what setup-python puts in its cache key and ``python-version`` output (``3.13.1t`` for
    free-threaded); ``basis`` says how sure this is: ``exact`` (the spec names the version),
    ``toolcache`` (from the supplied pre-installed list), ``manifest`` (the newest manifest
    match; a pre-installed older match would win on the real runner), ``check-latest`` (the
    newest match in the snapshot; the live manifest may have a newer one).
    """

    spec: str
    version: str
    key_version: str
    architecture: str
    location: str
    basis: Basis
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class UnresolvedPython:
    """A spec this module cannot resolve offline, or that setup-python would fail on."""

    spec: str
    reason: str
    fails: bool = False
    """True when setup-python itself fails the step (no such version for this runner)."""


def desugar_version(spec: str) -> tuple[str, bool]:
    """``desugarVersion``: strip the free-threaded ``t``; ``X.Y-dev`` → ``~X.Y.0-0``."""
    freethreaded = False
    m = re.fullmatch(r"(\d+\.\d+(?:\.\d+)?)t", spec)
    if m:
        spec, freethreaded = m.group(1), True
    else:
        m = re.fullmatch(r"(\d+\.\d+)t(-dev)", spec)
        if m:
            spec, freethreaded = m.group(1) + m.group(2), True
    spec = re.sub(r"^(\d+)\.(\d+)-dev$", r"~\1.\2.0-0", spec)
    return spec, freethreaded


def python_version_to_semantic(spec: str, allow_prereleases: bool) -> str:
    """``pythonVersionToSemantic``: ``3.7.0b2`` → ``3.7.0-b2``; prereleases for ``X.Y``."""
    result = re.sub(r"(\d+\.\d+\.\d+)((?:a|b|rc)\d*)", r"\1-\2", spec)
    if allow_prereleases:
        result = re.sub(r"^(\d+)\.(\d+)$", r"~\1.\2.0-0", result)
    return result


def python_location(version: str, runner: RunnerEnv, *, architecture: str | None = None) -> str:
    """``env.pythonLocation``: ``<tool cache>/Python/<version>/<architecture>``."""
    arch = architecture or runner.node_arch
    return runner.join(runner.tool_cache, "Python", version, arch)


def _is_rhel(runner: RunnerEnv) -> bool:
    name = (runner.distro_id or "").lower()
    return name == "rhel" or "redhat" in name


def _file_matches(f: ManifestFile, runner: RunnerEnv, arch: str) -> bool:
    if f.arch != arch:
        return False
    if _is_rhel(runner):
        os_version = runner.distro_release or ""
        return f.platform == "rhel" and (
            not f.platform_version
            or f.platform_version == os_version
            or os_version.startswith(f.platform_version)
        )
    if f.platform != runner.platform:
        return False
    if f.platform_version:
        # tool-cache reads DISTRIB_RELEASE / VERSION_ID on Linux, sw_vers on macOS, '' on Windows.
        os_version = (runner.distro_release if runner.os == "Linux" else None) or ""
        return os_version == f.platform_version or semver.satisfies(os_version, f.platform_version)
    return True


_FOUND: dict[tuple[str, RunnerEnv, str, int], tuple[Manifest, PythonRelease | None]] = {}


def find_in_manifest(
    spec: str, runner: RunnerEnv, arch: str, manifest: Manifest
) -> PythonRelease | None:
    """``findReleaseFromManifest``: the first (newest) release satisfying ``spec`` with a file
    for this platform and architecture (``stable`` is not required).

    Memoized: a history asks the same question for every job of every commit, and each
    answer costs a semver match per release of the manifest.
    """
    key = (spec, runner, arch, id(manifest))
    hit = _FOUND.get(key)
    if hit is not None and hit[0] is manifest:
        return hit[1]
    found = next(
        (
            rel
            for rel in manifest.releases
            if semver.satisfies(rel.version, spec)
            and any(_file_matches(f, runner, arch) for f in rel.files)
        ),
        None,
    )
    if len(_FOUND) >= 4096:
        _FOUND.clear()
    _FOUND[key] = (manifest, found)
    return found


def _evaluate_versions(versions: tuple[str, ...], spec: str) -> str | None:
    """``evaluateVersions``: the highest version satisfying ``spec``."""
    parsed: list[tuple[semver.SemVer, str]] = []
    for v in versions:
        p = semver.parse(v)
        if p is not None:
            parsed.append((p, v))

    def order(a: tuple[semver.SemVer, str], b: tuple[semver.SemVer, str]) -> int:
        return semver.compare(a[0], b[0])

    parsed.sort(key=functools.cmp_to_key(order))
    for _, v in reversed(parsed):
        if semver.satisfies(v, spec):
            return v
    return None


def resolve_python(
    spec: str,
    runner: RunnerEnv,
    *,
    manifest: Manifest | None = None,
    architecture: str | None = None,
    allow_prereleases: bool = False,
    freethreaded: bool = False,
    check_latest: bool = False,
) -> ResolvedPython | UnresolvedPython:
    """Resolve one ``python-version`` line as setup-python v5 to v7 does (see the module doc)."""
    manifest = manifest or load_manifest()
    spec = spec.strip()
    if spec.startswith(("pypy", "graalpy")):
        return UnresolvedPython(
            spec,
            "PyPy and GraalPy versions resolve against their own release lists, which are not"
            " bundled",
        )
    desugared, ft = desugar_version(spec)
    freethreaded = freethreaded or ft
    semantic = python_version_to_semantic(desugared, allow_prereleases)
    arch = (architecture or runner.node_arch) + ("-freethreaded" if freethreaded else "")
    notes: list[str] = []

    pinned = False
    if check_latest:
        rel = find_in_manifest(semantic, runner, arch, manifest)
        if rel is not None:
            semantic, pinned = rel.version, True
            notes.append(f"check-latest: pinned to {rel.version} ({manifest.source})")

    found: str | None = None
    basis: Basis = "manifest"
    if semver.is_explicit_version(semantic):
        found = semver.clean(semantic)
        basis = "exact"
        installed = runner.preinstalled_pythons or ()
        in_manifest = find_in_manifest(semantic, runner, arch, manifest) is not None
        if not in_manifest and found not in installed:
            if runner.preinstalled_pythons is not None:
                return _not_found(spec, arch, runner, manifest)
            notes.append(
                f"{found} is not in the manifest for {runner.platform} {arch}: it resolves only"
                " if the runner image has it pre-installed"
            )
    elif runner.preinstalled_pythons is not None:
        found = _evaluate_versions(runner.preinstalled_pythons, semantic)
        basis = "toolcache"
    if found is None:
        rel = find_in_manifest(semantic, runner, arch, manifest)
        if rel is None:
            return _not_found(spec, arch, runner, manifest)
        found = semver.clean(rel.version) or rel.version
        basis = "manifest"
        if runner.preinstalled_pythons is None and not check_latest:
            notes.append(
                f"{found} is the newest manifest match ({manifest.source}); a matching version"
                " pre-installed on the runner image is used first when check-latest is off,"
                " and may be an older patch release"
            )
    if pinned:
        basis = "check-latest"
    key_version = found + ("t" if freethreaded else "")
    return ResolvedPython(
        spec=spec,
        version=found,
        key_version=key_version,
        architecture=arch,
        location=python_location(found, runner, architecture=arch),
        basis=basis,
        notes=tuple(notes),
    )


def _not_found(spec: str, arch: str, runner: RunnerEnv, manifest: Manifest) -> UnresolvedPython:
    where = runner.platform + (f" {runner.distro_release}" if runner.distro_release else "")
    return UnresolvedPython(
        spec,
        f"The version '{spec}' with architecture '{arch}' was not found for {where}"
        f" ({manifest.source})",
        fails=True,
    )
