"""Which commits a history is made of, and when each would have run CI.

``predict`` replays a repository's history through the cache service: pushes to the default
branch (its first-parent line), and — when asked — the pull requests that merged into it
(the second parents of its merge commits, run on ``refs/pull/N/merge``). Committer times
stand in for run times: they order the runs and drive expiry (7 days without access).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from ..errors import UsageError
from .gitrepo import GitRepo

__all__ = [
    "Commit",
    "MergedBranches",
    "default_branch",
    "first_parent_commits",
    "merged_branches",
]

DEFAULT_MAX_COMMITS = 1000


@dataclass(frozen=True)
class Commit:
    oid: str
    parents: tuple[str, ...]
    time: datetime  # committer time, UTC
    subject: str

    @property
    def short(self) -> str:
        return self.oid[:10]


def _parse_log(text: str) -> list[Commit]:
    commits = []
    for record in text.split("\x1e"):
        record = record.strip("\n")
        if not record:
            continue
        oid, parents, stamp, subject = record.split("\x00", 3)
        commits.append(
            Commit(
                oid=oid,
                parents=tuple(parents.split()),
                time=datetime.fromtimestamp(int(stamp), tz=timezone.utc),
                subject=subject,
            )
        )
    return commits


def default_branch(repo: GitRepo) -> str:
    """The branch pushes land on: origin's HEAD, a bare mirror's HEAD, else
    main/master/trunk, else HEAD."""
    head = repo.run_git("symbolic-ref", "--quiet", "refs/remotes/origin/HEAD")
    if head:
        return head.strip().removeprefix("refs/remotes/origin/")
    if repo.bare:
        # A bare mirror's HEAD is the remote's default branch (a clone's is only the branch
        # checked out); it must win over a stale `main` next to the real `master`.
        own = repo.run_git("symbolic-ref", "--quiet", "--short", "HEAD")
        if own and repo.run_git("rev-parse", "--verify", "--quiet", f"refs/heads/{own.strip()}"):
            return own.strip()
    for name in ("main", "master", "trunk", "develop"):
        if repo.run_git("rev-parse", "--verify", "--quiet", f"refs/heads/{name}"):
            return name
    current = repo.run_git("symbolic-ref", "--quiet", "--short", "HEAD")
    return current.strip() if current else "HEAD"


def first_parent_commits(
    repo: GitRepo,
    *,
    rev: str | None = None,
    range_: str | None = None,
    since: str | None = None,
    max_commits: int | None = DEFAULT_MAX_COMMITS,
) -> list[Commit]:
    """The first-parent history, oldest first (so runs replay in time order).

    ``range_`` is ``A..B``; ``since`` a date git understands; ``max_commits`` keeps the
    newest N (``None``: all).
    """
    args = ["log", "--first-parent", "--format=%H%x00%P%x00%ct%x00%s%x1e"]
    if max_commits is not None:
        if max_commits <= 0:
            raise UsageError("--max-commits must be positive")
        args.append(f"--max-count={max_commits}")
    if since is not None:
        args.append(f"--since={since}")
    if range_ is not None:
        if not re.fullmatch(r"[^\s.][^\s]*\.\.[^\s.][^\s]*", range_):
            raise UsageError(f"invalid range '{range_}' (expected A..B)")
        a, b = range_.split("..", 1)
        args += [f"{repo.resolve_commit(a)}..{repo.resolve_commit(b)}"]
    else:
        args.append(repo.resolve_commit(rev or default_branch(repo)))
    out = repo.git(*args)  # a corrupt history is git's error (exit 3), never an empty one
    return list(reversed(_parse_log(out)))


@dataclass(frozen=True)
class MergedBranches:
    """The pull requests' own commits by merge commit, and what could not be read."""

    branches: dict[str, list[Commit]]  # merge commit -> its second parent's commits
    warnings: tuple[str, ...] = ()


def merged_branches(
    repo: GitRepo, commits: list[Commit], *, per_branch: int = 20
) -> MergedBranches:
    """For each merge commit on the line: the commits its second parent brought (oldest
    first), i.e. the pull request's own commits, at most ``per_branch`` of them.

    A merge whose second parent git cannot walk (a shallow or partial clone without its
    objects) gives no commits; the result's warnings say which, since a replay without them
    would look like a history without pull requests."""
    out: dict[str, list[Commit]] = {}
    failed: list[Commit] = []
    for c in commits:
        if len(c.parents) < 2:
            continue
        text = repo.run_git(
            "log",
            "--format=%H%x00%P%x00%ct%x00%s%x1e",
            f"--max-count={per_branch}",
            f"{c.parents[0]}..{c.parents[1]}",
        )
        if text is None:
            failed.append(c)
        elif text:
            out[c.oid] = list(reversed(_parse_log(text)))
    warnings: tuple[str, ...] = ()
    if failed:
        named = ", ".join(c.short for c in failed[:3]) + (", …" if len(failed) > 3 else "")
        warnings = (
            f"git log failed on the merged branch of {len(failed)} merge commit"
            f"{'s' if len(failed) > 1 else ''} ({named}): "
            "the commits of those pull requests are not replayed",
        )
    return MergedBranches(out, warnings)
