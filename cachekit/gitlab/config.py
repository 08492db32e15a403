"""``.gitlab-ci.yml`` loaded and normalised: includes, ``extends``, ``!reference``,
``default:``, ``inherit:``, ``variables`` layering and ``parallel:matrix``, as GitLab does it.

The rules, from GitLab's CI/CD YAML reference (docs/ci/yaml/index.md) and its config code
(``lib/gitlab/ci/config/``):

- ``include: local`` (a string without a scheme, or ``{local: path}``) is read from the same
  tree; included documents are deep-merged *under* the including one (``Config::External::
  Processor`` then ``deep_merge``): hashes merge key by key, any other value is replaced.
  ``remote``, ``project``, ``template`` and ``component`` includes cannot be read offline and
  are reported. Bounded: :data:`MAX_INCLUDES` files (GitLab allows 150).
- ``extends`` (a name or a list) merges its parents in order, then the job, deeply
  (``Config::Extendable::Entry``); at most :data:`MAX_EXTENDS_DEPTH` levels (GitLab: 11),
  cycles are errors.
- ``!reference [.job, key, …]`` is replaced by the value at that path, references inside it
  resolved first, at most :data:`MAX_REFERENCE_DEPTH` deep (GitLab: 10). A reference inside a
  ``script`` list is flattened into it (GitLab flattens nested script arrays).
- ``default:`` gives each job the keys it does not set (``cache``, ``image``,
  ``before_script``, ``after_script``, ``tags``, ``services``…), unless ``inherit: default``
  is ``false`` or lists the keys to keep; the pre-``default`` top-level ``cache``/``image``/
  ``before_script``/``after_script`` act the same. Global ``variables`` are inherited unless
  ``inherit: variables`` says otherwise; job variables override them.
- Keys starting with ``.`` are hidden (templates); the reserved top-level keywords are not
  jobs.
- ``parallel: matrix`` makes one job per combination of the lists, with those variables set,
  named ``job: [v1, v2]``.
"""

from __future__ import annotations

import itertools
import posixpath
from dataclasses import dataclass, field
from typing import Any, Final

from ..errors import CachekitError, TreeError
from ..fs.trees import FILE, Tree
from ..platforms.yamltags import Reference, load_ci_yaml
from ..yamlsource import Mark, WorkflowSyntaxError, YamlMap, YamlSeq

__all__ = [
    "CONFIG_PATHS",
    "GitLabConfig",
    "GitLabConfigError",
    "Job",
    "Problem",
    "apply_workflow_variables",
    "load_config",
]

CONFIG_PATHS: Final = (".gitlab-ci.yml", ".gitlab-ci.yaml")
MAX_INCLUDES: Final = 100
MAX_EXTENDS_DEPTH: Final = 11
MAX_REFERENCE_DEPTH: Final = 10
MAX_MATRIX: Final = 200  # GitLab's limit on parallel:matrix combinations

RESERVED: Final = frozenset(
    {
        "default",
        "include",
        "stages",
        "variables",
        "workflow",
        "image",
        "services",
        "cache",
        "before_script",
        "after_script",
        "types",
        "spec",
    }
)
DEFAULTABLE: Final = (
    "after_script",
    "artifacts",
    "before_script",
    "cache",
    "hooks",
    "id_tokens",
    "image",
    "interruptible",
    "retry",
    "services",
    "tags",
    "timeout",
)
_GLOBAL_DEFAULTS: Final = ("image", "services", "cache", "before_script", "after_script")
DEFAULT_STAGES: Final = (".pre", "build", "test", "deploy", ".post")


class GitLabConfigError(CachekitError):
    """The configuration cannot be read as GitLab would; the message names file:line."""


@dataclass(frozen=True)
class Problem:
    """Something GitLab would reject or cachekit cannot read offline, with its place."""

    message: str
    mark: Mark | None


@dataclass
class Job:
    """One job (one ``parallel:matrix`` combination) after every merge GitLab applies."""

    name: str
    base_name: str
    body: dict[str, Any]
    mark: Mark
    stage: str
    stage_index: int
    variables: dict[str, tuple[str, str]]  # name -> (value, where it was set)
    matrix: dict[str, str] = field(default_factory=dict)
    via: tuple[Mark, ...] = ()  # extends chain


@dataclass
class GitLabConfig:
    """The whole pipeline configuration of one tree."""

    path: str
    jobs: list[Job]
    stages: tuple[str, ...]
    variables: dict[str, tuple[str, str]]
    workflow: Any
    problems: list[Problem]
    files: tuple[str, ...]  # every configuration file read (the main one first)


