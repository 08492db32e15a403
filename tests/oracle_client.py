"""Client for the Node.js hashFiles() conformance oracle (tests/oracle/hashfiles-oracle.js).

The oracle runs GitHub's own npm components (@actions/glob 0.4.0 as bundled by the
Actions runner, and @actions/glob 0.7.0 as bundled by setup-python v7) so tests can
compare cachekit's digests with the real thing.  One node process serves many
requests over a JSON-lines pipe::

    with HashFilesOracle() as oracle:
        result = oracle.hash("/abs/workspace", ["**/requirements*.txt"])
        assert result.error is None

Set it up once with ``npm ci --prefix tests/oracle``; tests should skip when
``oracle_available()`` is false.
"""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Literal, NoReturn

ORACLE_DIR = Path(__file__).resolve().parent / "oracle"
ORACLE_SCRIPT = ORACLE_DIR / "hashfiles-oracle.js"

Flavor = Literal["runner", "setup"]

DEFAULT_TIMEOUT = 60.0
"""Seconds to wait for one response before the node process is killed."""


class OracleError(RuntimeError):
    """The oracle process itself misbehaved (died, hung, or broke the protocol).

    Errors raised *by the hashed code* (e.g. a dangling symlink) are not
    exceptions; they come back as ``OracleResult.error``.
    """


@dataclass(frozen=True)
class OracleResult:
    """Outcome of one hashFiles() evaluation.

    ``digest`` is the hex digest, ``""`` when nothing matched, or ``None`` when the
    evaluation threw (then ``error`` holds the JavaScript error message).
    ``files`` lists the hashed files, absolute, in hashing order.
    """

    digest: str | None
    files: list[str]
    error: str | None


def oracle_available() -> bool:
    """True when node is on PATH and the oracle's npm dependencies are installed."""
    modules = ORACLE_DIR / "node_modules"
    return (
        shutil.which("node") is not None
        and ORACLE_SCRIPT.is_file()
        and (modules / "@actions" / "glob").is_dir()
        and (modules / "glob070").is_dir()
    )


