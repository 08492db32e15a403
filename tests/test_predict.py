"""``predict``: a history replayed through the cache service, outcomes and their causes."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitutil import ENV, init
from treebuild import build

from cachekit.cli import main
from cachekit.predict import PredictOptions, predict

WORKFLOW = """\
on: push
jobs:
  test:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/cache@v4
        with:
          path: ~/.cache/pip
          key: deps-${{ hashFiles('requirements.txt') }}
          restore-keys: deps-
      - uses: actions/cache@v4
        with:
          path: build
          key: build-${{ github.sha }}
"""


def commit_at(repo: Path, when: str, message: str, merge: str | None = None) -> str:
    env = {**ENV, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}

    def run(*a: str) -> str:
        return subprocess.run(
            ["git", "-C", str(repo), *a],
            check=True,
            env=env,
            capture_output=True,
            text=True,
        ).stdout

    if merge:
        run("merge", "--no-ff", "-q", "-m", message, merge)
    else:
        run("add", "-A")
        run("commit", "-q", "--allow-empty", "-m", message)
    return run("rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    repo = init(tmp_path_factory.mktemp("predict") / "repo")
    build(repo, {".github/workflows/ci.yml": WORKFLOW, "requirements.txt": "numpy==1.26.3\n"})
    shas = [commit_at(repo, "2026-03-01T10:00:00Z", "first")]
    (repo / "README.md").write_text("docs\n")
    shas.append(commit_at(repo, "2026-03-02T10:00:00Z", "docs only"))
    (repo / "requirements.txt").write_text("numpy==1.26.4\n")
    shas.append(commit_at(repo, "2026-03-03T10:00:00Z", "bump numpy"))
    (repo / "README.md").write_text("more docs\n")
    shas.append(commit_at(repo, "2026-03-20T10:00:00Z", "after a quiet fortnight"))
    return repo, shas


def outcomes(result, step_prefix: str) -> list[tuple[str, str | None]]:
    return [
        (c.outcome, c.cause_code)
        for run in result.runs
        for c in run.caches
        if c.key.startswith(step_prefix)
    ]


def test_hits_misses_and_causes(history) -> None:
    repo, shas = history
    result = predict(str(repo), PredictOptions())
    assert [r.commit for r in result.runs] == shas
    assert outcomes(result, "deps-") == [
        ("miss", "first-run"),
        ("hit", None),
        ("restore", "key-changed"),
        ("miss", "expired"),
    ]
    bump = next(c for c in result.runs[2].caches if c.key.startswith("deps-"))
    assert "requirements.txt changed in " + shas[2][:10] in (bump.cause or "")
    assert bump.restored_key == result.runs[0].caches[0].key  # prefix match on deps-
    expired = next(c for c in result.runs[3].caches if c.key.startswith("deps-"))
    assert "not accessed for 7 days" in (expired.cause or "")
    # a key on github.sha never repeats: every run misses
    assert [o for o, _ in outcomes(result, "build-")] == ["miss"] * 4
    s = result.summary
    assert (s["hit"], s["restore"], s["miss"], s["unknown"]) == (1, 1, 6, 0)
    assert s["hit_rate"] == round(1 / 8, 4) and s["warm_rate"] == round(2 / 8, 4)


def test_range_and_max_commits(history) -> None:
    repo, shas = history
    assert [r.commit for r in predict(str(repo), PredictOptions(max_commits=2)).runs] == shas[2:]
    ranged = predict(str(repo), PredictOptions(range=f"{shas[0]}..{shas[2]}"))
    assert [r.commit for r in ranged.runs] == shas[1:3]


def test_eviction_when_over_the_limit(tmp_path: Path) -> None:
    """Two 100 MiB entries under a 150 MiB limit: the least recently used one goes."""
    repo = init(tmp_path / "repo")
    two = WORKFLOW.replace("deps-${{ hashFiles('requirements.txt') }}", "stable")
    build(repo, {".github/workflows/ci.yml": two, "requirements.txt": "a\n"})
    for day in (1, 2, 3):
        (repo / "n.txt").write_text(str(day))
        commit_at(repo, f"2026-03-0{day}T10:00:00Z", f"day {day}")
    result = predict(str(repo), PredictOptions(limit_bytes=150 * 1024**2, entry_size=100 * 1024**2))
    stable = [c for run in result.runs for c in run.caches if c.key == "stable"]
    # day 1: saved (the sha-keyed entry, saved first by the reversed post steps, is evicted);
    # day 2: hit, then the new sha-keyed entry pushes it out; day 3: evicted.
    assert [(c.outcome, c.cause_code) for c in stable] == [
        ("miss", "first-run"),
        ("hit", None),
        ("miss", "evicted"),
    ]
    assert "evicted" in (stable[2].cause or "")
    assert result.summary["evictions"] >= 2
    unlimited = predict(str(repo), PredictOptions())
    assert [c.outcome for run in unlimited.runs for c in run.caches if c.key == "stable"] == [
        "miss",
        "hit",
        "hit",
    ]


def test_pull_requests_read_main_but_main_never_reads_them(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    build(
        repo,
        {
            ".github/workflows/ci.yml": WORKFLOW.replace("on: push", "on: [push, pull_request]"),
            "requirements.txt": "a\n",
        },
    )
    commit_at(repo, "2026-03-01T10:00:00Z", "base")
    subprocess.run(["git", "-C", str(repo), "checkout", "-qb", "feature"], check=True, env=ENV)
    (repo / "requirements.txt").write_text("b\n")
    commit_at(repo, "2026-03-02T10:00:00Z", "feature work")
    subprocess.run(["git", "-C", str(repo), "checkout", "-q", "main"], check=True, env=ENV)
    commit_at(repo, "2026-03-03T10:00:00Z", "merge feature", merge="feature")
    result = predict(str(repo), PredictOptions(pull_requests=True))
    refs = [(r.ref, r.event) for r in result.runs]
    assert refs == [
        ("refs/heads/main", "push"),
        ("refs/pull/2/merge", "pull_request"),
        ("refs/heads/main", "push"),
    ]
    pr_deps, main_deps = (
        next(c for c in result.runs[i].caches if c.key.startswith("deps-")) for i in (1, 2)
    )
    assert pr_deps.outcome == "restore"  # the PR reads main's deps-<a> by prefix
    # main after the merge has requirements 'b' like the PR did, but cannot read the PR's
    # scope: no exact hit, only main's own older entry by prefix.
    assert main_deps.key == pr_deps.key
    assert main_deps.outcome == "restore"


def test_cli_json_shape_and_text(history, tmp_path: Path) -> None:
    repo, shas = history
    runner = CliRunner()
    out = runner.invoke(main, ["predict", str(repo), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert set(data) == {"schema", "runs", "summary", "problems"}
    assert data["schema"] == "cachekit.predict/1"
    run = data["runs"][2]
    assert set(run) == {"commit", "time", "ref", "event", "subject", "caches"}
    assert run["commit"] == shas[2]
    cache = run["caches"][0]
    assert {"workflow", "job", "step", "key", "outcome", "restored_key", "cause"} <= set(cache)
    assert cache["cause"]["code"] == "key-changed"
    text = runner.invoke(main, ["predict", str(repo)])
    assert "hit rate" in text.stdout and "requirements.txt changed in" in text.stdout
    bad = runner.invoke(main, ["predict", str(tmp_path)])
    assert bad.exit_code == 2 and "not a git repository" in bad.stderr
    bad_range = runner.invoke(main, ["predict", str(repo), "--range", "nope"])
    assert bad_range.exit_code == 2 and "invalid range" in bad_range.stderr


def test_environment_is_not_touched(history) -> None:
    repo, _ = history
    status = subprocess.run(
        ["git", "-C", str(repo), "status", "--porcelain"],
        check=True,
        capture_output=True,
        text=True,
        env=ENV,
    ).stdout
    predict(str(repo), PredictOptions())
    assert (
        subprocess.run(
            ["git", "-C", str(repo), "status", "--porcelain"],
            check=True,
            capture_output=True,
            text=True,
            env=ENV,
        ).stdout
        == status
    )
    assert "GIT_DIR" not in os.environ


def test_branch_pushes_read_their_own_scope_and_the_default_branch(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    build(repo, {".github/workflows/ci.yml": WORKFLOW, "requirements.txt": "a\n"})
    commit_at(repo, "2026-03-01T10:00:00Z", "base")
    subprocess.run(["git", "-C", str(repo), "checkout", "-qb", "topic"], check=True, env=ENV)
    (repo / "requirements.txt").write_text("b\n")
    commit_at(repo, "2026-03-02T10:00:00Z", "topic 1")
    (repo / "README.md").write_text("x\n")
    commit_at(repo, "2026-03-03T10:00:00Z", "topic 2")
    subprocess.run(["git", "-C", str(repo), "checkout", "-q", "main"], check=True, env=ENV)
    result = predict(str(repo), PredictOptions(branches=("topic",)))
    assert [(r.ref, r.subject) for r in result.runs] == [
        ("refs/heads/main", "base"),
        ("refs/heads/topic", "topic 1"),
        ("refs/heads/topic", "topic 2"),
    ]
    deps = [next(c for c in r.caches if c.key.startswith("deps-")) for r in result.runs]
    # topic 1 restores main's entry by prefix and saves its own; topic 2 hits it.
    assert [c.outcome for c in deps] == ["miss", "restore", "hit"]


def test_missing_blob_makes_the_key_unknown_not_a_crash(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    build(repo, {".github/workflows/ci.yml": WORKFLOW, "requirements.txt": "big\n"})
    commit_at(repo, "2026-03-01T10:00:00Z", "base")
    oid = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD:requirements.txt"],
        check=True,
        capture_output=True,
        text=True,
        env=ENV,
    ).stdout.strip()
    (repo / ".git" / "objects" / oid[:2] / oid[2:]).unlink()
    result = predict(str(repo), PredictOptions())
    deps = next(c for c in result.runs[0].caches if c.key.startswith("deps-"))
    assert deps.outcome == "unknown"
    assert "not in the object store" in (deps.cause or "")


def test_every_predict_and_audit_option_parses(history, tmp_path: Path) -> None:
    """Each option reaches the library (a renamed parameter would fail here, not for users)."""
    repo, shas = history
    runner = CliRunner()
    html = tmp_path / "r.html"
    out = runner.invoke(
        main,
        [
            "predict",
            str(repo),
            "--range",
            f"{shas[0]}..{shas[-1]}",
            "--since",
            "2020-01-01",
            "--max-commits",
            "10",
            "--rev",
            "HEAD",
            "--event",
            "pull_request",
            "--branch",
            "main",
            "--workflow",
            "ci.yml",
            "--job",
            "test",
            "--os",
            "linux",
            "--entry-size",
            "50M",
            "--limit",
            "1G",
            "--html",
            str(html),
        ],
    )
    assert out.exit_code == 0, out.output
    assert html.read_text().startswith("<!DOCTYPE html>")
    out = runner.invoke(
        main,
        [
            "audit",
            str(repo),
            "--max-commits",
            "10",
            "--since",
            "2020-01-01",
            "--entry-size",
            "50M",
            "--html",
            str(html),
        ],
    )
    assert out.exit_code == 0, out.output
    out = runner.invoke(
        main,
        [
            "audit",
            str(repo),
            "--no-history",
            "--logs",
            str(Path(__file__).parent / "cases" / "logs" / "gh-run-view.txt"),
        ],
    )
    assert out.exit_code == 0 and "jobs in the logs" in out.stdout, out.output
    bad = runner.invoke(main, ["predict", str(repo), "--entry-size", "lots"])
    assert bad.exit_code == 2 and "not a size" in bad.stderr


def test_jobs_of_a_push_run_concurrently_and_needs_chains_in_order(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    build(
        repo,
        {
            ".github/workflows/ci.yml": """\
