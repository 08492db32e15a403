"""Trees: what ``hashFiles`` walks — a working directory, or a git commit read in place.

A :class:`Tree` answers the handful of file-system questions ``@actions/glob`` asks (``lstat``,
``stat``, ``readdir``, ``realpath``) plus the one the runner's hashing loop asks (the SHA-256 of a
file's bytes). Paths are workspace-relative, ``/``-separated; ``""`` is the workspace itself.

Directory listings come back in the order node sees them on Linux and macOS: libuv's
``scandir`` sorts names with ``strcmp`` on their raw bytes. Names that are not valid UTF-8 are
reported as node reports them (decoded with U+FFFD) and marked :data:`UNREACHABLE`, because
node then fails to ``lstat`` them (ENOENT), which fails the runner's hash when they match.
"""

from __future__ import annotations

import errno
import hashlib
import os
import posixpath
import stat as statmod
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final, Protocol

from ..errors import TreeError

__all__ = [
    "DIR",
    "FILE",
    "MAX_READ_BYTES",
    "OTHER",
    "SYMLINK",
    "UNREACHABLE",
    "Listing",
    "Tree",
    "WorkTree",
    "leaves_tree",
    "sha256_of_path",
]

# Entry kinds as small ints: the walk touches one per entry, so they stay cheap to compare.
DIR: Final = 1
FILE: Final = 2
SYMLINK: Final = 3
OTHER: Final = 4  # fifo, socket, device: never hashed
UNREACHABLE: Final = 5  # a name node cannot address (not valid UTF-8)

Listing = list[tuple[str, int]]
"""A directory's entries as ``(name, kind)`` with ``kind`` from ``lstat``, in libuv order."""

_CHUNK: Final = 1 << 20

MAX_READ_BYTES: Final = 32 << 20
"""The most of one file cachekit reads into memory (workflows, actions, requirements, lock
files, manifests): larger files are refused with ``EFBIG`` instead of exhausting memory (a
2 GB requirements file, a 1 GB blob). Hashing is not bounded by it: it streams."""
_PARALLEL_FROM: Final = 16 * 1024  # bytes; smaller files are hashed inline
_LARGE_TO_SWITCH: Final = 8  # large files seen (and at least half) before using threads
_BATCH: Final = 16  # files per pool task


class Tree(Protocol):
    """The questions the glob walk and the hashing loop ask of a tree."""

    workspace: str
    """The absolute path string the runner would use as the workspace (``process.cwd()``)."""

    def lstat(self, rel: str) -> int | None:
        """Kind of ``rel`` without following a final symlink; None if it does not exist."""
        ...

    def stat(self, rel: str) -> int | None:
        """Kind of ``rel`` following symlinks; None if it (or a link target) does not exist."""
        ...

    def listdir(self, rel: str) -> Listing:
        """Entries of the directory ``rel`` (symlinks followed), in libuv order."""
        ...

    def realpath(self, rel: str) -> str:
        """A canonical identity of ``rel`` with every symlink resolved (for cycle checks)."""
        ...

    def digests(self, rels: Sequence[str]) -> list[bytes | TreeError]:
        """SHA-256 of each file's bytes (symlinks followed), or the error reading it."""
        ...

    def read(self, rel: str) -> bytes:
        """A file's bytes (symlinks followed); TreeError (ENOENT, EISDIR, …) if unreadable.

        Only regular files of at most :data:`MAX_READ_BYTES` are read: anything else is
        ``EFTYPE`` (a device, a FIFO, a socket) or ``EFBIG``, never a hang or a huge buffer.
        """
        ...


def libuv_order(names: list[str], raw: dict[str, bytes] | None = None) -> list[str]:
    """Sort names by their raw bytes, as libuv's ``uv__fs_scandir_sort`` does."""
    if raw:
        return sorted(names, key=lambda n: raw.get(n, n.encode("utf-8", "surrogatepass")))
    if all(n.isascii() for n in names):
        return sorted(names)
    return sorted(names, key=os.fsencode)


