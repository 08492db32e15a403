"""``input-not-in-key`` / ``setup-cache-misses-input``: the key misses what the job installs.

Every file an install after the cache step reads (``-r``/``-c`` includes, the project's
metadata, the lock a Node install reads) must be hashed, or a change to it restores the stale
cache. Packages named inline in ``run:`` only matter for a built environment: a download cache
fetches what it lacks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Final

from ...ecosystems import registry
from ...explain.model import CacheReport
from ...findings import Code, Severity
from ..installs import Install
from ..model import CheckFinding, Location
from ..rule import CacheFacts, CheckContext, cache_rule, finding, short_list

# Installers and CI tooling: naming them inline shapes no cached environment (the registry's).
_TOOLS: Final = registry.tooling(ci=True)


@cache_rule(
    "inputs", Code.INPUT_NOT_IN_KEY, Code.SETUP_CACHE_MISSES_INPUT, Code.INPUT_OUTSIDE_REPOSITORY
)
def missing_inputs(ctx: CheckContext, cache: CacheFacts) -> Iterator[CheckFinding]:
    if cache.ecosystem is None or not cache.restores or cache.volatile:
        return
    if not cache.hashed and cache.setup_action:
        # setup-node's own key hashes its lock; a setup action whose key cachekit could not
        # build (an unknown runner) hashes what its cache-dependency-path says, not nothing:
        # no verdict on its inputs then
        return
    if _hash_failed(cache.report):
        # What the key hashes is unknown (a blob missing from the object store, a pattern
        # GitHub rejects): the hashFiles finding says why; "not in the key" would be a guess.
        return
    inputs = _gather(cache, ctx.after(cache))
    built = cache.built_env and cache.ecosystem != "node"
    if inputs.missing:
        yield _not_hashed(cache, inputs.missing, built)
    if inputs.outside:
        yield _outside(cache, inputs.outside, inputs.linked)
    if inputs.inline and built:  # a download cache fetches what it lacks: nothing goes stale
        yield finding(
            Code.INPUT_NOT_IN_KEY,
            f"packages named in run: ({short_list(x.message for x in inputs.inline)}) are not "
            "in the key: editing them does not change it",
            at=cache.at,
            job=cache.job,
            severity=Severity.WARNING,
            fix="Move them into a requirements file and hash it, or add "
            f"hashFiles('{cache.job.workflow}') to the key",
            related=inputs.inline,
        )


@dataclass
class _Inputs:
    """What the installs after the cache step read that the key does not cover."""

    missing: dict[str, Location] = field(default_factory=dict)  # in the repository
    outside: dict[str, Location] = field(default_factory=dict)  # outside it
    linked: bool = False  # some outside file is reached through a link the repository commits
    inline: list[Location] = field(default_factory=list)  # packages named in run:


def _gather(cache: CacheFacts, after: Iterable[Install]) -> _Inputs:
    """Sort each install's files: hashed, pinned by a hashed lock, missing, or outside."""
    inputs = _Inputs()
    for install in after:
        hashed_lock = any(f.role == "lock" and f.path in cache.hashed for f in install.files)
        for f in install.files:
            if f.outside:
                inputs.outside.setdefault(f.path, f.named_at)
                inputs.linked = inputs.linked or f.linked
            elif not f.exists or f.path in cache.hashed:
                continue
            elif hashed_lock and f.role == "project":
                continue  # the lock pins what the manifest asks for
            else:
                inputs.missing.setdefault(f.path, f.named_at)
        inputs.inline.extend(
            Location(install.where.file, install.where.line, p)
            for p in install.inline
            if not _tool_or_variable(p)
        )
    return inputs


def _related(places: dict[str, Location]) -> list[Location]:
    """Each file at the place that names it, the message its path when the place has none."""
    return [Location(loc.file, loc.line, loc.message or path) for path, loc in places.items()]


def _not_hashed(cache: CacheFacts, missing: dict[str, Location], built: bool) -> CheckFinding:
    names = list(missing)
    return finding(
        Code.SETUP_CACHE_MISSES_INPUT if cache.setup_action else Code.INPUT_NOT_IN_KEY,
        f"the key does not hash {short_list(names)}, which the job installs from: when "
        f"{'it changes' if len(names) == 1 else 'they change'} the key stays the same "
        "and the old cache is restored",
        at=cache.at,
        job=cache.job,
        severity=None if cache.setup_action else (Severity.ERROR if built else Severity.WARNING),
        fix=_fix(cache, names),
        related=_related(missing),
    )


def _outside(cache: CacheFacts, outside: dict[str, Location], linked: bool) -> CheckFinding:
    return finding(
        Code.INPUT_OUTSIDE_REPOSITORY,
        f"the job installs from {short_list(list(outside))}, outside the repository: the runner "
        "reads a file of its own machine there, which cachekit does not read and no key can "
        "hash (hashFiles rejects patterns outside the workspace)",
        at=cache.at,
        job=cache.job,
        # A link the repository commits is its own doing (a warning); a path the job
        # reaches at run time (a clone after `cd ..`, a file of the runner image) is a
        # fact worth knowing that no key could capture (a note).
        severity=Severity.WARNING if linked else Severity.NOTE,
        fix="Commit the file into the repository and install from that path",
        related=_related(outside),
    )


def _tool_or_variable(spec: str) -> bool:
    """Installers and CI tooling (they shape no cached environment), or an unexpanded $VAR."""
    if spec.startswith("$") or "${{" in spec:
        return True
    name = re.split(r"[\[<>=!~; @]", spec, maxsplit=1)[0].strip().lower().replace("_", "-")
    return name in _TOOLS


def _hash_failed(report: CacheReport) -> bool:
    """A hashFiles() of the key that fails or cannot be computed offline: what the key covers
    is unknown (hashfiles-fails or hashfiles-unknowable says why)."""
    return any(
        part.kind == "hashFiles" and part.hash is not None and part.hash.error is not None
        for part in report.parts
    )


def _accepted(pattern: str) -> bool:
    """Whether GitHub's hashFiles accepts the pattern: @actions/glob rejects a '.' segment
    (but a leading one) and any '..' segment ("Relative pathing '.' and '..' is not
    allowed"); an absolute path leaves the workspace, whose files the runner skips."""
    segments = pattern.lstrip("!").replace("\\", "/").split("/")
    if pattern.lstrip("!").startswith("/"):
        return False
    return all(seg != ".." and (seg != "." or i == 0) for i, seg in enumerate(segments))


def _fix(cache: CacheFacts, names: list[str]) -> str:
    """The key (or setup action input) with the missing files added."""
    if cache.setup_action:
        listed = sorted(set(cache.hashed) | set(names))
        return "cache-dependency-path: |\n" + "\n".join(f"  {p}" for p in listed)
    calls = [p for p in cache.report.parts if p.kind == "hashFiles" and p.hash is not None]
    template = cache.report.key_template
    if calls and calls[-1].hash is not None:
        call = calls[-1].hash
        # never a pattern GitHub rejects, never one twice
        patterns = [p for p in dict.fromkeys([*call.patterns, *names]) if _accepted(p)]
        new = "hashFiles(" + ", ".join(f"'{p}'" for p in patterns) + ")"
        return "key: " + template.replace(calls[-1].text, new, 1)
    new = "hashFiles(" + ", ".join(f"'{p}'" for p in names) + ")"
    return f"key: {template.rstrip()}-${{{{ {new} }}}}"
