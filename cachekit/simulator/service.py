"""The cache service: entries per scope, lookup, immutable saves, expiry and LRU eviction.

GitHub's cache service is closed source; this follows the documented behaviour (spec §3, §5.13,
§6). An entry is identified by its scope, key and version; keys compare case-insensitively.
Lookup searches one scope at a time and, within a scope, each key in turn, exact match before
prefix match, the most recently created entry winning among prefix matches. Saves never
overwrite. Entries not accessed for ``expiry`` are deleted; when the entries total more than
``limit_bytes``, the least recently accessed are evicted, across all scopes, until the total
fits.

Time only moves forward (:meth:`CacheService.advance`). Deletions are evaluated lazily when
time advances, but each is logged at the instant it belongs to: an expiry at the moment the
entry's last access became ``expiry`` old, an eviction at the time of the eviction pass (the
save that overfilled the cache plus ``eviction_delay``), so a later miss can cite it.
"""

from __future__ import annotations

import itertools
import typing
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from .model import GIB, MIB, Cause, EventKind, ServiceEvent, Via, as_utc, format_size, format_time

__all__ = ["CacheEntry", "CacheService", "Match", "fold_key"]


def fold_key(key: str) -> str:
    """The form keys are compared in. The action compares with ``localeCompare`` at accent
    sensitivity and the service case-insensitively; ``casefold`` agrees on ASCII keys, which is
    what cache keys are in practice."""
    return key.casefold()


@dataclass(frozen=True)
class CacheEntry:
    """One stored cache entry. ``key`` keeps the case it was saved with; ``seq`` is the
    creation order (it breaks ties between entries created in the same second). ``run_index``
    and ``job`` say which run (the caller's numbering) and job saved it; ``run_serial`` is the
    service's own numbering of runs (:meth:`CacheService.begin_run`), which tells concurrent
    jobs' saves apart from earlier runs' whatever numbering the caller uses."""

    scope: str
    key: str
    version: str
    size_bytes: int
    created_at: datetime
    last_accessed_at: datetime
    seq: int = 0
    run_index: int | None = None
    job: str = ""
    label: str = ""
    run_serial: int | None = None


@dataclass(frozen=True)
class Match:
    """A lookup's result: the entry, how it matched, and which key (0 = primary) matched it."""

    entry: CacheEntry
    via: Via
    key_index: int


_Identity = tuple[str, str, str]


def _identity(scope: str, key: str, version: str) -> _Identity:
    return (scope, fold_key(key), version)


