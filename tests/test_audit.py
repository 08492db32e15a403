"""``audit``: key-breaking commits from history; job costs and disagreements from run logs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitutil import init
from test_predict import WORKFLOW, commit_at
from treebuild import build

from cachekit.audit import JobCost, audit
from cachekit.cli import main
from cachekit.encoding import encode
from cachekit.output.audit_html import render_audit_html
from cachekit.output.text import render_audit
from cachekit.predict import PredictOptions, predict

CASES = Path(__file__).parent / "cases" / "logs"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = init(tmp_path_factory.mktemp("audit") / "repo")
    build(repo, {".github/workflows/ci.yml": WORKFLOW, "requirements.txt": "numpy==1.26.3\n"})
    commit_at(repo, "2026-03-01T10:00:00Z", "first")
    (repo / "README.md").write_text("docs\n")
    commit_at(repo, "2026-03-02T10:00:00Z", "docs only")
    (repo / "requirements.txt").write_text("numpy==1.26.4\n")
    commit_at(repo, "2026-03-03T10:00:00Z", "bump numpy")
    return repo


def job_log(job: str, lines: list[tuple[str, str]]) -> str:
    """A `gh run view --log` text: job, step, timestamped line."""
    out = []
    for i, (step, text) in enumerate(lines):
        out.append(f"{job}\t{step}\t2026-03-02T10:{i:02d}:00.0000000Z {text}")
    return "\n".join(out) + "\n"


def test_history_names_the_commit_and_the_input(repo: Path) -> None:
    result = audit(str(repo))
    assert result.breakers
    top = result.breakers[0]
    assert top.subject == "bump numpy"
    assert any("requirements.txt" in item for item in top.inputs)
    assert result.jobs == () and result.disagreements == ()


def test_logs_disagreeing_with_the_prediction_are_explained(repo: Path, tmp_path: Path) -> None:
    predicted = predict(str(repo), PredictOptions())
    hit_key = next(c.key for c in predicted.runs[1].caches if c.key.startswith("deps-"))
    log = tmp_path / "run.txt"
    log.write_text(
        job_log(
            "test",
            [
                ("Set up job", "Current runner version: '2.330.0'"),
                ("Run actions/cache@v4", "##[group]Run actions/cache@v4"),
                ("Run actions/cache@v4", "with:"),
                ("Run actions/cache@v4", "  path: ~/.cache/pip"),
                ("Run actions/cache@v4", f"  key: {hit_key}"),
                ("Run actions/cache@v4", "##[endgroup]"),
                ("Run actions/cache@v4", f"Cache not found for input keys: {hit_key}, deps-"),
                ("Run pytest", "##[group]Run pytest"),
                ("Run pytest", "##[endgroup]"),
                ("Run pytest", "ok"),
            ],
        )
    )
    listing = tmp_path / "caches.json"
    listing.write_text(
        json.dumps(
            [
                {
                    "key": hit_key,
                    "id": 1,
                    "ref": "refs/heads/other",
                    "version": "f" * 64,
                    "sizeInBytes": 10,
                    "createdAt": "2026-03-01T10:00:00Z",
                    "lastAccessedAt": "2026-03-01T10:00:00Z",
                }
            ]
        )
    )
    with_list = audit(str(repo), logs=(str(log),), caches=str(listing))
    (d,) = with_list.disagreements
    assert (d.observed, d.predicted, d.key) == ("miss", "hit", hit_key)
    assert "refs/heads/other" in d.explanation
    without = audit(str(repo), logs=(str(log),))
    assert "evicted" in without.disagreements[0].explanation


def test_job_costs_from_a_real_archive_layout() -> None:
    result = audit(".", logs=(str(CASES / "run-archive"),), history=False)
    jobs = {j.job: j for j in result.jobs}
    assert jobs["pytest (3.12)"].miss_runs == 1
    assert jobs["pytest (3.12)"].missed_keys[0].startswith("venv-Linux-3.12.3-")
    assert jobs["lint"].hit_runs == 1
    assert result.disagreements and all(d.predicted is None for d in result.disagreements)


def test_cli_audit(repo: Path) -> None:
    runner = CliRunner()
    text = runner.invoke(
        main,
        [
            "audit",
            str(repo),
            "--logs",
            str(CASES / "run-archive"),
            "--caches",
            str(CASES / "gh-cache-list.json"),
        ],
    )
    assert text.exit_code == 0, text.output
    assert "commits that broke cache keys" in text.stdout and "bump numpy" in text.stdout
    assert "jobs in the logs" in text.stdout
    data = json.loads(runner.invoke(main, ["audit", str(repo), "--json"]).stdout)
    assert {"summary", "breakers", "jobs", "disagreements", "observed", "cache_list"} <= set(data)
    bad = runner.invoke(
        main, ["audit", str(repo), "--caches", str(CASES / "run-archive" / "1_lint.txt")]
    )
    assert bad.exit_code == 2 and "1_lint.txt" in bad.stderr  # a file that is no cache list


def test_incidents_and_miss_minutes_from_the_logs(tmp_path: Path) -> None:
    """Failed saves, reservation conflicts and restore timeouts are shown with their step."""
    key = "deps-Linux-" + "ab" * 32
    log = job_log(
        "build",
        [
            ("Run actions/cache@v4", "##[group]Run actions/cache@v4"),
            ("Run actions/cache@v4", "with:"),
            ("Run actions/cache@v4", f"  key: {key}"),
            ("Run actions/cache@v4", "##[endgroup]"),
            (
                "Run actions/cache@v4",
                "##[warning]Failed to restore: Aborting cache download as the download time "
                "exceeded the timeout.",
            ),
            ("Run make", "##[group]Run make"),
            ("Post Run actions/cache@v4", "Post job cleanup."),
            (
                "Post Run actions/cache@v4",
                f"Failed to save: Unable to reserve cache with key {key}, another job may be "
                "creating this cache.",
            ),
        ],
    )
    path = tmp_path / "run.txt"
    path.write_text(log)
    result = audit(".", logs=(str(path),), history=False)
    kinds = [(i.kind, i.job) for i in result.incidents]
    assert kinds == [("restore-timeout", "build"), ("reservation-conflict", "build")]
    assert result.incidents[0].step_seconds == 300.0  # until the next step's first line
    assert encode(result)["incidents"][1]["key"] == key
    text = render_audit(result)
    assert "restore-timeout: build / Run actions/cache@v4, step took 5.0 min" in text  # 300 s
    html = render_audit_html(result, title="<t>")
    assert "reservation conflict" in html and "restore timed out" in html
    assert "<t>" not in html


def test_miss_cost_in_minutes() -> None:
    job = JobCost("t", 3, 1, 2, 60.0, 186.0, None, ())
    assert (job.miss_cost_seconds, job.miss_cost_minutes, job.total_miss_minutes) == (
        126.0,
        2.1,
        4.2,
    )
    assert JobCost("t", 1, 0, 1, None, 186.0, None, ()).miss_cost_minutes is None