def _mark(value: Any, default: Mark) -> Mark:
    return getattr(value, "mark", default)


def deep_merge(base: Any, over: Any) -> Any:
    """GitLab's ``deep_merge``: hashes merge key by key; anything else is replaced."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = YamlMap()
        out.mark = getattr(over, "mark", getattr(base, "mark", Mark("", 0, 0)))
        out.key_marks = {**getattr(base, "key_marks", {}), **getattr(over, "key_marks", {})}
        out.value_marks = {**getattr(base, "value_marks", {}), **getattr(over, "value_marks", {})}
        for k, v in base.items():
            out[k] = v
        for k, v in over.items():
            out[k] = deep_merge(out[k], v) if k in out else v
        return out
    return over


class _Loader:
    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self.problems: list[Problem] = []
        self.files: list[str] = []

    def read(self, path: str, mark: Mark | None) -> YamlMap | None:
        if len(self.files) >= MAX_INCLUDES:
            self.problems.append(Problem(f"more than {MAX_INCLUDES} included files", mark))
            return None
        if path in self.files:
            return None  # GitLab reads a duplicate include once
        self.files.append(path)
        try:
            data = load_ci_yaml(self.tree.read(path), path)
        except TreeError as exc:
            self.problems.append(Problem(f"{path}: cannot read ({exc.code})", mark))
            return None
        except WorkflowSyntaxError as exc:
            self.problems.append(Problem(str(exc), mark))
            return None
        if data is None:
            return None
        if not isinstance(data, YamlMap):
            self.problems.append(Problem(f"{path}: the configuration must be a mapping", mark))
            return None
        return self.with_includes(data, path)

    def with_includes(self, data: YamlMap, path: str) -> YamlMap:
        include = data.get("include")
        if include is None:
            return data
        items = include if isinstance(include, list) else [include]
        merged: Any = YamlMap()
        merged.mark, merged.key_marks, merged.value_marks = data.mark, {}, {}
        for item in items:
            where = _mark(item, data.mark_of("include"))
            local = _local_include(item)
            if local is None:
                what = next(iter(item)) if isinstance(item, dict) and item else str(item)
                self.problems.append(
                    Problem(f"include {what!s} is not a local file: not read offline", where)
                )
                continue
            if any(c in local for c in "*?["):
                self.problems.append(
                    Problem(f"include {local}: wildcard includes are not read offline", where)
                )
                continue
            rel = posixpath.normpath(local.lstrip("/"))
            if rel.startswith("../") or self.tree.stat(rel) != FILE:
                self.problems.append(Problem(f"include {local}: no such file", where))
                continue
            sub = self.read(rel, where)
            if sub is not None:
                merged = deep_merge(merged, sub)
        own = YamlMap({k: v for k, v in data.items() if k != "include"})
        own.mark, own.key_marks, own.value_marks = data.mark, data.key_marks, data.value_marks
        result = deep_merge(merged, own)
        assert isinstance(result, YamlMap)
        return result


def _local_include(item: Any) -> str | None:
    if isinstance(item, str):
        return None if "://" in item else item
    if isinstance(item, dict) and isinstance(item.get("local"), str):
        return str(item["local"])
    return None


class _Resolver:
    """``!reference`` and ``extends`` over the merged document."""

    def __init__(self, doc: YamlMap, problems: list[Problem]) -> None:
        self.doc = doc
        self.problems = problems

    def reference(self, ref: Reference, depth: int) -> Any:
        if depth > MAX_REFERENCE_DEPTH:
            raise GitLabConfigError(f"{ref.mark}: !reference nested more than 10 levels")
        value: Any = self.doc
        for name in ref.path:
            if not isinstance(value, dict) or name not in value:
                # Often defined by a remote/project include cachekit cannot read: the rest
                # of the configuration is still read, and the gap is reported.
                self.problems.append(
                    Problem(f"!reference {list(ref.path)} not found (left empty)", ref.mark)
                )
                return None
            value = value[name]
        return self.resolve(value, depth + 1)

    def resolve(self, value: Any, depth: int = 0) -> Any:
        if isinstance(value, Reference):
            return self.reference(value, depth)
        if isinstance(value, YamlMap):
            out = YamlMap({k: self.resolve(v, depth) for k, v in value.items()})
            out.mark, out.key_marks, out.value_marks = (
                value.mark,
                value.key_marks,
                value.value_marks,
            )
            return out
        if isinstance(value, YamlSeq):
            seq = YamlSeq(self.resolve(v, depth) for v in value)
            seq.mark, seq.item_marks = value.mark, value.item_marks
            return seq
        return value

    def extended(self, name: str, seen: tuple[str, ...] = ()) -> tuple[YamlMap, tuple[Mark, ...]]:
        body = self.doc.get(name)
        if not isinstance(body, YamlMap):
            raise GitLabConfigError(f"{self.doc.mark_of(name)}: {name}: not a mapping")
        parents = body.get("extends")
        if parents is None:
            return body, ()
        if len(seen) >= MAX_EXTENDS_DEPTH:
            raise GitLabConfigError(
                f"{body.mark_of('extends')}: extends nested more than {MAX_EXTENDS_DEPTH} levels"
            )
        if not isinstance(parents, (str, list)):
            raise GitLabConfigError(
                f"{body.mark_of('extends')}: extends must be a job name or a list of them"
            )
        names = [parents] if isinstance(parents, str) else parents
        merged: Any = YamlMap()
        merged.mark, merged.key_marks, merged.value_marks = body.mark, {}, {}
        via: list[Mark] = []
        for parent in names:
            parent = str(parent)
            if parent in seen or parent == name:
                raise GitLabConfigError(f"{body.mark_of('extends')}: circular extends: {parent}")
            if parent not in self.doc:  # from an include cachekit cannot read: a gap
                self.problems.append(
                    Problem(
                        f"{name}: extends '{parent}', which is not defined (left out)",
                        body.mark_of("extends"),
                    )
                )
                continue
            pbody, pvia = self.extended(parent, (*seen, name))
            merged = deep_merge(merged, pbody)
            via.extend((self.doc.mark_of(parent), *pvia))
        own = YamlMap({k: v for k, v in body.items() if k != "extends"})
        own.mark, own.key_marks, own.value_marks = body.mark, body.key_marks, body.value_marks
        result = deep_merge(merged, own)
        assert isinstance(result, YamlMap)
        return result, tuple(via)


def _variables(
    raw: Any, where: str, problems: list[Problem], mark: Mark
) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    if raw is None:
        return out
    if not isinstance(raw, dict):
        problems.append(Problem("variables must be a mapping", mark))
        return out
    for name, value in raw.items():
        if isinstance(value, dict):
            value = value.get("value", "")
        if isinstance(value, bool):
            value = "true" if value else "false"
        line = raw.key_marks.get(name) if isinstance(raw, YamlMap) else None
        out[str(name)] = (
            "" if value is None else str(value),
            f"{where} ({line})" if line else where,
        )
    return out


def _inherit(body: dict[str, Any], key: str, item: str) -> bool:
    inherit = body.get("inherit")
    if not isinstance(inherit, dict) or key not in inherit:
        return True
    rule = inherit[key]
    if isinstance(rule, bool):
        return rule
    if isinstance(rule, list):
        return item in [str(x) for x in rule]
    return True


def _flatten_scripts(body: YamlMap) -> None:
    for key in ("before_script", "script", "after_script"):
        value = body.get(key)
        if isinstance(value, list):
            flat: list[Any] = []
            stack = [iter(value)]
            while stack:
                item = next(stack[-1], _END)
                if item is _END:
                    stack.pop()
                elif isinstance(item, list) and len(stack) <= MAX_REFERENCE_DEPTH:
                    stack.append(iter(item))
                else:
                    flat.append(item)
            seq = YamlSeq(flat)
            seq.mark = getattr(value, "mark", body.mark)
            seq.item_marks = [seq.mark] * len(flat)
            if isinstance(value, YamlSeq) and len(value.item_marks) == len(flat):
                seq.item_marks = value.item_marks
            body[key] = seq


_END: Final = object()


def _matrix(body: dict[str, Any], mark: Mark, problems: list[Problem]) -> list[dict[str, str]]:
    parallel = body.get("parallel")
    if not isinstance(parallel, dict) or not isinstance(parallel.get("matrix"), list):
        return [{}]
    combos: list[dict[str, str]] = []
    for entry in parallel["matrix"]:
        if not isinstance(entry, dict):
            continue
        names = [str(k) for k in entry]
        values = [
            [str(v) for v in entry[k]] if isinstance(entry[k], list) else [str(entry[k])]
            for k in entry
        ]
        for combo in itertools.product(*values):
            combos.append(dict(zip(names, combo, strict=True)))
            if len(combos) > MAX_MATRIX:
                problems.append(Problem(f"parallel:matrix over {MAX_MATRIX} jobs", mark))
                return combos[:MAX_MATRIX]
    return combos or [{}]


def load_config(tree: Tree) -> GitLabConfig | None:
    """The tree's ``.gitlab-ci.yml`` normalised, or None when it has none."""
    path = next((p for p in CONFIG_PATHS if tree.stat(p) == FILE), None)
    if path is None:
        return None
    loader = _Loader(tree)
    doc = loader.read(path, None)
    problems = loader.problems
    if doc is None:
        return GitLabConfig(path, [], DEFAULT_STAGES, {}, None, problems, tuple(loader.files))
    resolver = _Resolver(doc, problems)
    try:
        doc = resolver.resolve(doc)
    except GitLabConfigError as exc:
        problems.append(Problem(str(exc), None))
        return GitLabConfig(path, [], DEFAULT_STAGES, {}, None, problems, tuple(loader.files))
    resolver.doc = doc
    stage_list = _stage_list(doc)
    global_vars = _variables(doc.get("variables"), "variables:", problems, doc.mark)
    defaults = _global_defaults(doc)
    jobs: list[Job] = []
    for name, raw in doc.items():
        if name in RESERVED or name.startswith(".") or not isinstance(raw, dict):
            continue
        try:
            body, via = resolver.extended(name)
        except GitLabConfigError as exc:
            problems.append(Problem(str(exc), None))
            continue
        if not any(k in body for k in ("script", "trigger", "run")):
            continue  # not a job GitLab would create
        jobs.extend(_jobs_of(name, body, via, doc, defaults, global_vars, stage_list, problems))
    return GitLabConfig(
        path, jobs, stage_list, global_vars, doc.get("workflow"), problems, tuple(loader.files)
    )


