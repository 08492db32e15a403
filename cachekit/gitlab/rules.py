"""GitLab-only ``check`` rules over the explained caches (the neutral ones are in
:mod:`cachekit.platforms.checks`): caches restored under a key no job saves, and jobs whose
``key:files`` caches differ only by the index GitLab prefixes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ..checks.model import CheckFinding
from ..explain.model import CacheReport, ExplainResult
from ..findings import CODES, Code

__all__ = ["gitlab_findings"]


def _finding(code: Code, report: CacheReport, message: str) -> CheckFinding:
    info = CODES[code]
    return CheckFinding(
        code=code,
        severity=info.severity,
        message=message,
        fix=info.fix,
        file=report.mark.path,
        line=report.mark.line,
        workflow=report.workflow,
        job=report.job,
        matrix=dict(report.matrix),
    )


def _never_saved(explained: ExplainResult) -> Iterator[CheckFinding]:
    saved = {r.key for r in explained.caches if r.kind != "restore-only"}
    for r in explained.caches:
        never = r.key not in saved and not any(k in saved for k in r.restore_keys)
        if r.kind == "restore-only" and r.key_known and never:
            yield _finding(
                Code.KEY_NEVER_REFRESHED,
                r,
                f"policy: pull restores '{r.key}', but no job of the pipeline saves that "
                "key (policy pull-push or push): the cache is never populated",
            )


def _index_split(explained: ExplainResult) -> Iterator[CheckFinding]:
    groups: dict[str, dict[str, CacheReport]] = defaultdict(dict)
    for r in explained.caches:
        index = next((p for p in r.parts if p.text == "cache index"), None)
        files = next((p for p in r.parts if p.kind == "files"), None)
        if index is not None and files is not None:
            groups[files.text].setdefault(index.value, r)
    for text, by_index in groups.items():
        if len(by_index) > 1:
            reports = list(by_index.values())
            jobs = ", ".join(f"{r.job} (index {i})" for i, r in by_index.items())
            yield _finding(
                Code.CACHE_NOT_SHARED,
                reports[-1],
                f"{text} without a prefix sits at different positions in {jobs}: GitLab "
                "prefixes the position, so these jobs never share the cache",
            )


def gitlab_findings(explained: ExplainResult) -> list[CheckFinding]:
    """Findings only GitLab's cache model produces."""
    return [*_never_saved(explained), *_index_split(explained)]
