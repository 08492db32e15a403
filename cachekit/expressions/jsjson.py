"""``toJSON`` and ``fromJSON`` as the package does them: JavaScript's ``JSON``.

``toJSON`` is ``JSON.stringify(value, replacer, "  ")``: two-space indentation, ``"key": value``,
``[]``/``{}`` for empty containers, numbers by JS ``Number::toString`` (NaN and ±Infinity
become ``null``, ``-0`` becomes ``0``), strings escaped as JS escapes them (``\\u001f``
lower-case, lone surrogates as ``\\udxxx``, everything else raw).

``fromJSON`` is ``JSON.parse``: strict JSON (no NaN/Infinity), every number a double
(``-0`` stays negative zero), the last of duplicate keys wins at the first one's position.

Object keys keep their order. (The package routes objects through plain JS objects, which
moves integer-like keys such as ``"10"`` to the front and drops ``__proto__``/``constructor``
keys; GitHub's runner does neither, and neither does cachekit.)
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

from .errors import ExpressionEvaluationError
from .jsnumber import js_trim, number_to_js
from .values import ObjectView, concrete

__all__ = ["from_json", "quote", "to_json"]

_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}


def quote(text: str) -> str:
    """A JSON string literal exactly as ``JSON.stringify`` writes it."""
    out = ['"']
    size = len(text)
    i = 0
    while i < size:
        c = text[i]
        code = ord(c)
        if c in _ESCAPES:
            out.append(_ESCAPES[c])
        elif code < 0x20:
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code <= 0xDBFF and i + 1 < size and 0xDC00 <= ord(text[i + 1]) <= 0xDFFF:
            out.append(text[i : i + 2])  # a surrogate pair held as two code points
            i += 1
        elif 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(c)
        i += 1
    out.append('"')
    return "".join(out)


def to_json(value: object, view: ObjectView | None = None) -> str:
    """Pretty-printed JSON of a known value (secrets' values included: callers mask)."""
    view = view or ObjectView()
    out: list[str] = []
    _write(value, view, "", out)
    return "".join(out)


def _write(value: object, view: ObjectView, indent: str, out: list[str]) -> None:
    value = concrete(value)
    if value is None:
        out.append("null")
    elif isinstance(value, bool):
        out.append("true" if value else "false")
    elif isinstance(value, float):
        out.append(number_to_js(value) if math.isfinite(value) else "null")
    elif isinstance(value, str):
        out.append(quote(value))
    elif isinstance(value, Mapping):
        entries = view.entries(value)
        if not entries:
            out.append("{}")
            return
        inner = indent + "  "
        out.append("{")
        for position, (key, item) in enumerate(entries):
            out.append(("," if position else "") + "\n" + inner + quote(key) + ": ")
            _write(item, view, inner, out)
        out.append("\n" + indent + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = indent + "  "
        out.append("[")
        for position, item in enumerate(value):
            out.append(("," if position else "") + "\n" + inner)
            _write(item, view, inner, out)
        out.append("\n" + indent + "]")
    else:
        raise TypeError(f"toJSON of an unknown value: {value!r}")


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def from_json(text: str, position: int | None = None, expression: str | None = None) -> object:
    """Parse JSON text as ``fromJSON`` does; raises :class:`ExpressionEvaluationError`."""
    if not js_trim(text):
        raise ExpressionEvaluationError("empty input", position, expression)
    try:
        return json.loads(text, parse_int=float, parse_float=float, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise ExpressionEvaluationError(
            "Error parsing JSON when evaluating fromJson", position, expression
        ) from None
