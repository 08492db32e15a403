"""Lock files read statically: what poetry, uv, pipenv and PEP 751 resolved, with lines.

A lock file is the most exact statement of what a dependency cache should hold: one version of
each package. Comparing it with the declared dependencies (and with what a cache key hashes)
is how a cache finding becomes precise, so every locked package keeps the line of its entry.
Formats: poetry.lock (``[[package]]``, ``[metadata] content-hash``), uv.lock
(``[[package]]`` with ``source``), Pipfile.lock (JSON: ``default``/``develop``/other categories,
``_meta.hash.sha256``) and PEP 751 ``pylock.toml`` / ``pylock.<name>.toml`` (``[[packages]]``).
JSON has no line numbers either, so a small scanner finds the line of every key. Content that
cannot be read becomes a :class:`Problem`; nothing here raises on bad content.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from packaging.utils import canonicalize_name

from ..ecosystems.registry import manager
from ..errors import TreeError
from ..fs.trees import Tree
from . import toml
from .project.poetry import poetry_specifier
from .requirements import Problem

__all__ = ["LockFile", "Locked", "lock_kind", "read_lock"]

_PYLOCK = re.compile(r"pylock\.([^.]+\.)?toml")
# The managers whose lock format this module reads; their file names come from the registry.
_KINDS = {lock: name for name in ("poetry", "uv", "pipenv") for lock in manager(name).locks}


@dataclass(frozen=True)
class Locked:
    """One locked package: a name, its version, where its entry is, and where it comes from."""

    name: str  # PEP 503 normalised
    version: str | None  # None when the lock gives none (a git or path package, a virtual root)
    file: str
    line: int  # the entry's first line ([[package]] header, or the JSON key)
    marker: str = ""  # when the package is installed, "" for always
    source: str = ""  # "" for an index; "path:…", "git:…", "url:…" otherwise

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class LockFile:
    """Every package a lock file fixes."""

    path: str
    kind: str  # "poetry" | "uv" | "pipenv" | "pylock"
    packages: tuple[Locked, ...]
    content_hash: str | None  # poetry's content-hash, Pipfile.lock's _meta.hash.sha256
    requires_python: str | None
    problems: tuple[Problem, ...]

    def versions(self) -> dict[str, str]:
        """Normalised name -> version, the first entry of a name winning."""
        out: dict[str, str] = {}
        for package in self.packages:
            if package.version is not None:
                out.setdefault(package.name, package.version)
        return out


def lock_kind(path: str) -> str | None:
    """The lock format a file name says, or None when it is not a lock file."""
    base = posixpath.basename(path)
    if base in _KINDS:
        return _KINDS[base]
    return "pylock" if _PYLOCK.fullmatch(base) else None


def read_lock(tree: Tree, path: str) -> LockFile:
    """Read the lock file at ``path``; its kind comes from the name (pylock when unknown)."""
    kind = lock_kind(path) or "pylock"
    if kind == "pipenv":
        return _read_pipfile_lock(tree, path)
    doc, problem = toml.load(tree, path)
    if doc is None:
        problems = (problem,) if problem else ()
        return LockFile(path, kind, (), None, None, problems)
    reader = _TOML_READERS[kind]
    problems_found: list[Problem] = []
    packages = reader(doc, problems_found)
    content_hash, python = _toml_meta(doc, kind)
    return LockFile(path, kind, tuple(packages), content_hash, python, tuple(problems_found))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _entries(
    doc: toml.Document, key: str, problems: list[Problem]
) -> list[tuple[int, dict[str, Any]]]:
    """The array of tables ``key`` as ``(index, table)``; other items become Problems."""
    items = doc.data.get(key, [])
    if not isinstance(items, list):
        problems.append(Problem(doc.path, doc.at.line(key), f"{key} is not an array of tables"))
        return []
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            problems.append(Problem(doc.path, doc.at.line(key, i), f"{key} entry without a name"))
            continue
        out.append((i, item))
    return out


def _toml_meta(doc: toml.Document, kind: str) -> tuple[str | None, str | None]:
    if kind == "poetry":
        meta = doc.data.get("metadata")
        meta = meta if isinstance(meta, dict) else {}
        python = _text(meta.get("python-versions"))
        if python is not None:
            python = poetry_specifier(python) or python
        return _text(meta.get("content-hash")), python
    return None, _text(doc.data.get("requires-python"))


# --- poetry.lock -----------------------------------------------------------------------------


def _read_poetry(doc: toml.Document, problems: list[Problem]) -> list[Locked]:
    out = []
    for i, item in _entries(doc, "package", problems):
        line = doc.at.line("package", i)
        out.append(
            Locked(
                canonicalize_name(item["name"]),
                _text(item.get("version")),
                doc.path,
                line,
                _poetry_marker(item.get("markers")),
                _poetry_source(item.get("source")),
            )
        )
    return out


def _poetry_marker(markers: Any) -> str:
    """``markers = "…"``, or (lock 2.1) one per group: installed when any of them holds."""
    if isinstance(markers, str):
        return markers
    if isinstance(markers, dict):
        distinct = list(dict.fromkeys(v for v in markers.values() if isinstance(v, str)))
        if len(distinct) == 1:
            return distinct[0]
        return " or ".join(f"({m})" for m in distinct)
    return ""


def _poetry_source(source: Any) -> str:
    if not isinstance(source, dict):
        return ""
    kind, url = source.get("type"), source.get("url")
    if kind == "git":
        ref = source.get("resolved_reference") or source.get("reference")
        return f"git:{url}" + (f"@{ref}" if ref else "")
    if kind in ("directory", "file"):
        return f"path:{url}"
    if kind == "url":
        return f"url:{url}"
    return ""  # "legacy": a named package index


# --- uv.lock ---------------------------------------------------------------------------------


def _read_uv(doc: toml.Document, problems: list[Problem]) -> list[Locked]:
    out = []
    for i, item in _entries(doc, "package", problems):
        out.append(
            Locked(
                canonicalize_name(item["name"]),
                _text(item.get("version")),
                doc.path,
                doc.at.line("package", i),
                "",
                _uv_source(item.get("source")),
            )
        )
    return out


def _uv_source(source: Any) -> str:
    """uv's ``source``: a registry is an index; the project itself is ``editable``/``virtual``."""
    if not isinstance(source, dict):
        return ""
    for key, prefix in (
        ("git", "git"),
        ("editable", "path"),
        ("virtual", "path"),
        ("path", "path"),
        ("directory", "path"),
        ("url", "url"),
    ):
        if isinstance(source.get(key), str):
            return f"{prefix}:{source[key]}"
    return ""


