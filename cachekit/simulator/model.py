"""The simulator's vocabulary: cache uses, workflow runs, outcomes and service events.

A :class:`Run` is one workflow run as the cache service sees it: when it ran, on which ref,
for which event, and the cache steps its jobs executed (:class:`CacheRequest`, in step order).
What happened to each is a :class:`CacheOutcome`, phrased the way GitHub's logs and docs phrase
it (``cache-hit``, "Unable to reserve cache", "Path Validation Error"), with :class:`Cause`\\ s
that say *why* a step did not get an exact hit. Everything is a frozen value, so results can be
compared, hashed and replayed.

The rules these values feed are in ``/work/shared/spec/actions-cache.md`` (§3–§6); the code
that applies them is in :mod:`.scopes`, :mod:`.service` and :mod:`.simulate`.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ..caches.model import CacheStepKind

__all__ = [
    "GIB",
    "MIB",
    "CacheMode",
    "CacheOutcome",
    "CacheRequest",
    "Cause",
    "CauseCode",
    "EventKind",
    "Outcome",
    "Run",
    "SaveResult",
    "ServiceEvent",
    "Via",
    "as_utc",
    "format_size",
    "format_time",
    "full_ref",
]

MIB = 1024 * 1024
GIB = 1024 * MIB

Outcome = typing.Literal["hit", "restore", "miss", "n/a"]
"""``hit``: the primary key matched exactly (``cache-hit`` is ``'true'``); ``restore``: a
prefix of the primary key or a restore key matched (``'false'``); ``miss``: nothing restored
(``''``); ``n/a``: the step does not restore (``actions/cache/save``) or did not run."""

Via = typing.Literal["exact", "prefix", "restore-key", "restore-key-prefix"]
"""How the restored entry matched: the primary key exactly, an entry whose key starts with the
primary key, a restore key exactly, or an entry whose key starts with a restore key."""

SaveResult = typing.Literal[
    "saved",
    "exists",
    "skipped-exact-hit",
    "skipped-job-failed",
    "skipped-read-only",
    "skipped-no-files",
    "skipped-cache-mode",
    "too-large",
    "n/a",
]
"""What the save (post step, or ``actions/cache/save``) did. ``exists`` is the service's
"Unable to reserve cache with key …" (an entry with that key and version is already in the
scope); ``too-large`` is the client's refusal of archives over 10 GiB; ``n/a`` means the step
never saves (``actions/cache/restore``)."""

CauseCode = typing.Literal[
    "no-entry",
    "scope",
    "version",
    "evicted",
    "expired",
    "shadowed",
    "concurrent",
    "cache-mode",
    "not-run",
]
"""Why a restoring step did not get an exact hit (see :class:`Cause`)."""

CacheMode = typing.Literal["read", "write", "write-only", "none"]
"""The workflow/job ``cache-mode`` key (spec §4.10, since 2026-09)."""

EventKind = typing.Literal["saved", "refused", "evicted", "expired"]
"""What the service did: stored an entry, refused a save, or deleted an entry."""

_CACHE_MODES = frozenset(typing.get_args(CacheMode))


def as_utc(t: datetime) -> datetime:
    """``t`` in UTC; a naive datetime is taken to be UTC already (GitHub reports UTC)."""
    if t.tzinfo is None:
        return t.replace(tzinfo=timezone.utc)
    return t.astimezone(timezone.utc)


def full_ref(ref: str) -> str:
    """``main`` → ``refs/heads/main``: ``github.base_ref`` and settings give bare branch names."""
    return ref if ref.startswith("refs/") else "refs/heads/" + ref


def format_time(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M UTC")


def format_size(n: int) -> str:
    """Bytes in binary units, as GitHub's cache page prints them (``10 GiB``, ``512 MiB``)."""
    for unit, size in (("GiB", GIB), ("MiB", MIB), ("KiB", 1024)):
        if n >= size:
            value = n / size
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n} B"


@dataclass(frozen=True)
class CacheRequest:
    """One cache step of a job, with the key, restore keys and version it computed.

    ``version`` is the cache version hash (:func:`cachekit.caches.version.cache_version`): part
    of an entry's identity though no log shows it. ``size_bytes`` estimates the archive (``None``:
    the service's ``default_entry_size``). ``paths_match`` is false when the paths match no file
    at save time ("Path Validation Error": nothing is saved). ``save_always`` means the save
    runs although the job failed (a post step with ``save-always``, or ``actions/cache/save``
    under ``if: always()``). ``fail_on_cache_miss`` fails the step, hence the job, when nothing
    matched. ``label`` names the cache for reports and groups it into a key family across
    runs; ``job`` names the job the step belongs to (jobs of one run run concurrently).
    ``only_if`` is ``(label, outputs)``: the step runs only when the ``cache-hit`` output of
    the earlier step of the same job labelled ``label`` is one of ``outputs`` (an ``if:
    steps.<id>.outputs.cache-hit != 'true'`` on a save step).
    """

    primary_key: str
    version: str
    restore_keys: tuple[str, ...] = ()
    kind: CacheStepKind = CacheStepKind.RESTORE_AND_SAVE
    lookup_only: bool = False
    size_bytes: int | None = None
    paths_match: bool = True
    save_always: bool = False
    fail_on_cache_miss: bool = False
    label: str = ""
    job: str = ""
    only_if: tuple[str, frozenset[str]] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", CacheStepKind(self.kind))
        object.__setattr__(self, "restore_keys", tuple(self.restore_keys))
        if self.size_bytes is not None and self.size_bytes < 0:
            raise ValueError(f"negative cache size {self.size_bytes}")

    @property
    def restores(self) -> bool:
        return self.kind is not CacheStepKind.SAVE_ONLY

    @property
    def family(self) -> str:
        """What groups uses of "the same cache" across runs whose keys differ by a hash.

        The label when there is one; else the first restore key (conventionally the key minus
        its hash); else the primary key itself.
        """
        if self.label:
            return self.label
        return self.restore_keys[0] if self.restore_keys else self.primary_key


