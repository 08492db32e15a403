"""Readable and writable scopes per event, read-only tokens and cache-mode (spec §4)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from cachekit.simulator import (
    CACHE_MODE_SINCE,
    READ_ONLY_TOKENS_SINCE,
    Run,
    effective_cache_mode,
    is_untrusted_event,
    read_only_token,
    readable_scopes,
    write_scope,
)
from cachekit.simulator.scopes import restore_skipped, save_block

MAR = datetime(2026, 3, 2, 12, tzinfo=timezone.utc)  # before both dated rules
OCT = datetime(2026, 10, 5, 12, tzinfo=timezone.utc)  # after both
MAIN, FEAT, REL = "refs/heads/main", "refs/heads/feat", "refs/heads/release"
QUEUE = "refs/heads/gh-readonly-queue/main/pr-5-0123456789abcdef0123456789abcdef01234567"


def run(ref: str, event: str = "push", when: datetime = MAR, **kw: object) -> Run:
    return Run(when, ref, event, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("r", "reads", "writes"),
    [
        (run(FEAT), [FEAT, MAIN], FEAT),
        (run(MAIN), [MAIN], MAIN),
        (run("refs/tags/v1"), ["refs/tags/v1", MAIN], "refs/tags/v1"),
        (run("refs/tags/v1", "release"), ["refs/tags/v1", MAIN], "refs/tags/v1"),
        (run("refs/tags/v1", "create"), ["refs/tags/v1", MAIN], "refs/tags/v1"),
        (
            run("refs/pull/12/merge", "pull_request", base_ref="main"),
            ["refs/pull/12/merge", MAIN],
            "refs/pull/12/merge",
        ),
        (
            run("refs/pull/12/merge", "pull_request", base_ref="release"),
            ["refs/pull/12/merge", REL, MAIN],
            "refs/pull/12/merge",
        ),
        (
            run("refs/pull/12/merge", "pull_request_review", base_ref=REL),
            ["refs/pull/12/merge", REL, MAIN],
            "refs/pull/12/merge",
        ),
        (
            run("refs/pull/12/merge", "pull_request_review_comment", base_ref=REL),
            ["refs/pull/12/merge", REL, MAIN],
            "refs/pull/12/merge",
        ),
        # pull_request_target runs on the base branch (GITHUB_REF), never the merge ref
        (run("refs/pull/12/merge", "pull_request_target", base_ref="main"), [MAIN], MAIN),
        (run(REL, "pull_request_target", base_ref=REL), [REL, MAIN], REL),
        (run("refs/pull/12/merge", "pull_request_target"), [MAIN], MAIN),
        # merge queue: own scope and the default branch, not the PR's or the base's
        (run(QUEUE, "merge_group", base_ref=REL), [QUEUE, MAIN], QUEUE),
        (run(FEAT, "workflow_dispatch"), [FEAT, MAIN], FEAT),
        (run(MAIN, "workflow_dispatch"), [MAIN], MAIN),
        (run("refs/tags/v2", "workflow_dispatch"), ["refs/tags/v2", MAIN], "refs/tags/v2"),
        (run("feat"), [FEAT, MAIN], FEAT),
        (run(FEAT, default_branch="develop"), [FEAT, "refs/heads/develop"], FEAT),
    ],
)
def test_scopes(r: Run, reads: list[str], writes: str) -> None:
    assert readable_scopes(r) == reads
    assert write_scope(r) == writes


@pytest.mark.parametrize(
    "event",
    [
        "schedule",
        "workflow_run",
        "issue_comment",
        "issues",
        "discussion",
        "discussion_comment",
        "fork",
        "watch",
        "label",
        "repository_dispatch",
        "check_run",
        "check_suite",
        "status",
        "delete",
        "gollum",
        "page_build",
        "milestone",
    ],
)
def test_default_branch_context_events(event: str) -> None:
    # whatever ref the caller passes, these run in the default branch's scope
    r = run(FEAT, event)
    assert readable_scopes(r) == [MAIN]
    assert write_scope(r) == MAIN


@pytest.mark.parametrize(
    ("event", "untrusted"),
    [
        ("pull_request_target", True),
        ("issue_comment", True),
        ("workflow_run", True),
        ("issues", True),
        ("discussion_comment", True),
        ("watch", True),
        ("fork", True),
        ("push", False),
        ("schedule", False),
        ("workflow_dispatch", False),
        ("merge_group", False),
        ("release", False),
        ("repository_dispatch", False),
    ],
)
def test_untrusted_events(event: str, untrusted: bool) -> None:
    assert is_untrusted_event(event) is untrusted


def test_read_only_token_from_2026_06() -> None:
    before = READ_ONLY_TOKENS_SINCE - timedelta(seconds=1)
    for event in ("pull_request_target", "issue_comment", "workflow_run"):
        assert write_scope(run(MAIN, event, MAR)) == MAIN
        assert write_scope(run(MAIN, event, before)) == MAIN
        assert not read_only_token(run(MAIN, event, before))
        at = run(MAIN, event, READ_ONLY_TOKENS_SINCE)
        assert read_only_token(at) and write_scope(at) is None
        assert save_block(at) == "skipped-read-only"
        assert readable_scopes(at) == [MAIN]  # reading is unaffected
    # trusted events, and untrusted ones whose scope is not the default branch, still write
    assert write_scope(run(MAIN, "schedule", OCT)) == MAIN
    assert write_scope(run(MAIN, "push", OCT)) == MAIN
    assert write_scope(run(REL, "pull_request_target", OCT, base_ref=REL)) == REL
    # the caller knows better than the event: a workflow_run chain from the same repository
    assert write_scope(run(MAIN, "workflow_run", OCT, untrusted=False)) == MAIN
    assert write_scope(run(MAIN, "schedule", OCT, untrusted=True)) is None


def test_cache_mode_only_from_2026_09() -> None:
    just_before = CACHE_MODE_SINCE - timedelta(seconds=1)
    for mode in ("read", "write", "write-only", "none"):
        early = run(FEAT, when=just_before, cache_mode=mode)
        assert effective_cache_mode(early) is None
        assert not restore_skipped(early) and write_scope(early) == FEAT
    table = {"read": (False, None), "write": (False, FEAT), "write-only": (True, FEAT),
             "none": (True, None)}  # fmt: skip
    for mode, (skips_restore, writes) in table.items():
        r = run(FEAT, when=CACHE_MODE_SINCE, cache_mode=mode)
        assert effective_cache_mode(r) == mode
        assert restore_skipped(r) is skips_restore
        assert write_scope(r) == writes
        assert readable_scopes(r) == [FEAT, MAIN]
    assert save_block(run(FEAT, when=OCT, cache_mode="read")) == "skipped-cache-mode"


def test_explicit_cache_mode_replaces_read_only_rule() -> None:
    # documented modelling choice: cache-mode "sets this explicitly"
    assert write_scope(run(MAIN, "pull_request_target", OCT, cache_mode="write")) == MAIN
    assert write_scope(run(MAIN, "pull_request_target", OCT)) is None
    r = run(MAIN, "pull_request_target", OCT, cache_mode="read")
    assert save_block(r) == "skipped-cache-mode"


def test_run_validation_and_normalisation() -> None:
    with pytest.raises(ValueError, match="cache-mode must be one of"):
        run(MAIN, cache_mode="readonly")
    r = Run(datetime(2026, 3, 2, 12), "feat", base_ref="main", default_branch="trunk")
    assert r.time.tzinfo is timezone.utc
    assert (r.ref, r.base_ref, r.default_branch) == (FEAT, MAIN, "refs/heads/trunk")
    aware = datetime.fromisoformat("2026-03-02T14:00:00+02:00")
    assert Run(aware, MAIN).time == MAR
