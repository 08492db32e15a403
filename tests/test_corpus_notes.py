"""Findings on the corpus that a reader of the workflow would call wrong (issue #12, labelled in
benchmarks/corpus/labels.toml), and issue #12's item 15: each class as the smallest workflow
that shows it."""

from __future__ import annotations

from pathlib import Path

import pytest
from treebuild import build

from cachekit.checks import check
from cachekit.explain import explain


def test_a_file_another_step_brings_is_not_missing(tmp_path: Path) -> None:
    """`pip install -r` of a file under another repository's checkout, a submodule, a `git
    clone`'s directory or a place only the run knows is no install-input-problem; a file that
    is nowhere still is one (install-input-problem on jax, numpy, Lightning, ignite)."""
    build(
        tmp_path,
        {
            ".gitmodules": '[submodule "v"]\n\tpath = vendored\n\turl = https://example.com/v\n',
            "requirements.txt": "x\n",
            ".github/workflows/ci.yml": """\
on: push
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/checkout@v4
        with:
          repository: other/tests
          path: other
      - run: git clone --depth 1 https://github.com/x/bench.git && git clone u@h:y/z.git zz
      - run: |
          pip install -r other/requirements.txt -r bench/requirements.txt
          pip install -r vendored/requirements.txt -r zz/r.txt
          pip install -r ${{ github.repository }}/requirements.txt
          pip install -r missing.txt
""",
        },
    )
    found = [f.message for f in check(str(tmp_path)).findings if f.code == "install-input-problem"]
    assert [m.split()[0] for m in found] == ["missing.txt"]


def test_a_computed_axis_leaves_the_known_axes_expanded(tmp_path: Path) -> None:
    """`python-version: ${{ fromJSON(inputs.versions) }}` is unknown, `runner-vm` is not: each
    hosted label is still a leg whose runner.os is known, so a key on runner.os is predictable
    (pip-tools' note); an include naming the computed axis keeps the whole matrix unknown."""
    workflow = """\
on:
  workflow_call:
    inputs:
      versions: {type: string}
jobs:
  test:
    runs-on: ${{ matrix.vm }}
    strategy:
      matrix:
        vm: [ubuntu-24.04, windows-2025]
        python-version: ${{ fromJSON(inputs.versions) }}
%s    steps:
      - uses: actions/cache@v4
        with:
          path: ~/.cache/pip
          key: ${{ runner.os }}-pip-v1
"""
    build(tmp_path, {".github/workflows/ci.yml": workflow % ""})
    result = explain(str(tmp_path))
    assert sorted(c.key for c in result.caches) == ["Linux-pip-v1", "Windows-pip-v1"]
    assert {c.matrix["python-version"] for c in result.caches} == {"‹matrix.python-version›"}
    include = "        include: [{python-version: '3.9', vm: ubuntu-24.04}]\n"
    build(tmp_path, {".github/workflows/ci.yml": workflow % include})
    assert [c.key_known for c in explain(str(tmp_path)).caches] == [False]


PYPROJECT = """\
[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "p"
version = "1"
dynamic = ["dependencies", "optional-dependencies"]

[tool.setuptools.dynamic]
dependencies = {file = ["requirements/base.txt"]}
optional-dependencies.docs = {file = ["requirements/docs.txt"]}
optional-dependencies.test = {file = ["requirements/test.txt"]}
"""
SETUP_CFG = """\
[metadata]
name = p

[options]
install_requires = file: requirements/base.txt

[options.extras_require]
docs = file: requirements/docs.txt
test = file: requirements/test.txt
"""
EXTRAS_JOB = """\
on: push
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - uses: actions/cache@v4
        with:
          path: ~/.cache/pip
          key: >-
            pip-${{ hashFiles('pyproject.toml', 'setup.cfg', 'requirements/base.txt',
            'requirements/test.txt') }}
      - run: pip install %s
"""


@pytest.mark.parametrize("metadata", [{"pyproject.toml": PYPROJECT}, {"setup.cfg": SETUP_CFG}])
@pytest.mark.parametrize(
    ("spec", "missing"),
    [
        (".[test]", set()),
        ("-e .[test]", set()),
        (".[test,docs]", {"requirements/docs.txt"}),
        (".", set()),
        ("'.[Docs]'", {"requirements/docs.txt"}),
    ],
)
def test_an_extra_the_install_does_not_select_is_no_input(
    tmp_path: Path, metadata: dict[str, str], spec: str, missing: set[str]
) -> None:
    """`pip install .[test]` reads the files of `dependencies` and of the `test` extra, never
    the `docs` extra's: its file left out of the key is no input-not-in-key (item 15)."""
    build(
        tmp_path,
        {
            **metadata,
            "requirements/base.txt": "requests==2.31.0\n",
            "requirements/docs.txt": "sphinx==7.2.0\n",
            "requirements/test.txt": "pytest==8.0.0\n",
            ".github/workflows/ci.yml": EXTRAS_JOB % spec,
        },
    )
    found = [f for f in check(str(tmp_path)).findings if f.code == "input-not-in-key"]
    named = {p for f in found for p in missing if p in f.message}
    assert (named, bool(found)) == (missing, bool(missing))
