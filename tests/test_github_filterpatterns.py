"""GitHub's filter patterns, against the documented cheat sheet and an independent reading."""

from __future__ import annotations

import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cachekit.github.filterpatterns import FilterPatternError, compile_filter, selected

# Rows of GitHub's "Filter pattern cheat sheet" (patterns to match branches and tags, and
# patterns to match file paths): pattern, names it matches, names it does not.
CHEAT_SHEET = [
    ("feature/*", ["feature/my-branch", "feature/your-branch"], ["feature/a/b", "feature"]),
    (
        "feature/**",
        ["feature/beta-a/my-branch", "feature/your-branch", "feature/mona/the/octocat"],
        ["features/x"],
    ),
    ("main", ["main"], ["main2", "releases/main"]),
    ("releases/mona-the-octocat", ["releases/mona-the-octocat"], ["releases/mona"]),
    ("*", ["main", "releases"], ["releases/x"]),
    ("**", ["all/the/branches", "every/tag"], []),
    ("*feature", ["mona-feature", "feature", "ver-10-feature"], ["feature-x"]),
    ("v2*", ["v2", "v2.0", "v2.9"], ["v1.0"]),
    ("v[12].[0-9]+.[0-9]+", ["v1.10.1", "v2.0.0"], ["v3.0.0", "v1.x.0"]),
    ("*.js", ["app.js", "index.js"], ["js/index.js", "app.jsx"]),
    ("**.js", ["index.js", "js/index.js", "src/js/app.js"], ["index.jsx"]),
    ("docs/*", ["docs/README.md", "docs/file.txt"], ["docs/a/b.md", "README.md"]),
    ("docs/**", ["docs/README.md", "docs/mona/octocat.txt"], ["doc/x"]),
    (
        "docs/**/*.md",
        ["docs/README.md", "docs/mona/hello-world.md", "docs/a/markdown/file.md"],
        ["docs/a.txt"],
    ),
    (
        "**/docs/**",
        ["docs/hello.md", "dir/docs/my-file.txt", "space/docs/plan/space.doc"],
        ["documents/x"],
    ),
    ("**/README.md", ["README.md", "js/README.md"], ["README.txt"]),
    ("**/*src/**", ["a/src/app.js", "my-src/code/js/app.js"], ["src-x/a"]),
    ("**/*-post.md", ["my-post.md", "path/their-post.md"], ["post.md"]),
    (
        "**/migrate-*.sql",
        ["migrate-10909.sql", "db/migrate-v1.0.sql", "db/sept/migrate-v1.sql"],
        ["migrate.sql"],
    ),
    # "? matches zero or one of the preceding character" (the docs' current wording)
    ("Octoc?t", ["Octoct", "Octot"], ["Octocat"]),
    ("[CB]at", ["Cat", "Bat"], ["Hat", "at"]),
    ("[1-2]00", ["100", "200"], ["300"]),
    ("a\\*b", ["a*b"], ["axb"]),
]


@pytest.mark.parametrize(("pattern", "yes", "no"), CHEAT_SHEET)
def test_cheat_sheet(pattern: str, yes: list[str], no: list[str]) -> None:
    compiled = [compile_filter(pattern)]
    for name in yes:
        assert selected(compiled, name), (pattern, name)
    for name in no:
        assert not selected(compiled, name), (pattern, name)


def test_negation_in_order() -> None:
    patterns = [
        compile_filter(p)
        for p in ("sub-package/**", "!sub-package/docs/**", "sub-package/docs/keep.md")
    ]
    assert selected(patterns, "sub-package/a.py")
    assert not selected(patterns, "sub-package/docs/x.md")
    assert selected(patterns, "sub-package/docs/keep.md")
    assert not selected([compile_filter("!main")], "main")


@pytest.mark.parametrize("bad", ["[]", "[a-", "v[a-9]", "x\\", "", "!", "[!-#]"])
def test_invalid_patterns_name_the_pattern(bad: str) -> None:
    with pytest.raises(FilterPatternError, match="pattern"):
        compile_filter(bad)


