"""GitHub's coercions: truthiness, loose equality and ordering of expression values.

These follow the package's ``result.ts`` (itself JavaScript's abstract equality without
object-to-primitive conversion): mixed kinds meet as numbers (strings by JS ``Number()``,
null as 0, booleans as 0/1), strings compare case-insensitively by upper-casing every
character except the dotless i, ordered by UTF-16 code units as JavaScript orders them;
arrays and objects are equal only to themselves and never ordered; NaN equals nothing.
"""

from __future__ import annotations

import math

from .jsnumber import to_number
from .values import (
    BOOLEAN,
    NULL,
    NUMBER,
    STRING,
    Secret,
    Symbolic,
    Unknown,
    concrete,
    kind_of,
)

__all__ = ["DOTLESS_I", "compare", "equals", "falsy", "number_of", "truthiness", "upper_special"]

DOTLESS_I = "\u0131"


def number_of(value: object) -> float:
    """The package's ``number()``: null 0, booleans 1/0, strings by JS ``Number()``,
    containers NaN. ``value`` must be known."""
    value = concrete(value)
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    if isinstance(value, str):
        return to_number(value)
    return math.nan


def falsy(value: object) -> bool:
    """GitHub's falsiness of a known value: null, false, 0, NaN and ``''``."""
    value = concrete(value)
    if value is None:
        return True
    if isinstance(value, bool):
        return not value
    if isinstance(value, float):
        return value == 0 or math.isnan(value)
    if isinstance(value, str):
        return not value
    return False


def truthiness(value: object) -> bool | None:
    """Truthiness, or ``None`` when it cannot be known."""
    if isinstance(value, Unknown):
        return None
    if isinstance(value, Secret):
        return None if value.value is None else bool(value.value)
    if isinstance(value, Symbolic) and not value.is_known:
        # Literal parts are never empty, so one of them makes the string non-empty.
        if any(isinstance(p, str) or (isinstance(p, Secret) and p.value) for p in value.parts):
            return True
        return None
    return not falsy(value)


def upper_special(text: str) -> str:
    """Upper-case as GitHub compares strings: everything but the dotless i (U+0131)."""
    return DOTLESS_I.join(piece.upper() for piece in text.split(DOTLESS_I))


def _utf16(text: str) -> bytes:
    # JS orders strings by UTF-16 code units, which big-endian bytes preserve.
    return text.encode("utf-16-be", "surrogatepass")


def _coerce(left: object, right: object) -> tuple[object, object]:
    """The package's coerceTypes: JS abstract equality, minus object-to-primitive."""
    lk, rk = kind_of(left), kind_of(right)
    if lk == rk:
        return left, right
    if lk == NUMBER and rk == STRING:
        return left, number_of(right)
    if lk == STRING and rk == NUMBER:
        return number_of(left), right
    if lk in (NULL, BOOLEAN):
        return _coerce(number_of(left), right)
    if rk in (NULL, BOOLEAN):
        return _coerce(left, number_of(right))
    return left, right


def equals(left: object, right: object) -> bool:
    """``==`` on known values: loose, case-insensitive for strings, by reference for
    containers, NaN equal to nothing."""
    left, right = _coerce(concrete(left), concrete(right))
    kind = kind_of(left)
    if kind != kind_of(right):
        return False
    if kind == NULL:
        return True
    if kind in (NUMBER, BOOLEAN):
        return left == right  # NaN != NaN already
    if kind == STRING:
        assert isinstance(left, str) and isinstance(right, str)
        return upper_special(left) == upper_special(right)
    return left is right


def _greater(left: object, right: object) -> bool:
    left, right = _coerce(concrete(left), concrete(right))
    kind = kind_of(left)
    if kind != kind_of(right):
        return False
    if kind == NUMBER:
        assert isinstance(left, float) and isinstance(right, float)
        return left > right
    if kind == STRING:
        assert isinstance(left, str) and isinstance(right, str)
        return _utf16(upper_special(left)) > _utf16(upper_special(right))
    if kind == BOOLEAN:
        return bool(left) and not right
    return False


def compare(op: str, left: object, right: object) -> bool:
    """A comparison operator on known values. ``<=`` is ``==`` or ``<``, as on GitHub."""
    if op == "==":
        return equals(left, right)
    if op == "!=":
        return not equals(left, right)
    if op == ">":
        return _greater(left, right)
    if op == "<":
        return _greater(right, left)
    if op == ">=":
        return equals(left, right) or _greater(left, right)
    if op == "<=":
        return equals(left, right) or _greater(right, left)
    raise ValueError(f"not a comparison operator: {op}")
