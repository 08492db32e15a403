"""Every finding code cachekit reports: its default severity, what it means, how to fix it.

One registry for the codes ``explain`` raises while it reads a workflow (a ``hashFiles`` that
matches nothing, a volatile key) and the codes ``check``'s rules raise (an input missing from
the key): both name a :class:`Code` member, so a code that is not registered here is an
``AttributeError`` where it is written, and :class:`CodeInfo` refuses a code or severity outside
the vocabularies when the module is imported.

Codes are a public interface (SARIF rule ids, JSON output, suppressions in users' CI), so they
never change meaning; new ones are added here with an example and a fix, and the docs tables
(``docs/check.md``, ``docs/explain.md``) are checked against this registry by the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Final, Literal

from .severity import Severity

__all__ = ["CODES", "Code", "CodeInfo", "Origin", "code_info"]

#: Which command raises a code: ``explain`` while reading the workflow (``check`` carries those
#: over), one of ``check``'s rules (``cachekit.checks.rules``), or the checks of the other CI
#: platforms (``cachekit.platforms.checks``, GitLab/CircleCI/Azure), which have no rule engine.
Origin = Literal["explain", "check", "platform"]


class Code(str, Enum):
    """Every stable finding code (the text is what outputs, SARIF and suppressions show)."""

    INPUT_NOT_IN_KEY = "input-not-in-key"
    HASHED_FILE_UNUSED = "hashed-file-unused"
    UNPINNED_IN_BUILT_ENV = "unpinned-in-built-env"
    INTERPRETER_NOT_IN_KEY = "interpreter-not-in-key"
    OS_NOT_IN_KEY = "os-not-in-key"
    ARCH_NOT_IN_KEY = "arch-not-in-key"
    MARKER_DEPENDENT = "marker-dependent"
    VOLATILE_KEY = "volatile-key"
    PATH_MISMATCH = "path-mismatch"
    PATH_NEVER_POPULATED = "path-never-populated"
    CACHE_POISONING = "cache-poisoning"
    SETUP_CACHE_MISSES_INPUT = "setup-cache-misses-input"
    HASHFILES_NO_MATCH = "hashfiles-no-match"
    KEY_FROM_GENERATED_FILE = "key-from-generated-file"
    HASHFILES_FAILS = "hashfiles-fails"
    KEY_INVALID = "key-invalid"
    STEP_FAILS = "step-fails"
    KEY_NOT_PREDICTABLE = "key-not-predictable"
    WALKS_LARGE_TREE = "walks-large-tree"
    HASHFILES_UNKNOWABLE = "hashfiles-unknowable"
    RUNNER_UNKNOWN = "runner-unknown"
    HASHFILES_OUTSIDE_STEP = "hashfiles-outside-step"
    INPUT_OUTSIDE_REPOSITORY = "input-outside-repository"
    DEPRECATED_ACTION = "deprecated-action"
    FALLBACK_NEVER_MATCHES = "fallback-never-matches"
    KEY_NEVER_REFRESHED = "key-never-refreshed"
    CACHE_NOT_SHARED = "cache-not-shared"
    INSTALL_INPUT_PROBLEM = "install-input-problem"
    WORKFLOW_PROBLEM = "workflow-problem"
    OUTPUT_NEVER_SET = "output-never-set"
    RESTORE_KEYS_NEVER_MATCH = "restore-keys-never-match"
    RESTORE_NEVER_SAVED = "restore-never-saved"
    INSTALL_SKIPPED_ON_PARTIAL_HIT = "install-skipped-on-partial-hit"
    NEWER_THAN_SNAPSHOT = "newer-than-snapshot"

    __str__ = str.__str__


@dataclass(frozen=True)
class CodeInfo:
    """One stable finding code."""

    code: Code
    severity: Severity  # the default; a finding may be raised or lowered, saying why in its text
    title: str
    description: str
    fix: str
    example: str  # a minimal workflow excerpt that triggers it
    origin: Origin
    security: bool = False

    def __post_init__(self) -> None:
        # Values, not just annotations: a registry entry with a misspelt code or severity
        # fails when the module is imported, not when a report is rendered.
        object.__setattr__(self, "code", Code(self.code))
        object.__setattr__(self, "severity", Severity(self.severity))


_ALL: Final = (
    CodeInfo(
        Code.INPUT_NOT_IN_KEY,
        Severity.ERROR,
        "A file or package that shapes the cached environment is not in the key",
        "The job installs from a file (a -r/-c include, a constraints file, pyproject.toml or "
        "setup.cfg when it installs the project) or a package named inline in run:, but the "
        "cache key does not hash it: when it changes, the key stays the same and the stale "
        "cache is restored. Error for a built environment, warning for a download cache.",
        "Hash every file the install reads: hashFiles('requirements.txt', 'requirements/*.txt').",
        "key: venv-${{ hashFiles('requirements.txt') }}   # requirements.txt has -r base.txt",
        origin="check",
    ),
    CodeInfo(
        Code.HASHED_FILE_UNUSED,
        Severity.NOTE,
        "The key hashes a file that no install in the job reads",
        "A hashed file that shapes nothing makes the cache miss whenever it changes, for "
        "nothing (setup.py hashed while the job installs only requirements.txt).",
        "Drop the file from hashFiles(), or install from it.",
        "key: pip-${{ hashFiles('setup.py', 'requirements.txt') }}   # run: pip install -r "
        "requirements.txt",
        origin="check",
    ),
    CodeInfo(
        Code.UNPINNED_IN_BUILT_ENV,
        Severity.WARNING,
        "Loose requirements in a cached built environment with a content-addressed key",
        "The cache holds an installed environment keyed on the requirement files, but they "
        "allow newer versions: a fresh install would change while the key does not, so the "
        "cache keeps serving what resolved the day it was saved.",
        "Pin the environment (pip-compile or uv pip compile to a lock, and hash the lock), or "
        "cache only the download cache (~/.cache/pip) and install every run.",
        "path: .venv / key: ${{ hashFiles('requirements.txt') }}   # requests>=2",
        origin="check",
    ),
    CodeInfo(
        Code.INTERPRETER_NOT_IN_KEY,
        Severity.ERROR,
        "A built environment's key does not name the Python it was built for",
        "Installed packages (a venv, site-packages, the interpreter directory) only work with "
        "the interpreter that built them. Jobs on other Python versions sharing the key restore "
        "an environment built for another interpreter.",
        "Add the interpreter: ${{ steps.setup-python.outputs.python-version }} (or "
        "${{ env.pythonLocation }}) to the key.",
        "matrix: python: [3.11, 3.12] / path: .venv / key: venv-${{ hashFiles('uv.lock') }}",
        origin="check",
    ),
    CodeInfo(
        Code.OS_NOT_IN_KEY,
        Severity.ERROR,
        "A built environment's key does not name the OS",
        "Jobs on Linux and macOS share one key and one cache version: one restores the "
        "other's compiled packages. Error when such jobs exist; a warning when the key just "
        "lacks the OS.",
        "Add ${{ runner.os }} to the key.",
        "matrix: os: [ubuntu-latest, macos-latest] / path: .venv / key: venv-${{ "
        "hashFiles('poetry.lock') }}",
        origin="check",
    ),
    CodeInfo(
        Code.ARCH_NOT_IN_KEY,
        Severity.WARNING,
        "A built environment's key does not name the CPU architecture",
        "x64 and arm64 runners (ubuntu-24.04-arm, macos-13 vs macos-14) sharing a key restore "
        "each other's compiled wheels.",
        "Add ${{ runner.arch }} to the key.",
        "matrix: os: [ubuntu-24.04, ubuntu-24.04-arm] / key: ${{ runner.os }}-venv-...",
        origin="check",
    ),
    CodeInfo(
        Code.MARKER_DEPENDENT,
        Severity.WARNING,
        "Requirements with environment markers in a cache whose key lacks that dimension",
        "A marker such as python_version < '3.11' or sys_platform == 'win32' makes the "
        "resolution depend on the interpreter or platform the key does not name.",
        "Put the interpreter/OS the markers test in the key.",
        'requirements.txt: tomli; python_version < "3.11"   key: venv-${{ hashFiles(...) }}',
        origin="check",
    ),
    CodeInfo(
        Code.VOLATILE_KEY,
        Severity.WARNING,
        "The key changes every run and there are no restore-keys",
        "github.sha, run_id or a clock time in the key make every run miss and save a new "
        "entry, which evicts useful ones. A calendar date (date +%Y-%m-%d, +%Y-%U) rotates the "
        "key once a day or week on purpose and is not reported; nor is a per-commit key that "
        "a later job of the same run (needs:) restores: that is a hand-off.",
        "Add restore-keys with the stable prefix, or drop the volatile part.",
        "key: pip-${{ github.sha }}",
        origin="explain",
    ),
    CodeInfo(
        Code.PATH_MISMATCH,
        Severity.WARNING,
        "A restore and a save of one key use different paths",
        "The paths are part of the cache version: a restore whose paths differ from the save's "
        "never finds the entry.",
        "Use the same path: list (same order, same text) in both steps.",
        "actions/cache/restore path: .venv ... actions/cache/save path: ./.venv",
        origin="explain",
    ),
    CodeInfo(
        Code.PATH_NEVER_POPULATED,
        Severity.WARNING,
        "A cached path that nothing in the job writes",
        "The job caches a directory no step creates (~/.cache/pip while installing with uv or "
        "--no-cache-dir, .venv without creating a venv there): every save stores nothing "
        "useful.",
        "Cache the directory the installer really uses, or create it.",
        "path: ~/.cache/pip   # run: uv pip install -r requirements.txt",
        origin="check",
    ),
    CodeInfo(
        Code.CACHE_POISONING,
        Severity.ERROR,
        "A cache restored where it can poison a release, or saved by untrusted code",
        "A job that publishes (release or tag triggers, PyPI/npm publish, OIDC id-token) "
        "restores entries any default-branch run could have written; a job on "
        "pull_request_target, issue_comment or workflow_run that saves with cache-mode: write "
        "lets outside code write caches that trusted runs restore.",
        "Do not restore caches in publishing jobs (cache-mode: none or write-only, or drop the "
        "cache step); give untrusted triggers cache-mode: read.",
        "on: release / jobs.publish: actions/cache@v4 + pypa/gh-action-pypi-publish",
        security=True,
        origin="check",
    ),
    CodeInfo(
        Code.SETUP_CACHE_MISSES_INPUT,
        Severity.WARNING,
        "setup-python's cache: key does not hash every file the install reads",
        "cache-dependency-path (or its default) does not match a -r/-c include or the project "
        "metadata the job installs from.",
        "List every file in cache-dependency-path (globs allowed, one per line).",
        "cache: pip / cache-dependency-path: requirements.txt   # -r requirements/base.txt",
        origin="check",
    ),
    CodeInfo(
        Code.HASHFILES_NO_MATCH,
        Severity.WARNING,
        "hashFiles() matches no file",
        "That part of the key is '' and never changes.",
        "Fix the pattern (paths are relative to the workspace; globs are @actions/glob's).",
        "key: ${{ hashFiles('requirement.txt') }}",
        origin="explain",
    ),
    CodeInfo(
        Code.KEY_FROM_GENERATED_FILE,
        Severity.NOTE,
        "hashFiles() hashes a file an earlier step creates",
        "The key hashes the workspace when the step runs: a file a run: command writes "
        "(date +%U > week.txt rotates the key weekly, on purpose) is known at run time only, "
        "and is a note naming what rotates it. A warning when the pattern reaches into what "
        "an earlier cache step restored into the workspace (a module cache under "
        "github.workspace that **/go.sum walks): the key then depends on the restored entry, "
        "not only on the repository, and drifts with it.",
        "Nothing, for a deliberate rotation (a weekly date file); else hash the repository's "
        "own files: narrow the pattern or exclude the restored directory (!dir/**), or keep "
        "that cache outside the workspace.",
        "run: date +%U > week.txt   key: deps-${{ hashFiles('week.txt') }}",
        origin="explain",
    ),
    CodeInfo(
        Code.HASHFILES_FAILS,
        Severity.ERROR,
        "hashFiles() fails the step on GitHub",
        "The runner cannot hash the files (an unreadable file, a pattern outside the workspace).",
        "Fix the pattern or the file.",
        "key: ${{ hashFiles('/etc/passwd') }}",
        origin="explain",
    ),
    CodeInfo(
        Code.KEY_INVALID,
        Severity.ERROR,
        "The key is rejected by actions/cache",
        "Longer than 512 characters, contains a comma, or too many restore keys.",
        "Shorten the key; remove commas.",
        "key: a,b",
        origin="explain",
    ),
    CodeInfo(
        Code.STEP_FAILS,
        Severity.ERROR,
        "The cache action rejects the step as configured",
        "A missing required input or an invalid combination.",
        "Give the action the inputs it requires.",
        "uses: actions/cache@v4 (no path)",
        origin="explain",
    ),
    CodeInfo(
        Code.KEY_NOT_PREDICTABLE,
        Severity.NOTE,
        "Part of the key is only known at run time",
        "An output of a script or a secret; cachekit cannot say when it changes.",
        "Prefer inputs cachekit (and reviewers) can see: files, matrix values, runner facts.",
        "key: ${{ steps.date.outputs.week }}",
        origin="explain",
    ),
    CodeInfo(
        Code.WALKS_LARGE_TREE,
        Severity.NOTE,
        "A leading ** hashFiles pattern walks what an earlier step created",
        "node_modules or a virtualenv created before the cache step is walked too; "
        "hashFiles has 120 s.",
        "Anchor the pattern (requirements/*.txt) or compute the key before installing.",
        "key: ${{ hashFiles('**/requirements.txt') }}",
        origin="explain",
    ),
    CodeInfo(
        Code.HASHFILES_UNKNOWABLE,
        Severity.NOTE,
        "hashFiles() covers files cachekit cannot read offline",
        "Files in a submodule that actions/checkout fetches, or missing from a partial clone.",
        "Run cachekit on a checkout with submodules, or key on files in the repository.",
        "key: ${{ hashFiles('vendor/lib/requirements.txt') }}   # a submodule",
        origin="explain",
    ),
    CodeInfo(
        Code.RUNNER_UNKNOWN,
        Severity.NOTE,
        "A setup action's cache on a runner cachekit cannot identify",
        "Its key and paths are built from the runner (a self-hosted or computed runs-on).",
        "Pass --os/--arch to say what the runner is.",
        "runs-on: [self-hosted, gpu] / actions/setup-python cache: pip",
        origin="explain",
    ),
    CodeInfo(
        Code.DEPRECATED_ACTION,
        Severity.ERROR,
        "The cache action uses the retired legacy cache service",
        "actions/cache before v3.4.0/v4.2.0 (and setup actions bundling @actions/cache < 4) talk "
        "to the legacy cache service GitHub retired in 2025: actions/cache fails the step, a "
        "setup action's cache requests fail (a warning then: the job runs uncached).",
        "Upgrade to actions/cache@v4 (or v3.4.0+) and a current setup action.",
        "uses: actions/cache@v2",
        origin="check",
    ),
    CodeInfo(
        Code.HASHFILES_OUTSIDE_STEP,
        Severity.ERROR,
        "hashFiles() outside a step",
        "GitHub only allows hashFiles in step-level values and rejects the workflow.",
        "Move the expression into the step's with: or env:.",
        "jobs.test.env.KEY: ${{ hashFiles('x') }}",
        origin="explain",
    ),
    CodeInfo(
        Code.INPUT_OUTSIDE_REPOSITORY,
        Severity.WARNING,
        "The job installs from a file outside the repository",
        "A path that leaves the repository (../.., an absolute path, or a committed symbolic "
        "link to a file elsewhere) names a file on the runner's machine, not in the repository: "
        "cachekit reports it by name and never reads it, and a key cannot hash it (hashFiles "
        "rejects patterns outside the workspace). A warning through a link the repository "
        "commits; a note for a place the job reaches at run time (a clone after cd ..).",
        "Commit the file into the repository and install from that path.",
        "run: pip install -r ../../shared/requirements.txt",
        origin="check",
    ),
    CodeInfo(
        Code.FALLBACK_NEVER_MATCHES,
        Severity.WARNING,
        "A fallback key can never find an entry",
        "GitLab appends -protected or -non_protected to every key and fallback key of the "
        "running ref, so a fallback to the (protected) default branch's cache from another "
        "branch names a key nobody saves; CACHE_FALLBACK_KEY gets no suffix at all. On "
        "CircleCI and Azure: a restore key that no saved key of the configuration starts with.",
        "Make it the leading part of a key some job saves. On GitLab: unprotect: true on the "
        "cache (both sides then use -non_protected) and a CACHE_FALLBACK_KEY ending in "
        "-non_protected.",
        "fallback_keys: [venv-$CI_DEFAULT_BRANCH]   # main is protected",
        origin="platform",
    ),
    CodeInfo(
        Code.KEY_NEVER_REFRESHED,
        Severity.WARNING,
        "A cache is restored under a key nothing saves, or saved once and never again",
        "A key with no part that ever changes (no hashFiles, no version, no date) keeps its "
        "first entry: cache entries are immutable on GitHub, CircleCI and Azure, so when what "
        "the job would cache changes the stale entry stays for good (a note on GitHub, where "
        "content that never changes, a dataset, may be what the author wants). A pull-only "
        "GitLab cache whose key no job pushes is never populated at all.",
        "Put what decides the content in the key: hashFiles of the lock or version file, the "
        "tool's version, runner.os; on GitLab, let one job save it (policy: pull-push).",
        "path: .tmp/puppeteer / key: v1",
        origin="check",
    ),
    CodeInfo(
        Code.CACHE_NOT_SHARED,
        Severity.NOTE,
        "Jobs meant to share one cache compute different keys",
        "GitLab 15.7+ prefixes a key:files key without prefix: by the cache's position in the "
        "job's cache: list, so the same files at another position is another cache.",
        "Give the shared cache the same key:prefix in every job.",
        "job a: cache: [{key: {files: [Gemfile.lock]}}]  job b: cache: [{...}, {key: {files: "
        "[Gemfile.lock]}}]",
        origin="platform",
    ),
    CodeInfo(
        Code.INSTALL_INPUT_PROBLEM,
        Severity.WARNING,
        "A file an install reads is missing, loops or cannot be read",
        "pip fails on a requirements file that is not there (a note: an earlier step may "
        "create it), on -r includes that include each other, and cachekit does not read a "
        "file it cannot trust (a device, one over its size limit, a setup.py nested too "
        "deeply): what the install reads is then not known.",
        "Fix the path or the include; commit the file the install reads.",
        "run: pip install -r requirements/missing.txt",
        origin="check",
    ),
    CodeInfo(
        Code.WORKFLOW_PROBLEM,
        Severity.WARNING,
        "A workflow or expression cachekit could not read",
        "Invalid YAML, an expression GitHub rejects, an unreadable composite action; in "
        "check, a line of a run: script cachekit could not read (a note, naming the line).",
        "Fix the file at the line given.",
        "key: ${{ hashFiles( }}",
        origin="explain",
    ),
    CodeInfo(
        Code.OUTPUT_NEVER_SET,
        Severity.WARNING,
        "A cache input reads a step output nothing sets",
        "steps.<id>.outputs.<name> is '' when no earlier step has that id (or it is in another "
        "composite), when the run: step writes other outputs but never <name>=, or when the "
        "action declares no such output: that part of the key, restore key or path is always "
        "empty, so what it was meant to tell apart shares one entry.",
        'Fix the id or the output name, or write it: echo "<name>=..." >> "$GITHUB_OUTPUT".',
        'run: echo "ver=1" >> $GITHUB_OUTPUT / key: v-${{ steps.v.outputs.version }}',
        origin="check",
    ),
    CodeInfo(
        Code.RESTORE_KEYS_NEVER_MATCH,
        Severity.WARNING,
        "A restore key no saved key starts with",
        "A restore key finds an entry whose key starts with it, on the same cache version (same "
        "paths, compression, cross-OS setting). When no key any job of the repository saves on "
        "that version can start with it (unknown parts count as anything), the fallback never "
        "restores anything: a miss costs the whole install.",
        "Make each restore key a leading part of the key: drop segments from the end only.",
        "key: ${{ runner.os }}-${{ matrix.python }}-pip-${{ hashFiles('r.txt') }} / "
        "restore-keys: ${{ runner.os }}-pip-",
        origin="check",
    ),
    CodeInfo(
        Code.RESTORE_NEVER_SAVED,
        Severity.WARNING,
        "A restore-only cache no job ever saves",
        "actions/cache/restore (or a composite action that only restores) looks up a key and "
        "restore keys that no key saved in the repository on the same cache version can match "
        "(actions/cache post-steps, actions/cache/save, setup actions' saves): it always "
        "misses. Not reported when something unknown may save (an action or reusable workflow "
        "cachekit cannot read).",
        "Save the cache under that key and paths in some job (actions/cache, or "
        "actions/cache/save with the same path: list), or drop the restore.",
        "actions/cache/restore key: deps-${{ hashFiles('go.sum') }} / no step saves deps-*",
        origin="check",
    ),
    CodeInfo(
        Code.INSTALL_SKIPPED_ON_PARTIAL_HIT,
        Severity.WARNING,
        "An install skipped on a cache-hit that a partial restore also reports",
        "if: steps.<id>.outputs.cache-hit != 'true' skips the install whenever the action "
        "says hit. actions/cache, setup-python, setup-java and rust-cache say true only for "
        "the exact key; setup-node (3.7+) with Yarn 2+ keeping its cache in the project "
        "(enableGlobalCache: false) restores any older yarn entry by prefix and still says "
        "true: the install is skipped on a cache built from another lockfile.",
        "Run the install every time (it is fast on a warm cache), or guard it on an "
        "actions/cache step with an exact key.",
        "setup-node cache: yarn / if: steps.node.outputs.cache-hit != 'true' / run: yarn install",
        origin="check",
    ),
    CodeInfo(
        Code.NEWER_THAN_SNAPSHOT,
        Severity.NOTE,
        "The action's release is newer than cachekit's release data",
        "The step pins a release (or a commit) the bundled release snapshot does not know, most "
        "often one made after it: its cache is modelled as the newest release known, which may "
        "differ. The message gives the snapshot's date.",
        "Run `cachekit data update` to fetch the current release data.",
        "uses: actions/cache@v9.0.0   # the snapshot's newest is v5.x",
        origin="check",
    ),
)

CODES: Final[dict[str, CodeInfo]] = {c.code: c for c in _ALL}
"""Code → its entry, in the order above (SARIF's rule order); keys compare equal to the text."""

_MISSING = [c.value for c in Code if c not in CODES]
if _MISSING or len(CODES) != len(_ALL):  # pragma: no cover - a mistake in this file
    raise RuntimeError(f"codes without exactly one registry entry: {_MISSING or 'a duplicate'}")


def code_info(code: str) -> CodeInfo:
    """The entry of ``code``; a code outside the registry is a bug (``ValueError``)."""
    return CODES[Code(code)]
