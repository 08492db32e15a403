"""What ``explain`` reports: one :class:`CacheReport` per cache step × matrix combination.

These are the platform-neutral records every CI platform's walker yields (``cachekit.github``
today): jobs, steps and caches with where each value came from. A field only GitHub Actions
fills is marked *(GitHub)*; another platform leaves it at its default (``uses``/``with_`` of a
step that runs an action, ``permissions``, ``cache_mode``). :attr:`JobRecord.platform` says
which walker made the record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..findings import Code, Severity
from ..hashing.hashfiles import HashedFile
from ..yamlsource import Mark

__all__ = [
    "CacheReport",
    "ExplainResult",
    "Finding",
    "HashCall",
    "JobRecord",
    "KeyPart",
    "StepRecord",
]


@dataclass(frozen=True)
class Finding:
    """A warning about a cache, with a stable code and the line it is about."""

    code: Code
    severity: Severity
    message: str
    mark: Mark | None = None

    def __post_init__(self) -> None:
        # A code or severity outside the registry is a bug where the finding is made, never
        # an output that silently says something else.
        object.__setattr__(self, "code", Code(self.code))
        object.__setattr__(self, "severity", Severity(self.severity))

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "file": self.mark.path if self.mark else None,
            "line": self.mark.line if self.mark else None,
        }


@dataclass(frozen=True)
class HashCall:
    """One ``hashFiles`` evaluation: what it matched, file by file."""

    patterns: tuple[str, ...]
    follow: bool
    flavor: str  # "runner" | "setup-action"
    digest: str | None  # None when the call fails (error says why) or cannot be computed
    files: tuple[HashedFile, ...] = ()
    error: str | None = None

    @property
    def call(self) -> str:
        args = ", ".join("'" + p.replace("'", "''") + "'" for p in self.patterns)
        return f"hashFiles({args})"

    def to_json(self) -> dict[str, Any]:
        return {
            "call": self.call,
            "flavor": self.flavor,
            "follow_symbolic_links": self.follow,
            "digest": self.digest,
            "files": [{"path": f.path, "sha256": f.sha256} for f in self.files],
            "error": self.error,
        }


@dataclass(frozen=True)
class KeyPart:
    """One component of a key: literal text, a context value, a hashFiles digest, an unknown."""

    kind: str  # "literal" | "context" | "hashFiles" | "unknown"
    text: str  # the expression or literal as written (or the action's name for the part)
    value: str  # what it evaluates to (unknowns rendered ‹name›)
    source: str | None = None  # where a context value comes from
    hash: HashCall | None = None
    assumed: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "text": self.text, "value": self.value}
        if self.source is not None:
            out["source"] = self.source
        if self.assumed:
            out["assumed"] = True
        if self.hash is not None:
            out["hashFiles"] = self.hash.to_json()
        return out


@dataclass(frozen=True)
class CacheReport:
    """One cache of one step in one matrix combination, fully explained."""

    workflow: str
    job: str
    matrix: dict[str, Any]
    step: str
    step_index: int
    mark: Mark
    via: tuple[Mark, ...]  # composite action / reusable workflow calls leading here
    uses: str  # the caching component as written: actions/cache@v4, actions/setup-python@v5
    kind: str  # restore+save | restore-only | save-only
    runner: str  # where runner facts come from (runs-on: ubuntu-latest …)
    key_template: str  # as written (actions/cache) or the action's own template
    key: str
    key_known: bool
    parts: tuple[KeyPart, ...]
    restore_keys: tuple[str, ...]
    paths: tuple[str, ...]
    version: str | None
    version_inputs: dict[str, Any] | None
    notes: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    stage: int = 0  # longest `needs:` chain before this job: jobs of one stage run together

    @property
    def ident(self) -> tuple[str, str, str, int, str]:
        """Identity of this cache across revisions (for ``--compare``)."""
        matrix = ",".join(f"{k}={self.matrix[k]}" for k in sorted(self.matrix))
        return (self.workflow, self.job, matrix, self.step_index, self.uses.split("@")[0])

    def to_json(self) -> dict[str, Any]:
        return {
            "workflow": self.workflow,
            "job": self.job,
            "matrix": self.matrix,
            "step": self.step,
            "file": self.mark.path,
            "line": self.mark.line,
            "via": [f"{m.path}:{m.line}" for m in self.via],
            "uses": self.uses,
            "kind": self.kind,
            "runner": self.runner,
            "key_template": self.key_template,
            "key": self.key,
            "key_known": self.key_known,
            "parts": [p.to_json() for p in self.parts],
            "restore_keys": list(self.restore_keys),
            "paths": list(self.paths),
            "version": self.version,
            "version_inputs": self.version_inputs,
            "notes": list(self.notes),
            "findings": [f.to_json() for f in self.findings],
        }


@dataclass(frozen=True)
class StepRecord:
    """One step as a run would see it: inputs evaluated, the script with known values put in.

    ``check`` and ``suggest`` need what a job does around its caches (what it installs, what it
    publishes), not only the caches; unknown ``${{ }}`` expressions stay in ``run`` as written.
    """

    index: int
    mark: Mark
    label: str
    id: str | None
    # (GitHub) the action as written: actions/cache@v4, ./.github/actions/x, owner/repo@…
    uses: str | None
    with_: dict[str, str]  # (GitHub) the action's inputs evaluated to text
    run: str | None
    shell: str | None
    working_directory: str | None
    env: dict[
        str, str
    ]  # the step's environment (workflow → job → step, plus $GITHUB_ENV), known values
    caches: tuple[int, ...] = ()  # indices into ExplainResult.caches made by this step
    via: tuple[Mark, ...] = ()  # composite action calls leading here


@dataclass(frozen=True)
class JobRecord:
    """One job × matrix combination: its trigger, runner and steps in order."""

    workflow: str
    job: str
    matrix: dict[str, Any]
    mark: Mark
    events: tuple[str, ...]  # the workflow's triggers
    runner: str  # where runner facts come from
    os: str | None  # Linux | Windows | macOS, None when unknown
    arch: str | None
    stage: int
    steps: tuple[StepRecord, ...]
    environment: str | None = None  # the deployment environment (`environment:`), e.g. pypi
    permissions: dict[str, str] = field(default_factory=dict)  # (GitHub) job's, else workflow's
    if_: str | None = None
    cache_mode: str | None = None  # (GitHub) `cache-mode:` of the job, else of the workflow
    needs: tuple[str, ...] = ()
    tag_push: bool = False  # the workflow runs on pushes of tags (a release pipeline)
    platform: str = "github"  # the CI platform whose walker made this record


@dataclass(frozen=True)
class ExplainResult:
    """Every cache in the repository's workflows, at one revision."""

    root: str
    revision: str | None  # commit id, or None for the working tree
    caches: tuple[CacheReport, ...]
    problems: tuple[Finding, ...] = field(default=())  # unreadable files, invalid expressions
    jobs: tuple[JobRecord, ...] = field(default=())  # every job combination walked, in order

    def to_json(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "revision": self.revision,
            "caches": [c.to_json() for c in self.caches],
            "problems": [p.to_json() for p in self.problems],
        }
