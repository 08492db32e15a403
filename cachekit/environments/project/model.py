"""The Project model, and the builder every metadata reader fills.

A dependency keeps the file and line where it is written; the builder merges what
pyproject.toml, setup.cfg and setup.py declare in the order they are read (the first file to
give a scalar wins).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from packaging.utils import canonicalize_name

from ...errors import TreeError
from ...fs.trees import Tree
from ..requirements import Problem, decode


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
    _dynamic_seen: set[DynamicInput] = field(default_factory=set)  # `in` on the list: O(n^2)
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
        if item not in self._dynamic_seen:
            self._dynamic_seen.add(item)
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


def _read_text(tree: Tree, path: str, builder: _Builder) -> str | None:
    try:
        data = tree.read(path)
    except (TreeError, OSError, ValueError) as exc:
        builder.problems.append(Problem(path, 0, f"cannot read: {exc}", "unreadable"))
        return None
    try:
        return decode(data)
    except UnicodeDecodeError as exc:
        builder.problems.append(
            Problem(path, 0, f"not UTF-8 text: {exc.reason} at {exc.start}", "not-text")
        )
        return None
