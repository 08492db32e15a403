#!/usr/bin/env python3
"""Regenerate every bundled snapshot in ``cachekit/data`` from its upstream git repository.

Usage (git directories, bare or not, e.g. the search tool's ``fetch`` mirrors)::

    python scripts/update_snapshots.py /work/.mirror/actions+runner-images/repo \\
        /work/.mirror/actions+go-versions/repo /work/.mirror/actions+python-versions/repo \\
        /work/.mirror/actions+cache/repo /work/.mirror/astral-sh+setup-uv/repo ...

Each directory is ``[owner/name=]GIT_DIR`` (the name may be left out for a mirror path
``…/owner+name/repo``) and goes to the snapshot its repository feeds:

==========================  =====================  ==========================================
repository                  snapshot               read at HEAD
==========================  =====================  ==========================================
actions/runner-images       runner-labels.json     README.md's table and each image readme
actions/go-versions         go-versions.json       versions-manifest.json
actions/python-versions     python-versions.json   versions-manifest.json
any other (caching action)  action-releases.json   every vX.Y.Z tag (update_action_releases.py)
==========================  =====================  ==========================================

Each snapshot is stamped with the commit read and its date. The files are built by the same
code ``cachekit data update`` runs over HTTP (``cachekit/datasources.py``), so a bundled
snapshot and a fetched one of the same commit are identical. It reads git objects only; it
runs nothing from the repositories and never touches the network.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import update_action_releases as releases

from cachekit import datasources

DATA = Path(__file__).resolve().parent.parent / "cachekit" / "data"
BUILDERS = {repo: (name, build) for name, (repo, _, build) in datasources.BUILDERS.items()}


def _reader(git_dir: Path, commit: str) -> datasources.Read:
    def read(path: str) -> str | None:
        proc = subprocess.run(
            ["git", f"--git-dir={git_dir}", "show", f"{commit}:{path}"],
            capture_output=True,
            check=False,
        )
        return proc.stdout.decode("utf-8", "replace") if proc.returncode == 0 else None

    return read


def build(name: str, path: Path, data: Path) -> tuple[Path, dict[str, Any]]:
    """The snapshot file ``name``'s repository at ``path`` feeds, and its new content."""
    git_dir = releases.git_dir_of(path)
    head = releases._git(git_dir, "rev-parse", "HEAD").strip()
    date = releases.commit_dates(git_dir, [head]).get(head, "")
    snapshot, builder = BUILDERS[name]
    target = data / f"{snapshot}.json"
    old = json.loads(target.read_text("utf-8")) if target.exists() else {}
    return target, builder(_reader(git_dir, head), head, date, old)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repos", nargs="+", metavar="[owner/name=]GIT_DIR")
    parser.add_argument("--data", type=Path, default=DATA, help="the snapshot directory")
    args = parser.parse_args(argv)
    actions: list[str] = []
    written: list[tuple[Path, dict[str, Any]]] = []
    try:
        for spec in args.repos:
            name, sep, path = spec.partition("=")
            if not sep:
                name, path = releases.name_of(Path(spec)), spec
            if name in BUILDERS:
                written.append(build(name, Path(path), args.data))
            else:
                actions.append(f"{name}={path}")
    except (releases.UpdateError, datasources.SourceError, OSError, ValueError) as exc:
        print(f"update_snapshots: {exc}", file=sys.stderr)
        return 1
    for target, content in written:  # every source read before anything is written
        target.write_text(json.dumps(content, separators=(",", ":")) + "\n", "utf-8")
        print(f"{target}: describes {content['fetched']} ({content['source']['commit'][:12]})")
    if actions:
        return releases.main([*actions, "--data", str(args.data / "action-releases.json")])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
