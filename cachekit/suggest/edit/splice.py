"""The edits (insert, replace, set ``with:`` keys) spliced into the original lines; read-back."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .locate import _Doc, _Job, _nested_indent, _split, _Style, _style
from .model import _STEP_ORDER, StepEdit, _refused
from .render import (
    _add_comments,
    _assign,
    _dump,
    _insert_ranked,
    _merge_into,
    _new_step_map,
    _plain,
    _render_step,
    _shift,
)


def _splice(lines: list[str], start: int, end: int, new: list[str]) -> str:
    return "".join(lines[:start] + new + lines[end:])


def _insert(doc: _Doc, job: _Job, position: int, edit: StepEdit) -> str:
    assert edit.new_step is not None
    style = _style(doc, job, min(position, len(job.steps) - 1))
    step = _new_step_map(edit.new_step)
    _add_comments(step, edit.comments, style)
    new = _render_step(step, style)
    steps = job.steps
    gaps = [steps[i].tail + 1 for i in range(len(steps) - 1)]
    blank_between = sum(1 for g in gaps if g < len(doc.lines) and not doc.lines[g].strip())
    spaced = bool(gaps) and blank_between * 2 >= len(gaps)
    if position == 0:
        at = job.steps_key.start_mark.line + 1
        if spaced:
            new = [*new, "\n"]
    else:
        at = steps[position - 1].tail + 1
        if spaced:
            new = ["\n", *new]
    return _splice(doc.lines, at, at, new)


def _replace_fresh(doc: _Doc, job: _Job, index: int, edit: StepEdit) -> str:
    """Replace a step that is not a block mapping (a flow `{...}` step): no lines to keep."""
    assert edit.new_step is not None
    step_pos = job.steps[index]
    if step_pos.dash is None:
        raise _refused(
            doc.path,
            f"{doc.step_label(job, index)} does not start with `- ` on its first line",
            step_pos.first + 1,
        )
    style = _style(doc, job, index)
    step = _new_step_map(edit.new_step)
    _add_comments(step, edit.comments, style)
    return _splice(doc.lines, step_pos.first, step_pos.last + 1, _render_step(step, style))


@dataclass(frozen=True)
class _Replace:
    """Make an existing step equal to ``edit.new_step``; surviving keys keep their places."""

    edit: StepEdit
    doc: _Doc
    job: _Job
    index: int

    def __call__(self, step: CommentedMap) -> None:
        assert self.edit.new_step is not None
        _merge_into(step, self.edit.new_step, _STEP_ORDER)
        _add_comments(step, self.edit.comments, _style(self.doc, self.job, self.index))


@dataclass(frozen=True)
class _SetWith:
    """Set and remove inputs of an existing step; `with:` is created or dropped as needed."""

    edit: StepEdit
    doc: _Doc
    job: _Job
    index: int

    def __call__(self, step: CommentedMap) -> None:
        edit, doc, job, index = self.edit, self.doc, self.job, self.index
        inputs = step.get("with")
        if inputs is not None and not isinstance(inputs, CommentedMap):
            raise _refused(
                doc.path,
                f"the `with:` of {doc.step_label(job, index)} is not a mapping",
                job.steps[index].first + 1,
            )
        if inputs is None:
            if not edit.set_with:
                return
            inputs = CommentedMap()
            if "with" in step:
                step["with"] = inputs
            else:
                _insert_ranked(step, "with", inputs, _STEP_ORDER)
        for key in edit.remove_with:
            if key in inputs:
                del inputs[key]
        for key, value in edit.set_with.items():
            _assign(inputs, key, value, ())
        if not inputs:
            del step["with"]
        _add_comments(step, edit.comments, _style(doc, job, index))


def _plain_set_with(step: Any, edit: StepEdit) -> None:
    inputs = step.get("with")
    if inputs is None:
        if not edit.set_with:
            return
        inputs = {}
    for key in edit.remove_with:
        inputs.pop(key, None)
    inputs.update(_plain(dict(edit.set_with)))
    if inputs:
        step["with"] = inputs
    else:
        step.pop("with", None)


def _rewrite_step(doc: _Doc, job: _Job, index: int, mutate: Callable[[CommentedMap], None]) -> str:
    """Round-trip the step's own lines through ruamel, mutate them, splice the result back.

    Only lines the mutation changed come from ruamel; the others are the original lines.
    """
    pos = job.steps[index]
    label = doc.step_label(job, index)
    if pos.dash is None:
        raise _refused(
            doc.path, f"{label} does not start with `- ` on its first line", pos.first + 1
        )
    base = _style(doc, job, index)
    style = _Style(key=base.key, dash=pos.dash, col=pos.col, mapping=base.mapping)
    region = doc.lines[pos.first : pos.last + 1]
    snippet = ["steps:\n"]
    for offset, line in enumerate(region):
        if not line.strip():
            snippet.append("\n")
        elif line.startswith(" " * style.key):
            snippet.append(line[style.key :])
        else:
            raise _refused(
                doc.path, f"{label} has a line indented less than `steps:`", pos.first + offset + 1
            )
    text = "".join(snippet)
    candidates = [_nested_indent(pos.node, doc.lines), style.mapping, 2, 4]
    for mapping in dict.fromkeys(c for c in candidates if c is not None and c >= 1):
        yaml = style.yaml(mapping)
        try:
            data = yaml.load(text)
        except YAMLError as exc:
            raise _refused(
                doc.path, f"{label} cannot be read on its own ({exc})", pos.first + 1
            ) from None
        round_trip = _dump(yaml, data)
        if _same_lines(round_trip, text):
            break
    else:
        raise _refused(
            doc.path,
            f"ruamel.yaml would reformat {label} (a folded plain scalar, flow-mapping spacing, "
            "or unusual indentation); edit it by hand",
            pos.first + 1,
        )
    style = _Style(key=style.key, dash=style.dash, col=style.col, mapping=mapping)
    step = data["steps"][0]
    mutate(step)
    edited = _dump(yaml, data)
    before = _shift(_split(round_trip)[1:], style.key)
    after = _shift(_split(edited)[1:], style.key)
    merged: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        merged += region[i1:i2] if tag == "equal" else after[j1:j2]
    return _splice(doc.lines, pos.first, pos.last + 1, merged)


def _same_lines(a: str, b: str) -> bool:
    """Equal line for line, ignoring trailing whitespace (the original lines are kept anyway)."""
    la, lb = a.split("\n"), b.split("\n")
    return len(la) == len(lb) and all(x.rstrip() == y.rstrip() for x, y in zip(la, lb, strict=True))


def _load_plain(body: str, path: str) -> Any:
    """The document's values, YAML 1.2 as GitHub reads it; the oracle for the final check."""
    yaml = YAML(typ="safe", pure=True)
    try:
        data = yaml.load(body)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = exc.problem or exc.context or "syntax error"
        raise _refused(
            path, f"it is not valid YAML: {reason}", mark.line + 1 if mark else None
        ) from None
    except YAMLError as exc:
        raise _refused(path, f"it is not valid YAML: {exc}") from None
    return data
