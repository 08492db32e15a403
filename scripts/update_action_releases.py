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
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cachekit.snapshots import (
    ACTION_YML,
    LOCK_FILES,
    Release,
    is_major_tag,
    is_release_tag,
    merge_releases,
    read_defaults,
    release_order,
    toolkit_version,
)

DATA = Path(__file__).resolve().parent.parent / "cachekit" / "data" / "action-releases.json"


class UpdateError(Exception):
    """A repository that cannot be read as asked (one line, naming it)."""


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
        (release_order(tag), tag, commit) for tag, commit in all_tags.items() if is_release_tag(tag)
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
    majors = sorted((int(tag[1:]), tag, c) for tag, c in all_tags.items() if is_major_tag(tag))
    moving = {tag: commit for _, tag, commit in majors}
    return Repository(name, tuple(out), moving, head, dates.get(head, ""))


def merge(data: dict[str, Any], repos: Iterable[Repository]) -> dict[str, Any]:
    """``data`` (the current file's content) with these repositories' entries replaced."""
    for repo in repos:
        data = merge_releases(
            data, repo.name, repo.releases, repo.moving, (repo.head, repo.head_date)
        )
    return data


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
