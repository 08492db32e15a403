"""What a restored *installed* Python environment depends on, and a key that does not say it.

A venv or site-packages only works for the interpreter, OS and architecture that built it, and
holds what resolved the day it was saved: ``unpinned-in-built-env`` (loose requirements under
a content-addressed key), ``interpreter-not-in-key`` / ``os-not-in-key`` (the key names
neither), ``marker-dependent`` (requirements whose markers test a dimension the key does not
name), and restore keys that drop a dimension the key names (a miss restores another's build).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from ...findings import Code, Severity
from ..model import CheckFinding
from ..rule import (
    ARCH_TEXT,
    OS_TEXT,
    PY_VERSION_TEXT,
    CacheFacts,
    CheckContext,
    cache_rule,
    finding,
    job_python,
    short_list,
)

_OS_WORDS: Final = re.compile(r"linux|ubuntu|macos|darwin|windows|win32|win64|osx", re.I)
_ARCH_WORDS: Final = re.compile(r"x64|x86|amd64|arm64|aarch64|arm\b", re.I)
_MARKER_DIMENSION: Final = (
    ("interpreter", re.compile(r"python_(full_)?version|implementation_(name|version)")),
    ("os", re.compile(r"sys_platform|platform_system|os_name|platform_release")),
    ("arch", re.compile(r"platform_machine")),
)


def _restored_env(cache: CacheFacts) -> bool:
    """A Python environment restored by a key that can restore another run's build (and a key
    cachekit could build: a setup action on an unknown runner hashes what its
    cache-dependency-path says, not nothing, so there is no verdict on it)."""
    return (
        cache.ecosystem == "python"
        and cache.restores
        and not cache.volatile
        and cache.built_env
        and (bool(cache.hashed) or not cache.setup_action)
    )


@cache_rule("loose-pins", Code.UNPINNED_IN_BUILT_ENV)
def loose_pins(ctx: CheckContext, cache: CacheFacts) -> Iterator[CheckFinding]:
    if not _restored_env(cache) or not cache.content_addressed:
        return
    loose = [loc for i in ctx.after(cache) if not i.locked for loc in i.loose]
    if not loose:
        return
    yield finding(
        Code.UNPINNED_IN_BUILT_ENV,
        f"the cached environment is built from {len(loose)} requirement(s) that allow "
        f"newer versions ({short_list(x.message for x in loose[:3])}): a fresh install would "
        "change while the key does not, so the cache keeps what resolved when it was saved",
        at=cache.at,
        job=cache.job,
        related=loose[:20],
    )


@cache_rule(
    "key-dimensions",
    Code.INTERPRETER_NOT_IN_KEY,
    Code.OS_NOT_IN_KEY,
    Code.MARKER_DEPENDENT,
)
def key_dimensions(ctx: CheckContext, cache: CacheFacts) -> Iterator[CheckFinding]:
    if not _restored_env(cache):
        return
    names = cache.names
    python = job_python(cache.job)
    names_python = bool(PY_VERSION_TEXT.search(names)) or (
        python not in (None, "default") and python is not None and python in cache.report.key
    )
    names_os = bool(OS_TEXT.search(names) or _OS_WORDS.search(cache.report.key))
    names_arch = bool(ARCH_TEXT.search(names) or _ARCH_WORDS.search(cache.report.key))
    if not names_python:
        yield finding(
            Code.INTERPRETER_NOT_IN_KEY,
            "the cache holds an installed environment but the key does not name the Python "
            "it was built with: when the interpreter changes (a new patch release, the "
            "runner's default) packages built for another are restored",
            at=cache.at,
            job=cache.job,
            severity=Severity.WARNING,
        )
    if not names_os:
        yield finding(
            Code.OS_NOT_IN_KEY,
            "the cache holds an installed environment but the key does not name the OS",
            at=cache.at,
            job=cache.job,
            severity=Severity.WARNING,
        )
    markers = [(loc, m) for i in ctx.after(cache) for loc, m in i.markers]
    named = {"interpreter": names_python, "os": names_os, "arch": names_arch}
    for dimension, pattern in _MARKER_DIMENSION:
        hits = [loc for loc, m in markers if pattern.search(m)]
        if hits and not named[dimension]:
            yield finding(
                Code.MARKER_DEPENDENT,
                f"{len(hits)} requirement(s) have markers on the {dimension} "
                f"({short_list(x.message for x in hits[:3])}) but the key does not name it",
                at=cache.at,
                job=cache.job,
                related=hits[:20],
            )


@cache_rule(
    "restore-keys",
    Code.INTERPRETER_NOT_IN_KEY,
    Code.OS_NOT_IN_KEY,
    Code.ARCH_NOT_IN_KEY,
)
def restore_keys(ctx: CheckContext, cache: CacheFacts) -> Iterator[CheckFinding]:
    """A restore prefix that drops the interpreter/OS restores another's environment."""
    if not _restored_env(cache):
        return
    for dimension, code, pattern in (
        ("Python", Code.INTERPRETER_NOT_IN_KEY, PY_VERSION_TEXT),
        ("OS", Code.OS_NOT_IN_KEY, OS_TEXT),
        ("architecture", Code.ARCH_NOT_IN_KEY, ARCH_TEXT),
    ):
        token = cache.token(pattern)
        if not token:
            continue
        for prefix in cache.report.restore_keys:
            if token in prefix:
                continue
            yield finding(
                code,
                f"the key names the {dimension} ({token}) but the restore key '{prefix}' "
                f"does not: on a miss it restores an environment built for another "
                f"{dimension}",
                at=cache.at,
                job=cache.job,
                severity=Severity.ERROR,
                fix="Drop restore-keys for an installed environment, or keep the "
                f"{dimension} in every prefix",
            )
