"""A tree with some files replaced: "what if this workflow had been in every commit?"

``suggest --simulate`` compares the hit rate of the keys a repository has with the keys
cachekit suggests, over the same history. A fair comparison holds everything but the keys
fixed, so both runs read each commit's files (requirements, locks) through the *same*
workflow text — the current one, or the suggested one — laid over the commit. Only whole
files are replaced or added, in directories that exist or not; nothing is written anywhere.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import TreeError
from .trees import DIR, FILE, Listing, Tree, libuv_order

__all__ = ["OverlayTree"]


class OverlayTree:
    """``base`` with ``files`` (tree-relative path → bytes) on top."""

    def __init__(self, base: Tree, files: Mapping[str, bytes]) -> None:
        self.base = base
        self.workspace = base.workspace
        self.files = dict(files)
        self._dirs: dict[str, set[tuple[str, int]]] = {}
        for path in self.files:
            parent, name = posixpath.split(path)
            kind = FILE
            while True:
                self._dirs.setdefault(parent, set()).add((name, kind))
                if not parent:
                    break
                parent, name = posixpath.split(parent)
                kind = DIR

    @property
    def commit(self) -> Any:
        """The base commit (explain reports it); None for a working directory."""
        return getattr(self.base, "commit", None)

    # No ``walk_memo``: the base tree's memo is keyed by its own directories, which the
    # overlay changes; walks over an overlay are not memoised.

    def with_submodules(self) -> OverlayTree:
        base = self.base
        inner = getattr(base, "with_submodules", None)
        return OverlayTree(inner() if inner is not None else base, self.files)

    def lstat(self, rel: str) -> int | None:
        if rel in self.files:
            return FILE
        if rel in self._dirs:
            return DIR
        return self.base.lstat(rel)

    def stat(self, rel: str) -> int | None:
        if rel in self.files:
            return FILE
        if rel in self._dirs:
            return DIR
        return self.base.stat(rel)

    def listdir(self, rel: str) -> Listing:
        extra = self._dirs.get(rel)
        if extra is None:
            return self.base.listdir(rel)
        try:
            entries = dict(self.base.listdir(rel))
        except TreeError:
            entries = {}
        for name, kind in extra:
            entries[name] = kind
        ordered = libuv_order(list(entries))
        return [(name, entries[name]) for name in ordered]

    def realpath(self, rel: str) -> str:
        if rel in self.files or rel in self._dirs:
            return posixpath.join(self.workspace, rel) if rel else self.workspace
        return self.base.realpath(rel)

    def digests(self, rels: Sequence[str]) -> list[bytes | TreeError]:
        out: list[bytes | TreeError] = []
        rest = [r for r in rels if r not in self.files]
        base = iter(self.base.digests(rest) if rest else [])
        for rel in rels:
            if rel in self.files:
                out.append(hashlib.sha256(self.files[rel]).digest())
            else:
                out.append(next(base))
        return out

    def read(self, rel: str) -> bytes:
        if rel in self.files:
            return self.files[rel]
        return self.base.read(rel)
