"""What a run's logs prove about its caches: jobs, steps, and cache events, as typed records.

A log only says what its actions printed, so every record here keeps to what was printed and
says where: each :class:`CacheEvent` carries the file and line of the message that decided it,
and a value the log never showed is ``None`` rather than a guess. ``cachekit audit`` compares
these records with predicted outcomes; it needs to tell "the log says miss" from "the log says
nothing".
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..errors import CachekitError

__all__ = [
    "CacheEvent",
    "Conclusion",
    "EvidenceError",
    "JobLog",
    "LogBundle",
    "Outcome",
    "Phase",
    "StepLog",
]

Phase = typing.Literal["restore", "save"]

Outcome = typing.Literal["hit", "restore", "miss", "saved", "exists", "skipped", "failed"]
"""What one restore or save did.

restore phase: ``hit`` (the matched key is the primary key), ``restore`` (a restore key or a
longer key matched, or the primary key never appeared in the log), ``miss`` (nothing matched),
``skipped`` (the action did not look: unsupported event, no cache service), ``failed`` (the
lookup or download failed; the step went on without a cache).

save phase: ``saved`` (a new entry was written), ``exists`` (the service refused to reserve the
key: an entry with that key and version exists or another job is writing it), ``skipped`` (the
action chose not to save: exact hit, nothing at the paths, no key), ``failed`` (the attempt
failed: upload or server error, write denied, too large).
"""

Conclusion = typing.Literal["success", "failure", "cancelled"]


class EvidenceError(CachekitError):
    """Evidence that cannot be read at all: a missing file, a corrupt archive, malformed JSON.

    Individual bad files inside an archive or folder are not errors: they are skipped and
    listed in :attr:`LogBundle.problems`.
    """


def _span(start: datetime | None, end: datetime | None) -> timedelta | None:
    if start is None or end is None:
        return None
    return end - start


@dataclass(frozen=True)
class StepLog:
    """One step of a job, as far as its log lines show it.

    ``started_at`` is the first timestamped line; ``finished_at`` is the first line of the next
    step when there is one (a step can stay silent after its last line), else the step's own
    last line. ``None`` when the step printed no timestamped line. ``action`` is the action the
    step ran (``actions/cache@v4``), from its ``Run …`` header, or for a post step from its main
    step. ``conclusion`` is ``failure`` or ``cancelled`` when the step printed an error that ends
    a step, else ``None`` — a step that printed no error may still have failed silently, or
    failed under ``continue-on-error``.
    """

    name: str
    number: int | None
    started_at: datetime | None
    finished_at: datetime | None
    source: str
    action: str | None = None
    post: bool = False
    conclusion: Conclusion | None = None

    @property
    def duration(self) -> timedelta | None:
        return _span(self.started_at, self.finished_at)


@dataclass(frozen=True)
class CacheEvent:
    """One restore or save of one cache, as printed by the caching action.

    ``key`` is the primary key (from the step's ``with:`` echo or from a message that names
    it), ``matched_key`` the key that was restored. ``size_bytes`` is the archive size the
    toolkit printed; ``transferred_bytes``/``throughput_mbs`` come from its last ``Received …``
    or ``Sent …`` progress line, and ``transfer_seconds`` is the toolkit's own elapsed time
    implied by that line (bytes ÷ MB/s, ``None`` when the rate printed as 0.0). ``version`` is
    the cache version, which only a debug log prints. ``detail`` is the message text that
    decided the outcome when it explains more than the outcome does. ``timestamp``, ``line``
    and ``source`` locate that message; ``step_index`` is the position of ``step`` in its job's
    :attr:`JobLog.steps`. The duration of the restore is the duration of that step
    (:meth:`LogBundle.step_of`).
    """

    job: str
    step: str
    action: str | None
    phase: Phase
    outcome: Outcome
    key: str | None
    matched_key: str | None
    restore_keys: tuple[str, ...]
    paths: tuple[str, ...]
    timestamp: datetime | None
    line: int
    source: str
    step_index: int = 0
    lookup_only: bool = False
    size_bytes: int | None = None
    transferred_bytes: int | None = None
    throughput_mbs: float | None = None
    transfer_seconds: float | None = None
    version: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class JobLog:
    """One job: its steps in order and the cache events they printed.

    ``name`` is the job name as the evidence gives it (a zip archive's folder and file names
    are sanitised by GitHub: ``/`` and ``:`` dropped, long names cut). ``started_at`` is the
    runner's first line (the queueing preamble — ``Requested labels``, ``Waiting for a
    runner`` — is not counted), ``finished_at`` its last. ``conclusion`` is inferred: ``failure``
    or ``cancelled`` when a step printed an error that ends it, ``success`` when the job reached
    ``Complete job`` without one, ``None`` when the log does not say.
    """

    name: str
    started_at: datetime | None
    finished_at: datetime | None
    steps: tuple[StepLog, ...]
    events: tuple[CacheEvent, ...]
    sources: tuple[str, ...]
    conclusion: Conclusion | None = None

    @property
    def duration(self) -> timedelta | None:
        return _span(self.started_at, self.finished_at)

    def step(self, name: str) -> StepLog | None:
        """The first step with this name."""
        return next((s for s in self.steps if s.name == name), None)


@dataclass(frozen=True)
class LogBundle:
    """Everything read from one path: jobs in the order found, and what could not be read.

    ``problems`` holds one line per skipped file or member, naming it and saying why.
    """

    source: str
    jobs: tuple[JobLog, ...]
    problems: tuple[str, ...] = ()

    @property
    def events(self) -> tuple[CacheEvent, ...]:
        """Every cache event of every job, job by job, in log order."""
        return tuple(e for job in self.jobs for e in job.events)

    def job(self, name: str) -> JobLog | None:
        return next((j for j in self.jobs if j.name == name), None)

    def step_of(self, event: CacheEvent) -> StepLog | None:
        """The step that printed ``event`` (its duration is the restore or save time)."""
        job = self.job(event.job)
        if job is None or not 0 <= event.step_index < len(job.steps):
            return None
        return job.steps[event.step_index]
