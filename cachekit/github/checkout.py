"""Actions that change what the workspace holds, and so what ``hashFiles`` sees.

``actions/checkout`` with ``submodules:`` brings submodule files into the workspace; with
``repository:`` another repository's files replace this one's at ``path`` (``hashFiles`` under
it hashes files cachekit does not have). One handler per action, looked up by name.
"""

from __future__ import annotations

from collections.abc import Callable

from ..expressions import EvaluationContext
from .evaluate import Evaluator
from .scope import JobScope
from .workflows import Step

__all__ = ["WORKSPACE_ACTIONS", "checkout"]


def checkout(ev: Evaluator, step: Step, scope: JobScope, ctx: EvaluationContext) -> None:
    """``actions/checkout``: submodules, and another repository checked out at ``path``."""
    value = ev._value(step.with_.get("submodules"), dict(ctx.contexts), step.mark)
    scope.submodules = str(value).lower() in ("true", "recursive")
    ev._submodules = scope.submodules
    raw = step.with_.get("repository")
    if raw is None:
        if ev._foreign is not None:
            path = ev._value(step.with_.get("path"), dict(ctx.contexts), step.mark)
            prefix = path.strip().strip("/") if isinstance(path, str) else ""
            if prefix == ev._foreign[0] or not prefix:
                ev._foreign = None  # this repository checked out there again
        return
    repo = ev._value(raw, dict(ctx.contexts), step.mark)
    if not isinstance(repo, str) or not repo.strip():
        return  # github.repository or unknown: this repository, as far as we can tell
    path = ev._value(step.with_.get("path"), dict(ctx.contexts), step.mark)
    prefix = path.strip().strip("/").removeprefix("./") if isinstance(path, str) else ""
    what = f"{repo.strip()} (checked out at {step.mark})"
    if not prefix or ev._foreign is None or ev._foreign[0]:
        ev._foreign = (prefix, what)


WorkspaceHandler = Callable[[Evaluator, Step, JobScope, EvaluationContext], None]

WORKSPACE_ACTIONS: dict[str, WorkspaceHandler] = {"actions/checkout": checkout}
"""``owner/repo`` (lower case) -> what the step does to the workspace."""
