"""The explain entry points over a tree: workflows read, walked, paired findings added."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ..findings import Code, Severity
from ..fs.trees import Tree

# Modules, not names: cachekit.github builds the records of cachekit.explain.model, so it may be
# half-imported when this module loads (names are looked up when explain_tree runs).
from ..github import walk as github_walk
from ..github import workflows as github_workflows
from .findings import handoffs, pair_findings
from .model import ExplainResult, Finding
from .options import Options

__all__ = ["explain_tree"]


def explain_tree(
    tree: Tree,
    options: Options | None = None,
    *,
    walker_factory: Callable[[Tree, Options], Any] | None = None,
) -> ExplainResult:
    """Explain the caches of a tree (working directory or commit).

    ``walker_factory`` makes the walker (``predict`` passes one that records what it reads).
    """
    options = options or Options()
    workflows, problems = github_workflows.load_workflows(tree, only=options.workflow)
    walker = (walker_factory or github_walk.Walker)(tree, options)
    for p in problems:
        walker.problems.append(Finding(Code.WORKFLOW_PROBLEM, Severity.WARNING, p.message, p.mark))
    walker.walk(workflows)
    reports = walker.reports
    extra = pair_findings(reports)
    reports = [
        replace(r, findings=r.findings + tuple(extra.get(i, ()))) for i, r in enumerate(reports)
    ]
    needs = {(j.workflow, j.job): j.needs for j in walker.jobs}
    for i in handoffs(reports, needs):
        kept = tuple(f for f in reports[i].findings if f.code != "volatile-key")
        reports[i] = replace(reports[i], findings=kept)
    commit = getattr(tree, "commit", None)
    return ExplainResult(
        root=tree.workspace,
        revision=commit if isinstance(commit, str) else None,
        caches=tuple(reports),
        problems=tuple(walker.problems),
        jobs=tuple(walker.jobs),
    )
