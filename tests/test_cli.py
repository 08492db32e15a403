"""The CLI's contract, the same for every command: exit codes, options, refusals, JSON schemas."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import jsonschema  # type: ignore[import-untyped]
import pytest
from click.testing import CliRunner
from gitutil import commit_all, init
from treebuild import build

from cachekit.cli import COMMANDS, main
from cachekit.cli.common import use_color
from cachekit.output.registry import KINDS, SCHEMAS, formats

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "docs" / "schemas"
LOGS = Path(__file__).parent / "cases" / "logs"

WORKFLOW = """\
name: ci
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - uses: actions/cache@v4
        with:
          path: .venv
          key: venv-${{ hashFiles('requirements.txt') }}
      - run: python -m venv .venv && .venv/bin/pip install -r requirements.txt
"""
HISTORY_COMMANDS = ("predict", "audit")
REPO_COMMANDS = ("explain", "check", "suggest", "resolve", *HISTORY_COMMANDS)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository whose one cache misses an input (findings) and a subdirectory."""
    root = init(tmp_path_factory.mktemp("cli") / "repo")
    build(
        root,
        {
            ".github/workflows/ci.yml": WORKFLOW,
            "requirements.txt": "-r base.txt\n",
            "base.txt": "attrs==23.2.0\n",
            "src/pkg/__init__.py": "",
        },
    )
    commit_all(root, "first")
    (root / "base.txt").write_text("attrs==24.2.0\n")
    commit_all(root, "bump attrs")
    return root


def invoke(*args: str, **kwargs: Any) -> Any:
    return CliRunner().invoke(main, list(args), **kwargs)


# -- exit codes ---------------------------------------------------------------------------------


def test_exit_0_and_1_follow_fail_on(repo: Path) -> None:
    assert invoke("check", str(repo)).exit_code == 1  # an error-level finding
    assert invoke("check", str(repo), "--fail-on", "none").exit_code == 0
    assert invoke("explain", str(repo)).exit_code == 0


@pytest.mark.parametrize("command", REPO_COMMANDS)
def test_nothing_to_analyse_is_exit_2_with_a_hint(tmp_path: Path, command: str) -> None:
    empty = init(tmp_path / "empty")
    build(empty, {"README.md": "no workflows\n"})
    commit_all(empty)
    out = invoke(command, str(empty))
    assert out.exit_code == 2, out.output
    assert "no workflows" in out.stderr and ".github/workflows" in out.stderr
    assert out.stdout == ""


@pytest.mark.parametrize("command", REPO_COMMANDS)
def test_a_filter_matching_nothing_is_exit_2_listing_what_exists(repo: Path, command: str) -> None:
    out = invoke(command, str(repo), "--job", "nosuchjob")
    assert out.exit_code == 2 and "--job nosuchjob" in out.stderr and "test" in out.stderr
    out = invoke(command, str(repo), "--workflow", "nosuch.yml")
    assert out.exit_code == 2 and "ci.yml" in out.stderr
    assert out.stdout == ""


@pytest.mark.parametrize("command", ["explain", "check", "suggest", "resolve"])
def test_a_subdirectory_means_the_repository_top_said_on_stderr(repo: Path, command: str) -> None:
    top = invoke(command, str(repo), "--format", "json")
    sub = invoke(command, str(repo / "src" / "pkg"), "--format", "json")
    assert sub.exit_code == top.exit_code
    assert "using the repository's top" in sub.stderr and str(repo) in sub.stderr
    assert _untimed(json.loads(sub.stdout)) == _untimed(json.loads(top.stdout))
    quiet = invoke(command, str(repo / "src"), "-q", "--format", "json")
    assert quiet.stderr == "" and _untimed(json.loads(quiet.stdout)) == _untimed(
        json.loads(top.stdout)
    )


@pytest.mark.parametrize(
    "config", [".gitlab-ci.yml", ".circleci/config.yml", "azure-pipelines.yml"]
)
def test_another_platforms_configuration_makes_its_directory_the_workspace(
    tmp_path: Path, config: str
) -> None:
    """A GitLab/CircleCI/Azure project inside a GitHub repository is read where it is."""
    top = init(tmp_path / "top")
    build(top, {".github/workflows/ci.yml": WORKFLOW, f"ci/{config}": "{}\n"})
    commit_all(top)
    out = invoke("explain", str(top / "ci"), "--format", "json")
    assert out.exit_code == 0 and "repository's top" not in out.stderr, out.output
    assert json.loads(out.stdout)["root"] == str((top / "ci").resolve())


