"""The GitHub Action (``action.yml``) and the pre-commit hook, run as GitHub and pre-commit do.

* The action's metadata is validated with SchemaStore's ``github-action.json`` (as vendored by
  check-jsonschema), and the copy-paste workflow in ``docs/ci.md`` with the workflow schema,
  actionlint, and ``cachekit check`` itself (it must pass its own check clean).
* Its ``run:`` steps are executed the way the runner executes a composite action: each step's
  ``${{ inputs.* }}`` evaluated by cachekit's expression engine, ``bash --noprofile --norc -eo
  pipefail`` as the shell, ``GITHUB_ACTION_PATH``/``RUNNER_TEMP``/``GITHUB_ENV``/
  ``GITHUB_OUTPUT``/``GITHUB_STEP_SUMMARY`` as files and variables, ``GITHUB_ENV`` applied to
  the steps after. The install step really installs cachekit from the action's directory,
  offline, from the wheelhouse the test command builds (``.wheelhouse``).
* The pre-commit hook is run with ``pre-commit try-repo`` on a fixture repository.
"""

from __future__ import annotations

import importlib.resources
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped,unused-ignore]
import pytest
import yaml
from workflow_validation import actionlint_available, validate_actionlint, validate_schema

from cachekit.expressions import evaluate_template, to_string

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "classic-python"
WHEELHOUSE = ROOT / ".wheelhouse"
_PACKAGE_FILES = ("pyproject.toml", "README.md", "LICENSE", "action.yml", ".pre-commit-hooks.yaml")


def _action() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text())
    return data


def _offline_pip_env(home: Path) -> dict[str, str]:
    """pip reads only the wheelhouse: no index, no user or site configuration."""
    if not WHEELHOUSE.is_dir():
        if os.environ.get("CI"):
            pytest.fail("no .wheelhouse: scripts/test.sh builds it before the tests")
        pytest.skip("no .wheelhouse (scripts/test.sh builds it)")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "GITHUB_"))}
    env.update(
        PIP_CONFIG_FILE=os.devnull,
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=str(WHEELHOUSE),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        HOME=str(home),
    )
    return env


def _source_copy(into: Path) -> Path:
    """The action's directory as a checkout of it holds it (what `uses:` downloads)."""
    into.mkdir(parents=True)
    for name in _PACKAGE_FILES:
        shutil.copy2(ROOT / name, into / name)
    shutil.copytree(
        ROOT / "cachekit", into / "cachekit", ignore=shutil.ignore_patterns("__pycache__")
    )
    return into


# -- metadata and the documented workflow -----------------------------------------------------


