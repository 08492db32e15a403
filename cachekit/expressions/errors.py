"""The errors an expression can raise, phrased the way GitHub phrases them.

GitHub reports a bad expression as ``Unexpected symbol: '…'. Located at position N within
expression: …``; the position is 1-based and counts characters of the expression alone, so a
caller that knows where the expression sits (a template, a YAML line) can translate it. The
package's parser gives only the first half (``Unexpected symbol: '…'``) — :attr:`message` —
and the runner appends the location; :class:`ExpressionError` keeps both.
"""

from __future__ import annotations

from ..errors import CachekitError

__all__ = ["ExpressionError", "ExpressionEvaluationError", "ExpressionSyntaxError"]


class ExpressionError(CachekitError):
    """An expression GitHub would reject, or whose evaluation GitHub would fail."""

    def __init__(
        self, message: str, position: int | None = None, expression: str | None = None
    ) -> None:
        self.message = message
        """The description alone, e.g. ``Unexpected symbol: ')'``."""
        self.position = position
        """1-based character position within :attr:`expression`, when one applies."""
        self.expression = expression
        super().__init__(self._render())

    def _render(self) -> str:
        if self.position is None or self.expression is None:
            return self.message
        return (
            f"{self.message}. Located at position {self.position} "
            f"within expression: {self.expression}"
        )


class ExpressionSyntaxError(ExpressionError):
    """The text is not an expression (lexing or parsing failed); nothing was evaluated."""


class ExpressionEvaluationError(ExpressionError):
    """The expression parsed but evaluating it fails on GitHub too (bad JSON, bad format)."""
