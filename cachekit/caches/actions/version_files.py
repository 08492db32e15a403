"""Version files as setup-python and setup-node read them, release by release.

A setup step given no version reads one from the repository (``python-version-file``,
``node-version-file``, or setup-python's default ``.python-version``). cachekit reads the same
file from the tree with the same rules, so the version — and the key or output built from it —
is known where the action would know it. Each reader cites the action's source at the release
where its behaviour changed; a file the action would not read, or could not parse, gives
``None`` (the version stays unknown: never a guess).

setup-python (``src/setup-python.ts`` ``resolveVersionInput``, ``src/utils.ts``):

=======  ========================================================================================
v4.0.0   no ``python-version``: the ``python-version-file`` (default ``.python-version``), whole
v4.1.0   only a given ``python-version-file`` is read (whole text); no default file
v4.7.0   ``getVersionInputFromFile``: ``*.toml`` → ``[project] requires-python`` when a
         ``[project]`` table exists, else ``[tool.poetry.dependencies] python``, commas as
         spaces, kept when a valid semver range; other files whole (trimmed); the default
         ``.python-version`` is read again
v5.5.0   ``.tool-versions`` (a name containing it): the first ``python X`` line
v6.0.0   plain files: one version a line, ``#`` comments and blank lines skipped, a pyenv
         ``3.10/envs/x`` pointer cut at ``/``; ``Pipfile``: ``[requires] python_full_version``
         else ``python_version``
=======  ========================================================================================

Several versions install in order and the cache key takes the last one (``setup-python.ts``,
the ``for (const version of versions)`` loop), so they are returned joined by newlines, as a
multi-line ``python-version`` input.

setup-node (``src/main.ts`` ``resolveVersionInput``; ``src/util.ts``):

=======  ========================================================================================
v2.5.0   ``node-version-file``: the trimmed text, a leading ``v`` before a digit dropped
v3.6.0   a ``package.json``: ``volta.node``, else ``engines.node``; else the first line
         ``[nodejs ]v?X`` (``/^(?:nodejs\\s+)?v?(?<version>[^\\s]+)$/m``), else the text
v3.8.0   ``node`` as well as ``nodejs`` (``.tool-versions``)
v4.0.2   a JSON object with neither gives no version; ``volta.extends`` is followed
v6.3.0   ``devEngines.runtime`` (an entry named node with a version) between volta and engines
=======  ========================================================================================
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any, Final

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

from .. import semver

__all__ = ["node_version_from_file", "python_version_file", "python_versions_from_file"]

Version = tuple[int, int, int]

_TOOL_PYTHON: Final = re.compile(r"^\s*python\s*v?\s*(?P<version>\S+)\s*$")
_NODE_LINE_OLD: Final = re.compile(r"^(?:nodejs\s+)?v?(?P<version>\S+)$", re.M)
_NODE_LINE: Final = re.compile(r"^(?:node(?:js)?\s+)?v?(?P<version>\S+)$", re.M)


def _toml(text: str) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = tomllib.loads(text.replace("\r\n", "\n"))
        return data
    except (tomllib.TOMLDecodeError, ValueError):
        return None


def _dig(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _from_pyproject(text: str) -> list[str] | None:
    """``getVersionInputFromTomlFile``: PEP 621 when a ``[project]`` table exists (even one
    without ``requires-python``: then nothing), else poetry's python dependency."""
    data = _toml(text)
    if data is None:
        return None
    keys = ("project", "requires-python") if "project" in data else ("tool", "poetry")
    value = _dig(data, *keys)
    if keys[0] == "tool":
        value = _dig(value, "dependencies", "python")
    if not isinstance(value, str):
        return []
    spaced = " ".join(value.split(","))
    return [spaced] if semver.valid_range(spaced) else []


def _from_tool_versions(text: str) -> list[str]:
    """``getVersionInputFromToolVersions``: the first ``python X`` line, comments skipped."""
    for line in text.split("\n"):
        if line.strip().startswith("#"):
            continue
        found = _TOOL_PYTHON.match(line)
        if found:
            return [found.group("version")]
    return []


