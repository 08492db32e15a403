"""Log lines → steps → a :class:`~cachekit.evidence.model.JobLog`.

Steps come from one of two places. A run archive usually holds one file per step
(``<job>/<n>_<step name>.txt``) and ``gh run view --log`` names the step on every line; then the
step is known. A job's whole log (``<n>_<job>.txt``, or ``gh``'s ``UNKNOWN STEP``) has to be cut
at the runner's markers instead: ``##[group]Run <action or script>`` opens every main step
(actions/runner ``Handler.PrintActionDetails`` and ``ScriptHandler``), ``Post job cleanup.``
every post step, and the ``Complete job`` step opens with ``Evaluate and set job outputs``,
``Uploading runner diagnostic logs`` or ``Cleaning up orphan processes`` (``JobExtension.
FinalizeJob``). Old logs used ``##[section]Starting: <step>``. Cut that way, a step's name is its
``Run …`` header (the runner does not print the ``name:`` of a step) and a post step's name is
unknown until it is tied to its main step.

A post step is tied to its main step by name (``Post <main step>``) or, in a whole-job log, by
the key its save names; failing that, a post step that saved a cache is tied to the latest
untied main step that restored one (post steps run in reverse order of their main steps), and
the remaining post steps to the remaining actions in reverse order when their counts agree.
The tie gives the save its action and inputs, and gives a setup action's restore — which never
prints its primary key with the legacy cache service — the key its save printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .events import PHASE_OF, EventBuilder, input_lines, same_key
from .lines import PREAMBLE, parse_timestamp, split_level
from .messages import Message, classify
from .model import CacheEvent, Conclusion, JobLog, Phase, StepLog

__all__ = ["COMPLETE_JOB", "POST_CLEANUP", "SETUP_JOB", "JobBuilder", "StepBuilder"]

SETUP_JOB, COMPLETE_JOB, POST_CLEANUP = "Set up job", "Complete job", "Post job cleanup"
_COMPLETE_MARKERS = frozenset(
    (
        "Evaluate and set job outputs",
        "Evaluate and set environment url",
        "Uploading runner diagnostic logs",
        "Cleaning up orphan processes",
    )
)
_NONFATAL = frozenset(
    (
        "failed_restore",
        "failed_save",
        "reserve_exists",
        "reserve_refused",
        "finalize_exists",
        "conflict",
        "over_limit",
        "reservation_failed",
    )
)
_ACTION_REF = re.compile(r"[\w.-]+/[\w.-]+(?:/[^@\s]+)?@\S+|\.{1,2}/\S*|docker://\S+")
_DEBUG_KINDS = frozenset(("not_found_version", "not_found_keys"))
_NO_WITH, _EXPECT_WITH, _IN_WITH = 0, 1, 2


def loose(name: str) -> str:
    """A step or job name with the characters archive file names drop or replace removed."""
    return re.sub(r"[\s/\\:*?\"<>|_]", "", name).casefold()


@dataclass
class StepBuilder:
    """One step while its lines are read."""

    name: str
    number: int | None
    source: str
    post: bool = False
    first_ts: str | None = None
    last_ts: str | None = None
    action: str | None = None
    current: str | None = None
    inputs: dict[str, str] = field(default_factory=dict)
    events: list[EventBuilder] = field(default_factory=list)
    open: dict[str, EventBuilder] = field(default_factory=dict)
    failed: bool = False
    cancelled: bool = False
    last_error: bool = False
    _with: int = _NO_WITH
    _last_input: str | None = None

    def feed(self, lineno: int, ts: str | None, text: str) -> None:
        if ts is None:
            if self._with == _IN_WITH and self._last_input is not None:
                self.inputs[self._last_input] += "\n" + text
            return
        if self.first_ts is None and text.startswith(PREAMBLE):
            return
        if self.first_ts is None:
            self.first_ts = ts
        self.last_ts = ts
        if self._with != _NO_WITH and self._with_line(text):
            return
        if text.startswith("##[group]Run "):
            ref = text[13:]
            if _ACTION_REF.fullmatch(ref):
                self.current, self.inputs, self._with = ref, {}, _EXPECT_WITH
                self.action = self.action or ref
            self.last_error = False
            return
        level, message = split_level(text)
        msg = classify(message, level)
        self.last_error = level == "error" and (msg is None or msg.kind not in _NONFATAL)
        if msg is not None:
            self._handle(msg, message, lineno, ts)

    def _with_line(self, text: str) -> bool:
        """Read the ``with:`` echo of an action's inputs; True when ``text`` belonged to it."""
        if self._with == _EXPECT_WITH and text == "with:":
            self._with = _IN_WITH
            return True
        if self._with == _IN_WITH and text.startswith("  ") and ":" in text:
            name, _, value = text[2:].partition(":")
            self.inputs[name] = value[1:] if value.startswith(" ") else value
            self._last_input = name
            return True
        self._with, self._last_input = _NO_WITH, None
        return text in ("env:", "##[endgroup]")

    def _handle(self, msg: Message, text: str, lineno: int, ts: str) -> None:
        kind = msg.kind
        if msg.level == "debug" and kind not in _DEBUG_KINDS:
            return
        if kind == "exit_code":
            self.failed = self.failed or int(msg.args[0]) != 0
            return
        if kind == "cancelled":
            self.cancelled = True
            return
        if msg.level == "error" and kind in ("fail_on_miss", "validation", "nothing_to_save"):
            self.failed = True
        phase = self._phase(kind)
        event = self.open.get(phase)
        if event is None or event.starts_anew(kind):
            event = self._new_event(phase, lineno, ts)
        event.apply(msg, text, lineno, ts)

    def _phase(self, kind: str) -> Phase:
        if kind in PHASE_OF:
            return PHASE_OF[kind]
        restore, save = self.open.get("restore"), self.open.get("save")
        if restore is not None and not restore.decided:
            return "restore"
        if save is not None and not save.decided:
            return "save"
        if self.post or (self.current is not None and "/save@" in self.current):
            return "save"
        return "restore"

    def _new_event(self, phase: Phase, lineno: int, ts: str) -> EventBuilder:
        inputs = self.inputs
        event = EventBuilder(
            phase=phase,
            action=self.current,
            key=inputs.get("key", "").strip() or None,
            restore_keys=input_lines(inputs.get("restore-keys")),
            paths=input_lines(inputs.get("path")),
            source=self.source,
            line=lineno,
            ts=ts,
            lookup_only=inputs.get("lookup-only", "").strip().lower() == "true",
        )
        self.open[phase] = event
        self.events.append(event)
        return event

    @property
    def conclusion(self) -> Conclusion | None:
        if self.cancelled:
            return "cancelled"
        if self.failed or self.last_error:
            return "failure"
        return None


