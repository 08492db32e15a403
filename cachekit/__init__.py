"""cachekit: the truth about CI dependency caches.

Library first: every command of the ``cachekit`` CLI is a function here with typed inputs and
a result object. This release covers ``hashFiles()``; see :func:`hash_files`.
"""

from __future__ import annotations

from .errors import CachekitError, GitError, HashFilesError, TreeError, UsageError
from .fs.gitrepo import GitRepo
from .fs.gittree import CommitTree
from .fs.trees import Tree, WorkTree
from .hashing.hashfiles import Flavor, HashedFile, HashResult, TargetOS, hash_files, parse_arguments

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


def open_tree(root: str = ".", rev: str | None = None) -> Tree:
    """A working directory, or (with ``rev``) that commit of the repository at ``root``."""
    if rev is None:
        return WorkTree(root)
    return CommitTree(GitRepo(root), rev)
