"""YAML as GitHub reads workflows: YAML 1.2 core scalars, with every node's position kept.

PyYAML implements YAML 1.1, where ``on``, ``yes`` and ``off`` are booleans and ``1_000`` or
``12:30`` are numbers. GitHub's parser follows the 1.2 core schema: the workflow key ``on`` is
the string ``on``, only ``true``/``false`` are booleans. (Both agree on the trap users do hit:
``python-version: 3.10`` is the number 3.1.) This loader resolves plain scalars the 1.2 way and
returns mappings that remember where each key and value stands, so every finding can point at
``file:line``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from .errors import CachekitError

__all__ = ["Mark", "WorkflowSyntaxError", "YamlMap", "YamlSeq", "load_yaml", "mark_of"]


@dataclass(frozen=True)
class Mark:
    """1-based line and column of a node in its file."""

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


class WorkflowSyntaxError(CachekitError):
    """The file is not YAML a workflow can be read from; the message names file:line."""


class YamlMap(dict[str, Any]):
    """A mapping that knows where it, its keys and its values stand."""

    mark: Mark
    key_marks: dict[str, Mark]
    value_marks: dict[str, Mark]
    expression: str | None = None  # the mapping is this `${{ }}` expression's value

    def mark_of(self, key: str) -> Mark:
        return self.value_marks.get(key) or self.key_marks.get(key) or self.mark

    def get_ci(self, key: str, default: Any = None) -> Any:
        """Case-sensitive first, as GitHub keys are; a helper for action inputs (ci)."""
        if key in self:
            return self[key]
        low = key.lower()
        for k, v in self.items():
            if isinstance(k, str) and k.lower() == low:
                return v
        return default


class YamlSeq(list[Any]):
    """A sequence that knows where it and each item stand."""

    mark: Mark
    item_marks: list[Mark]


def mark_of(value: Any, default: Mark) -> Mark:
    return getattr(value, "mark", default)


_INT = re.compile(r"^[-+]?[0-9]+$")
_OCT = re.compile(r"^0o[0-7]+$")
_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(inf|Inf|INF)$")
_NAN = re.compile(r"^\.(nan|NaN|NAN)$")


def _core_scalar(text: str) -> Any:
    """Resolve a plain scalar with the YAML 1.2 core schema."""
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    if _INT.match(text):
        return int(text)
    if _OCT.match(text):
        return int(text[2:], 8)
    if _HEX.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return float("-inf") if text.startswith("-") else float("inf")
    if _NAN.match(text):
        return float("nan")
    return text


# libyaml composes an order of magnitude faster than pure Python when PyYAML has it.
_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc]
    """Composes with PyYAML, constructs with core-schema scalars and positions."""

    path = "<workflow>"

    def _mark(self, node: yaml.Node) -> Mark:
        return Mark(self.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if isinstance(node, yaml.ScalarNode):
            # Plain scalars are resolved the YAML 1.2 way; quoted and block scalars are text.
            return _core_scalar(node.value) if not node.style else node.value
        if isinstance(node, yaml.SequenceNode):
            seq = YamlSeq(self.construct_object(child, deep=True) for child in node.value)
            seq.mark = self._mark(node)
            seq.item_marks = [self._mark(child) for child in node.value]
            return seq
        if isinstance(node, yaml.MappingNode):
            result = YamlMap()
            result.mark = self._mark(node)
            result.key_marks = {}
            result.value_marks = {}
            for key_node, value_node in node.value:
                key = self.construct_object(key_node, deep=True)
                if isinstance(key, (YamlMap, YamlSeq)):
                    raise WorkflowSyntaxError(
                        f"{self._mark(key_node)}: a mapping key must be a scalar"
                    )
                # Keys are strings to GitHub: `on:` is "on", `3.10:` is "3.10".
                skey = key if isinstance(key, str) else str(key_node.value)
                if skey in result:
                    raise WorkflowSyntaxError(f"{self._mark(key_node)}: duplicate key '{skey}'")
                result[skey] = self.construct_object(value_node, deep=True)
                result.key_marks[skey] = self._mark(key_node)
                result.value_marks[skey] = self._mark(value_node)
            return result
        return super().construct_object(node, deep=deep)


def load_yaml(text: str | bytes, path: str) -> Any:
    """Load one YAML document with positions; WorkflowSyntaxError names file:line on failure."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise WorkflowSyntaxError(f"{path}: not UTF-8 ({exc.reason})") from None
    loader = _Loader(text)
    loader.path = path
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return loader.construct_object(node, deep=True)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}" if mark else path
        raise WorkflowSyntaxError(f"{where}: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise WorkflowSyntaxError(f"{path}: {exc}") from None
    finally:
        loader.dispose()
