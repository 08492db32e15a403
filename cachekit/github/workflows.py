"""Workflows as GitHub reads them: files, jobs, steps, matrices — with positions.

This module only reads structure; nothing is evaluated here. Expressions stay as written
(``runs-on: ${{ matrix.os }}``) and are evaluated later against contexts, per matrix
combination. A file that cannot be read becomes a :class:`WorkflowProblem` naming file:line,
and the other files are still read: one broken workflow must not hide the rest.
"""

from __future__ import annotations

import itertools
import math
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import xxhash

from ..errors import CachekitError, TreeError
from ..fs.trees import DIR, Tree, leaves_tree
from ..yamlsource import Mark, WorkflowSyntaxError, YamlMap, YamlSeq, load_yaml

__all__ = [
    "MAX_COMPOSITE_DEPTH",
    "MAX_MATRIX_JOBS",
    "MAX_WORKFLOW_LEVELS",
    "Job",
    "MatrixTooLarge",
    "Step",
    "Workflow",
    "WorkflowProblem",
    "expand_matrix",
    "load_workflow",
    "load_workflows",
    "needs_order",
    "parse_uses",
    "parse_workflow_file",
]

WORKFLOW_DIR = ".github/workflows"

MAX_WORKFLOW_LEVELS = 10
"""GitHub: "You can connect a maximum of ten levels of workflows - that is, the top-level
caller workflow and up to nine levels of reusable workflows", and "Loops are not permitted
in the reusable workflow tree" (Reuse workflows, docs.github.com/actions/how-tos/
reuse-automations/reuse-workflows#nesting-reusable-workflows; GitHub Enterprise Server
allows four)."""

MAX_COMPOSITE_DEPTH = 9
"""actions/runner ``Constants.CompositeActionsMaxDepth``: the steps of nested composite
actions may be at most nine levels below the job's (``ActionManager`` fails the job with
"Composite action depth exceeded max depth 9"; the docs round it to ten)."""


@dataclass(frozen=True)
class WorkflowProblem:
    """Something in a workflow file cachekit could not read; other steps are still read."""

    mark: Mark
    message: str

    def __str__(self) -> str:
        return f"{self.mark}: {self.message}"


@dataclass(frozen=True)
class Uses:
    """A parsed ``uses:`` reference."""

    raw: str
    kind: str  # "action" (owner/repo[/path]@ref), "local" (./path), "docker"
    owner: str = ""
    repo: str = ""
    path: str = ""
    ref: str = ""

    @property
    def name(self) -> str:
        """``owner/repo`` plus the sub-path, lower-cased (GitHub names are case-insensitive)."""
        base = f"{self.owner}/{self.repo}".lower()
        return f"{base}/{self.path}" if self.path else base

    @property
    def major(self) -> int | None:
        """The major version a tag like ``v4`` or ``v4.2.1`` names; None for SHAs/branches."""
        ref = self.ref[1:] if self.ref[:1] in ("v", "V") else ""
        head = ref.split(".", 1)[0]
        return int(head) if head.isdigit() else None


def parse_uses(raw: str) -> Uses:
    raw = raw.strip()
    if raw.startswith("docker://"):
        return Uses(raw, "docker")
    if raw.startswith(("./", "../")):
        return Uses(raw, "local", path=posixpath.normpath(raw))
    target, _, ref = raw.partition("@")
    parts = target.split("/")
    owner = parts[0] if parts else ""
    repo = parts[1] if len(parts) > 1 else ""
    return Uses(raw, "action", owner, repo, "/".join(parts[2:]), ref)


@dataclass
class Step:
    """One step of a job (or of a composite action)."""

    index: int
    mark: Mark
    raw: YamlMap
    id: str | None
    name: str | None
    uses: Uses | None
    run: str | None
    with_: YamlMap
    env: YamlMap
    if_: Any

    @property
    def label(self) -> str:
        if self.name:
            return str(self.name)
        if self.uses:
            return self.uses.raw
        if self.run:
            return "run: " + self.run.strip().splitlines()[0][:60] if self.run.strip() else "run"
        return f"step {self.index + 1}"


@dataclass
class Job:
    id: str
    mark: Mark
    raw: YamlMap
    name: Any
    runs_on: Any
    strategy: YamlMap
    env: YamlMap
    defaults: YamlMap
    steps: list[Step]
    uses: Uses | None  # a reusable workflow call
    with_: YamlMap
    needs: list[str]
    outputs: YamlMap


@dataclass
class Workflow:
    path: str
    mark: Mark
    raw: YamlMap
    name: str
    on: dict[str, Any]
    env: YamlMap
    defaults: YamlMap
    jobs: dict[str, Job]
    problems: list[WorkflowProblem] = field(default_factory=list)

    @property
    def events(self) -> list[str]:
        return list(self.on)


