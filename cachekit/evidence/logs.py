"""Read a run's logs — a downloaded archive, a folder, one job log, ``gh run view --log`` text.

The archive (``GET /repos/{o}/{r}/actions/runs/{id}/logs``, or "Download log archive" in the
Actions UI) holds, per job, the whole job log as a top-level ``<n>_<job>.txt`` (``n`` an ordinal;
old archives use a negative job id) and usually a folder ``<job>/`` with one ``<n>_<step>.txt``
per step (``n`` the step number) and ``system.txt``. Names are sanitised: ``/`` and ``:`` are
dropped from job names and long names cut at 90 UTF-16 units; in step names ``/`` becomes
``_`` (``Run actions_cache@v4.txt``). Some archives lack the step files; then the job log is
cut into steps at the runner's markers (see :mod:`cachekit.evidence.assemble`). This is the
layout ``gh run view`` reads (cli/cli ``pkg/cmd/run/view/logs.go``, ``getZipLogMap``).

Nothing is executed or extracted: zip members are decompressed in memory, a line at a time,
so a member's name cannot write anywhere and a huge log is never held whole. A file or member
that is not a log (binary, no timestamped line, unreadable, unexpected place) is skipped and
named in :attr:`~cachekit.evidence.model.LogBundle.problems`; only a path that cannot be read
at all raises :class:`~cachekit.evidence.model.EvidenceError`.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .assemble import JobBuilder
from .lines import (
    BOM,
    GH_UNKNOWN_STEP,
    PREAMBLE,
    is_gh_line,
    iter_lines,
    split_gh,
    split_timestamp,
    text_stream,
)
from .model import EvidenceError, LogBundle

__all__ = ["MAX_LOG_BYTES", "LogTooLarge", "read_log_text", "read_logs"]

MAX_LOG_BYTES = 256 << 20
"""The most of one log (a file, or a zip member decompressed) cachekit reads: a zip bomb or a
log folder's symlink to ``/dev/zero`` stops here as a skipped file, not after the disk or the
afternoon. A job's log on GitHub is far smaller (a few MB is large)."""


class LogTooLarge(ValueError):
    """A log went past :data:`MAX_LOG_BYTES` (a ValueError: the file is skipped, not fatal)."""


class _Capped(io.RawIOBase):
    """A byte stream that refuses to give more than ``limit`` bytes."""

    def __init__(self, raw: IO[bytes], limit: int) -> None:
        self._raw = raw
        self._left = limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self._raw.read(min(len(view), self._left + 1))
        if len(data) > self._left:
            raise LogTooLarge(f"more than {MAX_LOG_BYTES >> 20} MiB")
        self._left -= len(data)
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


def _capped(open_: Callable[[], IO[bytes]]) -> Callable[[], IO[bytes]]:
    return lambda: io.BufferedReader(_Capped(open_(), MAX_LOG_BYTES))


def _regular_file(path: Path) -> Callable[[], IO[bytes]]:
    """An opener that refuses what is not a regular file (a FIFO would block, a device never
    ends) and, inside a folder, a symlink (it may point anywhere, ``/dev/zero`` included)."""

    def open_() -> IO[bytes]:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            raise ValueError("a symbolic link: not followed")
        if not stat.S_ISREG(st.st_mode):
            raise ValueError("not a regular file")
        return open(path, "rb")

    return open_


_JOB_FILE = re.compile(r"(-?\d+)_(.+)\.txt")
_STEP_FILE = re.compile(r"(\d+)_(.+)\.txt")
_SNIFF_LINES = 200
_READ_ERRORS = (
    OSError,
    EOFError,
    zipfile.BadZipFile,
    zlib.error,
    NotImplementedError,
    RuntimeError,
    ValueError,
    UnicodeError,
)


@dataclass(frozen=True)
class _Entry:
    """A file to read: its path inside the archive or folder, a name for messages, an opener."""

    parts: tuple[str, ...]
    display: str
    open: Callable[[], IO[bytes]]


@dataclass
class _JobFiles:
    name: str
    order: tuple[int, int]
    log: _Entry | None = None
    steps: list[tuple[int, str, _Entry]] = field(default_factory=list)


