"""``explain``: caches found, keys evaluated part by part, findings, robustness, --compare."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitutil import commit_all, git, init
from treebuild import build

from cachekit.cli import main
from cachekit.explain import CacheReport, compare, explain
from cachekit.fs.trees import WorkTree
from cachekit.hashing.hashfiles import hash_files

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "classic-python"


def only(result, **where) -> CacheReport:
    hits = [c for c in result.caches if all(getattr(c, k) == v for k, v in where.items())]
    assert len(hits) == 1, [(c.job, c.matrix, c.mark) for c in result.caches]
    return hits[0]


def codes(cache: CacheReport) -> set[str]:
    return {f.code for f in cache.findings}


def test_bundled_example_every_part_explained() -> None:
    result = explain(str(EXAMPLE))
    assert len(result.caches) == 2  # one cache step x two Python versions
    cache = result.caches[0]
    assert (cache.mark.path, cache.mark.line) == (".github/workflows/ci.yml", 19)
    assert cache.matrix == {"os": "ubuntu-latest", "python-version": "3.11"}
    kinds = [p.kind for p in cache.parts if p.kind != "literal"]
    assert kinds == ["context", "context", "hashFiles", "hashFiles"]
    runner_os, location, setup_py, reqs = [p for p in cache.parts if p.kind != "literal"]
    assert runner_os.value == "Linux" and "ubuntu" in (runner_os.source or "")
    assert location.value.startswith("/opt/hostedtoolcache/Python/3.11.")
    assert location.value.endswith("/x64")
    assert "setup-python" in (location.source or "")
    tree = WorkTree(str(EXAMPLE))
    assert setup_py.value == hash_files(tree, ["setup.py"]).digest
    assert [f.path for f in reqs.hash.files] == ["requirements.txt"]  # type: ignore[union-attr]
    assert cache.key == "-".join(["Linux", location.value, setup_py.value, reqs.value])
    assert cache.key_known and cache.version and cache.paths == (location.value,)
    assert result.caches[1].key != cache.key  # 3.12 has its own pythonLocation


WORKFLOWS = {
    ".github/workflows/main.yml": """\
name: main
on: [push, pull_request]
env:
  CACHE_VERSION: v2
jobs:
  prep:
    runs-on: ubuntu-24.04
    outputs:
      flavour: ${{ steps.f.outputs.flavour }}
    steps:
      - id: f
        run: echo "flavour=vanilla" >> "$GITHUB_OUTPUT"
  build:
    needs: prep
    runs-on: ${{ matrix.os }}
    strategy:
      matrix:
        os: [ubuntu-latest, windows-latest]
    steps:
      - id: date
        run: echo "week=$(date +%V)" >> $GITHUB_OUTPUT
      - name: anchored
        uses: actions/cache@v4
        with: &cachewith
          path: |
            ~/.cache/pip
            !~/.cache/pip/skip
          key: >-
            ${{ runner.os }}-${{ env.CACHE_VERSION }}-${{ needs.prep.outputs.flavour }}-
            ${{ hashFiles('deps\\\\lock.txt') }}
          restore-keys: |
            ${{ runner.os }}-${{ env.CACHE_VERSION }}-
      - name: weekly
        uses: actions/cache@v4
        with:
          path: build
          key: ${{ steps.date.outputs.week }}-${{ github.sha }}
      - name: nothing
        uses: actions/cache/restore@v4
        with:
          path: dist
          key: dist-${{ hashFiles('missing/**') }}
      - name: save dist
        uses: actions/cache/save@v4
        with:
          path: dist/
          key: dist-${{ hashFiles('missing/**') }}
      - uses: ./.github/actions/pycache
        with:
          extra: tox
      - uses: some/unknown-action@v1
""",
    ".github/workflows/reuse.yml": """\
on:
  workflow_call:
    inputs:
      os:
        type: string
        default: ubuntu-22.04
jobs:
  inner:
    runs-on: ${{ inputs.os }}
    steps:
      - uses: actions/cache@v4
        with:
          path: .venv
          key: venv-${{ inputs.os }}-${{ hashFiles('deps/lock.txt') }}
""",
    ".github/workflows/caller.yml": """\
on: push
jobs:
  call:
    uses: ./.github/workflows/reuse.yml
    with:
      os: macos-14
