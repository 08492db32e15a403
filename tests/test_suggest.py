"""``suggest``: the proposed caches per ecosystem, their consistency with ``check``, the YAML
they produce (valid for GitHub's schema and actionlint), ``--write`` and ``--simulate``."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitutil import commit_all, init
from treebuild import build

from cachekit.checks import check
from cachekit.cli import main
from cachekit.suggest import suggest

PY = """\
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: ${{ matrix.python }}
"""


def wf(steps: str, *, matrix: str = "python: ['3.11', '3.12']") -> str:
    return (
        textwrap.dedent(f"""\
        name: ci
        on: [push, pull_request]
        jobs:
          test:
            runs-on: ubuntu-24.04
            strategy:
              matrix:
                {matrix}
            steps:
        """)
        + steps
    )


PIP_BROKEN = wf(
    PY
    + """\
      # cache the interpreter with everything installed
      - uses: actions/cache@v4
        with:
          path: ${{ env.pythonLocation }}
          key: ${{ env.pythonLocation }}-${{ hashFiles('requirements.txt') }}
      - run: pip install -r requirements.txt
      - run: pytest
"""
)

CASES: dict[str, dict[str, object]] = {
    "pip": {
        ".github/workflows/ci.yml": PIP_BROKEN,
        "requirements.txt": "-r requirements/base.txt\npytest>=8\n",
        "requirements/base.txt": "flask>=3\n",
    },
    "poetry": {
        ".github/workflows/ci.yml": wf(
            PY + "      - run: pipx install poetry==1.8.3\n      - run: poetry install\n"
            "      - run: poetry run pytest\n"
        ),
        "pyproject.toml": '[tool.poetry]\nname = "x"\n\n[tool.poetry.dependencies]\n'
        'python = "^3.11"\nflask = "^3"\n',
        "poetry.lock": '[[package]]\nname = "flask"\nversion = "3.0.0"\n\n[metadata]\n'
        'content-hash = "abc"\n',
    },
    "uv": {
        ".github/workflows/ci.yml": wf(
            PY + "      - run: pip install uv==0.5.0\n      - run: uv sync --locked\n"
            "      - run: uv run pytest\n"
        ),
        "pyproject.toml": '[project]\nname = "x"\nversion = "1"\ndependencies = ["flask>=3"]\n',
        "uv.lock": 'version = 1\n\n[[package]]\nname = "flask"\nversion = "3.0.0"\n',
    },
    "npm": {
        ".github/workflows/ci.yml": wf(
            "      - uses: actions/checkout@v4\n      - uses: actions/setup-node@v4\n"
            "        with:\n          node-version: ${{ matrix.node }}\n"
            "      - run: npm ci\n      - run: npm test\n",
            matrix="node: [20, 22]",
        ),
        "package.json": '{"name": "x", "version": "1.0.0"}\n',
        "package-lock.json": '{"name": "x", "lockfileVersion": 3, "packages": {}}\n',
    },
}


@pytest.fixture(params=sorted(CASES))
def case(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path]:
    build(tmp_path, CASES[request.param])
    return request.param, tmp_path


def test_each_ecosystem_gets_a_proposal(case: tuple[str, Path]) -> None:
    name, root = case
    result = suggest(str(root))
    assert len(result.proposals) == 1, result.kept
    p = result.proposals[0]
    assert p.ecosystem == {"pip": "python", "poetry": "python", "uv": "python"}.get(name, "node")
    if name == "pip":
        assert p.action == "replace-step"
        key = p.step["with"]["key"]
        assert "hashFiles('requirements.txt', 'requirements/base.txt')" in key
        assert p.step["with"]["path"] == "~/.cache/pip"
        assert "restore-keys" in p.step["with"]  # a download cache: safe to restore partially
        assert any("input-not-in-key" in r for r in p.replaces)
    elif name == "poetry":
        # poetry is on PATH before setup-python? no: installed after, so actions/cache is used
        assert p.action == "add-step" and "poetry.lock" in p.step["with"]["key"]
    elif name == "uv":
        assert p.action == "add-step" and "~/.cache/uv" in p.step["with"]["path"]
        assert "uv.lock" in p.step["with"]["key"]
    else:
        assert p.action == "setup-input"
        assert p.inputs["cache"] == "npm"
        assert p.inputs["cache-dependency-path"] == "package-lock.json"


def test_check_is_silent_on_what_suggest_writes(case: tuple[str, Path]) -> None:
    """The promise of the issue: `check` reports nothing on a workflow `suggest` produced."""
    _, root = case
    result = suggest(str(root))
    assert result.residual == ()
    runner = CliRunner()
    out = runner.invoke(main, ["suggest", str(root), "--write", "--yes"])
    assert out.exit_code == 0, out.output
    after = check(str(root))
    cache_codes = {
        "input-not-in-key",
        "setup-cache-misses-input",
        "unpinned-in-built-env",
        "interpreter-not-in-key",
        "os-not-in-key",
        "arch-not-in-key",
        "marker-dependent",
        "volatile-key",
        "path-never-populated",
        "hashed-file-unused",
        "hashfiles-no-match",
    }
    assert [f for f in after.findings if f.code in cache_codes] == []


def test_written_workflow_keeps_comments_and_validates(tmp_path: Path) -> None:
    validation = pytest.importorskip("workflow_validation")
    build(tmp_path, CASES["pip"])
    out = CliRunner().invoke(main, ["suggest", str(tmp_path), "--write", "--yes"])
    assert out.exit_code == 0, out.output
    text = (tmp_path / ".github/workflows/ci.yml").read_text()
    assert "# cache the interpreter with everything installed" in text
    assert text.startswith("name: ci\non: [push, pull_request]\n")
    assert validation.validate_schema(text) == []
    assert validation.validate_actionlint(text) == []


def test_write_asks_first_and_no_leaves_the_file(tmp_path: Path) -> None:
    build(tmp_path, CASES["pip"])
    before = (tmp_path / ".github/workflows/ci.yml").read_bytes()
    proc = _in_terminal(["suggest", str(tmp_path), "--write"], answer="n\n")
    assert proc.returncode == 0, proc.stdout
    assert "apply to .github/workflows/ci.yml?" in proc.stdout
    assert "left unchanged" in proc.stdout and "+        uses: actions/cache@v4" in proc.stdout
    assert (tmp_path / ".github/workflows/ci.yml").read_bytes() == before


def test_write_without_a_terminal_asks_for_yes_before_any_work(tmp_path: Path) -> None:
    # It used to end in "internal error: Abort" (exit 70) after printing the suggestion.
    build(tmp_path, CASES["pip"])
    before = (tmp_path / ".github/workflows/ci.yml").read_bytes()
    out = CliRunner().invoke(main, ["suggest", str(tmp_path), "--write"], input="")
    assert out.exit_code == 2
    assert out.stdout == "" and "use --yes" in out.stderr
    assert (tmp_path / ".github/workflows/ci.yml").read_bytes() == before


def _in_terminal(args: list[str], answer: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI with a pseudo-terminal as stdin (typed ``answer`` waiting in it)."""
    primary, secondary = pty.openpty()
    try:
        os.write(primary, answer.encode())
        return subprocess.run(
            [sys.executable, "-m", "cachekit", *args],
            stdin=secondary,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)},
        )
    finally:
        os.close(primary)
        os.close(secondary)