def read_logs(path: str | os.PathLike[str]) -> LogBundle:
    """Every job of a run archive (``.zip``), a folder of logs, or one ``.txt`` log.

    A ``.txt`` file may be a job log or the output of ``gh run view --log`` (one or many jobs).
    Raises :class:`EvidenceError` when ``path`` cannot be read or is a corrupt archive.
    """
    p = Path(path)
    try:
        if p.is_dir():
            entries = _dir_entries(p)
            if _is_job_folder(entries):
                entries = [_Entry((p.name, *e.parts), e.display, e.open) for e in entries]
            return _read_entries(entries, str(p), [])
        if p.exists() and not p.is_file():  # a device or FIFO (a named symlink is followed)
            raise EvidenceError(f"{p}: not a regular file, a folder or a zip archive")
        with open(p, "rb") as f:
            magic = f.read(4)
    except OSError as e:
        raise EvidenceError(f"{p}: cannot read: {e.strerror or e}") from None
    if magic[:2] == b"PK":
        return _read_zip(p)
    files = _JobFiles(_job_name(p.name), (0, 0), log=_Entry((p.name,), str(p), _file_opener(p)))
    problems: list[str] = []
    builders = _read_job(files, problems)
    return LogBundle(str(p), tuple(b.build() for b in builders), tuple(problems))


def read_log_text(text: str, name: str = "log.txt") -> LogBundle:
    """The jobs in ``text``: a job log, or ``gh run view --log`` output. ``name`` stands for
    the file (a job log's job is named after it, as ``0_build.txt`` → ``build``)."""
    problems: list[str] = []
    builders = _parse(iter_lines(io.StringIO(text)), name, _job_name(name), None, problems)
    return LogBundle(name, tuple(b.build() for b in builders or ()), tuple(problems))


# -- sources ------------------------------------------------------------------------------------


def _read_zip(path: Path) -> LogBundle:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        raise EvidenceError(f"{path}: not a readable zip archive ({e})") from None
    problems: list[str] = []
    entries: list[_Entry] = []
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = info.filename
            parts = tuple(p for p in name.replace("\\", "/").split("/") if p not in ("", "."))
            display = f"{path}!{name}"
            if not parts or name.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
                problems.append(f"{display}: unsafe member name; skipped")
                continue
            entries.append(_Entry(parts, display, _member_opener(archive, info)))
        return _read_entries(entries, str(path), problems)


def _member_opener(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], IO[bytes]]:
    return _capped(lambda: archive.open(info))


def _dir_entries(root: Path) -> list[_Entry]:
    entries = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__MACOSX")
        for name in sorted(files):
            path = Path(folder, name)
            parts = path.relative_to(root).parts
            entries.append(_Entry(parts, str(path), _capped(_regular_file(path))))
    return entries


def _is_job_folder(entries: list[_Entry]) -> bool:
    """True for one job's folder of step files (``system.txt``, ``1_Set up job.txt``, …)
    given on its own, rather than a whole archive."""
    names = [e.parts[0] for e in entries if len(e.parts) == 1]
    return "system.txt" in names or any(re.fullmatch(r"\d+_Set up job\.txt", n) for n in names)


def _file_opener(path: Path) -> Callable[[], IO[bytes]]:
    return _capped(lambda: open(path, "rb"))


# -- layout -------------------------------------------------------------------------------------


def _read_entries(entries: list[_Entry], source: str, problems: list[str]) -> LogBundle:
    entries = [e for e in entries if not any(p.startswith(".") or p == "__MACOSX" for p in e.parts)]
    while (
        entries
        and all(len(e.parts) >= 2 for e in entries)
        and len({e.parts[0] for e in entries}) == 1
        and any(len(e.parts) >= 3 for e in entries)
    ):
        entries = [_Entry(e.parts[1:], e.display, e.open) for e in entries]
    jobs: dict[str, _JobFiles] = {}

    def job(name: str, number: int | None = None) -> _JobFiles:
        files = jobs.setdefault(name, _JobFiles(name, (1 << 62, len(jobs))))
        if number is not None:
            files.order = (number, files.order[1])
        return files

    for e in entries:
        name = e.parts[-1]
        if len(e.parts) == 1 and name.lower().endswith((".txt", ".log")):
            m = _JOB_FILE.fullmatch(name)
            if m is not None:
                job(m.group(2), int(m.group(1))).log = e
            else:
                job(_job_name(name)).log = e
        elif len(e.parts) == 2 and name == "system.txt":
            job(e.parts[0])  # the runner's notes on queueing: no steps, no caches
        elif len(e.parts) == 2 and (m := _STEP_FILE.fullmatch(name)) is not None:
            job(e.parts[0]).steps.append((int(m.group(1)), m.group(2), e))
        else:
            problems.append(f"{e.display}: not a job or step log of a run archive; skipped")
    builders: dict[str, JobBuilder] = {}
    for files in sorted(jobs.values(), key=lambda f: f.order):
        for builder in _read_job(files, problems):
            if builder.name in builders:
                builders[builder.name].extend(builder)
            else:
                builders[builder.name] = builder
    jobs_out = tuple(b.build() for b in builders.values() if b.steps)
    return LogBundle(source, jobs_out, tuple(problems))


