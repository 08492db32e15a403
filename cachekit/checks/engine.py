"""``check``: does each cache key capture the environment the cache restores?

``explain`` says what a key is; this says whether it is *right*. For every cache of every job
(× matrix) it compares what the key hashes with what the job installs after restoring it
(:mod:`cachekit.checks.installs`), classifies what the cached paths hold (a download cache that
any interpreter can reuse, or a built environment that only works for one interpreter, OS and
architecture — :mod:`cachekit.environments.paths`), compares keys across matrix combinations
(two Pythons sharing one ``.venv`` key is a collision, not a risk), and looks at who can
write and who restores (a release built from a poisoned cache). Explain's own findings
(volatile keys, patterns that match nothing) are carried over with their codes.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..ecosystems import registry
from ..environments.paths import PathClass, classify_path
from ..errors import CachekitError
from ..explain.model import CacheReport, ExplainResult, Finding, JobRecord, StepRecord
from ..findings import CODES, Severity, code_info
from ..fs.trees import DIR, Tree
from .installs import Install, JobInstalls, _Reader, job_installs
from .model import SEVERITIES, CheckFinding, CheckResult, Location

__all__ = ["check_explained", "release_jobs"]

_NODE_TOOLS = registry.tools("node")
_UNTRUSTED = frozenset({"pull_request_target", "issue_comment", "workflow_run"})
_PUBLISH_ACTIONS = (
    "pypa/gh-action-pypi-publish",
    "softprops/action-gh-release",
    "ncipollo/release-action",
    "actions/create-release",
    "actions/upload-release-asset",
    "js-devtools/npm-publish",
    "docker/build-push-action",
    "goreleaser/goreleaser-action",
    "svenstaro/upload-release-action",
    "rust-lang/crates-io-auth-action",
)
_PUBLISH_RUN = re.compile(
    r"\b(twine\s+upload|poetry\s+publish|uv\s+publish|flit\s+publish|hatch\s+publish|"
    r"pdm\s+publish|(npm|yarn|pnpm)\s+publish|cargo\s+publish|gh\s+release\s+(create|upload)|"
    r"mvn\b[^\n]*\bdeploy\b|gradlew?\b[^\n]*\bpublish|docker\s+push)\b"
)
_PY_VERSION_TEXT = re.compile(r"python|pythonlocation|\bpy\b|py_?ver|interpreter", re.I)
_OS_TEXT = re.compile(r"runner\.os|imageos|\bos\b|matrix\.(os|platform|runner)|runs-on", re.I)
_ARCH_TEXT = re.compile(r"runner\.arch|\barch|platform|machine", re.I)
_OS_WORDS = re.compile(r"linux|ubuntu|macos|darwin|windows|win32|win64|osx", re.I)
_ARCH_WORDS = re.compile(r"x64|x86|amd64|arm64|aarch64|arm\b", re.I)
_MARKER_DIMENSION = (
    ("interpreter", re.compile(r"python_(full_)?version|implementation_(name|version)")),
    ("os", re.compile(r"sys_platform|platform_system|os_name|platform_release")),
    ("arch", re.compile(r"platform_machine")),
)


@dataclass
class _Cache:
    """One cache report with the facts the checks need."""

    index: int
    report: CacheReport
    job: JobRecord
    step: StepRecord
    position: int  # of the cache step among the job's steps
    classes: tuple[PathClass, ...]
    hashed: frozenset[str]
    content_addressed: bool  # some hashFiles part matched files

    @property
    def restores(self) -> bool:
        return self.report.kind in ("restore+save", "restore-only")

    @property
    def saves(self) -> bool:
        return self.report.kind in ("restore+save", "save-only")

    @property
    def setup_action(self) -> bool:
        return not self.report.uses.lower().startswith("actions/cache")

    @property
    def built_env(self) -> bool:
        return any(c.kind == "built-env" and c.ecosystem in ("python", None) for c in self.classes)

    @property
    def python(self) -> bool:
        if self.report.uses.lower().startswith("actions/setup-python"):
            return True
        return any(c.ecosystem == "python" for c in self.classes)

    @property
    def node(self) -> bool:
        if self.report.uses.lower().startswith("actions/setup-node"):
            return True
        return any(c.ecosystem == "node" for c in self.classes)

    @property
    def names(self) -> str:
        """The key's expressions as written, for testing which dimensions it names."""
        return " ".join(p.text for p in self.report.parts if p.kind != "literal")

    @property
    def volatile(self) -> bool:
        """A key that changes every run or commit: it never restores another input's cache."""
        return any(f.code == "volatile-key" for f in self.report.findings)

    def token(self, pattern: re.Pattern[str]) -> str | None:
        """The evaluated value of the key part naming a dimension (to find it in restore keys)."""
        for part in self.report.parts:
            if part.kind == "context" and pattern.search(part.text) and part.value:
                return part.value
        return None


