"""What a proposal must respect in the job it edits, so that applying it never breaks the job.

A cache step that is right in general can still be wrong in one job: a setup action's ``cache:``
input on a step that runs before the checkout fails that step (the files its key hashes are
not there yet); a replaced step loses the ``id`` later steps read; a tag where the repository
pins every action by commit breaks its pinning policy (and the linters that enforce it); a
path the job's own ``env`` moves stays empty; a cache saved by a job that runs on
``pull_request_target`` is a poisoning channel into trusted runs. This module reads those
facts from the job (its raw workflow text where the evaluated records do not keep them) so that
:mod:`.engine` can fit the proposal to them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from ..caches.releases import latest_release
from ..ecosystems.recipe import Recipe
from ..errors import CachekitError
from ..explain.model import JobRecord, StepRecord
from ..fs.trees import Tree
from ..yamlsource import load_yaml

__all__ = [
    "CACHE_MAJOR",
    "IMAGE_MOVED",
    "UNTRUSTED_EVENTS",
    "JobText",
    "Pinning",
    "StepFit",
    "cache_turned_off",
    "cache_uses",
    "directory_option",
    "first_checkout",
    "moved_path",
    "movers",
    "replace_blocker",
    "repository_pinning",
    "restore_only_note",
    "untrusted_events",
    "untrusted_events_of",
]

CACHE_MAJOR: Final = 4
"""The actions/cache major proposed (v4: every runner version GitHub still supports runs it)."""

UNTRUSTED_EVENTS: Final = ("pull_request_target", "issue_comment", "workflow_run")
"""Triggers whose runs execute with the base repository's cache scope on behalf of someone who
cannot push to it: what such a run saves, trusted runs restore (cache poisoning)."""

Pinning = Literal["sha", "tag"]
_SHA = re.compile(r"[0-9a-fA-F]{40}")

# The option naming the directory a manager works in, per tool (npm -C is --prefix already).
_DIRECTORY_OPTIONS: Final[Mapping[str, tuple[str, ...]]] = {
    "npm": ("--prefix",),
    "yarn": ("--cwd",),
    "pnpm": ("--dir",),
    "poetry": ("--directory", "--project"),
    "uv": ("--directory", "--project"),
    "pdm": ("--project",),
}

# Environment variables that move a manager's cache directory: (variables, default roots as the
# recipes spell them on every OS). A recipe path under a default root moves with the variable.
_MOVERS: Final[tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]] = (
    (("PIP_CACHE_DIR",), ("~/.cache/pip", "~/Library/Caches/pip", "~\\AppData\\Local\\pip\\Cache")),
    (("UV_CACHE_DIR",), ("~/.cache/uv", "~\\AppData\\Local\\uv\\cache")),
    (
        ("POETRY_CACHE_DIR",),
        ("~/.cache/pypoetry", "~/Library/Caches/pypoetry", "~\\AppData\\Local\\pypoetry\\Cache"),
    ),
    (
        ("PIPENV_CACHE_DIR",),
        ("~/.cache/pipenv", "~/Library/Caches/pipenv", "~\\AppData\\Local\\pipenv\\pipenv\\Cache"),
    ),
    (("npm_config_cache", "NPM_CONFIG_CACHE"), ("~/.npm", "C:\\npm\\cache")),
    (
        ("YARN_CACHE_FOLDER",),
        ("~/.cache/yarn", "~/Library/Caches/Yarn", "~\\AppData\\Local\\Yarn\\Cache"),
    ),
    (("GOMODCACHE",), ("~/go/pkg/mod",)),
    (
        ("GOCACHE",),
        ("~/.cache/go-build", "~/Library/Caches/go-build", "~\\AppData\\Local\\go-build"),
    ),
    (("CARGO_HOME",), ("~/.cargo",)),
    (("GRADLE_USER_HOME",), ("~/.gradle",)),
)


def first_checkout(steps: Sequence[StepRecord]) -> int | None:
    """The index of the job's first ``actions/checkout`` step (None: the job has none)."""
    return next(
        (
            s.index
            for s in steps
            if s.uses and s.uses.lower().split("@", 1)[0] == "actions/checkout" and not s.via
        ),
        None,
    )


def untrusted_events(job: JobRecord) -> tuple[str, ...]:
    """The job's triggers under which a cache it saves would poison trusted runs."""
    return tuple(e for e in job.events if e in UNTRUSTED_EVENTS)


def untrusted_events_of(jobs: Sequence[JobRecord], cache: Any) -> tuple[str, ...]:
    """The untrusted triggers of the job a cache report belongs to."""
    job = next((j for j in jobs if (j.workflow, j.job) == (cache.workflow, cache.job)), None)
    return untrusted_events(job) if job is not None else ()


_OFF: Final = (
    ("enable-cache", "false"),
    ("cache", "false"),
    ("package-manager-cache", "false"),
    ("cache-disabled", "true"),
)
"""Setup-action inputs that turn their cache off (setup-uv, setup-go/-rust-toolchain, setup-node
v5's automatic cache, setup-gradle)."""


