"""A Pipfile read statically: pipenv's packages, dev packages and Python version, with lines.

pipenv installs what the Pipfile lists (through Pipfile.lock), so the Pipfile is the
project's declared dependencies for a pipenv project, and ``[requires] python_version`` says
which interpreter the environment — and so the cache — was built for. Each entry keeps its
line, so a finding can point at it. Values follow pipenv's rules: ``"*"`` is any version, a
bare version is ``==`` that version, a table may give ``version``, ``extras``, ``markers``,
PEP 508 marker variables as keys (``sys_platform = "== 'win32'"``), or a direct reference
(``git``/``ref``, ``path``, ``file``). Bad TOML is a :class:`Problem`, never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name

from ..fs.trees import Tree
from . import toml
from .project.model import Dependency
from .project.pep508 import join_markers, one_line
from .requirements import Problem

__all__ = ["Pipfile", "read_pipfile"]

# The PEP 508 variables pipenv accepts as keys of a package table.
_MARKER_KEYS = (
    "os_name",
    "sys_platform",
    "platform_machine",
    "platform_python_implementation",
    "platform_release",
    "platform_system",
    "platform_version",
    "python_version",
    "python_full_version",
    "implementation_name",
    "implementation_version",
)
_SHA = re.compile(r"[0-9a-f]{40}")
_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?")
_OPERATOR = re.compile(r"\s*(===|==|!=|~=|<=|>=|<|>)")


@dataclass(frozen=True)
class Pipfile:
    """What a Pipfile declares."""

    path: str
    packages: tuple[Dependency, ...]  # group "pipfile:packages"
    dev_packages: tuple[Dependency, ...]  # group "pipfile:dev-packages"
    python_version: str | None  # [requires] python_version (or python_full_version)
    python_at: int | None  # its line
    problems: tuple[Problem, ...]


def read_pipfile(tree: Tree, path: str = "Pipfile") -> Pipfile:
    """Read ``path`` from ``tree``; an unreadable file gives an empty Pipfile with a Problem."""
    doc, problem = toml.load(tree, path)
    problems = [problem] if problem is not None else []
    if doc is None:
        return Pipfile(path, (), (), None, None, tuple(problems))
    packages = _section(doc, "packages", problems)
    dev = _section(doc, "dev-packages", problems)
    python, line = None, None
    requires = doc.data.get("requires")
    if isinstance(requires, dict):
        for key in ("python_version", "python_full_version"):
            if isinstance(requires.get(key), str):
                python, line = requires[key], doc.at.line("requires", key)
                break
    return Pipfile(path, tuple(packages), tuple(dev), python, line, tuple(problems))


def _section(doc: toml.Document, section: str, problems: list[Problem]) -> list[Dependency]:
    table = doc.data.get(section)
    if table is None:
        return []
    if not isinstance(table, dict):
        problems.append(Problem(doc.path, doc.at.line(section), f"[{section}] is not a table"))
        return []
    return [_entry(doc, section, key, value, problems) for key, value in table.items()]


def _entry(
    doc: toml.Document, section: str, key: str, value: Any, problems: list[Problem]
) -> Dependency:
    line = doc.at.line(section, key)
    group = f"pipfile:{section}"
    if isinstance(value, str):
        entry: dict[str, Any] = {"version": value}
        text = f"{key} {value}"
    elif isinstance(value, dict):
        entry = value
        text = f"{key} {one_line(doc.at.raw(section, key))}"
    else:
        problems.append(Problem(doc.path, line, f"package {key!r}: not a string or table"))
        return Dependency(f"{key} {value!r}", None, "", "", (), False, doc.path, line, group)
    name = canonicalize_name(key) if _NAME.fullmatch(key) else None
    if name is None:
        problems.append(Problem(doc.path, line, f"invalid package name {key!r}"))
    specifier, pinned = _version(str(entry.get("version", "*")), doc.path, line, problems)
    extras = tuple(sorted(canonicalize_name(str(x)) for x in entry.get("extras", ()) or ()))
    source, source_pinned = _source(entry)
    if source:
        pinned = source_pinned
    marker = _marker(entry)
    return Dependency(text, name, specifier, marker, extras, pinned, doc.path, line, group, source)


def _version(value: str, path: str, line: int, problems: list[Problem]) -> tuple[str, bool]:
    """pipenv's version string as PEP 440: ``*`` is any, a bare version means ``==``."""
    text = value.strip()
    if text in ("", "*"):
        return "", False
    if not _OPERATOR.match(text):
        text = f"=={text}"
    try:
        spec = SpecifierSet(text)
    except InvalidSpecifier:
        problems.append(Problem(path, line, f"invalid version {value!r}"))
        return value, False
    specs = list(spec)
    pinned = len(specs) == 1 and specs[0].operator in ("==", "===") and "*" not in specs[0].version
    return str(spec), pinned


def _source(entry: dict[str, Any]) -> tuple[str, bool]:
    if "git" in entry:
        ref = entry.get("ref")
        source = f"git:{entry['git']}" + (f"@{ref}" if ref else "")
        return source, isinstance(ref, str) and bool(_SHA.fullmatch(ref))
    if "path" in entry:
        return f"path:{entry['path']}", False
    if "file" in entry:
        return f"url:{entry['file']}", False
    return "", False


def _marker(entry: dict[str, Any]) -> str:
    parts = [f"{key} {entry[key]}" for key in _MARKER_KEYS if isinstance(entry.get(key), str)]
    if isinstance(entry.get("markers"), str):
        parts.append(entry["markers"].strip())
    return join_markers(parts)
