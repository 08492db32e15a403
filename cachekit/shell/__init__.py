"""Shell scripts (``run:``) as words and simple commands — bash, PowerShell and cmd.

This package knows the *syntax* of the three dialects a GitHub Actions step runs: quoting,
comments, continuations, here-documents, substitutions, separators and compound commands. It
does not know what any word means: which commands install packages, and into what, is decided
by :mod:`cachekit.environments.commands` with the recognisers each ecosystem declares.

- :mod:`.tokens`: :class:`Word`/:class:`Op` tokens with offsets, line numbers.
- :mod:`.bash`, :mod:`.pwsh`, :mod:`.cmd`: one lexer per dialect.
- :mod:`.structure`: which words form one simple command, and in which scope.
- :mod:`.argv`: one command line's options and positionals, by a table of the program's options.
- :mod:`.dialects`: the ``shell:`` value → dialect, and the lexer for it.

Nothing here raises on any input: what cannot be read becomes a ``problems`` entry
(a :class:`~.tokens.ScriptProblem`, ``line 3: unterminated single quote``) and the rest is
still read.
"""

from __future__ import annotations

from .argv import Parsed, Spec, parse, spec
from .bash import BashLexer
from .cmd import CmdLexer
from .dialects import Dialect, dialect_of, lex, one_line
from .pwsh import PwshLexer
from .structure import walk_bash, walk_flat
from .tokens import Lines, Op, ScriptProblem, Tok, Word, assignment, command_name

__all__ = [
    "BashLexer",
    "CmdLexer",
    "Dialect",
    "Lines",
    "Op",
    "Parsed",
    "PwshLexer",
    "ScriptProblem",
    "Spec",
    "Tok",
    "Word",
    "assignment",
    "command_name",
    "dialect_of",
    "lex",
    "one_line",
    "parse",
    "spec",
    "walk_bash",
    "walk_flat",
]
