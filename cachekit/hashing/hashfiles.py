"""``hashFiles()`` as GitHub computes it, byte for byte.

The runner (actions/runner ``hashFiles.ts``) globs with ``@actions/glob`` and, for each path
the globber yields that lies under the workspace and is not a directory, writes the file's raw
32-byte SHA-256 into an outer SHA-256; the result is the outer digest in lowercase hex, or ``''``
when nothing was hashed. This module reproduces the globber's walk (search paths, depth-first
pre-order with byte-sorted children, pruning by partial matches, symlink rules, cycle checks)
and that loop, over any :class:`~cachekit.fs.trees.Tree`.

Two flavours exist on GitHub and both are modelled:

* ``Flavor.RUNNER`` — the ``${{ hashFiles(...) }}`` expression function (glob 0.4.0 /
  minimatch 3.1.2, symlinks not followed unless the first argument is
  ``--follow-symbolic-links``);
* ``Flavor.SETUP_ACTION`` — ``hashFiles`` called inside setup-python and friends
  (``@actions/glob`` 0.7.0 / minimatch 10: symlinks followed, POSIX classes).
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from ..errors import CachekitError, HashFilesError, TreeError
from ..fs.trees import DIR, FILE, OTHER, SYMLINK, UNREACHABLE, Tree
from .globbing import GlobSyntax, PatternSet
from .segments import SegmentMatcher, to_code_units

__all__ = [
    "Flavor",
    "HashResult",
    "HashedFile",
    "TargetOS",
    "could_change",
    "hash_files",
    "parse_arguments",
]

FOLLOW_OPTION = "--follow-symbolic-links"


class Flavor(str, enum.Enum):
    """Which GitHub component's ``hashFiles`` to reproduce."""

    RUNNER = "runner"
    SETUP_ACTION = "setup-action"


class TargetOS(str, enum.Enum):
    """The runner OS whose path rules apply. macOS matches Linux (case-sensitive)."""

    LINUX = "linux"
    MACOS = "macos"
    WINDOWS = "windows"


WINDOWS_CAVEATS = (
    "Windows runners list directories in NTFS order, approximated here as case-insensitive "
    "ordinal order: the digest can differ when names differ only beyond that order.",
    "A Windows checkout may convert LF to CRLF (core.autocrlf, .gitattributes): cachekit "
    "hashes the bytes as they are here, not as they would be checked out there.",
)


GIT_DIR_CAVEAT = (
    "Files inside .git/ were hashed: on GitHub the workspace's .git is the one "
    "actions/checkout made, whose bytes differ from these and from run to run."
)


class HashedFile(NamedTuple):
    """One file that went into the digest, in hashing order.

    A named tuple rather than a dataclass: a ``**`` over a large repository makes 100,000
    of them, and tuple construction is several times cheaper.
    """

    path: str
    """Workspace-relative path, ``/``-separated, as the globber reached it."""
    sha256: str
    """Lowercase hex SHA-256 of the file's bytes."""


@dataclass(frozen=True)
class HashResult:
    """The outcome of one ``hashFiles`` call."""

    digest: str
    """Lowercase hex digest, or ``""`` when no file was hashed (GitHub gives ``''``)."""
    files: tuple[HashedFile, ...]
    patterns: tuple[str, ...]
    """The pattern arguments as given (after the option argument, if any)."""
    follow_symbolic_links: bool
    caveats: tuple[str, ...] = field(default=())


def parse_arguments(args: Sequence[str]) -> tuple[list[str], bool]:
    """Split ``hashFiles`` arguments into patterns and the follow flag (runner C# rules).

    Only the first argument may be an option; ``--follow-symbolic-links`` is matched
    case-insensitively, any other first argument starting with ``--`` fails the step, and a
    ``--…`` argument elsewhere is an ordinary pattern.
    """
    args = list(args)
    follow = False
    if args and args[0].startswith("--"):
        if args[0].lower() != FOLLOW_OPTION:
            # The runner's message, typo included.
            raise HashFilesError(
                f"Invalid glob option {args[0]}, avaliable option: '{FOLLOW_OPTION}'."
            )
        follow = True
        args = args[1:]
    return args, follow


