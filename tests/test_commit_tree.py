"""``--rev``: hashing a commit from the object store equals hashing its checkout."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from conformance import oracle_outcome
from gitutil import commit_all, git, init
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import cases
from treebuild import Link, build

from cachekit import CommitTree, GitRepo, HashFilesError, TreeError, WorkTree, hash_files
from cachekit.errors import UsageError


def outcome(tree, args):
    try:
        r = hash_files(tree, args)
    except HashFilesError as exc:
        return ("error", str(exc).split(" failed: ")[-1].split(":")[0])
    return (r.digest, tuple(f.path for f in r.files))


def snapshot_git_dir(repo: Path) -> str:
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in sorted(os.walk(repo / ".git")):
        dirnames.sort()
        for f in sorted(filenames):
            p = Path(dirpath) / f
            h.update(str(p).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


@pytest.mark.oracle
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(case=cases(), follow=st.booleans())
def test_rev_equals_checkout(oracle, case, follow: bool) -> None:
    spec, args = case
    if follow and not args[0].startswith("--"):
        args = ["--follow-symbolic-links", *args]
    # A checkout's .git differs from the runner's (loose objects, logs): keep it out of the
    # comparison, at any depth (a link to '..' reaches it again below);
    # test_git_directory_is_unknowable covers what the commit says about it.
    args = [*args, "!**/.git"]
    with tempfile.TemporaryDirectory() as tmp:
        repo = init(Path(tmp) / "repo")
        build(repo, spec)
        commit = commit_all(repo)
        before = snapshot_git_dir(repo)
        with GitRepo(str(repo)) as g:
            from_rev = outcome(CommitTree(g, commit), args)
        assert snapshot_git_dir(repo) == before, "reading a commit must not write to .git"
        # Compare with the checkout of that commit, without the untracked leftovers
        # (git does not store empty directories).
        for child in repo.iterdir():
            if child.name != ".git":
                shutil.rmtree(
                    child
                ) if child.is_dir() and not child.is_symlink() else child.unlink()
        git(repo, "reset", "-q", "--hard", commit)
        checked_out = outcome(WorkTree(str(repo)), args)
        assert from_rev == checked_out
        theirs = oracle_outcome(oracle, repo, args)
        if theirs.error is None:
            assert from_rev == (theirs.digest, theirs.files)
        else:
            assert from_rev[0] == "error"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return init(tmp_path / "repo")


def test_blob_hashed_once_across_commits(repo: Path) -> None:
    build(repo, {"requirements.txt": "numpy\n", "a/requirements.txt": "click\n"})
    first = commit_all(repo)
    (repo / "b").mkdir()
    (repo / "b" / "requirements.txt").write_text("numpy\n")  # same blob as the root file
    second = commit_all(repo)
    with GitRepo(str(repo)) as g:
        d1 = hash_files(CommitTree(g, first), ["**/requirements.txt"])
        d2 = hash_files(CommitTree(g, second), ["**/requirements.txt"])
        assert len(d1.files) == 2 and len(d2.files) == 3
        assert g.stats.blobs_hashed == 2  # numpy and click, each hashed once


def test_submodule_is_an_empty_directory(repo: Path, tmp_path: Path) -> None:
    build(repo, {"requirements.txt": "x\n"})
    commit_all(repo)
    sha = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{sha},vendor/sub")
    git(repo, "commit", "-q", "-m", "submodule")
    with GitRepo(str(repo)) as g:
        tree = CommitTree(g, "HEAD")
        assert tree.lstat("vendor/sub") == 1  # a directory
        assert tree.listdir("vendor/sub") == []
        assert outcome(tree, ["vendor/**"]) == ("", ())
        assert outcome(tree, ["**", "!.git"])[1] == ("requirements.txt",)
        assert outcome(tree, ["**"]) == ("error", "EUNKNOWABLE")


def test_executable_and_symlink_modes(repo: Path) -> None:
    build(
        repo,
        {
            "run.sh": "#!/bin/sh\n",
            "deps/r.txt": "x\n",
            "link": Link("deps/r.txt"),
            "dirlink": Link("deps"),
        },
    )
    (repo / "run.sh").chmod(0o755)
    commit_all(repo)
    with GitRepo(str(repo)) as g:
        tree = CommitTree(g, "HEAD")
        assert outcome(tree, ["run.sh"])[1] == ("run.sh",)
        everything = ["**", "!.git"]
        assert outcome(tree, everything) == outcome(WorkTree(str(repo)), everything)
        follow = ["--follow-symbolic-links", "**", "!.git"]
        assert outcome(tree, follow) == outcome(WorkTree(str(repo)), follow)
        assert "dirlink/r.txt" in outcome(tree, follow)[1]


def test_symlink_leaving_the_repository_is_an_error(repo: Path) -> None:
    build(repo, {"escape": Link("../../etc/passwd"), "abs": Link("/etc/hostname")})
    commit_all(repo)
    with GitRepo(str(repo)) as g:
        tree = CommitTree(g, "HEAD")
        with pytest.raises(HashFilesError, match="outside the repository"):
            hash_files(tree, ["escape"])
        with pytest.raises(HashFilesError, match="outside the repository"):
            hash_files(tree, ["abs"])


def test_missing_blob_is_a_clear_error(repo: Path) -> None:
    build(repo, {"big.bin": "pretend this is 5 MiB\n"})
    commit_all(repo)
    oid = git(repo, "rev-parse", "HEAD:big.bin").strip()
    (repo / ".git" / "objects" / oid[:2] / oid[2:]).unlink()
    with GitRepo(str(repo)) as g, pytest.raises(HashFilesError, match=f"blob {oid}"):
        hash_files(CommitTree(g, "HEAD"), ["*.bin"])


def test_unknown_revision(repo: Path) -> None:
    build(repo, {"a": "a"})
    commit_all(repo)
    with GitRepo(str(repo)) as g, pytest.raises(UsageError, match="unknown revision 'nope'"):
        CommitTree(g, "nope")


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a git repository"):
        GitRepo(str(tmp_path))


def test_git_directory_is_unknowable(repo: Path) -> None:
    build(repo, {"requirements.txt": "x\n"})
    commit_all(repo)
    with GitRepo(str(repo)) as g:
        tree = CommitTree(g, "HEAD")
        with pytest.raises(HashFilesError, match=r"run to run.*\.git/config"):
            hash_files(tree, ["**/config"])
        # Walking .git without matching anything there is fine, as on the runner.
        assert outcome(tree, ["**/requirements.txt"])[1] == ("requirements.txt",)
    local = hash_files(WorkTree(str(repo)), ["**/config"])
    assert any("actions/checkout" in c for c in local.caveats)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(first=cases(links=False), second=cases(links=False))
def test_walk_memo_across_commits_changes_nothing(first, second) -> None:
    """Hashing many commits through one GitRepo (shared walk memo) equals hashing each fresh."""
    spec_a, args_a = first
    spec_b, _ = second
    with tempfile.TemporaryDirectory() as tmp:
        repo = init(Path(tmp) / "repo")
        build(repo, spec_a)
        a = commit_all(repo)
        for child in repo.iterdir():
            if child.name != ".git":
                shutil.rmtree(
                    child
                ) if child.is_dir() and not child.is_symlink() else child.unlink()
        build(repo, spec_b)
        b = commit_all(repo)
        args = [*args_a, "!**/.git"]
        with GitRepo(str(repo)) as shared:
            together = [outcome(CommitTree(shared, c), args) for c in (a, b, a, b)]
        for commit, got in zip((a, b, a, b), together, strict=True):
            with GitRepo(str(repo)) as fresh:
                assert outcome(CommitTree(fresh, commit), args) == got


def test_a_null_byte_in_a_path_is_a_tree_error_not_a_crash(tmp_path: Path) -> None:
    """No file can be named with NUL; the OS call would raise ValueError (a crash, exit 70)."""
    tree = WorkTree(str(tmp_path))
    with pytest.raises(TreeError, match="null byte"):
        tree.lstat("a\x00b")
    with pytest.raises(TreeError, match="null byte"):
        tree.read("x\x00")
