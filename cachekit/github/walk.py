"""Walk workflows the way a run would, and explain every cache on the way.

For each job × matrix combination the walker keeps what a run keeps — the environment
(workflow → job → step, plus what earlier steps export), step outputs, the runner — and at
each cache step evaluates the inputs as GitHub would, then asks the action's model
(:mod:`cachekit.caches`) what key, restore keys, paths and version it uses. Every value says
where it came from; what cannot be known offline stays :class:`~cachekit.expressions.Unknown`.

It follows local composite actions (``uses: ./.github/actions/x``) and local reusable
workflows (job-level ``uses: ./.github/workflows/x.yml``), with their inputs.

The walker is four layers, one module each: :mod:`.evaluate` (contexts, values, hashing),
:mod:`.reporting` (records), :mod:`.actionsteps` (actions through the registries) and this
one, the run emulation (workflows, jobs, matrix, needs, reusable workflows, composite
actions, ``run:`` steps).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..caches.actions.registry import lookup
from ..errors import CachekitError
from ..expressions import (
    EvaluationContext,
    Symbolic,
    Unknown,
    is_known,
)
from ..fs.trees import leaves_tree
from ..hashing.hashfiles import TargetOS
from ..yamlsource import Mark, WorkflowSyntaxError, YamlMap
from .actionsteps import ActionSteps
from .checkout import WORKSPACE_ACTIONS, local_action_path
from .runsteps import published_values
from .scope import JobScope
from .workflows import (
    MAX_COMPOSITE_DEPTH,
    MAX_WORKFLOW_LEVELS,
    Job,
    MatrixTooLarge,
    Step,
    Workflow,
    WorkflowProblem,
    expand_matrix,
    load_local_action,
    load_workflow,
    needs_order,
)

__all__ = ["Walker"]


def _known_but_axes(matrix: Mapping[str, Any]) -> bool:
    """Whether only whole axes are unknown (``python-version: ${{ fromJSON(inputs.x) }}``) and
    ``include``/``exclude`` are known and leave them alone: each such axis is then one value,
    the unknown, and the known axes still expand (a known ``runs-on`` axis gives runner.os)."""
    unknown = {k for k, v in matrix.items() if isinstance(v, Unknown)}
    if not unknown or unknown & {"include", "exclude"}:
        return False
    for entry_list in (matrix.get("include") or [], matrix.get("exclude") or []):
        if not isinstance(entry_list, list) or not is_known(entry_list):
            return False
        if any(isinstance(e, Mapping) and unknown & set(e) for e in entry_list):
            return False
    return all(is_known(v) for k, v in matrix.items() if k not in unknown)


class Walker(ActionSteps):
    """Explains every cache of a tree's workflows; see :func:`cachekit.explain.explain`."""

    def walk(self, workflows: list[Workflow]) -> None:
        called = {
            job.uses.path
            for wf in workflows
            for job in wf.jobs.values()
            if job.uses is not None and job.uses.kind == "local"
        }
        for wf in workflows:
            self._note_names(wf)
            for problem in wf.problems:
                self._problem(problem.mark, problem.message)
            self._check_hashfiles_placement(wf)
            if set(wf.on) == {"workflow_call"} and wf.path in called:
                continue  # explained through its callers, with their inputs
            self._workflow(wf, inputs=self._declared_inputs(wf), via=(), prefix="")

    def _workflow(
        self, wf: Workflow, *, inputs: Mapping[str, Any], via: tuple[Mark, ...], prefix: str
    ) -> None:
        for job in self._ordered(wf):
            if not prefix and self.options.job is not None and job.id != self.options.job:
                # Walked quietly all the same: the selected job may need its outputs.
                reports, problems, jobs = len(self.reports), len(self.problems), len(self.jobs)
                self._job(wf, job, inputs, via, prefix)
                del self.reports[reports:]
                del self.problems[problems:]
                del self.jobs[jobs:]
                continue
            self._job(wf, job, inputs, via, prefix)

    @staticmethod
    def _ordered(wf: Workflow) -> list[Job]:
        """Jobs in ``needs`` order, so a job's outputs are known before its dependants."""
        return needs_order(wf.jobs)[0]

    def _stage(self, wf: Workflow, job: Job) -> int:
        """The longest chain of ``needs`` before a job (a cycle counts as none)."""
        memo = self._stages.get(id(wf))
        if memo is None or memo[0] is not wf:
            memo = self._stages[id(wf)] = (wf, needs_order(wf.jobs)[1])
        return memo[1].get(job.id, 0)

    def _needs(self, wf: Workflow, job: Job) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for dep in job.needs:
            outputs = self._job_outputs.get((wf.path, dep))
            out[dep] = {
                "outputs": outputs
                if outputs is not None
                else Unknown(f"needs.{dep}.outputs", "outputs of a matrix or unexplained job"),
                "result": Unknown(f"needs.{dep}.result", "the job's result"),
            }
        return out

    def _combos(
        self, job: Job, contexts: dict[str, Any], mark: Mark
    ) -> list[dict[str, Any] | Unknown]:
        matrix = job.strategy.get("matrix")
        if matrix is None:
            return [{}]
        value = self._value(matrix, contexts, mark)
        if isinstance(value, Mapping) and not is_known(value) and _known_but_axes(value):
            value = {
                k: Unknown(f"matrix.{k}", f"an axis computed at run time ({v.reason})")
                if isinstance(v, Unknown)
                else v
                for k, v in value.items()
            }
        if isinstance(value, Mapping) and (is_known(value) or _known_but_axes(value)):
            try:
                combos: list[dict[str, Any] | Unknown] = list(expand_matrix(value))
            except MatrixTooLarge as exc:
                self._problem(job.strategy.mark_of("matrix"), str(exc))
                return [Unknown("matrix", "the matrix is larger than GitHub allows")]
            return combos or [{}]
        return [Unknown("matrix", "the matrix is computed at run time")]

    def _job(
        self,
        wf: Workflow,
        job: Job,
        inputs: Mapping[str, Any],
        via: tuple[Mark, ...],
        prefix: str,
    ) -> None:
        contexts = self._base_contexts(inputs)
        github = dict(contexts["github"])
        if prefix:  # in a called workflow both name the caller's workflow and job
            github["workflow"] = Unknown("github.workflow", "the calling workflow's name")
            github["job"] = Unknown("github.job", "the calling job's id")
        else:  # the runner fills them in: the workflow's name (else its path), the job's id
            github["workflow"], github["job"] = wf.name, job.id
        contexts["github"] = github
        contexts["needs"] = self._needs(wf, job)
        combos = self._combos(job, contexts, job.strategy.mark_of("matrix"))
        for combo in combos:
            scope_ctx = dict(contexts)
            scope_ctx["matrix"] = combo
            scope_ctx["strategy"] = {
                "fail-fast": True,
                "job-total": len(combos),
                "max-parallel": len(combos),
            }
            if job.uses is not None:
                self._call_reusable(wf, job, scope_ctx, via, prefix)
                continue
            runs_on = self._value(job.runs_on, scope_ctx, job.raw.mark_of("runs-on"))
            runner, runner_source = self._runner(runs_on)
            self._submodules = False
            self._foreign = None
            self._checkouts = {}
            self._generated = self._new_artifacts()
            self._target_os = {"Windows": TargetOS.WINDOWS, "macOS": TargetOS.MACOS}.get(
                runner.os if runner else "", TargetOS.LINUX
            )
            scope_ctx["runner"] = self._runner_context(runner)
            sources = {"runner.os": runner_source, "runner.arch": runner_source}
            for dep in job.needs:
                if dep in wf.jobs:
                    for out_name in wf.jobs[dep].outputs:
                        sources[f"needs.{dep}.outputs.{out_name}"] = (
                            f"output of job {dep} ({wf.jobs[dep].outputs.mark_of(out_name)})"
                        )
            if isinstance(combo, dict):
                for key in combo:
                    sources[f"matrix.{key}"] = f"matrix of job {job.id} ({job.strategy.mark})"
            env: dict[str, Any] = {}
            env_sources: dict[str, str] = {}
            for layer, where in ((wf.env, "workflow env"), (job.env, f"env of job {job.id}")):
                layer_ctx = dict(scope_ctx, env=dict(env))
                for name, value in self._layer(layer, layer_ctx).items():
                    env[name] = value
                    env_sources[f"env.{name}"] = f"{where} ({layer.mark_of(name)})"
            sources.update(env_sources)
            scope = JobScope(
                stage=self._stage(wf, job),
                workflow=wf,
                job_id=prefix + job.id,
                matrix=combo,
                runner=runner,
                runner_source=runner_source,
                contexts=scope_ctx,
                env=env,
                sources=sources,
                inputs=dict(inputs),
                via=via,
            )
            defaults = _run_defaults(job.defaults) or _run_defaults(wf.defaults)
            scope.shell = defaults.get("shell")
            scope.working_directory = defaults.get("working-directory")
            for step in job.steps:
                self._step(step, scope)
            self.jobs.append(self._job_record(wf, job, scope, scope_ctx))
            if len(combos) == 1:
                self._job_outputs[(wf.path, job.id)] = {
                    name: self._value(
                        raw,
                        dict(scope_ctx, steps=scope.steps, env=scope.env),
                        job.outputs.mark_of(name),
                    )
                    for name, raw in job.outputs.items()
                }

    def _call_reusable(
        self,
        wf: Workflow,
        job: Job,
        contexts: dict[str, Any],
        via: tuple[Mark, ...],
        prefix: str,
    ) -> None:
        assert job.uses is not None
        if job.uses.kind != "local":
            return  # a remote reusable workflow: its caches live in another repository
        path = job.uses.path
        folder, _, name = path.rpartition("/")
        if folder != ".github/workflows" or not name or leaves_tree(self.tree, path):
            # GitHub's own message: a local reusable workflow is a file of .github/workflows.
            self._problem(
                job.mark,
                f"{job.uses.raw}: invalid value workflow reference: references to workflows "
                "must be rooted in '.github/workflows' (and stay in the repository); not read",
            )
            return
        chain = [*(m.path for m in via), wf.path, path]
        if path in chain[:-1]:
            loop = " -> ".join(chain[chain.index(path) :])
            self._problem(job.mark, f"reusable workflow loop {loop}: GitHub refuses loops")
            return
        if len(chain) > MAX_WORKFLOW_LEVELS:
            self._problem(
                job.mark,
                f"{path} is the {len(chain)}th level of workflows: GitHub allows "
                f"{MAX_WORKFLOW_LEVELS} (the caller and nine reusable levels)",
            )
            return
        try:
            called = load_workflow(self.tree.read(path), path)
        except (WorkflowSyntaxError, CachekitError) as exc:
            self._problem(job.mark, f"cannot read reusable workflow {path}: {exc}")
            return
        spec = called.on.get("workflow_call")
        declared = spec.get("inputs") if isinstance(spec, YamlMap) else None
        given = self._value(job.with_, contexts, job.with_.mark)
        inputs: dict[str, Any] = {}
        if isinstance(declared, YamlMap):
            for name, decl in declared.items():
                default = decl.get("default") if isinstance(decl, YamlMap) else None
                inputs[name] = self._value(default, self._base_contexts({}), declared.mark)
        if isinstance(given, Mapping):
            inputs.update(given)
        self._note_names(called)
        self._workflow(called, inputs=inputs, via=(*via, job.mark), prefix=f"{prefix}{job.id}/")

    def _step(self, step: Step, scope: JobScope) -> None:
        ctx, _ = self._step_context(step, scope)
        start = len(self.reports)
        at = len(scope.records)
        self._dispatch(step, scope, ctx)
        record = self._step_record(step, scope, dict(ctx.contexts), range(start, len(self.reports)))
        scope.records.insert(at, record)  # before the steps of a composite action it calls
        self._note_generated(step, scope, range(start, len(self.reports)))

    def _note_generated(self, step: Step, scope: JobScope, caches: range) -> None:
        """What the step leaves in the workspace for later hashFiles: files its script (as
        written) writes, what its caches restore there (a composite's own steps were noted
        already). Read from the step, not its record, so every walker agrees."""
        shell, wd = step.raw.get("shell"), step.raw.get("working-directory")
        self._generated.add_script(
            step.run if isinstance(step.run, str) else None,
            step.mark,
            str(shell) if shell is not None else scope.shell,
            str(wd) if wd is not None else scope.working_directory,
        )
        if step.uses is not None and step.uses.kind == "local":
            return
        for index in caches:
            env = {
                k: v if isinstance(v, str) else v.render()
                for k, v in scope.env.items()
                if isinstance(v, (str, Symbolic))
            }
            self._generated.add_restore(self.reports[index], env)

    def _dispatch(self, step: Step, scope: JobScope, ctx: EvaluationContext) -> None:
        uses = step.uses
        if uses is None:
            self._run_step(step, scope, ctx)
            return
        if uses.kind == "local":
            self._composite(step, scope, ctx)
            return
        if uses.kind != "action":
            return
        outputs: dict[str, Any] = {}
        workspace = WORKSPACE_ACTIONS.get(uses.name.lower())
        if workspace is not None:
            workspace(self, step, scope, ctx)
        action = lookup(uses.name)
        if action is not None:
            outputs = self._cache_action(step, scope, ctx, action)
        if step.id:
            scope.steps[step.id] = {
                "outputs": outputs or Unknown(f"steps.{step.id}.outputs", f"outputs of {uses.raw}"),
                "outcome": Unknown(f"steps.{step.id}.outcome", "the step's outcome"),
                "conclusion": Unknown(f"steps.{step.id}.conclusion", "the step's conclusion"),
            }
            if step.uses and outputs:
                for key in outputs:
                    scope.sources[f"steps.{step.id}.outputs.{key}"] = (
                        f"output of {uses.raw} ({step.mark})"
                    )

    def _run_step(self, step: Step, scope: JobScope, ctx: EvaluationContext) -> None:
        # The runner substitutes ${{ }} before the shell starts: `echo "key=v1-${{
        # hashFiles('go.sum') }}" >> "$GITHUB_OUTPUT"` writes a value known here; only shell
        # expansion ($VAR, $(…)) is run-time.
        calls = list(self._calls)
        script = self._run_text(step.run or "", dict(ctx.contexts), ctx.hash_files)
        self._calls = calls
        if re.search(
            r"\b(npm (ci|install)|yarn( install)?\b|pnpm install|pip install|"
            r"poetry install|uv sync|python -m venv|virtualenv)",
            script,
        ):
            scope.installs.append(script.strip().splitlines()[0] if script.strip() else "")
        outputs: dict[str, Any] | Unknown = {}
        published = published_values(script, step.id)
        writes = len(re.findall(r"GITHUB_OUTPUT|::set-output", script))
        parsed = sum(1 for p in published if p.kind == "output")
        if step.id and (writes > parsed or parsed == 0):
            # The script writes outputs in a form not read here (a heredoc, or a program it
            # runs, which need not name $GITHUB_OUTPUT in the YAML): values that exist on the
            # runner are unknown here, not absent.
            outputs = Unknown(
                f"steps.{step.id}.outputs",
                "written by the script",
                origin=script.strip().splitlines()[0] if script.strip() else None,
            )
        lines = script.splitlines()
        for pub in published:
            where = f"run step '{step.label}' ({step.mark}), script line {pub.line}"
            text = lines[pub.line - 1].strip() if 0 < pub.line <= len(lines) else ""
            if text and text not in step.label:
                where += f": {text}"  # what computes it (a date format says how it rotates)
            if pub.kind == "output":
                if isinstance(outputs, dict):
                    outputs[pub.name] = pub.value
                if step.id:
                    scope.sources[f"steps.{step.id}.outputs.{pub.name}"] = where
            else:
                scope.env[pub.name] = pub.value
                scope.sources[f"env.{pub.name}"] = f"written to $GITHUB_ENV by {where}"
        if step.id:
            scope.steps[step.id] = {
                "outputs": outputs,
                "outcome": Unknown(f"steps.{step.id}.outcome", "the step's outcome"),
                "conclusion": Unknown(f"steps.{step.id}.conclusion", "the step's conclusion"),
            }

    def _composite(self, step: Step, scope: JobScope, ctx: EvaluationContext) -> None:
        assert step.uses is not None
        where, foreign = local_action_path(self, step.uses.path)
        if foreign is not None:
            return  # another repository's action: its steps are not in this tree
        action = self._actions.get(where)
        if action is None:
            action = self._actions[where] = load_local_action(self.tree, where)
        if isinstance(action, WorkflowProblem):
            if "not a composite action" not in action.message:
                self._problem(step.mark, f"{step.uses.raw}: {action.message}")
            return
        for problem in action.problems:
            self._problem(problem.mark, problem.message)
        contexts = dict(ctx.contexts)
        given = {k: self._value(v, contexts, step.with_.mark_of(k)) for k, v in step.with_.items()}
        inputs: dict[str, Any] = {}
        for name, default in action.inputs.items():
            inputs[name] = (
                self._value(default, contexts, action.mark) if default is not None else ""
            )
        lowered = {k.lower(): k for k in inputs}
        for name, value in given.items():
            inputs[lowered.get(name.lower(), name)] = value
        inner = JobScope(
            workflow=scope.workflow,
            job_id=scope.job_id,
            matrix=scope.matrix,
            runner=scope.runner,
            runner_source=scope.runner_source,
            contexts=scope.contexts,
            env=scope.env,
            sources=dict(scope.sources),
            steps={},
            inputs=inputs,
            via=(*scope.via, step.mark),
            installs=scope.installs,
            stage=scope.stage,
            records=scope.records,
            shell=scope.shell,
            working_directory=scope.working_directory,
        )
        for name in inputs:
            inner.sources[f"inputs.{name}"] = (
                f"input of {step.uses.raw} ({step.with_.mark_of(name)})"
                if name in given
                else f"default in {action.path}"
            )
        if self._composite_depth >= MAX_COMPOSITE_DEPTH:
            self._problem(
                step.mark,
                f"{step.uses.raw}: composite actions nested more than {MAX_COMPOSITE_DEPTH} "
                "deep (GitHub's runner fails the job: composite action depth exceeded)",
            )
            return
        self._composite_depth += 1
        try:
            for inner_step in action.steps:
                self._step(inner_step, inner)
        finally:
            self._composite_depth -= 1
        scope.env.update(inner.env)
        if step.id:
            scope.steps[step.id] = {
                "outputs": Unknown(f"steps.{step.id}.outputs", "outputs of a composite action"),
                "outcome": Unknown(f"steps.{step.id}.outcome", "the step's outcome"),
                "conclusion": Unknown(f"steps.{step.id}.conclusion", "the step's conclusion"),
            }


def _run_defaults(defaults: YamlMap) -> dict[str, str]:
    run = defaults.get("run") if isinstance(defaults, Mapping) else None
    if not isinstance(run, Mapping):
        return {}
    return {str(k): str(v) for k, v in run.items() if v is not None}
