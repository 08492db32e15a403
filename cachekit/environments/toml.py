"""TOML read with the line of every key and array item, for findings that point at a line.

``tomllib`` (``tomli`` before Python 3.11) is the authority on what a document means: packaging
tools read pyproject.toml, Pipfile and lock files with it, so a document it rejects is one they
reject too. But it gives no positions, and a finding such as "unpinned at pyproject.toml:14" is
only useful with the line. :func:`positions` therefore walks the same text a second time with a
small scanner that knows just enough TOML to follow tables, arrays of tables, dotted keys,
strings, arrays and inline tables, and records the line where each key, array item and table
header starts. It runs only on text ``tomllib`` accepted, so it can stay simple; if it still
meets something it does not follow, it stops and keeps what it recorded (lookups fall back to
the nearest recorded ancestor), so a position is never a reason to fail.
"""

from __future__ import annotations

import bisect
import contextlib
import re
import sys
from dataclasses import dataclass
from typing import Any

from ..errors import TreeError
from ..fs.trees import Tree
from .requirements import Problem

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = ["Document", "Path", "Positions", "load", "parse", "positions"]

Path = tuple[str | int, ...]
"""A place in a document: table and key names, with array (and array-of-tables) indices."""

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_WS = " \t"
_LINE_AT = re.compile(r"\(at line (\d+), column \d+\)")
_BARE_VALUE_END = frozenset(",]}#\r\n")


class _ScanError(Exception):
    pass


@dataclass(frozen=True)
class Positions:
    """Where each key, array item and table header of a document starts."""

    lines: dict[Path, int]  # 1-based line of a key, item or header
    spans: dict[Path, tuple[int, int]]  # [start, end) character offsets of a value
    text: str

    def line(self, *path: str | int) -> int:
        """The line of ``path``, else of its nearest recorded ancestor; 1 if none is known."""
        for end in range(len(path), 0, -1):
            found = self.lines.get(path[:end])
            if found is not None:
                return found
        return 1

    def raw(self, *path: str | int) -> str | None:
        """The value's source text, as written (strings keep their quotes)."""
        span = self.spans.get(path)
        return None if span is None else self.text[span[0] : span[1]]


@dataclass(frozen=True)
class Document:
    """A parsed TOML file: what it means (``data``) and where each part is (``at``)."""

    path: str
    data: dict[str, Any]
    at: Positions


