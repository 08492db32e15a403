"""Properties of the cache service model over random histories of runs."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from cachekit.caches.model import CacheStepKind
from cachekit.simulator import (
    CacheEntry,
    CacheRequest,
    CacheService,
    Run,
    fold_key,
    readable_scopes,
    run_once,
    simulate,
    write_scope,
)
from cachekit.simulator.scopes import run_scope

START = datetime(2026, 5, 20, tzinfo=timezone.utc)  # spans the 2026-06 and 2026-09 rules
LIMIT = 20
QUEUE = "refs/heads/gh-readonly-queue/main/pr-1-abc"

WHERE = [
    ("refs/heads/main", "push", None),
    ("refs/heads/a", "push", None),
    ("refs/heads/b", "push", None),
    ("refs/tags/v1", "push", None),
    ("refs/pull/1/merge", "pull_request", "main"),
    ("refs/pull/2/merge", "pull_request", "a"),
    ("refs/heads/main", "pull_request_target", "main"),
    ("refs/heads/main", "schedule", None),
    ("refs/heads/main", "issue_comment", None),
    (QUEUE, "merge_group", "main"),
]

requests = st.builds(
    CacheRequest,
    primary_key=st.sampled_from(["k-1", "K-1", "k-2", "k-1-x", "j-1", "j"]),
    version=st.sampled_from(["v1", "v2"]),
    restore_keys=st.lists(st.sampled_from(["k-", "j", "K", "x"]), max_size=2).map(tuple),
    kind=st.sampled_from(list(CacheStepKind)),
    lookup_only=st.booleans(),
    size_bytes=st.one_of(st.none(), st.integers(0, 8)),
    paths_match=st.sampled_from([True, True, True, False]),
    save_always=st.sampled_from([False, False, True]),
    fail_on_cache_miss=st.sampled_from([False, False, False, True]),
    job=st.sampled_from(["", "", "other"]),
)


@st.composite
def histories(draw: st.DrawFn) -> list[Run]:
    runs = []
    t = START
    for _ in range(draw(st.integers(1, 16))):
        t += draw(
            st.sampled_from(
                [timedelta(0), timedelta(hours=3), timedelta(days=2), timedelta(days=8)]
            )
        )
        ref, event, base = draw(st.sampled_from(WHERE))
        runs.append(
            Run(
                t,
                ref,
                event,
                tuple(draw(st.lists(requests, max_size=4))),
                base_ref=base,
                job_succeeded=draw(st.sampled_from([True, True, True, False])),
                cache_mode=draw(
                    st.sampled_from([None, None, "read", "write", "write-only", "none"])
                ),
            )
        )
    return runs


def service() -> CacheService:
    return CacheService(limit_bytes=LIMIT, default_entry_size=5)


@settings(max_examples=60, deadline=None)
@given(histories())
def test_invariants(runs: list[Run]) -> None:
    svc = service()
    for i, run in enumerate(runs):
        readable = readable_scopes(run)
        outcomes = run_once(svc, run, i)
        assert len(outcomes) == len(run.requests)
        assert svc.total_bytes <= LIMIT  # eviction passes run at the end of the run (delay 0)
        for o in outcomes:
            if o.matched_scope is not None:
                assert o.matched_scope in readable
                assert o.searched_scopes == tuple(readable)
            if o.outcome == "hit":
                assert not o.saved and o.cache_hit_output == "true"
                assert o.matched_key and fold_key(o.matched_key) == fold_key(o.request.primary_key)
            if o.outcome == "restore":
                assert o.cache_hit_output == "false" and o.causes
            if o.outcome == "miss":
                assert o.cache_hit_output == "" and o.matched_key is None and o.causes
            if o.saved:
                assert o.save_scope == write_scope(run) == run_scope(run)
                assert o.request.kind is not CacheStepKind.RESTORE_ONLY
            if o.request.kind is CacheStepKind.RESTORE_ONLY:
                assert o.save_result == "n/a"
            if o.request.kind is CacheStepKind.SAVE_ONLY:
                assert o.outcome == "n/a"
    for e in svc.entries():
        assert e.last_accessed_at >= e.created_at
        assert svc.now is not None and e.last_accessed_at + svc.expiry > svc.now


@settings(max_examples=50, deadline=None)
@given(histories())
def test_deterministic_stats_and_event_log(runs: list[Run]) -> None:
    a, b = simulate(runs, service()), simulate(runs, service())
    assert a.runs == b.runs and a.events == b.events and a.overall == b.overall
    s = a.overall
    assert s.hits + s.restores + s.misses == s.requests
    assert s.saves == sum(e.kind == "saved" for e in a.events)
    assert sum(f.requests for f in a.families.values()) == s.requests
    assert 0 <= s.hit_rate <= s.warm_rate <= 1
    # the event log replays to the final state
    res = a
    live: dict[tuple[str, str, str], int] = {}
    for ev in res.events:
        ident = (ev.scope, fold_key(ev.key), ev.version)
        if ev.kind == "saved":
            assert ident not in live  # immutable: never saved twice while alive
            live[ident] = ev.size_bytes
        elif ev.kind in ("evicted", "expired"):
            del live[ident]
        elif ev.reason == "exists":
            assert ident in live
    final = {(e.scope, fold_key(e.key), e.version): e.size_bytes for e in res.service.entries()}
    assert live == final
    times = [ev.time for ev in res.events]
    assert times == sorted(times)  # deletions are applied, and logged, in time order
    assert all(t <= runs[-1].time for t in times)


def reference_lookup(
    entries: tuple[CacheEntry, ...], scopes: list[str], keys: list[str], version: str
) -> tuple[str, str] | None:
    """Spec §3 written out naively: (scope, key) of the entry a restore should get."""
    for scope in scopes:
        here = [e for e in entries if e.scope == scope and e.version == version]
        for key in keys:
            k = key.lower()
            for e in here:
                if e.key.lower() == k:
                    return scope, e.key
            prefixed = [e for e in here if e.key.lower().startswith(k)]
            if prefixed:
                newest = sorted(prefixed, key=lambda e: (e.created_at, e.seq))[-1]
                return scope, newest.key
    return None


@settings(max_examples=50, deadline=None)
@given(histories())
def test_lookup_agrees_with_a_naive_reading_of_the_spec(runs: list[Run]) -> None:
    svc = service()
    for i, run in enumerate(runs):
        svc.advance(run.time)
        before = svc.entries()
        outcomes = run_once(svc, run, i)
        for o in outcomes:
            if o.request.kind is CacheStepKind.SAVE_ONLY:
                break  # later lookups may see this run's own saves
            if o.cause in ("cache-mode", "not-run"):
                continue
            keys = [o.request.primary_key, *o.request.restore_keys]
            expected = reference_lookup(before, readable_scopes(run), keys, o.request.version)
            got = (o.matched_scope, o.matched_key) if o.matched_key else None
            assert got == expected
