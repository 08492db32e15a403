"""The error hierarchy.

Every error cachekit raises on bad input derives from :class:`CachekitError` and carries a
one-line message that names the file, line or pattern at fault, so the CLI can print it as is
and exit non-zero without a traceback.
"""

from __future__ import annotations

__all__ = [
    "CachekitError",
    "EnvironmentFailure",
    "GitError",
    "HashFilesError",
    "TreeError",
    "UsageError",
]


class CachekitError(Exception):
    """Root of every error cachekit reports to users.

    ``exit_code`` is what the CLI exits with (docs/cli.md, "Exit codes"): 2 unless a subclass says
    otherwise — the input, as given, cannot be analysed (a malformed file or option). 1 is
    reserved for an answer that reports a problem (findings, a step the runner would fail),
    3 for a failure of the environment (:class:`EnvironmentFailure`), 70 for a bug.
    """

    exit_code = 2


class UsageError(CachekitError):
    """The caller asked for something malformed (a bad option, an unknown revision)."""

    exit_code = 2


class EnvironmentFailure(CachekitError):
    """The machine failed cachekit, not the input: a full disk, an unwritable directory, a git
    that refuses to answer. Exit status 3, so scripts can tell it from a finding (1) or a
    usage error (2)."""

    exit_code = 3


class HashFilesError(CachekitError):
    """``hashFiles()`` would fail the step on GitHub's runner, for the reason given.

    Exit 1: that *is* the answer to "what does hashFiles give" — the step fails.

    The runner surfaces these as ``hashFiles('…') failed. Fail to hash files under directory
    '…'``; the message here carries the underlying reason (the pattern, the path, the errno),
    which is what users actually need.
    """

    exit_code = 1


class HashFilesUnknowable(HashFilesError):
    """The files a hash needs are not in the tree cachekit reads (another repository checked
    out over the workspace, a blob missing from a partial clone): the step would hash
    *something* on the runner, but its digest cannot be known here."""


class TreeError(EnvironmentFailure):
    """A file-system style failure while reading a tree (ENOTDIR, ELOOP, EACCES, …).

    ``code`` holds the errno name node would report, so ``hashFiles`` can phrase the failure
    the way the runner's script does.
    """

    def __init__(self, code: str, message: str, path: str) -> None:
        super().__init__(f"{code}: {message}, '{path}'")
        self.code = code
        self.path = path


class GitError(EnvironmentFailure):
    """git could not answer (a corrupt or truncated object, a refusal, git missing): exit 3.
    A path that is not a repository or an unknown revision is a :class:`UsageError`."""
