"""``predict`` for GitLab: the default branch's history replayed through GitLab's cache rules.

GitLab's lookup differs from GitHub's and is a small strategy over the simulator core's
store (:class:`cachekit.simulator.CacheService`): the runner tries the key, then each
fallback key, then ``CACHE_FALLBACK_KEY``, each **exactly** (``addExtractCacheCommand``
tries the archive at each key in turn: no prefix matching); a save **overwrites** the
entry (``cache-archiver`` uploads whatever the key; modelled as a refresh of the entry);
caches are not scoped by ref (the ref is in the key only when the key names it) and do not
expire (object-storage lifecycle rules are the operator's). One assumption is stated in
every result: a *distributed* cache shared by all runners; with local runner caches a job
only sees what earlier jobs on the same runner saved.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ..fs.gitrepo import GitRepo
from ..fs.gittree import CommitTree
from ..fs.history import default_branch, first_parent_commits
from ..predict import PredictedCache, PredictedRun, PredictResult
from ..simulator import CacheService
from .conditions import job_runs
from .config import load_config
from .explain import GitLabOptions, explain_gitlab
from .variables import RunModel, job_lookup

__all__ = ["predict_gitlab"]

_VERSION = "gitlab"
_SCOPE = "project"


def _running_jobs(tree: CommitTree, run: RunModel) -> set[str]:
    config = load_config(tree)
    if config is None:
        return set()
    out = set()
    for job in config.jobs:
        lookup = job_lookup(run, job.name, job.stage, job.variables)
        if job_runs(job.body, lookup, tree, ref=run.ref, source=run.source, tag=run.tag):
            out.add(job.name)
    return out


def _save_all(service: CacheService, keys: list[str], serial: int) -> None:
    """Uploads at the end of jobs: a new entry, or the existing one overwritten (refreshed)."""
    for key in keys:
        if service.entry(_SCOPE, key, _VERSION) is None:
            service.save(_SCOPE, key, _VERSION, 1, run_serial=serial)
        else:
            service.lookup([_SCOPE], [key], _VERSION)


def predict_gitlab(
    root: str,
    *,
    max_commits: int = 200,
    rev: str | None = None,
    version: str | None = None,
    job: str | None = None,
) -> PredictResult:
    """Predict each job's cache outcome over the newest ``max_commits`` of the history."""
    service = CacheService(limit_bytes=1 << 60, expiry=timedelta(days=36500), default_entry_size=1)
    runs: list[PredictedRun] = []
    counts = {"hit": 0, "restore": 0, "miss": 0, "unknown": 0}
    per_cache: dict[str, dict[str, int]] = {}
    with GitRepo(root) as repo:
        branch = default_branch(repo)
        commits = first_parent_commits(repo, rev=rev, max_commits=max_commits)
        for commit in commits:
            tree = CommitTree(repo, commit.oid)
            run = RunModel(ref=branch, default_branch=branch, commit=commit.oid)
            result = explain_gitlab(tree, GitLabOptions(run=run, version=version, job=job))
            running = _running_jobs(tree, run)
            service.advance(commit.time)
            serial = service.begin_run()
            caches: list[PredictedCache] = []
            saves: list[str] = []
            stage = None
            for report in sorted(result.caches, key=lambda r: r.stage):
                if report.job not in running:
                    continue
                if report.stage != stage:  # a stage's jobs run together: saves land after it
                    _save_all(service, saves, serial)
                    saves, stage = [], report.stage
                outcome, restored = "n/a", None
                if report.kind != "save-only":
                    if not report.key_known:
                        outcome = "unknown"
                    else:
                        outcome = "miss"
                        for i, key in enumerate((report.key, *report.restore_keys)):
                            if service.entry(_SCOPE, key, _VERSION) is not None:
                                service.lookup([_SCOPE], [key], _VERSION)
                                outcome, restored = ("hit" if i == 0 else "restore"), key
                                break
                name = f"{report.mark.path}:{report.mark.line} {report.job}"
                if outcome in counts:
                    counts[outcome] += 1
                    per = per_cache.setdefault(name, dict.fromkeys(counts, 0))
                    per[outcome] += 1
                cause = (
                    None
                    if outcome in ("hit", "n/a")
                    else (
                        f"fell back to {restored}"
                        if restored
                        else "no entry under the key or any fallback key"
                    )
                )
                caches.append(
                    PredictedCache(
                        report.workflow,
                        report.job,
                        report.step,
                        report.mark.line,
                        dict(report.matrix),
                        report.key,
                        report.key_known,
                        outcome,
                        restored,
                        cause,
                        None if cause is None else "no-entry",
                    )
                )
                if report.kind != "restore-only" and report.key_known:
                    saves.append(report.key)
            _save_all(service, saves, serial)
            runs.append(
                PredictedRun(
                    commit.oid,
                    commit.time.isoformat(),
                    f"refs/heads/{branch}",
                    "push",
                    commit.subject,
                    tuple(caches),
                )
            )
    known = counts["hit"] + counts["restore"] + counts["miss"]

    def rate(d: dict[str, int]) -> float | None:
        total = d["hit"] + d["restore"] + d["miss"]
        return round(d["hit"] / total, 4) if total else None

    summary: dict[str, Any] = {
        "runs": len(runs),
        "requests": known + counts["unknown"],
        **counts,
        "hit_rate": round(counts["hit"] / known, 4) if known else None,
        "warm_rate": round((counts["hit"] + counts["restore"]) / known, 4) if known else None,
        "per_cache": {k: {**v, "hit_rate": rate(v)} for k, v in per_cache.items()},
        "evictions": 0,
        "expirations": 0,
        "entry_size_mib": 0,
        "limit_gib": "no",
        "platform": "gitlab",
    }
    return PredictResult(
        tuple(runs),
        summary,
        ("assumed: a distributed cache shared by every runner; no expiry, no size limit",),
    )