def _untimed(data: Any) -> Any:
    """JSON without the durations (resolve's "seconds") that differ from run to run."""
    if isinstance(data, dict):
        return {k: _untimed(v) for k, v in data.items() if k != "seconds"}
    if isinstance(data, list):
        return [_untimed(v) for v in data]
    return data


def test_history_commands_need_the_top_itself(repo: Path, tmp_path: Path) -> None:
    sub = invoke("predict", str(repo / "src"), "--json")
    assert sub.exit_code == 0 and "using the repository's top" in sub.stderr
    assert json.loads(sub.stdout)["summary"]["requests"] > 0  # never silently 0 cache uses
    nested = init(tmp_path / "outer")
    build(nested, {"inner/.github/workflows/ci.yml": WORKFLOW})
    commit_all(nested)
    out = invoke("predict", str(nested / "inner"))
    assert out.exit_code == 2 and "replays that repository's history" in out.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["predict", "--since", "notadate"], "--since 'notadate': not a date"),
        (["audit", "--since", "2026-13-45"], "not a date"),
        (["predict", "--entry-size", "lots"], "not a size"),
        (["audit", "--limit", "-1G"], "not a size"),
        (["resolve", "--exclude-newer", "yesterday"], "not a date"),
        (["check", "--json", "--format", "sarif"], "disagree"),
        (["resolve", "--os", "linux", "--platform", "macos"], "--os linux and --platform macos"),
        (["check", "--also-output", "html=r.html"], "unknown format 'html'"),
        (["check", "--also-output", "r.sarif"], "give FORMAT=FILE"),
        (["check", "-o", "r", "--also-output", "sarif=r"], "written twice"),
        (["predict", "--also-output", "json=/nonexistent/r.json"], "no directory /nonexistent"),
    ],
)
def test_values_are_checked_before_any_work(repo: Path, args: list[str], message: str) -> None:
    out = invoke(args[0], str(repo), *args[1:])
    assert out.exit_code == 2 and message in out.stderr and out.stdout == ""


@pytest.mark.parametrize("command", ["predict", "audit"])
def test_a_report_in_a_missing_directory_fails_at_once(repo: Path, command: str) -> None:
    out = invoke(command, str(repo), "--html", "/nonexistent/r.html")
    assert out.exit_code == 2, out.output  # the path is wrong: a usage error (fs.atomic)
    assert "cannot write /nonexistent/r.html: no directory /nonexistent" in out.stderr
    assert out.stdout == ""  # nothing was predicted first
    out = invoke(command, str(repo), "-o", "/nonexistent/out.json")
    assert out.exit_code == 2 and "no directory" in out.stderr and out.stdout == ""
    out = invoke(command, str(repo), "-o", str(repo))  # a directory: click refuses the value
    assert out.exit_code == 2 and "is a directory" in out.stderr


def test_also_output_renders_the_same_run_again(repo: Path, tmp_path: Path) -> None:
    sarif, summary = tmp_path / "r.sarif", tmp_path / "r.md"
    out = invoke(
        "check",
        str(repo),
        "--json",
        "--also-output",
        f"sarif={sarif}",
        "--also-output",
        f"markdown={summary}",
        "--color",
        "always",
    )
    assert out.exit_code == 1
    codes = [f["code"] for f in json.loads(out.stdout)["findings"]]
    assert [r["ruleId"] for r in json.loads(sarif.read_text())["runs"][0]["results"]] == codes
    text = summary.read_text()
    assert text.startswith("## cachekit check") and "\x1b" not in text
    assert all(f"`{code}`" in text for code in codes)


def test_output_file_is_written_whole(repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.sarif"
    out = invoke("check", str(repo), "--format", "sarif", "-o", str(target), "--fail-on", "none")
    assert out.exit_code == 0 and out.stdout == ""
    assert json.loads(target.read_text())["version"] == "2.1.0"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".cachekit-")]


