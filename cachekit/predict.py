"""``predict``: replay a git history through GitHub's cache service, hit by hit.

For every commit of the chosen history, every cache key of every workflow × job × matrix
combination is computed from the commit's tree (no checkout; a directory unchanged since an
earlier commit is walked once, a blob hashed once), the job's caches become one run of the
:mod:`cachekit.simulator` at the commit's time, and each outcome is explained: which input
changed in which commit for a key change, or the service's reason (scope, version, eviction,
expiry). Pull requests can be replayed too: each merged branch's commits run on
``refs/pull/N/merge`` before the merge lands on the default branch.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import time as timer
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Final

from .caches import CacheStepKind
from .caches.releases import snapshot_note
from .encoding import encode, json_spec
from .explain import Options
from .explain.core import explain_tree
from .explain.model import CacheReport, KeyPart
from .fs.gitrepo import GitRepo
from .fs.gittree import CommitTree
from .fs.history import Commit, default_branch, first_parent_commits, merged_branches
from .fs.overlay import OverlayTree
from .fs.trees import Tree
from .github.compiled import CompiledExplainer
from .github.conditions import RunContext
from .github.replay import (
    ChangedPaths,
    Gate,
    PlannedRun,
    WorkflowCounts,
    gate_reports,
    origin_repository,
    scheduled_times,
    triggered,
)
from .github.triggers import EventName
from .github.workflows import Workflow, load_workflows
from .predict_groups import cache_name, natural_key, ranked_causes
from .predict_parallel import jobs_for, merge_counts, merge_problems, replay_chunks
from .simulator import (
    CacheOutcome,
    CacheRequest,
    CacheService,
    Run,
    SimulationResult,
    simulate,
)

__all__ = ["PredictOptions", "PredictResult", "PredictedCache", "PredictedRun", "predict"]

GIB = 1024**3


@dataclass(frozen=True)
class PredictOptions:
    rev: str | None = None
    range: str | None = None
    since: str | None = None
    max_commits: int | None = 1000
    event: str = "push"
    pull_requests: bool = False  # also replay merged branches as pull_request runs
    branches: tuple[str, ...] = ()  # also replay pushes to these branches (their own commits)
    limit_bytes: int = 10 * GIB
    expiry_days: int = 7
    entry_size: int = 100 * 1024**2  # an estimate per entry: sizes are unknowable offline
    known_sizes: tuple[tuple[str, int], ...] = ()  # (key, bytes) from `gh cache list`
    workflow: str | None = None
    job: str | None = None
    os: str | None = None
    arch: str | None = None
    # Files laid over every commit (path, bytes): the same workflow text across the whole
    # history, so `suggest --simulate` compares two keys on identical inputs.
    overlay: tuple[tuple[str, bytes], ...] = ()
    schedule: bool = False  # also replay `on: schedule` runs on the default branch
    max_scheduled: int = 2000  # at most this many scheduled runs (a */5 cron is 288 a day)
    repository: str | None = None  # OWNER/NAME for github.repository (else the origin remote)
    triggers: bool = True  # False: every workflow runs on every event (the old replay)
    compile: bool = True  # False: explain every commit from scratch (the benchmark's baseline)
    # A merge-queue run before each commit that landed a pull request, for the workflows
    # that declare `on: merge_group` (see _merge_group_run).
    merge_groups: bool = True
    # Worker processes for the replay (None: the cores, unless all are busy already; see
    # cachekit.predict_parallel.jobs_for); serial when 1 or for a short history. Serial by
    # default in the library: workers are spawned, which needs the caller's script to guard
    # `if __name__ == "__main__"`; the command line (`--jobs`, default the cores) does.
    jobs: int | None = 1


@dataclass(frozen=True)
class PredictedCache:
    workflow: str
    job: str
    step: str
    line: int
    matrix: dict[str, Any]
    key: str
    key_known: bool = field(metadata=json_spec(skip=True))
    outcome: str  # hit | restore | miss | unknown | n/a (save-only)
    restored_key: str | None
    # In JSON one "cause" object (null when nothing needs explaining): code, message, changed.
    cause: str | None = field(metadata=json_spec(derive=lambda c: {"cause": _cause(c)}))
    cause_code: str | None = field(metadata=json_spec(skip=True))
    # key parts that changed since this cache's previous run
    changed: tuple[str, ...] = field(default=(), metadata=json_spec(skip=True))
    size_bytes: int = 0  # the entry's size (from --caches, else the estimate)
    unknown_conditions: tuple[str, ...] = ()  # `if:`s assumed true (unknowable offline)
    # The file the cache step is written in, which ``line`` is a line of: the workflow, or
    # the composite action, reusable workflow or included template it comes from.
    file: str = ""


def _cause(c: PredictedCache) -> dict[str, Any] | None:
    if c.cause is None:
        return None
    return {"code": c.cause_code, "message": c.cause, "changed": list(c.changed)}


@dataclass(frozen=True)
class PredictedRun:
    commit: str
    time: str
    ref: str
    event: str
    subject: str
    caches: tuple[PredictedCache, ...]


@dataclass(frozen=True)
class PredictResult:
    runs: tuple[PredictedRun, ...]
    summary: dict[str, Any]
    problems: tuple[str, ...] = field(default=())


SHALLOW_NOTE: Final = (
    "the history is shallow (a shallow clone): its first commit is not the first run of each "
    "cache, so its first misses may not be real; git fetch --unshallow gives the whole history"
)


def _why_unknown(part: KeyPart) -> str:
    if part.hash is not None and part.hash.error:
        return f"{part.text} fails: {part.hash.error}"
    return f"{part.text} ({part.source})" if part.source else part.text


def _step_name(c: CacheReport) -> str:
    """The step's name, without the ref of an unnamed `uses:` step (pin bumps keep the name)."""
    return c.step.split("@", 1)[0] if c.step == c.uses else c.step


