"""Reading pip requirements files: every syntax rule, includes, and never raising on junk."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cachekit.environments import (
    EditableRequirement,
    Include,
    Option,
    Requirement,
    UrlRequirement,
    read_requirements,
)
from cachekit.environments.requirements import _split, logical_lines
from cachekit.fs.gitrepo import GitRepo
from cachekit.fs.gittree import CommitTree
from cachekit.fs.trees import WorkTree
from tests.gitutil import commit_all, init
from tests.treebuild import build


def show(e: object) -> str:
    """One compact line per entry, so the table below reads like the files it describes."""
    if isinstance(e, Requirement):
        extras = f"[{','.join(e.extras)}]" if e.extras else ""
        text = f"R {e.name}{extras}{e.specifier}"
        text += " pinned" if e.pinned else ""
        text += f" ;{e.marker}" if e.marker else ""
        text += "".join(f" #{h}" for h in e.hashes)
        text += "".join(f" {f}={v}" for f, v in e.options)
    elif isinstance(e, EditableRequirement):
        text = f"E {e.target} name={e.name} extras={','.join(e.extras)}"
        text += "".join(f" {f}={v}" for f, v in e.options)
    elif isinstance(e, UrlRequirement):
        text = f"U {e.url} name={e.name} extras={','.join(e.extras)}"
        text += f" ;{e.marker}" if e.marker else ""
        text += "".join(f" #{h}" for h in e.hashes)
    elif isinstance(e, Include):
        text = f"I {e.kind} {e.target} -> {e.resolved} exists={e.exists}"
    elif isinstance(e, Option):
        text = f"O {e.flag}" + (f"={e.value}" if e.value is not None else "")
    else:
        raise AssertionError(e)
    constraint = " (c)" if getattr(e, "constraint", False) else ""
    env = f" env={','.join(e.env_vars)}" if e.env_vars else ""
    return f"{text}{constraint}{env} @{e.file}:{e.line}"


CASES: list[tuple[str, dict[str, object], list[str], list[str]]] = [
    (
        "names, specifiers, extras, markers",
        {
            "r.txt": "Requests[Socks,  security]>=2.0,<3 ; python_version < '3.12'\n"
            "zope.interface==5.*\nfoo===1.0\nbar==1.0,!=1.1\nBaz_Qux\n"
        },
        [
            "R requests[security,socks]<3,>=2.0 ;python_version < '3.12' @r.txt:1",
            "R zope-interface==5.* @r.txt:2",
            "R foo===1.0 pinned @r.txt:3",
            "R bar!=1.1,==1.0 @r.txt:4",
            "R baz-qux @r.txt:5",
        ],
        [],
    ),
    (
        "comments need whitespace before #, blank lines skipped",
        {"r.txt": "# top\n\n   \na==1 # trailing\nb==2# not a comment\n  # indented\n"},
        ["R a==1 pinned @r.txt:4"],
        ["r.txt:5: invalid requirement 'b==2#"],
    ),
    (
        "continuations join onto the first line; comments never continue",
        {
            "r.txt": "flask==2.0.1 \\\n  --hash=sha256:aa \\\n  --hash=sha512:bb\n"
            "# comment \\\nc==1\nd\\\n==2\ne==3 \\\n"
        },
        [
            "R flask==2.0.1 pinned #sha256:aa #sha512:bb @r.txt:1",
            "R c==1 pinned @r.txt:5",
            "R d==2 pinned @r.txt:6",
            "R e==3 pinned @r.txt:8",
        ],
        [],
    ),
    (
        "environment variables stay symbolic",
        {
            "r.txt": "-i https://${USER}:${TOKEN}@pypi.example/simple\n"
            "https://${TOKEN}@h.example/p/pkg-1.0-py3-none-any.whl\n${PKG}==1\nlower==${lower}\n"
        },
        [
            "O --index-url=https://${USER}:${TOKEN}@pypi.example/simple env=USER,TOKEN @r.txt:1",
            "U https://${TOKEN}@h.example/p/pkg-1.0-py3-none-any.whl name=pkg extras= "
            "env=TOKEN @r.txt:2",
        ],
        ["r.txt:3: invalid requirement '${PKG}==1'", "r.txt:4: invalid requirement"],
    ),
    (
        "per-requirement options",
        {
            "r.txt": "a==1 --config-settings=k=v -C x=y --global-option=--quiet\n"
            "b==1 --hash sha256:cc\nc==1 --hash=md5:dd\nd==1 --config-settings=novalue\n"
            "e==1 --index-url https://x\n"
        },
        [
            "R a==1 pinned --config-settings=k=v --config-settings=x=y "
            "--global-option=--quiet @r.txt:1",
            "R b==1 pinned #sha256:cc @r.txt:2",
            "R e==1 pinned @r.txt:5",
        ],
        [
            "r.txt:3: invalid --hash 'md5:dd'",
            "r.txt:4: --config-settings 'novalue': no '='",
            "r.txt:5: pip ignores --index-url on a requirement line",
        ],
    ),
    (
        "global options, several on one line, abbreviations, unknown options",
        {
            "r.txt": "-i https://a/simple\n--index-url=https://b/simple\n"
            "--extra-index-url https://c/simple --pre\n-f ./wheels\n--find-links=https://d\n"
            "--no-index\n--only-binary :all:\n--no-binary=lxml\n--prefer-binary\n"
            "--require-hashes\n--trusted-host h.example\n--extra-index https://e\n"
            "--use-feature truststore\n--no-such-option\n-i\n"
        },
        [
            "O --index-url=https://a/simple @r.txt:1",
            "O --index-url=https://b/simple @r.txt:2",
            "O --extra-index-url=https://c/simple @r.txt:3",
            "O --pre @r.txt:3",
            "O --find-links=./wheels @r.txt:4",
            "O --find-links=https://d @r.txt:5",
            "O --no-index @r.txt:6",
            "O --only-binary=:all: @r.txt:7",
            "O --no-binary=lxml @r.txt:8",
            "O --prefer-binary @r.txt:9",
            "O --require-hashes @r.txt:10",
            "O --trusted-host=h.example @r.txt:11",
            "O --extra-index-url=https://e @r.txt:12",
            "O --use-feature=truststore @r.txt:13",
        ],
        [
            "r.txt:14: invalid options: no such option: --no-such-option",
            "r.txt:15: invalid options: -i option requires 1 argument",
        ],
    ),
    (
        "editables",
        {
            "r.txt": "-e .\n-e ./libs/core[dev,Test]\n--editable git+https://g.example/r.git#egg=My_Pkg\n"
            "-e . --config-settings k=v\n"
        },
        [
            "E . name=None extras= @r.txt:1",
            "E ./libs/core name=None extras=dev,test @r.txt:2",
            "E git+https://g.example/r.git#egg=My_Pkg name=my-pkg extras= @r.txt:3",
            "E . name=None extras= --config-settings=k=v @r.txt:4",
        ],
        [],
    ),
    (
        "direct references: URLs, name @ url, paths and archives",
        {
            "r.txt": "https://h.example/dist/pkg-1.0-py3-none-any.whl ; sys_platform == 'linux'\n"
            "pkg2 @ https://h.example/pkg2.tar.gz ; python_version >= '3.10'\n"
            "git+https://g.example/r.git@v1#egg=Other\n./local/dir\n../sibling[x]\n"
            "dist/thing-2.0.tar.gz\nfile:///abs/pkg.zip\n"
            "https://h.example/a.tar.gz --hash=sha256:ee\n"
        },
        [
            "U https://h.example/dist/pkg-1.0-py3-none-any.whl name=pkg extras= "
            ";sys_platform == 'linux' @r.txt:1",
            "U https://h.example/pkg2.tar.gz name=pkg2 extras= ;python_version >= '3.10' @r.txt:2",
            "U git+https://g.example/r.git@v1#egg=Other name=other extras= @r.txt:3",
            "U ./local/dir name=None extras= @r.txt:4",
            "U ../sibling name=None extras=x @r.txt:5",
            "U dist/thing-2.0.tar.gz name=None extras= @r.txt:6",
            "U file:///abs/pkg.zip name=None extras= @r.txt:7",
            "U https://h.example/a.tar.gz name=None extras= #sha256:ee @r.txt:8",
        ],
        [],
    ),
    (
        "bad requirements and markers are problems naming file:line",
        {"r.txt": "ok==1\nnot a req!\nx ; python_version >>> '3'\n'unclosed\n"},
        ["R ok==1 pinned @r.txt:1"],
        [
            "r.txt:2: invalid requirement 'not a req!'",
            "r.txt:3: invalid marker",
            "r.txt:4: invalid requirement",
        ],
    ),
    (
        "includes are relative to the including file; -r inside -c is a requirement again",
        {
            "requirements/base.txt": "-r common/a.txt\n-c ../constraints.txt\nz==1\n",
            "requirements/common/a.txt": "a>=1\n",
            "constraints.txt": "a==1.2\n--requirement requirements/extra.txt\n",
            "requirements/extra.txt": "extra==3\n",
        },
        [
            "I -r common/a.txt -> requirements/common/a.txt exists=True @requirements/base.txt:1",
            "R a>=1 @requirements/common/a.txt:1",
            "I -c ../constraints.txt -> constraints.txt exists=True @requirements/base.txt:2",
            "R a==1.2 pinned (c) @constraints.txt:1",
            "I -r requirements/extra.txt -> requirements/extra.txt exists=True @constraints.txt:2",
            "R extra==3 pinned @requirements/extra.txt:1",
            "R z==1 pinned @requirements/base.txt:3",
        ],
        [],
    ),
    (
        "missing, remote and outside includes",
        {
            "r.txt": "-r missing.txt\n-c https://h.example/c.txt\n-r ../../etc/passwd\n"
            "-r ${DIR}/x.txt\n-r nul\x00.txt\n"
        },
        [
            "I -r missing.txt -> missing.txt exists=False @r.txt:1",
            "I -c https://h.example/c.txt -> None exists=False @r.txt:2",
            "I -r ../../etc/passwd -> None exists=False @r.txt:3",
            "I -r ${DIR}/x.txt -> None exists=False env=DIR @r.txt:4",
            "I -r nul\x00.txt -> nul\x00.txt exists=False @r.txt:5",
        ],
        [
            "r.txt:1: -r missing.txt: missing.txt not found",
            "r.txt:2: -c https://h.example/c.txt: a URL (not fetched)",
            "r.txt:3: -r ../../etc/passwd: outside the tree",
            "r.txt:5: -r nul\x00.txt: nul\x00.txt not found",
        ],
    ),
    (
        "include cycles are reported once, at the line that closes them",
        {"r.txt": "-r a.txt\nr==1\n", "a.txt": "-r b.txt\n", "b.txt": "-r a.txt\nb==1\n"},
        [
            "I -r a.txt -> a.txt exists=True @r.txt:1",
            "I -r b.txt -> b.txt exists=True @a.txt:1",
            "I -r a.txt -> a.txt exists=True @b.txt:1",
            "R b==1 pinned @b.txt:2",
            "R r==1 pinned @r.txt:2",
        ],
        ["b.txt:1: include cycle: a.txt -> b.txt -> a.txt"],
    ),
    (
        "a file including itself",
        {"r.txt": "-r ./r.txt\n"},
        ["I -r ./r.txt -> r.txt exists=True @r.txt:1"],
        ["r.txt:1: include cycle: r.txt -> r.txt"],
    ),
    (
        "an included file read twice (a diamond) is listed once",
        {"r.txt": "-r a.txt\n-r a.txt\n", "a.txt": "a==1\n"},
        [
            "I -r a.txt -> a.txt exists=True @r.txt:1",
            "R a==1 pinned @a.txt:1",
            "I -r a.txt -> a.txt exists=True @r.txt:2",
        ],
        [],
    ),
    (
        "byte order marks and CRLF",
        {"r.txt": b"\xef\xbb\xbfa==1\r\nb==2\r\n"},
        ["R a==1 pinned @r.txt:1", "R b==2 pinned @r.txt:2"],
        [],
    ),
    (
        "undecodable file",
        {"r.txt": b"a==1\n\xff\xfe\xfd\x80\n"},
        [],
        ["r.txt: not UTF-8 text"],
    ),
]


@pytest.mark.parametrize(
    ("spec", "entries", "problems"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_table(
    tmp_path: Path, spec: dict[str, object], entries: list[str], problems: list[str]
) -> None:
    build(tmp_path, spec)
    top = next(iter(spec))
    result = read_requirements(WorkTree(str(tmp_path)), top)
    assert [show(e) for e in result.entries] == entries
    got = [str(p) for p in result.problems]
    assert len(got) == len(problems), got
    for text, want in zip(got, problems, strict=True):
        assert text.startswith(want), (text, want)


def test_result_helpers(tmp_path: Path) -> None:
    build(
        tmp_path,
        {
            "r.txt": "A==1\nb>=2\n-e .\nc @ https://h/c.zip\nd @ https://h/d.zip --hash=sha256:ff\n"
            "-c c.txt\n-r more.txt\na==1\n",
            "c.txt": "b==2.1\n",
            "more.txt": "e\n",
        },
    )
    result = read_requirements(WorkTree(str(tmp_path)), "./r.txt")
    assert result.path == "r.txt"
    assert result.files == ("r.txt", "c.txt", "more.txt")
    assert [i.target for i in result.includes] == ["c.txt", "more.txt"]
    assert [(i.file, i.line) for i in result.includes] == [("r.txt", 6), ("r.txt", 7)]
    assert [e.raw for e in result.unpinned()] == ["b>=2", "-e .", "c @ https://h/c.zip", "e"]
    assert result.names() == ("a", "b", "c", "d", "e")
    assert result.problems == ()


def test_missing_top_file_is_a_problem(tmp_path: Path) -> None:
    result = read_requirements(WorkTree(str(tmp_path)), "nope.txt")
    assert result.entries == ()
    [problem] = result.problems
    assert (problem.file, problem.line) == ("nope.txt", 0)
    assert str(problem).startswith("nope.txt: cannot read: ENOENT")


def test_problems_say_their_kind(tmp_path: Path) -> None:
    # Rules match a problem by its kind, never by its wording: a requirement whose text reads
    # like another problem's message is still a line pip rejects.
    build(
        tmp_path,
        {
            "r.txt": "-r gone.txt\n-r a.txt\n-r ../../x.txt\n-c https://h.example/c.txt\n"
            "cannot read: not found\n",
            "a.txt": "-r r.txt\n",
        },
    )
    result = read_requirements(WorkTree(str(tmp_path)), "r.txt")
    assert [(p.line, p.kind) for p in result.problems] == [
        (1, "missing"),
        (1, "cycle"),
        (3, "outside"),
        (4, "remote"),
        (5, "invalid"),
    ]
    assert read_requirements(WorkTree(str(tmp_path)), "nope.txt").problems[0].kind == "unreadable"


def test_reads_a_git_commit_without_checkout(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    build(repo, {"req/r.txt": "-r ../base.txt\nflask==2\n", "base.txt": "click>=8\n"})
    first = commit_all(repo)
    build(repo, {"base.txt": "click==8.1.7\n"})
    commit_all(repo)
    with GitRepo(str(repo)) as g:
        old = read_requirements(CommitTree(g, first), "req/r.txt")
        new = read_requirements(CommitTree(g, "HEAD"), "req/r.txt")
    assert [show(e) for e in old.entries] == [
        "I -r ../base.txt -> base.txt exists=True @req/r.txt:1",
        "R click>=8 @base.txt:1",
        "R flask==2 pinned @req/r.txt:2",
    ]
    assert [e.name for e in old.unpinned()] == ["click"]
    assert [e.name for e in new.unpinned()] == []


_ENV_VAR_NAMES = re.compile(r"\$\{([A-Z0-9_]+)\}")


def squash(text: str) -> str:
    return "".join(text.split()).replace("\\", "")


_FRAGMENTS = st.sampled_from(
    [
        "a==1",
        "b>=2",
        " ",
        "  ",
        "\t",
        "#",
        " # c",
        "\\",
        "\n",
        "\r\n",
        "\r",
        "\x0c",
        "\u2028",
        "-r ",
        "-c ",
        "-e ",
        "-i ",
        "--hash=sha256:x",
        "--hash",
        "--pre",
        "--",
        "-",
        "r.txt",
        "../",
        "./",
        ";",
        "; ",
        "python_version<'3'",
        "@",
        " @ ",
        "https://h/x.whl",
        "git+",
        "#egg=",
        "[",
        "]",
        "extra",
        "${X}",
        "${",
        "}",
        "'",
        '"',
        "=",
        "==",
        "*",
        ",",
        "file:",
    ]
)
_TEXT = st.lists(_FRAGMENTS | st.text(max_size=4), max_size=30).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT)
def test_never_raises_and_lines_point_at_their_text(text: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        build(Path(d), {"r.txt": text.encode("utf-8", "surrogatepass")})
        result = read_requirements(WorkTree(d), "r.txt")
    if text.startswith("\ufeff"):
        text = text[1:]  # a byte order mark is not content, for pip either
    lines = text.splitlines()
    for e in result.entries:
        assert e.file == "r.txt"
        assert 1 <= e.line <= len(lines)
        # The logical line starts on e.line and runs over the continuation lines after it;
        # with whitespace and backslashes set aside, its text is a prefix of theirs.
        physical = squash("".join(lines[e.line - 1 :]))
        assert physical.startswith(squash(e.raw)), (e, lines)
    for p in result.problems:
        assert p.file == "r.txt"
        assert 0 <= p.line <= len(lines)


@settings(max_examples=300, deadline=None)
@given(text=_TEXT)
def test_logical_lines_match_pips_own_preprocessing(text: str) -> None:
    """pip (installed with pip-tools) is the reference: same lines, numbers and splits."""
    req_file = pytest.importorskip("pip._internal.req.req_file")
    if not all(hasattr(req_file, f) for f in ("preprocess", "break_args_options")):
        pytest.skip("this pip's internals moved: nothing to compare with")
    assume(not any(name in os.environ for name in _ENV_VAR_NAMES.findall(text)))
    ours = [(number, line) for number, _, line in logical_lines(text)]
    assert ours == list(req_file.preprocess(text))
    for _, line in ours:
        assert _split(line) == req_file.break_args_options(line)
