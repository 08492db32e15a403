"""A Python project's declared dependencies, read statically, with file:line for every one.

A dependency cache holds what the project's metadata asked for, so the metadata files are the
other half of every cache question: pyproject.toml (PEP 621 ``[project]``, PEP 735
``[dependency-groups]``, Poetry's ``[tool.poetry]``, ``[build-system]``), setup.cfg and
setup.py. Each dependency keeps the file and line where it is written, because a finding
("unpinned", "not in the lock", "changes the cache key") is only actionable when it points at
the line to edit.

Nothing is executed. setup.py is parsed with :mod:`ast` and only literals are read: a setup.py
may do anything when run (import the package, read files, query the network), and analysing a
repository must never run its code. What cannot be read as a literal — ``install_requires``
computed from ``open("requirements.txt")``, ``dynamic = ["dependencies"]``, a setuptools
``{file = ...}`` — is reported as a :class:`DynamicInput`, naming the file it reads when that is
written literally, so the caller can read that file instead (with
:func:`~cachekit.environments.requirements.read_requirements`). Unreadable content becomes a
:class:`~cachekit.environments.requirements.Problem`, never an exception.
"""

from __future__ import annotations

import ast
import posixpath
import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, TypeGuard

from packaging.markers import InvalidMarker, Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from ..errors import TreeError
from ..fs.trees import FILE, Tree
from . import toml
from .requirements import Problem, decode

__all__ = [
    "Dependency",
    "DynamicInput",
    "Project",
    "dependency_from_pep508",
    "join_markers",
    "one_line",
    "poetry_dependencies",
    "poetry_python_marker",
    "poetry_specifier",
    "pyproject_is_metadata",
    "read_project",
]

_SHA = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")


@dataclass(frozen=True)
class Dependency:
    """One dependency as written, where it is written."""

    text: str  # as written ("requests>=2"; Poetry's ``requests = "^2.31"`` as "requests ^2.31")
    name: str | None  # PEP 503 normalised; None if unreadable
    specifier: str  # PEP 440 as packaging prints it; a Poetry constraint converted when possible
    marker: str  # "" when none
    extras: tuple[str, ...]
    pinned: bool  # exactly one version (== without wildcard, ===, or a full commit sha)
    file: str  # tree-relative path
    line: int  # 1-based
    group: str  # "project" | "extra:NAME" | "group:NAME" | "build" | "pipfile:…"
    source: str = ""  # "" for an index; "path:…", "git:…", "url:…" for a direct reference

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class DynamicInput:
    """Something the metadata depends on that is not written literally.

    setup.py computing ``install_requires``, a PEP 621 ``dynamic`` field, a setuptools or hatch
    ``file`` source. ``reads`` is the tree path of a file it reads, when that is written
    literally (resolved against the project directory); None otherwise.
    """

    file: str
    line: int
    what: str  # one sentence
    reads: str | None


@dataclass(frozen=True)
class Project:
    """What a project directory's metadata files declare, merged in the order they are read."""

    directory: str  # tree-relative, "" for the root
    files: tuple[str, ...]  # metadata files read
    name: str | None
    requires_python: str | None
    requires_python_at: tuple[str, int] | None
    dependencies: tuple[Dependency, ...]  # runtime ("project")
    optional: dict[str, tuple[Dependency, ...]]  # extras, by normalised name
    groups: dict[str, tuple[Dependency, ...]]  # PEP 735 / Poetry / uv / PDM groups, resolved
    build_requires: tuple[Dependency, ...]
    build_backend: str | None
    tool: str  # setuptools | poetry | hatch | flit | pdm | uv | maturin | unknown
    dynamic: tuple[DynamicInput, ...]
    problems: tuple[Problem, ...]

    def all_dependencies(
        self, extras: Iterable[str] = (), groups: Iterable[str] = ()
    ) -> tuple[Dependency, ...]:
        """Runtime dependencies plus the named extras and groups (``"*"`` selects all)."""
        out = list(self.dependencies)
        out += _selected(self.optional, extras)
        out += _selected(self.groups, groups)
        return tuple(out)


def _selected(table: dict[str, tuple[Dependency, ...]], names: Iterable[str]) -> list[Dependency]:
    wanted = {canonicalize_name(n) if n != "*" else n for n in names}
    out: list[Dependency] = []
    for name, deps in table.items():
        if "*" in wanted or name in wanted:
            out += deps
    return out


# --- PEP 508 strings -------------------------------------------------------------------------


def _pinned(specifier: SpecifierSet) -> bool:
    specs = list(specifier)
    return len(specs) == 1 and specs[0].operator in ("==", "===") and "*" not in specs[0].version


def _url_source(url: str) -> tuple[str, bool]:
    """A PEP 508 URL as a ``source``, and whether it fixes one version (a full commit sha)."""
    if url.startswith("git+"):
        rev = url.split("#", 1)[0].rsplit("@", 1)
        pinned = len(rev) == 2 and "/" not in rev[1] and bool(_SHA.fullmatch(rev[1]))
        return f"git:{url[4:]}", pinned
    if url.startswith("file:"):
        return f"path:{url[5:].removeprefix('//')}", False
    return f"url:{url}", False


def _drop_comment(text: str) -> str:
    """setuptools drops `` #…`` after a requirement (jaraco.text.drop_comment)."""
    return text.partition(" #")[0].strip()


