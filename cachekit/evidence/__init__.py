"""Evidence of what CI caches actually did: GitHub Actions run logs and cache listings.

:func:`read_logs` reads a run's log archive (or a folder of extracted logs, a job log, or
``gh run view --log`` output) into :class:`JobLog` records — steps with their times — and the
:class:`CacheEvent` each restore and save printed: hit, restore-key hit, miss, saved, already
exists, skipped, failed, with keys, sizes and transfer rates where the log shows them.
:func:`read_cache_list` reads ``gh cache list --json …`` or the REST API's cache list into
:class:`CacheEntry` records. Nothing is run and nothing is fetched: these read files the user
downloaded.
"""

from __future__ import annotations

from .ghcache import CacheEntry, CacheListError, parse_cache_list, read_cache_list
from .logs import read_log_text, read_logs
from .model import (
    CacheEvent,
    Conclusion,
    EvidenceError,
    JobLog,
    LogBundle,
    Outcome,
    Phase,
    StepLog,
)

__all__ = [
    "CacheEntry",
    "CacheEvent",
    "CacheListError",
    "Conclusion",
    "EvidenceError",
    "JobLog",
    "LogBundle",
    "Outcome",
    "Phase",
    "StepLog",
    "parse_cache_list",
    "read_cache_list",
    "read_log_text",
    "read_logs",
]
