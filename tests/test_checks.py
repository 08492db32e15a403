"""``check``: each finding code on a small repository that has the mistake, and silence on one
that does not. Every case is a real workflow over real files; nothing is mocked."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from treebuild import build

from cachekit.checks import CODES, CheckResult, check
from cachekit.cli import main

SETUP = """\
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
"""


def workflow(
    steps: str,
    *,
    on: str = "push",
    matrix: str = "",
    runs_on: str = "ubuntu-24.04",
    extra_job: str = "",
) -> str:
    strategy = (
        f"    strategy:\n      matrix:\n{textwrap.indent(matrix, '        ')}" if matrix else ""
    )
    return (
        f"name: ci\non: {on}\njobs:\n  test:\n    runs-on: {runs_on}\n{strategy}"
        f"    steps:\n{steps}{extra_job}"
    )


def run_check(tmp_path: Path, files: dict[str, object]) -> CheckResult:
    build(tmp_path, files)
    return check(str(tmp_path))


def codes(result: CheckResult) -> set[str]:
    return {f.code for f in result.findings}


def only(result: CheckResult, code: str):
    hits = [f for f in result.findings if f.code == code]
    assert len(hits) == 1, [(f.code, f.message) for f in result.findings]
    return hits[0]


# --- input-not-in-key ----------------------------------------------------------------------

VENV_KEY = (
    "${{ runner.os }}-${{ runner.arch }}-${{ env.pythonLocation }}-venv-"
    "${{ hashFiles('requirements.txt') }}"
)
VENV_CACHE = f"""\
      - uses: actions/cache@v4
        with:
          path: .venv
          key: {VENV_KEY}
      - run: |
          python -m venv .venv
          .venv/bin/pip install -r requirements.txt
