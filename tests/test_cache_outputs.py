"""GitHub's documented restore/save pattern: a save keyed with the restore step's outputs
(issue #12 item 6). The save has the restore step's key, known parts and unknown parts alike."""

from __future__ import annotations

from pathlib import Path

from treebuild import build

from cachekit.checks import check
from cachekit.explain import explain

RESTORE_SAVE = """\
on: push
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: week
        run: echo "n=$(date +%U)" >> "$GITHUB_OUTPUT"
      - uses: actions/cache/restore@v4
        id: restore
        with:
          path: ~/.npm
          key: npm-${{ runner.os }}-${{ steps.week.outputs.n }}-${{ hashFiles('*.json') }}
          restore-keys: |
            npm-${{ runner.os }}-${{ steps.week.outputs.n }}-
            npm-${{ runner.os }}-
      - run: npm ci
      - uses: actions/cache/save@v4
        with:
          path: SAVED
          key: ${{ steps.restore.outputs.OUTPUT }}
"""


def _tree(root: Path, saved: str = "~/.npm", output: str = "cache-primary-key") -> Path:
    text = RESTORE_SAVE.replace("SAVED", saved).replace("OUTPUT", output)
    build(root, {"package-lock.json": "{}\n", ".github/workflows/ci.yml": text})
    return root


def test_primary_key_output_is_the_restore_steps_key_even_partly_unknown(tmp_path: Path) -> None:
    restore, save = explain(str(_tree(tmp_path))).caches
    assert not restore.key_known and "‹steps.week.outputs.n›" in restore.key
    assert save.key == restore.key
    assert save.key.startswith("npm-Linux-‹steps.week.outputs.n›-")


def test_path_mismatch_through_the_primary_key_output(tmp_path: Path) -> None:
    """check compares the save keyed by cache-primary-key with its restore: another path list
    is another cache version, the restore never finds what is saved."""
    same = [f.code for f in check(str(_tree(tmp_path / "same"))).findings]
    other = check(str(_tree(tmp_path / "other", saved="~/.npm/"))).findings
    assert "path-mismatch" not in same
    assert [f.line for f in other if f.code == "path-mismatch"] == [9]


def test_matched_key_output_starts_with_what_every_key_shares(tmp_path: Path) -> None:
    """cache-matched-key is the restored entry's key: unknown offline, but every key that can
    match starts with what the key and the restore keys share."""
    _restore, save = explain(str(_tree(tmp_path, output="cache-matched-key"))).caches
    assert not save.key_known
    assert save.key == "npm-Linux-‹cache-matched-key›"


COMPOSITE_ACTION = """\
name: deps
runs:
  using: composite
  steps:
    - uses: actions/cache@v4
      with:
        path: x
        key: k-${{ hashFiles('nothing-here.txt') }}
"""

CALLER = """\
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: ./.github/actions/deps
"""


def test_composite_step_is_reported_at_the_action_file_with_its_call_site(
    tmp_path: Path,
) -> None:
    """Item 5: explain reports the cache at the action file's line, with the workflow line
    of the `uses:`; check's finding is at the action file and names the job and the call
    site as a related location (text, JSON and SARIF all render related locations)."""
    build(
        tmp_path,
        {".github/actions/deps/action.yml": COMPOSITE_ACTION, ".github/workflows/ci.yml": CALLER},
    )
    (cache,) = explain(str(tmp_path)).caches
    assert (cache.mark.path, cache.mark.line) == (".github/actions/deps/action.yml", 5)
    assert [(m.path, m.line) for m in cache.via] == [(".github/workflows/ci.yml", 7)]
    (found,) = [f for f in check(str(tmp_path)).findings if f.code == "hashfiles-no-match"]
    assert (found.file, found.line, found.job) == (".github/actions/deps/action.yml", 5, "build")
    site = found.related[0]
    assert (site.file, site.line) == (".github/workflows/ci.yml", 7)
    assert "./.github/actions/deps" in site.message and "build" in site.message
