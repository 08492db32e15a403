"""Upstream files -> the bundled snapshots' compact JSON (runner labels, Go and Python manifests).

Shared by ``scripts/update_snapshots.py`` (which reads a git mirror of the upstream repository)
and ``cachekit data update`` (which reads the same files over HTTP), so both write identical
data from identical input. Each builder takes ``read(path) -> text | None`` (``None`` when the
file does not exist at the commit) plus the commit and its date, and validates what it reads:
a malformed upstream file raises :class:`SourceError` naming it, never a partial snapshot.

Sources:

* ``runner-labels``: ``actions/runner-images``' README "Available Images" table (image name,
  architecture, YAML labels, and the link to each image's ``*-Readme.md``); each image readme
  gives the OS version (Ubuntu's release) and the tool cache's Go and Python versions. The
  ``ImageOS`` variable comes from the image folder's ``Dockerfile`` (``ENV ImageOS=…``) when it
  sets one, else from the images' naming convention (``ubuntu24``, ``macos15``, ``win25``).
  Labels the previous snapshot had and the README no longer lists are kept as ``retired``
  (old workflows still name them; runs fail to find a runner).
* ``go-versions``: ``actions/go-versions``' ``versions-manifest.json``, as setup-go reads it.
* ``python-versions``: ``actions/python-versions``' ``versions-manifest.json``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, Final

from .errors import CachekitError

__all__ = [
    "BUILDERS",
    "GO_FORMAT",
    "PYTHON_FORMAT",
    "RUNNER_FORMAT",
    "Builder",
    "Read",
    "SourceError",
    "go_versions",
    "python_versions",
    "runner_labels",
]

Read = Callable[[str], "str | None"]
Builder = Callable[[Read, str, str, dict[str, Any]], dict[str, Any]]
"""``(read, commit, date, previous snapshot) -> snapshot``: one per snapshot, in ``BUILDERS``."""

RUNNER_FORMAT: Final = (
    "labels: label -> {os, arch, image_os, release, status, image, go, python} (status: ga,"
    " preview, deprecated or retired; go/python: the image's tool cache, newest last;"
    " alias_of: the label a -latest label stands for today)"
)
GO_FORMAT: Final = (
    "releases: [version, stable, [platform:arch, ...]] in manifest order (newest first)"
)
PYTHON_FORMAT: Final = (
    "releases: [version, stable, [platform:platform_version:arch, ...]] in manifest order"
    " (newest first)"
)
_ROW = re.compile(r"^\|(?P<name>[^|]+)\|(?P<arch>[^|]+)\|(?P<labels>[^|]+)\|(?P<ref>[^|]+)\|\s*$")
_LINK = re.compile(r"^\[(?P<ref>[^\]]+)\]:\s*(?P<url>\S+)", re.M)
_BLOB = re.compile(r"https://github\.com/actions/runner-images/blob/[^/]+/(?P<path>\S+)")
_FAMILY: Final = {"ubuntu": "Linux", "macos": "macOS", "xcode": "macOS", "windows": "Windows"}
_ARCH: Final = {"x64": "X64", "arm64": "ARM64"}
_STATUS = re.compile(r"badge/(preview|deprecated|beta)-", re.I)
_SIZES: Final = ("large", "xlarge")
_DOCKER_IMAGE_OS = re.compile(r'^ENV\s+ImageOS="?([^"\s]+)"?', re.M)


class SourceError(CachekitError):
    """An upstream file that is not what its builder expects (one line naming it)."""

    exit_code = 3


# -- runner labels -------------------------------------------------------------------------------


def _tool_versions(readme: str, tool: str) -> list[str]:
    """The versions listed under ``#### {tool}`` of an image readme's cached tools."""
    m = re.search(rf"^#### {re.escape(tool)}\s*\n((?:- [^\n]*\n?)+)", readme, re.M)
    if m is None:
        return []
    found = re.findall(r"^- (\d+\.\d+\.\d+)\s*$", m.group(1), re.M)
    return sorted(found, key=lambda v: tuple(int(p) for p in v.split(".")))


def _image_os(name: str, folder: str, read: Read) -> str | None:
    dockerfile = read(f"{folder}/Dockerfile")
    if dockerfile is not None:
        m = _DOCKER_IMAGE_OS.search(dockerfile)
        if m:
            return m.group(1)
    m = re.match(r"(Ubuntu|macOS|Windows Server)\s+(\d+)", name.strip())
    if m is None:
        return None
    family, number = m.group(1), m.group(2)
    if family == "Ubuntu":
        return f"ubuntu{number}"
    if family == "macOS":
        return f"macos{number}"
    return f"win{number[-2:]}"


def _image(path: str, name: str, os_name: str, read: Read) -> dict[str, Any]:
    readme = read(path)
    if readme is None:
        raise SourceError(f"actions/runner-images: {path} (linked from README.md) is missing")
    release = None
    if os_name == "Linux":
        m = re.search(r"^- OS Version:\s*(\d+\.\d+)", readme, re.M)
        release = m.group(1) if m else None
    return {
        "image_os": _image_os(name, path.rsplit("/", 1)[0], read),
        "release": release,
        "image": path,
        "go": _tool_versions(readme, "Go"),
        "python": _tool_versions(readme, "Python"),
    }


