"""Differential tests of single patterns against @actions/glob 0.4.0's own ``Pattern`` class.

Trees can only exercise names that exist; this drives the pattern compiler (minimatch 3.1.2
segment parsing, escapes, classes, search paths, the ``.``/``..`` assertion, trailing
separators, implicit descendants) with arbitrary pattern text and arbitrary paths.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cachekit.errors import HashFilesError
from cachekit.hashing.globbing import GlobSyntax, Pattern, split_patterns
from cachekit.hashing.segments import to_code_units

pytestmark = pytest.mark.oracle

CWD = "/tmp"
SYNTAX = GlobSyntax()

# Glob metacharacters dominate so that odd combinations ([z-a], \@*, [!]…) come up often.
PATTERN_CHARS = st.sampled_from([*"ab*?[]!^\\-.{},@()+|#/ ", "é", "😀", "x", "[!", "**", "[a-c]"])
NAME_CHARS = st.sampled_from([*"ab.-[]!^\\{},@()+|# *?", "é", "😀", "x"])

names = (
    st.lists(NAME_CHARS, min_size=1, max_size=5).map("".join).filter(lambda n: n not in (".", ".."))
)
paths = st.lists(names, min_size=1, max_size=4).map(lambda parts: CWD + "/" + "/".join(parts))
patterns = (
    st.lists(PATTERN_CHARS, min_size=1, max_size=14)
    .map("".join)
    .filter(lambda p: not p.lstrip("!").lstrip().startswith("~"))
)


def ours(pattern_text: str, path_list: list[str], implicit: bool) -> dict[str, object]:
    try:
        lines = split_patterns(pattern_text, SYNTAX)
        if len(lines) != 1:
            return {"skip": True}
        negate, line = lines[0]
        p = Pattern.parse(line, negate, workspace=CWD, home=None, syntax=SYNTAX)
        assert p is not None
        if implicit:
            twin = p.implicit_descendants(workspace=CWD, syntax=SYNTAX)
            if twin is None:
                return {"skip": True}
            p = twin
    except HashFilesError as exc:
        return {"error": str(exc)}
    match, partial = [], []
    for path in path_list:
        state = p.start()
        for part in ["", *path.split("/")[1:]]:
            state = p.step(state, to_code_units(part))
        match.append(p.match_bits if p.accepts(state) else 0)
        partial.append(bool(state))
    return {"match": match, "partial": partial, "searchPath": p.search_path, "negate": p.negate}


def check(oracle, pattern_text: str, path_list: list[str], implicit: bool = False) -> None:
    mine = ours(pattern_text, path_list, implicit)
    if mine.get("skip"):
        return
    theirs = oracle.pattern(CWD, pattern_text, path_list, implicit=implicit)
    if theirs.get("error") is not None or "error" in mine:
        assert ("error" in mine) == (theirs.get("error") is not None), (pattern_text, mine, theirs)
        return
    if implicit:
        # The implicit twin of a trailing-'/' pattern has no trailing separator.
        pass
    for key in ("searchPath", "negate", "match", "partial"):
        assert mine[key] == theirs[key], (key, pattern_text, path_list, mine, theirs)


EXAMPLES = [
    ("[z-a]/x", ["/tmp/[z-a]/x", "/tmp/z/x"]),
    ("\\@*", ["/tmp/@*", "/tmp/@x"]),
    ("[!]x", ["/tmp/ax", "/tmp/!x", "/tmp/]x"]),
    ("[]a]", ["/tmp/]", "/tmp/a"]),
    ("[a-]", ["/tmp/-", "/tmp/a"]),
    ("a[", ["/tmp/a["]),
    ("a\\", ["/tmp/a\\"]),
    ("**/x/**", ["/tmp/x", "/tmp/a/x", "/tmp/a/x/b"]),
    ("a/**/**", ["/tmp/a", "/tmp/a/b"]),
    ("x/**", ["/tmp/x", "/tmp/x/y"]),
    ("?", ["/tmp/😀", "/tmp/é"]),
    ("??", ["/tmp/😀"]),
    ("[😀]", ["/tmp/😀"]),
    ("a /", ["/tmp/a", "/tmp/a "]),
    ("/", ["/tmp"]),
    ("./", ["/tmp", "/tmp/a"]),
    ("[.]/x", ["/tmp/./x"]),
    ("*.[ch]", ["/tmp/a.c", "/tmp/a.h", "/tmp/a.o"]),
    ("[^a]b", ["/tmp/ab", "/tmp/bb"]),
    ("[\\]]", ["/tmp/]"]),
    ("[a\\-z]", ["/tmp/-", "/tmp/b"]),
    ("[\\d]", ["/tmp/d", "/tmp/1"]),
    ("[[]", ["/tmp/["]),
    ("a|b", ["/tmp/a|b"]),
    ("(x)", ["/tmp/(x)"]),
    ("+(x)", ["/tmp/+(x)"]),
    ("a/\\*/b", ["/tmp/a/*/b", "/tmp/a/x/b"]),
    ("*[", ["/tmp/[", "/tmp/x[undefined"]),
    ("a[**", ["/tmp/a[**", "/tmp/a[undefined"]),
]


@pytest.mark.parametrize(("pattern", "path_list"), EXAMPLES)
@pytest.mark.parametrize("implicit", [False, True])
def test_examples(oracle, pattern: str, path_list: list[str], implicit: bool) -> None:
    check(oracle, pattern, path_list, implicit)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pattern=patterns, path_list=st.lists(paths, min_size=1, max_size=6), implicit=st.booleans())
def test_generated_patterns(oracle, pattern: str, path_list: list[str], implicit: bool) -> None:
    check(oracle, pattern, path_list, implicit)


@pytest.mark.slow
@settings(max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pattern=patterns, path_list=st.lists(paths, min_size=1, max_size=6), implicit=st.booleans())
def test_generated_patterns_sweep(
    oracle, pattern: str, path_list: list[str], implicit: bool
) -> None:
    check(oracle, pattern, path_list, implicit)