def _describe_call(args: Sequence[str]) -> str:
    return "hashFiles(" + ", ".join("'" + a.replace("'", "''") + "'" for a in args) + ")"


@lru_cache(maxsize=65536)
def _windows_order(name: str) -> str:
    """The sort key of a name in a Windows directory listing (upper-cased code units)."""
    return "".join(u if len(u := c.upper()) == 1 else c for c in to_code_units(name))


@lru_cache(maxsize=1024)
def _pattern_set(text: str, workspace: str, home: str | None, syntax: GlobSyntax) -> PatternSet:
    """One parse per distinct call: ``predict`` asks the same patterns of every commit, and
    a set's compiled patterns (and their step memos) depend on nothing else."""
    return PatternSet(text, workspace=workspace, home=home, syntax=syntax)


def could_change(
    workspace: str,
    args: Sequence[str],
    paths: Sequence[str],
    *,
    flavor: Flavor = Flavor.RUNNER,
    target_os: TargetOS = TargetOS.LINUX,
) -> bool:
    """Whether a change to ``paths`` (relative to ``workspace``: added, deleted or edited)
    can change ``hashFiles(*args)``; ``True`` whenever that is not certain.

    Without following links, the files hashed are the ones whose own path matches: a changed
    path no pattern matches (with its implicit descendants) is never hashed, so the result
    stands — provided no hashed file is a link (its target may be any path: the caller
    checks). On Windows the same pattern set decides, case-insensitively as the walk does.
    Following links, any change counts.
    """
    if workspace == "/":
        return True
    windows = target_os is TargetOS.WINDOWS
    try:
        if flavor is Flavor.RUNNER:
            patterns, follow = parse_arguments(args)
        else:
            patterns, follow = list(args), True
        if follow:
            return True
        syntax = GlobSyntax(windows=windows, posix_classes=flavor is Flavor.SETUP_ACTION)
        text = ("\r\n" if windows else "\n").join(patterns)
        ps = _pattern_set(text, workspace, None, syntax)
    except (HashFilesError, CachekitError):
        return True
    root = ps.advance_path(ps.start_states(), ["", *workspace.split("/")[1:]])
    return any(ps.kind(ps.advance_path(root, p.split("/"))) & 2 for p in paths)


def hash_files(
    tree: Tree,
    args: Sequence[str],
    *,
    follow_symbolic_links: bool | None = None,
    flavor: Flavor = Flavor.RUNNER,
    target_os: TargetOS = TargetOS.LINUX,
    home: str | None = None,
) -> HashResult:
    """Compute ``hashFiles(*args)`` over ``tree`` as GitHub would.

    ``args`` are the function's arguments as a workflow writes them. For the runner flavour a
    first argument ``--follow-symbolic-links`` turns following on (as does
    ``follow_symbolic_links=True``); the setup-action flavour follows symlinks unless told not
    to. ``home`` is the runner user's home directory for ``~`` patterns; left ``None``, such
    patterns are treated as lying outside the workspace, as they do on hosted runners.

    Raises :class:`HashFilesError` exactly where the runner would fail the step.
    """
    windows = target_os is TargetOS.WINDOWS
    syntax = GlobSyntax(windows=windows, posix_classes=flavor is Flavor.SETUP_ACTION)
    caveats = WINDOWS_CAVEATS if windows else ()
    try:
        if flavor is Flavor.RUNNER:
            patterns, follow = parse_arguments(args)
            follow = follow or bool(follow_symbolic_links)
        else:
            patterns = list(args)
            follow = True if follow_symbolic_links is None else follow_symbolic_links
        pattern_set = _pattern_set(
            ("\r\n" if windows else "\n").join(patterns), tree.workspace, home, syntax
        )
        walk = _Walk(tree, pattern_set, follow=follow, windows=windows)
        walk.run()
        hashed = _hash_candidates(tree, walk)
    except HashFilesError as exc:
        raise HashFilesError(f"{_describe_call(args)} failed: {exc}") from None
    except TreeError as exc:
        raise HashFilesError(f"{_describe_call(args)} failed: {exc}") from None
    if any(rel.startswith(".git/") for rel, _ in hashed):
        caveats = (*caveats, GIT_DIR_CAVEAT)
    outer = hashlib.sha256()
    for _, digest in hashed:
        outer.update(digest)
    return HashResult(
        digest=outer.hexdigest() if hashed else "",
        files=tuple(HashedFile(rel, d.hex()) for rel, d in hashed),
        patterns=tuple(patterns),
        follow_symbolic_links=follow,
        caveats=caveats,
    )


