"""Restores no save can satisfy (issue #12, items 8 and 10): ``restore-keys-never-match``,
``restore-never-saved``, and the key-template matcher under them."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from treebuild import build

from cachekit.checks import check
from cachekit.checks.keyshapes import HOLE, Shape, can_start_with, shape_of_text
from cachekit.checks.model import CheckFinding

NEVER_MATCH = "restore-keys-never-match"
NEVER_SAVED = "restore-never-saved"


def found(root: Path, workflow: str, code: str, **files: str) -> list[CheckFinding]:
    build(root, {".github/workflows/ci.yml": workflow, "r.txt": "a==1\n", **files})
    return [f for f in check(str(root)).findings if f.code == code]


SAVING = """\
on: push
jobs:
  t:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        py: ['3.11', '3.12']
    steps:
      - uses: actions/checkout@v4
      - uses: actions/cache@v4
        with:
          path: ~/.cache/pip
          key: ${{ runner.os }}-${{ matrix.py }}-pip-${{ hashFiles('r.txt') }}
          restore-keys: |
            RESTORE
"""


def test_a_restore_key_that_drops_a_middle_segment(tmp_path: Path) -> None:
    got = found(tmp_path, SAVING.replace("RESTORE", "${{ runner.os }}-pip-"), NEVER_MATCH)
    assert len(got) == 1
    assert "'Linux-pip-'" in got[0].message and "on 2 matrix combinations" in got[0].message
    assert got[0].line == 10 and got[0].severity == "warning"


def test_restore_keys_that_can_match_are_not_reported(tmp_path: Path) -> None:
    for i, restore in enumerate(
        [
            "${{ runner.os }}-${{ matrix.py }}-pip-",
            "${{ runner.os }}-",
            "LINUX-3.11-",  # GitHub compares keys case-insensitively
            "${{ runner.os }}-${{ steps.nothing.outputs.x }}3.12-pip",  # '' then 3.12
        ]
    ):
        assert found(tmp_path / str(i), SAVING.replace("RESTORE", restore), NEVER_MATCH) == []


def test_a_restore_key_another_job_saves(tmp_path: Path) -> None:
    """Saves of any job count, on the same cache version only (same paths)."""
    other = """\
  other:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/cache@v4
        with:
          path: PATH
          key: Linux-pip-${{ github.ref_name }}
"""
    text = SAVING.replace("RESTORE", "${{ runner.os }}-pip-")
    same = found(tmp_path / "a", text + other.replace("PATH", "~/.cache/pip"), NEVER_MATCH)
    assert same == []
    elsewhere = found(tmp_path / "b", text + other.replace("PATH", "~/.cache/x"), NEVER_MATCH)
    assert len(elsewhere) == 1


def test_nothing_when_an_unknown_component_may_save(tmp_path: Path) -> None:
    remote = "  lint:\n    uses: org/workflows/.github/workflows/lint.yml@v1\n"
    action = "  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: org/cache-action@v1\n"
    text = SAVING.replace("RESTORE", "${{ runner.os }}-pip-")
    assert found(tmp_path / "a", text + remote, NEVER_MATCH) == []
    assert found(tmp_path / "b", text + action, NEVER_MATCH) == []


RESTORE_ONLY = """\
on: push
jobs:
  t:
    runs-on: ${{ matrix.os }}
    strategy:
      matrix:
        os: [ubuntu-latest, windows-latest]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/cache/restore@v4
        with:
          path: deps
          key: deps-${{ runner.os }}-${{ hashFiles('r.txt') }}
SAVE
"""
SAVE_STEP = """\
  save:
    runs-on: RUNNER
    steps:
      - uses: actions/checkout@v4
      - uses: actions/cache/save@v4
        with:
          path: PATH
          key: KEY