def _from_pipfile(text: str) -> list[str] | None:
    """``getVersionInputFromPipfileFile``: ``[requires]``' full version, else its version."""
    data = _toml(text)
    if data is None:
        return None
    requires = data.get("requires")
    if not isinstance(requires, dict):
        return []
    key = "python_full_version" if "python_full_version" in requires else "python_version"
    value = requires.get(key)
    return [value] if isinstance(value, str) else []


def _plain(text: str, v: Version) -> list[str]:
    if v < (6, 0, 0):
        whole = text.strip()
        # One "version" of several lines fails on the runner: not a version cachekit can give.
        return [whole] if whole and "\n" not in whole else []
    out = []
    for line in re.split(r"\r\n|\r|\n", text.strip()):
        if line.startswith("#") or not line.strip():
            continue
        out.append(line.strip().split("/")[0])
    return out


def python_versions_from_file(path: str, text: str, v: Version) -> list[str] | None:
    """The versions setup-python ``v`` reads from the file at ``path`` (``None``: it cannot
    parse the file; ``[]``: no version in it, the runner's Python is used)."""
    if v < (4, 7, 0):
        whole = text.strip()
        return [whole] if whole and "\n" not in whole else []
    if path.endswith(".toml"):
        return _from_pyproject(text)
    # the action tests `versionFile.match('.tool-versions')`: a regular expression
    if v >= (5, 5, 0) and re.search(r".tool-versions", path):
        return _from_tool_versions(text)
    if v >= (6, 0, 0) and "Pipfile" in path:
        return _from_pipfile(text)
    return _plain(text, v)


def python_version_file(given: str, v: Version) -> str | None:
    """The file setup-python ``v`` reads when no ``python-version`` is given (``None``: none)."""
    if v < (4, 0, 0):
        return None
    if given:
        return given
    return ".python-version" if v == (4, 0, 0) or v >= (4, 7, 0) else None


def _package_json(data: dict[str, Any], path: str, v: Version, read: Any, depth: int) -> str | None:
    raw = data.get("volta")
    volta: dict[str, Any] = raw if isinstance(raw, dict) else {}
    node = volta.get("node")
    if isinstance(node, str) and node:
        return node
    if v >= (6, 3, 0):
        runtime = _dig(data, "devEngines", "runtime")
        entries = runtime if isinstance(runtime, list) else [runtime]
        for entry in entries:
            if (
                isinstance(entry, dict)
                and str(entry.get("name", "")).lower() == "node"
                and isinstance(entry.get("version"), str)
                and entry["version"]
            ):
                return str(entry["version"])
    engines = _dig(data, "engines", "node")
    if isinstance(engines, str) and engines:
        return engines
    extends = volta.get("extends")
    if v >= (4, 0, 2) and isinstance(extends, str) and depth < 8:
        base = path.rsplit("/", 1)[0] if "/" in path else ""
        target = f"{base}/{extends}" if base else extends
        text = read(target)
        return None if text is None else node_version_from_file(target, text, v, read, depth + 1)
    return None


def node_version_from_file(
    path: str, text: str, v: Version, read: Any = None, depth: int = 0
) -> str | None:
    """The version spec setup-node ``v`` reads from ``node-version-file`` (``None``: none, the
    action falls back to the Node on the runner). ``read(path)`` reads ``volta.extends``."""
    if v < (2, 5, 0):
        return None
    if v < (3, 6, 0):
        found = text.strip()
        return found[1:] if re.match(r"v\d", found) else found or None
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        got = _package_json(data, path, v, read or (lambda _p: None), depth)
        if got or v >= (4, 0, 2):
            return got
    line = (_NODE_LINE if v >= (3, 8, 0) else _NODE_LINE_OLD).search(text)
    return line.group("version") if line else (text.strip() or None)
