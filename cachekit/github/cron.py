"""``on.schedule`` crons: when GitHub starts a scheduled workflow.

GitHub's rules ("Events that trigger workflows", section ``schedule``,
https://docs.github.com/en/actions/reference/workflows-and-actions/events-that-trigger-workflows#schedule):
POSIX cron syntax, five fields (minute, hour, day of month, month, day of week) with ``*``,
``,``, ``-`` and ``/``, in UTC; "the shortest interval you can run scheduled workflows is
once every 5 minutes"; a scheduled workflow runs "on the latest commit on the default or base
branch". As in POSIX cron, when both day fields are restricted a day matching either runs.
Month and weekday names (``JAN``, ``MON``) are accepted. GitHub may start runs late under
load; the replay uses the nominal times.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from ..errors import CachekitError

__all__ = ["Cron", "CronError", "parse_cron"]

_NAMES = {
    3: {
        m: i + 1
        for i, m in enumerate(
            ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        )
    },
    4: {d: i for i, d in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"])},
}
_BOUNDS = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))


class CronError(CachekitError):
    """A cron GitHub would not accept; the message names the expression."""


@dataclass(frozen=True)
class Cron:
    text: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday
    any_day: bool
    any_weekday: bool

    def day_matches(self, day: datetime) -> bool:
        if day.month not in self.months:
            return False
        weekday = (day.weekday() + 1) % 7
        by_day, by_week = day.day in self.days, weekday in self.weekdays
        if self.any_day or self.any_weekday:
            return by_day and by_week
        return by_day or by_week

    def times(self, start: datetime, end: datetime) -> Iterator[datetime]:
        """Every time in ``[start, end]`` (UTC) the cron fires, in order."""
        day = datetime(start.year, start.month, start.day, tzinfo=timezone.utc)
        while day <= end:
            if self.day_matches(day):
                for h in sorted(self.hours):
                    for m in sorted(self.minutes):
                        t = day.replace(hour=h, minute=m)
                        if start <= t <= end:
                            yield t
            day += timedelta(days=1)


def _value(token: str, field: int, text: str) -> int:
    names = _NAMES.get(field, {})
    if token.upper() in names:
        return names[token.upper()]
    if not token.isdigit():
        raise CronError(f"cron '{text}': '{token}' is not a number")
    return int(token)


def _field(spec: str, field: int, text: str) -> frozenset[int]:
    lo, hi = _BOUNDS[field]
    out: set[int] = set()
    for item in spec.split(","):
        base, _, step_text = item.partition("/")
        step = _value(step_text, -1, text) if step_text else 1
        if step <= 0:
            raise CronError(f"cron '{text}': step '{step_text}' must be positive")
        if base == "*":
            a, b = lo, hi
        elif "-" in base:
            a, b = (_value(x, field, text) for x in base.split("-", 1))
        else:
            a = _value(base, field, text)
            b = hi if step_text else a
        if not (lo <= a <= hi and lo <= b <= hi) or a > b:
            raise CronError(f"cron '{text}': '{item}' is out of range {lo}-{hi}")
        out.update(range(a, b + 1, step))
    if field == 4 and 7 in out:
        out = (out - {7}) | {0}
    return frozenset(out)


def parse_cron(text: str) -> Cron:
    fields = text.split()
    if len(fields) != 5:
        raise CronError(f"cron '{text}': expected 5 fields, found {len(fields)}")
    minutes, hours, days, months, weekdays = (_field(f, i, text) for i, f in enumerate(fields))
    return Cron(
        text,
        minutes,
        hours,
        days,
        months,
        weekdays,
        any_day=fields[2] == "*",
        any_weekday=fields[4] == "*",
    )
