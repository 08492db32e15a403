"""What ``explain`` reports: one :class:`CacheReport` per cache step × matrix combination.

These are the platform-neutral records every CI platform's walker yields (``cachekit.github``
today): jobs, steps and caches with where each value came from. A field only GitHub Actions
fills is marked *(GitHub)*; another platform leaves it at its default (``uses``/``with_`` of a
step that runs an action, ``permissions``, ``cache_mode``). :attr:`JobRecord.platform` says
which walker made the record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..encoding import json_spec, mark_location, none
from ..findings import Code, Severity
from ..hashing.hashfiles import HashedFile
from ..yamlsource import Mark

__all__ = [
    "CacheReport",
    "ExplainResult",
    "Finding",
    "Generated",
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
    mark: Mark | None = field(default=None, metadata=json_spec(derive=mark_location))

    def __post_init__(self) -> None:
        # A code or severity outside the registry is a bug where the finding is made, never
        # an output that silently says something else.
        object.__setattr__(self, "code", Code(self.code))
        object.__setattr__(self, "severity", Severity(self.severity))


@dataclass(frozen=True)
class Generated:
    """A workspace file or directory an earlier step of the job creates: a ``run:`` command
    writes it (``date +%U > week.txt``) or a cache step restores it. A ``hashFiles`` that
    reaches it hashes run-time content, not the commit's."""

    path: str  # workspace-relative
    by: str  # the command, or the cache step's action
    where: str  # file:line of the command or step
    restored: bool = False  # restored by a cache step (else written by a run: command)
    period: str | None = None  # a `date +FORMAT` of calendar fields: day, week, month, year
    # (restored) the manifest files the store holds per package: go.sum, package.json
    holds: tuple[str, ...] = field(default=(), metadata=json_spec(skip=True))


@dataclass(frozen=True)
class HashCall:
    """One ``hashFiles`` evaluation: what it matched, file by file."""

    __json_properties__: ClassVar[tuple[str, ...]] = ("call",)

    patterns: tuple[str, ...] = field(metadata=json_spec(skip=True))  # shown in call
    follow: bool = field(metadata=json_spec(name="follow_symbolic_links"))
    flavor: str  # "runner" | "setup-action"
    digest: str | None  # None when the call fails (error says why) or cannot be computed
    files: tuple[HashedFile, ...] = ()
    error: str | None = None
    # what earlier steps create that the patterns reach: the digest is only known at run time
    generated: tuple[Generated, ...] = field(
        default=(), metadata=json_spec(omit_if=lambda v: not v)
    )

    @property
    def call(self) -> str:
        args = ", ".join("'" + p.replace("'", "''") + "'" for p in self.patterns)
        return f"hashFiles({args})"


@dataclass(frozen=True)
class KeyPart:
    """One component of a key: literal text, a context value, a hashFiles digest, an unknown."""

    kind: str  # "literal" | "context" | "hashFiles" | "unknown"
    text: str  # the expression or literal as written (or the action's name for the part)
    value: str  # what it evaluates to (unknowns rendered ‹name›)
    source: str | None = field(default=None, metadata=json_spec(omit_if=none))  # where from
    hash: HashCall | None = field(default=None, metadata=json_spec(name="hashFiles", omit_if=none))
    assumed: bool = field(default=False, metadata=json_spec(omit_if=lambda v: not v))


@dataclass(frozen=True)
class CacheReport:
    """One cache of one step in one matrix combination, fully explained."""

    workflow: str
    job: str
    matrix: dict[str, Any]
    step: str
    step_index: int = field(metadata=json_spec(skip=True))
    mark: Mark = field(metadata=json_spec(derive=mark_location))
    # composite action / reusable workflow calls leading here
    via: tuple[Mark, ...] = field(
        metadata=json_spec(value=lambda v: [f"{m.path}:{m.line}" for m in v])
    )
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
    # longest `needs:` chain before this job: jobs of one stage run together
    stage: int = field(default=0, metadata=json_spec(skip=True))
    # actions/cache `lookup-only`: a hit downloads nothing (used by predict, not in the JSON)
    lookup_only: bool = field(default=False, metadata=json_spec(skip=True))
    # a miss fails the step, hence the job
    fail_on_cache_miss: bool = field(default=False, metadata=json_spec(skip=True))
    # the post step saves even when the job failed
    save_always: bool = field(default=False, metadata=json_spec(skip=True))

    @property
    def ident(self) -> tuple[str, str, str, int, str]:
        """Identity of this cache across revisions (for ``--compare``)."""
        matrix = ",".join(f"{k}={self.matrix[k]}" for k in sorted(self.matrix))
        return (self.workflow, self.job, matrix, self.step_index, self.uses.split("@")[0])


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
    # every job combination walked, in order (check's input; not part of explain's output)
    jobs: tuple[JobRecord, ...] = field(default=(), metadata=json_spec(skip=True))
