"""The pieces of one suggestion, apart from the walk over jobs in :mod:`.engine`.

Which recipe fits a job, where a setup action's ``cache:`` input can go, which comments the new
step carries, and how a job's proposals merge (one setup input, one cache step per manager):
each decides one thing about a :class:`.model.Proposal` and reads nothing but its arguments,
so the engine stays the sequence of decisions and these stay testable on their own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..ecosystems import registry
from ..environments.paths import classify_path
from ..explain.model import JobRecord, StepRecord
from ..fs.trees import Tree
from .ecosystems import Manager
from .fit import first_checkout
from .model import Proposal
from .recipes import Recipe, render_hash_files

__all__ = [
    "SetupPlace",
    "action_outputs_blocker",
    "ecosystem_of",
    "fit_setup_place",
    "holds_built_env",
    "insert_before",
    "join_directory",
    "key_and_paths",
    "loose_env_notes",
    "merge_cache_steps",
    "merge_setup_inputs",
    "pick_recipe",
    "setup_for",
    "step_comments",
    "uses_action",
]


def fit_setup_place(
    place: SetupPlace, steps: list[StepRecord], untrusted: tuple[str, ...]
) -> tuple[SetupPlace, list[str]]:
    """The setup step's cache input is not proposed where it would break the job (the step
    runs before the checkout: the files its key hashes are not there yet, and the action fails
    the step) or save from an untrusted trigger; a cache step is proposed instead, and why."""
    if place.step is None:
        return place, []
    checkout = first_checkout(steps)
    if checkout is not None and place.step.index < checkout:
        why = (
            f"{place.action} (step {place.step.index + 1}) runs before the checkout (step "
            f"{checkout + 1}): its cache input would fail that step, since the files its key "
            "hashes are not there yet; a cache step after the checkout instead"
        )
        return replace(place, step=None), [why]
    if untrusted:
        why = f"{place.action}'s cache input saves as well as restores: a cache step instead"
        return replace(place, step=None), [why]
    return place, []


def action_outputs_blocker(
    tree: Tree, target: Any, step_id: str | None, recipe: Recipe
) -> str | None:
    """Why a composite action's cache step must stay: the action (its later steps or its
    ``outputs:``) reads the step's outputs other than ``cache-hit``, or reads ``cache-hit``
    while the new cache would hold downloads only."""
    if not step_id:
        return None
    text = tree.read(target.mark.path).decode("utf-8", "replace")
    pattern = r"steps\s*\.\s*" + re.escape(step_id) + r"\s*\.\s*outputs\s*\.\s*([\w-]+)"
    read = set(re.findall(pattern, text))
    if re.search(r"steps\s*\[\s*['\"]" + re.escape(step_id), text):
        read.add("*")
    where = f"the cache at {target.mark}"
    if read - {"cache-hit"}:
        return f"{where} has outputs the action reads ({', '.join(sorted(read))}): left as it is"
    if read and recipe.kind != "built-env":
        return (
            f"the action reads steps.{step_id}.outputs.cache-hit; the proposed cache holds "
            f"downloads only, so on a hit nothing would be installed: {where} is left as it is"
        )
    return None


def key_and_paths(p: Proposal) -> tuple[str, tuple[str, ...]]:
    inputs = p.step["with"]
    return str(inputs["key"]), tuple(str(inputs["path"]).splitlines())


def holds_built_env(job: JobRecord, existing: Sequence[Any]) -> bool:
    """Whether one of the job's existing caches holds an installed environment."""
    os_name = job.os or "Linux"
    return any(classify_path(p, os=os_name).kind == "built-env" for r in existing for p in r.paths)


def loose_env_notes(built: bool, locked: bool) -> tuple[str, ...]:
    """A cached environment built from loose requirements is not re-proposed as such."""
    if built and not locked:
        return (
            "the job cached an installed environment built from loose requirements: "
            "a download cache is proposed instead (pin the requirements with pip-compile or "
            "uv to cache the environment itself)",
        )
    return ()