"""


def test_include_outside_the_key_is_an_error_for_a_built_environment(tmp_path: Path) -> None:
    result = run_check(
        tmp_path,
        {
            ".github/workflows/ci.yml": workflow(SETUP + VENV_CACHE),
            "requirements.txt": "-r requirements/base.txt\nflask==3.0.0\n",
            "requirements/base.txt": "click==8.1.7\n",
        },
    )
    f = only(result, "input-not-in-key")
    assert f.severity == "error"
    assert "requirements/base.txt" in f.message
    assert (f.file, f.line) == (".github/workflows/ci.yml", 11)
    assert any(r.file == "requirements.txt" and r.line == 1 for r in f.related)
    assert "hashFiles('requirements.txt', 'requirements/base.txt')" in f.fix
    assert codes(result) == {"input-not-in-key"}


def test_everything_hashed_and_pinned_is_clean(tmp_path: Path) -> None:
    steps = (SETUP + VENV_CACHE).replace(
        "hashFiles('requirements.txt')", "hashFiles('requirements.txt', 'requirements/base.txt')"
    )
    result = run_check(
        tmp_path,
        {
            ".github/workflows/ci.yml": workflow(steps),
            "requirements.txt": "-r requirements/base.txt\nflask==3.0.0\n",
            "requirements/base.txt": "click==8.1.7\n",
        },
    )
    assert result.findings == ()


def test_constraints_file_and_project_metadata_count_as_inputs(tmp_path: Path) -> None:
    result = run_check(
        tmp_path,
        {
            ".github/workflows/ci.yml": workflow(
                SETUP
                + textwrap.indent(
                    textwrap.dedent("""\
                - uses: actions/cache@v4
                  with:
                    path: ~/.cache/pip
                    key: pip-${{ runner.os }}-${{ hashFiles('setup.py') }}
                - run: pip install -c constraints.txt -e .[test]
                """),
                    "      ",
                )
            ),
            "constraints.txt": "click==8.1.7\n",
            "setup.py": "from setuptools import setup\nsetup(install_requires=['click'])\n",
            "setup.cfg": "[metadata]\nname = x\n",
        },
    )
    f = only(result, "input-not-in-key")
    assert f.severity == "warning"  # a download cache: stale, not wrong
    assert "constraints.txt" in f.message and "setup.cfg" in f.message


def test_inline_packages_are_inputs_the_key_cannot_see(tmp_path: Path) -> None:
    steps = textwrap.indent(
        textwrap.dedent("""\
            - uses: actions/cache@v4
              with:
                path: ${{ env.pythonLocation }}
                key: ${{ runner.os }}-${{ env.pythonLocation }}-${{ hashFiles('requirements.txt') }}
            - run: |
                pip install -r requirements.txt
                pip install -U pip "django<5" pytest-cov "$EXTRA"
            """),
        "      ",
    )
    files = {".github/workflows/ci.yml": workflow(SETUP + steps), "requirements.txt": "flask==3\n"}
    result = run_check(tmp_path, files)
    f = only(result, "input-not-in-key")
    assert f.severity == "warning"
    assert "django<5" in f.message and "pytest-cov" in f.message
    assert "pip," not in f.message and "$EXTRA" not in f.message  # tooling, a variable


def test_inline_packages_into_a_download_cache_are_fine(tmp_path: Path) -> None:
    steps = textwrap.indent(
        textwrap.dedent("""\
            - uses: actions/cache@v4
              with:
                path: ~/.cache/pip
                key: pip-${{ runner.os }}-${{ hashFiles('requirements.txt') }}
                restore-keys: pip-${{ runner.os }}-
            - run: pip install -r requirements.txt "django<5"
            """),
        "      ",
    )
    files = {".github/workflows/ci.yml": workflow(SETUP + steps), "requirements.txt": "flask==3\n"}
    assert run_check(tmp_path, files).findings == ()


# --- setup-python's own cache ------------------------------------------------------------


def test_setup_python_cache_dependency_path_missing_an_include(tmp_path: Path) -> None:
    steps = textwrap.indent(
        textwrap.dedent("""\
        - uses: actions/checkout@v4
        - uses: actions/setup-python@v5
          with:
            python-version: "3.12"
            cache: pip
            cache-dependency-path: requirements.txt
        - run: pip install -r requirements.txt
        """),
        "      ",
    )
    result = run_check(
        tmp_path,
        {
            ".github/workflows/ci.yml": workflow(steps),
            "requirements.txt": "-c constraints.txt\nflask\n",
            "constraints.txt": "flask==3.0.0\n",
        },
    )
    f = only(result, "setup-cache-misses-input")
    assert "constraints.txt" in f.message
    assert "cache-dependency-path: |" in f.fix and "  constraints.txt" in f.fix


# --- unpinned in a built environment ---------------------------------------------------


def test_loose_requirements_in_a_cached_venv(tmp_path: Path) -> None:
    result = run_check(
        tmp_path,
        {
            ".github/workflows/ci.yml": workflow(SETUP + VENV_CACHE),
            "requirements.txt": "flask>=2\nclick==8.1.7\nrequests\n",
        },
    )
    f = only(result, "unpinned-in-built-env")
    assert "flask>=2" in f.message
    assert [(r.file, r.line) for r in f.related] == [
        ("requirements.txt", 1),
        ("requirements.txt", 3),
    ]


def test_loose_requirements_in_a_download_cache_are_fine(tmp_path: Path) -> None:
    result = run_check(
        tmp_path,
        {
            ".github/workflows/ci.yml": workflow(
                SETUP
                + textwrap.indent(
                    textwrap.dedent("""\
                - uses: actions/cache@v4
                  with:
                    path: ~/.cache/pip
                    key: pip-${{ runner.os }}-${{ hashFiles('requirements.txt') }}
                    restore-keys: pip-${{ runner.os }}-
                - run: pip install -r requirements.txt
                """),
                    "      ",
                )
            ),
            "requirements.txt": "flask>=2\n",
        },
    )
    assert result.findings == ()


# --- interpreter / OS in the key --------------------------------------------------------

MATRIX_VENV = textwrap.indent(
    textwrap.dedent("""\
    - uses: actions/checkout@v4
    - uses: actions/setup-python@v5
      with:
        python-version: ${{ matrix.python }}
    - uses: actions/cache@v4
      with:
        path: .venv
        key: ${{ runner.os }}-venv-${{ hashFiles('requirements.txt') }}
    - run: python -m venv .venv && .venv/bin/pip install -r requirements.txt
    """),
    "      ",
)


def test_matrix_over_pythons_sharing_one_venv_key(tmp_path: Path) -> None:
    result = run_check(
        tmp_path,
        {
            ".github/workflows/ci.yml": workflow(MATRIX_VENV, matrix="python: ['3.11', '3.12']\n"),
            "requirements.txt": "flask==3.0.0\n",
        },
    )
    hits = [f for f in result.findings if f.code == "interpreter-not-in-key"]
    assert any(f.severity == "error" and "3.11, 3.12" in f.message for f in hits), hits


def test_matrix_over_oses_sharing_one_key(tmp_path: Path) -> None:
    steps = MATRIX_VENV.replace("${{ runner.os }}-venv", "venv-py${{ matrix.python }}")
    result = run_check(
        tmp_path,
        {
            ".github/workflows/ci.yml": workflow(
                steps,
                runs_on="${{ matrix.os }}",
                matrix="os: [ubuntu-24.04, macos-14]\npython: ['3.12']\n",
            ),
            "requirements.txt": "flask==3.0.0\n",
        },
    )
    hits = [f for f in result.findings if f.code == "os-not-in-key"]
    assert any(
        f.severity == "error" and "Linux" in f.message and "macOS" in f.message for f in hits
    )
    assert "arch-not-in-key" in codes(result)  # macos-14 is arm64, ubuntu-24.04 x64


def test_markers_on_the_interpreter_need_it_in_the_key(tmp_path: Path) -> None:
    steps = (SETUP + VENV_CACHE).replace("${{ env.pythonLocation }}-", "")
    result = run_check(
        tmp_path,
        {
            ".github/workflows/ci.yml": workflow(steps),
            "requirements.txt": 'tomli==2.0.1; python_version < "3.11"\nclick==8.1.7\n',
        },
    )
    assert {"interpreter-not-in-key", "marker-dependent"} <= codes(result)
    f = only(result, "marker-dependent")
    assert f.related[0].file == "requirements.txt" and f.related[0].line == 1


# --- paths --------------------------------------------------------------------------------


def test_pip_cache_while_installing_with_uv_is_never_populated(tmp_path: Path) -> None:
    result = run_check(
        tmp_path,
        {
            ".github/workflows/ci.yml": workflow(
                SETUP
                + textwrap.indent(
                    textwrap.dedent("""\
                - uses: actions/cache@v4
                  with:
                    path: ~/.cache/pip
                    key: pip-${{ runner.os }}-${{ hashFiles('requirements.txt') }}
                    restore-keys: pip-${{ runner.os }}-
                - run: uv pip install --system -r requirements.txt
                """),
                    "      ",
                )
            ),
            "requirements.txt": "flask==3.0.0\n",
        },
    )
    f = only(result, "path-never-populated")
    assert "uv" in f.fix


def test_no_cache_dir_means_nothing_to_save(tmp_path: Path) -> None:
    result = run_check(
        tmp_path,
        {
            ".github/workflows/ci.yml": workflow(
                SETUP
                + textwrap.indent(
                    textwrap.dedent("""\
                - uses: actions/cache@v4
                  with:
                    path: ~/.cache/pip
                    key: pip-${{ runner.os }}-${{ hashFiles('requirements.txt') }}
                    restore-keys: pip-${{ runner.os }}-
                - run: pip install --no-cache-dir -r requirements.txt
                """),
                    "      ",
                )
            ),
            "requirements.txt": "flask==3.0.0\n",
        },
    )
    assert codes(result) == {"path-never-populated"}


def test_hashed_file_no_install_reads(tmp_path: Path) -> None:
    result = run_check(
        tmp_path,
        {
            ".github/workflows/ci.yml": workflow(
                SETUP
                + textwrap.indent(
                    textwrap.dedent("""\
                - uses: actions/cache@v4
                  with:
                    path: ~/.cache/pip
                    key: pip-${{ runner.os }}-${{ hashFiles('setup.py', 'requirements.txt') }}
                    restore-keys: pip-${{ runner.os }}-
                - run: pip install -r requirements.txt
                """),
                    "      ",
                )
            ),
            "requirements.txt": "flask==3.0.0\n",
            "setup.py": "from setuptools import setup\nsetup(name='x')\n",
        },
    )
    f = only(result, "hashed-file-unused")
    assert f.severity == "note" and "setup.py" in f.message


def test_unknown_installers_silence_the_guesses(tmp_path: Path) -> None:
    """A job that runs tox or a script may install from anything: no unused/never-populated."""
    result = run_check(
        tmp_path,
        {
            ".github/workflows/ci.yml": workflow(
                SETUP
                + textwrap.indent(
                    textwrap.dedent("""\
                - uses: actions/cache@v4
                  with:
                    path: ~/.cache/pip
                    key: pip-${{ runner.os }}-${{ hashFiles('setup.py', 'requirements.txt') }}
                    restore-keys: pip-${{ runner.os }}-
                - run: pip install tox==4.11.0
                - run: tox -e py
                """),
                    "      ",
                )
            ),
            "requirements.txt": "flask==3.0.0\n",
            "setup.py": "from setuptools import setup\nsetup(name='x')\n",
        },
    )
    assert not codes(result) & {"hashed-file-unused", "path-never-populated"}


# --- cache poisoning ---------------------------------------------------------------------

PUBLISH = textwrap.indent(
    textwrap.dedent("""\
    - uses: actions/checkout@v4
    - uses: actions/setup-python@v5
      with:
        python-version: "3.12"
        cache: pip
    - run: pip install build==1.2.1 && python -m build
    - uses: pypa/gh-action-pypi-publish@release/v1
    """),
    "      ",
)


def test_publishing_job_restoring_a_cache(tmp_path: Path) -> None:
    result = run_check(
        tmp_path,
        {
            ".github/workflows/release.yml": workflow(
                PUBLISH, on="\n  release:\n    types: [published]"
            ),
            "requirements.txt": "flask==3.0.0\n",
        },
    )
    f = only(result, "cache-poisoning")
    assert f.severity == "error" and "publishes" in f.message
    sarif_rule = CODES["cache-poisoning"]
    assert sarif_rule.security


def test_cache_mode_write_only_makes_the_release_job_safe(tmp_path: Path) -> None:
    text = workflow(PUBLISH, on="\n  release:\n    types: [published]").replace(
        "    runs-on: ubuntu-24.04\n", "    runs-on: ubuntu-24.04\n    cache-mode: write-only\n"
    )
    result = run_check(
        tmp_path, {".github/workflows/release.yml": text, "requirements.txt": "flask==3.0.0\n"}
    )
    assert "cache-poisoning" not in codes(result)


def test_build_job_feeding_a_publish_job(tmp_path: Path) -> None:
    text = textwrap.dedent("""\
        on:
          push:
            tags: ['v*']
        jobs:
          build:
            runs-on: ubuntu-24.04
            steps:
              - uses: actions/checkout@v4
              - uses: actions/setup-python@v5
                with: {python-version: "3.12", cache: pip}
              - run: pip install -r requirements.txt && python -m build
              - uses: actions/upload-artifact@v4
                with: {name: dist, path: dist}
          publish:
            needs: build
            runs-on: ubuntu-24.04
            environment: pypi
            permissions: {id-token: write}
            steps:
              - uses: pypa/gh-action-pypi-publish@release/v1
        """)
    result = run_check(
        tmp_path, {".github/workflows/release.yml": text, "requirements.txt": "flask==3.0.0\n"}
    )
    f = only(result, "cache-poisoning")
    assert f.job == "build" and "publishing job" in f.message


def test_untrusted_trigger_with_cache_mode_write(tmp_path: Path) -> None:
    text = workflow(
        textwrap.indent(
            textwrap.dedent("""\
            - uses: actions/checkout@v4
            - uses: actions/setup-python@v5
              with: {python-version: "3.12", cache: pip}
            - run: pip install -r requirements.txt
            """),
            "      ",
        ),
        on="pull_request_target",
    ).replace("name: ci\n", "name: ci\ncache-mode: write\n")
    result = run_check(
        tmp_path, {".github/workflows/pr.yml": text, "requirements.txt": "flask==3.0.0\n"}
    )
    f = only(result, "cache-poisoning")
    assert "pull_request_target" in f.message


# --- carried from explain -----------------------------------------------------------------


def test_volatile_key_and_no_match_carry_over(tmp_path: Path) -> None:
    result = run_check(
        tmp_path,
        {
            ".github/workflows/ci.yml": workflow(
                SETUP
                + textwrap.indent(
                    textwrap.dedent("""\
                - uses: actions/cache@v4
                  with:
                    path: ~/.cache/pip
                    key: pip-${{ github.sha }}-${{ hashFiles('requirement.txt') }}
                - run: pip install -r requirements.txt
                """),
                    "      ",
                )
            ),
            "requirements.txt": "flask==3.0.0\n",
        },
    )
    assert {"volatile-key", "hashfiles-no-match"} <= codes(result)
    # a key that changes every commit never restores an entry saved from other inputs
    assert "input-not-in-key" not in codes(result)


def test_every_code_reported_is_registered(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parent.parent / "examples" / "classic-python"
    result = check(str(example))
    assert result.findings
    assert {f.code for f in result.findings} <= set(CODES)


# --- CLI ------------------------------------------------------------------------------------


def test_cli_exit_codes_and_formats(tmp_path: Path) -> None:
    build(
        tmp_path,
        {
            ".github/workflows/ci.yml": workflow(SETUP + VENV_CACHE),
            "requirements.txt": "-r base.txt\n",
            "base.txt": "click==8.1.7\n",
        },
    )
    runner = CliRunner()
    out = runner.invoke(main, ["check", str(tmp_path), "--format", "json"])
    assert out.exit_code == 1, out.output
    data = json.loads(out.output)
    assert data["findings"][0]["code"] == "input-not-in-key"
    assert {"code", "severity", "file", "line", "message", "fix"} <= set(data["findings"][0])
    gh = runner.invoke(main, ["check", str(tmp_path), "--format", "github"])
    assert gh.output.startswith("::error file=.github/workflows/ci.yml,line=11")
    assert runner.invoke(main, ["check", str(tmp_path), "--fail-on", "none"]).exit_code == 0
    sarif = runner.invoke(main, ["check", str(tmp_path), "--format", "sarif"])
    assert json.loads(sarif.output)["runs"][0]["results"][0]["ruleId"] == "input-not-in-key"
    bad = runner.invoke(main, ["check", str(tmp_path), "--format", "xml"])
    assert bad.exit_code == 2


def test_cli_clean_repository_exits_zero(tmp_path: Path) -> None:
    build(tmp_path, {".github/workflows/ci.yml": workflow(SETUP + "      - run: echo hi\n")})
    out = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert out.exit_code == 0 and "no findings" in out.output


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_cli_bad_workflow_is_a_finding_not_a_crash(tmp_path: Path, fmt: str) -> None:
    build(tmp_path, {".github/workflows/ci.yml": "jobs: [\n"})
    out = CliRunner().invoke(main, ["check", str(tmp_path), "--format", fmt])
    assert out.exit_code == 1 and "Traceback" not in out.output
    assert "ci.yml" in out.output


def test_docs_table_lists_every_code() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "check.md").read_text()
    for code, info in CODES.items():
        assert f"| `{code}` | {info.severity} |" in doc, code


# --- property: the missing inputs are exactly the reachable files the key does not hash ----

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@st.composite
def include_graphs(draw: st.DrawFn) -> tuple[dict[int, list[tuple[str, int]]], set[int]]:
    n = draw(st.integers(min_value=1, max_value=4))
    edges: dict[int, list[tuple[str, int]]] = {i: [] for i in range(n + 1)}
    for i in range(n + 1):
        for j in draw(st.lists(st.integers(0, n), max_size=3, unique=True)):
            if j != i:
                edges[i].append((draw(st.sampled_from(["-r", "-c"])), j))
    hashed = set(draw(st.lists(st.integers(0, n), min_size=1, unique=True)))
    return edges, hashed


def _reachable(edges: dict[int, list[tuple[str, int]]]) -> set[int]:
    seen, stack = {0}, [0]
    while stack:
        for _, j in edges[stack.pop()]:
            if j not in seen:
                seen.add(j)
                stack.append(j)
    return seen


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(graph=include_graphs())
def test_property_missing_inputs_are_the_unhashed_reachable_files(tmp_path_factory, graph) -> None:
    edges, hashed = graph
    root = tmp_path_factory.mktemp("graph")
    files: dict[str, object] = {}
    for i, out in edges.items():
        lines = [f"{flag} req{j}.txt" for flag, j in out] + [f"pkg{i}==1.0"]
        files[f"req{i}.txt"] = "\n".join(lines) + "\n"
    patterns = ", ".join(f"'req{i}.txt'" for i in sorted(hashed))
    key = "${{ runner.os }}-${{ env.pythonLocation }}-${{ hashFiles(" + patterns + ") }}"
    files[".github/workflows/ci.yml"] = workflow(
        SETUP
        + textwrap.indent(
            textwrap.dedent(f"""\
                - uses: actions/cache@v4
                  with:
                    path: .venv
                    key: {key}
                - run: python -m venv .venv && .venv/bin/pip install -r req0.txt
                """),
            "      ",
        )
    )
    result = run_check(root, files)
    expected = {f"req{i}.txt" for i in _reachable(edges) - hashed}
    hits = [f for f in result.findings if f.code == "input-not-in-key"]
    if not expected:
        assert hits == []
        return
    assert len(hits) == 1
    named = set(hits[0].message.split("hash ", 1)[1].split(", which")[0].split(", "))
    assert named == expected


def test_hashfiles_in_another_repositorys_checkout_is_unknowable_not_a_failure(
    tmp_path: Path,
) -> None:
    steps = textwrap.indent(
        textwrap.dedent("""\
            - uses: actions/checkout@v4
              with:
                repository: other/project
            - uses: actions/cache@v4
              with:
                path: ~/.cache/pip
                key: pip-${{ hashFiles('requirements.txt') }}
            - uses: actions/checkout@v4
            - uses: actions/cache@v4
              with:
                path: ~/.cache/pip
                key: pip-${{ hashFiles('requirements.txt') }}
            """),
        "      ",
    )
    result = run_check(
        tmp_path, {".github/workflows/ci.yml": workflow(steps), "requirements.txt": "x==1\n"}
    )
    unknowable = [f for f in result.findings if f.code == "hashfiles-unknowable"]
    assert len(unknowable) == 1 and "other/project" in unknowable[0].message
    assert unknowable[0].line == 10  # the first cache; the second is after our own checkout
    assert "hashfiles-no-match" not in codes(result)


# --- Node caches -----------------------------------------------------------------------------

NODE = """\
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
"""


def test_npm_cache_keyed_on_package_json_misses_the_lock(tmp_path: Path) -> None:
    steps = NODE + textwrap.indent(
        textwrap.dedent("""\
            - uses: actions/cache@v4
              with:
                path: ~/.npm
                key: npm-${{ runner.os }}-${{ hashFiles('package.json') }}
                restore-keys: npm-${{ runner.os }}-
            - run: npm ci
            """),
        "      ",
    )
    files = {
        ".github/workflows/ci.yml": workflow(steps),
        "package.json": '{"name": "x"}\n',
        "package-lock.json": '{"lockfileVersion": 3}\n',
    }
    f = only(run_check(tmp_path, files), "input-not-in-key")
    assert f.severity == "warning" and "package-lock.json" in f.message
    assert "hashFiles('package.json', 'package-lock.json')" in f.fix


def test_npm_cache_while_installing_with_yarn_is_never_populated(tmp_path: Path) -> None:
    steps = NODE + textwrap.indent(
        textwrap.dedent("""\
            - uses: actions/cache@v4
              with:
                path: ~/.npm
                key: npm-${{ runner.os }}-${{ hashFiles('yarn.lock') }}
                restore-keys: npm-${{ runner.os }}-
            - run: yarn install --frozen-lockfile
            """),
        "      ",
    )
    files = {
        ".github/workflows/ci.yml": workflow(steps),
        "package.json": '{"name": "x"}\n',
        "yarn.lock": "# yarn lockfile v1\n",
    }
    result = run_check(tmp_path, files)
    assert codes(result) == {"path-never-populated"}
    assert "yarn" in result.findings[0].message


def test_setup_node_cache_on_the_lock_is_clean(tmp_path: Path) -> None:
    steps = NODE.replace("node-version: 20", "node-version: 20\n          cache: npm")
    files = {
        ".github/workflows/ci.yml": workflow(steps + "      - run: npm ci\n"),
        "package.json": '{"name": "x"}\n',
        "package-lock.json": '{"lockfileVersion": 3}\n',
    }
    assert run_check(tmp_path, files).findings == ()


# --- install-input-problem ---------------------------------------------------------------


def test_install_input_problems_are_chosen_by_kind(tmp_path: Path) -> None:
    # A dependency-group include cycle fails the install like a -r cycle does; a line pip
    # rejects (whatever its words) is not an install-input problem.
    result = run_check(
        tmp_path,
        {
            ".github/workflows/ci.yml": workflow(
                "      - uses: actions/checkout@v4\n"
                "      - run: pip install -r requirements.txt .\n"
            ),
            "requirements.txt": "cannot read: not found\n",
            "pyproject.toml": '[project]\nname = "app"\nversion = "1"\n'
            '[dependency-groups]\ndev = [{include-group = "lint"}]\n'
            'lint = [{include-group = "dev"}]\n',
        },
    )
    found = [f for f in result.findings if f.code == "install-input-problem"]
    assert [(f.file, f.line, f.message) for f in found] == [
        ("pyproject.toml", 6, "pyproject.toml: include-group cycle: dev -> lint -> dev")
    ]
