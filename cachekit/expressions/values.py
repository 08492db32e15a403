"""Values of the expression language, known and unknown, and GitHub's rules for them.

Known values are plain Python: ``None``, ``bool``, ``float`` (``int`` is accepted from callers
and read as a double), ``str``, lists/tuples and mappings. Objects are case-insensitive and,
as in GitHub's ``Dictionary``, the first of several keys differing only in case wins.

cachekit evaluates offline, so three more kinds of value exist:

* :class:`Unknown` — a value that cannot be known here (a step output, ``github.run_id``).
  It stands for any value; anything computed from it is unknown too, unless the result is
  decided regardless (``false && x``).
* :class:`Secret` — a secret, shown as ``***`` whether or not its value was supplied. With a
  value it takes part in evaluation (``secrets.TOKEN != ''`` is decidable); without one it
  behaves as unknown. Neither its ``repr`` nor any rendering ever contains the value.
* :class:`Symbolic` — a string only partly known: a sequence of literal text and unknown or
  secret parts, e.g. ``Linux-`` then the unknown ``steps.date.outputs.week``. Each non-text
  part stands for the *string form* (ConvertToString) of that value.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .jsnumber import int_to_float, number_to_string

__all__ = [
    "ARRAY",
    "BOOLEAN",
    "MISSING",
    "NULL",
    "NUMBER",
    "OBJECT",
    "PRIMITIVES",
    "STRING",
    "UNKNOWN",
    "AnyMapping",
    "FilteredArray",
    "ObjectView",
    "Part",
    "Secret",
    "Symbolic",
    "Unknown",
    "concrete",
    "has_secret",
    "is_known",
    "is_opaque",
    "is_sensitive",
    "kind_of",
    "make_string",
    "string_parts",
    "to_string",
    "unknown_leaves",
]

NULL, BOOLEAN, NUMBER, STRING, ARRAY, OBJECT, UNKNOWN = (
    "null",
    "boolean",
    "number",
    "string",
    "array",
    "object",
    "unknown",
)
PRIMITIVES = frozenset({NULL, BOOLEAN, NUMBER, STRING})
AnyMapping = Mapping[Any, object]
"""An object value: any mapping (keys are read as strings)."""
OPEN_MARK, CLOSE_MARK = "\u2039", "\u203a"
"""Single angle quotation marks around an unknown's name when rendered."""


@dataclass(frozen=True)
class Unknown:
    """A value cachekit cannot know offline.

    ``name`` says what it is (``steps.date.outputs.week``, or for a derived value the
    expression text), ``reason`` why it is unknown, ``origin`` where it comes from when that
    helps (the ``run:`` line that writes the output). A derived unknown lists the leaf
    unknowns it depends on in ``sources``.
    """

    name: str
    reason: str
    origin: str | None = None
    sources: tuple[Unknown, ...] = ()

    def leaves(self) -> tuple[Unknown, ...]:
        """The caller-visible unknowns this one stands for (itself, for a leaf)."""
        return self.sources or (self,)

    def render(self) -> str:
        return f"{OPEN_MARK}{self.name}{CLOSE_MARK}"

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True)
class Secret:
    """A secret string, rendered ``***``; ``value`` (if known) is never shown or compared."""

    name: str
    value: str | None = field(default=None, repr=False, compare=False)

    def render(self) -> str:
        return "***"

    def __str__(self) -> str:
        return "***"

    def as_unknown(self) -> Unknown:
        return Unknown(self.name, "secret value not supplied")


Part = str | Unknown | Secret


@dataclass(frozen=True)
class Symbolic:
    """A string made of literal text and unknown or secret parts (normalised: no empty or
    adjacent text parts). Build one with :func:`make_string`."""

    parts: tuple[Part, ...]

    def render(self) -> str:
        return "".join(p if isinstance(p, str) else p.render() for p in self.parts)

    def __str__(self) -> str:
        return self.render()

    @property
    def is_known(self) -> bool:
        """Every part is text or a secret whose value was supplied."""
        return all(
            isinstance(p, str) or (isinstance(p, Secret) and p.value is not None)
            for p in self.parts
        )

    def prefix(self) -> str:
        """The literal text before the first non-literal part."""
        out = []
        for part in self.parts:
            if not isinstance(part, str):
                break
            out.append(part)
        return "".join(out)

    def suffix(self) -> str:
        """The literal text after the last non-literal part."""
        out = []
        for part in reversed(self.parts):
            if not isinstance(part, str):
                break
            out.append(part)
        return "".join(reversed(out))

    def literals(self) -> list[str]:
        return [p for p in self.parts if isinstance(p, str)]


class FilteredArray(list[object]):
    """The result of ``*``: indexing it indexes each element (``a.*.b``), not the array."""


def make_string(parts: Iterable[Part]) -> str | Secret | Symbolic:
    """Concatenate string parts: a plain ``str`` when all are text."""
    merged: list[Part] = []
    for part in parts:
        if isinstance(part, str):
            if not part:
                continue
            if merged and isinstance(merged[-1], str):
                merged[-1] += part
                continue
        merged.append(part)
    if all(isinstance(p, str) for p in merged):
        return "".join(p for p in merged if isinstance(p, str))
    if len(merged) == 1 and isinstance(merged[0], Secret):
        return merged[0]  # a secret's string form is itself
    return Symbolic(tuple(merged))