def parse(text: str, path: str) -> tuple[Document | None, Problem | None]:
    """``tomllib.loads`` plus positions; a document it rejects becomes a Problem at its line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _LINE_AT.search(message)
        return None, Problem(path, int(found.group(1)) if found else 0, f"invalid TOML: {message}")
    except RecursionError:
        return None, Problem(path, 0, "invalid TOML: nested too deeply to read")
    return Document(path, data, positions(text)), None


def load(tree: Tree, path: str) -> tuple[Document | None, Problem | None]:
    """Read and parse a tree file (strict UTF-8, as the packaging tools read it)."""
    try:
        data = tree.read(path)
    except (TreeError, OSError, ValueError) as exc:
        return None, Problem(path, 0, f"cannot read: {exc}", "unreadable")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, Problem(
            path, 0, f"not UTF-8 text: {exc.reason} at byte {exc.start}", "not-text"
        )
    return parse(text, path)


def positions(text: str) -> Positions:
    """Lines of every key, array item and header of ``text`` (meant for valid TOML)."""
    scanner = _Scanner(text)
    with contextlib.suppress(_ScanError, IndexError, RecursionError):
        scanner.document()  # on failure, what was recorded stays: lookups use ancestors
    return Positions(scanner.lines, scanner.spans, text)


class _Scanner:
    """Just enough of a TOML lexer to record positions; assumes the text is valid TOML."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.lines: dict[Path, int] = {}
        self.spans: dict[Path, tuple[int, int]] = {}
        self._newlines = [i for i, c in enumerate(text) if c == "\n"]
        self._tables: dict[Path, int] = {}  # array-of-tables path -> items seen

    def line_at(self, pos: int) -> int:
        return bisect.bisect_left(self._newlines, pos) + 1

    def record(self, path: Path, pos: int) -> None:
        self.lines.setdefault(path, self.line_at(pos))

    # --- whitespace ----------------------------------------------------------------------

    def skip_ws(self) -> None:
        text, n = self.text, len(self.text)
        while self.pos < n and text[self.pos] in _WS:
            self.pos += 1

    def skip_comment(self) -> None:
        if self.text.startswith("#", self.pos):
            end = self.text.find("\n", self.pos)
            self.pos = len(self.text) if end < 0 else end

    def skip_blank(self) -> None:
        """Whitespace, newlines and comments (between statements and array items)."""
        while True:
            start = self.pos
            self.skip_ws()
            self.skip_comment()
            if self.text.startswith("\r\n", self.pos):
                self.pos += 2
            elif self.text.startswith("\n", self.pos):
                self.pos += 1
            if self.pos == start:
                return

    def expect(self, token: str) -> None:
        if not self.text.startswith(token, self.pos):
            raise _ScanError(f"expected {token!r} at {self.pos}")
        self.pos += len(token)

    # --- statements ----------------------------------------------------------------------

    def document(self) -> None:
        table: Path = ()
        while True:
            self.skip_blank()
            if self.pos >= len(self.text):
                return
            if self.text.startswith("[", self.pos):
                table = self.header()
            else:
                self.keyval(table)
            self.skip_ws()
            self.skip_comment()
            if self.pos < len(self.text) and self.text[self.pos] not in "\r\n":
                raise _ScanError(f"expected a newline at {self.pos}")

    def header(self) -> Path:
        start = self.pos
        many = self.text.startswith("[[", self.pos)
        self.pos += 2 if many else 1
        keys = self.key()
        self.skip_ws()
        self.expect("]]" if many else "]")
        resolved: Path = ()
        for key in keys[:-1]:
            resolved += (key,)
            self.record(resolved, start)
            if resolved in self._tables:
                resolved += (self._tables[resolved] - 1,)
        resolved += (keys[-1],)
        self.record(resolved, start)
        if many:
            index = self._tables.get(resolved, 0)
            self._tables[resolved] = index + 1
            resolved += (index,)
            self.record(resolved, start)
        return resolved

    def keyval(self, table: Path) -> None:
        start = self.pos
        keys = self.key()
        for end in range(1, len(keys) + 1):
            self.record(table + keys[:end], start)
        self.skip_ws()
        self.expect("=")
        self.skip_ws()
        self.value(table + keys)

    def key(self) -> tuple[str, ...]:
        keys: list[str] = []
        while True:
            self.skip_ws()
            keys.append(self.simple_key())
            self.skip_ws()
            if not self.text.startswith(".", self.pos):
                return tuple(keys)
            self.pos += 1

    def simple_key(self) -> str:
        c = self.text[self.pos : self.pos + 1]
        if c in ('"', "'"):
            start = self.pos
            self.string()
            return _string_value(self.text[start : self.pos])
        found = _BARE_KEY.match(self.text, self.pos)
        if not found:
            raise _ScanError(f"expected a key at {self.pos}")
        self.pos = found.end()
        return found.group()

    # --- values --------------------------------------------------------------------------

    def value(self, path: Path) -> None:
        start = self.pos
        c = self.text[self.pos]
        if c in ('"', "'"):
            self.string()
        elif c == "[":
            self.array(path)
        elif c == "{":
            self.inline_table(path)
        else:
            self.bare()
        self.spans[path] = (start, self.pos)

    def string(self) -> None:
        text = self.text
        quote = text[self.pos]
        if text.startswith(quote * 3, self.pos):
            self.pos += 3
            while not text.startswith(quote * 3, self.pos):
                if self.pos >= len(text):
                    raise _ScanError("unterminated string")
                self.pos += 2 if quote == '"' and text[self.pos] == "\\" else 1
            self.pos += 3
            for _ in range(2):  # up to two quotes may end the content: """a"""""
                if text.startswith(quote, self.pos):
                    self.pos += 1
            return
        self.pos += 1
        while text[self.pos] != quote:
            if text[self.pos] == "\n":
                raise _ScanError("newline in a one-line string")
            self.pos += 2 if quote == '"' and text[self.pos] == "\\" else 1
        self.pos += 1

    def array(self, path: Path) -> None:
        self.pos += 1
        index = 0
        while True:
            self.skip_blank()
            if self.text.startswith("]", self.pos):
                self.pos += 1
                return
            self.record((*path, index), self.pos)
            self.value((*path, index))
            index += 1
            self.skip_blank()
            if self.text.startswith(",", self.pos):
                self.pos += 1
            elif not self.text.startswith("]", self.pos):
                raise _ScanError(f"expected ',' or ']' at {self.pos}")

    def inline_table(self, path: Path) -> None:
        self.pos += 1
        while True:
            self.skip_blank()  # newlines are TOML 1.1; harmless to accept
            if self.text.startswith("}", self.pos):
                self.pos += 1
                return
            self.keyval(path)
            self.skip_blank()
            if self.text.startswith(",", self.pos):
                self.pos += 1
            elif not self.text.startswith("}", self.pos):
                raise _ScanError(f"expected ',' or '}}' at {self.pos}")

    def bare(self) -> None:
        """A number, boolean or date: up to the next delimiter, trailing blanks excluded."""
        text, start = self.text, self.pos
        while self.pos < len(text) and text[self.pos] not in _BARE_VALUE_END:
            self.pos += 1
        while self.pos > start and text[self.pos - 1] in _WS:
            self.pos -= 1
        if self.pos == start:
            raise _ScanError(f"expected a value at {start}")


def _string_value(raw: str) -> str:
    """A quoted key's value, escapes decoded the way tomllib decodes them."""
    try:
        value = tomllib.loads(f"k = {raw}")["k"]
    except tomllib.TOMLDecodeError:
        return raw[1:-1]
    return str(value)


def string_value(raw: str | None) -> str | None:
    """The value of a raw TOML string (as from :meth:`Positions.raw`); None if not a string."""
    if raw is None or raw[:1] not in ('"', "'"):
        return None
    return _string_value(raw)
