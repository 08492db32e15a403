"""What each job installs into a Python environment, and from which files.

A cache key is right when it hashes exactly what shapes the cached environment. That set is
not in the cache step: it is in the job's ``run:`` scripts (``pip install -r …``, ``poetry
install``, ``uv sync``), in the files those read (``-r``/``-c`` includes, the project's
metadata), and in what the project's ``setup.py`` reads dynamically. This module joins the
shell parser (:mod:`cachekit.environments.commands`) with the static readers of requirements,
project metadata and lock files, so the checks can compare that set with what a key hashes.
Nothing here runs anything: files are read from the tree (a working directory or a commit).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from packaging.utils import canonicalize_name

from ..ecosystems import registry
from ..environments.commands import Command, parse_script
from ..environments.project import Project, pyproject_is_metadata, read_project
from ..environments.requirements import (
    EditableRequirement,
    Requirement,
    RequirementsFile,
    UrlRequirement,
    read_requirements,
)
from ..explain.model import JobRecord, StepRecord
from ..fs.trees import FILE, Tree, leaves_tree
from .model import Location

__all__ = ["InputFile", "Install", "JobInstalls", "job_installs"]

# Run commands that may install anything (a Makefile, a script): the job is not fully known.
_OPAQUE_PROGRAMS = frozenset({"make", "just", "task", "invoke", "nox", "tox", "hatch", "pdm"})
_OPAQUE_RE = re.compile(
    r"(^|[;&|(]\s*|\n\s*)(" + "|".join(sorted(_OPAQUE_PROGRAMS)) + r")\b"
    r"|(?<!\S)\S+?\.sh\b|\bsetup\.py\s+(install|develop)\b|\bpre-commit\b",
    re.MULTILINE,
)


@dataclass(frozen=True)
class InputFile:
    """A file that shapes the environment, and why (the line that names it)."""

    path: str  # tree-relative
    # "requirements" | "include" | "constraints" | "project" | "lock" | "dynamic" | "environment"
    role: str
    named_at: Location  # the run step, the -r line, the setup.py call that reads it
    exists: bool = True
    outside: bool = False  # leaves the repository (never read; exists is False)
    linked: bool = False  # outside through a link committed in the repository (its own doing)


@dataclass(frozen=True)
class Install:
    """One install command of a job, with everything it reads."""

    step: StepRecord
    command: Command
    where: Location  # the command's line in the workflow
    files: tuple[InputFile, ...]
    inline: tuple[str, ...]  # packages named in the script itself
    requirements: tuple[RequirementsFile, ...] = ()
    projects: tuple[Project, ...] = ()
    locked: bool = False  # installs exactly what a lock file says
    loose: tuple[Location, ...] = ()  # requirements that allow more than one version
    markers: tuple[tuple[Location, str], ...] = ()  # (where, marker text)
    target: str = "interpreter"  # "interpreter" | "venv:<dir>" | "user" | "dir:<dir>" | "tool"


@dataclass(frozen=True)
class JobInstalls:
    """Every Python install of a job, and whether the job does things cachekit cannot see."""

    job: JobRecord
    installs: tuple[Install, ...]
    commands: tuple[tuple[StepRecord, Command], ...]  # every command recognised, any ecosystem
    opaque: tuple[Location, ...] = field(default=())  # steps that may install unseen
    # what a run: script's parse could not read, by its step and the line in the file
    problems: tuple[tuple[StepRecord, Location], ...] = ()

    def after(self, step_index: int, via_len: int = 0) -> tuple[Install, ...]:
        """Installs that run after the step at ``step_index`` of the job."""
        del via_len
        return tuple(i for i in self.installs if i.step.index > step_index or i.step.via)


def _join(*parts: str | None) -> str:
    out = ""
    for part in parts:
        if not part:
            continue
        part = part.replace("\\", "/")
        if part.startswith(("/", "~", "$")):
            return ""  # outside the workspace: not a tree path
        out = posixpath.join(out, part) if out else part
    norm = posixpath.normpath(out) if out else ""
    return "" if norm == "." else norm


def _is_file(tree: Tree, path: str) -> bool:
    """A file of the repository (one outside it is never a file we read)."""
    try:
        return tree.stat(path) == FILE and not leaves_tree(tree, path)
    except Exception:  # a TreeError on an odd path: not a file we can read
        return False


def _written_inside(path: str) -> bool:
    """Whether the path as written stays in the repository (no ``..``, not absolute)."""
    return not path.startswith(("/", "~")) and ".." not in path.split("/")


def _bounded(tree: Tree, install: Install) -> Install:
    """Mark the files that leave the repository: reported by name, never read or hashed.

    A path written to leave it (``../x``, ``/etc/x``, an install after ``cd ..``) names a
    place the job reaches at run time; a path written inside it that still leaves it goes
    through a link the repository commits (``linked``)."""
    files = tuple(
        replace(f, exists=False, outside=True, linked=_written_inside(f.path))
        if not f.outside and f.path and leaves_tree(tree, f.path)
        else f
        for f in install.files
    )
    return replace(install, files=files) if files != install.files else install


def _project_dir(spec: str) -> str | None:
    """``.``, ``./sub``, ``.[test]``, ``sub[dev]`` → the directory; None for a named package."""
    target = spec.split("[", 1)[0].strip().strip("\"'")
    if target in (".", "./") or target.startswith(("./", "../")) or target.endswith("/"):
        return target
    if "/" in target and "://" not in target and "@" not in target:
        return target
    return None


_EXTRA_SOURCE = re.compile(r"^optional-dependencies(?:\.|\s*\()([^\s)]+)")


def _extra_of(what: str) -> str | None:
    """The extra a dynamic input fills (normalised), None when it is not one extra's:
    ``optional-dependencies.docs come from …`` (pyproject), ``optional-dependencies (docs)``,
    ``docs comes from … (setup.cfg file: directive)`` (``[options.extras_require]``)."""
    m = _EXTRA_SOURCE.match(what)
    if m:
        return canonicalize_name(m.group(1))
    head = what.split(" ", 1)[0]
    if what.endswith("(setup.cfg file: directive)") and head not in _CFG_BASE:
        return canonicalize_name(head)
    return None


_CFG_BASE = frozenset({"install_requires", "setup_requires"})


def _extras(spec: str) -> tuple[str, ...]:
    if "[" not in spec or "]" not in spec:
        return ()
    inner = spec.split("[", 1)[1].split("]", 1)[0]
    return tuple(x.strip() for x in inner.split(",") if x.strip())


class _Reader:
    """Reads one job's installs; memoises files read from the tree."""

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self._reqs: dict[str, RequirementsFile] = {}
        self._projects: dict[str, Project | None] = {}

    def requirements(self, path: str) -> RequirementsFile:
        if path not in self._reqs:
            self._reqs[path] = read_requirements(self.tree, path)
        return self._reqs[path]

    def project(self, directory: str) -> Project | None:
        if directory not in self._projects:
            self._projects[directory] = read_project(self.tree, directory)
        return self._projects[directory]

    # --- one command --------------------------------------------------------------------

    def install(self, step: StepRecord, cmd: Command, where: Location) -> Install | None:
        found = self._install(step, cmd, where)
        return None if found is None else _bounded(self.tree, found)

    def _install(self, step: StepRecord, cmd: Command, where: Location) -> Install | None:
        base = _join(step.working_directory, cmd.cwd)
        tool, action = cmd.tool, cmd.action
        if cmd.tooling:
            return None
        if (
            tool in ("pip", "uv")
            and action in ("install", "pip-install", "pip-sync", "sync")
            and (tool == "pip" or action != "sync")
        ):
            return self._pip_like(step, cmd, where, base)
        if tool == "pip-sync":
            return self._pip_like(step, cmd, where, base, sync=True)
        if tool in ("poetry", "uv", "pipenv") and action in ("install", "sync"):
            return self._project_manager(step, cmd, where, base)
        if tool in registry.tools("node") and action in ("install", "ci") and not cmd.packages:
            return self._node(step, cmd, where, base)
        if tool == "conda" and action in ("install", "create", "env-create", "env-update"):
            files = tuple(
                InputFile(_join(base, f), "environment", where, _is_file(self.tree, _join(base, f)))
                for f in cmd.requirements
            )
            return Install(step, cmd, where, files, cmd.packages, target="tool")
        return None

    def _node(self, step: StepRecord, cmd: Command, where: Location, base: str) -> Install:
        """``npm ci``/``yarn install``/``pnpm install``: the lock, else package.json."""
        files = [InputFile(_join(base, "package.json"), "project", where)]
        locked = False
        for name in registry.locks_of_tool(cmd.tool):
            path = _join(base, name)
            if _is_file(self.tree, path):
                files.append(InputFile(path, "lock", where))
                locked = True
        files = [f for f in files if f.role == "lock" or _is_file(self.tree, f.path)]
        return Install(step, cmd, where, tuple(files), (), locked=locked, target="node_modules")

    def _pip_like(
        self, step: StepRecord, cmd: Command, where: Location, base: str, *, sync: bool = False
    ) -> Install:
        projects: list[Project] = []
        loose: list[Location] = []
        sync = sync or cmd.action in ("pip-sync", "sync")
        req_paths = list(cmd.requirements)
        if sync and not req_paths:
            req_paths = ["requirements.txt"]
        files, reqs, markers, pinned_by_constraint = self._requirement_files(
            (("requirements", req_paths), ("constraints", cmd.constraints)), where, base
        )
        for rf in reqs:
            for entry in rf.unpinned():
                name = entry.name if not isinstance(entry, EditableRequirement) else None
                if isinstance(entry, EditableRequirement):
                    target = _project_dir(entry.target) or entry.target
                    self._add_project(
                        _join(_dir_of(entry.file), target), entry.extras, where, files, projects
                    )
                    continue
                if name and name in pinned_by_constraint:
                    continue
                loose.append(Location(entry.file, entry.line, entry.raw))
        inline: list[str] = []
        for spec in (*cmd.editables, *cmd.packages):
            directory = _project_dir(spec)
            if directory is not None:
                self._add_project(_join(base, directory), _extras(spec), where, files, projects)
            else:
                inline.append(spec)
                if not _spec_pinned(spec) and spec.split("[")[0].lower() not in _TOOLING:
                    loose.append(Location(where.file, where.line, spec))
        for project in projects:
            for dep in project.dependencies:
                if not dep.pinned:
                    loose.append(Location(dep.file, dep.line, dep.text))
                if dep.marker:
                    markers.append((Location(dep.file, dep.line, dep.text), dep.marker))
        locked = bool(reqs) and not loose and not inline and not projects
        return Install(
            step,
            cmd,
            where,
            tuple(_unique(files)),
            tuple(inline),
            tuple(reqs),
            tuple(projects),
            locked=locked,
            loose=tuple(loose),
            markers=tuple(markers),
            target=self._target(cmd),
        )

    def _requirement_files(
        self, by_role: Iterable[tuple[str, Sequence[str]]], where: Location, base: str
    ) -> tuple[list[InputFile], list[RequirementsFile], list[tuple[Location, str]], set[str]]:
        """The ``-r``/``-c`` files of one command with their includes: the input files, the
        parsed files, the markers they use, and the names a constraint pins."""
        files: list[InputFile] = []
        reqs: list[RequirementsFile] = []
        markers: list[tuple[Location, str]] = []
        pinned_by_constraint: set[str] = set()
        for role, paths in by_role:
            for raw in paths:
                path = _join(base, raw)
                if not path:
                    if raw.startswith(("/", "~")):  # the runner's own file, not the repository's
                        files.append(InputFile(raw, role, where, False, outside=True))
                    continue
                exists = _is_file(self.tree, path)
                files.append(InputFile(path, role, where, exists))
                if not exists:
                    continue
                rf = self.requirements(path)
                reqs.append(rf)
                for inc in rf.includes:
                    if inc.resolved:
                        files.append(
                            InputFile(
                                inc.resolved,
                                "include" if inc.kind == "-r" else "constraints",
                                Location(inc.file, inc.line, f"{inc.kind} {inc.target}"),
                                inc.exists,
                            )
                        )
                for entry in rf.requirements():
                    if isinstance(entry, Requirement) and entry.constraint and entry.pinned:
                        pinned_by_constraint.add(entry.name)
                    if isinstance(entry, (Requirement, UrlRequirement)) and entry.marker:
                        markers.append((Location(entry.file, entry.line, entry.raw), entry.marker))
        return files, reqs, markers, pinned_by_constraint

    def _add_project(
        self,
        directory: str,
        extras: Iterable[str],
        where: Location,
        files: list[InputFile],
        projects: list[Project],
    ) -> None:
        project = self.project(directory)
        if project is None:
            files.append(InputFile(_join(directory, "pyproject.toml"), "project", where, False))
            return
        projects.append(project)
        for name in project.files:
            if name.endswith("pyproject.toml") and not pyproject_is_metadata(self.tree, name):
                continue  # only linters' [tool.*] tables: the install reads nothing from it
            files.append(InputFile(name, "project", where))
        selected = {canonicalize_name(e) for e in extras}
        for dyn in project.dynamic:
            extra = _extra_of(dyn.what)
            if extra is not None and extra not in selected:
                continue  # `pip install .` reads no file of an extra it does not select
            if dyn.reads:
                files.append(
                    InputFile(
                        dyn.reads,
                        "dynamic",
                        Location(dyn.file, dyn.line, dyn.what),
                        _is_file(self.tree, dyn.reads),
                    )
                )
                if _is_file(self.tree, dyn.reads):
                    rf = self.requirements(dyn.reads)
                    for inc in rf.includes:
                        if inc.resolved:
                            files.append(
                                InputFile(
                                    inc.resolved,
                                    "include",
                                    Location(inc.file, inc.line, f"{inc.kind} {inc.target}"),
                                    inc.exists,
                                )
                            )

    def _project_manager(
        self, step: StepRecord, cmd: Command, where: Location, base: str
    ) -> Install:
        tool = cmd.tool
        files: list[InputFile] = []
        locked = False
        for name in registry.manifests_of_tool(tool):
            path = _join(base, name)
            files.append(InputFile(path, "project", where, _is_file(self.tree, path)))
        for name in registry.locks_of_tool(tool):
            path = _join(base, name)
            if _is_file(self.tree, path):
                files.append(InputFile(path, "lock", where))
                locked = True
        projects: list[Project] = []
        project = self.project(base) if tool != "pipenv" else None
        if project is not None:
            projects.append(project)
        loose: list[Location] = []
        if not locked and project is not None:
            loose = [Location(d.file, d.line, d.text) for d in project.dependencies if not d.pinned]
        if tool == "pipenv" and _option(cmd, "--ignore-pipfile", "--deploy") and locked:
            files = [f for f in files if f.role == "lock"]
        venv = "venv:.venv" if tool == "uv" else f"tool:{tool}"
        if tool == "poetry" and _in_project(cmd, self.tree, base):
            venv = f"venv:{_join(base, '.venv') or '.venv'}"
        return Install(
            step,
            cmd,
            where,
            tuple(_unique(files)),
            (),
            projects=tuple(projects),
            locked=locked,
            loose=tuple(loose),
            target=venv,
        )

    @staticmethod
    def _target(cmd: Command) -> str:
        opts = dict(cmd.options)
        if "--user" in opts:
            return "user"
        for flag in ("--target", "--prefix"):
            if opts.get(flag):
                return f"dir:{opts[flag]}"
        if cmd.venv:
            return f"venv:{cmd.venv}"
        if cmd.python and "/bin/" in cmd.python:
            return "venv:" + cmd.python.split("/bin/")[0]
        return "interpreter"


