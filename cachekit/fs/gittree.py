"""A git commit as a :class:`~cachekit.fs.trees.Tree`, read from the object store, no checkout.

The workspace on a runner also holds the ``.git`` directory ``actions/checkout`` made, and
``**`` patterns walk it; the tree therefore shows a synthetic ``.git`` with the names a
checkout creates, whose contents are unknowable (hashing one is an error that says why).

It answers as a fresh checkout of the commit on a Linux runner would: mode 120000 entries are
symbolic links whose target is the blob's text, 160000 entries (submodules, which
``actions/checkout`` leaves uninitialised by default) are empty directories, executables are
ordinary files. Symlinks are resolved inside the commit; one that leaves it (an absolute target,
or ``..`` above the root) points at runner state cachekit cannot know, so it is an error, never
a guess.
"""

from __future__ import annotations

import copy
import posixpath
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Final

from ..errors import GitError, TreeError
from .gitrepo import GitRepo, MissingObject, ObjectTooLarge
from .trees import (
    DIR,
    FILE,
    MAX_READ_BYTES,
    SYMLINK,
    UNREACHABLE,
    Listing,
    Tree,
    WorkTree,
    libuv_order,
    too_large,
)

__all__ = ["CommitTree", "tree_at"]

_MODE_TREE: Final = 0o040000
_MODE_LINK: Final = 0o120000
_MODE_GITLINK: Final = 0o160000
_MAX_LINKS: Final = 40  # Linux's MAXSYMLINKS

# A resolved node: (kind, oid) where oid is a tree id for DIR ("" for a submodule),
# a blob id for FILE and SYMLINK, or a "synthetic:" path for the checkout's .git directory.
_Node = tuple[int, str]

_SYNTHETIC: Final = "synthetic:"

# What actions/checkout (fetch-depth 1) leaves in the workspace's .git. A hashFiles pattern
# that walks .git meets these names on the runner; their bytes differ from run to run.
CHECKOUT_GIT_FILES: Final = (
    "FETCH_HEAD",
    "HEAD",
    "config",
    "description",
    "index",
    "shallow",
    "hooks/applypatch-msg.sample",
    "hooks/commit-msg.sample",
    "hooks/pre-commit.sample",
    "hooks/pre-push.sample",
    "hooks/pre-rebase.sample",
    "hooks/prepare-commit-msg.sample",
    "hooks/update.sample",
    "info/exclude",
    "logs/HEAD",
    "logs/refs/heads/main",
    "logs/refs/remotes/origin/main",
    "objects/pack/pack-0.idx",
    "objects/pack/pack-0.pack",
    "refs/heads/main",
    "refs/remotes/origin/main",
)


def _synthetic_git() -> dict[str, dict[str, _Node]]:
    """Directory listings of the synthetic ``.git`` by synthetic directory id."""
    dirs: dict[str, dict[str, _Node]] = {_SYNTHETIC + ".git": {}}
    for path in CHECKOUT_GIT_FILES:
        parts = path.split("/")
        parent = _SYNTHETIC + ".git"
        for i, part in enumerate(parts):
            ident = parent + "/" + part
            if i == len(parts) - 1:
                dirs[parent][part] = (FILE, ident)
            else:
                dirs.setdefault(ident, {})
                dirs[parent][part] = (DIR, ident)
            parent = ident
    return dirs


