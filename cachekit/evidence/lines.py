"""The line format of GitHub Actions logs, and of ``gh run view --log``.

The runner writes every message as ``{DateTime.UtcNow:O} {message}`` (actions/runner
``src/Runner.Common/Logging.cs``, ``PagingLogger.Write``): a round-trip timestamp with seven
fractional digits, ``2024-05-01T12:34:56.1234567Z``, then one space. A message with newlines in
it (a multi-line ``with:`` input, a stack trace) is written as is, so its later lines carry no
timestamp. The file is written by a .NET ``StreamWriter`` with ``Encoding.UTF8``, which puts a
byte-order mark at its start. Logs from Windows, or re-saved there, may end lines with CRLF.

``gh run view --log`` prints ``{job}\\t{step}\\t{line}`` for every line of every step log it
finds in the run's archive (cli/cli ``pkg/cmd/run/view/view.go``: ``displayLogSegments`` and
``copyLogWithLinePrefix``, ``displayRunLog`` before 2025), each step log's BOM included and CRs
dropped; when the archive has no step logs it prints the whole job log with ``UNKNOWN STEP`` as
the step.

Timestamps stay strings until a record needs one: most lines of a large log are never looked
at again, and parsing is the costly part.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import IO

__all__ = [
    "BOM",
    "GH_UNKNOWN_STEP",
    "MAX_LINE",
    "PREAMBLE",
    "is_gh_line",
    "iter_lines",
    "parse_timestamp",
    "split_gh",
    "split_level",
    "split_timestamp",
    "text_stream",
]

GH_UNKNOWN_STEP = "UNKNOWN STEP"
PREAMBLE = (
    "Requested labels:",
    "Requested runner group:",
    "Job defined at:",
    "Reusable workflow chain:",
    "Waiting for a runner to pick up this job",
    "Job is about to start running on the runner:",
)
"""How a job log begins before the runner runs anything (the job's ``system.txt`` lines)."""
MAX_LINE = 1 << 20
"""Characters kept of one line; the rest of a longer line is read and dropped."""

BOM = "\ufeff"
_TS = re.compile(
    r"(\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d"
    r"(?:\.\d{1,9})?Z)(?: |$)"
)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_LEVELS = (
    ("##[warning]", "warning"),
    ("##[error]", "error"),
    ("##[debug]", "debug"),
    ("##[notice]", "notice"),
    ("[warning]", "warning"),
)


def text_stream(binary: IO[bytes]) -> io.TextIOWrapper:
    """Decode a log: UTF-16 when it starts with a UTF-16 BOM (PowerShell 5 redirection writes
    that), else UTF-8; undecodable bytes become U+FFFD rather than an error."""
    peek = getattr(binary, "peek", None)
    head = bytes(peek(4)[:4]) if callable(peek) else b""
    encoding = "utf-16" if head[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8"
    return io.TextIOWrapper(binary, encoding=encoding, errors="replace", newline="\n")


def iter_lines(stream: IO[str]) -> Iterator[str]:
    """The lines of ``stream`` without their ending (``\\n`` or ``\\r\\n``), one at a time.

    Only ``\\n`` ends a line, so line numbers agree with ``grep -n``; a carriage return inside
    a line (progress bars) stays. A line longer than :data:`MAX_LINE` is cut there.
    """
    while True:
        line = stream.readline(MAX_LINE)
        if not line:
            return
        if line.endswith("\n"):
            line = line[:-1]
        elif len(line) >= MAX_LINE:
            while True:
                rest = stream.readline(MAX_LINE)
                if not rest or rest.endswith("\n"):
                    break
        yield line[:-1] if line.endswith("\r") else line


def split_timestamp(line: str) -> tuple[str | None, str]:
    """``(timestamp, message)`` of a log line; ``(None, line)`` for a continuation line."""
    if line.startswith(BOM):
        line = line[1:]
    m = _TS.match(line)
    if m is None:
        return None, line
    return m.group(1), line[m.end() :]


def split_gh(line: str) -> tuple[str, str, str] | None:
    """``(job, step, rest)`` of a ``gh run view --log`` line, or ``None`` if it is not one."""
    if line.startswith(BOM):
        line = line[1:]
    first = line.find("\t")
    if first < 0:
        return None
    second = line.find("\t", first + 1)
    if second < 0:
        return None
    return line[:first], line[first + 1 : second], line[second + 1 :]


def is_gh_line(line: str) -> bool:
    """True when ``line`` is a timestamped ``gh run view --log`` line."""
    parts = split_gh(line)
    return parts is not None and split_timestamp(parts[2])[0] is not None


def split_level(message: str) -> tuple[str, str]:
    """``(level, text)``: the workflow-command prefix the runner wrote, and the text after it.

    ``core.warning``/``core.error`` become ``##[warning]``/``##[error]`` in the log; actions/cache
    and the setup actions print some warnings as plain ``[warning]…`` info lines
    (``logWarning`` in ``src/utils/actionUtils.ts``). ANSI colour codes are dropped.
    """
    if "\x1b" in message:
        message = _ANSI.sub("", message)
    if not message.startswith(("##[", "[warning]")):
        return "info", message
    for prefix, level in _LEVELS:
        if message.startswith(prefix):
            return level, message[len(prefix) :]
    return "info", message


def parse_timestamp(raw: str | None) -> datetime | None:
    """The UTC datetime of a timestamp from :func:`split_timestamp` (digits past microseconds
    are dropped); ``None`` for an impossible date such as February 30."""
    if raw is None:
        return None
    frac = raw[20:-1] if len(raw) > 20 and raw[19] == "." else ""
    try:
        return datetime(
            int(raw[0:4]),
            int(raw[5:7]),
            int(raw[8:10]),
            int(raw[11:13]),
            int(raw[14:16]),
            int(raw[17:19]),
            int(frac[:6].ljust(6, "0")) if frac else 0,
            tzinfo=timezone.utc,
        )
    except ValueError:
        return None
