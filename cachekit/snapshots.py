"""The dated data snapshots cachekit models with, and refreshing them on request.

cachekit is offline: what a caching action release does, which Python or Go a version spec
resolves to, and which runner a ``runs-on`` label starts come from snapshots bundled in
``cachekit/data`` (each stamped with the date it describes). Actions keep releasing, so
``cachekit data update`` — the only command that uses the network — fetches the same data from
GitHub into the user's cache directory, and every reader prefers that copy when it describes a
later date than the bundled one. Nothing else changes: a model is still chosen by the release a
workflow pins, and an output that modelled a release newer than the snapshot in use says so with
the snapshot's date.

Sources (overridable, for GitHub Enterprise, a mirror, or the tests' local server):

* ``python-versions``, ``go-versions``: ``actions/python-versions``' and ``actions/go-versions``'
  ``versions-manifest.json`` (raw file) at the commit that last changed it (REST
  ``GET /repos/{repo}/commits?path=…``);
* ``runner-labels``: ``actions/runner-images``' ``README.md`` and the image readmes it links,
  at its default branch's head (REST ``GET /repos/{repo}/commits``);
* ``action-releases``: every tag of each modelled action (REST ``GET /repos/{repo}/tags``,
  paginated), the head of its default branch (``GET /repos/{repo}/commits``), and for a release
  not already in the snapshot, its ``package-lock.json`` (the ``@actions/cache`` it bundles),
  its ``action.yml`` (the defaults of inputs naming the files it reads) and its commit date
  (REST ``GET /repos/{repo}/commits/{sha}``).

The manifests and runner labels are built by :mod:`cachekit.datasources`, the same code
``scripts/update_snapshots.py`` runs on git mirrors. Responses are bounded (size, time, count of
pages) and validated before anything is written; files are replaced atomically, so a failed
update leaves the previous data in force.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal

import yaml

from . import datasources
from .errors import CachekitError

__all__ = [
    "RELEASES_FORMAT",
    "SNAPSHOTS",
    "SOURCES",
    "DataUpdateError",
    "Release",
    "SnapshotName",
    "Sources",
    "UpdateResult",
    "merge_releases",
    "read_defaults",
    "read_snapshot",
    "snapshot_date",
    "snapshot_in_force",
    "toolkit_version",
    "update_snapshots",
    "user_data_dir",
]

SnapshotName = Literal["action-releases", "python-versions", "go-versions", "runner-labels"]
SNAPSHOTS: Final[dict[SnapshotName, str]] = {
    "action-releases": "action-releases.json",
    "python-versions": "python-versions.json",
    "go-versions": "go-versions.json",
    "runner-labels": "runner-labels.json",
}
SOURCES: Final[dict[SnapshotName, str]] = {
    "action-releases": "the tags of each modelled caching action",
    "python-versions": "actions/python-versions versions-manifest.json",
    "go-versions": "actions/go-versions versions-manifest.json",
    "runner-labels": "actions/runner-images README.md and image readmes",
}
"""Where each snapshot comes from, as ``data show`` says it."""
RELEASES_FORMAT: Final = (
    'per action: [tag, commit, bundled @actions/cache version or "", commit date] for every'
    " vX.Y.Z tag, oldest first; moving: major tag -> commit; reads: action -> tag -> the"
    " action.yml defaults of the inputs naming the files the release reads (only where they"
    " exist); sources: the commit each repository was read at"
)
ACTION_YML: Final = {"gradle/actions": "setup-gradle/action.yml"}
"""Where a caching action's ``action.yml`` is when it is not at the repository's top."""
LOCK_FILES: Final = ("package-lock.json", "sources/package-lock.json", "yarn.lock")
"""Where a release locks its ``@actions/cache``, first found wins (ruby/setup-ruby uses yarn)."""
_YARN_ENTRY = re.compile(r'^"?@actions/cache@[^\n]*:\s*\n\s+version:?\s+"?([^"\s]+)"?', re.M)
_READ_INPUT = re.compile(r"glob|dependency-path|dependency-file|lock-file")
_RELEASE = re.compile(r"v(\d+)\.(\d+)\.(\d+)")
_MAJOR = re.compile(r"v(\d+)")
_MAX_RESPONSE: Final = 32 << 20
_MAX_PAGES: Final = 50
_TIMEOUT: Final = 30.0


class DataUpdateError(CachekitError):
    """The network or an answer failed; the data in force is unchanged (exit 3)."""

    exit_code = 3


# -- where snapshots live ---------------------------------------------------------------------


def user_data_dir() -> Path:
    """``$CACHEKIT_DATA_DIR``, else the platform's user cache directory + ``cachekit``."""
    explicit = os.environ.get("CACHEKIT_DATA_DIR")
    if explicit:
        return Path(explicit)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = str(Path.home() / "Library" / "Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cachekit"


def _bundled(name: SnapshotName) -> str:
    return resources.files("cachekit").joinpath(f"data/{SNAPSHOTS[name]}").read_text("utf-8")


def snapshot_date(text: str) -> str:
    """The date a snapshot describes: its source's commit date, else its ``fetched`` stamp."""
    try:
        data = json.loads(text)
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    source = data.get("source")
    if isinstance(source, dict) and isinstance(source.get("commit_date"), str):
        return str(source["commit_date"])
    return str(data.get("fetched", ""))


def read_snapshot(name: SnapshotName) -> str:
    """The snapshot's JSON text: the updated copy when it is later than the bundled one.

    An unreadable or malformed updated copy is passed over (the bundled data is always valid);
    ``cachekit data update`` says what it wrote.
    """
    bundled = _bundled(name)
    path = user_data_dir() / SNAPSHOTS[name]
    try:
        if path.is_file() and path.stat().st_size <= _MAX_RESPONSE:
            updated = path.read_text("utf-8")
            if snapshot_date(updated) > snapshot_date(bundled):
                return updated
    except (OSError, UnicodeDecodeError):
        pass
    return bundled


def snapshot_in_force(name: SnapshotName) -> tuple[str, str]:
    """``(where, date)`` of the snapshot :func:`read_snapshot` returns (``bundled`` or a path)."""
    text = read_snapshot(name)
    where = "bundled" if text == _bundled(name) else str(user_data_dir() / SNAPSHOTS[name])
    return where, snapshot_date(text)


# -- release data: shared by scripts/update_action_releases.py and `data update` ---------------


@dataclass(frozen=True)
class Release:
    """One ``vX.Y.Z`` release of a caching action."""

    tag: str
    commit: str
    toolkit: str  # the @actions/cache version its package-lock.json locks, "" if none
    date: str  # the commit's date, YYYY-MM-DD
    reads: dict[str, str]  # action.yml defaults of the inputs that name files it reads


def is_release_tag(tag: str) -> bool:
    return _RELEASE.fullmatch(tag) is not None


def release_order(tag: str) -> tuple[int, ...]:
    found = _RELEASE.fullmatch(tag)
    return tuple(int(g) for g in found.groups()) if found else ()


def is_major_tag(tag: str) -> bool:
    return _MAJOR.fullmatch(tag) is not None


def toolkit_version(lock_text: str) -> str:
    """The ``@actions/cache`` version a ``package-lock.json`` or ``yarn.lock`` locks (``""``
    when none)."""
    try:
        data = json.loads(lock_text)
    except ValueError:
        m = _YARN_ENTRY.search(lock_text)
        return m.group(1) if m else ""
    if not isinstance(data, dict):
        return ""
    for table, key in (
        ("packages", "node_modules/@actions/cache"),
        ("dependencies", "@actions/cache"),
    ):
        entries = data.get(table)
        entry = entries.get(key) if isinstance(entries, dict) else None
        if isinstance(entry, dict) and isinstance(entry.get("version"), str):
            return str(entry["version"])
    return ""


def read_defaults(action_yml: str) -> dict[str, str]:
    """The defaults of the inputs that name files the action reads, from ``action.yml``."""
    try:
        data = yaml.safe_load(action_yml)
    except yaml.YAMLError:
        return {}
    inputs = data.get("inputs") if isinstance(data, dict) else None
    if not isinstance(inputs, dict):
        return {}
    out: dict[str, str] = {}
    for name, spec in inputs.items():
        if not _READ_INPUT.search(str(name)) or not isinstance(spec, dict):
            continue
        default = spec.get("default")
        if isinstance(default, str) and default.strip():
            out[str(name)] = default.strip()
    return out


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return dict(value) if isinstance(value, dict) else {}


def merge_releases(
    data: dict[str, Any],
    name: str,
    releases: Iterable[Release],
    moving: dict[str, str],
    head: tuple[str, str],
) -> dict[str, Any]:
    """``data`` (a release snapshot) with ``name``'s entries replaced; dated by its sources."""
    ordered = sorted(releases, key=lambda r: release_order(r.tag))
    actions, moving_all = _table(data, "actions"), _table(data, "moving")
    reads, sources = _table(data, "reads"), _table(data, "sources")
    actions[name] = [[r.tag, r.commit, r.toolkit, r.date] for r in ordered]
    moving_all[name] = dict(moving)
    per_tag = {r.tag: r.reads for r in ordered if r.reads}
    if per_tag:
        reads[name] = per_tag
    else:
        reads.pop(name, None)
    sources[name] = {"commit": head[0], "commit_date": head[1]}
    dates = [str(s.get("commit_date", "")) for s in sources.values() if isinstance(s, dict)]
    return {
        "fetched": max(dates, default=str(data.get("fetched", ""))),
        "format": RELEASES_FORMAT,
        "actions": actions,
        "moving": moving_all,
        "reads": reads,
        "sources": sources,
    }


# -- the network --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sources:
    """Where ``data update`` reads from: GitHub's REST API and raw file host by default."""

    api: str = "https://api.github.com"
    raw: str = "https://raw.githubusercontent.com"
    token: str | None = None


@dataclass(frozen=True)
class UpdateResult:
    """What ``data update`` wrote: each snapshot's file and the date it now describes."""

    directory: str
    written: tuple[tuple[SnapshotName, str, str], ...]  # (name, path, date described)
    new_releases: tuple[str, ...]  # action@tag not in the previous snapshot


Fetch = Callable[[str], bytes]


def _fetcher(sources: Sources) -> Fetch:
    def fetch(url: str) -> bytes:
        request = urllib.request.Request(url, headers={"User-Agent": "cachekit-data-update"})
        if sources.token and url.startswith(sources.api):
            request.add_header("Authorization", f"Bearer {sources.token}")
        try:
            with urllib.request.urlopen(request, timeout=_TIMEOUT) as response:
                body: bytes = response.read(_MAX_RESPONSE + 1)
        except urllib.error.HTTPError as exc:
            raise DataUpdateError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            reason = getattr(exc, "reason", exc)
            raise DataUpdateError(f"{url}: {reason}") from exc
        if len(body) > _MAX_RESPONSE:
            raise DataUpdateError(f"{url}: answer larger than {_MAX_RESPONSE} bytes")
        return body

    return fetch


def _json(fetch: Fetch, url: str) -> Any:
    try:
        return json.loads(fetch(url))
    except ValueError as exc:
        raise DataUpdateError(f"{url}: not JSON ({exc})") from exc


def _optional_text(fetch: Fetch, url: str) -> str | None:
    try:
        return fetch(url).decode("utf-8", "replace")
    except DataUpdateError as exc:
        if "HTTP 404" in str(exc):
            return None
        raise


def _tags(fetch: Fetch, sources: Sources, repo: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for page in range(1, _MAX_PAGES + 1):
        url = f"{sources.api}/repos/{repo}/tags?per_page=100&page={page}"
        batch = _json(fetch, url)
        if not isinstance(batch, list):
            raise DataUpdateError(f"{url}: expected a list of tags")
        for entry in batch:
            commit = entry.get("commit") if isinstance(entry, dict) else None
            if not isinstance(commit, dict) or not isinstance(entry.get("name"), str):
                raise DataUpdateError(f"{url}: a tag without a name or commit")
            found[entry["name"]] = str(commit.get("sha", ""))
        if len(batch) < 100:
            return found
    raise DataUpdateError(f"{repo}: more than {_MAX_PAGES * 100} tags")


def _commit_date(fetch: Fetch, sources: Sources, repo: str, sha: str) -> str:
    url = f"{sources.api}/repos/{repo}/commits/{sha}"
    data = _json(fetch, url)
    try:
        return str(data["commit"]["committer"]["date"])[:10]
    except (KeyError, TypeError) as exc:
        raise DataUpdateError(f"{url}: no commit date") from exc


def _action_releases(
    fetch: Fetch, sources: Sources, current: dict[str, Any], new: list[str]
) -> dict[str, Any]:
    data = dict(current)
    for repo in list(_table(current, "actions")):
        known = {row[0]: row for row in _table(current, "actions")[repo] if isinstance(row, list)}
        old_reads = _table(current, "reads").get(repo, {})
        tags = _tags(fetch, sources, repo)
        releases: list[Release] = []
        for tag, sha in tags.items():
            if not is_release_tag(tag):
                continue
            row = known.get(tag)
            if row is not None and len(row) >= 4 and row[1] == sha:
                releases.append(Release(tag, sha, row[2], row[3], dict(old_reads.get(tag, {}))))
                continue
            base = f"{sources.raw}/{repo}/{sha}"
            lock = next(
                (t for p in LOCK_FILES if (t := _optional_text(fetch, f"{base}/{p}")) is not None),
                "",
            )
            yml = _optional_text(fetch, f"{base}/{ACTION_YML.get(repo, 'action.yml')}")
            date = _commit_date(fetch, sources, repo, sha)
            releases.append(
                Release(tag, sha, toolkit_version(lock), date, read_defaults(yml or ""))
            )
            new.append(f"{repo}@{tag}")
        if not releases:
            raise DataUpdateError(f"{repo}: no vX.Y.Z tags in the answer")
        moving = {t: s for t, s in tags.items() if is_major_tag(t)}
        # dated by the default branch's head, as scripts/update_action_releases.py dates a
        # mirror, so the same repository state gives the same snapshot either way
        data = merge_releases(data, repo, releases, moving, _head(fetch, sources, repo, None))
    return data


def _head(fetch: Fetch, sources: Sources, repo: str, path: str | None) -> tuple[str, str]:
    """The commit (and its date) of ``repo``'s default branch that last changed ``path``."""
    where = f"path={path}&" if path else ""
    url = f"{sources.api}/repos/{repo}/commits?{where}per_page=1"
    commits = _json(fetch, url)
    try:
        return str(commits[0]["sha"]), str(commits[0]["commit"]["committer"]["date"])[:10]
    except (KeyError, IndexError, TypeError) as exc:
        raise DataUpdateError(f"{url}: no commit for {path or 'the default branch'}") from exc


def _upstream(fetch: Fetch, sources: Sources, name: SnapshotName) -> dict[str, Any]:
    """A manifest or runner-label snapshot built from its repository's files over HTTP, by
    the same builders ``scripts/update_snapshots.py`` runs on a git mirror."""
    repo, path, build = datasources.BUILDERS[name]
    sha, date = _head(fetch, sources, repo, path)

    def read(file: str) -> str | None:
        return _optional_text(fetch, f"{sources.raw}/{repo}/{sha}/{file}")

    previous = json.loads(read_snapshot(name))
    try:
        return build(read, sha, date, previous)
    except datasources.SourceError as exc:
        raise DataUpdateError(str(exc)) from exc


def _write_atomic(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, separators=(",", ":"))
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def update_snapshots(
    sources: Sources = Sources(),
    *,
    names: Iterable[SnapshotName] = tuple(SNAPSHOTS),
    fetch: Fetch | None = None,
) -> UpdateResult:
    """Fetch each snapshot and write it to :func:`user_data_dir` (nothing on any failure)."""
    get = fetch or _fetcher(sources)
    directory = user_data_dir()
    built: list[tuple[SnapshotName, dict[str, Any]]] = []
    new: list[str] = []
    for name in names:
        if name == "action-releases":
            current = json.loads(read_snapshot("action-releases"))
            built.append((name, _action_releases(get, sources, current, new)))
        else:
            built.append((name, _upstream(get, sources, name)))
    written = []
    for name, data in built:  # all fetched and validated before anything is written
        path = directory / SNAPSHOTS[name]
        try:
            _write_atomic(path, data)
        except OSError as exc:
            raise DataUpdateError(f"cannot write {path}: {exc.strerror or exc}") from exc
        written.append((name, str(path), str(data["fetched"])))
    return UpdateResult(str(directory), tuple(written), tuple(new))
