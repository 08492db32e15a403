"""Text from a repository made safe to print: to a terminal, and in a GitHub Actions job log.

Job ids, keys, file names, requirement lines and matrix values all come from the repository
under analysis, which may be hostile. Printed raw they can:

* drive the terminal: ESC/CSI/OSC sequences (``\\x1b]8;;…`` hyperlinks, ``\\x1b[2J``), BEL,
  C1 controls (``\\x9b``), a carriage return that overwrites the line, bidirectional overrides
  that show text in another order than it reads ("Trojan Source");
* run workflow commands: when cachekit runs in a job, the runner reads every line of its
  output and executes ``::command::`` lines (actions/runner ``ActionCommand.TryParseV2``:
  after trimming leading whitespace) and ``##[command]`` anywhere in a line (``TryParse``,
  the v1 syntax) — a newline in a file name is enough to start such a line.

Every text renderer passes its output through :func:`safe_text` (or, where it adds its own
colours, :func:`neutralize_commands` over fields already escaped with :func:`escape_controls`);
single-line fields that must stay on one line use :func:`safe_field`. Escapes are visible
(``\\x1b``, ``\\u202e``) so a reader sees that the text holds them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Final, ParamSpec

__all__ = [
    "escape_controls",
    "neutralize_commands",
    "safe_field",
    "safe_text",
    "text_output",
]

P = ParamSpec("P")

# C0 and C1 controls, DEL, the bidirectional marks, embeddings, overrides and isolates, and
# lone surrogates (a file name read with surrogateescape, which no encoding can print).
_CONTROLS: Final = "\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
# A workflow command: "::" at the start of a line after blanks (v2), "##[" anywhere (v1).
_COMMAND_START: Final = re.compile(r"^([ \t\f\v]*):(?=:)", re.MULTILINE)
_V1_COMMAND: Final = re.compile(r"##\[")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


@lru_cache(maxsize=8)
def _unsafe(keep: str) -> re.Pattern[str]:
    if not keep:
        return re.compile(f"[{_CONTROLS}]")
    return re.compile(f"(?![{re.escape(keep)}])[{_CONTROLS}]")


def escape_controls(text: str, *, keep: str = "\n\t") -> str:
    """Every control character except those in ``keep`` as a visible ``\\xNN``/``\\uNNNN``."""
    return _unsafe(keep).sub(_visible, text)


def neutralize_commands(text: str) -> str:
    """No line of ``text`` can be read by the runner as a workflow command.

    A line that starts with ``::`` (after blanks) shows its first colon as ``\\x3a``; ``##[``
    shows as ``#\\x23[``. Everything else is unchanged.
    """
    text = _COMMAND_START.sub(lambda m: m.group(1) + "\\x3a", text)
    return _V1_COMMAND.sub("#\\\\x23[", text)


def safe_text(text: str) -> str:
    """A whole text output (several lines, tabs kept): controls escaped, no command lines."""
    return neutralize_commands(escape_controls(text))


def safe_field(text: str) -> str:
    """One value that must stay on its line: newlines escaped too, and no command in it."""
    return neutralize_commands(escape_controls(text, keep="\t"))


def text_output(render: Callable[P, str]) -> Callable[P, str]:
    """Decorate a text renderer so that what it returns is :func:`safe_text`."""

    @wraps(render)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> str:
        return safe_text(render(*args, **kwargs))

    return wrapper
