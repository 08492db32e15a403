"""Which runs a git history makes on GitHub, and which of a run's caches execute.

``predict`` replays a history as GitHub would have run it. For every planned run (a push of
a commit, a pull request update, a scheduled run…) this module decides which workflows the
event starts (:mod:`.triggers`), and, of the caches ``explain`` found, which ones run under
the ``if:`` conditions of their jobs, calling jobs, composite-action steps and own step
(:mod:`.conditions`). It keeps the counts that the summary shows per workflow: runs replayed,
runs a trigger filter skipped, jobs and cache steps a condition skipped, and the conditions
that could not be decided offline (assumed to run, never silently).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import xxhash

from ..encoding import json_spec
from ..errors import CachekitError
from ..explain.model import CacheReport, ExplainResult, JobRecord, StepRecord
from ..expressions import Unknown
from ..fs.gitrepo import GitRepo
from ..fs.history import Commit
from ..fs.trees import Tree
from ..yamlsource import Mark, WorkflowSyntaxError, YamlMap, YamlSeq, load_yaml
from .conditions import ConditionResult, RunContext, job_verdicts, step_verdict
from .cron import CronError, parse_cron
from .triggers import EventName, TriggerError, TriggerEvent, decide
from .workflows import Workflow, parse_workflow_file

__all__ = [
    "ChangedPaths",
    "Gate",
    "PlannedRun",
    "WorkflowCounts",
    "gate_reports",
    "origin_repository",
    "scheduled_times",
    "triggered",
]


@dataclass(frozen=True)
class PlannedRun:
    """One event of the replay: a commit's tree, when, on which ref, for which event."""

    commit: Commit
    time: datetime
    ref: str
    event: str
    activity: str | None = None
    base: str | None = None  # the pull request's base branch (bare name)
    head_ref: str = ""
    changed: Callable[[], tuple[str, ...] | None] | None = None  # None: paths unknown
    workflow: str | None = None  # a workflow_run's triggering workflow name
    only: frozenset[str] | None = None  # workflow paths this run is limited to


def _sorted_counts(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items()))


@dataclass
class WorkflowCounts:
    """What happened to one workflow over the replay (the summary's ``workflows``)."""

    replayed: int = 0
    skipped_by_trigger: int = 0
    jobs_skipped_by_condition: int = 0
    caches_skipped_by_condition: int = 0
    unknown_conditions: int = 0
    unknown_texts: dict[str, int] = field(
        default_factory=dict,
        metadata=json_spec(name="unknown_condition_texts", value=_sorted_counts),
    )
    trigger_reasons: dict[str, int] = field(
        default_factory=dict, metadata=json_spec(value=_sorted_counts)
    )
    problems: list[str] = field(default_factory=list, metadata=json_spec(skip=True))


