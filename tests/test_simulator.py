"""The cache service model, one test per rule of the spec (§3 lookup, §4 scopes, §5 save,
§6 expiry and eviction); each non-hit cause is checked by code and by text."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from cachekit.caches.model import CacheStepKind
from cachekit.simulator import (
    CACHE_MODE_SINCE,
    GIB,
    READ_ONLY_TOKENS_SINCE,
    CacheOutcome,
    CacheRequest,
    CacheService,
    Run,
    run_once,
    simulate,
)
from cachekit.simulator.model import format_size

T0 = datetime(2026, 3, 2, 12, tzinfo=timezone.utc)
H, D = timedelta(hours=1), timedelta(days=1)
V1, V2 = "1" * 64, "2" * 64
MAIN, FEAT = "refs/heads/main", "refs/heads/feat"
PR3 = "refs/pull/3/merge"
RS, RO, SO = CacheStepKind.RESTORE_AND_SAVE, CacheStepKind.RESTORE_ONLY, CacheStepKind.SAVE_ONLY


def req(key: str, *restore: str, version: str = V1, **kw: object) -> CacheRequest:
    return CacheRequest(key, version, restore, **kw)  # type: ignore[arg-type]


def push(ref: str, t: datetime, *reqs: CacheRequest, **kw: object) -> Run:
    return Run(t, ref, "push", reqs, **kw)  # type: ignore[arg-type]


def pr(n: int, t: datetime, *reqs: CacheRequest, base: str = "main", **kw: object) -> Run:
    return Run(t, f"refs/pull/{n}/merge", "pull_request", reqs, base_ref=base, **kw)  # type: ignore[arg-type]


def last(*runs: Run, service: CacheService | None = None) -> CacheOutcome:
    """The first outcome of the last run."""
    return simulate(runs, service).runs[-1].outcomes[0]


def seeded(*entries: tuple[str, str, datetime], version: str = V1) -> CacheService:
    svc = CacheService()
    for scope, key, t in entries:
        svc.add_entry(scope, key, version, 100, t)
    return svc


# -- §3.5 lookup within a scope ----------------------------------------------------------------


def test_exact_hit() -> None:
    o = last(push(MAIN, T0, req("k-1")), push(MAIN, T0 + H, req("k-1", "k-")))
    assert (o.outcome, o.via, o.matched_key, o.matched_scope) == ("hit", "exact", "k-1", MAIN)
    assert o.cache_hit_output == "true" and o.causes == () and o.cause is None
    assert o.save_result == "skipped-exact-hit" and not o.saved
    assert "Cache hit occurred on the primary key k-1, not saving cache." in o.save_explanation


def test_primary_key_is_prefix_matched_and_still_saves() -> None:
    o = last(push(MAIN, T0, req("k-1-extra")), push(MAIN, T0 + H, req("k-1")))
    assert (o.outcome, o.via, o.matched_key) == ("restore", "prefix", "k-1-extra")
    assert o.cache_hit_output == "false"
    assert o.save_result == "saved" and o.saved and o.save_scope == MAIN
    assert o.cause == "no-entry"


def test_newest_created_prefix_match_wins_not_most_recently_used() -> None:
    svc = seeded((MAIN, "k-b", T0), (MAIN, "k-a", T0 + H))
    # touch k-b later so that it is the most recently *accessed*
    o = last(
        push(MAIN, T0 + 2 * H, req("k-b")), push(MAIN, T0 + 3 * H, req("k-z", "k-")), service=svc
    )
    assert (o.outcome, o.via, o.matched_key) == ("restore", "restore-key-prefix", "k-a")


def test_restore_keys_in_order_exact_before_prefix() -> None:
    svc = seeded((MAIN, "a-", T0), (MAIN, "a-x", T0 + H), (MAIN, "b-1", T0 + 2 * H))
    o = last(push(MAIN, T0 + 3 * H, req("z", "a-", "b-")), service=svc)
    assert (o.via, o.matched_key) == ("restore-key", "a-")
    o = last(push(MAIN, T0 + 4 * H, req("y", "b-", "a-")), service=svc)
    assert (o.via, o.matched_key) == ("restore-key-prefix", "b-1")


def test_primary_prefix_before_restore_key_exact() -> None:
    svc = seeded((MAIN, "k-long", T0), (MAIN, "r", T0 + H))
    o = last(push(MAIN, T0 + 2 * H, req("k", "r")), service=svc)
    assert (o.via, o.matched_key) == ("prefix", "k-long")


def test_version_must_match_and_mismatch_is_the_cause() -> None:
    svc = seeded((MAIN, "k-1", T0))
    o = last(push(MAIN, T0 + H, req("k-1", "k-", version=V2)), service=svc)
    assert o.outcome == "miss" and o.cache_hit_output == ""
    assert o.cause == "version"
    assert o.explanation == (
        f"entry with this key exists in scope {MAIN} but its version differs "
        f"(paths/compression/OS): {V1[:12]} vs this step's {V2[:12]}"
    )
    assert o.save_result == "saved"  # same key, another version: a separate entry
    assert {e.version for e in svc.entries()} == {V1, V2}


# -- §3.6 scopes one at a time -----------------------------------------------------------------


def test_restore_key_in_pr_scope_beats_exact_hit_on_main() -> None:
    svc = seeded((PR3, "k-old", T0), (MAIN, "k-new", T0 + H))
    o = last(pr(3, T0 + 2 * H, req("k-new", "k-")), service=svc)
    assert (o.outcome, o.via, o.matched_scope, o.matched_key) == (
        "restore", "restore-key-prefix", PR3, "k-old"
    )  # fmt: skip
    assert o.cause == "shadowed" and o.causes[0].scope == MAIN
    assert o.explanation == (
        f"entry with this key exists in scope {MAIN}, but a restore key matched first in "
        f"scope {PR3} (scopes are searched one at a time)"
    )
    assert o.save_result == "saved" and o.save_scope == PR3
    assert o.searched_scopes == (PR3, MAIN)


def test_pr_reads_base_before_default() -> None:
    rel = "refs/heads/release"
    svc = seeded((MAIN, "k", T0), (rel, "k", T0))
    o = last(pr(3, T0 + H, req("k"), base="release"), service=svc)
    assert (o.outcome, o.matched_scope) == ("hit", rel)
    assert o.searched_scopes == (PR3, rel, MAIN)


def test_own_scope_first() -> None:
    svc = seeded((MAIN, "k", T0), (FEAT, "k", T0 + H))
    assert last(push(FEAT, T0 + 2 * H, req("k")), service=svc).matched_scope == FEAT


# -- §3.7 case-insensitive keys ----------------------------------------------------------------


def test_keys_are_case_insensitive() -> None:
    svc = seeded((MAIN, "Linux-Key-1", T0))
    o = last(push(MAIN, T0 + H, req("linux-key-1")), service=svc)
    assert (o.outcome, o.matched_key, o.cache_hit_output) == ("hit", "Linux-Key-1", "true")
    assert o.save_result == "skipped-exact-hit"
    o = last(push(MAIN, T0 + 2 * H, req("nope", "LINUX-KEY-")), service=svc)
    assert (o.outcome, o.matched_key) == ("restore", "Linux-Key-1")
    o = last(push(MAIN, T0 + 3 * H, req("LINUX-KEY-1", kind=SO)), service=svc)
    assert o.save_result == "exists"


# -- §4.8–9 scopes -----------------------------------------------------------------------------


def test_sibling_branch_is_not_readable() -> None:
    o = last(push(FEAT, T0, req("k")), push("refs/heads/other", T0 + H, req("k")))
    assert o.outcome == "miss" and o.cause == "scope"
    assert o.explanation == (
        f"entry exists in scope {FEAT} but this run cannot read it "
        f"(it reads refs/heads/other, {MAIN})"
    )


def test_pr_cannot_read_head_branch_push_caches() -> None:
    o = last(push(FEAT, T0, req("k")), pr(3, T0 + H, req("k")))
    assert o.outcome == "miss" and o.cause == "scope" and o.causes[0].scope == FEAT


def test_pr_scope_not_readable_by_base_after_merge() -> None:
    res = simulate([pr(3, T0, req("k")), pr(3, T0 + H, req("k")), push(MAIN, T0 + 2 * H, req("k"))])
    first, again, merged = (r.outcomes[0] for r in res.runs)
    assert first.save_scope == PR3 and first.saved
    assert again.outcome == "hit" and again.matched_scope == PR3
    assert merged.outcome == "miss" and merged.cause == "scope" and merged.causes[0].scope == PR3


def test_merge_queue_scope() -> None:
    queue = "refs/heads/gh-readonly-queue/main/pr-3-abc"
    mq = Run(T0 + H, queue, "merge_group", (req("k-1", "k-"),), base_ref="main")
    res = simulate([pr(3, T0, req("k-1")), mq, push(MAIN, T0 + 2 * H, req("k-1"))])
    queued, on_main = res.runs[1].outcomes[0], res.runs[2].outcomes[0]
    assert queued.outcome == "miss" and queued.cause == "scope"  # can't read the PR's scope
    assert queued.save_scope == queue and queued.saved
    assert on_main.outcome == "miss" and on_main.causes[0].scope in (PR3, queue)
    # a merge queue run does read the default branch
    assert last(Run(T0 + 3 * H, queue, "merge_group", (req("k-1"),))).outcome == "miss"
    o = last(push(MAIN, T0, req("m")), Run(T0 + H, queue, "merge_group", (req("m"),)))
    assert (o.outcome, o.matched_scope) == ("hit", MAIN)


def test_tag_scope() -> None:
    res = simulate(
        [
            push(MAIN, T0, req("m")),
            push("refs/tags/v1", T0 + H, req("m"), req("t")),
            push("refs/tags/v2", T0 + 2 * H, req("t")),
        ]
    )
    m, t = res.runs[1].outcomes
    assert (m.outcome, m.matched_scope) == ("hit", MAIN)
    assert t.save_scope == "refs/tags/v1"
    other = res.runs[2].outcomes[0]
    assert other.cause == "scope" and other.causes[0].scope == "refs/tags/v1"


def test_default_branch_context_events_share_main() -> None:
    nightly = Run(T0, "refs/heads/whatever", "schedule", (req("k"),))
    o = last(nightly, push(FEAT, T0 + H, req("k")))
    assert (o.outcome, o.matched_scope) == ("hit", MAIN)


# -- §4.10 read-only tokens and cache-mode ----------------------------------------------------


def test_read_only_token_refuses_saves_from_2026_06() -> None:
    def target(t: datetime) -> Run:
        return Run(t, MAIN, "pull_request_target", (req("k-" + t.isoformat(), "k-"),))

    before = simulate([target(READ_ONLY_TOKENS_SINCE - H)]).runs[0].outcomes[0]
    assert before.save_result == "saved"
    svc = seeded((MAIN, "k-old", READ_ONLY_TOKENS_SINCE))
    o = last(target(READ_ONLY_TOKENS_SINCE + H), service=svc)
    assert o.outcome == "restore"  # still reads
    assert o.save_result == "skipped-read-only" and o.save_scope == MAIN and not o.saved
    assert "read-only" in o.save_explanation
    refused = svc.events[-1]
    assert (refused.kind, refused.reason, refused.scope) == ("refused", "read-only", MAIN)
    assert [e.key for e in svc.entries()] == ["k-old"]


def test_cache_mode_before_and_after_2026_09() -> None:
    def mode(m: str, t: datetime) -> CacheOutcome:
        svc = seeded((FEAT, "k-1", t - H))
        return last(push(FEAT, t, req("k-2", "k-"), cache_mode=m), service=svc)

    early = CACHE_MODE_SINCE - H
    for m in ("read", "write", "write-only", "none"):
        o = mode(m, early)  # the key is ignored before it existed
        assert (o.outcome, o.save_result) == ("restore", "saved")
    late = CACHE_MODE_SINCE + H
    o = mode("write", late)
    assert (o.outcome, o.save_result) == ("restore", "saved")
    o = mode("read", late)
    assert (o.outcome, o.save_result) == ("restore", "skipped-cache-mode")
    assert o.save_explanation == "cache-mode read does not save"
    o = mode("write-only", late)
    assert (o.outcome, o.save_result, o.cause) == ("miss", "saved", "cache-mode")
    assert o.explanation == "restore skipped: cache-mode write-only does not read the cache"
    o = mode("none", late)
    assert (o.outcome, o.save_result, o.cause) == ("miss", "skipped-cache-mode", "cache-mode")


# -- §5.11–14 outputs and saves ----------------------------------------------------------------


def test_cache_hit_output_values() -> None:
    svc = seeded((MAIN, "k-1", T0))
    outs = simulate([push(MAIN, T0 + H, req("k-1"), req("k-2", "k-"), req("x"))], svc)
    assert [o.cache_hit_output for o in outs.runs[0].outcomes] == ["true", "false", ""]
    assert [o.outcome for o in outs.runs[0].outcomes] == ["hit", "restore", "miss"]


def test_job_failure_skips_post_step_unless_save_always() -> None:
    o = last(push(MAIN, T0, req("k"), job_succeeded=False))
    assert o.outcome == "miss" and o.save_result == "skipped-job-failed"
    assert o.save_explanation == "the job failed, so the post step did not run"
    o = last(push(MAIN, T0, req("k", save_always=True), job_succeeded=False))
    assert o.save_result == "saved"
    o = last(push(MAIN, T0, req("k", kind=SO), job_succeeded=False))
    assert o.save_result == "skipped-job-failed"


def test_immutable_entries_first_saver_wins() -> None:
    svc = CacheService()
    res = simulate([push(MAIN, T0, req("k", kind=SO)), push(MAIN, T0 + H, req("k", kind=SO))], svc)
    first, second = (r.outcomes[0] for r in res.runs)
    assert first.save_result == "saved" and second.save_result == "exists"
    assert second.save_explanation.startswith(
        "Unable to reserve cache with key k, another job may be creating this cache"
    )
    (entry,) = svc.entries()
    assert entry.created_at == T0
    assert [(e.kind, e.reason) for e in svc.events] == [("saved", ""), ("refused", "exists")]


def test_concurrent_jobs_do_not_see_each_other() -> None:
    run = push(
        MAIN,
        T0,
        req("k", kind=SO, job="a"),
        req("k", job="b"),
        req("k", job="a"),
    )
    saved_a, b, a = simulate([run]).runs[0].outcomes
    assert saved_a.save_result == "saved"
    assert a.outcome == "hit"  # a job sees its own earlier save step
    assert b.outcome == "miss" and b.cause == "concurrent"
    assert b.explanation.startswith(f"entry is being saved in scope {MAIN} by job a")
    assert b.save_result == "exists"


def test_post_steps_run_in_reverse_order() -> None:
    first, second = (
        simulate([push(MAIN, T0, req("k", label="one"), req("k", label="two"))]).runs[0].outcomes
    )
    assert (first.save_result, second.save_result) == ("exists", "saved")


def test_no_files_no_save() -> None:
    o = last(push(MAIN, T0, req("k", paths_match=False)))
    assert o.save_result == "skipped-no-files" and o.save_explanation.startswith(
        "Path Validation Error"
    )


def test_too_large_for_the_client() -> None:
    o = last(push(MAIN, T0, req("k", size_bytes=11 * GIB)))
    assert o.save_result == "too-large" and "is over the 10GB limit" in o.save_explanation


def test_default_entry_size() -> None:
    svc = CacheService(default_entry_size=1234)
    simulate([push(MAIN, T0, req("k"), req("j", size_bytes=6))], svc)
    assert svc.total_bytes == 1240


def test_restore_and_save_sub_actions() -> None:
    svc = seeded((MAIN, "k-1", T0))
    res = simulate(
        [push(MAIN, T0 + H, req("k-2", "k-", kind=RO), req("k-1", kind=SO), req("k-3", kind=SO))],
        svc,
    )
    restore_only, save_hit, save_new = res.runs[0].outcomes
    assert (restore_only.outcome, restore_only.save_result) == ("restore", "n/a")
    # actions/cache/save does not look up, it always tries
    assert (save_hit.outcome, save_hit.save_result) == ("n/a", "exists")
    assert (save_new.outcome, save_new.save_result) == ("n/a", "saved")
    assert res.overall.requests == 1


def test_lookup_only_matches_without_changing_save_logic() -> None:
    svc = seeded((MAIN, "k-1", T0))
    res = simulate(
        [push(MAIN, T0 + D, req("k-1", lookup_only=True), req("k-2", "k-", lookup_only=True))], svc
    )
    hit, partial = res.runs[0].outcomes
    assert (hit.outcome, hit.cache_hit_output, hit.save_result) == (
        "hit",
        "true",
        "skipped-exact-hit",
    )
    assert (partial.outcome, partial.save_result) == ("restore", "saved")
    assert svc.entry(MAIN, "k-1", V1).last_accessed_at == T0 + D  # type: ignore[union-attr]


def test_fail_on_cache_miss_fails_the_job() -> None:
    run = push(
        MAIN,
        T0,
        req("a"),
        req("b", fail_on_cache_miss=True),
        req("c"),
        req("d", kind=SO, save_always=True),
    )
    a, b, c, d = simulate([run]).runs[0].outcomes
    assert b.outcome == "miss" and b.save_result == "skipped-job-failed"
    assert a.save_result == "skipped-job-failed"
    assert (c.outcome, c.cause, c.save_result) == ("n/a", "not-run", "skipped-job-failed")
    assert d.save_result == "saved"  # if: always()
    o = last(push(MAIN, T0, req("a")), push(MAIN, T0 + H, req("a", fail_on_cache_miss=True)))
    assert o.outcome == "hit"


# -- §6.15 expiry ------------------------------------------------------------------------------


def test_expiry_after_seven_days_without_access() -> None:
    svc = CacheService()
    week = 7 * D
    res = simulate(
        [
            push(MAIN, T0, req("k")),
            push(MAIN, T0 + week - timedelta(seconds=1), req("k")),  # renews the entry
            push(MAIN, T0 + 2 * week - timedelta(seconds=2), req("k")),
            push(MAIN, T0 + 3 * week - timedelta(seconds=2), req("k")),
        ],
        svc,
    )
    outcomes = [r.outcomes[0] for r in res.runs]
    assert [o.outcome for o in outcomes] == ["miss", "hit", "hit", "miss"]
    gone = outcomes[3]
    expired_at = T0 + 2 * week - timedelta(seconds=2) + week
    assert gone.cause == "expired" and gone.causes[0].time == expired_at
    assert gone.explanation == (
        f"entry was expired at {expired_at:%Y-%m-%d %H:%M} UTC (not accessed for 7 days)"
    )
    assert gone.save_result == "saved"
    assert [e.kind for e in svc.events] == ["saved", "expired", "saved"]
    # exactly seven days without access is too long
    assert last(push(MAIN, T0, req("k")), push(MAIN, T0 + week, req("k"))).cause == "expired"
    # and the period is configurable
    svc90 = CacheService(expiry=90 * D)
    assert (
        last(push(MAIN, T0, req("k")), push(MAIN, T0 + 60 * D, req("k")), service=svc90).outcome
        == "hit"
    )


# -- §6.16 eviction ----------------------------------------------------------------------------


def test_lru_eviction_across_scopes() -> None:
    svc = CacheService(limit_bytes=10)
    res = simulate(
        [
            push(MAIN, T0, req("main", size_bytes=4)),
            pr(1, T0 + H, req("pr1", size_bytes=4)),
            push(MAIN, T0 + 2 * H, req("main")),  # main's entry is now more recently used
            pr(2, T0 + 3 * H, req("pr2", size_bytes=4)),  # 12 > 10: evict pr1
            pr(3, T0 + 4 * H, req("pr3", size_bytes=4)),  # evict main
            push(MAIN, T0 + 5 * H, req("main", size_bytes=4)),
        ],
        svc,
    )
    evicted = [(e.key, e.scope, e.time) for e in svc.events if e.kind == "evicted"]
    assert evicted[:2] == [("pr1", "refs/pull/1/merge", T0 + 3 * H), ("main", MAIN, T0 + 4 * H)]
    o = res.runs[-1].outcomes[0]
    assert o.outcome == "miss" and o.cause == "evicted" and o.causes[0].time == T0 + 4 * H
    assert o.explanation == (
        f"entry was evicted at {T0 + 4 * H:%Y-%m-%d %H:%M} UTC "
        "(least recently used; the cache was over 10 B)"
    )
    assert svc.total_bytes <= 10


def test_eviction_delay() -> None:
    svc = CacheService(limit_bytes=10, eviction_delay=2 * H)
    res = simulate(
        [
            push(MAIN, T0, req("a", size_bytes=6)),
            push(MAIN, T0 + H, req("b", size_bytes=6)),  # overfills: pass at T0 + 3h
            push(MAIN, T0 + 2 * H, req("a")),  # still there (and now most recent)
            push(MAIN, T0 + 4 * H, req("a"), req("b")),
        ],
        svc,
    )
    assert res.runs[2].outcomes[0].outcome == "hit"
    a, b = res.runs[3].outcomes
    assert a.outcome == "hit"
    assert b.outcome == "miss" and b.cause == "evicted" and b.causes[0].time == T0 + 3 * H


def test_resaved_entry_forgets_its_eviction() -> None:
    svc = CacheService(limit_bytes=10)
    simulate(
        [push(MAIN, T0, req("a", size_bytes=8)), push(MAIN, T0 + H, req("b", size_bytes=8))], svc
    )
    o = last(
        push(FEAT, T0 + 2 * H, req("a", size_bytes=1)),
        push(FEAT, T0 + 3 * H, req("a")),
        service=svc,
    )
    assert o.outcome == "hit" and o.matched_scope == FEAT


# -- the simulation as a whole -----------------------------------------------------------------


def test_stats_and_families() -> None:
    runs = [
        push(MAIN, T0, req("pip-1", "pip-", label="pip")),
        push(MAIN, T0 + H, req("pip-1", "pip-", label="pip"), req("npm-1", "npm-")),
        push(MAIN, T0 + 2 * H, req("pip-2", "pip-", label="pip"), req("x", kind=SO)),
    ]
    res = simulate(runs)
    pip = res.families["pip"]
    assert (pip.requests, pip.hits, pip.restores, pip.misses, pip.saves) == (3, 1, 1, 1, 2)
    assert pip.hit_rate == pytest.approx(1 / 3) and pip.warm_rate == pytest.approx(2 / 3)
    assert res.families["npm-"].requests == 1
    assert res.overall.requests == 4 and res.overall.saves == 4
    assert list(res.families) == sorted(res.families)
    assert len(res.outcomes) == 5


def test_runs_must_be_in_time_order() -> None:
    with pytest.raises(ValueError, match="runs must be in time order"):
        simulate([push(MAIN, T0 + H), push(MAIN, T0)])


def test_deterministic() -> None:
    runs = [pr(n % 3, T0 + n * H, req(f"k-{n % 4}", "k-", size_bytes=3)) for n in range(20)]
    a, b = (
        simulate(runs, CacheService(limit_bytes=10)),
        simulate(runs, CacheService(limit_bytes=10)),
    )
    assert a.runs == b.runs and a.events == b.events


def test_primary_prefix_in_own_scope_shadows_exact_on_main() -> None:
    svc = seeded((FEAT, "k-1-old", T0), (MAIN, "k-1", T0 + H))
    o = last(push(FEAT, T0 + 2 * H, req("k-1")), service=svc)
    assert (o.outcome, o.via, o.matched_scope) == ("restore", "prefix", FEAT)
    assert o.cause == "shadowed"
    assert "an entry whose key starts with this key matched first" in o.explanation


def test_several_causes_most_relevant_first() -> None:
    svc = CacheService(limit_bytes=10)
    runs = [
        push(MAIN, T0, req("k", size_bytes=6)),
        push(MAIN, T0 + H, req("other", size_bytes=6)),  # evicts k from main
        push(MAIN, T0 + 2 * H, req("k", version=V2, size_bytes=1, kind=SO)),
        push(FEAT, T0 + 3 * H, req("k", size_bytes=1, kind=SO)),
        push(MAIN, T0 + 4 * H, req("k", kind=RO)),
    ]
    o = simulate(runs, svc).runs[-1].outcomes[0]
    assert [c.code for c in o.causes] == ["evicted", "version", "scope"]


def test_service_bookkeeping() -> None:
    with pytest.raises(ValueError):
        CacheService(limit_bytes=0)
    with pytest.raises(ValueError):
        CacheService(eviction_delay=-H)
    svc = seeded((MAIN, "k", T0))
    with pytest.raises(ValueError, match="already in refs/heads/main"):
        svc.add_entry(MAIN, "K", V1, 1, T0)
    with pytest.raises(ValueError, match="advance"):
        CacheService().save(MAIN, "k", V1, 1)
    svc.advance(T0 + 8 * D)
    assert svc.entries() == () and svc.events[0].kind == "expired"
    assert svc.events[0].time == T0 + 7 * D


def test_format_size() -> None:
    assert [format_size(n) for n in (10 * GIB, 3 * GIB // 2, 512 * 1024 * 1024, 2048, 7)] == [
        "10 GiB",
        "1.5 GiB",
        "512 MiB",
        "2 KiB",
        "7 B",
    ]


def test_run_once_visibility_does_not_depend_on_caller_numbering() -> None:
    svc = CacheService()
    run_once(svc, push(MAIN, T0, req("k", job="a")))
    o = run_once(svc, push(MAIN, T0 + H, req("k", job="b")))[0]  # same default run_index
    assert o.outcome == "hit"
