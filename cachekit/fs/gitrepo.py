"""The only place that runs ``git``.

Objects are read through one long-lived ``git cat-file --batch`` process per repository, so
walking thousands of commits costs one pipe round trip per object instead of one process per
question. Nothing is ever written to the repository or its work tree.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import IO, Final

from ..errors import GitError, UsageError

__all__ = ["GitRepo", "GitStats", "MissingObject", "ObjectTooLarge", "TreeEntry"]

_CHUNK: Final = 1 << 20
_POOL_FROM: Final = 64 * 1024  # blobs at least this large are hashed on the pool
_IN_FLIGHT: Final = 64 << 20  # bytes read but not yet hashed, at most


def _sha256_bytes(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


_POOLS: list[ThreadPoolExecutor] = []  # one pool for the process, made on first use
_POOL_LOCK = threading.Lock()


def _hash_pool() -> ThreadPoolExecutor | None:
    """One pool for the process (None on one core: nothing to gain)."""
    cores = os.cpu_count() or 1
    if cores < 2:
        return None
    with _POOL_LOCK:
        if not _POOLS:
            _POOLS.append(
                ThreadPoolExecutor(max_workers=min(8, cores), thread_name_prefix="sha256")
            )
        return _POOLS[0]


TreeEntry = tuple[bytes, int, str]
"""``(name, mode, oid)`` of one entry of a git tree object."""


class MissingObject(GitError):
    """The object store lacks an object (a shallow or size-filtered clone)."""

    def __init__(self, oid: str) -> None:
        super().__init__(f"git object {oid} is missing from the object store")
        self.oid = oid


class ObjectTooLarge(GitError):
    """An object larger than the caller will hold in memory (it was skipped, not read)."""

    def __init__(self, oid: str, size: int) -> None:
        super().__init__(f"git object {oid} is {size:,} bytes, too large to read")
        self.oid = oid
        self.size = size


@dataclass
class GitStats:
    """Counters that show the memoization at work (and let tests assert on it)."""

    objects_read: int = 0
    trees_parsed: int = 0
    blobs_hashed: int = 0
    bytes_hashed: int = 0


def _git_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["LC_ALL"] = "C"
    return env


class GitRepo:
    """A git repository on disk: revision lookup and object reading."""

    def __init__(self, path: str) -> None:
        if not os.path.isdir(path):
            raise UsageError(f"{path}: not a directory")
        self.path = path
        top, refusal = self._try("rev-parse", "--show-toplevel")
        self.bare = False
        if top is None or not top.strip():
            git_dir, refusal = self._try("rev-parse", "--absolute-git-dir")
            if git_dir is None:
                if "dubious ownership" in refusal:
                    # git refuses to read it; "not a repository" would send the user astray.
                    raise GitError(
                        f"{path}: git refuses to read this repository: dubious ownership (it "
                        "belongs to another user); if you trust it: git config --global --add "
                        f"safe.directory {os.path.abspath(path)}"
                    )
                raise UsageError(f"{path}: not a git repository")
            # A bare repository (a mirror) has no work tree; commits are hashed as if
            # checked out where a hosted runner checks out: /home/runner/work/<name>/<name>.
            self.bare = True
            name = (
                os.path.basename(
                    os.path.dirname(git_dir.strip())
                    if git_dir.strip().endswith("/.git")
                    else git_dir.strip()
                ).removesuffix(".git")
                or "repo"
            )
            top = f"/home/runner/work/{name}/{name}"
        self.toplevel = top.strip() if self.bare else os.path.realpath(top.strip())
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._trees: dict[str, list[TreeEntry]] = {}
        self._blob_digests: dict[str, bytes] = {}
        self.stats = GitStats()
        # Walk results of hashFiles by (pattern set, tree object, states): see hashfiles.
        self.walk_memo: dict[tuple[object, ...], list[tuple[str, int]]] = {}
        # Parsed directory listings by tree object, for every CommitTree of this repository.
        self.tree_listings: dict[str, list[tuple[str, int]]] = {}
        self.tree_children: dict[str, dict[str, tuple[int, str]]] = {}

    # --- plain commands ---------------------------------------------------------------------

    def _try(self, *args: str) -> tuple[str | None, str]:
        """``(stdout, "")`` of a git command, or ``(None, stderr)`` when it fails."""
        try:
            proc = subprocess.run(
                ["git", "-C", self.path, *args],
                capture_output=True,
                env=_git_env(),
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except FileNotFoundError:
            raise GitError("git is not installed (needed to read commits)") from None
        if proc.returncode != 0:
            return None, proc.stderr.decode("utf-8", "replace")
        return proc.stdout.decode("utf-8", "surrogateescape"), ""

    def _run(self, *args: str, check: bool = True) -> str | None:
        out, err = self._try(*args)
        if out is None and check:
            msg = err.strip().splitlines()
            raise GitError(f"git {args[0]}: {msg[-1] if msg else 'failed'}")
        return out

    def is_shallow(self) -> bool:
        """Whether the clone is shallow: its oldest commits have parents it does not hold."""
        return (self._run("rev-parse", "--is-shallow-repository", check=False) or "").strip() == (
            "true"
        )

    def git(self, *args: str) -> str:
        """Run a read-only git command; its stdout, or GitError (exit 3) with git's reason."""
        out = self._run(*args)
        assert out is not None
        return out

    def run_git(self, *args: str) -> str | None:
        """Run a read-only git command; its stdout, or None when git fails."""
        return self._run(*args, check=False)

    def resolve_commit(self, rev: str) -> str:
        """The full commit id ``rev`` names; a clear error if it names none."""
        if rev.startswith("-"):
            raise UsageError(f"invalid revision '{rev}'")
        out = self._run(
            "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}", check=False
        )
        if not out:
            raise UsageError(f"unknown revision '{rev}' in {self.toplevel}")
        return out.strip()

    def root_tree(self, commit: str) -> str:
        kind, data = self.read_object(commit)
        if kind != b"commit":
            raise GitError(f"{commit} is a {kind.decode()}, not a commit")
        first = data.split(b"\n", 1)[0]
        if not first.startswith(b"tree "):
            raise GitError(f"commit {commit} has no tree")
        return first[5:].decode()

    # --- cat-file --batch -------------------------------------------------------------------

    def _batch(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._proc.poll() is not None:
            self._proc = subprocess.Popen(
                ["git", "-C", self.path, "cat-file", "--batch"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=_git_env(),
            )
        return self._proc

    def _request(self, oid: str) -> tuple[bytes, int, IO[bytes]]:
        proc = self._batch()
        assert proc.stdin is not None and proc.stdout is not None
        self.stats.objects_read += 1
        proc.stdin.write(oid.encode() + b"\n")
        proc.stdin.flush()
        header = proc.stdout.readline()
        if not header:
            raise GitError(f"git cat-file stopped while reading {oid}")
        parts = header.split()
        if len(parts) == 2 and parts[1] == b"missing":
            raise MissingObject(oid)
        if len(parts) != 3:
            raise GitError(f"unexpected git cat-file answer for {oid}: {header!r}")
        return parts[1], int(parts[2]), proc.stdout

    def _short_read(self, oid: str, got: int, size: int) -> GitError:
        """A corrupt or truncated object: git said ``size`` bytes and gave ``got`` (then
        stopped). The stream is out of step: the next request starts a new process."""
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.kill()
            proc.wait()
            for pipe in (proc.stdin, proc.stdout):
                if pipe is not None:
                    with contextlib.suppress(OSError):
                        pipe.close()
        return GitError(
            f"git object {oid} is corrupt or truncated: git read {got} of its {size} bytes"
        )

    def read_object(self, oid: str, limit: int | None = None) -> tuple[bytes, bytes]:
        """``(type, content)`` of one object; GitError, never fewer bytes, when git stops.

        An object larger than ``limit`` is skipped in the stream (not buffered) and raises
        :class:`ObjectTooLarge`."""
        with self._lock:
            kind, size, out = self._request(oid)
            if limit is not None and size > limit:
                remaining = size + 1  # the content and its newline
                while remaining:
                    chunk = out.read(min(_CHUNK, remaining))
                    if not chunk:
                        raise self._short_read(oid, size + 1 - remaining, size)
                    remaining -= len(chunk)
                raise ObjectTooLarge(oid, size)
            data = out.read(size)
            if len(data) != size or out.read(1) != b"\n":  # the newline after the content
                raise self._short_read(oid, len(data), size)
        return kind, data

    def blob_sha256(self, oid: str) -> bytes:
        """SHA-256 of a blob's bytes, streamed, memoized by blob id (one hash per blob ever)."""
        cached = self._blob_digests.get(oid)
        if cached is not None:
            return cached
        with self._lock:
            kind, size, out = self._request(oid)
            h = hashlib.sha256()
            remaining = size
            while remaining:
                chunk = out.read(min(_CHUNK, remaining))
                if not chunk:
                    raise self._short_read(oid, size - remaining, size)
                h.update(chunk)
                remaining -= len(chunk)
            if out.read(1) != b"\n":
                raise self._short_read(oid, size, size)
        if kind != b"blob":
            raise GitError(f"{oid} is a {kind.decode()}, not a blob")
        digest = h.digest()
        self._blob_digests[oid] = digest
        self.stats.blobs_hashed += 1
        self.stats.bytes_hashed += size
        return digest

    def _blob_bytes(self, oid: str) -> tuple[bytes, bytes | None]:
        """A blob's bytes; for one larger than ``_IN_FLIGHT``, its digest, hashed while
        streaming it (memory stays flat)."""
        with self._lock:
            kind, size, out = self._request(oid)
            if kind != b"blob":
                skipped = out.read(size + 1)  # keep the pipe in step
                if len(skipped) != size + 1:
                    raise self._short_read(oid, max(0, len(skipped) - 1), size)
                raise GitError(f"{oid} is a {kind.decode()}, not a blob")
            self.stats.blobs_hashed += 1
            self.stats.bytes_hashed += size
            if size <= _IN_FLIGHT:
                data = out.read(size)
                if len(data) != size or out.read(1) != b"\n":
                    raise self._short_read(oid, len(data), size)
                return data, None
            h = hashlib.sha256()
            remaining = size
            while remaining:
                chunk = out.read(min(_CHUNK, remaining))
                if not chunk:
                    raise self._short_read(oid, size - remaining, size)
                h.update(chunk)
                remaining -= len(chunk)
            if out.read(1) != b"\n":
                raise self._short_read(oid, size, size)
        digest = h.digest()
        self._blob_digests[oid] = digest
        return b"", digest

    def blob_sha256_many(self, oids: list[str]) -> list[bytes | GitError]:
        """SHA-256 of many blobs, large ones hashed on every core.

        ``git cat-file`` streams blobs one after the other; a large blob is handed to a thread
        pool (hashlib releases the GIL) while the next one is read, so reading never waits
        for hashing and hashing runs on every core. At most ``_IN_FLIGHT`` bytes wait in
        memory. Small blobs are hashed inline (a thread costs more than their hash).
        """
        out: list[bytes | GitError | Future[bytes]] = []
        pending: deque[tuple[int, int, Future[bytes]]] = deque()  # (slot, size, future)
        waiting = 0
        pool = _hash_pool()
        for oid in oids:
            cached = self._blob_digests.get(oid)
            if cached is not None:
                out.append(cached)
                continue
            try:
                data, streamed = self._blob_bytes(oid)
            except GitError as exc:
                out.append(exc)
                continue
            if streamed is not None:
                out.append(streamed)  # too large to hold: hashed while streaming
                continue
            if len(data) < _POOL_FROM or pool is None:
                digest = hashlib.sha256(data).digest()
                self._blob_digests[oid] = digest
                out.append(digest)
                continue
            future = pool.submit(_sha256_bytes, data)
            pending.append((len(out), len(data), future))
            out.append(future)
            waiting += len(data)
            while waiting > _IN_FLIGHT and pending:
                _, size, first = pending.popleft()
                first.result()
                waiting -= size
        done: list[bytes | GitError] = []
        for oid, item in zip(oids, out, strict=True):
            if isinstance(item, Future):
                item = item.result()
                self._blob_digests[oid] = item
            done.append(item)
        return done

    def tree_entries(self, oid: str) -> list[TreeEntry]:
        """Parsed entries of a tree object, memoized by tree id."""
        cached = self._trees.get(oid)
        if cached is not None:
            return cached
        kind, data = self.read_object(oid)
        if kind != b"tree":
            raise GitError(f"{oid} is a {kind.decode()}, not a tree")
        entries: list[TreeEntry] = []
        i = 0
        n = len(data)
        try:
            while i < n:
                sp = data.index(b" ", i)
                nul = data.index(b"\0", sp)
                mode = int(data[i:sp], 8)
                name = data[sp + 1 : nul]
                if nul + 21 > n or not name:
                    raise ValueError("an entry is cut short")
                entries.append((name, mode, data[nul + 1 : nul + 21].hex()))
                i = nul + 21
        except ValueError:
            raise GitError(f"git tree {oid} is corrupt: an entry is cut short") from None
        self._trees[oid] = entries
        self.stats.trees_parsed += 1
        return entries

    def iter_first_parent(self, rev: str, max_count: int | None = None) -> Iterator[str]:
        args = ["rev-list", "--first-parent"]
        if max_count is not None:
            args.append(f"--max-count={max_count}")
        out = self._run(*args, self.resolve_commit(rev)) or ""
        yield from out.split()

    def close(self) -> None:
        if self._proc is not None:
            if self._proc.stdin:
                self._proc.stdin.close()
            self._proc.wait(timeout=10)
            if self._proc.stdout:
                self._proc.stdout.close()
            self._proc = None

    def __enter__(self) -> GitRepo:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
