"""Evaluation of a parsed expression against caller-supplied contexts.

Operands are evaluated in the package's order (an index before the value it indexes, all
function arguments before the call, ``&&``/``||`` left to right stopping at the first
deciding operand, which is the result — not a boolean). Evaluation errors inside an index
are reported as ``could not evaluate index for index access: …``, as the package does.

Unknown values flow through everything (see :mod:`.values`): a sub-expression whose result
depends on an unknown evaluates to an :class:`Unknown` named after its own source text, so
``format('{0}-x', hashFiles('y'))`` without a workspace is a symbolic string: an unknown
named ``hashFiles('y')`` followed by ``-x``. A context the caller did not supply is unknown
as a whole.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..errors import CachekitError
from .coerce import compare, number_of, truthiness
from .errors import ExpressionEvaluationError
from .functions import Environment, HashFilesCallback, Site, call_function, decide_equal
from .parser import (
    CONTEXT_NAMES,
    Call,
    Compare,
    Constant,
    ContextRef,
    Group,
    Index,
    Logical,
    Node,
    Not,
    parse_expression,
)
from .values import (
    ARRAY,
    MISSING,
    OBJECT,
    UNKNOWN,
    FilteredArray,
    ObjectView,
    Unknown,
    concrete,
    is_opaque,
    kind_of,
    to_string,
)

__all__ = ["EvaluationContext", "evaluate", "evaluate_node"]

JobStatus = str
"""``success``, ``failure`` or ``cancelled``: what the status functions test."""


@dataclass(frozen=True)
class EvaluationContext:
    """Everything an expression can see.

    ``contexts`` maps context names (``github``, ``matrix``, …; case-insensitive) to plain
    values, which may contain :class:`Unknown` and :class:`Secret` leaves or be unknown
    wholesale. ``hash_files`` computes ``hashFiles(...)`` from its stringified arguments;
    without it ``hashFiles`` is unknown. ``job_status`` drives ``success()``/``failure()``/
    ``cancelled()`` (``always()`` is always true).
    """

    contexts: Mapping[str, object] = field(default_factory=dict)
    hash_files: HashFilesCallback | None = None
    job_status: JobStatus | Unknown = "success"

    @property
    def names(self) -> frozenset[str]:
        """Context names an expression may use: GitHub's plus any supplied."""
        return CONTEXT_NAMES | {str(name).lower() for name in self.contexts}


def as_context(context: EvaluationContext | Mapping[str, object] | None) -> EvaluationContext:
    if context is None:
        return EvaluationContext()
    if isinstance(context, EvaluationContext):
        return context
    return EvaluationContext(contexts=context)


