"""``suggest`` output: paste-ready YAML with a comment on every choice, or JSON.

The YAML is the step (or the setup action's ``with:`` inputs) exactly as ``--write`` would put
it in the workflow, preceded by comments saying where it goes, what it replaces and why each
value is what it is; the diff of the whole file follows, so the reader sees the context.
"""

from __future__ import annotations

from ..suggest.edit.render import render_snippet
from ..suggest.model import Proposal, SuggestResult
from .jsondoc import document, dumps
from .palette import paint, text_output
from .registry import SCHEMAS, RenderOptions

__all__ = ["render_suggest_json", "render_suggest_yaml"]


def _proposal_yaml(p: Proposal) -> list[str]:
    where = f"{p.workflow}, job {p.job}"
    if p.file != p.workflow:
        where = f"{p.file} (composite action), used by {'; '.join(p.used_by)}"
    lines = [f"# {where} — {p.manager}" + (f" in {p.directory}/" if p.directory else "")]
    if p.action == "setup-input":
        lines.append(f"# set on the setup step (step {p.step_index + 1}):")
    elif p.action == "replace-step":
        lines.append(f"# replaces the cache step (step {p.step_index + 1}), which had:")
        lines.extend(f"#   - {r}" for r in p.replaces)
    else:
        lines.append(f"# add before step {p.step_index + 1} (the first install):")
    for note in p.notes:
        lines.append(f"# note: {note}")
    if p.action == "setup-input":
        text = render_snippet({"with": dict(p.inputs)}, {}, item=False)
    else:
        text = render_snippet(dict(p.step), dict(p.comments), item=True)
    lines.extend(text.rstrip("\n").split("\n"))
    return lines


def _diff_line(line: str, color: bool) -> str:
    """A unified diff's line in git's colours: + added, - removed, @@ the hunk's place."""
    if line.startswith(("+++", "---")):
        return paint(line, color, "file")
    style = {"+": "added", "-": "removed", "@": "hunk"}.get(line[:1])
    return paint(line, color, style) if style else line


@text_output
def render_suggest_yaml(result: SuggestResult, *, diff: bool = True, color: bool = False) -> str:
    """Every proposal as YAML, then the diff of each workflow file (unless ``diff`` is off)."""
    out: list[str] = []
    for p in result.proposals:
        out.extend(_proposal_yaml(p))
        out.append("")
    for line in result.kept:
        out.append(f"# {paint('kept', color, 'good')}: {line}")
    for line in result.refused:
        out.append(f"# {paint('not editable', color, 'warning')}: {line}")
    for f in result.residual:
        code = paint(f.code, color, f.severity)
        out.append(f"# check still reports {code} at {f.file}:{f.line}: {f.message}")
    for note in result.notes:
        out.append(f"# note: {note}")
    if not result.proposals and not result.kept:
        out.append("# no job installs dependencies cachekit knows how to cache")
    if diff and result.edits:
        out.append("")
        out.append("# the edits `cachekit suggest --write` makes:")
        for edit in result.edits:
            out.extend(_diff_line(line, color) for line in edit.diff().rstrip("\n").split("\n"))
    return "\n".join(out).rstrip("\n")


def render_suggest_json(result: SuggestResult) -> str:
    return dumps(document(result, SCHEMAS["suggest"]))


def yaml(result: SuggestResult, options: RenderOptions) -> str:
    """The registered ``yaml`` renderer (``--format yaml``, the default)."""
    return render_suggest_yaml(result, diff=options.diff, color=options.color)
