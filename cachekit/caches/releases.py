"""Which release of a caching action a ``uses:`` reference runs, and what it bundles.

A step's behaviour depends on the exact release: inputs appear and disappear between minors,
key templates changed in patch releases, and the ``@actions/cache`` a release bundles decides
the cache version algorithm and whether the cache service still answers it at all (releases
bundling ``@actions/cache`` < 4.0.0 talk to the legacy service, retired on github.com in
early 2025). ``cachekit/data/action-releases.json`` is a dated snapshot of every ``vX.Y.Z``
tag of the modelled actions' repositories: its commit and date, the ``@actions/cache`` version
locked in its ``package-lock.json``, and the ``action.yml`` defaults of the inputs that name the
files it reads; moving major tags (``v4``) map to the commit they pointed at. It is regenerated
by ``scripts/update_action_releases.py`` from the repositories themselves.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass

from ..snapshots import read_snapshot
from .model import ActionError

__all__ = [
    "ActionRelease",
    "ResolvedRef",
    "latest_release",
    "moving_tag",
    "parse_tag",
    "release_reads",
    "releases",
    "resolve_ref",
    "snapshot_date",
    "snapshot_note",
    "toolkit_supported",
]

Version = tuple[int, int, int]


@dataclass(frozen=True)
class ActionRelease:
    """One ``vX.Y.Z`` tag of an action."""

    action: str
    tag: str
    commit: str
    toolkit: str | None
    """The ``@actions/cache`` version in the release's lock file (``None``: none bundled)."""
    date: str = ""
    """The date of the release's commit (``YYYY-MM-DD``)."""

    @property
    def version(self) -> Version:
        v = parse_tag(self.tag)
        assert v is not None
        return v

    @property
    def major(self) -> int:
        return self.version[0]


@dataclass(frozen=True)
class ResolvedRef:
    """A ``uses:`` reference resolved against the snapshot.

    ``release`` is the release whose code the reference runs, or the newest release when the
    reference is a branch or an unknown commit (then ``exact`` is false and ``note`` says so).
    ``beyond_snapshot`` marks a release tag newer than the snapshot or a commit it does not
    know (most often a release made after it): every output says so with the snapshot's date.
    """

    ref: str
    release: ActionRelease
    exact: bool
    note: str | None = None
    beyond_snapshot: bool = False


@functools.lru_cache(maxsize=1)
def _data() -> dict[str, object]:
    data = json.loads(read_snapshot("action-releases"))
    assert isinstance(data, dict)
    return data


def snapshot_date() -> str:
    return str(_data()["fetched"])


def parse_tag(tag: str) -> Version | None:
    m = re.fullmatch(r"v(\d+)\.(\d+)\.(\d+)", tag)
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


@functools.cache
def releases(action: str) -> tuple[ActionRelease, ...]:
    """Every release of ``action`` in the snapshot, oldest first."""
    table = _data()["actions"]
    assert isinstance(table, dict)
    if action not in table:
        raise ActionError(f"{action} is not modelled (known: {', '.join(table)})")
    return tuple(
        ActionRelease(action, t, c, v or None, rest[0] if rest else "")
        for t, c, v, *rest in table[action]
    )


def moving_tag(action: str, major: int) -> str | None:
    """The commit the moving tag ``v{major}`` points at, or ``None`` when there is no such tag
    (then ``uses: {action}@v{major}`` does not resolve on GitHub)."""
    moving = _data()["moving"]
    assert isinstance(moving, dict)
    commit = moving.get(action, {}).get(f"v{major}")
    return str(commit) if commit else None


def release_reads(action: str, tag: str) -> dict[str, str]:
    """The ``action.yml`` defaults of the inputs naming files ``action``'s ``tag`` reads
    (``cache-dependency-glob`` and the like); empty when it declares none."""
    table = _data().get("reads", {})
    assert isinstance(table, dict)
    found = table.get(action, {}).get(tag, {})
    return dict(found) if isinstance(found, dict) else {}