def _empty_map(mark: Mark) -> YamlMap:
    m = YamlMap()
    m.mark, m.key_marks, m.value_marks = mark, {}, {}
    return m


def _as_map(value: Any, mark: Mark, what: str, problems: list[WorkflowProblem]) -> YamlMap:
    if value is None:
        return _empty_map(mark)
    if isinstance(value, YamlMap):
        return value
    if isinstance(value, str) and "${{" in value:
        # A whole mapping from an expression (`env: ${{ matrix.env }}`): evaluated later.
        m = _empty_map(mark)
        m.expression = value
        return m
    problems.append(WorkflowProblem(getattr(value, "mark", mark), f"{what} must be a mapping"))
    return _empty_map(mark)


def _events(value: Any) -> dict[str, Any]:
    """``on:`` as a mapping from event name to its configuration."""
    if isinstance(value, str):
        return {value: None}
    if isinstance(value, list):
        return {str(v): None for v in value}
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    return {}


def parse_steps(value: Any, mark: Mark, problems: list[WorkflowProblem]) -> list[Step]:
    if value is None:
        return []
    if not isinstance(value, YamlSeq):
        problems.append(WorkflowProblem(getattr(value, "mark", mark), "steps must be a list"))
        return []
    steps = []
    for i, raw in enumerate(value):
        smark = value.item_marks[i]
        if not isinstance(raw, YamlMap):
            problems.append(WorkflowProblem(smark, f"step {i + 1} must be a mapping"))
            continue
        uses = raw.get("uses")
        steps.append(
            Step(
                index=i,
                mark=smark,
                raw=raw,
                id=str(raw["id"]) if raw.get("id") is not None else None,
                name=str(raw["name"]) if raw.get("name") is not None else None,
                uses=parse_uses(uses) if isinstance(uses, str) else None,
                run=raw.get("run") if isinstance(raw.get("run"), str) else None,
                with_=_as_map(raw.get("with"), raw.mark_of("with"), "with", problems),
                env=_as_map(raw.get("env"), raw.mark_of("env"), "env", problems),
                if_=raw.get("if"),
            )
        )
    return steps


def _parse_job(job_id: str, raw: Any, mark: Mark, problems: list[WorkflowProblem]) -> Job | None:
    if not isinstance(raw, YamlMap):
        problems.append(WorkflowProblem(mark, f"job '{job_id}' must be a mapping"))
        return None
    needs = raw.get("needs")
    uses = raw.get("uses")
    return Job(
        id=job_id,
        mark=mark,
        raw=raw,
        name=raw.get("name"),
        runs_on=raw.get("runs-on"),
        strategy=_as_map(raw.get("strategy"), raw.mark_of("strategy"), "strategy", problems),
        env=_as_map(raw.get("env"), raw.mark_of("env"), "env", problems),
        defaults=_as_map(raw.get("defaults"), raw.mark_of("defaults"), "defaults", problems),
        steps=parse_steps(raw.get("steps"), raw.mark_of("steps"), problems),
        uses=parse_uses(uses) if isinstance(uses, str) else None,
        with_=_as_map(raw.get("with"), raw.mark_of("with"), "with", problems),
        needs=[str(n) for n in needs]
        if isinstance(needs, list)
        else ([str(needs)] if needs else []),
        outputs=_as_map(raw.get("outputs"), raw.mark_of("outputs"), "outputs", problems),
    )


def load_workflow(text: str | bytes, path: str) -> Workflow:
    """Read one workflow file. Raises WorkflowSyntaxError when it is not a workflow at all."""
    doc = load_yaml(text, path)
    if not isinstance(doc, YamlMap):
        mark = getattr(doc, "mark", Mark(path, 1, 1))
        raise WorkflowSyntaxError(f"{mark}: a workflow must be a mapping", mark)
    problems: list[WorkflowProblem] = []
    jobs_raw = doc.get("jobs")
    jobs: dict[str, Job] = {}
    if isinstance(jobs_raw, YamlMap):
        for job_id, raw in jobs_raw.items():
            job = _parse_job(job_id, raw, jobs_raw.key_marks[job_id], problems)
            if job is not None:
                jobs[job_id] = job
    else:
        problems.append(WorkflowProblem(doc.mark_of("jobs"), "the workflow has no jobs mapping"))
    name = doc.get("name")
    return Workflow(
        path=path,
        mark=doc.mark,
        raw=doc,
        name=str(name) if name is not None else path,
        on=_events(doc.get("on")),
        env=_as_map(doc.get("env"), doc.mark_of("env"), "env", problems),
        defaults=_as_map(doc.get("defaults"), doc.mark_of("defaults"), "defaults", problems),
        jobs=jobs,
        problems=problems,
    )


_PARSED: dict[tuple[str, bytes], Workflow | WorkflowSyntaxError] = {}
_PARSED_LIMIT = 4096


