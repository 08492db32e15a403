"""The structure of a script: which words form one simple command, in which scope.

Bash: compound commands are read for their simple commands only, since nothing is executed —
control flow is not evaluated (every command of every ``if``/``case`` branch and loop body
counts once, in text order), ``for``/``select`` word lists, ``[[ … ]]`` conditions, ``case``
patterns, ``(( … ))`` and function names are not commands; a subshell ``( … )`` and each command
substitution get a copy of the state so a ``cd`` inside does not leak out; ``alias`` and
functions are not followed; ``case`` patterns inside ``$(...)`` are not supported (bash's own
parser struggled with them for years).

PowerShell and cmd: commands between separators, keywords and conditions skipped.

What a simple command *means* is not decided here: ``simple(words, start, end, state)`` is the
caller's (:mod:`cachekit.environments.commands` interprets builtins and installers). ``state``
is the caller's too; it only needs ``copy()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar

from .tokens import SEPARATORS, Op, Tok, Word

__all__ = ["PWSH_CONDITIONS", "Simple", "cmd_strip_conditions", "walk_bash", "walk_flat"]


class _Scope(Protocol):
    def copy(self: S) -> S: ...


S = TypeVar("S", bound=_Scope)
Simple = Callable[[list[Word], int, int, S], None]
"""Called once per simple command: its words, its start and end offsets, the state then."""

PREFIX_KEYWORDS = frozenset({"if", "then", "elif", "else", "do", "while", "until", "!", "{"})
END_KEYWORDS = frozenset({"fi", "done", "}"})


def walk_bash(toks: Iterable[Tok], state: S, simple: Simple[S]) -> None:
    """Bash: feed each simple command of ``toks`` (and of their substitutions) to ``simple``.

    A small state machine over tokens (``mode``): one loop reads words and operators alike
    because a keyword is only a keyword at a command's start, and the case/conditional modes
    change how the following words *and* operators are read — a table of (mode, token) pairs
    would need the same lookahead on ``words``/``case_depth``, so it stays one function.
    """
    words: list[Word] = []
    extent: list[int] = []  # start and end offsets of the current command
    mode = "normal"
    stack: list[S] = []
    case_depth = 0

    def finish() -> None:
        nonlocal words, extent
        if words:
            simple(words, extent[0], extent[1], state)
        words, extent = [], []

    for tok in toks:
        if isinstance(tok, Word):
            for sub in tok.subs:
                walk_bash(sub, state.copy(), simple)
            if mode == "ignore":
                continue
            bare = not tok.quoted
            if mode == "cond":
                if bare and tok.value == "]]":
                    mode = "ignore"
                continue
            if mode == "case-word":
                if bare and tok.value == "in":
                    mode = "case-pattern"
                continue
            if mode == "case-pattern":
                if bare and tok.value == "esac":
                    case_depth -= 1
                    mode = "normal"
                continue
            if mode == "funcname":
                mode = "normal"
                continue
            if not words and bare:
                v = tok.value
                if v in PREFIX_KEYWORDS or v in END_KEYWORDS:
                    continue
                if v == "esac":
                    case_depth = max(0, case_depth - 1)
                    continue
                if v in ("for", "select"):
                    mode = "ignore"
                    continue
                if v == "case":
                    case_depth += 1
                    mode = "case-word"
                    continue
                if v == "[[":
                    mode = "cond"
                    continue
                if v == "function":
                    mode = "funcname"
                    continue
                if v.startswith("(("):
                    mode = "ignore"
                    continue
            if not extent:
                extent = [tok.start, tok.end]
            words.append(tok)
            extent[1] = tok.end
            continue
        op = tok.op
        if op == "redir":
            if mode == "normal":
                if not extent:
                    extent = [tok.start, tok.end]
                extent[1] = max(extent[1], tok.end)
            continue
        if mode == "cond":
            continue
        if mode in ("case-word",):
            continue
        if mode == "case-pattern":
            if op == ")":
                mode = "normal"
            continue
        if mode == "funcdef":
            if op == ")":
                mode = "normal"
            continue
        if op in SEPARATORS:
            finish()
            if op in (";;", ";&", ";;&") and case_depth > 0:
                mode = "case-pattern"
            elif mode in ("ignore", "funcname"):
                mode = "normal"
            continue
        if op == "(":
            if words:  # name () { … }: a function definition
                words, extent = [], []
                mode = "funcdef"
                continue
            stack.append(state)
            state = state.copy()
            continue
        if op == ")":
            finish()
            mode = "normal"
            if stack:
                state = stack.pop()
            continue
        if op in ("{", "}"):
            finish()
            continue
    finish()


def walk_flat(toks: Iterable[Tok], state: S, dialect: str, simple: Simple[S]) -> None:
    """PowerShell/cmd: commands between separators; keywords and conditions skipped.

    ``dialect`` is ``"pwsh"`` or ``"cmd"``; cmd's ``if …``/``for … do`` prefixes are removed
    before ``simple`` sees the words (a command left empty is skipped).
    """
    words: list[Word] = []
    extent: list[int] = []
    skip_depth = 0  # inside the ( … ) condition of if/while/foreach/switch
    expect_condition = False

    def finish() -> None:
        nonlocal words, extent
        if words:
            command = cmd_strip_conditions(words) if dialect == "cmd" else words
            if command:
                simple(command, extent[0], extent[1], state)
        words, extent = [], []

    for tok in toks:
        if isinstance(tok, Op):
            if tok.op == "redir":
                continue
            if expect_condition and tok.op == "(":
                skip_depth, expect_condition = 1, False
                continue
            if skip_depth:
                skip_depth += {"(": 1, ")": -1}.get(tok.op, 0)
                continue
            expect_condition = False
            finish()
            continue
        if skip_depth:
            continue
        if expect_condition and tok.value.startswith("-"):
            continue  # switch -wildcard ( … )
        expect_condition = False
        if not words and not tok.quoted:
            low = tok.value.lower()
            if dialect == "pwsh" and low in PWSH_CONDITIONS:
                expect_condition = True
                continue
            if low in ("else", "try", "finally", "do", "begin", "process", "end"):
                continue
        if not extent:
            extent = [tok.start, tok.end]
        words.append(tok)
        extent[1] = tok.end
    finish()


PWSH_CONDITIONS = frozenset({"if", "elseif", "while", "foreach", "for", "switch", "catch", "until"})


def cmd_strip_conditions(words: list[Word]) -> list[Word]:
    """``if exist x pip install …``, ``for %%i in (…) do …``: the command part."""
    while words and not words[0].quoted and words[0].value.lower() in ("if", "for", "else"):
        kind = words[0].value.lower()
        words = words[1:]
        if kind == "else":
            continue
        if kind == "for":
            idx = next((k for k, w in enumerate(words) if w.value.lower() == "do"), None)
            words = [] if idx is None else words[idx + 1 :]
            continue
        while words and words[0].value.lower() in ("/i", "not"):
            words = words[1:]
        if not words:
            return []
        key = words[0].value.lower()
        if key in ("exist", "defined", "errorlevel", "cmdextversion"):
            words = words[2:]
        elif "==" in words[0].value:
            words = words[1:]
        elif len(words) > 2 and words[1].value.lower() in (
            "==",
            "equ",
            "neq",
            "lss",
            "leq",
            "gtr",
            "geq",
        ):
            words = words[3:]
        else:
            words = words[1:]
    return words
