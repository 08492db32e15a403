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

import contextlib
import difflib
import os
import re
import stat
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from io import StringIO
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, NodeEvent, ScalarEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.scalarstring import (
    FoldedScalarString,
    LiteralScalarString,
    PlainScalarString,
    ScalarString,
)

from ..errors import CachekitError

__all__ = ["EditRefused", "EditResult", "StepEdit", "apply_edit", "plan_edit", "read_workflow"]

_WIDTH = 1_000_000
"""ruamel folds long lines at ``width``; workflows carry long expressions that must stay whole."""

_STEP_ORDER = (
    "name",
    "id",
    "if",
    "uses",
    "run",
    "shell",
    "working-directory",
    "with",
    "env",
    "continue-on-error",
    "timeout-minutes",
)
"""Where a new key goes among a step's keys: GitHub's documentation order."""

_WITH_ORDER = ("path", "key", "restore-keys")
"""actions/cache inputs in the order its README shows them; other inputs follow."""

_SETUP_ACTION = re.compile(r"^(checkout|setup-.+|.+-setup|action-setup)$")
"""Repository names of actions that prepare a job (checkout, setup-python, pnpm/action-setup):
the default insertion point is after the last of them, before the first step that installs."""


class EditRefused(CachekitError):
    """cachekit will not edit this file; the message names the file, the reason and the line.

    Exit status 1: suggest --write's answer for that file is "not safely editable"."""

    exit_code = 1


class EditFailed(EditRefused):
    """The machine refused the write (a full disk, an unwritable directory): exit status 3.
    Nothing was changed: the file is intact and no temporary file is left."""

    exit_code = 3


@dataclass(frozen=True)
class StepEdit:
    """Change one job's steps: replace the step at `replace_index` (0-based index in the job's
    `steps`), or insert before `insert_before` (None = after the last setup-* / checkout step,
    i.e. before the first step that installs), or set inputs on an existing step (`set_with`
    on step `with_step`).

    Indices refer to the steps as they are in the text given to :func:`plan_edit`, whatever
    earlier edits in the same call inserted; several inserts before the same step land in the
    order given.
    """

    job: str
    new_step: Mapping[str, Any] | None = None
    comments: Mapping[str, str] = field(default_factory=dict)
    replace_index: int | None = None
    insert_before: int | None = None
    with_step: int | None = None
    set_with: Mapping[str, str] = field(default_factory=dict)
    remove_with: tuple[str, ...] = ()


@dataclass(frozen=True)
class EditResult:
    """The file's text before and after the edits; ``path`` as given (relative to the root)."""

    path: str
    before: str
    after: str

    def diff(self) -> str:
        """A unified diff with ``a/`` and ``b/`` paths, as ``git diff`` shows it."""
        lines = difflib.unified_diff(
            self.before.splitlines(keepends=True),
            self.after.splitlines(keepends=True),
            fromfile=f"a/{self.path}",
            tofile=f"b/{self.path}",
        )
        out: list[str] = []
        for line in lines:
            if line.endswith("\n"):
                out.append(line)
            else:
                out.append(line + "\n\\ No newline at end of file\n")
        return "".join(out)


# -- reading and writing files --------------------------------------------------------------


