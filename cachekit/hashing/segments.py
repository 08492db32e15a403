"""One path segment of a glob pattern, compiled the way minimatch 3.1.2 compiles it.

GitHub's runner hashes files with ``@actions/glob`` 0.4.0, which matches with minimatch 3.1.2
under the options ``dot, nobrace, noext, nocomment, nonegate`` (plus ``nocase`` on Windows).
A digest is only right if every quirk of that compiler is kept, so this module follows
minimatch's ``parse()`` step by step rather than translating globs from first principles:

* a segment without magic is a literal compared as a string (after ``\\x`` unescaping);
* ``[...]`` classes are validated the way JavaScript's ``RegExp`` validates them, and an
  invalid one (``[z-a]``) turns back into literal text;
* JavaScript regular expressions without the ``u`` flag see UTF-16 code units, so names and
  patterns with characters beyond the BMP are matched in surrogate form;
* quirks such as an escape surviving a ``@``/``!``/``+`` (``\\@*`` makes the ``*`` literal) are
  reproduced, because the runner reproduces them.

The resulting matchers are Python regular expressions equivalent to the JavaScript ones
minimatch builds (``$`` becomes ``\\Z``, ``.`` excludes JS line terminators).

The ``posix_classes`` switch models the newer minimatch (10.x) bundled by ``@actions/glob``
0.7.0 inside setup-* actions, where ``[[:alpha:]]`` is a character class; that is the one
difference between the two flavours found by differential testing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

__all__ = ["GLOBSTAR", "Globstar", "SegmentMatcher", "compile_segment", "to_code_units"]

_RE_SPECIALS: Final = frozenset("().*{}+?[]^$\\!")
_STAR: Final = "[^/]*?"
_QMARK: Final = "[^/]"
_LOOKAHEAD_ANY: Final = "(?=.)"
# minimatch's `dot: true` start guard: never match "." or ".." as a whole segment.
_DOT_GUARD: Final = "(?!(?:^|\\/)\\.{1,2}(?:$|\\/))"
# JavaScript's `.` (without the s flag) excludes these line terminators.
_JS_DOT: Final = "[^\\n\\r\\u2028\\u2029]"
_UNESCAPE: Final = re.compile(r"\\([^\n\r\u2028\u2029])")

# minimatch 10 (brace-expressions.ts) maps POSIX classes to Unicode properties: a code point
# is in the class when its general category starts with one of these prefixes ("L" = all
# letters). ``[:graph:]`` is the complement of Z and C there; ``[:print:]`` really is \p{C}.
_POSIX_CLASSES: Final[dict[str, tuple[tuple[str, ...], str, bool]]] = {
    "alnum": (("L", "Nl", "Nd"), "", False),
    "alpha": (("L", "Nl"), "", False),
    "ascii": ((), "\\x00-\\x7f", False),
    "blank": (("Zs",), "\\t", False),
    "cntrl": (("Cc",), "", False),
    "digit": (("Nd",), "", False),
    "graph": (("Z", "C"), "", True),
    "lower": (("Ll",), "", False),
    "print": (("C",), "", False),
    "punct": (("P",), "", False),
    "space": (("Z",), "\\t\\r\\n\\v\\f", False),
    "upper": (("Lu",), "", False),
    "word": (("L", "Nl", "Nd", "Pc"), "", False),
    "xdigit": ((), "A-Fa-f0-9", False),
}


@lru_cache(maxsize=32)
def _unicode_ranges(prefixes: tuple[str, ...], negated: bool) -> str:
    """Python class text for the code points whose category starts with a prefix."""
    if not prefixes:
        return ""
    out = []
    start = -1
    for cp in range(0x110001):
        inside = cp <= 0x10FFFF and unicodedata.category(chr(cp)).startswith(prefixes) != negated
        if inside and start < 0:
            start = cp
        elif not inside and start >= 0:
            lo, hi = start, cp - 1
            out.append(f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}")
            start = -1
    return "".join(out)


class Globstar:
    """The ``**`` segment: matches zero or more whole path segments."""

    _instance: Globstar | None = None

    def __new__(cls) -> Globstar:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "GLOBSTAR"


GLOBSTAR: Final = Globstar()


@dataclass(frozen=True)
class SegmentMatcher:
    """A compiled non-globstar segment: a literal, or a regular expression, or never."""

    source: str
    literal: str | None
    regex: re.Pattern[str] | None

    def matches(self, name: str) -> bool:
        """Whether one path segment (already in code-unit form) matches."""
        if self.literal is not None:
            return name == self.literal
        if self.regex is None:
            return False
        return self.regex.match(name) is not None

    @property
    def is_literal(self) -> bool:
        return self.literal is not None


def to_code_units(text: str) -> str:
    """Split characters beyond the BMP into UTF-16 surrogate pairs, as JavaScript sees them."""
    if text.isascii() or all(ord(c) <= 0xFFFF for c in text):
        return text
    out = []
    for ch in text:
        cp = ord(ch)
        if cp > 0xFFFF:
            cp -= 0x10000
            out.append(chr(0xD800 + (cp >> 10)))
            out.append(chr(0xDC00 + (cp & 0x3FF)))
        else:
            out.append(ch)
    return "".join(out)


# --------------------------------------------------------------------------------------------
# JavaScript character-class reading (no `u` flag, Annex B), shared by validation and
# translation.


class _ClassSyntaxError(Exception):
    pass


_CLASS_ESCAPES: Final = {"d", "D", "w", "W", "s", "S"}
_CONTROL_ESCAPES: Final = {"n": "\n", "r": "\r", "t": "\t", "v": "\v", "f": "\f", "b": "\b"}


@dataclass(frozen=True)
class _ClassItem:
    low: str  # a single code unit, or a class escape like "\\d"
    high: str | None = None


def _read_class_atom(src: str, i: int) -> tuple[str, int]:
    """Read one class atom of a JS regex starting at ``src[i]``; return (atom, next index)."""
    c = src[i]
    if c != "\\":
        return c, i + 1
    if i + 1 >= len(src):
        raise _ClassSyntaxError("\\ at end of pattern")
    e = src[i + 1]
    if e in _CLASS_ESCAPES:
        return "\\" + e, i + 2
    if e in _CONTROL_ESCAPES:
        return _CONTROL_ESCAPES[e], i + 2
    if e == "c":
        if i + 2 < len(src) and (
            src[i + 2].isascii() and (src[i + 2].isalnum() or src[i + 2] == "_")
        ):
            return chr(ord(src[i + 2]) % 32), i + 3
        return "\\", i + 1  # Annex B: "\c" followed by junk is a literal backslash
    if e == "x":
        h = src[i + 2 : i + 4]
        if len(h) == 2 and all(x in "0123456789abcdefABCDEF" for x in h):
            return chr(int(h, 16)), i + 4
        return "x", i + 2
    if e == "u":
        h = src[i + 2 : i + 6]
        if len(h) == 4 and all(x in "0123456789abcdefABCDEF" for x in h):
            return chr(int(h, 16)), i + 6
        return "u", i + 2
    if e in "01234567":
        j = i + 1
        digits = ""
        while j < len(src) and src[j] in "01234567" and len(digits) < 3:
            if len(digits) == 2 and int(digits + src[j], 8) > 0o377:
                break
            digits += src[j]
            j += 1
        return chr(int(digits, 8)), j
    return e, i + 2


def _read_class(src: str, i: int) -> tuple[bool, list[_ClassItem], int]:
    """Read a JS class whose ``[`` is at ``src[i-1]``.

    Returns (negated, items, index after the closing ``]``).
    """
    negated = False
    if i < len(src) and src[i] == "^":
        negated = True
        i += 1
    items: list[_ClassItem] = []
    while True:
        if i >= len(src):
            raise _ClassSyntaxError("unterminated character class")
        if src[i] == "]":
            return negated, items, i + 1
        low, i = _read_class_atom(src, i)
        if i + 1 < len(src) and src[i] == "-" and src[i + 1] != "]":
            high, i = _read_class_atom(src, i + 1)
            if len(low) == 1 and len(high) == 1:
                if ord(low) > ord(high):
                    raise _ClassSyntaxError("range out of order in character class")
                items.append(_ClassItem(low, high))
            else:  # Annex B: a class escape in a range makes "-" a literal
                items.extend([_ClassItem(low), _ClassItem("-"), _ClassItem(high)])
        else:
            items.append(_ClassItem(low))


def _js_regex_tail_is_valid(tail: str) -> bool:
    """Best-effort check of JS regex text that follows an empty class ``[]`` (rare)."""
    depth = 0
    i = 0
    prev_atom = True  # the empty class before the tail is an atom
    while i < len(tail):
        c = tail[i]
        if c == "\\":
            i += 2
            prev_atom = True
            continue
        if c == "[":
            try:
                _, _, i = _read_class(tail, i + 1)
            except _ClassSyntaxError:
                return False
            prev_atom = True
            continue
        if c == "(":
            depth += 1
            prev_atom = False
            if tail.startswith("(?", i) and not tail.startswith(("(?:", "(?=", "(?!"), i):
                return False
        elif c == ")":
            depth -= 1
            if depth < 0:
                return False
            prev_atom = True
        elif c in "*+?":
            if not prev_atom:
                return False
            prev_atom = False
            if i + 1 < len(tail) and tail[i + 1] == "?":
                i += 1
        elif c == "|":
            prev_atom = False
        else:
            prev_atom = True
        i += 1
    return depth == 0


def _js_class_is_valid(cs: str) -> bool:
    """Whether ``RegExp('[' + cs + ']')`` compiles in JavaScript (what minimatch tests)."""
    src = cs + "]"
    try:
        _, _, end = _read_class(src, 0)
    except _ClassSyntaxError:
        return False
    if end == len(src):
        return True
    return _js_regex_tail_is_valid(src[end:])


def _py_class_char(c: str) -> str:
    if c.isalnum() and c.isascii():
        return c
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"


def _py_class(negated: bool, items: list[_ClassItem]) -> str:
    if not items:
        return "[\\s\\S]" if negated else "(?!)"
    parts = []
    for item in items:
        if len(item.low) == 2:  # a class escape such as \d
            parts.append(item.low)
        elif item.high is None:
            parts.append(_py_class_char(item.low))
        else:
            parts.append(_py_class_char(item.low) + "-" + _py_class_char(item.high))
    return "[" + ("^" if negated else "") + "".join(parts) + "]"


class _NeverMatches(Exception):
    """The JS RegExp would not compile; minimatch then matches nothing."""


def _translate(js: str, py_classes: list[str]) -> str:
    """Translate the regex text minimatch built into an equivalent Python regex.

    The result matches in time linear in the name (times the pattern): see :func:`_linear`.
    """
    out: list[str] = []
    stars: list[int] = []  # where each "*?" (after its "[^/]" class) stands in ``out``
    i = 0
    while i < len(js):
        if js[i] == _SENTINEL:
            end = js.index(_SENTINEL, i + 1)
            out.append(py_classes[int(js[i + 1 : end])])
            i = end + 1
        elif js.startswith(_DOT_GUARD, i):
            out.append("(?!\\.{1,2}\\Z)")
            i += len(_DOT_GUARD)
        elif js.startswith(_LOOKAHEAD_ANY, i):
            out.append("(?=" + _JS_DOT + ")")
            i += len(_LOOKAHEAD_ANY)
        elif js[i] == "\\":
            out.append(re.escape(js[i + 1]))
            i += 2
        elif js[i] == "[":
            try:
                negated, items, i = _read_class(js, i + 1)
            except _ClassSyntaxError as exc:
                raise _NeverMatches from exc
            out.append(_py_class(negated, items))
        elif js.startswith("*?", i):
            stars.append(len(out))
            out.append("*?")
            i += 2
        else:
            out.append(re.escape(js[i]))
            i += 1
    return _linear(out, stars)


def _linear(out: list[str], stars: list[int]) -> str:
    """Join the pieces so that no star backtracks over another (linear-time matching).

    A segment regex is fixed-width chunks between stars, ``C0 *C1 *C2 … *Ck``, where each
    star is ``[^/]*?`` and a name holds no ``/``, so a star matches any text. Then placing
    each middle chunk at its leftmost match is never worse than a later one (the next star
    absorbs the difference), so it can be committed: ``(?=([^/]*?Ci))\\N`` (an atomic group
    Python 3.10 can express; lookaheads are atomic) finds it once and never retries. A plain
    ``[^/]*?a[^/]*?a…b`` instead retries every split of the name: ``*a*a*a*a*b`` against a
    250-character name took over a minute. One star (or none) is linear already.
    """
    if len(stars) < 2:
        return "".join(out)
    pieces = ["".join(out[: stars[0] - 1])]
    ends = [*stars[1:], len(out) + 1]
    for n, (star, end) in enumerate(zip(stars, ends, strict=True), start=1):
        star_text = out[star - 1] + out[star]
        chunk = "".join(out[star + 1 : end - 1])
        if n < len(stars):
            pieces.append(f"(?=({star_text}{chunk}))\\{n}")
        else:
            pieces.append(star_text + chunk)
    return "".join(pieces)


def _posix_class_expand(cs: str) -> str | None:
    """Expand ``[:name:]`` inside a class body (minimatch 10); None if a name is unknown."""
    out = []
    i = 0
    while i < len(cs):
        if cs.startswith("[:", i):
            end = cs.find(":]", i + 2)
            if end < 0:
                return None
            name = cs[i + 2 : end]
            if name not in _POSIX_CLASSES:
                return None
            prefixes, extra, negated = _POSIX_CLASSES[name]
            out.append(_unicode_ranges(prefixes, negated) + extra)
            i = end + 2
        else:
            out.append(cs[i])
            i += 1
    return "".join(out)


_SENTINEL: Final = "\ufdd0"


def _parse(
    pattern: str, nocase: bool, posix_classes: bool, sub: bool, py_classes: list[str] | None = None
) -> tuple[str, bool]:
    """minimatch 3.1.2 ``parse()`` with ``noext``: returns (JS regex text, has_magic).

    POSIX classes (minimatch 10 only) are already Python class text; they are stored in
    ``py_classes`` and stand in the JS text as a sentinel with their index.

    Why this is one ~40-branch loop and not a table (#10's limit is ~30): it mirrors
    minimatch's own ``parse()``, a character-by-character ``switch`` whose cases share and
    mutate the same state (the regex so far, ``hasMagic``, the pending ``stateChar``, the
    open class and where it started, the escape flag) and are tested in a fixed order (an
    escaped special character before every case, ``!`` inside a class only right after
    ``[``). Each branch here is one ``case`` there, in the same order, so the two can be read
    side by side when the runner's minimatch is checked; a dispatch table would pass that
    state through every handler and hide the order the cases depend on. The oracle tests
    (``tests/test_pattern_oracle.py``, the generated conformance tests) compare it with the
    real component.
    """
    if py_classes is None:
        py_classes = []
    if sub and pattern in ("", "**"):
        # minimatch returns '' or GLOBSTAR here before building its [re, hasMagic] pair, so
        # the caller's sp[0] is undefined and the regex gets the text "undefined" (a bug the
        # runner ships: '*[' matches names ending in '[undefined').
        return "undefined", False

    def py_class_token(body: str) -> str:
        py_classes.append("[" + body + "]")
        return f"{_SENTINEL}{len(py_classes) - 1}{_SENTINEL}"

    re_ = ""
    has_magic = nocase
    escaping = False
    state_char = ""
    in_class = False
    re_class_start = -1
    class_start = -1

    def clear_state_char() -> None:
        nonlocal re_, has_magic, state_char
        if state_char == "*":
            re_ += _STAR
            has_magic = True
        elif state_char == "?":
            re_ += _QMARK
            has_magic = True
        elif state_char:
            re_ += "\\" + state_char
        state_char = ""

    i = 0
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if escaping and c in _RE_SPECIALS:
            re_ += "\\" + c
            escaping = False
        elif c == "\\":
            clear_state_char()
            escaping = True
        elif c in "?*+@!":
            if in_class:
                re_ += "^" if (c == "!" and i == class_start + 1) else c
            else:
                clear_state_char()
                state_char = c
                clear_state_char()  # noext: extglob state is dropped at once
        elif c == "(":
            re_ += "(" if in_class else "\\("
        elif c == ")":
            re_ += "\\)"
        elif c == "|":
            re_ += "\\|"
            escaping = False
        elif c == "[":
            clear_state_char()
            if in_class:
                re_ += "\\["
            elif posix_classes and pattern.startswith("[[:", i):
                # minimatch 10: a class that starts with a POSIX class expression.
                end = pattern.find(":]]", i)
                body = _posix_class_expand(pattern[i + 1 : end + 2]) if end >= 0 else None
                if body is None:
                    in_class, class_start, re_class_start = True, i, len(re_)
                    re_ += c
                else:
                    re_ += py_class_token(body)
                    has_magic = True
                    i = end + 3
                    continue
            else:
                in_class = True
                class_start = i
                re_class_start = len(re_)
                re_ += c
        elif c == "]":
            if i == class_start + 1 or not in_class:
                re_ += "\\]"
                escaping = False
            else:
                cs = pattern[class_start + 1 : i]
                expanded = _posix_class_expand(cs) if posix_classes and "[:" in cs else None
                if expanded is not None:
                    re_ = re_[:re_class_start] + py_class_token(expanded)
                    has_magic = True
                    in_class = False
                elif not _js_class_is_valid(cs):
                    sub_re, sub_magic = _parse(cs, nocase, posix_classes, True, py_classes)
                    re_ = re_[:re_class_start] + "\\[" + sub_re + "\\]"
                    has_magic = has_magic or sub_magic
                    in_class = False
                else:
                    has_magic = True
                    in_class = False
                    re_ += c
        else:
            clear_state_char()
            if escaping:
                escaping = False
            elif c in _RE_SPECIALS and not (c == "^" and in_class):
                re_ += "\\"
            re_ += c
        i += 1

    if in_class:
        cs = pattern[class_start + 1 :]
        sub_re, sub_magic = _parse(cs, nocase, posix_classes, True, py_classes)
        re_ = re_[:re_class_start] + "\\[" + sub_re
        has_magic = has_magic or sub_magic

    clear_state_char()
    if escaping:
        re_ += "\\\\"

    add_pattern_start = re_[:1] in ("[", ".", "(")
    if re_ and has_magic:
        re_ = _LOOKAHEAD_ANY + re_
    if add_pattern_start and pattern[:1] != ".":
        re_ = _DOT_GUARD + re_
    return re_, has_magic


@lru_cache(maxsize=4096)
def compile_segment(
    segment: str, *, nocase: bool = False, posix_classes: bool = False
) -> SegmentMatcher | Globstar:
    """Compile one ``/``-free pattern segment (already in code-unit form)."""
    if segment == "**":
        return GLOBSTAR
    if segment == "":
        return SegmentMatcher(segment, "", None)
    py_classes: list[str] = []
    js, has_magic = _parse(segment, nocase, posix_classes, False, py_classes)
    if not has_magic:
        return SegmentMatcher(segment, _UNESCAPE.sub(r"\1", segment), None)
    try:
        py = _translate(js, py_classes)
        regex = re.compile("(?:" + py + ")\\Z", re.IGNORECASE if nocase else 0)
    except (_NeverMatches, re.error):
        return SegmentMatcher(segment, None, None)
    return SegmentMatcher(segment, None, regex)
