"""Generated trees and argument lists: cachekit versus the real @actions/glob under node.

Trees mix nested and dot directories, names with spaces, Unicode (BMP and beyond) and glob
metacharacters, and symbolic links to files and directories, dangling ones and loops;
argument lists mix includes, excludes, re-includes, directories, several patterns per
argument and the follow option. The default run checks a few hundred cases; ``--run-slow``
sweeps thousands.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from conformance import assert_same
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import cases
from treebuild import build

pytestmark = pytest.mark.oracle

FAST = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
SLOW = settings(
    max_examples=4000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def run_case(oracle, spec, args: list[str], follow: bool, flavor: str = "runner") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = build(Path(tmp) / "ws", spec)
        assert_same(oracle, root, args, follow=follow if flavor == "setup" else None, flavor=flavor)
        if flavor == "runner" and follow and not args[0].startswith("--"):
            assert_same(oracle, root, ["--follow-symbolic-links", *args])


@FAST
@given(case=cases(), follow=st.booleans())
def test_generated(oracle, case, follow: bool) -> None:
    run_case(oracle, *case, follow)


@FAST
@given(case=cases(), follow=st.booleans())
def test_generated_setup_flavour(oracle, case, follow: bool) -> None:
    spec, args = case
    args = [a for a in args if not a.startswith("--")] or ["**"]
    run_case(oracle, spec, args, follow, flavor="setup")


@pytest.mark.slow
@SLOW
@given(case=cases(), follow=st.booleans())
def test_generated_sweep(oracle, case, follow: bool) -> None:
    run_case(oracle, *case, follow)
