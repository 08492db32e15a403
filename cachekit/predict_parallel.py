"""``predict``'s replay on several cores: the history's runs in contiguous chunks, one per worker.

What a run caches (its keys, gates and guards) depends only on its commit's tree and the plan,
never on the cache simulator's state, so the replay — the costly part: walking trees, hashing
files, evaluating conditions — can run for chunks of the plan in worker processes, each with
its own git reader and compiled explainer, while the simulator consumes the chunks' results in
history order in the parent. The chunks are merged exactly as one serial replay would have
produced them (runs in plan order, counters summed, the first note of each problem kept), so
the predictions are identical to a serial run; only the compile/reuse counters differ (each
worker compiles its first commit's workflows afresh).

Measured on webpack's newest 1,000 commits on a 2-core machine: 26 s with 2 workers against
46 s serial when the machine was otherwise quiet, but 43 s against 33 s when another process
kept a core busy (load 2.1-2.7) — the workers' results (90k cache reports) are pickled back and
the simulator still runs in the parent — so by default no workers start while the load average
says every core is busy. Workers are spawned (not forked: the parent holds git subprocesses and
may hold threads) and only pay for themselves on long histories: see :data:`MIN_RUNS`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from typing import TYPE_CHECKING, Final

from .github.replay import WorkflowCounts

if TYPE_CHECKING:
    from .predict import PredictOptions, _Collected

__all__ = [
    "MIN_RUNS",
    "ChunkResult",
    "jobs_for",
    "merge_counts",
    "merge_problems",
    "replay_chunks",
]

MIN_RUNS: Final = 200  # below this, spawning workers costs more than the replay they share


@dataclass(frozen=True)
class ChunkResult:
    """What one worker's replay of ``plan[start:stop]`` produced."""

    collected: list[_Collected]
    counts: dict[str, WorkflowCounts]
    problems: list[str]
    replayed: int
    compiles: int
    reuses: int
    blobs_hashed: int


def jobs_for(requested: int | None, runs: int) -> int:
    """How many workers replay ``runs`` planned runs: one (serial) unless it pays."""
    jobs = requested if requested is not None else _idle_cores()
    if jobs <= 1 or runs < MIN_RUNS:
        return 1
    return min(jobs, runs)


def _idle_cores() -> int:
    """The cores, or one when the 1-minute load average says all of them are busy already."""
    cores = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0] >= cores
    except OSError:  # no load average on this platform
        busy = False
    return 1 if busy else cores


def _bounds(runs: int, jobs: int) -> list[tuple[int, int]]:
    step, extra = divmod(runs, jobs)
    out, start = [], 0
    for i in range(jobs):
        stop = start + step + (1 if i < extra else 0)
        out.append((start, stop))
        start = stop
    return out


def _replay_chunk(root: str, options: PredictOptions, start: int, stop: int) -> ChunkResult:
    from .fs.gitrepo import GitRepo  # noqa: PLC0415
    from .predict import _prepare, _Replay  # noqa: PLC0415 — predict imports this module

    with GitRepo(root) as repo:
        branch, _commits, changed, plan = _prepare(repo, options, [])
        problems: list[str] = []
        replay = _Replay(repo, branch, options, problems, changed)
        for run in plan[start:stop]:
            replay.replay(run)
        compiler = replay.compiler
        return ChunkResult(
            replay.collected,
            replay.counts,
            problems,
            len(replay.collected),
            compiler.compiles if compiler is not None else 0,
            compiler.reuses if compiler is not None else 0,
            repo.stats.blobs_hashed,
        )


def replay_chunks(
    root: str,
    options: PredictOptions,
    runs: int,
    jobs: int,
    progress: Callable[[int, int], None] | None = None,
) -> list[ChunkResult]:
    """Replay the ``runs`` planned runs in ``jobs`` contiguous chunks, results in plan order."""
    bounds = _bounds(runs, jobs)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(_replay_chunk, root, options, a, b) for a, b in bounds]
        out: list[ChunkResult] = []
        for (_, stop), future in zip(bounds, futures, strict=True):
            out.append(future.result())
            if progress is not None:
                progress(stop, runs)
    return out


def merge_counts(into: dict[str, WorkflowCounts], more: dict[str, WorkflowCounts]) -> None:
    """Add one chunk's per-workflow counters to the earlier chunks' (problems kept in order)."""
    for name, c in more.items():
        t = into.setdefault(name, WorkflowCounts())
        t.replayed += c.replayed
        t.skipped_by_trigger += c.skipped_by_trigger
        t.jobs_skipped_by_condition += c.jobs_skipped_by_condition
        t.caches_skipped_by_condition += c.caches_skipped_by_condition
        t.unknown_conditions += c.unknown_conditions
        for table, add in (
            (t.unknown_texts, c.unknown_texts),
            (t.trigger_reasons, c.trigger_reasons),
        ):
            for k, v in add.items():
                table[k] = table.get(k, 0) + v
        t.problems.extend(p for p in c.problems if p not in t.problems)


def merge_problems(into: list[str], more: Sequence[str]) -> None:
    """Append a later chunk's problems as the serial replay would have: first note of each."""
    for text in more:
        if text.split(": ", 1)[1] not in {q.split(": ", 1)[1] for q in into}:
            into.append(text)
