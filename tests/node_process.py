"""A long-lived node process spoken to over JSON lines: the machinery behind the test oracles.

One request per line on the script's stdin, exactly one JSON object per line on its stdout,
strictly in order. The robustness the oracle clients rely on lives here, once:

* a reader thread per pipe feeds a queue, so a hung node can never block the test run
  (``select()`` on a text-mode pipe is unreliable because of its read buffer);
* each request waits at most ``timeout`` seconds; on a timeout, a dead process or a broken
  protocol the process is killed and ``error`` is raised with the end of node's stderr;
* the next request starts a fresh process;
* :meth:`NodeJsonLines.close` closes stdin (the scripts exit on EOF), reaps the process and
  closes every pipe, so nothing leaks a ``ResourceWarning``.

Clients subclass :class:`NodeJsonLines` and add their typed requests on top of
:meth:`~NodeJsonLines.request`::

    with NodeJsonLines(script, cwd=script.parent, timeout=30, error=MyError) as node:
        answer = node.request({"op": "ping"})
"""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
from collections import deque
from pathlib import Path
from types import TracebackType
from typing import IO, Any, NoReturn, TypeVar

_Self = TypeVar("_Self", bound="NodeJsonLines")

STDERR_TAIL_LINES = 50
"""How many of node's last stderr lines an error message carries."""

CLOSE_TIMEOUT = 10.0
"""Seconds :meth:`NodeJsonLines.close` waits for node to exit on EOF before killing it."""


class NodeJsonLines:
    """``node script`` as a JSON-lines server; use as a context manager.

    ``error`` is the exception class raised (with a message) when the process misbehaves;
    ``name`` prefixes those messages (default: the script's stem). ``errors`` is the text
    codec's error handler for the pipes.
    """

    def __init__(
        self,
        script: Path,
        cwd: Path,
        timeout: float,
        error: type[Exception],
        *,
        name: str | None = None,
        errors: str = "strict",
    ) -> None:
        self._script = script
        self._cwd = cwd
        self._timeout = timeout
        self._error = error
        self._name = name if name is not None else script.stem
        self._errors = errors
        self._proc: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._stderr_tail: deque[str] = deque(maxlen=STDERR_TAIL_LINES)
        self._threads: list[threading.Thread] = []

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> None:
        """Start node unless it is running; requests call this themselves."""
        if self._proc is not None:
            return
        node = shutil.which("node")
        if node is None:
            raise self._error("node is not on PATH")
        proc = subprocess.Popen(
            [node, str(self._script)],
            cwd=self._cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors=self._errors,
            bufsize=1,  # line-buffered stdin: each request is flushed on its newline
        )
        assert proc.stdout is not None and proc.stderr is not None
        self._proc = proc
        # A fresh queue per process, so a stale EOF marker or a late line from a killed
        # predecessor can never be taken for this process's answer.
        self._lines = queue.Queue()
        self._stderr_tail.clear()
        self._threads = [
            threading.Thread(target=_pump, args=(proc.stdout, self._lines), daemon=True),
            threading.Thread(target=self._drain, args=(proc.stderr,), daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def close(self) -> None:
        """EOF on stdin (the script exits by itself), reap node, close the pipes."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait(timeout=CLOSE_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()
        for thread in self._threads:
            thread.join(timeout=5)
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()

    def __enter__(self: _Self) -> _Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- requests ------------------------------------------------------------------------

    def request(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Send one request and return node's answer (a JSON object)."""
        self.start()
        proc = self._proc
        assert proc is not None and proc.stdin is not None
        try:
            proc.stdin.write(json.dumps(payload) + "\n")
            proc.stdin.flush()
        except OSError as exc:  # BrokenPipeError: node already exited
            self.fail(f"cannot send request ({exc})")
        try:
            line = self._lines.get(timeout=self._timeout)
        except queue.Empty:
            self.fail(f"no response within {self._timeout:g}s to {_brief(payload)}")
        if line is None:
            self.fail(f"node exited without responding ({_status(proc)})")
        try:
            answer = json.loads(line)
        except ValueError as exc:
            self.fail(f"malformed response {line!r} ({exc})")
        if not isinstance(answer, dict):
            self.fail(f"malformed response {line!r}")
        return answer

    def fail(self, reason: str) -> NoReturn:
        """Kill node and raise ``error`` with ``reason`` and the end of node's stderr."""
        if self._proc is not None:
            self._proc.kill()
        self.close()  # joins the stderr reader, so the tail below is complete
        stderr = "".join(self._stderr_tail).strip()
        detail = f"\n--- {self._name} stderr ---\n{stderr}" if stderr else ""
        raise self._error(f"{self._name}: {reason}{detail}")

    # -- internals -----------------------------------------------------------------------

    def _drain(self, stream: IO[str]) -> None:
        try:
            for line in stream:
                self._stderr_tail.append(line)
        except (OSError, ValueError):  # pipe closed underneath us
            pass


def _pump(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    try:
        for line in stream:
            lines.put(line)
    except (OSError, ValueError):  # pipe closed underneath us
        pass
    finally:
        lines.put(None)  # EOF marker


def _status(proc: subprocess.Popen[str]) -> str:
    try:
        return f"exit status {proc.wait(timeout=1)}"
    except subprocess.TimeoutExpired:  # stdout closed, but node is still running
        return "stdout closed"


def _brief(payload: dict[str, Any], limit: int = 200) -> str:
    text = json.dumps(payload)
    return text if len(text) <= limit else text[: limit - 3] + "..."