def _ident(c: CacheReport) -> str:
    matrix = ",".join(f"{k}={c.matrix[k]}" for k in sorted(c.matrix))
    return f"{c.workflow}:{c.job}:{c.step_index}:{matrix}"


def _changes(before: CacheReport, after: CacheReport, commit: Commit) -> tuple[str, ...]:
    """Which key parts differ, with the files behind a changed hashFiles."""
    out: list[str] = []
    if before.key_template.strip() != after.key_template.strip():
        out.append(f"the key template was edited in {after.workflow}")
    pool: list[KeyPart] = list(before.parts)
    for part in after.parts:
        prev = next((p for p in pool if p.text == part.text and p.kind == part.kind), None)
        if prev is not None:
            pool.remove(prev)
        if prev is None or prev.value == part.value or part.kind == "literal":
            continue
        if part.kind == "hashFiles" and part.hash and prev.hash:
            a = {f.path: f.sha256 for f in prev.hash.files}
            b = {f.path: f.sha256 for f in part.hash.files}
            files = sorted(p for p in a.keys() | b.keys() if a.get(p) != b.get(p))
            what = ", ".join(files[:5]) + (f" and {len(files) - 5} more" if len(files) > 5 else "")
            out.append(f"{part.text}: {what or 'its file set'} changed in {commit.short}")
        else:
            out.append(f"{part.text}: {prev.value} -> {part.value}")
    return tuple(out)


@dataclass
class _Collected:
    commit: Commit
    time: datetime
    ref: str
    event: str
    reports: list[CacheReport]
    gates: list[Gate] = field(default_factory=list)  # parallel to reports
    guards: list[tuple[str, frozenset[str]] | None] = field(default_factory=list)


def _paths_of(changed: ChangedPaths, commit: Commit) -> Callable[[], tuple[str, ...] | None]:
    return lambda: changed.of(commit)


_PR_SUBJECT = re.compile(r"^Merge pull request #(\d+) from [^/\s]+/(\S+)")
_SQUASHED_PR = re.compile(r"\(#(\d+)\)\s*$")


