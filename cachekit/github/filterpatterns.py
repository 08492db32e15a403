"""GitHub's filter patterns: the globs of ``branches``, ``tags`` and ``paths`` filters.

The rules, from GitHub's "Workflow syntax for GitHub Actions", section "Filter pattern cheat
sheet" (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax
#filter-pattern-cheat-sheet):

- ``*`` matches zero or more characters, but not ``/`` (``feature/*`` matches
  ``feature/a`` and not ``feature/a/b``);
- ``**`` matches zero or more of any character (``**/`` zero or more whole directories);
- ``?`` matches zero or one of the preceding character; ``+`` one or more of it;
- ``[]`` matches one character listed in the brackets or included in ranges, and ranges
  can only include ``a-z``, ``A-Z`` and ``0-9``;
- ``!`` at the start of a pattern negates the previous positive patterns; it has no special
  meaning elsewhere. Order matters: "A matching negative pattern (prefixed with ``!``) after a
  positive match will exclude the Git ref / path. A matching positive pattern after a
  negative match will include the Git ref / path again." So a name is selected when the
  *last* pattern that matches it is a positive one;
- ``\\`` escapes a special character, for a literal match.

Matching is over the whole name (a branch name without ``refs/heads/``, a path relative to
the repository root), case-sensitive. Patterns compile once to an anchored regular
expression in which consecutive quantifiers collapse, so no pattern can backtrack
exponentially.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..errors import CachekitError

__all__ = ["FilterPattern", "FilterPatternError", "compile_filter", "selected"]

MAX_PATTERN = 1024
"""Longer patterns are refused (GitHub's own limits are far below; this bounds the work)."""

_STAR = "[^/]*"
_GLOBSTAR = ".*"
_DIRS = "(?:.*/)?"
_RANGE_OK = (("a", "z"), ("A", "Z"), ("0", "9"))


class FilterPatternError(CachekitError):
    """A filter pattern GitHub would reject; the message names the pattern and position."""


@dataclass(frozen=True)
class FilterPattern:
    """One compiled pattern: its text (without ``!``), whether it negates, its regex."""

    text: str
    negative: bool
    regex: re.Pattern[str]

    def matches(self, name: str) -> bool:
        return self.regex.fullmatch(name) is not None


def _char_class(pattern: str, start: int) -> tuple[str, int]:
    """``[...]`` from ``start`` (just past ``[``): its regex and the index past ``]``."""
    i, out = start, []
    while i < len(pattern) and pattern[i] != "]":
        c = pattern[i]
        if i + 2 < len(pattern) and pattern[i + 1] == "-" and pattern[i + 2] != "]":
            lo, hi = c, pattern[i + 2]
            if not any(a <= lo <= hi <= b for a, b in _RANGE_OK):
                raise FilterPatternError(
                    f"filter pattern '{pattern}': range '{lo}-{hi}' at {i + 1} "
                    "(ranges can only include a-z, A-Z and 0-9)"
                )
            out.append(f"{re.escape(lo)}-{re.escape(hi)}")
            i += 3
            continue
        out.append(re.escape(c))
        i += 1
    if i >= len(pattern):
        raise FilterPatternError(f"filter pattern '{pattern}': '[' at {start} is never closed")
    if not out:
        raise FilterPatternError(f"filter pattern '{pattern}': empty brackets '[]' at {start}")
    return "[" + "".join(out) + "]", i + 1


def _quantify(atoms: list[list[str]], q: str) -> None:
    """Apply ``?`` or ``+`` to the last atom; repeated quantifiers collapse (``a+?`` is
    ``a*``), and wildcards already match any count, so nothing ever nests."""
    atom = atoms[-1]
    body, old = atom[0], atom[1]
    if body in (_STAR, _GLOBSTAR, _DIRS):
        return
    if not old:
        atom[1] = q
    elif old != q:
        atom[1] = "*"


def _to_regex(pattern: str) -> str:
    atoms: list[list[str]] = []  # [regex of one atom, its quantifier]
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            if pattern.startswith("**/", i):
                body, i = _DIRS, i + 3
            elif pattern.startswith("**", i):
                body, i = _GLOBSTAR, i + 2
            else:
                body, i = _STAR, i + 1
            if atoms and atoms[-1][0] in (_STAR, _GLOBSTAR) and body != _DIRS:
                atoms[-1][0] = _GLOBSTAR if _GLOBSTAR in (body, atoms[-1][0]) else _STAR
                continue
            atoms.append([body, ""])
        elif c in "?+":
            if atoms:
                _quantify(atoms, c)
            else:
                atoms.append([re.escape(c), ""])  # nothing precedes it: a literal
            i += 1
        elif c == "[":
            body, i = _char_class(pattern, i + 1)
            atoms.append([body, ""])
        elif c == "\\":
            if i + 1 >= len(pattern):
                raise FilterPatternError(f"filter pattern '{pattern}': '\\' ends the pattern")
            atoms.append([re.escape(pattern[i + 1]), ""])
            i += 2
        else:
            atoms.append([re.escape(c), ""])
            i += 1
    return "".join(_merged(atoms))


_COUNTS: dict[str, tuple[int, int | None]] = {
    "": (1, 1),
    "?": (0, 1),
    "+": (1, None),
    "*": (0, None),
}


def _merged(atoms: list[list[str]]) -> Iterator[str]:
    """Runs of one atom as a single counted repeat (``a?a?a+`` is ``a{1,}``): a run of
    optional atoms is what makes a backtracking matcher exponential."""
    i = 0
    while i < len(atoms):
        body, lo = atoms[i][0], 0
        hi: int | None = 0
        j = i
        while j < len(atoms) and atoms[j][0] == body:
            a, b = _COUNTS[atoms[j][1]]
            lo, hi = lo + a, (None if hi is None or b is None else hi + b)
            j += 1
        if j - i == 1:
            yield body + atoms[i][1]
        elif body in (_STAR, _GLOBSTAR, _DIRS):
            yield body
        else:
            yield f"{body}{{{lo},{'' if hi is None else hi}}}"
        i = j


@lru_cache(maxsize=4096)
def compile_filter(raw: str) -> FilterPattern:
    """Compile one pattern as written in a filter list (a leading ``!`` negates it)."""
    if len(raw) > MAX_PATTERN:
        raise FilterPatternError(f"filter pattern '{raw[:40]}…' is longer than {MAX_PATTERN}")
    negative = raw.startswith("!")
    text = raw[1:] if negative else raw
    if not text:
        raise FilterPatternError(f"filter pattern '{raw}' is empty")
    return FilterPattern(text, negative, re.compile(_to_regex(text), re.DOTALL))


def compile_filters(raw: Iterable[str]) -> tuple[FilterPattern, ...]:
    return tuple(compile_filter(p) for p in raw)


def selected(patterns: Sequence[FilterPattern], name: str) -> bool:
    """Whether ``name`` is selected: the last pattern that matches it is a positive one."""
    for pattern in reversed(patterns):
        if pattern.matches(name):
            return not pattern.negative
    return False
