"""node-semver's ``satisfies``, as the setup actions use it to pick tool versions.

setup-python (and ``@actions/tool-cache`` under it) match a version spec such as ``3.x``,
``>=3.10 <3.13`` or ``~3.14.0-0`` against release versions with ``semver.satisfies`` from npm's
``semver`` 7 (strict, not loose, prereleases not included). The rules that decide real outcomes
are subtle — ``<3.13`` means ``<3.13.0-0``, a prerelease only satisfies a range that names a
prerelease of the same ``major.minor.patch`` — so this module ports the range grammar faithfully
(its "safe" regular expressions included: ``\\s*`` there matches at most one whitespace
character) instead of approximating it with PEP 440. The test suite checks it against the npm
package itself.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "SemVer", "clean", "compare", "is_explicit_version", "parse", "satisfies", "valid",
    "valid_range",
]  # fmt: skip

MAX_LENGTH = 256
MAX_SAFE_INTEGER = 2**53 - 1

# ECMAScript whitespace and line terminators: what ``\s`` and ``String.prototype.trim`` mean.
JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_WS_CHARS = re.escape(JS_WHITESPACE)
_WS = "[" + _WS_CHARS + "]"


def js_trim(text: str) -> str:
    """``String.prototype.trim``: strips ECMAScript whitespace only (not Python's set)."""
    return text.strip(JS_WHITESPACE)


def _safe(src: str) -> str:
    """node-semver's ``makeSafeRegex`` then translation to Python (ASCII ``\\d``, JS ``\\s``)."""
    for token, limit in ((r"\s", 1), (r"\d", MAX_LENGTH), ("[a-zA-Z0-9-]", MAX_LENGTH - 6)):
        src = src.replace(token + "*", f"{token}{{0,{limit}}}")
        src = src.replace(token + "+", f"{token}{{1,{limit}}}")
    src = src.replace(r"[v=\s]", "[v=" + _WS_CHARS + "]")
    return src.replace(r"\s", _WS).replace(r"\d", "[0-9]")


_LDN = "[a-zA-Z0-9-]"
_NUM = r"0|[1-9]\d*"
_NUML = r"\d+"
_NONNUM = rf"\d*[a-zA-Z-]{_LDN}*"
_MAIN = rf"({_NUM})\.({_NUM})\.({_NUM})"
_MAINL = rf"({_NUML})\.({_NUML})\.({_NUML})"
_PRID = f"(?:{_NONNUM}|{_NUM})"
_PRIDL = f"(?:{_NONNUM}|{_NUML})"
_PRE = rf"(?:-({_PRID}(?:\.{_PRID})*))"
_PREL = rf"(?:-?({_PRIDL}(?:\.{_PRIDL})*))"
_BUILDID = f"{_LDN}+"
_BUILD = rf"(?:\+({_BUILDID}(?:\.{_BUILDID})*))"
_FULLPLAIN = f"v?{_MAIN}{_PRE}?{_BUILD}?"
_LOOSEPLAIN = rf"[v=\s]*{_MAINL}{_PREL}?{_BUILD}?"
_GTLT = "((?:<|>)?=?)"
_XID = rf"{_NUM}|x|X|\*"
_XPLAIN = rf"[v=\s]*({_XID})(?:\.({_XID})(?:\.({_XID})(?:{_PRE})?{_BUILD}?)?)?"

_RE_FULL = re.compile(_safe(f"^{_FULLPLAIN}$"))
_RE_BUILD = re.compile(_safe(_BUILD))
_RE_XRANGE = re.compile(_safe(rf"^{_GTLT}\s*{_XPLAIN}$"))
_RE_TILDE = re.compile(_safe(f"^(?:~>?){_XPLAIN}$"))
_RE_CARET = re.compile(_safe(rf"^(?:\^){_XPLAIN}$"))
_RE_TILDETRIM = re.compile(_safe(r"(\s*)(?:~>?)\s+"))
_RE_CARETTRIM = re.compile(_safe(r"(\s*)(?:\^)\s+"))
_RE_COMPARATOR = re.compile(_safe(rf"^{_GTLT}\s*({_FULLPLAIN})$|^$"))
_RE_COMPTRIM = re.compile(_safe(rf"(\s*){_GTLT}\s*({_LOOSEPLAIN}|{_XPLAIN})"))
_RE_HYPHEN = re.compile(_safe(rf"^\s*({_XPLAIN})\s+-\s+({_XPLAIN})\s*$"))
_RE_STAR = re.compile(_safe(r"(<|>)?=?\s*\*"))
_RE_GTE0 = re.compile(_safe(r"^\s*>=\s*0\.0\.0\s*$"))
_RE_SPACES = re.compile(_WS + "+")
_RE_NUMERIC = re.compile("^[0-9]+$")


@dataclass(frozen=True)
class SemVer:
    """A parsed semantic version; ``prerelease`` items are ints where node makes numbers."""

    major: int
    minor: int
    patch: int
    prerelease: tuple[int | str, ...]
    version: str
    """Canonical text (``1.2.3-rc.1``), without build metadata, as node's ``.version``."""


def parse(text: str) -> SemVer | None:
    """``new SemVer(text)`` (strict), or ``None`` where node would throw."""
    if len(text) > MAX_LENGTH:
        return None
    m = _RE_FULL.match(js_trim(text))
    if not m:
        return None
    nums = [int(m.group(i)) for i in (1, 2, 3)]
    if any(n > MAX_SAFE_INTEGER for n in nums):
        return None
    pre: list[int | str] = []
    if m.group(4):
        for ident in m.group(4).split("."):
            if _RE_NUMERIC.match(ident) and int(ident) < MAX_SAFE_INTEGER:
                pre.append(int(ident))
            else:
                pre.append(ident)
    version = f"{nums[0]}.{nums[1]}.{nums[2]}"
    if pre:
        version += "-" + ".".join(str(p) for p in pre)
    return SemVer(nums[0], nums[1], nums[2], tuple(pre), version)


def valid(text: str) -> str | None:
    v = parse(text)
    return v.version if v else None


def clean(text: str) -> str | None:
    """``semver.clean``: trim, drop leading ``=``/``v``, parse strictly."""
    return valid(re.sub(r"^[=v]+", "", js_trim(text)))


def is_explicit_version(spec: str) -> bool:
    """``@actions/tool-cache``'s test for "an exact version, not a range"."""
    return valid(clean(spec) or "") is not None


def _cmp_ident(a: int | str, b: int | str) -> int:
    if isinstance(a, int) and isinstance(b, int):
        return (a > b) - (a < b)
    anum, bnum = _RE_NUMERIC.match(str(a)) is not None, _RE_NUMERIC.match(str(b)) is not None
    if anum and bnum:
        x, y = int(a), int(b)
        return (x > y) - (x < y)
    if anum != bnum:
        return -1 if anum else 1
    # JS compares strings by UTF-16 code units; prerelease identifiers are ASCII.
    sa, sb = str(a), str(b)
    return (sa > sb) - (sa < sb)


def compare(a: SemVer, b: SemVer) -> int:
    """-1, 0 or 1, by semver precedence (build metadata ignored)."""
    main = (a.major, a.minor, a.patch)
    other = (b.major, b.minor, b.patch)
    if main != other:
        return -1 if main < other else 1
    if a.prerelease and not b.prerelease:
        return -1
    if b.prerelease and not a.prerelease:
        return 1
    for x, y in zip(a.prerelease, b.prerelease, strict=False):
        c = _cmp_ident(x, y)
        if c:
            return c
    return (len(a.prerelease) > len(b.prerelease)) - (len(a.prerelease) < len(b.prerelease))


def _is_x(ident: str | None) -> bool:
    return not ident or ident.lower() == "x" or ident == "*"


def _sub(pattern: re.Pattern[str], fn: Callable[[re.Match[str]], str], text: str) -> str:
    """JS ``text.replace(nonGlobalRegex, fn)``: the first match only."""
    return pattern.sub(fn, text, count=1)


def _tilde(m: re.Match[str]) -> str:
    big, minor, patch, pre = m.group(1), m.group(2), m.group(3), m.group(4)
    if _is_x(big):
        return ""
    if _is_x(minor):
        return f">={big}.0.0 <{int(big) + 1}.0.0-0"
    if _is_x(patch):
        return f">={big}.{minor}.0 <{big}.{int(minor) + 1}.0-0"
    if pre:
        return f">={big}.{minor}.{patch}-{pre} <{big}.{int(minor) + 1}.0-0"
    return f">={big}.{minor}.{patch} <{big}.{int(minor) + 1}.0-0"


def _caret(m: re.Match[str]) -> str:
    big, minor, patch, pre = m.group(1), m.group(2), m.group(3), m.group(4)
    if _is_x(big):
        return ""
    if _is_x(minor):
        return f">={big}.0.0 <{int(big) + 1}.0.0-0"
    if _is_x(patch):
        if big == "0":
            return f">={big}.{minor}.0 <{big}.{int(minor) + 1}.0-0"
        return f">={big}.{minor}.0 <{int(big) + 1}.0.0-0"
    low = f">={big}.{minor}.{patch}" + (f"-{pre}" if pre else "")
    if big == "0":
        if minor == "0":
            return f"{low} <{big}.{minor}.{int(patch) + 1}-0"
        return f"{low} <{big}.{int(minor) + 1}.0-0"
    return f"{low} <{int(big) + 1}.0.0-0"


def _xrange(comp: str) -> str:
    def fn(m: re.Match[str]) -> str:
        gtlt, big, minor, patch = m.group(1), m.group(2), m.group(3), m.group(4)
        if (_is_x(big) and not _is_x(minor)) or (_is_x(minor) and patch and not _is_x(patch)):
            return comp
        xb = _is_x(big)
        xm = xb or _is_x(minor)
        xp = xm or _is_x(patch)
        if gtlt == "=" and xp:
            gtlt = ""
        pr = ""
        if xb:
            return "<0.0.0-0" if gtlt in (">", "<") else "*"
        if gtlt and xp:
            b, mi, pa = int(big), 0 if xm else int(minor or 0), 0
            if gtlt == ">":
                gtlt = ">="
                if xm:
                    b, mi = b + 1, 0
                else:
                    mi += 1
            elif gtlt == "<=":
                gtlt = "<"
                if xm:
                    b += 1
                else:
                    mi += 1
            if gtlt == "<":
                pr = "-0"
            return f"{gtlt}{b}.{mi}.{pa}{pr}"
        if xm:
            return f">={big}.0.0 <{int(big) + 1}.0.0-0"
        if xp:
            return f">={big}.{minor}.0 <{big}.{int(minor or 0) + 1}.0-0"
        return m.group(0)

    return _sub(_RE_XRANGE, fn, js_trim(comp))


def _hyphen(m: re.Match[str]) -> str:
    frm, fb, fm, fp = m.group(1), m.group(2), m.group(3), m.group(4)
    to, tb, tm, tp, tpr = m.group(7), m.group(8), m.group(9), m.group(10), m.group(11)
    if _is_x(fb):
        frm = ""
    elif _is_x(fm):
        frm = f">={fb}.0.0"
    elif _is_x(fp):
        frm = f">={fb}.{fm}.0"
    else:
        frm = f">={frm}"
    if _is_x(tb):
        to = ""
    elif _is_x(tm):
        to = f"<{int(tb) + 1}.0.0-0"
    elif _is_x(tp):
        to = f"<{tb}.{int(tm) + 1}.0-0"
    elif tpr:
        to = f"<={tb}.{tm}.{tp}-{tpr}"
    else:
        to = f"<={to}"
    return js_trim(f"{frm} {to}")


def _split_ws(text: str) -> list[str]:
    return _RE_SPACES.split(text)


def _parse_comparator(comp: str) -> str:
    comp = _sub(_RE_BUILD, lambda m: "", comp)
    comp = " ".join(_sub(_RE_CARET, _caret, c) for c in _split_ws(js_trim(comp)))
    comp = " ".join(_sub(_RE_TILDE, _tilde, c) for c in _split_ws(js_trim(comp)))
    comp = " ".join(_xrange(c) for c in _split_ws(comp))
    return _sub(_RE_STAR, lambda m: "", js_trim(comp))


@dataclass(frozen=True)
class _Comparator:
    operator: str
    semver: SemVer | None  # None: ANY

    @property
    def value(self) -> str:
        return "" if self.semver is None else self.operator + self.semver.version

    def test(self, v: SemVer) -> bool:
        if self.semver is None:
            return True
        c = compare(v, self.semver)
        op = self.operator
        if op == "":
            return c == 0
        return {">": c > 0, ">=": c >= 0, "<": c < 0, "<=": c <= 0}[op]


class _Invalid(Exception):
    pass


def _comparator(comp: str) -> _Comparator:
    comp = " ".join(_split_ws(js_trim(comp)))
    m = _RE_COMPARATOR.match(comp)
    if not m:
        raise _Invalid(comp)
    op = m.group(1) or ""
    if op == "=":
        op = ""
    if not m.group(2):
        return _Comparator(op, None)
    v = parse(m.group(2))
    if v is None:
        raise _Invalid(comp)
    return _Comparator(op, v)


def _parse_range_part(part: str) -> list[_Comparator]:
    part = _RE_BUILD.sub("", part)
    part = _sub(_RE_HYPHEN, _hyphen, part)
    part = _RE_COMPTRIM.sub(lambda m: m.group(1) + m.group(2) + m.group(3), part)
    part = _RE_TILDETRIM.sub(lambda m: m.group(1) + "~", part)
    part = _RE_CARETTRIM.sub(lambda m: m.group(1) + "^", part)
    pieces = _split_ws(" ".join(_parse_comparator(c) for c in part.split(" ")))
    pieces = [_sub(_RE_GTE0, lambda m: "", js_trim(c)) for c in pieces]
    seen: dict[str, _Comparator] = {}
    for c in map(_comparator, pieces):
        if c.value == "<0.0.0-0":
            return [c]
        seen[c.value] = c
    if len(seen) > 1:
        seen.pop("", None)
    return list(seen.values())


@functools.lru_cache(maxsize=1024)
def _range(spec: str) -> tuple[tuple[_Comparator, ...], ...] | None:
    raw = _RE_SPACES.sub(" ", js_trim(spec))
    try:
        sets = [s for s in (_parse_range_part(js_trim(r)) for r in raw.split("||")) if s]
    except _Invalid:
        return None
    if not sets:
        return None
    if len(sets) > 1:
        first = sets[0]
        sets = [s for s in sets if s[0].value != "<0.0.0-0"] or [first]
        for s in sets if len(sets) > 1 else ():
            if len(s) == 1 and s[0].value == "":
                sets = [s]
                break
    return tuple(tuple(s) for s in sets)


def valid_range(spec: str) -> bool:
    """``semver.validRange(spec) !== null``: whether ``spec`` parses as a range."""
    return _range(spec) is not None


def satisfies(version: str, spec: str) -> bool:
    """``semver.satisfies(version, spec)`` with default options."""
    v = parse(version)
    sets = _range(spec)
    if v is None or sets is None:
        return False
    for cset in sets:
        if not all(c.test(v) for c in cset):
            continue
        if not v.prerelease:
            return True
        for c in cset:
            s = c.semver
            if (
                s is not None
                and s.prerelease
                and (s.major, s.minor, s.patch)
                == (
                    v.major,
                    v.minor,
                    v.patch,
                )
            ):
                return True
    return False