def _merge_group_run(commit: Commit, branch: str) -> PlannedRun | None:
    """The merge-queue run that tested ``commit`` before it landed, if it landed a pull
    request (a ``Merge pull request #N`` merge, or a squash whose subject ends ``(#N)``).

    The queue tests a temporary branch ``gh-readonly-queue/<base>/pr-<N>-<sha>`` whose tree
    is the one that lands, then pushes it to the base branch: the run is replayed on the
    commit's tree, on that ref, just before the push (at its time, planned ahead of it; the
    sort of the plan is stable). Its saves go to that branch's
    scope, which no other run reads; it restores from its own scope, then the default
    branch (:func:`cachekit.simulator.scopes.readable_scopes`). The ``<sha>`` is the pull
    request's head where the merge commit records it (its second parent), else the landed
    commit's: only its uniqueness matters to the replay.
    """
    merged = _PR_SUBJECT.match(commit.subject) or _SQUASHED_PR.search(commit.subject)
    if merged is None:
        return None
    head = commit.parents[1] if len(commit.parents) > 1 else commit.oid
    ref = f"refs/heads/gh-readonly-queue/{branch}/pr-{merged.group(1)}-{head}"
    return PlannedRun(commit, commit.time, ref, EventName.MERGE_GROUP, "checks_requested", branch)


def _plan(
    repo: GitRepo,
    commits: list[Commit],
    branch: str,
    options: PredictOptions,
    changed: ChangedPaths,
    problems: list[str],
) -> list[PlannedRun]:
    """Every run the history makes, in time order: a push per commit (or the event asked
    for), the pull requests' updates, other branches' pushes, scheduled runs."""
    default_ref = f"refs/heads/{branch}"
    plan: list[PlannedRun] = []
    prs: dict[str, list[Commit]] = {}
    if options.pull_requests:
        merged = merged_branches(repo, commits)
        prs = merged.branches
        problems.extend(merged.warnings)
    event = "push" if options.event == "pull_request" else options.event
    for number, commit in enumerate(commits, start=1):
        m = _PR_SUBJECT.match(commit.subject)
        pr, head = (int(m.group(1)), m.group(2)) if m else (number, "")
        for k, pr_commit in enumerate(prs.get(commit.oid, [])):
            base = commit.parents[0]

            def paths(h: str = pr_commit.oid, b: str = base) -> tuple[str, ...] | None:
                return changed.between(b, h)

            activity = "opened" if k == 0 else "synchronize"
            for name, ref in (
                (EventName.PULL_REQUEST, f"refs/pull/{pr}/merge"),
                (EventName.PULL_REQUEST_TARGET, default_ref),
            ):
                plan.append(
                    PlannedRun(pr_commit, pr_commit.time, ref, name, activity, branch, head, paths)
                )
        queued = _merge_group_run(commit, branch) if options.merge_groups else None
        if queued is not None and event == EventName.PUSH and options.triggers:
            plan.append(queued)
        plan.append(
            PlannedRun(commit, commit.time, default_ref, event, changed=_paths_of(changed, commit))
        )
    for other in options.branches:
        # Pushes to another branch: the commits it has that the default branch has not.
        own = first_parent_commits(
            repo, range_=f"{branch}..{other}", max_commits=options.max_commits
        )
        plan.extend(
            PlannedRun(c, c.time, f"refs/heads/{other}", "push", changed=_paths_of(changed, c))
            for c in own
        )
    if options.schedule:
        plan.extend(_scheduled(repo, commits, default_ref, options, problems))
    plan.sort(key=lambda r: r.time)
    return plan


def _scheduled(
    repo: GitRepo,
    commits: list[Commit],
    default_ref: str,
    options: PredictOptions,
    problems: list[str],
) -> list[PlannedRun]:
    """Scheduled runs between the first and the last commit, each on the newest commit of
    the default branch at its time, by the crons that commit's workflows declare."""
    out: list[PlannedRun] = []
    for commit, nxt in itertools.pairwise(commits):
        workflows, _ = load_workflows(CommitTree(repo, commit.oid), only=options.workflow)
        for when, path in scheduled_times(workflows, commit.time, nxt.time, problems):
            if len(out) >= options.max_scheduled:
                problems.append(
                    f"only the first {options.max_scheduled} scheduled runs are replayed"
                )
                return out
            out.append(
                PlannedRun(commit, when, default_ref, EventName.SCHEDULE, only=frozenset({path}))
            )
    return out


def _explain(
    tree: Tree,
    run: PlannedRun,
    options: PredictOptions,
    compiler: CompiledExplainer | None,
    running: set[str] | None,
) -> Any:
    explain_options = Options(
        event=run.event,
        ref=run.ref,
        commit=run.commit.oid,
        os=options.os,
        arch=options.arch,
        workflow=options.workflow,
        job=options.job,
    )
    if compiler is not None:
        only = frozenset(running) if running is not None else None
        return compiler.explain(tree, explain_options, only=only)
    return explain_tree(tree, explain_options)