# --- pylock.toml (PEP 751) -------------------------------------------------------------------


def _read_pylock(doc: toml.Document, problems: list[Problem]) -> list[Locked]:
    out = []
    for i, item in _entries(doc, "packages", problems):
        out.append(
            Locked(
                canonicalize_name(item["name"]),
                _text(item.get("version")),
                doc.path,
                doc.at.line("packages", i),
                _text(item.get("marker")) or "",
                _pylock_source(item),
            )
        )
    return out


def _pylock_source(item: dict[str, Any]) -> str:
    vcs = item.get("vcs")
    if isinstance(vcs, dict):
        where = vcs.get("url") or vcs.get("path")
        commit = vcs.get("commit-id")
        prefix = "git" if vcs.get("type") == "git" else f"url:{vcs.get('type')}+"
        text = f"{where}" + (f"@{commit}" if commit else "")
        return f"git:{text}" if prefix == "git" else f"{prefix}{text}"
    directory = item.get("directory")
    if isinstance(directory, dict):
        return f"path:{directory.get('path')}"
    archive = item.get("archive")
    if isinstance(archive, dict):
        if isinstance(archive.get("url"), str):
            return f"url:{archive['url']}"
        return f"path:{archive.get('path')}"
    return ""


_TOML_READERS: dict[str, Callable[[toml.Document, list[Problem]], list[Locked]]] = {
    "poetry": _read_poetry,
    "uv": _read_uv,
    "pylock": _read_pylock,
}


# --- Pipfile.lock ----------------------------------------------------------------------------


