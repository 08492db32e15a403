"""The compiled explanation: the same keys as a full walk, compiled only when it must be."""

from __future__ import annotations

import subprocess
from pathlib import Path

from gitutil import ENV, init
from treebuild import Link, build

from cachekit.encoding import encode
from cachekit.explain.core import explain_tree
from cachekit.explain.options import Options
from cachekit.fs.gitrepo import GitRepo
from cachekit.fs.gittree import CommitTree
from cachekit.github.compiled import CompiledExplainer
from cachekit.predict import PredictOptions, predict

WORKFLOW = """\
on: push
jobs:
  test:
    runs-on: ${{ matrix.os }}
    strategy:
      matrix:
        os: [ubuntu-24.04, windows-2022]
    steps:
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - uses: actions/cache@v4
        with:
          path: build
          key: build-${{ runner.os }}-${{ hashFiles('**/deps.txt') }}-${{ github.sha }}
          restore-keys: |
            build-${{ runner.os }}-${{ hashFiles('**/deps.txt') }}-
      - uses: actions/cache@v4
        with:
          path: empty
          key: none-${{ hashFiles('nothing/**') }}
"""


def commit(repo: Path, n: int, files: dict[str, str]) -> str:
    when = f"2026-03-{n:02d}T10:00:00Z"
    env = {**ENV, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    build(repo, files)
    for args in (("add", "-A"), ("commit", "-q", "--allow-empty", "-m", f"c{n}")):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)
    return subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()


def keys(result: object) -> list[tuple[object, ...]]:
    return [
        (
            c.workflow,
            c.job,
            c.step_index,
            str(c.matrix),
            c.key,
            c.restore_keys,
            [(p.kind, p.value, p.hash.files if p.hash else None) for p in c.parts],
        )
        for c in result.caches  # type: ignore[attr-defined]
    ]