def _node_view(entries: Listing) -> Listing:
    """Names as node sees them (invalid UTF-8 replaced and unreachable), in libuv order."""
    raw: dict[str, bytes] = {}
    out: Listing = []
    for name, kind in entries:
        if not name.isascii():
            b = os.fsencode(name)
            node_name = b.decode("utf-8", "replace")
            if node_name != name:
                raw[node_name] = b
                name, kind = node_name, UNREACHABLE
        out.append((name, kind))
    order = {n: i for i, n in enumerate(libuv_order([n for n, _ in out], raw))}
    out.sort(key=lambda e: order[e[0]])
    return out


def too_large(size: int, path: str) -> TreeError:
    """The error for a file larger than :data:`MAX_READ_BYTES` (never read into memory)."""
    return TreeError(
        "EFBIG",
        f"{size:,} bytes, more than the {MAX_READ_BYTES >> 20} MiB cachekit reads into memory",
        path,
    )


def check_read_size(size: int, path: str) -> None:
    if size > MAX_READ_BYTES:
        raise too_large(size, path)


def _oserror(exc: OSError, syscall: str, path: str) -> TreeError:
    code = errno.errorcode.get(exc.errno or 0, "EIO")
    reason = (exc.strerror or "error").lower()
    if code == "ELOOP":
        reason = "too many symbolic links encountered"
    return TreeError(code, f"{reason}, {syscall}", path)


def _kind_of_mode(mode: int) -> int:
    if statmod.S_ISDIR(mode):
        return DIR
    if statmod.S_ISREG(mode):
        return FILE
    if statmod.S_ISLNK(mode):
        return SYMLINK
    return OTHER


_buffers = threading.local()


def _buffer() -> bytearray:
    buf: bytearray | None = getattr(_buffers, "buf", None)
    if buf is None:
        buf = _buffers.buf = bytearray(_CHUNK)
    return buf


def _sha256_fd(fd: int, h: Any = None) -> bytes:
    """Hash an open file to its end (continuing ``h`` if given), then close it."""
    try:
        buf = _buffer()
        view = memoryview(buf)
        if h is None:
            h = hashlib.sha256()
        while True:
            n = os.readv(fd, [buf])
            if not n:
                break
            h.update(view[:n])
        digest: bytes = h.digest()
        return digest
    finally:
        os.close(fd)


def _sha256_start(fd: int) -> bytes | Any:
    """Read the first block: a small file is finished here (its digest is returned); for a
    larger one the running hash object is returned, to be continued elsewhere."""
    view = memoryview(_buffer())[:_PARALLEL_FROM]
    try:
        n = os.readv(fd, [view])
    except BaseException:
        os.close(fd)
        raise
    h = hashlib.sha256(view[:n])
    if n < _PARALLEL_FROM:
        return _sha256_fd(fd, h)  # confirms EOF with one more read, then closes
    return h


def sha256_of_path(path: str) -> bytes:
    """Stream a file through SHA-256 (memory stays flat whatever the file size)."""
    return _sha256_fd(os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)))


_NOFOLLOW: Final = getattr(os, "O_NOFOLLOW", 0)


class _Outside(Exception):
    """A file to hash whose real path leaves the repository."""


def _outside_error(path: str) -> TreeError:
    return TreeError(
        "EUNKNOWABLE",
        "a symbolic link out of the repository: on the runner it leads to the runner's own "
        "files, which cachekit does not read",
        path,
    )


