"""Variables in keys, as shell-style runners expand them (GitLab Runner, Azure's macro-free
``$(…)``-less segments): ``$NAME`` and ``${NAME}`` become values, with where each came from.

GitLab Runner expands a cache key with Go's ``os.Expand`` over the job's variables
(``build.GetAllVariables().ExpandValue(key)`` in ``shells/abstract.go``, ``newCacheConfig``):
a name is ``[A-Za-z0-9_]+`` after ``$`` or anything up to ``}`` inside ``${…}``; an undefined
variable expands to the empty string. Offline, a variable that is not defined in the file nor
predefined may still be a project, group or instance variable: it is an *unknown* part, shown
as ``‹NAME›``, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..explain.model import KeyPart

__all__ = ["Expansion", "Var", "expand_shell"]

_NAME = re.compile(r"\$(?:\{([^}]*)\}|([A-Za-z0-9_]+))")


@dataclass(frozen=True)
class Var:
    """A variable's value for the modelled run; ``value`` None means unknown offline."""

    value: str | None
    source: str
    volatile: bool = False  # changes every pipeline/commit (CI_COMMIT_SHA, CI_PIPELINE_ID)


@dataclass(frozen=True)
class Expansion:
    """A template expanded: the text with unknowns as ``‹NAME›``, its parts, what is volatile."""

    text: str
    parts: tuple[KeyPart, ...]
    known: bool
    volatile: tuple[str, ...]
    names: tuple[str, ...]


def expand_shell(template: str, lookup: Callable[[str], Var | None]) -> Expansion:
    """Expand ``$NAME``/``${NAME}`` in ``template`` the way ``os.Expand`` does."""
    parts: list[KeyPart] = []
    out: list[str] = []
    known = True
    volatile: list[str] = []
    names: list[str] = []
    pos = 0
    for m in _NAME.finditer(template):
        if m.start() > pos:
            lit = template[pos : m.start()]
            parts.append(KeyPart("literal", lit, lit))
            out.append(lit)
        name = m.group(1) if m.group(1) is not None else m.group(2)
        names.append(name)
        var = lookup(name)
        if var is None:
            known = False
            value = f"‹{name}›"
            parts.append(
                KeyPart(
                    "unknown",
                    m.group(0),
                    value,
                    source=f"{name}: not defined in the configuration; a project, group or "
                    "instance variable if set, else empty",
                )
            )
        elif var.value is None:
            known = False
            value = f"‹{name}›"
            parts.append(KeyPart("unknown", m.group(0), value, source=f"{name}: {var.source}"))
        else:
            value = var.value
            parts.append(KeyPart("context", m.group(0), value, source=f"{name}: {var.source}"))
        if var is not None and var.volatile:
            volatile.append(name)
        out.append(value)
        pos = m.end()
    if pos < len(template):
        lit = template[pos:]
        parts.append(KeyPart("literal", lit, lit))
        out.append(lit)
    return Expansion("".join(out), tuple(parts), known, tuple(volatile), tuple(names))
