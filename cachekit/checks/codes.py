"""Every finding code ``check`` can report: its default severity, what it means, how to fix it.

Codes are a public interface (SARIF rule ids, ``--json`` output, suppressions in users' CI), so
they never change meaning; new ones are added here with an example and a fix, and the docs
table (``docs/check.md``) is checked against this registry by the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = ["CODES", "CodeInfo"]


@dataclass(frozen=True)
class CodeInfo:
    """One stable finding code."""

    code: str
    severity: str  # the default; a finding may be raised or lowered with the reason in its text
    title: str
    description: str
    fix: str
    example: str  # a minimal workflow excerpt that triggers it
    security: bool = False


_ALL: Final = (
    CodeInfo(
        "input-not-in-key",
        "error",
        "A file or package that shapes the cached environment is not in the key",
        "The job installs from a file (a -r/-c include, a constraints file, pyproject.toml or "
        "setup.cfg when it installs the project) or a package named inline in run:, but the "
        "cache key does not hash it: when it changes, the key stays the same and the stale "
        "cache is restored. Error for a built environment, warning for a download cache.",
        "Hash every file the install reads: hashFiles('requirements.txt', 'requirements/*.txt').",
        "key: venv-${{ hashFiles('requirements.txt') }}   # requirements.txt has -r base.txt",
    ),
    CodeInfo(
        "hashed-file-unused",
        "note",
        "The key hashes a file that no install in the job reads",
        "A hashed file that shapes nothing makes the cache miss whenever it changes, for "
        "nothing (setup.py hashed while the job installs only requirements.txt).",
        "Drop the file from hashFiles(), or install from it.",
        "key: pip-${{ hashFiles('setup.py', 'requirements.txt') }}   # run: pip install -r "
        "requirements.txt",
    ),
    CodeInfo(
        "unpinned-in-built-env",
        "warning",
        "Loose requirements in a cached built environment with a content-addressed key",
        "The cache holds an installed environment keyed on the requirement files, but they "
        "allow newer versions: a fresh install would change while the key does not, so the "
        "cache keeps serving what resolved the day it was saved.",
        "Pin the environment (pip-compile or uv pip compile to a lock, and hash the lock), or "
        "cache only the download cache (~/.cache/pip) and install every run.",
        "path: .venv / key: ${{ hashFiles('requirements.txt') }}   # requests>=2",
    ),
    CodeInfo(
        "interpreter-not-in-key",
        "error",
        "A built environment's key does not name the Python it was built for",
        "Installed packages (a venv, site-packages, the interpreter directory) only work with "
        "the interpreter that built them. Jobs on other Python versions sharing the key restore "
        "an environment built for another interpreter.",
        "Add the interpreter: ${{ steps.setup-python.outputs.python-version }} (or "
        "${{ env.pythonLocation }}) to the key.",
        "matrix: python: [3.11, 3.12] / path: .venv / key: venv-${{ hashFiles('uv.lock') }}",
    ),
    CodeInfo(
        "os-not-in-key",
        "error",
        "A built environment's key does not name the OS",
        "Jobs on Linux and macOS share one key and one cache version: one restores the "
        "other's compiled packages. Error when such jobs exist; a warning when the key just "
        "lacks the OS.",
        "Add ${{ runner.os }} to the key.",
        "matrix: os: [ubuntu-latest, macos-latest] / path: .venv / key: venv-${{ "
        "hashFiles('poetry.lock') }}",
    ),
    CodeInfo(
        "arch-not-in-key",
        "warning",
        "A built environment's key does not name the CPU architecture",
        "x64 and arm64 runners (ubuntu-24.04-arm, macos-13 vs macos-14) sharing a key restore "
        "each other's compiled wheels.",
        "Add ${{ runner.arch }} to the key.",
        "matrix: os: [ubuntu-24.04, ubuntu-24.04-arm] / key: ${{ runner.os }}-venv-...",
    ),
    CodeInfo(
        "marker-dependent",
        "warning",
        "Requirements with environment markers in a cache whose key lacks that dimension",
        "A marker such as python_version < '3.11' or sys_platform == 'win32' makes the "
        "resolution depend on the interpreter or platform the key does not name.",
        "Put the interpreter/OS the markers test in the key.",
        'requirements.txt: tomli; python_version < "3.11"   key: venv-${{ hashFiles(...) }}',
    ),
    CodeInfo(
        "volatile-key",
        "warning",
        "The key changes every run and there are no restore-keys",
        "github.sha, run_id or a clock time in the key make every run miss and save a new "
        "entry, which evicts useful ones. A calendar date (date +%Y-%m-%d, +%Y-%U) rotates the "
        "key once a day or week on purpose and is not reported; nor is a per-commit key that "
        "a later job of the same run (needs:) restores: that is a hand-off.",
        "Add restore-keys with the stable prefix, or drop the volatile part.",
        "key: pip-${{ github.sha }}",
    ),
    CodeInfo(
        "path-mismatch",
        "warning",
        "A restore and a save of one key use different paths",
        "The paths are part of the cache version: a restore whose paths differ from the save's "
        "never finds the entry.",
        "Use the same path: list (same order, same text) in both steps.",
        "actions/cache/restore path: .venv ... actions/cache/save path: ./.venv",
    ),
    CodeInfo(
        "path-never-populated",
        "warning",
        "A cached path that nothing in the job writes",
        "The job caches a directory no step creates (~/.cache/pip while installing with uv or "
        "--no-cache-dir, .venv without creating a venv there): every save stores nothing "
        "useful.",
        "Cache the directory the installer really uses, or create it.",
        "path: ~/.cache/pip   # run: uv pip install -r requirements.txt",
    ),
    CodeInfo(
        "cache-poisoning",
        "error",
        "A cache restored where it can poison a release, or saved by untrusted code",
        "A job that publishes (release or tag triggers, PyPI/npm publish, OIDC id-token) "
        "restores entries any default-branch run could have written; a job on "
        "pull_request_target, issue_comment or workflow_run that saves with cache-mode: write "
        "lets outside code write caches that trusted runs restore.",
        "Do not restore caches in publishing jobs (cache-mode: none or write-only, or drop the "
        "cache step); give untrusted triggers cache-mode: read.",
        "on: release / jobs.publish: actions/cache@v4 + pypa/gh-action-pypi-publish",
        security=True,
    ),
    CodeInfo(
        "setup-cache-misses-input",
        "warning",
        "setup-python's cache: key does not hash every file the install reads",
        "cache-dependency-path (or its default) does not match a -r/-c include or the project "
        "metadata the job installs from.",
        "List every file in cache-dependency-path (globs allowed, one per line).",
        "cache: pip / cache-dependency-path: requirements.txt   # -r requirements/base.txt",
    ),
    CodeInfo(
        "hashfiles-no-match",
        "warning",
        "hashFiles() matches no file",
        "That part of the key is '' and never changes.",
        "Fix the pattern (paths are relative to the workspace; globs are @actions/glob's).",
        "key: ${{ hashFiles('requirement.txt') }}",
    ),
    CodeInfo(
        "hashfiles-fails",
        "error",
        "hashFiles() fails the step on GitHub",
        "The runner cannot hash the files (an unreadable file, a pattern outside the workspace).",
        "Fix the pattern or the file.",
        "key: ${{ hashFiles('/etc/passwd') }}",
    ),
    CodeInfo(
        "key-invalid",
        "error",
        "The key is rejected by actions/cache",
        "Longer than 512 characters, contains a comma, or too many restore keys.",
        "Shorten the key; remove commas.",
        "key: a,b",
    ),
    CodeInfo(
        "step-fails",
        "error",
        "The cache action rejects the step as configured",
        "A missing required input or an invalid combination.",
        "Give the action the inputs it requires.",
        "uses: actions/cache@v4 (no path)",
    ),
    CodeInfo(
        "key-not-predictable",
        "note",
        "Part of the key is only known at run time",
        "An output of a script or a secret; cachekit cannot say when it changes.",
        "Prefer inputs cachekit (and reviewers) can see: files, matrix values, runner facts.",
        "key: ${{ steps.date.outputs.week }}",
    ),
    CodeInfo(
        "walks-large-tree",
        "note",
        "A leading ** hashFiles pattern walks what an earlier step created",
        "node_modules or a virtualenv created before the cache step is walked too; "
        "hashFiles has 120 s.",
        "Anchor the pattern (requirements/*.txt) or compute the key before installing.",
        "key: ${{ hashFiles('**/requirements.txt') }}",
    ),
    CodeInfo(
        "hashfiles-unknowable",
        "note",
        "hashFiles() covers files cachekit cannot read offline",
        "Files in a submodule that actions/checkout fetches, or missing from a partial clone.",
        "Run cachekit on a checkout with submodules, or key on files in the repository.",
        "key: ${{ hashFiles('vendor/lib/requirements.txt') }}   # a submodule",
    ),
    CodeInfo(
        "runner-unknown",
        "note",
        "A setup action's cache on a runner cachekit cannot identify",
        "Its key and paths are built from the runner (a self-hosted or computed runs-on).",
        "Pass --os/--arch to say what the runner is.",
        "runs-on: [self-hosted, gpu] / actions/setup-python cache: pip",
    ),
    CodeInfo(
        "deprecated-action",
        "error",
        "The cache action uses the retired legacy cache service",
        "actions/cache before v3.4.0/v4.2.0 (and setup actions bundling @actions/cache < 4) talk "
        "to the legacy cache service GitHub retired in 2025: actions/cache fails the step, a "
        "setup action's cache requests fail (a warning then: the job runs uncached).",
        "Upgrade to actions/cache@v4 (or v3.4.0+) and a current setup action.",
        "uses: actions/cache@v2",
    ),
    CodeInfo(
        "hashfiles-outside-step",
        "error",
        "hashFiles() outside a step",
        "GitHub only allows hashFiles in step-level values and rejects the workflow.",
        "Move the expression into the step's with: or env:.",
        "jobs.test.env.KEY: ${{ hashFiles('x') }}",
    ),
    CodeInfo(
        "input-outside-repository",
        "warning",
        "The job installs from a file outside the repository",
        "A path that leaves the repository (../.., an absolute path, or a committed symbolic "
        "link to a file elsewhere) names a file on the runner's machine, not in the repository: "
        "cachekit reports it by name and never reads it, and a key cannot hash it (hashFiles "
        "rejects patterns outside the workspace).",
        "Commit the file into the repository and install from that path.",
        "run: pip install -r ../../shared/requirements.txt",
    ),
    CodeInfo(
        "fallback-never-matches",
        "warning",
        "A fallback key can never find an entry",
        "GitLab appends -protected or -non_protected to every key and fallback key of the "
        "running ref, so a fallback to the (protected) default branch's cache from another "
        "branch names a key nobody saves; CACHE_FALLBACK_KEY gets no suffix at all. On "
        "CircleCI and Azure: a restore key that no saved key of the configuration starts with.",
        "Make it the leading part of a key some job saves. On GitLab: unprotect: true on the "
        "cache (both sides then use -non_protected) and a CACHE_FALLBACK_KEY ending in "
        "-non_protected.",
        "fallback_keys: [venv-$CI_DEFAULT_BRANCH]   # main is protected",
    ),
    CodeInfo(
        "key-never-refreshed",
        "warning",
        "A cache is restored under a key nothing saves, or saved once and never again",
        "A key with no part that ever changes (no hashFiles, no version, no date) keeps its "
        "first entry: cache entries are immutable on GitHub, CircleCI and Azure, so when what "
        "the job would cache changes the stale entry stays for good (a note on GitHub, where "
        "content that never changes, a dataset, may be what the author wants). A pull-only "
        "GitLab cache whose key no job pushes is never populated at all.",
        "Put what decides the content in the key: hashFiles of the lock or version file, the "
        "tool's version, runner.os; on GitLab, let one job save it (policy: pull-push).",
        "path: .tmp/puppeteer / key: v1",
    ),
    CodeInfo(
        "cache-not-shared",
        "note",
        "Jobs meant to share one cache compute different keys",
        "GitLab 15.7+ prefixes a key:files key without prefix: by the cache's position in the "
        "job's cache: list, so the same files at another position is another cache.",
        "Give the shared cache the same key:prefix in every job.",
        "job a: cache: [{key: {files: [Gemfile.lock]}}]  job b: cache: [{...}, {key: {files: "
        "[Gemfile.lock]}}]",
    ),
    CodeInfo(
        "install-input-problem",
        "warning",
        "A file an install reads is missing, loops or cannot be read",
        "pip fails on a requirements file that is not there (a note: an earlier step may "
        "create it), on -r includes that include each other, and cachekit does not read a "
        "file it cannot trust (a device, one over its size limit, a setup.py nested too "
        "deeply): what the install reads is then not known.",
        "Fix the path or the include; commit the file the install reads.",
        "run: pip install -r requirements/missing.txt",
    ),
    CodeInfo(
        "workflow-problem",
        "warning",
        "A workflow or expression cachekit could not read",
        "Invalid YAML, an expression GitHub rejects, an unreadable composite action.",
        "Fix the file at the line given.",
        "key: ${{ hashFiles( }}",
    ),
)

CODES: Final[dict[str, CodeInfo]] = {c.code: c for c in _ALL}
