"""The expression grammar, as ``@actions/expressions``' recursive-descent ``Parser`` has it.

Precedence, loosest first: ``||``, ``&&``, ``== !=``, ``< <= > >=``, ``!``, then postfix
``.name``, ``.*``, ``[expr]``, ``[*]`` — which apply only to a context name, a function call
or a parenthesised group (``'abc'[0]`` is a syntax error). ``&&`` and ``||`` chains are n-ary
nodes; comparisons associate to the left. A function call accepts a trailing comma
(``format('a',)``), as the package does.

GitHub caps nesting at depth 50. The depth is counted exactly as the package counts it (one
level per sub-expression, ``!``, ``&&``/``||`` chain and postfix access), because the cap turns
deep but otherwise valid expressions into errors.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .errors import ExpressionSyntaxError
from .lexer import Token, TokenType, describe_token, tokenize

__all__ = [
    "CONTEXT_NAMES",
    "FUNCTIONS",
    "MAX_DEPTH",
    "Call",
    "Compare",
    "Constant",
    "ContextRef",
    "Group",
    "Index",
    "Logical",
    "Node",
    "Not",
    "parse_expression",
]

MAX_DEPTH = 50

CONTEXT_NAMES = frozenset(
    {
        "github",
        "runner",
        "env",
        "matrix",
        "inputs",
        "vars",
        "secrets",
        "steps",
        "needs",
        "job",
        "jobs",
        "strategy",
    }
)
"""Context names every expression may use (callers may add more by supplying them)."""

FUNCTIONS: dict[str, tuple[int, int]] = {
    "case": (3, 2**53 - 1),
    "contains": (2, 2),
    "endswith": (2, 2),
    "format": (1, 255),
    "fromjson": (1, 1),
    "join": (1, 2),
    "startswith": (2, 2),
    "tojson": (1, 1),
    # Supplied by the runner rather than the package:
    "hashfiles": (1, 255),
    "success": (0, 0),
    "always": (0, 0),
    "cancelled": (0, 0),
    "failure": (0, 0),
}
"""Lower-cased function name -> (minimum, maximum) argument count."""


@dataclass(frozen=True)
class Node:
    start: int
    """0-based offset of the node's first character in the expression."""
    end: int
    """0-based offset just past the node's last character."""


@dataclass(frozen=True)
class Constant(Node):
    value: bool | float | str | None


@dataclass(frozen=True)
class ContextRef(Node):
    name: str


@dataclass(frozen=True)
class Index(Node):
    target: Node
    key: Node | None
    """The index expression; ``None`` for ``*``. ``a.b`` is ``Index(a, Constant('b'))``."""


@dataclass(frozen=True)
class Call(Node):
    name: str
    """As written (function names are case-insensitive; compare ``name.lower()``)."""
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Not(Node):
    operand: Node


@dataclass(frozen=True)
class Compare(Node):
    op: str
    """One of ``== != < <= > >=``."""
    left: Node
    right: Node


@dataclass(frozen=True)
class Logical(Node):
    op: str
    """``&&`` or ``||``."""
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Group(Node):
    inner: Node


_EQUALITY = frozenset({TokenType.EQUAL_EQUAL, TokenType.BANG_EQUAL})
_COMPARISON = frozenset(
    {TokenType.GREATER, TokenType.GREATER_EQUAL, TokenType.LESS, TokenType.LESS_EQUAL}
)
_Rule = Callable[[], "Node"]
_LITERALS = frozenset(
    {TokenType.TRUE, TokenType.FALSE, TokenType.NULL, TokenType.NUMBER, TokenType.STRING}
)


