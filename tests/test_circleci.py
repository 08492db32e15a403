"""CircleCI: key templates against an independent implementation of the documented rules,
commands and matrix expansion, orbs, restore-prefix reasoning, check rules, CLI."""

from __future__ import annotations

import base64
import hashlib
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from gitutil import commit_all, init
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from treebuild import build

from cachekit.circleci import CircleOptions, explain_circleci
from cachekit.circleci.explain import prefix_pattern
from cachekit.circleci.predict import branch_runs, predict_circleci
from cachekit.cli import main
from cachekit.explain.model import KeyPart
from cachekit.fs.trees import WorkTree
from cachekit.platforms.dispatch import check_platform

CONFIG = """
version: 2.1
commands:
  deps:
    parameters:
      v: {type: string, default: v1}
    steps:
      - restore_cache:
          keys:
            - deps-<< parameters.v >>-{{ .Branch }}-{{ checksum "requirements.txt" }}
            - deps-<< parameters.v >>-{{ .Branch }}-
            - nothing-saves-this-
      - run: pip install -r requirements.txt
      - save_cache:
          key: deps-<< parameters.v >>-{{ .Branch }}-{{ checksum "requirements.txt" }}
          paths: [~/.cache/pip]
jobs:
  test:
    parameters:
      py: {type: string}
    docker: [{image: "cimg/python:<< parameters.py >>"}]
    environment: {FLAVOUR: plain}
    steps:
      - checkout
      - deps: {v: v2}
      - run: echo x > stamp.txt
      - save_cache:
          key: stamp-{{ checksum "stamp.txt" }}-{{ .Environment.FLAVOUR }}-{{ epoch }}
          paths: [stamp.txt]
      - restore_cache:
          key: gone-{{ checksum "missing.lock" }}
      - python/install-packages
workflows:
  ci:
    jobs:
      - test:
          matrix:
            parameters:
              py: ["3.11", "3.12"]
"""


def _oracle_checksum(path: Path) -> str:
    """The documented rule, from the command line: base64 of the SHA-256 of the bytes."""
    digest = subprocess.run(
        ["sha256sum", str(path)], capture_output=True, text=True, check=True
    ).stdout.split()[0]
    return base64.b64encode(bytes.fromhex(digest)).decode()


def _tree(tmp_path: Path) -> WorkTree:
    build(tmp_path, {".circleci/config.yml": CONFIG, "requirements.txt": "requests==2\n"})
    return WorkTree(str(tmp_path))


def test_checksum_and_parameters(tmp_path: Path) -> None:
    result = explain_circleci(_tree(tmp_path), CircleOptions(branch="feat"))
    first = result.caches[0]
    expected = _oracle_checksum(tmp_path / "requirements.txt")
    assert first.key == f"deps-v2-feat-{expected}"
    assert first.restore_keys == ("deps-v2-feat-", "nothing-saves-this-")
    assert first.paths == ("~/.cache/pip",)  # from the save_cache it pairs with
    assert first.via  # reached through the command call
    assert [j.job for j in result.jobs] == ["test [3.11]", "test [3.12]"]
    assert result.jobs[0].runner == "docker: cimg/python:3.11"


def test_generated_missing_and_orb(tmp_path: Path) -> None:
    result = explain_circleci(_tree(tmp_path))
    by_line = {c.mark.line: c for c in result.caches if c.job == "test [3.11]"}
    stamp = next(c for c in by_line.values() if c.key_template.startswith("stamp-"))
    assert not stamp.key_known
    assert "written by the run step" in (stamp.parts[1].source or "")
    assert stamp.parts[3].value == "plain"  # .Environment from the job's environment
    assert [f.code for f in stamp.findings].count("volatile-key") == 1
    gone = next(c for c in by_line.values() if c.key_template.startswith("gone-"))
    assert "hashfiles-fails" in [f.code for f in gone.findings]
    orb = next(c for c in by_line.values() if c.uses.startswith("orb:"))
    assert orb.key == "‹orb python/install-packages›" and not orb.key_known


def test_restore_key_no_save_matches(tmp_path: Path) -> None:
    result = explain_circleci(_tree(tmp_path))
    messages = [f.message for c in result.caches for f in c.findings]
    assert any("'nothing-saves-this-'" in m for m in messages)
    assert not any("'deps-v2-main-'" in m for m in messages)


ALPHABET = "ab-"


@st.composite
def part_lists(draw: st.DrawFn) -> tuple[KeyPart, ...]:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            lit = draw(st.text(ALPHABET, min_size=1, max_size=3))
            parts.append(KeyPart("literal", lit, lit))
        else:
            parts.append(KeyPart("context", "{{ .Branch }}", "x"))
    return tuple(parts)


