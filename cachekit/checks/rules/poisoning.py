"""``cache-poisoning``: a cache that can decide what a release ships.

A job that publishes (or builds what a publishing job ships, followed through ``needs:``)
restores entries any default-branch run could have written; a workflow on a trigger outsiders
control (``pull_request_target``, ``issue_comment``, ``workflow_run``) that saves with
``cache-mode: write`` lets their code write what trusted runs restore.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace

from ...explain.core import explain_tree
from ...explain.options import Options
from ...findings import Code, Severity
from ..model import CheckFinding
from ..releases import TAG_REF, publishes, release_jobs, tag_only
from ..rule import CacheFacts, CheckContext, finding, repository_rule, short_list

__all__ = ["poisoning", "release_jobs"]

_UNTRUSTED = frozenset({"pull_request_target", "issue_comment", "workflow_run"})


@repository_rule("poisoning", Code.CACHE_POISONING)
def poisoning(ctx: CheckContext, caches: Sequence[CacheFacts]) -> Iterator[CheckFinding]:
    """Caches restored into what a release ships, or saved by runs outsiders trigger."""
    feeds = release_jobs(ctx.explained.jobs)
    restoring = {(c.job.workflow, c.job.job) for c in caches if c.restores} & feeds
    on_tags = _tag_releases(ctx, feeds, {wf for wf, _ in restoring})
    reported: set[tuple[str, int]] = set()
    for c in caches:
        job = c.job
        mode = (job.cache_mode or "").lower()
        at = c.at
        restores = c.restores and mode not in ("none", "write-only")
        if (job.workflow, job.job) in feeds and restores:
            tagged = on_tags.get(job.workflow)
            if tagged is not None and (job.job, at.file, at.line) not in tagged:
                continue  # the release runs for a tag, where this cache is switched off
            if (at.file, at.line) in reported:
                continue
            reported.add((at.file, at.line))
            publish = "publishes" if publishes(job) else "builds what a publishing job ships"
            yield finding(
                Code.CACHE_POISONING,
                f"job {job.job} {publish} and restores this cache: any run that can write "
                "the default branch's cache scope decides what goes into the release",
                at=at,
                job=job,
                fix="Build releases without restoring caches: set cache-mode: write-only "
                "(or none) on this job, or remove the cache step",
            )
        untrusted = _UNTRUSTED & set(job.events)
        if untrusted and c.saves and not mode:
            yield finding(
                Code.CACHE_POISONING,
                f"this workflow runs on {short_list(sorted(untrusted))}, which outsiders can "
                "trigger, and saves this cache: since 2026-06 GitHub gives such runs a "
                "read-only cache token, so the save is refused and cannot poison the default "
                "branch's caches; say so with cache-mode: read",
                at=at,
                job=job,
                severity=Severity.NOTE,
                fix="Set cache-mode: read on this workflow or job",
            )
        if untrusted and c.saves and mode == "write":
            yield finding(
                Code.CACHE_POISONING,
                f"this workflow runs on {short_list(sorted(untrusted))} with cache-mode: write: "
                "code an outside contributor controls can save entries the default branch "
                "restores",
                at=at,
                job=job,
                fix="Set cache-mode: read for workflows on untrusted triggers",
            )


def _tag_releases(
    ctx: CheckContext, feeds: set[tuple[str, str]], workflows: set[str]
) -> dict[str, set[tuple[str, str, int]]]:
    """For each workflow whose every publisher runs only for a tag: (job, file, line) of the
    caches its jobs restore in a tag push's run, the run that releases. A cache switched off
    there (``enable-cache: ${{ !startsWith(github.ref, 'refs/tags/') }}``) cannot decide what
    the release ships, whatever a branch run restores. Only ``workflows`` (those with a cache
    to judge) are walked again."""
    publishers: dict[str, list[bool]] = {}
    for job in ctx.explained.jobs:
        if job.workflow in workflows and (job.workflow, job.job) in feeds and publishes(job):
            publishers.setdefault(job.workflow, []).append(tag_only(job))
    out: dict[str, set[tuple[str, str, int]]] = {}
    for workflow, tagged in publishers.items():
        if not all(tagged):
            continue
        options = Options(event="push", ref=TAG_REF, commit=ctx.explained.revision)
        run = explain_tree(ctx.tree, replace(options, workflow=workflow))
        out[workflow] = {
            (c.job, c.mark.path, c.mark.line)
            for c in run.caches
            if c.kind in ("restore+save", "restore-only")
        }
    return out
