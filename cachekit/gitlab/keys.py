"""GitLab's cache key, computed offline: ``key:files`` digests by GitLab version, the cache
index prefix, the jobs-cache-index and protected/non-protected suffixes.

Each rule is GitLab's own source (gitlabhq/gitlabhq, read with the search tool):

``key:files`` — ``lib/gitlab/ci/pipeline/seed/build/cache.rb``:

- ``key_from_files``: ``@key[:prefix] ||= @custom_key_prefix.to_s`` then
  ``[@key[:prefix], cache_key_digest].select(&:present?).join('-')``. The custom prefix is
  the cache's index in the job's ``cache:`` list (``lib/gitlab/ci/build/cache.rb`` passes
  ``index``) — added by MR !104885 (GitLab 15.7) against collisions between a job's caches;
  before it the key was the digest alone (``[@key[:prefix], files_digest]``, commit
  eed996ac). A ``prefix:`` replaces the index.
- ``cache_key_digest``: ``hash_of_file_contents || 'default'`` for ``files``;
  ``hash_of_the_latest_changes || 'default'`` for ``files_commits``.
- ``hash_of_file_contents`` (current; MR !203233, GitLab 18.4): the patterns are expanded
  (``expand_file_patterns``: a pattern with ``*`` goes to
  ``repository.search_files_by_wildcard_path``, any other is taken as a path), the blobs at
  those paths in the pipeline's commit are read (``blobs_at``) and their git object ids
  (``.map(&:id)``) digested.
- ``hash_of_the_latest_changes`` (``files`` from 12.5 to 18.3, ``files_commits`` since):
  ``last_commit_id_for_path(@pipeline.sha, path)`` for each entry — the newest commit
  reachable from the pipeline's commit that touched the path (a git pathspec, so ``*``
  works as git's pathspec glob) — digested.
- ``digest_from_hashes``: ``hashes.compact.sort.uniq`` then
  ``Digest::SHA1.hexdigest(hashes.join('-'))``, nothing when no hash is left. So two
  files with identical bytes count once, and order never matters.
- ``files``: ``@key[:files].to_a.select(&:present?).uniq``.

``search_files_by_wildcard_path`` (``app/models/repository.rb``): the pattern is regex-escaped,
``**`` becomes ``.*?`` and ``*`` becomes ``([^/])*?``, anchored ``^…$``, matched against every
file path of the commit. GitLab 18.4.0 itself shipped without the expansion (issue #571491:
wildcard patterns gave ``default``); :data:`WILDCARD_FIX` models the fix.

Suffixes — ``app/models/ci/build.rb`` ``def cache``: when the project's
``jobs_cache_index`` is set ("Clear runner caches" increments it) the key *and every
fallback key* get ``-<index>``; when ``ci_separated_caches`` is on (the default since 15.0),
``-protected`` on a protected ref unless ``unprotect: true``, else ``-non_protected``, on the
key and every fallback key. ``CACHE_FALLBACK_KEY`` is a variable, not a fallback key: it gets
no suffix, and the runner refuses one that ends in ``-protected`` (``shells/abstract.go``,
``blockProtectedFallback``, gitlab-runner 14.10.1).

A string key defaults to ``default`` when ``cache:key`` is absent; the runner expands
variables in it (:mod:`cachekit.platforms.variables`) and sanitises it (``sanitizeCacheKey``:
``%2F``/``%2E`` decoded, ``\\`` to ``/``, the path cleaned, trailing spaces cut).
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import typing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final

from ..errors import TreeError
from ..fs.trees import DIR, FILE, SYMLINK, Tree
from ..hashing.hashfiles import HashedFile

__all__ = [
    "CONTENTS_SINCE",
    "FILES_SINCE",
    "INDEX_PREFIX_SINCE",
    "WILDCARD_FIX",
    "FilesDigest",
    "FilesMode",
    "Version",
    "digest_from_hashes",
    "files_digest",
    "git_blob_id",
    "parse_version",
    "sanitize_key",
    "wildcard_regex",
]

FilesMode = typing.Literal["contents", "commits"]
Version = tuple[int, int, int]

FILES_SINCE: Final[Version] = (12, 5, 0)
INDEX_PREFIX_SINCE: Final[Version] = (15, 7, 0)
CONTENTS_SINCE: Final[Version] = (18, 4, 0)
WILDCARD_FIX: Final[Version] = (18, 4, 1)
CURRENT: Final[Version] = (18, 6, 0)
MAX_MATCHES: Final = 100_000


def parse_version(text: str | None) -> Version:
    """``18.3`` → (18, 3, 0); None or ``current`` → the newest modelled behaviour."""
    if text is None or text == "current":
        return CURRENT
    m = re.fullmatch(r"(\d+)\.(\d+)(?:\.(\d+))?", text.strip())
    if not m:
        raise ValueError(f"not a GitLab version: {text!r} (e.g. 17.11 or 18.4.1)")
    return (int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))


def git_blob_id(data: bytes) -> str:
    """The git object id of a blob with these bytes (SHA-1 object format)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def digest_from_hashes(hashes: Sequence[str | None]) -> str | None:
    """``digest_from_hashes``: compact, sort, uniq, join with ``-``, SHA-1 hex; None if empty."""
    kept = sorted({h for h in hashes if h})
    if not kept:
        return None
    return hashlib.sha1("-".join(kept).encode()).hexdigest()


