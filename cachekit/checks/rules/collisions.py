"""Installed environments shared across OSes, architectures or Pythons (matrix collisions).

Two checks over all caches at once, both certain (``error``): one cache step whose matrix
combinations run on several OSes/archs/Pythons with a key that does not name the dimension,
and caches of different jobs that evaluate to the same key and cache version while built on
different ones. Either way they restore each other's compiled packages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence

from ...findings import Code, Severity
from ..model import CheckFinding, Location
from ..rule import (
    ARCH_TEXT,
    OS_TEXT,
    PY_VERSION_TEXT,
    CacheFacts,
    CheckContext,
    finding,
    job_python,
    matrix_text,
    repository_rule,
    short_list,
)

_Get = Callable[[CacheFacts], object]
_DIMENSIONS: tuple[tuple[str, Code, _Get], ...] = (
    ("OS", Code.OS_NOT_IN_KEY, lambda c: c.job.os),
    ("architecture", Code.ARCH_NOT_IN_KEY, lambda c: c.job.arch),
    ("Python", Code.INTERPRETER_NOT_IN_KEY, lambda c: job_python(c.job)),
)
_NAMED = {"OS": OS_TEXT, "architecture": ARCH_TEXT, "Python": PY_VERSION_TEXT}


@repository_rule(
    "matrix-dimensions", Code.OS_NOT_IN_KEY, Code.ARCH_NOT_IN_KEY, Code.INTERPRETER_NOT_IN_KEY
)
def matrix_dimensions(ctx: CheckContext, caches: Sequence[CacheFacts]) -> Iterator[CheckFinding]:
    """Combos of one cache step on different OSes/archs/Pythons with a key not naming it."""
    steps: dict[tuple[str, str, int], list[CacheFacts]] = defaultdict(list)
    for c in caches:
        if c.built_env and c.python and c.restores and not c.setup_action and not c.volatile:
            steps[(c.report.workflow, c.report.job, c.report.step_index)].append(c)
    for group in steps.values():
        first = group[0]
        named = [get for dim, _, get in _DIMENSIONS if _NAMED[dim].search(first.names)]
        for dimension, code, get in _DIMENSIONS:
            if _NAMED[dimension].search(first.names):
                continue
            # Legs the key already tells apart (runner.os in the key when the matrix varies
            # only the OS, each OS with one architecture) never share an entry.
            parts: dict[tuple[str, ...], set[str]] = defaultdict(set)
            for c in group:
                value = get(c)
                if value is not None:
                    parts[tuple(str(g(c)) for g in named)].add(str(value))
            values = sorted({v for part in parts.values() if len(part) > 1 for v in part})
            if len(values) < 2:
                continue
            yield finding(
                code,
                f"the matrix runs this cache on {len(values)} {dimension}s "
                f"({short_list(values)}) and the key does not name the {dimension}: they "
                "restore each other's installed environment",
                at=first.at,
                job=first.job,
                severity=Severity.ERROR,
                related=[
                    Location(first.job.mark.path, first.job.mark.line, matrix_text(c.job))
                    for c in group
                ],
            )


@repository_rule(
    "shared-key", Code.OS_NOT_IN_KEY, Code.ARCH_NOT_IN_KEY, Code.INTERPRETER_NOT_IN_KEY
)
def shared_key(ctx: CheckContext, caches: Sequence[CacheFacts]) -> Iterator[CheckFinding]:
    """Jobs on different OSes/archs/Pythons whose built environments share a key and version."""
    groups: dict[tuple[str, str], list[CacheFacts]] = defaultdict(list)
    for c in caches:
        if c.report.key_known and c.report.version and c.built_env and c.python:
            groups[(c.report.key, c.report.version)].append(c)
    for group in groups.values():
        for dimension, code, get in _DIMENSIONS:
            values = {get(c) for c in group}
            values.discard(None)
            if len(values) < 2:
                continue
            first = group[0]
            jobs = sorted({f"{c.job.job} {matrix_text(c.job)}".strip() for c in group})
            yield finding(
                code,
                f"jobs on different {dimension}s ({short_list(sorted(map(str, values)))}) share "
                f"this key and cache version: {short_list(jobs)} restore each other's "
                "installed environment",
                at=first.at,
                job=first.job,
                severity=Severity.ERROR,
                related=[
                    Location(
                        c.report.mark.path, c.report.mark.line, f"{c.job.job} {matrix_text(c.job)}"
                    )
                    for c in group[1:]
                ],
            )