_TOOLING = registry.tooling()


def _spec_pinned(spec: str) -> bool:
    text = spec.replace(" ", "")
    return "==" in text and "*" not in text.split("==", 1)[1] and "," not in text


def _dir_of(path: str) -> str:
    return posixpath.dirname(path)


def _option(cmd: Command, *flags: str) -> bool:
    names = {k for k, _ in cmd.options}
    return any(f in names for f in flags)


def _in_project(cmd: Command, tree: Tree, base: str) -> bool:
    env = dict(cmd.env)
    if env.get("POETRY_VIRTUALENVS_IN_PROJECT", "").lower() in ("1", "true"):
        return True
    try:
        text = tree.read(_join(base, "poetry.toml")).decode("utf-8", "replace")
    except Exception:
        return False
    return "in-project" in text and "true" in text


def _unique(files: Iterable[InputFile]) -> list[InputFile]:
    seen: dict[str, InputFile] = {}
    for f in files:
        seen.setdefault(f.path, f)
    return list(seen.values())


def _step_location(step: StepRecord, line_in_script: int) -> Location:
    # `run: |` puts the script on the lines after the key; a one-line `run: x` on the same.
    offset = 1 if step.run and "\n" in step.run.strip("\n") else 0
    return Location(step.mark.path, step.mark.line + offset + max(line_in_script - 1, 0))


