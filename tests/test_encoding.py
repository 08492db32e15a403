"""The one JSON encoder: dataclass fields are the JSON, metadata says where they differ."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, ClassVar, NamedTuple

import pytest

from cachekit.encoding import encode, json_spec, none
from cachekit.output.jsondoc import document
from cachekit.output.registry import KINDS, RENDERERS, SCHEMAS, formats


class Colour(str, Enum):
    RED = "red"


class Pair(NamedTuple):
    a: int
    b: str


@dataclass(frozen=True)
class Inner:
    x: int
    hidden: str = field(default="s", metadata=json_spec(skip=True))


@dataclass(frozen=True)
class Outer:
    __json_properties__: ClassVar[tuple[str, ...]] = ("double",)

    name: str
    colour: Colour
    inner: Inner
    pairs: tuple[Pair, ...]
    renamed: int = field(default=1, metadata=json_spec(name="other"))
    optional: str | None = field(default=None, metadata=json_spec(omit_if=none))
    lines: tuple[str, ...] = field(default=(), metadata=json_spec(value="\n".join))
    flat: int = field(default=0, metadata=json_spec(derive=lambda o: {"f1": o.flat, "f2": -o.flat}))
    mapping: dict[Any, Any] = field(default_factory=dict)

    @property
    def double(self) -> int:
        return 2 * self.inner.x


def test_fields_in_order_with_their_specs() -> None:
    value = Outer("n", Colour.RED, Inner(3), (Pair(1, "b"),), lines=("l1", "l2"), flat=5)
    assert encode(value) == {
        "name": "n",
        "colour": "red",
        "inner": {"x": 3},
        "pairs": [{"a": 1, "b": "b"}],
        "other": 1,
        "lines": "l1\nl2",
        "f1": 5,
        "f2": -5,
        "mapping": {},
        "double": 6,
    }
    assert list(encode(value)) == [
        "name",
        "colour",
        "inner",
        "pairs",
        "other",
        "lines",
        "f1",
        "f2",
        "mapping",
        "double",
    ]
    with_optional = encode(
        Outer("n", Colour.RED, Inner(0), (), optional="o", mapping={Colour.RED: 1})
    )
    assert with_optional["optional"] == "o" and with_optional["mapping"] == {"red": 1}
    assert type(encode(Colour.RED)) is str  # plain text for YAML dumpers too


def test_an_unknown_type_is_an_error_not_repr_text() -> None:
    with pytest.raises(TypeError, match="object"):
        encode(object())
    with pytest.raises(TypeError, match="not a JSON object"):
        document([1], "cachekit.x/1")


def test_every_kind_has_a_versioned_schema_and_a_json_renderer() -> None:
    for kind in KINDS:
        assert SCHEMAS[kind] == f"cachekit.{kind}/1"
        assert "json" in formats(kind)
    for r in RENDERERS:
        assert callable(r.load()), r.target
        assert r.help
