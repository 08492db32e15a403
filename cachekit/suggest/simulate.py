"""``suggest --simulate``: the current and the suggested keys replayed over the same history.

Each workflow ``suggest`` edits is predicted twice with :func:`cachekit.predict.predict`, once
with its current text and once with the suggested text laid over every commit
(:class:`~cachekit.fs.overlay.OverlayTree`): the same commits, the same requirement files, the
same cache service; only the keys differ. A key that never changes scores a perfect hit rate
while restoring stale environments, so the result also counts *stale hits*: hits on an entry
saved when a file the job installs from had other contents.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ..errors import UsageError
from ..fs.gitrepo import GitRepo
from ..predict import PredictOptions, PredictResult, predict
from ..textsafe import text_output
from .edit import EditResult
from .model import SuggestResult

__all__ = [
    "SimulationRow",
    "render_simulation",
    "require_repository_top",
    "simulate_suggestion",
]


@dataclass(frozen=True)
class SimulationRow:
    """Hit rates of one workflow's caches with the current and the suggested keys."""

    workflow: str
    commits: int
    current: dict[str, Any]  # hit, restore, miss, hit_rate, warm_rate, evictions
    suggested: dict[str, Any]


_FIELDS = ("requests", "hit", "restore", "miss", "unknown", "hit_rate", "warm_rate", "evictions")


def _combo(job: str, matrix: dict[str, Any]) -> str:
    return job + json.dumps(matrix, sort_keys=True, default=str)


def _fingerprints(result: PredictResult) -> dict[tuple[str, str], tuple[str, ...]]:
    """(commit, job+matrix) → the suggested keys: they change exactly when an input does."""
    out: dict[tuple[str, str], list[str]] = {}
    for run in result.runs:
        for c in run.caches:
            out.setdefault((run.commit, _combo(c.job, c.matrix)), []).append(c.key)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def _stale_hits(result: PredictResult, prints: dict[tuple[str, str], tuple[str, ...]]) -> int:
    """Hits on an entry saved when the job's inputs (by ``prints``) were different."""
    first: dict[tuple[str, str], str] = {}
    stale = 0
    for run in result.runs:
        for c in run.caches:
            combo = _combo(c.job, c.matrix)
            first.setdefault((combo, c.key), run.commit)
            if c.outcome != "hit":
                continue
            origin = first.get((combo, c.restored_key or c.key), run.commit)
            if prints.get((origin, combo)) != prints.get((run.commit, combo)):
                stale += 1
    return stale


def require_repository_top(root: str) -> None:
    """``--simulate`` replays git history: ``root`` must be the top of a git repository."""
    with GitRepo(root) as repo:
        top = repo.toplevel
    if os.path.realpath(root) != top:
        raise UsageError(
            f"--simulate replays git history: {root} is inside the repository {top}, not its "
            "top; run it on the repository itself"
        )


def simulate_suggestion(
    root: str,
    result: SuggestResult,
    options: PredictOptions | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[SimulationRow, ...]:
    """Predict each edited workflow with its current and its suggested text.

    ``progress(done, total)`` is called as each replay advances (predict's callback).
    """
    base = options or PredictOptions(max_commits=200)
    require_repository_top(root)
    rows: list[SimulationRow] = []
    for edit, workflow in _simulated(result):
        predicted: list[PredictResult] = []
        for text in (edit.before, edit.after):
            opts = replace(base, workflow=workflow, overlay=((edit.path, text.encode()),))
            predicted.append(predict(root, opts, progress=progress))
        prints = _fingerprints(predicted[1])
        outcomes = []
        for one in predicted:
            data = {k: one.summary.get(k) for k in _FIELDS}
            data["stale_hits"] = _stale_hits(one, prints)
            outcomes.append(data)
        commits = int(predicted[0].summary.get("runs") or 0)
        label = workflow if workflow == edit.path else f"{workflow} (via {edit.path})"
        rows.append(SimulationRow(label, commits, outcomes[0], outcomes[1]))
    return tuple(rows)


def _simulated(result: SuggestResult) -> list[tuple[EditResult, str]]:
    """Each edit with the workflows to predict: the workflow edited, or for a composite
    action's file every workflow whose jobs use it (the action alone runs nowhere)."""
    out: list[tuple[EditResult, str]] = []
    for edit in result.edits:
        users = {
            u.split(" job ", 1)[0].rsplit(":", 1)[0]
            for p in result.proposals
            if p.file == edit.path and p.file != p.workflow
            for u in p.used_by
        }
        out.extend((edit, w) for w in sorted(users or {edit.path}))
    return out


@text_output
def render_simulation(rows: tuple[SimulationRow, ...]) -> str:
    """A side-by-side table: current vs suggested, per workflow."""
    if not rows:
        return "# nothing to simulate: no workflow is edited"
    out = [
        "workflow | commits | keys | hit | stale hits | partial | miss | hit rate | warm rate"
        " | evictions"
    ]
    out.append("--- | --- | --- | --- | --- | --- | --- | --- | --- | ---")
    for row in rows:
        for label, data in (("current", row.current), ("suggested", row.suggested)):
            out.append(
                f"{row.workflow} | {row.commits} | {label} | {data['hit']} | "
                f"{data['stale_hits']} | {data['restore']} | "
                f"{data['miss']} | {_pct(data['hit_rate'])} | {_pct(data['warm_rate'])} | "
                f"{data['evictions']}"
            )
    return "\n".join(out)


def _pct(value: Any) -> str:
    return "-" if value is None else f"{100 * float(value):.1f}%"
