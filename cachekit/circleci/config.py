"""``.circleci/config.yml`` loaded and normalised: jobs with their steps, reusable
``commands`` expanded with their parameters, ``executors``, workflow ``matrix`` jobs.

From CircleCI's configuration reference (circleci.com/docs/configuration-reference/):

- a job's steps are ``checkout``, ``run`` (a string or ``{command: …}``), ``save_cache``,
  ``restore_cache``, …, or the name of a reusable *command* (``commands:``), whose
  ``steps`` replace the call with ``<< parameters.x >>`` substituted (arguments, else the
  parameter's ``default``); nested at most :data:`MAX_DEPTH` deep;
- ``orb/command`` steps come from an orb: their steps are not in the repository, so a cache
  an orb makes is reported with the orb named as an unknown part;
- a job's environment is its ``environment`` over its executor's; ``working_directory``
  defaults to ``~/project``, where ``checkout`` puts the repository;
- a workflow job with ``matrix: parameters`` is one job per combination, the parameters
  substituted into the job; ``<< pipeline.git.branch >>`` is the modelled branch.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any, Final

from ..errors import TreeError
from ..fs.trees import FILE, Tree
from ..platforms.yamltags import load_ci_yaml
from ..yamlsource import Mark, WorkflowSyntaxError, YamlMap, YamlSeq

__all__ = ["CONFIG_PATHS", "CircleConfig", "CircleJob", "CircleStep", "load_config"]

CONFIG_PATHS: Final = (".circleci/config.yml", ".circleci/config.yaml")
MAX_DEPTH: Final = 10
MAX_STEPS: Final = 5000
MAX_MATRIX: Final = 200
_PARAM = re.compile(r"<<\s*(parameters|pipeline\.parameters|matrix)\.([A-Za-z0-9_-]+)\s*>>")
_PIPELINE = re.compile(r"<<\s*pipeline\.([A-Za-z0-9_.-]+)\s*>>")


@dataclass(frozen=True)
class CircleStep:
    """One step after command expansion: its kind (``run``, ``save_cache``…), arguments."""

    kind: str
    args: Any
    mark: Mark
    via: tuple[Mark, ...] = ()  # the command calls that led here
    orb: str | None = None  # ``node/install-packages`` for an orb step


@dataclass
class CircleJob:
    name: str
    base_name: str
    mark: Mark
    steps: list[CircleStep]
    environment: dict[str, tuple[str, str]]
    executor: str  # docker image, machine image, macos xcode… as written
    os: str | None
    working_directory: str
    matrix: dict[str, str] = field(default_factory=dict)
    workflow: str | None = None
    requires: tuple[str, ...] = ()
    filters: Any = None


@dataclass
class CircleConfig:
    path: str
    jobs: list[CircleJob]
    problems: list[tuple[str, Mark | None]]
    orbs: dict[str, str]


def _mark(value: Any, default: Mark) -> Mark:
    return getattr(value, "mark", default)


def _substitute(value: Any, params: dict[str, str], pipeline: dict[str, str]) -> Any:
    """``<< parameters.x >>`` / ``<< matrix.x >>`` / ``<< pipeline.… >>`` in every string."""
    if isinstance(value, str):

        def param(m: re.Match[str]) -> str:
            return params.get(m.group(2), m.group(0))

        text = _PARAM.sub(param, value)
        return _PIPELINE.sub(lambda m: pipeline.get(m.group(1), m.group(0)), text)
    if isinstance(value, YamlMap):
        out = YamlMap({k: _substitute(v, params, pipeline) for k, v in value.items()})
        out.mark, out.key_marks, out.value_marks = value.mark, value.key_marks, value.value_marks
        return out
    if isinstance(value, YamlSeq):
        seq = YamlSeq(_substitute(v, params, pipeline) for v in value)
        seq.mark, seq.item_marks = value.mark, value.item_marks
        return seq
    return value


def _defaults(declared: Any, given: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(declared, dict):
        for name, spec in declared.items():
            if isinstance(spec, dict) and "default" in spec:
                out[str(name)] = _text(spec["default"])
    if isinstance(given, dict):
        out.update({str(k): _text(v) for k, v in given.items() if k != "name"})
    return out


def _mapping(body: Any, key: str) -> dict[str, Any]:
    value = body.get(key) if isinstance(body, dict) else None
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


class _Expander:
    def __init__(self, doc: YamlMap, pipeline: dict[str, str], problems: list[Any]) -> None:
        self.doc = doc
        self.commands = _mapping(doc, "commands")
        self.orbs = _mapping(doc, "orbs")
        self.pipeline = pipeline
        self.problems = problems
        self.count = 0

    def steps(
        self, steps: Any, via: tuple[Mark, ...], depth: int, default: Mark
    ) -> list[CircleStep]:
        out: list[CircleStep] = []
        if not isinstance(steps, list):
            return out
        marks = getattr(steps, "item_marks", [])
        for i, step in enumerate(steps):
            mark = marks[i] if i < len(marks) else default
            self.count += 1
            if self.count > MAX_STEPS:
                self.problems.append((f"more than {MAX_STEPS} steps after expansion", mark))
                return out
            if isinstance(step, str):
                name, args = step, None
            elif isinstance(step, dict) and len(step) == 1:
                name, args = next(iter(step.items()))
            else:
                self.problems.append(("a step must be a name or a one-key mapping", mark))
                continue
            name = str(name)
            if name in self.commands and isinstance(self.commands[name], dict):
                if depth >= MAX_DEPTH:
                    self.problems.append((f"commands nested more than {MAX_DEPTH} deep", mark))
                    continue
                command = self.commands[name]
                params = _defaults(command.get("parameters"), args)
                body = _substitute(command.get("steps"), params, self.pipeline)
                out.extend(self.steps(body, (*via, mark), depth + 1, mark))
            elif "/" in name:
                out.append(CircleStep("orb", args, mark, via, orb=name))
            else:
                out.append(CircleStep(name, args, mark, via))
        return out


def _executor(job: dict[str, Any], doc: YamlMap) -> tuple[str, str | None, dict[str, Any]]:
    body: Any = job
    executor = job.get("executor")
    if executor is not None:
        name = executor.get("name") if isinstance(executor, dict) else executor
        executors = _mapping(doc, "executors")
        if isinstance(name, str) and isinstance(executors.get(name), dict):
            body = executors[name]
        elif isinstance(name, str):
            return f"executor: {name} (from an orb)", None, {}
    env = _mapping(body, "environment")
    docker = body.get("docker")
    if isinstance(docker, list) and docker and isinstance(docker[0], dict):
        return f"docker: {docker[0].get('image')}", "Linux", env
    if "machine" in body:
        machine = body["machine"]
        image = machine.get("image") if isinstance(machine, dict) else None
        return f"machine: {image or 'the default image'}", "Linux", env
    if "macos" in body:
        macos = body["macos"]
        return f"macos: xcode {macos.get('xcode') if isinstance(macos, dict) else ''}", "macOS", env
    return "executor unknown", None, env


def _matrix(entry: Any) -> list[dict[str, str]]:
    if not isinstance(entry, dict) or not isinstance(entry.get("matrix"), dict):
        return [{}]
    params = entry["matrix"].get("parameters")
    if not isinstance(params, dict):
        return [{}]
    names = [str(k) for k in params]
    values = [[_text(x) for x in v] if isinstance(v, list) else [_text(v)] for v in params.values()]
    combos = [dict(zip(names, c, strict=True)) for c in itertools.product(*values)]
    return combos[:MAX_MATRIX] or [{}]


def _workflow_entries(doc: YamlMap) -> list[tuple[str | None, str, dict[str, Any]]]:
    """(workflow, job name, the workflow's settings for it) for every job a workflow runs."""
    out: list[tuple[str | None, str, dict[str, Any]]] = []
    workflows = doc.get("workflows")
    if not isinstance(workflows, dict):
        jobs = _mapping(doc, "jobs")
        return [(None, str(n), {}) for n in jobs]
    for wname, wf in workflows.items():
        if not isinstance(wf, dict) or not isinstance(wf.get("jobs"), list):
            continue
        for entry in wf["jobs"]:
            if isinstance(entry, str):
                out.append((str(wname), entry, {}))
            elif isinstance(entry, dict) and len(entry) == 1:
                name, settings = next(iter(entry.items()))
                out.append((str(wname), str(name), settings if isinstance(settings, dict) else {}))
    return out


def load_config(tree: Tree, *, branch: str = "main") -> CircleConfig | None:
    """The tree's CircleCI configuration normalised, or None when it has none."""
    path = next((p for p in CONFIG_PATHS if tree.stat(p) == FILE), None)
    if path is None:
        return None
    problems: list[tuple[str, Mark | None]] = []
    try:
        doc = load_ci_yaml(tree.read(path), path)
    except (TreeError, WorkflowSyntaxError) as exc:
        return CircleConfig(path, [], [(str(exc), None)], {})
    if not isinstance(doc, YamlMap):
        return CircleConfig(path, [], [(f"{path}: the configuration must be a mapping", None)], {})
    pipeline = {"git.branch": branch}
    expander = _Expander(doc, pipeline, problems)
    jobs_doc = _mapping(doc, "jobs")
    jobs: list[CircleJob] = []
    for workflow, name, settings in _workflow_entries(doc):
        raw = jobs_doc.get(name)
        if not isinstance(raw, dict):
            if "/" not in name:
                problems.append((f"workflow {workflow}: job '{name}' is not defined", doc.mark))
            continue
        for combo in _matrix(settings):
            params = _defaults(raw.get("parameters"), {**settings, **combo})
            params.pop("matrix", None)
            body = _substitute(raw, params, pipeline)
            executor, os_name, exec_env = _executor(body, doc)
            env = {
                str(k): (_text(v), f"executor environment ({executor})")
                for k, v in exec_env.items()
            }
            own = _mapping(body, "environment")
            env.update({str(k): (_text(v), f"job {name}: environment") for k, v in own.items()})
            mark = jobs_doc.mark_of(name) if isinstance(jobs_doc, YamlMap) else doc.mark
            steps = expander.steps(body.get("steps"), (), 0, mark)
            label = str(settings.get("name") or name)
            if combo:
                label = f"{label} [{', '.join(combo.values())}]"
            requires = settings.get("requires")
            jobs.append(
                CircleJob(
                    label,
                    name,
                    mark,
                    steps,
                    env,
                    executor,
                    os_name,
                    str(body.get("working_directory", "~/project")),
                    combo,
                    workflow,
                    tuple(str(r) for r in requires) if isinstance(requires, list) else (),
                    settings.get("filters"),
                )
            )
    orbs = _mapping(doc, "orbs")
    return CircleConfig(path, jobs, problems, {str(k): _text(v) for k, v in orbs.items()})