def pick_recipe(
    recipes: Sequence[Recipe],
    steps: list[StepRecord],
    manager: Manager,
    existing: Sequence[Any],
    built_and_locked: bool,
) -> Recipe:
    """The recipe to propose among ``recipes`` (the download cache first)."""
    if manager.name == "poetry":
        return _poetry_recipe(steps, recipes)
    recipe = recipes[0]
    if built_and_locked:
        return next((r for r in recipes if r.key_needs_interpreter), recipe)
    if recipe.setup_action is None and manager.locks and not existing:
        # A setup action that caches the locked environment itself beats a hand-written
        # step (setup-python's pipenv cache, setup-go's module + build cache).
        present = {s.uses.lower().split("@")[0] for s in steps if s.uses}
        return next(
            (r for r in recipes if r.setup_action is not None and r.setup_action[0] in present),
            recipe,
        )
    return recipe


def _poetry_recipe(steps: list[StepRecord], recipes: Sequence[Recipe]) -> Recipe:
    """setup-python's poetry cache needs poetry on PATH before setup-python runs."""
    setup_at = next((s.index for s in steps if uses_action(s, "actions/setup-python")), None)
    poetry_before = any(
        s.index < (setup_at if setup_at is not None else -1)
        and ((s.run and "poetry" in s.run) or (s.uses and "install-poetry" in s.uses.lower()))
        for s in steps
    )
    venv = next((r for r in recipes if r.key_needs_interpreter), recipes[0])
    if poetry_before:
        return venv
    return replace(recipes[0], setup_action=None)


@dataclass(frozen=True)
class SetupPlace:
    """A recipe's setup action in the job: the step that runs it before the first install (if
    any), and the existing caches that are cache steps rather than that action's input."""

    setup: tuple[str, dict[str, str]] | None
    step: StepRecord | None
    cache_steps: tuple[Any, ...]

    @classmethod
    def of(
        cls, recipe: Recipe, steps: list[StepRecord], first_install: int, existing: Sequence[Any]
    ) -> SetupPlace:
        setup = recipe.setup_action
        if setup is None:
            return cls(None, None, tuple(existing))
        step = next(
            (s for s in steps if uses_action(s, setup[0]) and s.index < first_install), None
        )
        by_setup = [r for r in existing if r.uses.lower().startswith(setup[0])]
        return cls(setup, step, tuple(r for r in existing if r not in by_setup))

    @property
    def action(self) -> str | None:
        return self.setup[0] if self.setup is not None else None

    def dependency_inputs(self, patterns: Sequence[str]) -> dict[str, str]:
        """The setup action's cache inputs, its dependency path set to the key's patterns."""
        assert self.setup is not None
        inputs = dict(self.setup[1])
        for name in ("cache-dependency-path", "cache-dependency-glob"):
            if name in inputs:
                inputs[name] = "\n".join(patterns)
        return inputs

    def alternative_note(self, patterns: Sequence[str]) -> str:
        """Why a cache step is corrected although the setup action could cache instead."""
        assert self.setup is not None and self.step is not None
        alternative = ", ".join(
            f"{k}: {' '.join(patterns) if k.startswith('cache-dependency') else v}"
            for k, v in self.setup[1].items()
        )
        return (
            f"{self.setup[0]} (step {self.step.index + 1}) can do the same with {alternative};"
            " the existing cache step is corrected in place instead, to keep the change small"
        )


def step_comments(recipe: Recipe, step: dict[str, Any]) -> dict[str, str]:
    """The comment on each line of a proposed cache step: what it holds and why it is safe."""
    kinds = {p.kind for p in recipe.paths}
    comments = {
        "path": "installed files: valid for one lock and interpreter"
        if "built-env" in kinds
        else "downloads only: every run still installs, from local files",
        "key": "every file the install reads"
        + (" + the interpreter" if recipe.key_needs_interpreter else ""),
    }
    if step["with"].get("restore-keys"):
        comments["restore-keys"] = "safe for downloads: what is missing is fetched"
    return comments


def insert_before(manager: Manager, steps: list[StepRecord], first_install: int) -> int:
    """Where a new cache step goes: before the first install, and for conda before
    setup-miniconda, which reads the package cache when it runs."""
    if manager.name != "conda":
        return first_install
    return next(
        (
            st.index
            for st in steps
            if st.uses and "setup-miniconda" in st.uses.lower() and st.index < first_install
        ),
        first_install,
    )


