"""Propose, per job, the cache that matches what the job installs — and prove it with ``check``.

A suggestion starts from what the job *does* (its install commands, parsed from ``run:``),
not from which files happen to be in the repository: a job that runs ``pip install -r
requirements/test.txt`` needs a key over that file and its includes, whatever else the
repository holds. For each package manager a job uses, the recipe (paths, key, restore keys,
and whether a setup action's ``cache:`` input does the same job — :mod:`.recipes`) is fitted to
the job: the exact input files from :mod:`cachekit.checks.installs` for pip, the interpreter
expression for built environments, and the place in the job (before the first install).

A job whose existing cache ``check`` finds nothing wrong with is left alone. Every edit is
applied in memory and the result is run through ``check`` again: what ``suggest`` writes must
not be something ``check`` complains about, and any residual finding is reported with the
suggestion rather than hidden.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from typing import Any

from ..caches.releases import snapshot_note
from ..checks.engine import check_explained, release_jobs
from ..checks.installs import JobInstalls, _Reader, job_installs
from ..checks.model import CheckFinding
from ..ecosystems import registry
from ..environments.commands import parse_script
from ..environments.paths import classify_path
from ..explain import Options
from ..explain.core import explain_tree
from ..explain.model import ExplainResult, JobRecord, StepRecord
from ..fs.overlay import OverlayTree
from ..fs.trees import Tree
from .cachers import caches_by_default, other_cacher
from .compose import (
    SetupPlace,
    action_outputs_blocker,
    ecosystem_of,
    fit_setup_place,
    holds_built_env,
    insert_before,
    join_directory,
    key_and_paths,
    loose_env_notes,
    merge_cache_steps,
    merge_setup_inputs,
    pick_recipe,
    setup_for,
    step_comments,
    uses_action,
)
from .ecosystems import Manager, detect_managers
from .edit import EditRefused, EditResult, plan_edit
from .fit import (
    IMAGE_MOVED,
    JobText,
    Pinning,
    StepFit,
    cache_turned_off,
    directory_option,
    replace_blocker,
    repository_pinning,
    restore_only_note,
    untrusted_events,
    untrusted_events_of,
)
from .model import Proposal, SuggestResult
from .recipes import INTERPRETER, Recipe, key_patterns, recipes_for, render_hash_files

__all__ = ["Proposal", "SuggestResult", "suggest_tree"]

_INSTALL_ACTIONS = frozenset(
    {
        "install",
        "ci",
        "sync",
        "pip-install",
        "pip-sync",
        "download",
        "build",
        "test",
        "fetch",
        "create",
        "env-create",
        "env-update",
    }
)
# Findings on a cache that mean it should be replaced (notes alone do not).
_KEEP_IF_ONLY = frozenset({"note"})


def _top(job: JobRecord) -> list[StepRecord]:
    return [s for s in job.steps if not s.via]


class _Suggester:
    def __init__(self, tree: Tree, explained: ExplainResult) -> None:
        self.tree = tree
        self.explained = explained
        self.managers = detect_managers(tree)
        self.reader = _Reader(tree)
        self.check = check_explained(tree, explained)
        self.releases = release_jobs(explained.jobs)
        self.kept: list[str] = []
        self._pinning: Pinning | None = None

    def job_text(self, job: JobRecord) -> JobText | None:
        """The job as written, with the pinning its workflow (else the repository) follows."""
        if self._pinning is None:
            workflows = sorted({j.workflow for j in self.explained.jobs})
            self._pinning = repository_pinning(self.tree, workflows)
        return JobText.read(self.tree, job.workflow, job.job, self._pinning)

    # --- jobs -------------------------------------------------------------------------------

    def jobs(self) -> list[list[JobRecord]]:
        """Job combinations grouped by job definition (a matrix is one job to edit)."""
        grouped: dict[tuple[str, str], list[JobRecord]] = {}
        for job in self.explained.jobs:
            if "/" in job.job:  # inside a reusable workflow: edited there, not here
                continue
            grouped.setdefault((job.workflow, job.job), []).append(job)
        return list(grouped.values())

    def propose(self) -> list[Proposal]:
        out: list[Proposal] = []
        for combos in self.jobs():
            out.extend(merge_cache_steps(merge_setup_inputs(self._job(combos))))
        return self._paired(self._per_action(out))

    def _per_action(self, proposals: list[Proposal]) -> list[Proposal]:
        """One edit per composite action step, whichever jobs use it: the jobs that call it
        must all need the same step, else nothing is written there (one action file cannot
        hold two fixes) and the reason is said."""
        groups: dict[tuple[str, int], list[Proposal]] = {}
        out: list[Proposal] = []
        for p in proposals:
            if p.file == p.workflow:
                out.append(p)
            elif (p.file, p.step_index) not in groups:
                groups[p.file, p.step_index] = [p]
                out.append(p)
            else:
                groups[p.file, p.step_index].append(p)
        for (path, index), items in groups.items():
            first = items[0]
            users = tuple(dict.fromkeys(u for p in items for u in p.used_by))
            if any((p.step, p.inputs) != (first.step, first.inputs) for p in items):
                out.remove(first)
                self.kept.append(
                    f"{path} step {index + 1}: the jobs that use this composite action "
                    f"({'; '.join(users)}) need different caches (they install from different "
                    "files): one action file cannot hold both, so nothing is written there"
                )
                continue
            out[out.index(first)] = replace(first, used_by=users)
        return out

    def _paired(self, proposals: list[Proposal]) -> list[Proposal]:
        """Restore-only proposals (untrusted triggers) that a trusted job saves: a restore no
        job saves for always misses, so it is dropped with the reason."""
        saved = {
            (r.key_template, r.paths)
            for r in self.explained.caches
            if "save" in r.kind and not untrusted_events_of(self.explained.jobs, r)
        }
        saved |= {
            key_and_paths(p)
            for p in proposals
            if p.step and not str(p.step.get("uses", "")).startswith("actions/cache/restore@")
        }
        out: list[Proposal] = []
        for p in proposals:
            uses = str(p.step.get("uses", "")) if p.step else ""
            if uses.startswith("actions/cache/restore@") and key_and_paths(p) not in saved:
                self.kept.append(
                    f"{p.workflow} {p.job}: a cache it saved would reach trusted runs (cache "
                    f"poisoning), and no job on a trusted trigger saves the {p.manager} cache a "
                    "restore-only step could read: none is proposed"
                )
                continue
            out.append(p)
        return out

    def _job(self, combos: list[JobRecord]) -> list[Proposal]:
        job = combos[0]
        steps = _top(job)
        if (job.workflow, job.job) in self.releases:
            self.kept.append(
                f"{job.workflow} {job.job}: no cache suggested — the job publishes or builds "
                "what is published, and a restored cache would decide what goes into the release"
            )
            return []
        steered = self._steers_release(job)
        if steered is not None:
            self.kept.append(
                f"{job.workflow} {job.job}: no cache suggested — its outputs feed {steered}, "
                "which publishes: a restored cache there could decide what is released"
            )
            return []
        foreign = next(
            (
                s
                for s in steps
                if uses_action(s, "actions/checkout")
                and s.with_.get("repository", "").strip()
                and "${{" not in s.with_.get("repository", "")
            ),
            None,
        )
        if foreign is not None:
            self.kept.append(
                f"{job.workflow} {job.job}: no cache suggested — it works in a checkout of "
                f"{foreign.with_['repository']} (line {foreign.mark.line}), not of this "
                "repository"
            )
            return []
        installs = job_installs(self.tree, job, self.reader)
        used = self._used_managers(job, installs)
        proposals: list[Proposal] = []
        for (ecosystem, tool, directory), first_step in used.items():
            manager = self._manager(ecosystem, tool, directory)
            if manager is not None and tool == "uv" and manager.name in ("pip", "pip-tools"):
                # `uv pip install -r requirements.txt`: pip's files, uv's cache (~/.cache/uv);
                # pip's own cache would stay empty
                manager = replace(manager, name="uv")
            if manager is None:
                self.kept.append(
                    f"{job.workflow} {job.job}: {tool} in '{directory or '.'}' installs from "
                    "nothing a key could hash (no manifest or lock found)"
                )
                continue
            other = other_cacher(list(job.steps), ecosystem, manager.name)
            if other is not None:
                default = "setup-uv" in (other.uses or "") and not other.with_.get("enable-cache")
                how = "by default" if default else ""
                self.kept.append(
                    f"{job.workflow} {job.job}: {other.uses} (line {other.mark.line}) already "
                    f"caches {manager.name}'s files{' ' + how if how else ''}: a second cache "
                    "would store them twice"
                )
                continue
            existing = self._existing(job, ecosystem, manager)
            problems = self._problems(job, existing)
            if existing and not problems:
                where = existing[0].mark
                at = f"line {where.line}" if where.path == job.workflow else str(where)
                self.kept.append(
                    f"{job.workflow} {job.job}: the {manager.name} cache at {at} is right "
                    "as it is (check finds nothing)"
                )
                continue
            opaque = None if existing else self._opaque_composite(job, first_step)
            if opaque is not None:
                self.kept.append(
                    f"{job.workflow} {job.job}: {opaque.uses} (line {opaque.mark.line}) caches "
                    "paths it computes at run time, which may hold "
                    f"{manager.name}'s files: a second cache could store them twice"
                )
                continue
            hand = next(
                (
                    r
                    for r in existing
                    if r.mark.path != job.workflow
                    and r.uses.lower().split("@", 1)[0] != "actions/cache"
                ),
                None,
            )
            if hand is not None:  # a second cache in the workflow would store it twice
                self.kept.append(
                    f"{job.workflow} {job.job}: the {manager.name} cache at {hand.mark} "
                    f"({hand.uses}, in a composite action) has {'; '.join(problems)}: "
                    "cachekit does not rewrite that action's inputs, edit it by hand"
                )
                continue
            proposal = self._proposal(job, steps, installs, manager, first_step, existing, problems)
            if proposal is not None:
                proposals.append(proposal)
        return proposals

    def _opaque_composite(self, job: JobRecord, first_install: int) -> StepRecord | None:
        """A local composite action the job runs up to its first install whose cache paths
        cachekit cannot classify (``${{ steps.config.outputs.cache-dir }}/artifacts``): it may
        already cache this manager's files (#12 item 20), so nothing is added next to it."""
        for step in _top(job):
            if step.index > first_install or not (step.uses or "").startswith("./"):
                continue
            for index in step.caches:
                report = self.explained.caches[index]
                os_name = job.os or "Linux"
                if any(classify_path(p, os=os_name).kind == "unknown" for p in report.paths):
                    return step
        return None

    def _steers_release(self, job: JobRecord) -> str | None:
        """The publishing job that reads this job's ``outputs:`` (through ``needs``), if any:
        a build matrix or a "what to release" decision is part of the release."""
        text = self.job_text(job)
        if text is None or not text.outputs:
            return None
        return next(
            (
                other.job
                for other in self.explained.jobs
                if other.workflow == job.workflow
                and job.job in other.needs
                and (other.workflow, other.job) in self.releases
            ),
            None,
        )

    def _used_managers(
        self, job: JobRecord, installs: JobInstalls
    ) -> dict[tuple[str, str, str], int]:
        """(ecosystem, tool, directory) → index of the first step that uses it."""
        used: dict[tuple[str, str, str], int] = {}
        calls = {(s.mark.path, s.mark.line): s.index for s in _top(job)}
        for step in job.steps:
            if step.run is None:
                continue
            # an install inside a composite action counts at the step that calls the action
            index = calls.get((step.via[0].path, step.via[0].line), -1) if step.via else step.index
            if index < 0:
                continue
            for cmd in parse_script(step.run, shell=step.shell).commands:
                if cmd.tooling or cmd.action not in _INSTALL_ACTIONS:
                    continue
                eco = ecosystem_of(cmd.tool)
                if eco is None:
                    continue
                if eco == "python" and not any(
                    i.command is cmd or (i.step is step and i.command.text == cmd.text)
                    for i in installs.installs
                ):
                    continue
                named = directory_option(cmd.tool, cmd.options)
                directory = join_directory(step.working_directory, cmd.cwd, named)
                used.setdefault((eco, cmd.tool, directory), index)
        return used

    def _manager(self, ecosystem: str, tool: str, directory: str) -> Manager | None:
        names = registry.managers_of_tool(tool)
        for name in names:
            for m in self.managers:
                if m.ecosystem == ecosystem and m.name == name and m.directory == directory:
                    return m
        return None

    def _existing(self, job: JobRecord, ecosystem: str, manager: Manager) -> list[Any]:
        """The job's caches (top-level steps) that hold this ecosystem's files."""
        out = []
        for step in _top(job):
            for index in step.caches:
                report = self.explained.caches[index]
                setup = setup_for(ecosystem)
                if setup and report.uses.lower().startswith(setup):
                    out.append(report)
                    continue
                classes = [
                    classify_path(p, os=job.os or "Linux", env=step.env) for p in report.paths
                ]
                if any(c.ecosystem == ecosystem for c in classes):
                    out.append(report)
        del manager
        return out

    def _problems(self, job: JobRecord, existing: Sequence[Any]) -> tuple[str, ...]:
        lines = {(r.mark.path, r.mark.line) for r in existing}
        # check reports a composite action's step once for all the jobs that use it
        return tuple(
            f"{f.code}: {f.message}"
            for f in self.check.findings
            if (f.file, f.line) in lines
            and (f.job == job.job or f.file != job.workflow)
            and f.severity not in _KEEP_IF_ONLY
        )

    # --- one proposal ---------------------------------------------------------------------

    def _key_files(self, manager: Manager, installs: JobInstalls, recipe: Recipe) -> list[str]:
        if manager.name in ("pip", "pip-tools", "uv"):
            files = [
                f.path
                for i in installs.installs
                if i.command.tool in ("pip", "pip-sync", "uv")
                for f in i.files
                if f.exists
            ]
            if files:
                return list(dict.fromkeys(files))
        return list(recipe.key_files)

    def _proposal(
        self,
        job: JobRecord,
        steps: list[StepRecord],
        installs: JobInstalls,
        manager: Manager,
        first_install: int,
        existing: Sequence[Any],
        problems: tuple[str, ...],
    ) -> Proposal | None:
        """The change for one manager in one job, in order of preference: leave it to a setup
        action that already caches, set the setup action's ``cache:`` input, correct the
        existing cache step, or add a step before the first install."""
        built = holds_built_env(job, existing)
        locked = all(i.locked for i in installs.installs) if installs.installs else False
        recipes = recipes_for(self.tree, manager, built_env=built and locked)
        if not recipes:
            return None
        recipe = pick_recipe(recipes, steps, manager, existing, built and locked)
        patterns = self._patterns(manager, installs, recipe)
        notes = [*loose_env_notes(built, locked), *recipe.notes]
        made = partial(
            Proposal, job.workflow, job.job, manager.name, manager.ecosystem, manager.directory
        )
        place = SetupPlace.of(recipe, steps, first_install, existing)
        if (
            place.step is not None
            and place.action == "astral-sh/setup-uv"
            and caches_by_default(place.step)
        ):
            self.kept.append(
                f"{job.workflow} {job.job}: {place.step.uses} caches uv's cache by default on "
                "GitHub-hosted runners (enable-cache: auto since v5, keyed on "
                f"{registry.manager('uv').locks[0]} and requirements files)"
            )
            return None
        off = cache_turned_off(place.step.with_) if place.step is not None else None
        if place.step is not None and off is not None:
            self.kept.append(
                f"{job.workflow} {job.job}: {place.step.uses} (line {place.step.mark.line}) "
                f"has {off}: the job turns caching off on purpose, so none is proposed"
            )
            return None
        text = self.job_text(job)
        untrusted = untrusted_events(job)
        place, moved = fit_setup_place(place, steps, untrusted)
        notes.extend(moved)
        if place.step is not None and not place.cache_steps:
            return made(
                "setup-input",
                place.step.index,
                inputs=place.dependency_inputs(patterns),
                notes=tuple(notes),
                replaces=problems,
            )
        before = insert_before(manager, steps, first_install)
        fit = StepFit(text, before, restore_only=bool(untrusted))
        step = self._cache_step(job, steps, manager, recipe, patterns, fit)
        image_env = IMAGE_MOVED.get(manager.ecosystem)
        if text is not None and text.container and image_env and not fit.moved:
            self.kept.append(
                f"{job.workflow} {job.job}: the job runs in {text.container}, whose own "
                f"environment decides {image_env}: where {manager.name} keeps its files "
                "cannot be read from the repository, so no cache step is proposed"
            )
            return None
        notes = fit.notes(notes)
        comments = step_comments(recipe, step)
        if fit.tag:
            comments["uses"] = fit.tag
        if untrusted:
            notes.append(restore_only_note(untrusted))
        if place.step is not None and place.cache_steps:
            notes.append(place.alternative_note(patterns))
        if place.cache_steps and place.cache_steps[0].mark.path != job.workflow:
            target = place.cache_steps[0]
            return self._in_action(
                job, target, manager, recipe, patterns, fit, made, notes, problems
            )
        if place.cache_steps:
            target = place.cache_steps[0]
            blocker = replace_blocker(target, steps, text, recipe)
            if blocker is not None:
                self.kept.append(f"{job.workflow} {job.job}: {blocker}")
                return None
            old_id = steps[target.step_index].id if target.step_index < len(steps) else None
            if old_id:  # later steps may read it: the replacement answers to the same id
                step = {"name": step["name"], "id": old_id, **step}
            return made(
                "replace-step",
                target.step_index,
                step=step,
                comments=comments,
                notes=tuple(notes),
                replaces=problems,
            )
        return made("add-step", before, step=step, comments=comments, notes=tuple(notes))

    def _in_action(
        self,
        job: JobRecord,
        target: Any,
        manager: Manager,
        recipe: Recipe,
        patterns: Sequence[str],
        fit: StepFit,
        made: Any,
        notes: list[str],
        problems: tuple[str, ...],
    ) -> Proposal | None:
        """The cache step inside a local composite action, corrected in the action file: its
        steps are the action's own (``steps.<id>`` there names the action's steps), and the job's
        ``uses:`` line is named with it."""
        source = next(
            s
            for s in job.steps
            if s.via and s.mark.path == target.mark.path and s.index == target.step_index
        )
        steps = [s for s in job.steps if s.via == source.via and s.mark.path == source.mark.path]
        blocker = replace_blocker(target, steps, None, recipe) or action_outputs_blocker(
            self.tree, target, source.id, recipe
        )
        if blocker is not None:
            self.kept.append(f"{job.workflow} {job.job}: {blocker} (in {target.mark.path})")
            return None
        step = self._cache_step(job, steps, manager, recipe, patterns, fit)
        if source.id:
            step = {"name": step["name"], "id": source.id, **step}
        comments = step_comments(recipe, step)
        if fit.tag:
            comments["uses"] = fit.tag
        proposal: Proposal = made(
            "replace-step",
            target.step_index,
            step=step,
            comments=comments,
            notes=tuple(notes),
            replaces=problems,
            file=target.mark.path,
            used_by=(f"{source.via[0]} job {job.job}",),
        )
        return proposal

    def _patterns(self, manager: Manager, installs: JobInstalls, recipe: Recipe) -> list[str]:
        """The key's ``hashFiles`` patterns: the recipe's own, or the shortest patterns for the
        files the job's installs actually read (falling back to the files themselves)."""
        files = self._key_files(manager, installs, recipe)
        if files == list(recipe.key_files):
            return files
        return list(key_patterns(self.tree, files)) or files

    def _interpreter(self, job: JobRecord, steps: list[StepRecord], manager: Manager) -> str:
        setup = setup_for(manager.ecosystem)
        step = next((s for s in steps if setup and uses_action(s, setup)), None)
        if manager.ecosystem == "python":
            if step is not None and step.id:
                return "${{ steps." + step.id + ".outputs.python-version }}"
            return "${{ env.pythonLocation }}"
        if step is not None and step.id and manager.ecosystem == "node":
            return "${{ steps." + step.id + ".outputs.node-version }}"
        return "${{ runner.os }}"

    def _cache_step(
        self,
        job: JobRecord,
        steps: list[StepRecord],
        manager: Manager,
        recipe: Recipe,
        patterns: Sequence[str],
        fit: StepFit,
    ) -> dict[str, Any]:
        os_name = job.os or "Linux"
        paths = [fit.path(p.path) for p in recipe.paths if p.runner_os in (None, os_name)]
        interp = self._interpreter(job, steps, manager)
        key = recipe.key_template
        old = render_hash_files(recipe.key_files) if recipe.key_files else None
        new = render_hash_files(list(patterns))
        if old and old in key:
            key = key.replace(old, new)
        key = key.replace(INTERPRETER, interp)
        restore = [k.replace(INTERPRETER, interp) for k in recipe.restore_keys]
        with_: dict[str, Any] = {"path": "\n".join(paths) if len(paths) > 1 else paths[0]}
        with_["key"] = key
        if restore:
            with_["restore-keys"] = "\n".join(restore)
        return {"name": f"Cache {manager.name}", "uses": fit.uses, "with": with_}