def dependency_from_pep508(
    text: str, file: str, line: int, group: str
) -> tuple[Dependency, Problem | None]:
    """A PEP 508 string as a Dependency; an unreadable one has ``name=None`` and a Problem."""
    try:
        req = Requirement(text)
    except InvalidRequirement as exc:
        message = str(exc).splitlines()[0]
        dep = Dependency(text, None, "", "", (), False, file, line, group)
        return dep, Problem(file, line, f"invalid requirement {text!r}: {message}")
    extras = tuple(sorted(canonicalize_name(x) for x in req.extras))
    marker = str(req.marker) if req.marker else ""
    name = canonicalize_name(req.name)
    if req.url:
        source, pinned = _url_source(req.url)
        return Dependency(text, name, "", marker, extras, pinned, file, line, group, source), None
    spec = req.specifier
    return Dependency(text, name, str(spec), marker, extras, _pinned(spec), file, line, group), None


# --- Poetry constraints ----------------------------------------------------------------------

_POETRY_CLAUSE = re.compile(r"\s*(===|~=|==|!=|<=|>=|<|>|=|\^|~)?\s*([^\s,<>=!~^|]+)\s*,?")


def _bump(release: tuple[int, ...], index: int) -> str:
    """``release`` with component ``index`` increased and the rest zeroed, same precision."""
    parts = [*release[:index], release[index] + 1]
    parts += [0] * (len(release) - len(parts))
    return ".".join(str(p) for p in parts)


def _poetry_range(op: str, version: str) -> list[str] | None:
    try:
        release = Version(version).release
    except InvalidVersion:
        return None
    if op == "^":  # the leftmost non-zero component may not change
        nonzero = next((i for i, p in enumerate(release) if p), len(release) - 1)
        upper = _bump(release, min(nonzero, len(release) - 1))
    else:  # "~": the minor version may not change (the major when only that is given)
        upper = _bump(release, 0 if len(release) == 1 else 1)
    return [f">={version}", f"<{upper}"]


def _poetry_clauses(constraint: str) -> list[str] | None:
    """PEP 440 clauses of one Poetry alternative (no ``||``); None when it has none."""
    text = constraint.strip()
    if text in ("", "*"):
        return []
    clauses: list[str] = []
    pos = 0
    while pos < len(text):
        found = _POETRY_CLAUSE.match(text, pos)
        if not found or found.end() == pos:
            return None
        pos = found.end()
        op, version = found.group(1) or "", found.group(2)
        if op in ("^", "~"):
            got = _poetry_range(op, version)
            if got is None:
                return None
            clauses += got
        elif op in ("", "=", "=="):
            if version != "*":
                clauses.append(f"=={version}")
        else:
            clauses.append(f"{op}{version}")
    return clauses


def poetry_specifier(constraint: str) -> str | None:
    """A Poetry version constraint (``^1.2``, ``~1.2``, ``1.2.*``, ``>=1 <2``) as PEP 440.

    None when it has no PEP 440 form (an ``||`` of alternatives) or is not a constraint.
    """
    if "|" in constraint:
        return None
    clauses = _poetry_clauses(constraint)
    if clauses is None:
        return None
    try:
        return str(SpecifierSet(",".join(clauses)))
    except InvalidSpecifier:
        return None


def poetry_python_marker(constraint: str) -> str | None:
    """A Poetry ``python = "…"`` constraint as a PEP 508 marker; None when unreadable."""
    alternatives: list[str] = []
    for alternative in re.split(r"\|\|?", constraint):
        clauses = _poetry_clauses(alternative)
        if clauses is None:
            return None
        parts = []
        for clause in clauses:
            op = re.match(r"[<>=!~]+", clause)
            if not op:
                return None
            version = clause[op.end() :]
            variable = "python_full_version" if version.count(".") >= 2 else "python_version"
            parts.append(f'{variable} {op.group()} "{version}"')
        if not parts:
            return ""  # any Python: no marker at all
        alternatives.append(" and ".join(parts))
    return _any_of(alternatives)


def _any_of(alternatives: list[str]) -> str:
    if len(alternatives) == 1:
        return alternatives[0]
    return " or ".join(f"({a})" if " and " in a else a for a in alternatives)


def join_markers(parts: Iterable[str]) -> str:
    """Markers that must all hold, each parenthesised when it has an ``or``."""
    present = [p for p in parts if p]
    if len(present) == 1:
        return present[0]
    return " and ".join(f"({p})" if " or " in p else p for p in present)


def _check_marker(marker: str, file: str, line: int, problems: list[Problem]) -> None:
    if not marker:
        return
    try:
        Marker(marker)
    except InvalidMarker as exc:
        first = str(exc).splitlines()[0]
        problems.append(Problem(file, line, f"invalid marker {marker!r}: {first}"))


def one_line(raw: str | None) -> str:
    """A table's source text on one line (for ``Dependency.text``)."""
    return re.sub(r"\s*\n\s*", " ", raw or "").strip()


def poetry_dependencies(
    doc: toml.Document, path: toml.Path, group: str, *, skip: Iterable[str] = ("python",)
) -> tuple[list[Dependency], list[Problem]]:
    """Every entry of a Poetry dependency table (``name = "^1"``, ``{…}``, ``[{…}, {…}]``)."""
    table = _get(doc.data, path)
    deps: list[Dependency] = []
    problems: list[Problem] = []
    if not isinstance(table, dict):
        return deps, problems
    skipped = set(skip)
    for key, value in table.items():
        if key in skipped:
            continue
        if isinstance(value, list):
            for i, item in enumerate(value):
                at = (*path, key, i)
                dep = _poetry_one(doc, key, item, at, group, problems)
                if dep is not None:
                    deps.append(dep)
        else:
            dep = _poetry_one(doc, key, value, (*path, key), group, problems)
            if dep is not None:
                deps.append(dep)
    return deps, problems


