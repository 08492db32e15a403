"""predict replays the runs GitHub would start: triggers, filters and if: conditions.

Each case is a small git history built here; the expected set of runs is written out.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitutil import ENV, init
from treebuild import build

from cachekit.cli import main
from cachekit.expressions import Unknown
from cachekit.fs.gitrepo import GitRepo
from cachekit.fs.history import default_branch
from cachekit.github.conditions import RunContext, evaluate_if, job_verdicts
from cachekit.github.triggers import TriggerError, TriggerEvent, decide
from cachekit.github.workflows import load_workflow
from cachekit.output.text import render_predict
from cachekit.predict import PredictOptions, predict
from cachekit.predict_groups import miss_groups

CACHE_JOB = """\
  {job}:
    runs-on: ubuntu-24.04
{extra}    steps:
      - uses: actions/cache@v4
        with:
          path: ~/.cache/{job}
          key: {job}-${{{{ hashFiles('deps.txt') }}}}
"""


def workflow(on: str, jobs: dict[str, str] | None = None) -> str:
    jobs = jobs or {"test": ""}
    body = "".join(CACHE_JOB.format(job=j, extra=extra) for j, extra in jobs.items())
    return f"on:\n{on}\njobs:\n{body}"


def commit(repo: Path, n: int, message: str, files: dict[str, str]) -> str:
    when = f"2026-03-{n:02d}T10:00:00Z"
    env = {**ENV, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    build(repo, files)
    for args in (("add", "-A"), ("commit", "-q", "--allow-empty", "-m", message)):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)
    return subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--short=10", "HEAD"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout.strip()


def replayed(repo: Path, **options: object) -> set[tuple[str, str, str]]:
    """(commit, workflow file, job) of every cache use the replay ran."""
    result = predict(str(repo), PredictOptions(**options))  # type: ignore[arg-type]
    return {
        (run.commit[:10], c.workflow.rsplit("/", 1)[-1], c.job)
        for run in result.runs
        for c in run.caches
        if c.outcome != "n/a"
    }


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return init(tmp_path / "repo")


def test_paths_filter_runs_only_on_commits_touching_its_paths(repo: Path) -> None:
    wf = workflow("  push:\n    paths:\n      - 'src/**'\n      - '!src/docs/**'")
    a = commit(repo, 1, "add", {".github/workflows/ci.yml": wf, "deps.txt": "1", "src/a.py": "1"})
    commit(repo, 2, "readme", {"README.md": "x"})
    commit(repo, 3, "docs", {"src/docs/x.md": "x"})
    d = commit(repo, 4, "code", {"src/b.py": "x"})
    assert replayed(repo) == {(a, "ci.yml", "test"), (d, "ci.yml", "test")}
    result = predict(str(repo), PredictOptions())
    counts = result.summary["workflows"][".github/workflows/ci.yml"]
    assert (counts["replayed"], counts["skipped_by_trigger"]) == (2, 2)


def test_paths_ignore_skips_when_every_path_is_ignored(repo: Path) -> None:
    wf = workflow("  push:\n    paths-ignore:\n      - '**.md'")
    a = commit(repo, 1, "add", {".github/workflows/ci.yml": wf, "deps.txt": "1"})
    commit(repo, 2, "docs", {"README.md": "x", "docs/a.md": "y"})
    c = commit(repo, 3, "mixed", {"README.md": "z", "deps.txt": "2"})
    assert replayed(repo) == {(a, "ci.yml", "test"), (c, "ci.yml", "test")}


def test_pull_request_only_workflow_is_not_replayed_on_pushes(repo: Path) -> None:
    files = {
        ".github/workflows/pr.yml": workflow("  pull_request:\n  workflow_dispatch:"),
        ".github/workflows/ci.yml": workflow("  push:\n    branches: [main]"),
        "deps.txt": "1",
    }
    a = commit(repo, 1, "add", files)
    b = commit(repo, 2, "two", {"x": "1"})
    assert replayed(repo) == {(a, "ci.yml", "test"), (b, "ci.yml", "test")}
    assert replayed(repo, event="workflow_dispatch") == {
        (a, "pr.yml", "test"),
        (b, "pr.yml", "test"),
    }


def test_branch_and_tag_filters(repo: Path) -> None:
    files = {
        ".github/workflows/release.yml": workflow("  push:\n    tags: ['v*']"),
        ".github/workflows/other.yml": workflow("  push:\n    branches-ignore: ['ma*']"),
        ".github/workflows/main.yml": workflow("  push:\n    branches: ['**', '!feature/**']"),
        "deps.txt": "1",
    }
    a = commit(repo, 1, "add", files)
    assert replayed(repo) == {(a, "main.yml", "test")}


def test_pull_requests_are_replayed_with_types_and_base_branches(repo: Path) -> None:
    files = {
        ".github/workflows/pr.yml": workflow("  pull_request:\n    branches: [main]"),
        ".github/workflows/closed.yml": workflow("  pull_request:\n    types: [closed]"),
        ".github/workflows/target.yml": workflow("  pull_request_target:"),
        ".github/workflows/other.yml": workflow("  pull_request:\n    branches: [develop]"),
        "deps.txt": "1",
    }
    commit(repo, 1, "add", files)
    git = ["git", "-C", str(repo)]
    subprocess.run([*git, "checkout", "-q", "-b", "feature"], check=True, env=ENV)
    b = commit(repo, 2, "feature work", {"f.py": "1"})
    subprocess.run([*git, "checkout", "-q", "main"], check=True, env=ENV)
    env = {**ENV, "GIT_COMMITTER_DATE": "2026-03-03T10:00:00Z"}
    subprocess.run(
        [*git, "merge", "--no-ff", "-q", "-m", "Merge pull request #7 from o/feature", "feature"],
        check=True,
        env=env,
    )
    result = predict(str(repo), PredictOptions(pull_requests=True))
    pr_runs = {
        (r.event, r.ref, c.workflow.rsplit("/", 1)[-1])
        for r in result.runs
        for c in r.caches
        if r.commit.startswith(b)
    }
    assert pr_runs == {
        ("pull_request", "refs/pull/7/merge", "pr.yml"),
        ("pull_request_target", "refs/heads/main", "target.yml"),
    }


def test_job_conditions_and_needs(repo: Path) -> None:
    jobs = {
        "main_only": "    if: github.ref == 'refs/heads/main'\n",
        "never": "    if: github.ref != 'refs/heads/main'\n",
        "after_never": "    needs: never\n",
        "always_after": "    needs: never\n    if: always()\n",
        "unknown": "    if: vars.ENABLED == 'yes'\n",
        "repo_only": "    if: github.repository == 'o/r'\n",
    }
    a = commit(
        repo, 1, "add", {".github/workflows/ci.yml": workflow("  push:", jobs), "deps.txt": "1"}
    )
    got = {job for _, _, job in replayed(repo, repository="o/r")}
    assert got == {"main_only", "always_after", "unknown", "repo_only"}
    result = predict(str(repo), PredictOptions(repository="someone/else"))
    assert {c.job for r in result.runs for c in r.caches} == {
        "main_only",
        "always_after",
        "unknown",
    }
    counts = result.summary["workflows"][".github/workflows/ci.yml"]
    assert counts["jobs_skipped_by_condition"] == 3
    assert counts["unknown_conditions"] == 1
    assert counts["unknown_condition_texts"] == {"vars.ENABLED == 'yes'": 1}
    unknown = [c for r in result.runs for c in r.caches if c.job == "unknown"]
    assert unknown[0].unknown_conditions == ("vars.ENABLED == 'yes'",)
    assert a


def test_step_condition_skips_a_cache_step(repo: Path) -> None:
    wf = """\
