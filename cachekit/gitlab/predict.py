"""``predict`` for GitLab: the default branch's history through GitLab's lookup rules
(:data:`cachekit.platforms.replay.GITLAB`: exact key then fallback keys, overwriting saves,
no expiry), with ``rules``/``only``/``except`` deciding which jobs run."""

from __future__ import annotations

from dataclasses import replace

from ..explain.model import ExplainResult, JobRecord
from ..fs.gittree import CommitTree
from ..platforms.replay import GITLAB, replay
from ..predict import PredictResult
from .conditions import job_runs, workflow_outcome
from .config import apply_workflow_variables, load_config
from .explain import GitLabOptions, explain_gitlab
from .variables import RunModel, job_lookup

__all__ = ["predict_gitlab"]


def predict_gitlab(
    root: str,
    *,
    max_commits: int = 200,
    rev: str | None = None,
    version: str | None = None,
    job: str | None = None,
) -> PredictResult:
    """Predict each job's cache outcome over the newest ``max_commits`` of the history."""
    running: dict[str, set[str]] = {}
    unknown: set[str] = set()

    def explain_at(tree: CommitTree, branch: str) -> ExplainResult:
        run = RunModel(ref=branch, default_branch=branch, commit=tree.commit)
        config = load_config(tree)
        names: set[str] = set()
        if config is not None:
            lookup = job_lookup(run, "", "", config.variables)
            runs, values = workflow_outcome(config.workflow, lookup, tree, unknown)
            apply_workflow_variables(config, values)
            for j in config.jobs if runs else []:
                lookup = job_lookup(run, j.name, j.stage, j.variables)
                if job_runs(
                    j.body,
                    lookup,
                    tree,
                    ref=run.ref,
                    source=run.source,
                    tag=run.tag,
                    unknown=unknown,
                ):
                    names.add(j.name)
        running[tree.commit] = names
        return explain_gitlab(tree, GitLabOptions(run=run, version=version, job=job))

    def runs_job(tree: CommitTree, branch: str, record: JobRecord) -> bool:
        del branch
        return record.job in running.get(tree.commit, set())

    result = replay(root, GITLAB, explain_at, runs_job, max_commits=max_commits, rev=rev)
    if unknown:
        names = ", ".join(sorted(unknown)[:8]) + (", …" if len(unknown) > 8 else "")
        note = (
            f"rules test values unknown offline ({names}): taken as unset, so jobs that need "
            "them are not replayed"
        )
        result = replace(result, problems=(*result.problems, note))
    return result