def _parse_cached(data: bytes, path: str) -> Workflow:
    """Parse once per (path, content): a history of thousands of commits mostly repeats the
    same workflow files. Parsed workflows are never mutated, so sharing them is safe."""
    # A fast non-cryptographic fingerprint is enough to recognise a file seen before
    # (never used for anything GitHub computes).
    key = (path, xxhash.xxh3_128_digest(data))
    hit = _PARSED.get(key)
    if hit is None:
        try:
            hit = load_workflow(data, path)
        except WorkflowSyntaxError as exc:
            hit = exc
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        _PARSED[key] = hit
    if isinstance(hit, WorkflowSyntaxError):
        raise hit
    return hit


_BY_ID: dict[tuple[str, object], Workflow] = {}


def parse_workflow_file(tree: Tree, path: str) -> Workflow:
    """A commit's file is its blob id: across a history, each distinct workflow file is read
    and parsed once (``predict`` asks for every workflow of every commit)."""
    object_id = getattr(tree, "object_id", None)
    node = object_id(path) if object_id is not None else None
    if node is None:
        return _parse_cached(tree.read(path), path)
    hit = _BY_ID.get((path, node))
    if hit is None:
        hit = _parse_cached(tree.read(path), path)
        if len(_BY_ID) >= _PARSED_LIMIT:
            _BY_ID.clear()
        _BY_ID[(path, node)] = hit
    return hit


def load_workflows(
    tree: Tree, *, only: str | None = None
) -> tuple[list[Workflow], list[WorkflowProblem]]:
    """Every ``.github/workflows/*.yml|yaml`` of a tree, with the files that failed to load."""
    try:
        if tree.stat(WORKFLOW_DIR) != DIR:
            return [], []
        names = [n for n, _ in tree.listdir(WORKFLOW_DIR) if n.endswith((".yml", ".yaml"))]
    except TreeError as exc:
        if exc.code in ("EUNKNOWABLE", "EOUTSIDE"):  # a link out of the repository: say so
            return [], [WorkflowProblem(Mark(WORKFLOW_DIR, 1, 1), str(exc))]
        return [], []
    workflows: list[Workflow] = []
    problems: list[WorkflowProblem] = []
    for name in names:
        path = f"{WORKFLOW_DIR}/{name}"
        if only is not None and only not in (name, path, name.rsplit(".", 1)[0]):
            continue
        try:
            workflows.append(parse_workflow_file(tree, path))
        except WorkflowSyntaxError as exc:
            problems.append(WorkflowProblem(exc.mark or Mark(path, 1, 1), exc.reason))
        except TreeError as exc:
            problems.append(WorkflowProblem(Mark(path, 1, 1), str(exc)))
    return workflows, problems


# --- needs ----------------------------------------------------------------------------------


def needs_order(jobs: Mapping[str, Job]) -> tuple[list[Job], dict[str, int]]:
    """Jobs in ``needs`` order (each after what it needs) and each job's stage.

    The stage is the longest chain of ``needs`` before a job (0 for none). One depth-first
    pass, iterative and memoised: a ``needs`` chain of 400 jobs used to exhaust Python's
    recursion and a diamond of 35 jobs took 84 s walking every path. An edge back into the
    chain being visited (a cycle, which GitHub refuses) is ignored; unknown ids are skipped.
    """
    order: list[Job] = []
    stage: dict[str, int] = {}
    active: set[str] = set()
    for root in jobs.values():
        if root.id in stage:
            continue
        active.add(root.id)
        stack: list[tuple[Job, int]] = [(root, 0)]
        while stack:
            job, i = stack[-1]
            deps = job.needs
            while i < len(deps) and (deps[i] not in jobs or deps[i] in stage or deps[i] in active):
                i += 1
            if i < len(deps):
                stack[-1] = (job, i + 1)
                active.add(deps[i])
                stack.append((jobs[deps[i]], 0))
                continue
            stack.pop()
            active.discard(job.id)
            stage[job.id] = 1 + max((stage[d] for d in deps if d in stage), default=-1)
            order.append(job)
    return order, stage


# --- matrices ------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


MAX_MATRIX_JOBS = 256
"""GitHub: "A matrix will generate a maximum of 256 jobs per workflow run" (Using a matrix
for your jobs, docs.github.com/actions/how-tos/write-workflows/choose-what-workflows-do/
run-job-variations). GitHub refuses the workflow past it."""

_MAX_PRODUCT = MAX_MATRIX_JOBS * 64
"""The product is not built past this size even if ``exclude`` would shrink it back under
256 (8 axes x 10 values would be 10^8 combinations)."""


class MatrixTooLarge(CachekitError):
    """The matrix expands past :data:`MAX_MATRIX_JOBS`; GitHub refuses such a workflow."""


