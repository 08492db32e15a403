"""Client for tests/oracle/cache-oracle.js: GitHub's @actions/cache (and npm semver) run by node.

One node process answers many JSON-lines requests; see the script's header for the protocol.
Set it up with ``npm ci --prefix tests/oracle``. Tests use the ``cache_oracle`` fixture, which
skips (or, under ``CI``, fails) when node or the packages are missing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from node_process import NodeJsonLines

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


class CacheOracle(NodeJsonLines):
    """A running ``node cache-oracle.js``; requests are answered strictly in order.

    Node starts at construction; on a timeout, or if node dies, it is killed and
    :class:`CacheOracleError` raised, and the next request starts a fresh process.
    """

    def __init__(self, timeout: float = TIMEOUT) -> None:
        super().__init__(SCRIPT, ORACLE_DIR, timeout, CacheOracleError, name="cache oracle")
        self.start()

    def request(self, req: dict[str, Any]) -> dict[str, Any]:
        out = super().request(req)
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
