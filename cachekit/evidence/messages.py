"""Every log message of GitHub's caching actions that says what a cache did, and where it is from.

Each pattern is written from the source that prints it (actions/cache ``src/restoreImpl.ts``,
``src/saveImpl.ts``, ``src/utils/actionUtils.ts``; actions/toolkit ``packages/cache/src/
cache.ts``, ``internal/downloadUtils.ts``, ``internal/uploadUtils.ts``, ``internal/
cacheHttpClient.ts``; actions/setup-python ``src/cache-distributions/cache-distributor.ts``,
``src/cache-save.ts``; setup-node and setup-go ``src/cache-restore.ts``, ``src/cache-save.ts``;
setup-java ``src/cache.ts``), including the wording of older releases where it differs:

* actions/cache v1 ends the miss line with a period (``Cache not found for input keys: a, b.``).
  Up to v3.0.4 (``@actions/cache`` < 3.0) the reservation failure is printed bare (``Unable to
  reserve cache with key K, another job may be creating this cache.``); from v3.0.5 it follows
  ``Failed to save: ``. On the legacy service ``@actions/cache`` 2.0.2+ appends `` More details:
  …`` (the service's reason, e.g. ``Cache already exists. Scope: …, Key: …, Version: …``).
* ``Cache restored successfully`` appears with ``@actions/cache`` 1.0.6 (actions/cache v2.1.4);
  ``Cache saved successfully`` is printed only by the legacy cache service.
* ``Cache hit for: K`` appears with ``@actions/cache`` 4.0.0 (actions/cache v4.2.0 and v3.4.0,
  the v2 cache service). Up to 4.0.3 it printed the *primary* key even when a restore key
  matched; from 4.0.4 (actions/cache v4.2.4) a restore-key or prefix match prints ``Cache hit for
  restore-key: M`` instead. Either way the key after ``Cache hit for:`` is the primary key.
* ``@actions/cache`` 4.0.0 alone warns ``Cache not found for keys: …`` on a miss; 4.0.1 made it a
  debug line, 4.0.3 ``Cache not found for version V of keys: …`` (debug logs only).
* The setup actions say ``Cache saved with the key: K`` (with "the"); setup-python before
  v6.3.0 prints it even when the save failed, after ``Failed to save: …``.
* ``@actions/cache`` 4.0.0–4.0.1 report an existing entry as a warning, ``Failed to save: Failed
  to CreateCacheEntry: Received non-retryable error: Failed request: (409) Conflict: cache entry
  with the same key, version, and scope already exists``.
* ``@actions/cache`` releases of mid-2026 (seen in actions' bundled ``dist/``; newer than the
  toolkit sources read here) warn ``Failed to save: Unable to reserve cache with key K. More
  details: cache write denied: …`` when the run's cache token is read-only.

Logged as ``[warning]…`` info lines by ``logWarning``, as ``##[warning]``/``##[error]`` by
``core.warning``/``core.error``/``core.setFailed``; :func:`classify` takes the text after that
prefix. A key never contains a comma (``checkKey`` rejects it), so key lists split exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..caches.actions.registry import log_patterns as registry_log_patterns

__all__ = ["Message", "classify", "split_keys"]


@dataclass(frozen=True)
class Message:
    """A recognised message: its ``kind``, the values it carries, and its log level."""

    kind: str
    args: tuple[str, ...]
    level: str


_KEY = r"([^,]*?)"
_NUM = r"([\d.]+|NaN|Infinity)"
"""A number as JavaScript's ``toFixed(1)`` prints it (``NaN`` when the total is 0 bytes)."""
_PATTERNS: tuple[tuple[str, str], ...] = (
    # -- restore: @actions/cache packages/cache/src/cache.ts restoreCacheV2 (4.0.0+)
    ("hit_restore_key", r"Cache hit for restore-key: (.*)"),
    ("hit_for", r"Cache hit for: (.*)"),
    # cache.ts restoreCacheV1/V2, lookupOnly (3.2.0+)
    ("lookup_only", r"Lookup only - skipping download"),
    # actions/cache src/restoreImpl.ts (v3.3.0+, lookup-only: true)
    ("found_lookup", r"Cache found and can be restored from key: (.*)"),
    # actions/cache restoreImpl.ts; setup-python cache-distributor.ts handleMatchResult;
    # setup-node/setup-go cache-restore.ts; setup-java cache.ts (also "<name> cache restored…")
    ("restored_from", r"Cache restored from key: (.*)"),
    ("restored_from", r"[\w.-]+ cache restored from key: (.*)"),
    # cache.ts restoreCacheV1/V2 (@actions/cache 1.0.6+)
    ("restored_ok", r"Cache restored successfully"),
    # internal/downloadUtils.ts DownloadProgress.display / uploadUtils.ts UploadProgress.display
    ("received", rf"Received (\d+) of (\d+) \({_NUM}%\), {_NUM} MBs/sec"),
    ("sent", rf"Sent (\d+) of (\d+) \({_NUM}%\), {_NUM} MBs/sec"),
    # cache.ts restoreCache*, cacheHttpClient.ts saveCache (legacy service)
    ("size", r"Cache Size: ~(\d+) MB \((\d+) B\)"),
    # actions/cache restoreImpl.ts (v1: trailing period)
    ("not_found_input", r"Cache not found for input keys: (.*)"),
    # setup-python/setup-node/setup-java: `${packageManager} cache is not found`; setup-go
    ("not_found_pm", r"(?:[\w.-]+ c|C)ache is not found"),
    # @actions/cache 4.0.0 (warning), 4.0.1-4.0.2 (debug); 4.0.3+ (debug)
    ("not_found_keys", r"Cache not found for keys: (.*)"),
    ("not_found_version", r"Cache not found for version (\S+) of keys: (.*)"),
    # actions/cache restoreImpl.ts, fail-on-cache-miss (v3.1.0+): setFailed
    (
        "fail_on_miss",
        r"Failed to restore cache entry\. Exiting as fail-on-cache-miss is set\. Input key: (.*)",
    ),
    # cache.ts restoreCache* catch: warning, or error for 5xx (@actions/cache 4.0.4+)
    ("failed_restore", r"Failed to restore: (.*)"),
    # -- save: actions/cache src/saveImpl.ts; setup-* cache-save.ts
    ("hit_no_save", r"Cache hit occurred on the primary key (.*), not saving cache\."),
    ("saved_ok", r"Cache saved successfully"),
    ("saved_with", r"Cache saved with (?:the )?key: (.*)"),
    # cache.ts saveCacheV1/V2 ReserveCacheError (info); v1/v2/v3.0 printed it bare
    (
        "reserve_exists",
        rf"(?:Failed to save: )?Unable to reserve cache with key {_KEY}, another job may be "
        r"creating this cache\.(?: More details: (.*))?",
    ),
    # cache.ts CacheWriteDeniedError (2026): warning
    (
        "reserve_refused",
        rf"(?:Failed to save: )?Unable to reserve cache with key {_KEY}\. More details: (.*)",
    ),
    ("reservation_failed", r"Cache reservation failed: (.*)"),
    (
        "finalize_exists",
        rf"(?:Failed to save: )?Unable to finalize cache with key {_KEY}, another job may be "
        r"finalizing this cache\.",
    ),
    (
        "over_limit",
        r"(?:Failed to save: )?Cache size of ~(\d+) MB \((\d+) B\) is over the (.*) limit, "
        r"not saving cache\.",
    ),
    # @actions/cache 4.0.0-4.0.1: a 409 from the v2 service, before 4.0.2 wrapped it as above
    ("conflict", r"Failed to save: (Failed to CreateCacheEntry: .*\(409\) Conflict.*)"),
    ("failed_save", r"Failed to save: (.*)"),
    # actions/cache src/saveImpl.ts saveOnlyRun (v3.2.0+): warning
    ("save_failed", r"Cache save failed\."),
    # cache.ts saveCache* (thrown, logged by the action as a warning)
    (
        "nothing_to_save",
        r"(Path Validation Error: Path\(s\) specified in the action for caching do\(es\) not "
        r"exist, hence no cache is being saved\.)",
    ),
    # setup-python cache-save.ts (v6.0.0+), setup-go cache-save.ts
    ("nothing_to_save", r"(Cache folder path is retrieved for .* but doesn't exist on disk: .*)"),
    ("nothing_to_save", r"(There are no cache folders on the disk)"),
    ("nothing_to_save", r"(Cache paths are empty\..*)"),
    ("no_key", r"(Key is not specified\.|Error retrieving key from state\.)"),
    ("no_key", r"(Primary key was not generated\..*)"),
    # -- either phase
    ("event_invalid", r"(Event Validation Error: .*)"),
    ("unavailable", r"(Cache action is only supported on GHES .*)"),
    ("validation", r"((?:Key|Path) Validation Error: .*)"),
    # -- the runner (actions/runner src/Runner.Worker/Handlers/ScriptHandler.cs; cancellation)
    ("exit_code", r"Process completed with exit code (-?\d+)\."),
    ("cancelled", r"The operation was canceled\."),
)
# The shared @actions/cache lines above first, then each caching action's own (its module in
# cachekit/caches/actions declares them), so a new action's log needs no edit here.
_COMPILED = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in dict.fromkeys((*_PATTERNS, *registry_log_patterns()))
)
_PREFIXES = (
    "Cache",
    "Received ",
    "Sent ",
    "Failed to ",
    "Unable to ",
    "Lookup only",
    "Path Validation",
    "Key Validation",
    "Event Validation",
    "Key is not",
    "Error retrieving",
    "Primary key was",
    "There are no cache",
    "Process completed",
    "The operation was",
)


def classify(text: str, level: str = "info") -> Message | None:
    """The message ``text`` is (after its level prefix), or ``None`` if it is not one of ours."""
    if not text.startswith(_PREFIXES) and " cache " not in text:
        return None
    for kind, pattern in _COMPILED:
        m = pattern.fullmatch(text)
        if m is not None:
            return Message(kind, tuple(g or "" for g in m.groups()), level)
    return None


def split_keys(text: str) -> tuple[str, ...]:
    """The keys of a ``Cache not found for … keys: a, b`` line (keys cannot contain commas)."""
    return tuple(text.split(", ")) if text else ()
