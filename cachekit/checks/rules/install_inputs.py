"""``install-input-problem``: a file an install reads is missing, loops or cannot be read.

``pip install -r missing.txt`` fails unless an earlier step creates the file (a note) — not
said of a file whose place only the run knows (``${{ github.repository }}/requirements.txt``)
or that an earlier step brings from elsewhere: another repository checked out at ``path:``, a
submodule of the repository (``.gitmodules``), a ``git clone`` into a directory;
``-r`` includes that include each other, and files cachekit will not read (a device, one over
its size limit, a ``setup.py`` nested too deeply) leave what the install reads unknown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Final

from ...environments.requirements import ProblemKind
from ...errors import CachekitError
from ...explain.model import JobRecord, StepRecord
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
                if (
                    not f.exists
                    and f.role in ("requirements", "constraints")
                    and not _brought(ctx, job, install.step, f.path)
                ):
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


_CLONE = re.compile(r"\bgit\s+clone\b([^\n;&|]*)")
_SUBMODULE_PATH = re.compile(r"^\s*path\s*=\s*(.+?)\s*$", re.MULTILINE)


def _cloned_into(run: str) -> list[str]:
    """The directories ``git clone [options] URL [DIR]`` creates (DIR, else the URL's last
    part); the URL is the first word that looks like one (``://``, ``user@host:``, ``.git``)."""
    out = []
    for m in _CLONE.finditer(run):
        words = [w.strip("'\"") for w in m.group(1).split()]
        urls = [i for i, w in enumerate(words) if "://" in w or "@" in w or w.endswith(".git")]
        if not urls:
            continue
        url, rest = words[urls[0]], words[urls[0] + 1 :]
        if rest and not rest[0].startswith("-"):
            out.append(rest[0])
        else:
            out.append(url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git"))
    return out


def _brought(ctx: CheckContext, job: JobRecord, before: StepRecord, path: str) -> bool:
    """Whether the file's place is only known at run time, or a step before ``before`` fills
    it from elsewhere (a foreign checkout, a fetched submodule, a clone)."""
    if "‹" in path or "${{" in path:
        return True
    # a submodule's files are another repository's, whichever step fetches them (checkout's
    # `submodules:` in some legs only, `git submodule update`)
    places = _SUBMODULE_PATH.findall(_gitmodules(ctx))
    for step in job.steps:
        if step is before:
            break
        checkout = (step.uses or "").lower().split("@")[0] == "actions/checkout"
        if checkout and step.with_.get("repository", "").strip():
            places.append(step.with_.get("path", "").strip())
        if step.run:
            places.extend(_cloned_into(step.run))
    for place in places:
        prefix = place.strip().strip("/").removeprefix("./")
        if prefix and (path == prefix or path.startswith(prefix + "/")):
            return True
    return False


def _gitmodules(ctx: CheckContext) -> str:
    """The repository's ``.gitmodules`` ('' when it has none or it cannot be read)."""
    try:
        return ctx.tree.read(".gitmodules").decode("utf-8", "replace")
    except (OSError, CachekitError):
        return ""