def _job_python(job: JobRecord) -> str | None:
    """The Python a job sets up: setup-python's version, else None (the runner's default)."""
    for step in job.steps:
        if step.uses and step.uses.lower().startswith("actions/setup-python"):
            version = step.with_.get("python-version", "").strip()
            return version.splitlines()[-1] if version else "default"
    return None


def _python_location(step: StepRecord) -> str | None:
    return step.env.get("pythonLocation")


def _classify(report: CacheReport, step: StepRecord, job: JobRecord) -> tuple[PathClass, ...]:
    out: list[PathClass] = []
    location = _python_location(step)
    for path in report.paths:
        if location and path.rstrip("/\\").startswith(location.rstrip("/\\")):
            out.append(
                PathClass(
                    path,
                    "built-env",
                    "python",
                    "pip",
                    "the Python setup-python installed (env.pythonLocation), with every package "
                    "pip installed into it",
                    True,
                )
            )
            continue
        out.append(classify_path(path, os=job.os or "Linux", env=step.env))
    return tuple(out)


def _hashed(report: CacheReport) -> tuple[frozenset[str], bool]:
    files: set[str] = set()
    addressed = False
    for part in report.parts:
        if part.kind == "hashFiles" and part.hash is not None:
            files.update(f.path for f in part.hash.files)
            if part.hash.digest:
                addressed = True
    return frozenset(files), addressed


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


