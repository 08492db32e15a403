"""The HTML report of ``cachekit predict``: the summary, a timeline of every cache, the misses.

One document and no external reference: the CSS and the SVG chart are inline and there is no
script, so the file opens offline, from a CI artifact or a mail, exactly as it was written.
Everything that comes from the repository (commit subjects, keys, paths, step names) passes
through :func:`html.escape`: a commit subject is text anyone who opens a pull request controls.

The timeline must stay usable for long histories (1,000 runs × 50 caches): cells get as thin
as the width budget needs, down to one pixel, and past ``max_columns`` runs adjacent runs are
merged into one column that shows the worst outcome among them — a miss must never be hidden
by the hits around it. Hit cells get short tooltips, so the document stays a few megabytes.
"""

from __future__ import annotations

import html
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..predict import PredictedCache, PredictedRun, PredictResult
from .registry import RenderOptions

if TYPE_CHECKING:
    from ..audit import AuditResult

__all__ = ["render_predict_html"]

#: CSS class of each outcome (``n/a``: a save-only step, which restores nothing).
_CLASS = {"hit": "hit", "restore": "restore", "miss": "miss", "unknown": "unknown", "n/a": "na"}
#: Which outcome a merged column shows: the one that most needs the reader's attention.
_SEVERITY = {"n/a": 0, "hit": 1, "unknown": 2, "restore": 3, "miss": 4}
_WORST_FIRST = ("miss", "restore", "unknown", "hit", "n/a")

# Geometry of the timeline, in CSS pixels.
_LABEL_W = 300  # row labels, then each row's hit rate: left of the cells, never scrolled away
_RATE_W = 54
_RIGHT = 30  # room for the last tick's label and marker
_CHART_W = 780  # width budget of the cells (fits a 1200 px window); past it the chart scrolls
_MAX_CELL_W = 16
_PITCH = 18  # one row: the gap the key-change marker sits in, then the cell
_CELL_H = 12
_TOP = 16  # the column heads
_AXIS_H = 40
_CHAR_W = 6.6  # the width of one character at the label font (a generous average)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _pct(rate: object) -> str:
    return f"{float(rate) * 100:.1f}%" if isinstance(rate, (int, float)) else "–"


