"""Which dialect a step's ``shell:`` is written in, and the lexer that reads it.

``shell: python`` and other interpreters have no commands; they are reported as a problem.
"""

from __future__ import annotations

import re
from typing import Literal

from .bash import BashLexer
from .cmd import CmdLexer
from .pwsh import PwshLexer
from .tokens import Lines, ScriptProblem, Tok, command_name

__all__ = ["SHELLS", "Dialect", "dialect_of", "lex", "one_line"]

Dialect = Literal["bash", "pwsh", "cmd"]

SHELLS: dict[str, Dialect] = {
    "bash": "bash",
    "sh": "bash",
    "dash": "bash",
    "zsh": "bash",
    "ksh": "bash",
    "pwsh": "pwsh",
    "powershell": "pwsh",
    "cmd": "cmd",
}


def dialect_of(shell: str | None) -> tuple[Dialect | None, str | None]:
    """(dialect, problem) for a ``shell:`` value such as ``bash -l {0}`` or ``pwsh``."""
    if shell is None or not shell.strip():
        return "bash", None
    first = shell.split()[0]
    base = command_name(first).lower()
    if base in SHELLS:
        return SHELLS[base], None
    if base.startswith("python") or base in ("node", "ruby", "perl", "py", "deno", "bun"):
        return None, f"shell {shell!r}: the script is {base} code, not shell commands"
    return "bash", f"shell {shell!r}: unknown shell, read as bash"


def lex(src: str, dialect: Dialect, lines: Lines, problems: list[ScriptProblem]) -> list[Tok]:
    """The tokens of ``src`` in ``dialect``; what cannot be read goes to ``problems``."""
    if dialect == "bash":
        return BashLexer(src, lines, problems).lex()
    if dialect == "pwsh":
        return PwshLexer(src, lines, problems).lex()
    return CmdLexer(src, lines, problems).lex()


def one_line(raw: str, dialect: str) -> str:
    """The command's text with line continuations joined."""
    cont = {"bash": "\\", "pwsh": "`", "cmd": "^"}[dialect]
    return re.sub(r"[ \t]*" + re.escape(cont) + r"\r?\n[ \t]*", " ", raw).strip()