def cache_turned_off(inputs: Mapping[str, str]) -> str | None:
    """``input: value`` when the step's inputs turn its action's cache off on purpose."""
    for name, off in _OFF:
        value = inputs.get(name)
        if value is not None and value.strip().lower() == off:
            return f"{name}: {value.strip()}"
    return None


def directory_option(tool: str, options: Sequence[tuple[str, str | None]]) -> str | None:
    """The directory a command names with ``--prefix``/``--cwd``/``--dir``/``--directory``: a
    relative path without variables, else None (an absolute or computed one cannot be keyed)."""
    names = _DIRECTORY_OPTIONS.get(tool, ())
    value = next((v for n, v in options if n in names and v), None)
    if value is None or value.startswith(("/", "~")) or "$" in value or ":" in value:
        return None
    return value


@dataclass(frozen=True)
class JobText:
    """The job as written (not evaluated): its env, the workflow's env, its steps' text."""

    workflow_env: Mapping[str, Any]
    job_env: Mapping[str, Any]
    steps: tuple[Mapping[str, Any], ...]
    outputs: Mapping[str, Any]
    pinning: Pinning
    container: str = ""  # the job's container image ("" when it runs on the runner itself)

    @classmethod
    def read(cls, tree: Tree, workflow: str, job: str, repo_pinning: Pinning) -> JobText | None:
        """The job's text, or None when the file does not read as a workflow with that job."""
        try:
            doc = load_yaml(tree.read(workflow), workflow)
        except (CachekitError, OSError, UnicodeDecodeError):
            return None
        if not isinstance(doc, Mapping) or not isinstance(doc.get("jobs"), Mapping):
            return None
        body = doc["jobs"].get(job)
        if not isinstance(body, Mapping):
            return None
        steps = body.get("steps")
        steps = [s for s in steps if isinstance(s, Mapping)] if isinstance(steps, list) else []
        pinning = _pinning(_remote_refs(doc)) or repo_pinning
        container = body.get("container")
        image = (
            _mapping(container).get("image", "") if not isinstance(container, str) else container
        )
        return cls(
            _mapping(doc.get("env")),
            _mapping(body.get("env")),
            tuple(steps),
            _mapping(body.get("outputs")),
            pinning,
            str(image or ""),
        )

    def outputs_read(self, step_id: str, after: int) -> set[str]:
        """The ``steps.<id>.outputs.<name>`` names read after step ``after`` (0-based) or by the
        job's ``outputs:``; ``outcome``/``conclusion`` (which any step has) are not outputs."""
        text = json.dumps([list(self.steps[after + 1 :]), dict(self.outputs)], default=str)
        pattern = r"steps\s*\.\s*" + re.escape(step_id) + r"\s*\.\s*outputs\s*\.\s*([\w-]+)"
        named = r"steps\s*\[\s*\\?['\"]" + re.escape(step_id) + r"\\?['\"]\s*\]"
        found = set(re.findall(pattern, text))
        if re.search(named, text):
            found.add("*")  # an index expression: which output cannot be told
        return found

    def env_value(self, variables: Sequence[str], step: int) -> str | None:
        """An expression (or text) for a variable as the new cache step sees it: ``${{ env.X }}``
        when the workflow or job sets it, the install step's own text when only that step does
        (None when neither sets it, or the text needs a shell to expand)."""
        for name in variables:
            if name in self.job_env or name in self.workflow_env:
                return "${{ env." + name + " }}"
        own = _mapping(self.steps[step].get("env")) if 0 <= step < len(self.steps) else {}
        for name in variables:
            value = own.get(name)
            if isinstance(value, str) and value.strip() and not _needs_shell(value):
                return value.strip()
        return None


IMAGE_MOVED: Final[Mapping[str, str]] = {
    "go": "GOPATH (golang images set /go)",
    "rust": "CARGO_HOME (rust images set /usr/local/cargo)",
}
"""Ecosystems whose directories container images commonly move through their own env: in a
container job the path cannot be read from the repository."""


def moved_path(
    path: str, env_value: Mapping[tuple[str, ...], str | None]
) -> tuple[str, str] | None:
    """``path`` under the directory the job's env moves it to, and the variable that moves it
    (None: the env does not move it). ``env_value`` gives, per mover's variables, the value
    from :meth:`JobText.env_value`."""
    for variables, roots in _MOVERS:
        value = env_value.get(variables)
        if not value:
            continue
        for root in roots:
            if path == root or path.startswith((root + "/", root + "\\")):
                return value.rstrip("/\\") + path[len(root) :], variables[0]
    return None


def movers() -> tuple[tuple[str, ...], ...]:
    """The variable groups that move a cache directory (each one key of ``moved_path``)."""
    return tuple(variables for variables, _ in _MOVERS)


