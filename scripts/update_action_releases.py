#!/usr/bin/env python3
"""Regenerate ``cachekit/data/action-releases.json`` from the caching actions' own repositories.

Usage (git directories, bare or not, e.g. the search tool's ``fetch`` mirrors)::

    python scripts/update_action_releases.py \\
        actions/cache=/work/.mirror/actions+cache/repo \\
        astral-sh/setup-uv=/work/.mirror/astral-sh+setup-uv/repo ...

``owner/name=`` may be left out when the directory's path names the repository the way the
mirrors do (``…/owner+name/repo``). Repositories not named keep their entries in the file.

For every ``vX.Y.Z`` tag it records the commit (annotated tags peeled), the commit's date, the
``@actions/cache`` version locked in the release's ``package-lock.json`` (the root one, or
``sources/`` for gradle/actions), and the defaults the release's ``action.yml`` gives the
inputs that name the files it reads (``cache-dependency-glob`` and the like). Moving major tags
(``v4``) map to the commit they point at. The file is stamped with the date it describes: the
newest commit date among the repositories read.

It reads git objects only (``git for-each-ref``, ``git log``, ``git show``); it runs nothing
from the repositories and never touches the network.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent.parent / "cachekit" / "data" / "action-releases.json"
FORMAT = (
    'per action: [tag, commit, bundled @actions/cache version or "", commit date] for every'
    " vX.Y.Z tag, oldest first; moving: major tag -> commit; reads: action -> tag -> the"
    " action.yml defaults of the inputs naming the files the release reads (only where they"
    " exist); sources: the commit each repository was read at"
)
ACTION_YML = {"gradle/actions": "setup-gradle/action.yml"}
"""Where the caching action's ``action.yml`` is when it is not at the repository's top."""
LOCK_FILES = ("package-lock.json", "sources/package-lock.json")
READ_INPUT = re.compile(r"glob|dependency-path|dependency-file|lock-file")
RELEASE = re.compile(r"v(\d+)\.(\d+)\.(\d+)")
MAJOR = re.compile(r"v(\d+)")


class UpdateError(Exception):
    """A repository that cannot be read as asked (one line, naming it)."""


@dataclass(frozen=True)
class Release:
    tag: str
    commit: str
    toolkit: str
    date: str
    reads: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Repository:
    name: str
    releases: tuple[Release, ...]
    moving: dict[str, str]
    head: str
    head_date: str


def _git(git_dir: Path, *args: str, check: bool = True) -> str:
    proc = subprocess.run(
        ["git", f"--git-dir={git_dir}", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if check and proc.returncode != 0:
        raise UpdateError(f"{git_dir}: git {' '.join(args)}: {proc.stderr.strip()}")
    return proc.stdout if proc.returncode == 0 else ""


def git_dir_of(path: Path) -> Path:
    """The git directory of a repository path (a bare directory, or a work tree's .git)."""
    return path / ".git" if (path / ".git").exists() else path


def tags(git_dir: Path) -> dict[str, str]:
    """Every tag -> the commit it names (annotated tags peeled)."""
    out = _git(
        git_dir,
        "for-each-ref",
        "refs/tags",
        "--format=%(refname:short)\t%(objectname)\t%(*objectname)",
    )
    found: dict[str, str] = {}
    for line in out.splitlines():
        name, obj, peeled = [*line.split("\t"), "", ""][:3]
        found[name] = peeled or obj
    return found


def commit_dates(git_dir: Path, commits: Iterable[str]) -> dict[str, str]:
    """Commit -> its committer date (``YYYY-MM-DD``)."""
    wanted = sorted(set(commits))
    if not wanted:
        return {}
    out = _git(git_dir, "log", "--no-walk=unsorted", "--format=%H %cs", *wanted)
    return dict(line.split(" ", 1) for line in out.splitlines() if " " in line)


def toolkit_version(lock_text: str) -> str:
    """The ``@actions/cache`` version a ``package-lock.json`` locks (``""`` when none)."""
    try:
        data = json.loads(lock_text)
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    packages = data.get("packages")
    if isinstance(packages, dict):
        entry = packages.get("node_modules/@actions/cache")
        if isinstance(entry, dict) and isinstance(entry.get("version"), str):
            return str(entry["version"])
    deps = data.get("dependencies")
    if isinstance(deps, dict):
        entry = deps.get("@actions/cache")
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
        if not READ_INPUT.search(str(name)) or not isinstance(spec, dict):
            continue
        default = spec.get("default")
        if isinstance(default, str) and default.strip():
            out[str(name)] = default.strip()
    return out


def _show(git_dir: Path, commit: str, path: str) -> str | None:
    proc = subprocess.run(
        ["git", f"--git-dir={git_dir}", "show", f"{commit}:{path}"],
        capture_output=True,
        check=False,
    )
    return proc.stdout.decode("utf-8", "replace") if proc.returncode == 0 else None


def read_repository(name: str, path: Path) -> Repository:
    """Every release of the repository at ``path`` (see the module docstring)."""
    git_dir = git_dir_of(path)
    if not _git(git_dir, "rev-parse", "--git-dir", check=False):
        raise UpdateError(f"{path}: not a git directory")
    all_tags = tags(git_dir)
    releases = sorted(
        (tuple(int(g) for g in m.groups()), tag, commit)
        for tag, commit in all_tags.items()
        if (m := RELEASE.fullmatch(tag))
    )
    if not releases:
        raise UpdateError(f"{path}: no vX.Y.Z tags")
    head = _git(git_dir, "rev-parse", "HEAD").strip()
    dates = commit_dates(git_dir, [c for _, _, c in releases] + [head])
    action_yml = ACTION_YML.get(name, "action.yml")
    out: list[Release] = []
    for _, tag, commit in releases:
        lock = next(
            (text for p in LOCK_FILES if (text := _show(git_dir, commit, p)) is not None), ""
        )
        yml = _show(git_dir, commit, action_yml) or _show(
            git_dir, commit, action_yml.replace(".yml", ".yaml")
        )
        out.append(
            Release(
                tag=tag,
                commit=commit,
                toolkit=toolkit_version(lock),
                date=dates.get(commit, ""),
                reads=read_defaults(yml) if yml else {},
            )
        )
    majors = sorted((int(tag[1:]), tag, c) for tag, c in all_tags.items() if MAJOR.fullmatch(tag))
    moving = {tag: commit for _, tag, commit in majors}
    return Repository(name, tuple(out), moving, head, dates.get(head, ""))


def merge(data: dict[str, object], repos: Iterable[Repository]) -> dict[str, object]:
    """``data`` (the current file's content) with these repositories' entries replaced."""
    actions = dict(_table(data, "actions"))
    moving = dict(_table(data, "moving"))
    reads = dict(_table(data, "reads"))
    sources = dict(_table(data, "sources"))
    for repo in repos:
        actions[repo.name] = [[r.tag, r.commit, r.toolkit, r.date] for r in repo.releases]
        moving[repo.name] = repo.moving
        per_tag = {r.tag: r.reads for r in repo.releases if r.reads}
        if per_tag:
            reads[repo.name] = per_tag
        else:
            reads.pop(repo.name, None)
        sources[repo.name] = {"commit": repo.head, "commit_date": repo.head_date}
    dates = [str(s.get("commit_date", "")) for s in sources.values() if isinstance(s, dict)]
    return {
        "fetched": max(dates, default=str(data.get("fetched", ""))),
        "format": FORMAT,
        "actions": actions,
        "moving": moving,
        "reads": reads,
        "sources": sources,
    }


def _table(data: dict[str, object], key: str) -> dict[str, object]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def name_of(path: Path) -> str:
    """``owner/name`` from a mirror's path (``…/owner+name/repo``)."""
    for part in reversed(path.resolve().parts):
        if "+" in part:
            return part.replace("+", "/", 1)
    raise UpdateError(f"{path}: cannot tell which repository this is; write owner/name=PATH")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repos", nargs="+", metavar="[owner/name=]GIT_DIR")
    parser.add_argument("--data", type=Path, default=DATA, help="the JSON file to update")
    args = parser.parse_args(argv)
    try:
        repos = []
        for spec in args.repos:
            name, sep, path = spec.partition("=")
            if not sep:
                name, path = name_of(Path(spec)), spec
            repos.append(read_repository(name, Path(path)))
        current = json.loads(args.data.read_text("utf-8")) if args.data.exists() else {}
        updated = merge(current, repos)
    except (UpdateError, OSError, ValueError) as exc:
        print(f"update_action_releases: {exc}", file=sys.stderr)
        return 1
    args.data.write_text(json.dumps(updated, separators=(",", ":")) + "\n", "utf-8")
    for repo in repos:
        print(f"{repo.name}: {len(repo.releases)} releases, newest {repo.releases[-1].tag}")
    print(f"{args.data}: describes {updated['fetched']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
