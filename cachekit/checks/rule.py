"""What a check rule is, and the facts every rule reads about one cache.

A rule is a function registered with the codes it may raise (:func:`cache_rule` for one
cache at a time, :func:`repository_rule` for rules that compare caches across jobs). The
registry is :data:`cachekit.checks.rules.RULES`, one line per rule; the engine builds the facts
once (:class:`CacheFacts`, :class:`CheckContext`), runs the rules in registry order and orders
what they yield. Rules yield findings rather than append to shared state, so each can be read
and tested on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

from ..ecosystems import registry
from ..environments.paths import PathClass
from ..explain.model import CacheReport, ExplainResult, JobRecord, StepRecord
from ..findings import CODES, Code, Severity
from ..fs.trees import Tree
from .installs import Install, JobInstalls, _Reader, job_installs
from .model import CheckFinding, Location

__all__ = [
    "NODE_TOOLS",
    "CacheFacts",
    "CheckContext",
    "Rule",
    "cache_rule",
    "finding",
    "job_python",
    "matrix_text",
    "repository_rule",
    "short_list",
]

NODE_TOOLS: Final = registry.tools("node")  # the ecosystem registry's Node installers

# What a key's expressions say about the dimensions a built environment depends on.
PY_VERSION_TEXT: Final = re.compile(r"python|pythonlocation|\bpy\b|py_?ver|interpreter", re.I)
OS_TEXT: Final = re.compile(r"runner\.os|imageos|\bos\b|matrix\.(os|platform|runner)|runs-on", re.I)
ARCH_TEXT: Final = re.compile(r"runner\.arch|\barch|platform|machine", re.I)


@dataclass
class CacheFacts:
    """One cache report with what the rules need: its job, step, what its paths hold."""

    index: int
    report: CacheReport
    job: JobRecord
    step: StepRecord
    position: int  # of the cache step among the job's steps
    classes: tuple[PathClass, ...]
    hashed: frozenset[str]
    content_addressed: bool  # some hashFiles part matched files

    @property
    def at(self) -> Location:
        """The cache step: where a finding about this cache points."""
        return Location(self.report.mark.path, self.report.mark.line)

    @property
    def restores(self) -> bool:
        return self.report.kind in ("restore+save", "restore-only")

    @property
    def saves(self) -> bool:
        return self.report.kind in ("restore+save", "save-only")

    @property
    def setup_action(self) -> bool:
        return not self.report.uses.lower().startswith("actions/cache")

    @property
    def built_env(self) -> bool:
        return any(c.kind == "built-env" and c.ecosystem in ("python", None) for c in self.classes)

    @property
    def python(self) -> bool:
        if self.report.uses.lower().startswith("actions/setup-python"):
            return True
        return any(c.ecosystem == "python" for c in self.classes)

    @property
    def node(self) -> bool:
        if self.report.uses.lower().startswith("actions/setup-node"):
            return True
        return any(c.ecosystem == "node" for c in self.classes)

    @property
    def ecosystem(self) -> Literal["python", "node"] | None:
        """Whose installs the environment rules compare the key with (Python wins a tie)."""
        if self.python:
            return "python"
        return "node" if self.node else None

    @property
    def names(self) -> str:
        """The key's expressions as written, for testing which dimensions it names."""
        return " ".join(p.text for p in self.report.parts if p.kind != "literal")

    @property
    def volatile(self) -> bool:
        """A key that changes every run or commit: it never restores another input's cache."""
        return any(f.code == Code.VOLATILE_KEY for f in self.report.findings)

    def token(self, pattern: re.Pattern[str]) -> str | None:
        """The evaluated value of the key part naming a dimension (to find it in restore keys)."""
        for part in self.report.parts:
            if part.kind == "context" and pattern.search(part.text) and part.value:
                return part.value
        return None


