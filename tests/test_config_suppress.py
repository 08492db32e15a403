"""Configuration, inline ignores and baselines: what a team chooses not to see, and nothing else.

Each test runs the real ``cachekit check`` on a copy of the bundled example (which has one
error and one warning on the same step) and asserts what is reported, what is hidden, and the
exit code; malformed configuration must fail with file:line, never pass silently.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from cachekit.cli import main
from cachekit.config import ConfigError, load_config
from cachekit.fs.trees import WorkTree
from cachekit.suppress import _step_lines, inline_ignores

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "classic-python"
WORKFLOW = ".github/workflows/ci.yml"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLE, tmp_path / "repo")
    return tmp_path / "repo"


def check(repo: Path, *args: str) -> tuple[int, list[dict[str, object]], str]:
    result = CliRunner().invoke(main, ["check", str(repo), "--format", "json", *args])
    out = result.stdout
    findings = json.loads(out)["findings"] if out.strip().startswith("{") else []
    return result.exit_code, findings, result.stderr


def codes(findings: list[dict[str, object]]) -> set[object]:
    return {f["code"] for f in findings}


def edit_step(repo: Path, old: str, new: str) -> None:
    path = repo / WORKFLOW
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_the_example_has_an_error_and_a_warning(repo: Path) -> None:
    status, findings, _ = check(repo)
    assert status == 1
    assert codes(findings) == {"input-not-in-key", "unpinned-in-built-env"}


def test_config_disables_a_code_and_says_how_many_are_hidden(repo: Path) -> None:
    (repo / ".github" / "cachekit.toml").write_text('[check]\ndisable = ["input-not-in-key"]\n')
    status, findings, err = check(repo)
    assert codes(findings) == {"unpinned-in-built-env"}
    assert status == 1
    assert "finding(s) not shown (configuration 1" in err


def test_config_severity_and_fail_on(repo: Path) -> None:
    (repo / ".github" / "cachekit.toml").write_text(
        '[check]\nfail-on = "error"\n[check.severity]\n"input-not-in-key" = "note"\n'
    )
    status, findings, _ = check(repo)
    assert {f["severity"] for f in findings if f["code"] == "input-not-in-key"} == {"note"}
    assert status == 0  # a note and a warning, below the configured fail-on
    status, _, _ = check(repo, "--fail-on", "note")  # the command line wins
    assert status == 1


def test_config_ignores_jobs_and_workflows(repo: Path) -> None:
    (repo / ".github" / "cachekit.toml").write_text('[check]\nignore-jobs = ["test"]\n')
    assert check(repo)[:2] == (0, [])
    (repo / ".github" / "cachekit.toml").write_text(
        '[check]\nignore-workflows = [".github/workflows/*.yml"]\n'
    )
    assert check(repo)[:2] == (0, [])
    (repo / ".github" / "cachekit.toml").write_text('[check]\nignore-paths = ["docs/**"]\n')
    assert check(repo)[0] == 1  # a path that covers nothing hides nothing


def test_pyproject_tool_table_and_precedence(repo: Path) -> None:
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.cachekit.check]\ndisable = ["unpinned-in-built-env"]\n'
    )
    assert codes(check(repo)[1]) == {"input-not-in-key"}
    (repo / ".github" / "cachekit.toml").write_text("[check]\n")
    assert load_config(WorkTree(str(repo))).source == ".github/cachekit.toml"
    assert codes(check(repo)[1]) == {"input-not-in-key", "unpinned-in-built-env"}


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ('[check]\ndisabel = ["x"]\n', ":2:", "unknown key 'disabel'"),
        ('[check]\ndisable = [\n  "input-not-in-key",\n  "no-such-code",\n]\n', ":4:", "unknown"),
        ('[check]\n\n[check.severity]\n"volatile-key" = "fatal"\n', ":4:", "must be one of"),
        ('[check]\nfail-on = "sometimes"\n', ":2:", "fail-on must be one of"),
        ("[checks]\n", ":1:", "unknown table or key 'checks'"),
        ("[check\n", ":1:", "invalid TOML"),
    ],
)
def test_malformed_config_names_file_and_line(repo: Path, text: str, where: str, what: str) -> None:
    (repo / ".github" / "cachekit.toml").write_text(text)
    result = CliRunner().invoke(main, ["check", str(repo)])
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert line.count("\n") == 0
    assert f".github/cachekit.toml{where}" in line
    assert what in line
    with pytest.raises(ConfigError):
        load_config(WorkTree(str(repo)))


def test_config_symlink_is_refused(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.toml"
    outside.write_text('[check]\ndisable = ["input-not-in-key"]\n')
    (repo / ".github" / "cachekit.toml").symlink_to(outside)
    result = CliRunner().invoke(main, ["check", str(repo)])
    assert result.exit_code == 2
    assert "not a regular file" in result.stderr


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            "      - uses: actions/cache@v4\n",
            "      - uses: actions/cache@v4  # cachekit: ignore[input-not-in-key]\n",
        ),
        (
            "          key: ${{ runner.os }}",
            "          # a comment above does not count\n          key: ${{ runner.os }}",
        ),
        (
            "          key: ${{ runner.os }}-${{ env.pythonLocation }}-${{ hashFiles('setup.py') }}"
            "-${{ hashFiles('requirements.txt') }}",
            "          key: ${{ runner.os }}-${{ env.pythonLocation }}-${{ hashFiles('setup.py') }}"
            "-${{ hashFiles('requirements.txt') }}  # cachekit: ignore[input-not-in-key]",
        ),
    ],
)
def test_inline_ignore_on_the_step_or_key_line(repo: Path, old: str, new: str) -> None:
    edit_step(repo, old, new)
    status, findings, _ = check(repo)
    if "ignore[" in new:
        assert codes(findings) == {"unpinned-in-built-env"}
    else:
        assert codes(findings) == {"input-not-in-key", "unpinned-in-built-env"}
    assert status == 1
    assert codes(check(repo, "--no-ignores")[1]) == {"input-not-in-key", "unpinned-in-built-env"}


def test_bare_inline_ignore_hides_every_code_of_that_step_only(repo: Path) -> None:
    edit_step(
        repo,
        "      - uses: actions/cache@v4\n",
        "      - uses: actions/cache@v4  # cachekit: ignore\n",
    )
    assert check(repo)[:2] == (0, [])
    # the same comment on another step hides nothing here
    edit_step(repo, "  # cachekit: ignore\n", "\n")
    edit_step(repo, "      - run: pytest", "      - run: pytest  # cachekit: ignore")
    assert check(repo)[0] == 1


def test_inline_ignore_with_unknown_code_is_an_error(repo: Path) -> None:
    edit_step(
        repo,
        "      - uses: actions/cache@v4\n",
        "      - uses: actions/cache@v4  # cachekit: ignore[input-not-in-kee]\n",
    )
    result = CliRunner().invoke(main, ["check", str(repo)])
    assert result.exit_code == 2
    assert f"{WORKFLOW}:19: unknown finding code 'input-not-in-kee'" in result.stderr


def test_baseline_hides_todays_findings_and_reports_new_ones(repo: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    status, findings, err = check(repo, "--write-baseline", str(baseline))
    assert status == 1 and len(findings) == 2
    assert "recorded 2 finding(s)" in err
    assert json.loads(baseline.read_text())["schema"] == "cachekit.baseline/1"
    assert check(repo, "--baseline", str(baseline))[:2] == (0, [])
    # lines above the step move: the baseline still matches (no line numbers in it)
    edit_step(repo, "name: CI\n", "name: CI\n# a comment\n# another\n")
    assert check(repo, "--baseline", str(baseline))[:2] == (0, [])
    # a new problem is reported: a second cache over the same environment, unkeyed on Python
    edit_step(
        repo,
        "      - run: pip install -e . -r requirements.txt\n",
        "      - uses: actions/cache@v4\n"
        "        with:\n"
        "          path: .venv\n"
        "          key: venv-${{ hashFiles('requirements.txt') }}\n"
        "      - run: python -m venv .venv && .venv/bin/pip install -r requirements.txt\n"
        "      - run: pip install -e . -r requirements.txt\n",
    )
    status, findings, _ = check(repo, "--baseline", str(baseline))
    assert status == 1 and findings
    assert all(f["line"] != 19 for f in findings)
    assert len(check(repo, "--baseline", str(baseline), "--no-ignores")[1]) > len(findings)


@pytest.mark.parametrize(
    "content",
    ["", "{", '{"schema": "other/1", "findings": []}', '{"schema": "cachekit.baseline/1"}'],
)
def test_bad_baseline_is_a_usage_error(repo: Path, tmp_path: Path, content: str) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text(content)
    result = CliRunner().invoke(main, ["check", str(repo), "--baseline", str(baseline)])
    assert result.exit_code == 2
    assert str(baseline) in result.stderr


def test_missing_baseline_says_how_to_write_one(repo: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(repo), "--baseline", str(tmp_path / "b.json")])
    assert result.exit_code == 2
    assert "--write-baseline" in result.stderr


def test_inline_ignores_parse() -> None:
    text = "a: 1  # cachekit: ignore[volatile-key, cache-poisoning]\nb: 2 # cachekit:ignore\n"
    assert inline_ignores("w.yml", text) == {
        1: frozenset({"volatile-key", "cache-poisoning"}),
        2: frozenset({"*"}),
    }


@st.composite
def _workflow_steps(draw: st.DrawFn) -> tuple[list[str], list[int], int, int]:
    """A job's steps as YAML lines, each step's first line, a commented step and line."""
    lines = ["jobs:", "  build:", "    steps:"]
    starts: list[int] = []
    count = draw(st.integers(1, 6))
    for n in range(count):
        starts.append(len(lines))
        first = draw(st.sampled_from(["uses: actions/cache@v4", "name: step", "run: make"]))
        lines.append(f"      - {first}")
        for key in draw(st.lists(st.sampled_from(["with:", "key: k", "id: x", "if: x"]))):
            lines.append(f"        {key}")
            if key == "with:":
                lines.append(f"          key: k{n}")
                lines.append("          path: p")
        if draw(st.booleans()):
            lines.append("        run: |")
            lines.append("          - not a step, a line of a script")
    target = draw(st.integers(0, count - 1))
    end = starts[target + 1] if target + 1 < count else len(lines)
    commentable = [
        i
        for i in range(starts[target], end)
        if i == starts[target] or lines[i].lstrip().startswith(("key:", "uses:"))
    ]
    return lines, starts, target, draw(st.sampled_from(commentable))


@given(_workflow_steps())
def test_an_ignore_comment_covers_its_own_step_and_no_other(
    case: tuple[list[str], list[int], int, int],
) -> None:
    lines, starts, target, commented = case
    lines = list(lines)
    lines[commented] += "  # cachekit: ignore[volatile-key]"
    text = "\n".join(lines)
    ignores = inline_ignores("w.yml", text)
    for index, start in enumerate(starts):
        covered = any("volatile-key" in ignores.get(i + 1, ()) for i in _step_lines(lines, start))
        assert covered == (index == target), (index, target, text)
