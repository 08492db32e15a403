"""``predict`` for the non-GitHub platforms: a history replayed through each platform's lookup
rules over the simulator core's store (:class:`cachekit.simulator.CacheService`).

The store keeps entries, their scope, creation and last use, expiry and events; what differs
per platform is a small :class:`LookupRules` value:

- **GitLab** (gitlab-runner ``addExtractCacheCommand``): the key, then each fallback key,
  each *exactly*; a save overwrites (a refresh of the entry); one scope; no expiry.
- **CircleCI** (caching docs): each key in order as a *prefix*, the most recently created
  match wins; saves never overwrite; entries expire 15 days after creation; one scope.
- **Azure Pipelines** (Cache@2 docs, "Cache isolation and security"): the key exactly, then
  each restore key as a prefix, newest wins; saves never overwrite; a run reads its own
  branch's scope, then the default branch's; entries expire after 7 days without use.

Jobs of one stage (GitLab), or one level of the ``requires``/``needs`` graph, run together:
their saves land after the level. A key part unknown offline that stays the same from run to
run (``{{ arch }}``, a project variable, an orb's key) is kept as its placeholder; a
volatile one (``{{ epoch }}``, ``$CI_PIPELINE_ID``) is a new value every run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ..explain.model import CacheReport, ExplainResult, JobRecord
from ..fs.gitrepo import GitRepo
from ..fs.gittree import CommitTree
from ..fs.history import default_branch, first_parent_commits
from ..predict import PredictedCache, PredictedRun, PredictResult
from ..predict_groups import cache_name, natural_key
from ..simulator import CacheService

__all__ = ["AZURE", "CIRCLECI", "GITLAB", "LookupRules", "replay"]

_VERSION = "key"
_VOLATILE_MARKS = (
    "‹epoch›",
    "‹BuildNum›",
    "‹Revision›",
    "‹CI_PIPELINE_ID›",
    "‹CI_JOB_ID›",
    "‹CI_COMMIT_SHA›",
    "‹CI_PIPELINE_IID›",
    "‹Build.BuildId›",
    "‹Build.BuildNumber›",
)


@dataclass(frozen=True)
class LookupRules:
    """How one platform's cache service finds and stores entries."""

    name: str
    prefix_primary: bool  # the primary key is a prefix too (CircleCI)
    prefix_fallbacks: bool  # fallback/restore keys are prefixes, newest wins
    overwrite: bool  # a save replaces an existing entry (GitLab)
    expiry: timedelta | None
    expiry_from_creation: bool
    branch_scoped: bool  # own branch, then the default branch (Azure)
    assumption: str


GITLAB = LookupRules(
    "gitlab",
    False,
    False,
    True,
    None,
    False,
    False,
    "a distributed cache shared by every runner; no expiry, no size limit",
)
CIRCLECI = LookupRules(
    "circleci",
    True,
    True,
    False,
    timedelta(days=15),
    True,
    False,
    "15-day retention from creation; no size limit",
)
AZURE = LookupRules(
    "azure",
    False,
    True,
    False,
    timedelta(days=7),
    False,
    True,
    "7 days without use; own branch, then the default branch",
)


def _levels(jobs: Iterable[JobRecord]) -> dict[str, int]:
    """Each job's level: its stage, or one more than the jobs it needs."""
    by_name = {j.job: j for j in jobs}
    base = {j.job.split(" [", 1)[0].split(": [", 1)[0]: j for j in by_name.values()}
    memo: dict[str, int] = {}

    def level(name: str, depth: int = 0) -> int:
        if name in memo:
            return memo[name]
        job = by_name.get(name) or base.get(name)
        if job is None or depth > 50:
            return 0
        value = job.stage
        for need in job.needs:
            value = max(value, level(need, depth + 1) + 1)
        memo[name] = value
        return value

    return {name: level(name) for name in by_name}


class _Store:
    def __init__(self, rules: LookupRules, default_scope: str) -> None:
        self.rules = rules
        self.default = default_scope
        expiry = rules.expiry or timedelta(days=36500)
        self.service = CacheService(limit_bytes=1 << 60, expiry=expiry, default_entry_size=1)

    def scopes(self, branch: str) -> list[str]:
        if not self.rules.branch_scoped:
            return ["project"]
        return list(dict.fromkeys([branch, self.default]))

    def _prefix(self, scope: str, key: str) -> str | None:
        found = [e for e in self.service.entries() if e.scope == scope and e.key.startswith(key)]
        return max(found, key=lambda e: (e.created_at, e.seq)).key if found else None

    def lookup(self, branch: str, keys: tuple[str, ...]) -> tuple[str | None, int]:
        for scope in self.scopes(branch):
            for i, key in enumerate(keys):
                prefix = self.rules.prefix_primary if i == 0 else self.rules.prefix_fallbacks
                if prefix:
                    hit = self._prefix(scope, key)
                elif self.service.entry(scope, key, _VERSION) is not None:
                    hit = key
                else:
                    hit = None
                if hit is not None:
                    if not self.rules.expiry_from_creation:
                        self.service.lookup([scope], [hit], _VERSION)
                    return hit, i
        return None, -1

    def save(self, branch: str, key: str) -> None:
        scope = self.scopes(branch)[0]
        if self.service.entry(scope, key, _VERSION) is None:
            self.service.save(scope, key, _VERSION, 1)
        elif self.rules.overwrite:
            self.service.lookup([scope], [key], _VERSION)