def _hash_candidates(tree: Tree, walk: _Walk) -> list[tuple[str, bytes]]:
    """The runner's loop: stat each yielded path (following links), skip dirs, hash files.

    Failures are reported in the order node meets them: a file's stat or read error before
    any later file, and the walk's own error (readdir) after every file yielded before it.
    """
    to_hash: list[str] = []
    failure: CachekitError | None = walk.error
    for rel, kind in walk.candidates:
        if kind == SYMLINK:
            try:
                kind = tree.stat(rel) or 0
            except TreeError as exc:
                failure = exc
                break
            if kind == 0:
                failure = TreeError(
                    "ENOENT",
                    "no such file or directory, stat (dangling symbolic link)",
                    _abs(tree, rel),
                )
                break
        if kind == DIR:
            continue
        if kind != FILE:
            failure = TreeError("EINVAL", "not a regular file, refusing to read", _abs(tree, rel))
            break
        to_hash.append(rel)
    digests = tree.digests(to_hash)
    out: list[tuple[str, bytes]] = []
    for rel, d in zip(to_hash, digests, strict=True):
        if isinstance(d, TreeError):
            raise d
        out.append((rel, d))
    if failure is not None:
        raise failure
    return out


def _abs(tree: Tree, rel: str) -> str:
    return tree.workspace + "/" + rel if rel else tree.workspace


def _names_matching(matchers: tuple[SegmentMatcher, ...], names: list[str]) -> set[str]:
    """The names (node-visible) that any of the segment matchers accepts."""
    ascii_only = all(n.isascii() for n in names)
    out: set[str] = set()
    for m in matchers:
        if m.literal is not None:
            if ascii_only:
                if m.literal in names:
                    out.add(m.literal)
            else:
                out.update(n for n in names if to_code_units(n) == m.literal)
        elif m.regex is not None:
            rx = m.regex.match
            if ascii_only:
                out.update(n for n in names if rx(n))
            else:
                out.update(n for n in names if rx(to_code_units(n)))
    return out


@dataclass
class _Frame:
    rel: str
    states: tuple[int, ...]
    entries: list[tuple[str, int]]
    index: int
    realpath: str
    memo_key: tuple[object, ...] | None = None
    first_candidate: int = 0
    has_link: bool = False  # a symlink at or below this directory (follow mode can't memo)