on: push
jobs:
  test:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/cache@v4
        if: github.event_name == 'pull_request'
        with:
          path: a
          key: a-${{ hashFiles('deps.txt') }}
      - uses: actions/cache@v4
        if: ${{ runner.os == 'Linux' }}
        with:
          path: b
          key: b-${{ hashFiles('deps.txt') }}
"""
    commit(repo, 1, "add", {".github/workflows/ci.yml": wf, "deps.txt": "1"})
    result = predict(str(repo), PredictOptions())
    assert [c.line for r in result.runs for c in r.caches] == [11]


def test_restore_save_split_saves_under_the_primary_key(repo: Path) -> None:
    wf = """\
on: push
jobs:
  test:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/cache/restore@v4
        id: cache
        with:
          path: deps
          key: deps-${{ hashFiles('deps.txt') }}
      - run: make
      - uses: actions/cache/save@v4
        if: steps.cache.outputs.cache-hit != 'true'
        with:
          path: deps
          key: ${{ steps.cache.outputs.cache-primary-key }}
"""
    commit(repo, 1, "add", {".github/workflows/ci.yml": wf, "deps.txt": "1"})
    commit(repo, 2, "two", {"x": "1"})
    commit(repo, 3, "deps", {"deps.txt": "2"})
    result = predict(str(repo), PredictOptions())
    restores = [c.outcome for r in result.runs for c in r.caches if c.line == 6]
    assert restores == ["miss", "hit", "miss"]
    saves = [c for r in result.runs for c in r.caches if c.line == 12]
    assert [c.key_known for c in saves] == [True, True, True]


def test_schedule_runs_on_the_default_branch_in_time_order(repo: Path) -> None:
    wf = workflow("  schedule:\n    - cron: '0 12 * * *'")
    commit(repo, 1, "add", {".github/workflows/nightly.yml": wf, "deps.txt": "1"})
    commit(repo, 4, "later", {"x": "1"})
    assert replayed(repo) == set()
    result = predict(str(repo), PredictOptions(schedule=True))
    assert [r.time for r in result.runs] == [
        "2026-03-01T12:00:00+00:00",
        "2026-03-02T12:00:00+00:00",
        "2026-03-03T12:00:00+00:00",
    ]
    assert {r.event for r in result.runs} == {"schedule"}


def test_workflow_run_follows_a_replayed_workflow(repo: Path) -> None:
    files = {
        ".github/workflows/ci.yml": "name: CI\n" + workflow("  push:"),
        ".github/workflows/after.yml": workflow(
            "  workflow_run:\n    workflows: [CI]\n    types: [completed]", {"after": ""}
        ),
        "deps.txt": "1",
    }
    commit(repo, 1, "add", files)
    result = predict(str(repo), PredictOptions())
    assert [(r.event, [c.job for c in r.caches]) for r in result.runs] == [
        ("push", ["test"]),
        ("workflow_run", ["after"]),
    ]


def test_invalid_filters_are_reported_not_replayed(repo: Path) -> None:
    wf = workflow("  push:\n    branches: [main]\n    branches-ignore: [dev]")
    commit(repo, 1, "add", {".github/workflows/ci.yml": wf, "deps.txt": "1"})
    result = predict(str(repo), PredictOptions())
    assert result.runs == ()
    assert any("both branches and branches-ignore" in p for p in result.problems)


# --- the rules one by one ----------------------------------------------------------------


def on(text: str) -> dict[str, object]:
    return load_workflow(f"on:\n{text}\njobs: {{}}\n", "w.yml").on


@pytest.mark.parametrize(
    ("spec", "event", "runs"),
    [
        ("  push:", TriggerEvent("push", "refs/tags/v1"), True),
        ("  push:\n    branches: [main]", TriggerEvent("push", "refs/tags/v1"), False),
        ("  push:\n    tags: ['v*']", TriggerEvent("push", "refs/heads/main"), False),
        (
            "  push:\n    tags: ['v*']\n    paths: [src/**]",
            TriggerEvent("push", "refs/tags/v1", changed=()),
            True,
        ),
        ("  push:\n    paths: [src/**]", TriggerEvent("push", "refs/heads/x", changed=()), False),
        (
            "  push:\n    paths-ignore: [src/**]",
            TriggerEvent("push", "refs/heads/x", changed=()),
            False,
        ),
        (
            "  push:\n    branches: [main]\n    paths: [a]",
            TriggerEvent("push", "refs/heads/main", changed=("a",)),
            True,
        ),
        (
            "  push:\n    branches: [dev]\n    paths: [a]",
            TriggerEvent("push", "refs/heads/main", changed=("a",)),
            False,
        ),
        ("  pull_request:", TriggerEvent("pull_request", activity="labeled"), False),
        ("  pull_request:", TriggerEvent("pull_request", activity="reopened"), True),
        (
            "  pull_request:\n    types: [labeled]",
            TriggerEvent("pull_request", activity="labeled"),
            True,
        ),
        (
            "  pull_request:\n    branches: ['releases/**']",
            TriggerEvent("pull_request", base="releases/1", activity="opened"),
            True,
        ),
        (
            "  merge_group:\n    branches: [main]",
            TriggerEvent("merge_group", base="dev", activity="checks_requested"),
            False,
        ),
        (
            "  merge_group:",
            TriggerEvent("merge_group", base="dev", activity="checks_requested"),
            True,
        ),
        ("  workflow_dispatch:", TriggerEvent("push", "refs/heads/main"), False),
        ("  workflow_call:", TriggerEvent("workflow_call"), True),
        (
            "  workflow_run:\n    workflows: [CI]\n    branches: [main]",
            TriggerEvent("workflow_run", base="dev", workflow="CI"),
            False,
        ),
    ],
)
def test_trigger_rules(spec: str, event: TriggerEvent, runs: bool) -> None:
    assert decide(on(spec), event).runs is runs


def test_paths_look_at_the_first_300_files_only() -> None:
    changed = (*(f"other/{i}" for i in range(300)), "src/a")
    assert not decide(
        on("  push:\n    paths: [src/**]"), TriggerEvent("push", "refs/heads/m", changed=changed)
    ).runs


def test_bad_pattern_names_the_file_and_pattern() -> None:
    with pytest.raises(TriggerError, match=r"w.yml: on.branches: filter pattern 'v\[a-9\]'"):
        decide(
            on("  push:\n    branches: ['v[a-9]']"),
            TriggerEvent("push", "refs/heads/x"),
            where="w.yml",
        )


def test_if_without_status_function_means_success_and() -> None:
    ctx = {"github": RunContext("push", "refs/heads/main").github()}
    assert evaluate_if("github.ref_name == 'main'", ctx, "success").verdict == "run"
    assert evaluate_if("github.ref_name == 'main'", ctx, "skipped").verdict == "skip"
    assert evaluate_if("${{ always() }}", ctx, "skipped").verdict == "run"
    assert evaluate_if("!cancelled()", ctx, "skipped").verdict == "run"
    assert evaluate_if("failure()", ctx, "success").verdict == "skip"
    assert evaluate_if(False, ctx, "success").verdict == "skip"
    assert (
        evaluate_if(
            "github.event.repository.default_branch == github.ref_name", ctx, "success"
        ).verdict
        == "run"
    )
    assert evaluate_if("vars.X", {**ctx, "vars": {}}, "success").verdict == "skip"
    assert evaluate_if("github.actor == 'bot'", ctx, "success").verdict == "unknown"


def test_conditions_are_decided_in_three_valued_logic() -> None:
    """An unknown operand does not make ``||``/``&&`` unknown when another settles them."""
    ctx = {
        "github": RunContext("push", "refs/heads/main").github(),
        "vars": Unknown("vars", "repository variables"),
    }

    def verdict(text: str) -> str:
        return evaluate_if(text, ctx, "success").verdict

    assert verdict("vars.X || true") == "run"
    assert verdict("vars.X == 'a' || github.ref_name == 'main'") == "run"
    assert verdict("vars.X && false") == "skip"
    assert verdict("vars.X == 'a' && github.ref_name == 'dev'") == "skip"
    assert verdict("!vars.X") == "unknown"
    assert verdict("!(vars.X || true)") == "skip"
    assert verdict("vars.X || false") == "unknown"
    assert verdict("vars.X && true") == "unknown"
    assert verdict("${{ (vars.X && false) || github.event_name == 'push' }}") == "run"
    # the implicit success() of a step after a skipped needed job: false settles it
    assert evaluate_if("vars.X || true", ctx, "skipped").verdict == "skip"
    # an error after a settled operand is never reached (GitHub short-circuits)
    assert verdict("true || fromJSON('{')") == "run"
    assert verdict("vars.X || fromJSON('{')") == "unknown"


def test_three_valued_conditions_in_a_replay(repo: Path) -> None:
    jobs = {
        "either": "    if: vars.ON == 'yes' || github.ref == 'refs/heads/main'\n",
        "both": "    if: vars.ON == 'yes' && github.ref == 'refs/heads/dev'\n",
        "negated": "    if: ${{ !vars.ON }}\n",
    }
    commit(repo, 1, "add", {".github/workflows/ci.yml": workflow("  push:", jobs), "deps.txt": "1"})
    result = predict(str(repo), PredictOptions(repository="o/r"))
    assert {c.job: c.unknown_conditions for r in result.runs for c in r.caches} == {
        "either": (),
        "negated": ("${{ !vars.ON }}",),
    }
    counts = result.summary["workflows"][".github/workflows/ci.yml"]
    assert counts["jobs_skipped_by_condition"] == 1
    assert counts["unknown_condition_texts"] == {"${{ !vars.ON }}": 1}


def test_a_skipped_job_skips_the_whole_needs_chain() -> None:
    wf = load_workflow(
        "on: push\njobs:\n  a:\n    if: false\n    runs-on: x\n"
        "  b:\n    needs: a\n    if: always()\n    runs-on: x\n"
        "  c:\n    needs: b\n    runs-on: x\n"
        "  d:\n    needs: c\n    if: needs.c.result == 'skipped'\n    runs-on: x\n",
        "w.yml",
    )
    verdicts = {
        k: v.verdict for k, v in job_verdicts(wf, RunContext("push", "refs/heads/main")).items()
    }
    assert verdicts == {"a": "skip", "b": "run", "c": "skip", "d": "skip"}


def test_report_groups_matrix_legs_orders_naturally_and_ranks_causes(repo: Path) -> None:
    wf = (
        """\