def _concrete(key: str, run: int) -> str:
    for mark in _VOLATILE_MARKS:
        key = key.replace(mark, f"«run{run}»")
    return key


def replay(
    root: str,
    rules: LookupRules,
    explain_at: Callable[[CommitTree, str], ExplainResult],
    runs_job: Callable[[CommitTree, str, JobRecord], bool],
    *,
    max_commits: int = 200,
    rev: str | None = None,
) -> PredictResult:
    """Predict every cache over the newest ``max_commits`` of the default branch."""
    runs: list[PredictedRun] = []
    counts = {"hit": 0, "restore": 0, "miss": 0, "unknown": 0}
    per_cache: dict[str, dict[str, int]] = {}
    with GitRepo(root) as repo:
        branch = default_branch(repo)
        store = _Store(rules, branch)
        for n, commit in enumerate(first_parent_commits(repo, rev=rev, max_commits=max_commits)):
            tree = CommitTree(repo, commit.oid)
            result = explain_at(tree, branch)
            running = {j.job for j in result.jobs if runs_job(tree, branch, j)}
            levels = _levels(result.jobs)
            store.service.advance(commit.time)
            caches: list[PredictedCache] = []
            pending: list[str] = []
            current = None
            ordered = sorted(
                (r for r in result.caches if r.job in running),
                key=lambda r: (levels.get(r.job, 0), r.job, r.step_index),
            )
            for report in ordered:
                if levels.get(report.job, 0) != current:
                    for key in pending:
                        store.save(branch, key)
                    pending, current = [], levels.get(report.job, 0)
                outcome, restored = _restore(store, branch, report, n)
                cause = None
                if outcome == "restore":
                    cause = f"fell back to {restored}"
                elif outcome == "miss":
                    cause = "no entry under the key or any fallback key"
                elif outcome == "unknown":
                    cause = "the key changes every run and is not known offline"
                predicted = PredictedCache(
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
                    file=report.mark.path,
                )
                caches.append(predicted)
                if outcome in counts:
                    counts[outcome] += 1
                    name = cache_name(predicted)  # the misses list's name too
                    per = per_cache.setdefault(name, dict.fromkeys(counts, 0))
                    per[outcome] += 1
                if report.kind != "restore-only" and not report.key.startswith("‹orb "):
                    pending.append(_concrete(report.key, n))
            for key in pending:
                store.save(branch, key)
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
    return PredictResult(
        tuple(runs),
        _summary(runs, counts, per_cache, store, rules),
        (f"assumed: {rules.assumption}",),
    )


def _restore(store: _Store, branch: str, report: CacheReport, run: int) -> tuple[str, str | None]:
    if report.kind == "save-only":
        return "n/a", None
    if report.key.startswith("‹orb "):  # the orb's key is not in the repository
        return "unknown", None
    keys = (report.key, *report.restore_keys)
    if any(m in report.key for m in _VOLATILE_MARKS):
        keys = tuple(k for k in keys[1:] if not any(m in k for m in _VOLATILE_MARKS))
        if not keys:
            return "unknown", None
        hit, _ = store.lookup(branch, keys)
        return ("restore", hit) if hit else ("miss", None)
    hit, index = store.lookup(branch, keys)
    if hit is None:
        return "miss", None
    exact = index == 0 and hit == report.key
    return ("hit" if exact else "restore"), hit


def _summary(
    runs: list[PredictedRun],
    counts: dict[str, int],
    per_cache: dict[str, dict[str, int]],
    store: _Store,
    rules: LookupRules,
) -> dict[str, Any]:
    known = counts["hit"] + counts["restore"] + counts["miss"]

    def rate(d: dict[str, int]) -> float | None:
        total = d["hit"] + d["restore"] + d["miss"]
        return round(d["hit"] / total, 4) if total else None

    events = store.service.events
    return {
        "runs": len(runs),
        "requests": known + counts["unknown"],
        **counts,
        "hit_rate": round(counts["hit"] / known, 4) if known else None,
        "warm_rate": round((counts["hit"] + counts["restore"]) / known, 4) if known else None,
        "per_cache": {
            k: {**per_cache[k], "hit_rate": rate(per_cache[k])}
            for k in sorted(per_cache, key=natural_key)
        },
        "evictions": sum(1 for e in events if e.kind == "evicted"),
        "expirations": sum(1 for e in events if e.kind == "expired"),
        "entry_size_mib": "n/a",
        "limit_gib": "no",
        "platform": rules.name,
    }
