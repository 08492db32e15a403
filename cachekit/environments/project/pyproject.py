"""pyproject.toml: ``[build-system]``, PEP 621 ``[project]``, PEP 735 ``[dependency-groups]``,
Poetry, flit's legacy table, tool groups, and ``dynamic`` fields.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from packaging.utils import canonicalize_name

from ...fs.trees import Tree
from .. import toml
from ..requirements import Problem
from .model import Dependency, _Builder
from .pep508 import dependency_from_pep508
from .poetry import _get, poetry_dependencies, poetry_specifier

_BACKENDS = {
    "setuptools.build_meta": "setuptools",
    "setuptools.build_meta:__legacy__": "setuptools",
    "poetry.core.masonry.api": "poetry",
    "poetry.masonry.api": "poetry",
    "hatchling.build": "hatch",
    "flit_core.buildapi": "flit",
    "flit.buildapi": "flit",
    "pdm.backend": "pdm",
    "pdm.pep517.api": "pdm",
    "uv_build": "uv",
    "maturin": "maturin",
}
_TOOL_TABLES = ("poetry", "pdm", "hatch", "flit", "uv", "maturin")


def _read_pyproject(tree: Tree, path: str, builder: _Builder) -> None:
    doc, problem = toml.load(tree, path)
    if problem is not None:
        builder.problems.append(problem)
    if doc is None:
        return
    _build_system(doc, builder)
    project = doc.data.get("project")
    if isinstance(project, dict):
        _pep621(doc, project, builder)
    _dependency_groups(doc, builder)
    _poetry(doc, builder)
    _flit_legacy(doc, builder)
    _tool_groups(doc, builder)
    _dynamic(doc, builder)
    tools = doc.data.get("tool")
    if builder.tool is None and isinstance(tools, dict):
        builder.tool = next((t for t in _TOOL_TABLES if t in tools), None)
    if builder.tool is None and isinstance(project, dict):
        builder.tool = "setuptools"  # what pip builds a [project] without [build-system] with


def _strings(doc: toml.Document, path: toml.Path, builder: _Builder, group: str, what: str) -> None:
    """An array of PEP 508 strings at ``path``."""
    value = _get(doc.data, path)
    if value is None:
        return
    if not isinstance(value, list):
        builder.problems.append(Problem(doc.path, doc.at.line(*path), f"{what} is not an array"))
        return
    for i, item in enumerate(value):
        line = doc.at.line(*path, i)
        if isinstance(item, str):
            builder.add(*dependency_from_pep508(item, doc.path, line, group))
        elif not (isinstance(item, dict) and "include-group" in item):
            builder.problems.append(Problem(doc.path, line, f"{what}: {item!r} is not a string"))


def _build_system(doc: toml.Document, builder: _Builder) -> None:
    system = doc.data.get("build-system")
    if not isinstance(system, dict):
        return
    _strings(doc, ("build-system", "requires"), builder, "build", "build-system.requires")
    backend = system.get("build-backend")
    if isinstance(backend, str):
        builder.backend = backend
        builder.tool = _BACKENDS.get(backend) or _BACKENDS.get(backend.split(":")[0], "unknown")


def _pep621(doc: toml.Document, project: dict[str, Any], builder: _Builder) -> None:
    builder.set_name(project.get("name"))
    builder.set_python(
        project.get("requires-python"), doc.path, doc.at.line("project", "requires-python")
    )
    _strings(doc, ("project", "dependencies"), builder, "project", "project.dependencies")
    extras = project.get("optional-dependencies")
    if isinstance(extras, dict):
        for extra in extras:
            group = f"extra:{canonicalize_name(extra)}"
            path = ("project", "optional-dependencies", extra)
            _strings(doc, path, builder, group, f"optional-dependencies.{extra}")


def _dependency_groups(doc: toml.Document, builder: _Builder) -> None:
    """PEP 735: groups by normalised name, ``{include-group = …}`` expanded in place."""
    table = doc.data.get("dependency-groups")
    if not isinstance(table, dict):
        return
    names: dict[str, str] = {}
    for key in table:
        if canonicalize_name(key) in names:
            line = doc.at.line("dependency-groups", key)
            message = f"dependency group {key!r} duplicates {names[canonicalize_name(key)]!r}"
            builder.problems.append(Problem(doc.path, line, message))
        names.setdefault(canonicalize_name(key), key)
    own: dict[str, list[Dependency]] = {}
    for key in names.values():
        scratch = _Builder(builder.directory)
        group = f"group:{canonicalize_name(key)}"
        _strings(doc, ("dependency-groups", key), scratch, group, f"dependency-groups.{key}")
        builder.problems += scratch.problems
        own[canonicalize_name(key)] = scratch.groups.get(canonicalize_name(key), [])
    for normal in names:
        deps = _expand_group(doc, table, names, own, normal, (), builder.problems)
        builder.groups.setdefault(normal, []).extend(deps)


def _expand_group(
    doc: toml.Document,
    table: dict[str, Any],
    names: dict[str, str],
    own: dict[str, list[Dependency]],
    normal: str,
    stack: tuple[str, ...],
    problems: list[Problem],
) -> list[Dependency]:
    key = names[normal]
    items = table[key] if isinstance(table[key], list) else []
    mine = iter(own[normal])
    out: list[Dependency] = []
    for i, item in enumerate(items):
        if isinstance(item, str):
            out.append(next(mine))
            continue
        if not (isinstance(item, dict) and isinstance(item.get("include-group"), str)):
            continue
        target = canonicalize_name(item["include-group"])
        line = doc.at.line("dependency-groups", key, i)
        chain = (*stack, normal)
        if target not in names:
            if not stack:  # each group is expanded on its own too: said once, from there
                problems.append(Problem(doc.path, line, f"include-group {target!r}: no such group"))
        elif target in chain:
            if _closes_cycle(chain, target, list(names)):
                cycle = " -> ".join([*chain, target])
                problems.append(Problem(doc.path, line, f"include-group cycle: {cycle}", "cycle"))
        else:
            out += _expand_group(doc, table, names, own, target, (*stack, normal), problems)
    return out


def _closes_cycle(chain: tuple[str, ...], target: str, order: list[str]) -> bool:
    """Whether this include is where a cycle is reported: every member's expansion meets the
    cycle, so it is said once, from the expansion of its first-declared member."""
    return target == chain[0] and min(chain, key=order.index) == target


def _poetry(doc: toml.Document, builder: _Builder) -> None:
    poetry = _get(doc.data, ("tool", "poetry"))
    if not isinstance(poetry, dict):
        return
    builder.set_name(poetry.get("name"))
    main = poetry.get("dependencies")
    if isinstance(main, dict) and isinstance(main.get("python"), str):
        spec = poetry_specifier(main["python"]) or main["python"]
        builder.set_python(spec, doc.path, doc.at.line("tool", "poetry", "dependencies", "python"))
    project = doc.data.get("project")
    # Poetry 2 reads [project].dependencies when given; [tool.poetry.dependencies] then only
    # adds sources and constraints to them, so listing both would count each one twice.
    uses_main = not isinstance(project, dict) or "dependencies" not in project
    if uses_main:
        _poetry_main(doc, poetry, builder)
    if isinstance(poetry.get("dev-dependencies"), dict):
        deps, problems = poetry_dependencies(doc, ("tool", "poetry", "dev-dependencies"), "")
        builder.problems += problems
        for dep in deps:
            builder.add(replace(dep, group="group:dev"))
    groups = poetry.get("group")
    if isinstance(groups, dict):
        for name in groups:
            path = ("tool", "poetry", "group", name, "dependencies")
            group = f"group:{canonicalize_name(name)}"
            deps, problems = poetry_dependencies(doc, path, group)
            builder.problems += problems
            for dep in deps:
                builder.add(dep)


def _poetry_main(doc: toml.Document, poetry: dict[str, Any], builder: _Builder) -> None:
    """Main dependencies; ``optional = true`` ones belong to the extras that list them."""
    deps, problems = poetry_dependencies(doc, ("tool", "poetry", "dependencies"), "project")
    builder.problems += problems
    table = poetry.get("dependencies") or {}
    extras = poetry.get("extras") if isinstance(poetry.get("extras"), dict) else {}
    for dep in deps:
        key = next((k for k in table if dep.name and canonicalize_name(k) == dep.name), None)
        entry = table.get(key) if key else None
        entries = entry if isinstance(entry, list) else [entry]
        if not any(isinstance(e, dict) and e.get("optional") for e in entries):
            builder.add(dep)
            continue
        for extra, members in (extras or {}).items():
            if not isinstance(members, list):
                continue
            listed = {_leading_name(str(m)) for m in members}
            if dep.name in listed:
                builder.add(replace(dep, group=f"extra:{canonicalize_name(extra)}"))


def _leading_name(text: str) -> str:
    found = re.match(r"\s*([A-Za-z0-9._-]+)", text)
    return canonicalize_name(found.group(1)) if found else ""


def _flit_legacy(doc: toml.Document, builder: _Builder) -> None:
    """flit's pre-PEP 621 ``[tool.flit.metadata]`` (``requires``, ``requires-extra``)."""
    meta = _get(doc.data, ("tool", "flit", "metadata"))
    if not isinstance(meta, dict):
        return
    base = ("tool", "flit", "metadata")
    builder.set_name(meta.get("dist-name") or meta.get("module"))
    builder.set_python(meta.get("requires-python"), doc.path, doc.at.line(*base, "requires-python"))
    _strings(doc, (*base, "requires"), builder, "project", "tool.flit.metadata.requires")
    extras = meta.get("requires-extra")
    if isinstance(extras, dict):
        for extra in extras:
            group = f"extra:{canonicalize_name(extra)}"
            _strings(
                doc, (*base, "requires-extra", extra), builder, group, f"requires-extra.{extra}"
            )


