"""Workflow reading: YAML 1.2 scalars, positions, jobs and steps, matrix expansion."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cachekit.github.workflows import expand_matrix, load_workflow, parse_uses
from cachekit.yamlsource import WorkflowSyntaxError, load_yaml

WORKFLOW = """\
name: CI
on:
  push:
env:
  GLOBAL: g
jobs:
  test:
    runs-on: ${{ matrix.os }}
    strategy:
      matrix:
        os: [ubuntu-latest, windows-latest]
        python: [3.8, 3.10, "3.12"]
    steps:
      - uses: actions/checkout@v4
      - id: cache
        uses: actions/cache@v4
        with:
          path: ~/.cache/pip
          key: >
            ${{ runner.os }}-pip-
            ${{ hashFiles('requirements.txt') }}
      - run: pip install -r requirements.txt
"""


def test_on_is_a_string_key_and_scalars_follow_yaml_1_2() -> None:
    wf = load_workflow(WORKFLOW, "ci.yml")
    assert wf.events == ["push"]
    assert wf.raw["jobs"]["test"]["strategy"]["matrix"]["python"] == [3.8, 3.1, "3.12"]
    doc = load_yaml("a: yes\nb: off\nc: 0o17\nd: 1_000\ne: 12:30\nf: True\ng: ~\n", "x.yml")
    assert doc == {
        "a": "yes",
        "b": "off",
        "c": 15,
        "d": "1_000",
        "e": "12:30",
        "f": True,
        "g": None,
    }


def test_positions_point_at_lines() -> None:
    wf = load_workflow(WORKFLOW, "ci.yml")
    job = wf.jobs["test"]
    cache = job.steps[1]
    assert (job.mark.line, cache.mark.line) == (7, 15)
    assert cache.with_.mark_of("key").line == 19
    assert cache.uses is not None and cache.uses.name == "actions/cache"
    assert cache.uses.major == 4
    assert cache.with_["key"] == "${{ runner.os }}-pip- ${{ hashFiles('requirements.txt') }}\n"


def test_syntax_errors_name_file_and_line() -> None:
    with pytest.raises(WorkflowSyntaxError, match=r"^bad\.yml:4: "):
        load_workflow("on: push\njobs:\n  x: [a, b\n  y: 1\n", "bad.yml")
    with pytest.raises(WorkflowSyntaxError, match=r"bad\.yml:2: duplicate key 'a'"):
        load_yaml("a: 1\na: 2\n", "bad.yml")


def test_broken_job_does_not_hide_the_others() -> None:
    wf = load_workflow("on: push\njobs:\n  a: 3\n  b:\n    runs-on: x\n    steps: []\n", "w.yml")
    assert list(wf.jobs) == ["b"]
    assert [str(p) for p in wf.problems] == ["w.yml:3: job 'a' must be a mapping"]


def test_parse_uses() -> None:
    u = parse_uses("actions/cache/restore@v4.2.0")
    assert (u.owner, u.repo, u.path, u.ref, u.major, u.name) == (
        "actions",
        "cache",
        "restore",
        "v4.2.0",
        4,
        "actions/cache/restore",
    )
    assert parse_uses("Actions/Cache@0123abc").name == "actions/cache"
    assert parse_uses("Actions/Cache@0123abc").major is None
    assert parse_uses("./.github/actions/setup").kind == "local"
    assert parse_uses("docker://alpine:3").kind == "docker"


def test_matrix_docs_example() -> None:
    """The example of GitHub's docs, "Expanding or adding matrix configurations"."""
    matrix = {
        "fruit": ["apple", "pear"],
        "animal": ["cat", "dog"],
        "include": [
            {"color": "green"},
            {"color": "pink", "animal": "cat"},
            {"fruit": "apple", "shape": "circle"},
            {"fruit": "banana"},
            {"fruit": "banana", "animal": "cat"},
        ],
    }
    assert expand_matrix(matrix) == [
        {"fruit": "apple", "animal": "cat", "color": "pink", "shape": "circle"},
        {"fruit": "apple", "animal": "dog", "color": "green", "shape": "circle"},
        {"fruit": "pear", "animal": "cat", "color": "pink"},
        {"fruit": "pear", "animal": "dog", "color": "green"},
        {"fruit": "banana"},
        {"fruit": "banana", "animal": "cat"},
    ]


def test_matrix_exclude_then_include() -> None:
    matrix = {
        "os": ["macos-latest", "windows-latest"],
        "version": [12, 14, 16],
        "environment": ["staging", "production"],
        "exclude": [
            {"os": "macos-latest", "version": 12, "environment": "production"},
            {"os": "windows-latest", "version": 16},
        ],
    }
    combos = expand_matrix(matrix)
    assert len(combos) == 12 - 1 - 2
    assert {"os": "windows-latest", "version": 16, "environment": "staging"} not in combos
    only_include = {"include": [{"os": "linux"}, {"os": "mac", "py": "3.12"}]}
    assert expand_matrix(only_include) == [{"os": "linux"}, {"os": "mac", "py": "3.12"}]


@given(
    st.dictionaries(
        st.sampled_from("abc"),
        st.lists(st.integers(0, 3), min_size=1, max_size=3, unique=True),
        min_size=1,
    )
)
def test_matrix_product_size(axes: dict[str, list[int]]) -> None:
    size = 1
    for values in axes.values():
        size *= len(values)
    assert len(expand_matrix(axes)) == size
