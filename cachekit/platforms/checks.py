"""``check`` for the non-GitHub platforms: the rules that apply to any key made of literal
text, variables and file digests, over the platform-neutral records.

- explain's own findings are carried (volatile keys, file lists that match nothing, fallback
  keys that never match…), with their codes;
- **input-not-in-key**: what the job's scripts install (``pip install -r``, ``npm ci``,
  ``poetry install`` — read by :mod:`cachekit.checks.installs` from the scripts, the same
  reader GitHub jobs get) is compared with the files the key digests; a Python or Node cache
  whose key misses one is restored stale when it changes (error for a built environment);
- **interpreter-not-in-key** / **os-not-in-key**: a built environment (``.venv``,
  ``node_modules``) whose key names neither the image nor the interpreter; when two job
  combinations with different images compute the same key it is an error (one restores the
  other's environment);
- **key-never-refreshed** (from the platform: see each adapter).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from ..checks.installs import job_installs
from ..checks.model import SEVERITIES, CheckFinding, CheckResult, Location
from ..environments.paths import PathClass, classify_path
from ..explain.model import CacheReport, ExplainResult, Finding, JobRecord
from ..findings import CODES, Code, Severity
from ..fs.trees import Tree

__all__ = ["check_platform_result"]

_PY_NAMES = re.compile(r"python|py_?ver|\bpy\b|image|interpreter|CI_JOB_IMAGE", re.I)
# A key that says py/python, or carries a Python version (3.11, 311, cp312), names it.
_PY_VALUE = re.compile(r"py|python|(?<![\d.])3\.?1?\d(?![\d.])", re.I)
_NODE_TOOLS = frozenset({"npm", "yarn", "pnpm"})


def _hashed(report: CacheReport) -> frozenset[str]:
    return frozenset(f.path for p in report.parts if p.hash is not None for f in p.hash.files)


def _classes(report: CacheReport, job: JobRecord) -> list[PathClass]:
    env = dict(job.steps[0].env) if job.steps else {}
    env = {k: re.sub(r"^\$\{?CI_PROJECT_DIR\}?/", "", v) for k, v in env.items()}
    return [classify_path(p, os=job.os or "Linux", env=env) for p in report.paths]


class _Checker:
    def __init__(self, tree: Tree, explained: ExplainResult) -> None:
        self.tree = tree
        self.explained = explained
        self.findings: list[CheckFinding] = []

    def add(
        self,
        code: Code,
        message: str,
        at: Location,
        job: JobRecord | None,
        *,
        severity: Severity | None = None,
        fix: str | None = None,
        related: Iterable[Location] = (),
    ) -> None:
        info = CODES[code]
        self.findings.append(
            CheckFinding(
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
        )

    def carry(self, finding: Finding, job: JobRecord | None) -> None:
        mark = finding.mark
        at = Location(mark.path, mark.line) if mark else Location("", 0)
        self.add(finding.code, finding.message, at, job, severity=finding.severity)

    def run(self) -> list[CheckFinding]:
        for problem in self.explained.problems:
            self.carry(problem, None)
        by_job: dict[tuple[str, str], JobRecord] = {
            (j.workflow, j.job): j for j in self.explained.jobs
        }
        for report in self.explained.caches:
            job = by_job.get((report.workflow, report.job))
            for finding in report.findings:
                self.carry(finding, job)
            if job is not None:
                self.environment(report, job)
        self.collisions()
        return self.findings

    def environment(self, report: CacheReport, job: JobRecord) -> None:
        if report.kind == "save-only" or any(f.code == Code.VOLATILE_KEY for f in report.findings):
            return
        classes = _classes(report, job)
        ecosystems = {c.ecosystem for c in classes}
        built = any(c.kind == "built-env" for c in classes)
        info = job_installs(self.tree, job)
        hashed = _hashed(report)
        at = Location(report.mark.path, report.mark.line)
        missing: dict[str, Location] = {}
        for install in info.installs:
            node = install.command.tool in _NODE_TOOLS
            if ("node" if node else "python") not in ecosystems:
                continue
            locked = any(f.role == "lock" and f.path in hashed for f in install.files)
            for f in install.files:
                if f.exists and f.path not in hashed and not (locked and f.role == "project"):
                    missing.setdefault(f.path, f.named_at)
        if missing:
            names = list(missing)
            self.add(
                Code.INPUT_NOT_IN_KEY,
                f"the key does not digest {', '.join(names)}, which the job installs from: "
                f"when {'it changes' if len(names) == 1 else 'they change'} the key stays the "
                "same and the old cache is restored",
                at,
                job,
                severity=Severity.ERROR if built else Severity.WARNING,
                fix=f"Put {', '.join(names)} in the key's file list",
                related=[Location(loc.file, loc.line, path) for path, loc in missing.items()],
            )
        if built and "python" in ecosystems:
            named = " ".join(p.text for p in report.parts if p.kind != "literal")
            if not _PY_NAMES.search(named) and not _PY_VALUE.search(report.key):
                self.add(
                    Code.INTERPRETER_NOT_IN_KEY,
                    f"the cache holds an installed environment ({', '.join(report.paths)}) but "
                    f"the key does not name the image or Python it was built with "
                    f"({job.runner}): a new image restores packages built for another",
                    at,
                    job,
                    severity=Severity.WARNING,
                    fix="Put the image's Python version in the key (a variable or the prefix)",
                )

    def collisions(self) -> None:
        groups: dict[tuple[str, str], list[CacheReport]] = defaultdict(list)
        for report in self.explained.caches:
            if report.key_known and report.kind != "save-only":
                groups[(report.workflow, report.key)].append(report)
        jobs = {(j.workflow, j.job): j for j in self.explained.jobs}
        for (_, key), reports in groups.items():
            runners = {r.runner for r in reports}
            if len(runners) < 2:
                continue
            first = reports[0]
            job = jobs.get((first.workflow, first.job))
            if job is None or not any(c.kind == "built-env" for c in _classes(first, job)):
                continue
            self.add(
                Code.INTERPRETER_NOT_IN_KEY,
                f"jobs on different images ({', '.join(sorted(runners))}) compute the same key "
                f"'{key}' for an installed environment: each restores the other's",
                Location(first.mark.path, first.mark.line),
                job,
                severity=Severity.ERROR,
                fix="Put the variable that selects the image in the key",
            )


def check_platform_result(
    tree: Tree, explained: ExplainResult, extra: Iterable[CheckFinding] = ()
) -> CheckResult:
    """Check the caches of a non-GitHub platform; ``extra`` are platform-specific findings."""
    findings = [*_Checker(tree, explained).run(), *extra]
    seen: set[tuple[str, str, int, str | None, str]] = set()
    unique = []
    for f in findings:
        ident = (f.code, f.file, f.line, f.job, f.message)
        if ident not in seen:
            seen.add(ident)
            unique.append(f)
    unique.sort(key=lambda f: (SEVERITIES.index(f.severity), f.file, f.line, f.code))
    return CheckResult(
        root=explained.root,
        revision=explained.revision,
        findings=tuple(unique),
        caches=len(explained.caches),
        jobs=len(explained.jobs),
    )
