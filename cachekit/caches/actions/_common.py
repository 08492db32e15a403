"""Pieces shared by the setup-action models: release choice, hashing, version, notes."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ...errors import HashFilesUnknowable
from ...hashing.hashfiles import Flavor
from ..model import (
    ActionError,
    CacheSpec,
    CacheStepKind,
    HashFilesComponent,
    KeyTemplate,
    RunnerEnv,
    VersionInputs,
    paths_known,
)
from ..releases import ActionRelease, latest_release, releases, toolkit_supported
from ..version import Compression, cache_version, get_input

HashFn = Callable[[list[str]], str]
"""``hash_files(patterns) -> digest`` as the setup action's ``@actions/glob`` computes it."""


def pick_release(action: str, major: int, release: str | None) -> ActionRelease:
    """The release modelled: ``release`` (``v5.1.0``) if given, else the newest of ``major``."""
    if release is None:
        return latest_release(action, major)
    for r in releases(action):
        if r.tag == release or r.tag == "v" + release:
            if r.major != major:
                raise ActionError(f"{action} {r.tag} is not a v{major} release")
            return r
    raise ActionError(f"{action} has no release {release} in the snapshot")


def inp(inputs: Mapping[str, str], name: str) -> str:
    """``core.getInput(name)``: missing is ``''``, values are trimmed."""
    return get_input(inputs.get(name, ""))


def hash_component(hash_files: HashFn, patterns: Sequence[str]) -> HashFilesComponent:
    """Hash ``patterns`` as setup actions do (``@actions/glob`` ``hashFiles``, links followed).

    Files cachekit cannot see (:class:`~cachekit.errors.HashFilesUnknowable`) give a component
    whose digest is ``None``: the cache is still there, its key is not knowable offline.
    """
    pats = list(patterns)
    try:
        digest: str | None = hash_files(pats)
    except HashFilesUnknowable:
        digest = None
    return HashFilesComponent(tuple(pats), True, Flavor.SETUP_ACTION, digest)


def compression(runner: RunnerEnv) -> Compression:
    return Compression.ZSTD_WITHOUT_LONG if runner.zstd else Compression.GZIP


def versioned(
    runner: RunnerEnv, rel: ActionRelease, paths: Sequence[str]
) -> tuple[VersionInputs | None, str | None, list[str]]:
    """The version inputs, version, and service notes for a setup action's cache."""
    notes: list[str] = []
    if not toolkit_supported(rel):
        notes.append(
            f"{rel.action} {rel.tag} bundles @actions/cache {rel.toolkit or '(none)'}, which"
            " talks to the legacy cache service that GitHub retired in early 2025: its cache"
            " requests fail on github.com; upgrade the action"
        )
    if not paths_known(paths):
        return None, None, notes
    if rel.toolkit is None or _toolkit_version(rel.toolkit) < (3, 1, 2):
        notes.append(
            f"@actions/cache {rel.toolkit} computed versions with an older algorithm (no gzip,"
            " no windows-only), not modelled"
        )
        return None, None, notes
    comp = compression(runner)
    vi = VersionInputs(tuple(paths), comp.value, runner.windows, False)
    version = cache_version(
        paths, compression=comp.value, windows=runner.windows, enable_cross_os_archive=False
    )
    notes.append(
        f"cache version = sha256 of the paths above + '{comp.value}'"
        + (" + 'windows-only'" if runner.windows else "")
        + " + '1.0'; setup actions never set enableCrossOsArchive"
        + ("" if runner.zstd else " (gzip: zstd is not on the runner's PATH)")
    )
    return vi, version, notes


def _toolkit_version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("-", maxsplit=1)[0].split("."))


def spec(
    *,
    rel: ActionRelease,
    ref: str,
    name: str,
    key: KeyTemplate,
    restore_keys: Sequence[KeyTemplate],
    paths: Sequence[str],
    runner: RunnerEnv,
    notes: Sequence[str],
    fails: str | None = None,
) -> CacheSpec:
    vi, version, vnotes = versioned(runner, rel, paths)
    return CacheSpec(
        action=rel.action,
        ref=ref,
        release=rel.tag,
        kind=CacheStepKind.RESTORE_AND_SAVE,
        key=key,
        restore_keys=tuple(restore_keys),
        paths=tuple(paths),
        version_inputs=vi,
        version=version,
        name=name,
        fails=fails,
        notes=(*notes, *vnotes),
    )


POST_SAVE_NOTE = (
    "the post step saves only if the job succeeded, and skips saving when the primary key was"
    " restored exactly"
)


def rejected(
    *, rel: ActionRelease, ref: str, name: str, runner: RunnerEnv, fails: str
) -> CacheSpec:
    """The spec of a step the action rejects as configured (no key, no paths)."""
    return spec(
        rel=rel,
        ref=ref,
        name=name,
        key=KeyTemplate(),
        restore_keys=(),
        paths=(),
        runner=runner,
        notes=(),
        fails=fails,
    )
