"""The run's contexts and how values are evaluated in them: the bottom layer of the walker.

:class:`Evaluator` holds what a walk accumulates (reports, problems, job records) and what
every layer above needs: the ``github``/``runner``/``secrets``/``vars`` contexts a run sees,
``${{ }}`` evaluation that reports invalid expressions as problems, ``env:`` layers, and
``hashFiles`` over the tree (memoised; aware of submodules and of another repository checked
out over part of the workspace).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Final

from ..caches import (
    ActionError,
    RunnerEnv,
    hosted_runner,
    load_manifest,
)
from ..errors import CachekitError, HashFilesError, HashFilesUnknowable
from ..explain.model import CacheReport, Finding, Generated, HashCall, JobRecord
from ..explain.options import Options
from ..expressions import (
    EvaluationContext,
    ExpressionError,
    HashFilesCallback,
    Secret,
    TemplateResult,
    Unknown,
    evaluate_template,
    is_known,
    to_string,
)
from ..expressions import Literal as TemplateLiteral
from ..findings import Code, Severity
from ..fs.trees import DIR, Tree
from ..hashing.hashfiles import Flavor, TargetOS, hash_files
from ..yamlsource import Mark, YamlMap
from .generated import JobArtifacts
from .scope import JobScope
from .workflows import (
    CompositeAction,
    Step,
    Workflow,
    WorkflowProblem,
)

__all__ = ["Evaluator"]

_CONTEXT_REF: Final = re.compile(
    r"\b(env|runner|matrix|github|steps|inputs|needs|vars|secrets|strategy|job)"
    r"((?:\.[A-Za-z0-9_-]+|\[\s*'[^']*'\s*\])+)",
    re.IGNORECASE,
)
_HASHFILES_ONLY: Final = re.compile(r"^\s*hashFiles\s*\(", re.IGNORECASE)


class Evaluator:
    """State of a walk, and value evaluation; see :class:`cachekit.github.walk.Walker`."""

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
        # what earlier steps of the job create in the workspace (hashFiles reaching it hashes
        # run-time content): files run: commands write, directories cache steps restore
        self._generated = self._new_artifacts()
        # (path prefix, what) when the job checked out another repository there ("" = the
        # workspace itself): hashFiles under it hashes that repository's files, not this one's
        self._foreign: tuple[str, str] | None = None
        # where the job's actions/checkout steps put repositories: path prefix -> None for this
        # repository, or what the other repository is (a local action ./<prefix>/x lives there)
        self._checkouts: dict[str, str | None] = {}
        self._job_outputs: dict[tuple[str, str], dict[str, Any]] = {}
        self._secrets: dict[str, Secret] = {}
        self._vars: dict[str, Unknown] = {}
        self._actions: dict[str, CompositeAction | WorkflowProblem] = {}
        self._stages: dict[int, tuple[Workflow, dict[str, int]]] = {}  # by id(workflow)
        self._composite_depth = 0  # nested composite actions around the step being walked

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

    def _runner_context(self, runner: RunnerEnv | None) -> dict[str, Any] | Unknown:
        if runner is None:
            return Unknown("runner", "the runner is not a known GitHub-hosted one")
        temp = runner.join(runner.home, "work", "_temp")
        return {
            "os": runner.os,
            "arch": runner.arch
            if runner.arch_known
            else Unknown("runner.arch", f"not known from {runner.source}"),
            "name": Unknown("runner.name", "the runner's name"),
            "temp": temp,
            "tool_cache": runner.tool_cache,
            "environment": "github-hosted",
            "debug": "",
        }

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
    def _run_text(
        script: str, contexts: dict[str, Any], hash_files: HashFilesCallback | None = None
    ) -> str:
        """The script as the shell gets it; unknown expressions are left as written."""
        if "${{" not in script:
            return script
        try:
            result = evaluate_template(
                script, EvaluationContext(contexts=contexts, hash_files=hash_files)
            )
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

    def _step_context(
        self, step: Step, scope: JobScope
    ) -> tuple[EvaluationContext, dict[str, Any]]:
        env = dict(scope.env)
        base = dict(scope.contexts, env=env, steps=scope.steps, inputs=scope.inputs)
        for name, value in self._layer(step.env, base).items():
            env[name] = value
            scope.sources.setdefault(f"env.{name}", f"env of step '{step.label}' ({step.mark})")
        base["env"] = env
        return EvaluationContext(contexts=base, hash_files=self._runner_hash), base

    def _runner_hash(self, args: list[str]) -> str | Unknown:
        call = self._hash(tuple(args), Flavor.RUNNER, self._target_os)
        hits = self._generated_hits(call.patterns) if call.digest is not None else ()
        if hits:
            call = replace(call, digest=None, generated=hits)
            self._calls.append(call)
            return Unknown(call.call, _generated_reason(hits))
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

    def _new_artifacts(self) -> JobArtifacts:
        """A fresh record of what a job's steps create (one per job walked)."""
        return JobArtifacts(self.tree.workspace, lambda rel: self.tree.lstat(rel) == DIR)

    def _generated_hits(self, patterns: Sequence[str]) -> tuple[Generated, ...]:
        """What earlier steps of the job create that ``patterns`` reach."""
        return self._generated.reaching(patterns, windows=self._target_os is TargetOS.WINDOWS)

    def _setup_hash(self, patterns: list[str]) -> str:
        """``hashFiles`` as a setup action's ``@actions/glob`` computes it (raises on failure);
        over a file an earlier step creates it cannot be known offline (not a failure)."""
        hits = self._generated_hits(patterns)
        if hits:
            raise HashFilesUnknowable("EUNKNOWABLE: " + _generated_reason(hits))
        call = self._hash(tuple(patterns), Flavor.SETUP_ACTION, self._target_os)
        if call.digest is None:
            error = call.error or "hashFiles failed"
            if error.startswith(("EUNKNOWABLE", "EMISSING")):
                raise HashFilesUnknowable(error)
            raise HashFilesError(error)
        return call.digest

    def _read_text(self, path: str) -> str | None:
        try:
            return self.tree.read(path).decode("utf-8", "replace")
        except CachekitError:
            return None

    def _problem(self, mark: Mark, message: str) -> None:
        finding = Finding(Code.WORKFLOW_PROBLEM, Severity.WARNING, message, mark)
        if finding not in self.problems:
            self.problems.append(finding)


def _generated_reason(hits: Sequence[Generated]) -> str:
    """Why a digest over what earlier steps create is known only at run time."""
    first = hits[0]
    verb = f"{first.by} restores" if first.restored else f"`{first.by}` writes"
    more = f" (and {len(hits) - 1} more)" if len(hits) > 1 else ""
    return f"{first.path}{more}: {verb} it at {first.where}, before this step"
