"""``input-not-in-key`` for build output keyed on the lock alone.

A cached ``dist/``, ``.next/`` or ``target/`` is made from the sources: a key that hashes only
manifests and locks restores the old build after a source change. A key that hashes any other
file is left alone: its author chose what the build reads.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Final

from ...ecosystems import registry
from ...errors import CachekitError
from ...findings import Code, Severity
from ...fs.trees import DIR, Tree
from ..model import CheckFinding
from ..rule import CacheFacts, CheckContext, cache_rule, finding, short_list

# What a dependency key hashes: every manager's lock and manifest names (the ecosystem registry).
_MANIFEST_NAMES: Final = registry.key_file_names()


@cache_rule("build-output", Code.INPUT_NOT_IN_KEY)
def build_output(ctx: CheckContext, cache: CacheFacts) -> Iterator[CheckFinding]:
    if not cache.restores or cache.volatile or cache.setup_action:
        return
    outputs = [c for c in cache.classes if c.kind == "build-output"]
    if not outputs or not cache.hashed:
        return
    if any(posixpath.basename(f) not in _MANIFEST_NAMES for f in cache.hashed):
        return  # some source file is hashed: the author chose what the build reads
    sources = [d for d in ("src", "lib", "app", "pages") if _is_dir(ctx.tree, d)]
    yield finding(
        Code.INPUT_NOT_IN_KEY,
        f"{short_list(c.path for c in outputs)} is build output, made from the sources, but "
        f"the key only hashes {short_list(sorted(cache.hashed))}: after a source change the "
        "old build is restored",
        at=cache.at,
        job=cache.job,
        severity=Severity.WARNING,
        fix=(
            "Hash the sources too: hashFiles("
            + ", ".join(f"'{d}/**'" for d in sources or ["src"])
            + ", ...), or cache the package manager's download cache instead"
        ),
    )


def _is_dir(tree: Tree, path: str) -> bool:
    try:
        return tree.stat(path) == DIR
    except CachekitError:
        return False
