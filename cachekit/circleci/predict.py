"""``predict`` for CircleCI: the default branch's history through CircleCI's lookup rules
(:data:`cachekit.platforms.replay.CIRCLECI`: prefix keys, newest wins, immutable saves,
15-day retention), with workflow ``filters: branches: only/ignore`` deciding which jobs run;
a job whose ``requires`` do not run does not run either. A job with no branch filter runs on
every branch push (CircleCI's default); tag filters only concern tag pushes, which are not
replayed."""

from __future__ import annotations

import re
from typing import Any

from ..explain.model import ExplainResult, JobRecord
from ..fs.gittree import CommitTree
from ..platforms.replay import CIRCLECI, replay
from ..predict import PredictResult
from .config import load_config
from .explain import CircleOptions, explain_circleci

__all__ = ["branch_runs", "predict_circleci"]


def _matches(spec: Any, branch: str) -> bool:
    items = spec if isinstance(spec, list) else [spec]
    for item in items:
        text = str(item)
        if len(text) > 1 and text.startswith("/") and text.endswith("/"):
            if re.fullmatch(text[1:-1], branch):
                return True
        elif text == branch:
            return True
    return False


def branch_runs(filters: Any, branch: str) -> bool:
    """Whether a workflow job with these ``filters`` runs for a push to ``branch``."""
    branches = filters.get("branches") if isinstance(filters, dict) else None
    if not isinstance(branches, dict):
        return True
    if "only" in branches and not _matches(branches["only"], branch):
        return False
    return not ("ignore" in branches and _matches(branches["ignore"], branch))


def predict_circleci(
    root: str, *, max_commits: int = 200, rev: str | None = None, job: str | None = None
) -> PredictResult:
    """Predict each cache step's outcome over the newest ``max_commits`` of the history."""
    running: dict[str, set[str]] = {}

    def explain_at(tree: CommitTree, branch: str) -> ExplainResult:
        config = load_config(tree, branch=branch)
        jobs = config.jobs if config else []
        names = {j.name for j in jobs if branch_runs(j.filters, branch)}
        while True:  # a job whose required job does not run does not run either
            known = {n for j in jobs if j.name in names for n in (j.name, j.base_name)}
            kept = {j.name for j in jobs if j.name in names and set(j.requires) <= known}
            if kept == names:
                break
            names = kept
        running[tree.commit] = names
        return explain_circleci(tree, CircleOptions(branch=branch, revision=tree.commit, job=job))

    def runs_job(tree: CommitTree, branch: str, record: JobRecord) -> bool:
        del branch
        return record.job in running.get(tree.commit, set())

    return replay(root, CIRCLECI, explain_at, runs_job, max_commits=max_commits, rev=rev)