class CommitTree:
    """The tree of one commit of a :class:`GitRepo`."""

    def __init__(self, repo: GitRepo, rev: str, *, workspace: str | None = None) -> None:
        self.repo = repo
        # A full object id needs no `git rev-parse` process (a history names thousands).
        self.commit = rev if re.fullmatch(r"[0-9a-f]{40}", rev) else repo.resolve_commit(rev)
        self.root_oid = repo.root_tree(self.commit)
        self.workspace = workspace or repo.toplevel
        # Listings are shared by every commit of the repository: a tree object is the same
        # directory wherever it appears (the root differs: it holds the synthetic .git).
        self._listings: dict[str, Listing] = repo.tree_listings
        self._children: dict[str, dict[str, _Node]] = repo.tree_children
        self._resolved: dict[tuple[str, bool], tuple[_Node, list[str]] | None] = {}
        # actions/checkout leaves submodules empty unless asked (submodules: true|recursive).
        self.submodules_checked_out = False
        if _SYNTHETIC + ".git" not in self._children:
            for ident, children in _synthetic_git().items():
                self._children[ident] = children
                self._listings[ident] = sorted((n, k) for n, (k, _) in children.items())

    # --- object access ----------------------------------------------------------------------

    def _cache_id(self, tree_oid: str) -> str:
        return "root:" + tree_oid if tree_oid == self.root_oid else tree_oid

    def _dir_children(self, tree_oid: str) -> dict[str, _Node]:
        """Children of a tree by node-visible name (UTF-8 decoded with replacement)."""
        cached = self._children.get(self._cache_id(tree_oid))
        if cached is not None:
            return cached
        children: dict[str, _Node] = {}
        listing: list[tuple[str, int]] = []
        raw: dict[str, bytes] = {}
        for name_b, mode, oid in self.repo.tree_entries(tree_oid):
            kind_type = mode & 0o170000
            if kind_type == _MODE_TREE:
                node: _Node = (DIR, oid)
            elif kind_type == _MODE_GITLINK:
                node = (DIR, "")
            elif kind_type == _MODE_LINK:
                node = (SYMLINK, oid)
            else:
                node = (FILE, oid)
            try:
                name = name_b.decode("utf-8")
                listing.append((name, node[0]))
                children[name] = node
            except UnicodeDecodeError:
                name = name_b.decode("utf-8", "replace")
                raw[name] = name_b
                listing.append((name, UNREACHABLE))
        if tree_oid == self.root_oid and ".git" not in children:
            children[".git"] = (DIR, _SYNTHETIC + ".git")
            listing.append((".git", DIR))
        order = libuv_order([n for n, _ in listing], raw) if raw else None
        if order is not None:
            pos = {n: i for i, n in enumerate(order)}
            listing.sort(key=lambda e: pos[e[0]])
        elif all(n.isascii() for n, _ in listing):
            listing.sort()
        else:
            listing.sort(key=lambda e: e[0].encode("utf-8"))
        self._children[self._cache_id(tree_oid)] = children
        self._listings[self._cache_id(tree_oid)] = listing
        return children

    def _link_target(self, oid: str) -> str:
        _, data = self.repo.read_object(oid)
        return data.decode("utf-8", "surrogateescape")

    def _abs(self, rel: str) -> str:
        return self.workspace + "/" + rel if rel else self.workspace

    def _resolve(self, rel: str, *, follow_last: bool) -> tuple[_Node, list[str]] | None:
        """Walk ``rel`` from the root as the kernel would; None on ENOENT.

        Returns the node and its canonical component list (for realpath). Answers are kept
        per tree: the walk, the hashing loop and ``dir_id`` ask about the same paths.
        """
        key = (rel, follow_last)
        if key in self._resolved:
            return self._resolved[key]
        found = self._resolve_uncached(rel, follow_last=follow_last)
        self._resolved[key] = found
        return found

    def _resolve_uncached(self, rel: str, *, follow_last: bool) -> tuple[_Node, list[str]] | None:
        pending = [p for p in rel.split("/") if p] if rel else []
        pending.reverse()
        stack: list[tuple[str, _Node]] = []  # (name, node) from the root down
        node: _Node = (DIR, self.root_oid)
        links = 0
        while pending:
            part = pending.pop()
            if part == ".":
                continue
            if part == "..":
                if not stack:
                    raise TreeError(
                        "EOUTSIDE", "symbolic link points outside the repository", self._abs(rel)
                    )
                stack.pop()
                node = stack[-1][1] if stack else (DIR, self.root_oid)
                continue
            if node[0] != DIR:
                raise TreeError("ENOTDIR", "not a directory, lstat", self._abs(rel))
            child = self._dir_children(node[1]).get(part) if node[1] else None
            if child is None:
                return None
            if child[0] == SYMLINK and (pending or follow_last):
                links += 1
                if links > _MAX_LINKS:
                    raise TreeError(
                        "ELOOP", "too many symbolic links encountered, stat", self._abs(rel)
                    )
                target = self._link_target(child[1])
                if target.startswith("/"):
                    inside = self._inside(target)
                    if inside is None:
                        raise TreeError(
                            "EOUTSIDE",
                            f"symbolic link points outside the repository ({target})",
                            self._abs(rel),
                        )
                    stack = []
                    node = (DIR, self.root_oid)
                    target = inside
                parts = [p for p in target.split("/") if p]
                pending.extend(reversed(parts))
                continue
            stack.append((part, child))
            node = child
        return node, [name for name, _ in stack]

    def _inside(self, target: str) -> str | None:
        norm = posixpath.normpath(target)
        if norm == self.workspace:
            return ""
        if norm.startswith(self.workspace + "/"):
            return norm[len(self.workspace) + 1 :]
        return None

    # --- Tree protocol ----------------------------------------------------------------------

    def lstat(self, rel: str) -> int | None:
        found = self._resolve(rel, follow_last=False)
        return None if found is None else found[0][0]

    def stat(self, rel: str) -> int | None:
        found = self._resolve(rel, follow_last=True)
        return None if found is None else found[0][0]

    def listdir(self, rel: str) -> Listing:
        found = self._resolve(rel, follow_last=True)
        if found is None:
            raise TreeError("ENOENT", "no such file or directory, scandir", self._abs(rel))
        kind, oid = found[0]
        if kind != DIR:
            raise TreeError("ENOTDIR", "not a directory, scandir", self._abs(rel))
        if not oid:
            if self.submodules_checked_out:
                raise TreeError(
                    "EUNKNOWABLE",
                    "a submodule that actions/checkout fetches (submodules: true): its files"
                    " are in another repository",
                    self._abs(rel),
                )
            return []
        self._dir_children(oid)
        return self._listings[self._cache_id(oid) if not oid.startswith(_SYNTHETIC) else oid]

    def realpath(self, rel: str) -> str:
        found = self._resolve(rel, follow_last=True)
        if found is None:
            raise TreeError("ENOENT", "no such file or directory, realpath", self._abs(rel))
        return self._abs("/".join(found[1]))

    def with_submodules(self) -> CommitTree:
        """This commit as a checkout with submodules fetched (their contents unknowable)."""
        other = copy.copy(self)
        other.submodules_checked_out = True
        other._resolved = self._resolved
        return other

    @property
    def walk_memo(self) -> dict[tuple[object, ...], list[tuple[str, int]]]:
        """Walk results by tree object, shared by every commit of the repository."""
        return self.repo.walk_memo

    def dir_id(self, rel: str) -> str | None:
        """The tree object of directory ``rel`` (None for a submodule or the synthetic .git).

        The root's id is prefixed with a marker: unlike any other directory, the root holds
        the synthetic ``.git`` entry, so its listing differs from the same tree elsewhere.
        """
        found = self._resolve(rel, follow_last=True)
        if found is None or found[0][0] != DIR or not found[0][1]:
            return None
        oid = found[0][1]
        if oid.startswith(_SYNTHETIC):
            return None
        ident = "root:" + oid if not rel else oid
        # Walk results differ when submodules are fetched (a gitlink below is unknowable).
        return "sm:" + ident if self.submodules_checked_out else ident

    def object_id(self, rel: str) -> tuple[int, str] | None:
        """``(kind, object id)`` of ``rel`` (links followed), None if it does not exist: two
        commits whose paths name one object read the same bytes (no need to read them)."""
        found = self._resolve(rel, follow_last=True)
        return None if found is None else found[0]

    def read(self, rel: str) -> bytes:
        found = self._resolve(rel, follow_last=True)
        if found is None:
            raise TreeError("ENOENT", "no such file or directory, open", self._abs(rel))
        kind, oid = found[0]
        if kind == DIR:
            raise TreeError("EISDIR", "illegal operation on a directory, read", self._abs(rel))
        if oid.startswith(_SYNTHETIC):
            raise TreeError("EUNKNOWABLE", "made by actions/checkout at run time", self._abs(rel))
        try:
            _, data = self.repo.read_object(oid, limit=MAX_READ_BYTES)
        except MissingObject as exc:
            raise TreeError(
                "EMISSING", f"blob {exc.oid} is not in the object store", self._abs(rel)
            ) from None
        except ObjectTooLarge as exc:
            raise too_large(exc.size, self._abs(rel)) from None
        return data

    def digests(self, rels: Sequence[str]) -> list[bytes | TreeError]:
        """Each file's SHA-256: the paths resolved first, then the blobs hashed together
        (:meth:`GitRepo.blob_sha256_many`: large ones on every core)."""
        out: list[bytes | TreeError] = []
        blobs: list[tuple[int, str, str]] = []  # (slot in out, blob id, path)
        for rel in rels:
            try:
                found = self._resolve(rel, follow_last=True)
                if found is None:
                    out.append(
                        TreeError("ENOENT", "no such file or directory, open", self._abs(rel))
                    )
                    continue
                oid = found[0][1]
                if oid.startswith(_SYNTHETIC):
                    out.append(
                        TreeError(
                            "EUNKNOWABLE",
                            "actions/checkout creates this file; its bytes change from run to run, "
                            "so a key that hashes it never repeats",
                            self._abs(rel),
                        )
                    )
                    continue
                blobs.append((len(out), oid, rel))
                out.append(b"")
            except MissingObject as exc:
                out.append(
                    TreeError(
                        "EMISSING", f"blob {exc.oid} is not in the object store", self._abs(rel)
                    )
                )
            except TreeError as exc:
                out.append(exc)
            except GitError as exc:
                out.append(TreeError("EIO", str(exc), self._abs(rel)))
        digests = self.repo.blob_sha256_many([oid for _, oid, _ in blobs])
        for (slot, _, rel), hashed in zip(blobs, digests, strict=True):
            if isinstance(hashed, bytes):
                out[slot] = hashed
            elif isinstance(hashed, MissingObject):
                out[slot] = TreeError(
                    "EMISSING", f"blob {hashed.oid} is not in the object store", self._abs(rel)
                )
            else:
                out[slot] = TreeError("EIO", str(hashed), self._abs(rel))
        return out


@contextmanager
def tree_at(root: str, rev: str | None) -> Iterator[Tree]:
    """The working directory ``root``, or its commit ``rev`` (the git process closed after)."""
    if rev is None:
        yield WorkTree(root)
        return
    repo = GitRepo(root)
    try:
        yield CommitTree(repo, rev)
    finally:
        repo.close()
