"""``install-input-problem``: a file an install reads is missing, loops or cannot be read.

``pip install -r missing.txt`` fails unless an earlier step creates the file (a note);
``-r`` includes that include each other, and files cachekit will not read (a device, one over
its size limit, a ``setup.py`` nested too deeply) leave what the install reads unknown.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Final

from ...environments.requirements import ProblemKind
from ...findings import Code, Severity
from ..model import CheckFinding, Location
from ..rule import CacheFacts, CheckContext, finding, repository_rule

# Problems that make an install fail or leave what it reads unknown.
_INSTALL_PROBLEMS: Final[frozenset[ProblemKind]] = frozenset(
    {"unreadable", "missing", "cycle", "too-deep"}
)


@repository_rule("install-inputs", Code.INSTALL_INPUT_PROBLEM)
def install_inputs(ctx: CheckContext, caches: Sequence[CacheFacts]) -> Iterator[CheckFinding]:
    """Every job's installs, cache or not: a broken input is worth knowing either way."""
    seen: set[tuple[str, int, str]] = set()
    for job in ctx.explained.jobs:
        for install in ctx.job_installs(job).installs:
            found: list[tuple[Location, str, Severity | None]] = []
            for f in install.files:
                if not f.exists and f.role in ("requirements", "constraints"):
                    message = (
                        f"{f.path} is not in the repository: pip fails here unless an "
                        "earlier step creates it"
                    )
                    found.append((f.named_at, message, Severity.NOTE))
            problems = [p for r in install.requirements for p in r.problems]
            problems += [p for project in install.projects for p in project.problems]
            for problem in problems:
                # Only what makes the install fail or unknowable, never a message that
                # quotes a line of the file (it may be a file outside the repository).
                if problem.kind not in _INSTALL_PROBLEMS:
                    continue
                at = Location(problem.file, problem.line)
                found.append((at, f"{problem.file}: {problem.message}", None))
            for at, message, severity in found:
                if (at.file, at.line, message) in seen:
                    continue
                seen.add((at.file, at.line, message))
                yield finding(
                    Code.INSTALL_INPUT_PROBLEM, message, at=at, job=job, severity=severity
                )
