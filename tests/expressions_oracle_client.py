"""Client for the expression conformance oracle (tests/oracle/expressions-oracle.js).

The oracle evaluates expressions with GitHub's own ``@actions/expressions`` package, so tests
can compare cachekit's engine with it. One node process serves many requests over a
JSON-lines pipe::

    with ExpressionsOracle() as oracle:
        answer = oracle.evaluate("contains(github.ref, 'main')", {"github": {"ref": "x"}})
        assert answer.error is None and answer.value is False

Values travel with NaN/±Infinity/-0 and objects (as ordered pairs) tagged, so nothing is
lost on the way: see :func:`encode` and :func:`decode`. Set the oracle up once with
``npm ci --prefix tests/oracle``; tests skip when :func:`expressions_oracle_available` is
false (and fail in CI).
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from node_process import NodeJsonLines

ORACLE_DIR = Path(__file__).resolve().parent / "oracle"
ORACLE_SCRIPT = ORACLE_DIR / "expressions-oracle.js"

DEFAULT_TIMEOUT = 30.0
"""Seconds to wait for one response before the node process is killed."""


class ExpressionsOracleError(RuntimeError):
    """The oracle process misbehaved (died, hung, broke the protocol). An expression that
    fails to parse or evaluate is not an exception: it comes back as ``Answer.error``."""


@dataclass(frozen=True)
class Answer:
    """The package's verdict on one expression.

    On success ``value`` is the decoded result (``None``, ``bool``, ``float``, ``str``,
    ``list``, or ``dict`` in the package's key order), ``kind`` its kind and ``string`` its
    ``coerceString()``. On failure ``error`` is the message and ``stage`` says where it
    failed: ``lex``, ``parse`` or ``eval``; ``position`` is the parser's 0-based
    ``(line, column)`` when it reports one.
    """

    value: object
    kind: str | None
    string: str | None
    error: str | None
    stage: str | None = None
    position: tuple[int, int] | None = None


def expressions_oracle_available() -> bool:
    return (
        shutil.which("node") is not None
        and ORACLE_SCRIPT.is_file()
        and (ORACLE_DIR / "node_modules" / "@actions" / "expressions").is_dir()
    )


_SPECIAL = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf, "-0": -0.0}


def encode(value: object) -> object:
    """A Python value in the oracle's transport form."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)):
        number = float(value)
        if math.isnan(number):
            return {"$num": "NaN"}
        if math.isinf(number):
            return {"$num": "Infinity" if number > 0 else "-Infinity"}
        if number == 0 and math.copysign(1, number) < 0:
            return {"$num": "-0"}
        return value
    if isinstance(value, Mapping):
        return {"$obj": [[str(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    raise TypeError(f"cannot send {type(value).__name__} to the oracle")


def decode(value: object) -> object:
    """The inverse of :func:`encode` (numbers come back as floats)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, list):
        return [decode(item) for item in value]
    if isinstance(value, dict) and "$num" in value:
        return _SPECIAL[value["$num"]]
    if isinstance(value, dict) and "$obj" in value:
        return {key: decode(item) for key, item in value["$obj"]}
    raise ValueError(f"malformed value from the oracle: {value!r}")


class ExpressionsOracle(NodeJsonLines):
    """A long-lived ``node expressions-oracle.js``; use as a context manager.

    Requests are answered strictly in order. Each waits at most ``timeout`` seconds; on a
    timeout, or if node dies, the process is killed and :class:`ExpressionsOracleError`
    raised; the next call starts a fresh process.
    """

    def __init__(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        super().__init__(
            ORACLE_SCRIPT,
            ORACLE_DIR,
            timeout,
            ExpressionsOracleError,
            name="expressions oracle",
            errors="surrogatepass",
        )

    def evaluate(
        self,
        expr: str,
        context: Mapping[str, object] | None = None,
        status: str = "success",
    ) -> Answer:
        """Evaluate ``expr`` with the package against ``context`` (context name -> value)."""
        payload = self.request(
            {"expr": expr, "context": encode(dict(context or {})), "status": status}
        )
        try:
            if payload.get("error") is not None:
                if payload.get("stage") == "oracle":
                    self.fail(f"oracle failed on {expr!r}: {payload['error']}")
                pos = payload.get("pos")
                return Answer(
                    value=None,
                    kind=None,
                    string=None,
                    error=str(payload["error"]),
                    stage=str(payload.get("stage")),
                    position=(int(pos["line"]), int(pos["column"])) if pos else None,
                )
            return Answer(
                value=decode(payload["value"]),
                kind=str(payload["kind"]),
                string=str(payload["string"]),
                error=None,
            )
        except (KeyError, TypeError, ValueError) as exc:
            self.fail(f"malformed response {payload!r} ({exc})")
