"""Every output that modelled an action release beyond the snapshot says so, with its date.

Issue #14 item 9: explain, check, suggest and predict, in text and in JSON. A workflow pins
actions/cache@v9.0.0 (a major the bundled release data cannot know yet), a setup action at a
newer major than the snapshot's, and a current release (which must stay silent).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from gitutil import commit_all, init

from cachekit.caches.releases import latest_release, snapshot_note
from cachekit.snapshots import snapshot_in_force

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = """\
on: push
jobs:
  t:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - uses: actions/cache@v9.0.0
        with:
          path: p
          key: k-${{ hashFiles('r.txt') }}
      - uses: actions/setup-node@v99
        with:
          cache: npm
      - uses: actions/cache@v4
        with:
          path: q
          key: q-${{ hashFiles('r.txt') }}
"""


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = init(tmp_path_factory.mktemp("notes") / "repo")
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "ci.yml").write_text(WORKFLOW)
    (root / "r.txt").write_text("x\n")
    (root / "package-lock.json").write_text("{}\n")
    commit_all(root)
    return root


def _run(repo: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "CACHEKIT_DATA_DIR"}
    env.update(PYTHONPATH=str(ROOT), CACHEKIT_DATA_DIR=str(repo.parent / "no-updates"))
    proc = subprocess.run(
        [sys.executable, "-m", "cachekit", *args, str(repo)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr
    return proc.stdout


def test_the_note_names_the_release_and_the_snapshot_date() -> None:
    date = snapshot_in_force("action-releases")[1]
    newest = latest_release("actions/cache").tag
    assert snapshot_note("actions/cache@v9.0.0") == (
        f"actions/cache@v9.0.0 is newer than the snapshot of {date}; modelled as the newest"
        f" release known, {newest}"
    )
    assert "is not a release of actions/cache" in str(snapshot_note("actions/cache@" + "0" * 40))
    for silent in ("actions/cache@v4", "actions/cache@main", "actions/cache", "my/own@v1"):
        assert snapshot_note(silent) is None


@pytest.mark.parametrize("command", ["explain", "check", "suggest", "predict"])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_every_command_says_it_in_text_and_json(repo: Path, command: str, fmt: str) -> None:
    date = snapshot_in_force("action-releases")[1]
    args = [command] if fmt == "text" else [command, "--format", "json"]
    out = _run(repo, *args)
    if fmt == "json":
        out = json.dumps(json.loads(out))  # valid JSON; the note is a string inside it
    for pinned in ("actions/cache@v9.0.0", "actions/setup-node@v99"):
        assert f"{pinned} is newer than the snapshot of {date}" in out, (command, fmt)
    assert "actions/cache@v4 is newer" not in out
