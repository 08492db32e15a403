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

import posixpath

from ...errors import TreeError
from ...fs.trees import FILE, Tree
from .. import toml
from .model import Dependency, DynamicInput, Project, _Builder
from .pyproject import _read_pyproject
from .setupcall import _read_setup_py
from .setupcfg import _read_setup_cfg

__all__ = [
    "Dependency",
    "DynamicInput",
    "Project",
    "pyproject_is_metadata",
    "read_project",
]


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