def latest_release(action: str, major: int | None = None) -> ActionRelease:
    """The newest release, or the newest of one major version."""
    rels = [r for r in releases(action) if major is None or r.major == major]
    if not rels:
        raise ActionError(f"{action} has no release v{major}.x.y")
    return rels[-1]


@functools.lru_cache(maxsize=1024)
def resolve_ref(action: str, ref: str) -> ResolvedRef:
    """Resolve ``ref`` (``v4``, ``v4.2``, ``v4.2.0``, a commit SHA, a branch) for ``action``.

    A moving major tag resolves to the release at the commit it pointed at in the snapshot
    (or the newest of that major); ``vX.Y`` to the newest ``vX.Y.Z``; a full or abbreviated
    SHA to the release tagged on that commit. Anything else (``main``, a fork's branch, an
    untagged commit) is taken as the newest release, inexactly.
    """
    rels = releases(action)
    m = re.fullmatch(r"v(\d+)(?:\.(\d+))?(?:\.(\d+))?", ref)
    if m:
        parts = [int(g) if g is not None else None for g in m.groups()]
        cands = [
            r
            for r in rels
            if all(p is None or p == v for p, v in zip(parts, r.version, strict=True))
        ]
        if not cands:
            wanted = tuple(p if p is not None else 0 for p in parts)
            if wanted > rels[-1].version:
                # Released after the snapshot: model it as the newest release known, and say so.
                return ResolvedRef(
                    ref,
                    rels[-1],
                    False,
                    f"{action}@{ref} is newer than the snapshot of {snapshot_date()}; modelled"
                    f" as the newest release known, {rels[-1].tag}",
                    beyond_snapshot=True,
                )
            raise ActionError(f"{action}@{ref}: no such release in the snapshot")
        if parts[1] is None:
            moving = _data()["moving"]
            assert isinstance(moving, dict)
            commit = moving.get(action, {}).get(f"v{parts[0]}")
            at = [r for r in cands if r.commit == commit]
            if at:
                return ResolvedRef(ref, at[-1], True)
        return ResolvedRef(ref, cands[-1], True)
    if re.fullmatch(r"[0-9a-f]{7,40}", ref):
        hits = [r for r in rels if r.commit.startswith(ref)]
        if hits:
            return ResolvedRef(ref, hits[-1], True)
        return ResolvedRef(
            ref,
            rels[-1],
            False,
            f"commit {ref} is not a release of {action} in the snapshot of {snapshot_date()};"
            f" modelled as the newest release, {rels[-1].tag}",
            beyond_snapshot=True,
        )
    return ResolvedRef(
        ref,
        rels[-1],
        False,
        f"{action}@{ref} is a branch or unknown ref: it runs whatever that ref holds now;"
        f" modelled as the newest release in the snapshot, {rels[-1].tag}",
    )


def snapshot_note(uses: str) -> str | None:
    """What an output says about ``uses`` (``owner/name@ref``) when its release is beyond the
    release snapshot (newer than it, or a commit it does not know); ``None`` otherwise,
    including for actions the snapshot does not model."""
    action, _, ref = uses.partition("@")
    if not ref:
        return None
    repository = "/".join(action.lower().split("/")[:2])  # gradle/actions/setup-gradle
    try:
        resolved = resolve_ref(repository, ref)
    except ActionError:
        return None
    return resolved.note if resolved.beyond_snapshot else None


def toolkit_supported(release: ActionRelease) -> bool:
    """Whether the release's ``@actions/cache`` still reaches the cache service on github.com.

    ``@actions/cache`` 4.0.0 moved to the rewritten cache service; every older version used the
    legacy service, which GitHub retired in February and March 2025 (actions/cache README;
    actions/toolkit discussion #1890).
    """
    if release.toolkit is None:
        return False
    return int(release.toolkit.split(".")[0]) >= 4