@dataclass
class JobBuilder:
    """One job's steps, from one file or many, in order."""

    name: str
    steps: list[StepBuilder] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    bounds: list[str] = field(default_factory=list)

    def begin_step(self, name: str, number: int | None, source: str) -> None:
        """Start a step whose name is known (a step file, a ``gh`` step column)."""
        self.steps.append(StepBuilder(name, number, source, post=name.startswith("Post ")))

    def line(self, lineno: int, ts: str | None, text: str, source: str, *, segment: bool) -> None:
        """One line; with ``segment``, runner markers open new steps."""
        if segment and ts is not None:
            name = _marker(text, self.steps[-1].name if self.steps else None)
            if name is not None:
                self.steps.append(StepBuilder(name, None, source, post=name == POST_CLEANUP))
        if not self.steps:
            self.steps.append(StepBuilder(SETUP_JOB, None, source))
        self.steps[-1].feed(lineno, ts, text)

    def extend(self, other: JobBuilder) -> None:
        self.steps.extend(other.steps)
        self.sources.extend(s for s in other.sources if s not in self.sources)
        self.bounds.extend(other.bounds)

    def build(self) -> JobLog:
        steps = self.steps
        for step in steps:
            if not step.post and step.action and loose(step.name) == loose("Run " + step.action):
                step.name = "Run " + step.action
        _link_posts(steps)
        logs: list[StepLog] = []
        events: list[CacheEvent] = []
        for i, step in enumerate(steps):
            finished = next((s.first_ts for s in steps[i + 1 :] if s.first_ts), None)
            logs.append(
                StepLog(
                    name=step.name,
                    number=step.number,
                    started_at=parse_timestamp(step.first_ts),
                    finished_at=parse_timestamp(finished or step.last_ts),
                    source=step.source,
                    action=step.action,
                    post=step.post,
                    conclusion=step.conclusion,
                )
            )
            events.extend(e.build(self.name, step.name, i) for e in step.events)
        times = [t for t in (parse_timestamp(s) for s in self.bounds) if t is not None]
        times += [t for s in logs for t in (s.started_at, s.finished_at) if t is not None]
        conclusions = {s.conclusion for s in logs}
        conclusion: Conclusion | None = None
        if "cancelled" in conclusions:
            conclusion = "cancelled"
        elif "failure" in conclusions:
            conclusion = "failure"
        elif any(s.name == COMPLETE_JOB for s in logs):
            conclusion = "success"
        return JobLog(
            name=self.name,
            started_at=min(times, default=None),
            finished_at=max(times, default=None),
            steps=tuple(logs),
            events=tuple(events),
            sources=tuple(self.sources),
            conclusion=conclusion,
        )


