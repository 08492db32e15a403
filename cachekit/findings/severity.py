"""How serious a finding is: one vocabulary for ``explain``, ``check`` and every output.

The names are SARIF's levels (``error``, ``warning``, ``note``), which GitHub code scanning,
``--fail-on`` and the text output all show; ``explain`` used to say ``info`` where ``check``
said ``note`` and each renderer mapped one onto the other. A ``str`` enum, so a severity
compares equal to its name and serialises as it (JSON, SARIF) with no mapping table.
"""

from __future__ import annotations

from enum import Enum
from typing import Final, Literal

__all__ = ["SEVERITIES", "FailOn", "Severity", "severity_at_least"]


class Severity(str, Enum):
    """A finding's severity, most severe first (the order ``--fail-on`` compares in)."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    __str__ = str.__str__  # "error", not "Severity.ERROR", in f-strings on every Python

    @property
    def rank(self) -> int:
        """0 for the most severe; a smaller rank is more severe."""
        return _RANK[self]

    def at_least(self, threshold: FailOn) -> bool:
        """Whether this is as severe as ``threshold`` or more (``none`` matches nothing)."""
        if threshold == "none":
            return False
        return self.rank <= Severity(threshold).rank


#: What ``--fail-on`` accepts: a severity, or ``none`` to never fail.
FailOn = Literal["error", "warning", "note", "none"]

SEVERITIES: Final = (Severity.ERROR, Severity.WARNING, Severity.NOTE)
_RANK: Final = {s: i for i, s in enumerate(SEVERITIES)}


def severity_at_least(severity: str, threshold: str) -> bool:
    """Whether ``severity`` is as severe as ``threshold`` or more (``none`` matches nothing)."""
    if threshold == "none":
        return False
    return Severity(severity).rank <= Severity(threshold).rank
