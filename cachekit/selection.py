"""What a command analyses, refused when it is nothing: never an empty answer that looks fine.

One rule for every command that reads workflows: the workspace is the directory holding
``.github/workflows`` (or another platform's configuration: ``.gitlab-ci.yml``,
``.circleci/config.yml``, ``azure-pipelines.yml``). REPO itself when it has them; otherwise,
inside a git repository, the repository's top (GitHub reads workflows there), which the CLI
says on stderr. A workspace
without workflow files, a ``--workflow`` or ``--job`` that matches none, are usage errors that
list what exists. Commands that replay history (predict, audit, suggest --simulate) need the
repository's top itself: its commits are what GitHub runs.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from .errors import TreeError, UsageError
from .fs.trees import DIR, Tree, leaves_tree
from .github.workflows import WORKFLOW_DIR, load_workflows
from .platforms.detect import CONFIG_FILES

__all__ = ["Workspace", "check_selection", "find_top", "require_workflows", "workspace"]

_SUFFIXES: Final = (".yml", ".yaml")
_SHOWN: Final = 12  # names listed in an error before "and N more"


@dataclass(frozen=True)
class Workspace:
    """The directory a command analyses, and how it was found."""

    root: str  # absolute
    given: str  # as the user wrote it
    top: str | None  # the enclosing git repository's top, None outside one

    @property
    def moved(self) -> bool:
        """REPO was a directory inside the repository: its top is analysed instead."""
        return os.path.realpath(self.given) != self.root


def find_top(path: str) -> str | None:
    """The nearest directory at or above ``path`` holding ``.git`` (a work tree's top)."""
    current = os.path.realpath(path)
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _has_workflow_dir(path: str) -> bool:
    """GitHub's workflow directory, or another CI platform's configuration file."""
    if os.path.isdir(os.path.join(path, WORKFLOW_DIR)):
        return True
    return any(
        os.path.isfile(os.path.join(path, name))
        for platform, names in CONFIG_FILES.items()
        if platform != "github"
        for name in names
    )


def workspace(given: str, *, history: bool = False, command: str = "cachekit") -> Workspace:
    """The workspace for REPO ``given`` by the rule above (``history``: it must be the top)."""
    path = os.path.realpath(given)
    top = find_top(path)
    root = path
    if not _has_workflow_dir(path) and top is not None:
        root = top
    if history and top is not None and root != top:
        raise UsageError(
            f"{given} is inside the repository {top}: {command} replays that repository's "
            f"history, whose workflows are in {os.path.join(top, WORKFLOW_DIR)}; pass {top}"
        )
    return Workspace(root, given, top)


def _listing(names: Sequence[str]) -> str:
    shown = ", ".join(names[:_SHOWN])
    return shown + (f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else "")


def workflow_names(tree: Tree) -> list[str]:
    """The file names in ``.github/workflows`` that GitHub would run, sorted."""
    try:
        if tree.stat(WORKFLOW_DIR) != DIR:
            return []
        return sorted(n for n, _ in tree.listdir(WORKFLOW_DIR) if n.endswith(_SUFFIXES))
    except TreeError:  # an unreadable directory reads as none: the caller's error says where
        return []


def require_workflows(tree: Tree, where: str) -> list[str]:
    """The workflow file names of ``tree``; none is a usage error with a hint.

    A workflow directory that links out of the repository is not "none": it is never read, and
    ``explain`` reports it as a finding (``[]`` here, no error).
    """
    names = workflow_names(tree)
    if not names and leaves_tree(tree, WORKFLOW_DIR):
        return []
    if not names:
        raise UsageError(
            f"no workflows in {where}: {WORKFLOW_DIR}/ has no *.yml or *.yaml file — pass the "
            "repository whose workflows to analyse (hash and eval work on any directory)"
        )
    return names


def check_selection(tree: Tree, where: str, workflow: str | None, job: str | None) -> None:
    """Refuse ``--workflow``/``--job`` values that select nothing, listing what exists."""
    names = require_workflows(tree, where)
    if not names:  # linked out of the repository: explain reports it, nothing to select
        return
    if workflow is not None:
        stems = {n.rsplit(".", 1)[0] for n in names}
        paths = {f"{WORKFLOW_DIR}/{n}" for n in names}
        if workflow not in set(names) | stems | paths:
            raise UsageError(
                f"--workflow {workflow}: no such workflow in {where}; there are {_listing(names)}"
            )
    if job is not None:
        workflows, _problems = load_workflows(tree, only=workflow)
        jobs = sorted({j for wf in workflows for j in wf.jobs})
        if job not in jobs:
            scope = f"workflow {workflow}" if workflow else where
            raise UsageError(
                f"--job {job}: no such job in {scope}; there are {_listing(jobs) or 'none'}"
            )
