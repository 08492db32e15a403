"""``check``: does each cache key capture the environment the cache restores?

``explain`` says what a key is; this says whether it is *right*. For every cache of every job
(× matrix) it compares what the key hashes with what the job installs after restoring it
(:mod:`cachekit.checks.installs`), classifies what the cached paths hold (a download cache that
any interpreter can reuse, or a built environment that only works for one interpreter, OS and
architecture — :mod:`cachekit.environments.paths`), compares keys across matrix combinations
(two Pythons sharing one ``.venv`` key is a collision, not a risk), and looks at who can
write and who restores (a release built from a poisoned cache). Explain's own findings
(volatile keys, patterns that match nothing) are carried over with their codes.

The rules themselves are registered in :mod:`cachekit.checks.rules`; this module builds the
facts they read, runs them and orders what they find.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from ..environments.paths import PathClass, classify_path
from ..explain.model import CacheReport, ExplainResult, Finding, JobRecord, StepRecord
from ..findings import Code, Severity
from ..fs.trees import Tree
from .model import CheckFinding, CheckResult, Location
from .rule import CacheFacts, CheckContext, finding
from .rules import RULES
from .rules.poisoning import release_jobs

__all__ = ["check_explained", "release_jobs"]


def _classify(report: CacheReport, step: StepRecord, job: JobRecord) -> tuple[PathClass, ...]:
    out: list[PathClass] = []
    location = step.env.get("pythonLocation")
    for path in report.paths:
        if location and path.rstrip("/\\").startswith(location.rstrip("/\\")):
            out.append(
                PathClass(
                    path,
                    "built-env",
                    "python",
                    "pip",
                    "the Python setup-python installed (env.pythonLocation), with every package "
                    "pip installed into it",
                    True,
                )
            )
            continue
        out.append(classify_path(path, os=job.os or "Linux", env=step.env))
    return tuple(out)


def _hashed(report: CacheReport) -> tuple[frozenset[str], bool]:
    files: set[str] = set()
    addressed = False
    for part in report.parts:
        if part.kind == "hashFiles" and part.hash is not None:
            files.update(f.path for f in part.hash.files)
            if part.hash.digest:
                addressed = True
    return frozenset(files), addressed


def _caches(explained: ExplainResult) -> list[CacheFacts]:
    """One :class:`CacheFacts` per cache report, in job and step order."""
    out: list[CacheFacts] = []
    seen: set[int] = set()
    for job in explained.jobs:
        for pos, step in enumerate(job.steps):
            for index in step.caches:
                if index in seen:  # a composite step and its inner step both list the cache
                    continue
                seen.add(index)
                report = explained.caches[index]
                hashed, addressed = _hashed(report)
                classes = _classify(report, step, job)
                out.append(CacheFacts(index, report, job, step, pos, classes, hashed, addressed))
    return out


def _carried(f: Finding, cache: CacheFacts | None) -> CheckFinding:
    """One of explain's findings as check reports it: same code, severity and message."""
    at = Location(f.mark.path, f.mark.line) if f.mark else Location("", 0)
    return finding(f.code, f.message, at=at, job=cache.job if cache else None, severity=f.severity)


def _script_problems(ctx: CheckContext) -> Iterator[CheckFinding]:
    """What a ``run:`` script's parse could not read (a ``$(`` nested past the bound, an
    unterminated quote): the installs there are not seen. A note: the limit may be cachekit's
    own, and the rest of the script is still read.

    Only where the dialect is certain: a step without ``shell:`` runs bash on Linux and macOS
    but PowerShell on Windows, and a leg whose OS is Windows or unknown may be the only one its
    ``if:`` keeps, so such a step's script is not judged in any leg."""
    uncertain = {
        (step.mark.path, step.mark.line)
        for job in ctx.explained.jobs
        if job.os not in ("Linux", "macOS")
        for step in job.steps
        if step.run is not None and step.shell is None
    }
    for job in ctx.explained.jobs:
        for step, at in ctx.job_installs(job).problems:
            if (step.mark.path, step.mark.line) in uncertain:
                continue
            yield finding(
                Code.WORKFLOW_PROBLEM,
                f"run: script not fully read: {at.message}",
                at=Location(at.file, at.line),
                job=job,
                severity=Severity.NOTE,
                fix="Check the script at this line; cachekit reads the rest of it",
            )