def job_installs(tree: Tree, job: JobRecord, reader: _Reader | None = None) -> JobInstalls:
    """Every install command of ``job``, resolved to the files it reads."""
    reader = reader or _Reader(tree)
    installs: list[Install] = []
    commands: list[tuple[StepRecord, Command]] = []
    opaque: list[Location] = []
    problems: list[tuple[StepRecord, Location]] = []
    for step in job.steps:
        if step.run is None:
            continue
        parsed = parse_script(step.run, shell=step.shell)
        for problem in parsed.problems:
            if problem.line:  # a whole-script note (`shell: python`) is no workflow problem
                at = _step_location(step, problem.line)
                problems.append((step, Location(at.file, at.line, problem.message)))
        for cmd in parsed.commands:
            commands.append((step, cmd))
            where = _step_location(step, cmd.line)
            where = Location(where.file, where.line, cmd.text)
            kind = registry.tool(cmd.tool)
            if kind is not None and kind.opaque:
                opaque.append(where)
                continue
            install = reader.install(step, cmd, where)
            if install is not None:
                installs.append(install)
        if _OPAQUE_RE.search(step.run):
            opaque.append(_step_location(step, 1))
    return JobInstalls(job, tuple(installs), tuple(commands), tuple(opaque), tuple(problems))
