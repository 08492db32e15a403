"""Finding the job and its steps in the original text (ruamel's node marks), and their indentation.

The text is normalised first (line endings, BOM); what cannot be edited safely (anchors,
aliases, a reusable-workflow job, no block list of steps) is refused here with its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, NodeEvent, ScalarEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .model import _SETUP_ACTION, _WIDTH, _refused


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
        return self._steps_of(name, line, node)

    def action_steps(self) -> _Job:
        """A composite action's ``runs.steps``, edited like a job's steps (named ``runs``)."""
        entry = _entry(self.root, "runs")
        if entry is None or not isinstance(entry[1], MappingNode) or entry[1].flow_style:
            raise _refused(self.path, "it has no block mapping 'runs' (not a composite action)")
        key, node = entry
        assert isinstance(node, MappingNode)
        using = _entry(node, "using")
        if using is None or str(using[1].value).strip().lower() != "composite":
            raise _refused(self.path, "it is not a composite action", key.start_mark.line + 1)
        if getattr(self.root, "anchor", None) is not None or node.anchor is not None:
            raise _refused(self.path, "its runs are inside a node with a YAML anchor")
        for ref_line, what in self.references:
            if key.start_mark.line <= ref_line <= _last_line(node, self.lines):
                raise _refused(self.path, f"its runs use {what}", ref_line + 1)
        return self._steps_of("runs", key.start_mark.line + 1, node)

    def _steps_of(self, name: str, line: int, node: MappingNode) -> _Job:
        path = self.path
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
