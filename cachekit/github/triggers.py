"""Which workflows an event starts: ``on:`` with its filters, as GitHub applies them.

Each rule below is GitHub's, quoted or paraphrased from its documentation:

- **Filters per event** — "Workflow syntax for GitHub Actions"
  (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax),
  sections ``on.<push|pull_request|pull_request_target>.<branches|branches-ignore>``,
  ``on.push.<branches|tags|branches-ignore|tags-ignore>``,
  ``on.<push|pull_request|pull_request_target>.<paths|paths-ignore>``:

  * "You cannot use both the ``branches`` and ``branches-ignore`` filters for the same event"
    (likewise ``tags``/``tags-ignore`` and ``paths``/``paths-ignore``): such a workflow is
    invalid and never runs.
  * A branch or tag runs the workflow when the last pattern of ``branches``/``tags`` that
    matches its name is positive; ``branches-ignore``/``tags-ignore`` skip it when that last
    pattern is positive (see :mod:`.filterpatterns` for the pattern rules).
  * "If you define only ``tags``/``tags-ignore`` or only ``branches``/``branches-ignore``, the
    workflow won't run for events affecting the undefined Git ref. If you define neither
    [...] the workflow will run for events affecting either branches or tags."
  * For ``pull_request`` and ``pull_request_target``, branch filters are matched against the
    *base* branch of the pull request.
  * "If at least one path matches a pattern in the ``paths`` filter, the workflow runs";
    "When all the path names match patterns in ``paths-ignore``, the workflow will not run."
    With no changed path at all, neither can hold: the workflow does not run.
  * "If you define both ``branches``/``branches-ignore`` and ``paths``/``paths-ignore``, the
    workflow will only run when both filters are satisfied."
  * "Paths filters are not evaluated for pushes of tags."
  * "Diffs are limited to 300 files. If there are files changed that aren't matched in the
    first 300 files returned by the filter, the workflow will not run": only the first 300
    changed paths are looked at.
  * Which paths changed (section "Git diff comparisons"): for a push, the two-dot diff
    between the pushed head and the previous head; for a pull request, the three-dot diff
    against the base branch. ``predict`` replays one push per commit, so a push's paths
    are that commit's diff against its first parent.

- **Activity types** — "Events that trigger workflows"
  (https://docs.github.com/en/actions/reference/workflows-and-actions/events-that-trigger-workflows):
  "By default, a workflow only runs when a ``pull_request`` event's activity type is
  ``opened``, ``synchronize``, or ``reopened``" (the same for ``pull_request_target``);
  ``merge_group`` has the one type ``checks_requested``; ``workflow_run`` runs on every type
  (``requested``, ``in_progress``, ``completed``) unless ``types`` narrows it, for the
  workflows named in ``workflows``, its branch filters matched against the triggering run's
  head branch; ``schedule`` runs "on the latest commit on the default or base branch".
  ``workflow_dispatch`` runs only when someone asks, ``workflow_call`` only when a workflow
  calls it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from ..errors import CachekitError
from .filterpatterns import FilterPattern, FilterPatternError, compile_filters, selected

__all__ = [
    "DEFAULT_TYPES",
    "PATHS_LIMIT",
    "Event",
    "EventName",
    "TriggerDecision",
    "TriggerError",
    "TriggerEvent",
    "decide",
]

PATHS_LIMIT = 300
"""GitHub looks at the first 300 changed files of a diff, no more."""


Event = Literal[
    "push",
    "pull_request",
    "pull_request_target",
    "merge_group",
    "schedule",
    "workflow_dispatch",
    "workflow_call",
    "workflow_run",
]
"""The events the replay knows (others never start a replayed run)."""


class EventName:
    """The :data:`Event` names as constants (plain strings: they key ``on:`` mappings)."""

    PUSH: Final = "push"
    PULL_REQUEST: Final = "pull_request"
    PULL_REQUEST_TARGET: Final = "pull_request_target"
    MERGE_GROUP: Final = "merge_group"
    SCHEDULE: Final = "schedule"
    WORKFLOW_DISPATCH: Final = "workflow_dispatch"
    WORKFLOW_CALL: Final = "workflow_call"
    WORKFLOW_RUN: Final = "workflow_run"


DEFAULT_TYPES: Mapping[str, frozenset[str]] = {
    EventName.PULL_REQUEST: frozenset({"opened", "synchronize", "reopened"}),
    EventName.PULL_REQUEST_TARGET: frozenset({"opened", "synchronize", "reopened"}),
    EventName.MERGE_GROUP: frozenset({"checks_requested"}),
}
"""Activity types an event runs on when ``types`` is not given (others: every type)."""

_BRANCHED = frozenset(
    {EventName.PULL_REQUEST, EventName.PULL_REQUEST_TARGET, EventName.MERGE_GROUP}
)


class TriggerError(CachekitError):
    """An ``on:`` GitHub rejects (both a filter and its ``-ignore``, a bad pattern)."""


@dataclass(frozen=True)
class TriggerEvent:
    """One event as the filters see it.

    ``ref`` is the full ref pushed (``refs/heads/x``, ``refs/tags/v1``); ``base`` the base
    branch name of a pull request or merge group (or the head branch of the run that
    triggers a ``workflow_run``); ``activity`` the activity type; ``changed`` the changed
    paths in diff order, ``None`` when unknown (path filters are then taken as satisfied);
    ``workflow`` the name of the workflow whose run triggers a ``workflow_run``.
    """

    name: str
    ref: str = ""
    base: str | None = None
    activity: str | None = None
    changed: tuple[str, ...] | None = None
    workflow: str | None = None


@dataclass(frozen=True)
class TriggerDecision:
    """Whether the workflow runs, and why not (the filter that stopped it)."""

    runs: bool
    reason: str = ""


_RUNS = TriggerDecision(True)


def _strings(value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def _patterns(config: Mapping[str, Any], key: str, where: str) -> tuple[FilterPattern, ...]:
    try:
        return compile_filters(_strings(config.get(key)) or [])
    except FilterPatternError as exc:
        raise TriggerError(f"{where}: on.{key}: {exc}") from None


def _pair(
    config: Mapping[str, Any], key: str, where: str, event: str
) -> tuple[str, tuple[FilterPattern, ...]] | None:
    """The one filter of ``key``/``key-ignore`` that is given: ('key' | 'key-ignore', list)."""
    has, has_ignore = key in config, f"{key}-ignore" in config
    if has and has_ignore:
        raise TriggerError(
            f"{where}: on.{event} has both {key} and {key}-ignore, which GitHub rejects"
        )
    if has:
        return key, _patterns(config, key, where)
    if has_ignore:
        return f"{key}-ignore", _patterns(config, f"{key}-ignore", where)
    return None


def _name_passes(flt: tuple[str, tuple[FilterPattern, ...]], name: str) -> TriggerDecision:
    kind, patterns = flt
    hit = selected(patterns, name)
    if kind.endswith("-ignore"):
        return TriggerDecision(False, f"{kind} excludes '{name}'") if hit else _RUNS
    return _RUNS if hit else TriggerDecision(False, f"{kind} does not match '{name}'")


def _paths_pass(
    flt: tuple[str, tuple[FilterPattern, ...]] | None, changed: tuple[str, ...] | None
) -> TriggerDecision:
    if flt is None or changed is None:
        return _RUNS
    kind, patterns = flt
    seen = changed[:PATHS_LIMIT]
    if kind == "paths":
        if any(selected(patterns, p) for p in seen):
            return _RUNS
        return TriggerDecision(False, f"paths: none of {len(changed)} changed paths matches")
    if seen and not all(selected(patterns, p) for p in seen):
        return _RUNS
    return TriggerDecision(False, f"paths-ignore: all {len(changed)} changed paths are ignored")


def _types_pass(config: Mapping[str, Any], event: TriggerEvent) -> TriggerDecision:
    types = _strings(config.get("types"))
    allowed = frozenset(types) if types is not None else DEFAULT_TYPES.get(event.name)
    if allowed is None or event.activity is None or event.activity in allowed:
        return _RUNS
    return TriggerDecision(False, f"types: {', '.join(sorted(allowed))} (not {event.activity})")


def _push(config: Mapping[str, Any], event: TriggerEvent, where: str) -> TriggerDecision:
    branches = _pair(config, "branches", where, "push")
    tags = _pair(config, "tags", where, "push")
    paths = _pair(config, "paths", where, "push")
    if event.ref.startswith("refs/tags/"):
        name = event.ref.removeprefix("refs/tags/")
        if tags is None:
            return (
                TriggerDecision(False, "only branch filters: tags do not run it")
                if branches is not None
                else _RUNS  # no ref filter at all; paths are not evaluated for tags
            )
        return _name_passes(tags, name)
    name = event.ref.removeprefix("refs/heads/")
    if branches is None and tags is not None:
        return TriggerDecision(False, "only tag filters: branch pushes do not run it")
    if branches is not None:
        decision = _name_passes(branches, name)
        if not decision.runs:
            return decision
    return _paths_pass(paths, event.changed)


def _pull_request(config: Mapping[str, Any], event: TriggerEvent, where: str) -> TriggerDecision:
    decision = _types_pass(config, event)
    if not decision.runs:
        return decision
    branches = _pair(config, "branches", where, event.name)
    if branches is not None and event.base is not None:
        decision = _name_passes(branches, event.base)
        if not decision.runs:
            return decision
    if event.name == EventName.MERGE_GROUP:
        return _RUNS
    return _paths_pass(_pair(config, "paths", where, event.name), event.changed)


def _workflow_run(config: Mapping[str, Any], event: TriggerEvent, where: str) -> TriggerDecision:
    names = _strings(config.get("workflows")) or []
    if event.workflow is None or event.workflow not in names:
        return TriggerDecision(False, f"workflows: {', '.join(names) or '(none)'}")
    decision = _types_pass(config, event)
    if not decision.runs:
        return decision
    branches = _pair(config, "branches", where, event.name)
    if branches is not None and event.base is not None:
        return _name_passes(branches, event.base)
    return _RUNS


def decide(on: Mapping[str, Any], event: TriggerEvent, *, where: str = "") -> TriggerDecision:
    """Whether a workflow whose ``on:`` is ``on`` (event name → configuration) runs.

    Raises :class:`TriggerError` when GitHub would reject the ``on:`` of that event.
    """
    if event.name not in on:
        return TriggerDecision(False, f"not triggered by {event.name}")
    config = on[event.name]
    if not isinstance(config, Mapping):
        config = {}
    if event.name == EventName.PUSH:
        return _push(config, event, where)
    if event.name in _BRANCHED:
        return _pull_request(config, event, where)
    if event.name == EventName.WORKFLOW_RUN:
        return _workflow_run(config, event, where)
    return _RUNS