def _num(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else "–"


def _when(iso: str) -> str:
    return iso[:16].replace("T", " ")


def _ref(run: PredictedRun) -> str:
    ref = run.ref.removeprefix("refs/heads/")
    return f"{run.event} {ref}"


def _matrix(matrix: dict[str, Any], keys: Iterable[str] | None = None) -> str:
    return ", ".join(f"{k}={matrix[k]}" for k in sorted(matrix) if keys is None or k in keys)


def _varying(runs: Sequence[PredictedRun]) -> dict[tuple[str, str], set[str]]:
    """Per workflow and job, the matrix keys whose values differ: the ones a label needs.

    ``os=ubuntu-latest`` on every row of a job tells nothing and crowds out the
    ``python-version`` that tells the rows apart.
    """
    combos: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for run in runs:
        for c in run.caches:
            combos.setdefault((c.workflow, c.job), []).append(c.matrix)
    out: dict[tuple[str, str], set[str]] = {}
    for wj, matrices in combos.items():
        keys = {k for m in matrices for k in m}
        out[wj] = {k for k in keys if len({repr(m.get(k, ...)) for m in matrices}) > 1}
    return out


def _key_changed(c: PredictedCache) -> bool:
    return bool(c.changed) or c.cause_code == "key-changed"


@dataclass
class _Row:
    """One cache across the history.

    A cache is known by workflow, job, step name, matrix and its rank among same-named steps
    rather than by line: editing a workflow above a cache step moves its line, and that must
    not split the cache's history into two rows. The label shows the latest line.
    """

    workflow: str
    job: str
    step: str
    matrix: str
    nth: int
    line: int
    short: str = ""  # the matrix values that tell this row from its job's others
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def name(self) -> str:
        return f"{self.workflow.rsplit('/', 1)[-1]}:{self.line} {self.job} / {self.step}"

    @property
    def title(self) -> str:
        out = f"{self.workflow}:{self.line} job {self.job}, step {self.step}"
        return out + (f" [{self.matrix}]" if self.matrix else "")

    @property
    def hit_rate(self) -> float | None:
        known = self.counts["hit"] + self.counts["restore"] + self.counts["miss"]
        return self.counts["hit"] / known if known else None


@dataclass
class _Grid:
    rows: list[_Row]
    cells: list[dict[int, PredictedCache]]  # per run: row index -> that row's cache


def _grid(runs: Sequence[PredictedRun]) -> _Grid:
    varying = _varying(runs)
    index: dict[tuple[str, str, str, str, int], int] = {}
    rows: list[_Row] = []
    cells: list[dict[int, PredictedCache]] = []
    for run in runs:
        seen: Counter[tuple[str, str, str, str]] = Counter()
        here: dict[int, PredictedCache] = {}
        for c in run.caches:
            base = (c.workflow, c.job, c.step, _matrix(c.matrix))
            ident = (*base, seen[base])
            seen[base] += 1
            i = index.get(ident)
            if i is None:
                i = index[ident] = len(rows)
                short = _matrix(c.matrix, varying[c.workflow, c.job])
                rows.append(_Row(*ident, line=c.line, short=short))
            rows[i].line = c.line
            rows[i].counts[c.outcome] += 1
            here[i] = c
        cells.append(here)
    order = sorted(
        range(len(rows)),
        key=lambda i: (rows[i].workflow, rows[i].line, rows[i].job, rows[i].matrix, rows[i].nth),
    )
    new = {old: pos for pos, old in enumerate(order)}
    return _Grid([rows[i] for i in order], [{new[i]: c for i, c in r.items()} for r in cells])


def _columns(n: int, budget: int) -> list[range]:
    """Runs per column: all alone, or ``ceil(n / budget)`` adjacent runs merged."""
    per = max(1, math.ceil(n / max(1, budget)))
    return [range(start, min(start + per, n)) for start in range(0, n, per)]


def _tip_one(run: PredictedRun, c: PredictedCache, row: _Row) -> str:
    head = f"{run.commit[:7]} “{_clip(run.subject, 80)}”"
    if c.outcome == "hit" and not _key_changed(c):
        return f"{head}\n{_when(run.time)} · hit"  # the most common cell: keep it small
    lines = [
        head,
        f"{_when(run.time)} · {_ref(run)}",
        row.title,
        f"outcome: {c.outcome}",
        f"key: {c.key}",
    ]
    if c.restored_key and c.restored_key != c.key:
        lines.append(f"restored: {c.restored_key}")
    if c.cause:
        lines.append(f"cause: {c.cause}")
    return "\n".join(lines)


def _tip_merged(
    runs: Sequence[PredictedRun], found: list[tuple[int, PredictedCache]], col: range, row: _Row
) -> str:
    first, last = runs[col[0]], runs[col[-1]]
    counts = Counter(c.outcome for _, c in found)
    tally = ", ".join(f"{counts[o]:,} {o}" for o in _WORST_FIRST if counts[o])
    lines = [
        f"runs {col[0] + 1}–{col[-1] + 1} of {len(runs):,}: {first.commit[:7]} … "
        f"{last.commit[:7]}, {first.time[:10]} → {last.time[:10]}",
        row.title,
        tally,
    ]
    worst = max(found, key=lambda f: _SEVERITY.get(f[1].outcome, 2))
    shown = [worst]
    change = next((f for f in found if _key_changed(f[1])), None)
    if change is not None and change is not worst:
        shown.append(change)
    for k, c in shown:
        lines += ["", _tip_one(runs[k], c, row)]
    return "\n".join(lines)


def _timeline(runs: Sequence[PredictedRun], grid: _Grid, columns: list[range]) -> str:
    n_rows, n_cols = len(grid.rows), len(columns)
    cw = max(1, min(_MAX_CELL_W, _CHART_W // max(1, n_cols)))
    chart_w = cw * n_cols
    # Labels are shown whole: the label column grows to the longest one.
    longest = max((len(r.name) + 1 + len(r.short) for r in grid.rows), default=0)
    x0 = max(_LABEL_W, int(longest * _CHAR_W) + _RATE_W + 16)
    width = x0 + max(chart_w + _RIGHT, 180)  # room for the heading over a short history
    height = _TOP + n_rows * _PITCH + _AXIS_H
    inner = cw - 1 if cw >= 5 else cw  # a hairline between wide cells, none between thin ones
    out = [
        f'<svg id="timeline" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="cache outcomes per run: {len(runs)} runs, {n_rows} caches">'
    ]
    labels: list[str] = []
    lanes: list[str] = []
    cells: list[tuple[int, str]] = []  # (severity, element): the worst drawn last, on top
    marks: list[str] = []
    for ri, row in enumerate(grid.rows):
        y = _TOP + ri * _PITCH + (_PITCH - _CELL_H)
        lanes.append(f'<rect class="lane" x="{x0}" y="{y}" width="{chart_w}" height="{_CELL_H}"/>')
        name, extra = row.name, row.short
        tspan = f'<tspan class="matrix"> {_e(extra)}</tspan>' if extra else ""
        counts = ", ".join(f"{row.counts[o]:,} {o}" for o in _WORST_FIRST if row.counts[o])
        labels.append(
            f'<text class="label" x="{x0 - _RATE_W - 6}" y="{y + _CELL_H - 2}" text-anchor="end">'
            f"<title>{_e(row.title)}\n{_e(counts)}</title>{_e(name)}{tspan}</text>"
        )
        rate = row.hit_rate
        grade = (
            "none" if rate is None else "good" if rate >= 0.9 else "fair" if rate >= 0.6 else "poor"
        )
        labels.append(
            f'<text class="rate {grade}" x="{x0 - 8}" y="{y + _CELL_H - 2}" text-anchor="end">'
            f"<title>hit rate of this cache: exact hits among predicted runs</title>"
            f"{_pct(rate) if rate is not None else '–'}</text>"
        )
    labels.append(
        f'<text class="head" x="{x0 - 8}" y="10" text-anchor="end">hit rate</text>'
        f'<text class="head" x="{x0}" y="10">runs, oldest first →</text>'
    )
    for ci, col in enumerate(columns):
        x = x0 + ci * cw
        for ri, row in enumerate(grid.rows):
            found = [(k, grid.cells[k][ri]) for k in col if ri in grid.cells[k]]
            if not found:
                continue
            y = _TOP + ri * _PITCH + (_PITCH - _CELL_H)
            worst = max((c.outcome for _, c in found), key=lambda o: _SEVERITY.get(o, 2))
            cls = _CLASS.get(worst, "unknown")
            if len(found) == 1:
                tip = _tip_one(runs[found[0][0]], found[0][1], row)
            else:
                tip = _tip_merged(runs, found, col, row)
            # One-pixel columns would make a lone miss a hairline: what needs attention is
            # drawn two pixels wide, over its neighbour (drawn first, as hits sort first).
            w = inner if cw > 2 or _SEVERITY.get(worst, 2) < 3 else 2
            rect = f'<rect class="cell {cls}" x="{x}" y="{y}" width="{w}" height="{_CELL_H}"'
            if any(_key_changed(c) for _, c in found):
                cx, mw = x + inner / 2, min(max(inner, 7), 9)
                marks.append(
                    f'<g class="changed"><title>{_e(tip)}</title>{rect}/>'
                    f'<path class="mark" d="M{cx - mw / 2:g} {y - 5.5}'
                    f'h{mw:g}l{-mw / 2:g} 4.5z"/></g>'
                )
            else:
                cells.append((_SEVERITY.get(worst, 2), f"{rect}><title>{_e(tip)}</title></rect>"))
    out += [
        '<g class="labels">',
        *labels,
        "</g>",
        '<g class="lanes">',
        *lanes,
        "</g>",
        '<g class="cells">',
        *(text for _, text in sorted(cells, key=lambda c: c[0])),
        *marks,
        "</g>",
    ]
    out.append(_axis(runs, columns, cw, x0, _TOP + n_rows * _PITCH + 2))
    out.append("</svg>")
    return "\n".join(out)


def _axis(runs: Sequence[PredictedRun], columns: list[range], cw: int, x0: int, y: int) -> str:
    """Ticks about every 120 pixels: the date and short sha of the column's first run."""
    if not columns:
        return ""
    every = max(1, math.ceil(120 / cw))
    picks = list(range(0, len(columns), every))
    out = ['<g class="axis">']
    for ci in picks:
        run = runs[columns[ci][0]]
        x = x0 + ci * cw + (cw - 1) / 2
        anchor = "start" if ci == 0 else "middle"
        tx = x0 if ci == 0 else x
        out.append(
            f'<line x1="{x:g}" x2="{x:g}" y1="{y}" y2="{y + 4}"/>'
            f'<text x="{tx:g}" y="{y + 16}" text-anchor="{anchor}">{_e(run.time[:10])}</text>'
            f'<text class="sha" x="{tx:g}" y="{y + 29}" text-anchor="{anchor}">'
            f"{_e(run.commit[:7])}</text>"
        )
    out.append("</g>")
    return "".join(out)


def _counts(result: PredictResult) -> dict[str, Any]:
    """The summary's numbers, counted from the runs where the summary lacks them."""
    counted: Counter[str] = Counter(c.outcome for r in result.runs for c in r.caches)
    known = counted["hit"] + counted["restore"] + counted["miss"]
    derived: dict[str, Any] = {
        "runs": len(result.runs),
        "requests": known + counted["unknown"],
        "hit": counted["hit"],
        "restore": counted["restore"],
        "miss": counted["miss"],
        "unknown": counted["unknown"],
        "hit_rate": counted["hit"] / known if known else None,
        "warm_rate": (counted["hit"] + counted["restore"]) / known if known else None,
        "evictions": None,
        "expirations": None,
    }
    return {k: result.summary.get(k, v) for k, v in derived.items()}


def _header(result: PredictResult, title: str, n_caches: int) -> str:
    s = _counts(result)
    span = ""
    if result.runs:
        span = f" · {_e(result.runs[0].time[:10])} → {_e(result.runs[-1].time[:10])}"
    cards = [
        ("hit rate", _pct(s["hit_rate"]), "exact key found", "big"),
        ("warm rate", _pct(s["warm_rate"]), "exact or restore key", "big"),
        ("hits", _num(s["hit"]), "", "hit"),
        ("restores", _num(s["restore"]), "", "restore"),
        ("misses", _num(s["miss"]), "", "miss"),
        ("unknown", _num(s["unknown"]), "", "unknown"),
        ("evictions", _num(s["evictions"]), "size limit", ""),
        ("expirations", _num(s["expirations"]), "idle too long", ""),
    ]
    stats = "".join(
        f'<div class="stat {cls}"><div class="v">{v}</div><div class="k">{_e(k)}</div>'
        + (f'<div class="n">{_e(note)}</div>' if note else "")
        + "</div>"
        for k, v, note, cls in cards
    )
    total = sum(s[o] for o in ("hit", "restore", "miss", "unknown") if isinstance(s[o], int))
    bar = "".join(
        f'<span class="{o}" style="width:{s[o] / total * 100:.3f}%" '
        f'title="{_e(o)}: {s[o]:,}"></span>'
        for o in ("hit", "restore", "miss", "unknown")
        if total and isinstance(s[o], int) and s[o]
    )
    return (
        f"<header><h1>{_e(title)}</h1>"
        f'<p class="sub">{_num(s["runs"])} runs{span} · {_num(s["requests"])} cache requests'
        f" · {n_caches:,} caches</p>"
        f'<div class="stats">{stats}</div><div class="bar" aria-hidden="true">{bar}</div>'
        "</header>"
    )


_LEGEND = (
    ("hit", "hit", "the exact key was found: nothing to install"),
    ("restore", "restore", "a restore key matched: an older cache, then a new save"),
    ("miss", "miss", "nothing restored: a cold install"),
    ("unknown", "unknown", "the key is only known at run time"),
    ("na", "n/a", "save-only step"),
)


def _legend() -> str:
    items = "".join(
        f'<li><span class="sw {cls}"></span><b>{_e(name)}</b> {_e(text)}</li>'
        for cls, name, text in _LEGEND
    )
    return (
        f'<ul class="legend">{items}<li><svg width="12" height="8" aria-hidden="true">'
        f'<path class="mark" d="M1 1h10l-5 6z"/></svg><b>key changed</b> since the '
        "cache's previous run (hover for which input)</li></ul>"
    )


def _caption(runs: int, rows: int, columns: list[range]) -> str:
    text = (
        f"{runs:,} runs, oldest on the left, × {rows:,} caches. "
        "Hover a cell for the commit, the key and the cause."
    )
    if columns and len(columns) < runs:
        per = len(columns[0])
        text += (
            f" The history is wider than the chart: every column merges {per:,} adjacent "
            f"runs ({len(columns):,} columns) and shows the worst of their outcomes — "
            "miss, then restore, then unknown, then hit; the marker shows a key change "
            "in any of them."
        )
    return text


def _events(result: PredictResult, limit: int) -> str:
    """Misses and key changes, newest first; one row for the matrix combinations of a job
    that missed in the same commit for the same cause."""
    varying = _varying(result.runs)
    groups: dict[tuple[int, str, int, str, str, str, str | None], list[PredictedCache]] = {}
    for ri, run in enumerate(result.runs):
        for c in run.caches:
            if c.outcome == "miss" or _key_changed(c):
                ident = (ri, c.workflow, c.line, c.job, c.step, c.outcome, c.cause)
                groups.setdefault(ident, []).append(c)
    if not groups:
        return '<p class="empty">No misses and no key changes in this history.</p>'
    shown = list(groups.items())[::-1][:limit]
    rows = []
    for ident, caches in shown:
        run, c = result.runs[ident[0]], caches[0]
        shorts = [m for m in (_matrix(x.matrix, varying[x.workflow, x.job]) for x in caches) if m]
        keys = "\n".join(f"key: {x.key}" for x in caches)
        outcome = _CLASS.get(c.outcome, "unknown")
        rows.append(
            f'<tr><td class="when">{_e(_when(run.time))}</td>'
            f'<td><code title="{_e(run.commit)}">{_e(run.commit[:7])}</code> '
            f'{_e(_clip(run.subject, 90))}<div class="ref">{_e(_ref(run))}</div></td>'
            f'<td title="{_e(keys)}">{_e(c.workflow)}:{c.line} <b>{_e(c.job)}</b>'
            f'<div class="step">{_e(c.step)}'
            + (f" · {_e('; '.join(shorts))}" if shorts else "")
            + "</div></td>"
            f'<td><span class="pill {outcome}">{_e(c.outcome)}</span></td>'
            f"<td>{_e(c.cause or 'the key changed')}</td></tr>"
        )
    note = ""
    if len(groups) > limit:
        note = (
            f'<p class="note">Showing the newest {limit:,} of {len(groups):,}; '
            "<code>cachekit predict --json</code> lists them all.</p>"
        )
    return (
        f"{note}<table><thead><tr><th>when</th><th>commit</th><th>cache</th>"
        "<th>outcome</th><th>cause</th></tr></thead><tbody>\n"
        + "\n".join(rows)
        + "</tbody></table>"
    )


def _problems(problems: Iterable[str]) -> str:
    items = [f"<li>{_e(p)}</li>" for p in problems]
    if not items:
        return ""
    return (
        f'<details class="problems"><summary>{len(items)} note(s) about the workflows'
        f"</summary><ul>{''.join(items)}</ul></details>"
    )


_CSS = """
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--panel:#f6f8fa;--lane:#f3f5f7;
--hit:#2da44e;--restore:#e3a008;--miss:#d1242f;--unknown:#8c959f;--na:#c8d1da;--mark:#1f2328}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;
--bg:#0d1117;--panel:#151b23;--lane:#1f262e;--mark:#f0f6fc;--na:#3d444d}}
*{box-sizing:border-box}
body{margin:0;padding:24px 28px 40px;background:var(--bg);color:var(--fg);
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
h1{font-size:20px;margin:0 0 2px;font-weight:600;word-break:break-all}
h2{font-size:16px;margin:28px 0 8px;font-weight:600}
.sub{color:var(--muted);margin:0 0 14px}
code,.sha,.when{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.stats{display:flex;flex-wrap:wrap;gap:8px}
.stat{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:8px 12px;
min-width:96px;border-top:3px solid var(--line)}
.stat .v{font-size:20px;font-weight:600;font-variant-numeric:tabular-nums}
.stat.big .v{font-size:26px}
.stat .k{font-size:12px;color:var(--muted)}
.stat .n{font-size:11px;color:var(--muted)}
.stat.hit{border-top-color:var(--hit)}.stat.restore{border-top-color:var(--restore)}
.stat.miss{border-top-color:var(--miss)}.stat.unknown{border-top-color:var(--unknown)}
.bar{display:flex;height:8px;border-radius:4px;overflow:hidden;margin:12px 0 4px;
background:var(--lane);max-width:840px}
.bar span{display:block;height:100%}
.bar .hit,.sw.hit,.pill.hit{background:var(--hit)}
.bar .restore,.sw.restore,.pill.restore{background:var(--restore)}
.bar .miss,.sw.miss,.pill.miss{background:var(--miss)}
.bar .unknown,.sw.unknown,.pill.unknown{background:var(--unknown)}
.sw.na,.pill.na{background:var(--na)}
.legend{list-style:none;padding:0;margin:10px 0 0;display:flex;flex-wrap:wrap;gap:4px 18px;
font-size:12px;color:var(--muted)}
.legend b{color:var(--fg);font-weight:600;margin-right:2px}
.sw{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px;
vertical-align:-1px}
.legend svg{margin-right:5px}
figure{margin:0}
.scroll{overflow-x:auto;border:1px solid var(--line);border-radius:8px;padding:10px 6px 4px;
background:var(--bg)}
figcaption{color:var(--muted);font-size:12px;margin-top:6px;max-width:1100px}
#timeline{display:block;font-size:11px}
#timeline .label{fill:var(--fg)}
#timeline .matrix,#timeline .head{fill:var(--muted)}
#timeline .head{font-size:10px;text-transform:uppercase;letter-spacing:.04em}
#timeline .rate{fill:var(--muted);font-variant-numeric:tabular-nums}
#timeline .rate.good{fill:var(--hit)}#timeline .rate.fair{fill:#bf8700}
#timeline .rate.poor{fill:var(--miss)}
#timeline .lane{fill:var(--lane)}
#timeline .cells{shape-rendering:crispEdges}
#timeline .cell.hit{fill:var(--hit)}#timeline .cell.restore{fill:var(--restore)}
#timeline .cell.miss{fill:var(--miss)}#timeline .cell.unknown{fill:var(--unknown)}
#timeline .cell.na{fill:var(--na)}
#timeline .cell:hover,#timeline .changed:hover .cell{fill-opacity:.65}
.mark{fill:var(--mark);shape-rendering:geometricPrecision}
#timeline .axis line{stroke:var(--muted)}
#timeline .axis text{fill:var(--muted);font-size:10px}
#timeline .axis .sha{font-size:10px;opacity:.8}
table{border-collapse:collapse;width:100%;max-width:1400px;font-size:13px}
th,td{text-align:left;vertical-align:top;padding:6px 10px;border-bottom:1px solid var(--line)}
th{font-size:12px;color:var(--muted);font-weight:600;background:var(--panel)}
td.when{white-space:nowrap;color:var(--muted);font-size:12px}
td .ref,td .step{color:var(--muted);font-size:11px}
.pill{display:inline-block;padding:0 7px;border-radius:9px;color:#fff;font-size:11px;
font-weight:600;line-height:18px}
.pill.na{color:var(--fg)}
.note,.empty{color:var(--muted);font-size:13px}
.problems{margin-top:24px;color:var(--muted);font-size:13px}
footer{margin-top:32px;color:var(--muted);font-size:12px}
"""


def render_predict_html(
    result: PredictResult,
    *,
    title: str,
    max_table_rows: int = 200,
    max_columns: int = 1200,
    extra: str = "",
) -> str:
    """One self-contained HTML document showing ``result``.

    ``max_table_rows`` caps the table of misses and key changes (the newest are kept);
    ``max_columns`` caps the timeline's columns, past which adjacent runs are merged.
    ``extra`` is more sections, already escaped HTML (the audit's run-log findings).
    """
    runs = result.runs
    grid = _grid(runs)
    columns = _columns(len(runs), max_columns)
    if runs and grid.rows:
        chart = (
            f'<figure><div class="scroll">{_timeline(runs, grid, columns)}</div>'
            f"<figcaption>{_e(_caption(len(runs), len(grid.rows), columns))}"
            "</figcaption></figure>"
        )
    else:
        chart = (
            '<p class="empty">No runs with caches: the history is empty, or no workflow '
            "in it uses a cache.</p>"
        )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="cachekit {_e(__version__)}">
<title>{_e(title)}</title>
<style>{_CSS}</style>
</head>
<body>
{_header(result, title, len(grid.rows))}
{_legend()}
<section><h2>Timeline</h2>
{chart}
</section>
<section><h2>Key changes and misses</h2>
{_events(result, max_table_rows)}
</section>
{extra}
{_problems(result.problems)}
<footer>cachekit {_e(__version__)} · predicted offline from the git history; entry sizes are
estimates, so evictions are too.</footer>
</body>
</html>
"""


# -- registered renderers (fn(result, options) -> str) ------------------------------------------


def predict_html(result: PredictResult, options: RenderOptions) -> str:
    return render_predict_html(result, title=options.title or "cachekit predict")


def audit_html(result: AuditResult, options: RenderOptions) -> str:
    """The history's report with what the run logs say (job costs, failed cache steps)."""
    from .audit_html import render_audit_html  # noqa: PLC0415 - it imports this module

    return render_audit_html(result, title=options.title or "cachekit audit")
