"""setup.cfg, read as setuptools reads it (configparser's rules), with file:line for each value."""

from __future__ import annotations

import re
from dataclasses import dataclass

from packaging.utils import canonicalize_name

from ...fs.trees import Tree
from ..requirements import Problem
from .model import _Builder, _read_text
from .pep508 import _drop_comment, dependency_from_pep508

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