def _read_job(files: _JobFiles, problems: list[str]) -> list[JobBuilder]:
    if not files.steps:
        if files.log is None:
            return []
        return _read_entry(files.log, files.name, None, problems) or []
    builder = JobBuilder(files.name)
    for number, step, entry in sorted(files.steps, key=lambda s: s[0]):
        for part in _read_entry(entry, files.name, (step, number), problems) or []:
            builder.extend(part)
    if files.log is not None:
        bounds = _bounds(files.log, problems)
        if bounds:
            builder.bounds.extend(bounds)
            builder.sources.append(files.log.display)
    return [builder]


def _read_entry(
    entry: _Entry, job: str, step: tuple[str, int] | None, problems: list[str]
) -> list[JobBuilder] | None:
    mark = len(problems)
    try:
        with entry.open() as raw, text_stream(raw) as stream:
            return _parse(iter_lines(stream), entry.display, job, step, problems)
    except _READ_ERRORS as e:
        del problems[mark:]
        problems.append(f"{entry.display}: unreadable ({e}); skipped")
        return None


def _bounds(entry: _Entry, problems: list[str]) -> list[str]:
    """The first and last timestamps of a job log, when its steps come from step files."""
    first = last = None
    try:
        with entry.open() as raw, text_stream(raw) as stream:
            for line in iter_lines(stream):
                ts, text = split_timestamp(line)
                if ts is not None:
                    if first is None and not text.startswith(PREAMBLE):
                        first = ts
                    last = ts if first is not None else last
    except _READ_ERRORS as e:
        problems.append(f"{entry.display}: unreadable ({e}); skipped")
        return []
    return [t for t in (first, last) if t is not None]


def _job_name(file_name: str) -> str:
    """The job a log file is named after: ``0_build.txt`` → ``build``, ``run.log`` → ``run``."""
    m = _JOB_FILE.fullmatch(file_name)
    if m is not None:
        return m.group(2)
    return file_name[:-4] if file_name.lower().endswith((".txt", ".log")) else file_name


# -- parsing ------------------------------------------------------------------------------------


def _parse(
    lines: Iterator[str],
    source: str,
    job: str,
    step: tuple[str, int] | None,
    problems: list[str],
) -> list[JobBuilder] | None:
    """The jobs in one file, or ``None`` (with a problem noted) if it is not a log."""
    head: list[str] = []
    mode = None
    for line in lines:
        head.append(line)
        if "\x00" in line:
            problems.append(f"{source}: binary data, not a log; skipped")
            return None
        if split_timestamp(line)[0] is not None:
            mode = "plain"
        elif is_gh_line(line):
            mode = "gh"
        if mode is not None or len(head) >= _SNIFF_LINES:
            break
    everything = itertools.chain(head, lines)
    if mode == "gh":
        return _parse_gh(everything, source)
    if mode is None:
        if step is not None and not any(line.strip(BOM + " \t") for line in head):
            builder = JobBuilder(job, sources=[source])
            builder.begin_step(step[0], step[1], source)
            return [builder]
        why = "empty" if not any(h.strip() for h in head) else "no timestamped log lines"
        problems.append(f"{source}: {why}, not a GitHub Actions log; skipped")
        return None
    builder = JobBuilder(job, sources=[source])
    if step is not None:
        builder.begin_step(step[0], step[1], source)
    for number, line in enumerate(everything, 1):
        ts, text = split_timestamp(line)
        builder.line(number, ts, text, source, segment=step is None)
    return [builder]


def _parse_gh(lines: Iterable[str], source: str) -> list[JobBuilder]:
    """``gh run view --log`` output: ``job<TAB>step<TAB>line``, one step log after another."""
    builders: dict[str, JobBuilder] = {}
    current: JobBuilder | None = None
    for number, line in enumerate(lines, 1):
        parts = split_gh(line)
        if parts is None:
            if current is not None:
                current.line(number, None, line, source, segment=False)
            continue
        job, step, rest = parts
        current = builders.get(job)
        if current is None:
            current = builders[job] = JobBuilder(job, sources=[source])
        ts, text = split_timestamp(rest)
        if step == GH_UNKNOWN_STEP:
            current.line(number, ts, text, source, segment=True)
            continue
        if rest.startswith(BOM) or not current.steps or current.steps[-1].name != step:
            current.begin_step(step, None, source)
        current.line(number, ts, text, source, segment=False)
    return list(builders.values())