def test_hostile_pattern_is_linear() -> None:
    pattern = compile_filter("a?" * 150 + "a+" * 150 + "*" * 300 + "c")
    assert not selected([pattern], "a" * 400 + "/b")
    assert selected([pattern], "a" * 200 + "bc")


# --- an independent reading: a backtracking matcher over tokens, no regular expressions ---


def _tokens(pattern: str) -> list[tuple[str, object, str]]:
    """(kind, payload, quantifier): kinds 'lit' (a char), 'set' (chars), 'star', 'glob', 'dirs'."""
    out: list[tuple[str, object, str]] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append(("dirs", None, ""))
            i += 3
        elif pattern.startswith("**", i):
            out.append(("glob", None, ""))
            i += 2
        elif c == "*":
            out.append(("star", None, ""))
            i += 1
        elif c in "?+" and out and out[-1][0] in ("lit", "set"):
            kind, payload, q = out[-1]
            out[-1] = (kind, payload, c if not q or q == c else "*")
            i += 1
        elif c in "?+" and out:
            i += 1  # a wildcard already matches any count
        elif c == "[":
            end = pattern.index("]", i + 1)
            body, chars, j = pattern[i + 1 : end], set(), 0
            while j < len(body):
                if j + 2 < len(body) and body[j + 1] == "-":
                    chars.update(chr(x) for x in range(ord(body[j]), ord(body[j + 2]) + 1))
                    j += 3
                else:
                    chars.add(body[j])
                    j += 1
            out.append(("set", frozenset(chars), ""))
            i = end + 1
        elif c == "\\":
            out.append(("lit", pattern[i + 1], ""))
            i += 2
        else:
            out.append(("lit", c, ""))
            i += 1
    return out


def _reference_match(pattern: str, name: str) -> bool:
    tokens = _tokens(pattern)

    @functools.cache
    def m(t: int, n: int) -> bool:
        if t == len(tokens):
            return n == len(name)
        kind, payload, q = tokens[t]
        if kind == "star":
            return any(m(t + 1, k) for k in range(n, len(name) + 1) if "/" not in name[n:k])
        if kind == "glob":
            return any(m(t + 1, k) for k in range(n, len(name) + 1))
        if kind == "dirs":
            return m(t + 1, n) or any(
                m(t + 1, k + 1) for k in range(n, len(name)) if name[k] == "/"
            )

        def one(k: int) -> bool:
            return k < len(name) and (name[k] == payload if kind == "lit" else name[k] in payload)  # type: ignore[operator]

        if q == "":
            return one(n) and m(t + 1, n + 1)
        if q == "?":
            return m(t + 1, n) or (one(n) and m(t + 1, n + 1))
        run = n
        while one(run):
            run += 1
            if m(t + 1, run):
                return True
        return q == "*" and m(t + 1, n)

    return m(0, 0)


def _reference_selected(patterns: list[str], name: str) -> bool:
    chosen = False
    for p in patterns:
        negative = p.startswith("!")
        if _reference_match(p[1:] if negative else p, name):
            chosen = not negative
    return chosen


_atoms = st.sampled_from(["a", "b", "/", ".", "*", "**", "**/", "?", "+", "[ab]", "[0-9]", "\\*"])
_patterns = (
    st.lists(_atoms, min_size=1, max_size=7)
    .map("".join)
    .filter(lambda p: not p.startswith(("?", "+")))
)
_names = st.lists(st.sampled_from(["a", "b", "/", ".", "1", "*"]), max_size=10).map("".join)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.tuples(st.booleans(), _patterns), min_size=1, max_size=4),
    st.lists(_names, min_size=1, max_size=6),
)
def test_agrees_with_an_independent_reading(
    patterns: list[tuple[bool, str]], changed: list[str]
) -> None:
    texts = [("!" if neg else "") + p for neg, p in patterns]
    compiled = [compile_filter(t) for t in texts]
    for name in changed:
        assert selected(compiled, name) == _reference_selected(texts, name), (texts, name)
    # a paths filter runs when any changed path is selected
    assert any(selected(compiled, n) for n in changed) == any(
        _reference_selected(texts, n) for n in changed
    )
