"""Hostile repositories (issue #11): every command, as a capped subprocess, on each of them.

Each run is judged by :func:`hostile_run.check_repository`: a documented exit code (0, 1, 2,
3 — never 70), no traceback, within 30 s and 1 GiB, the canary secret (in the environment and
in a file beside the repository) never printed, nothing written outside the repository, no
repository code run, no raw control character and no workflow command in text output.

The default run takes each catalogued case (the inputs the issue reported) with one command,
rotating through the commands so that each runs on some case, plus a few generated
repositories. ``--run-slow`` runs every command on every case and on generated repositories,
and prints the figures ``docs/security.md`` quotes (``pytest tests/test_hostile.py --run-slow
-s``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_cases import CASES, PENDING, hostile_repos
from hostile_run import Figures, check_repository
from hypothesis import HealthCheck, given, settings

FIGURES = Figures()


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    print(f"\nhostile-input figures: {FIGURES}")


@pytest.mark.parametrize(("index", "name"), list(enumerate(CASES)), ids=list(CASES))
def test_a_reported_case_with_one_command(tmp_path: Path, index: int, name: str) -> None:
    assert check_repository(tmp_path, CASES[name], FIGURES, name, pick=[index]) == []


@pytest.mark.parametrize("name", list(PENDING))
def test_a_pending_case_with_check_and_resolve(tmp_path: Path, name: str) -> None:
    assert check_repository(tmp_path, PENDING[name], FIGURES, name, pick=[2, 6]) == []


@settings(
    max_examples=2,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(hostile_repos(max_ingredients=2))
def test_generated_repositories_sample(spec: dict[str, object]) -> None:
    with tempfile.TemporaryDirectory() as d:
        n = FIGURES.cases
        assert check_repository(Path(d), spec, FIGURES, f"generated-{n}", pick=[n]) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_every_command_on_every_reported_case(tmp_path: Path, name: str) -> None:
    assert check_repository(tmp_path, CASES[name], FIGURES, name) == []


@pytest.mark.slow
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(hostile_repos())
def test_every_command_on_generated_repositories(spec: dict[str, object]) -> None:
    with tempfile.TemporaryDirectory() as d:
        name = f"generated-{FIGURES.cases}"
        assert check_repository(Path(d), spec, FIGURES, name) == []
