"""Restores that can never find what the repository saves (issue #12, items 8 and 10).

GitHub restores an entry whose key starts with the looked-up key (the primary key is
prefix-matched too, then each restore key), case-insensitively, on the same cache version
(paths, compression, cross-OS: ``/work/shared/spec/actions-cache.md`` §3). Comparing every
restore with every key the repository saves, as templates with holes
(:mod:`cachekit.checks.keyshapes`: what explain could not evaluate matches anything), two
things are certain:

* ``restore-keys-never-match``: a restore key written on an ``actions/cache`` step that no
  saved key of any job or matrix leg on that version can start with (a restore key that drops
  a segment from the middle of the key);
* ``restore-never-saved``: a restore-only use (``actions/cache/restore``, a composite action
  that only restores) whose key and restore keys no save can match: it always misses.

Saves are every cache report that saves (``actions/cache`` post-steps, ``actions/cache/save``,
setup actions). When something cachekit cannot read may also save into the repository's cache
(a remote reusable workflow, a remote action that caches and that cachekit does not model, a
local action or reusable workflow it could not read) both rules say nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final

from ...caches.actions.registry import lookup
from ...errors import CachekitError
from ...explain.model import CacheReport, ExplainResult
from ...findings import Code
from ...fs.trees import Tree
from ...github.workflows import load_workflows
from ..keyshapes import Shape, can_start_with, shape_of_parts, shape_of_text
from ..model import CheckFinding, Location
from ..rule import CacheFacts, CheckContext, finding, matrix_text, repository_rule

__all__ = ["reach", "unknown_savers"]

# A remote action that may save into the cache: its name says so, or it takes a path and a
# key like actions/cache (runs-on/cache, a cache action of another storage, ccache-action…).
_CACHING_NAME: Final = re.compile(r"cache", re.IGNORECASE)
_UNREADABLE: Final = re.compile(r"action\.ya?ml|composite|reusable|local action", re.IGNORECASE)


def unknown_savers(tree: Tree, explained: ExplainResult) -> str | None:
    """What may save into the repository's cache that cachekit cannot see, or ``None``."""
    for problem in explained.problems:
        if _UNREADABLE.search(problem.message):
            return f"unreadable: {problem.message}"
    for job in explained.jobs:
        for step in job.steps:
            uses = (step.uses or "").strip()
            if not uses or uses.startswith(("./", "docker://")):
                continue
            action = uses.split("@", 1)[0]
            if lookup(action) is not None:
                continue
            if _CACHING_NAME.search(action) or {"path", "key"} <= set(step.with_):
                return f"{uses} may save caches cachekit does not model"
    try:
        workflows, _ = load_workflows(tree)
    except CachekitError:
        return "the workflows cannot be listed"
    for wf in workflows:
        for called in wf.jobs.values():
            if called.uses is not None and called.uses.kind != "local":
                return f"the reusable workflow {called.uses.raw} ({wf.path}) may save caches"
    return None


@dataclass(frozen=True)
class _Save:
    shape: Shape
    version: str | None


def _saves(explained: ExplainResult) -> list[_Save]:
    unique = {
        (shape_of_parts(r.parts), r.version)
        for r in explained.caches
        if r.kind in ("restore+save", "save-only")
    }
    return [_Save(shape, version) for shape, version in unique]


def _found(saves: Sequence[_Save], report: CacheReport, wanted: Shape) -> bool:
    """Whether some save on the report's cache version can start with ``wanted``."""
    return any(
        can_start_with(s.shape, wanted)
        for s in saves
        if s.version is None or report.version is None or s.version == report.version
    )


def _leg(cache: CacheFacts) -> Location:
    return Location(cache.job.mark.path, cache.job.mark.line, matrix_text(cache.job))


def _never_match(saves: Sequence[_Save], caches: Sequence[CacheFacts]) -> Iterator[CheckFinding]:
    """Restore keys written on actions/cache steps that no saved key can start with."""
    failing: dict[tuple[str, int, int], list[tuple[CacheFacts, str]]] = defaultdict(list)
    for cache in caches:
        report = cache.report
        if not cache.restores or not report.uses.lower().startswith("actions/cache"):
            continue
        for i, text in enumerate(report.restore_keys):
            if text and not _found(saves, report, shape_of_text(text)):
                failing[(report.mark.path, report.mark.line, i)].append((cache, text))
    for legs in failing.values():
        first, text = legs[0]
        many = f" (on {len(legs)} matrix combinations)" if len(legs) > 1 else ""
        yield finding(
            Code.RESTORE_KEYS_NEVER_MATCH,
            f"restore key '{text}'{many} is not the start of any key the repository saves on "
            f"this cache version (the step's own key is '{first.report.key}'): it never restores "
            "anything",
            at=first.at,
            job=first.job,
            related=[_leg(c) for c, _ in legs] if many else (),
        )


def _never_saved(saves: Sequence[_Save], caches: Sequence[CacheFacts]) -> Iterator[CheckFinding]:
    """Restore-only uses whose key and restore keys no saved key can match."""
    failing: dict[tuple[str, int], list[CacheFacts]] = defaultdict(list)
    total: dict[tuple[str, int], int] = defaultdict(int)
    for cache in caches:
        report = cache.report
        if report.kind != "restore-only":
            continue
        where = (report.mark.path, report.mark.line)
        total[where] += 1
        wanted = [shape_of_parts(report.parts)] + [shape_of_text(k) for k in report.restore_keys]
        if not any(_found(saves, report, w) for w in wanted):
            failing[where].append(cache)
    for where, legs in failing.items():
        first = legs[0]
        scope = (
            f" for {len(legs)} of its {total[where]} matrix combinations"
            if total[where] > 1
            else ""
        )
        yield finding(
            Code.RESTORE_NEVER_SAVED,
            f"this restore-only cache looks up '{first.report.key}'{scope}, and no job of "
            "the repository saves a key it can match on this cache version (same paths): it "
            "always misses",
            at=first.at,
            job=first.job,
            related=[_leg(c) for c in legs] if total[where] > 1 else (),
        )


@repository_rule("reach", Code.RESTORE_KEYS_NEVER_MATCH, Code.RESTORE_NEVER_SAVED)
def reach(ctx: CheckContext, caches: Sequence[CacheFacts]) -> Iterator[CheckFinding]:
    """Restore keys and restore-only caches that no save of the repository can satisfy."""
    if unknown_savers(ctx.tree, ctx.explained) is not None:
        return
    saves = _saves(ctx.explained)
    yield from _never_match(saves, caches)
    yield from _never_saved(saves, caches)