def test_json_format(tmp_path: Path) -> None:
    build(tmp_path, CASES["uv"])
    out = CliRunner().invoke(main, ["suggest", str(tmp_path), "--format", "json"])
    data = json.loads(out.output)
    assert data["proposals"][0]["manager"] == "uv"
    assert ".github/workflows/ci.yml" in data["diffs"]


def test_a_right_cache_is_kept(tmp_path: Path) -> None:
    steps = PY.replace(
        "python-version: ${{ matrix.python }}",
        "python-version: ${{ matrix.python }}\n          cache: pip\n"
        "          cache-dependency-path: requirements.txt",
    )
    build(
        tmp_path,
        {
            ".github/workflows/ci.yml": wf(
                steps + "      - run: pip install -r requirements.txt\n"
            ),
            "requirements.txt": "flask==3.0.0\n",
        },
    )
    result = suggest(str(tmp_path))
    assert result.proposals == () and "is right as it is" in result.kept[0]


def test_yaml_output_has_a_comment_on_each_choice(tmp_path: Path) -> None:
    build(tmp_path, CASES["pip"])
    out = CliRunner().invoke(main, ["suggest", str(tmp_path)])
    assert out.exit_code == 0
    printed = out.output.split("# the edits")[0]
    (proposal,) = suggest(str(tmp_path)).proposals
    assert set(proposal.comments) == {"path", "key", "restore-keys"}
    for comment in proposal.comments.values():
        assert "# " + comment in printed
    assert "--- a/.github/workflows/ci.yml" in out.output


def test_simulate_shows_stale_hits_of_the_current_key(tmp_path: Path) -> None:
    build(tmp_path, CASES["pip"])
    init(tmp_path)
    commit_all(tmp_path, "initial")
    base = tmp_path / "requirements/base.txt"
    for i in range(3):
        base.write_text(f"flask>=3\nclick>={8 + i}\n")  # an include changes; the key does not
        commit_all(tmp_path, f"bump {i}")
    out = CliRunner().invoke(main, ["suggest", str(tmp_path), "--simulate", "--format", "json"])
    assert out.exit_code == 0, out.output
    row = json.loads(out.output)["simulation"][0]
    assert row["commits"] == 4
    assert row["current"]["stale_hits"] > 0
    assert row["suggested"]["stale_hits"] == 0
    assert row["suggested"]["restore"] > 0  # a changed input: partial restore, then a save