def cache_uses(pinning: Pinning, *, restore_only: bool) -> tuple[str, str | None]:
    """``uses:`` for the proposed cache step and its comment (the tag, for a SHA pin)."""
    action = "actions/cache/restore" if restore_only else "actions/cache"
    if pinning == "sha":
        release = latest_release("actions/cache", CACHE_MAJOR)
        return f"{action}@{release.commit}", release.tag
    return f"{action}@v{CACHE_MAJOR}", None


def repository_pinning(tree: Tree, workflows: Sequence[str]) -> Pinning:
    """How the repository's workflows pin actions, all together (for a workflow without any)."""
    refs: list[str] = []
    for path in workflows:
        try:
            refs += _remote_refs(load_yaml(tree.read(path), path))
        except (CachekitError, OSError, UnicodeDecodeError):
            continue
    return _pinning(refs) or "tag"


def _pinning(refs: Sequence[str]) -> Pinning | None:
    """SHA when most remote ``uses:`` are pinned to a full commit (ties too), else tag."""
    if not refs:
        return None
    pinned = sum(1 for r in refs if _SHA.fullmatch(r))
    return "sha" if pinned * 2 >= len(refs) else "tag"


def _remote_refs(doc: Any) -> list[str]:
    """The refs of a workflow's remote actions (``owner/repo@ref``): steps' and reusable jobs'."""
    refs: list[str] = []
    jobs = doc.get("jobs") if isinstance(doc, Mapping) else None
    for body in jobs.values() if isinstance(jobs, Mapping) else ():
        if not isinstance(body, Mapping):
            continue
        uses = [body.get("uses")]
        steps = body.get("steps")
        if isinstance(steps, list):
            uses += [s.get("uses") for s in steps if isinstance(s, Mapping)]
        for u in uses:
            if isinstance(u, str) and "@" in u and not u.startswith(("./", "docker://")):
                refs.append(u.rsplit("@", 1)[1].strip())
    return refs


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _needs_shell(value: str) -> bool:
    """``$HOME/x`` or ``$(pwd)``: text only a shell expands (``${{ }}`` the runner does)."""
    return "$" in re.sub(r"\$\{\{.*?\}\}", "", value)


class StepFit:
    """The job's facts a new cache step follows: its pinning, its env's directories, its
    trigger (restore-only where a save would poison trusted runs)."""

    def __init__(self, text: JobText | None, at: int, *, restore_only: bool) -> None:
        self.uses, self.tag = cache_uses(text.pinning if text else "tag", restore_only=restore_only)
        self._env = {v: text.env_value(v, at) for v in movers()} if text else {}
        self.moved: list[str] = []  # the variables that moved a path

    def path(self, default: str) -> str:
        """The recipe's default path, or where the job's env moves it."""
        moved = moved_path(default, self._env)
        if moved is None:
            return default
        self.moved.append(moved[1])
        return moved[0]

    def notes(self, notes: list[str]) -> list[str]:
        """The recipe's notes, those about a variable the job sets replaced by what was done."""
        if not self.moved:
            return notes
        kept = [n for n in notes if not any(v in n for v in self.moved)]
        return [*kept, f"the path follows the job's env ({', '.join(self.moved)})"]


def restore_only_note(untrusted: tuple[str, ...]) -> str:
    return (
        f"the workflow runs on {', '.join(untrusted)}: a cache saved there runs with the base "
        "repository's cache scope on behalf of others, and trusted runs would restore it "
        "(cache poisoning), so the step only restores; save the same key from a trusted "
        "workflow (push to the default branch)"
    )


_CACHE_OUTPUTS: Final = frozenset({"cache-hit"})
"""What actions/cache (and actions/cache/restore) set that a replaced step's readers may use."""


def replace_blocker(
    target: Any, steps: Sequence[StepRecord], text: JobText | None, recipe: Recipe
) -> str | None:
    """Why the cache step ``target`` must not be replaced, or None: only an actions/cache step
    is replaced, and never one whose outputs later steps read other than ``cache-hit``, nor
    one whose ``cache-hit`` guards an install when the new cache holds only downloads (the
    install would be skipped on a hit with nothing installed)."""
    where = f"the cache at line {target.mark.line}"
    action = target.uses.lower().split("@", 1)[0]
    if action != "actions/cache":
        return f"{where} is {action}, which cachekit does not replace: edit it by hand"
    index = target.step_index
    step_id = steps[index].id if index < len(steps) else None
    if not step_id or text is None:
        return None
    read = text.outputs_read(step_id, index)
    if read - _CACHE_OUTPUTS:
        names = ", ".join(sorted(n for n in read if n != "*") or ["an indexed output"])
        return (
            f"{where} is read by later steps (steps.{step_id}.outputs: {names}), which the "
            "proposed cache does not set: it is left as it is"
        )
    if "cache-hit" in read and recipe.kind != "built-env":
        return (
            f"a later step reads steps.{step_id}.outputs.cache-hit (to skip an install on a "
            "hit); the proposed cache holds downloads only, so on a hit nothing would be "
            f"installed: {where} is left as it is"
        )
    return None