def _workflow_runs(
    workflows: list[Workflow], started: list[Workflow], run: PlannedRun, branch: str
) -> list[PlannedRun]:
    """The ``workflow_run`` runs the started workflows trigger (on the default branch)."""
    names = {wf.name for wf in started}
    out: list[PlannedRun] = []
    for wf in workflows:
        spec = wf.on.get(EventName.WORKFLOW_RUN)
        listed: Any = spec.get("workflows") if isinstance(spec, Mapping) else None
        listed = [listed] if isinstance(listed, str) else listed or []
        for name in sorted(names & {str(x) for x in listed}):
            for activity in ("requested", "in_progress", "completed"):
                out.append(
                    PlannedRun(
                        run.commit,
                        run.time + timedelta(seconds=1),
                        f"refs/heads/{branch}",
                        EventName.WORKFLOW_RUN,
                        activity,
                        base=run.ref.split("/", 2)[-1],
                        workflow=name,
                        only=frozenset({wf.path}),
                    )
                )
    return out


class _Replay:
    """Runs the plan: triggers, explain, conditions; collects what each run caches."""

    def __init__(
        self,
        repo: GitRepo,
        branch: str,
        options: PredictOptions,
        problems: list[str],
        changed: ChangedPaths | None = None,
    ) -> None:
        self.repo, self.branch, self.options, self.problems = repo, branch, options, problems
        self.counts: dict[str, WorkflowCounts] = {}
        self.collected: list[_Collected] = []
        self.repository = options.repository or origin_repository(repo)
        self._explained: dict[tuple[str, str, str, frozenset[str]], Any] = {}
        self.parallel_compiles = (0, 0)  # the workers' (compiles, reuses), if any
        self.parallel_blobs = 0  # the blobs the workers hashed
        self.compiler: CompiledExplainer | None = None
        if options.compile:
            # An overlay changes files of every commit: no diff of two commits says what.
            since = changed.since if changed is not None and not options.overlay else None
            self.compiler = CompiledExplainer(changes=since)

    def tree(self, commit: Commit) -> Tree:
        tree: Tree = CommitTree(self.repo, commit.oid)
        if self.options.overlay:
            tree = OverlayTree(tree, dict(self.options.overlay))
        return tree

    def replay(self, run: PlannedRun, depth: int = 0) -> None:
        tree = self.tree(run.commit)
        if self.options.triggers:
            workflows, _ = load_workflows(tree, only=self.options.workflow)
            if run.event == EventName.MERGE_GROUP and not any(
                EventName.MERGE_GROUP in wf.on for wf in workflows
            ):
                return  # no merge queue at this commit: no run, none skipped either
            started = triggered(workflows, run, self.counts)
            if not started:
                return
            running: set[str] | None = {wf.path for wf in started}
        else:
            workflows, started, running = [], [], None
        key = (run.commit.oid, run.event, run.ref, frozenset(running or ()))
        explained = self._explained.get(key)
        if explained is None:
            explained = _explain(tree, run, self.options, self.compiler, running)
            if run.event in (EventName.SCHEDULE, EventName.WORKFLOW_RUN):
                self._explained[key] = explained  # replayed again at another time
        self._problems(run.commit, explained)
        self.collected.append(self._collect(tree, run, explained, running))
        if depth < 3 and started:
            # "You can't use workflow_run to chain together more than three levels."
            for chained in _workflow_runs(workflows, started, run, self.branch):
                self.replay(chained, depth + 1)

    def _problems(self, commit: Commit, explained: Any) -> None:
        stale = {n for c in explained.caches if (n := snapshot_note(c.uses))}  # issue #14 item 9
        for p in [*explained.problems, *sorted(stale)]:
            if isinstance(p, str):
                text = f"{commit.short}: {p}"
            elif p.mark:
                text = f"{commit.short}: {p.mark.path}:{p.mark.line}: {p.message}"
            else:
                text = f"{commit.short}: {p.message}"
            if text.split(": ", 1)[1] not in {q.split(": ", 1)[1] for q in self.problems}:
                self.problems.append(text)

    def _collect(
        self, tree: Tree, run: PlannedRun, explained: Any, running: set[str] | None
    ) -> _Collected:
        col = _Collected(run.commit, run.time, run.ref, run.event, [])
        if running is None:
            col.reports = list(explained.caches)
            col.gates = [Gate("run")] * len(col.reports)
            col.guards = [None] * len(col.reports)
            return col
        pr = run.event in (EventName.PULL_REQUEST, EventName.PULL_REQUEST_TARGET)
        ctx = RunContext(
            event=run.event,
            ref=run.ref,
            sha=run.commit.oid,
            default_branch=self.branch,
            repository=self.repository,
            base_ref=run.base or "" if pr else "",
            head_ref=run.head_ref if pr else "",
        )
        for i, gate in gate_reports(tree, explained, ctx, running, self.counts):
            if gate.verdict == "skip":
                continue
            report = explained.caches[i]
            col.reports.append(report)
            col.gates.append(gate)
            guard = None
            if gate.guard is not None:
                guard = (_ident(explained.caches[gate.guard[0]]), gate.guard[1])
            col.guards.append(guard)
        return col