def _poetry_one(
    doc: toml.Document, key: str, value: Any, at: toml.Path, group: str, problems: list[Problem]
) -> Dependency | None:
    line = doc.at.line(*at)
    file = doc.path
    if isinstance(value, str):
        value = {"version": value}
        text = f"{key} {value['version']}"
    elif isinstance(value, dict):
        text = f"{key} {one_line(doc.at.raw(*at))}"
    else:
        problems.append(Problem(file, line, f"dependency {key!r}: not a string or table"))
        return None
    constraint = str(value.get("version", "*"))
    specifier = poetry_specifier(constraint)
    if specifier is None:
        specifier = constraint
    marker = _poetry_marker(value, file, line, problems)
    listed = value.get("extras")
    extras = tuple(sorted(canonicalize_name(str(x)) for x in listed or ()))
    if listed is not None and not isinstance(listed, list):
        problems.append(Problem(file, line, f"dependency {key!r}: extras is not an array"))
        extras = ()
    source, pinned = _poetry_source(value)
    if not source:
        try:
            pinned = _pinned(SpecifierSet(specifier))
        except InvalidSpecifier:
            pinned = False
    name = canonicalize_name(key) if _NAME.fullmatch(key) else None
    if name is None:
        problems.append(Problem(file, line, f"invalid project name {key!r}"))
    return Dependency(text, name, specifier, marker, extras, pinned, file, line, group, source)


_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?")


def _poetry_marker(value: dict[str, Any], file: str, line: int, problems: list[Problem]) -> str:
    parts: list[str] = []
    python = value.get("python")
    if isinstance(python, str):
        converted = poetry_python_marker(python)
        if converted is None:
            problems.append(Problem(file, line, f"unreadable python constraint {python!r}"))
        else:
            parts.append(converted)
    platform = value.get("platform")
    if isinstance(platform, str):
        parts.append(f'sys_platform == "{platform}"')
    markers = value.get("markers")
    if isinstance(markers, str):
        parts.append(markers.strip())
    marker = join_markers(parts)
    _check_marker(marker, file, line, problems)
    return marker


def _poetry_source(value: dict[str, Any]) -> tuple[str, bool]:
    if "git" in value:
        ref = value.get("rev") or value.get("tag") or value.get("branch")
        source = f"git:{value['git']}" + (f"@{ref}" if ref else "")
        if value.get("subdirectory"):
            source += f"#subdirectory={value['subdirectory']}"
        return source, bool(value.get("rev")) and bool(_SHA.fullmatch(str(value["rev"])))
    if "path" in value:
        return f"path:{value['path']}", False
    if "url" in value:
        return f"url:{value['url']}", False
    return "", False


def _get(data: Any, path: toml.Path) -> Any:
    for key in path:
        if isinstance(key, str) and isinstance(data, dict):
            data = data.get(key)
        elif isinstance(key, int) and isinstance(data, list) and key < len(data):
            data = data[key]
        else:
            return None
    return data


# --- the project -----------------------------------------------------------------------------

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


@dataclass
class _Builder:
    """Accumulates what each metadata file declares; the first file to give a scalar wins."""

    directory: str
    files: list[str] = field(default_factory=list)
    name: str | None = None
    requires_python: str | None = None
    requires_python_at: tuple[str, int] | None = None
    dependencies: list[Dependency] = field(default_factory=list)
    optional: dict[str, list[Dependency]] = field(default_factory=dict)
    groups: dict[str, list[Dependency]] = field(default_factory=dict)
    build: list[Dependency] = field(default_factory=list)
    backend: str | None = None
    tool: str | None = None
    dynamic: list[DynamicInput] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    pending: list[tuple[str, int, str]] = field(default_factory=list)  # unexplained `dynamic`

    def path(self, name: str) -> str:
        return posixpath.join(self.directory, name) if self.directory else name

    def resolve(self, relative: str) -> str | None:
        """A file named in the metadata, relative to the project directory, as a tree path."""
        if relative.startswith("/"):
            return None
        norm = posixpath.normpath(posixpath.join(self.directory, relative))
        if norm in (".", "..") or norm.startswith("../"):
            return None
        return norm

    def set_name(self, name: Any) -> None:
        if self.name is None and isinstance(name, str) and name:
            self.name = name

    def set_python(self, spec: Any, file: str, line: int) -> None:
        if self.requires_python is None and isinstance(spec, str):
            self.requires_python = spec
            self.requires_python_at = (file, line)

    def add(self, dep: Dependency, problem: Problem | None = None) -> None:
        if problem is not None:
            self.problems.append(problem)
        if dep.group == "project":
            self.dependencies.append(dep)
        elif dep.group == "build":
            self.build.append(dep)
        elif dep.group.startswith("extra:"):
            self.optional.setdefault(dep.group[6:], []).append(dep)
        else:
            self.groups.setdefault(dep.group.removeprefix("group:"), []).append(dep)

    def dynamic_input(self, file: str, line: int, what: str, reads: str | None) -> None:
        item = DynamicInput(file, line, what, self.resolve(reads) if reads else None)
        if item not in self.dynamic:
            self.dynamic.append(item)

    def finish(self) -> Project:
        has_setup = any(f.endswith(("setup.py", "setup.cfg")) for f in self.files)
        tool = self.tool or ("setuptools" if has_setup else "unknown")
        for file, line, name in self.pending:
            if tool == "setuptools" and has_setup:
                continue  # setuptools takes it from setup.py / setup.cfg, read here
            backend = self.backend or "the build backend"
            self.dynamic_input(file, line, f"{name} is dynamic: {backend} computes it", None)
        return Project(
            self.directory,
            tuple(self.files),
            self.name,
            self.requires_python,
            self.requires_python_at,
            tuple(self.dependencies),
            {k: tuple(v) for k, v in self.optional.items()},
            {k: tuple(v) for k, v in self.groups.items()},
            tuple(self.build),
            self.backend,
            tool,
            tuple(self.dynamic),
            tuple(self.problems),
        )


