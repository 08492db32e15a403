"""Shared fixtures: the node oracle (GitHub's own @actions/glob) and tree builders."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from oracle_client import HashFilesOracle, oracle_available


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", help="run the long conformance sweeps")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow sweep: run with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def oracle() -> Iterator[HashFilesOracle]:
    """The runner's hashing loop on the real @actions/glob, run by node.

    In CI (``CI`` set) a missing oracle is a failure, never a silent skip.
    """
    if not oracle_available():
        if os.environ.get("CI"):
            pytest.fail("node oracle not installed: run `npm ci --prefix tests/oracle`")
        pytest.skip("node oracle not installed: run `npm ci --prefix tests/oracle`")
    with HashFilesOracle() as o:
        yield o


@pytest.fixture
def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0
