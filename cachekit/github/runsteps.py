"""What a ``run:`` step publishes: outputs (``$GITHUB_OUTPUT``) and variables (``$GITHUB_ENV``).

Keys often include values an earlier step computes (``echo "week=$(date +%V)" >>
"$GITHUB_OUTPUT"``). cachekit never runs the script; it reads the lines that write to those
files. A value that is plain text is known; one that expands anything (``$(…)``, ``$VAR``,
backticks) is an :class:`~cachekit.expressions.Unknown` whose origin is the command, so the
user sees exactly what produces it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from ..expressions import Unknown

__all__ = ["Published", "published_values"]

# echo "name=value" >> "$GITHUB_OUTPUT"   (also printf, and the legacy ::set-output)
_TARGET: Final = re.compile(
    r""">>\s*["']?\$\{?(GITHUB_OUTPUT|GITHUB_ENV)\}?["']?|"""
    r"""Out-File\s+.*\$env:(GITHUB_OUTPUT|GITHUB_ENV)|\$env:(GITHUB_OUTPUT|GITHUB_ENV)""",
    re.IGNORECASE,
)
_ECHO: Final = re.compile(
    r"""^\s*(?:echo|printf|Write-Output|"[^"]*"\s*\|)\s*(?:-e\s+|-n\s+)*(.*)$"""
)
_SET_OUTPUT: Final = re.compile(r"::set-output\s+name=([A-Za-z0-9_.-]+)::(.*)$")
_EXPANDS: Final = re.compile(r"\$[({A-Za-z_]|`|\$\(")


@dataclass(frozen=True)
class Published:
    """One value a run step writes: an output or an environment variable."""

    kind: str  # "output" or "env"
    name: str
    value: str | Unknown
    line: int  # 1-based line within the run script


def _unquote(text: str) -> str:
    text = text.strip()
    for q in ('"', "'"):
        if len(text) >= 2 and text[0] == q and text[-1] == q:
            return text[1:-1]
    if text[:1] in ('"', "'"):
        return text[1:]
    return text


def _value(raw: str, name: str, command: str, kind: str) -> str | Unknown:
    value = raw.rstrip().rstrip("\"'")
    if _EXPANDS.search(value) or "\\" in value:
        what = "step output" if kind == "output" else "environment variable"
        return Unknown(name, f"{what} computed at run time", origin=command.strip())
    return value


def published_values(script: str, step_id: str | None) -> list[Published]:
    """The outputs and variables a ``run:`` script writes, in order."""
    out: list[Published] = []
    for number, line in enumerate(script.splitlines(), start=1):
        legacy = _SET_OUTPUT.search(line)
        if legacy:
            name = legacy.group(1)
            label = f"steps.{step_id}.outputs.{name}" if step_id else name
            out.append(
                Published("output", name, _value(legacy.group(2), label, line, "output"), number)
            )
            continue
        target = _TARGET.search(line)
        if not target:
            continue
        kind = "output" if "OUTPUT" in (target.group(0) or "").upper() else "env"
        echo = _ECHO.match(line[: target.start()])
        if not echo:
            continue
        payload = _unquote(echo.group(1))
        if "=" not in payload:
            continue  # heredoc form (name<<EOF) or something else: not modelled
        name, _, raw = payload.partition("=")
        name = name.strip()
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", name):
            continue
        label = (
            f"steps.{step_id}.outputs.{name}"
            if kind == "output" and step_id
            else (f"env.{name}" if kind == "env" else name)
        )
        out.append(Published(kind, name, _value(raw, label, line, kind), number))
    return out
