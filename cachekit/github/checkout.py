"""Actions that change what the workspace holds, and so what ``hashFiles`` sees.

``actions/checkout`` with ``submodules:`` brings submodule files into the workspace; with
``repository:`` another repository's files replace this one's at ``path`` (``hashFiles`` under
it hashes files cachekit does not have). One handler per action, looked up by name.
"""

from __future__ import annotations

from collections.abc import Callable

from ..expressions import EvaluationContext, Unknown
from .evaluate import Evaluator
from .scope import JobScope
from .workflows import Step

__all__ = ["WORKSPACE_ACTIONS", "checkout", "local_action_path"]


def local_action_path(ev: Evaluator, path: str) -> tuple[str, str | None]:
    """Where ``uses: ./<path>`` lives in this tree, given the job's checkouts.

    ``./src/.github/actions/x`` after ``actions/checkout`` with ``path: src`` is this
    repository's ``.github/actions/x``; under another repository's checkout it is that
    repository's file (returned as the second value: unknowable here, not a problem).
    """
    for prefix, what in sorted(ev._checkouts.items(), key=lambda kv: -len(kv[0])):
        if prefix and (path == prefix or path.startswith(prefix + "/")):
            rest = path[len(prefix) :].lstrip("/")
            return (rest, None) if what is None else (path, what)
    if ev._foreign is not None and not ev._foreign[0]:
        return path, ev._foreign[1]
    return path, None


def checkout(ev: Evaluator, step: Step, scope: JobScope, ctx: EvaluationContext) -> None:
    """``actions/checkout``: submodules, and another repository checked out at ``path``."""
    value = ev._value(step.with_.get("submodules"), dict(ctx.contexts), step.mark)
    scope.submodules = str(value).lower() in ("true", "recursive")
    ev._submodules = scope.submodules
    raw = step.with_.get("repository")
    path = ev._value(step.with_.get("path"), dict(ctx.contexts), step.mark)
    if isinstance(path, Unknown):
        return  # checked out somewhere only the run knows: the workspace keeps its files
    prefix = path.strip().strip("/").removeprefix("./") if isinstance(path, str) else ""
    repo = ev._value(raw, dict(ctx.contexts), step.mark) if raw is not None else None
    # absent, github.repository or a value cachekit cannot know: this repository
    own = raw is None or not isinstance(repo, str) or not repo.strip()
    what = f"{str(repo).strip()} (checked out at {step.mark})"
    ev._checkouts[prefix] = None if own else what
    if own:
        if ev._foreign is not None and (prefix == ev._foreign[0] or not prefix):
            ev._foreign = None  # this repository checked out there again
        return
    if not prefix or ev._foreign is None or ev._foreign[0]:
        ev._foreign = (prefix, what)


WorkspaceHandler = Callable[[Evaluator, Step, JobScope, EvaluationContext], None]

WORKSPACE_ACTIONS: dict[str, WorkspaceHandler] = {"actions/checkout": checkout}
"""``owner/repo`` (lower case) -> what the step does to the workspace."""
