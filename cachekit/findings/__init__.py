"""The vocabulary of findings, below every command: severities and the one code registry.

``explain`` (problems it meets while reading workflows), ``check`` (its rules), ``suggest``
(what check still says about a suggestion) and every renderer (text, JSON, SARIF, GitHub
annotations) import these and nothing else to agree on what a finding is called and how bad it
is. Nothing here imports the rest of cachekit.
"""

from __future__ import annotations

from .codes import CODES, Code, CodeInfo, Origin, code_info
from .severity import SEVERITIES, FailOn, Severity, severity_at_least

__all__ = [
    "CODES",
    "SEVERITIES",
    "Code",
    "CodeInfo",
    "FailOn",
    "Origin",
    "Severity",
    "code_info",
    "severity_at_least",
]