def _is_file(tree: Tree, path: str) -> bool:
    try:
        return tree.stat(path) == FILE
    except (TreeError, OSError, ValueError):
        return _exists(tree, path)


def _exists(tree: Tree, path: str) -> bool:
    """Whether anything is at ``path`` (a broken or looping link still counts: it is there)."""
    try:
        return tree.lstat(path) is not None
    except (TreeError, OSError, ValueError):
        return False


def read_project(tree: Tree, directory: str = "") -> Project | None:
    """The project in ``directory``: pyproject.toml, setup.cfg and setup.py, in that order.

    None when the directory has none of the three. Never raises on bad content.
    """
    directory = posixpath.normpath(directory.strip("/") or ".")
    builder = _Builder("" if directory == "." else directory)
    readers = (
        ("pyproject.toml", _read_pyproject),
        ("setup.cfg", _read_setup_cfg),
        ("setup.py", _read_setup_py),
    )
    for name, reader in readers:
        path = builder.path(name)
        if _is_file(tree, path):
            builder.files.append(path)
            reader(tree, path, builder)
    if not builder.files:
        return None
    return builder.finish()


# Tables of pyproject.toml that shape what an install builds or resolves; a file with none of
# them (only [tool.ruff], [tool.black], [tool.pytest]…) is configuration, not project metadata.
_METADATA_TABLES = frozenset({"project", "build-system", "dependency-groups"})
_METADATA_TOOLS = frozenset(
    {
        "poetry",
        "setuptools",
        "setuptools_scm",
        "hatch",
        "pdm",
        "flit",
        "uv",
        "maturin",
        "scikit-build",
        "pixi",
        "pipenv",
    }
)


def pyproject_is_metadata(tree: Tree, path: str) -> bool:
    """Whether pyproject.toml declares anything an install reads; unreadable counts as yes
    (the reader then reports why)."""
    doc, _ = toml.load(tree, path)
    if doc is None:
        return True
    data = doc.data
    if any(name in data for name in _METADATA_TABLES):
        return True
    tool = data.get("tool")
    return isinstance(tool, dict) and any(name in tool for name in _METADATA_TOOLS)


def _read_text(tree: Tree, path: str, builder: _Builder) -> str | None:
    try:
        data = tree.read(path)
    except (TreeError, OSError, ValueError) as exc:
        builder.problems.append(Problem(path, 0, f"cannot read: {exc}"))
        return None
    try:
        return decode(data)
    except UnicodeDecodeError as exc:
        builder.problems.append(Problem(path, 0, f"not UTF-8 text: {exc.reason} at {exc.start}"))
        return None


# --- pyproject.toml --------------------------------------------------------------------------


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
        if target not in names:
            problems.append(Problem(doc.path, line, f"include-group {target!r}: no such group"))
        elif target in (*stack, normal):
            cycle = " -> ".join([*stack, normal, target])
            problems.append(Problem(doc.path, line, f"include-group cycle: {cycle}"))
        else:
            out += _expand_group(doc, table, names, own, target, (*stack, normal), problems)
    return out


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


# --- setup.cfg -------------------------------------------------------------------------------