"""


def _save(runner: str = "ubuntu-latest", path: str = "deps", key: str = "") -> str:
    key = key or "deps-${{ runner.os }}-${{ hashFiles('r.txt') }}"
    return SAVE_STEP.replace("RUNNER", runner).replace("PATH", path).replace("KEY", key)


def test_a_restore_nothing_saves(tmp_path: Path) -> None:
    got = found(tmp_path, RESTORE_ONLY.replace("SAVE\n", ""), NEVER_SAVED)
    assert len(got) == 1 and "always misses" in got[0].message and got[0].line == 10
    assert len(got[0].related) == 2  # both matrix combinations


def test_a_restore_saved_on_one_os_only(tmp_path: Path) -> None:
    """The Windows leg never finds the Linux save: another key, and another cache version."""
    got = found(tmp_path, RESTORE_ONLY.replace("SAVE\n", _save()), NEVER_SAVED)
    assert len(got) == 1 and "for 1 of its 2 matrix combinations" in got[0].message
    assert "Windows" in got[0].message


def test_restores_a_save_can_satisfy_are_not_reported(tmp_path: Path) -> None:
    both = (
        "${{ matrix.os }}\n    strategy:\n      matrix:\n"
        "        os: [ubuntu-latest, windows-latest]"
    )
    cases = {
        "saved": _save(runner=both),
        "unknown-key": _save(runner=both, key="${{ steps.k.outputs.key }}").replace(
            "      - uses: actions/cache/save",
            '      - id: k\n        run: echo "key=$(cat k.txt)" >> "$GITHUB_OUTPUT"\n'
            "      - uses: actions/cache/save",
        ),
        "longer-key": _save(runner=both, key="deps-${{ runner.os }}-${{ hashFiles('r.txt') }}-x"),
    }
    for name, save in cases.items():
        workflow = RESTORE_ONLY.replace("SAVE\n", save)
        assert found(tmp_path / name, workflow, NEVER_SAVED) == [], name
    other_path = _save(runner=both, path="other")
    assert len(found(tmp_path / "path", RESTORE_ONLY.replace("SAVE\n", other_path), NEVER_SAVED))


# --- the matcher -----------------------------------------------------------------------------

TOKENS = st.lists(st.one_of(st.sampled_from("ab"), st.none()), max_size=5)


def _shape(tokens: list[str | None]) -> Shape:
    return Shape(tuple(tokens))


def _regex(tokens: list[str | None]) -> str:
    return "".join(".*" if t is HOLE else re.escape(t) for t in tokens)


def _brute(saved: list[str | None], prefix: list[str | None]) -> bool:
    """Some string over {a, b} both patterns describe (a witness is never longer than the
    fixed characters of both, each hole filled with the other side's characters)."""
    longest = sum(t is not HOLE for t in saved) + sum(t is not HOLE for t in prefix)
    full, start = re.compile(_regex(saved), re.S), re.compile(_regex(prefix), re.S)
    for n in range(longest + 1):
        for chars in itertools.product("ab", repeat=n):
            text = "".join(chars)
            if full.fullmatch(text) and start.match(text):
                return True
    return False


@given(TOKENS, TOKENS)
def test_the_matcher_agrees_with_brute_force(saved: list[str | None], prefix: list[str | None]):
    assert can_start_with(_shape(saved), _shape(prefix)) == _brute(saved, prefix)


@given(st.text("ab-", max_size=12), st.integers(0, 12), st.data())
def test_a_prefix_with_holes_punched_in_still_matches(key: str, cut: int, data: st.DataObject):
    prefix: list[str | None] = list(key[:cut])
    for i in data.draw(st.sets(st.integers(0, max(len(prefix) - 1, 0)))):
        if i < len(prefix):
            prefix[i] = HOLE
    assert can_start_with(Shape(tuple(key)), _shape(prefix))


def test_rendered_unknowns_are_holes() -> None:
    shape = shape_of_text("Linux-‹steps.x.outputs.y›-pip-")
    assert shape.tokens.count(HOLE) == 1 and shape.render() == "linux-‹…›-pip-"
    assert can_start_with(shape_of_text("linux-3.12-pip-abc"), shape)
    assert not can_start_with(shape_of_text("macos-3.12-pip-abc"), shape)


def test_an_overlong_key_is_a_maybe_not_a_long_walk() -> None:
    """Keys past GitHub's 512 characters are key-invalid already: the matcher says "maybe"
    (no finding) instead of filling a table of their lengths' product."""
    long = shape_of_text("a" * 5000 + "‹x›")
    assert can_start_with(long, shape_of_text("a‹y›b" * 400))
    assert not can_start_with(shape_of_text("b‹x›"), shape_of_text("a" * 5000 + "‹y›"))
