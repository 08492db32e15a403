"""``azure-pipelines.yml`` loaded and normalised: stages → jobs → steps (or jobs, or steps
alone), ``strategy: matrix`` jobs, variables (pipeline, stage, job, matrix; names are
case-insensitive), ``pool`` images, and local ``- template:`` step files with
``${{ parameters.x }}``.

From the YAML schema reference (learn.microsoft.com/azure/devops/pipelines/yaml-schema):
a pipeline is ``stages:``, ``jobs:`` or ``steps:`` at the top; ``variables`` are a mapping
or a list of ``{name, value}`` (``group``/``template`` entries cannot be read offline);
``strategy.matrix`` is ``{leg: {VAR: value}}``, one job per leg named ``job leg``;
``trigger``/``pr`` say which branches run. Templates from other repositories
(``template: x.yml@repo``) and ``extends:`` are reported, not followed.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any, Final

from ..errors import TreeError
from ..fs.trees import FILE, Tree
from ..platforms.yamltags import load_ci_yaml
from ..yamlsource import Mark, WorkflowSyntaxError, YamlMap

__all__ = ["CONFIG_PATHS", "AzureConfig", "AzureJob", "AzureStep", "load_config"]

CONFIG_PATHS: Final = ("azure-pipelines.yml", "azure-pipelines.yaml", ".azure-pipelines.yml")
MAX_TEMPLATES: Final = 50
MAX_DEPTH: Final = 10
_PARAM = re.compile(r"\$\{\{\s*parameters\.([A-Za-z0-9_.-]+)\s*\}\}")


@dataclass(frozen=True)
class AzureStep:
    kind: str  # "task" | "script" | "bash" | "pwsh" | "powershell" | "checkout" | …
    body: dict[str, Any]
    mark: Mark
    via: tuple[Mark, ...] = ()


@dataclass
class AzureJob:
    name: str
    mark: Mark
    steps: list[AzureStep]
    variables: dict[str, tuple[str, str]]  # lower-cased name -> (value, where)
    image: str | None
    os: str | None  # Linux | Windows | macOS
    matrix: dict[str, str] = field(default_factory=dict)
    stage: int = 0
    depends: tuple[str, ...] = ()


@dataclass
class AzureConfig:
    path: str
    jobs: list[AzureJob]
    trigger: Any
    problems: list[tuple[str, Mark | None]]


def _vars(
    raw: Any, where: str, problems: list[tuple[str, Mark | None]]
) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    if isinstance(raw, dict):
        for k, v in raw.items():
            out[str(k).lower()] = (_text(v), where)
    elif isinstance(raw, list):
        for item in raw:
            if isinstance(item, dict) and "name" in item:
                out[str(item["name"]).lower()] = (_text(item.get("value")), where)
            elif isinstance(item, dict) and ("group" in item or "template" in item):
                what = "group" if "group" in item else "template"
                problems.append(
                    (
                        f"variable {what} {item[what]} is not read offline",
                        getattr(raw, "mark", None),
                    )
                )
    return out


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _os_of(image: str | None) -> str | None:
    if not image:
        return None
    low = image.lower()
    if "windows" in low or low.startswith("vs20"):
        return "Windows"
    if "macos" in low or low.startswith("macos"):
        return "macOS"
    if "ubuntu" in low or "linux" in low:
        return "Linux"
    return None


def _pool_image(pool: Any) -> str | None:
    if isinstance(pool, dict):
        image = pool.get("vmImage")
        return str(image) if image else (f"pool {pool.get('name')}" if pool.get("name") else None)
    return f"pool {pool}" if pool else None


def _substitute(value: Any, params: dict[str, str]) -> Any:
    if isinstance(value, str):
        return _PARAM.sub(lambda m: params.get(m.group(1), m.group(0)), value)
    if isinstance(value, dict):
        out = YamlMap({k: _substitute(v, params) for k, v in value.items()})
        out.mark = getattr(value, "mark", Mark("", 0, 0))
        out.key_marks = getattr(value, "key_marks", {})
        out.value_marks = getattr(value, "value_marks", {})
        return out
    if isinstance(value, list):
        return [_substitute(v, params) for v in value]
    return value


class _Reader:
    def __init__(self, tree: Tree, problems: list[tuple[str, Mark | None]]) -> None:
        self.tree = tree
        self.problems = problems
        self.templates = 0

    def load(self, path: str, mark: Mark | None) -> Any:
        try:
            return load_ci_yaml(self.tree.read(path), path)
        except (TreeError, WorkflowSyntaxError) as exc:
            self.problems.append((str(exc), mark))
            return None

    def steps(self, raw: Any, base: str, via: tuple[Mark, ...], depth: int) -> list[AzureStep]:
        out: list[AzureStep] = []
        if not isinstance(raw, list):
            return out
        marks = getattr(raw, "item_marks", [])
        for i, step in enumerate(raw):
            mark = marks[i] if i < len(marks) else Mark(base, 0, 0)
            if not isinstance(step, dict):
                continue
            if "template" in step:
                out.extend(self.template(step, base, (*via, mark), depth, mark))
                continue
            kind = next(
                (
                    k
                    for k in (
                        "task",
                        "script",
                        "bash",
                        "pwsh",
                        "powershell",
                        "checkout",
                        "download",
                        "publish",
                    )
                    if k in step
                ),
                "other",
            )
            out.append(AzureStep(kind, step, mark, via))
        return out

    def template(
        self, step: dict[str, Any], base: str, via: tuple[Mark, ...], depth: int, mark: Mark
    ) -> list[AzureStep]:
        ref = str(step["template"])
        if "@" in ref or depth >= MAX_DEPTH or self.templates >= MAX_TEMPLATES:
            self.problems.append((f"template {ref} is not read offline", mark))
            return []
        self.templates += 1
        rel = posixpath.normpath(
            posixpath.join(posixpath.dirname(base), ref.lstrip("/"))
            if not ref.startswith("/")
            else ref.lstrip("/")
        )
        if rel.startswith("../") or self.tree.stat(rel) != FILE:
            self.problems.append((f"template {ref}: no such file", mark))
            return []
        doc = self.load(rel, mark)
        if not isinstance(doc, dict):
            return []
        params = _template_params(doc, step.get("parameters"))
        return self.steps(_substitute(doc.get("steps"), params), rel, via, depth + 1)

    def jobs(self, raw: Any, base: str, depth: int = 0) -> list[tuple[dict[str, Any], str]]:
        """The jobs of a ``jobs:`` list, local ``- template:`` job files expanded."""
        out: list[tuple[dict[str, Any], str]] = []
        for job in raw if isinstance(raw, list) else []:
            if not isinstance(job, dict):
                continue
            if "template" not in job:
                out.append((job, base))
                continue
            ref = str(job["template"])
            mark = getattr(job, "mark", None)
            if "@" in ref or depth >= MAX_DEPTH or self.templates >= MAX_TEMPLATES:
                self.problems.append((f"job template {ref} is not read offline", mark))
                continue
            self.templates += 1
            rel = posixpath.normpath(
                ref.lstrip("/")
                if ref.startswith("/")
                else posixpath.join(posixpath.dirname(base), ref)
            )
            if rel.startswith("../") or self.tree.stat(rel) != FILE:
                self.problems.append((f"job template {ref}: no such file", mark))
                continue
            doc = self.load(rel, mark)
            if isinstance(doc, dict):
                params = _template_params(doc, job.get("parameters"))
                out.extend(self.jobs(_substitute(doc.get("jobs"), params), rel, depth + 1))
        return out


def _macros(text: str, variables: dict[str, tuple[str, str]]) -> str:
    return re.sub(
        r"\$\(([^)]+)\)", lambda m: variables.get(m.group(1).lower(), (m.group(0), ""))[0], text
    )


def _template_params(doc: dict[str, Any], given: Any) -> dict[str, str]:
    params: dict[str, str] = {}
    declared = doc.get("parameters")
    if isinstance(declared, list):
        for p in declared:
            if isinstance(p, dict) and "name" in p and "default" in p:
                params[str(p["name"])] = _text(p["default"])
    elif isinstance(declared, dict):
        params.update({str(k): _text(v) for k, v in declared.items()})
    if isinstance(given, dict):
        params.update({str(k): _text(v) for k, v in given.items()})
    return params


def _matrix(job: dict[str, Any]) -> list[tuple[str, dict[str, str]]]:
    strategy = job.get("strategy")
    matrix = strategy.get("matrix") if isinstance(strategy, dict) else None
    if not isinstance(matrix, dict):
        return [("", {})]
    return [
        (str(leg), {str(k): _text(v) for k, v in values.items()})
        for leg, values in matrix.items()
        if isinstance(values, dict)
    ] or [("", {})]


def load_config(tree: Tree) -> AzureConfig | None:
    """The tree's pipeline normalised, or None when it has none."""
    path = next((p for p in CONFIG_PATHS if tree.stat(p) == FILE), None)
    if path is None:
        return None
    problems: list[tuple[str, Mark | None]] = []
    reader = _Reader(tree, problems)
    doc = reader.load(path, None)
    if not isinstance(doc, YamlMap):
        if doc is not None:
            problems.append((f"{path}: the pipeline must be a mapping", None))
        return AzureConfig(path, [], None, problems)
    if "extends" in doc:
        problems.append(("extends: a template pipeline is not read offline", doc.mark))
    top_vars = _vars(doc.get("variables"), "pipeline variables", problems)
    stages = doc.get("stages")
    if not isinstance(stages, list):
        stages = (
            [{"stage": "__default", "jobs": doc.get("jobs")}]
            if "jobs" in doc
            else [
                {
                    "stage": "__default",
                    "jobs": [{"job": "Job", "steps": doc.get("steps"), "pool": doc.get("pool")}],
                }
            ]
        )
    jobs: list[AzureJob] = []
    for index, stage in enumerate(stages):
        if not isinstance(stage, dict):
            continue
        if "template" in stage:
            problems.append(
                (
                    f"stage template {stage['template']} is not read offline",
                    getattr(stage, "mark", None),
                )
            )
            continue
        stage_vars = {
            **top_vars,
            **_vars(stage.get("variables"), f"stage {stage.get('stage')}", problems),
        }
        for job, base in reader.jobs(stage.get("jobs"), path):
            name = str(job.get("job") or job.get("deployment") or "Job")
            image = _pool_image(job.get("pool") or stage.get("pool") or doc.get("pool"))
            mark: Mark = getattr(job, "mark", doc.mark)
            steps_raw = job.get("steps")
            if steps_raw is None and isinstance(job.get("strategy"), dict):
                for phase in ("runOnce", "rolling", "canary"):
                    deploy = job["strategy"].get(phase)
                    if isinstance(deploy, dict) and isinstance(deploy.get("deploy"), dict):
                        steps_raw = deploy["deploy"].get("steps")
            steps = reader.steps(steps_raw, base, (), 0)
            job_vars = {**stage_vars, **_vars(job.get("variables"), f"job {name}", problems)}
            depends = job.get("dependsOn")
            for leg, values in _matrix(job):
                variables = dict(job_vars)
                variables.update({k.lower(): (v, f"matrix leg {leg}") for k, v in values.items()})
                leg_image = _macros(image, variables) if image else image
                jobs.append(
                    AzureJob(
                        f"{name} {leg}" if leg else name,
                        mark,
                        steps,
                        variables,
                        leg_image,
                        _os_of(leg_image),
                        values,
                        index,
                        tuple(str(d) for d in depends)
                        if isinstance(depends, list)
                        else (str(depends),)
                        if depends
                        else (),
                    )
                )
    return AzureConfig(path, jobs, doc.get("trigger"), problems)