def test_git_missing_is_a_failure_of_the_environment(repo: Path, tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cachekit", "predict", str(repo)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PATH": str(tmp_path), "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 3, proc.stderr
    assert proc.stderr.startswith("cachekit: error: git is not installed")


def test_a_bug_is_exit_70_in_one_line(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cachekit.checks  # noqa: PLC0415

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(cachekit.checks, "check", broken)
    out = invoke("check", str(repo))
    assert out.exit_code == 70 and "internal error: RuntimeError: boom" in out.stderr
    assert "Traceback" not in out.output


# -- one option vocabulary ---------------------------------------------------------------------


def _command(name: str) -> click.Command:
    command = main.get_command(click.Context(main), name)
    assert command is not None
    return command


def test_format_choices_come_from_the_renderer_registry() -> None:
    kinds = {"explain": "explain"} | {k: k for k in KINDS if k in COMMANDS}
    for name, kind in kinds.items():
        params = {p.name: p for p in _command(name).params}
        fmt = params["fmt"]
        assert isinstance(fmt.type, click.Choice)
        assert tuple(fmt.type.choices) == formats(kind), name
        assert "as_json" in params and "output" in params, name
    assert formats("compare") == formats("explain")  # explain --compare renders a comparison


def _walk(command: click.Command, path: str = "cachekit") -> Iterator[tuple[str, click.Command]]:
    """Every command of the tree, groups' subcommands included, with its full name."""
    yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None, name
            yield from _walk(sub, f"{path} {name}")


def _options(command: click.Command) -> list[click.Option]:
    return [p for p in command.params if isinstance(p, click.Option)]


#: Where one flag legitimately offers different choices: predict and audit replay only the
#: events a history has; --format is each command's registered renderers.
_CHOICES_DIFFER = {"--event", "--format"}


def test_every_option_of_every_command_has_help_and_one_meaning() -> None:
    meaning: dict[str, tuple[str, frozenset[str], tuple[str, ...] | None, str]] = {}
    for path, command in _walk(main._group()):
        assert command.help, path
        for option in _options(command):
            assert option.help, f"{path} {option.opts}"  # hidden aliases too
            if option.hidden:  # a deprecated alias: its own name, kept working
                continue
            flags = frozenset(option.opts + option.secondary_opts)
            choices = tuple(option.type.choices) if isinstance(option.type, click.Choice) else None
            for flag in option.opts:
                seen = meaning.setdefault(flag, (str(option.name), flags, choices, path))
                # the same flag is the same parameter, with the same aliases, everywhere
                assert (seen[0], seen[1]) == (option.name, flags), f"{path} {flag} vs {seen[3]}"
                if flag not in _CHOICES_DIFFER:
                    assert seen[2] == choices, f"{path} {flag} vs {seen[3]}"
    assert meaning["--os"][2] == ("linux", "macos", "windows")


def test_every_command_that_renders_has_format_output_and_the_terminal_options() -> None:
    for name in COMMANDS:
        command = _command(name)
        if isinstance(command, click.Group):  # data: manages snapshots, renders no result
            continue
        opts = {p.name for p in command.params}
        assert {"color", "quiet", "verbose", "fmt", "as_json", "output"} <= opts, name
        flags = {f for o in _options(command) for f in o.opts}
        assert {"--format", "--json", "-o", "--output"} <= flags, name
        positionals = [p.name for p in command.params if isinstance(p, click.Argument)]
        assert positionals[0] == "repo", name  # REPO, the first positional, on every command
        if name in REPO_COMMANDS:
            assert {"workflow", "job"} <= opts, name
        if name in ("explain", "check", "suggest", "predict", "audit"):
            assert {"event", "os_name", "arch"} <= opts, name
        if name in ("hash", "explain", "check", "resolve", "predict", "audit"):
            assert "rev" in opts, name


def test_json_is_an_alias_of_format_json(repo: Path) -> None:
    a = invoke("explain", str(repo), "--json")
    b = invoke("explain", str(repo), "--format", "json")
    assert a.stdout == b.stdout and json.loads(a.stdout)["schema"] == "cachekit.explain/1"


# -- the terminal -------------------------------------------------------------------------------


def test_color_honours_the_flag_then_no_color_then_force_color(
    monkeypatch: pytest.MonkeyPatch, repo: Path
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert use_color("auto", True) and not use_color("auto", False)
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color("auto", True) and use_color("always", False)
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert use_color("auto", False) and not use_color("never", True)
    coloured = invoke("check", str(repo), "--color", "always")
    assert "\x1b[1;31merror\x1b[0m" in coloured.stdout
    assert "\x1b" not in invoke("check", str(repo), "--color", "never").stdout
    assert "\x1b" not in invoke("check", str(repo), "--format", "json").stdout
    assert "\x1b[" in invoke("predict", str(repo), "--color", "always").stdout


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.mark.parametrize(
    "args",
    [
        ["check", "{repo}"],
        ["explain", "{repo}"],
        ["explain", "{repo}", "--compare", "HEAD~1", "HEAD"],
        ["predict", "{repo}"],
        ["audit", "{repo}", "--logs", str(LOGS / "run-archive")],
        ["suggest", "{repo}"],
        ["resolve", "{repo}", "--no-index", "--find-links", "{repo}"],
        ["hash", "{repo}", "--files", "--", "nothing*"],
        ["eval", "--", "runner.os"],
    ],
    ids=lambda a: " ".join(a[:3]).replace("{repo}", "R"),
)
def test_every_text_output_is_coloured_only_when_asked_and_colour_changes_no_word(
    repo: Path, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = [a.replace("{repo}", str(repo)) for a in args]
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)

    def with_color(choice: str) -> list[str]:  # before any --: hash and eval's words follow it
        return [argv[0], "--color", choice, *argv[1:]]

    plain = invoke(*with_color("never")).stdout
    coloured = invoke(*with_color("always")).stdout
    assert "\x1b" not in plain and _ANSI.search(coloured), coloured
    assert _ANSI.sub("", coloured) == plain
    assert invoke(*argv).stdout == plain  # auto, and the test runner is no terminal
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert invoke(*argv).stdout == coloured
    monkeypatch.setenv("NO_COLOR", "1")  # NO_COLOR wins over FORCE_COLOR; --color over both
    assert invoke(*argv).stdout == plain
    assert invoke(*with_color("always")).stdout == coloured


def test_verbose_says_what_was_read(repo: Path) -> None:
    out = invoke("explain", str(repo), "-v")
    assert "cache(s)" in out.stderr and out.stdout.startswith("1 cache(s)")


# -- JSON schemas -------------------------------------------------------------------------------


def _validate(kind: str, data: object) -> None:
    schema = json.loads((SCHEMA_DIR / f"{kind}-1.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)


def test_a_schema_ships_for_every_kind() -> None:
    assert {p.name for p in SCHEMA_DIR.glob("*.json")} == {f"{k}-1.json" for k in KINDS}
    for kind in KINDS:
        if kind != "eval":
            schema = json.loads((SCHEMA_DIR / f"{kind}-1.json").read_text())
            assert schema["properties"]["schema"] == {"const": SCHEMAS[kind]}


@pytest.mark.parametrize(
    ("kind", "args"),
    [
        ("explain", ["explain", "{repo}"]),
        ("compare", ["explain", "{repo}", "--compare", "HEAD~1", "HEAD"]),
        ("check", ["check", "{repo}", "--fail-on", "none"]),
        ("suggest", ["suggest", "{repo}"]),
        ("suggest", ["suggest", "{repo}", "--simulate", "--max-commits", "5"]),
        ("predict", ["predict", "{repo}"]),
        ("audit", ["audit", "{repo}", "--logs", str(LOGS / "run-archive")]),
        ("audit", ["audit", "{repo}", "--rev", "HEAD~1"]),
        ("resolve", ["resolve", "{repo}", "--no-index", "--find-links", "{repo}"]),
        ("hash", ["hash", "{repo}", "--", "*.txt"]),
        ("eval", ["eval", "--", "fromJSON('{\"a\": [1, null]}')"]),
    ],
)
def test_real_outputs_validate_against_their_schema(repo: Path, kind: str, args: list[str]) -> None:
    out = invoke(args[0], "--json", *[a.replace("{repo}", str(repo)) for a in args[1:]])
    assert out.exit_code in (0, 1), out.output
    data = json.loads(out.stdout)
    _validate(kind, data)
    if kind != "eval":
        assert data["schema"] == SCHEMAS[kind]  # type: ignore[index]


# -- start-up: import discipline (the timings are in benchmarks/bench_startup.py) ----------------


def _fresh(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    ).stdout


def test_version_needs_neither_click_nor_the_library() -> None:
    out = _fresh(
        "import sys; sys.argv = ['cachekit', '--version']\n"
        "from cachekit.cli import main; main()\n"
        "print(sorted(m for m in sys.modules if m == 'click' or m.startswith('cachekit.')))"
    )
    version, modules = out.splitlines()
    assert version == invoke("--version").stdout.strip() == "cachekit, version 0.1.0"
    assert modules == "['cachekit.cli', 'cachekit.errors']"


def test_a_command_imports_the_library_only_when_it_runs() -> None:
    out = _fresh(
        "import sys; from cachekit.cli.app import cli\n"
        "for name in cli.list_commands(None): cli.get_command(None, name)\n"
        "heavy = ('cachekit.checks', 'cachekit.explain', 'cachekit.predict', 'cachekit.suggest',"
        " 'cachekit.hashing', 'cachekit.environments', 'cachekit.output.findings')\n"
        "print([m for m in sys.modules if m.startswith(heavy)])"
    )
    assert out.strip() == "[]"


def test_shell_completion_offers_the_registry_formats() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.argv = ['cachekit']\nfrom cachekit.cli import main; main()",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "_CACHEKIT_COMPLETE": "bash_complete",
            "COMP_WORDS": "cachekit check --format ",
            "COMP_CWORD": "3",
        },
    )
    assert proc.stdout.split() == [f"plain,{name}" for name in formats("check")]