class _Checker:
    def __init__(self, tree: Tree, explained: ExplainResult) -> None:
        self.tree = tree
        self.explained = explained
        self.findings: list[CheckFinding] = []
        self.reader = _Reader(tree)
        self.installs: dict[int, JobInstalls] = {}

    # --- entry ------------------------------------------------------------------------------

    def run(self) -> list[CheckFinding]:
        caches = self._caches()
        for problem in self.explained.problems:
            self._carry(problem, None)
        for cache in caches:
            for finding in cache.report.findings:
                self._carry(finding, cache)
            self._environment(cache)
        self._collisions(caches)
        self._poisoning(caches)
        return self.findings

    def _caches(self) -> list[_Cache]:
        out: list[_Cache] = []
        for ji, job in enumerate(self.explained.jobs):
            self.installs[ji] = job_installs(self.tree, job, self.reader)
            for pos, step in enumerate(job.steps):
                for index in step.caches:
                    report = self.explained.caches[index]
                    hashed, addressed = _hashed(report)
                    out.append(
                        _Cache(
                            index,
                            report,
                            job,
                            step,
                            pos,
                            _classify(report, step, job),
                            hashed,
                            addressed,
                        )
                    )
        seen: set[int] = set()
        unique = []
        for cache in out:  # a composite step and its inner step both list the cache
            if cache.index not in seen:
                seen.add(cache.index)
                unique.append(cache)
        return unique

    def _job_installs(self, job: JobRecord) -> JobInstalls:
        for ji, candidate in enumerate(self.explained.jobs):
            if candidate is job:
                return self.installs[ji]
        raise KeyError(job.job)

    # --- helpers ----------------------------------------------------------------------------

    def _add(
        self,
        code: str,
        message: str,
        *,
        at: Location,
        job: JobRecord | None,
        severity: str | None = None,
        fix: str | None = None,
        related: Iterable[Location] = (),
    ) -> None:
        info = code_info(code)
        self.findings.append(
            CheckFinding(
                code=info.code,
                severity=Severity(severity or info.severity),
                message=message,
                fix=fix or info.fix,
                file=at.file,
                line=at.line,
                workflow=job.workflow if job else None,
                job=job.job if job else None,
                matrix=dict(job.matrix) if job else {},
                related=tuple(related),
            )
        )

    def _carry(self, finding: Finding, cache: _Cache | None) -> None:
        mark = finding.mark
        at = Location(mark.path, mark.line) if mark else Location("", 0)
        self._add(
            finding.code,
            finding.message,
            at=at,
            job=cache.job if cache else None,
            severity=finding.severity,
        )

    def _after(self, cache: _Cache) -> tuple[Install, ...]:
        installs = self._job_installs(cache.job).installs
        positions = {id(s): i for i, s in enumerate(cache.job.steps)}
        return tuple(i for i in installs if positions.get(id(i.step), -1) > cache.position)

    # --- what the key misses ------------------------------------------------------------

    def _environment(self, cache: _Cache) -> None:
        self._build_output(cache)
        if cache.node and not cache.python:
            self._node(cache)
            return
        if not cache.python:
            return
        job_info = self._job_installs(cache.job)
        after = tuple(i for i in self._after(cache) if i.command.tool not in _NODE_TOOLS)
        at = Location(cache.report.mark.path, cache.report.mark.line)
        built = cache.built_env
        if cache.restores and not cache.volatile:
            self._inputs(cache, after, at, built)
            if built:
                self._loose(cache, after, at)
                self._dimensions(cache, after, at)
                self._restore_keys(cache, at)
        if cache.saves and not job_info.opaque:
            self._populated(cache, after, at, job_info)
        if not cache.setup_action and not job_info.opaque and job_info.installs:
            self._unused(cache, job_info, at)

    def _node(self, cache: _Cache) -> None:
        """Node caches: the lock the install reads must be in the key; the path must be the
        package manager's own (``~/.npm`` stays empty under Yarn or pnpm)."""
        job_info = self._job_installs(cache.job)
        after = tuple(i for i in self._after(cache) if i.command.tool in _NODE_TOOLS)
        if not after:
            return
        at = Location(cache.report.mark.path, cache.report.mark.line)
        if cache.restores and not cache.volatile and (cache.hashed or not cache.setup_action):
            self._inputs(cache, after, at, built=False)
        if cache.saves and not job_info.opaque:
            self._populated(cache, after, at, job_info, ecosystem="node")

    def _inputs(self, cache: _Cache, after: tuple[Install, ...], at: Location, built: bool) -> None:
        if _hash_failed(cache.report):
            # What the key hashes is unknown (a blob missing from the object store, a pattern
            # GitHub rejects): the hashFiles finding says why; "not in the key" would be a guess.
            return
        missing: dict[str, Location] = {}
        outside: dict[str, Location] = {}
        inline: list[Location] = []
        for install in after:
            hashed_lock = any(f.role == "lock" and f.path in cache.hashed for f in install.files)
            for f in install.files:
                if f.outside:
                    outside.setdefault(f.path, f.named_at)
                    continue
                if not f.exists or f.path in cache.hashed:
                    continue
                if hashed_lock and f.role == "project":
                    continue  # the lock pins what the manifest asks for
                missing.setdefault(f.path, f.named_at)
            inline.extend(
                Location(install.where.file, install.where.line, p)
                for p in install.inline
                if not _tool_or_variable(p)
            )
        if missing:
            names = list(missing)
            code = "setup-cache-misses-input" if cache.setup_action else "input-not-in-key"
            severity = None if cache.setup_action else ("error" if built else "warning")
            self._add(
                code,
                f"the key does not hash {_list(names)}, which the job installs from: when "
                f"{'it changes' if len(names) == 1 else 'they change'} the key stays the same "
                "and the old cache is restored",
                at=at,
                job=cache.job,
                severity=severity,
                fix=self._fix_inputs(cache, names),
                related=[
                    Location(loc.file, loc.line, loc.message if loc.message else path)
                    for path, loc in missing.items()
                ],
            )
        if outside:
            names = list(outside)
            self._add(
                "input-outside-repository",
                f"the job installs from {_list(names)}, outside the repository: the runner reads "
                "a file of its own machine there, which cachekit does not read and no key can "
                "hash (hashFiles rejects patterns outside the workspace)",
                at=at,
                job=cache.job,
                fix="Commit the file into the repository and install from that path",
                related=[
                    Location(loc.file, loc.line, loc.message if loc.message else path)
                    for path, loc in outside.items()
                ],
            )
        if inline and built:  # a download cache fetches what it lacks: nothing goes stale
            self._add(
                "input-not-in-key",
                f"packages named in run: ({_list(x.message for x in inline)}) are not in the "
                "key: editing them does not change it",
                at=at,
                job=cache.job,
                severity="warning",
                fix="Move them into a requirements file and hash it, or add "
                f"hashFiles('{cache.job.workflow}') to the key",
                related=inline,
            )

    def _restore_keys(self, cache: _Cache, at: Location) -> None:
        """A restore prefix that drops the interpreter/OS restores another's environment."""
        for dimension, code, pattern in (
            ("Python", "interpreter-not-in-key", _PY_VERSION_TEXT),
            ("OS", "os-not-in-key", _OS_TEXT),
            ("architecture", "arch-not-in-key", _ARCH_TEXT),
        ):
            token = cache.token(pattern)
            if not token:
                continue
            for prefix in cache.report.restore_keys:
                if token in prefix:
                    continue
                self._add(
                    code,
                    f"the key names the {dimension} ({token}) but the restore key '{prefix}' "
                    f"does not: on a miss it restores an environment built for another "
                    f"{dimension}",
                    at=at,
                    job=cache.job,
                    severity="error",
                    fix="Drop restore-keys for an installed environment, or keep the "
                    f"{dimension} in every prefix",
                )

    def _build_output(self, cache: _Cache) -> None:
        """Build output keyed on the lock alone: a source change restores the old build."""
        if not cache.restores or cache.volatile or cache.setup_action:
            return
        outputs = [c for c in cache.classes if c.kind == "build-output"]
        if not outputs or not cache.hashed:
            return
        if any(posixpath.basename(f) not in _MANIFEST_NAMES for f in cache.hashed):
            return  # some source file is hashed: the author chose what the build reads
        sources = [d for d in ("src", "lib", "app", "pages") if _is_dir(self.tree, d)]
        self._add(
            "input-not-in-key",
            f"{_list(c.path for c in outputs)} is build output, made from the sources, but the "
            f"key only hashes {_list(sorted(cache.hashed))}: after a source change the old "
            "build is restored",
            at=Location(cache.report.mark.path, cache.report.mark.line),
            job=cache.job,
            severity="warning",
            fix=(
                "Hash the sources too: hashFiles("
                + ", ".join(f"'{d}/**'" for d in sources or ["src"])
                + ", ...), or cache the package manager's download cache instead"
            ),
        )

    def _fix_inputs(self, cache: _Cache, names: list[str]) -> str:
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

    def _loose(self, cache: _Cache, after: tuple[Install, ...], at: Location) -> None:
        if not cache.content_addressed:
            return
        loose = [loc for i in after if not i.locked for loc in i.loose]
        if not loose:
            return
        self._add(
            "unpinned-in-built-env",
            f"the cached environment is built from {len(loose)} requirement(s) that allow "
            f"newer versions ({_list(x.message for x in loose[:3])}): a fresh install would "
            "change while the key does not, so the cache keeps what resolved when it was saved",
            at=at,
            job=cache.job,
            related=loose[:20],
        )

    def _dimensions(self, cache: _Cache, after: tuple[Install, ...], at: Location) -> None:
        names = cache.names
        python = _job_python(cache.job)
        names_python = bool(_PY_VERSION_TEXT.search(names)) or (
            python not in (None, "default") and python is not None and python in cache.report.key
        )
        names_os = bool(_OS_TEXT.search(names) or _OS_WORDS.search(cache.report.key))
        names_arch = bool(_ARCH_TEXT.search(names) or _ARCH_WORDS.search(cache.report.key))
        if not names_python:
            self._add(
                "interpreter-not-in-key",
                "the cache holds an installed environment but the key does not name the Python "
                "it was built with: when the interpreter changes (a new patch release, the "
                "runner's default) packages built for another are restored",
                at=at,
                job=cache.job,
                severity="warning",
            )
        if not names_os:
            self._add(
                "os-not-in-key",
                "the cache holds an installed environment but the key does not name the OS",
                at=at,
                job=cache.job,
                severity="warning",
            )
        markers = [(loc, m) for i in after for loc, m in i.markers]
        for dimension, pattern in _MARKER_DIMENSION:
            named = {"interpreter": names_python, "os": names_os, "arch": names_arch}[dimension]
            hits = [loc for loc, m in markers if pattern.search(m)]
            if hits and not named:
                self._add(
                    "marker-dependent",
                    f"{len(hits)} requirement(s) have markers on the {dimension} "
                    f"({_list(x.message for x in hits[:3])}) but the key does not name it",
                    at=at,
                    job=cache.job,
                    related=hits[:20],
                )

    def _populated(
        self,
        cache: _Cache,
        after: tuple[Install, ...],
        at: Location,
        info: JobInstalls,
        ecosystem: str = "python",
    ) -> None:
        for cls in cache.classes:
            if cls.ecosystem != ecosystem or cls.kind not in ("download-cache", "built-env"):
                continue
            if cls.path.startswith("!"):
                continue
            if _populates(cls, after, info):
                continue
            what = {
                "download-cache": f"{cls.tool or 'the installer'}'s download cache",
                "built-env": "an installed environment",
            }[cls.kind]
            self._add(
                "path-never-populated",
                f"{cls.path} is {what}, but nothing in the job writes there "
                f"({_why_not(cls, after)}): the cache saves nothing useful",
                at=at,
                job=cache.job,
                fix=_populate_fix(cls, after),
            )

    def _unused(self, cache: _Cache, info: JobInstalls, at: Location) -> None:
        read = {f.path for i in info.installs for f in i.files}
        for path in sorted(cache.hashed):
            if path in read or path.startswith(".github/"):
                continue
            self._add(
                "hashed-file-unused",
                f"the key hashes {path}, which no install in the job reads: the cache misses "
                "whenever it changes, for nothing",
                at=at,
                job=cache.job,
            )

    # --- across jobs ------------------------------------------------------------------

    def _varying(self, caches: list[_Cache]) -> None:
        """Combos of one cache step on different OSes/archs/Pythons with a key not naming it."""
        steps: dict[tuple[str, str, int], list[_Cache]] = defaultdict(list)
        for c in caches:
            if c.built_env and c.python and c.restores and not c.setup_action and not c.volatile:
                steps[(c.report.workflow, c.report.job, c.report.step_index)].append(c)
        for group in steps.values():
            first = group[0]
            for dimension, code, get, pattern in (
                ("OS", "os-not-in-key", lambda c: c.job.os, _OS_TEXT),
                ("architecture", "arch-not-in-key", lambda c: c.job.arch, _ARCH_TEXT),
                (
                    "Python",
                    "interpreter-not-in-key",
                    lambda c: _job_python(c.job),
                    _PY_VERSION_TEXT,
                ),
            ):
                values = sorted({str(v) for v in map(get, group) if v is not None})
                if len(values) < 2 or pattern.search(first.names):
                    continue
                self._add(
                    code,
                    f"the matrix runs this cache on {len(values)} {dimension}s "
                    f"({_list(values)}) and the key does not name the {dimension}: they "
                    "restore each other's installed environment",
                    at=Location(first.report.mark.path, first.report.mark.line),
                    job=first.job,
                    severity="error",
                    related=[
                        Location(first.job.mark.path, first.job.mark.line, _matrix(c.job))
                        for c in group
                    ],
                )

    def _collisions(self, caches: list[_Cache]) -> None:
        self._varying(caches)
        groups: dict[tuple[str, str], list[_Cache]] = defaultdict(list)
        for c in caches:
            if c.report.key_known and c.report.version and c.built_env and c.python:
                groups[(c.report.key, c.report.version)].append(c)
        for group in groups.values():
            for dimension, code, get in (
                ("OS", "os-not-in-key", lambda c: c.job.os),
                ("architecture", "arch-not-in-key", lambda c: c.job.arch),
                ("Python", "interpreter-not-in-key", lambda c: _job_python(c.job)),
            ):
                values = {get(c) for c in group}
                values.discard(None)
                if len(values) < 2:
                    continue
                first = group[0]
                jobs = sorted({f"{c.job.job} {_matrix(c.job)}".strip() for c in group})
                self._add(
                    code,
                    f"jobs on different {dimension}s ({_list(sorted(map(str, values)))}) share "
                    f"this key and cache version: {_list(jobs)} restore each other's "
                    "installed environment",
                    at=Location(first.report.mark.path, first.report.mark.line),
                    job=first.job,
                    severity="error",
                    related=[
                        Location(
                            c.report.mark.path, c.report.mark.line, f"{c.job.job} {_matrix(c.job)}"
                        )
                        for c in group[1:]
                    ],
                )

    def _poisoning(self, caches: list[_Cache]) -> None:
        feeds = release_jobs(self.explained.jobs)
        reported: set[tuple[str, int]] = set()
        for c in caches:
            job = c.job
            mode = (job.cache_mode or "").lower()
            at = Location(c.report.mark.path, c.report.mark.line)
            restores = c.restores and mode not in ("none", "write-only")
            if (job.workflow, job.job) in feeds and restores:
                if (at.file, at.line) in reported:
                    continue
                reported.add((at.file, at.line))
                publish = "publishes" if _publishes(job) else "builds what a publishing job ships"
                self._add(
                    "cache-poisoning",
                    f"job {job.job} {publish} and restores this cache: any run that can write "
                    "the default branch's cache scope decides what goes into the release",
                    at=at,
                    job=job,
                    fix="Build releases without restoring caches: set cache-mode: write-only "
                    "(or none) on this job, or remove the cache step",
                )
            untrusted = _UNTRUSTED & set(job.events)
            if untrusted and c.saves and not mode:
                self._add(
                    "cache-poisoning",
                    f"this workflow runs on {_list(sorted(untrusted))}, which outsiders can "
                    "trigger, and saves this cache: since 2026-06 GitHub gives such runs a "
                    "read-only cache token, so the save is refused and cannot poison the default "
                    "branch's caches; say so with cache-mode: read",
                    at=at,
                    job=job,
                    severity="note",
                    fix="Set cache-mode: read on this workflow or job",
                )
            if untrusted and c.saves and mode == "write":
                self._add(
                    "cache-poisoning",
                    f"this workflow runs on {_list(sorted(untrusted))} with cache-mode: write: "
                    "code an outside contributor controls can save entries the default branch "
                    "restores",
                    at=at,
                    job=job,
                    fix="Set cache-mode: read for workflows on untrusted triggers",
                )


