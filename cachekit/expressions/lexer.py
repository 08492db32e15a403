"""Tokens of the expression language, split exactly where GitHub splits them.

The scanner is a port of ``@actions/expressions``' ``Lexer`` and inherits its quirks, which
matter because they decide what is a syntax error:

* a number is everything up to the next boundary character (``( [ ) ] , . ! > < = & |`` or
  white space) *including* dots, read with JS ``Number()``: ``0x1F``, ``1e3``, ``.5`` and
  ``+1`` are numbers, ``1-2`` and ``1.2.3`` are errors;
* ``-`` and ``+`` always start a number (there is no subtraction, and no unary minus on a
  property): ``-github.x`` is an error;
* a ``.`` after an identifier, ``]``, ``)`` or ``*`` dereferences, anywhere else it starts a
  number, so ``github.5`` is a dereference of a number (a parse error);
* ``true``, ``false``, ``null``, ``NaN`` and ``Infinity`` are keywords (case-sensitive) except
  right after a ``.``, where they are property names;
* only ASCII letters, digits, ``_`` and ``-`` make identifiers.

One deliberate difference: the package un-escapes only the *first* ``''`` of a string
(``String.replace`` with a string pattern); GitHub's runner, and this lexer, un-escape all.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

from .errors import ExpressionSyntaxError
from .jsnumber import JS_WHITESPACE, to_number

__all__ = ["MAX_EXPRESSION_LENGTH", "Token", "TokenType", "describe_token", "tokenize"]

MAX_EXPRESSION_LENGTH = 21000


class TokenType(enum.Enum):
    LEFT_PAREN = "("
    RIGHT_PAREN = ")"
    LEFT_BRACKET = "["
    RIGHT_BRACKET = "]"
    COMMA = ","
    DOT = "."
    BANG = "!"
    BANG_EQUAL = "!="
    EQUAL_EQUAL = "=="
    GREATER = ">"
    GREATER_EQUAL = ">="
    LESS = "<"
    LESS_EQUAL = "<="
    AND = "&&"
    OR = "||"
    STAR = "*"
    NUMBER = "number"
    STRING = "string"
    IDENTIFIER = "identifier"
    TRUE = "true"
    FALSE = "false"
    NULL = "null"
    EOF = "EOF"


@dataclass(frozen=True)
class Token:
    type: TokenType
    lexeme: str
    """The source text of the token (for a string: with its quotes and escapes)."""
    start: int
    """0-based offset of the first character in the expression."""
    end: int
    value: object = None
    """The literal's value: a float for numbers, the un-escaped text for strings."""


_BOUNDARY = frozenset("([)],.!><=&|" + JS_WHITESPACE)
_KEYWORDS: dict[str, tuple[TokenType, object]] = {
    "true": (TokenType.TRUE, True),
    "false": (TokenType.FALSE, False),
    "null": (TokenType.NULL, None),
    "NaN": (TokenType.NUMBER, float("nan")),
    "Infinity": (TokenType.NUMBER, float("inf")),
}
_DEREFERENCE_AFTER = frozenset(
    {TokenType.IDENTIFIER, TokenType.RIGHT_BRACKET, TokenType.RIGHT_PAREN, TokenType.STAR}
)
_SIMPLE = {
    "(": TokenType.LEFT_PAREN,
    ")": TokenType.RIGHT_PAREN,
    "[": TokenType.LEFT_BRACKET,
    "]": TokenType.RIGHT_BRACKET,
    ",": TokenType.COMMA,
    "*": TokenType.STAR,
}
# Operators: first character -> (token alone, second character, token for the pair).
# None alone means the character is illegal by itself (``=``, ``&``, ``|``).
_OPERATORS: dict[str, tuple[TokenType | None, str, TokenType]] = {
    "!": (TokenType.BANG, "=", TokenType.BANG_EQUAL),
    "<": (TokenType.LESS, "=", TokenType.LESS_EQUAL),
    ">": (TokenType.GREATER, "=", TokenType.GREATER_EQUAL),
    "=": (None, "=", TokenType.EQUAL_EQUAL),
    "&": (None, "&", TokenType.AND),
    "|": (None, "|", TokenType.OR),
}