def leaves_tree(tree: Tree, rel: str) -> bool:
    """Whether ``rel`` names something outside the repository: by ``..``, an absolute path,
    or a symbolic link (at any level) whose target is elsewhere.

    Why: the repository is the boundary. A workflow's ``pip install -r ../../proc/self/environ``
    or a committed ``requirements-dev.txt -> /proc/self/environ`` names a file the runner reads
    on *its* machine; reading it here would print the caller's own secrets. Such a path is
    reported by name, never read.
    """
    norm = posixpath.normpath(rel.replace("\\", "/")) if rel else "."
    if norm.startswith(("/", "../")) or norm == "..":
        return True
    try:
        real = tree.realpath("" if norm == "." else norm)
    except TreeError as exc:
        return exc.code == "EOUTSIDE"
    except (OSError, ValueError):
        return False
    workspace = tree.workspace.rstrip("/")
    return not (real == workspace or real.startswith(workspace + "/"))


class WorkTree:
    """A directory on disk, read through the operating system like node would.

    ``read`` never returns the bytes of a file outside the directory (see
    :func:`leaves_tree`); the hashing loop follows links as the runner does, and gives digests
    only.
    """

    def __init__(self, root: str, *, threads: int | None = None) -> None:
        if not os.path.isdir(root):
            raise TreeError("ENOTDIR", "not a directory", root)
        # node's process.cwd() is getcwd(): the resolved path.
        self.workspace = os.path.realpath(root)
        self._threads = threads if threads is not None else min(8, os.cpu_count() or 1)
        self._dirs_inside: dict[str, bool] = {}  # directory path -> its real path is inside

    def _abs(self, rel: str) -> str:
        if "\x00" in rel:  # no file can have that name; the OS call would raise ValueError
            raise TreeError("ERR_INVALID_ARG_VALUE", "a path cannot contain a null byte", rel)
        return self.workspace + "/" + rel if rel else self.workspace

    def _kind(self, rel: str, *, follow: bool) -> int | None:
        path = self._abs(rel)
        try:
            st = os.stat(path) if follow else os.lstat(path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise _oserror(exc, "stat" if follow else "lstat", path) from None
        return _kind_of_mode(st.st_mode)

    def lstat(self, rel: str) -> int | None:
        return self._kind(rel, follow=False)

    def stat(self, rel: str) -> int | None:
        return self._kind(rel, follow=True)

    def listdir(self, rel: str) -> Listing:
        path = self._abs(rel)
        if not self._dir_inside(path):
            raise _outside_error(path)  # the names there are the caller's, not the runner's
        entries: Listing = []
        append = entries.append
        try:
            with os.scandir(path) as it:
                for de in it:
                    # d_type answers these without a stat; most entries are files.
                    try:
                        if de.is_file(follow_symlinks=False):
                            append((de.name, FILE))
                        elif de.is_dir(follow_symlinks=False):
                            append((de.name, DIR))
                        elif de.is_symlink():
                            append((de.name, SYMLINK))
                        else:
                            append((de.name, OTHER))
                    except OSError:
                        append((de.name, OTHER))
        except OSError as exc:
            raise _oserror(exc, "scandir", path) from None
        if "".join(n for n, _ in entries).isascii():
            entries.sort()
            return entries
        return _node_view(entries)

    def realpath(self, rel: str) -> str:
        return os.path.realpath(self._abs(rel))

    def read(self, rel: str) -> bytes:
        path = self._abs(rel)
        if leaves_tree(self, rel):
            raise TreeError("EOUTSIDE", "outside the repository, not read", path)
        # O_NONBLOCK: opening a FIFO must not wait for a writer (regular files ignore it).
        flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(path, flags)
        except OSError as exc:
            raise _oserror(exc, "open", path) from None
        with os.fdopen(fd, "rb") as fh:
            try:
                st = os.fstat(fd)
                if not statmod.S_ISREG(st.st_mode):
                    raise TreeError("EFTYPE", "not a regular file, cachekit does not read it", path)
                check_read_size(st.st_size, path)
                data = fh.read(MAX_READ_BYTES + 1)
            except OSError as exc:
                raise _oserror(exc, "read", path) from None
        check_read_size(len(data), path)  # it grew while being read
        return data

    def _inside(self, real: str) -> bool:
        return real == self.workspace or real.startswith(self.workspace + "/")

    def _dir_inside(self, path: str) -> bool:
        """Whether the directory ``path`` is really inside the workspace: a directory that is
        not a link is where its parent is, so only links (one lstat per directory, memoised)
        are resolved."""
        memo = self._dirs_inside
        chain: list[str] = []
        current = path
        prefix = self.workspace + "/"
        while current not in memo:
            name = current.rpartition("/")[2]
            if current == self.workspace:
                memo[current] = True
            elif not current.startswith(prefix) or name in ("", ".", ".."):
                memo[current] = self._inside(os.path.realpath(current))
            else:
                chain.append(current)
                current = current.rpartition("/")[0]
        for directory in reversed(chain):
            if os.path.islink(directory):
                memo[directory] = self._inside(os.path.realpath(directory))
            else:
                memo[directory] = memo[directory.rpartition("/")[0]]
        return memo[path]

    def _open_inside(self, path: str, flags: int) -> int:
        """Open a file to hash, unless its real path leaves the repository.

        Why: the runner hashes *its* file behind a link out of the workspace; the bytes here
        are the caller's own (a secret, /proc/self/environ) and their digest would be printed.
        Cheap: the final component is opened with O_NOFOLLOW (a link fails with ELOOP and only
        then is resolved) and each directory's real path is looked up once.
        """
        inside = self._dir_inside(path.rsplit("/", 1)[0])
        if inside and _NOFOLLOW:
            try:
                return os.open(path, flags | _NOFOLLOW)
            except OSError as exc:
                if exc.errno != errno.ELOOP:
                    raise
        if not inside or not self._inside(os.path.realpath(path)):
            raise _Outside(path)
        return os.open(path, flags)

    def _digest_rest(self, fd: int, h: Any, path: str) -> bytes | TreeError:
        try:
            return _sha256_fd(fd, h)
        except OSError as exc:
            return _oserror(exc, "read", path)

    def _digest_batch(self, rels: Sequence[str]) -> list[bytes | TreeError]:
        out: list[bytes | TreeError] = []
        flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
        for rel in rels:
            path = self.workspace + "/" + rel
            try:
                out.append(_sha256_fd(self._open_inside(path, flags)))
            except _Outside:
                out.append(_outside_error(path))
            except OSError as exc:
                out.append(_oserror(exc, "open", path))
        return out

    def digests(self, rels: Sequence[str]) -> list[bytes | TreeError]:
        """Hash files inline until they prove large, then in batches on a thread pool.

        Threads only pay off when hashing dominates: hashlib and reads release the GIL for
        large buffers, but for small files the per-file Python work is GIL-bound and threads
        just contend. The first block read tells which is which (no ``stat``); once large
        files dominate, the rest go to the pool in batches, so per-task overhead stays small
        and the main thread is free.
        """
        out: list[bytes | TreeError] = []
        flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
        large = 0
        for i, rel in enumerate(rels):
            if self._threads > 1 and large >= _LARGE_TO_SWITCH and large * 2 >= i:
                return out + self._digest_on_pool(rels[i:])
            path = self.workspace + "/" + rel
            try:
                fd = self._open_inside(path, flags)
                started = _sha256_start(fd)
            except _Outside:
                out.append(_outside_error(path))
                continue
            except OSError as exc:
                out.append(_oserror(exc, "open", path))
                continue
            if isinstance(started, bytes):
                out.append(started)
            else:
                large += 1
                out.append(self._digest_rest(fd, started, path))
        return out

    def _digest_on_pool(self, rels: Sequence[str]) -> list[bytes | TreeError]:
        batches = [rels[i : i + _BATCH] for i in range(0, len(rels), _BATCH)]
        out: list[bytes | TreeError] = []
        with ThreadPoolExecutor(max_workers=self._threads) as pool:
            for part in pool.map(self._digest_batch, batches):
                out.extend(part)
        return out