# What a dependency key hashes (every manager's lock and manifest names), and the packages
# that shape no cached environment (installers and CI tooling): from the ecosystem registry.
_MANIFEST_NAMES = registry.key_file_names()
_TOOLS = registry.tooling(ci=True)


def _tool_or_variable(spec: str) -> bool:
    """Installers and CI tooling (they shape no cached environment), or an unexpanded $VAR."""
    if spec.startswith("$") or "${{" in spec:
        return True
    name = re.split(r"[\[<>=!~; @]", spec, maxsplit=1)[0].strip().lower().replace("_", "-")
    return name in _TOOLS


def _is_dir(tree: Tree, path: str) -> bool:
    try:
        return tree.stat(path) == DIR
    except CachekitError:
        return False


def release_jobs(jobs: Iterable[JobRecord]) -> set[tuple[str, str]]:
    """(workflow, job) of every job that publishes, or builds what a publishing job ships
    (followed through ``needs:``): a cache restored there decides what goes into a release."""
    by_workflow: dict[str, list[JobRecord]] = defaultdict(list)
    for job in jobs:
        by_workflow[job.workflow].append(job)
    feeds: set[tuple[str, str]] = set()
    for wf, members in by_workflow.items():
        names = {j.job: j for j in members}
        stack = [j.job for j in members if _publishes(j)]
        while stack:
            name = stack.pop()
            if (wf, name) in feeds:
                continue
            feeds.add((wf, name))
            needed = names.get(name)
            if needed is not None:
                stack.extend(needed.needs)
    return feeds