def _can_start_with(parts: tuple[KeyPart, ...], key: str) -> bool:
    """Independent oracle, by recursion over the parts: can they make a key starting with
    ``key`` when each variable may be any string?"""
    if not key:
        return True
    if not parts:
        return False
    head, rest = parts[0], parts[1:]
    if head.kind != "literal":
        return True  # the variable alone can be `key` followed by anything
    lit = head.value
    if key.startswith(lit):
        return _can_start_with(rest, key[len(lit) :])
    return lit.startswith(key)


@given(part_lists(), st.text(ALPHABET, min_size=1, max_size=8))
def test_prefix_pattern_is_exactly_prefixes(parts: tuple[KeyPart, ...], key: str) -> None:
    assert bool(prefix_pattern(parts).fullmatch(key)) == _can_start_with(parts, key)


def test_check_rules(tmp_path: Path) -> None:
    ci = """
version: 2.1
jobs:
  build:
    docker: [{image: cimg/node:20.11}]
    steps:
      - checkout
      - restore_cache: {key: "modules-{{ .Branch }}"}
      - run: npm ci
      - save_cache: {key: "modules-{{ .Branch }}", paths: [node_modules]}
"""
    build(tmp_path, {".circleci/config.yml": ci, "package.json": "{}", "package-lock.json": "{}"})
    codes = {f.code for f in check_platform(str(tmp_path), "circleci").findings}
    assert {"input-not-in-key", "key-never-refreshed"} <= codes


@pytest.mark.parametrize(
    "text",
    [
        "version: 2.1\ncommands:\n  a: {steps: [b]}\n  b: {steps: [a]}\n"
        "jobs:\n  j: {docker: [{image: x}], steps: [a]}\n",
        "jobs: [1, 2]\n",
        "version: 2.1\njobs:\n  j: {steps: [{restore_cache: {}}, "
        "{save_cache: {key: '{{ nope'}}]}\n",
        "workflows: {w: {jobs: [missing, {j: {matrix: {parameters: {x: 5}}}}]}}\n",
    ],
)
def test_hostile_configs_fail_softly(tmp_path: Path, text: str) -> None:
    build(tmp_path, {".circleci/config.yml": text})
    out = CliRunner().invoke(main, ["explain", str(tmp_path), "--platform", "circleci"])
    assert out.exit_code == 0, out.output
    assert "Traceback" not in out.output and "internal error" not in out.output


def test_cli_detects_circleci(tmp_path: Path) -> None:
    _tree(tmp_path)
    out = CliRunner().invoke(main, ["explain", str(tmp_path), "--json"])
    assert out.exit_code == 0, out.output
    assert '"circleci:restore_cache"' in out.output
    digest = hashlib.sha256(b"requests==2\n").digest()
    assert base64.b64encode(digest).decode() in out.output


def test_predict_prefix_newest_and_immutable(tmp_path: Path) -> None:
    ci = """
version: 2.1
jobs:
  build:
    docker: [{image: cimg/python:3.12}]
    steps:
      - checkout
      - restore_cache:
          keys:
            - 'pip-{{ checksum "requirements.txt" }}'
            - 'pip-'
      - run: pip install -r requirements.txt
      - save_cache:
          key: 'pip-{{ checksum "requirements.txt" }}'
          paths: [~/.cache/pip]
  docs:
    docker: [{image: cimg/python:3.12}]
    steps:
      - restore_cache: {key: docs}
workflows:
  ci:
    jobs:
      - build
      - docs:
          filters: {branches: {ignore: main}}
"""
    repo = init(tmp_path)
    build(repo, {".circleci/config.yml": ci, "requirements.txt": "a\n"})
    commit_all(repo, "one")
    build(repo, {"README": "x\n"})
    commit_all(repo, "two")
    build(repo, {"requirements.txt": "b\n"})
    commit_all(repo, "three")
    result = predict_circleci(str(repo))
    outcomes = [[(c.job, c.step, c.outcome) for c in run.caches] for run in result.runs]
    assert outcomes == [
        [("build", "restore_cache", "miss"), ("build", "save_cache", "n/a")],
        [("build", "restore_cache", "hit"), ("build", "save_cache", "n/a")],
        [("build", "restore_cache", "restore"), ("build", "save_cache", "n/a")],
    ]
    assert (
        result.runs[2].caches[0].restored_key
        == "pip-" + base64.b64encode(hashlib.sha256(b"a\n").digest()).decode()
    )


