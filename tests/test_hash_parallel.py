"""Git blobs hashed on every core: the same digests as hashlib, whatever the sizes."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from gitutil import commit_all, init

from cachekit.fs import gitrepo
from cachekit.fs.gitrepo import GitRepo
from cachekit.fs.gittree import CommitTree

SIZES = [0, 1, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 1 << 20, 3 << 20, 200_000, 7]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    root = init(tmp_path_factory.mktemp("blobs") / "repo")
    files = {}
    for i, size in enumerate(SIZES):
        data = os.urandom(size)
        (root / f"f{i}.bin").write_bytes(data)
        files[f"f{i}.bin"] = data
    (root / "same.bin").write_bytes(files["f5.bin"])  # one blob under two names
    files["same.bin"] = files["f5.bin"]
    commit_all(root)
    return root, files


@pytest.mark.parametrize("in_flight", [64 << 20, 100_000])
def test_digests_match_hashlib(
    repo: tuple[Path, dict[str, bytes]], in_flight: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Small blobs inline, large ones on the pool, larger than the in-flight bound streamed."""
    monkeypatch.setattr(gitrepo, "_IN_FLIGHT", in_flight)
    root, files = repo
    names = [*sorted(files), "missing.bin", "f1.bin"]
    with GitRepo(str(root)) as git:
        got = CommitTree(git, "HEAD").digests(names)
        again = CommitTree(git, "HEAD").digests(names)
    for name, digest in zip(names, got, strict=True):
        if name == "missing.bin":
            assert not isinstance(digest, bytes) and digest.code == "ENOENT"
        else:
            assert digest == hashlib.sha256(files[name]).digest(), name
    assert [d for d in again if isinstance(d, bytes)] == [
        d for d in got if isinstance(d, bytes)
    ]  # memoized by blob id


def test_a_tree_is_not_a_blob(repo: tuple[Path, dict[str, bytes]]) -> None:
    root, _ = repo
    with GitRepo(str(root)) as git:
        tree_oid = git.root_tree(git.resolve_commit("HEAD"))
        [err] = git.blob_sha256_many([tree_oid])
        assert isinstance(err, gitrepo.GitError) and "not a blob" in str(err)
        # the pipe is still in step: the next answer is right
        blob = git.tree_entries(tree_oid)[0][2]
        assert isinstance(git.blob_sha256_many([blob])[0], bytes)