on: push
jobs:
  test:
    runs-on: ubuntu-24.04
    strategy:
      matrix:
        n: [1, 2, 3]
    steps:
      - uses: actions/cache@v4
        with:
          path: a
          key: a-${{ matrix.n }}-${{ hashFiles('deps.txt') }}
"""
        + "\n" * 90
        + """\
  lint:
    runs-on: ubuntu-24.04
    steps:
      - name: lint cache
        uses: actions/cache@v4
        with:
          path: b
          key: b-${{ hashFiles('deps.txt') }}
"""
    )
    commit(repo, 1, "add", {".github/workflows/test.yml": wf, "deps.txt": "1"})
    commit(repo, 2, "deps", {"deps.txt": "2"})
    result = predict(str(repo), PredictOptions())
    assert list(result.summary["per_cache"]) == [
        ".github/workflows/test.yml:9 test / actions/cache",
        ".github/workflows/test.yml:106 lint / lint cache",
    ]
    groups = miss_groups(result.runs)
    assert [(g.cache.job, g.legs) for g in groups] == [("test", 3), ("lint", 1)] * 2
    causes = result.summary["causes"]
    assert [(c["cache"].split(" ")[1], c["code"], c["misses"]) for c in causes] == [
        ("test", "first-run", 3),
        ("test", "key-changed", 3),
        ("lint", "first-run", 1),
        ("lint", "key-changed", 1),
    ]
    assert causes[0]["cost_bytes"] == 3 * 100 * 1024**2
    assert causes[1]["cause"] == "hashFiles('deps.txt'): deps.txt changed"
    text = render_predict(result)
    assert "x3 matrix legs" in text and "300 MiB" in text


def test_a_bare_mirrors_head_is_its_default_branch(repo: Path, tmp_path: Path) -> None:
    commit(repo, 1, "add", {"a": "1"})
    git = ["git", "-C", str(repo)]
    subprocess.run([*git, "branch", "-m", "master"], check=True, env=ENV)
    subprocess.run([*git, "branch", "main"], check=True, env=ENV)  # a stale main beside it
    mirror = tmp_path / "mirror.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo), str(mirror)], check=True, env=ENV)
    with GitRepo(str(mirror)) as bare:
        assert default_branch(bare) == "master"


def test_cli_predict_and_audit_take_the_trigger_options(repo: Path) -> None:
    """--schedule, --repository and --event workflow_dispatch reach the replay from the CLI."""
    jobs = {"nightly": "    if: github.repository == 'o/r'\n"}
    on = "  schedule:\n    - cron: '0 12 * * *'\n  workflow_dispatch:"
    commit(repo, 1, "add", {".github/workflows/n.yml": workflow(on, jobs), "deps.txt": "1"})
    commit(repo, 3, "later", {"x": "1"})
    runner = CliRunner()

    def events(*args: str) -> list[str]:
        out = runner.invoke(main, ["predict", str(repo), "--format", "json", *args])
        assert out.exit_code == 0, out.output
        return [r["event"] for r in json.loads(out.stdout)["runs"] if r["caches"]]

    assert events() == []
    assert events("--schedule", "--repository", "o/r") == ["schedule"] * 2  # days 1 and 2
    assert events("--schedule", "--repository", "someone/else") == []
    assert events("--event", "workflow_dispatch", "--repository", "o/r") == [
        "workflow_dispatch",
        "workflow_dispatch",
    ]
    out = runner.invoke(main, ["audit", str(repo), "--schedule", "--repository", "o/r"])
    assert out.exit_code == 0, out.output


def test_merge_queue_runs_before_each_landed_pull_request(repo: Path) -> None:
    """A workflow on merge_group runs on gh-readonly-queue/main/pr-N-… for each commit that
    landed a pull request (a merge or a squash ``(#N)``), before the push; it restores the
    default branch's entries, and what it saves serves no other run."""
    queued = workflow("  push:\n    branches: [main]\n  merge_group:")
    push_only = workflow("  push:")
    a = commit(
        repo,
        1,
        "add",
        {".github/workflows/ci.yml": queued, ".github/workflows/p.yml": push_only, "deps.txt": "1"},
    )
    b = commit(repo, 2, "Bump deps (#12)", {"deps.txt": "2"})
    commit(repo, 3, "no pull request", {"x": "1"})
    git = ["git", "-C", str(repo)]
    subprocess.run([*git, "checkout", "-q", "-b", "feature"], check=True, env=ENV)
    f = commit(repo, 4, "feature work", {"deps.txt": "3"})
    subprocess.run([*git, "checkout", "-q", "main"], check=True, env=ENV)
    env = {**ENV, "GIT_COMMITTER_DATE": "2026-03-05T10:00:00Z"}
    subprocess.run(
        [*git, "merge", "--no-ff", "-q", "-m", "Merge pull request #13 from o/feature", "feature"],
        check=True,
        env=env,
    )
    commit(repo, 6, "Docs (#14)", {"README.md": "x"})
    result = predict(str(repo), PredictOptions())
    runs = [
        (r.event, r.ref, r.subject, [(c.workflow[-6:], c.outcome) for c in r.caches])
        for r in result.runs
    ]

    def rev(name: str) -> str:
        return subprocess.run(
            [*git, "rev-parse", name], check=True, capture_output=True, text=True
        ).stdout.strip()

    head, sha_b, docs = rev("HEAD^^2"), rev(b), rev("HEAD")
    queue = "refs/heads/gh-readonly-queue/main/pr-"
    assert runs == [
        ("push", "refs/heads/main", "add", [("ci.yml", "miss"), ("/p.yml", "miss")]),
        # deps.txt changed: the queue run misses, saves in its own scope...
        ("merge_group", f"{queue}12-{sha_b}", "Bump deps (#12)", [("ci.yml", "miss")]),
        # ...which the push that follows cannot read
        ("push", "refs/heads/main", "Bump deps (#12)", [("ci.yml", "miss"), ("/p.yml", "miss")]),
        ("push", "refs/heads/main", "no pull request", [("ci.yml", "hit"), ("/p.yml", "hit")]),
        (
            "merge_group",
            f"{queue}13-{head}",
            "Merge pull request #13 from o/feature",
            [("ci.yml", "miss")],
        ),
        (
            "push",
            "refs/heads/main",
            "Merge pull request #13 from o/feature",
            [("ci.yml", "miss"), ("/p.yml", "miss")],
        ),
        # the queue restores the default branch's entry
        ("merge_group", f"{queue}14-{docs}", "Docs (#14)", [("ci.yml", "hit")]),
        ("push", "refs/heads/main", "Docs (#14)", [("ci.yml", "hit"), ("/p.yml", "hit")]),
    ]
    counts = result.summary["workflows"]
    assert counts[".github/workflows/ci.yml"]["replayed"] == 8
    assert counts[".github/workflows/p.yml"]["skipped_by_trigger"] == 3  # not on merge_group
    assert a and f
    # a repository without a merge_group workflow plans no queue runs and counts none
    off = predict(str(repo), PredictOptions(merge_groups=False))
    assert {r.event for r in off.runs} == {"push"}
    assert off.summary["workflows"][".github/workflows/p.yml"]["skipped_by_trigger"] == 0
