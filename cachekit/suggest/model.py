"""What ``suggest`` returns: one :class:`Proposal` per change to a job, and the
:class:`SuggestResult` of a tree (proposals, the edited files, what ``check`` still says).

Apart from :mod:`.engine` so the renderers, the simulator and the proposal pieces
(:mod:`.compose`) read the result without importing the engine that builds it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..checks.model import CheckFinding
from ..encoding import json_spec
from .edit import EditResult, StepEdit

__all__ = ["Proposal", "SuggestResult"]


@dataclass(frozen=True)
class Proposal:
    """One change to one job: a cache step to add or replace, or setup-action inputs to set."""

    workflow: str
    job: str
    manager: str  # pip, poetry, npm, …
    ecosystem: str
    directory: str
    action: str  # "setup-input" | "add-step" | "replace-step"
    step_index: int  # the step changed (setup-input/replace) or inserted before (add-step)
    step: dict[str, Any] = field(default_factory=dict)  # the new step (add/replace)
    inputs: dict[str, str] = field(default_factory=dict)  # setup-input: with: values to set
    comments: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    replaces: tuple[str, ...] = ()  # what was wrong with the cache replaced (check findings)
    # the file edited: the workflow, or the local composite action whose step caches (then
    # step_index counts that action's steps, and used_by names every call of it)
    file: str = ""
    used_by: tuple[str, ...] = ()  # "workflow:line job <name>": the uses: lines into the action

    def __post_init__(self) -> None:
        if not self.file:
            object.__setattr__(self, "file", self.workflow)

    def edit(self) -> StepEdit:
        in_action = self.file != self.workflow
        if self.action == "setup-input":
            return StepEdit(
                job=self.job, with_step=self.step_index, set_with=self.inputs, in_action=in_action
            )
        if self.action == "replace-step":
            return StepEdit(
                job=self.job,
                new_step=self.step,
                comments=self.comments,
                replace_index=self.step_index,
                in_action=in_action,
            )
        return StepEdit(
            job=self.job,
            new_step=self.step,
            comments=self.comments,
            insert_before=self.step_index,
            in_action=in_action,
        )


@dataclass(frozen=True)
class SuggestResult:
    """The proposals for a tree, the edited workflows, and what ``check`` says about them."""

    root: str
    proposals: tuple[Proposal, ...]
    # one per workflow file changed; in JSON, each file's unified diff
    edits: tuple[EditResult, ...] = field(
        metadata=json_spec(name="diffs", value=lambda edits: {e.path: e.diff() for e in edits})
    )
    kept: tuple[str, ...]  # "workflow job: why nothing changes"
    refused: tuple[str, ...]  # workflows cachekit cannot edit safely, with the reason
    residual: tuple[CheckFinding, ...]  # check findings left on the suggested steps
    # an action release the workflows pin that the release snapshot does not reach (its date)
    notes: tuple[str, ...] = ()