_SECTION = re.compile(r"\[(?P<header>.+)\]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # how text files split (str.splitlines splits more)
_OPTION = re.compile(r"(?P<option>.*?)\s*(?P<vi>[=:])\s*(?P<value>.*)$")


@dataclass
class _IniValue:
    line: int  # the option's line
    lines: list[tuple[int, str]]  # the value: first line (may be "") and continuations


def _read_ini(text: str, path: str, problems: list[Problem]) -> dict[str, dict[str, _IniValue]]:
    """configparser's reading (comments ``#``/``;``, indented continuations, keys lowercased),
    keeping the line of every value line."""
    sections: dict[str, dict[str, _IniValue]] = {}
    current: dict[str, _IniValue] | None = None
    option: _IniValue | None = None
    indent = 0
    for number, raw in enumerate(_LINE_BREAK.split(text), start=1):
        stripped = raw.strip()
        if stripped.startswith(("#", ";")):
            continue
        if not stripped:
            if option is not None:
                option.lines.append((number, ""))
            continue
        here = len(raw) - len(raw.lstrip())
        if option is not None and here > indent:
            option.lines.append((number, stripped))
            continue
        indent = here
        section = _SECTION.match(stripped)
        if section:
            name = section.group("header")
            if name in sections:
                problems.append(Problem(path, number, f"section [{name}] appears twice"))
            current = sections.setdefault(name, {})
            option = None
            continue
        found = _OPTION.match(stripped)
        if current is None or not found or not found.group("option"):
            what = "a line before any section" if current is None else "not 'key = value'"
            problems.append(Problem(path, number, f"unreadable line ({what}): {stripped!r}"))
            option = None
            continue
        key = found.group("option").strip().lower()
        if key in current:
            problems.append(Problem(path, number, f"option {key!r} appears twice in a section"))
        option = current[key] = _IniValue(number, [(number, found.group("value").strip())])
    return sections


def _ini_items(value: _IniValue, separator: str) -> list[tuple[int, str]]:
    """setuptools' list reading: one item a line when multi-line, else split on ``separator``."""
    lines = [(n, t) for n, t in value.lines if t]
    if len(value.lines) > 1 and any(n != value.line for n, _ in lines):
        return lines
    if not lines:
        return []
    number, text = lines[0]
    return [(number, part.strip()) for part in text.split(separator) if part.strip()]


def _read_setup_cfg(tree: Tree, path: str, builder: _Builder) -> None:
    text = _read_text(tree, path, builder)
    if text is None:
        return
    sections = _read_ini(text, path, builder.problems)
    name = sections.get("metadata", {}).get("name")
    if name is not None and name.lines[0][1]:
        builder.set_name(name.lines[0][1])
    options = sections.get("options", {})
    python = options.get("python_requires")
    if python is not None:
        builder.set_python(python.lines[0][1], path, python.line)
    for key, group in (("install_requires", "project"), ("setup_requires", "build")):
        if key in options:
            _cfg_requirements(options[key], path, group, key, builder)
    for extra, value in sections.get("options.extras_require", {}).items():
        _cfg_requirements(value, path, f"extra:{canonicalize_name(extra)}", extra, builder)


def _cfg_requirements(value: _IniValue, path: str, group: str, key: str, builder: _Builder) -> None:
    first = value.lines[0][1]
    if first.startswith("file:"):
        for name in first[5:].split(","):
            what = f"{key} comes from {name.strip()} (setup.cfg file: directive)"
            builder.dynamic_input(path, value.line, what, name.strip())
        return
    for number, item in _ini_items(value, ";"):
        if item.startswith("#"):
            continue
        requirement = _drop_comment(item)
        if requirement:
            builder.add(*dependency_from_pep508(requirement, path, number, group))


# --- setup.py --------------------------------------------------------------------------------

_SETUP_MODULES = frozenset(["setuptools", "distutils.core", "skbuild", "numpy.distutils.core"])
_OPEN = frozenset(["open", "io.open", "codecs.open"])
_PATH_READERS = frozenset(["read_text", "read_bytes", "open"])
_JOINS = frozenset(["os.path.join", "path.join", "join", "posixpath.join"])
_PATHS = frozenset(["Path", "pathlib.Path", "PurePath", "pathlib.PurePath", "PurePosixPath"])
_DIRNAMES = frozenset(["os.path.dirname", "path.dirname", "dirname"])
_IDENTITY = frozenset(
    {"os.path.abspath", "os.path.realpath", "os.path.normpath", "abspath", "realpath"}
    | {"path.abspath", "path.realpath", "str", "os.fspath"}
)
_CWD = frozenset(["os.getcwd", "Path.cwd", "pathlib.Path.cwd", "getcwd"])
_REQ_FILE = re.compile(r"\.(txt|in)$", re.I)  # what a requirements file is called
_MAX_DEPTH = 8


def _dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of attributes on a name; None otherwise."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _snippet(node: ast.AST, limit: int = 80) -> str:
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class _Items:
    """A list-valued expression read statically: its literal strings and what was computed."""

    strings: list[tuple[str, int]] = field(default_factory=list)
    computed: list[ast.expr] = field(default_factory=list)

    def __iadd__(self, other: _Items) -> _Items:
        self.strings += other.strings
        self.computed += other.computed
        return self


_Function = ast.FunctionDef | ast.AsyncFunctionDef
Env = dict[str, "ast.expr | str | tuple[str, ...] | None"]


class _Scope:
    """Names bound in a block (not inside nested functions or classes): the last binding wins."""

    def __init__(self, body: list[ast.stmt]) -> None:
        self.assigned: dict[str, list[ast.expr]] = {}
        self.with_bound: dict[str, ast.expr] = {}
        self.imported: dict[str, str] = {}
        self.functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        self.changed: dict[str, list[ast.AST]] = {}
        for stmt in body:
            self._visit(stmt)

    def _visit(self, node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.functions[node.name] = node
            return
        if isinstance(node, ast.ClassDef):
            return
        self._bind(node)
        for child in ast.iter_child_nodes(node):
            self._visit(child)

    def _bind(self, node: ast.AST) -> None:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.assigned.setdefault(target.id, []).append(node.value)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            if isinstance(node.target, ast.Name):
                self.assigned.setdefault(node.target.id, []).append(node.value)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            self.changed.setdefault(node.target.id, []).append(node)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if isinstance(item.optional_vars, ast.Name):
                    self.with_bound[item.optional_vars.id] = item.context_expr
        elif isinstance(node, ast.Import):
            for alias in node.names:
                self.imported[alias.asname or alias.name.split(".")[0]] = alias.name
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                self.imported[alias.asname or alias.name] = f"{node.module or ''}.{alias.name}"
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            self._call_changes(node, node.value)

    def _call_changes(self, node: ast.Expr, call: ast.Call) -> None:
        """``x.append(…)``-style changes, and ``exec(code, x)`` filling a namespace."""
        if _dotted(call.func) in ("exec", "execfile") and len(call.args) > 1:
            for arg in call.args[1:]:
                if isinstance(arg, ast.Name):
                    self.changed.setdefault(arg.id, []).append(node)
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.attr in ("append", "extend", "insert", "update", "remove")
        ):
            self.changed.setdefault(func.value.id, []).append(node)


class _SetupPy:
    """The static reading of one setup.py."""

    def __init__(self, module: ast.Module, path: str, builder: _Builder) -> None:
        self.path = path
        self.builder = builder
        self.scopes = [_Scope(module.body)]
        self.module = module
        self._active: set[str] = set()

    # --- finding setup() ---

    def setup_names(self) -> tuple[set[str], set[str]]:
        """Local names of setup() and of the modules that provide it."""
        names: set[str] = set()
        modules: set[str] = set()
        for node in ast.walk(self.module):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.name == "setup":
                        names.add(alias.asname or alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in _SETUP_MODULES:
                        modules.add(alias.asname or alias.name)
        return names or {"setup"}, modules

    def find_setup(self) -> tuple[ast.Call, list[_Function]] | None:
        names, modules = self.setup_names()
        found: list[tuple[int, int, ast.Call, list[_Function]]] = []
        for call, chain in _calls(self.module, []):
            func = call.func
            hit = isinstance(func, ast.Name) and func.id in names
            if isinstance(func, ast.Attribute) and func.attr == "setup":
                hit = hit or (_dotted(func.value) or "") in modules
            if hit:
                found.append((call.lineno, call.col_offset, call, chain))
        if not found:
            return None
        _, _, call, chain = min(found, key=lambda f: (f[0], f[1]))
        return call, chain

    # --- name lookup ---

    def binding(self, name: str, *, with_items: bool = False) -> ast.expr | None:
        """The last expression assigned to ``name`` (with ``with_items``: or the context
        manager a ``with … as name`` binds, which is what a file read goes through)."""
        for scope in reversed(self.scopes):
            values = scope.assigned.get(name)
            if values:
                return values[-1]
            if with_items and name in scope.with_bound:
                return scope.with_bound[name]
        return None

    def changed(self, name: str) -> list[ast.AST]:
        return [n for scope in self.scopes for n in scope.changed.get(name, [])]

    def imported(self, name: str) -> str | None:
        for scope in reversed(self.scopes):
            if name in scope.imported:
                return scope.imported[name]
        return None

    def function(self, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        for scope in reversed(self.scopes):
            if name in scope.functions:
                return scope.functions[name]
        return None

    def _follow(self, name: str, *, with_items: bool = False) -> ast.expr | None:
        """The expression bound to ``name``, guarding against ``a = b; b = a`` loops."""
        if name in self._active or len(self._active) > _MAX_DEPTH:
            return None
        return self.binding(name, with_items=with_items)

    # --- static values ---

    def string(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            bound = self._follow(node.id)
            if bound is not None:
                self._active.add(node.id)
                try:
                    return self.string(bound)
                finally:
                    self._active.discard(node.id)
        return None

    def items(self, node: ast.expr, *, top: bool = True) -> _Items:
        """A list of requirement strings; a top-level string is split into lines."""
        out = _Items()
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if not top:
                out.strings.append((node.value, node.lineno))
                return out
            # A string setuptools splits into lines: a literal spanning several lines has one
            # per line from its first; escapes ("a\\nb") keep every entry on the literal's line.
            spans = node.end_lineno is not None and node.end_lineno > node.lineno
            pos = 0
            for piece in node.value.splitlines(keepends=True):  # as setuptools splits it
                before = len(_LINE_BREAK.findall(node.value, 0, pos)) if spans else 0
                out.strings.append((piece.splitlines()[0] if piece else "", node.lineno + before))
                pos += len(piece)
            return out
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            for element in node.elts:
                inner = element.value if isinstance(element, ast.Starred) else element
                out += self.items(inner, top=isinstance(element, ast.Starred))
            return out
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            out += self.items(node.left, top=top)
            out += self.items(node.right, top=top)
            return out
        if _is_call(node, ("list", "tuple", "sorted")) and len(node.args) == 1:
            return self.items(node.args[0], top=top)
        if isinstance(node, ast.Name):
            bound = self._follow(node.id)
            if bound is not None:
                self._active.add(node.id)
                try:
                    return self.items(bound, top=top)
                finally:
                    self._active.discard(node.id)
        out.computed.append(node)
        return out

    def mapping(self, node: ast.expr) -> tuple[dict[str, tuple[_Items, int]], list[ast.expr]]:
        """A dict of lists (extras_require): ``{key: (items, line)}`` and computed parts."""
        entries: dict[str, tuple[_Items, int]] = {}
        computed: list[ast.expr] = []
        pairs: list[tuple[ast.expr | None, ast.expr]] = []
        if isinstance(node, ast.Dict):
            pairs = list(zip(node.keys, node.values, strict=True))
        elif _is_call(node, ("dict",)) and not node.args:
            pairs = [
                (None if k.arg is None else ast.Constant(k.arg), k.value) for k in node.keywords
            ]
        elif isinstance(node, ast.Name) and (bound := self._follow(node.id)) is not None:
            self._active.add(node.id)
            try:
                return self.mapping(bound)
            finally:
                self._active.discard(node.id)
        else:
            return entries, [node]
        for key, value in pairs:
            if key is None:  # {**other}
                more, extra = self.mapping(value)
                entries.update(more)
                computed += extra
                continue
            name = self.string(key)
            if name is None:
                computed.append(value)
                continue
            entries[name] = (self.items(value), getattr(key, "lineno", value.lineno))
        return entries, computed

    # --- files read by computed values ---

    def reads(self, node: ast.AST, env: Env, depth: int = 0) -> list[str]:
        """Files a computed expression reads, when their names are written literally."""
        found: list[str] = []
        if depth > _MAX_DEPTH:
            return found
        for child in ast.walk(node):
            if isinstance(child, ast.Call):
                found += self._call_reads(child, env, depth)
            elif isinstance(child, ast.Name) and child.id not in env:
                found += self._name_reads(child.id, env, depth)
        return list(dict.fromkeys(found))

    def _name_reads(self, name: str, env: Env, depth: int) -> list[str]:
        """What a name's binding reads, and what the statements changing it read
        (``exec(f.read(), about)`` fills ``about`` from a file)."""
        bound = self._follow(name, with_items=True)
        if name in self._active or (bound is None and not self.changed(name)):
            return []
        self._active.add(name)
        try:
            found: list[str] = []
            for node in [bound, *self.changed(name)]:
                if node is not None and not isinstance(node, ast.Constant):
                    found += self.reads(node, env, depth + 1)
            return found
        finally:
            self._active.discard(name)

    def _call_reads(self, call: ast.Call, env: Env, depth: int) -> list[str]:
        func = call.func
        name = _dotted(func)
        if name in _OPEN and call.args:
            path = self.path_of(call.args[0], env)
            return [path] if path else []
        if isinstance(func, ast.Attribute) and func.attr in _PATH_READERS:
            path = self.path_of(func.value, env)
            if path:
                return [path]
        function = self.function(name) if name else None
        if function is not None and function.name not in self._active:
            inner = self._arguments(function, call, env)
            self._active.add(function.name)
            try:
                return self.reads(ast.Module(function.body, []), inner, depth + 1)
            finally:
                self._active.discard(function.name)
        out: list[str] = []
        if name in _JOINS or name in _PATHS:
            return out
        for arg in call.args:  # e.g. pip's parse_requirements("requirements.txt")
            text = self.path_of(arg, env) if isinstance(arg, ast.Constant) else None
            if text and _REQ_FILE.search(text):
                out.append(text)
        return out

    def _arguments(
        self, function: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call, env: Env
    ) -> Env:
        """The callee's parameters bound to what the call passes (paths, tuples of paths)."""
        values: list[str | None] = []
        for arg in call.args:
            if isinstance(arg, ast.Starred):
                spread = env.get(arg.value.id) if isinstance(arg.value, ast.Name) else None
                if not isinstance(spread, tuple):
                    values.append(None)
                    break
                values += list(spread)
            else:
                values.append(self.path_of(arg, env))
        args = function.args
        params = [a.arg for a in [*args.posonlyargs, *args.args]]
        inner: Env = {}
        defaults = [None] * (len(params) - len(args.defaults)) + list(args.defaults)
        for i, param in enumerate(params):
            if i < len(values):
                inner[param] = values[i]
            else:
                default = defaults[i]
                inner[param] = self.path_of(default, {}) if default is not None else None
        for kw in call.keywords:
            if kw.arg is not None:
                inner[kw.arg] = self.path_of(kw.value, env)
        if args.vararg is not None:
            rest = values[len(params) :]
            known = [v for v in rest if v is not None]
            inner[args.vararg.arg] = tuple(known) if len(known) == len(rest) else None
        for stmt in ast.walk(ast.Module(function.body, [])):
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target = stmt.targets[0]
                if isinstance(target, ast.Name) and target.id not in inner:
                    inner[target.id] = stmt.value
        return inner

    def path_of(self, node: ast.expr, env: Env, depth: int = 0) -> str | None:
        """A path built from literals, relative to setup.py's directory ("" is that directory).

        ``__file__`` is ``setup.py`` and the working directory is the project's, as when pip
        runs setup.py; ``os.path.join``, ``pathlib`` ``/`` and ``dirname`` are followed.
        """
        if depth > _MAX_DEPTH:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            return self._name_path(node.id, env, depth)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            return self._join([node.left, node.right], env, depth)
        if isinstance(node, ast.Attribute) and node.attr == "parent":
            inner = self.path_of(node.value, env, depth + 1)
            return None if inner is None else posixpath.dirname(inner.rstrip("/"))
        if not isinstance(node, ast.Call):
            return None
        name = _dotted(node.func) or ""
        if name in _CWD:
            return ""
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("resolve", "absolute"):
            return self.path_of(node.func.value, env, depth + 1)
        if name in _JOINS or name in _PATHS:
            return self._join(node.args, env, depth)
        if len(node.args) == 1 and (name in _DIRNAMES or name in _IDENTITY):
            inner = self.path_of(node.args[0], env, depth + 1)
            if inner is None or name in _IDENTITY:
                return inner
            return posixpath.dirname(inner.rstrip("/"))
        return None

    def _name_path(self, name: str, env: Env, depth: int) -> str | None:
        if name == "__file__":
            return "setup.py"
        if name in env:
            value = env[name]
            if isinstance(value, ast.expr):
                return self.path_of(value, {k: v for k, v in env.items() if k != name}, depth + 1)
            return value if isinstance(value, str) else None
        bound = self._follow(name)
        if bound is None:
            return None
        self._active.add(name)
        try:
            return self.path_of(bound, env, depth + 1)
        finally:
            self._active.discard(name)

    def _join(self, parts: list[ast.expr], env: Env, depth: int) -> str | None:
        out = ""
        for part in parts:
            if isinstance(part, ast.Starred):
                spread = env.get(part.value.id) if isinstance(part.value, ast.Name) else None
                if not isinstance(spread, tuple):
                    return None
                for each in spread:
                    out = posixpath.join(out, each)
                continue
            piece = self.path_of(part, env, depth + 1)
            if piece is None:
                return None
            out = posixpath.join(out, piece)
        return out


def _calls(node: ast.AST, chain: list[_Function]) -> Iterator[tuple[ast.Call, list[_Function]]]:
    """Every call under ``node``, with the functions that enclose it (outermost first)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield from _calls(child, [*chain, child])
            continue
        if isinstance(child, ast.Call):
            yield child, chain
        yield from _calls(child, chain)


def _read_setup_py(tree: Tree, path: str, builder: _Builder) -> None:
    try:
        data = tree.read(path)
    except (TreeError, OSError, ValueError) as exc:
        builder.problems.append(Problem(path, 0, f"cannot read: {exc}"))
        return
    try:
        with warnings.catch_warnings():  # "invalid escape sequence" and the like: not ours
            warnings.simplefilter("ignore")
            module = ast.parse(data, filename=path)  # bytes: the coding cookie decides (PEP 263)
    except SyntaxError as exc:
        builder.problems.append(Problem(path, exc.lineno or 0, f"invalid Python: {exc.msg}"))
        return
    except (ValueError, RecursionError, MemoryError) as exc:
        builder.problems.append(Problem(path, 0, f"invalid Python: {exc}"))
        return
    reader = _SetupPy(module, path, builder)
    try:
        _read_setup_call(reader)
    except RecursionError:
        builder.problems.append(Problem(path, 0, "setup.py nested too deeply to read"))


def _read_setup_call(reader: _SetupPy) -> None:
    builder, path = reader.builder, reader.path
    found = reader.find_setup()
    if found is None:
        what = "no setup() call found: its metadata exists only when setup.py runs"
        builder.dynamic_input(path, 1, what, None)
        return
    call, chain = found
    reader.scopes += [_Scope(f.body) for f in chain]
    keywords = _keywords(reader, call)
    for key, value in keywords.items():
        _setup_keyword(reader, key, value)


def _keywords(reader: _SetupPy, call: ast.Call) -> dict[str, ast.expr]:
    """setup()'s keywords, ``**config`` merged in when ``config`` is a literal dict."""
    out: dict[str, ast.expr] = {}
    for kw in call.keywords:
        if kw.arg is not None:
            out[kw.arg] = kw.value
            continue
        pairs = _literal_kwargs(reader, kw.value)
        if pairs is None:
            what = f"setup() takes **{_snippet(kw.value)}: its keywords are computed"
            for read in _or_none(reader.reads(kw.value, {})):
                reader.builder.dynamic_input(reader.path, kw.value.lineno, what, read)
            continue
        out.update(pairs)
    return out


_DEPENDENCY_KEYWORDS = frozenset(
    {"name", "version", "install_requires", "extras_require", "setup_requires", "python_requires"}
)


def _literal_kwargs(reader: _SetupPy, node: ast.expr) -> dict[str, ast.expr] | None:
    """``**config``'s keywords when ``config`` is a literal dict; None when computed.

    ``{} if X else {"ext_modules": …}`` (both literal, neither naming a dependency keyword)
    gives nothing: whichever branch runs, the dependencies are unaffected.
    """
    if isinstance(node, ast.Name):
        bound = reader.binding(node.id)
        if bound is None or reader.changed(node.id):
            return None
        node = bound
    if isinstance(node, ast.IfExp):
        branches = [_literal_kwargs(reader, b) for b in (node.body, node.orelse)]
        if any(b is None or _DEPENDENCY_KEYWORDS & b.keys() for b in branches):
            return None
        return {}
    out: dict[str, ast.expr] = {}
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            name = reader.string(key) if key is not None else None
            if name is None:
                return None
            out[name] = value
        return out
    if _is_call(node, ("dict",)):
        for kw in node.keywords:
            if kw.arg is None:
                return None
            out[kw.arg] = kw.value
        return out
    return None


def _is_call(node: ast.expr, names: tuple[str, ...]) -> TypeGuard[ast.Call]:
    """A call of one of ``names`` with keyword arguments only, or one positional one."""
    return isinstance(node, ast.Call) and _dotted(node.func) in names and len(node.args) <= 1


def _setup_keyword(reader: _SetupPy, key: str, value: ast.expr) -> None:
    builder, path = reader.builder, reader.path
    if key == "name":
        builder.set_name(reader.string(value))
    elif key == "python_requires":
        spec = reader.string(value)
        if spec is not None:
            builder.set_python(spec, path, value.lineno)
        else:
            _computed(reader, key, value)
    elif key == "version" and not isinstance(value, ast.Constant) and reader.string(value) is None:
        _computed(reader, key, value)
    elif key in ("install_requires", "setup_requires"):
        group = "project" if key == "install_requires" else "build"
        _setup_list(reader, key, value, group, "")
    elif key == "extras_require":
        entries, computed = reader.mapping(value)
        for extra, (items, _line) in entries.items():
            name, _, marker = extra.partition(":")
            group = f"extra:{canonicalize_name(name)}" if name.strip() else "project"
            _add_items(reader, key, items, group, marker.strip())
        for node in computed:
            _computed(reader, key, node)


def _setup_list(reader: _SetupPy, key: str, value: ast.expr, group: str, marker: str) -> None:
    _add_items(reader, key, reader.items(value), group, marker)
    if isinstance(value, ast.Name):
        for change in reader.changed(value.id):
            what = f"{key} is changed at line {getattr(change, 'lineno', 0)}: {_snippet(change)}"
            reader.builder.dynamic_input(reader.path, value.lineno, what, None)


def _add_items(reader: _SetupPy, key: str, items: _Items, group: str, marker: str) -> None:
    """Literal requirement strings (an ``extras_require`` key's marker joined on), then the
    computed parts as DynamicInputs."""
    for text, line in items.strings:
        requirement = _drop_comment(text)
        if not requirement or requirement.startswith("#"):
            continue
        if marker:
            requirement = _with_marker(requirement, marker)
        reader.builder.add(*dependency_from_pep508(requirement, reader.path, line, group))
    for node in items.computed:
        _computed(reader, key, node)


def _or_none(reads: list[str]) -> list[str | None]:
    """One DynamicInput per file read, or one without a file."""
    return [*reads] if reads else [None]


def _with_marker(requirement: str, marker: str) -> str:
    if ";" in requirement:
        head, _, own = requirement.partition(";")
        return f"{head.strip()} ; {join_markers([own.strip(), marker])}"
    return f"{requirement} ; {marker}"


def _computed(reader: _SetupPy, key: str, node: ast.expr) -> None:
    """A value only running setup.py would give: say what it is and which files it reads."""
    what = f"{key} is computed: {_snippet(node)}"
    imports = _imports_in(reader, node)
    if imports:
        what += f" (imports {', '.join(imports)}: reading it runs that code)"
    for read in _or_none(reader.reads(node, {})):
        reader.builder.dynamic_input(reader.path, node.lineno, what, read)


def _imports_in(reader: _SetupPy, node: ast.expr) -> list[str]:
    modules: list[str] = []
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            origin = reader.imported(child.id)
            if origin and origin.split(".")[0] not in _STDLIB:
                modules.append(origin.lstrip("."))
    return list(dict.fromkeys(modules))


_STDLIB = frozenset(
    {"os", "re", "io", "sys", "ast", "codecs", "pathlib", "setuptools", "distutils", "glob"}
    | {"json", "platform", "subprocess", "itertools", "functools", "textwrap", "shlex"}
)
