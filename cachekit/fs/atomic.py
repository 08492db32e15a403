"""Writing the files cachekit is asked to write (``-o``, ``--html``): all or nothing.

Why: a report written over a previous one must never leave a 0-byte or half-written file
when the disk fills or the process dies; and a missing directory must be said before minutes
of work, not after. The bytes go to a temporary file in the target's directory, are flushed,
then renamed over the target. A target that exists and is not a regular file (``/dev/stdout``,
a FIFO) is written in place: there is nothing to replace atomically.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile

from ..errors import EnvironmentFailure, UsageError

__all__ = ["check_output_path", "write_atomic"]


def check_output_path(path: str) -> None:
    """Refuse, before any work, an output path that cannot be written: its directory missing
    or not a directory, or the path itself a directory (UsageError, exit 2)."""
    target = os.path.realpath(path)
    directory = os.path.dirname(target) or "."
    if os.path.isdir(target):
        raise UsageError(f"cannot write {path}: it is a directory")
    if not os.path.isdir(directory):
        raise UsageError(f"cannot write {path}: no directory {os.path.dirname(path) or '.'}")


def _new_file_mode() -> int:
    """0666 less the umask: what ``open(path, "w")`` would have given a new file."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a failure leaves the old file (or none), never a
    part; EnvironmentFailure (exit 3) names the path and the reason."""
    check_output_path(path)
    target = os.path.realpath(path)  # a link to a report: replace the report, not the link
    try:
        st: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise EnvironmentFailure(f"cannot write {path}: {exc.strerror or exc}") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        _write_in_place(path, target, data)
        return
    directory = os.path.dirname(target) or "."
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{os.path.basename(target)}.", suffix=".cachekit-tmp", dir=directory
        )
    except OSError as exc:
        raise EnvironmentFailure(
            f"cannot write {path}: cannot create a file in {directory}: {exc.strerror or exc}"
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode) if st is not None else _new_file_mode())
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise EnvironmentFailure(f"cannot write {path}: {exc.strerror or exc}") from None
        raise


def _write_in_place(path: str, target: str, data: bytes) -> None:
    try:
        with open(target, "wb") as fh:
            fh.write(data)
            fh.flush()
    except OSError as exc:
        raise EnvironmentFailure(f"cannot write {path}: {exc.strerror or exc}") from None