def kind_of(value: object) -> str:
    """``null``, ``boolean``, ``number``, ``string``, ``array``, ``object`` or ``unknown``."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, (int, float)):
        return NUMBER
    if isinstance(value, (str, Symbolic, Secret)):
        return STRING
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, Mapping):
        return OBJECT
    if isinstance(value, (list, tuple)):
        return ARRAY
    raise TypeError(f"not an expression value: {type(value).__name__} {value!r}")


def is_opaque(value: object) -> bool:
    """True when the value itself (not its contents) is not fully known."""
    if isinstance(value, Unknown):
        return True
    if isinstance(value, Secret):
        return value.value is None
    if isinstance(value, Symbolic):
        return not value.is_known
    return False


def is_sensitive(value: object) -> bool:
    """True when the value itself is a secret or contains one in its text."""
    if isinstance(value, Secret):
        return True
    return isinstance(value, Symbolic) and any(isinstance(p, Secret) for p in value.parts)


def concrete(value: object) -> object:
    """The plain value behind a known secret or fully known symbolic string."""
    if isinstance(value, Secret) and value.value is not None:
        return value.value
    if isinstance(value, Symbolic) and value.is_known:
        return "".join(_reveal(p) for p in value.parts)
    if isinstance(value, int) and not isinstance(value, bool):
        return int_to_float(value)
    return value


def _reveal(part: Part) -> str:
    if isinstance(part, str):
        return part
    assert isinstance(part, Secret) and part.value is not None
    return part.value


def _walk(value: object) -> Iterator[object]:
    """Every leaf of a value, depth first (containers are entered, not yielded)."""
    stack = [value]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            if id(item) not in seen:
                seen.add(id(item))
                stack.extend(reversed(list(item.values())))
        elif isinstance(item, (list, tuple)):
            if id(item) not in seen:
                seen.add(id(item))
                stack.extend(reversed(item))
        else:
            yield item


def unknown_leaves(value: object) -> list[Unknown]:
    """The distinct leaf unknowns anywhere in ``value`` (unsupplied secrets included)."""
    out: dict[Unknown, None] = {}
    for leaf in _walk(value):
        parts: tuple[object, ...] = leaf.parts if isinstance(leaf, Symbolic) else (leaf,)
        for part in parts:
            if isinstance(part, Unknown):
                out.update(dict.fromkeys(part.leaves()))
            elif isinstance(part, Secret) and part.value is None:
                out[part.as_unknown()] = None
    return list(out)


def is_known(value: object) -> bool:
    """True when nothing anywhere in ``value`` is unknown (known secrets count as known)."""
    return not any(is_opaque(leaf) for leaf in _walk(value))


def has_secret(value: object) -> bool:
    return any(is_sensitive(leaf) for leaf in _walk(value))


# -- conversions ---------------------------------------------------------------------


def to_string(value: object) -> str:
    """ConvertToString: ``''`` for null, ``true``/``false``, numbers as GitHub formats them,
    ``Array``/``Object`` for containers; unknowns render as their name in angle quotes,
    secrets as ``***``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return number_to_string(int_to_float(value))
    if isinstance(value, float):
        return number_to_string(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (Unknown, Secret, Symbolic)):
        return value.render()
    return "Object" if kind_of(value) == OBJECT else "Array"


def string_parts(value: object) -> tuple[Part, ...]:
    """The string form of a value as parts, keeping unknowns and secrets symbolic."""
    if isinstance(value, (Unknown, Secret)):
        return (value,)
    if isinstance(value, Symbolic):
        return value.parts
    return (to_string(value),)


# -- objects -------------------------------------------------------------------------

MISSING = object()


def _key_text(key: object) -> str:
    return key if isinstance(key, str) else to_string(key)


class ObjectView:
    """Case-insensitive, first-key-wins reading of mappings, as GitHub's ``Dictionary``.

    Each mapping is indexed once per view (one evaluation), so repeated lookups stay cheap.
    """

    def __init__(self) -> None:
        self._cache: dict[int, tuple[AnyMapping, dict[str, object], list[tuple[str, object]]]] = {}

    def _index(self, obj: AnyMapping) -> tuple[dict[str, object], list[tuple[str, object]]]:
        hit = self._cache.get(id(obj))
        if hit is not None and hit[0] is obj:
            return hit[1], hit[2]
        lookup: dict[str, object] = {}
        entries: list[tuple[str, object]] = []
        for raw_key, value in obj.items():
            key = _key_text(raw_key)
            lowered = key.lower()
            if lowered not in lookup:
                lookup[lowered] = value
                entries.append((key, value))
        self._cache[id(obj)] = (obj, lookup, entries)
        return lookup, entries

    def get(self, obj: AnyMapping, key: str) -> object:
        """The value for ``key`` (any case), or :data:`MISSING`."""
        return self._index(obj)[0].get(key.lower(), MISSING)

    def entries(self, obj: AnyMapping) -> list[tuple[str, object]]:
        """The effective ``(key, value)`` pairs in order, later case-duplicates dropped."""
        return self._index(obj)[1]
