"""Client for tests/oracle/cache-oracle.js: GitHub's @actions/cache (and npm semver) run by node.

One node process answers many JSON-lines requests; see the script's header for the protocol.
Set it up with ``npm ci --prefix tests/oracle``. Tests use the ``cache_oracle`` fixture, which
skips (or, under ``CI``, fails) when node or the packages are missing.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

ORACLE_DIR = Path(__file__).resolve().parent / "oracle"
SCRIPT = ORACLE_DIR / "cache-oracle.js"
TIMEOUT = 60.0


def cache_oracle_available() -> bool:
    return (
        shutil.which("node") is not None
        and SCRIPT.is_file()
        and (ORACLE_DIR / "node_modules" / "@actions" / "cache" / "lib").is_dir()
    )


class CacheOracleError(RuntimeError):
    """The node process died, hung, or answered with an exception."""


class CacheOracle:
    """A running ``node cache-oracle.js``; requests are answered strictly in order."""

    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None:
            raise CacheOracleError("node is not on PATH")
        self._proc = subprocess.Popen(
            [node, str(SCRIPT)],
            cwd=ORACLE_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        assert self._proc.stdout is not None
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, args=(self._proc.stdout,), daemon=True).start()

    def _pump(self, stream: IO[str]) -> None:
        try:
            for line in stream:
                self._lines.put(line)
        finally:
            self._lines.put(None)

    def request(self, req: dict[str, Any]) -> dict[str, Any]:
        assert self._proc.stdin is not None
        self._proc.stdin.write(json.dumps(req) + "\n")
        self._proc.stdin.flush()
        try:
            line = self._lines.get(timeout=TIMEOUT)
        except queue.Empty:
            self.close()
            raise CacheOracleError(f"no answer within {TIMEOUT}s to {req!r}") from None
        if line is None:
            err = self._proc.stderr.read() if self._proc.stderr else ""
            raise CacheOracleError(f"cache oracle exited: {err}")
        out: dict[str, Any] = json.loads(line)
        if out.get("exception"):
            raise CacheOracleError(f"{req!r}: {out['error']}")
        return out

    def version(
        self, paths: list[str], compression: str | None, platform: str, cross_os: bool
    ) -> str:
        out = self.request(
            {
                "op": "version",
                "paths": paths,
                "compression": compression,
                "platform": platform,
                "enableCrossOsArchive": cross_os,
            }
        )
        return str(out["version"])

    def multiline(self, value: str) -> list[str]:
        return list(self.request({"op": "multiline", "value": value})["lines"])

    def key_error(self, key: str, restore_keys: list[str]) -> str | None:
        out = self.request({"op": "keys", "key": key, "restoreKeys": restore_keys})
        return out["error"]

    def satisfies(self, version: str, range_: str) -> bool:
        return bool(
            self.request({"op": "satisfies", "version": version, "range": range_})["result"]
        )

    def close(self) -> None:
        if self._proc.stdin:
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        for pipe in (self._proc.stdout, self._proc.stderr):
            if pipe:
                pipe.close()


@pytest.fixture(scope="session")
def cache_oracle() -> Iterator[CacheOracle]:
    """@actions/cache 6.3.0 run by node; skipped locally, required in CI."""
    if not cache_oracle_available():
        message = "cache oracle not installed: run `npm ci --prefix tests/oracle`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    oracle = CacheOracle()
    try:
        yield oracle
    finally:
        oracle.close()
