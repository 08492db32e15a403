"""Hand-written cases, one or more per numbered rule of shared/spec/hashfiles.md §1-4.

Each case is checked two ways: against the real @actions/glob run by node (the oracle), and
against the behaviour the spec states (expected file list or failure), so a case fails if
cachekit drifts from GitHub *or* if the oracle setup itself stopped modelling the runner.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conformance import assert_same, cachekit_outcome
from treebuild import DIR, Link, Spec, Unreadable, build

pytestmark = pytest.mark.oracle

BASE: Spec = {
    "requirements.txt": "numpy==1.26.4\n",
    "setup.py": "from setuptools import setup\nsetup()\n",
    "README.md": "readme\n",
    "B/requirements.txt": "B\n",
    "a/keep.txt": "keep\n",
    "a/b/x.txt": "abx\n",
    "a/drop.txt": "drop\n",
    "a-c/y.txt": "acy\n",
    "a.txt": "a\n",
    ".hidden/h.txt": "hidden\n",
    ".git/config": "[core]\n",
    "node_modules/pkg/package-lock.json": "{}\n",
    "pkg1/requirements-dev.txt": "pytest\n",
    "pkg1/sub/requirements.txt": "click\n",
    "docs/a b.txt": "space\n",
    "docs/ünï.txt": "unicode\n",
    "docs/a[1].txt": "brackets\n",
    "docs/star*.txt": "star\n",
    "docs/#hash.txt": "hash\n",
    "docs/{a,b}.txt": "brace\n",
    "docs/@(x).txt": "extglob\n",
    "Upper.TXT": "upper\n",
    "empty": DIR,
    "emptydir/": DIR,
}

# (id, args, expected files or "error", follow)
CASES: list[tuple[str, list[str], list[str] | str | None]] = [
    # §1.3 the first argument may be the option, case-insensitively
    (
        "1.3 option first",
        ["--follow-symbolic-links", "a/**"],
        ["a/b/x.txt", "a/drop.txt", "a/keep.txt"],
    ),
    ("1.3 option any case", ["--Follow-Symbolic-Links", "B/*"], ["B/requirements.txt"]),
    ("1.3 option later is a pattern", ["B/*", "--follow-symbolic-links"], ["B/requirements.txt"]),
    # §1.5 / §3.1 arguments joined with newlines; a newline splits one argument
    ("3.1 newline in arg", ["B/*\na.txt"], ["B/requirements.txt", "a.txt"]),
    (
        "3.1 comments and blanks",
        ["# comment", "", "  a.txt  ", "\n\n#x\nsetup.py"],
        ["a.txt", "setup.py"],
    ),
    ("3.1 [#] matches a # name", ["docs/[#]hash.txt"], ["docs/#hash.txt"]),
    # §2.3 nothing hashed gives ''
    ("2.3 no match", ["nothing-here.txt"], []),
    ("2.3 only directories", ["empty"], []),
    # §3.2 negation
    ("3.2 exclude", ["a/**", "!a/drop.txt"], ["a/b/x.txt", "a/keep.txt"]),
    ("3.2 double negation includes", ["!!a.txt"], ["a.txt"]),
    ("3.2 space after !", ["a/**", "! a/b"], ["a/drop.txt", "a/keep.txt"]),
    # §3.3 relative pathing
    ("3.3 .. fails", ["../x"], "error"),
    ("3.3 a/../b fails", ["a/../b"], "error"),
    ("3.3 a/./b fails", ["a/./b"], "error"),
    ("3.3 leading ./", ["./a.txt"], ["a.txt"]),
    ("3.3 . is everything", ["."], None),
    ("3.3 lone ! is empty", ["!"], "error"),
    # §3.4 trailing separator: directories only
    ("3.4 dir/ hashes below", ["B/"], ["B/requirements.txt"]),
    ("3.4 file/ hashes nothing", ["a.txt/"], []),
    # §3.5 implicit descendants
    ("3.5 dir", ["a"], ["a/b/x.txt", "a/drop.txt", "a/keep.txt"]),
    ("3.5 * is **", ["*"], None),
    ("3.5 */ skips top-level files", ["*/"], None),
    ("3.5 !dir excludes subtree", ["**/*.txt", "!a"], None),
    # §3.6 syntax
    ("3.6 ? and sets", ["a/?rop.txt", "[ab]/*.txt"], ["a/drop.txt", "a/keep.txt"]),
    ("3.6 negated sets", ["[!a]/*", "[^B]-c/*"], ["B/requirements.txt", "a-c/y.txt"]),
    ("3.6 ranges", ["[A-Z]/*"], ["B/requirements.txt"]),
    ("3.6 braces literal", ["docs/{a,b}.txt"], ["docs/{a,b}.txt"]),
    ("3.6 extglob literal", ["docs/@(x).txt"], ["docs/@(x).txt"]),
    ("3.6 posix class no match", ["docs/[[:alpha:]]*"], []),
    ("3.6 escapes", ["docs/star\\*.txt", "docs/a\\[1\\].txt"], ["docs/star*.txt", "docs/a[1].txt"]),
    ("3.6 * matches dot files", [".hidden/*"], [".hidden/h.txt"]),
    ("3.6 ** enters .git", ["**/config"], [".git/config"]),
    ("3.6 case sensitive", ["upper.txt", "Upper.TXT"], ["Upper.TXT"]),
    ("3.6 spaces and unicode", ["docs/a b.txt", "docs/ün*.txt"], ["docs/a b.txt", "docs/ünï.txt"]),
    # §3.7 user patterns ending in ** also match the path itself
    ("3.7 file/** matches the file", ["a.txt/**"], ["a.txt"]),
    # §3.8 last match wins, order matters
    ("3.8 re-include", ["**/*.txt", "!a/**", "a/keep.txt"], None),
    ("3.8 include first loses", ["a/keep.txt", "**/*.txt", "!a/**"], None),
    ("3.8 only excludes", ["!a.txt"], []),
    # §4.1 a one-character set is a literal in the search path
    ("4.1 [x] literal", ["[a]/keep.txt"], ["a/keep.txt"]),
    # §4.2 search paths: dedupe, ancestors, ENOTDIR
    ("4.2 duplicate search paths", ["a/keep.txt", "a/keep.txt"], ["a/keep.txt"]),
    ("4.2 file as directory fails", ["a.txt/x"], "error"),
    ("4.2 missing search path", ["missing/**"], []),
    # §4.3 order: search paths in order, then depth-first with byte-sorted children
    (
        "4.3 search path order",
        ["a/keep.txt", "B/requirements.txt", "a/**"],
        ["B/requirements.txt", "a/b/x.txt", "a/drop.txt", "a/keep.txt"],
    ),
    ("4.3 not a global sort", ["**/*.txt"], None),
    (
        "4.3 root file once",
        ["requirements.txt", "**/requirements.txt"],
        ["B/requirements.txt", "pkg1/sub/requirements.txt", "requirements.txt"],
    ),
    # §4.4 excludes never prune, but results must still exclude
    ("4.4 exclude node_modules", ["**/package-lock.json", "!node_modules/**"], []),
    ("4.4 requirements glob", ["**/requirements*.txt"], None),
]


@pytest.fixture(scope="module")
def base_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("base") / "ws", BASE)


@pytest.mark.parametrize(
    ("args", "expected"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES]
)
def test_rule(oracle, base_tree: Path, args: list[str], expected: list[str] | str | None) -> None:
    ours = assert_same(oracle, base_tree, args)
    if expected == "error":
        assert ours.error is not None
    elif expected is not None:
        assert ours.error is None
        assert list(ours.files) == expected
        assert (ours.digest == "") == (expected == [])


def test_not_a_global_sort(base_tree: Path) -> None:
    files = cachekit_outcome(base_tree, ["**/*.txt"]).files
    # `a/b/…` comes before `a-c/…` and `a.txt`; `B/` before `README.md`: a DFS, not a sort.
    assert files.index("a/b/x.txt") < files.index("a-c/y.txt") < files.index("a.txt")
    assert files.index("B/requirements.txt") < files.index("a/b/x.txt")


def test_absolute_patterns(oracle, base_tree: Path, tmp_path: Path) -> None:
    inside = str(base_tree.resolve() / "a.txt")
    outside = build(tmp_path / "outside", {"o.txt": "o"})
    assert assert_same(oracle, base_tree, [inside]).files == ("a.txt",)
    assert assert_same(oracle, base_tree, [str(outside / "o.txt")]).digest == ""


LINKS: Spec = {
    "real/f.txt": "f\n",
    "real/sub/g.txt": "g\n",
    "link-file.txt": Link("real/f.txt"),
    "link-dir": Link("real"),
    "loop/inner.txt": "i\n",
    "loop/up": Link(".."),
    "viadir/deep/d.txt": "d\n",
    "via": Link("viadir"),
}


@pytest.fixture(scope="module")
def link_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("links") / "ws", LINKS)


LINK_CASES: list[tuple[str, list[str], bool, list[str] | str | None]] = [
    # §2.2(c), §2.4: a symlink to a file hashes the target's bytes, no dedup
    ("2.4 link and target both hashed", ["**/*.txt"], False, None),
    ("4.5 dir links not entered", ["**"], False, None),
    ("4.5 link to dir matched then skipped", ["link-dir"], False, []),
    ("4.6 follow enters dir links", ["**"], True, None),
    ("4.6 follow cycle", ["loop/**"], True, None),
    ("4.2 intermediate symlink in search path", ["via/deep/*.txt"], False, ["via/deep/d.txt"]),
    ("4.6 follow named link", ["link-dir/**"], True, ["link-dir/f.txt", "link-dir/sub/g.txt"]),
]


@pytest.mark.parametrize(
    ("args", "follow", "expected"),
    [(c[1], c[2], c[3]) for c in LINK_CASES],
    ids=[c[0] for c in LINK_CASES],
)
def test_symlink_rule(
    oracle, link_tree: Path, args: list[str], follow: bool, expected: list[str] | str | None
) -> None:
    ours = assert_same(oracle, link_tree, args, follow=follow)
    assert ours.error is None
    if expected is not None:
        assert list(ours.files) == expected
    if args == ["**/*.txt"]:
        assert "link-file.txt" in ours.files and "real/f.txt" in ours.files


def test_dangling_symlink(oracle, tmp_path: Path) -> None:
    root = build(tmp_path / "ws", {"ok.txt": "ok", "bad.txt": Link("missing.txt")})
    # §4.5 without the flag a matched dangling link fails the whole hash …
    ours = assert_same(oracle, root, ["*.txt"])
    assert ours.error is not None and "bad.txt" in ours.error
    # … unless nothing matches it; with the flag it is silently left out (§4.6).
    assert assert_same(oracle, root, ["ok.txt"]).files == ("ok.txt",)
    assert assert_same(oracle, root, ["*.txt"], follow=True).files == ("ok.txt",)


def test_unreadable_file(oracle, tmp_path: Path, running_as_root: bool) -> None:
    if running_as_root:
        pytest.skip("root reads files without permission bits")
    root = build(tmp_path / "ws", {"secret.txt": Unreadable()})
    assert assert_same(oracle, root, ["*.txt"]).error is not None


def test_setup_flavour_follows_and_knows_posix_classes(
    oracle, link_tree: Path, base_tree: Path
) -> None:
    ours = assert_same(oracle, link_tree, ["**"], flavor="setup")
    assert "link-dir/f.txt" in ours.files
    ours = assert_same(oracle, base_tree, ["docs/[[:alpha:]]*"], flavor="setup")
    assert "docs/ünï.txt" in ours.files