class CacheService:
    """An in-memory model of one repository's GitHub Actions cache.

    ``limit_bytes`` is the repository's cache size limit (10 GiB by default; configurable and
    billed beyond since 2025). ``expiry`` is how long an entry survives without being accessed
    (7 days; configurable up to 90/365). ``default_entry_size`` stands in for requests without
    a size estimate. ``eviction_delay`` is how long after an overfilling save the eviction pass
    runs: GitHub evicts asynchronously, "within hours", without a documented bound, so the
    default is 0 (evict at the end of the run that overfilled); a delay lets later runs still
    hit entries that are doomed.
    """

    def __init__(
        self,
        *,
        limit_bytes: int = 10 * GIB,
        expiry: timedelta = timedelta(days=7),
        default_entry_size: int = 256 * MIB,
        eviction_delay: timedelta = timedelta(0),
    ) -> None:
        if limit_bytes <= 0 or default_entry_size < 0:
            raise ValueError("limit_bytes must be positive and default_entry_size non-negative")
        if expiry <= timedelta(0) or eviction_delay < timedelta(0):
            raise ValueError("expiry must be positive and eviction_delay non-negative")
        self.limit_bytes = limit_bytes
        self.expiry = expiry
        self.default_entry_size = default_entry_size
        self.eviction_delay = eviction_delay
        self._entries: dict[_Identity, CacheEntry] = {}
        self._bytes = 0  # the live entries' total size, kept as entries come and go
        # No live entry was accessed before this instant (None: not known): accesses only
        # move forward, so until it is ``expiry`` old nothing can expire.
        self._floor: datetime | None = None
        self._touched: dict[_Identity, int] = {}  # access order, for LRU ties
        self._removed: dict[_Identity, ServiceEvent] = {}
        self._events: list[ServiceEvent] = []
        self._passes: deque[datetime] = deque()
        self._now: datetime | None = None
        self._seq = itertools.count()
        self._clock = itertools.count()
        self._runs = itertools.count()

    # -- state ---------------------------------------------------------------------------------

    @property
    def now(self) -> datetime | None:
        """The time the service has advanced to (``None`` before the first run)."""
        return self._now

    @property
    def total_bytes(self) -> int:
        return self._bytes

    @property
    def events(self) -> tuple[ServiceEvent, ...]:
        return tuple(self._events)

    def entries(self) -> tuple[CacheEntry, ...]:
        """The live entries, oldest created first."""
        return tuple(sorted(self._entries.values(), key=lambda e: e.seq))

    def entry(self, scope: str, key: str, version: str) -> CacheEntry | None:
        return self._entries.get(_identity(scope, key, version))

    def add_entry(
        self,
        scope: str,
        key: str,
        version: str,
        size_bytes: int,
        created_at: datetime,
        last_accessed_at: datetime | None = None,
        *,
        label: str = "",
    ) -> CacheEntry:
        """Seed an entry that exists before the simulation (e.g. from ``gh cache list``)."""
        created_at = as_utc(created_at)
        accessed = as_utc(last_accessed_at) if last_accessed_at else created_at
        ident = _identity(scope, key, version)
        if ident in self._entries:
            raise ValueError(f"entry {key!r} (version {version[:12]}) already in {scope}")
        entry = CacheEntry(scope, key, version, size_bytes, created_at, accessed, next(self._seq))
        entry = replace(entry, label=label)
        self._entries[ident] = entry
        self._bytes += size_bytes
        self._floor = None  # a seeded entry may be older than every other
        self._touched[ident] = next(self._clock)
        self._schedule_eviction(self._now or accessed)
        return entry

    def begin_run(self) -> int:
        """A fresh serial for the run about to execute (:attr:`CacheEntry.run_serial`)."""
        return next(self._runs)

    # -- time ----------------------------------------------------------------------------------

    def advance(self, now: datetime) -> None:
        """Move time forward to ``now``, applying due expiries and eviction passes in order."""
        now = as_utc(now)
        if self._now is not None and now < self._now:
            raise ValueError(
                f"runs must be in time order: {format_time(now)} is before {format_time(self._now)}"
            )
        while True:
            expiring = None
            if self._floor is None or self._floor + self.expiry <= now:
                expiring = min(
                    self._entries.items(),
                    key=lambda item: (item[1].last_accessed_at, self._touched[item[0]]),
                    default=None,
                )
                self._floor = expiring[1].last_accessed_at if expiring else None
            due_expiry = expiring[1].last_accessed_at + self.expiry if expiring else None
            due_pass = self._passes[0] if self._passes else None
            if (
                expiring
                and due_expiry
                and due_expiry <= now
                and (due_pass is None or due_expiry <= due_pass)
            ):
                self._remove(
                    expiring[0], due_expiry, "expired", "not accessed for " + _days(self.expiry)
                )
            elif due_pass is not None and due_pass <= now:
                self._passes.popleft()
                self._evict(due_pass)
            else:
                break
        self._now = now

    def _schedule_eviction(self, at: datetime) -> None:
        if self.total_bytes > self.limit_bytes:
            self._passes.append(at + self.eviction_delay)

    def _evict(self, at: datetime) -> None:
        while self.total_bytes > self.limit_bytes:
            victim = min(
                self._entries, key=lambda i: (self._entries[i].last_accessed_at, self._touched[i])
            )
            reason = f"least recently used; the cache was over {format_size(self.limit_bytes)}"
            self._remove(victim, at, "evicted", reason)

    def _remove(
        self,
        ident: _Identity,
        at: datetime,
        kind: typing.Literal["evicted", "expired"],
        reason: str,
    ) -> None:
        entry = self._entries.pop(ident)
        self._bytes -= entry.size_bytes
        del self._touched[ident]
        event = ServiceEvent(
            at,
            kind,
            entry.scope,
            entry.key,
            entry.version,
            entry.size_bytes,
            label=entry.label,
            reason=reason,
        )
        self._events.append(event)
        self._removed[ident] = event

    # -- lookup and save -----------------------------------------------------------------------

    def lookup(
        self,
        scopes: Sequence[str],
        keys: Sequence[str],
        version: str,
        *,
        visible: Callable[[CacheEntry], bool] | None = None,
        touch: bool = True,
    ) -> Match | None:
        """The entry a restore gets (spec §3), marked accessed now unless ``touch`` is false.

        Scope by scope; within a scope each key in order, exact then prefix (the newest created
        prefix match wins); only entries with ``version`` and passing ``visible`` count.
        """
        for scope in scopes:
            found = self._find(scope, keys, version, visible)
            if found:
                if touch:
                    self._touch(found.entry)
                return found
        return None

    def _find(
        self,
        scope: str,
        keys: Sequence[str],
        version: str,
        visible: Callable[[CacheEntry], bool] | None,
    ) -> Match | None:
        # The identity holds the folded key: no key is folded again per lookup.
        candidates = [
            (ident[1], e)
            for ident, e in self._entries.items()
            if ident[0] == scope and ident[2] == version and (visible is None or visible(e))
        ]
        for i, key in enumerate(keys):
            folded = fold_key(key)
            exact = [e for k, e in candidates if k == folded]
            if exact:
                return Match(exact[0], "exact" if i == 0 else "restore-key", i)
            prefixed = [e for k, e in candidates if k.startswith(folded)]
            if prefixed:
                newest = max(prefixed, key=lambda e: (e.created_at, e.seq))
                return Match(newest, "prefix" if i == 0 else "restore-key-prefix", i)
        return None

    def _touch(self, entry: CacheEntry) -> None:
        ident = _identity(entry.scope, entry.key, entry.version)
        assert self._now is not None
        self._entries[ident] = replace(entry, last_accessed_at=self._now)
        self._touched[ident] = next(self._clock)

    def save(
        self,
        scope: str,
        key: str,
        version: str,
        size_bytes: int,
        *,
        read_only: bool = False,
        run_index: int | None = None,
        job: str = "",
        label: str = "",
        run_serial: int | None = None,
    ) -> tuple[typing.Literal["saved", "exists", "read-only"], CacheEntry | None]:
        """Reserve and store an entry now: ``("saved", entry)``, ``("exists", existing)`` when
        (scope, key, version) is taken (entries are immutable; the first saver wins), or
        ``("read-only", None)`` when the token cannot write. Refusals are logged too."""
        if self._now is None:
            raise ValueError("advance() the service to the run's time before saving")
        ident = _identity(scope, key, version)
        existing = self._entries.get(ident)
        refusal: typing.Literal["exists", "read-only"] | None = (
            "read-only" if read_only else "exists" if existing else None
        )
        kind: EventKind = "refused" if refusal else "saved"
        self._events.append(
            ServiceEvent(
                self._now, kind, scope, key, version, size_bytes, run_index, label, refusal or ""
            )
        )
        if refusal:
            return refusal, existing
        entry = CacheEntry(
            scope=scope,
            key=key,
            version=version,
            size_bytes=size_bytes,
            created_at=self._now,
            last_accessed_at=self._now,
            seq=next(self._seq),
            run_index=run_index,
            job=job,
            label=label,
            run_serial=run_serial,
        )
        self._entries[ident] = entry
        self._bytes += size_bytes
        self._touched[ident] = next(self._clock)
        self._removed.pop(ident, None)
        self._schedule_eviction(self._now)
        return "saved", entry

    # -- explanations --------------------------------------------------------------------------

    def explain(
        self,
        scopes: Sequence[str],
        key: str,
        version: str,
        match: Match | None,
        *,
        visible: Callable[[CacheEntry], bool] | None = None,
    ) -> tuple[Cause, ...]:
        """Why a lookup of primary ``key`` in ``scopes`` did not hit it exactly, most relevant
        first; call after :meth:`lookup`, before time advances. ``no-entry`` only when nothing
        else explains it."""
        readable = list(scopes)
        folded = fold_key(key)
        same_key = [e for e in self._entries.values() if fold_key(e.key) == folded]
        mine = [e for e in same_key if e.version == version and e.scope in readable]
        causes = [_concurrent(e) for e in mine if visible is not None and not visible(e)]
        if match is not None:
            hit_at = readable.index(match.entry.scope)
            later = sorted(
                (readable.index(e.scope), e.scope)
                for e in mine
                if readable.index(e.scope) > hit_at and (visible is None or visible(e))
            )
            if later:
                causes.append(_shadowed(later[0][1], match))
        causes += self._removal(readable, folded, version)
        other = sorted(
            (e for e in same_key if e.scope in readable and e.version != version),
            key=lambda e: readable.index(e.scope),
        )
        if other:
            versions = ", ".join(sorted({e.version[:12] for e in other}))
            causes.append(
                Cause(
                    "version",
                    f"entry with this key exists in scope {other[0].scope} but its version "
                    f"differs (paths/compression/OS): {versions} vs this step's {version[:12]}",
                    other[0].scope,
                )
            )
        foreign = sorted(
            {e.scope for e in same_key if e.scope not in readable and e.version == version}
        )
        if foreign:
            causes.append(
                Cause(
                    "scope",
                    f"entry exists in scope {', '.join(foreign)} but this run cannot read it "
                    f"(it reads {', '.join(readable)})",
                    foreign[0],
                )
            )
        if not causes:
            where = ", ".join(readable)
            causes.append(Cause("no-entry", f"no entry with this key in readable scopes ({where})"))
        return tuple(causes)

    def _removal(self, readable: list[str], folded: str, version: str) -> list[Cause]:
        """The latest deletion of this (key, version) from a readable scope, if any."""
        removals = [self._removed.get((s, folded, version)) for s in readable]
        found = [ev for ev in removals if ev is not None]
        if not found:
            return []
        last = max(found, key=lambda ev: ev.time)
        text = f"entry was {last.kind} at {format_time(last.time)} ({last.reason})"
        return [
            Cause("evicted" if last.kind == "evicted" else "expired", text, last.scope, last.time)
        ]


def _concurrent(e: CacheEntry) -> Cause:
    job = e.job or "(unnamed)"
    return Cause(
        "concurrent",
        f"entry is being saved in scope {e.scope} by job {job} of this same run; concurrent "
        "jobs do not see each other's saves",
        e.scope,
        e.created_at,
    )


def _shadowed(scope: str, match: Match) -> Cause:
    first = "a restore key" if match.key_index else "an entry whose key starts with this key"
    return Cause(
        "shadowed",
        f"entry with this key exists in scope {scope}, but {first} matched first in scope "
        f"{match.entry.scope} (scopes are searched one at a time)",
        scope,
    )


def _days(d: timedelta) -> str:
    if d % timedelta(days=1) == timedelta(0):
        n = d // timedelta(days=1)
        return f"{n} day" + ("s" if n != 1 else "")
    return str(d)
