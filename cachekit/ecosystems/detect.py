"""What detectors share: the tree walk, the record of one detected package manager, file readers.

An ecosystem's detector (:data:`Detector`) reads the directories :func:`scan` found — names of
their files, read lazily from any :class:`~cachekit.fs.trees.Tree`, never by running a package
manager — and returns one :class:`Manager` per package manager and project directory, with the
evidence that decided it. :func:`cachekit.suggest.ecosystems.detect_managers` runs every
registered detector.
"""

from __future__ import annotations

import json
import posixpath
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..errors import TreeError
from ..fs.trees import DIR, FILE, SYMLINK, Tree, leaves_tree

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = [
    "Detector",
    "Dir",
    "Manager",
    "ancestors",
    "dir_entries",
    "group",
    "is_dir",
    "is_file",
    "is_soft",
    "join",
    "norm_under",
    "parent",
    "read_json",
    "read_text",
    "read_toml",
    "read_yaml",
    "scan",
    "skip_dir",
    "version_files",
]


@dataclass(frozen=True)
class Manager:
    """One package manager in one project directory, and the files that drive it."""

    ecosystem: str
    """``python`` | ``node`` | ``go`` | ``rust`` | ``java``."""
    name: str
    """One of the ecosystem's :class:`~cachekit.ecosystems.model.PackageManager` names."""
    directory: str
    """Tree-relative project directory (``""`` for the root): where the install runs."""
    manifests: tuple[str, ...]
    """Tree-relative paths of the files that declare dependencies (including ``-r`` includes,
    workspace members' manifests)."""
    locks: tuple[str, ...]
    """Tree-relative paths of the lock files (compiled requirements count as locks)."""
    evidence: tuple[str, ...]
    """Why we think so, one short sentence each."""
    version_files: tuple[str, ...] = ()
    """Files naming the interpreter/toolchain version (``.python-version``, ``.nvmrc``,
    ``go.mod``, ``rust-toolchain.toml``, ``.java-version``), usable as a setup action's
    ``*-version-file``."""


# -- the walk ----------------------------------------------------------------------------------

_HARD_SKIP = frozenset(
    {
        "node_modules",
        "bower_components",
        "jspm_packages",
        "venv",
        "site-packages",
        "__pycache__",
        "vendor",
        "third_party",
        "third-party",
        "testdata",
        "target",
        "dist",
        "Pods",
    }
)
"""Installed, vendored or built trees: never projects of their own."""

_HIDDEN_KEPT = frozenset({".github", ".ci", ".circleci", ".gitlab"})

_FIXTURE_NAMES = frozenset(
    {
        "fixtures",
        "fixture",
        "__fixtures__",
        "test-data",
        "test_data",
        "examples",
        "example",
        "samples",
        "sample",
        "demo",
        "demos",
        "__snapshots__",
        "__mocks__",
        "mocks",
        "templates",
    }
)
_TEST_NAMES = frozenset({"tests", "test", "__tests__", "spec", "specs", "testing", "e2e"})
"""A project below one of these is a test input unless it is all there is."""


@dataclass
class Dir:
    rel: str
    files: set[str] = field(default_factory=set)  # names of regular files (or links to files)
    soft: bool = False


def join(*parts: str) -> str:
    return "/".join(p for p in parts if p)


def parent(rel: str) -> str:
    return posixpath.dirname(rel)


def ancestors(rel: str) -> Iterator[str]:
    """``rel``'s parents, nearest first, ending with the root ``""`` (``rel`` excluded)."""
    while rel:
        rel = parent(rel)
        yield rel


def is_soft(rel: str) -> bool:
    return any(p.lower() in _FIXTURE_NAMES or p.lower() in _TEST_NAMES for p in rel.split("/"))


def skip_dir(name: str) -> bool:
    if name in _HARD_SKIP or name.endswith(".egg-info") or "{{" in name or "{%" in name:
        return True
    return name.startswith(".") and name not in _HIDDEN_KEPT