@dataclass
class CheckContext:
    """The tree and explain's result, with what each job installs (read once per job)."""

    tree: Tree
    explained: ExplainResult
    reader: _Reader
    installs: dict[int, JobInstalls] = field(default_factory=dict)  # by id() of the JobRecord

    @classmethod
    def build(cls, tree: Tree, explained: ExplainResult) -> CheckContext:
        ctx = cls(tree, explained, _Reader(tree))
        for job in explained.jobs:
            ctx.installs[id(job)] = job_installs(tree, job, ctx.reader)
        return ctx

    def job_installs(self, job: JobRecord) -> JobInstalls:
        return self.installs[id(job)]

    def after(self, cache: CacheFacts) -> tuple[Install, ...]:
        """The installs of the cache's ecosystem that run after the cache step restores."""
        installs = self.job_installs(cache.job).installs
        positions = {id(s): i for i, s in enumerate(cache.job.steps)}
        node = cache.ecosystem == "node"
        return tuple(
            i
            for i in installs
            if positions.get(id(i.step), -1) > cache.position
            and (i.command.tool in NODE_TOOLS) == node
        )


def finding(
    code: Code,
    message: str,
    *,
    at: Location,
    job: JobRecord | None,
    severity: Severity | None = None,
    fix: str | None = None,
    related: Iterable[Location] = (),
) -> CheckFinding:
    """A finding with the registry's default severity and fix unless the rule says better."""
    info = CODES[code]
    return CheckFinding(
        code=code,
        severity=severity or info.severity,
        message=message,
        fix=fix or info.fix,
        file=at.file,
        line=at.line,
        workflow=job.workflow if job else None,
        job=job.job if job else None,
        matrix=dict(job.matrix) if job else {},
        related=tuple(related),
    )


CacheCheck = Callable[[CheckContext, CacheFacts], Iterator[CheckFinding]]
RepositoryCheck = Callable[[CheckContext, Sequence[CacheFacts]], Iterator[CheckFinding]]


@dataclass(frozen=True)
class Rule:
    """One registered rule: its name, the codes it may raise, and its function."""

    name: str
    codes: tuple[Code, ...]
    per_cache: CacheCheck | None = None
    across_caches: RepositoryCheck | None = None

    def __post_init__(self) -> None:
        # Checked when the rule's module is imported: a rule raises registered check codes.
        if (self.per_cache is None) == (self.across_caches is None):
            raise TypeError(f"rule {self.name}: give exactly one of per_cache, across_caches")
        for code in self.codes:
            if CODES[Code(code)].origin != "check":
                raise ValueError(f"rule {self.name}: {code} is explain's code, not a check's")

    def run(self, ctx: CheckContext, caches: Sequence[CacheFacts]) -> Iterator[CheckFinding]:
        """Every finding of this rule over ``caches`` (one cache at a time, or all at once)."""
        if self.per_cache is not None:
            for cache in caches:
                yield from self._own(self.per_cache(ctx, cache))
        elif self.across_caches is not None:
            yield from self._own(self.across_caches(ctx, caches))

    def _own(self, found: Iterable[CheckFinding]) -> Iterator[CheckFinding]:
        for f in found:
            if f.code not in self.codes:
                raise ValueError(f"rule {self.name} raised {f.code}, which it does not declare")
            yield f


def cache_rule(name: str, *codes: Code) -> Callable[[CacheCheck], Rule]:
    """Register ``fn(ctx, cache)`` as rule ``name`` raising ``codes``, run once per cache."""

    def register(fn: CacheCheck) -> Rule:
        return Rule(name, codes, per_cache=fn)

    return register


def repository_rule(name: str, *codes: Code) -> Callable[[RepositoryCheck], Rule]:
    """Register ``fn(ctx, caches)`` as rule ``name``: it compares caches across jobs."""

    def register(fn: RepositoryCheck) -> Rule:
        return Rule(name, codes, across_caches=fn)

    return register


def job_python(job: JobRecord) -> str | None:
    """The Python a job sets up: setup-python's version, else None (the runner's default)."""
    for step in job.steps:
        if step.uses and step.uses.lower().startswith("actions/setup-python"):
            version = step.with_.get("python-version", "").strip()
            return version.splitlines()[-1] if version else "default"
    return None


def matrix_text(job: JobRecord) -> str:
    if not job.matrix:
        return ""
    return "(" + ", ".join(f"{k}={v}" for k, v in sorted(job.matrix.items())) + ")"


def short_list(items: Iterable[str]) -> str:
    """At most four items, then how many more."""
    values = list(dict.fromkeys(items))
    if len(values) > 4:
        values = [*values[:4], f"{len(values) - 4} more"]
    return ", ".join(values)