def _marker(text: str, current: str | None) -> str | None:
    """The name of the step a whole-job log line opens, or ``None``."""
    if not text.startswith(("##[", "Post job", "Evaluate and", "Uploading runner", "Cleaning up")):
        return None
    if text.startswith("##[group]Run "):
        return text[9:]
    if text == "Post job cleanup.":
        return POST_CLEANUP
    if text.startswith("##[section]Starting: "):
        return text[21:]
    if text in _COMPLETE_MARKERS and current != COMPLETE_JOB:
        return COMPLETE_JOB
    return None


def _restores(step: StepBuilder) -> list[EventBuilder]:
    return [e for e in step.events if e.phase == "restore"]


def _saves(step: StepBuilder) -> list[EventBuilder]:
    return [e for e in step.events if e.phase == "save"]


def _link_posts(steps: list[StepBuilder]) -> None:
    linked: set[int] = set()
    unnamed: list[int] = []
    for i, post in enumerate(steps):
        if not post.post:
            continue
        main = _by_name(steps, i) if post.name != POST_CLEANUP else None
        if main is None and _saves(post):
            main = _by_key(steps, i, linked)
        if main is None:
            if post.name == POST_CLEANUP:
                unnamed.append(i)
            continue
        linked.add(main)
        _tie(post, steps[main])
    # The rest of a whole-job log's post steps belong to the rest of its actions, in reverse
    # order — when the counts agree; an action without a post step would make it a guess.
    mains = [k for k, s in enumerate(steps) if _has_post(s) and k not in linked]
    if unnamed and len(unnamed) == len(mains):
        for i, k in zip(unnamed, reversed(mains), strict=True):
            _tie(steps[i], steps[k])


def _has_post(step: StepBuilder) -> bool:
    """Whether a main step may have a post step: it ran an action, and not one of the
    actions/cache halves that have none."""
    action = step.action
    return (
        not step.post
        and action is not None
        and not action.startswith(("actions/cache/restore@", "actions/cache/save@"))
    )


def _by_name(steps: list[StepBuilder], i: int) -> int | None:
    target = loose(steps[i].name[len("Post ") :])
    return next((k for k in range(i - 1, -1, -1) if loose(steps[k].name) == target), None)


def _by_key(steps: list[StepBuilder], i: int, linked: set[int]) -> int | None:
    """The main step whose restore used the key this post step saved; else the latest main
    step, not yet tied, that restored a cache (post steps run in reverse order)."""
    keys = [e.key for e in _saves(steps[i]) if e.key]
    mains = [k for k in range(i - 1, -1, -1) if not steps[k].post and k not in linked]
    for k in mains:
        if any(r.key and same_key(r.key, key) for r in _restores(steps[k]) for key in keys):
            return k
    for k in mains:
        restores = _restores(steps[k])
        if restores and not (keys and all(r.key for r in restores)):
            return k
    return None


def _tie(post: StepBuilder, main: StepBuilder) -> None:
    post.action = post.action or main.action
    if post.name == POST_CLEANUP or loose(post.name) == loose("Post " + main.name):
        post.name = "Post " + main.name
    restore_keys = input_lines(main.inputs.get("restore-keys"))
    paths = input_lines(main.inputs.get("path"))
    key = main.inputs.get("key", "").strip() or None
    restores = iter(r for r in _restores(main) if r.key is None)
    for save in _saves(post):
        save.action = save.action or main.current or main.action
        save.key = save.key or key
        save.restore_keys = save.restore_keys or restore_keys
        save.paths = save.paths or paths
        restore = next(restores, None)
        if restore is not None and save.key:
            restore.key = save.key
