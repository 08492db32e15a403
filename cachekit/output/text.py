"""Text renderers: results in, strings out. The CLI picks one; nothing here computes.

The ``*_text`` functions at the end are the registered renderers (:mod:`.registry`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..textsafe import safe_field
from .palette import ansi, paint, style_of, text_output

if TYPE_CHECKING:  # only annotations: rendering `hash` must not import predict or explain
    from ..audit import AuditResult
    from ..evaluate import EvalResult
    from ..explain import CacheReport, Comparison, ExplainResult, Finding
    from ..hashing.hashfiles import HashResult
    from ..predict import PredictResult
    from ..resolving import ResolveResult
    from .registry import RenderOptions

__all__ = [
    "paint",
    "render_audit",
    "render_comparison",
    "render_eval",
    "render_explain",
    "render_finding",
    "render_predict",
]


def render_finding(f: Finding, indent: str = "", *, color: bool = False) -> str:
    where = f"{f.mark.path}:{f.mark.line}: " if f.mark else ""
    return f"{indent}{where}{paint(f.severity, color)}[{f.code}]: {f.message}"


def _matrix(matrix: dict[str, object]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in matrix.items()) + "}" if matrix else ""


def _cache(c: CacheReport, color: bool = False) -> Iterable[str]:
    head = f"{c.mark.path}:{c.mark.line}  job {c.job}"
    if c.matrix:
        head += f"  matrix {_matrix(c.matrix)}"
    yield paint(head, color, "file")
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
                yield f"        {paint('fails', color, 'error')}: {part.hash.error}"
            for hashed in part.hash.files:
                yield f"        {hashed.sha256}  {hashed.path}"
            if part.hash.digest == "" and not part.hash.error:
                yield f"        {paint('(no file matched)', color, 'warning')}"
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
    elif c.version_inputs is not None and "identity" in c.version_inputs:  # other platforms
        yield f"  identity  {c.version_inputs['identity']}"
    else:
        yield "  version   unknown (a path is only known at run time)"
    for note in c.notes:
        yield f"  note      {note}"
    for f in c.findings:
        yield render_finding(f, "  ", color=color)


@text_output
def render_explain(result: ExplainResult, *, color: bool = False) -> str:
    lines: list[str] = []
    where = result.revision or "working tree"
    lines.append(f"{len(result.caches)} cache(s) in {result.root} ({where})")
    for cache in result.caches:
        lines.append("")
        lines.extend(_cache(cache, color))
    if result.problems:
        lines.append("")
        lines.extend(render_finding(p, color=color) for p in result.problems)
    return "\n".join(lines)


@text_output
def render_comparison(cmp: Comparison, *, color: bool = False) -> str:
    lines = [f"comparing {cmp.before} -> {cmp.after}"]
    for d in cmp.diffs:
        head = f"{d.workflow}:{d.line}  job {d.job}"
        if d.matrix:
            head += f"  matrix {_matrix(d.matrix)}"
        lines.append("")
        lines.append(f"{head}  [{paint(d.status, color)}]")
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
                lines.append(f"    {paint(f'{f.status:8}', color, style_of(f.status))} {f.path}")
                lines.extend(f"             {line}" for line in f.lines)
    return "\n".join(lines)


@text_output
def render_eval(result: EvalResult, *, color: bool = False) -> str:
    out = [result.text]
    if not result.is_known:
        for u in result.unknowns:
            why = f"{u.name}: {u.reason}" + (f" ({u.origin})" if u.origin else "")
            out.append(f"  {paint('unknown', color, 'warning')} {why}")
    return "\n".join(out)


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


@text_output
def render_predict(result: PredictResult, *, misses: int = 25, color: bool = False) -> str:
    # predict's helpers, imported when a prediction is rendered (rendering hash stays light)
    from ..predict_groups import cache_name, miss_groups  # noqa: PLC0415
    from ..simulator.model import format_size  # noqa: PLC0415

    s = result.summary
    lines = []
    if not result.runs:
        return "no runs: the history is empty or has no workflows with caches"
    first, last = result.runs[0], result.runs[-1]
    lines.append(
        f"predicted {s['runs']} runs, {first.time[:10]} .. {last.time[:10]} "
        f"({s['requests']} cache uses)"
    )
    lines.append(
        f"  hit rate {_pct(s['hit_rate'])} (exact), warm rate {_pct(s['warm_rate'])} "
        f"(exact or restore key); hit {s['hit']}, restore {s['restore']}, miss {s['miss']}, "
        f"unknown {s['unknown']}; evictions {s['evictions']}, expirations {s['expirations']}"
    )
    known = "taken from the cache list where known, else " if s.get("sizes_from_cache_list") else ""
    if "platform" in s:  # another CI platform's lookup rules: no size model
        lines.append(f"  {s['platform']}'s lookup rules; entry sizes and limits not modelled")
    else:
        lines.append(
            f"  entry sizes {known}estimated at {s['entry_size_mib']} MiB, limit "
            f"{s['limit_gib']} GiB (--entry-size, --caches, --limit)"
        )
    lines.extend(_predict_workflows(s.get("workflows", {})))
    lines.append("")
    lines.append("per cache (file:line job / step):")
    width = max((len(n) for n in s["per_cache"]), default=0)
    for name, c in s["per_cache"].items():  # natural file order, from the library
        lines.append(
            f"  {name:<{width}}  hit {c['hit']:>4}  restore {c['restore']:>4}"
            f"  miss {c['miss']:>4}  unknown {c['unknown']:>4}  hit rate {_pct(c['hit_rate'])}"
        )
    if s.get("causes"):
        lines.append("")
        lines.append("causes by cost (misses x entry size):")
        for cause in s["causes"][:10]:
            lines.append(
                f"  {format_size(cause['cost_bytes']):>9}  {cause['misses']:>4} miss"
                f"{'es' if cause['misses'] != 1 else '  '}  {cause['cache']}: "
                f"{cause['code']}: {cause['cause']}"
            )
    groups = miss_groups(result.runs)
    if groups:
        lines.append("")
        lines.append(
            f"misses and partial restores (newest {min(misses, len(groups))} of {len(groups)},"
            " identical matrix legs merged):"
        )
        for g in groups[-misses:]:
            legs = f" x{g.legs} matrix legs" if g.legs > 1 else ""
            lines.append(
                f"  {g.run.commit[:10]} {g.run.time[:10]} {g.run.ref.split('/', 2)[-1]:<14} "
                f"{cache_name(g.cache)}  {paint(g.cache.outcome, color)}{legs}: {g.cache.cause}"
            )
    for p in result.problems[:10]:
        lines.append(f"note: {p}")
    return "\n".join(lines)


def _duration(seconds: float) -> str:
    return f"{seconds:.1f}s" if seconds < 90 else f"{seconds / 60:.1f} min"


def _predict_workflows(workflows: dict[str, Any]) -> list[str]:
    """Runs replayed and skipped per workflow, and the conditions assumed to hold."""
    if not workflows:
        return []
    lines = ["", "workflows (runs replayed; skipped by triggers; by if: conditions):"]
    width = max(len(k) for k in workflows)
    for path, w in workflows.items():
        line = (
            f"  {path:<{width}}  replayed {w['replayed']:>4}  skipped by trigger "
            f"{w['skipped_by_trigger']:>4}  jobs skipped by if {w['jobs_skipped_by_condition']:>4}"
            f"  caches skipped by if {w['caches_skipped_by_condition']:>4}"
        )
        lines.append(line)
        for text, n in w["unknown_condition_texts"].items():
            lines.append(f"      assumed to run ({n}x, unknown offline): if: {text}")
    return lines


@text_output
def render_audit(result: AuditResult, *, color: bool = False) -> str:
    lines: list[str] = []
    p = result.prediction
    if p is not None:
        s = p.summary
        lines.append(
            f"history: {s['runs']} runs, hit rate {_pct(s['hit_rate'])}, warm rate "
            f"{_pct(s['warm_rate'])}; {s['miss']} {paint('misses', color, 'miss')}, "
            f"{s['evictions']} evictions, "
            f"{s['expirations']} expirations"
        )
    if result.breakers:
        lines.append("")
        lines.append("commits that broke cache keys (most misses first):")
        for b in result.breakers:
            lines.append(
                f"  {b.commit[:10]} {b.time[:10]} {b.subject[:50]!r}: changed {b.caches} "
                f"key(s): {b.misses} {paint('miss(es)', color, 'miss')}, {b.restores} partial "
                f"{paint('restore(s)', color, 'restore')}"
            )
            for item in b.inputs[:4]:
                lines.append(f"      {item}")
    if result.jobs:
        lines.append("")
        lines.append("jobs in the logs (median durations):")
        for j in result.jobs:
            cost = j.miss_cost_seconds
            hit_s = "-" if j.median_hit_seconds is None else f"{j.median_hit_seconds}s"
            miss_s = "-" if j.median_miss_seconds is None else f"{j.median_miss_seconds}s"
            lines.append(
                f"  {j.job:<40} runs {j.runs:>3}  {paint('hit', color)} {j.hit_runs:>3} ({hit_s})"
                f"  {paint('miss', color)} {j.miss_runs:>3} ({miss_s})"
                + (
                    f"  a miss costs ~{cost}s ({j.miss_cost_minutes} min;"
                    f" {j.total_miss_minutes} min in all)"
                    if cost is not None
                    else ""
                )
                + (f"  restore ~{j.median_restore_seconds}s" if j.median_restore_seconds else "")
            )
            for key in j.missed_keys[:3]:
                lines.append(f"      missed {key}")
    if result.incidents:
        lines.append("")
        lines.append("cache steps that did not do their job (from the logs):")
        for i in result.incidents:
            took = f", step took {_duration(i.step_seconds)}" if i.step_seconds else ""
            lines.append(f"  {paint(i.kind, color)}: {i.job} / {i.step}{took}: {i.detail}")
            lines.append(f"      {i.source}" + (f" key {i.key}" if i.key else ""))
    if result.disagreements:
        lines.append("")
        lines.append("where the logs disagree with the prediction:")
        for d in result.disagreements:
            lines.append(
                f"  {d.source}: {d.job}: observed {paint(d.observed, color)}, predicted "
                f"{paint(d.predicted or 'nothing', color)} for {d.key}"
            )
            lines.append(f"      {d.explanation}")
    if result.cache_entries:
        total = sum(e.size_bytes or 0 for e in result.cache_entries)
        lines.append("")
        lines.append(
            f"cache list: {len(result.cache_entries)} entries, {total / 1024**3:.2f} GiB in all"
        )
    for problem in result.problems[:10]:
        lines.append(f"note: {problem}")
    return "\n".join(lines) if lines else "nothing to audit"


@text_output
def render_resolve(result: ResolveResult, *, color: bool = False) -> str:
    """Each install set: where it runs, what it resolves to, and its drift."""
    if not result.installs:
        return "no job installs Python packages cachekit can resolve"
    out: list[str] = []
    for item in result.installs:
        out.append(", ".join(item.jobs))
        for command in item.commands:
            out.append(f"  installs: {command}")
        res = item.resolution
        if res is None:
            out.append(f"  {paint('error', color)}: {item.error}")
            out.append("")
            continue
        out.append(
            f"  resolved by {res.backend} for Python {res.python} on {res.platform} in "
            f"{res.seconds:.1f} s: {len(res.pins)} packages"
        )
        width = max((len(p.name) + len(p.version) for p in res.pins), default=0) + 2
        for pin in res.pins:
            spec = (
                f"{pin.name}=={pin.version}"
                if not pin.version.startswith("@")
                else (f"{pin.name} {pin.version}")
            )
            via = f"  (via {', '.join(pin.via)})" if pin.via else ""
            out.append(f"    {spec:<{width}}{via}")
        for warning in res.warnings:
            out.append(f"  {paint('warning', color)}: {warning}")
        if item.error:
            out.append(f"  {paint('error', color)}: {item.error}")
        if item.drift is not None:
            d = item.drift
            base = item.locked_from or ""
            against = (
                f"since {base[6:]} (what a cache saved then still holds)"
                if base.startswith("as of ")
                else f"against {base}"
            )
            if d.clean:
                out.append(f"  drift {against}: {paint('none', color, 'good')}")
            else:
                out.append(
                    f"  {paint('drift', color, 'warning')} {against}: {len(d.changed)} changed, "
                    f"{len(d.added)} added, {len(d.removed)} removed"
                )
                out.extend(f"    {n}: {old} -> {new}" for n, old, new in d.changed)
                out.extend(f"    {n}: {paint('+', color, 'added')} {v}" for n, v in d.added)
                out.extend(f"    {n}: {paint('-', color, 'removed')} {v}" for n, v in d.removed)
        for note in item.notes:
            out.append(f"  {note}")
        out.append("")
    return "\n".join(out).rstrip("\n")


# -- registered renderers (fn(result, options) -> str) ------------------------------------------


def hash_text(result: HashResult, options: RenderOptions) -> str:
    """The digest (an empty line when nothing matched), or each file then the digest."""
    if not options.files:
        return result.digest
    lines = [f"{f.sha256}  {safe_field(f.path)}" for f in result.files]
    empty = ansi("'' (no file hashed)", "warning", options.color)
    lines.append(f"digest: {result.digest}" if result.digest else f"digest: {empty}")
    return "\n".join(lines)


def explain_text(result: ExplainResult, options: RenderOptions) -> str:
    return render_explain(result, color=options.color)


def compare_text(result: Comparison, options: RenderOptions) -> str:
    return render_comparison(result, color=options.color)


def resolve_text(result: ResolveResult, options: RenderOptions) -> str:
    return render_resolve(result, color=options.color)


def predict_text(result: PredictResult, options: RenderOptions) -> str:
    return render_predict(result, color=options.color)


def audit_text(result: AuditResult, options: RenderOptions) -> str:
    return render_audit(result, color=options.color)


def eval_text(result: EvalResult, options: RenderOptions) -> str:
    return render_eval(result, color=options.color)


def eval_json(result: EvalResult, options: RenderOptions) -> str:
    """The value alone, as ``jq`` would print it: an expression's value has no fixed shape."""
    return json.dumps(result.value, indent=2)
