"""Suggest cache steps for a workflow's jobs, and apply them to the workflow file.

``cachekit suggest`` proposes the cache step a job is missing (or the inputs a setup action
needs to cache by itself) and, with ``--write``, edits the workflow in place the way a person
would: comments, key order, quoting and indentation stay as they were, the diff shows only the
step that changed, and a file that cannot be edited that way is left alone with the reason.
"""

from __future__ import annotations

from ..explain import Options
from ..fs.trees import WorkTree
from .edit import EditRefused, EditResult, StepEdit, apply_edit, plan_edit
from .engine import Proposal, SuggestResult, suggest_tree
from .simulate import SimulationRow, simulate_suggestion

__all__ = [
    "EditRefused",
    "EditResult",
    "Proposal",
    "SimulationRow",
    "StepEdit",
    "SuggestResult",
    "apply_edit",
    "plan_edit",
    "simulate_suggestion",
    "suggest",
    "suggest_tree",
]


def suggest(
    root: str = ".",
    *,
    workflow: str | None = None,
    job: str | None = None,
    event: str = "push",
    ref: str | None = None,
) -> SuggestResult:
    """Suggest caches for the working tree at ``root`` (edits apply to its files)."""
    options = Options(event=event, ref=ref or "refs/heads/main", workflow=workflow, job=job)
    return suggest_tree(WorkTree(root), options)
