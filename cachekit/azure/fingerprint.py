"""Azure Pipelines' ``Cache@2`` key fingerprint, as the agent computes it.

Everything here follows microsoft/azure-pipelines-agent, ``src/Agent.Plugins/PipelineCache/``:

``PipelineCacheTaskPluginBase.ParseIntoSegments``
    A key containing a newline is the old format (one segment per line); otherwise it is
    split on ``|``, empty segments dropped, each trimmed. ``AZP_CACHING_SALT`` prepends a
    ``AZP_CACHING_SALT=<salt>`` segment. ``restoreKeys`` is one key per line, each split the
    same way; the agent appends the wildcard segment ``**`` to each (a prefix lookup).

``FingerprintCreator.CheckSegment``
    ``*`` and ``**`` are reserved; a segment may not start with ``'`` or a backtick.

``FingerprintCreator.IsPathySegment``
    Not a path when wrapped in ``"…"``, when it holds a character that is not a valid file
    name character (on Linux only NUL; ``/`` is the separator), when it has neither ``.`` nor a
    separator, or when it ends with ``.``. A string segment is used as written.

``EvaluateToFingerprint`` (a path segment)
    Split on ``,``, trimmed; ``!`` rules exclude. Each include rule is made absolute against
    ``System.DefaultWorkingDirectory`` (``MakePathCanonical``: ``Path.GetFullPath``) and
    grouped by where enumeration starts (``DetermineFileEnumerationFromGlob``: no glob →
    the directory and the exact file name, top level only; a glob → the directory before the
    first glob character, *all* directories only when the rule contains ``**``, else the top
    directory only). Enumerated files pass when some include glob of the group matches and no
    exclude does (``minimatch`` with ``dot``, ``nobrace``, case-insensitive except on Linux).
    Files are kept in ordinal order of their absolute paths (a ``SortedDictionary``).

``MatchedFile.GenerateHash``
    ``base64(SHA-256(UTF-8(concat("\\nSHA256(<display path>)=[<length>]<SHA-256 hex>"))))``
    where the display path is relative to ``Pipeline.Workspace`` (so ``s/…`` for the sources)
    and the per-file hex is upper case (BuildXL's ``ToHex``). No file → "File not found" /
    "No matching files found for pattern", and the step fails.

The key is the segments joined with ``|`` (``Fingerprint.ToString``, as the task logs
"Resolved to: …").
"""

from __future__ import annotations

import base64
import hashlib
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from ..errors import TreeError
from ..fs.trees import DIR, FILE, SYMLINK, Tree
from ..hashing.hashfiles import HashedFile

__all__ = [
    "GLOB_CHARS",
    "SegmentError",
    "SegmentResult",
    "generate_hash",
    "is_pathy_segment",
    "minimatch_regex",
    "parse_key",
    "resolve_path_segment",
]

GLOB_CHARS: Final = "*?[]"
WILDCARD: Final = "**"
MAX_FILES: Final = 100_000


class SegmentError(ValueError):
    """The agent refuses the segment (``CheckSegment``)."""


def parse_key(key: str, salt: str = "") -> tuple[bool, list[str]]:
    """``ParseIntoSegments`` for one key: (old newline format?, segments)."""
    old = "\n" in key.replace("\r\n", "\n").rstrip("\n") if key.endswith("\n") else "\n" in key
    if old:
        segments = [s.strip() for s in key.replace("\r\n", "\n").split("\n") if s.strip()]
    else:
        segments = [s.strip() for s in key.split("|") if s.strip()]
        if salt.strip():
            segments = [f"AZP_CACHING_SALT={salt}", *segments]
    return old, segments


def check_segment(segment: str) -> None:
    if segment in ("*", WILDCARD):
        raise SegmentError(
            f"`{segment}` is a reserved key segment. For path glob, use `./{segment}`."
        )
    if segment.startswith("'"):
        raise SegmentError("A key segment cannot start with a single-quote character.")
    if segment.startswith("`"):
        raise SegmentError("A key segment cannot start with a backtick character.")


def is_pathy_segment(segment: str, windows: bool = False) -> bool:
    """``IsPathySegment`` with the agent's OS's separators and invalid file name characters."""
    if len(segment) >= 2 and segment[0] == '"' and segment[-1] == '"':
        return False
    invalid = set('"<>|\0') | {chr(c) for c in range(1, 32)} | set(":*?\\/") if windows else {"\0"}
    pathy_extra = set(GLOB_CHARS) | ({"\\", "/", ":"} if windows else {"/"})
    if any(c in invalid and c not in pathy_extra for c in segment):
        return False
    separators = ("\\", "/") if windows else ("/",)
    if "." not in segment and not any(s in segment for s in separators):
        return False
    return not segment.endswith(".")


def minimatch_regex(pattern: str, nocase: bool) -> re.Pattern[str]:
    """minimatch (``dot: true``, ``nobrace: true``) of an absolute ``/`` pattern, as a regex."""
    parts = pattern.split("/")
    out = ""
    for i, seg in enumerate(parts):
        last = i == len(parts) - 1
        if seg == "**":
            out += "(?:[^/]*(?:/[^/]*)*)?" if last else "(?:[^/]+/)*"
            continue
        out += _segment(seg) + ("" if last else "/")
    return re.compile(out, re.IGNORECASE if nocase else 0)


def _segment(seg: str) -> str:
    out = ""
    i = 0
    while i < len(seg):
        c = seg[i]
        if c == "*":
            while i + 1 < len(seg) and seg[i + 1] == "*":
                i += 1
            out += "[^/]*"
        elif c == "?":
            out += "[^/]"
        elif c == "[":
            end = seg.find("]", i + 2)
            if end < 0:
                out += re.escape(c)
            else:
                body = seg[i + 1 : end]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out += "[" + body.replace("\\", "\\\\") + "]"
                i = end
        else:
            out += re.escape(c)
        i += 1
    return out