def _tool_groups(doc: toml.Document, builder: _Builder) -> None:
    """uv's ``dev-dependencies`` and PDM's ``[tool.pdm.dev-dependencies]`` (before PEP 735)."""
    _strings(
        doc, ("tool", "uv", "dev-dependencies"), builder, "group:dev", "tool.uv.dev-dependencies"
    )
    pdm = _get(doc.data, ("tool", "pdm", "dev-dependencies"))
    if isinstance(pdm, dict):
        for name in pdm:
            path = ("tool", "pdm", "dev-dependencies", name)
            _strings(doc, path, builder, f"group:{canonicalize_name(name)}", f"pdm group {name}")


_DYNAMIC_FIELDS = ("dependencies", "optional-dependencies", "requires-python")


def _dynamic(doc: toml.Document, builder: _Builder) -> None:
    """PEP 621 ``dynamic`` fields: where each comes from, when the metadata says."""
    dynamic = _get(doc.data, ("project", "dynamic"))
    if not isinstance(dynamic, list):
        return
    for i, name in enumerate(dynamic):
        if name not in _DYNAMIC_FIELDS:
            continue
        line = doc.at.line("project", "dynamic", i)
        if _dynamic_from_files(doc, name, builder):
            continue
        if _poetry_fills(doc, name):
            continue
        builder.pending.append((doc.path, line, name))


