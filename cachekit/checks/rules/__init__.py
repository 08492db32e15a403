"""The registry of ``check``'s rules: one module per rule (or small family), one line each.

The engine runs the per-cache rules in this order for each cache, then the rules that compare
caches across jobs; the order only decides which of two identical findings is kept. Adding a
rule is a module here and a line below; its codes live in :mod:`cachekit.findings.codes`.
"""

from __future__ import annotations

from typing import Final

from ...findings import CODES, Code
from ..rule import Rule
from . import (
    build_output,
    built_env,
    collisions,
    hitguard,
    inputs,
    install_inputs,
    lifecycle,
    outputs,
    poisoning,
    populated,
    reach,
    snapshot,
    unused,
)

__all__ = ["RULES"]

RULES: Final[tuple[Rule, ...]] = (
    build_output.build_output,
    inputs.missing_inputs,
    built_env.loose_pins,
    built_env.key_dimensions,
    built_env.restore_keys,
    populated.never_populated,
    unused.hashed_unused,
    collisions.matrix_dimensions,
    collisions.shared_key,
    poisoning.poisoning,
    install_inputs.install_inputs,
    lifecycle.lifecycle,
    outputs.output_never_set,
    reach.reach,
    hitguard.partial_hit_guard,
    snapshot.newer_than_snapshot,
)


def _unraised() -> list[Code]:
    """Check codes no rule declares: a registry entry nothing can report."""
    declared = {code for rule in RULES for code in rule.codes}
    return [c.code for c in CODES.values() if c.origin == "check" and c.code not in declared]


if _unraised():  # pragma: no cover - a mistake in this package
    raise RuntimeError(f"check codes no rule raises: {', '.join(_unraised())}")