""",
    ".github/workflows/broken.yml": "on: push\njobs:\n  x: [a, b\n  y: 1\n",
    ".github/workflows/badexpr.yml": """\
on: push
env:
  WRONG: ${{ hashFiles('x') }}
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/cache@v4
        with:
          path: a
          key: ${{ 1 + }}
      - uses: actions/cache@v4
        with:
          path: b
          key: fine-${{ runner.os }}
""",
    ".github/actions/pycache/action.yml": """\
name: pycache
inputs:
  extra:
    default: none
  flavour:
    default: plain
runs:
  using: composite
  steps:
    - uses: actions/cache@v4
      with:
        path: ~/.cache/${{ inputs.extra }}
        key: ${{ inputs.extra }}-${{ inputs.flavour }}-${{ hashFiles('deps/lock.txt') }}
""",
    "deps/lock.txt": "numpy==1.26.4\n",
}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("explain") / "repo", WORKFLOWS)


@pytest.fixture(scope="module")
def result(repo: Path):
    return explain(str(repo))


def test_matrix_runner_env_needs_and_anchors(result) -> None:
    linux = only(
        result,
        workflow=".github/workflows/main.yml",
        step="anchored",
        matrix={"os": "ubuntu-latest"},
    )
    windows = only(
        result,
        workflow=".github/workflows/main.yml",
        step="anchored",
        matrix={"os": "windows-latest"},
    )
    assert linux.key.startswith("Linux-v2-vanilla-\n") is False
    assert linux.key.startswith("Linux-v2-vanilla- ")
    # 'deps\\\\lock.txt': an escaped backslash on Linux (no such file), a separator on Windows
    assert "hashfiles-no-match" in codes(linux)
    assert "hashfiles-no-match" not in codes(windows)
    assert windows.key.startswith("Windows-v2-vanilla- ")
    assert linux.restore_keys == ("Linux-v2-",)
    assert linux.paths == ("~/.cache/pip", "!~/.cache/pip/skip")
    assert linux.version != windows.version  # windows-only in the version
    sources = {p.text: p.source for p in linux.parts}
    assert "workflow env" in (sources["env.CACHE_VERSION"] or "")
    assert "output of job prep (.github/workflows/main.yml:9)" in (
        sources["needs.prep.outputs.flavour"] or ""
    )


def test_step_outputs_stay_symbolic_and_volatile_keys_are_flagged(result) -> None:
    weekly = only(result, step="weekly", matrix={"os": "ubuntu-latest"})
    assert not weekly.key_known
    assert weekly.key == "‹steps.date.outputs.week›-‹github.sha›"
    week = next(p for p in weekly.parts if p.text == "steps.date.outputs.week")
    assert "date +%V" in (week.source or "")
    assert {"volatile-key", "key-not-predictable"} <= codes(weekly)


def test_restore_and_save_with_different_paths(result) -> None:
    restore = only(result, step="nothing", matrix={"os": "ubuntu-latest"})
    assert restore.kind == "restore-only"
    assert {"path-mismatch", "hashfiles-no-match"} <= codes(restore)


def test_composite_action_inputs_and_defaults(result) -> None:
    inner = only(
        result,
        workflow=".github/workflows/main.yml",
        matrix={"os": "ubuntu-latest"},
        mark=next(c.mark for c in result.caches if "pycache" in c.mark.path),
    )
    assert inner.key.startswith("tox-plain-")
    assert inner.paths == ("~/.cache/tox",)
    assert inner.via and inner.via[0].path == ".github/workflows/main.yml"


def test_reusable_workflow_with_inputs_and_runs_on(result) -> None:
    called = [c for c in result.caches if c.workflow == ".github/workflows/reuse.yml"]
    assert len(called) == 1  # explained through its caller only
    assert called[0].job == "call/inner"
    assert called[0].key.startswith("venv-macos-14-")
    assert "macos-14" in called[0].runner


def test_bad_input_is_one_line_each_and_the_rest_is_explained(result) -> None:
    messages = [f"{p.mark.path}:{p.mark.line}: {p.message}" for p in result.problems]
    assert any(m.startswith(".github/workflows/broken.yml:") for m in messages)
    assert any(".github/workflows/badexpr.yml:11" in m and "Unexpected" in m for m in messages)
    assert any(p.code == "hashfiles-outside-step" and p.mark.line == 3 for p in result.problems)
    fine = [c for c in result.caches if c.workflow.endswith("badexpr.yml")]
    assert [c.key for c in fine] == ["fine-Linux"]


def test_rev_gives_the_same_explanation(repo: Path, tmp_path: Path) -> None:
    r = init(tmp_path / "r")
    build(r, WORKFLOWS)
    commit_all(r)
    at_rev = explain(str(r), rev="HEAD")
    worktree = explain(str(r))
    assert [c.key for c in at_rev.caches if "github.sha" not in c.key_template] == [
        c.key for c in worktree.caches if "github.sha" not in c.key_template
    ]
    weekly = only(at_rev, step="weekly", matrix={"os": "ubuntu-latest"})
    assert at_rev.revision is not None and at_rev.revision in weekly.key


def test_compare_names_the_file_and_line(tmp_path: Path) -> None:
    r = init(tmp_path / "r")
    build(
        r,
        {
            **{k: v for k, v in WORKFLOWS.items() if "main" in k or "pycache" in k},
            "deps/lock.txt": "numpy==1.26.3\nscipy==1.13\n",
        },
    )
    commit_all(r)
    (r / "deps" / "lock.txt").write_text("numpy==1.26.4\nscipy==1.13\n")
    cmp = compare(str(r), "HEAD")
    changed = [d for d in cmp.diffs if d.status == "changed"]
    assert changed
    part = next(p for d in changed for p in d.parts if p.files)
    assert part.files[0].path == "deps/lock.txt"
    assert part.files[0].lines == ("1: -numpy==1.26.3", "1: +numpy==1.26.4")
    same = [d for d in cmp.diffs if d.step == "weekly"]
    assert same and all(d.status in ("same", "changed") for d in same)
    git(r, "add", "-A")
    git(r, "commit", "-qm", "bump")
    between = compare(str(r), "HEAD~1", "HEAD")
    stable = [d.key_after for d in cmp.diffs if d.step != "weekly"]
    assert [d.key_after for d in between.diffs if d.step != "weekly"] == stable


def test_cli_explain_text_json_and_errors(repo: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    text = runner.invoke(main, ["explain", str(EXAMPLE)])
    assert text.exit_code == 0 and "hashFiles('setup.py')" in text.stdout
    data = json.loads(
        runner.invoke(main, ["explain", str(repo), "--json", "--job", "build"]).stdout
    )
    assert {c["job"] for c in data["caches"]} == {"build"}
    assert all(
        {"file", "line", "key", "parts", "version", "findings"} <= set(c) for c in data["caches"]
    )
    bad = runner.invoke(main, ["explain", str(tmp_path), "--rev", "HEAD"])
    assert bad.exit_code == 2 and "not a git repository" in bad.stderr


def test_cli_eval() -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["eval", "--", "format('{0}-{1}', 'a', 1 == 1.0)"])
    assert (ok.exit_code, ok.stdout) == (0, "a-true\n")
    as_json = runner.invoke(main, ["eval", "--json", "--", "fromJSON('{\"a\": [1, 2]}')"])
    assert json.loads(as_json.stdout) == {"a": [1, 2]}
    unknown = runner.invoke(main, ["eval", "--", "${{ runner.os }}-x"])
    assert unknown.exit_code == 0 and "‹runner.os›-x" in unknown.stdout
    bad = runner.invoke(main, ["eval", "--", "1 +"])
    assert bad.exit_code != 0 and "position" in bad.stderr
    hashed = runner.invoke(main, ["eval", str(EXAMPLE), "--", "hashFiles('setup.py')"])
    assert hashed.stdout.strip() == hash_files(WorkTree(str(EXAMPLE)), ["setup.py"]).digest
    alias = runner.invoke(main, ["eval", "--root", str(EXAMPLE), "--", "hashFiles('setup.py')"])
    assert alias.stdout == hashed.stdout and "--root is deprecated" in alias.stderr
    assert runner.invoke(main, ["eval", "1 == 1"]).stdout == "true\n"  # no --: the EXPR
    two = runner.invoke(main, ["eval", "--", "1", "2"])
    assert two.exit_code == 2 and "one EXPR" in two.stderr


def test_python_manifest_override(tmp_path: Path) -> None:
    manifest = tmp_path / "versions-manifest.json"
    files = [
        {
            "platform": "linux",
            "platform_version": "24.04",
            "arch": "x64",
            "filename": "x.tar.gz",
            "download_url": "https://example.invalid/x",
        }
    ]
    manifest.write_text(
        json.dumps(
            [
                {"version": "3.12.99", "stable": True, "release_url": "", "files": files},
                {"version": "3.11.98", "stable": True, "release_url": "", "files": files},
            ]
        )
    )
    result = explain(str(EXAMPLE), python_manifest=str(manifest))
    assert [c.paths for c in result.caches] == [
        ("/opt/hostedtoolcache/Python/3.11.98/x64",),
        ("/opt/hostedtoolcache/Python/3.12.99/x64",),
    ]
    bad = CliRunner().invoke(
        main, ["explain", str(EXAMPLE), "--python-manifest", str(EXAMPLE / "setup.py")]
    )
    assert bad.exit_code == 2 and "cannot read the Python manifest" in bad.stderr  # bad input


def test_job_filter_keeps_outputs_of_needed_jobs(repo: Path) -> None:
    filtered = explain(str(repo), workflow="main.yml", job="build")
    assert {c.job for c in filtered.caches} == {"build"}
    anchored = only(filtered, step="anchored", matrix={"os": "ubuntu-latest"})
    assert anchored.key.startswith("Linux-v2-vanilla- ")


def test_every_explain_option_parses(repo: Path) -> None:
    out = CliRunner().invoke(
        main,
        [
            "explain",
            str(repo),
            "--workflow",
            "main.yml",
            "--job",
            "build",
            "--event",
            "pull_request",
            "--ref",
            "refs/pull/7/merge",
            "--os",
            "linux",
            "--arch",
            "arm64",
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["caches"] and all(c["job"] == "build" for c in data["caches"])


def test_submodules_checked_out_make_their_files_unknowable(tmp_path: Path) -> None:
    r = init(tmp_path / "r")
    build(
        r,
        {
            ".github/workflows/ci.yml": """\