def merge_setup_inputs(proposals: list[Proposal]) -> list[Proposal]:
    """One setup step, one cache: installs in several directories (a root ``npm ci`` and one
    in ``packages/x``) share the step's cache, so its dependency path lists every lock."""
    merged: list[Proposal] = []
    by_step: dict[tuple[int, str], int] = {}
    for p in proposals:
        if p.action != "setup-input":
            merged.append(p)
            continue
        slot = (p.step_index, p.inputs.get("cache", p.inputs.get("enable-cache", "")))
        if slot not in by_step:
            by_step[slot] = len(merged)
            merged.append(p)
            continue
        first = merged[by_step[slot]]
        inputs = dict(first.inputs)
        for name in ("cache-dependency-path", "cache-dependency-glob"):
            if name in p.inputs:
                lines = [*inputs.get(name, "").splitlines(), *p.inputs[name].splitlines()]
                inputs[name] = "\n".join(dict.fromkeys(x for x in lines if x))
        where = ", ".join(x for x in (first.directory or ".", p.directory or ".") if x)
        merged[by_step[slot]] = replace(
            first,
            inputs=inputs,
            directory=where,
            notes=tuple(dict.fromkeys((*first.notes, *p.notes))),
            replaces=tuple(dict.fromkeys((*first.replaces, *p.replaces))),
        )
    return merged


_HASH_FILES = re.compile(r"hashFiles\(((?:\s*'(?:[^']|'')*'\s*,?)+)\)")


def merge_cache_steps(proposals: list[Proposal]) -> list[Proposal]:
    """One directory, one cache step: installs of one manager in several directories of a job
    (``npm install`` in ``docs/`` and at the root) share its download cache, so a step per
    directory would restore and save the same path twice under keys that each miss the other's
    manifests. They become one step, before the first install, keyed on every manifest."""
    merged: list[Proposal] = []
    by_slot: dict[tuple[str, str, str], int] = {}
    for p in proposals:
        if p.action != "add-step":
            merged.append(p)
            continue
        slot = (p.manager, str(p.step.get("uses")), str(p.step["with"]["path"]))
        if slot not in by_slot:
            by_slot[slot] = len(merged)
            merged.append(p)
            continue
        first = merged[by_slot[slot]]
        base = min((first, p), key=lambda x: (len(x.directory), x.step_index))
        union = render_hash_files(list(dict.fromkeys([*_key_patterns(first), *_key_patterns(p)])))
        inputs = dict(base.step["with"])
        found = _HASH_FILES.search(inputs["key"])
        if found is not None:
            inputs["key"] = inputs["key"][: found.start()] + union + inputs["key"][found.end() :]
        merged[by_slot[slot]] = replace(
            base,
            step_index=min(first.step_index, p.step_index),
            step={**base.step, "with": inputs},
            directory=", ".join(dict.fromkeys(x.directory or "." for x in (first, p))),
            notes=tuple(dict.fromkeys((*first.notes, *p.notes))),
        )
    return merged


def _key_patterns(p: Proposal) -> list[str]:
    found = _HASH_FILES.search(str(p.step["with"]["key"]))
    if found is None:
        return []
    return [m.replace("''", "'") for m in re.findall(r"'((?:[^']|'')*)'", found.group(1))]


def ecosystem_of(tool: str) -> str | None:
    return registry.ecosystem_of_tool(tool)


def setup_for(ecosystem: str) -> str | None:
    """The ``actions/setup-*`` action of an ecosystem (None for Rust, or one cachekit lacks)."""
    try:
        return registry.ecosystem(ecosystem).setup_action
    except KeyError:
        return None


def join_directory(*parts: str | None) -> str:
    out = [p.strip("/").removeprefix("./") for p in parts if p and p not in (".", "./")]
    return "/".join(x for x in out if x)


def uses_action(step: StepRecord, action: str) -> bool:
    return bool(step.uses) and str(step.uses).lower().split("@")[0] == action