def test_branch_filters() -> None:
    assert branch_runs(None, "main")
    assert not branch_runs({"branches": {"only": ["/release-.*/"]}}, "main")
    assert branch_runs({"branches": {"only": "/release-.*/"}}, "release-1")
    assert not branch_runs({"branches": {"ignore": "main"}}, "main")


def test_suggested_steps_are_silent_under_check(tmp_path: Path) -> None:
    ci = (
        "version: 2.1\njobs:\n  build:\n    docker: [{image: cimg/node:20.11}]\n"
        "    steps:\n      - checkout\n      - run: npm ci\n"
        "workflows: {ci: {jobs: [build]}}\n"
    )
    build(tmp_path, {".circleci/config.yml": ci, "package.json": "{}", "package-lock.json": "{}"})
    out = CliRunner().invoke(main, ["suggest", str(tmp_path)])
    assert out.exit_code == 0, out.output
    restore, save = yaml.safe_load(out.output)
    doc = yaml.safe_load(ci)
    doc["jobs"]["build"]["steps"] = ["checkout", restore, {"run": "npm ci"}, save]
    build(tmp_path, {".circleci/config.yml": yaml.safe_dump(doc)})
    assert [f.code for f in check_platform(str(tmp_path), "circleci").findings] == []


def test_anchor_defined_again(tmp_path: Path) -> None:
    """YAML 1.2 lets an anchor be redefined (hugo's configuration does); PyYAML alone refuses."""
    ci = (
        "version: 2.1\njobs:\n"
        "  a:\n    docker: [{image: x}]\n    environment: &env {K: one}\n"
        "    steps: [{save_cache: {key: 'a-{{ .Environment.K }}', paths: [p]}}]\n"
        "  b:\n    docker: [{image: x}]\n    environment: &env {K: two}\n"
        "    steps: [{save_cache: {key: 'b-{{ .Environment.K }}', paths: [p]}}]\n"
        "  c:\n    docker: [{image: x}]\n    environment: *env\n"
        "    steps: [{save_cache: {key: 'c-{{ .Environment.K }}', paths: [p]}}]\n"
    )
    build(tmp_path, {".circleci/config.yml": ci})
    keys = [c.key for c in explain_circleci(WorkTree(str(tmp_path))).caches]
    assert keys == ["a-one", "b-two", "c-two"]


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.recursive(
        st.none() | st.text(max_size=6) | st.integers(),
        lambda c: (
            st.lists(c, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "jobs",
                        "steps",
                        "commands",
                        "workflows",
                        "save_cache",
                        "restore_cache",
                        "key",
                        "keys",
                        "paths",
                        "matrix",
                        "parameters",
                        "docker",
                        "executor",
                        "run",
                    ]
                ),
                c,
                max_size=3,
            )
        ),
        max_leaves=14,
    )
)
def test_any_yaml_shape_never_crashes(tmp_path: Path, doc: object) -> None:
    build(tmp_path, {".circleci/config.yml": yaml.safe_dump(doc)})
    assert explain_circleci(WorkTree(str(tmp_path))).root


def test_requires_of_a_filtered_job_and_cross_job_caches(tmp_path: Path) -> None:
    ci = """
version: 2.1
jobs:
  prepare:
    docker: [{image: x}]
    steps:
      - save_cache: {key: 'sha-{{ .Revision }}', paths: [src]}
  build:
    docker: [{image: x}]
    steps:
      - restore_cache: {key: 'sha-{{ .Revision }}'}
workflows:
  release:
    jobs:
      - prepare: {filters: {branches: {only: /release-.*/}}}
      - build: {requires: [prepare]}
"""
    repo = init(tmp_path)
    build(repo, {".circleci/config.yml": ci})
    commit_all(repo, "one")
    result = explain_circleci(WorkTree(str(repo)))
    # the revision key is restored by the next job of the workflow: not a volatile key
    assert not [f for c in result.caches for f in c.findings if f.code == "volatile-key"]
    # on main, prepare is filtered out, so build (which requires it) does not run either
    assert [r.caches for r in predict_circleci(str(repo)).runs] == [()]


def test_checkout_path(tmp_path: Path) -> None:
    ci = """
version: 2.1
jobs:
  j:
    docker: [{image: x}]
    steps:
      - checkout: {path: src}
      - restore_cache: {key: 'a-{{ checksum "src/go.sum" }}'}
      - restore_cache: {key: 'b-{{ checksum "go.sum" }}'}
"""
    build(tmp_path, {".circleci/config.yml": ci, "go.sum": "x\n"})
    first, second = explain_circleci(WorkTree(str(tmp_path))).caches
    assert first.key == "a-" + base64.b64encode(hashlib.sha256(b"x\n").digest()).decode()
    assert not second.key_known  # go.sum beside the checkout, not in it