on: push
jobs:
  plain:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/cache@v4
        with:
          path: x
          key: k-${{ hashFiles('vendor/lib/**') }}
  with-submodules:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          submodules: recursive
      - uses: actions/cache@v4
        with:
          path: x
          key: k-${{ hashFiles('vendor/lib/**') }}
""",
            "README.md": "x\n",
        },
    )
    commit_all(r)
    sha = git(r, "rev-parse", "HEAD").strip()
    git(r, "update-index", "--add", "--cacheinfo", f"160000,{sha},vendor/lib")
    git(r, "commit", "-qm", "submodule")
    result = explain(str(r), rev="HEAD")
    plain = only(result, job="plain")
    fetched = only(result, job="with-submodules")
    assert plain.key == "k-" and "hashfiles-no-match" in codes(plain)
    assert not fetched.key_known and "hashfiles-unknowable" in codes(fetched)
    assert any("submodule" in (f.message or "") for f in fetched.findings)


def test_env_from_an_expression_and_outputs_written_by_programs(tmp_path: Path) -> None:
    build(
        tmp_path,
        {
            ".github/workflows/ci.yml": """\
on: push
jobs:
  configure:
    runs-on: ubuntu-latest
    outputs:
      matrix: ${{ steps.m.outputs.matrix }}
    steps:
      - id: m
        run: python scripts/matrix.py >> "$GITHUB_OUTPUT"
  test:
    needs: configure
    runs-on: ubuntu-latest
    strategy:
      matrix: ${{ fromJSON(needs.configure.outputs.matrix) }}
    env: '${{ fromJSON(''{"TOOL": "ruff"}'') }}'
    steps:
      - uses: actions/cache@v4
        with:
          path: x
          key: ${{ env.TOOL }}-${{ matrix.py }}
"""
        },
    )
    result = explain(str(tmp_path))
    assert not [p for p in result.problems if "empty input" in p.message]
    (cache,) = result.caches
    assert cache.key.startswith("ruff-") and not cache.key_known
    assert "‹matrix" in cache.key
