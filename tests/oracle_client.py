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

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from node_process import NodeJsonLines

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


class HashFilesOracle(NodeJsonLines):
    """A long-lived ``node hashfiles-oracle.js`` process; use as a context manager.

    Requests are answered strictly in order.  Each call waits at most ``timeout``
    seconds; on timeout (or if node dies) the process is killed and
    :class:`OracleError` is raised; the next call starts a fresh process.
    """

    def __init__(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        super().__init__(ORACLE_SCRIPT, ORACLE_DIR, timeout, OracleError, name="hashfiles oracle")

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
        payload = self.request(
            {
                "cwd": cwd,
                "patterns": list(patterns),
                "follow": follow,
                "flavor": flavor,
                "home": home,
            }
        )
        try:
            return OracleResult(
                digest=payload["digest"],
                files=list(payload["files"]),
                error=payload["error"],
            )
        except (KeyError, TypeError) as exc:
            self.fail(f"malformed response {payload!r} ({exc})")

    def pattern(
        self, cwd: str, pattern: str, paths: list[str], implicit: bool = False
    ) -> dict[str, object]:
        """Match absolute ``paths`` against one @actions/glob 0.4.0 ``Pattern``.

        Returns ``{"match": [MatchKind ints], "partial": [bools], "searchPath": str,
        "negate": bool, "error": None}``, or ``{"error": message}`` if the pattern throws.
        With ``implicit``, the pattern's implicit-descendants twin (``P/**``) is used.
        """
        return self.request(
            {"op": "pattern", "cwd": cwd, "pattern": pattern, "paths": paths, "implicit": implicit}
        )
