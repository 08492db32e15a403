"""The explain entry points over a tree: workflows read, walked, paired findings added."""

from __future__ import annotations

from dataclasses import replace

from ..findings import Code, Severity
from ..fs.trees import Tree

# Modules, not names: cachekit.github builds the records of cachekit.explain.model, so it may be
# half-imported when this module loads (names are looked up when explain_tree runs).
from ..github import walk as github_walk
from ..github import workflows as github_workflows
from .findings import pair_findings
from .model import ExplainResult, Finding
from .options import Options

__all__ = ["explain_tree"]


def explain_tree(tree: Tree, options: Options | None = None) -> ExplainResult:
    """Explain the caches of a tree (working directory or commit)."""
    options = options or Options()
    workflows, problems = github_workflows.load_workflows(tree, only=options.workflow)
    walker = github_walk.Walker(tree, options)
    for p in problems:
        walker.problems.append(Finding(Code.WORKFLOW_PROBLEM, Severity.WARNING, p.message, p.mark))
    walker.walk(workflows)
    reports = walker.reports
    extra = pair_findings(reports)
    reports = [
        replace(r, findings=r.findings + tuple(extra.get(i, ()))) for i, r in enumerate(reports)
    ]
    commit = getattr(tree, "commit", None)
    return ExplainResult(
        root=tree.workspace,
        revision=commit if isinstance(commit, str) else None,
        caches=tuple(reports),
        problems=tuple(walker.problems),
        jobs=tuple(walker.jobs),
    )
