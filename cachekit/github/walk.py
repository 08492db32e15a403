"""Walk workflows the way a run would, and explain every cache on the way.

For each job × matrix combination the walker keeps what a run keeps — the environment
(workflow → job → step, plus what earlier steps export), step outputs, the runner — and at
each cache step evaluates the inputs as GitHub would, then asks the action's model
(:mod:`cachekit.caches`) what key, restore keys, paths and version it uses. Every value says
where it came from; what cannot be known offline stays :class:`~cachekit.expressions.Unknown`.

It follows local composite actions (``uses: ./.github/actions/x``) and local reusable
workflows (job-level ``uses: ./.github/workflows/x.yml``), with their inputs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

from ..caches import (
    ActionError,
    CacheSpec,
    ContextValue,
    HashFilesComponent,
    KeyTemplate,
    Literal,
    ResolvedPython,
    RunnerEnv,
    UnknownComponent,
    actions_cache_spec,
    hosted_runner,
    load_manifest,
    resolve_python,
    resolve_ref,
    setup_go_cache,
    setup_java_caches,
    setup_node_cache,
    setup_python_cache,
)
from ..errors import CachekitError, HashFilesError
from ..explain.findings import cache_findings
from ..explain.model import CacheReport, Finding, HashCall, JobRecord, KeyPart, StepRecord
from ..explain.options import Options
from ..expressions import (
    EvaluationContext,
    Expression,
    ExpressionError,
    Secret,
    Symbolic,
    TemplateResult,
    Unknown,
    evaluate_template,
    is_known,
    to_string,
)
from ..expressions import Literal as TemplateLiteral
from ..fs.trees import Tree
from ..hashing.hashfiles import Flavor, TargetOS, hash_files
from ..yamlsource import Mark, WorkflowSyntaxError, YamlMap
from .runsteps import published_values
from .workflows import (
    CompositeAction,
    Job,
    Step,
    Workflow,
    WorkflowProblem,
    expand_matrix,
    load_local_action,
    load_workflow,
)

__all__ = ["Walker"]

_CONTEXT_REF: Final = re.compile(
    r"\b(env|runner|matrix|github|steps|inputs|needs|vars|secrets|strategy|job)"
    r"((?:\.[A-Za-z0-9_-]+|\[\s*'[^']*'\s*\])+)",
    re.IGNORECASE,
)
_HASHFILES_ONLY: Final = re.compile(r"^\s*hashFiles\s*\(", re.IGNORECASE)


@dataclass
class _Scope:
    """What one job combination has accumulated so far."""

    workflow: Workflow
    job_id: str
    matrix: dict[str, Any] | Unknown
    runner: RunnerEnv | None
    runner_source: str
    contexts: dict[str, Any]
    env: dict[str, Any]
    sources: dict[str, str]  # "env.X" / "matrix.y" / … -> where the value comes from
    steps: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, Any] = field(default_factory=dict)
    via: tuple[Mark, ...] = ()
    installs: list[str] = field(default_factory=list)  # install commands seen so far
    submodules: bool = False  # an actions/checkout step fetched submodules
    stage: int = 0  # longest needs chain before this job
    records: list[StepRecord] = field(default_factory=list)  # steps walked, in order
    shell: str | None = None  # defaults.run.shell of the job (else the workflow's)
    working_directory: str | None = None  # defaults.run.working-directory


def _lower_keys(mapping: Mapping[str, Any]) -> dict[str, Any]:
    return {str(k): v for k, v in mapping.items()}


class Walker:
    """Explains every cache of a tree's workflows; see :func:`cachekit.explain.explain`."""

    def __init__(self, tree: Tree, options: Options) -> None:
        self.tree = tree
        self.options = options
        self.reports: list[CacheReport] = []
        self.problems: list[Finding] = []
        self.jobs: list[JobRecord] = []
        self.manifest = load_manifest(options.python_manifest)
        self._hash_cache: dict[tuple[tuple[str, ...], str, str], HashCall] = {}
        self._target_os = TargetOS.LINUX  # the OS of the job being walked (path rules)
        self._calls: list[HashCall] = []  # hashFiles calls of the expression being evaluated
        self._submodules = False  # the job being walked checked out submodules
        # (path prefix, what) when the job checked out another repository there ("" = the
        # workspace itself): hashFiles under it hashes that repository's files, not this one's
        self._foreign: tuple[str, str] | None = None
        self._job_outputs: dict[tuple[str, str], dict[str, Any]] = {}
        self._secrets: dict[str, Secret] = {}
        self._vars: dict[str, Unknown] = {}
        self._actions: dict[str, CompositeAction | WorkflowProblem] = {}

    # --- entry ------------------------------------------------------------------------------

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

    def _declared_inputs(self, wf: Workflow) -> dict[str, Any]:
        """Inputs of a workflow run on its own: defaults, else unknown (set by the caller)."""
        inputs: dict[str, Any] = {}
        for event in ("workflow_call", "workflow_dispatch"):
            spec = wf.on.get(event)
            declared = spec.get("inputs") if isinstance(spec, YamlMap) else None
            if not isinstance(declared, YamlMap):
                continue
            for name, decl in declared.items():
                default = decl.get("default") if isinstance(decl, YamlMap) else None
                inputs.setdefault(
                    name,
                    self._value(default, self._base_contexts({}), declared.mark)
                    if default is not None
                    else Unknown(f"inputs.{name}", f"an input of {event}"),
                )
        return inputs

    # --- workflows and jobs -----------------------------------------------------------------

    def _note_names(self, wf: Workflow) -> None:
        """Secrets and variables the workflow names: secrets render ***, vars are unknown."""
        text = repr(wf.raw)
        for name in re.findall(r"secrets\.([A-Za-z_][A-Za-z0-9_]*)", text):
            self._secrets.setdefault(name, Secret(f"secrets.{name}"))
        self._secrets.setdefault("GITHUB_TOKEN", Secret("secrets.GITHUB_TOKEN"))
        for name in re.findall(r"vars\.([A-Za-z_][A-Za-z0-9_]*)", text):
            self._vars.setdefault(
                name, Unknown(f"vars.{name}", "a repository or organization variable")
            )

    def _github(self) -> dict[str, Any]:
        o = self.options
        ref = o.ref if o.ref.startswith("refs/") else f"refs/heads/{o.ref}"
        ref_name = ref.split("/", 2)[-1]
        sha: Any = o.commit or Unknown("github.sha", "the commit being built")
        pr = o.event.startswith("pull_request")
        return {
            "event_name": o.event,
            "ref": ref,
            "ref_name": ref_name,
            "ref_type": "tag" if ref.startswith("refs/tags/") else "branch",
            "sha": sha,
            "head_ref": Unknown("github.head_ref", "the pull request's branch") if pr else "",
            "base_ref": Unknown("github.base_ref", "the pull request's base") if pr else "",
            "repository": Unknown("github.repository", "owner/name of the repository"),
            "repository_owner": Unknown("github.repository_owner", "the repository's owner"),
            "workspace": Unknown("github.workspace", "/home/runner/work/<repo>/<repo>"),
            "run_id": Unknown("github.run_id", "a new id for every run"),
            "run_number": Unknown("github.run_number", "a new number for every run"),
            "run_attempt": Unknown("github.run_attempt", "the attempt number"),
            "actor": Unknown("github.actor", "who triggered the run"),
            "server_url": "https://github.com",
            "api_url": "https://api.github.com",
            "event": Unknown("github.event", "the event payload"),
            "token": Secret("github.token"),
        }

    def _base_contexts(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "github": self._github(),
            "inputs": dict(inputs),
            "vars": dict(self._vars),
            "secrets": dict(self._secrets),
        }

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
        done: list[Job] = []
        seen: set[str] = set()

        def visit(job: Job, stack: tuple[str, ...]) -> None:
            if job.id in seen or job.id in stack:
                return
            for dep in job.needs:
                if dep in wf.jobs:
                    visit(wf.jobs[dep], (*stack, job.id))
            seen.add(job.id)
            done.append(job)

        for job in wf.jobs.values():
            visit(job, ())
        return done

    @staticmethod
    def _stage(wf: Workflow, job: Job, seen: tuple[str, ...] = ()) -> int:
        """The longest chain of ``needs`` before a job (a cycle counts as none)."""
        deps = [wf.jobs[d] for d in job.needs if d in wf.jobs and d not in seen]
        return 1 + max((Walker._stage(wf, d, (*seen, job.id)) for d in deps), default=-1)

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
        if isinstance(value, Mapping) and is_known(value):
            combos: list[dict[str, Any] | Unknown] = list(expand_matrix(value))
            return combos or [{}]
        return [Unknown("matrix", "the matrix is computed at run time")]

    def _value(self, raw: Any, contexts: dict[str, Any], mark: Mark) -> Any:
        """Evaluate every string with ``${{ }}`` inside a YAML value."""
        if isinstance(raw, str):
            if "${{" not in raw:
                return raw
            result = self._template(raw, EvaluationContext(contexts=contexts), mark)
            return result.value if result is not None else Unknown(raw, "invalid expression")
        if isinstance(raw, Mapping):
            return {str(k): self._value(v, contexts, mark) for k, v in raw.items()}
        if isinstance(raw, list):
            return [self._value(v, contexts, mark) for v in raw]
        return raw

    def _template(self, text: str, ctx: EvaluationContext, mark: Mark) -> TemplateResult | None:
        try:
            return evaluate_template(text, ctx)
        except ExpressionError as exc:
            self._problem(mark, f"invalid expression: {exc}")
        except CachekitError as exc:
            self._problem(mark, str(exc))
        return None

    def _runner(self, runs_on: Any) -> tuple[RunnerEnv | None, str]:
        labels: list[str] = []
        if isinstance(runs_on, str):
            labels = [runs_on]
        elif isinstance(runs_on, list) and all(isinstance(x, str) for x in runs_on):
            labels = list(runs_on)
        elif isinstance(runs_on, Mapping):
            labels = (
                [str(x) for x in (runs_on.get("labels") or [])]
                if isinstance(runs_on.get("labels"), list)
                else []
            )
        candidates = [x for x in labels if x.lower() != "self-hosted"]
        if len(candidates) == 1 and "self-hosted" not in [x.lower() for x in labels]:
            try:
                env = hosted_runner(candidates[0].lower())
                return env, env.source
            except ActionError:
                pass
        if self.options.os:
            label = {
                "linux": "ubuntu-latest",
                "windows": "windows-latest",
                "macos": "macos-latest",
            }[self.options.os.lower()]
            env = hosted_runner(label)
            if self.options.arch:
                arch = "ARM64" if self.options.arch.lower() in ("arm64", "aarch64") else "X64"
                env = replace(env, arch=arch)  # type: ignore[arg-type]
            return replace(env, source=f"--os {self.options.os}"), f"--os {self.options.os}"
        shown = to_string(runs_on) if not isinstance(runs_on, (list, Mapping)) else repr(runs_on)
        return None, f"runs-on: {shown} (not a known GitHub-hosted label; use --os/--arch)"

    def _job(
        self,
        wf: Workflow,
        job: Job,
        inputs: Mapping[str, Any],
        via: tuple[Mark, ...],
        prefix: str,
    ) -> None:
        contexts = self._base_contexts(inputs)
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
            scope = _Scope(
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

    def _job_record(
        self, wf: Workflow, job: Job, scope: _Scope, contexts: dict[str, Any]
    ) -> JobRecord:
        runner = scope.runner
        environment = self._value(job.raw.get("environment"), contexts, job.mark)
        if isinstance(environment, Mapping):
            environment = environment.get("name")
        permissions = job.raw.get("permissions", wf.raw.get("permissions"))
        if isinstance(permissions, Mapping):
            perms = {str(k): str(v) for k, v in permissions.items()}
        elif isinstance(permissions, str):
            perms = {"*": permissions}
        else:
            perms = {}
        matrix = scope.matrix if isinstance(scope.matrix, dict) else {"*": scope.matrix.render()}
        job_if = job.raw.get("if")
        mode = job.raw.get("cache-mode", wf.raw.get("cache-mode"))
        return JobRecord(
            workflow=wf.path,
            job=scope.job_id,
            matrix=_jsonable(matrix),
            mark=job.mark,
            events=tuple(wf.on),
            runner=scope.runner_source,
            os=runner.os if runner else None,
            arch=runner.arch if runner else None,
            stage=scope.stage,
            steps=tuple(scope.records),
            environment=_text(environment) if environment is not None else None,
            permissions=perms,
            if_=None if job_if is None else str(job_if),
            cache_mode=None if mode is None else _text(self._quiet(mode, contexts)),
            needs=tuple(job.needs),
            tag_push=isinstance(wf.on.get("push"), Mapping)
            and any(k in wf.on["push"] for k in ("tags", "tags-ignore")),
        )

    def _step_record(
        self, step: Step, scope: _Scope, contexts: dict[str, Any], caches: range
    ) -> StepRecord:
        """The step with every value a run would see that can be known offline."""
        with_ = {
            str(k): _text(self._quiet(v, contexts)) for k, v in step.with_.items() if v is not None
        }
        run = None
        if step.run is not None:
            run = self._run_text(step.run, contexts)
        env = {str(k): _text(v) for k, v in contexts.get("env", {}).items() if is_known(v)}
        shell = step.raw.get("shell")
        wd = step.raw.get("working-directory")
        return StepRecord(
            index=step.index,
            mark=step.mark,
            label=step.label,
            id=step.id,
            uses=step.uses.raw if step.uses else None,
            with_=with_,
            run=run,
            shell=str(shell) if shell is not None else scope.shell,
            working_directory=_text(self._quiet(wd, contexts))
            if wd is not None
            else scope.working_directory,
            env=env,
            caches=tuple(caches),
            via=scope.via,
        )

    def _quiet(self, raw: Any, contexts: dict[str, Any]) -> Any:
        """A value evaluated without reporting problems (they are reported where they matter)."""
        if not isinstance(raw, str) or "${{" not in raw:
            return raw
        try:
            ctx = EvaluationContext(contexts=contexts, hash_files=self._runner_hash)
            return evaluate_template(raw, ctx).value
        except (ExpressionError, CachekitError):
            return raw

    @staticmethod
    def _run_text(script: str, contexts: dict[str, Any]) -> str:
        """The script as the shell gets it; unknown expressions are left as written."""
        if "${{" not in script:
            return script
        try:
            result = evaluate_template(script, EvaluationContext(contexts=contexts))
        except (ExpressionError, CachekitError):
            return script
        out: list[str] = []
        for part in result.parts:
            if isinstance(part, TemplateLiteral):
                out.append(part.text)
            elif is_known(part.value):
                out.append(to_string(part.value))
            else:
                out.append("${{ " + part.source + " }}")
        return "".join(out)

    def _layer(self, layer: YamlMap, contexts: dict[str, Any]) -> dict[str, Any]:
        """An ``env:`` mapping evaluated; ``env: ${{ expr }}`` evaluates to the mapping."""
        if layer.expression is not None:
            value = self._value(layer.expression, contexts, layer.mark)
            return dict(value) if isinstance(value, Mapping) else {}
        return {
            name: self._value(raw, contexts, layer.mark_of(name)) for name, raw in layer.items()
        }

    def _runner_context(self, runner: RunnerEnv | None) -> dict[str, Any] | Unknown:
        if runner is None:
            return Unknown("runner", "the runner is not a known GitHub-hosted one")
        temp = runner.join(runner.home, "work", "_temp")
        return {
            "os": runner.os,
            "arch": runner.arch,
            "name": Unknown("runner.name", "the runner's name"),
            "temp": temp,
            "tool_cache": runner.tool_cache,
            "environment": "github-hosted",
            "debug": "",
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

    # --- steps ------------------------------------------------------------------------------

    def _step_context(self, step: Step, scope: _Scope) -> tuple[EvaluationContext, dict[str, Any]]:
        env = dict(scope.env)
        base = dict(scope.contexts, env=env, steps=scope.steps, inputs=scope.inputs)
        for name, value in self._layer(step.env, base).items():
            env[name] = value
            scope.sources.setdefault(f"env.{name}", f"env of step '{step.label}' ({step.mark})")
        base["env"] = env
        return EvaluationContext(contexts=base, hash_files=self._runner_hash), base

    def _runner_hash(self, args: list[str]) -> str | Unknown:
        call = self._hash(tuple(args), Flavor.RUNNER, self._target_os)
        self._calls.append(call)
        if call.digest is None:
            # The step fails on GitHub (reported as hashfiles-fails); for the key it is a value
            # cachekit cannot give, e.g. a blob missing from a partial clone.
            return Unknown(call.call, f"fails: {call.error or 'hashFiles failed'}")
        return call.digest

    def _hash(
        self, args: tuple[str, ...], flavor: Flavor, target_os: TargetOS = TargetOS.LINUX
    ) -> HashCall:
        foreign = self._foreign
        if foreign is not None:
            prefix, what = foreign
            patterns = [a.strip() for arg in args for a in arg.splitlines() if a.strip()]
            if not prefix or any(
                p.lstrip("!").removeprefix("./").startswith(prefix + "/") for p in patterns
            ):
                where = f"'{prefix}'" if prefix else "the workspace"
                error = f"EUNKNOWABLE: {where} holds {what}: its files are not in this repository"
                return HashCall(args, False, flavor.value, None, (), error)
        key = (args, target_os.value, flavor.value + ("+submodules" if self._submodules else ""))
        cached = self._hash_cache.get(key)
        if cached is not None:
            return cached
        tree = self.tree
        if self._submodules and hasattr(tree, "with_submodules"):
            tree = tree.with_submodules()
        try:
            result = hash_files(tree, list(args), flavor=flavor, target_os=target_os)
            call = HashCall(
                result.patterns,
                result.follow_symbolic_links,
                flavor.value,
                result.digest,
                result.files,
            )
        except HashFilesError as exc:
            call = HashCall(args, False, flavor.value, None, (), str(exc))
        self._hash_cache[key] = call
        return call

    def _step(self, step: Step, scope: _Scope) -> None:
        ctx, _ = self._step_context(step, scope)
        start = len(self.reports)
        at = len(scope.records)
        self._dispatch(step, scope, ctx)
        record = self._step_record(step, scope, dict(ctx.contexts), range(start, len(self.reports)))
        scope.records.insert(at, record)  # before the steps of a composite action it calls

    def _checkout_foreign(self, step: Step, ctx: EvaluationContext) -> None:
        """``actions/checkout`` of another repository replaces the files at its ``path``."""
        raw = step.with_.get("repository")
        if raw is None:
            if self._foreign is not None:
                path = self._value(step.with_.get("path"), dict(ctx.contexts), step.mark)
                prefix = path.strip().strip("/") if isinstance(path, str) else ""
                if prefix == self._foreign[0] or not prefix:
                    self._foreign = None  # this repository checked out there again
            return
        repo = self._value(raw, dict(ctx.contexts), step.mark)
        if not isinstance(repo, str) or not repo.strip():
            return  # github.repository or unknown: this repository, as far as we can tell
        path = self._value(step.with_.get("path"), dict(ctx.contexts), step.mark)
        prefix = path.strip().strip("/").removeprefix("./") if isinstance(path, str) else ""
        what = f"{repo.strip()} (checked out at {step.mark})"
        if not prefix or self._foreign is None or self._foreign[0]:
            self._foreign = (prefix, what)

    def _dispatch(self, step: Step, scope: _Scope, ctx: EvaluationContext) -> None:
        uses = step.uses
        if uses is None:
            self._run_step(step, scope)
            return
        if uses.kind == "local":
            self._composite(step, scope, ctx)
            return
        if uses.kind != "action":
            return
        name = uses.name
        outputs: dict[str, Any] = {}
        if name == "actions/checkout":
            value = self._value(step.with_.get("submodules"), dict(ctx.contexts), step.mark)
            scope.submodules = str(value).lower() in ("true", "recursive")
            self._submodules = scope.submodules
            self._checkout_foreign(step, ctx)
        if uses.repo.lower() == "cache" and uses.path.lower() in ("", "restore", "save"):
            self._actions_cache(step, scope, ctx)
        elif name == "actions/setup-python":
            outputs = self._setup_action(step, scope, ctx, "actions/setup-python")
        elif name in ("actions/setup-node", "actions/setup-go", "actions/setup-java"):
            outputs = self._setup_action(step, scope, ctx, name)
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

    def _run_step(self, step: Step, scope: _Scope) -> None:
        script = step.run or ""
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
        for pub in published:
            where = f"run step '{step.label}' ({step.mark}), script line {pub.line}"
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

    def _composite(self, step: Step, scope: _Scope, ctx: EvaluationContext) -> None:
        assert step.uses is not None
        action = self._actions.get(step.uses.path)
        if action is None:
            action = self._actions[step.uses.path] = load_local_action(self.tree, step.uses.path)
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
        inner = _Scope(
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
        for inner_step in action.steps:
            self._step(inner_step, inner)
        scope.env.update(inner.env)
        if step.id:
            scope.steps[step.id] = {
                "outputs": Unknown(f"steps.{step.id}.outputs", "outputs of a composite action"),
                "outcome": Unknown(f"steps.{step.id}.outcome", "the step's outcome"),
                "conclusion": Unknown(f"steps.{step.id}.conclusion", "the step's conclusion"),
            }

    # --- cache steps ------------------------------------------------------------------------

    def _template_parts(
        self, raw: str, ctx: EvaluationContext, scope: _Scope, mark: Mark
    ) -> tuple[KeyTemplate, list[KeyPart]] | None:
        """A ``with:`` value as key components, each expression evaluated on its own."""
        result = self._template(raw, ctx, mark)
        if result is None:
            return None
        components: list[Any] = []
        parts: list[KeyPart] = []
        for part in result.parts:
            if isinstance(part, TemplateLiteral):
                components.append(Literal(part.text))
                parts.append(KeyPart("literal", part.text, part.text))
                continue
            # Evaluate the part alone to learn which hashFiles calls it makes.
            self._calls = []
            self._template("${{ " + part.source + " }}", ctx, mark)
            comps, kp = self._expression_part(part, scope, list(self._calls))
            components.extend(comps)
            parts.append(kp)
        return KeyTemplate.of(*components), parts

    def _expression_part(
        self, part: Expression, scope: _Scope, calls: list[HashCall]
    ) -> tuple[list[Any], KeyPart]:
        src = part.source
        value = part.value
        text = to_string(value)
        if _HASHFILES_ONLY.match(src) and len(calls) == 1 and isinstance(value, str):
            call = calls[0]
            comp = HashFilesComponent(call.patterns, call.follow, Flavor.RUNNER, value)
            return [comp], KeyPart("hashFiles", src, value, hash=call)
        if _HASHFILES_ONLY.match(src) and len(calls) == 1 and calls[0].error:
            call = calls[0]
            comp = HashFilesComponent(call.patterns, call.follow, Flavor.RUNNER, None)
            return [comp], KeyPart("hashFiles", src, text, hash=call)
        source = self._provenance(src, scope)
        if isinstance(value, Unknown):
            return (
                [UnknownComponent(value.name, value.reason)],
                KeyPart("unknown", src, text, source=source or value.origin or value.reason),
            )
        if isinstance(value, Symbolic):
            comps: list[Any] = []
            for piece in value.parts:
                if isinstance(piece, str):
                    comps.append(ContextValue(src, piece, source or "expression"))
                else:
                    comps.append(
                        UnknownComponent(
                            getattr(piece, "name", src), getattr(piece, "reason", "secret")
                        )
                    )
            return comps, KeyPart("unknown", src, text, source=source)
        return (
            [ContextValue(src, text, source or "expression")],
            KeyPart("context", src, text, source=source),
        )

    def _provenance(self, src: str, scope: _Scope) -> str | None:
        found = []
        for m in _CONTEXT_REF.finditer(src):
            name = m.group(1).lower() + m.group(2).replace("['", ".").replace("']", "")
            hit = scope.sources.get(name)
            if hit is None:
                lowered = {k.lower(): v for k, v in scope.sources.items()}
                hit = lowered.get(name.lower())
            if hit is None and name.startswith("github."):
                hit = f"--event {self.options.event} --ref {self.options.ref}"
            if hit:
                found.append(f"{name}: {hit}")
        return "; ".join(dict.fromkeys(found)) or None

    def _actions_cache(self, step: Step, scope: _Scope, ctx: EvaluationContext) -> None:
        assert step.uses is not None
        inputs: dict[str, Any] = {}
        key_parts: list[KeyPart] = []
        for name, raw in step.with_.items():
            mark = step.with_.mark_of(name)
            text = raw if isinstance(raw, str) else ("" if raw is None else to_string(raw))
            if name in ("key", "restore-keys", "path"):
                built = self._template_parts(text, ctx, scope, mark)
                if built is None:
                    return
                inputs[name] = built[0]
                if name == "key":
                    key_parts = built[1]
            else:
                value = self._value(raw, dict(ctx.contexts), mark)
                inputs[name] = (
                    to_string(value)
                    if not isinstance(value, bool)
                    else ("true" if value else "false")
                )
        action = f"{step.uses.owner}/{step.uses.repo}"
        if step.uses.path:
            action += f"/{step.uses.path}"
        # The key does not depend on the runner beyond the contexts already evaluated; the
        # version does (Windows, zstd), so with an unknown runner it stays unknown.
        runner = scope.runner or hosted_runner("ubuntu-24.04")
        try:
            spec = actions_cache_spec(step.uses.ref, inputs, runner, action=action.lower())
        except ActionError as exc:
            self._problem(step.mark, str(exc))
            return
        if scope.runner is None:
            spec = replace(
                spec,
                version=None,
                version_inputs=None,
                notes=(
                    f"{scope.runner_source}: the cache version depends on the runner's OS",
                    *spec.notes,
                ),
            )
        template = step.with_.get("key")
        self._report(
            step,
            scope,
            spec,
            key_parts,
            template if isinstance(template, str) else to_string(template),
        )

    def _unknown_runner_report(self, step: Step, scope: _Scope, action: str) -> None:
        """A setup action's cache on a runner we cannot identify: found, not computable."""
        assert step.uses is not None
        why = f"{scope.runner_source}; {action}'s key and paths are built from the runner"
        matrix = scope.matrix if isinstance(scope.matrix, dict) else {"*": scope.matrix.render()}
        report = CacheReport(
            workflow=scope.workflow.path,
            job=scope.job_id,
            matrix=_jsonable(matrix),
            step=step.label,
            step_index=step.index,
            mark=step.mark,
            via=scope.via,
            uses=step.uses.raw,
            kind="restore+save",
            runner=scope.runner_source,
            key_template=f"({action}'s built-in key)",
            key="‹runner›",
            key_known=False,
            parts=(KeyPart("unknown", "runner", "‹runner›", source=why),),
            restore_keys=(),
            paths=(),
            version=None,
            version_inputs=None,
        )
        finding = Finding("runner-unknown", "info", why, step.mark)
        self.reports.append(replace(report, findings=(finding,)))

    def _setup_action(
        self, step: Step, scope: _Scope, ctx: EvaluationContext, action: str
    ) -> dict[str, Any]:
        assert step.uses is not None
        runner = scope.runner
        inputs: dict[str, str] = {}
        for name, raw in step.with_.items():
            value = self._value(raw, dict(ctx.contexts), step.with_.mark_of(name))
            inputs[name] = (
                ("true" if value else "false") if isinstance(value, bool) else to_string(value)
            )
        if action == "actions/setup-python" and not inputs.get("python-version", "").strip():
            inputs.update(self._python_version_file(inputs))
        if runner is None:
            if inputs.get("cache") or action == "actions/setup-go":
                self._unknown_runner_report(step, scope, action)
            return {}
        try:
            resolved = resolve_ref(action, step.uses.ref)
        except ActionError as exc:
            self._problem(step.mark, str(exc))
            return {}
        release = resolved.release
        major, tag = release.major, release.tag

        def setup_hash(patterns: list[str]) -> str:
            call = self._hash(tuple(patterns), Flavor.SETUP_ACTION, self._target_os)
            if call.digest is None:
                raise HashFilesError(call.error or "hashFiles failed")
            return call.digest

        specs: tuple[CacheSpec, ...] = ()
        outputs: dict[str, Any] = {}
        try:
            if action == "actions/setup-python":
                one = setup_python_cache(
                    major, inputs, runner, setup_hash, release=tag, manifest=self.manifest
                )
                specs = (one,) if one else ()
                outputs = self._python_env(step, scope, inputs, runner)
            elif action == "actions/setup-node":
                package_json = self._read_text("package.json")
                one = setup_node_cache(
                    major, inputs, runner, setup_hash, release=tag, package_json=package_json
                )
                specs = (one,) if one else ()
            elif action == "actions/setup-go":
                one = setup_go_cache(major, inputs, runner, setup_hash, release=tag)
                specs = (one,) if one else ()
            else:
                specs = setup_java_caches(major, inputs, runner, setup_hash, release=tag)
        except HashFilesError as exc:
            self._problem(step.mark, f"{step.uses.raw}: {exc}")
            return outputs
        except ActionError as exc:
            self._problem(step.mark, str(exc))
            return outputs
        for spec in specs:
            parts = [self._component_part(c) for c in spec.key.components]
            self._report(step, scope, spec, parts, _template_text(spec.key))
        return outputs

    def _read_text(self, path: str) -> str | None:
        try:
            return self.tree.read(path).decode("utf-8", "replace")
        except CachekitError:
            return None

    def _python_version_file(self, inputs: Mapping[str, str]) -> dict[str, str]:
        """setup-python reads the version from a file when no python-version is given."""
        path = inputs.get("python-version-file", "").strip() or ".python-version"
        text = self._read_text(path)
        if text is None:
            return {}
        lines = [
            ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")
        ]
        if path.endswith("pyproject.toml") or not lines:
            return {}
        return {"python-version": lines[0]}

    def _python_env(
        self, step: Step, scope: _Scope, inputs: Mapping[str, str], runner: RunnerEnv
    ) -> dict[str, Any]:
        """What setup-python exports: pythonLocation & co, and its outputs."""
        lines = [x.strip() for x in inputs.get("python-version", "").splitlines() if x.strip()]
        where = f"{step.uses.raw if step.uses else 'setup-python'} ({step.mark})"
        if not lines:
            location: Any = Unknown(
                "env.pythonLocation", "the Python on the runner's PATH", origin=where
            )
            version: Any = Unknown("python-version", "no python-version given")
            detail = "no python-version: the runner's default Python"
        else:
            res = resolve_python(
                lines[-1],
                runner,
                manifest=self.manifest,
                architecture=inputs.get("architecture") or None,
            )
            if isinstance(res, ResolvedPython):
                location, version = res.location, res.key_version
                detail = f"Python {res.version} ({res.basis})"
            else:
                location = Unknown("env.pythonLocation", res.reason, origin=where)
                version = Unknown("python-version", res.reason)
                detail = res.reason
        for name in ("pythonLocation", "Python_ROOT_DIR", "Python2_ROOT_DIR", "Python3_ROOT_DIR"):
            scope.env[name] = location
            scope.sources[f"env.{name}"] = f"set by {where}: {detail}"
        if isinstance(location, str):
            scope.env["PKG_CONFIG_PATH"] = runner.join(location, "lib", "pkgconfig")
            scope.sources["env.PKG_CONFIG_PATH"] = f"set by {where}"
        return {
            "python-version": version,
            "python-path": Unknown("python-path", "the interpreter path"),
            "cache-hit": Unknown("cache-hit", "at run"),
        }

    @staticmethod
    def _component_part(c: Any) -> KeyPart:
        if isinstance(c, Literal):
            return KeyPart("literal", c.text, c.text)
        if isinstance(c, ContextValue):
            return KeyPart("context", c.name, c.value, source=c.source, assumed=c.assumed)
        if isinstance(c, HashFilesComponent):
            call = HashCall(c.patterns, c.follow, c.flavor.value, c.digest)
            return KeyPart("hashFiles", c.call, c.digest if c.digest is not None else "", hash=call)
        return KeyPart("unknown", c.name, f"‹{c.name}›", source=c.reason)

    def _report(
        self, step: Step, scope: _Scope, spec: CacheSpec, parts: list[KeyPart], template: str
    ) -> None:
        # Attach the files behind every hashFiles part (setup actions hash internally).
        enriched = []
        for part in parts:
            if part.kind == "hashFiles" and part.hash is not None and not part.hash.files:
                flavor = Flavor(part.hash.flavor)
                call = self._hash(part.hash.patterns, flavor, self._target_os)
                part = replace(part, hash=call)
            enriched.append(part)
        matrix = scope.matrix if isinstance(scope.matrix, dict) else {"*": scope.matrix.render()}
        vi = spec.version_inputs
        report = CacheReport(
            workflow=scope.workflow.path,
            job=scope.job_id,
            matrix=_jsonable(matrix),
            step=step.label,
            step_index=step.index,
            mark=step.mark,
            via=scope.via,
            uses=spec.uses if step.uses is None else step.uses.raw,
            kind=spec.kind.value,
            runner=scope.runner_source,
            key_template=template,
            key=spec.key.render(),
            key_known=spec.key.is_known,
            parts=tuple(enriched),
            restore_keys=tuple(k.render() for k in spec.restore_keys),
            paths=spec.paths,
            version=spec.version,
            version_inputs=None
            if vi is None
            else {
                "paths": list(vi.paths),
                "compression": vi.compression,
                "windows": vi.windows,
                "enableCrossOsArchive": vi.enable_cross_os_archive,
            },
            notes=spec.notes,
            stage=scope.stage,
        )
        findings = cache_findings(report, spec, scope.installs)
        self.reports.append(replace(report, findings=tuple(findings)))

    # --- problems ---------------------------------------------------------------------------

    def _problem(self, mark: Mark, message: str) -> None:
        finding = Finding("workflow-problem", "warning", message, mark)
        if finding not in self.problems:
            self.problems.append(finding)

    def _check_hashfiles_placement(self, wf: Workflow) -> None:
        """hashFiles exists only at step level; elsewhere GitHub rejects the workflow."""

        def scan(value: Any, mark: Mark, where: str) -> Iterator[Finding]:
            if isinstance(value, str) and re.search(r"hashFiles\s*\(", value, re.IGNORECASE):
                yield Finding(
                    "hashfiles-outside-step",
                    "error",
                    f"hashFiles() in {where}: GitHub only allows it in step-level "
                    "keys and rejects the workflow (Unrecognized function: "
                    "'hashFiles')",
                    mark,
                )
            elif isinstance(value, Mapping):
                for k, v in value.items():
                    yield from scan(v, getattr(value, "mark_of", lambda _k: mark)(k), where)
            elif isinstance(value, list):
                for v in value:
                    yield from scan(v, mark, where)

        found = list(scan(wf.env, wf.env.mark, "the workflow env"))
        for job in wf.jobs.values():
            for key in (
                "env",
                "runs-on",
                "if",
                "strategy",
                "outputs",
                "with",
                "concurrency",
                "container",
                "services",
                "name",
                "environment",
            ):
                if key in job.raw:
                    found.extend(scan(job.raw[key], job.raw.mark_of(key), f"job {job.id} {key}"))
        for f in found:
            if f not in self.problems:
                self.problems.append(f)


def _run_defaults(defaults: YamlMap) -> dict[str, str]:
    run = defaults.get("run") if isinstance(defaults, Mapping) else None
    if not isinstance(run, Mapping):
        return {}
    return {str(k): str(v) for k, v in run.items() if v is not None}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return to_string(value)


def _template_text(key: KeyTemplate) -> str:
    """A setup action's key template, as text: its literals, and its inputs by name.

    (The action builds the key in code; this is the shape users see in the action's source,
    and it stays the same when only the inputs' values change.)
    """
    out = []
    for c in key.components:
        if isinstance(c, Literal):
            out.append(c.text)
        elif isinstance(c, HashFilesComponent):
            out.append("${{ " + c.call + " }}")
        else:
            out.append("${{ " + c.name + " }}")
    return "".join(out)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (Unknown, Secret, Symbolic)):
        return value.render()
    return value