def expand_matrix(matrix: Mapping[str, Any]) -> list[dict[str, Any]]:
    """GitHub's ``strategy.matrix`` expansion: product, then exclude, then include.

    Raises :class:`MatrixTooLarge` when the result has more than :data:`MAX_MATRIX_JOBS`
    combinations (or the product before ``exclude`` more than 64 times that).

    - Excludes drop every combination whose values equal all of an entry's values.
    - Each include entry is merged into every original combination it does not contradict
      (original values are never overwritten; values added by earlier includes may be);
      an entry that fits no original combination becomes a combination of its own.

    The caller evaluates expressions first; a matrix it cannot know is not expanded here.
    """
    base_keys = [k for k in matrix if k not in ("include", "exclude")]
    axes = []
    for key in base_keys:
        values = matrix[key]
        axes.append([_plain(v) for v in values] if isinstance(values, list) else [_plain(values)])
    product = math.prod(len(axis) for axis in axes)
    if product > _MAX_PRODUCT:
        raise MatrixTooLarge(_too_many(product, axes))
    combos: list[dict[str, Any]] = []
    if base_keys:
        combos = [dict(zip(base_keys, values, strict=True)) for values in itertools.product(*axes)]
    excludes = matrix.get("exclude") or []
    if isinstance(excludes, list):
        for ex in excludes:
            if isinstance(ex, Mapping):
                ex = _plain(ex)
                combos = [c for c in combos if not all(c.get(k) == v for k, v in ex.items())]
    originals = [(c, set(c)) for c in combos]
    extra: list[dict[str, Any]] = []
    includes = matrix.get("include") or []
    if isinstance(includes, list):
        for inc in includes:
            if not isinstance(inc, Mapping):
                continue
            inc = _plain(inc)
            merged = False
            for combo, original_keys in originals:
                if all(combo[k] == v for k, v in inc.items() if k in original_keys):
                    combo.update({k: v for k, v in inc.items() if k not in original_keys})
                    merged = True
            if not merged:
                extra.append(dict(inc))
    if len(combos) + len(extra) > MAX_MATRIX_JOBS:
        raise MatrixTooLarge(_too_many(len(combos) + len(extra), axes))
    return combos + extra


def _too_many(count: int, axes: list[list[Any]]) -> str:
    sizes = " x ".join(str(len(a)) for a in axes) or "includes"
    return (
        f"the matrix has {count:,} jobs ({sizes}); GitHub allows at most "
        f"{MAX_MATRIX_JOBS} jobs per matrix and refuses the workflow"
    )


# --- local composite actions -------------------------------------------------------------


@dataclass
class CompositeAction:
    """A local action (``uses: ./path``) whose ``runs.using`` is ``composite``."""

    path: str
    mark: Mark
    inputs: dict[str, Any]  # input name -> default (None when there is none)
    steps: list[Step]
    problems: list[WorkflowProblem] = field(default_factory=list)


def load_local_action(tree: Tree, directory: str) -> CompositeAction | WorkflowProblem:
    """Read ``action.yml``/``action.yaml`` of a local action directory.

    A directory outside the repository (``./../../x``, or a link out of it) is never read:
    GitHub's local actions are paths in the workflow's repository.
    """
    directory = directory.strip("/")
    if leaves_tree(tree, directory):
        return WorkflowProblem(
            Mark(directory or ".", 1, 1),
            "outside the repository: a local action is a directory of the workflow's "
            "repository (GitHub refuses this path); not read",
        )
    for name in ("action.yml", "action.yaml"):
        path = f"{directory}/{name}" if directory else name
        try:
            if tree.stat(path) is None:
                continue
            doc = load_yaml(tree.read(path), path)
        except WorkflowSyntaxError as exc:
            return WorkflowProblem(exc.mark or Mark(path, 1, 1), exc.reason)
        except TreeError as exc:
            return WorkflowProblem(Mark(path, 1, 1), str(exc))
        if not isinstance(doc, YamlMap):
            return WorkflowProblem(Mark(path, 1, 1), "an action must be a mapping")
        runs = doc.get("runs")
        using = runs.get("using") if isinstance(runs, YamlMap) else None
        if not isinstance(runs, YamlMap) or str(using).lower() != "composite":
            return WorkflowProblem(doc.mark_of("runs"), f"not a composite action ({using})")
        problems: list[WorkflowProblem] = []
        inputs: dict[str, Any] = {}
        raw_inputs = doc.get("inputs")
        if isinstance(raw_inputs, YamlMap):
            for key, spec in raw_inputs.items():
                inputs[key] = spec.get("default") if isinstance(spec, YamlMap) else None
        steps = parse_steps(runs.get("steps"), runs.mark_of("steps"), problems)
        return CompositeAction(path, doc.mark, inputs, steps, problems)
    return WorkflowProblem(Mark(directory or ".", 1, 1), "no action.yml in the local action")
