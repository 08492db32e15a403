"""cachekit: the truth about CI dependency caches.

Library first: every command of the ``cachekit`` CLI is a function here with typed inputs and
a result object. This release covers ``hashFiles()``; see :func:`hash_files`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import CachekitError, GitError, HashFilesError, TreeError, UsageError

if TYPE_CHECKING:  # what type checkers see; at run time __getattr__ imports on first use
    from .fs.gitrepo import GitRepo
    from .fs.gittree import CommitTree
    from .fs.trees import Tree, WorkTree
    from .hashing.hashfiles import (
        Flavor,
        HashedFile,
        HashResult,
        TargetOS,
        hash_files,
        parse_arguments,
    )

__all__ = [
    "CachekitError",
    "CommitTree",
    "Flavor",
    "GitError",
    "GitRepo",
    "HashFilesError",
    "HashResult",
    "HashedFile",
    "TargetOS",
    "Tree",
    "TreeError",
    "UsageError",
    "WorkTree",
    "hash_files",
    "open_tree",
    "parse_arguments",
]

__version__ = "0.1.0"


# Imported on first use (PEP 562): `import cachekit` — and so `cachekit --version` — must not
# pay for the hashing engine and git plumbing (docs/cli.md, benchmarks/bench_startup.py).
_LAZY = {
    "GitRepo": ".fs.gitrepo",
    "CommitTree": ".fs.gittree",
    "Tree": ".fs.trees",
    "WorkTree": ".fs.trees",
    "Flavor": ".hashing.hashfiles",
    "HashedFile": ".hashing.hashfiles",
    "HashResult": ".hashing.hashfiles",
    "TargetOS": ".hashing.hashfiles",
    "hash_files": ".hashing.hashfiles",
    "parse_arguments": ".hashing.hashfiles",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cachekit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def open_tree(root: str = ".", rev: str | None = None) -> Tree:
    """A working directory, or (with ``rev``) that commit of the repository at ``root``."""
    from .fs.gitrepo import GitRepo  # noqa: PLC0415 - see _LAZY
    from .fs.gittree import CommitTree  # noqa: PLC0415
    from .fs.trees import WorkTree  # noqa: PLC0415

    if rev is None:
        return WorkTree(root)
    return CommitTree(GitRepo(root), rev)