def _is_identifier(text: str) -> bool:
    first = text[:1]
    if not (first.isascii() and (first.isalpha() or first == "_")):
        return False
    return all(c.isascii() and (c.isalnum() or c in "_-") for c in text[1:])


def describe_token(token: Token) -> str:
    """How GitHub quotes a token in an error: strings by value, the end as ``EOF``."""
    if token.type is TokenType.EOF:
        return "EOF"
    if token.type is TokenType.STRING:
        return str(token.value)
    return token.lexeme


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, ending with an ``EOF`` token.

    Raises :class:`ExpressionSyntaxError` for an illegal symbol, a malformed number or an
    unterminated string, and for text over GitHub's 21,000-character limit.
    """
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ExpressionSyntaxError(
            f"Exceeded max expression length {MAX_EXPRESSION_LENGTH}", 1, text[:100] + "…"
        )
    tokens: list[Token] = []
    size = len(text)
    offset = 0

    def error(start: int, end: int) -> ExpressionSyntaxError:
        return ExpressionSyntaxError(f"Unexpected symbol: '{text[start:end]}'", start + 1, text)

    def scan_to_boundary(pos: int, dots: bool) -> int:
        while pos < size and (text[pos] not in _BOUNDARY or (dots and text[pos] == ".")):
            pos += 1
        return pos

    def previous() -> TokenType:
        return tokens[-1].type if tokens else TokenType.EOF

    start = 0
    while offset < size:
        start = offset
        c = text[offset]
        offset += 1
        if c in " \r\t\n":
            continue
        if c in _SIMPLE:
            tokens.append(Token(_SIMPLE[c], c, start, offset))
        elif c in _OPERATORS:
            alone, second, pair = _OPERATORS[c]
            if offset < size and text[offset] == second:
                offset += 1
                tokens.append(Token(pair, text[start:offset], start, offset))
            elif alone is not None:
                tokens.append(Token(alone, c, start, offset))
            else:
                # Illegal; GitHub reads on to the next boundary and reports the whole run.
                raise error(start, scan_to_boundary(offset, dots=False))
        elif c == "'":
            pos = offset
            while pos < size and (text[pos] != "'" or text[pos + 1 : pos + 2] == "'"):
                pos += 2 if text[pos] == "'" else 1
            if pos >= size:
                raise error(start, size)
            offset = pos + 1
            unescaped = text[start + 1 : pos].replace("''", "'")
            tokens.append(Token(TokenType.STRING, text[start:offset], start, offset, unescaped))
        elif (
            c in "-+"
            or (c.isascii() and c.isdigit())
            or (c == "." and previous() not in _DEREFERENCE_AFTER)
        ):
            offset = scan_to_boundary(offset, dots=True)
            number = to_number(text[start:offset])
            if math.isnan(number):  # not a number literal
                raise error(start, offset)
            tokens.append(Token(TokenType.NUMBER, text[start:offset], start, offset, number))
        elif c == ".":
            tokens.append(Token(TokenType.DOT, c, start, offset))
        else:
            offset = scan_to_boundary(offset, dots=False)
            word = text[start:offset]
            kind: TokenType = TokenType.IDENTIFIER
            value: object = None
            if previous() is not TokenType.DOT and word in _KEYWORDS:
                kind, value = _KEYWORDS[word]
            if not _is_identifier(word):
                raise error(start, offset)
            tokens.append(Token(kind, word, start, offset, value))
    # Like the package, place the end where the last token (or blank) began: errors that
    # name 'EOF' point there.
    tokens.append(Token(TokenType.EOF, "", start, size))
    return tokens