def suggest_tree(tree: Tree, options: Options | None = None) -> SuggestResult:
    """Suggest caches for every job of the tree's workflows, with the edits and their check."""
    options = options or Options()
    explained = explain_tree(tree, options)
    suggester = _Suggester(tree, explained)
    proposals = suggester.propose()
    edits: list[EditResult] = []
    refused: list[str] = []
    by_workflow: dict[str, list[Proposal]] = {}
    for p in proposals:
        by_workflow.setdefault(p.file, []).append(p)
    for path, items in by_workflow.items():
        try:
            text = tree.read(path).decode("utf-8")
        except UnicodeDecodeError:
            refused.append(f"{path}: cannot edit safely: not UTF-8")
            continue
        edit, why = _plan_file(text, path, items)
        edits.extend([edit] if edit is not None else [])
        refused.extend(why)
    residual: list[CheckFinding] = []
    if edits:
        overlay = OverlayTree(tree, {e.path: e.after.encode("utf-8") for e in edits})
        rechecked = check_explained(overlay, explain_tree(overlay, options))
        changed = {e.path: _changed_lines(e) for e in edits}
        residual = [
            f
            for f in rechecked.findings
            if f.file in changed and f.line in changed[f.file] and f.severity != "note"
        ]
    return SuggestResult(
        root=explained.root,
        proposals=tuple(proposals),
        edits=tuple(edits),
        kept=tuple(suggester.kept),
        refused=tuple(refused),
        residual=tuple(residual),
        notes=tuple(sorted({n for c in explained.caches if (n := snapshot_note(c.uses))})),
    )


