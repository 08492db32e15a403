"""``cachekit resolve``: the installs of a workflow's jobs resolved against a local wheel index
(no network), with drift against the lock and against an older date."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from treebuild import build
from wheelindex import Dist, write_wheels

from cachekit.cli import main
from cachekit.resolving import ResolveOptions, resolve_workflows

WORKFLOW = textwrap.dedent("""\
    on: push
    jobs:
      test:
        runs-on: ubuntu-24.04
        strategy:
          matrix:
            python: ["3.11", "3.12"]
        steps:
          - uses: actions/checkout@v4
          - uses: actions/setup-python@v5
            with:
              python-version: ${{ matrix.python }}
          - run: |
              pip install -U pip
              pip install -r requirements.txt -c constraints.txt "extra-tool>=1"
      lint:
        runs-on: ubuntu-24.04
        steps:
          - run: pip install -e .[lint]
    """)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("wheels")
    write_wheels(
        root,
        [
            Dist("app-lib", "1.0.0", requires=["helper>=1"]),
            Dist("app-lib", "2.0.0", requires=["helper>=2"]),
            Dist("helper", "1.5.0"),
            Dist("helper", "2.1.0"),
            Dist("extra-tool", "1.2.0"),
            Dist("tomli", "2.0.1"),
            Dist("linter", "0.9.0"),
        ],
    )
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    build(
        tmp_path,
        {
            ".github/workflows/ci.yml": WORKFLOW,
            "requirements.txt": "-r base.txt\napp-lib>=1\n",
            "base.txt": 'tomli; python_version < "3.11"\n',
            "constraints.txt": "helper<3\n",
            "pyproject.toml": textwrap.dedent("""\
                [build-system]
                requires = []
                build-backend = "backend"
                backend-path = ["."]
                [project]
                name = "mine"
                version = "0"
                dependencies = ["app-lib==1.0.0"]
                [project.optional-dependencies]
                lint = ["linter"]
                """),
            # a build backend that would prove it ran: resolving must never execute it
            "backend.py": "raise SystemExit('the build backend was executed')\n",
        },
    )
    return tmp_path


def test_each_install_set_resolved_once(repo: Path, index: Path) -> None:
    result = resolve_workflows(str(repo), ResolveOptions(no_index=True, find_links=(str(index),)))
    assert len(result.installs) == 2
    test, lint = sorted(result.installs, key=lambda i: i.jobs[0])[::-1]
    assert test.jobs == (
        ".github/workflows/ci.yml test (python=3.11)",
        ".github/workflows/ci.yml test (python=3.12)",
    )
    assert test.request.requirements == ("requirements.txt",)
    assert test.request.constraints == ("constraints.txt",)
    assert test.request.packages == ("extra-tool>=1",)
    assert test.resolution is not None
    assert test.resolution.versions() == {
        "app-lib": "2.0.0",
        "helper": "2.1.0",
        "extra-tool": "1.2.0",
    }
    assert lint.resolution is not None
    assert lint.resolution.versions() == {"app-lib": "1.0.0", "helper": "2.1.0", "linter": "0.9.0"}


def test_uv_resolves_for_the_jobs_python(repo: Path, index: Path) -> None:
    result = resolve_workflows(
        str(repo),
        ResolveOptions(backend="uv", no_index=True, find_links=(str(index),), job="test"),
    )
    pythons = {i.request.python for i in result.installs}
    assert pythons == {"3.11", "3.12"}  # one request per interpreter: markers may differ
    for item in result.installs:
        assert item.resolution is not None
        assert "tomli" not in item.resolution.versions()  # python_version < 3.11 is false


def test_drift_against_all_pinned_requirements(tmp_path: Path, index: Path) -> None:
    build(
        tmp_path,
        {
            ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-24.04\n"
            "    steps:\n      - run: pip install -r requirements.txt\n",
            "requirements.txt": "app-lib==1.0.0\nhelper==1.5.0\n",
        },
    )
    out = CliRunner().invoke(
        main,
        ["resolve", str(tmp_path), "--drift", "--no-index", "-f", str(index), "--json"],
    )
    assert out.exit_code == 0, out.output
    item = json.loads(out.output)["installs"][0]
    assert item["locked_from"] == "requirements pinned with =="
    assert item["drift"] == {"changed": [], "added": [], "removed": []}


def test_drift_without_a_lock_says_so(repo: Path, index: Path) -> None:
    out = CliRunner().invoke(
        main, ["resolve", str(repo), "--drift", "--no-index", "-f", str(index), "-j", "test"]
    )
    assert out.exit_code == 0, out.output
    assert "nothing pinned to compare with" in out.output
    assert "app-lib==2.0.0" in out.output and "(via" in out.output


def test_failed_resolution_exits_1_with_one_line(tmp_path: Path, index: Path) -> None:
    build(
        tmp_path,
        {
            ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-24.04\n"
            "    steps:\n      - run: pip install -r requirements.txt\n",
            "requirements.txt": "no-such-package==9\n",
        },
    )
    out = CliRunner().invoke(main, ["resolve", str(tmp_path), "--no-index", "-f", str(index)])
    assert out.exit_code == 1
    assert "no-such-package" in out.output and "Traceback" not in out.output
