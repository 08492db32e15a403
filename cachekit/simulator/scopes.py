"""Which cache scopes a run reads and writes (spec §4), and what its token and mode allow.

The service files every entry under a *scope*, the ref of the run that saved it. A run reads
its own scope, then (pull requests) the base branch, then the default branch, and writes only
its own scope. Which ref is "its own" depends on the event: ``GITHUB_REF`` for most, the
default branch for events that run in the default-branch context (``schedule``,
``workflow_run``, ``issue_comment``…), the base branch for ``pull_request_target``.

Two dated rules restrict writes. Since 2026-06 runs that a non-collaborator can trigger and
whose scope is the default branch get a read-only cache token (spec §4.10). Since 2026-09 the
``cache-mode`` key sets the mode explicitly: ``none``/``write-only`` skip the restore,
``none``/``read`` skip the save. A run's ``time`` decides whether each rule applies, so a
simulated history spanning the change sees both behaviours.
"""

from __future__ import annotations

from datetime import datetime, timezone

from .model import CacheMode, Run, SaveResult

__all__ = [
    "CACHE_MODE_SINCE",
    "DEFAULT_BRANCH_EVENTS",
    "PULL_REQUEST_EVENTS",
    "READ_ONLY_TOKENS_SINCE",
    "UNTRUSTED_EVENTS",
    "effective_cache_mode",
    "is_untrusted_event",
    "read_only_token",
    "readable_scopes",
    "restore_skipped",
    "run_scope",
    "save_block",
    "write_scope",
]

READ_ONLY_TOKENS_SINCE = datetime(2026, 6, 1, tzinfo=timezone.utc)
"""Untrusted runs in the default-branch scope get a read-only token from this instant on."""

CACHE_MODE_SINCE = datetime(2026, 9, 1, tzinfo=timezone.utc)
"""The ``cache-mode`` key takes effect from this instant on (before, it is ignored)."""

DEFAULT_BRANCH_EVENTS = frozenset(
    {
        "schedule",
        "workflow_run",
        "issue_comment",
        "issues",
        "discussion",
        "discussion_comment",
        "fork",
        "watch",
        "label",
        "milestone",
        "gollum",
        "page_build",
        "public",
        "repository_dispatch",
        "check_run",
        "check_suite",
        "status",
        "branch_protection_rule",
        "project",
        "project_card",
        "project_column",
        "delete",
    }
)
"""Events whose ``GITHUB_REF`` is always the default branch (GitHub's "Events that trigger
workflows" table), so they read and write the default branch's scope whatever ``ref`` says."""

PULL_REQUEST_EVENTS = frozenset(
    {"pull_request", "pull_request_review", "pull_request_review_comment"}
)
"""Events that run on ``refs/pull/N/merge`` and also read the base branch."""

UNTRUSTED_EVENTS = frozenset(
    {
        "pull_request_target",
        "issue_comment",
        "workflow_run",
        "issues",
        "discussion",
        "discussion_comment",
        "fork",
        "watch",
    }
)
"""Default-branch-context events a non-collaborator can cause. ``workflow_run`` is included
because the triggering run may come from a fork, which the event alone does not tell; set
:attr:`Run.untrusted` when you know better."""

_CAN_RESTORE: dict[CacheMode, bool] = {
    "read": True,
    "write": True,
    "write-only": False,
    "none": False,
}
_CAN_SAVE: dict[CacheMode, bool] = {"read": False, "write": True, "write-only": True, "none": False}


def is_untrusted_event(event: str) -> bool:
    """Whether a non-collaborator can trigger ``event`` in the default-branch context."""
    return event in UNTRUSTED_EVENTS


def run_scope(run: Run) -> str:
    """The scope the run's own entries live in: its effective ``GITHUB_REF``."""
    if run.event in DEFAULT_BRANCH_EVENTS:
        return run.default_branch
    if run.event == "pull_request_target":
        # GITHUB_REF is the pull request's base branch, not the merge ref.
        if run.base_ref:
            return run.base_ref
        return run.ref if run.ref.startswith("refs/heads/") else run.default_branch
    return run.ref or run.default_branch


def readable_scopes(run: Run) -> list[str]:
    """The scopes the run's lookups search, in order (spec §3.6, §4.8–9).

    Own scope, then the base branch for pull requests (runs on ``refs/pull/N/merge`` with a
    ``base_ref``), then the default branch; duplicates dropped. Merge-queue runs
    (``gh-readonly-queue/<base>/…``) read their own scope and the default branch only: they
    are not pull-request runs, so GitHub's "base branch" rule does not cover them, and they
    cannot read the pull request's scope.
    """
    own = run_scope(run)
    scopes = [own]
    if run.base_ref and (run.event in PULL_REQUEST_EVENTS or own.startswith("refs/pull/")):
        scopes.append(run.base_ref)
    scopes.append(run.default_branch)
    return list(dict.fromkeys(scopes))


def effective_cache_mode(run: Run) -> CacheMode | None:
    """``run.cache_mode`` if the key was in force at the run's time, else ``None``."""
    if run.cache_mode is None or run.time < CACHE_MODE_SINCE:
        return None
    return run.cache_mode


def read_only_token(run: Run) -> bool:
    """Whether the run's cache token is read-only under the 2026-06 rule (spec §4.10).

    An explicit ``cache-mode`` in force (2026-09 on) replaces the implicit rule: the spec says
    the key "sets this explicitly", and the workflow file of these events comes from the
    default branch, i.e. from the maintainers.
    """
    if run.time < READ_ONLY_TOKENS_SINCE or effective_cache_mode(run) is not None:
        return False
    untrusted = is_untrusted_event(run.event) if run.untrusted is None else run.untrusted
    return untrusted and run_scope(run) == run.default_branch


def restore_skipped(run: Run) -> bool:
    """Whether ``cache-mode`` (``none``/``write-only``) makes the client skip every restore."""
    mode = effective_cache_mode(run)
    return mode is not None and not _CAN_RESTORE[mode]


def save_block(run: Run) -> SaveResult | None:
    """Why no save of this run can succeed: ``skipped-cache-mode``, ``skipped-read-only``."""
    mode = effective_cache_mode(run)
    if mode is not None and not _CAN_SAVE[mode]:
        return "skipped-cache-mode"
    if read_only_token(run):
        return "skipped-read-only"
    return None


def write_scope(run: Run) -> str | None:
    """The scope the run's saves go to, or ``None`` when it cannot save at all."""
    return None if save_block(run) else run_scope(run)
