"""JavaScript number semantics, which the expression language inherits.

GitHub's expression values are IEEE doubles. Three conversions decide what users see, and all
three follow ECMAScript exactly in ``@actions/expressions``:

* string → number is ``Number(text)``: surrounding JS whitespace ignored, ``''`` is 0, hex /
  octal / binary prefixes, ``Infinity``, no ``_`` separators, anything else NaN;
* number → string for ``format``, ``join``, templates (ConvertToString) rounds to 15 decimals
  first (``(+x.toFixed(15)).toString()``, the package's emulation of the runner's C# format),
  so ``0.84551240822557006`` shows as ``0.84551240822557``;
* number → JSON text for ``toJSON`` is the plain shortest round-trip ``Number::toString``.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Context, Decimal

__all__ = [
    "JS_WHITESPACE",
    "int_to_float",
    "js_trim",
    "number_to_js",
    "number_to_string",
    "to_number",
]

JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
"""What JS's ``trim()`` and ``/\\s/`` treat as white space (not Python's ``str.isspace``)."""

_DECIMAL = re.compile(r"[+-]?(?:Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")
_RADIX = re.compile(r"0(?:[xX]([0-9a-fA-F]+)|[oO]([0-7]+)|[bB]([01]+))")
_FIFTEEN_PLACES = Decimal(1).scaleb(-15)
_WIDE = Context(prec=80)


def js_trim(text: str) -> str:
    return text.strip(JS_WHITESPACE)


def int_to_float(value: int) -> float:
    """An integer as the nearest double, overflowing to ±Infinity as JS does."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def to_number(text: str) -> float:
    """``Number(text)`` in JavaScript."""
    text = js_trim(text)
    if not text:
        return 0.0
    if _DECIMAL.fullmatch(text):
        return float(text)
    radix = _RADIX.fullmatch(text)
    if radix:
        hex_digits, oct_digits, bin_digits = radix.groups()
        if hex_digits is not None:
            return int_to_float(int(hex_digits, 16))
        if oct_digits is not None:
            return int_to_float(int(oct_digits, 8))
        return int_to_float(int(bin_digits, 2))
    return math.nan


def number_to_js(value: float) -> str:
    """``Number::toString`` in JavaScript: shortest round-trip digits, JS exponent rules."""
    if math.isnan(value):
        return "NaN"
    if value == 0:
        return "0"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    sign = "-" if value < 0 else ""
    # repr() gives the same shortest round-trip digits JS picks; only the layout differs.
    mantissa, _, exponent = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    point = len(whole) + (int(exponent) if exponent else 0)
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    k, n = len(digits), point
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * -n + digits
    e = n - 1
    exp_text = ("+" if e >= 0 else "-") + str(abs(e))
    head = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{sign}{head}e{exp_text}"


def number_to_string(value: float) -> str:
    """ConvertToString of a number, as ``NumberData.coerceString`` does it."""
    if value == 0:
        return "0"
    if math.isnan(value) or abs(value) >= 1e21:
        # toFixed() falls back to ToString() here; parsing that back is the identity.
        return number_to_js(value)
    # toFixed(15): the exact double rounded half away from zero to 15 places.
    fixed = Decimal(value).quantize(_FIFTEEN_PLACES, rounding=ROUND_HALF_UP, context=_WIDE)
    return number_to_js(float(fixed))
