"""Text renderers: results in, strings out. The CLI picks one; nothing here computes."""

from __future__ import annotations

from collections.abc import Iterable

from .evaluate import EvalResult
from .explain import CacheReport, Comparison, ExplainResult, Finding

__all__ = ["render_comparison", "render_eval", "render_explain", "render_finding"]

_SEVERITY = {"error": "error", "warning": "warning", "info": "note"}


def render_finding(f: Finding, indent: str = "") -> str:
    where = f"{f.mark.path}:{f.mark.line}: " if f.mark else ""
    return f"{indent}{where}{_SEVERITY.get(f.severity, f.severity)}[{f.code}]: {f.message}"


def _matrix(matrix: dict[str, object]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in matrix.items()) + "}" if matrix else ""


def _cache(c: CacheReport) -> Iterable[str]:
    head = f"{c.mark.path}:{c.mark.line}  job {c.job}"
    if c.matrix:
        head += f"  matrix {_matrix(c.matrix)}"
    yield head
    for m in c.via:
        yield f"  via       {m.path}:{m.line}"
    yield f"  uses      {c.uses} ({c.kind})    runner: {c.runner}"
    yield f"  template  {c.key_template.strip()}"
    known = "" if c.key_known else "   (not fully predictable)"
    yield f"  key       {c.key}{known}"
    for part in c.parts:
        if part.kind == "literal":
            continue
        label = "~" if part.assumed else "="
        line = f"    {part.text} {label} {part.value if part.value != '' else repr('')}"
        yield line
        if part.source:
            yield f"        from {part.source}"
        if part.hash is not None:
            if part.hash.error:
                yield f"        fails: {part.hash.error}"
            for hashed in part.hash.files:
                yield f"        {hashed.sha256}  {hashed.path}"
            if part.hash.digest == "" and not part.hash.error:
                yield "        (no file matched)"
    if c.restore_keys:
        yield "  restore-keys"
        for k in c.restore_keys:
            yield f"    {k}"
    else:
        yield "  restore-keys (none)"
    yield "  paths     " + ("\n            ".join(c.paths) if c.paths else "(none)")
    if c.version is not None and c.version_inputs is not None:
        vi = c.version_inputs
        extra = [str(vi["compression"] or "no compression")]
        if vi["windows"] and not vi["enableCrossOsArchive"]:
            extra.append("windows-only")
        yield f"  version   {c.version}  (paths as written + {' + '.join(extra)})"
    else:
        yield "  version   unknown (a path is only known at run time)"
    for note in c.notes:
        yield f"  note      {note}"
    for f in c.findings:
        yield render_finding(f, "  ")


def render_explain(result: ExplainResult) -> str:
    lines: list[str] = []
    where = result.revision or "working tree"
    lines.append(f"{len(result.caches)} cache(s) in {result.root} ({where})")
    for cache in result.caches:
        lines.append("")
        lines.extend(_cache(cache))
    if result.problems:
        lines.append("")
        lines.extend(render_finding(p) for p in result.problems)
    return "\n".join(lines)


def render_comparison(cmp: Comparison) -> str:
    lines = [f"comparing {cmp.before} -> {cmp.after}"]
    for d in cmp.diffs:
        head = f"{d.workflow}:{d.line}  job {d.job}"
        if d.matrix:
            head += f"  matrix {_matrix(d.matrix)}"
        lines.append("")
        lines.append(f"{head}  [{d.status}]")
        if d.status == "same":
            lines.append(f"  key       {d.key_after}")
            continue
        if d.key_before is not None:
            lines.append(f"  before    {d.key_before}")
        if d.key_after is not None:
            lines.append(f"  after     {d.key_after}")
        if d.template_changed:
            lines.append("  the key template itself was edited in the workflow")
        if d.version_changed:
            lines.append(
                "  the cache version changed (paths or compression): old entries are unreachable"
            )
        for p in d.parts:
            lines.append(f"  {p.text}: {p.before!s} -> {p.after!s}")
            for f in p.files:
                lines.append(f"    {f.status:8} {f.path}")
                lines.extend(f"             {line}" for line in f.lines)
    return "\n".join(lines)


def render_eval(result: EvalResult) -> str:
    out = [result.text]
    if not result.is_known:
        for u in result.unknowns:
            why = f"{u.name}: {u.reason}" + (f" ({u.origin})" if u.origin else "")
            out.append(f"  unknown {why}")
    return "\n".join(out)
