"""``predict`` for Azure Pipelines: the default branch's history through the pipeline cache's
rules (:data:`cachekit.platforms.replay.AZURE`: exact key, then restore keys as prefixes with
the newest match; immutable entries; the branch's scope, then the default branch's; 7 days
without use), when ``trigger`` lets a push to the branch run the pipeline."""

from __future__ import annotations

import fnmatch
from typing import Any

from ..explain.model import ExplainResult, JobRecord
from ..fs.gittree import CommitTree
from ..platforms.replay import AZURE, replay
from ..predict import PredictResult
from .config import load_config
from .explain import AzureOptions, explain_azure

__all__ = ["predict_azure", "trigger_runs"]


def _matches(patterns: Any, branch: str) -> bool:
    items = patterns if isinstance(patterns, list) else [patterns]
    full = f"refs/heads/{branch}"
    return any(
        fnmatch.fnmatchcase(branch, str(p)) or fnmatch.fnmatchcase(full, str(p)) for p in items
    )


def trigger_runs(trigger: Any, branch: str) -> bool:
    """Whether a push to ``branch`` runs the pipeline (no ``trigger``: every branch)."""
    if trigger is None:
        return True
    if trigger == "none" or trigger is False:
        return False
    if isinstance(trigger, list):
        return _matches(trigger, branch)
    if isinstance(trigger, dict):
        branches = trigger.get("branches")
        if isinstance(branches, dict):
            if "include" in branches and not _matches(branches["include"], branch):
                return False
            return not ("exclude" in branches and _matches(branches["exclude"], branch))
    return True


def predict_azure(
    root: str, *, max_commits: int = 200, rev: str | None = None, job: str | None = None
) -> PredictResult:
    """Predict each ``Cache@2`` step's outcome over the newest ``max_commits`` commits."""
    runs: dict[str, bool] = {}

    def explain_at(tree: CommitTree, branch: str) -> ExplainResult:
        config = load_config(tree)
        runs[tree.commit] = config is not None and trigger_runs(config.trigger, branch)
        return explain_azure(tree, AzureOptions(branch=branch, revision=tree.commit, job=job))

    def runs_job(tree: CommitTree, branch: str, record: JobRecord) -> bool:
        del branch, record
        return runs.get(tree.commit, False)

    return replay(root, AZURE, explain_at, runs_job, max_commits=max_commits, rev=rev)
