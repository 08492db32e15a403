"""YAML string values with embedded ``${{ }}`` expressions, as GitHub reads them.

GitHub's template reader (``@actions/workflow-parser``, the runner's ``TemplateReader``) scans
for ``${{``, then for the first ``}}`` outside a single-quoted string — so
``${{ format('{{0}}') }}`` is one expression — and fails on an unclosed ``${{`` or an empty
one. A value that is exactly one ``${{ expr }}`` keeps the expression's type; otherwise the
pieces are joined by a generated ``format('…{0}…', expr, …)`` call, i.e. each expression's
ConvertToString. :class:`TemplateResult` keeps every piece, so a caller can show what each
part of a cache key is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .errors import ExpressionSyntaxError
from .evaluator import EvaluationContext, as_context, evaluate_node
from .jsnumber import js_trim
from .parser import parse_expression
from .values import Part, is_known, make_string, string_parts, to_string

__all__ = [
    "Expression",
    "Literal",
    "TemplateResult",
    "evaluate_template",
    "split_template",
]

OPEN = "${{"
CLOSE = "}}"
NOT_CLOSED = (
    "The expression is not closed. An unescaped ${{ sequence was found, but the closing }} "
    "sequence was not found."
)


@dataclass(frozen=True)
class Literal:
    """Literal text of a template."""

    text: str


@dataclass(frozen=True)
class Expression:
    """One ``${{ … }}`` of a template and its value."""

    source: str
    """The expression text, trimmed as GitHub trims it."""
    start: int
    """0-based offset of ``${{`` in the template."""
    end: int
    """0-based offset just past ``}}``."""
    value: object

    @property
    def text(self) -> str:
        """The value's string form (unknowns by name, secrets as ``***``)."""
        return to_string(self.value)


@dataclass(frozen=True)
class TemplateResult:
    template: str
    parts: tuple[Literal | Expression, ...]
    value: object
    """Typed when the template is a single expression, else a (possibly symbolic) string."""

    @property
    def text(self) -> str:
        return to_string(self.value)

    @property
    def is_known(self) -> bool:
        return is_known(self.value)


@dataclass(frozen=True)
class _Span:
    source: str
    start: int
    end: int


def split_template(template: str) -> list[str | _Span]:
    """Literal text and expression spans, in order. Raises :class:`ExpressionSyntaxError`
    for an unclosed ``${{`` or an empty expression."""
    pieces: list[str | _Span] = []
    start = template.find(OPEN)
    index = 0
    while index < len(template):
        if index == start:
            end = -1
            in_string = False
            scan = start + len(OPEN)
            while scan < len(template):
                char = template[scan]
                if char == "'":
                    in_string = not in_string  # '' inside a string toggles twice: harmless
                elif not in_string and char == "}" and template[scan - 1] == "}":
                    end = scan
                    break
                scan += 1
            if end < 0:
                raise ExpressionSyntaxError(NOT_CLOSED, start + 1, template)
            source = js_trim(template[start + len(OPEN) : end - 1])
            if not source:
                raise ExpressionSyntaxError("An expression was expected", start + 1, template)
            pieces.append(_Span(source, start, end + 1))
            index = end + 1
            start = template.find(OPEN, index)
        elif index < start:
            pieces.append(template[index:start])
            index = start
        else:
            pieces.append(template[index:])
            break
    return pieces


def evaluate_template(
    template: str, context: EvaluationContext | Mapping[str, object] | None = None
) -> TemplateResult:
    """Evaluate a YAML string value that may embed ``${{ }}`` expressions.

    Raises :class:`ExpressionSyntaxError` (positions are within the failing expression) or
    :class:`ExpressionEvaluationError`.
    """
    ctx = as_context(context)
    pieces = split_template(template)
    names = ctx.names
    # GitHub evaluates a mixed template as format('…', e1, e2, …): each expression sits one
    # level deeper than on its own, which matters only at the depth limit.
    depth = 0 if len(pieces) == 1 else 1
    parts: list[Literal | Expression] = []
    for piece in pieces:
        if isinstance(piece, str):
            parts.append(Literal(piece))
            continue
        node = parse_expression(piece.source, names, base_depth=depth)
        value = evaluate_node(node, piece.source, ctx)
        parts.append(Expression(piece.source, piece.start, piece.end, value))
    if len(parts) == 1 and isinstance(parts[0], Expression):
        return TemplateResult(template, tuple(parts), parts[0].value)
    text: list[Part] = []
    for part in parts:
        text.extend((part.text,) if isinstance(part, Literal) else string_parts(part.value))
    return TemplateResult(template, tuple(parts), make_string(text))
