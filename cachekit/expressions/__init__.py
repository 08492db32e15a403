"""GitHub Actions ``${{ }}`` expressions, evaluated as GitHub evaluates them — offline.

The semantics are those of GitHub's ``@actions/expressions`` package (checked against it by
the test suite): the grammar and its error messages, loose equality and coercions,
case-insensitive property access, ``*`` filters, and the functions ``contains``,
``startsWith``, ``endsWith``, ``format``, ``join``, ``toJSON``, ``fromJSON``, ``case``, plus
the runner's ``hashFiles`` and status functions. On top, values may be :class:`Unknown`,
:class:`Secret` or :class:`Symbolic` (see :mod:`.values`), so a cache key can be explained
part by part even when some parts can only be known on the runner.

    from cachekit.expressions import Unknown, evaluate_template

    week = Unknown("steps.date.outputs.week", "step output")
    ctx = {"runner": {"os": "Linux"}, "steps": {"date": {"outputs": {"week": week}}}}
    result = evaluate_template("${{ runner.os }}-${{ steps.date.outputs.week }}", ctx)
    result.text   # Linux-, then the unknown's name in single angle quotes
    result.parts  # (Expression('runner.os', …, 'Linux'), Literal('-'), Expression(…))

Unknowns render as their name in single angle quotation marks (U+2039, U+203A), secrets as
``***``.
"""

from __future__ import annotations

from .errors import ExpressionError, ExpressionEvaluationError, ExpressionSyntaxError
from .evaluator import EvaluationContext, evaluate
from .functions import HashFilesCallback
from .jsjson import from_json, to_json
from .jsnumber import number_to_string
from .parser import CONTEXT_NAMES, FUNCTIONS, Node, parse_expression
from .template import Expression, Literal, TemplateResult, evaluate_template, split_template
from .values import (
    FilteredArray,
    Secret,
    Symbolic,
    Unknown,
    is_known,
    kind_of,
    to_string,
    unknown_leaves,
)

__all__ = [
    "CONTEXT_NAMES",
    "FUNCTIONS",
    "EvaluationContext",
    "Expression",
    "ExpressionError",
    "ExpressionEvaluationError",
    "ExpressionSyntaxError",
    "FilteredArray",
    "HashFilesCallback",
    "Literal",
    "Node",
    "Secret",
    "Symbolic",
    "TemplateResult",
    "Unknown",
    "evaluate",
    "evaluate_template",
    "from_json",
    "is_known",
    "kind_of",
    "number_to_string",
    "parse_expression",
    "split_template",
    "to_json",
    "to_string",
    "unknown_leaves",
]
