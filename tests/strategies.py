"""Hypothesis strategies for file trees and hashFiles() argument lists."""

from __future__ import annotations

import posixpath

from hypothesis import strategies as st
from treebuild import DIR, Link, Spec

NAMES = [
    "a",
    "b",
    "B",
    "a-c",
    "a.txt",
    ".h",
    "req.txt",
    "requirements.txt",
    "x y",
    "é",
    "[a]",
    "*",
    "😀",
    "#c",
    "node_modules",
    "Z.TXT",
    "a b",
    "{x}",
    "!n",
]
SEGMENTS = [
    *NAMES,
    "**",
    "*",
    "?",
    "a*",
    "*.txt",
    "[ab]",
    "[!a]*",
    "req*.txt",
    "*requirements*",
    "[[]a]",
    "\\*",
    "*.TXT",
    "?.txt",
    "[a-z]",
    "#c",
    "\\#c",
    "{x}",
    "[😀]",
    "??",
]


@st.composite
def trees(draw: st.DrawFn, *, links: bool = True) -> Spec:
    names = st.sampled_from(NAMES)
    dirs = [""] + [
        "/".join(parts)
        for parts in draw(st.lists(st.lists(names, min_size=1, max_size=3), max_size=6))
    ]
    spec: Spec = {}
    taken: set[str] = set()

    def free(path: str) -> bool:
        # a path must not be both a file and a directory prefix of another path
        if path in taken:
            return False
        return not any(
            t.startswith(path + "/") or (path.startswith(t + "/") and spec.get(t) is not DIR)
            for t in taken
        )

    for d in dirs[1:]:
        if free(d):
            spec[d] = DIR
            taken.add(d)
    for _ in range(draw(st.integers(3, 14))):
        parent = draw(st.sampled_from(dirs))
        path = posixpath.join(parent, draw(names)) if parent else draw(names)
        if free(path) and all(not path.startswith(t + "/") or spec[t] is DIR for t in taken):
            spec[path] = draw(st.sampled_from(["", "x\n", "numpy==1\n", "\r\n", "é"]))
            taken.add(path)
    if links:
        existing = sorted(taken)
        for _ in range(draw(st.integers(0, 3))):
            parent = draw(st.sampled_from(dirs))
            if parent in spec and spec[parent] is not DIR:
                continue
            path = posixpath.join(parent, "ln-" + draw(names)) if parent else "ln-" + draw(names)
            kind = draw(st.sampled_from(["file", "dir", "dangling", "up"]))
            if kind in ("file", "dir") and existing:
                target = draw(st.sampled_from(existing))
                rel = posixpath.relpath(target, parent or ".")
            elif kind == "up":
                rel = ".." if parent else "."
            else:
                rel = "missing-target"
            if free(path) and all(not path.startswith(t + "/") or spec[t] is DIR for t in taken):
                spec[path] = Link(rel)
                taken.add(path)
    # drop entries that lie below a file (can't exist)
    return {
        k: v
        for k, v in spec.items()
        if not any(k.startswith(f + "/") for f, fv in spec.items() if fv is not DIR)
    }


GLOBS = ["**", "*", "?", "*.txt", "[ab]", "[!a]*", "req*.txt", "*requirements*", "??", "a*"]


def _escape(name: str) -> str:
    return "".join("\\" + c if c in "*?[]\\" else c for c in name)


@st.composite
def pattern_lines(draw: st.DrawFn, paths: tuple[str, ...] = ()) -> str:
    if paths and draw(st.integers(0, 2)) > 0:
        # Start from a real path and blur some of its segments into globs.
        segs = []
        for part in draw(st.sampled_from(paths)).split("/"):
            choice = draw(st.integers(0, 5))
            if choice == 0:
                segs.append(draw(st.sampled_from(GLOBS)))
            elif choice == 1:
                segs.append(_escape(part))
            else:
                segs.append(part)
        if draw(st.integers(0, 3)) == 0:
            segs = segs[: draw(st.integers(1, len(segs)))]
        if draw(st.integers(0, 3)) == 0:
            segs.insert(0, "**")
    else:
        segs = draw(st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=3))
    text = "/".join(segs)
    if draw(st.integers(0, 7)) == 0:
        text += "/"
    if draw(st.integers(0, 5)) == 0:
        text = "./" + text
    if draw(st.integers(0, 5)) == 0:
        text = "!" + text
    return text


@st.composite
def argument_lists(draw: st.DrawFn, paths: tuple[str, ...] = ()) -> list[str]:
    lines = draw(st.lists(pattern_lines(paths), min_size=1, max_size=4))
    args: list[str] = []
    for line in lines:
        if args and draw(st.integers(0, 4)) == 0:
            args[-1] += "\n" + line  # several patterns in one argument
        else:
            args.append(line)
    if draw(st.integers(0, 5)) == 0:
        args.insert(0, "--follow-symbolic-links")
    return args


@st.composite
def cases(draw: st.DrawFn, *, links: bool = True) -> tuple[Spec, list[str]]:
    """A tree and an argument list biased towards the names in that tree."""
    spec = draw(trees(links=links))
    return spec, draw(argument_lists(tuple(sorted(spec))))