_POETRY_FILLS = {
    "dependencies": ("dependencies",),
    "optional-dependencies": ("extras",),
    "requires-python": ("dependencies", "python"),
}


def _poetry_fills(doc: toml.Document, name: str) -> bool:
    """Poetry 2 fills a dynamic field from its own table (read above) when that is there."""
    return _get(doc.data, ("tool", "poetry", *_POETRY_FILLS[name])) is not None


def _dynamic_from_files(doc: toml.Document, name: str, builder: _Builder) -> bool:
    """setuptools ``[tool.setuptools.dynamic]`` and hatch-requirements-txt file sources."""
    setuptools = ("tool", "setuptools", "dynamic", name)
    hatch = ("tool", "hatch", "metadata", "hooks", "requirements_txt")
    # (what it fills, the table that says so, the path of its file list)
    sources: list[tuple[str, str, toml.Path]] = []
    if name == "dependencies":
        sources += [(name, "tool.setuptools.dynamic", (*setuptools, "file"))]
        sources += [(name, ".".join(hatch), (*hatch, "files"))]
    elif name == "optional-dependencies":
        for extra in _keys(_get(doc.data, setuptools)):
            sources += [
                (f"{name}.{extra}", "tool.setuptools.dynamic", (*setuptools, extra, "file"))
            ]
        table = (*hatch, "optional-dependencies")
        for extra in _keys(_get(doc.data, table)):
            sources += [(f"{name}.{extra}", ".".join(table[:-1]), (*table, extra))]
    found = False
    for what, table_name, path in sources:
        files = _get(doc.data, path)
        items = [files] if isinstance(files, str) else files if isinstance(files, list) else []
        for i, item in enumerate(items):
            if isinstance(item, str):
                line = doc.at.line(*path) if isinstance(files, str) else doc.at.line(*path, i)
                text = f"{what} come from {item} ([{table_name}])"
                builder.dynamic_input(doc.path, line, text, item)
                found = True
    return found


def _keys(table: Any) -> list[str]:
    return list(table) if isinstance(table, dict) else []
