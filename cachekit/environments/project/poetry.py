"""Poetry's constraints (``^``, ``~``, ``||``) and dependency tables in PEP 440/508 terms."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from .. import toml
from ..requirements import Problem
from .model import Dependency
from .pep508 import _SHA, _check_marker, _pinned, join_markers, one_line

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
