"""What ``check`` reports: findings with a stable code, a severity, a place and a fix.

Kept apart from the engine so renderers (text, JSON, SARIF, GitHub annotations) and other
commands (``suggest`` promises that ``check`` is silent on what it produces) depend on the
values only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..findings import SEVERITIES, Code, Severity, severity_at_least

__all__ = ["SEVERITIES", "CheckFinding", "CheckResult", "Location", "severity_at_least"]


@dataclass(frozen=True)
class Location:
    """A place in the repository a finding points at, with what it is there."""

    file: str
    line: int  # 1-based; 0 when the finding is about the whole file
    message: str = ""


@dataclass(frozen=True)
class CheckFinding:
    """One problem: what is wrong, where, and the concrete change that fixes it."""

    code: Code  # stable, kebab-case: "input-not-in-key", "cache-poisoning", …
    severity: Severity
    message: str  # one sentence naming the inputs involved
    fix: str  # the concrete change (a key to use, a line to add)
    file: str  # repository-relative path (usually the workflow)
    line: int  # 1-based
    workflow: str | None = None
    job: str | None = None
    matrix: dict[str, Any] = field(default_factory=dict)
    related: tuple[Location, ...] = ()  # the inputs that matter: requirements lines, installs

    def __post_init__(self) -> None:
        # Text is accepted (the values compare equal), an unregistered code is not.
        object.__setattr__(self, "code", Code(self.code))
        object.__setattr__(self, "severity", Severity(self.severity))


@dataclass(frozen=True)
class CheckResult:
    """Every finding for one tree, most severe first, then by file and line."""

    root: str
    revision: str | None
    findings: tuple[CheckFinding, ...]
    caches: int = 0  # cache steps examined (× matrix combinations)
    jobs: int = 0  # job combinations examined

    def failing(self, threshold: str) -> tuple[CheckFinding, ...]:
        return tuple(f for f in self.findings if severity_at_least(f.severity, threshold))
