"""A step as YAML text written the way its sibling steps are: key order, quoting, comments."""

from __future__ import annotations

from collections.abc import Mapping
from io import StringIO
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    PlainScalarString,
    ScalarString,
    SingleQuotedScalarString,
)

from .locate import _split, _Style
from .model import _STEP_ORDER, _WITH_ORDER


def _rank(order: tuple[str, ...], key: str) -> int:
    return order.index(key) if key in order else len(order)


def _to_yaml(value: Any, order: tuple[str, ...] = _WITH_ORDER) -> Any:
    """A plain value as ruamel should emit it: multi-line text as a literal `|` block."""
    if isinstance(value, Mapping):
        out = CommentedMap()
        for key in sorted(value, key=lambda k: _rank(order, str(k))):
            out[str(key)] = _to_yaml(value[key])
        return out
    if isinstance(value, (list, tuple)):
        return CommentedSeq(_to_yaml(v) for v in value)
    if isinstance(value, str) and _literal_ok(value):
        return LiteralScalarString(value)
    if isinstance(value, str) and not isinstance(value, ScalarString):
        if not value.isprintable():  # line breaks (NEL, LS), controls: escaped, never raw
            return DoubleQuotedScalarString(value)
        if _not_plain_str(value):
            return SingleQuotedScalarString(value)
    return value


_RESOLVERS = (VersionedResolver(version=(1, 1)), VersionedResolver(version=(1, 2)))
_STR_TAG = "tag:yaml.org,2002:str"


def _not_plain_str(text: str) -> bool:
    """Whether ``text`` written plain would read as something else than this string under
    YAML 1.1 or 1.2 (``3.10`` a float, ``on``/``yes`` booleans in 1.1, ``~`` null, ``0x10`` an
    int, ``12:30`` a sexagesimal int): such text is quoted, whichever YAML reads the file."""
    for resolver in _RESOLVERS:
        tag = resolver.resolve(ScalarNode, text, (True, False))
        if str(getattr(tag, "value", tag)) != _STR_TAG:
            return True
    return False


def _literal_ok(text: str) -> bool:
    """Whether ``text`` can be a plain `|` or `|-` block without ruamel's weak spots.

    ruamel miscomputes the indentation indicator (`|2`) under mappings indented by other
    than two, and a keep-chomped block (`|+`) at the end of the rendered step gets a `...`
    document end marker; such text, and text with line breaks a block cannot hold, is
    emitted double-quoted with escapes instead.
    """
    return (
        "\n" in text
        and not text.startswith((" ", "\n"))
        and not text.endswith("\n\n")
        and not any(c in text for c in "\r\x85\u2028\u2029")
        and all(c in {"\n", "\t"} or c.isprintable() for c in text)
    )


def _plain(value: Any) -> Any:
    """Comparable plain data: mappings to dicts, ruamel's string subclasses to str."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, ScalarString):
        return str(value)
    return value


def _new_step_map(step: Mapping[str, Any]) -> CommentedMap:
    out = CommentedMap()
    for key in sorted(step, key=lambda k: _rank(_STEP_ORDER, k)):
        out[key] = _to_yaml(step[key])
    return out


def _insert_ranked(mapping: CommentedMap, key: str, value: Any, order: tuple[str, ...]) -> None:
    """Insert before the first existing key that comes later in ``order`` (else append)."""
    rank = _rank(order, key)
    keys = list(mapping)
    for index, existing in enumerate(keys):
        if _rank(order, existing) > rank:
            mapping.insert(index, key, value)
            return
    mapping[key] = value


def _assign(mapping: CommentedMap, key: str, value: Any, order: tuple[str, ...]) -> None:
    """Set ``key`` keeping its position, comment and (for single-line text) quoting style."""
    if key not in mapping:
        _insert_ranked(mapping, key, _to_yaml(value), order)
        return
    old = mapping[key]
    if _plain(old) == _plain(value):
        return
    if isinstance(old, CommentedMap) and isinstance(value, Mapping):
        _merge_into(old, value, _WITH_ORDER)
        return
    new = _to_yaml(value)
    if (
        isinstance(new, str)
        and not isinstance(new, ScalarString)
        and isinstance(old, (LiteralScalarString, FoldedScalarString))
    ):
        new = PlainScalarString(new)  # one line now: no `|-` block for it
    mapping[key] = new


def _merge_into(old: CommentedMap, new: Mapping[str, Any], order: tuple[str, ...]) -> None:
    """Make ``old`` equal to ``new`` in place, so surviving keys keep position and comments."""
    for key in list(old):
        if key not in new:
            del old[key]
    for key in sorted(new, key=lambda k: _rank(order, k)):
        _assign(old, key, new[key], order)


def _with_map(step: CommentedMap) -> CommentedMap | None:
    value = step.get("with")
    return value if isinstance(value, CommentedMap) else None


def _add_comments(step: CommentedMap, comments: Mapping[str, str], style: _Style) -> None:
    """End-of-line comments where the value is one short line, else comment lines before the
    key (a comment after a long key would push the line far past any editor's width)."""
    step_col = style.col - style.key
    with_col = step_col + style.mapping
    for key, text in comments.items():
        lines = [line.strip().lstrip("#").strip() for line in text.strip().splitlines()]
        lines = [line for line in lines if line] or [""]
        inputs = _with_map(step)
        target, column = step, step_col
        if key not in step and inputs is not None and key in inputs:
            target, column = inputs, with_col
        value = target[key]
        block = isinstance(value, (LiteralScalarString, FoldedScalarString)) or (
            isinstance(value, (CommentedMap, CommentedSeq)) and not value.fa.flow_style()
        )
        first_key = target is step and next(iter(step)) == key
        short = len(str(value)) + len(key) + sum(map(len, lines)) <= 100
        if first_key or (not block and len(lines) == 1 and short):
            # A comment line before a list item's first key would break the `- key:` line.
            item = target.ca.items.get(key)
            old = item[2] if item and len(item) > 2 else None
            keep = old.column if old is not None and hasattr(old, "column") else None
            target.yaml_add_eol_comment("# " + "; ".join(lines), key, column=keep)
        else:
            target.yaml_set_comment_before_after_key(key, before="\n".join(lines), indent=column)


def _dump(yaml: YAML, data: Any) -> str:
    stream = StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def render_snippet(
    value: Mapping[str, Any], comments: Mapping[str, str], *, item: bool, indent: int = 2
) -> str:
    """``value`` as YAML text from the library, with ``comments`` on its keys: a step as a
    list item (``item``) or a mapping such as ``with:`` inputs; what ``suggest`` prints."""
    style = _Style(key=0, dash=0, col=indent, mapping=indent)
    if item:
        step = _new_step_map(value)
        _add_comments(step, comments, style)
        return "".join(_render_step(step, style))
    data = _to_yaml(value)
    return _dump(style.yaml(), data)


def _render_step(step: CommentedMap, style: _Style) -> list[str]:
    """The step as `- key:` lines in the file's indentation."""
    text = _dump(style.yaml(), {"steps": CommentedSeq([step])})
    return _shift(_split(text)[1:], style.key)


def _shift(lines: list[str], by: int) -> list[str]:
    return [(" " * by + line) if line.strip() else line for line in lines]