@dataclass(frozen=True)
class Run:
    """One workflow run: when, where (``ref``), why (``event``), and its cache steps.

    ``ref`` is ``GITHUB_REF`` (``refs/heads/x``, ``refs/tags/v1``, ``refs/pull/12/merge``,
    ``refs/heads/gh-readonly-queue/main/pr-5-…``); bare names are taken as branches.
    ``base_ref`` is the pull request's base branch (``github.base_ref``). ``untrusted`` says a
    non-collaborator could have caused the run; ``None`` derives it from the event
    (:func:`~cachekit.simulator.scopes.is_untrusted_event`). ``cache_mode`` is the effective
    ``cache-mode`` (the job's, else the workflow's). ``job_succeeded`` false means a step
    failed: post steps do not run, nor ``actions/cache/save`` steps (their position relative to
    the failure is unknown, so they are taken to come after it) unless ``save_always``.
    ``requests`` are in step order; steps of different ``job``\\ s run concurrently.
    """

    time: datetime
    ref: str
    event: str = "push"
    requests: tuple[CacheRequest, ...] = ()
    base_ref: str | None = None
    default_branch: str = "refs/heads/main"
    job_succeeded: bool = True
    cache_mode: CacheMode | None = None
    untrusted: bool | None = None
    label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "time", as_utc(self.time))
        object.__setattr__(self, "ref", full_ref(self.ref) if self.ref else self.ref)
        object.__setattr__(self, "default_branch", full_ref(self.default_branch))
        if self.base_ref:
            object.__setattr__(self, "base_ref", full_ref(self.base_ref))
        object.__setattr__(self, "requests", tuple(self.requests))
        if self.cache_mode is not None and self.cache_mode not in _CACHE_MODES:
            modes = ", ".join(sorted(_CACHE_MODES))
            raise ValueError(f"cache-mode must be one of {modes}, not {self.cache_mode!r}")


@dataclass(frozen=True)
class Cause:
    """One reason a restoring step got less than an exact hit, in the service's terms.

    ``no-entry``: nothing with the primary key (and this version) in any readable scope;
    ``scope``: such an entry exists in a scope this run cannot read; ``version``: an entry with
    the key exists in a readable scope but with another version (paths, compression, OS);
    ``evicted``/``expired``: the entry existed and was deleted (``time`` says when);
    ``shadowed``: the entry exists in a later readable scope but a restore key matched first in
    an earlier one; ``concurrent``: another job of the same run saves it, too late to be seen;
    ``cache-mode``: the restore was skipped by ``cache-mode``; ``not-run``: an earlier step
    failed the job.
    """

    code: CauseCode
    explanation: str
    scope: str | None = None
    time: datetime | None = None


@dataclass(frozen=True)
class CacheOutcome:
    """What one :class:`CacheRequest` did in one run.

    ``matched_key``/``matched_scope``/``via`` describe the restored entry; ``cache_hit_output``
    is the step's ``cache-hit`` output. ``save_result`` says what the save did and
    ``save_explanation`` why; ``save_scope`` is where it saved or tried to. ``causes`` explain
    a non-hit, most relevant first; ``searched_scopes`` are the scopes looked in, in order.
    """

    request: CacheRequest
    outcome: Outcome
    matched_key: str | None = None
    matched_scope: str | None = None
    via: Via | None = None
    cache_hit_output: typing.Literal["true", "false", ""] = ""
    save_result: SaveResult = "n/a"
    save_scope: str | None = None
    save_explanation: str = ""
    causes: tuple[Cause, ...] = ()
    searched_scopes: tuple[str, ...] = field(default=())

    @property
    def saved(self) -> bool:
        return self.save_result == "saved"

    @property
    def cause(self) -> CauseCode | None:
        """The main cause of a non-hit (``None`` for a hit or a step that does not restore)."""
        return self.causes[0].code if self.causes else None

    @property
    def explanation(self) -> str:
        return self.causes[0].explanation if self.causes else ""


@dataclass(frozen=True)
class ServiceEvent:
    """Something the service did, for the log: ``saved``, ``refused`` (``reason`` says why:
    ``exists`` or ``read-only``), ``evicted`` or ``expired``. ``run_index`` is the position of
    the run that caused it in the simulated stream (``None`` for seeded entries and deletions).
    """

    time: datetime
    kind: EventKind
    scope: str
    key: str
    version: str
    size_bytes: int
    run_index: int | None = None
    label: str = ""
    reason: str = ""