def test_action_metadata_matches_githubs_schema() -> None:
    resource = importlib.resources.files("check_jsonschema.builtin_schemas.vendor").joinpath(
        "github-actions.json"
    )
    schema = json.loads(resource.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [e.message for e in validator.iter_errors(_action())]
    assert errors == []
    # every input a step reads is declared, and every declared input is read
    text = (ROOT / "action.yml").read_text()
    used = set(re.findall(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", text))
    assert used == set(_action()["inputs"])


def _documented_workflow() -> str:
    page = (ROOT / "docs" / "ci.md").read_text()
    blocks = re.findall(r"```yaml\n(# \.github/workflows/cachekit\.yml\n.*?)```", page, re.S)
    assert len(blocks) == 1, "docs/ci.md shows the copy-paste workflow once"
    return str(blocks[0])


def test_documented_workflow_is_valid_and_passes_cachekit_check(tmp_path: Path) -> None:
    text = _documented_workflow()
    assert validate_schema(text) == []
    if actionlint_available():
        assert validate_actionlint(text, name="cachekit.yml") == []
    from click.testing import CliRunner  # noqa: PLC0415

    from cachekit.cli import main  # noqa: PLC0415

    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "cachekit.yml").write_text(text)
    result = CliRunner().invoke(main, ["check", str(tmp_path), "--fail-on", "note"])
    assert result.exit_code == 0, result.output


def _block(language: str, after: str) -> str:
    page = (ROOT / "docs" / "ci.md").read_text()
    section = page[page.index(after) :]
    return section[section.index(f"```{language}\n") + len(language) + 4 : section.index("\n```\n")]


def test_the_in_ci_page_shows_todays_real_reports() -> None:
    """docs/ci.md's log, summary and SARIF are what cachekit writes on the bundled example."""
    from click.testing import CliRunner  # noqa: PLC0415

    from cachekit.cli import main  # noqa: PLC0415

    def check(fmt: str) -> str:
        out = CliRunner().invoke(
            main, ["check", str(EXAMPLE), "--format", fmt, "--fail-on", "none"]
        )
        assert out.exit_code == 0, out.output
        return str(out.stdout)

    log = [line.split("%0A")[0] for line in check("github").splitlines()]
    assert _block("console", "### What a run shows").splitlines() == log
    assert _block("markdown", "### The job summary") == check("markdown").rstrip("\n")
    shown = json.loads(_block("json", "### SARIF"))
    assert shown == json.loads(check("sarif"))["runs"][0]["results"][0]


def _console(after: str) -> list[tuple[list[str], list[str]]]:
    """The ``$ cachekit …`` commands of the console block after ``after``, each with its lines."""
    runs: list[tuple[list[str], list[str]]] = []
    for line in _block("console", after).splitlines():
        if line.startswith("$ cachekit "):
            runs.append((line[len("$ cachekit ") :].split(), []))
        else:
            runs[-1][1].append(line)
    return runs


def test_the_in_ci_page_shows_real_configuration_and_baseline_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner  # noqa: PLC0415

    from cachekit.cli import main  # noqa: PLC0415

    repo = tmp_path / "example"
    shutil.copytree(EXAMPLE, repo)
    monkeypatch.chdir(repo)
    config = _block("toml", "## Configuration").splitlines()
    (repo / ".github" / "cachekit.toml").write_text("\n".join([*config[:3], config[-1]]) + "\n")

    def replay(after: str) -> None:
        for args, shown in _console(after):
            quiet = args[-2:] == [">", "/dev/null"]  # the page shows stderr alone
            out = CliRunner().invoke(main, args[:-2] if quiet else args)
            assert (out.stderr + ("" if quiet else out.stdout)).splitlines() == shown, args

    replay("With the first, second and last lines")
    (repo / ".github" / "cachekit.toml").write_text('[check]\ndisable = ["hashed-file-unsued"]\n')
    replay("Every key and code is checked")
    (repo / ".github" / "cachekit.toml").unlink()
    replay("## A baseline")


# -- the composite action, executed -------------------------------------------------------------


@dataclass
class Runner:
    """The files and variables a runner gives a composite action's steps."""

    workspace: Path
    temp: Path
    action_path: Path
    env: dict[str, str]

    def files(self) -> dict[str, Path]:
        return {
            "GITHUB_ENV": self.temp / "env",
            "GITHUB_OUTPUT": self.temp / "output",
            "GITHUB_STEP_SUMMARY": self.temp / "summary.md",
        }

    def run_step(
        self, step: dict[str, Any], inputs: dict[str, str]
    ) -> subprocess.CompletedProcess[str]:
        contexts = {"inputs": inputs, "github": {"action_path": str(self.action_path)}}

        def value(text: Any) -> str:
            return to_string(evaluate_template(str(text), contexts).value)

        for path in self.files().values():
            path.write_text("")
        env = dict(self.env)
        env.update({k: value(v) for k, v in (step.get("env") or {}).items()})
        env.update({k: str(v) for k, v in self.files().items()})
        env.update(
            GITHUB_ACTION_PATH=str(self.action_path),
            RUNNER_TEMP=str(self.temp),
            GITHUB_WORKSPACE=str(self.workspace),
            GITHUB_ACTIONS="true",
            CI="true",
        )
        assert step["shell"] == "bash"
        script = self.temp / "step.sh"
        script.write_text(step["run"])  # run: text has no ${{ }}: inputs come through env
        assert "${{" not in step["run"]
        cwd = self.workspace / value(step.get("working-directory", "."))
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        # GITHUB_ENV lines reach the steps after this one (NAME=value form only here)
        for line in self.files()["GITHUB_ENV"].read_text().splitlines():
            name, _, val = line.partition("=")
            self.env[name] = val
        return proc

    def outputs(self) -> dict[str, str]:
        text = self.files()["GITHUB_OUTPUT"].read_text()
        return dict(line.partition("=")[::2] for line in text.splitlines() if "=" in line)


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    base = tmp_path_factory.mktemp("runner")
    action_path = _source_copy(base / "action")
    workspace = base / "workspace"
    shutil.copytree(EXAMPLE, workspace)
    temp = base / "temp"
    temp.mkdir()
    home = base / "home"
    home.mkdir()
    r = Runner(workspace, temp, action_path, _offline_pip_env(home))
    install = _action()["runs"]["steps"][0]
    proc = r.run_step(install, {"python": "python3"})
    assert proc.returncode == 0, proc.stderr
    assert (Path(r.env["CACHEKIT_BIN"]) / "cachekit").exists()
    yield r


def _inputs(**given: str) -> dict[str, str]:
    inputs = {name: str(spec.get("default", "")) for name, spec in _action()["inputs"].items()}
    inputs.update(given)
    return inputs


def _check_step() -> dict[str, Any]:
    step: dict[str, Any] = _action()["runs"]["steps"][1]
    return step


@pytest.fixture
def counted(runner: Runner) -> Iterator[Path]:
    """``CACHEKIT_BIN`` with a ``cachekit`` that logs each run, one line, then runs the real one."""
    real = runner.env["CACHEKIT_BIN"]
    shim = runner.temp / "counting-bin"
    shim.mkdir(exist_ok=True)
    log = runner.temp / "runs.log"
    log.write_text("")
    script = shim / "cachekit"
    script.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}/cachekit" "$@"\n')
    script.chmod(0o755)
    runner.env["CACHEKIT_BIN"] = str(shim)
    try:
        yield log
    finally:
        runner.env["CACHEKIT_BIN"] = real


def test_action_runs_one_analysis_for_log_summary_and_sarif(runner: Runner, counted: Path) -> None:
    sarif = runner.temp / "one.sarif"
    proc = runner.run_step(_check_step(), _inputs(**{"sarif-file": str(sarif)}))
    assert proc.returncode == 1, proc.stderr
    runs = counted.read_text().splitlines()
    assert len(runs) == 1 and runs[0].startswith("check ."), runs
    # the three reports, from that one run, say the same
    annotations = re.findall(r"^::(\w+) file=[^:]*title=cachekit ([\w-]+)::", proc.stdout, re.M)
    summary = runner.files()["GITHUB_STEP_SUMMARY"].read_text()
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    codes = sorted(code for _, code in annotations)
    assert (
        codes
        == sorted(r["ruleId"] for r in results)
        == ["input-not-in-key", "unpinned-in-built-env"]
    )
    assert all(f"`{code}`" in summary for code in codes)


def test_action_fails_the_step_on_findings_with_annotations_and_summary(runner: Runner) -> None:
    proc = runner.run_step(_check_step(), _inputs())
    assert proc.returncode == 1
    assert runner.outputs() == {"exit-code": "1"}
    assert re.search(r"^::error file=\.github/workflows/ci\.yml,line=19", proc.stdout, re.M)
    summary = runner.files()["GITHUB_STEP_SUMMARY"].read_text()
    assert summary.startswith("## cachekit check")
    assert "`input-not-in-key`" in summary


def test_action_writes_sarif_and_passes_with_fail_on_none(runner: Runner) -> None:
    sarif = runner.temp / "cachekit.sarif"
    proc = runner.run_step(
        _check_step(), _inputs(**{"fail-on": "none", "sarif-file": str(sarif), "format": "text"})
    )
    assert proc.returncode == 0, proc.stderr
    assert runner.outputs() == {"exit-code": "0"}
    assert "input-not-in-key" in proc.stdout
    log = json.loads(sarif.read_text())
    assert {r["ruleId"] for r in log["runs"][0]["results"]} >= {"input-not-in-key"}


def test_action_args_are_words_not_shell(runner: Runner) -> None:
    canary = runner.temp / "pwned"
    proc = runner.run_step(_check_step(), _inputs(args=f"--job test $(touch {canary})"))
    assert not canary.exists()
    assert proc.returncode == 2  # "$(touch" reaches cachekit as a word: a usage error
    assert runner.outputs() == {"exit-code": "2"}
    assert runner.files()["GITHUB_STEP_SUMMARY"].read_text() == ""  # no report of a failed run
    proc = runner.run_step(_check_step(), _inputs(args="--job test --workflow ci.yml"))
    assert proc.returncode == 1
    assert "job test" in runner.files()["GITHUB_STEP_SUMMARY"].read_text()


# -- pre-commit -----------------------------------------------------------------------------------


def test_pre_commit_hook_with_try_repo(tmp_path: Path) -> None:
    pre_commit = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")
    if not Path(pre_commit).exists():
        pytest.fail("pre-commit is not installed (it is in the test extra)")
    env = _offline_pip_env(tmp_path / "home")
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    (tmp_path / "home").mkdir()
    git = [
        "git",
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.com",
        "-c",
        "commit.gpgsign=false",
    ]
    hooks = _source_copy(tmp_path / "hooks")
    subprocess.run(["git", "init", "-q", str(hooks)], check=True)
    subprocess.run([*git, "-C", str(hooks), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(hooks), "commit", "-qm", "hooks"], check=True)
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "-C", str(repo), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(repo), "commit", "-qm", "ci"], check=True)

    def try_repo() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [pre_commit, "try-repo", str(hooks), "cachekit-check", "--all-files"],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    proc = try_repo()
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "input-not-in-key" in proc.stdout
    (repo / ".github" / "cachekit.toml").write_text(
        '[check]\ndisable = ["input-not-in-key", "unpinned-in-built-env"]\n'
    )
    proc = try_repo()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout
