"""A cache step whose action release is beyond the release snapshot (issue #14, item 9).

cachekit models each caching action per release from a dated snapshot; a workflow pinning a
release made after it (or a commit it does not know) is modelled as the newest release known.
explain says so in the cache's notes; this rule makes ``check`` say it too (text, JSON, SARIF),
with the snapshot's date, so no output silently models a different release than the one that
runs. It reads only the explained reports.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ...caches.releases import snapshot_note
from ...findings import CODES, Code
from ..model import CheckFinding
from ..rule import CacheFacts, CheckContext, repository_rule

__all__ = ["newer_than_snapshot"]


@repository_rule("snapshot", Code.NEWER_THAN_SNAPSHOT)
def newer_than_snapshot(ctx: CheckContext, caches: Sequence[CacheFacts]) -> Iterator[CheckFinding]:
    """One note per cache step whose ``uses:`` the release snapshot does not reach."""
    info = CODES[Code.NEWER_THAN_SNAPSHOT]
    seen: set[tuple[str, int]] = set()
    for report in ctx.explained.caches:
        where = (report.mark.path, report.mark.line)
        note = snapshot_note(report.uses) if where not in seen else None
        if note is None:
            continue
        seen.add(where)
        yield CheckFinding(
            code=Code.NEWER_THAN_SNAPSHOT,
            severity=info.severity,
            message=note,
            fix=info.fix,
            file=report.mark.path,
            line=report.mark.line,
            workflow=report.workflow,
            job=report.job,
            matrix=dict(report.matrix),
        )