class HashFilesOracle:
    """A long-lived ``node hashfiles-oracle.js`` process; use as a context manager.

    Requests are answered strictly in order.  Each call waits at most ``timeout``
    seconds; on timeout (or if node dies) the process is killed and
    :class:`OracleError` is raised; the next call starts a fresh process.
    """

    def __init__(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._timeout = timeout
        self._proc: subprocess.Popen[str] | None = None
        # stdout lines are read by a thread so a hung node cannot block us forever
        # (select() on a text-mode pipe is unreliable because of its read buffer).
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._stderr_tail: deque[str] = deque(maxlen=50)
        self._threads: list[threading.Thread] = []

    # -- lifecycle -----------------------------------------------------------------

    def start(self) -> None:
        if self._proc is not None:
            return
        node = shutil.which("node")
        if node is None:
            raise OracleError("node is not on PATH")
        self._proc = subprocess.Popen(
            [node, str(ORACLE_SCRIPT)],
            cwd=ORACLE_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,  # line-buffered stdin: each request is flushed on newline
        )
        assert self._proc.stdout is not None and self._proc.stderr is not None
        # A fresh queue per process, so a stale EOF marker or late line from a
        # killed predecessor can never be taken as this process's response.
        self._lines = queue.Queue()
        self._stderr_tail.clear()
        self._threads = [
            threading.Thread(
                target=self._pump_stdout, args=(self._proc.stdout, self._lines), daemon=True
            ),
            threading.Thread(target=self._pump_stderr, args=(self._proc.stderr,), daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin is not None:
                proc.stdin.close()  # EOF on stdin: the oracle exits by itself
            proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()
        for thread in self._threads:
            thread.join(timeout=5)
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()

    def __enter__(self) -> HashFilesOracle:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- requests ------------------------------------------------------------------

    def hash(
        self,
        cwd: str,
        patterns: list[str],
        follow: bool = False,
        flavor: Flavor = "runner",
        home: str | None = None,
    ) -> OracleResult:
        """Evaluate hashFiles(patterns) with ``cwd`` as the workspace.

        ``flavor="runner"`` mirrors the Actions runner's ``hashFiles()`` expression
        (pass only the patterns: the runner strips a leading ``--follow-symbolic-links``
        option in C# before node runs).  ``flavor="setup"`` calls @actions/glob
        0.7.0's ``hashFiles(patterns, cwd, {followSymbolicLinks: follow})``; note
        that setup-python itself omits the options, i.e. uses ``follow=True``.
        ``home``, if given, is used as $HOME for ``~`` expansion.
        """
        self.start()
        proc = self._proc
        assert proc is not None and proc.stdin is not None
        request = {
            "cwd": cwd,
            "patterns": list(patterns),
            "follow": follow,
            "flavor": flavor,
            "home": home,
        }
        try:
            proc.stdin.write(json.dumps(request) + "\n")
            proc.stdin.flush()
        except OSError as exc:  # BrokenPipeError: node already exited
            self._fail(f"cannot send request ({exc})")

        try:
            line = self._lines.get(timeout=self._timeout)
        except queue.Empty:
            self._fail(f"no response within {self._timeout:g}s")
        if line is None:
            self._fail("oracle exited without responding")

        try:
            payload = json.loads(line)
            return OracleResult(
                digest=payload["digest"],
                files=list(payload["files"]),
                error=payload["error"],
            )
        except (ValueError, KeyError, TypeError) as exc:
            self._fail(f"malformed response {line!r} ({exc})")

    def pattern(
        self, cwd: str, pattern: str, paths: list[str], implicit: bool = False
    ) -> dict[str, object]:
        """Match absolute ``paths`` against one @actions/glob 0.4.0 ``Pattern``.

        Returns ``{"match": [MatchKind ints], "partial": [bools], "searchPath": str,
        "negate": bool, "error": None}``, or ``{"error": message}`` if the pattern throws.
        With ``implicit``, the pattern's implicit-descendants twin (``P/**``) is used.
        """
        return self._request(
            {"op": "pattern", "cwd": cwd, "pattern": pattern, "paths": paths, "implicit": implicit}
        )

    def _request(self, request: dict[str, object]) -> dict[str, object]:
        self.start()
        proc = self._proc
        assert proc is not None and proc.stdin is not None
        try:
            proc.stdin.write(json.dumps(request) + "\n")
            proc.stdin.flush()
        except OSError as exc:
            self._fail(f"cannot send request ({exc})")
        try:
            line = self._lines.get(timeout=self._timeout)
        except queue.Empty:
            self._fail(f"no response within {self._timeout:g}s")
        if line is None:
            self._fail("oracle exited without responding")
        try:
            payload = json.loads(line)
        except ValueError as exc:
            self._fail(f"malformed response {line!r} ({exc})")
        if not isinstance(payload, dict):
            self._fail(f"malformed response {line!r}")
        return payload

    # -- internals -----------------------------------------------------------------

    def _fail(self, reason: str) -> NoReturn:
        proc = self._proc
        if proc is not None:
            proc.kill()
        self.close()
        stderr = "".join(self._stderr_tail).strip()
        detail = f"\n--- oracle stderr ---\n{stderr}" if stderr else ""
        raise OracleError(f"hashfiles oracle: {reason}{detail}")

    @staticmethod
    def _pump_stdout(stream: IO[str], lines: queue.Queue[str | None]) -> None:
        try:
            for line in stream:
                lines.put(line)
        except (OSError, ValueError):  # pipe closed underneath us
            pass
        finally:
            lines.put(None)  # EOF marker

    def _pump_stderr(self, stream: IO[str]) -> None:
        try:
            for line in stream:
                self._stderr_tail.append(line)
        except (OSError, ValueError):
            pass