def _publishes(job: JobRecord) -> bool:
    for step in job.steps:
        if step.uses and step.uses.lower().split("@")[0].startswith(_PUBLISH_ACTIONS):
            docker = step.uses.lower().startswith("docker/build-push-action")
            if docker and step.with_.get("push", "").lower() != "true":
                continue
            return True
        if step.run and _PUBLISH_RUN.search(step.run):
            return True
    return False


def _norm(path: str) -> str:
    p = path.replace("\\", "/").rstrip("/")
    if p.startswith("./"):
        p = p[2:]
    return posixpath.normpath(p) if p else p


def _populates(cls: PathClass, after: tuple[Install, ...], info: JobInstalls) -> bool:
    path = _norm(cls.path)
    if cls.kind == "download-cache":
        for install in after:
            cmd = install.command
            opts = {k for k, _ in cmd.options}
            env = dict(cmd.env) | install.step.env
            tool = cmd.tool
            if tool == "uv" and cmd.action in ("pip-install", "pip-sync"):
                tool = "uv"
            if cls.tool in (None, tool) or (cls.tool == "pip" and tool == "pip-sync"):
                if tool in ("pip", "pip-sync") and (
                    "--no-cache-dir" in opts
                    or env.get("PIP_NO_CACHE_DIR", "").lower() in ("1", "true", "yes", "off")
                ):
                    continue
                return True
        return False
    # a built environment: something creates or installs into it
    for _step, cmd in info.commands:
        if cmd.action == "venv" and cmd.venv and _norm(cmd.venv) == path:
            return True
    for install in after:
        target = install.target
        if target.startswith("venv:") and _norm(target[5:]) == path:
            return True
        if target == "interpreter" and cls.tool == "pip" and "hostedtoolcache" in cls.path:
            return True
        if target == "interpreter" and "site-packages" in path:
            return True
        if target.startswith("tool:") and cls.tool == target[5:]:
            return True
        if target == "node_modules" and path.endswith("node_modules"):
            return True
        if target == "user" and ".local" in path:
            return True
        if target.startswith("dir:") and _norm(target[4:]) == path:
            return True
    return False