def _call_sites(explained: ExplainResult) -> dict[tuple[str, str, str], tuple[Location, ...]]:
    """(workflow, job, action file) -> the ``uses:`` lines that lead from the job's workflow
    into that composite action file, outermost first."""
    out: dict[tuple[str, str, str], tuple[Location, ...]] = {}
    for job in explained.jobs:
        uses = {(s.mark.path, s.mark.line): s.uses or "the action" for s in job.steps}
        for step in job.steps:
            if not step.via or (job.workflow, job.job, step.mark.path) in out:
                continue
            out[job.workflow, job.job, step.mark.path] = tuple(
                Location(
                    m.path,
                    m.line,
                    f"job {job.job} uses {uses.get((m.path, m.line), 'the action')} here",
                )
                for m in step.via
            )
    return out


def _with_call_sites(
    found: list[CheckFinding], sites: dict[tuple[str, str, str], tuple[Location, ...]]
) -> list[CheckFinding]:
    """A finding inside a composite action names where its job calls the action (a related
    location: text, JSON and SARIF carry it), since the action file alone does not say which
    workflow and job run it."""
    out = []
    for f in found:
        site = sites.get((f.workflow or "", f.job or "", f.file)) if f.file != f.workflow else None
        out.append(replace(f, related=(*site, *f.related)) if site else f)
    return out


def _run(ctx: CheckContext) -> list[CheckFinding]:
    caches = _caches(ctx.explained)
    found = [_carried(problem, None) for problem in ctx.explained.problems]
    found.extend(_script_problems(ctx))
    per_cache = [rule for rule in RULES if rule.per_cache is not None]
    for cache in caches:
        found.extend(_carried(f, cache) for f in cache.report.findings)
        for rule in per_cache:
            found.extend(rule.run(ctx, [cache]))
    for rule in RULES:
        if rule.across_caches is not None:
            found.extend(rule.run(ctx, caches))
    return _with_call_sites(found, _call_sites(ctx.explained))


_DIMENSION_CODES = frozenset(
    {Code.INTERPRETER_NOT_IN_KEY, Code.OS_NOT_IN_KEY, Code.ARCH_NOT_IN_KEY}
)


def _ordered(findings: list[CheckFinding]) -> tuple[CheckFinding, ...]:
    unique: dict[tuple[str, str, int, str], CheckFinding] = {}
    errors = {(f.code, f.file, f.line) for f in findings if f.severity == Severity.ERROR}
    dimensions: set[tuple[str, str, int]] = set()
    for f in findings:
        if f.severity != Severity.ERROR and (f.code, f.file, f.line) in errors:
            continue  # the same problem, already reported as certain
        if f.code in _DIMENSION_CODES:
            if (f.code, f.file, f.line) in dimensions:
                continue  # one finding per cache step and dimension (matrix combos agree)
            dimensions.add((f.code, f.file, f.line))
        unique.setdefault((f.code, f.file, f.line, f.message), f)
    return tuple(
        sorted(
            unique.values(),
            key=lambda f: (f.severity.rank, f.file, f.line, f.code, f.message),
        )
    )


def check_explained(tree: Tree, explained: ExplainResult) -> CheckResult:
    """Check the caches ``explained`` found in ``tree``."""
    findings = _run(CheckContext.build(tree, explained))
    return CheckResult(
        root=explained.root,
        revision=explained.revision,
        findings=_ordered(findings),
        caches=len(explained.caches),
        jobs=len(explained.jobs),
    )
