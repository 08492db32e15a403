"""One palette for every text output: the colour of each severity, outcome and role.

``--color`` (and ``NO_COLOR``/``FORCE_COLOR``, decided in the CLI) reaches a renderer as
``RenderOptions.color``; the renderer asks this module for the colour of a word, so a
severity or an outcome looks the same in ``check``, ``explain``, ``predict``, ``audit``,
``resolve`` and ``suggest``.

Two ways to apply it, because text renderers make their output safe in two ways:

* :func:`ansi` wraps text in its style at once; for a renderer that escapes each field from
  the repository itself (``check``'s text) before styling it.
* :func:`paint` inside a renderer decorated with :func:`text_output`, which passes the whole
  output through :func:`~cachekit.textsafe.safe_text`: ``paint`` puts a random marker (unknown
  to the repository, so nothing in it can pose as one) around the text, and ``text_output``
  turns the markers into the styles after the output was made safe.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from contextvars import ContextVar
from functools import wraps
from typing import Final, ParamSpec

from ..textsafe import safe_text

__all__ = ["RESET", "STYLES", "ansi", "paint", "style_of", "text_output"]

#: Style name → ANSI SGR sequence. Severities and outcomes first, then roles.
STYLES: Final[dict[str, str]] = {
    # severities
    "error": "\x1b[1;31m",
    "warning": "\x1b[1;33m",
    "note": "\x1b[1;36m",
    # cache outcomes: a miss is a failure, a restore-key hit a partial one
    "miss": "\x1b[1;31m",
    "restore": "\x1b[1;33m",
    "hit": "\x1b[32m",
    "unknown": "\x1b[2m",
    # roles
    "file": "\x1b[1m",  # a file that heads a group
    "code": "\x1b[2m",  # a finding code, a detail
    "fix": "\x1b[32m",  # what to do
    "good": "\x1b[32m",  # nothing wrong: no drift, a step kept
    "added": "\x1b[32m",  # a diff's + lines
    "removed": "\x1b[31m",  # a diff's - lines
    "hunk": "\x1b[36m",  # a diff's @@ lines
}
RESET: Final = "\x1b[0m"

#: Words that are not style names but have one: what went wrong in a cache step (audit).
_WORDS: Final[dict[str, str]] = {
    "failed-save": "error",
    "failed-restore": "error",
    "restore-timeout": "warning",
    "reservation-conflict": "warning",
    "changed": "warning",
    "same": "good",
    "removed": "removed",
    "added": "added",
}

P = ParamSpec("P")
_MARKER: ContextVar[str | None] = ContextVar("cachekit_paint_marker", default=None)


def style_of(word: str) -> str | None:
    """The style of a severity, an outcome or another word with one; None for the rest."""
    name = _WORDS.get(word, word)
    return name if name in STYLES else None


def ansi(text: str, style: str | None, color: bool) -> str:
    """``text`` in ``style`` when ``color`` (and the style exists), else as is."""
    if not color or style not in STYLES:
        return text
    return f"{STYLES[style]}{text}{RESET}"


def paint(text: str, color: bool, style: str | None = None) -> str:
    """``text`` in ``style`` (by default the style of the word ``text`` itself) when ``color``.

    Inside a :func:`text_output` renderer the colour is a marker, applied once the output is
    safe; elsewhere it is applied at once.
    """
    chosen = style if style is not None else style_of(text)
    if not color or chosen not in STYLES:
        return text
    marker = _MARKER.get()
    if marker is None:
        return ansi(text, chosen, color)
    return f"\x00{marker}{chosen}\x00{text}\x00{marker}\x00"


def text_output(render: Callable[P, str]) -> Callable[P, str]:
    """A text renderer whose output is :func:`~cachekit.textsafe.safe_text` (repository text
    cannot drive the terminal or the runner), with the colours :func:`paint` added kept."""

    @wraps(render)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> str:
        marker = secrets.token_hex(8)
        token = _MARKER.set(marker)
        try:
            text = safe_text(render(*args, **kwargs))
        finally:
            _MARKER.reset(token)
        nul = re.escape(safe_text("\x00"))  # how safe_text shows the marker's NUL
        opening = re.compile(f"{nul}{marker}([a-z]+){nul}")
        closing = re.compile(f"{nul}{marker}{nul}")
        text = opening.sub(lambda m: STYLES[m.group(1)], text)
        return closing.sub(RESET, text)

    return wrapper