def _read_pipfile_lock(tree: Tree, path: str) -> LockFile:
    def failed(line: int, message: str) -> LockFile:
        return LockFile(path, "pipenv", (), None, None, (Problem(path, line, message),))

    try:
        text = tree.read(path).decode("utf-8")
    except (TreeError, OSError, ValueError) as exc:  # UnicodeDecodeError is a ValueError
        return failed(0, f"cannot read: {exc}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return failed(exc.lineno, f"invalid JSON: {exc.msg}")
    except RecursionError:
        return failed(0, "invalid JSON: nested too deeply to read")
    if not isinstance(data, dict):
        return failed(1, "not a JSON object")
    lines = json_lines(text)
    packages: list[Locked] = []
    problems: list[Problem] = []
    for category, table in data.items():
        if category == "_meta":
            continue
        if not isinstance(table, dict):
            problems.append(
                Problem(path, lines.get((category,), 1), f"{category} is not an object")
            )
            continue
        for name, entry in table.items():
            line = lines.get((category, name), 1)
            packages.append(_pipenv_package(name, entry, path, line))
    meta = data.get("_meta") if isinstance(data.get("_meta"), dict) else {}
    content_hash = _text(_dig(meta, "hash", "sha256"))
    python = _text(_dig(meta, "requires", "python_version"))
    python = python or _text(_dig(meta, "requires", "python_full_version"))
    return LockFile(path, "pipenv", tuple(packages), content_hash, python, tuple(problems))


def _dig(data: Any, *keys: str) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _pipenv_package(name: str, entry: Any, path: str, line: int) -> Locked:
    entry = entry if isinstance(entry, dict) else {}
    version = _text(entry.get("version"))
    if version is not None:
        version = re.sub(r"^\s*={2,3}\s*", "", version)
    source = ""
    if isinstance(entry.get("git"), str):
        ref = entry.get("ref")
        source = f"git:{entry['git']}" + (f"@{ref}" if isinstance(ref, str) else "")
    elif isinstance(entry.get("path"), str):
        source = f"path:{entry['path']}"
    elif isinstance(entry.get("file"), str):
        source = f"url:{entry['file']}"
    marker = _text(entry.get("markers")) or ""
    return Locked(canonicalize_name(name), version, path, line, marker, source)


_JSON_WS = re.compile(r"[ \t\n\r]*")


def json_lines(text: str) -> dict[tuple[str | int, ...], int]:
    """The 1-based line of every object key (by path) in a JSON text ``json`` accepted."""
    scanner = _JsonScanner(text)
    with contextlib.suppress(ValueError, IndexError, RecursionError):
        scanner.value(0, ())  # on failure, what was found stays; callers fall back to line 1
    return scanner.lines


class _JsonScanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: dict[tuple[str | int, ...], int] = {}
        self._decoder = json.JSONDecoder()
        self._newlines = [i for i, c in enumerate(text) if c == "\n"]

    def skip(self, pos: int) -> int:
        found = _JSON_WS.match(self.text, pos)
        return found.end() if found else pos

    def value(self, pos: int, path: tuple[str | int, ...]) -> int:
        pos = self.skip(pos)
        if self.text[pos] == "{":
            return self.members(pos, path)
        if self.text[pos] == "[":
            return self.items(pos, path)
        _, end = self._decoder.raw_decode(self.text, pos)
        return int(end)

    def members(self, pos: int, path: tuple[str | int, ...]) -> int:
        pos = self.skip(pos + 1)
        if self.text[pos] == "}":
            return pos + 1
        while True:
            pos = self.skip(pos)
            key, end = self._decoder.raw_decode(self.text, pos)
            self.lines.setdefault((*path, str(key)), bisect.bisect_left(self._newlines, pos) + 1)
            pos = self.skip(end)
            if self.text[pos] != ":":
                raise ValueError("expected ':'")
            pos = self.skip(self.value(pos + 1, (*path, str(key))))
            if self.text[pos] == "}":
                return pos + 1
            if self.text[pos] != ",":
                raise ValueError("expected ',' or '}'")
            pos += 1

    def items(self, pos: int, path: tuple[str | int, ...]) -> int:
        pos = self.skip(pos + 1)
        if self.text[pos] == "]":
            return pos + 1
        index = 0
        while True:
            self.lines.setdefault((*path, index), bisect.bisect_left(self._newlines, pos) + 1)
            pos = self.skip(self.value(pos, (*path, index)))
            index += 1
            if self.text[pos] == "]":
                return pos + 1
            if self.text[pos] != ",":
                raise ValueError("expected ',' or ']'")
            pos = self.skip(pos + 1)
