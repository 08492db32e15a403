"""The ``@actions/glob`` pattern language, as the runner's ``hashFiles`` uses it.

This module turns the ``patterns`` text into :class:`Pattern` objects exactly as
``@actions/glob`` 0.4.0 does (``internal-globber.ts`` ``create``, ``internal-pattern.ts``), and
matches paths against them the way minimatch 3.1.2's ``matchOne`` does — but incrementally.

``matchOne`` compares a whole absolute path with a pattern on every call. A walk of 100,000
files cannot afford that, so each pattern here is a small NFA over path segments: positions
``0..len(segments)`` plus ``FINAL`` ("the final ``**`` swallowed at least one segment"). A
directory's state is a bit mask of live positions; a child's state is one :meth:`Pattern.step`
away. The NFA accepts exactly what ``matchOne`` accepts (including its corner cases: a final
``**`` needs at least one segment, a trailing empty segment is forgiven), and a non-empty state
is exactly ``matchOne(..., partial=true)``. ``tests/test_globbing.py`` checks both against a
direct transcription of ``matchOne``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import IntFlag
from typing import Final

from ..errors import HashFilesError
from .segments import GLOBSTAR, Globstar, SegmentMatcher, compile_segment, to_code_units

__all__ = [
    "GlobSyntax",
    "MatchKind",
    "Pattern",
    "PatternSet",
    "glob_escape",
    "js_trim",
    "split_patterns",
]

# JavaScript's String.prototype.trim() strips WhiteSpace and LineTerminator code points,
# which is not the same set as Python's str.strip() (e.g. U+FEFF yes, U+001C no).
_JS_WHITESPACE: Final = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)


def js_trim(text: str) -> str:
    """``String.prototype.trim`` semantics."""
    return text.strip(_JS_WHITESPACE)


class MatchKind(IntFlag):
    """``internal-match-kind.ts``: what a pattern matched."""

    NONE = 0
    DIRECTORY = 1
    FILE = 2
    ALL = 3


@dataclass(frozen=True)
class GlobSyntax:
    """Which flavour of the pattern language to apply.

    ``windows`` models the Windows runner (``\\`` is a separator, case-insensitive matching).
    ``posix_classes`` models minimatch 10 inside ``@actions/glob`` 0.7.0 (setup-* actions).
    """

    windows: bool = False
    posix_classes: bool = False


def glob_escape(path: str, syntax: GlobSyntax) -> str:
    """``Pattern.globEscape``: make a literal path safe inside a pattern."""
    out = path if syntax.windows else path.replace("\\", "\\\\")
    # '[' is escaped only when a ']' follows within the same path segment.
    chars = []
    for i, c in enumerate(out):
        if c == "[":
            rest = out[i + 1 :]
            close = rest.find("]")
            if close > 0 and "/" not in rest[:close]:
                chars.append("[[]")
                continue
        chars.append(c)
    return "".join(chars).replace("?", "[?]").replace("*", "[*]")


def _normalize_separators(p: str, syntax: GlobSyntax) -> str:
    if syntax.windows:
        p = p.replace("\\", "/")
    while "//" in p:
        p = p.replace("//", "/")
    return p


def _safe_trim_trailing_separator(p: str) -> str:
    if p.endswith("/") and p != "/":
        return p[:-1]
    return p


def _path_segments(p: str) -> list[str]:
    """``internal-path.ts`` ``Path(p).segments`` for a normalized path."""
    p = _safe_trim_trailing_separator(p)
    if not p.startswith("/"):
        return p.split("/")
    parts = [s for s in p.split("/")[1:] if s != ""]
    return ["/", *parts]


def _get_literal(segment: str, syntax: GlobSyntax) -> str:
    """``Pattern.getLiteral``: the literal a segment denotes, or '' if it has magic.

    Like JavaScript, this reads UTF-16 code units: ``[😀]`` is a two-unit set, not a literal.
    """
    units = to_code_units(segment)
    if units is not segment:
        found = _get_literal_units(units, syntax)
        return found.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    return _get_literal_units(segment, syntax)


def _get_literal_units(segment: str, syntax: GlobSyntax) -> str:
    literal = []
    i = 0
    n = len(segment)
    while i < n:
        c = segment[i]
        if c == "\\" and not syntax.windows and i + 1 < n:
            i += 1
            literal.append(segment[i])
            i += 1
            continue
        if c in "*?":
            return ""
        if c == "[" and i + 1 < n:
            char_set = []
            closed = -1
            i2 = i + 1
            while i2 < n:
                c2 = segment[i2]
                if c2 == "\\" and not syntax.windows and i2 + 1 < n:
                    i2 += 1
                    char_set.append(segment[i2])
                elif c2 == "]":
                    closed = i2
                    break
                else:
                    char_set.append(c2)
                i2 += 1
            if closed >= 0:
                if len(char_set) > 1:
                    return ""
                if char_set:
                    literal.append(char_set[0])
                    i = closed + 1
                    continue
        literal.append(c)
        i += 1
    return "".join(literal)


def split_patterns(text: str, syntax: GlobSyntax) -> list[tuple[bool, str]]:
    """Split the ``patterns`` text into ``(negate, pattern)`` lines, dropping comments.

    Mirrors ``DefaultGlobber.create`` and the ``Pattern`` constructor's negation loop.
    """
    if syntax.windows:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for raw in text.split("\n"):
        line = js_trim(raw)
        if not line or line.startswith("#"):
            continue
        negate = False
        while line.startswith("!"):
            negate = not negate
            line = js_trim(line[1:])
        out.append((negate, line))
    return out


@dataclass(frozen=True)
class _Position:
    matcher: SegmentMatcher | Globstar


@dataclass
class Pattern:
    """One include or exclude pattern, rooted and compiled (``internal-pattern.ts``)."""

    negate: bool
    segments: tuple[str, ...]
    trailing_separator: bool
    search_path: str
    is_implicit: bool
    source: str
    matchers: tuple[SegmentMatcher | Globstar, ...]
    _closure: dict[int, int] = field(default_factory=dict, repr=False)
    _steps: dict[int, int] = field(default_factory=dict, repr=False)
    _plans: dict[int, tuple[bool, tuple[SegmentMatcher, ...]]] = field(
        default_factory=dict, repr=False
    )

    # --- construction -----------------------------------------------------------------------

    @classmethod
    def parse(
        cls,
        line: str,
        negate: bool,
        *,
        workspace: str,
        home: str | None,
        syntax: GlobSyntax,
        is_implicit: bool = False,
    ) -> Pattern | None:
        """Root and compile one pattern line; ``None`` when it can never match (``~`` unknown).

        Raises :class:`HashFilesError` where ``@actions/glob`` asserts.
        """
        pattern = js_trim(line)
        if not pattern:
            raise HashFilesError("pattern cannot be empty")
        fixed = cls._fixup(pattern, workspace, home, syntax)
        if fixed is None:
            return None
        segments = tuple(_path_segments(fixed))
        trailing = _normalize_separators(fixed, syntax).endswith("/")
        trimmed = _safe_trim_trailing_separator(fixed)
        search: list[str] = []
        for seg in segments:
            literal = _get_literal(seg, syntax)
            if literal == "":
                break
            search.append(literal)
        search_path = "/" + "/".join(search[1:]) if search else "/"
        mm_text = js_trim(trimmed)
        nocase = syntax.windows
        matchers = tuple(
            compile_segment(to_code_units(s), nocase=nocase, posix_classes=syntax.posix_classes)
            for s in mm_text.split("/")
        )
        # minimatch splits on runs of '/', so empty segments only come from the root.
        return cls(
            negate=negate,
            segments=segments,
            trailing_separator=trailing,
            search_path=search_path,
            is_implicit=is_implicit,
            source=line,
            matchers=matchers,
        )

    @staticmethod
    def _fixup(pattern: str, workspace: str, home: str | None, syntax: GlobSyntax) -> str | None:
        """``Pattern.fixupPattern``: check relative pathing and root the pattern."""
        normalized = _normalize_separators(pattern, syntax)
        literals = [_get_literal(s, syntax) for s in _path_segments(normalized)]
        if any((x == "." and i != 0) or x == ".." for i, x in enumerate(literals)):
            raise HashFilesError(
                f"Invalid pattern '{pattern}'. Relative pathing '.' and '..' is not allowed."
            )
        p = normalized
        if p == "." or p.startswith("./"):
            p = glob_escape(workspace, syntax) + p[1:]
        elif p == "~" or p.startswith("~/"):
            if home is None:
                return None
            p = glob_escape(home, syntax) + p[1:]
        elif syntax.windows and (len(p) >= 2 and p[1] == ":" and p[0].isalpha()):
            return None  # a drive-rooted pattern: outside the modelled workspace
        elif p.startswith("/"):
            if syntax.windows:
                return None  # '\foo' is relative to the drive root: outside the workspace
        else:
            root = glob_escape(workspace, syntax)
            p = (root if root.endswith("/") else root + "/") + p
        return _normalize_separators(p, syntax)

    def implicit_descendants(self, *, workspace: str, syntax: GlobSyntax) -> Pattern | None:
        """The ``P/**`` pattern ``globGenerator`` adds after P, or None if not needed."""
        if not (self.trailing_separator or self.segments[-1] != "**"):
            return None
        text = "/" + "/".join([*self.segments[1:], "**"])
        return Pattern.parse(
            text, self.negate, workspace=workspace, home=None, syntax=syntax, is_implicit=True
        )

    # --- matching ---------------------------------------------------------------------------

    def __post_init__(self) -> None:
        # Constants of the NFA, read on every step of a walk.
        self._length = len(self.matchers)
        self._final_bit = 1 << (self._length + 1)
        bits = (1 << self._length) | self._final_bit
        if self._appends_separator and self.matchers[-1] is GLOBSTAR:
            bits |= 1 << (self._length - 1)
        self._accept_bits = bits

    @property
    def _appends_separator(self) -> bool:
        """The runner matches ``path + '/'`` for user patterns ending in ``**``."""
        return self.segments[-1] == "**" and not self.is_implicit

    def start(self) -> int:
        """The state before any segment (the leading '' root segment not yet consumed)."""
        return self.closure(1)

    def closure(self, mask: int) -> int:
        """Add the positions reachable by letting a middle ``**`` match nothing."""
        cached = self._closure.get(mask)
        if cached is not None:
            return cached
        out = mask
        last = self._length - 1
        for i, m in enumerate(self.matchers):
            if m is GLOBSTAR and i < last and out >> i & 1:
                out |= 1 << (i + 1)
        self._closure[mask] = out
        return out

    def step(self, mask: int, name: str) -> int:
        """The state after consuming one path segment (in code-unit form)."""
        if not mask:
            return 0
        cached = self._steps.get(mask)
        if cached is not None:  # a state with only '**' positions: independent of the name
            return cached
        out = 0
        name_dependent = False
        length = self._length
        final = self._final_bit
        m = mask
        while m:
            low = m & -m
            i = low.bit_length() - 1
            m ^= low
            if i >= length:
                if low == final:
                    out |= final
                continue
            matcher = self.matchers[i]
            if matcher is GLOBSTAR:
                out |= final if i == length - 1 else low
            else:
                name_dependent = True
                if matcher.matches(name):  # type: ignore[union-attr]
                    out |= low << 1
        out = self.closure(out)
        if not name_dependent:
            self._steps[mask] = out
        return out

    def accepts(self, mask: int) -> bool:
        """Whether a path whose state is ``mask`` matches (with the runner's appended '/')."""
        return bool(mask & self._accept_bits)

    def file_plan(self, mask: int) -> tuple[bool, tuple[SegmentMatcher, ...]]:
        """For children of a directory in state ``mask``: (always accepted, accepting matchers).

        A child named N is accepted iff the first item is true or one of the matchers accepts
        N. This lets the walk test a file with one regex instead of a full step.
        """
        plan = self._plans.get(mask)
        if plan is not None:
            return plan
        base = 0
        targets: list[SegmentMatcher] = []
        length = self._length
        m = mask
        while m:
            low = m & -m
            i = low.bit_length() - 1
            m ^= low
            if i >= length:
                if low == self._final_bit:
                    base |= low
                continue
            matcher = self.matchers[i]
            if matcher is GLOBSTAR:
                base |= self._final_bit if i == length - 1 else low
            elif self.accepts(self.closure(low << 1)):
                targets.append(matcher)  # type: ignore[arg-type]
        always = self.accepts(self.closure(base))
        plan = (always, () if always else tuple(targets))
        self._plans[mask] = plan
        return plan

    @property
    def match_bits(self) -> int:
        """The MatchKind a match of this pattern contributes."""
        return int(MatchKind.DIRECTORY if self.trailing_separator else MatchKind.ALL)


_ADVANCE_MEMO = 200_000
"""At most this many remembered steps per pattern set (then the memo starts over)."""


class PatternSet:
    """All patterns of one ``hashFiles`` call, with implicit descendants, in match order."""

    def __init__(
        self,
        patterns_text: str,
        *,
        workspace: str,
        home: str | None = None,
        syntax: GlobSyntax | None = None,
    ) -> None:
        self.syntax = syntax or GlobSyntax()
        self.workspace = workspace
        # Identifies what the states of this set mean (for walk memos shared across calls).
        self.fingerprint = (patterns_text, workspace, home, self.syntax)
        self.user_patterns: list[Pattern] = []
        for negate, line in split_patterns(patterns_text, self.syntax):
            p = Pattern.parse(line, negate, workspace=workspace, home=home, syntax=self.syntax)
            if p is not None:
                self.user_patterns.append(p)
        self.patterns: list[Pattern] = []
        for p in self.user_patterns:
            self.patterns.append(p)
            implicit = p.implicit_descendants(workspace=workspace, syntax=self.syntax)
            if implicit is not None:
                self.patterns.append(implicit)
        self.include_indexes = [i for i, p in enumerate(self.patterns) if not p.negate]
        self._advanced: dict[tuple[tuple[int, ...], str], tuple[int, ...]] = {}

    def search_paths(self) -> list[str]:
        """``getSearchPaths``: include search paths, deduplicated, ancestors winning."""
        includes = [p for p in self.patterns if not p.negate]

        def key(path: str) -> str:
            return path.upper() if self.syntax.windows else path

        state: dict[str, str] = {key(p.search_path): "candidate" for p in includes}
        result = []
        for p in includes:
            k = key(p.search_path)
            if state[k] == "included":
                continue
            if not any(a in state for a in _ancestors(k)):
                result.append(p.search_path)
                state[k] = "included"
        return result

    def start_states(self) -> tuple[int, ...]:
        return tuple(p.start() for p in self.patterns)

    def advance(self, states: Sequence[int], name: str) -> tuple[int, ...]:
        """Step every pattern's state by one path segment (given in code-unit form).

        Remembered per (states, name): a set is shared by every ``hashFiles`` call with the
        same patterns, and a history's walks meet the same directory names commit after
        commit."""
        key = (tuple(states), name)
        hit = self._advanced.get(key)
        if hit is None:
            if len(self._advanced) >= _ADVANCE_MEMO:
                self._advanced.clear()
            hit = tuple(p.step(s, name) for p, s in zip(self.patterns, states, strict=True))
            self._advanced[key] = hit
        return hit

    def advance_path(self, states: Sequence[int], parts: Iterable[str]) -> tuple[int, ...]:
        out = tuple(states)
        for part in parts:
            out = self.advance(out, to_code_units(part))
        return out

    def kind(self, states: Sequence[int]) -> int:
        """``patternHelper.match``: fold include/exclude matches in order; last one wins.

        Returns :class:`MatchKind` bits as a plain int (this runs once per walked entry).
        """
        result = 0
        for p, s in zip(self.patterns, states, strict=True):
            if p.accepts(s):
                m = p.match_bits
                result = (result & ~m) if p.negate else (result | m)
        return result

    def partial(self, states: Sequence[int]) -> bool:
        """``patternHelper.partialMatch``: could an include pattern match below here?"""
        return any(states[i] for i in self.include_indexes)


def _ancestors(path: str) -> list[str]:
    """Proper ancestors of an absolute path, nearest first ("/a/b" -> ["/a", "/"])."""
    out = []
    while path != "/":
        path = path.rsplit("/", 1)[0] or "/"
        out.append(path)
    return out
