"""cachekit.caches.semver against npm's semver (the package @actions/cache depends on)."""

from __future__ import annotations

import pytest
from cache_oracle_client import CacheOracle, cache_oracle  # noqa: F401  (fixture)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cachekit.caches import semver

FAST = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CASES = [
    ("3.12.4", "3.x", True),
    ("3.12.4", "3.12", True),
    ("3.13.0", "3.12", False),
    ("3.12.4", ">=3.10 <3.13", True),
    ("3.13.0-rc.1", ">=3.10 <3.13", False),
    ("3.13.0-rc.1", "~3.13.0-0", True),
    ("3.13.0", "~3.13.0-0", True),
    ("3.14.0-alpha.1", "3.14", False),
    ("3.12.4", "3.12.4", True),
    ("3.12.4", "=3.12.4", True),
    ("3.12.4", "v3.12.4", True),
    ("3.12.4", "^3.10", True),
    ("4.0.0", "^3.10", False),
    ("3.9.0", "3.9 - 3.11", True),
    ("3.11.9", "3.9 - 3.11", True),
    ("3.12.0", "3.9 - 3.11", False),
    ("3.12.0", "<=3.12", True),
    ("3.13.0", "<=3.12", False),
    ("3.12.4", "> 3.11", True),
    ("3.11.9", ">3.11", False),
    ("3.12.4", "*", True),
    ("3.12.4", "", True),
    ("3.12.4-rc.1", "*", False),
    ("3.12.4", "2.x || 3.12.x", True),
    ("3.12.4", "garbage", False),
    ("3.12", "3.x", False),
    ("3.7.0-b2", "3.7.0-b2", True),
]


@pytest.mark.parametrize(("version", "spec", "expected"), CASES)
def test_satisfies_examples(version: str, spec: str, expected: bool) -> None:
    assert semver.satisfies(version, spec) is expected


@pytest.mark.oracle
@pytest.mark.parametrize(("version", "spec", "expected"), CASES)
def test_examples_agree_with_npm(
    cache_oracle: CacheOracle,  # noqa: F811
    version: str,
    spec: str,
    expected: bool,
) -> None:
    assert cache_oracle.satisfies(version, spec) is expected


ids = st.sampled_from(["0", "1", "2", "3", "10", "12", "x", "X", "*"])
pre = st.sampled_from(["", "-0", "-rc.1", "-alpha.2", "-b2", "-rc1", "+build.5"])
parts = st.builds(
    lambda a, b, c, n, p: ".".join([a, b, c][:n]) + (p if n == 3 else ""),
    ids,
    ids,
    ids,
    st.integers(1, 3),
    pre,
)
ops = st.sampled_from(["", "=", ">", ">=", "<", "<=", "~", "^", "~>", "v", "> ", "~ "])
comparators = st.builds(lambda o, p: o + p, ops, parts)
ranges = st.one_of(
    st.lists(comparators, min_size=1, max_size=3).map(" ".join),
    st.builds(lambda a, b: f"{a} - {b}", parts, parts),
    st.lists(comparators, min_size=1, max_size=3).map(" || ".join),
)
nums = st.sampled_from(["0", "1", "2", "3", "10", "12"])
versions = st.builds(
    lambda a, b, c, p: f"{a}.{b}.{c}{p}",
    nums,
    nums,
    nums,
    st.sampled_from(["", "-0", "-rc.1", "-alpha.2", "-b2", "-rc.2"]),
)


@pytest.mark.oracle
@FAST
@given(version=versions, spec=ranges)
def test_satisfies_matches_npm(
    cache_oracle: CacheOracle,  # noqa: F811
    version: str,
    spec: str,
) -> None:
    assert semver.satisfies(version, spec) == cache_oracle.satisfies(version, spec)


def test_compare_and_clean() -> None:
    a, b = semver.parse("3.13.0-rc.1"), semver.parse("3.13.0")
    assert a is not None and b is not None
    assert semver.compare(a, b) == -1
    assert semver.clean(" v3.12.4 ") == "3.12.4"
    assert semver.clean("3.12") is None
    assert semver.is_explicit_version("3.12.4") and not semver.is_explicit_version("3.12")
