"""What an edit asks for and gives, the refusals, and the key orders a step is written in."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ...errors import CachekitError

_WIDTH = 1_000_000
"""ruamel folds long lines at ``width``; workflows carry long expressions that must stay whole."""

_STEP_ORDER = (
    "name",
    "id",
    "if",
    "uses",
    "run",
    "shell",
    "working-directory",
    "with",
    "env",
    "continue-on-error",
    "timeout-minutes",
)
"""Where a new key goes among a step's keys: GitHub's documentation order."""

_WITH_ORDER = ("path", "key", "restore-keys")
"""actions/cache inputs in the order its README shows them; other inputs follow."""

_SETUP_ACTION = re.compile(r"^(checkout|setup-.+|.+-setup|action-setup)$")
"""Repository names of actions that prepare a job (checkout, setup-python, pnpm/action-setup):
the default insertion point is after the last of them, before the first step that installs."""


class EditRefused(CachekitError):
    """cachekit will not edit this file; the message names the file, the reason and the line.

    Exit status 1: suggest --write's answer for that file is "not safely editable"."""

    exit_code = 1


class EditFailed(EditRefused):
    """The machine refused the write (a full disk, an unwritable directory): exit status 3.
    Nothing was changed: the file is intact and no temporary file is left."""

    exit_code = 3


@dataclass(frozen=True)
class StepEdit:
    """Change one job's steps: replace the step at `replace_index` (0-based index in the job's
    `steps`), or insert before `insert_before` (None = after the last setup-* / checkout step,
    i.e. before the first step that installs), or set inputs on an existing step (`set_with`
    on step `with_step`).

    Indices refer to the steps as they are in the text given to :func:`plan_edit`, whatever
    earlier edits in the same call inserted; several inserts before the same step land in the
    order given.
    """

    job: str
    new_step: Mapping[str, Any] | None = None
    comments: Mapping[str, str] = field(default_factory=dict)
    replace_index: int | None = None
    insert_before: int | None = None
    with_step: int | None = None
    set_with: Mapping[str, str] = field(default_factory=dict)
    remove_with: tuple[str, ...] = ()
    # the steps are a composite action's (``runs.steps`` of an action.yml), not a job's
    in_action: bool = False


@dataclass(frozen=True)
class EditResult:
    """The file's text before and after the edits; ``path`` as given (relative to the root)."""

    path: str
    before: str
    after: str

    def diff(self) -> str:
        """A unified diff with ``a/`` and ``b/`` paths, as ``git diff`` shows it."""
        lines = difflib.unified_diff(
            self.before.splitlines(keepends=True),
            self.after.splitlines(keepends=True),
            fromfile=f"a/{self.path}",
            tofile=f"b/{self.path}",
        )
        out: list[str] = []
        for line in lines:
            if line.endswith("\n"):
                out.append(line)
            else:
                out.append(line + "\n\\ No newline at end of file\n")
        return "".join(out)


def _refused(path: str, reason: str, line: int | None = None) -> EditRefused:
    where = f" (line {line})" if line is not None else ""
    return EditRefused(f"{path}: cannot edit safely: {reason}{where}")