def _plan_file(
    text: str, path: str, items: Sequence[Proposal]
) -> tuple[EditResult | None, list[str]]:
    """The file with every proposal applied; when the editor refuses one step (a block it
    would reformat), the others still land and the refusal is reported for that one alone."""
    try:
        return plan_edit(text, path, [p.edit() for p in items]), []
    except EditRefused as exc:
        if len(items) == 1:
            return None, [str(exc)]
    fine: list[Proposal] = []
    refused: list[str] = []
    for p in items:
        try:
            plan_edit(text, path, [p.edit()])
            fine.append(p)
        except EditRefused as exc:
            refused.append(str(exc))
    if not fine:
        return None, refused
    try:
        return plan_edit(text, path, [p.edit() for p in fine]), refused
    except EditRefused as exc:
        return None, [*refused, str(exc)]


def _changed_lines(edit: EditResult) -> set[int]:
    """1-based lines of the edited text that differ from the original (the new steps)."""
    before = edit.before.splitlines()
    after = edit.after.splitlines()
    out: set[int] = set()
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, _i1, _i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            out.update(range(j1 + 1, j2 + 1))
    # a setup step whose inputs changed is reported at the step's first line
    for line in sorted(out):
        probe = line
        while probe > 1 and not after[probe - 1].lstrip().startswith("- "):
            probe -= 1
        out.add(probe)
    return out