# --- every other ecosystem the issue names -----------------------------------------------


def job_wf(steps: str) -> str:
    return (
        "name: ci\non: push\njobs:\n  build:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - uses: actions/checkout@v4\n" + textwrap.indent(textwrap.dedent(steps), "      ")
    )


MORE: dict[str, dict[str, object]] = {
    "pipenv": {
        ".github/workflows/ci.yml": job_wf("""\
    - uses: actions/setup-python@v5
      with:
        python-version: "3.12"
    - run: pip install pipenv==2024.0.1
    - run: pipenv install --deploy --dev
    - run: pipenv run pytest
    """),
        "Pipfile": '[packages]\nflask = "*"\n[requires]\npython_version = "3.12"\n',
        "Pipfile.lock": '{"_meta": {"hash": {"sha256": "x"}}, '
        '"default": {"flask": {"version": "==3.0.0"}}, "develop": {}}\n',
    },
    "pip-tools": {
        ".github/workflows/ci.yml": job_wf("""\
    - uses: actions/setup-python@v5
      with:
        python-version: "3.12"
    - run: pip install pip-tools==7.4.1
    - run: pip-sync requirements/dev.txt
    """),
        "requirements/dev.in": "flask\n",
        "requirements/dev.txt": "#\n# This file is autogenerated by pip-compile with Python 3.12"
        "\n#\nflask==3.0.0\n",
    },
    "conda": {
        ".github/workflows/ci.yml": job_wf("""\
    - uses: conda-incubator/setup-miniconda@v3
    - run: conda env create -f environment.yml
    """),
        "environment.yml": "name: x\ndependencies:\n  - numpy=1.26\n",
    },
    "yarn": {
        ".github/workflows/ci.yml": job_wf("""\
    - uses: actions/setup-node@v4
      with:
        node-version: 20
    - run: yarn install --frozen-lockfile
    """),
        "package.json": '{"name":"x"}',
        "yarn.lock": "# yarn lockfile v1\n",
    },
    "pnpm": {
        ".github/workflows/ci.yml": job_wf("""\
    - uses: pnpm/action-setup@v4
    - uses: actions/setup-node@v4
      with:
        node-version: 20
    - run: pnpm install --frozen-lockfile
    """),
        "package.json": '{"name":"x","packageManager":"pnpm@9.0.0"}',
        "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
    },
    "go": {
        ".github/workflows/ci.yml": job_wf("""\
    - uses: actions/setup-go@v3
      with:
        go-version: "1.22"
    - run: go build ./...
    """),
        "go.mod": "module x\n\ngo 1.22\n",
        "go.sum": "",
    },
    "cargo": {
        ".github/workflows/ci.yml": job_wf("""\
    - run: cargo build --locked
    """),
        "Cargo.toml": '[package]\nname = "x"\nversion = "0.1.0"\n',
        "Cargo.lock": "version = 3\n",
    },
    "maven": {
        ".github/workflows/ci.yml": job_wf("""\
    - uses: actions/setup-java@v4
      with:
        distribution: temurin
        java-version: "21"
    - run: mvn -B verify
    """),
        "pom.xml": "<project/>\n",
    },
    "gradle": {
        ".github/workflows/ci.yml": job_wf("""\
    - uses: actions/setup-java@v4
      with:
        distribution: temurin
        java-version: "21"
    - run: ./gradlew build
    """),
        "build.gradle": "plugins {}\n",
        "settings.gradle": "",
        "gradle/wrapper/gradle-wrapper.properties": "distributionUrl=x\n",
    },
}

EXPECTED = {
    # manager: (action, the setup action's cache input or the cached path)
    "pipenv": ("setup-input", "pipenv"),
    "pip-tools": ("setup-input", "pip"),
    "conda": ("add-step", "~/conda_pkgs_dir"),
    "yarn": ("setup-input", "yarn"),
    "pnpm": ("setup-input", "pnpm"),
    "go": ("setup-input", "true"),
    "cargo": ("add-step", "~/.cargo/registry/index"),
    "maven": ("setup-input", "maven"),
    "gradle": ("setup-input", "gradle"),
}


