"""``cache-poisoning``: a cache that can decide what a release ships.

A job that publishes (or builds what a publishing job ships, followed through ``needs:``)
restores entries any default-branch run could have written; a workflow on a trigger outsiders
control (``pull_request_target``, ``issue_comment``, ``workflow_run``) that saves with
``cache-mode: write`` lets their code write what trusted runs restore.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from ...explain.model import JobRecord
from ...findings import Code, Severity
from ..model import CheckFinding
from ..rule import CacheFacts, CheckContext, finding, repository_rule, short_list

__all__ = ["poisoning", "release_jobs"]

_UNTRUSTED = frozenset({"pull_request_target", "issue_comment", "workflow_run"})
_PUBLISH_ACTIONS = (
    "pypa/gh-action-pypi-publish",
    "softprops/action-gh-release",
    "ncipollo/release-action",
    "actions/create-release",
    "actions/upload-release-asset",
    "js-devtools/npm-publish",
    "docker/build-push-action",
    "goreleaser/goreleaser-action",
    "svenstaro/upload-release-action",
    "rust-lang/crates-io-auth-action",
)
_PUBLISH_RUN = re.compile(
    r"\b(twine\s+upload|poetry\s+publish|uv\s+publish|flit\s+publish|hatch\s+publish|"
    r"pdm\s+publish|(npm|yarn|pnpm)\s+publish|cargo\s+publish|gh\s+release\s+(create|upload)|"
    r"mvn\b[^\n]*\bdeploy\b|gradlew?\b[^\n]*\bpublish|docker\s+push)\b"
)
_DRY_RUN = re.compile(r"--dry-run\b")  # `cargo publish --dry-run` publishes nothing


@repository_rule("poisoning", Code.CACHE_POISONING)
def poisoning(ctx: CheckContext, caches: Sequence[CacheFacts]) -> Iterator[CheckFinding]:
    """Caches restored into what a release ships, or saved by runs outsiders trigger."""
    feeds = release_jobs(ctx.explained.jobs)
    reported: set[tuple[str, int]] = set()
    for c in caches:
        job = c.job
        mode = (job.cache_mode or "").lower()
        at = c.at
        restores = c.restores and mode not in ("none", "write-only")
        if (job.workflow, job.job) in feeds and restores:
            if (at.file, at.line) in reported:
                continue
            reported.add((at.file, at.line))
            publish = "publishes" if _publishes(job) else "builds what a publishing job ships"
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


def release_jobs(jobs: Iterable[JobRecord]) -> set[tuple[str, str]]:
    """(workflow, job) of every job that publishes, or builds what a publishing job ships
    (followed through ``needs:``): a cache restored there decides what goes into a release."""
    by_workflow: dict[str, list[JobRecord]] = defaultdict(list)
    for job in jobs:
        by_workflow[job.workflow].append(job)
    feeds: set[tuple[str, str]] = set()
    for wf, members in by_workflow.items():
        names = {j.job: j for j in members}
        publishers = [j.job for j in members if _publishes(j)]
        stack, seen = list(publishers), set(publishers)
        feeds.update((wf, name) for name in publishers)
        while stack:
            needed = names.get(stack.pop())
            for name in needed.needs if needed is not None else ():
                if name in seen:
                    continue
                seen.add(name)
                stack.append(name)
                # a needed job feeds the release only if it hands files on (an artifact); one
                # that only passes or fails is a gate (`needs: [lint, test]`), not a build
                if name in names and _hands_on(names[name]):
                    feeds.add((wf, name))
    return feeds


def _hands_on(job: JobRecord) -> bool:
    """Whether a job passes files to later jobs (an uploaded artifact)."""
    return any((s.uses or "").lower().split("@")[0] == "actions/upload-artifact" for s in job.steps)


# With an OIDC token (trusted publishing to npm, PyPI, crates.io), a script the job runs with a
# publish verb (`./scripts/release.sh --publish`) is the publishing step, whatever its name.
_PUBLISH_WORD = re.compile(r"(?:^|[\s/_-])publish(?:$|[\s=_-])", re.IGNORECASE | re.MULTILINE)


def _publishes(job: JobRecord) -> bool:
    oidc = str(job.permissions.get("id-token", "")).lower() == "write"
    for step in job.steps:
        if oidc and step.run and _PUBLISH_WORD.search(step.run):
            return True
        if step.uses and step.uses.lower().split("@")[0].startswith(_PUBLISH_ACTIONS):
            docker = step.uses.lower().startswith("docker/build-push-action")
            if docker and step.with_.get("push", "").lower() != "true":
                continue
            return True
        if step.run and _PUBLISH_RUN.search(step.run) and not _DRY_RUN.search(step.run):
            return True
    return False
