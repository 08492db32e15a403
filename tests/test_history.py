"""The history predict replays: merged pull requests' commits, and what cannot be read."""

from __future__ import annotations

from pathlib import Path

from gitutil import commit_all, git, init

from cachekit.fs.gitrepo import GitRepo
from cachekit.fs.history import first_parent_commits, merged_branches
from cachekit.predict import PredictOptions, predict


def _merged_history(tmp_path: Path) -> tuple[Path, str]:
    """main: base, then a --no-ff merge of a two-commit branch. Returns the branch's head."""
    repo = init(tmp_path / "repo")
    (repo / "a.txt").write_text("a\n")
    commit_all(repo, "base")
    git(repo, "checkout", "-qb", "feature")
    (repo / "b.txt").write_text("b\n")
    commit_all(repo, "one")
    (repo / "b.txt").write_text("bb\n")
    head = commit_all(repo, "two")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "--no-ff", "-q", "-m", "Merge pull request #7 from o/feature", "feature")
    return repo, head


def test_a_merge_brings_its_branch_commits(tmp_path: Path) -> None:
    repo, head = _merged_history(tmp_path)
    gitrepo = GitRepo(str(repo))
    commits = first_parent_commits(gitrepo)
    merged = merged_branches(gitrepo, commits)
    assert merged.warnings == ()
    [(merge, branch)] = merged.branches.items()
    assert merge == commits[-1].oid
    assert [c.subject for c in branch] == ["one", "two"]
    assert branch[-1].oid == head


def test_a_branch_git_cannot_walk_is_a_warning_not_silence(tmp_path: Path) -> None:
    repo, head = _merged_history(tmp_path)
    git(repo, "branch", "-q", "-D", "feature")
    # The pull request's head commit is gone from the object store (as in a partial clone).
    (repo / ".git" / "objects" / head[:2] / head[2:]).unlink()
    gitrepo = GitRepo(str(repo))
    commits = first_parent_commits(gitrepo)
    merged = merged_branches(gitrepo, commits)
    assert merged.branches == {}
    assert merged.warnings == (
        f"git log failed on the merged branch of 1 merge commit ({commits[-1].short}): "
        "the commits of those pull requests are not replayed",
    )
    result = predict(str(repo), PredictOptions(pull_requests=True))
    assert merged.warnings[0] in result.problems
