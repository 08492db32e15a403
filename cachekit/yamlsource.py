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

__all__ = [
    "MAX_YAML_DEPTH",
    "MAX_YAML_NODES",
    "Mark",
    "WorkflowSyntaxError",
    "YamlMap",
    "YamlSeq",
    "load_yaml",
    "mark_of",
]

MAX_YAML_DEPTH = 100
"""Collections nested deeper than this are refused before they are built (a flow sequence
340 deep used to end in a RecursionError). Real workflows nest about ten deep."""

MAX_YAML_NODES = 250_000
"""Nodes built for one document, aliases expanded: a 479-byte alias bomb expands to 387
million. A 1 MB workflow has well under 100,000 nodes."""


@dataclass(frozen=True)
class Mark:
    """1-based line and column of a node in its file."""

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


class WorkflowSyntaxError(CachekitError):
    """The file is not YAML a workflow can be read from; the message names file:line.

    ``mark`` is where the problem is, so a caller that records it (instead of failing)
    keeps the real line.
    """

    def __init__(self, message: str, mark: Mark | None = None) -> None:
        super().__init__(message)
        self.mark = mark

    @property
    def reason(self) -> str:
        """The message without its leading ``file:line:``."""
        text = str(self)
        if self.mark is not None and text.startswith(f"{self.mark}: "):
            return text[len(str(self.mark)) + 2 :]
        return text.split(": ", 1)[-1]


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
    budget = MAX_YAML_NODES

    def _mark(self, node: yaml.Node) -> Mark:
        return Mark(self.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def _spend(self, node: yaml.Node) -> None:
        """Count one node built; an alias expanding past the budget is an error at its anchor."""
        self.budget -= 1
        if self.budget < 0:
            mark = self._mark(node)
            raise WorkflowSyntaxError(
                f"{mark}: YAML aliases expand to more than {MAX_YAML_NODES:,} nodes "
                "(an alias bomb?); cachekit stops here",
                mark,
            )

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        self._spend(node)
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
                        f"{self._mark(key_node)}: a mapping key must be a scalar",
                        self._mark(key_node),
                    )
                # Keys are strings to GitHub: `on:` is "on", `3.10:` is "3.10".
                skey = key if isinstance(key, str) else str(key_node.value)
                if skey in result:
                    raise WorkflowSyntaxError(
                        f"{self._mark(key_node)}: duplicate key '{skey}'", self._mark(key_node)
                    )
                result[skey] = self.construct_object(value_node, deep=True)
                result.key_marks[skey] = self._mark(key_node)
                result.value_marks[skey] = self._mark(value_node)
            return result
        return super().construct_object(node, deep=deep)


def _check_depth(text: str, path: str) -> None:
    """Refuse collections nested deeper than :data:`MAX_YAML_DEPTH`, from the event stream.

    Events come from libyaml's iterative parser, so this never recurses; composing (which
    does) only starts once the depth is known to be safe.
    """
    depth = 0
    for event in yaml.parse(text, Loader=_Base):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                start = event.start_mark
                mark = Mark(path, start.line + 1 if start else 1, start.column + 1 if start else 1)
                raise WorkflowSyntaxError(
                    f"{mark}: YAML nested more than {MAX_YAML_DEPTH} levels deep", mark
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def load_yaml(text: str | bytes, path: str) -> Any:
    """Load one YAML document with positions; WorkflowSyntaxError names file:line on failure.

    Bounded: nesting past :data:`MAX_YAML_DEPTH` and alias expansion past
    :data:`MAX_YAML_NODES` are errors naming the line, not a crash or exhausted memory.
    """
    if isinstance(text, bytes):
        raw = text
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            mark = Mark(path, raw[: exc.start].count(b"\n") + 1, 1)
            raise WorkflowSyntaxError(f"{mark}: not UTF-8 ({exc.reason})", mark) from None
    try:
        _check_depth(text, path)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, path) from None
    except yaml.YAMLError as exc:
        raise WorkflowSyntaxError(f"{path}: {exc}") from None
    loader = _Loader(text)
    loader.path = path
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return loader.construct_object(node, deep=True)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, path) from None
    except yaml.YAMLError as exc:
        raise WorkflowSyntaxError(f"{path}: {exc}") from None
    finally:
        loader.dispose()


def _syntax_error(exc: yaml.MarkedYAMLError, path: str) -> WorkflowSyntaxError:
    ymark = exc.problem_mark or exc.context_mark
    if ymark is None:
        return WorkflowSyntaxError(f"{path}: {exc.problem or exc.context}")
    mark = Mark(path, ymark.line + 1, ymark.column + 1)
    return WorkflowSyntaxError(f"{mark}: {exc.problem or exc.context}", mark)