def _latest_sizes(labels: dict[str, dict[str, Any]]) -> None:
    """``macos-latest-large``/``-xlarge`` (GitHub's larger-runner labels) when the table lists
    only the sized label of the image ``macos-latest`` stands for (``macos-26-xlarge``)."""
    for latest, entry in list(labels.items()):
        target = entry.get("alias_of")
        if not latest.endswith("-latest") or not target:
            continue
        for size in _SIZES:
            sized = labels.get(f"{target}-{size}")
            if sized is not None and f"{latest}-{size}" not in labels:
                labels[f"{latest}-{size}"] = {**sized, "alias_of": f"{target}-{size}"}


def runner_labels(
    read: Read, commit: str, date: str, previous: dict[str, Any] | None = None
) -> dict[str, Any]:
    """``runner-labels.json`` from actions/runner-images at ``commit`` (see the module doc)."""
    readme = read("README.md")
    if readme is None:
        raise SourceError("actions/runner-images: README.md is missing")
    links = {m.group("ref"): m.group("url") for m in _LINK.finditer(readme)}
    section = readme.split("## Available Images", 1)[-1].split("\n## ", 1)[0]
    labels: dict[str, dict[str, Any]] = {}
    for line in section.splitlines():
        row = _ROW.match(line)
        if row is None or "`" not in row.group("labels"):
            continue
        name = re.sub(r"<br>.*|!?\[.*", "", row.group("name")).strip()
        family = name.split()[0].lower() if name else ""
        arch = _ARCH.get(row.group("arch").strip().lower())
        if family not in _FAMILY or arch is None:
            raise SourceError(f"actions/runner-images README.md: cannot read the row {name!r}")
        ref = row.group("ref").strip().strip("[]")
        blob = _BLOB.match(links.get(ref, ""))
        if blob is None:
            raise SourceError(f"actions/runner-images README.md: no readme link for {ref!r}")
        status = _STATUS.search(row.group("name"))
        image = _image(blob.group("path"), name, _FAMILY[family], read)
        names = re.findall(r"`([^`]+)`", row.group("labels"))
        target = next((n for n in names if "latest" not in n), names[0])
        for label in names:
            entry = {"os": _FAMILY[family], "arch": arch, **image}
            entry["status"] = status.group(1).lower() if status else "ga"
            if label != target and "latest" in label:
                entry["alias_of"] = target
            labels[label] = entry
    if not labels:
        raise SourceError("actions/runner-images README.md: no Available Images table")
    _latest_sizes(labels)
    for label, entry in (previous or {}).get("labels", {}).items():
        if label not in labels and "latest" not in label and isinstance(entry, dict):
            labels[label] = {**entry, "status": "retired"}
    return {
        "fetched": date,
        "source": {
            "repository": "actions/runner-images",
            "path": "README.md",
            "commit": commit,
            "commit_date": date,
        },
        "format": RUNNER_FORMAT,
        "labels": dict(sorted(labels.items())),
    }


# -- tool manifests -------------------------------------------------------------------------------


def _manifest(read: Read, repo: str) -> list[dict[str, Any]]:
    path = "versions-manifest.json"
    text = read(path)
    if text is None:
        raise SourceError(f"{repo}: {path} is missing")
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise SourceError(f"{repo}/{path}: not JSON ({exc})") from None
    if not isinstance(data, list) or not all(
        isinstance(e, dict) and isinstance(e.get("version"), str) for e in data
    ):
        raise SourceError(f"{repo}/{path}: expected a list of releases with versions")
    return data


def _stamp(repo: str, commit: str, date: str, fmt: str, releases: list[Any]) -> dict[str, Any]:
    return {
        "fetched": date,
        "source": {
            "repository": repo,
            "path": "versions-manifest.json",
            "commit": commit,
            "commit_date": date,
        },
        "format": fmt,
        "releases": releases,
    }


def _files(entry: dict[str, Any], *keys: str) -> list[str]:
    out = []
    for f in entry.get("files", []):
        if isinstance(f, dict):
            out.append(":".join(str(f.get(k) or "") for k in keys))
    return out


def go_versions(read: Read, commit: str, date: str) -> dict[str, Any]:
    """``go-versions.json`` from actions/go-versions at ``commit``."""
    repo = "actions/go-versions"
    releases = [
        [e["version"], bool(e.get("stable")), _files(e, "platform", "arch")]
        for e in _manifest(read, repo)
    ]
    return _stamp(repo, commit, date, GO_FORMAT, releases)


def python_versions(read: Read, commit: str, date: str) -> dict[str, Any]:
    """``python-versions.json`` from actions/python-versions at ``commit``."""
    repo = "actions/python-versions"
    releases = [
        [e["version"], bool(e.get("stable")), _files(e, "platform", "platform_version", "arch")]
        for e in _manifest(read, repo)
    ]
    return _stamp(repo, commit, date, PYTHON_FORMAT, releases)


BUILDERS: Final[dict[str, tuple[str, str | None, Builder]]] = {
    "runner-labels": ("actions/runner-images", None, runner_labels),
    "go-versions": (
        "actions/go-versions",
        "versions-manifest.json",
        lambda read, commit, date, _: go_versions(read, commit, date),
    ),
    "python-versions": (
        "actions/python-versions",
        "versions-manifest.json",
        lambda read, commit, date, _: python_versions(read, commit, date),
    ),
}
"""snapshot -> (upstream repository, the file whose last change dates it or ``None`` for the
branch head, builder)."""
