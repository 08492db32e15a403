"""Evaluate a GitHub Actions expression or ``${{ }}`` template offline: ``cachekit eval``.

This is the library side of the command: it decides bare expression versus template, runs
:mod:`cachekit.expressions`, and returns everything a caller needs to show the result —
the value as JSON, its string form as GitHub would substitute it, and what (if anything)
could not be known offline and why.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .encoding import json_spec
from .expressions import (
    EvaluationContext,
    Expression,
    Literal,
    Unknown,
    evaluate,
    evaluate_template,
    is_known,
    kind_of,
    to_string,
    unknown_leaves,
)
from .expressions.jsnumber import int_to_float, js_trim
from .expressions.values import ObjectView, Secret, Symbolic

__all__ = ["EvalResult", "evaluate_expression", "jsonable"]

TEMPLATE_MARK = "${{"


@dataclass(frozen=True)
class EvalResult:
    """The outcome of :func:`evaluate_expression`."""

    value: object
    """The value as JSON-able data: unknowns as their rendered name, secrets as ``***``,
    numbers as ``int`` when integral (NaN and ±Infinity stay floats)."""
    text: str
    """The value's string form (ConvertToString), as GitHub substitutes it into a string."""
    is_known: bool
    """False when any part of the value can only be known on the runner."""
    unknowns: list[Unknown] = field(
        metadata=json_spec(
            skip=True  # in JSON after ``kind`` (see ``kind``), as name, reason and origin
        )
    )
    """The leaf unknowns the value depends on (step outputs, secrets, …), in order."""
    kind: str = field(metadata=json_spec(derive=lambda r: {"kind": r.kind, **_unknowns(r)}))
    """``null``, ``boolean``, ``number``, ``string``, ``array``, ``object`` or ``unknown``."""
    parts: tuple[Literal | Expression, ...] = field(
        default=(), metadata=json_spec(value=lambda parts: [_part_json(p) for p in parts])
    )
    """The template's pieces (one :class:`Expression` for a bare expression); in JSON each
    expression's value passes through :func:`jsonable`, so nothing secret is in it."""


def _unknowns(result: EvalResult) -> dict[str, object]:
    return {
        "unknowns": [
            {"name": u.name, "reason": u.reason, "origin": u.origin} for u in result.unknowns
        ]
    }


def _part_json(part: Literal | Expression) -> dict[str, object]:
    if isinstance(part, Literal):
        return {"literal": part.text}
    return {
        "expression": part.source,
        "start": part.start,
        "end": part.end,
        "value": jsonable(part.value),
        "text": part.text,
        "kind": kind_of(part.value),
    }


def jsonable(value: object, view: ObjectView | None = None) -> object:
    """An expression value as plain JSON data, nothing secret in it."""
    view = view or ObjectView()
    if isinstance(value, (Unknown, Secret, Symbolic)):
        return value.render()
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        value = int_to_float(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) <= 2**53:
            return int(value)
        return value
    if isinstance(value, Mapping):
        return {key: jsonable(item, view) for key, item in view.entries(value)}
    if isinstance(value, (list, tuple)):
        return [jsonable(item, view) for item in value]
    raise TypeError(f"not an expression value: {value!r}")


def evaluate_expression(
    text: str,
    *,
    context: Mapping[str, object] | None = None,
    hash_files: Callable[[list[str]], str] | None = None,
    job_status: str = "success",
) -> EvalResult:
    """Evaluate ``text``: a template when it contains ``${{``, else one bare expression.

    ``context`` maps context names (``github``, ``matrix``, …) to values, which may hold
    :class:`~cachekit.expressions.Unknown` and :class:`~cachekit.expressions.Secret` leaves;
    contexts not supplied are unknown. ``hash_files`` computes ``hashFiles(...)`` from its
    arguments (without it the call is unknown). Raises
    :class:`~cachekit.expressions.ExpressionError` (a :class:`~cachekit.errors.CachekitError`)
    when GitHub would reject the expression or fail evaluating it; errors raised by
    ``hash_files`` (e.g. :class:`~cachekit.errors.HashFilesError`) pass through unchanged.
    """
    ctx = EvaluationContext(contexts=context or {}, hash_files=hash_files, job_status=job_status)
    if TEMPLATE_MARK in text:
        result = evaluate_template(text, ctx)
        value, parts = result.value, result.parts
    else:
        value = evaluate(text, ctx)
        parts = (Expression(js_trim(text), 0, len(text), value),)
    return EvalResult(
        value=jsonable(value),
        text=to_string(value),
        is_known=is_known(value),
        unknowns=unknown_leaves(value),
        kind=kind_of(value),
        parts=parts,
    )