@pytest.mark.parametrize("name", sorted(MORE))
def test_more_ecosystems(tmp_path: Path, name: str) -> None:
    build(tmp_path, MORE[name])
    result = suggest(str(tmp_path))
    assert len(result.proposals) == 1, (result.kept, result.refused)
    p = result.proposals[0]
    action, what = EXPECTED[name]
    assert p.action == action
    if action == "setup-input":
        assert p.inputs["cache"] == what
        files = p.inputs["cache-dependency-path"].splitlines()
        assert files and all((tmp_path / f).is_file() for f in files)
    else:
        assert what in p.step["with"]["path"]
        assert "restore-keys" in p.step["with"]
    assert result.residual == ()
    validation = pytest.importorskip("workflow_validation")
    for edit in result.edits:
        assert validation.validate_schema(edit.after) == []


def test_conda_cache_goes_before_setup_miniconda(tmp_path: Path) -> None:
    build(tmp_path, MORE["conda"])
    p = suggest(str(tmp_path)).proposals[0]
    assert p.step_index == 1  # before the setup-miniconda step, which reads the package cache


# --- jobs suggest leaves alone --------------------------------------------------------------


def test_no_cache_for_a_job_that_builds_a_release(tmp_path: Path) -> None:
    build(
        tmp_path,
        {
            ".github/workflows/release.yml": textwrap.dedent("""\
                on:
                  push:
                    tags: ["v*"]
                jobs:
                  build:
                    runs-on: ubuntu-24.04
                    steps:
                      - uses: actions/checkout@v4
                      - uses: actions/setup-python@v5
                        with:
                          python-version: "3.12"
                      - run: pip install -r requirements.txt && python -m build
                      - uses: actions/upload-artifact@v4
                        with:
                          name: dist
                          path: dist
                  publish:
                    needs: build
                    runs-on: ubuntu-24.04
                    steps:
                      - uses: pypa/gh-action-pypi-publish@release/v1
                """),
            "requirements.txt": "build==1.2.1\n",
        },
    )
    result = suggest(str(tmp_path))
    assert result.proposals == ()
    assert any("release" in k and " build:" in k for k in result.kept), result.kept


def test_no_cache_for_a_job_in_another_repositorys_checkout(tmp_path: Path) -> None:
    build(
        tmp_path,
        {
            ".github/workflows/ci.yml": job_wf("""\
                - uses: actions/checkout@v4
                  with:
                    repository: other/project
                - uses: actions/setup-python@v5
                  with:
                    python-version: "3.12"
                - run: pip install -r requirements.txt
                """),
            "requirements.txt": "flask==3.0.0\n",
        },
    )
    result = suggest(str(tmp_path))
    assert result.proposals == () and "other/project" in result.kept[0]


@pytest.mark.parametrize(
    ("ref", "inputs", "kept"),
    [
        ("v6", "", "by default"),
        ("0c5e2b8115b80b4c7c5ddf6ffdd634974642d182", "", "by default"),  # a SHA pin: current
        # turned off on purpose (#12 item 24's corpus: fastapi's deploy-docs): left off
        ("v6", "      with:\n        enable-cache: false\n", "off on purpose"),
        ("v4", "", ""),  # before v5 caching was off by default
    ],
)
def test_setup_uv_caches_by_default(tmp_path: Path, ref: str, inputs: str, kept: str) -> None:
    build(
        tmp_path,
        {
            ".github/workflows/ci.yml": job_wf(
                f"    - uses: astral-sh/setup-uv@{ref}\n{inputs}    - run: uv sync --locked\n"
            ),
            "pyproject.toml": '[project]\nname = "x"\nversion = "1"\ndependencies = []\n',
            "uv.lock": "version = 1\n",
        },
    )
    result = suggest(str(tmp_path))
    if kept:
        assert result.proposals == () and kept in result.kept[0]
    else:
        assert [p.inputs.get("enable-cache") for p in result.proposals] == ["true"]


def test_installs_in_two_directories_share_one_setup_cache(tmp_path: Path) -> None:
    """Found on actions/toolkit: a root `npm ci` and one in packages/a, one setup-node step."""
    build(
        tmp_path,
        {
            ".github/workflows/ci.yml": job_wf("""\
                - uses: actions/setup-node@v4
                  with:
                    node-version: 20
                - run: npm ci
                - run: npm ci
                  working-directory: packages/a
                """),
            "package.json": '{"name": "root"}\n',
            "package-lock.json": '{"lockfileVersion": 3}\n',
            "packages/a/package.json": '{"name": "a"}\n',
            "packages/a/package-lock.json": '{"lockfileVersion": 3}\n',
        },
    )
    result = suggest(str(tmp_path))
    assert len(result.proposals) == 1
    paths = result.proposals[0].inputs["cache-dependency-path"].splitlines()
    assert set(paths) == {"package-lock.json", "packages/a/package-lock.json"}
    assert result.residual == ()