on: push
jobs:
  test:
    runs-on: ubuntu-24.04
    strategy:
      matrix:
        python: ["3.11", "3.12"]
    steps:
      - uses: actions/cache@v4
        with:
          path: ~/.cache/pip
          key: shared-${{ hashFiles('requirements.txt') }}
  after:
    needs: test
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/cache@v4
        with:
          path: ~/.cache/pip
          key: shared-${{ hashFiles('requirements.txt') }}
""",
            "requirements.txt": "a\\n",
        },
    )
    commit_at(repo, "2026-03-01T10:00:00Z", "one")
    result = predict(str(repo), PredictOptions())
    (run,) = result.runs
    outcomes = {(c.job, str(c.matrix)): c.outcome for c in run.caches}
    # both matrix jobs start together: neither sees the other's save
    assert outcomes[("test", "{'python': '3.11'}")] == "miss"
    assert outcomes[("test", "{'python': '3.12'}")] == "miss"
    # the job that needs them starts after, and finds the entry one of them saved
    assert outcomes[("after", "{}")] == "hit"


def test_entry_sizes_from_a_cache_list(tmp_path: Path) -> None:
    """Sizes given by gh cache list (by key, else by the key's family) drive eviction."""
    repo = init(tmp_path / "repo")
    two = WORKFLOW.replace("deps-${{ hashFiles('requirements.txt') }}", "stable")
    build(repo, {".github/workflows/ci.yml": two, "requirements.txt": "a\n"})
    for day in (1, 2, 3):
        (repo / "n.txt").write_text(str(day))
        commit_at(repo, f"2026-03-0{day}T10:00:00Z", f"day {day}")
    listing = tmp_path / "caches.json"
    # the sha-keyed family is tiny, the stable entry big: together under the 150 MiB limit
    listing.write_text(
        json.dumps(
            [
                {"key": "stable", "sizeInBytes": 100 * 1024**2},
                {"key": "build-" + "0" * 40, "sizeInBytes": 1024},
            ]
        )
    )
    runner = CliRunner()
    out = runner.invoke(
        main, ["predict", str(repo), "--limit", "150M", "--json", "--caches", str(listing)]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["summary"]["evictions"] == 0 and data["summary"]["sizes_from_cache_list"]
    stable = [c["outcome"] for r in data["runs"] for c in r["caches"] if c["key"] == "stable"]
    assert stable == ["miss", "hit", "hit"]
    estimated = json.loads(
        runner.invoke(main, ["predict", str(repo), "--limit", "150M", "--json"]).stdout
    )
    assert estimated["summary"]["evictions"] > 0