def _prepare(
    repo: GitRepo, options: PredictOptions, problems: list[str]
) -> tuple[str, list[Commit], ChangedPaths, list[PlannedRun]]:
    """The default branch, the history, its changed paths and the plan of runs to replay."""
    branch = default_branch(repo)
    commits = first_parent_commits(
        repo,
        rev=options.rev,
        range_=options.range,
        since=options.since,
        max_commits=options.max_commits,
    )
    changed = ChangedPaths(repo, commits)
    return branch, commits, changed, _plan(repo, commits, branch, options, changed, problems)


def _replay_parallel(
    root: str,
    options: PredictOptions,
    replay: _Replay,
    runs: int,
    jobs: int,
    progress: Callable[[int, int], None] | None,
) -> None:
    """Replay the plan in worker processes and merge their results into ``replay`` in order."""
    compiles = reuses = blobs = 0
    for chunk in replay_chunks(root, options, runs, jobs, progress):
        replay.collected.extend(chunk.collected)
        merge_counts(replay.counts, chunk.counts)
        merge_problems(replay.problems, chunk.problems)
        compiles, reuses = compiles + chunk.compiles, reuses + chunk.reuses
        blobs += chunk.blobs_hashed
    replay.parallel_compiles = (compiles, reuses)
    replay.parallel_blobs = blobs


