"""``audit``: why did CI get slow? The commits and inputs that broke the cache, with evidence.

From the history alone, ``predict`` says which commits changed which keys (the *key
breakers*) and what the service did (evictions, expiry). Given real run logs, the audit adds
what happened: job and restore durations, which jobs missed their caches and what a miss costs
(the median duration of that job when it missed, minus when it hit), and where the logs
disagree with the prediction — explained with ``gh cache list`` output when given (a version
that differs, an entry saved in another scope, an entry no longer there).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from .encoding import json_spec
from .evidence import CacheEntry, CacheEvent, JobLog, read_cache_list, read_logs
from .predict import PredictedCache, PredictOptions, PredictResult, predict

__all__ = ["AuditResult", "Breaker", "Disagreement", "Incident", "JobCost", "audit"]

_VOLATILE = ("github.sha", "github.run_id", "github.run_number", "github.run_attempt")


@dataclass(frozen=True)
class Breaker:
    """A commit that changed cache keys, and what it changed."""

    commit: str
    time: str
    subject: str
    caches: int  # cache uses whose key it changed
    misses: int  # of those, how many found nothing at all
    restores: int  # and how many only restored an older entry by a restore key
    inputs: tuple[str, ...]


@dataclass(frozen=True)
class JobCost:
    """One job name across the logs: how long it takes when its caches hit and miss."""

    job: str
    runs: int
    hit_runs: int
    miss_runs: int
    median_hit_seconds: float | None
    median_miss_seconds: float | None
    median_restore_seconds: float | None
    missed_keys: tuple[str, ...]

    __json_properties__: ClassVar[tuple[str, ...]] = (
        "miss_cost_seconds",
        "miss_cost_minutes",
        "total_miss_minutes",
    )

    @property
    def miss_cost_seconds(self) -> float | None:
        if self.median_hit_seconds is None or self.median_miss_seconds is None:
            return None
        return round(self.median_miss_seconds - self.median_hit_seconds, 1)

    @property
    def miss_cost_minutes(self) -> float | None:
        """What one miss cost, in minutes (the job's median with a miss minus with hits)."""
        cost = self.miss_cost_seconds
        return None if cost is None else round(cost / 60, 1)

    @property
    def total_miss_minutes(self) -> float | None:
        """What all the job's misses in the logs cost, in minutes."""
        cost = self.miss_cost_minutes
        return None if cost is None else round(cost * self.miss_runs, 1)


IncidentKind = Literal["failed-save", "reservation-conflict", "restore-timeout", "failed-restore"]
"""What went wrong in a cache step, as its log says: a save that failed (upload, server,
size), a save refused because another job was creating or had created the same key
("Unable to reserve cache with key …, another job may be creating this cache"), a restore that
gave up on a download that took too long, or another failed restore."""

_TIMEOUT = re.compile(r"time(?:d)? ?out|timeout|exceeded the timeout|aborting", re.IGNORECASE)


@dataclass(frozen=True)
class Incident:
    """One cache step that did not do its job, located in the logs."""

    kind: IncidentKind
    job: str
    step: str
    key: str | None
    detail: str
    source: str
    step_seconds: float | None  # the step's duration when the log gives one


@dataclass(frozen=True)
class Disagreement:
    key: str
    job: str
    observed: str
    predicted: str | None
    explanation: str
    source: str


@dataclass(frozen=True)
class AuditResult:
    # In JSON only the history's summary (predict --json has the runs).
    prediction: PredictResult | None = field(
        metadata=json_spec(derive=lambda a: {"summary": a.prediction and a.prediction.summary})
    )
    breakers: tuple[Breaker, ...]
    jobs: tuple[JobCost, ...]
    disagreements: tuple[Disagreement, ...]
    observed: tuple[CacheEvent, ...] = field(
        metadata=json_spec(value=lambda events: [_event_json(e) for e in events])
    )
    cache_entries: tuple[CacheEntry, ...] = field(
        metadata=json_spec(name="cache_list", value=lambda entries: _list_json(entries))  # noqa: PLW0108 - defined below
    )
    problems: tuple[str, ...] = field(default=())
    incidents: tuple[Incident, ...] = field(default=())


def _event_json(e: CacheEvent) -> dict[str, Any]:
    """A cache event from the logs: what it did, and the log line it was read from."""
    return {
        "job": e.job,
        "step": e.step,
        "action": e.action,
        "phase": e.phase,
        "outcome": e.outcome,
        "key": e.key,
        "matched_key": e.matched_key,
        "size_bytes": e.size_bytes,
        "source": f"{e.source}:{e.line}",
    }


def _list_json(entries: tuple[CacheEntry, ...]) -> dict[str, int]:
    """The cache list in short: how many entries, how many bytes."""
    return {"entries": len(entries), "total_bytes": sum(e.size_bytes or 0 for e in entries)}


def _breakers(prediction: PredictResult, top: int) -> list[Breaker]:
    by_commit: dict[str, list[PredictedCache]] = defaultdict(list)
    runs = {r.commit: r for r in prediction.runs}
    for run in prediction.runs:
        for c in run.caches:
            # A key on github.sha or run ids changes by design at every commit: that is a
            # volatile key (explain flags it), not a commit breaking the cache.
            if any(not item.startswith(_VOLATILE) for item in c.changed):
                by_commit[run.commit].append(c)
    out = []
    for commit, caches in by_commit.items():
        run = runs[commit]
        inputs = Counter(
            item.split(" changed in ")[0]
            for c in caches
            for item in c.changed
            if not item.startswith(_VOLATILE)
        )
        out.append(
            Breaker(
                commit=commit,
                time=run.time,
                subject=run.subject,
                caches=len(caches),
                misses=sum(1 for c in caches if c.outcome == "miss"),
                restores=sum(1 for c in caches if c.outcome == "restore"),
                inputs=tuple(k for k, _ in inputs.most_common()),
            )
        )
    out.sort(key=lambda b: (-b.misses, -b.restores, -b.caches, b.time))
    return out[:top]


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _job_costs(jobs: list[JobLog]) -> list[JobCost]:
    by_name: dict[str, list[JobLog]] = defaultdict(list)
    for job in jobs:
        by_name[job.name].append(job)
    out = []
    for name, runs in sorted(by_name.items()):
        hit: list[float] = []
        miss: list[float] = []
        restore_times: list[float] = []
        missed: list[str] = []
        for job in runs:
            restores = [e for e in job.events if e.phase == "restore"]
            if not restores or job.duration is None:
                continue
            seconds = job.duration.total_seconds()
            if any(e.outcome == "miss" for e in restores):
                miss.append(seconds)
                missed.extend(e.key for e in restores if e.outcome == "miss" and e.key)
            else:
                hit.append(seconds)
            for e in restores:
                step = next((s for s in job.steps if s.name == e.step), None)
                if step is not None and step.duration is not None:
                    restore_times.append(step.duration.total_seconds())
        if hit or miss:
            out.append(
                JobCost(
                    name,
                    len(runs),
                    len(hit),
                    len(miss),
                    _median(hit),
                    _median(miss),
                    _median(restore_times),
                    tuple(dict.fromkeys(missed)),
                )
            )
    return out


def _incident_kind(event: CacheEvent) -> IncidentKind | None:
    if event.phase == "save" and event.outcome == "failed":
        return "failed-save"
    if event.phase == "save" and event.outcome == "exists":
        return "reservation-conflict"
    if event.phase == "restore" and event.outcome == "failed":
        return "restore-timeout" if _TIMEOUT.search(event.detail or "") else "failed-restore"
    return None


def _incidents(jobs: list[JobLog]) -> list[Incident]:
    """Failed saves, reservation conflicts, restore timeouts: what the logs say went wrong."""
    out: list[Incident] = []
    for job in jobs:
        for event in job.events:
            kind = _incident_kind(event)
            if kind is None:
                continue
            step = job.step(event.step)
            seconds = (
                round(step.duration.total_seconds(), 1)
                if step is not None and step.duration is not None
                else None
            )
            out.append(
                Incident(
                    kind,
                    job.name,
                    event.step,
                    event.key,
                    event.detail or event.outcome,
                    f"{event.source}:{event.line}",
                    seconds,
                )
            )
    return out


def _explain_disagreement(
    event: CacheEvent, predicted: PredictedCache | None, entries: list[CacheEntry]
) -> str:
    same_key = [e for e in entries if event.key and e.key.lower() == event.key.lower()]
    if predicted is None:
        return (
            "this key was not predicted for any commit in the history window: the run used "
            "a workflow or inputs outside it, or values only known at run time"
        )
    if event.outcome == "miss":
        if same_key:
            versions = {e.version for e in same_key if e.version}
            refs = {e.ref for e in same_key if e.ref}
            if event.version and versions and event.version not in versions:
                listed = ", ".join(sorted(versions))
                return (
                    f"an entry with this key exists with another version ({listed}): "
                    "the paths, compression or OS differ (e.g. save and restore steps with "
                    "different `path`)"
                )
            return (
                f"an entry with this key exists in {', '.join(sorted(refs)) or 'some scope'}: "
                "it was not readable from this run's ref (scope), or it was saved after "
                "this run"
            )
        return (
            "no entry with this key is listed now: it was evicted (repository over its "
            "size limit) or expired (not accessed for 7 days) before this run, or the "
            "run's scope could not read it"
        )
    if event.outcome in ("hit", "restore") and predicted.outcome == "miss":
        return (
            "the run found an entry the simulated history did not create: one saved by a "
            "run outside the history window (another branch, a manual or scheduled run)"
        )
    return "the service behaved differently from the model: " + (predicted.cause or "")


def audit(
    root: str,
    *,
    logs: tuple[str, ...] = (),
    caches: str | None = None,
    options: PredictOptions | None = None,
    top: int = 20,
    history: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> AuditResult:
    """Audit the repository at ``root``: its history, and the run logs and cache list given.

    ``progress(done, total)`` follows the history's replay (predict's callback).
    """
    problems: list[str] = []
    prediction = predict(root, options, progress=progress) if history else None
    jobs: list[JobLog] = []
    for path in logs:
        bundle = read_logs(path)
        jobs.extend(bundle.jobs)
        problems.extend(bundle.problems)
    entries = list(read_cache_list(caches)) if caches else []
    observed = [e for job in jobs for e in job.events]
    predicted_by_key: dict[str, PredictedCache] = {}
    if prediction is not None:
        for run in prediction.runs:
            for c in run.caches:
                predicted_by_key[c.key.lower()] = c
    disagreements = []
    for event in observed:
        if (
            event.phase != "restore"
            or not event.key
            or event.outcome not in ("hit", "restore", "miss")
        ):
            continue
        predicted = predicted_by_key.get(event.key.lower())
        if predicted is not None and predicted.outcome == event.outcome:
            continue
        if prediction is None and event.outcome != "miss":
            continue
        disagreements.append(
            Disagreement(
                key=event.key,
                job=event.job,
                observed=event.outcome,
                predicted=predicted.outcome if predicted else None,
                explanation=_explain_disagreement(event, predicted, entries),
                source=f"{event.source}:{event.line}",
            )
        )
    return AuditResult(
        prediction=prediction,
        breakers=tuple(_breakers(prediction, top)) if prediction else (),
        jobs=tuple(_job_costs(jobs)),
        disagreements=tuple(disagreements),
        observed=tuple(observed),
        cache_entries=tuple(entries),
        problems=tuple(problems) + (prediction.problems if prediction else ()),
        incidents=tuple(_incidents(jobs)),
    )
