"""Which Go setup-go installs for a ``go-version`` spec, from actions/go-versions' manifest.

setup-go v4+ puts the *installed* Go version in its cache key (``…-go-1.22.5-<hash>``), so a
spec like ``1.22``, ``^1.21``, ``stable`` or a ``go.mod``'s ``go 1.22`` must be resolved the way
``src/installer.ts`` (``getGo``) resolves it:

1. ``stable`` / ``oldstable`` (``resolveStableVersionInput``): over the manifest's releases
   that have a file for this platform and architecture, pre-releases dropped, ``stable`` is
   the first (newest); ``oldstable`` the first of the second distinct ``major.minor``;
2. with ``check-latest`` (``resolveVersionFromManifest``): the newest stable manifest release
   satisfying the spec (``tc.findFromManifest``);
3. ``tc.find('go', spec, arch)``: an exact version is used as is; a range takes the newest
   version pre-installed in the image's tool cache that satisfies it;
4. otherwise (``getInfoFromManifest``) the newest stable manifest match for this platform and
   architecture; failing that, go.dev's own list (not bundled: the version stays unknown).

The manifest is the dated snapshot ``cachekit/data/go-versions.json``; the image's tool cache
comes from the runner-labels snapshot. Both move (weekly image builds, Go releases), so every
result but an exact spec says which data it used. setup-go's model keeps steps 1 and 2 out of
the key (they follow the live manifest, so the key moves with every Go release: not
predictable, the resolved version given as today's answer) and models steps 3 and 4 as an
assumed value, as setup-python's model does for its tool cache and manifest.
"""

from __future__ import annotations

import functools
import json
import typing
from dataclasses import dataclass

from ..snapshots import read_snapshot, snapshot_date
from . import semver
from .model import RunnerEnv
from .pythons import _evaluate_versions

__all__ = ["GoManifest", "GoRelease", "ResolvedGo", "load_go_manifest", "resolve_go"]

GoBasis = typing.Literal["exact", "alias", "check-latest", "toolcache", "manifest"]


@dataclass(frozen=True)
class GoRelease:
    version: str
    stable: bool
    files: frozenset[str]  # "platform:arch"


@dataclass(frozen=True)
class GoManifest:
    """``versions-manifest.json`` reduced to what resolution reads, newest release first."""

    releases: tuple[GoRelease, ...]
    commit: str
    commit_date: str

    @property
    def source(self) -> str:
        return f"actions/go-versions versions-manifest.json of {self.commit_date}"


@dataclass(frozen=True)
class ResolvedGo:
    """The Go version setup-go installs, and what it was resolved from."""

    spec: str
    version: str
    basis: GoBasis
    source: str


@functools.lru_cache(maxsize=1)
def load_go_manifest() -> GoManifest:
    """The go-versions snapshot in force (bundled, or refreshed by ``data update``)."""
    data = json.loads(read_snapshot("go-versions"))
    releases = tuple(
        GoRelease(str(version), bool(stable), frozenset(str(f) for f in files))
        for version, stable, files in data["releases"]
    )
    source = data.get("source", {})
    return GoManifest(releases, str(source.get("commit", "")), str(source.get("commit_date", "")))


def _for_runner(manifest: GoManifest, runner: RunnerEnv, arch: str) -> list[GoRelease]:
    wanted = f"{runner.platform}:{arch}"
    return [r for r in manifest.releases if wanted in r.files]


def _alias(spec: str, releases: list[GoRelease]) -> str | None:
    versions = [r.version for r in releases if (p := semver.parse(r.version)) and not p.prerelease]
    if spec == "stable":
        return versions[0] if versions else None
    minors = list(dict.fromkeys(".".join(v.split(".")[:2]) for v in versions))
    if len(minors) < 2:
        return None
    return next((v for v in versions if v.startswith(minors[1])), None)


def _newest_stable(spec: str, releases: list[GoRelease]) -> str | None:
    return next(
        (r.version for r in releases if r.stable and semver.satisfies(r.version, spec)), None
    )


def resolve_go(
    spec: str,
    runner: RunnerEnv,
    *,
    architecture: str | None = None,
    check_latest: bool = False,
    manifest: GoManifest | None = None,
) -> ResolvedGo | None:
    """Resolve one ``go-version`` as setup-go's ``getGo`` does (see the module doc); ``None``
    when only go.dev's release list (not bundled) could answer."""
    manifest = manifest or load_go_manifest()
    releases = _for_runner(manifest, runner, architecture or runner.node_arch)
    spec = spec.strip()
    if spec in ("stable", "oldstable"):
        found = _alias(spec, releases)
        if found is None:
            return None
        return ResolvedGo(spec, found, "alias", manifest.source)
    if check_latest:
        latest = _newest_stable(spec, releases)
        if latest is not None:
            return ResolvedGo(spec, latest, "check-latest", manifest.source)
    if semver.is_explicit_version(spec):
        return ResolvedGo(spec, semver.clean(spec) or spec, "exact", "the spec as written")
    installed = _evaluate_versions(runner.preinstalled_go or (), spec)
    if installed is not None:
        images = snapshot_date(read_snapshot("runner-labels"))
        return ResolvedGo(
            spec,
            installed,
            "toolcache",
            f"the newest match pre-installed on the runner's image (actions/runner-images of"
            f" {images})",
        )
    found = _newest_stable(spec, releases)
    if found is None:
        return None
    return ResolvedGo(spec, found, "manifest", f"the newest match in the {manifest.source}")
