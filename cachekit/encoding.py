"""One JSON encoder for every result object: dataclasses in, plain JSON data out.

Result types used to carry a hand-written ``to_json`` each (27 of them, each repeating its
fields); now their fields *are* the JSON, in declaration order, and the few that differ say so
where they are declared, in the field's metadata::

    mark: Mark = field(metadata=json_spec(derive=mark_location))   # -> "file", "line"
    hash: HashCall | None = field(default=None, metadata=json_spec(name="hashFiles", omit_if=none))

Properties listed in a class's ``__json_properties__`` are added after the fields. Everything
else (enums, named tuples, mappings, sequences) is encoded by type; an unknown type is a bug and
raises ``TypeError`` rather than being turned into ``repr`` text. This module is below every
command (models import it to annotate fields) and imports nothing from cachekit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, is_dataclass
from enum import Enum
from typing import Any, Final

__all__ = ["JsonSpec", "encode", "json_spec", "mark_location", "none"]

_KEY: Final = "cachekit.json"


@dataclass(frozen=True)
class JsonSpec:
    """How one field appears in JSON when it is not simply ``name: value``."""

    name: str | None = None  # the key, when it differs from the field's name
    skip: bool = False  # internal: never in the JSON
    omit_if: Callable[[Any], bool] | None = None  # left out when this says so of the value
    value: Callable[[Any], Any] | None = None  # the field's value → what to encode instead
    derive: Callable[[Any], Mapping[str, Any]] | None = None  # the object → keys put in place


def json_spec(
    *,
    name: str | None = None,
    skip: bool = False,
    omit_if: Callable[[Any], bool] | None = None,
    value: Callable[[Any], Any] | None = None,
    derive: Callable[[Any], Mapping[str, Any]] | None = None,
) -> dict[str, JsonSpec]:
    """Field metadata for :func:`encode`: ``field(metadata=json_spec(...))``."""
    return {_KEY: JsonSpec(name, skip, omit_if, value, derive)}


def none(value: object) -> bool:
    """``omit_if`` for optional fields left out when unset."""
    return value is None


def mark_location(obj: Any) -> dict[str, Any]:
    """``derive`` for a ``mark`` field (a :class:`~cachekit.yamlsource.Mark` or None)."""
    mark = obj.mark
    return {"file": mark.path if mark else None, "line": mark.line if mark else None}


def encode(value: object) -> Any:
    """``value`` as data ``json.dumps`` (or a YAML dumper) writes as is."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, str):
        return str(value)
    if is_dataclass(value) and not isinstance(value, type):
        return _dataclass(value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a NamedTuple
        return {name: encode(getattr(value, name)) for name in value._fields}
    if isinstance(value, Mapping):
        return {str(encode(k)): encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(encode(v) for v in value)
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def _dataclass(obj: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(obj):
        spec: JsonSpec | None = f.metadata.get(_KEY)
        if spec is None:
            out[f.name] = encode(getattr(obj, f.name))
            continue
        if spec.skip:
            continue
        if spec.derive is not None:
            out.update((k, encode(v)) for k, v in spec.derive(obj).items())
            continue
        value = getattr(obj, f.name)
        if spec.omit_if is not None and spec.omit_if(value):
            continue
        if spec.value is not None:
            value = spec.value(value)
        out[spec.name or f.name] = encode(value)
    for name in getattr(type(obj), "__json_properties__", ()):
        out[name] = encode(getattr(obj, name))
    return out