def _why_not(cls: PathClass, after: tuple[Install, ...]) -> str:
    if not after:
        return "no install runs after the cache step"
    tools = sorted({i.command.tool for i in after})
    return "the installs use " + _list(tools)


def _populate_fix(cls: PathClass, after: tuple[Install, ...]) -> str:
    tools = {i.command.tool for i in after}
    if cls.kind == "download-cache" and "uv" in tools:
        return "Cache ~/.cache/uv (uv's cache), or use astral-sh/setup-uv with enable-cache: true"
    if cls.kind == "download-cache" and "poetry" in tools:
        return "Cache ~/.cache/pypoetry, or setup-python's cache: poetry"
    if cls.kind == "built-env":
        return f"Create the environment there (python -m venv {cls.path}) and install into it"
    return CODES["path-never-populated"].fix


def _matrix(job: JobRecord) -> str:
    if not job.matrix:
        return ""
    return "(" + ", ".join(f"{k}={v}" for k, v in sorted(job.matrix.items())) + ")"


def _list(items: Iterable[str]) -> str:
    values = list(dict.fromkeys(items))
    if len(values) > 4:
        values = [*values[:4], f"{len(values) - 4} more"]
    return ", ".join(values)


_DIMENSION_CODES = frozenset({"interpreter-not-in-key", "os-not-in-key", "arch-not-in-key"})


def _ordered(findings: list[CheckFinding]) -> tuple[CheckFinding, ...]:
    unique: dict[tuple[str, str, int, str], CheckFinding] = {}
    errors = {(f.code, f.file, f.line) for f in findings if f.severity == "error"}
    dimensions: set[tuple[str, str, int]] = set()
    for f in findings:
        if f.severity != "error" and (f.code, f.file, f.line) in errors:
            continue  # the same problem, already reported as certain
        if f.code in _DIMENSION_CODES:
            if (f.code, f.file, f.line) in dimensions:
                continue  # one finding per cache step and dimension (matrix combos agree)
            dimensions.add((f.code, f.file, f.line))
        unique.setdefault((f.code, f.file, f.line, f.message), f)
    return tuple(
        sorted(
            unique.values(),
            key=lambda f: (SEVERITIES.index(f.severity), f.file, f.line, f.code, f.message),
        )
    )


def check_explained(tree: Tree, explained: ExplainResult) -> CheckResult:
    """Check the caches ``explained`` found in ``tree``."""
    findings = _Checker(tree, explained).run()
    return CheckResult(
        root=explained.root,
        revision=explained.revision,
        findings=_ordered(findings),
        caches=len(explained.caches),
        jobs=len(explained.jobs),
    )