def wildcard_regex(pattern: str) -> re.Pattern[str]:
    """``search_files_by_wildcard_path``'s regex: ``**`` → ``.*?``, ``*`` → ``([^/])*?``."""
    escaped = re.escape(pattern)
    escaped = escaped.replace(r"\*\*", ".*?").replace(r"\*", r"([^/])*?")
    return re.compile("^" + escaped + "$", re.DOTALL)


def _walk_files(tree: Tree, limit: int = MAX_MATCHES) -> Iterator[str]:
    """Every file path of the tree (git's view: symlinks are entries, not followed)."""
    stack = [""]
    seen = 0
    while stack:
        rel = stack.pop()
        for name, kind in tree.listdir(rel):
            path = f"{rel}/{name}" if rel else name
            if path == ".git":
                continue
            if kind == DIR:
                stack.append(path)
            elif kind in (FILE, SYMLINK):
                seen += 1
                if seen > limit:
                    return
                yield path


@dataclass(frozen=True)
class FilesDigest:
    """One ``key:files`` digest: the value, the mode, each file with its per-file hash."""

    mode: FilesMode
    digest: str  # the hex digest, or "default" when no hash was found
    files: tuple[HashedFile, ...]  # (path, git blob id or last commit id)
    missing: tuple[str, ...]  # entries that matched nothing
    error: str | None = None  # why the digest cannot be computed offline


def _expand(tree: Tree, patterns: Sequence[str], wildcards: bool) -> list[str]:
    """``expand_file_patterns``: wildcard patterns over the tree, others as written."""
    out: list[str] = []
    all_files: list[str] | None = None
    for pattern in patterns:
        if "*" in pattern and wildcards:
            if all_files is None:
                all_files = sorted(_walk_files(tree))
            rx = wildcard_regex(pattern)
            out.extend(p for p in all_files if rx.match(p))
        else:
            out.append(pattern)
    return list(dict.fromkeys(out))


def _blob(tree: Tree, path: str) -> str | None:
    """The blob id at ``path``, as ``blobs_at`` sees it (a symlink is its target text)."""
    rel = posixpath.normpath(path)
    if rel.startswith("../") or rel in (".", ".."):
        return None
    kind = tree.lstat(rel)
    if kind == SYMLINK:
        repo, commit = getattr(tree, "repo", None), getattr(tree, "commit", None)
        if repo is not None and isinstance(commit, str):
            out = repo.run_git("rev-parse", "--verify", "--quiet", f"{commit}:{rel}")
            return out.strip() if out else None
        try:
            target = os.readlink(os.path.join(tree.workspace, rel))
        except OSError:
            return None
        return git_blob_id(os.fsencode(target))
    if kind != FILE:
        return None
    try:
        return git_blob_id(tree.read(rel))
    except TreeError:
        return None


def _last_commit(tree: Tree, path: str) -> str | Exception | None:
    """``last_commit_id_for_path``: ``git log -1 <commit> -- <path>``."""
    repo = getattr(tree, "repo", None)
    commit = getattr(tree, "commit", None)
    if repo is None or not isinstance(commit, str):
        return RuntimeError("needs a commit (--rev): the commit-based digest reads the history")
    out = repo.run_git("log", "-1", "--format=%H", commit, "--", path)
    return out.strip() or None if out is not None else None


def files_digest(
    tree: Tree, files: Sequence[object], mode: FilesMode, *, wildcards: bool = True
) -> FilesDigest:
    """The digest of a ``key:files`` (or ``files_commits``) list, per GitLab's source."""
    entries = list(dict.fromkeys(str(f) for f in files if f not in (None, "")))
    hashed: list[HashedFile] = []
    missing: list[str] = []
    if mode == "contents":
        for path in _expand(tree, entries, wildcards):
            blob = _blob(tree, path)
            if blob is None:
                missing.append(path)
            else:
                hashed.append(HashedFile(path, blob))
    else:
        for path in entries:
            found = _last_commit(tree, path)
            if isinstance(found, Exception):
                return FilesDigest(mode, "‹commits›", (), (), str(found))
            if found is None:
                missing.append(path)
            else:
                hashed.append(HashedFile(path, found))
    digest = digest_from_hashes([h.sha256 for h in hashed])
    return FilesDigest(mode, digest or "default", tuple(hashed), tuple(missing))


def sanitize_key(key: str) -> str:
    """gitlab-runner's ``sanitizeCacheKey`` (unhashed mode): the key the cache is stored at."""
    if key == "":
        return ""
    text = key
    for enc in ("%2e", "%2E"):
        text = text.replace(enc, ".")
    for enc in ("%2f", "%2F"):
        text = text.replace(enc, "/")
    text = text.replace("\\", "/")
    cleaned = posixpath.normpath("/" + text)
    while cleaned not in ("", "/"):
        head, tail = posixpath.split(cleaned)
        tail = tail.rstrip()
        if tail:
            return posixpath.join(head[1:], tail) if head != "/" else tail
        cleaned = head
    return ""