def read_workflow(root: str, path: str) -> str:
    """The file's text (strict UTF-8, a BOM kept as U+FEFF, line endings untouched)."""
    full = os.path.join(root, path)
    try:
        with open(full, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise EditRefused(f"{path}: cannot read: {exc.strerror or exc}") from None
    return _decode(data, path)


def apply_edit(root: str, result: EditResult) -> None:
    """Write ``result.after`` over ``root/result.path`` atomically.

    The new text goes to a temporary file in the same directory, is flushed to disk and then
    renamed over the original, so a crash leaves either the old file or the new one, never a
    mix. The file's permission bits (and, where allowed, owner) are kept. Refused when the
    file's content is no longer ``result.before`` (someone edited it meanwhile) or when it is
    a symbolic link (replacing the link would turn it into a regular file), when a directory on
    the way leads out of ``root`` (``.github/workflows`` a link elsewhere: nothing is ever
    written outside the repository), and when the file is read-only (its owner said so).
    """
    path = result.path
    full = os.path.join(root, path)
    directory = os.path.dirname(full) or "."
    real_root = os.path.realpath(root)
    real_dir = os.path.realpath(directory)
    if real_dir != real_root and not real_dir.startswith(real_root.rstrip(os.sep) + os.sep):
        raise _refused(path, "a directory on the way is a link out of the repository")
    try:
        st = os.lstat(full)
    except OSError as exc:
        raise EditRefused(f"{path}: cannot read: {exc.strerror or exc}") from None
    if stat.S_ISLNK(st.st_mode):
        raise _refused(path, "it is a symbolic link; edit the file it points to")
    if not stat.S_ISREG(st.st_mode):
        raise _refused(path, "it is not a regular file")
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(
        full, os.W_OK
    ):
        mode = stat.S_IMODE(st.st_mode)
        raise _refused(path, f"it is read-only (mode {mode:04o}); make it writable to edit it")
    if read_workflow(root, path) != result.before:
        raise _refused(path, "it changed on disk since it was read; run the command again")
    if result.after == result.before:
        return
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{os.path.basename(full)}.", suffix=".cachekit-tmp", dir=directory
        )
    except OSError as exc:
        raise EditFailed(
            f"{path}: cannot write: cannot create a file beside it: {exc.strerror or exc}"
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(result.after.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        if hasattr(os, "chown"):
            tmp_st = os.stat(tmp)
            if (tmp_st.st_uid, tmp_st.st_gid) != (st.st_uid, st.st_gid):
                # Not permitted unless root: the file becomes the writer's, as with any editor.
                with contextlib.suppress(OSError):
                    os.chown(tmp, st.st_uid, st.st_gid)
        # Narrow the window for a concurrent edit to the rename itself.
        if read_workflow(root, path) != result.before:
            raise _refused(path, "it changed on disk since it was read; run the command again")
        os.replace(tmp, full)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise EditFailed(f"{path}: cannot write: {exc.strerror or exc}") from None
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: str) -> None:
    """Make the rename durable; not every platform or file system allows it."""
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def _decode(data: bytes, path: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start]
        raise _refused(path, f"it is not UTF-8 (byte 0x{byte:02x})", line) from None


def _refused(path: str, reason: str, line: int | None = None) -> EditRefused:
    where = f" (line {line})" if line is not None else ""
    return EditRefused(f"{path}: cannot edit safely: {reason}{where}")


# -- planning -------------------------------------------------------------------------------


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
        job = doc.job(edit.job)
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
            _apply_plain(tree["jobs"][edit.job]["steps"], edit, cur)
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


# -- text normalization ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Conventions:
    """What the file's text looks like beyond its content, to put back after the edit."""

    bom: bool
    crlf: bool
    missing_eol: bool  # the last line has no line break

    def restore(self, body: str, *, strip_eol: bool) -> str:
        if strip_eol and body.endswith("\n"):
            body = body[:-1]
        if self.crlf:
            body = body.replace("\n", "\r\n")
        return ("\ufeff" if self.bom else "") + body


def _normalize(text: str, path: str) -> tuple[str, _Conventions]:
    """LF-only text without BOM and with a final line break, and the file's conventions."""
    bom = text.startswith("\ufeff")
    if bom:
        text = text[1:]
    for sep in ("\x85", "\u2028", "\u2029"):
        if sep in text:
            line = text[: text.index(sep)].count("\n") + 1
            raise _refused(path, f"it contains the line separator U+{ord(sep):04X}", line)
    crlf = False
    if "\r" in text:
        lf_only = re.search(r"(?<!\r)\n", text)
        lone_cr = re.search(r"\r(?!\n)", text)
        if lone_cr:
            line = text[: lone_cr.start()].count("\n") + 1
            raise _refused(path, "it has a carriage return that does not end a line", line)
        if lf_only:
            line = text[: lf_only.start()].count("\n") + 1
            raise _refused(path, "it mixes CRLF and LF line endings", line)
        crlf = True
        text = text.replace("\r\n", "\n")
    missing_eol = bool(text) and not text.endswith("\n")
    if missing_eol:
        text += "\n"
    return text, _Conventions(bom=bom, crlf=crlf, missing_eol=missing_eol)


def _split(text: str) -> list[str]:
    """Lines with their ``\\n`` (only ``\\n`` separates lines, as in YAML 1.2)."""
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


# -- locating jobs and steps ----------------------------------------------------------------


@dataclass(frozen=True)
class _Step:
    node: Node
    first: int  # 0-based line of the step's dash
    last: int  # last line of the step's content
    tail: int  # last line including trailing comments indented under the step
    dash: int | None  # column of the dash; None when the step does not start `- key` on a line
    col: int  # column of the step's content


@dataclass(frozen=True)
class _Job:
    name: str
    line: int  # 1-based line of the job's key
    node: MappingNode
    steps_key: ScalarNode
    steps: list[_Step]


class _Doc:
    """One parse of the current text: its lines, node tree and anchor positions."""

    def __init__(self, body: str, path: str) -> None:
        self.body = body
        self.path = path
        self.lines = _split(body)
        yaml = YAML(typ="rt")
        try:
            docs = list(yaml.compose_all(body))
            events = list(yaml.parse(body))
        except MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            reason = exc.problem or exc.context or "syntax error"
            raise _refused(
                path, f"it is not valid YAML: {reason}", mark.line + 1 if mark else None
            ) from None
        except YAMLError as exc:
            raise _refused(path, f"it is not valid YAML: {exc}") from None
        if not docs:
            raise _refused(path, "it is empty")
        if len(docs) > 1:
            raise _refused(path, f"it holds {len(docs)} YAML documents; a workflow is one")
        root = docs[0]
        if not isinstance(root, MappingNode):
            raise _refused(path, "its top level is not a mapping")
        self.root = root
        self.references: list[tuple[int, str]] = []
        for event in events:
            if isinstance(event, AliasEvent):
                self.references.append((event.start_mark.line, f"a YAML alias (*{event.anchor})"))
            elif isinstance(event, NodeEvent) and event.anchor is not None:
                self.references.append((event.start_mark.line, f"a YAML anchor (&{event.anchor})"))
            if isinstance(event, ScalarEvent) and event.value == "<<" and not event.style:
                self.references.append((event.start_mark.line, "a YAML merge key (<<)"))

    def job(self, name: str) -> _Job:
        path = self.path
        jobs_entry = _entry(self.root, "jobs")
        if jobs_entry is None:
            raise _refused(path, "it has no jobs")
        jobs_key, jobs = jobs_entry
        if not isinstance(jobs, MappingNode) or jobs.flow_style:
            raise _refused(path, "its jobs are not a block mapping", jobs_key.start_mark.line + 1)
        entry = _entry(jobs, name)
        if entry is None:
            names = ", ".join(f"'{k.value}'" for k, _ in jobs.value if isinstance(k, ScalarNode))
            raise _refused(path, f"there is no job '{name}' (jobs: {names})")
        key, node = entry
        line = key.start_mark.line + 1
        for ancestor in (self.root, jobs):
            if getattr(ancestor, "anchor", None) is not None:
                raise _refused(
                    path,
                    f"the job '{name}' is inside a node with a YAML anchor",
                    ancestor.start_mark.line + 1,
                )
        span_end = _last_line(node, self.lines)
        for ref_line, what in self.references:
            if key.start_mark.line <= ref_line <= span_end:
                raise _refused(path, f"the job '{name}' uses {what}", ref_line + 1)
        if not isinstance(node, MappingNode) or node.flow_style:
            raise _refused(path, f"the job '{name}' is not a block mapping", line)
        uses = _entry(node, "uses")
        if uses is not None:
            raise _refused(
                path,
                f"the job '{name}' calls a reusable workflow (uses:); its steps are in that file",
                uses[0].start_mark.line + 1,
            )
        steps_entry = _entry(node, "steps")
        if steps_entry is None:
            raise _refused(path, f"the job '{name}' has no steps", line)
        steps_key, steps = steps_entry
        if not isinstance(steps, SequenceNode) or steps.flow_style or not steps.value:
            raise _refused(
                path,
                f"the steps of job '{name}' are not a block list (`- ` items)",
                steps_key.start_mark.line + 1,
            )
        assert isinstance(steps_key, ScalarNode)
        return _Job(name, line, node, steps_key, [self._step(item) for item in steps.value])

    def _step(self, node: Node) -> _Step:
        start = node.start_mark
        prefix = self.lines[start.line][: start.column]
        dash_match = re.fullmatch(r"( *)-( +)", prefix)
        dash = len(dash_match.group(1)) if dash_match else None
        last = _last_line(node, self.lines)
        tail = last
        if dash is not None:
            while tail + 1 < len(self.lines):
                line = self.lines[tail + 1]
                stripped = line.lstrip(" ")
                if not stripped.startswith("#") or len(line) - len(stripped) <= dash:
                    break
                tail += 1
        return _Step(node, start.line, last, tail, dash, start.column)

    def step_label(self, job: _Job, index: int) -> str:
        return f"step {index + 1} of job '{job.name}'"


def _entry(mapping: MappingNode, key: str) -> tuple[ScalarNode, Node] | None:
    for k, v in mapping.value:
        if isinstance(k, ScalarNode) and k.value == key:
            return k, v
    return None


def _end(node: Node) -> tuple[int, int]:
    """(line, column) just past the node's last character (block collections: their content)."""
    if isinstance(node, ScalarNode) or getattr(node, "flow_style", False):
        return node.end_mark.line, node.end_mark.column
    children: list[Node] = []
    if isinstance(node, MappingNode):
        for k, v in node.value:
            children += (k, v)
    elif isinstance(node, SequenceNode):
        children = list(node.value)
    if not children:
        return node.end_mark.line, node.end_mark.column
    return max(_end(child) for child in children)


def _last_line(node: Node, lines: list[str]) -> int:
    """0-based last line holding the node's content (a block scalar's trailing blanks excluded)."""
    line, column = _end(node)
    if column == 0:
        line -= 1
    line = min(line, len(lines) - 1)
    while line > node.start_mark.line and not lines[line].strip():
        line -= 1
    return line


def _is_setup(step: Node) -> bool:
    if not isinstance(step, MappingNode):
        return False
    uses = _entry(step, "uses")
    if uses is None or not isinstance(uses[1], ScalarNode):
        return False
    ref = str(uses[1].value).split("@", 1)[0]
    parts = ref.split("/")
    return len(parts) >= 2 and not ref.startswith(".") and bool(_SETUP_ACTION.match(parts[1]))


def _default_position(job: _Job) -> int:
    """After the last checkout / setup-* step: the caches must be restored before installs."""
    position = 0
    for index, step in enumerate(job.steps):
        if _is_setup(step.node):
            position = index + 1
    return position


# -- indentation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Style:
    key: int  # column of the `steps:` key
    dash: int  # column of the steps' dashes
    col: int  # column of the steps' content
    mapping: int  # indentation of nested mappings

    def yaml(self, mapping: int | None = None) -> YAML:
        yaml = YAML(typ="rt")
        yaml.preserve_quotes = True
        yaml.width = _WIDTH
        yaml.indent(
            mapping=mapping if mapping is not None else self.mapping,
            sequence=self.col - self.key,
            offset=self.dash - self.key,
        )
        return yaml


def _nested_indent(node: Node, lines: list[str]) -> int | None:
    """How far the first nested block mapping or block scalar in ``node`` is indented under
    its key: the file's mapping indentation, which ruamel also uses for `|` block content."""
    if getattr(node, "flow_style", False):
        return None
    if isinstance(node, SequenceNode):
        for item in node.value:
            in_item = _nested_indent(item, lines)
            if in_item is not None:
                return in_item
        return None
    if not isinstance(node, MappingNode):
        return None
    for key, value in node.value:
        column: int = key.start_mark.column
        if isinstance(value, MappingNode) and not value.flow_style and value.value:
            return int(value.value[0][0].start_mark.column - column)
        if isinstance(value, ScalarNode) and value.style in ("|", ">"):
            for line in lines[value.start_mark.line + 1 : value.end_mark.line + 1]:
                if line.strip():
                    return len(line) - len(line.lstrip(" ")) - column
        found = _nested_indent(value, lines)
        if found is not None:
            return found
    return None


def _style(doc: _Doc, job: _Job, near: int) -> _Style:
    """The indentation of the steps around ``near`` (a regular `- key:` step)."""
    order = sorted(range(len(job.steps)), key=lambda i: abs(i - near))
    ref = next((job.steps[i] for i in order if job.steps[i].dash is not None), None)
    if ref is None or ref.dash is None:
        raise _refused(
            doc.path,
            f"no step of job '{job.name}' starts with `- key:` on one line",
            job.line,
        )
    mapping = _nested_indent(job.node, doc.lines)
    if mapping is None:
        mapping = _nested_indent(doc.root, doc.lines)
    if mapping is None or mapping < 1:
        mapping = 2
    col = ref.col
    if ref.col - ref.dash < 2 or not isinstance(ref.node, MappingNode):
        col = ref.dash + 2
    return _Style(key=job.steps_key.start_mark.column, dash=ref.dash, col=col, mapping=mapping)


# -- building the YAML of a step ------------------------------------------------------------


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
    return value


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


def _render_step(step: CommentedMap, style: _Style) -> list[str]:
    """The step as `- key:` lines in the file's indentation."""
    text = _dump(style.yaml(), {"steps": CommentedSeq([step])})
    return _shift(_split(text)[1:], style.key)


def _shift(lines: list[str], by: int) -> list[str]:
    return [(" " * by + line) if line.strip() else line for line in lines]


# -- the edits ------------------------------------------------------------------------------


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


# -- reading values back --------------------------------------------------------------------


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