def generate_hash(files: list[tuple[str, int, str]]) -> str:
    """``MatchedFile.GenerateHash`` over (display path, length, SHA-256 hex upper case)."""
    text = "".join(f"\nSHA256({path})=[{length}]{digest}" for path, length, digest in files)
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


@dataclass(frozen=True)
class SegmentResult:
    value: str | None  # the segment's fingerprint; None when it cannot be computed
    pattern: bool  # "file pattern" (globs, or more than one match) vs "file"
    files: tuple[HashedFile, ...]  # display path and upper-case SHA-256 hex
    error: str | None = None


def _full(path: str, cwd: str) -> str:
    """``Path.GetFullPath`` on ``/`` paths."""
    joined = path if path.startswith("/") else f"{cwd.rstrip('/')}/{path}"
    norm = posixpath.normpath(joined)
    return "/" + norm.lstrip("/")


def _enumeration(rule: str) -> tuple[str, str, bool]:
    """``DetermineFileEnumerationFromGlob``: (root, file name pattern, all directories)."""
    first = min((rule.find(c) for c in GLOB_CHARS if c in rule), default=-1)
    if first < 0:
        return posixpath.dirname(rule), posixpath.basename(rule), False
    root = rule[: rule[:first].rfind("/")]
    return root, "*", "**" in rule


def _walk(tree: Tree, rel: str, recursive: bool) -> Iterator[str]:
    stack = [rel]
    seen = 0
    while stack:
        current = stack.pop()
        try:
            entries = tree.listdir(current)
        except TreeError:
            continue
        for name, kind in entries:
            path = f"{current}/{name}" if current else name
            if kind == FILE or (kind == SYMLINK and tree.stat(path) == FILE):
                seen += 1
                if seen > MAX_FILES:
                    return
                yield path
            elif kind == DIR and recursive and path != ".git":
                stack.append(path)


class _Unreadable(Exception):
    """A group of rules the agent cannot enumerate; the message is the step's error."""


@dataclass(frozen=True)
class _Platform:
    """Where the agent runs: the checkout, the workspace paths are shown against, the OS."""

    sources: str
    workspace: str
    windows: bool
    linux: bool

    def same_name(self, base: str, name: str) -> bool:
        """File names compare case-insensitively except on Linux."""
        return base == name if self.linux else base.lower() == name.lower()


def resolve_path_segment(
    tree: Tree, segment: str, *, sources: str, workspace: str, windows: bool, linux: bool
) -> SegmentResult:
    """One path segment's fingerprint over the tree checked out at ``sources``."""
    where = _Platform(sources, workspace, windows, linux)
    rules = [r.strip() for r in segment.split(",") if r.strip()]
    if windows:
        rules = [r.replace("\\", "/") for r in rules]
    includes = [r for r in rules if not r.startswith("!")]
    if not includes:
        return SegmentResult(None, True, (), "No include rules specified.")
    excludes = [
        minimatch_regex(_full(r[1:], sources), not linux) for r in rules if r.startswith("!")
    ]
    groups: dict[tuple[str, str, bool], list[re.Pattern[str]]] = {}
    for rule in includes:
        full = _full(rule, sources)
        groups.setdefault(_enumeration(full), []).append(minimatch_regex(full, not linux))
    matched: dict[str, tuple[str, int, str]] = {}  # absolute path -> (display, length, hex)
    try:
        for enumeration, globs in groups.items():
            matched.update(_match_group(tree, where, enumeration, globs, excludes))
    except _Unreadable as exc:
        return SegmentResult(None, True, (), str(exc))
    ordered = [matched[k] for k in sorted(matched)]  # ordinal order of absolute paths
    files = tuple(HashedFile(display, digest) for display, _, digest in ordered)
    pattern = any(c in segment for c in GLOB_CHARS) or len(files) > 1
    value = generate_hash(ordered)
    if not files:
        why = (
            f"No matching files found for pattern: {segment}"
            if pattern
            else f"File not found: {segment}"
        )
        return SegmentResult(value, pattern, (), why)
    return SegmentResult(value, pattern, files)


def _match_group(
    tree: Tree,
    where: _Platform,
    enumeration: tuple[str, str, bool],
    globs: list[re.Pattern[str]],
    excludes: list[re.Pattern[str]],
) -> dict[str, tuple[str, int, str]]:
    """The files one enumeration root yields that an include glob of its group matches and
    no exclude does: absolute path -> (display path, length, upper-case SHA-256 hex).
    Raises :class:`_Unreadable` where the agent's enumeration fails."""
    root, name, recursive = enumeration
    sources = where.sources
    if root != sources and not root.startswith(sources + "/"):
        raise _Unreadable(f"{root} is outside the checkout: read at run time")
    rel_root = root[len(sources) + 1 :] if root != sources else ""
    if rel_root and tree.stat(rel_root) != DIR:
        raise _Unreadable(f"Could not find a part of the path '{root}'")
    matched: dict[str, tuple[str, int, str]] = {}
    for rel in _walk(tree, rel_root, recursive):
        if name != "*" and not where.same_name(posixpath.basename(rel), name):
            continue
        full = f"{sources}/{rel}"
        if not any(g.fullmatch(full) for g in globs) or any(e.fullmatch(full) for e in excludes):
            continue
        try:
            data = tree.read(rel)
        except TreeError as exc:
            raise _Unreadable(str(exc)) from exc
        display = posixpath.relpath(full, where.workspace)
        if where.windows:
            display = display.replace("/", "\\")
        matched[full] = (display, len(data), hashlib.sha256(data).hexdigest().upper())
    return matched