def predict(
    root: str,
    options: PredictOptions | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> PredictResult:
    """Predict hits and misses over the history of the repository at ``root``."""
    options = options or PredictOptions()
    started = timer.perf_counter()
    problems: list[str] = []
    with GitRepo(root) as repo:
        if repo.is_shallow():
            # Its oldest commit has parents the clone lacks: that is not each cache's first run.
            problems.append(SHALLOW_NOTE)
        branch, _commits, changed, plan = _prepare(repo, options, problems)
        default_ref = f"refs/heads/{branch}"
        replay = _Replay(repo, branch, options, problems, changed)
        jobs = jobs_for(options.jobs, len(plan))
        if jobs > 1:
            _replay_parallel(root, options, replay, len(plan), jobs, progress)
        else:
            for i, run in enumerate(plan):
                replay.replay(run)
                if progress is not None:
                    progress(i + 1, len(plan))
        collected = [c for c in replay.collected if c.reports or not options.triggers]
        for count in replay.counts.values():
            problems.extend(p for p in count.problems if p not in problems)
        hashed_seconds = timer.perf_counter() - started
        runs, requests_of = _runs(collected, default_ref, options)
        service = CacheService(
            limit_bytes=options.limit_bytes,
            expiry=timedelta(days=options.expiry_days),
            default_entry_size=options.entry_size,
        )
        simulation = simulate(runs, service)
        predicted = _predicted(collected, requests_of, simulation, options)
    seconds = timer.perf_counter() - started
    summary = _summary(predicted, simulation, len(collected), seconds, hashed_seconds, repo)
    summary["blobs_hashed"] += replay.parallel_blobs
    summary["planned_runs"] = len(plan)
    summary["replayed_runs"] = sum(1 for c in replay.collected)
    summary["workflows"] = {k: encode(v) for k, v in sorted(replay.counts.items())}
    if replay.compiler is not None:
        summary["explain_compiled"] = replay.compiler.compiles + replay.parallel_compiles[0]
        summary["explain_reused"] = replay.compiler.reuses + replay.parallel_compiles[1]
    summary["repository"] = replay.repository
    summary["entry_size_mib"] = round(options.entry_size / 1024**2, 1)
    summary["sizes_from_cache_list"] = bool(options.known_sizes)
    summary["limit_gib"] = round(options.limit_bytes / GIB, 1)
    summary["default_branch"] = default_ref
    summary["shallow"] = SHALLOW_NOTE in problems
    return PredictResult(tuple(predicted), summary, tuple(problems))


def _runs(
    collected: list[_Collected], default_ref: str, options: PredictOptions
) -> tuple[list[Run], list[list[tuple[int, int]]]]:
    """The simulator runs of each commit: one per stage of its jobs.

    All jobs a push starts run concurrently — across workflows and matrix combinations — so
    they are one simulator run (a job never sees a sibling's saves; the first saver of a
    shared key wins). A job that ``needs`` others starts after them and sees their saves: each
    stage of the ``needs`` chains is a run of its own, a second later.

    Returns the runs and, for each, the (commit index, report index) of every request.
    """
    runs: list[Run] = []
    requests_of: list[list[tuple[int, int]]] = []
    last = None
    for ci, col in enumerate(collected):
        by_stage: dict[int, list[tuple[int, CacheReport]]] = {}
        for ri, report in enumerate(col.reports):
            by_stage.setdefault(report.stage, []).append((ri, report))
        for stage in sorted(by_stage):
            requests = []
            kept: list[tuple[int, int]] = []
            for ri, report in by_stage[stage]:
                if not report.key_known:
                    continue
                # A version only known at run time (a path like `yarn cache dir`) is still the
                # same from run to run of one step: keys decide hits, so stand in a stable id.
                version = (
                    report.version
                    or "unknown:" + hashlib.sha256("\n".join(report.paths).encode()).hexdigest()
                )
                matrix = ",".join(f"{k}={report.matrix[k]}" for k in sorted(report.matrix))
                requests.append(
                    CacheRequest(
                        primary_key=report.key,
                        version=version,
                        restore_keys=tuple(k for k in report.restore_keys if "‹" not in k),
                        kind=CacheStepKind(report.kind),
                        lookup_only=report.lookup_only,
                        size_bytes=_size_of(report.key, options),
                        save_always=report.save_always,
                        fail_on_cache_miss=report.fail_on_cache_miss,
                        label=_ident(report),
                        job=f"{report.workflow}:{report.job}:{matrix}",
                        only_if=col.guards[ri] if col.guards else None,
                    )
                )
                kept.append((ci, ri))
            if not requests:
                continue
            when = col.time + timedelta(seconds=stage)
            if last is not None and when < last:
                when = last  # keep runs in time order (commits can share a timestamp)
            last = when
            runs.append(
                Run(
                    time=when,
                    ref=col.ref,
                    event=col.event,
                    requests=tuple(requests),
                    base_ref=default_ref if col.event == "pull_request" else None,
                    default_branch=default_ref,
                    label=f"{col.commit.short} stage {stage}",
                )
            )
            requests_of.append(kept)
    return runs, requests_of


def _predicted(
    collected: list[_Collected],
    requests_of: list[list[tuple[int, int]]],
    simulation: SimulationResult,
    options: PredictOptions,
) -> list[PredictedRun]:
    outcomes: dict[tuple[int, int], CacheOutcome] = {}
    for kept, result in zip(requests_of, simulation.runs, strict=True):
        for where, simulated in zip(kept, result.outcomes, strict=True):
            outcomes[where] = simulated
    previous: dict[str, tuple[CacheReport, Commit]] = {}
    out: list[PredictedRun] = []
    for ci, col in enumerate(collected):
        caches = []
        for ri, report in enumerate(col.reports):
            ident = _ident(report)
            prev = previous.get(ident)
            changed = (
                _changes(prev[0], report, col.commit) if prev and prev[0].key != report.key else ()
            )
            kind, restored, cause, code = _outcome_of(outcomes.get((ci, ri)), report, prev, changed)
            caches.append(
                PredictedCache(
                    report.workflow,
                    report.job,
                    _step_name(report),
                    report.mark.line,
                    report.matrix,
                    report.key,
                    report.key_known,
                    kind,
                    restored,
                    cause,
                    code,
                    changed,
                    _size_of(report.key, options),
                    col.gates[ri].unknown if col.gates else (),
                    report.mark.path,
                )
            )
            previous[ident] = (report, col.commit)
        out.append(
            PredictedRun(
                col.commit.oid,
                col.time.isoformat(),
                col.ref,
                col.event,
                col.commit.subject,
                tuple(caches),
            )
        )
    return out


_DIGEST = re.compile(r"[0-9a-f]{32,}", re.IGNORECASE)


def _family(key: str) -> str:
    """A key with its digests blanked: entries of one cache across input changes."""
    return _DIGEST.sub("#", key).lower()


def _size_of(key: str, options: PredictOptions) -> int:
    """The size of an entry: its own from a cache listing, else the median of its family's
    (same key but for its digests), else the estimate."""
    if not options.known_sizes:
        return options.entry_size
    exact = [size for k, size in options.known_sizes if k.lower() == key.lower()]
    if exact:
        return exact[0]
    family = _family(key)
    sizes = sorted(size for k, size in options.known_sizes if _family(k) == family)
    return sizes[len(sizes) // 2] if sizes else options.entry_size


def _outcome_of(
    found: CacheOutcome | None,
    report: CacheReport,
    prev: tuple[CacheReport, Commit] | None,
    changed: tuple[str, ...],
) -> tuple[str, str | None, str | None, str | None]:
    """(outcome, restored key, cause, cause code) of one predicted cache use."""
    if found is None:  # not simulated: the key (or its version) is only known at run time
        unknown = [
            _why_unknown(p)
            for p in report.parts
            if p.kind == "unknown" or (p.hash is not None and p.hash.error)
        ]
        why = (
            "the key depends on values only known at run time: " + ", ".join(unknown)
            if unknown
            else "the key is only known at run time"
        )
        return "unknown", None, why, "unknown"
    kind = found.outcome
    if kind in ("hit", "n/a"):
        return kind, found.matched_key, None, None
    if prev is None:
        return kind, found.matched_key, "the first run of this cache in the history", "first-run"
    if changed and found.cause in (None, "no-entry"):
        return kind, found.matched_key, "the key changed: " + "; ".join(changed), "key-changed"
    return kind, found.matched_key, found.explanation, found.cause


def _summary(
    runs: list[PredictedRun],
    simulation: SimulationResult,
    commits: int,
    seconds: float,
    hashed_seconds: float,
    repo: GitRepo,
) -> dict[str, Any]:
    counts = {"hit": 0, "restore": 0, "miss": 0, "unknown": 0}
    per_cache: dict[str, dict[str, int]] = {}
    for run in runs:
        for c in run.caches:
            if c.outcome not in counts:
                continue
            counts[c.outcome] += 1
            name = cache_name(c)
            per = per_cache.setdefault(name, {"hit": 0, "restore": 0, "miss": 0, "unknown": 0})
            per[c.outcome] += 1
    per_cache = {k: per_cache[k] for k in sorted(per_cache, key=natural_key)}
    known = counts["hit"] + counts["restore"] + counts["miss"]

    def rate(d: dict[str, int]) -> float | None:
        total = d["hit"] + d["restore"] + d["miss"]
        return round(d["hit"] / total, 4) if total else None

    return {
        "runs": commits,
        "requests": known + counts["unknown"],
        **counts,
        "hit_rate": round(counts["hit"] / known, 4) if known else None,
        "warm_rate": round((counts["hit"] + counts["restore"]) / known, 4) if known else None,
        "per_cache": {k: {**v, "hit_rate": rate(v)} for k, v in per_cache.items()},
        "causes": [encode(c) for c in ranked_causes(runs)[:50]],
        "evictions": sum(1 for e in simulation.events if e.kind == "evicted"),
        "expirations": sum(1 for e in simulation.events if e.kind == "expired"),
        "seconds": round(seconds, 3),
        "commits_per_second": round(commits / hashed_seconds, 2) if hashed_seconds else None,
        "blobs_hashed": repo.stats.blobs_hashed,
    }


def with_summary_only(result: PredictResult) -> PredictResult:
    """The result without per-run detail (for very long histories)."""
    return replace(result, runs=())
