"""predict's replay in worker processes predicts exactly what the serial replay predicts."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitutil import init
from test_predict import WORKFLOW, commit_at
from treebuild import build

import cachekit.predict_parallel as parallel
from cachekit.encoding import encode
from cachekit.predict import PredictOptions, predict

LINT = """\
on:
  push:
    paths: ['src/**']
jobs:
  lint:
    if: github.ref == 'refs/heads/main'
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/cache@v4
        with:
          path: ~/.npm
          key: npm-${{ hashFiles('src/*.lock', 'missing/*.txt') }}
"""


def _comparable(summary: dict[str, object]) -> dict[str, object]:
    # Timings, and the work counters (each worker compiles and hashes its first commit anew).
    work = {"seconds", "commits_per_second", "explain_compiled", "explain_reused", "blobs_hashed"}
    return {k: v for k, v in summary.items() if k not in work}


@pytest.fixture(scope="module")
def edited_history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve commits; the workflows are edited, added and filtered mid-history."""
    repo = init(tmp_path_factory.mktemp("parallel") / "repo")
    build(repo, {".github/workflows/ci.yml": WORKFLOW, "requirements.txt": "a==1\n"})
    commit_at(repo, "2026-03-01T10:00:00Z", "first")
    for day in range(2, 13):
        if day == 4:
            (repo / "requirements.txt").write_text("a==2\n")
        if day == 5:
            edited = WORKFLOW.replace("deps-${{", "deps-v2-${{")
            (repo / ".github/workflows/ci.yml").write_text(edited)
        if day == 7:
            (repo / ".github/workflows/lint.yml").write_text(LINT)
        if day in (8, 10):
            (repo / "src").mkdir(exist_ok=True)
            (repo / "src/app.lock").write_text(f"{day}\n")
        if day == 11:
            (repo / ".github/workflows/ci.yml").write_text(WORKFLOW)
        (repo / "README.md").write_text(f"day {day}\n")
        commit_at(repo, f"2026-03-{day:02d}T10:00:00Z", f"day {day}")
    return repo


@pytest.mark.parametrize("jobs", [2, 3])
def test_parallel_replay_predicts_what_the_serial_one_does(
    edited_history: Path, jobs: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = predict(str(edited_history), PredictOptions(jobs=1))
    monkeypatch.setattr(parallel, "MIN_RUNS", 2)  # the fixture's history is short
    assert parallel.jobs_for(jobs, 12) == jobs
    split = predict(str(edited_history), PredictOptions(jobs=jobs))
    assert len(serial.runs) == 12
    assert [encode(r) for r in split.runs] == [encode(r) for r in serial.runs]
    assert _comparable(split.summary) == _comparable(serial.summary)
    assert split.problems == serial.problems
    # The edits mid-history did change keys, and the filtered workflow was skipped sometimes.
    keys = {c.key.split("-")[1] for r in serial.runs for c in r.caches if c.key.startswith("deps")}
    assert "v2" in keys
    lint = serial.summary["workflows"][".github/workflows/lint.yml"]
    assert lint["skipped_by_trigger"] > 0 and lint["replayed"] > 0


def test_workers_only_when_they_pay() -> None:
    assert parallel.jobs_for(1, 5000) == 1
    assert parallel.jobs_for(4, parallel.MIN_RUNS - 1) == 1
    assert parallel.jobs_for(4, parallel.MIN_RUNS) == 4
    assert parallel.jobs_for(4, 3) == 1


def test_by_default_no_workers_while_every_core_is_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(parallel.os, "getloadavg", lambda: (2.4, 2.0, 2.0))
    assert parallel.jobs_for(None, 1000) == 1
    assert parallel.jobs_for(2, 1000) == 2  # asked for: respected
    monkeypatch.setattr(parallel.os, "getloadavg", lambda: (0.9, 2.0, 2.0))
    assert parallel.jobs_for(None, 1000) == 2