def test_compiled_equals_a_full_walk_commit_by_commit(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    shas = [
        commit(
            repo,
            1,
            {
                ".github/workflows/ci.yml": WORKFLOW,
                "a/deps.txt": "1",
                "package-lock.json": "{}",
                "package.json": '{"version": "1.0.0"}',
            },
        ),
        commit(repo, 2, {"README.md": "x", "package.json": '{"version": "1.0.1"}'}),
        commit(repo, 3, {"a/deps.txt": "2"}),
        commit(repo, 4, {"b/deps.txt": "new"}),
        commit(repo, 5, {"package-lock.json": '{"v": 2}'}),
        commit(repo, 6, {".github/workflows/ci.yml": WORKFLOW.replace("build-", "b2-")}),
        commit(repo, 7, {"nothing/x": "now it matches"}),
        commit(repo, 8, {"c.txt": "y"}),
    ]
    compiled = CompiledExplainer()
    with GitRepo(str(repo)) as git:
        for sha in shas:
            options = Options(commit=sha)
            fresh = explain_tree(CommitTree(git, sha), options)
            filled = compiled.explain(CommitTree(git, sha), options)
            assert keys(filled) == keys(fresh), sha
    # compiled at 1, at 6 (workflow edited), at 7 (a hashFiles starts matching files);
    # every other commit only filled digests and the sha (a package.json version bump too:
    # setup-node reads only its packageManager and devEngines)
    assert (compiled.compiles, compiled.reuses) == (3, 5)


def test_predict_is_the_same_compiled_or_not(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    commit(repo, 1, {".github/workflows/ci.yml": WORKFLOW, "a/deps.txt": "1"})
    for n in range(2, 9):
        commit(repo, n, {"a/deps.txt": str(n // 3)})
    a = encode(predict(str(repo), PredictOptions()))
    b = encode(predict(str(repo), PredictOptions(compile=False)))
    assert a["runs"] == b["runs"]
    assert a["summary"]["explain_reused"] == 7


LINKED = """\
on: push
jobs:
  test:
    runs-on: ${{ matrix.os }}
    strategy:
      matrix:
        os: [ubuntu-24.04, windows-2022]
    steps:
      - uses: actions/cache@v4
        with:
          path: build
          key: build-${{ hashFiles('**/deps.txt') }}
      - uses: actions/cache@v4
        with:
          path: lock
          key: lock-${{ hashFiles('lock.txt') }}
      - uses: actions/cache@v4
        with:
          path: followed
          key: f-${{ hashFiles('--follow-symbolic-links', 'sub/**/*.cfg') }}
"""


def test_unchanged_paths_reuse_the_last_digest_only_when_they_can(tmp_path: Path) -> None:
    """With the commits' changed paths, a hashFiles none of whose patterns match a changed
    path keeps the previous commit's answer — but not when it hashed a link (lock.txt points
    at a file its pattern does not match), nor when following links, nor when a matching
    path is added or deleted. Every commit's keys equal a full walk's."""
    repo = init(tmp_path / "repo")
    shas = [
        commit(
            repo,
            1,
            {
                ".github/workflows/ci.yml": LINKED,
                "a/deps.txt": "1",
                "real/lock": "v1",
                "lock.txt": Link("real/lock"),
                "sub/x.cfg": "1",
                "sub/l": Link("../elsewhere"),
                "elsewhere/y.cfg": "1",
            },
        ),
        commit(repo, 2, {"README.md": "x"}),  # nothing matches: every digest reused
        commit(repo, 3, {"real/lock": "v2"}),  # lock.txt's target: rehashed, new digest
        commit(repo, 4, {"elsewhere/y.cfg": "2"}),  # reached through sub/l when following
        commit(repo, 5, {"b/deps.txt": "new"}),  # a matching path added
        commit(repo, 6, {"c.txt": "y"}),
    ]
    subprocess.run(["git", "-C", str(repo), "rm", "-q", "b/deps.txt"], check=True, env=ENV)
    shas.append(commit(repo, 7, {}))  # a matching path deleted
    parents = dict(zip(shas[1:], shas, strict=False))
    changed: dict[str, list[str]] = {}
    with GitRepo(str(repo)) as git:
        for sha in shas[1:]:
            out = git.run_git("diff", "--name-only", "-z", parents[sha], sha) or ""
            changed[sha] = [p for p in out.split("\0") if p]

        def since(before: str, after: str) -> list[str] | None:
            return changed[after] if parents.get(after) == before else None

        compiled = CompiledExplainer(changes=since)
        digests = []
        for sha in shas:
            options = Options(commit=sha)
            fresh = explain_tree(CommitTree(git, sha), options)
            filled = compiled.explain(CommitTree(git, sha), options)
            assert keys(filled) == keys(fresh), sha
            digests.append([c.key for c in filled.caches])
    columns = [list(k) for k in zip(*digests, strict=True)]
    assert len(columns) == 6  # two legs of three caches
    build_keys, lock_keys, followed = columns[:3]
    assert lock_keys[2] != lock_keys[1] and followed[3] != followed[2]
    assert build_keys[4] != build_keys[3] and build_keys[6] == build_keys[3]
    # only '**/deps.txt' is ever carried over (lock.txt is a link, the third follows
    # links): at commits 2, 3, 4 and 6, which change no deps.txt, on Linux and Windows
    assert compiled.hashes_kept == 8


PYTHON = """\
on: push
jobs:
  test:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/setup-python@v5
        with:
          python-version-file: .python-version
          cache: pip
          cache-dependency-path: requirements*.txt
      - run: pip install -r requirements.txt
"""


def test_a_requirements_edit_reuses_the_compile_a_version_file_edit_does_not(
    tmp_path: Path,
) -> None:
    repo = init(tmp_path / "repo")
    files = {
        ".github/workflows/ci.yml": PYTHON,
        ".python-version": "3.11\n",
        "requirements.txt": "requests==2.31.0\n",
    }
    shas = [
        commit(repo, 1, files),
        commit(repo, 2, {"requirements.txt": "requests==2.32.0\n"}),
        commit(repo, 3, {"requirements-dev.txt": "pytest\n"}),
        commit(repo, 4, {".python-version": "3.12\n"}),
    ]
    compiled = CompiledExplainer()
    counts = []
    with GitRepo(str(repo)) as git:
        for sha in shas:
            options = Options(commit=sha)
            fresh = explain_tree(CommitTree(git, sha), options)
            filled = compiled.explain(CommitTree(git, sha), options)
            assert keys(filled) == keys(fresh), sha
            counts.append((compiled.compiles, compiled.reuses))
    keys_of = [k[4] for k in keys(filled)]
    assert any("3.12" in k for k in keys_of), keys_of  # the version is in the key
    # the requirements edits only refill the hashFiles digest; the version file recompiles
    assert counts == [(1, 0), (1, 1), (1, 2), (2, 2)]