def dir_entries(tree: Tree, rel: str) -> list[tuple[str, int]]:
    try:
        out: list[tuple[str, int]] = []
        for name, kind in tree.listdir(rel):
            if kind == SYMLINK:
                try:
                    kind = tree.stat(join(rel, name)) or 0
                except TreeError:
                    continue
                if kind == DIR:
                    continue  # never follow directory links: no cycles, no escapes
                if leaves_tree(tree, join(rel, name)):
                    continue  # a link out of the repository: never a file to key on
            out.append((name, kind))
        return out
    except TreeError:
        return []


def scan(tree: Tree, max_depth: int) -> dict[str, Dir]:
    """Every directory to ``max_depth`` worth looking at, with its file names."""
    dirs: dict[str, Dir] = {}
    queue = [("", 0)]
    while queue:
        rel, depth = queue.pop(0)
        entries = dir_entries(tree, rel)
        names = {n for n, k in entries if k == FILE}
        if rel and "pyvenv.cfg" in names:
            continue  # a virtual environment, whatever its name
        dirs[rel] = Dir(rel, names, is_soft(rel))
        if depth >= max_depth:
            continue
        for name, kind in entries:
            if kind == DIR and not skip_dir(name):
                queue.append((join(rel, name), depth + 1))
    return dirs


def is_file(tree: Tree, rel: str) -> bool:
    try:
        return tree.stat(rel) == FILE and not leaves_tree(tree, rel)
    except (TreeError, ValueError):
        return False


def is_dir(tree: Tree, rel: str) -> bool:
    try:
        return tree.stat(rel) == DIR
    except (TreeError, ValueError):
        return False


def read_text(tree: Tree, rel: str, limit: int | None = None) -> str | None:
    try:
        data = tree.read(rel)
    except (TreeError, OSError, ValueError):
        return None
    if limit is not None:
        data = data[:limit]
    return data.decode("utf-8", "replace")


def read_toml(tree: Tree, rel: str) -> dict[str, Any] | None:
    text = read_text(tree, rel)
    if text is None:
        return None
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        return None
    return data


def read_json(tree: Tree, rel: str) -> dict[str, Any] | None:
    text = read_text(tree, rel)
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def read_yaml(tree: Tree, rel: str) -> dict[str, Any] | None:
    text = read_text(tree, rel)
    if text is None:
        return None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


def group(rels: Iterable[str], owner_of: Callable[[str], str | None]) -> dict[str, list[str]]:
    """Fold directories into roots: ``owner_of(rel)`` names an ancestor that claims ``rel``
    (or None); the claim passes to that ancestor's own root. ``rels`` sorted, parents first."""
    roots: dict[str, list[str]] = {}
    root_of: dict[str, str] = {}
    for rel in sorted(rels):
        owner = owner_of(rel)
        root = root_of.get(owner) if owner is not None else None
        if root is None:
            roots[rel] = []
            root_of[rel] = rel
        else:
            roots[root].append(rel)
            root_of[rel] = root
    return roots


def norm_under(base: str, rel: str) -> str | None:
    path = posixpath.normpath(join(base, rel) if not rel.startswith("/") else rel)
    if path.startswith(("../", "/")) or path == "..":
        return None
    return "" if path == "." else path


def version_files(tree: Tree, rel: str, names: tuple[str, ...], asdf: str) -> tuple[str, ...]:
    """The nearest files at or above ``rel`` that name a tool version."""
    out: list[str] = []
    for cand in (rel, *ancestors(rel)):
        for name in names:
            path = join(cand, name)
            if is_file(tree, path) and not any(posixpath.basename(o) == name for o in out):
                out.append(path)
        tv = join(cand, ".tool-versions")
        if not any(o.endswith(".tool-versions") for o in out) and is_file(tree, tv):
            text = read_text(tree, tv) or ""
            if re.search(rf"^\s*{re.escape(asdf)}\s", text, re.M):
                out.append(tv)
        if out:
            break
    return tuple(out)


Detector = Callable[[Tree, dict[str, "Dir"]], "list[Manager]"]
"""``(tree, dirs) -> managers``: an ecosystem's package managers in the scanned directories
(``dirs``: tree-relative directory → :class:`Dir`, parents first)."""