class _Evaluator:
    def __init__(self, text: str, context: EvaluationContext) -> None:
        self.text = text
        self.context = context
        self.view = ObjectView()
        self.env = Environment(self.view, context.hash_files, context.job_status)

    def site(self, node: Node) -> Site:
        return Site(self.text[node.start : node.end], node.start + 1, self.text)

    def eval(self, node: Node) -> object:
        if isinstance(node, Constant):
            return node.value
        if isinstance(node, ContextRef):
            found = self.view.get(self.context.contexts, node.name)
            if found is MISSING:
                return Unknown(node.name, "context not supplied")
            return found
        if isinstance(node, Group):
            return self.eval(node.inner)
        if isinstance(node, Not):
            value = self.eval(node.operand)
            truth = truthiness(value)
            return self.site(node).unknown(value) if truth is None else not truth
        if isinstance(node, Compare):
            return self.compare_chain(node)
        if isinstance(node, Logical):
            return self.logical(node)
        if isinstance(node, Index):
            return self.index(node)
        if isinstance(node, Call):
            args = [self.eval(arg) for arg in node.args]
            return call_function(self.site(node), self.env, node.name.lower(), args)
        raise AssertionError(f"unexpected node {node!r}")

    def compare_chain(self, node: Compare) -> object:
        # Comparison chains nest to the left; walk them iteratively so long chains
        # (a == b == c == …) cannot exhaust Python's stack.
        chain: list[Compare] = []
        left: Node = node
        while isinstance(left, Compare):
            chain.append(left)
            left = left.left
        value = self.eval(left)
        for link in reversed(chain):
            right = self.eval(link.right)
            value = self.apply_compare(link, value, right)
        return value

    def apply_compare(self, node: Compare, left: object, right: object) -> object:
        if not is_opaque(left) and not is_opaque(right):
            return compare(node.op, left, right)
        if node.op in ("==", "!="):
            equal = decide_equal(left, right)
            if equal is not None:
                return equal == (node.op == "==")
        elif {kind_of(left), kind_of(right)} & {ARRAY, OBJECT} and UNKNOWN not in {
            kind_of(left),
            kind_of(right),
        }:
            return False  # a string is never ordered against a container
        return self.site(node).unknown(left, right)

    def logical(self, node: Logical) -> object:
        value: object = None
        last = len(node.operands) - 1
        for position, operand in enumerate(node.operands):
            value = self.eval(operand)
            truth = truthiness(value)
            if truth is None and position < last:
                # The result is this operand or a later one: unknown. Later operands are
                # looked at only to name what the result depends on.
                seen = [value]
                for rest in node.operands[position + 1 :]:
                    with contextlib.suppress(CachekitError):
                        seen.append(self.eval(rest))
                return self.site(node).unknown(*seen)
            if truth is (node.op == "||"):
                return value
        return value

    def index(self, node: Index) -> object:
        key: object = None
        if node.key is not None:
            try:
                key = self.eval(node.key)
            except ExpressionEvaluationError as exc:
                raise ExpressionEvaluationError(
                    f"could not evaluate index for index access: {exc.message}",
                    exc.position,
                    exc.expression,
                ) from exc
        target = self.eval(node.target)
        star = node.key is None
        kind = kind_of(target)
        if kind == UNKNOWN:
            assert isinstance(target, Unknown)
            # Reading into an unknown gives a more specific unknown of the same nature.
            return Unknown(self.site(node).text, target.reason, target.origin, target.sources)
        if kind not in (ARRAY, OBJECT):
            return FilteredArray() if star else None
        if not star and is_opaque(key):
            assert isinstance(target, (Mapping, list, tuple))
            empty = not (self.view.entries(target) if isinstance(target, Mapping) else target)
            return None if empty else self.site(node).unknown(key)
        text, number = _key_forms(key)
        if isinstance(target, FilteredArray):
            return self.filtered(node, target, star, text, number)
        if kind == ARRAY:
            assert isinstance(target, (list, tuple))
            if star:
                return FilteredArray(target)
            return target[number] if number is not None and number < len(target) else None
        assert isinstance(target, Mapping)
        if star:
            return FilteredArray(value for _, value in self.view.entries(target))
        found = MISSING if text is None else self.view.get(target, text)
        return None if found is MISSING else found

    def filtered(
        self, node: Index, items: FilteredArray, star: bool, text: str | None, number: int | None
    ) -> object:
        out = FilteredArray()
        for item in items:
            kind = kind_of(item)
            if kind == UNKNOWN:
                return self.site(node).unknown(item)
            if kind == OBJECT:
                assert isinstance(item, Mapping)
                if star:
                    out.extend(value for _, value in self.view.entries(item))
                elif text is not None:
                    found = self.view.get(item, text)
                    if found is not MISSING:
                        out.append(found)
            elif kind == ARRAY:
                assert isinstance(item, (list, tuple))
                if star:
                    out.extend(item)
                elif number is not None and number < len(item):
                    out.append(item[number])
        return out


def _key_forms(key: object) -> tuple[str | None, int | None]:
    """An index value as a property name (primitives only) and as an array position
    (non-negative finite numbers, floored), as the package's ``idxHelper`` reads it."""
    key = concrete(key)
    text = to_string(key) if kind_of(key) not in (ARRAY, OBJECT) else None
    number = number_of(key)
    position = math.floor(number) if math.isfinite(number) and number >= 0 else None
    return text, position


def evaluate_node(node: Node, text: str, context: EvaluationContext) -> object:
    """Evaluate an already parsed ``node`` whose source is ``text``."""
    return _Evaluator(text, context).eval(node)


def evaluate(
    expression: str, context: EvaluationContext | Mapping[str, object] | None = None
) -> object:
    """Parse and evaluate one expression (no ``${{ }}``); see :class:`EvaluationContext`.

    Raises :class:`ExpressionSyntaxError` or :class:`ExpressionEvaluationError`.
    """
    ctx = as_context(context)
    return evaluate_node(parse_expression(expression, ctx.names), expression, ctx)
