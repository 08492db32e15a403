"""Replaying workflow runs against a :class:`~.service.CacheService` (spec §5).

Each run executes like a GitHub Actions job: main steps in order — each restoring step looks
its keys up, each ``actions/cache/save`` step saves on the spot — then the post steps of the
``actions/cache`` (restore+save) steps, in *reverse* step order, as the runner runs post steps
(a stack: the last action to start is the first to clean up). A post step runs only if the job
succeeded (unless ``save_always``), skips when the restored key equals the primary key, and
otherwise saves under the primary key into the run's scope.

Steps of different jobs of one run run concurrently: a job never sees another job's saves of
the same run (first saver wins a shared key; the others get "Unable to reserve"). Jobs that
depend on each other (``needs:``) should be given as separate runs. Everything in a run happens
at the run's ``time``.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from ..caches.model import CacheStepKind
from .model import (
    GIB,
    CacheOutcome,
    CacheRequest,
    Cause,
    Outcome,
    Run,
    SaveResult,
    ServiceEvent,
)
from .scopes import (
    effective_cache_mode,
    readable_scopes,
    restore_skipped,
    run_scope,
    save_block,
)
from .service import CacheEntry, CacheService, Match, fold_key

__all__ = [
    "ENTRY_SIZE_LIMIT",
    "RunResult",
    "SimulationResult",
    "Stats",
    "run_once",
    "simulate",
]

ENTRY_SIZE_LIMIT = 10 * GIB
"""``@actions/cache`` refuses to upload an archive over 10 GiB ("Cache size of ~N MB is over
the 10GB limit, not saving cache"), whatever the repository's limit."""


@dataclass(frozen=True)
class RunResult:
    """A run and the outcome of each of its requests, in the same order."""

    run: Run
    outcomes: tuple[CacheOutcome, ...]


@dataclass(frozen=True)
class Stats:
    """Counts over restoring requests (``actions/cache/save`` steps are not counted).

    ``hit_rate`` is exact hits / restoring requests (the share of ``cache-hit == 'true'``);
    ``warm_rate`` is (hits + partial restores) / restoring requests (the share that started
    with *some* cache). Both are 0 when nothing restored.
    """

    requests: int = 0
    hits: int = 0
    restores: int = 0
    misses: int = 0
    saves: int = 0

    @property
    def hit_rate(self) -> float:
        return self.hits / self.requests if self.requests else 0.0

    @property
    def warm_rate(self) -> float:
        return (self.hits + self.restores) / self.requests if self.requests else 0.0

    def add(self, outcome: CacheOutcome) -> Stats:
        o = outcome.outcome
        return Stats(
            self.requests + (o != "n/a"),
            self.hits + (o == "hit"),
            self.restores + (o == "restore"),
            self.misses + (o == "miss"),
            self.saves + outcome.saved,
        )


@dataclass(frozen=True)
class SimulationResult:
    """Per-run outcomes (input order), the service's event log, and summary statistics;
    ``service`` is the final state (``service.entries()``)."""

    runs: tuple[RunResult, ...]
    service: CacheService = field(compare=False)
    overall: Stats
    families: Mapping[str, Stats]

    @property
    def events(self) -> tuple[ServiceEvent, ...]:
        """The service's log: saved, refused, evicted, expired (seeded history included)."""
        return self.service.events

    @property
    def outcomes(self) -> tuple[CacheOutcome, ...]:
        return tuple(o for r in self.runs for o in r.outcomes)


def simulate(runs: Iterable[Run], service: CacheService | None = None) -> SimulationResult:
    """Replay ``runs`` (in time order) against ``service`` (a fresh default one if ``None``)."""
    service = service if service is not None else CacheService()
    results: list[RunResult] = []
    overall = Stats()
    families: dict[str, Stats] = {}
    for run in runs:
        outcomes = run_once(service, run, len(results))
        results.append(RunResult(run, outcomes))
        for o in outcomes:
            overall = overall.add(o)
            families[o.request.family] = families.get(o.request.family, Stats()).add(o)
    return SimulationResult(tuple(results), service, overall, dict(sorted(families.items())))


def run_once(service: CacheService, run: Run, run_index: int = 0) -> tuple[CacheOutcome, ...]:
    """Execute one run against ``service`` (advancing its clock to ``run.time``).

    ``run_index`` only labels the entries and events the run causes, for reports.
    """
    service.advance(run.time)
    serial = service.begin_run()
    jobs: dict[str, list[int]] = {}
    for i, req in enumerate(run.requests):
        jobs.setdefault(req.job, []).append(i)
    outcomes: list[CacheOutcome | None] = [None] * len(run.requests)
    posts: dict[str, list[tuple[int, Match | None]]] = {}
    failed: dict[str, bool] = {}
    for job, indices in jobs.items():
        posts[job], failed[job] = [], False

        def visible(e: CacheEntry, job: str = job) -> bool:
            return e.run_serial != serial or e.job == job

        for i in indices:
            req = run.requests[i]
            guard = _guarded(req, run, indices, outcomes)
            if guard is not None:
                outcomes[i] = CacheOutcome(
                    req, "n/a", save_explanation=guard, causes=(Cause("not-run", guard),)
                )
            elif failed[job] and not (req.kind is CacheStepKind.SAVE_ONLY and req.save_always):
                why = "an earlier step (fail-on-cache-miss) failed the job"
                outcomes[i] = CacheOutcome(
                    req,
                    "n/a",
                    save_result="skipped-job-failed"
                    if req.kind is not CacheStepKind.RESTORE_ONLY
                    else "n/a",
                    save_explanation=why,
                    causes=(Cause("not-run", f"step did not run: {why}"),),
                )
            elif req.kind is CacheStepKind.SAVE_ONLY:
                result, scope, why = _save(
                    service, run, (run_index, serial), req, None, failed[job]
                )
                outcomes[i] = CacheOutcome(
                    req, "n/a", save_result=result, save_scope=scope, save_explanation=why
                )
            else:
                outcome, match = _restore(service, run, req, visible)
                outcomes[i] = outcome
                if outcome.outcome == "miss" and req.fail_on_cache_miss:
                    failed[job] = True
                if req.kind is CacheStepKind.RESTORE_AND_SAVE:
                    posts[job].append((i, match))
    for job in jobs:
        for i, match in reversed(posts[job]):
            req = run.requests[i]
            result, scope, why = _save(service, run, (run_index, serial), req, match, failed[job])
            done = outcomes[i]
            assert done is not None
            outcomes[i] = replace(done, save_result=result, save_scope=scope, save_explanation=why)
    service.advance(run.time)
    return tuple(o for o in outcomes if o is not None)


def _guarded(
    req: CacheRequest,
    run: Run,
    indices: list[int],
    outcomes: list[CacheOutcome | None],
) -> str | None:
    """Why the step does not run under its ``only_if`` guard (``None``: it runs)."""
    if req.only_if is None:
        return None
    label, when = req.only_if
    for j in indices:
        done = outcomes[j]
        if done is not None and run.requests[j].label == label and done.request.restores:
            if done.cache_hit_output in when:
                return None
            shown = done.cache_hit_output or "''"
            return f"step skipped by its if: (cache-hit was {shown})"
    return None


def _restore(
    service: CacheService,
    run: Run,
    req: CacheRequest,
    visible: typing.Callable[[CacheEntry], bool],
) -> tuple[CacheOutcome, Match | None]:
    scopes = readable_scopes(run)
    if restore_skipped(run):
        why = f"restore skipped: cache-mode {effective_cache_mode(run)} does not read the cache"
        return CacheOutcome(req, "miss", causes=(Cause("cache-mode", why),)), None
    keys = (req.primary_key, *req.restore_keys)
    match = service.lookup(scopes, keys, req.version, visible=visible)
    exact = match is not None and fold_key(match.entry.key) == fold_key(req.primary_key)
    outcome: Outcome = "hit" if exact else "restore" if match else "miss"
    causes = (
        ()
        if exact
        else service.explain(scopes, req.primary_key, req.version, match, visible=visible)
    )
    return CacheOutcome(
        req,
        outcome,
        matched_key=match.entry.key if match else None,
        matched_scope=match.entry.scope if match else None,
        via=match.via if match else None,
        cache_hit_output="true" if exact else "false" if match else "",
        causes=causes,
        searched_scopes=tuple(scopes),
    ), match


def _save(
    service: CacheService,
    run: Run,
    ids: tuple[int, int],
    req: CacheRequest,
    match: Match | None,
    step_failed: bool,
) -> tuple[SaveResult, str | None, str]:
    """Apply the save rules in the order the action and toolkit check them."""
    scope = run_scope(run)
    post = req.kind is CacheStepKind.RESTORE_AND_SAVE
    if (step_failed or not run.job_succeeded) and not req.save_always:
        where = "post step" if post else "save step"
        return "skipped-job-failed", None, f"the job failed, so the {where} did not run"
    if match is not None and fold_key(match.entry.key) == fold_key(req.primary_key):
        return (
            "skipped-exact-hit",
            None,
            (f"Cache hit occurred on the primary key {req.primary_key}, not saving cache."),
        )
    block = save_block(run)
    if block == "skipped-cache-mode":
        return block, None, f"cache-mode {effective_cache_mode(run)} does not save"
    if not req.paths_match:
        return (
            "skipped-no-files",
            None,
            (
                "Path Validation Error: Path(s) specified in the action for caching do(es) not "
                "exist, hence no cache is being saved."
            ),
        )
    size = req.size_bytes if req.size_bytes is not None else service.default_entry_size
    if size > ENTRY_SIZE_LIMIT:
        return (
            "too-large",
            None,
            (
                f"Cache size of ~{round(size / 1024 / 1024)} MB ({size} B) is over the 10GB "
                "limit, not saving cache."
            ),
        )
    result, entry = service.save(
        scope,
        req.primary_key,
        req.version,
        size,
        read_only=block == "skipped-read-only",
        run_index=ids[0],
        job=req.job,
        label=req.label,
        run_serial=ids[1],
    )
    if result == "read-only":
        return (
            "skipped-read-only",
            scope,
            (
                f"the run's cache token is read-only ({run.event} in the default-branch scope): "
                "the service refuses the save"
            ),
        )
    if result == "exists":
        assert entry is not None
        return (
            "exists",
            scope,
            (
                f"Unable to reserve cache with key {req.primary_key}, another job may be creating "
                f"this cache (entry {entry.key} exists in {scope} since "
                f"{entry.created_at:%Y-%m-%d %H:%M} UTC)"
            ),
        )
    return "saved", scope, f"Cache saved with key: {req.primary_key} (scope {scope})"
