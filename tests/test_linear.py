"""Algorithms linear in their input where a hostile repository chooses the input (#11 item 4).

Each rewrite is checked for the same answers as before (against GitHub's own minimatch for
the glob, against the original regex or recursion on small inputs) and on the hostile sizes
that used to take minutes or crash; the time caps themselves are in ``test_hostile.py``.
"""

from __future__ import annotations

import re
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_pattern_oracle import check

from cachekit.checks.installs import _OPAQUE_RE
from cachekit.github.workflows import Job, needs_order
from cachekit.hashing.segments import compile_segment
from cachekit.yamlsource import Mark, YamlMap

# --- the glob matcher ------------------------------------------------------------------------

# Patterns with many stars over a tiny alphabet: where backtracking and commit-to-leftmost
# could disagree if the rewrite were wrong.
STAR_PATTERNS = st.lists(
    st.sampled_from(["*", "*", "a", "b", "?", "[ab]", ".", "[!a]", "\\*", "[", "**"]),
    min_size=1,
    max_size=10,
).map("".join)
STAR_NAMES = st.lists(st.sampled_from(["a", "b", ".", "*", "[", "ab"]), max_size=14).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pattern=STAR_PATTERNS, names=st.lists(STAR_NAMES, min_size=1, max_size=6))
def test_many_star_segments_match_exactly_as_minimatch(
    oracle, pattern: str, names: list[str]
) -> None:
    # "." and ".." are not names (the oracle's paths are normalised).
    check(oracle, pattern, ["/tmp/" + n for n in names if n not in ("", ".", "..")] or ["/tmp/a"])


def test_the_hostile_glob_answers_at_once_and_right(oracle) -> None:
    # GitHub's minimatch backtracks too (a JavaScript regex): the runner itself takes
    # minutes on a 250-character name, so the oracle is asked about short ones.
    names = ["a" * 18, "a" * 18 + "b", "ba" * 9, "a" * 3 + "b", "aaab"]
    check(oracle, "*a*a*a*a*b", ["/tmp/" + n for n in names])
    matcher = compile_segment("*a*a*a*a*a*a*a*a*a*a*b")
    assert matcher.matches("a" * 5000 + "b")
    assert not matcher.matches("a" * 5000)


# --- regexes over run: text ------------------------------------------------------------------

_ORIGINAL_SH = re.compile(r"\S+\.sh\b")


@given(st.text(alphabet=st.sampled_from(list("ab.sh _-\n\t/")), max_size=40))
def test_the_script_regex_finds_what_the_original_found(text: str) -> None:
    ours = _OPAQUE_RE.search(text)
    original = _ORIGINAL_SH.search(text)
    if original is not None:
        assert ours is not None
    elif ours is not None:  # another alternative of the opaque regex matched
        assert ".sh" not in ours.group(0)


def test_a_200kb_token_is_scanned_once() -> None:
    token = "a." * 100_000
    assert _OPAQUE_RE.search("echo " + token) is None
    assert _OPAQUE_RE.search("echo " + token + "x.sh") is not None


# --- needs ------------------------------------------------------------------------------------


def _job(job_id: str, needs: list[str]) -> Job:
    empty = YamlMap()
    empty.mark, empty.key_marks, empty.value_marks = Mark("w.yml", 1, 1), {}, {}
    return Job(
        job_id, empty.mark, empty, None, None, empty, empty, empty, [], None, empty, needs, empty
    )


def _recursive_reference(jobs: dict[str, Job]) -> tuple[list[str], dict[str, int]]:
    """The walker's former recursive ordering and unmemoised stage (small inputs only)."""
    done: list[str] = []
    seen: set[str] = set()

    def visit(job: Job, stack: tuple[str, ...]) -> None:
        if job.id in seen or job.id in stack:
            return
        for dep in job.needs:
            if dep in jobs:
                visit(jobs[dep], (*stack, job.id))
        seen.add(job.id)
        done.append(job.id)

    def stage(job: Job, on: tuple[str, ...] = ()) -> int:
        deps = [jobs[d] for d in job.needs if d in jobs and d not in on]
        return 1 + max((stage(d, (*on, job.id)) for d in deps), default=-1)

    for job in jobs.values():
        visit(job, ())
    return done, {j.id: stage(j) for j in jobs.values()}


@st.composite
def dags(draw: st.DrawFn) -> dict[str, Job]:
    """Random acyclic ``needs`` graphs (each job needs earlier ones, listed in any order)."""
    n = draw(st.integers(1, 9))
    ids = [f"j{i}" for i in range(n)]
    jobs = {}
    for i, job_id in enumerate(ids):
        needs = draw(st.lists(st.sampled_from([*ids[:i], "missing"]), max_size=3)) if i else []
        jobs[job_id] = _job(job_id, needs)
    order = draw(st.permutations(ids))
    return {k: jobs[k] for k in order}


@given(dags())
def test_needs_order_and_stages_are_the_recursive_ones(jobs: dict[str, Job]) -> None:
    order, stages = needs_order(jobs)
    assert ([j.id for j in order], stages) == _recursive_reference(jobs)


def test_a_needs_chain_longer_than_the_recursion_limit() -> None:
    n = sys.getrecursionlimit() * 3
    jobs = {"j0": _job("j0", [])}
    for i in range(1, n):
        jobs[f"j{i}"] = _job(f"j{i}", [f"j{i - 1}"])
    reversed_jobs = dict(reversed(jobs.items()))
    order, stages = needs_order(reversed_jobs)
    assert [j.id for j in order] == list(jobs)
    assert stages[f"j{n - 1}"] == n - 1


def test_a_needs_diamond_is_memoised() -> None:
    # j_n needs j_{n-1} and j_{n-2}: Fibonacci(60) paths, one visit each here.
    jobs = {"j0": _job("j0", []), "j1": _job("j1", ["j0"])}
    for i in range(2, 60):
        jobs[f"j{i}"] = _job(f"j{i}", [f"j{i - 1}", f"j{i - 2}"])
    assert needs_order(jobs)[1]["j59"] == 59


def test_a_cycle_is_ignored_not_followed() -> None:
    jobs = {"a": _job("a", ["b"]), "b": _job("b", ["a"]), "c": _job("c", ["a"])}
    order, stages = needs_order(jobs)
    assert [j.id for j in order] == ["b", "a", "c"]
    assert stages == {"b": 0, "a": 1, "c": 2}