class _Parser:
    def __init__(self, text: str, contexts: frozenset[str], depth: int) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.offset = 0
        self.depth = depth
        self.contexts = contexts

    # -- token helpers (the package's names, the package's semantics) ---------------

    def peek(self) -> Token:
        return self.tokens[self.offset]

    def previous(self) -> Token:
        return self.tokens[self.offset - 1]

    def at_end(self) -> bool:
        return self.peek().type is TokenType.EOF

    def check(self, kind: TokenType) -> bool:
        return not self.at_end() and self.peek().type is kind

    def match(self, *kinds: TokenType) -> bool:
        if any(self.check(kind) for kind in kinds):
            self.offset += 1
            return True
        return False

    def error(self, description: str, token: Token) -> ExpressionSyntaxError:
        return ExpressionSyntaxError(
            f"{description}: '{describe_token(token)}'", token.start + 1, self.text
        )

    def consume(self, kind: TokenType) -> None:
        if not self.match(kind):
            raise self.error("Unexpected symbol", self.peek())

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"Exceeded max expression depth {MAX_DEPTH}", self.peek())

    # -- grammar -------------------------------------------------------------------

    def parse(self) -> Node:
        if self.at_end():
            raise ExpressionSyntaxError("An expression was expected", 1, self.text)
        node = self.expression()
        if not self.at_end():
            raise self.error("Unexpected symbol", self.peek())
        return node

    def expression(self) -> Node:
        self.enter()
        node = self.logical(TokenType.OR, "||", self.logical_and)
        self.depth -= 1
        return node

    def logical_and(self) -> Node:
        return self.logical(TokenType.AND, "&&", self.equality)

    def logical(self, kind: TokenType, op: str, operand: _Rule) -> Node:
        first = operand()
        if not self.check(kind):
            return first
        self.enter()
        operands = [first]
        while self.match(kind):
            operands.append(operand())
        self.depth -= 1
        return Logical(first.start, operands[-1].end, op, tuple(operands))

    def equality(self) -> Node:
        return self.binary(_EQUALITY, self.comparison)

    def comparison(self) -> Node:
        return self.binary(_COMPARISON, self.unary)

    def binary(self, kinds: frozenset[TokenType], operand: _Rule) -> Node:
        node = operand()
        while self.match(*kinds):
            op = self.previous().lexeme
            right = operand()
            node = Compare(node.start, right.end, op, node, right)
        return node

    def unary(self) -> Node:
        if not self.match(TokenType.BANG):
            return self.postfix()
        bang = self.previous()
        self.enter()
        operand = self.unary()
        self.depth -= 1
        return Not(bang.start, operand.end, operand)

    def postfix(self) -> Node:
        node = self.call()
        if not isinstance(node, (Group, Call, ContextRef)):
            return node
        entered = 0
        while True:
            if self.match(TokenType.LEFT_BRACKET):
                key = None if self.match(TokenType.STAR) else self.expression()
                self.consume(TokenType.RIGHT_BRACKET)
                self.enter()
                entered += 1
                node = Index(node.start, self.previous().end, node, key)
            elif self.match(TokenType.DOT):
                self.enter()
                entered += 1
                if self.match(TokenType.IDENTIFIER):
                    name = self.previous()
                    constant = Constant(name.start, name.end, name.lexeme)
                    node = Index(node.start, name.end, node, constant)
                elif self.match(TokenType.STAR):
                    node = Index(node.start, self.previous().end, node, None)
                else:
                    raise self.error("Unexpected symbol", self.peek())
            else:
                break
        self.depth -= entered
        return node

    def call(self) -> Node:
        if not self.check(TokenType.IDENTIFIER):
            return self.primary()
        name = self.peek()
        self.offset += 1
        if not self.match(TokenType.LEFT_PAREN):
            if name.lexeme.lower() not in self.contexts:
                raise self.error("Unrecognized named-value", name)
            return ContextRef(name.start, name.end, name.lexeme)
        args: list[Node] = []
        while not self.match(TokenType.RIGHT_PAREN):
            args.append(self.expression())
            if not self.check(TokenType.RIGHT_PAREN):
                self.consume(TokenType.COMMA)
        self.validate_call(name, len(args))
        return Call(name.start, self.previous().end, name.lexeme, tuple(args))

    def validate_call(self, name: Token, count: int) -> None:
        key = name.lexeme.lower()
        if key not in FUNCTIONS:
            raise self.error("Unrecognized function", name)
        least, most = FUNCTIONS[key]
        if count < least:
            raise self.error("Too few parameters supplied", name)
        if count > most:
            raise self.error("Too many parameters supplied", name)
        if key == "case" and count % 2 == 0:
            raise self.error(
                "Even number of parameters supplied, requires an odd number of parameters", name
            )

    def primary(self) -> Node:
        token = self.peek()
        if token.type in _LITERALS:
            self.offset += 1
            value = token.value
            assert value is None or isinstance(value, (bool, float, str))
            return Constant(token.start, token.end, value)
        if self.match(TokenType.LEFT_PAREN):
            inner = self.expression()
            if self.at_end():
                raise self.error("Unexpected end of expression", self.previous())
            self.consume(TokenType.RIGHT_PAREN)
            return Group(token.start, self.previous().end, inner)
        if self.at_end():
            raise self.error("Unexpected end of expression", self.previous())
        raise self.error("Unexpected symbol", token)


def parse_expression(
    text: str, contexts: Iterable[str] = CONTEXT_NAMES, *, base_depth: int = 0
) -> Node:
    """Parse one expression (the text between ``${{`` and ``}}``).

    ``contexts`` are the names that may appear as named values (case-insensitive); any other
    bare name is ``Unrecognized named-value``, as on GitHub. ``base_depth`` starts the depth
    count higher, for expressions GitHub nests inside a generated ``format(…)`` call.
    Raises :class:`ExpressionSyntaxError`.
    """
    names = frozenset(name.lower() for name in contexts)
    return _parse_cached(text, names, base_depth)


@functools.lru_cache(maxsize=8192)
def _parse_cached(text: str, names: frozenset[str], base_depth: int) -> Node:
    # Nodes are frozen, so one parse serves every evaluation of the same text: a history
    # of thousands of commits evaluates the same few key templates over and over.
    # (Syntax errors are not cached: lru_cache does not keep exceptions.)
    return _Parser(text, names, base_depth).parse()
