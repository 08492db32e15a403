"""Rules about a cache entry's life rather than its inputs: an action version whose cache
requests fail, an entry nothing ever refreshes (issue #12, items 11 and 12).

Each is a function of the explained repository that yields findings, registered as one
rule (:data:`lifecycle`) run once per check. They read only the explained reports (no tree
access), so each is tested with a minimal workflow.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ...caches.releases import resolve_ref, toolkit_supported
from ...errors import CachekitError
from ...explain.model import CacheReport, ExplainResult
from ...findings import CODES, Code, Severity
from ..model import CheckFinding
from ..rule import CacheFacts, CheckContext, repository_rule

__all__ = ["deprecated_actions", "lifecycle", "never_refreshed"]

_FAILS = "the step fails"
_UNCACHED = "its cache requests fail and the job runs uncached"


def _finding(
    code: Code, report: CacheReport, message: str, severity: Severity | None = None
) -> CheckFinding:
    info = CODES[code]
    return CheckFinding(
        code=code,
        severity=severity or info.severity,
        message=message,
        fix=info.fix,
        file=report.mark.path,
        line=report.mark.line,
        workflow=report.workflow,
        job=report.job,
        matrix=dict(report.matrix),
    )


def deprecated_actions(explained: ExplainResult) -> Iterator[CheckFinding]:
    """A cache step whose action bundles the legacy cache client (``@actions/cache`` < 4):
    GitHub retired that service in 2025, so ``actions/cache`` fails the step and a setup
    action's cache requests fail (the job runs uncached)."""
    seen: set[tuple[str, int]] = set()
    for report in explained.caches:
        action, _, ref = report.uses.partition("@")
        if not ref or (report.mark.path, report.mark.line) in seen:
            continue
        try:
            release = resolve_ref(action.lower(), ref).release
        except CachekitError:
            continue  # not an action cachekit has release data for
        if toolkit_supported(release):
            continue
        seen.add((report.mark.path, report.mark.line))
        fails = action.lower().startswith("actions/cache")
        yield _finding(
            Code.DEPRECATED_ACTION,
            report,
            f"{action}@{ref} is {release.tag}, which uses the legacy cache service GitHub "
            f"retired in 2025: {_FAILS if fails else _UNCACHED}",
            None if fails else Severity.WARNING,
        )


def never_refreshed(explained: ExplainResult) -> Iterator[CheckFinding]:
    """A saving cache whose key is fully known and has no part that can change (no hashFiles,
    no context value, no restore-keys fallback to a newer entry): once saved, the entry is
    restored as is forever, whatever the job would put there today."""
    seen: set[tuple[str, int]] = set()
    for report in explained.caches:
        where = (report.mark.path, report.mark.line)
        if where in seen or report.kind == "restore-only" or not report.key_known:
            continue
        if any(p.kind != "literal" for p in report.parts):
            continue
        seen.add(where)
        yield _finding(
            Code.KEY_NEVER_REFRESHED,
            report,
            f"the key '{report.key}' has no part that ever changes: the first entry saved is "
            "restored on every run from then on, and nothing the job downloads or builds later "
            "replaces it",
            severity=Severity.NOTE,  # content that never changes may be what the author wants
        )


@repository_rule("lifecycle", Code.DEPRECATED_ACTION, Code.KEY_NEVER_REFRESHED)
def lifecycle(ctx: CheckContext, caches: Sequence[CacheFacts]) -> Iterator[CheckFinding]:
    """An action on the retired cache service; an entry nothing ever refreshes."""
    yield from deprecated_actions(ctx.explained)
    yield from never_refreshed(ctx.explained)
