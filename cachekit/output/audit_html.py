"""The HTML report of ``cachekit audit``: the history's timeline, then what the run logs say.

The logs add what no replay can know: how long jobs take when their caches hit and miss —
so what a miss costs in minutes — and the cache steps that did not do their job: failed saves,
reservation conflicts ("another job may be creating this cache"), restores that timed out.
Every value from a log is escaped (logs are untrusted text).
"""

from __future__ import annotations

from html import escape

from ..audit import AuditResult
from ..predict import PredictResult
from .html import render_predict_html

__all__ = ["render_audit_html"]

_KIND_TEXT = {
    "failed-save": "save failed",
    "reservation-conflict": "reservation conflict",
    "restore-timeout": "restore timed out",
    "failed-restore": "restore failed",
}


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _minutes(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} min"


def _jobs(result: AuditResult) -> str:
    if not result.jobs:
        return ""
    rows = []
    for j in result.jobs:
        rows.append(
            f"<tr><td>{_e(j.job)}</td><td class=num>{j.runs}</td><td class=num>{j.hit_runs}</td>"
            f"<td class=num>{j.miss_runs}</td><td class=num>{_minutes(j.miss_cost_minutes)}</td>"
            f"<td class=num>{_minutes(j.total_miss_minutes)}</td></tr>"
        )
    return (
        "<section><h2>What a miss costs (from the run logs)</h2>"
        "<p>Per job: the median duration of its runs that missed a cache, minus the median "
        "of its runs whose caches all hit.</p><table><thead><tr><th>job</th><th>runs</th>"
        "<th>hit</th><th>miss</th><th>one miss costs</th><th>all misses cost</th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def _incidents(result: AuditResult) -> str:
    if not result.incidents:
        return ""
    rows = []
    for i in result.incidents:
        seconds = (
            "–"
            if i.step_seconds is None
            else f"{i.step_seconds:.1f} s"
            if i.step_seconds < 90
            else f"{i.step_seconds / 60:.1f} min"
        )
        rows.append(
            f"<tr><td>{_e(_KIND_TEXT[i.kind])}</td><td>{_e(i.job)}</td><td>{_e(i.step)}</td>"
            f"<td><code>{_e(i.key or '')}</code></td><td>{_e(i.detail)}</td>"
            f"<td class=num>{seconds}</td><td><code>{_e(i.source)}</code></td></tr>"
        )
    return (
        "<section><h2>Cache steps that did not do their job</h2><table><thead><tr>"
        "<th>what</th><th>job</th><th>step</th><th>key</th><th>the log says</th>"
        "<th>step took</th><th>where</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def render_audit_html(result: AuditResult, *, title: str) -> str:
    """The audit as one self-contained HTML document."""
    prediction = result.prediction or PredictResult((), {}, result.problems)
    return render_predict_html(prediction, title=title, extra=_jobs(result) + _incidents(result))
