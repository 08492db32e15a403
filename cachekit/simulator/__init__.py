"""A model of GitHub's Actions cache service, to predict what a history of runs gets.

Feed :func:`simulate` a time-ordered stream of :class:`Run`\\ s, each with the cache steps
(:class:`CacheRequest`) its jobs execute, and get, per step, what the service does: an exact
hit, a partial restore or a miss — with the causes in the service's terms (scope, version,
eviction, expiry…) — and whether the save stored an entry. The rules are GitHub's documented
ones (``/work/shared/spec/actions-cache.md`` §3–§6): scope-by-scope lookup, exact-then-prefix
key matching, case-insensitive keys, immutable entries, the post step's save rules, read-only
tokens and ``cache-mode``, seven-day expiry and least-recently-used eviction over the limit.
Pure library: no network, no clock but the runs' own times.
"""

from __future__ import annotations

from .model import (
    GIB,
    MIB,
    CacheMode,
    CacheOutcome,
    CacheRequest,
    Cause,
    CauseCode,
    EventKind,
    Outcome,
    Run,
    SaveResult,
    ServiceEvent,
    Via,
)
from .scopes import (
    CACHE_MODE_SINCE,
    READ_ONLY_TOKENS_SINCE,
    effective_cache_mode,
    is_untrusted_event,
    read_only_token,
    readable_scopes,
    run_scope,
    write_scope,
)
from .service import CacheEntry, CacheService, Match, fold_key
from .simulate import ENTRY_SIZE_LIMIT, RunResult, SimulationResult, Stats, run_once, simulate

__all__ = [
    "CACHE_MODE_SINCE",
    "ENTRY_SIZE_LIMIT",
    "GIB",
    "MIB",
    "READ_ONLY_TOKENS_SINCE",
    "CacheEntry",
    "CacheMode",
    "CacheOutcome",
    "CacheRequest",
    "CacheService",
    "Cause",
    "CauseCode",
    "EventKind",
    "Match",
    "Outcome",
    "Run",
    "RunResult",
    "SaveResult",
    "ServiceEvent",
    "SimulationResult",
    "Stats",
    "Via",
    "effective_cache_mode",
    "fold_key",
    "is_untrusted_event",
    "read_only_token",
    "readable_scopes",
    "run_once",
    "run_scope",
    "simulate",
    "write_scope",
]
