"""Reading a workflow and writing the edited text back atomically, only if unchanged since read.

The file is replaced by a rename of a temporary file in the same directory (never truncated in
place); a file that changed on disk since it was read, or that is read-only, is refused.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile

from .model import EditFailed, EditRefused, EditResult, _refused


def read_workflow(root: str, path: str) -> str:
    """The file's text (strict UTF-8, a BOM kept as U+FEFF, line endings untouched)."""
    full = os.path.join(root, path)
    try:
        with open(full, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise EditRefused(f"{path}: cannot read: {exc.strerror or exc}") from None
    return _decode(data, path)


def apply_edit(root: str, result: EditResult) -> None:
    """Write ``result.after`` over ``root/result.path`` atomically.

    The new text goes to a temporary file in the same directory, is flushed to disk and then
    renamed over the original, so a crash leaves either the old file or the new one, never a
    mix. The file's permission bits (and, where allowed, owner) are kept. Refused when the
    file's content is no longer ``result.before`` (someone edited it meanwhile) or when it is
    a symbolic link (replacing the link would turn it into a regular file), when a directory on
    the way leads out of ``root`` (``.github/workflows`` a link elsewhere: nothing is ever
    written outside the repository), and when the file is read-only (its owner said so).
    """
    path = result.path
    full = os.path.join(root, path)
    directory = os.path.dirname(full) or "."
    real_root = os.path.realpath(root)
    real_dir = os.path.realpath(directory)
    if real_dir != real_root and not real_dir.startswith(real_root.rstrip(os.sep) + os.sep):
        raise _refused(path, "a directory on the way is a link out of the repository")
    try:
        st = os.lstat(full)
    except OSError as exc:
        raise EditRefused(f"{path}: cannot read: {exc.strerror or exc}") from None
    if stat.S_ISLNK(st.st_mode):
        raise _refused(path, "it is a symbolic link; edit the file it points to")
    if not stat.S_ISREG(st.st_mode):
        raise _refused(path, "it is not a regular file")
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(
        full, os.W_OK
    ):
        mode = stat.S_IMODE(st.st_mode)
        raise _refused(path, f"it is read-only (mode {mode:04o}); make it writable to edit it")
    if read_workflow(root, path) != result.before:
        raise _refused(path, "it changed on disk since it was read; run the command again")
    if result.after == result.before:
        return
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{os.path.basename(full)}.", suffix=".cachekit-tmp", dir=directory
        )
    except OSError as exc:
        raise EditFailed(
            f"{path}: cannot write: cannot create a file beside it: {exc.strerror or exc}"
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(result.after.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        if hasattr(os, "chown"):
            tmp_st = os.stat(tmp)
            if (tmp_st.st_uid, tmp_st.st_gid) != (st.st_uid, st.st_gid):
                # Not permitted unless root: the file becomes the writer's, as with any editor.
                with contextlib.suppress(OSError):
                    os.chown(tmp, st.st_uid, st.st_gid)
        # Narrow the window for a concurrent edit to the rename itself.
        if read_workflow(root, path) != result.before:
            raise _refused(path, "it changed on disk since it was read; run the command again")
        os.replace(tmp, full)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise EditFailed(f"{path}: cannot write: {exc.strerror or exc}") from None
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: str) -> None:
    """Make the rename durable; not every platform or file system allows it."""
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def _decode(data: bytes, path: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start]
        raise _refused(path, f"it is not UTF-8 (byte 0x{byte:02x})", line) from None
