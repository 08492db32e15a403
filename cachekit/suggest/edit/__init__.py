"""Write a suggested step into a workflow file so that the diff shows that step and nothing else.

``cachekit suggest --write`` edits files people maintain by hand. A tool that reformats lines
it had no reason to touch loses its users' trust (and their reviewers' patience), so the edit
must look like a careful person made it: comments, key order, quoting, indentation and blank
lines stay exactly as they were.

Why the step is *spliced* into the original text rather than the whole document dumped:
ruamel.yaml's round trip keeps comments and quotes, but it re-emits every line — it joins plain
scalars folded over several lines (long ``if:`` conditions), respaces flow mappings
(``{ key: "3.10" }`` becomes ``{key: "3.10"}``) and applies one indentation to the whole
file. About a third of the workflows of well-known Python projects change somewhere under a
no-op round trip, so refusing those files would refuse most real edits, and accepting them
would reformat unrelated lines. Instead the file is parsed (ruamel, YAML 1.2, as GitHub reads
it) only to *locate* the job and its steps; ruamel round-trips just the step being written,
in the indentation of its siblings, and that text replaces the step's own lines. Every byte
outside those lines is the original byte by construction, and inside them every line the edit
did not change is the original line too.

What is refused, with a one-line reason naming the file and line, and never written:

* text that is not one YAML document (invalid, several documents, not a mapping), mixed or
  lone-CR line endings, Unicode line separators (CRLF files are kept CRLF, a BOM is kept);
* a job that is missing, calls a reusable workflow (``uses:``), has no block list of steps, or
  whose lines (or an enclosing node) carry YAML anchors, aliases or merge keys — an edit
  there would change every place the anchored text is reused;
* a step that ruamel would reformat even without an edit (so the edit cannot be confined to
  the lines it changes);
* any result that does not read back as the original document with exactly this edit applied,
  value for value: the last line of defence against a splice that went wrong. (One allowed
  difference: in a file without a final line break, a step added after a `|` block that ends
  the file gives that block its final newline, as any editor would.)

:func:`plan_edit` is pure (text in, text out); :func:`apply_edit` writes the result atomically
and refuses if the file changed on disk since it was read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ruamel.yaml.nodes import MappingNode

from .locate import _default_position, _Doc, _Job, _normalize
from .model import EditRefused, EditResult, StepEdit, _refused
from .render import _plain
from .splice import (
    _insert,
    _load_plain,
    _plain_set_with,
    _Replace,
    _replace_fresh,
    _rewrite_step,
    _SetWith,
)
from .write import apply_edit, read_workflow

__all__ = ["EditRefused", "EditResult", "StepEdit", "apply_edit", "plan_edit", "read_workflow"]


def plan_edit(text: str, path: str, edits: Sequence[StepEdit]) -> EditResult:
    """Apply ``edits`` to the workflow ``text`` and return the new text; nothing is written.

    Raises :class:`EditRefused` when the file cannot be edited without touching other lines,
    and ``ValueError`` for a malformed :class:`StepEdit` (a caller's bug).
    """
    for edit in edits:
        _check_edit(edit)
    original, conventions = _normalize(text, path)
    body = original
    _Doc(body, path)  # refuses what cannot be edited before anything else is read
    # What the file must read as once edited: the original's values with the edits applied
    # to plain data. With no final line break the last value may differ by that line break
    # (a `|` block ending the file), hence the variant read without it.
    expected = [_load_plain(body, path)]
    if conventions.missing_eol:
        expected.append(_load_plain(body[:-1], path))
    slots: dict[str, list[int | None]] = {}
    for edit in edits:
        doc = _Doc(body, path)
        job = doc.action_steps() if edit.in_action else doc.job(edit.job)
        slot = slots.setdefault(edit.job, list(range(len(job.steps))))
        if edit.with_step is not None:
            cur = _current(slot, edit.with_step, path, job)
            body = _rewrite_step(doc, job, cur, _SetWith(edit, doc, job, cur))
        elif edit.replace_index is not None:
            cur = _current(slot, edit.replace_index, path, job)
            node = job.steps[cur].node
            if isinstance(node, MappingNode) and not node.flow_style:
                body = _rewrite_step(doc, job, cur, _Replace(edit, doc, job, cur))
            else:
                body = _replace_fresh(doc, job, cur, edit)
        else:
            count = len(slot) - slot.count(None)
            if edit.insert_before is None:
                cur = _default_position(job)
            elif 0 <= edit.insert_before < count:
                cur = slot.index(edit.insert_before)
            elif edit.insert_before == count:
                cur = len(slot)
            else:
                raise _refused(
                    path,
                    f"the job '{job.name}' has {count} steps; "
                    f"cannot insert before step {edit.insert_before + 1}",
                    job.line,
                )
            body = _insert(doc, job, cur, edit)
            slot.insert(cur, None)
        for tree in expected:
            owner = tree["runs"] if edit.in_action else tree["jobs"][edit.job]
            _apply_plain(owner["steps"], edit, cur)
    if body == original:
        return EditResult(path=path, before=text, after=text)
    # Keep a missing final line break when the file still reads as intended without it.
    variants = [(True, expected[-1]), (False, expected[0])] if conventions.missing_eol else []
    for strip_eol, tree in variants or [(False, expected[0])]:
        after = conventions.restore(body, strip_eol=strip_eol)
        final = after.removeprefix("\ufeff").replace("\r\n", "\n")
        if _load_plain(final, path) == tree:
            return EditResult(path=path, before=text, after=after)
    raise _refused(
        path,
        "the edited file would not read back as intended (a cachekit bug: please "
        "report it with the file)",
    )


def _apply_plain(steps: list[Any], edit: StepEdit, index: int) -> None:
    """The edit on plain data: what the edited file must read as."""
    if edit.with_step is not None:
        _plain_set_with(steps[index], edit)
    elif edit.replace_index is not None:
        steps[index] = _plain(edit.new_step)
    else:
        steps.insert(index, _plain(edit.new_step))


def _check_edit(edit: StepEdit) -> None:
    if edit.with_step is not None:
        if edit.new_step is not None or edit.replace_index is not None:
            raise ValueError("StepEdit: with_step cannot be combined with new_step/replace_index")
        if edit.insert_before is not None:
            raise ValueError("StepEdit: with_step cannot be combined with insert_before")
        if not edit.set_with and not edit.remove_with:
            raise ValueError("StepEdit: with_step needs set_with or remove_with")
    elif edit.new_step is None:
        raise ValueError("StepEdit needs new_step (to insert or replace) or with_step")
    elif edit.replace_index is not None and edit.insert_before is not None:
        raise ValueError("StepEdit: replace_index and insert_before are exclusive")
    elif edit.set_with or edit.remove_with:
        raise ValueError("StepEdit: set_with/remove_with need with_step")
    if edit.new_step is not None:
        if not isinstance(edit.new_step, Mapping) or not edit.new_step:
            raise ValueError("StepEdit.new_step must be a non-empty mapping")
        keys = set(edit.new_step) | set(_mapping_or_empty(edit.new_step.get("with")))
    else:
        keys = set(edit.set_with)
    for key in edit.comments:
        if key not in keys:
            raise ValueError(f"StepEdit.comments names {key!r}, which the edit does not set")


def _mapping_or_empty(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _current(slot: list[int | None], index: int, path: str, job: _Job) -> int:
    if index not in slot:
        count = len(slot) - slot.count(None)
        raise _refused(
            path, f"the job '{job.name}' has {count} steps; no step {index + 1}", job.line
        )
    return slot.index(index)
