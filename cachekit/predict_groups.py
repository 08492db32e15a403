"""What a prediction's report shows: caches in natural order, identical misses grouped,
causes ranked by what they cost.

A matrix of 25 legs that misses on one commit for one reason is one line (``×25 matrix
legs``), not 25. A cache is named by its file and line *and* by workflow, job and step, and
listed in file order (``test.yml:24`` before ``test.yml:105``). Causes are ranked by the
bytes their misses download again: misses × the entry's size (from ``--caches`` when listed,
else the estimate) — the order in which fixing them pays.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .encoding import json_spec

if TYPE_CHECKING:
    from .predict import PredictedCache, PredictedRun

__all__ = ["CauseCost", "MissGroup", "cache_name", "miss_groups", "natural_key", "ranked_causes"]

_DIGITS = re.compile(r"(\d+)")
_COMMIT_REF = re.compile(r" in [0-9a-f]{7,40}\b|\b[0-9a-f]{40}\b|\d{4}-\d\d-\d\d \d\d:\d\d UTC")


def natural_key(text: str) -> tuple[Any, ...]:
    """``test.yml:24`` sorts before ``test.yml:105``: digit runs compare as numbers."""
    return tuple(int(p) if p.isdigit() else p for p in _DIGITS.split(text))


def cache_name(c: PredictedCache) -> str:
    """``file:line job / step``: where it is and what it is called — the one name of a cache
    in every table and list of a prediction, on every platform. The file is the one the
    step is written in (a template, composite action or called workflow may be another file
    than the workflow that runs it), so the line is a line of that file."""
    return f"{c.file or c.workflow}:{c.line} {c.job} / {c.step}"


@dataclass(frozen=True)
class MissGroup:
    """Identical non-hits of one run: the same cache, outcome and cause on every leg."""

    run: PredictedRun
    cache: PredictedCache
    legs: int


@dataclass(frozen=True)
class CauseCost:
    """One cause of one cache across the history, with what its misses cost."""

    cache: str
    code: str
    cause: str
    misses: int
    restores: int
    cost_bytes: int
    first: str = field(metadata=json_spec(name="first_commit"))  # the first occurrence's commit
    last: str = field(metadata=json_spec(name="last_commit"))


def miss_groups(runs: Iterable[PredictedRun]) -> list[MissGroup]:
    """Misses and partial restores, oldest first, identical matrix legs of a run merged."""
    out: list[MissGroup] = []
    for run in runs:
        seen: dict[tuple[str, str, str | None], int] = {}
        for c in run.caches:
            if c.outcome not in ("miss", "restore"):
                continue
            key = (cache_name(c), c.outcome, c.cause)
            if key in seen:
                g = out[seen[key]]
                out[seen[key]] = MissGroup(g.run, g.cache, g.legs + 1)
            else:
                seen[key] = len(out)
                out.append(MissGroup(run, c, 1))
    return out


def _general(cause: str | None) -> str:
    """A cause without the commit ids and times that make each occurrence unique."""
    return _COMMIT_REF.sub("", cause or "").strip()


def ranked_causes(runs: Sequence[PredictedRun]) -> list[CauseCost]:
    """Causes per cache, the costliest first (misses × entry size, then count)."""
    acc: dict[tuple[str, str, str], list[Any]] = {}
    for run in runs:
        for c in run.caches:
            if c.outcome not in ("miss", "restore") or c.cause_code is None:
                continue
            text = "; ".join(_general(x) for x in c.changed) if c.changed else _general(c.cause)
            if c.cause_code in ("expired", "evicted", "first-run", "concurrent"):
                text = c.cause_code
            key = (cache_name(c), c.cause_code, text)
            entry = acc.setdefault(key, [0, 0, 0, run.commit, run.commit])
            if c.outcome == "miss":
                entry[0] += 1
                entry[2] += c.size_bytes
            else:
                entry[1] += 1
            entry[4] = run.commit
    ranked = [
        CauseCost(name, code, text, m, r, cost, first, last)
        for (name, code, text), (m, r, cost, first, last) in acc.items()
    ]
    ranked.sort(key=lambda x: (-x.cost_bytes, -x.misses, -x.restores, natural_key(x.cache)))
    return ranked