def _stage_list(doc: YamlMap) -> tuple[str, ...]:
    """``stages:`` (or the old ``types:``) framed by ``.pre`` and ``.post``, else GitLab's
    default stages."""
    stages = doc.get("stages") or doc.get("types")
    if not isinstance(stages, list):
        return DEFAULT_STAGES
    return (".pre", *[str(s) for s in stages if str(s) not in (".pre", ".post")], ".post")


def _global_defaults(doc: YamlMap) -> dict[str, Any]:
    """``default:`` with the pre-``default:`` top-level globals it does not set itself."""
    default = doc.get("default")
    defaults: dict[str, Any] = default if isinstance(default, dict) else {}
    for key in _GLOBAL_DEFAULTS:
        if key in doc and key not in defaults:
            defaults = {**defaults, key: doc[key]}
    return defaults


def _jobs_of(
    name: str,
    body: dict[str, Any],
    via: tuple[Mark, ...],
    doc: YamlMap,
    defaults: dict[str, Any],
    global_vars: dict[str, tuple[str, str]],
    stage_list: tuple[str, ...],
    problems: list[Problem],
) -> list[Job]:
    """One extended job body made into GitLab's jobs: defaults and variables inherited as
    ``inherit:`` allows, one job per ``parallel:matrix`` combination."""
    body = YamlMap(body) if not isinstance(body, YamlMap) else body
    for key in DEFAULTABLE:
        if key not in body and key in defaults and _inherit(body, "default", key):
            body[key] = defaults[key]
            body.value_marks[key] = _mark(defaults[key], doc.mark)
    _flatten_scripts(body)
    variables = {k: v for k, v in global_vars.items() if _inherit(body, "variables", k)}
    variables.update(_variables(body.get("variables"), f"{name}: variables:", problems, body.mark))
    stage = str(body.get("stage", "test"))
    if stage not in stage_list:
        problems.append(Problem(f"job {name}: stage '{stage}' is not in stages", body.mark))
    index = stage_list.index(stage) if stage in stage_list else len(stage_list)
    jobs: list[Job] = []
    for combo in _matrix(body, body.mark, problems):
        job_vars = dict(variables)
        job_vars.update({k: (v, f"{name}: parallel:matrix") for k, v in combo.items()})
        label = f"{name}: [{', '.join(combo.values())}]" if combo else name
        jobs.append(Job(label, name, body, doc.mark_of(name), stage, index, job_vars, combo, via))
    return jobs


def apply_workflow_variables(config: GitLabConfig, values: dict[str, str]) -> None:
    """``workflow:rules:variables`` override the global variables (not a job's own)."""
    for job in config.jobs:
        for name, value in values.items():
            current = job.variables.get(name)
            if current is None or current[1].startswith("variables:"):
                job.variables[name] = (value, "workflow:rules:variables")
