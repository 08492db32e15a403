"""The tokens the three dialects' lexers produce, and what every dialect shares.

A :class:`Word` is a word after quote removal with expansions kept as written; an :class:`Op` is
a separator, a parenthesis or brace, or a whole redirection (``2>/dev/null``, here-document
operator with its delimiter). Offsets are into the script text; :class:`Lines` maps them to
1-based line numbers for problems and command records.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

__all__ = [
    "NAME_ASSIGN", "SEPARATORS", "Lines", "Op", "ScriptProblem", "Tok", "Word", "assignment",
    "command_name", "github_expression_end", "paren_end",
]  # fmt: skip


class Lines:
    """Offset → 1-based line number."""

    def __init__(self, src: str) -> None:
        self.starts = [0] + [i + 1 for i, c in enumerate(src) if c == "\n"]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


@dataclass(frozen=True)
class ScriptProblem:
    """Something in a script that could not be read, at its 1-based line (0: the whole
    script, such as a ``shell:`` that is not a shell); the rest is still read."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True)
class Word:
    value: str  # after quote removal; expansions kept as written
    start: int
    end: int
    quoted: bool = False  # some part was quoted or escaped: never a keyword or an operator
    literal: bool = True  # no expansion: value is exactly the word the program receives
    subs: tuple[tuple[Tok, ...], ...] = ()  # command substitutions inside, lexed


@dataclass(frozen=True)
class Op:
    op: str  # "\n", ";", "&&", "||", "|", "|&", "&", ";;", ";&", ";;&", "(", ")", "{", "}", "redir"
    start: int
    end: int
    # a redirection (bash): its operator (">", ">>", "&>", "<", "<<", …) and its target word
    redirect: str = field(default="", compare=False)
    target: Word | None = field(default=None, compare=False)


Tok = Word | Op

SEPARATORS = frozenset({"\n", ";", "&&", "||", "|", "|&", "&", ";;", ";&", ";;&"})
NAME_ASSIGN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\+?=")


def assignment(word: Word) -> tuple[str, str] | None:
    """``NAME=value`` (the name unquoted) as a pair."""
    m = NAME_ASSIGN.match(word.value)
    if not m:
        return None
    if word.quoted and not word.value.startswith(m.group(0)):
        return None
    name = m.group(0).rstrip("=").rstrip("+")
    return name, word.value[m.end() :]


_WINDOWS_EXT = re.compile(r"\.(exe|cmd|bat|ps1)$", re.I)


def command_name(word: str) -> str:
    base = re.split(r"[\\/]", word)[-1]
    return _WINDOWS_EXT.sub("", base)


def github_expression_end(src: str, p: int, limit: int) -> int:
    i = p + 3
    while i < limit:
        if src.startswith("}}", i):
            return i + 2
        if src[i] == "'":
            j = src.find("'", i + 1, limit)
            while j >= 0 and src.startswith("''", j):
                j = src.find("'", j + 2, limit)
            i = limit if j < 0 else j + 1
            continue
        i += 1
    nl = src.find("\n", p, limit)
    return limit if nl < 0 else nl


def paren_end(src: str, p: int, limit: int) -> int:
    depth = 0
    while p < limit:
        c = src[p]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return p + 1
        elif c in "'\"":
            q = src.find(c, p + 1, limit)
            p = limit if q < 0 else q
        p += 1
    return limit
