"""One cache restore or save being read off the log, message by message.

The caching actions print a short sequence per cache — ``Cache hit for: K``, progress lines,
``Cache Size: …``, ``Cache restored successfully``, ``Cache restored from key: M`` — and the
sequence differs by release (see :mod:`cachekit.evidence.messages`). :class:`EventBuilder` takes
the messages of one cache in order and settles on an outcome; the decisive message is the one
whose line the final :class:`~cachekit.evidence.model.CacheEvent` points at.

Some sequences carry two decisive messages for one cache, and must not become two events:

* a failed download (``Failed to restore: …``) is followed by actions/cache's ``Cache not found
  for input keys: …`` — the restore failed, and the second line only names the keys;
* a refused reservation is followed by ``Cache save failed.`` in ``actions/cache/save``;
* setup-python before v6.3.0 prints ``Cache saved with the key: K`` even after ``Failed to
  save: …`` — nothing was saved.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from .lines import parse_timestamp
from .messages import Message, split_keys
from .model import CacheEvent, Outcome, Phase

__all__ = ["PHASE_OF", "EventBuilder", "input_lines"]

PHASE_OF: dict[str, Phase] = {
    **dict.fromkeys(
        (
            "hit_restore_key",
            "hit_for",
            "lookup_only",
            "found_lookup",
            "restored_from",
            "restored_ok",
            "received",
            "not_found_input",
            "not_found_pm",
            "not_found_keys",
            "not_found_version",
            "fail_on_miss",
            "failed_restore",
        ),
        "restore",
    ),
    **dict.fromkeys(
        (
            "hit_no_save",
            "sent",
            "saved_ok",
            "saved_with",
            "reserve_exists",
            "reserve_refused",
            "reservation_failed",
            "conflict",
            "finalize_exists",
            "over_limit",
            "failed_save",
            "save_failed",
            "nothing_to_save",
            "no_key",
        ),
        "save",
    ),
}
"""The phase a message belongs to; the others (``size``, validation) depend on the step."""

_DECISIVE: dict[str, str] = {
    "found_lookup": "matched",
    "restored_from": "matched",
    "not_found_input": "miss",
    "not_found_pm": "miss",
    "fail_on_miss": "miss",
    "failed_restore": "failed",
    "hit_no_save": "skipped",
    "saved_with": "saved",
    "reserve_exists": "exists",
    "finalize_exists": "exists",
    "conflict": "exists",
    "reserve_refused": "failed",
    "over_limit": "failed",
    "failed_save": "failed",
    "save_failed": "failed",
    "nothing_to_save": "skipped",
    "no_key": "skipped",
    "event_invalid": "skipped",
    "unavailable": "skipped",
    "validation": "failed",
}
_EXPLAINED = frozenset(
    (
        "fail_on_miss",
        "failed_restore",
        "hit_no_save",
        "reserve_exists",
        "finalize_exists",
        "conflict",
        "reserve_refused",
        "over_limit",
        "failed_save",
        "save_failed",
        "nothing_to_save",
        "no_key",
        "event_invalid",
        "unavailable",
        "validation",
    )
)


def input_lines(value: str | None) -> tuple[str, ...]:
    """A multi-line input as actions/cache reads it (``getInputAsArray``: split on newlines,
    ``"! x"`` → ``"!x"``, trimmed, empty lines dropped)."""
    if not value:
        return ()
    lines = (re.sub(r"^!\s+", "!", s).strip() for s in value.split("\n"))
    return tuple(s for s in lines if s)


def same_key(a: str, b: str) -> bool:
    """actions/cache ``isExactKeyMatch``: ``localeCompare`` with ``sensitivity: "accent"``,
    which ignores case only."""
    return a.casefold() == b.casefold()


@dataclass
class EventBuilder:
    """The state of one cache's restore or save while its messages are read."""

    phase: Phase
    action: str | None
    key: str | None
    restore_keys: tuple[str, ...]
    paths: tuple[str, ...]
    source: str
    line: int
    ts: str | None
    lookup_only: bool = False
    result: str | None = None
    provisional: str | None = None
    hit_for_seen: bool = False
    matched: str | None = None
    size: int | None = None
    transferred: int | None = None
    total: int | None = None
    throughput: float | None = None
    version: str | None = None
    details: list[str] = field(default_factory=list)

    @property
    def decided(self) -> bool:
        return self.result is not None

    def starts_anew(self, kind: str) -> bool:
        """True when ``kind`` must begin a new event rather than add to this one."""
        if kind in ("hit_for", "hit_restore_key"):
            return self.hit_for_seen or self.decided
        if not self.decided:
            return False
        if self.result == "failed" and kind in ("not_found_input", "not_found_pm"):
            return False
        if self.result in ("exists", "failed", "skipped") and kind == "save_failed":
            return False
        return not (self.result in ("exists", "failed") and kind == "saved_with")

    def apply(self, msg: Message, text: str, line: int, ts: str | None) -> None:
        """Take one message (``text`` is its full wording, kept for ``detail``)."""
        kind, args = msg.kind, msg.args
        if self.decided and kind in ("not_found_input", "not_found_pm", "save_failed"):
            if kind == "not_found_input":
                self._keys(split_keys(args[0]))
            return
        if self.decided and kind == "saved_with":
            self.details.append(f"the action then printed {text!r}, but nothing was saved")
            return
        getattr(self, "_" + kind, self._other)(args)
        if kind in _EXPLAINED:
            self.details.append(text)
        if kind in _DECISIVE:
            self.result = _DECISIVE[kind]
        if kind in _DECISIVE or not self.decided:
            self.line, self.ts = line, ts

    # -- restore messages ---------------------------------------------------------------------

    def _hit_restore_key(self, args: tuple[str, ...]) -> None:
        self.hit_for_seen, self.provisional, self.matched = True, "matched", args[0]

    def _hit_for(self, args: tuple[str, ...]) -> None:
        # Every @actions/cache release that prints it puts the primary key here.
        self.hit_for_seen, self.provisional = True, "matched"
        self.key = self.key or args[0]
        self.matched = self.matched or args[0]

    def _lookup_only(self, args: tuple[str, ...]) -> None:
        self.lookup_only = True

    def _found_lookup(self, args: tuple[str, ...]) -> None:
        self.lookup_only, self.matched = True, args[0]

    def _restored_from(self, args: tuple[str, ...]) -> None:
        self.matched = args[0]

    def _restored_ok(self, args: tuple[str, ...]) -> None:
        self.provisional = self.provisional or "matched"

    def _received(self, args: tuple[str, ...]) -> None:
        self._progress(args)

    def _size(self, args: tuple[str, ...]) -> None:
        self.size = int(args[1])

    def _not_found_input(self, args: tuple[str, ...]) -> None:
        self._keys(split_keys(args[0]))

    def _not_found_keys(self, args: tuple[str, ...]) -> None:
        self._keys(split_keys(args[0]))
        self.provisional = "miss"

    def _not_found_version(self, args: tuple[str, ...]) -> None:
        self.version = args[0]
        self._not_found_keys(args[1:])

    def _fail_on_miss(self, args: tuple[str, ...]) -> None:
        self.key = self.key or args[0]

    # -- save messages ------------------------------------------------------------------------

    def _hit_no_save(self, args: tuple[str, ...]) -> None:
        self.key = args[0]

    def _sent(self, args: tuple[str, ...]) -> None:
        self._progress(args)

    def _saved_ok(self, args: tuple[str, ...]) -> None:
        self.provisional = "saved"

    def _saved_with(self, args: tuple[str, ...]) -> None:
        self.key = args[0]

    def _reserve_exists(self, args: tuple[str, ...]) -> None:
        self.key = args[0]

    _reserve_refused = _finalize_exists = _reserve_exists

    def _reservation_failed(self, args: tuple[str, ...]) -> None:
        self.provisional = "failed"
        self.details.append(f"Cache reservation failed: {args[0]}")

    def _over_limit(self, args: tuple[str, ...]) -> None:
        self.size = int(args[1])

    def _other(self, args: tuple[str, ...]) -> None:
        """Messages whose only content is their wording (kept as ``detail``)."""

    # -- helpers ------------------------------------------------------------------------------

    def _progress(self, args: tuple[str, ...]) -> None:
        self.transferred, self.total = int(args[0]), int(args[1])
        rate = float(args[3])  # the pattern admits only digits, "NaN" and "Infinity"
        self.throughput = rate if math.isfinite(rate) else None

    def _keys(self, keys: tuple[str, ...]) -> None:
        if not keys:
            return
        known = (self.key, *self.restore_keys)
        last = keys[-1]
        # actions/cache v1 ends the line with "."; drop it when the step's inputs show the key
        # without one.
        if last.endswith(".") and last[:-1] in known and last not in known:
            keys = (*keys[:-1], last[:-1])
        self.key = self.key or keys[0]
        self.restore_keys = self.restore_keys or keys[1:]

    def outcome(self) -> tuple[Outcome, str | None]:
        """The settled outcome, and a detail when the log did not finish the sequence."""
        result = self.result or self.provisional
        if result == "matched":
            key, matched = self.key, self.matched
            if key is not None and matched is not None and same_key(key, matched):
                return "hit", None
            return "restore", None
        if result in ("miss", "saved", "exists", "skipped", "failed"):
            return result, None  # type: ignore[return-value]
        if self.phase == "save" and self.total and self.transferred == self.total:
            return "saved", "inferred from a completed upload; no saved message followed"
        return "failed", "the log ends before this cache's restore or save finished"

    def build(self, job: str, step: str, step_index: int) -> CacheEvent:
        outcome, note = self.outcome()
        details = [*self.details, *([note] if note else [])]
        transfer_seconds = None
        if self.transferred is not None and self.throughput:
            transfer_seconds = round(self.transferred / (self.throughput * 1024 * 1024), 3)
        return CacheEvent(
            job=job,
            step=step,
            action=self.action,
            phase=self.phase,
            outcome=outcome,
            key=self.key,
            matched_key=self.matched if self.phase == "restore" else None,
            restore_keys=self.restore_keys,
            paths=self.paths,
            timestamp=parse_timestamp(self.ts),
            line=self.line,
            source=self.source,
            step_index=step_index,
            lookup_only=self.lookup_only,
            size_bytes=self.size,
            transferred_bytes=self.transferred,
            throughput_mbs=self.throughput,
            transfer_seconds=transfer_seconds,
            version=self.version,
            detail="; ".join(details) or None,
        )