class _Walk:
    """``DefaultGlobber.globGenerator`` over a :class:`Tree`, collecting non-directories.

    Directories that match are yielded by the globber but skipped by the hashing loop, so
    they are not collected; symbolic links are collected with their ``lstat`` kind and
    resolved by the loop, as node does.
    """

    def __init__(self, tree: Tree, patterns: PatternSet, *, follow: bool, windows: bool) -> None:
        self.tree = tree
        self.ps = patterns
        self.follow = follow
        self.windows = windows
        self.candidates: list[tuple[str, int]] = []
        self.error: TreeError | None = None
        self._base_chain: list[str] = []
        # Trees that can name their directories (git trees) share a walk memo across calls.
        memo = getattr(tree, "walk_memo", None)
        self._memo: dict[tuple[object, ...], list[tuple[str, int]]] | None = memo

    def run(self) -> None:
        ws = self.tree.workspace
        if ws == "/":
            return  # '/' + sep never prefixes a path: the runner hashes nothing
        ws_parts = ["", *ws.split("/")[1:]]
        start = self.ps.start_states()
        try:
            for sp in self.ps.search_paths():
                if sp == ws or sp.startswith(ws + "/"):
                    rel = sp[len(ws) + 1 :]
                    if self.windows and rel:
                        rel = self._case_insensitive(rel)
                    kind = self.tree.lstat(rel)
                    if kind is None:
                        continue
                    states = self.ps.advance_path(start, ws_parts)
                    if rel:
                        states = self.ps.advance_path(states, rel.split("/"))
                    self._visit_root(rel, kind, states, [])
                elif sp == "/" or ws.startswith(sp + "/"):
                    # The search starts above the workspace: it reaches the workspace only if
                    # every directory on the way matches or partially matches.
                    depth = 1 if sp == "/" else len(sp.split("/"))
                    states = self.ps.advance_path(start, ws_parts[:depth])
                    chain = [sp]
                    alive = True
                    for i in range(depth, len(ws_parts)):
                        if not (self.ps.kind(states) or self.ps.partial(states)):
                            alive = False
                            break
                        states = self.ps.advance_path(states, [ws_parts[i]])
                        chain.append("/".join(ws_parts[: i + 1]))
                    if alive:
                        self._visit_root("", DIR, states, chain[:-1])
                # Otherwise the search path is outside the workspace: nothing there is hashed.
        except TreeError as exc:
            self.error = exc

    def _case_insensitive(self, rel: str) -> str:
        """Spell ``rel`` as the tree does, matching names as NTFS would (ignoring case)."""
        parts = rel.split("/")
        out: list[str] = []
        for i, part in enumerate(parts):
            parent = "/".join(out)
            if self.tree.lstat(parent) != DIR and parent:
                return "/".join(out + parts[i:])
            try:
                names = [n for n, _ in self.tree.listdir(parent)]
            except TreeError:
                return "/".join(out + parts[i:])
            exact = part in names
            folded = [n for n in names if n.upper() == part.upper()]
            out.append(part if exact or not folded else folded[0])
        return "/".join(out)

    def _order(self, entries: list[tuple[str, int]]) -> list[tuple[str, int]]:
        if not self.windows:
            return entries
        return sorted(entries, key=lambda e: _windows_order(e[0]))

    def _memo_key(self, rel: str, states: tuple[int, ...]) -> tuple[object, ...] | None:
        """Key of a directory's walk result, when it depends on nothing else.

        For git trees a directory is a tree object: the same object walked in the same pattern
        states yields the same candidates, whatever commit it belongs to. Without following
        links nothing outside the directory is looked at, so across thousands of commits only
        changed directories are walked again. (Following links makes a result depend on the
        link targets, so in that mode only subtrees without links are remembered.)
        """
        if self._memo is None:
            return None
        dir_id = self.tree.dir_id(rel)  # type: ignore[attr-defined]
        if dir_id is None:
            return None
        return (self.ps.fingerprint, self.follow, dir_id, states)

    def _remember(self, frame: _Frame) -> None:
        assert self._memo is not None and frame.memo_key is not None
        cut = len(frame.rel) + 1 if frame.rel else 0
        self._memo[frame.memo_key] = [
            (rel[cut:], kind) for rel, kind in self.candidates[frame.first_candidate :]
        ]

    def _matching_files(
        self, states: tuple[int, ...], entries: list[tuple[str, int]]
    ) -> frozenset[str]:
        """Which file-like entries of a directory match, decided for the whole directory.

        A file is one step below its directory, so each pattern reduces to "always" or "one
        of these segment matchers accepts the name" (:meth:`Pattern.file_plan`). Testing
        every name against each matcher in one comprehension, and folding include/exclude
        only for the few names that matched anything, keeps the per-file cost of a walk of
        100,000 files to a regex call.
        """
        names = [n for n, k in entries if k == FILE or (k == SYMLINK and not self.follow)]
        if not names:
            return frozenset()
        plan: list[tuple[bool, int, set[str] | None]] = []  # None: every name
        useful = False
        for p, s in zip(self.ps.patterns, states, strict=True):
            always, matchers = p.file_plan(s)
            if always:
                plan.append((p.negate, p.match_bits, None))
            elif matchers:
                plan.append((p.negate, p.match_bits, _names_matching(matchers, names)))
            else:
                continue
            useful = useful or not p.negate
        if not useful:
            return frozenset()
        if len(plan) == 1 and not plan[0][0]:
            _, bits, hit = plan[0]
            if not bits & 2:
                return frozenset()
            return frozenset(names) if hit is None else frozenset(hit)
        pool = (
            set(names)
            if any(h is None for _, _, h in plan)
            else set().union(*(h for _, _, h in plan if h is not None))
        )
        out = set()
        for name in pool:
            k = 0
            for negate, bits, hit in plan:
                if hit is None or name in hit:
                    k = (k & ~bits) if negate else (k | bits)
            if k & 2:
                out.add(name)
        return frozenset(out)

    def _visit_root(self, rel: str, kind: int, states: tuple[int, ...], chain: list[str]) -> None:
        """Process a search-path item, then walk below it depth-first."""
        ps = self.ps
        match = ps.kind(states)
        if not match and not ps.partial(states):
            return
        self._base_chain = chain
        stack: list[_Frame] = []
        entered = self._enter_or_collect(rel, kind, states, match, chain, stack)
        if not entered:
            return
        while stack:
            frame = stack[-1]
            if frame.index >= len(frame.entries):
                stack.pop()
                if frame.has_link and stack:
                    stack[-1].has_link = True
                if frame.memo_key is not None and not (self.follow and frame.has_link):
                    self._remember(frame)
                continue
            name, kind = frame.entries[frame.index]
            frame.index += 1
            if kind == SYMLINK:
                frame.has_link = True
            child = frame.rel + "/" + name if frame.rel else name
            if kind == FILE or (kind == SYMLINK and not self.follow):
                self.candidates.append((child, kind))  # only matching files are listed
                continue
            cstates = ps.advance(frame.states, to_code_units(name))
            match = ps.kind(cstates)
            if not match and not ps.partial(cstates):
                continue
            chain = self._base_chain + [f.realpath for f in stack] if self.follow else []
            self._enter_or_collect(
                child, kind, cstates, match, chain, stack, parent_real=frame.realpath
            )

    def _enter_or_collect(
        self,
        rel: str,
        kind: int,
        states: tuple[int, ...],
        match: int,
        chain: list[str],
        stack: list[_Frame],
        parent_real: str | None = None,
    ) -> bool:
        """Stat one matched-or-partial item; collect it or push its directory frame."""
        tree = self.tree
        if kind == UNREACHABLE:
            if self.follow:
                return False  # stat() fails with ENOENT: omitted like a broken link
            raise TreeError("ENOENT", "no such file or directory, lstat", _abs(tree, rel))
        if self.follow and kind == SYMLINK:
            resolved = tree.stat(rel)
            if resolved is None:
                return False  # omitBrokenSymbolicLinks
            kind = resolved
            real = tree.realpath(rel) if kind == DIR else ""
        elif kind == DIR and self.follow:
            real = (
                (parent_real + "/" + rel.rsplit("/", 1)[-1]) if parent_real else tree.realpath(rel)
            )
        else:
            real = ""
        if kind == DIR:
            if self.follow and real in chain:
                return False  # symlink cycle: skipped, not an error
            memo_key = self._memo_key(rel, states)
            if memo_key is not None and self._memo is not None:
                known = self._memo.get(memo_key)
                if known is not None:
                    prefix = rel + "/" if rel else ""
                    self.candidates.extend((prefix + suffix, k) for suffix, k in known)
                    return False
            entries = self._order(tree.listdir(rel))
            files = self._matching_files(states, entries)
            follow = self.follow
            # Keep directories, links and oddities (they need a full match) and the files
            # that match; skip the rest without touching them again.
            kept = [
                e
                for e in entries
                if e[0] in files or not (e[1] == FILE or (e[1] == SYMLINK and not follow))
            ]
            stack.append(_Frame(rel, states, kept, 0, real, memo_key, len(self.candidates)))
            return True
        if kind in (FILE, SYMLINK, OTHER) and match & 2:
            self.candidates.append((rel, kind))
        return False