class ChangedPaths:
    """The paths each commit of a first-parent line changed (against its first parent),
    read with one ``git log`` on first use."""

    def __init__(self, repo: GitRepo, commits: Sequence[Commit]) -> None:
        self.repo = repo
        self.commits = commits
        self._paths: dict[str, tuple[str, ...]] | None = None
        self._parents: dict[str, str] | None = None

    def _load(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        if not self.commits:
            return out
        text = self.repo.run_git(
            "-c",
            "core.quotePath=false",
            "log",
            "--first-parent",
            "--diff-merges=first-parent",
            "--no-renames",
            "--name-only",
            "-z",
            "--format=%x1e%H",
            f"--max-count={len(self.commits)}",
            self.commits[-1].oid,
        )
        for record in (text or "").split("\x1e"):
            head, _, rest = record.partition("\n")
            oid = head.strip("\x00\n")
            if oid:
                out[oid] = tuple(p.strip("\n") for p in rest.split("\x00") if p.strip("\n"))
        return out

    def of(self, commit: Commit) -> tuple[str, ...] | None:
        if self._paths is None:
            self._paths = self._load()
        found = self._paths.get(commit.oid)
        if found is not None:
            return found
        # A commit off the line (another branch's): its own diff against its first parent.
        base = commit.parents[0] if commit.parents else "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
        text = self.repo.run_git(
            "-c",
            "core.quotePath=false",
            "diff",
            "--no-renames",
            "--name-only",
            "-z",
            base,
            commit.oid,
        )
        return None if text is None else tuple(p for p in text.split("\x00") if p)

    def since(self, before: str, after: str) -> tuple[str, ...] | None:
        """The paths ``after`` changed when ``before`` is its first parent on the line (the
        replay's next commit), else None: two commits farther apart are not diffed here."""
        if self._parents is None:
            self._parents = {c.oid: c.parents[0] for c in self.commits if c.parents}
        if before == after:
            return ()
        if self._parents.get(after) != before:
            return None
        if self._paths is None:
            self._paths = self._load()
        return self._paths.get(after)

    def between(self, base: str, head: str) -> tuple[str, ...] | None:
        """A pull request's paths: the three-dot diff of ``head`` against ``base``."""
        text = self.repo.run_git(
            "-c",
            "core.quotePath=false",
            "diff",
            "--no-renames",
            "--name-only",
            "-z",
            f"{base}...{head}",
        )
        if text is None:
            return None
        return tuple(p for p in text.split("\x00") if p)


_REMOTE = re.compile(r"github\.com[:/]+([^/\s]+)/([^/\s]+?)(?:\.git)?/?$")


def origin_repository(repo: GitRepo) -> str | None:
    """``owner/name`` of the origin remote, when it is on github.com."""
    url = repo.run_git("config", "--get", "remote.origin.url")
    m = _REMOTE.search(url.strip()) if url else None
    return f"{m.group(1)}/{m.group(2)}" if m else None


# --- triggers -------------------------------------------------------------------------------


def triggered(
    workflows: Sequence[Workflow], run: PlannedRun, counts: dict[str, WorkflowCounts]
) -> list[Workflow]:
    """The workflows ``run`` starts; the others are counted as skipped by a trigger."""
    out: list[Workflow] = []
    changed: tuple[str, ...] | None = None
    needs_paths = any(_has_paths(wf.on.get(run.event)) for wf in workflows)
    if needs_paths and run.changed is not None:
        changed = run.changed()
    event = TriggerEvent(run.event, run.ref, run.base, run.activity, changed, run.workflow)
    for wf in workflows:
        if run.only is not None and wf.path not in run.only:
            continue
        if _only_called(wf):
            continue  # runs through its callers: counted there
        count = counts.setdefault(wf.path, WorkflowCounts())
        try:
            decision = decide(wf.on, event, where=wf.path)
        except TriggerError as exc:
            if str(exc) not in count.problems:
                count.problems.append(str(exc))
            count.skipped_by_trigger += 1
            count.trigger_reasons["invalid on:"] = count.trigger_reasons.get("invalid on:", 0) + 1
            continue
        if decision.runs:
            count.replayed += 1
            out.append(wf)
        else:
            count.skipped_by_trigger += 1
            reason = decision.reason
            count.trigger_reasons[reason] = count.trigger_reasons.get(reason, 0) + 1
    return out


def _has_paths(config: Any) -> bool:
    return isinstance(config, Mapping) and ("paths" in config or "paths-ignore" in config)


def _only_called(wf: Workflow) -> bool:
    return set(wf.on) == {EventName.WORKFLOW_CALL}


def scheduled_times(
    workflows: Sequence[Workflow], start: datetime, end: datetime, problems: list[str]
) -> Iterator[tuple[datetime, str]]:
    """(time, workflow path) of every scheduled run in ``[start, end)``."""
    for wf in workflows:
        spec = wf.on.get(EventName.SCHEDULE)
        if not isinstance(spec, list):
            continue
        for item in spec:
            text = item.get("cron") if isinstance(item, Mapping) else None
            if not isinstance(text, str):
                continue
            try:
                cron = parse_cron(text)
            except CronError as exc:
                note = f"{wf.path}: {exc}"
                if note not in problems:
                    problems.append(note)
                continue
            for t in cron.times(start, end):
                if t < end:
                    yield t, wf.path


# --- conditions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Gate:
    """What the conditions make of one cache step in one run."""

    verdict: str  # run | skip | unknown
    reason: str = ""
    guard: tuple[int, frozenset[str]] | None = None  # (index of the cache report, outputs)
    unknown: tuple[str, ...] = ()  # the undecidable conditions on the way


_Index = dict[int, tuple[str, str | None, Any]]  # line -> (kind, job id, raw if)
_INDEXES: dict[tuple[str, bytes], _Index] = {}
_WORKFLOWS: dict[tuple[str, bytes], Workflow | None] = {}
_VERDICTS: dict[tuple[str, bytes, RunContext], dict[str, ConditionResult]] = {}
_STEP_VERDICTS: dict[tuple[object, ...], ConditionResult] = {}
_SHA_READERS: dict[tuple[str, bytes], bool] = {}  # whether a workflow's job `if:` reads the sha
_MEMO_LIMIT = 4096


class _Lazy:
    """A file's bytes, read on first use; ``digest`` names them (the blob id in a commit)."""

    def __init__(self, tree: Tree, path: str, digest: bytes, data: bytes | None) -> None:
        self.tree, self.path, self.digest, self._data = tree, path, digest, data

    @property
    def data(self) -> bytes:
        if self._data is None:
            self._data = self.tree.read(self.path)
        return self._data


class _CommitFiles:
    """The blob ids of the last commit tree asked about (a commit's tree never changes;
    its reports ask for the same few workflow files hundreds of times)."""

    def __init__(self) -> None:
        self.tree: object = None
        self.found: dict[str, _Lazy | None] = {}


_COMMIT_FILES = _CommitFiles()


def _digest(tree: Tree, path: str) -> _Lazy | None:
    """The file at ``path``: a commit's blob id stands for its bytes, so files read for
    every cache of every commit are read once per distinct content."""
    try:
        object_id = getattr(tree, "object_id", None)
        if object_id is not None:
            memo = _COMMIT_FILES
            if memo.tree is not tree:
                memo.tree, memo.found = tree, {}
            if path in memo.found:
                return memo.found[path]
            node = object_id(path)
            found = None if node is None else _Lazy(tree, path, str(node).encode(), None)
            memo.found[path] = found
            return found
        data = tree.read(path)
    except CachekitError:
        return None
    return _Lazy(tree, path, xxhash.xxh3_128_digest(data), data)


def _remember(memo: dict[Any, Any], key: Any, value: Any) -> Any:
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo[key] = value
    return value


def _steps_into(index: _Index, steps: Any, job: str | None) -> None:
    if isinstance(steps, YamlSeq):
        for i, step in enumerate(steps):
            if isinstance(step, YamlMap):
                index[steps.item_marks[i].line] = ("step", job, step.get("if"))


def _index(tree: Tree, path: str) -> _Index:
    """Lines of a workflow or action file where a job or a step starts, with its ``if:``."""
    found = _digest(tree, path)
    if found is None:
        return {}
    digest = found.digest
    hit = _INDEXES.get((path, digest))
    if hit is not None:
        return hit
    index: _Index = {}
    loaded = _workflow(tree, path) if path.startswith(".github/workflows/") else None
    if loaded is not None:
        for job_id, job in loaded[0].jobs.items():
            index[job.mark.line] = ("job", job_id, job.raw.get("if"))
            for step in job.steps:
                index[step.mark.line] = ("step", job_id, step.if_)
        return _remember(_INDEXES, (path, digest), index)  # type: ignore[no-any-return]
    try:
        doc = load_yaml(found.data, path)
    except (WorkflowSyntaxError, CachekitError):
        doc = None
    if isinstance(doc, YamlMap):
        jobs = doc.get("jobs")
        if isinstance(jobs, YamlMap):
            for job_id, job in jobs.items():
                if isinstance(job, YamlMap):
                    index[jobs.key_marks[job_id].line] = ("job", str(job_id), job.get("if"))
                    _steps_into(index, job.get("steps"), str(job_id))
        runs = doc.get("runs")
        if isinstance(runs, YamlMap):
            _steps_into(index, runs.get("steps"), None)
    return _remember(_INDEXES, (path, digest), index)  # type: ignore[no-any-return]


def _workflow(tree: Tree, path: str) -> tuple[Workflow, bytes] | None:
    found = _digest(tree, path)
    if found is None:
        return None
    key = (path, found.digest)
    if key not in _WORKFLOWS:
        try:
            wf: Workflow | None = parse_workflow_file(tree, path)
        except (WorkflowSyntaxError, CachekitError):
            wf = None
        _remember(_WORKFLOWS, key, wf)
    wf = _WORKFLOWS[key]
    if wf is None:
        return None
    if key not in _SHA_READERS:
        sha = any(not _sha_blind(str(job.raw.get("if") or "")) for job in wf.jobs.values())
        _remember(_SHA_READERS, key, sha)
    return wf, found.digest


def _verdicts(
    tree: Tree, path: str, ctx: RunContext, blind: RunContext | None = None
) -> dict[str, ConditionResult]:
    """The job verdicts of a workflow; ``blind`` is ``ctx`` without the sha (built once per
    commit by the caller)."""
    loaded = _workflow(tree, path)
    if loaded is None:
        return {}
    wf, digest = loaded
    if not _SHA_READERS.get((path, digest), True):
        ctx = blind or replace(ctx, sha="")  # the same verdicts for every commit
    key = (path, digest, ctx)
    hit = _VERDICTS.get(key)
    if hit is None:
        hit = _remember(_VERDICTS, key, job_verdicts(wf, ctx))
    return hit


_ENV_NAMES = re.compile(r"\benv\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)
_STEP_IDS = re.compile(r"\bsteps\s*\.\s*([A-Za-z_][A-Za-z0-9_-]*)", re.IGNORECASE)


def _step_contexts(
    raw: Any, report: CacheReport, record: tuple[JobRecord, StepRecord] | None, ctx: RunContext
) -> dict[str, Any]:
    text = str(raw)
    env: Any = Unknown("env", "the step's environment")
    job_record = record[0] if record else None
    if record is not None:
        known = record[1].env
        if all(n in known for n in _ENV_NAMES.findall(text)):
            env = dict(known)
    matrix: Any = (
        Unknown("matrix", "computed at run time") if "*" in report.matrix else report.matrix
    )
    runner: Any = (
        {"os": job_record.os, "arch": job_record.arch}
        if job_record is not None and job_record.os
        else Unknown("runner", "the runner")
    )
    return {
        "github": ctx.github(),
        "matrix": matrix,
        "env": env,
        "runner": runner,
        "steps": Unknown("steps", "outputs of earlier steps"),
        "needs": Unknown("needs", "outputs of needed jobs"),
        "inputs": Unknown("inputs", "inputs"),
        "vars": Unknown("vars", "repository variables"),
        "job": Unknown("job", "the job context"),
        "strategy": Unknown("strategy", "the strategy context"),
    }


_WHOLE_GITHUB = re.compile(r"\bgithub\b(?!\s*\.\s*[A-Za-z_])", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def _sha_blind(text: str) -> bool:
    """Whether a condition cannot read the commit: no ``sha`` in it and ``github`` only ever
    dereferenced by name (``toJSON(github)`` or ``github[...]`` could reach the sha)."""
    return "sha" not in text.lower() and not _WHOLE_GITHUB.search(text)


def _step_verdict(
    raw: Any,
    report: CacheReport,
    record: tuple[JobRecord, StepRecord] | None,
    ctx: RunContext,
    blind: RunContext | None = None,
) -> ConditionResult:
    """:func:`step_verdict`, memoized on everything its contexts are built from: across a
    history the same few conditions meet the same matrix legs and environments commit after
    commit, and only a condition that can read the sha sees one commit differ from the next."""
    text = str(raw)
    if ctx.sha and _sha_blind(text):
        ctx = blind or replace(ctx, sha="")
    env = tuple(sorted(record[1].env.items())) if record is not None else None
    job = (record[0].os, record[0].arch) if record is not None else None
    matrix = (
        "*" if "*" in report.matrix else json.dumps(report.matrix, sort_keys=True, default=repr)
    )
    key = (type(raw).__name__, text, ctx, env, job, matrix)
    hit = _STEP_VERDICTS.get(key)
    if hit is None:
        contexts = _step_contexts(raw, report, record, ctx)
        hit = _remember(_STEP_VERDICTS, key, step_verdict(raw, contexts))
    return hit


def _records(explained: ExplainResult) -> dict[int, tuple[JobRecord, StepRecord]]:
    out: dict[int, tuple[JobRecord, StepRecord]] = {}
    for job in explained.jobs:
        for step in job.steps:
            for i in step.caches:
                out.setdefault(i, (job, step))
    return out


def _guard_target(
    step_id: str, at: int, records: Mapping[int, tuple[JobRecord, StepRecord]]
) -> int | None:
    """The cache report made by step ``step_id`` of the same job combination as report ``at``."""
    mine = records.get(at)
    if mine is None:
        return None
    for i, (job, step) in records.items():
        if job is mine[0] and step.id == step_id and i != at:
            return i
    return None


def gate_reports(
    tree: Tree,
    explained: ExplainResult,
    ctx: RunContext,
    running: set[str],
    counts: dict[str, WorkflowCounts],
) -> list[tuple[int, Gate]]:
    """The reports of the running workflows with their gates (skipped ones included)."""
    records = _records(explained)
    blind = replace(ctx, sha="")
    out: list[tuple[int, Gate]] = []
    for top in running:
        for result in _verdicts(tree, top, ctx, blind).values():
            if result.verdict == "skip":
                counts[top].jobs_skipped_by_condition += 1
    for i, report in enumerate(explained.caches):
        top = report.via[0].path if report.via else report.workflow
        if top not in running:
            continue
        gate = _gate(tree, report, i, (ctx, blind), records)
        count = counts[top]
        if gate.verdict == "skip":
            count.caches_skipped_by_condition += 1
        for text in gate.unknown:
            count.unknown_conditions += 1
            count.unknown_texts[text] = count.unknown_texts.get(text, 0) + 1
        out.append((i, gate))
    return out


def _gate(
    tree: Tree,
    report: CacheReport,
    at: int,
    ctxs: tuple[RunContext, RunContext],
    records: Mapping[int, tuple[JobRecord, StepRecord]],
) -> Gate:
    """Whether report ``at`` runs: its jobs' and steps' conditions under ``ctxs`` (the run's
    context, and the same without the sha for the conditions that cannot read it)."""
    ctx, blind = ctxs
    results: list[ConditionResult] = []
    segments = report.job.split("/")
    job_files: list[str] = []
    step_marks: list[Mark] = []
    for mark in report.via:
        kind = _index(tree, mark.path).get(mark.line)
        if kind is not None and kind[0] == "job":
            job_files.append(mark.path)
        else:
            step_marks.append(mark)
    job_files.append(report.workflow)
    for path, job_id in zip(job_files, segments, strict=False):
        verdict = _verdicts(tree, path, ctx, blind).get(job_id)
        if verdict is not None:
            results.append(verdict)
    guard: tuple[int, frozenset[str]] | None = None
    for mark in (*step_marks, report.mark):
        entry = _index(tree, mark.path).get(mark.line)
        if entry is None or entry[2] is None:
            continue
        raw = entry[2]
        result = _step_verdict(raw, report, records.get(at), ctx, blind)
        if result.guard is not None and mark is report.mark:
            others = set(_STEP_IDS.findall(str(raw))) - {result.guard.step_id}
            target = _guard_target(result.guard.step_id, at, records)
            if target is not None and not others:
                guard = (target, result.guard.when)
                continue
            result = ConditionResult("unknown", result.condition, "cache-hit of another step")
        results.append(result)
    skip = next((r for r in results if r.verdict == "skip"), None)
    if skip is not None:
        return Gate("skip", skip.reason)
    unknown = tuple(str(r.condition) for r in results if r.verdict == "unknown")
    return Gate("unknown" if unknown else "run", "", guard, unknown)
