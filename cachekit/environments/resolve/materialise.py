"""The resolver's inputs copied out of the tree into a temporary directory, sanitised.

Only the files the resolver needs are copied, with the same relative layout. A repository's
requirements file does not choose the index or make sdists build (its ``--index-url``,
``--find-links``, ``--no-binary``… lines are dropped with a warning unless the caller passes the
same); a project is not handed to the resolver unless ``allow_build`` (its dependencies are
read statically instead).
"""

import os
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as PackagingRequirement
from packaging.utils import canonicalize_name

from ...errors import CachekitError, TreeError
from ...fs.trees import DIR, FILE, SYMLINK, Tree
from ..project import Dependency, DynamicInput, read_project
from ..requirements import (
    EditableRequirement,
    Include,
    Option,
    RequirementsFile,
    UrlRequirement,
    decode,
    logical_lines,
    read_requirements,
)
from .request import ResolveError, ResolveRequest, _norm_dir

_WORK: Final = ".cachekit-resolve"  # our own files inside the temporary copy of the tree
_INLINE: Final = "(inline)"  # the via of a requirement given in ResolveRequest.packages


# Requirement-file options that choose where packages come from: honoured only when the caller
# passes the same option and value (the repository does not pick the index).
_WHERE_FLAGS: Final = frozenset(
    ["--index-url", "--extra-index-url", "--find-links", "--trusted-host", "--no-index"]
)
# Requirement-file options that choose how packages are built: honoured only with allow_build.
_HOW_FLAGS: Final = frozenset(["--no-binary", "--only-binary", "--prefer-binary"])
# Directories never copied for a build: VCS data, caches, dependencies of other tools.
_SKIP_DIRS: Final = frozenset(
    [
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".cachekit-resolve",
    ]
)


_URL_RE: Final = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
_VCS_RE: Final = re.compile(r"^(git|hg|svn|bzr)\+", re.I)


@dataclass
class _Plan:
    """The inputs as laid out in the temporary directory, and how to name them back."""

    root: str  # the temporary copy's root (the resolver's working directory)
    requirements: list[str] = field(default_factory=list)  # relative paths given as sources
    constraints: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # via written by the resolver -> ours
    warnings: list[str] = field(default_factory=list)
    copied: set[str] = field(default_factory=set)
    # file -> first line -> what replaces the logical line (a comment, and what is kept of it)
    blanked: dict[str, dict[int, str]] = field(default_factory=dict)
    projects: list[tuple[str, tuple[str, ...], str]] = field(default_factory=list)  # + origin
    built: set[str] = field(default_factory=set)  # project dirs copied whole (allow_build)


def _dest(plan: _Plan, rel: str) -> str:
    return os.path.join(plan.root, *rel.split("/")) if rel else plan.root


def _copy_file(tree: Tree, plan: _Plan, rel: str) -> None:
    if rel in plan.copied:
        return
    try:
        data = tree.read(rel)
    except (TreeError, OSError, ValueError) as exc:
        raise ResolveError(f"{rel}: cannot read: {exc}") from None
    dest = _dest(plan, rel)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest, "wb") as f:
        f.write(data)
    plan.copied.add(rel)


def _copy_dir(
    tree: Tree, plan: _Plan, rel: str, *, recursive: bool, only: str | None = None
) -> None:
    """Copy a directory's files (those whose name ends with ``only``, if given; and, if
    ``recursive``, its subdirectories but VCS data, caches and virtual environments)."""
    seen: set[str] = set()
    stack = [rel]
    while stack:
        current = stack.pop()
        try:
            real = tree.realpath(current)
            entries = tree.listdir(current)
        except (TreeError, OSError, ValueError) as exc:
            raise ResolveError(f"{current or '.'}: cannot list: {exc}") from None
        if real in seen:
            continue
        seen.add(real)
        os.makedirs(_dest(plan, current), exist_ok=True)
        for name, kind in entries:
            child = f"{current}/{name}" if current else name
            if kind == SYMLINK:
                try:
                    kind = tree.stat(child) or 0
                except (TreeError, OSError, ValueError):
                    continue
            if kind == FILE and (only is None or name.endswith(only)):
                _copy_file(tree, plan, child)
            elif kind == DIR and recursive and name not in _SKIP_DIRS:
                try:
                    venv = tree.stat(f"{child}/pyvenv.cfg") == FILE
                except (TreeError, OSError, ValueError):
                    venv = False
                if not venv:
                    stack.append(child)


def _fatal_problems(rf: RequirementsFile) -> None:
    for problem in rf.problems:
        if problem.line == 0 or problem.kind in ("missing", "outside", "cycle"):
            raise ResolveError(str(problem))


def _local_target(tree: Tree, target: str, where: str) -> str | None:
    """The tree path a local reference names (pip: relative to the working directory, here
    the tree's root), or None for a remote URL; ResolveError when it leaves the tree."""
    path = target
    if path.startswith("file:"):
        path = path[5:]
        path = path[2:] if path.startswith("//") else path
    elif _URL_RE.match(path) or _VCS_RE.match(path):
        return None
    path = path.replace("\\", "/")
    workspace = tree.workspace.rstrip("/") + "/"
    if path.startswith(workspace):
        path = path[len(workspace) :]
    norm = posixpath.normpath(path)
    if norm.startswith(("/", "../")) or norm == "..":
        raise ResolveError(f"{where}: {target}: outside the tree")
    return "" if norm == "." else norm


def _needs_build(url: str) -> bool:
    """A remote direct reference that is not a wheel: a VCS checkout or a source archive."""
    return not url.split("#", 1)[0].split("?", 1)[0].endswith(".whl")


def _refuse_build(where: str, url: str) -> ResolveError:
    return ResolveError(
        f"{where}: {url} is built to be resolved (a VCS checkout or a source archive): "
        "pass --allow-build to allow that"
    )


def _stat(tree: Tree, rel: str) -> int | None:
    try:
        return tree.stat(rel)
    except (TreeError, OSError, ValueError):
        return None


def _requirements_file(tree: Tree, plan: _Plan, path: str, request: ResolveRequest) -> str:
    """Copy a requirements file and its includes; local projects in it are read statically
    (or copied whole with allow_build). Returns the file's relative path."""
    rf = read_requirements(tree, path)
    _fatal_problems(rf)
    for problem in rf.problems:
        plan.warnings.append(str(problem))
    for rel in rf.files:
        _copy_file(tree, plan, rel)
    for entry in rf.entries:
        if isinstance(entry, Option):
            _option(tree, plan, entry, request)
            continue
        if isinstance(entry, Include) and entry.resolved is None:
            # A URL or ${VAR}: pip would fetch or expand it; what it holds is not the tree's.
            if entry.env_vars:  # a URL is already a warning of the reader's ("not fetched")
                plan.warnings.append(
                    f"{entry.where}: {entry.kind} {entry.target} ignored: only the "
                    "repository's own files are read (a variable is not expanded)"
                )
            _drop(plan, entry, f"{entry.kind} ignored")
            continue
        if not isinstance(entry, (EditableRequirement, UrlRequirement)) or entry.constraint:
            continue
        target = entry.target if isinstance(entry, EditableRequirement) else entry.url
        local = _local_target(tree, target, entry.where)
        if local is None:
            if not request.allow_build and (
                isinstance(entry, EditableRequirement) or _needs_build(target)
            ):
                raise _refuse_build(entry.where, target)
            continue
        kind = _stat(tree, local)
        if kind is None:
            raise ResolveError(f"{entry.where}: {target}: not found in the tree")
        if kind == FILE:
            if local.endswith(".whl"):
                _copy_file(tree, plan, local)
            elif not request.allow_build:
                raise ResolveError(
                    f"{entry.where}: {target} is a source archive: resolving it builds it "
                    "(runs its setup); pass --allow-build to allow that"
                )
            else:
                _copy_file(tree, plan, local)
        elif kind == DIR:
            if request.allow_build:
                _copy_project(tree, plan, local)
            else:
                _drop(plan, entry, "a local project, its metadata read statically")
                plan.projects.append((local, entry.extras, entry.where))
    return rf.path


def _drop(
    plan: _Plan, entry: Option | Include | EditableRequirement | UrlRequirement, why: str
) -> None:
    """Replace ``entry``'s line in the copy by a comment (see :func:`_blank`)."""
    plan.blanked.setdefault(entry.file, {})[entry.line] = f"# (cachekit: {why})"


def _user_passed(request: ResolveRequest, flag: str, value: str | None) -> bool:
    """Whether the caller's own options include ``flag value`` (then the file may say it)."""
    given: dict[str, tuple[str, ...]] = {
        "--index-url": (request.index_url,) if request.index_url else (),
        "--extra-index-url": request.extra_index_urls,
        "--find-links": request.find_links,
    }
    if flag == "--no-index":
        return request.no_index
    return value is not None and value.rstrip("/") in {v.rstrip("/") for v in given.get(flag, ())}


def _option(tree: Tree, plan: _Plan, entry: Option, request: ResolveRequest) -> None:
    """Keep, or strip with a warning, a global option of a repository's requirements file.

    Why: the resolver reads the copy as pip would, so ``--no-binary :all:`` with
    ``--find-links ./dists`` would build (run) the repository's own sdist, and ``--index-url``
    would send the resolution to a server of the repository's choosing.
    """
    shown = f"{entry.flag} {entry.value}" if entry.value is not None else entry.flag
    if entry.flag in _WHERE_FLAGS and not _user_passed(request, entry.flag, entry.value):
        hint = "" if entry.flag == "--trusted-host" else f"; pass {entry.flag} to use it"
        why = "the repository does not choose where packages come from"
    elif entry.flag in _HOW_FLAGS and not request.allow_build:
        hint, why = "; pass --allow-build to use it", "only wheels are resolved, nothing is built"
    else:
        if entry.flag == "--find-links" and entry.value:
            _find_links(tree, plan, entry, request)
        return
    plan.warnings.append(f"{entry.where}: {shown} ignored: {why}{hint}")
    _drop(plan, entry, f"{entry.flag} ignored")


def _find_links(tree: Tree, plan: _Plan, entry: Option, request: ResolveRequest) -> None:
    """Copy a ``--find-links`` directory named in a requirements file when it is in the tree
    (pip tries it relative to the file first, then to the working directory): its wheels
    only, unless ``allow_build`` (an sdist there is the repository's code, built to resolve)."""
    value = entry.value or ""
    if "${" in value or _URL_RE.match(value) or value.startswith("file:"):
        return
    for base in (posixpath.dirname(entry.file), ""):
        joined = value if value.startswith("/") else posixpath.join(base, value)
        try:
            local = _local_target(tree, joined, entry.where)
        except ResolveError:
            return  # outside the tree (a machine path the caller named): read there
        if local is not None and _stat(tree, local) == DIR:
            wheels = None if request.allow_build else ".whl"
            _copy_dir(tree, plan, local, recursive=False, only=wheels)
            return


def _copy_project(tree: Tree, plan: _Plan, directory: str) -> None:
    if directory not in plan.built:
        plan.built.add(directory)
        _copy_dir(tree, plan, directory, recursive=True)


def _blank(plan: _Plan) -> None:
    """Replace the lines naming local projects (read statically instead) and the options a
    repository may not set by comments; the includes on such a line are kept."""
    for rel, firsts in plan.blanked.items():
        path = _dest(plan, rel)
        with open(path, "rb") as f:
            lines = decode(f.read()).splitlines()
        for first, last, text in list(logical_lines("\n".join(lines))):
            if first in firsts:
                kept = [
                    k
                    for k in re.findall(
                        r"(?:^|\s)(-[rc]\s*\S+|--(?:requirement|constraint)[=\s]\S+)", text
                    )
                    if "://" not in k and "${" not in k  # never fetched nor expanded
                ]
                lines[first - 1] = firsts[first] + "".join(f"\n{k.strip()}" for k in kept)
                for n in range(first, last):
                    lines[n] = ""
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(lines) + "\n")


_IRRELEVANT_DYNAMIC: Final = frozenset(
    ["version", "requires-python", "python_requires", "setup_requires", "name"]
)


def _dynamic_concerns(dynamic: DynamicInput, extras: frozenset[str]) -> bool:
    """Whether a :class:`DynamicInput` bears on the runtime dependencies with ``extras``.

    Its ``what`` sentence starts with the field it is about ("dependencies is dynamic: …",
    "optional-dependencies (dev) come from …", "version is computed: …").
    """
    what = dynamic.what
    head = what.split(" ", 1)[0]
    if head in _IRRELEVANT_DYNAMIC:
        return False
    m = re.match(r"optional-dependencies \(([^)]+)\)", what)
    if m:
        return canonicalize_name(m.group(1)) in extras
    if head in ("optional-dependencies", "extras_require"):
        return bool(extras)
    if what.endswith("(setup.cfg file: directive)") and head != "install_requires":
        return canonicalize_name(head) in extras  # an extra of options.extras_require
    return True  # dependencies, install_requires, setup() computed, or unknown: assume so


def _dependency_line(tree: Tree, plan: _Plan, dep: Dependency, directory: str) -> str | None:
    """A dependency as a requirement line; a local path dependency is queued as a project
    (read statically in turn) and gives no line."""
    where = f"{dep.file}:{dep.line}"
    if dep.name is None:
        plan.warnings.append(f"{where}: unreadable dependency {dep.text!r} left out")
        return None
    source = dep.source
    extras = f"[{','.join(dep.extras)}]" if dep.extras else ""
    marker = f" ; {dep.marker}" if dep.marker else ""
    if source.startswith("path:"):
        path = source[5:]
        joined = path if path.startswith("/") else posixpath.join(directory, path)
        local = _local_target(tree, joined, where)
        if local is None or _stat(tree, local) != DIR:
            raise ResolveError(
                f"{where}: {dep.name} is the local path {path}: not a project directory in "
                "the tree (building it needs --allow-build)"
            )
        plan.projects.append((local, tuple(dep.extras), where))
        return None
    if source.startswith("git:"):
        raise _refuse_build(where, f"git+{source[4:]}")
    if source.startswith("url:"):
        if _needs_build(source[4:]):
            raise _refuse_build(where, source[4:])
        return f"{dep.name}{extras} @ {source[4:]}{marker}"
    try:
        PackagingRequirement(dep.text)
        return dep.text
    except InvalidRequirement:
        pass  # Poetry's "requests ^2.31": written from the converted specifier
    line = f"{dep.name}{extras}{dep.specifier}{marker}"
    try:
        PackagingRequirement(line)
    except InvalidRequirement:
        raise ResolveError(
            f"{where}: {dep.text!r} cannot be written as a PEP 508 requirement"
        ) from None
    return line


def _static_project(
    tree: Tree,
    plan: _Plan,
    request: ResolveRequest,
    project_dir: tuple[str, tuple[str, ...], str],
) -> tuple[str, list[str]]:
    """A project's name and its dependencies as requirement lines, read without building.

    Dependencies computed from a requirements file (setuptools' ``file:``, a setup.py that
    reads one) are resolved from that file, given to the resolver as a source of its own.
    """
    directory, extras, origin = project_dir
    where = directory or "."
    try:
        project = read_project(tree, directory)
    except CachekitError as exc:
        raise ResolveError(f"{origin}: {exc}") from None
    if project is None:
        raise ResolveError(
            f"{origin}: {where} has no Python project metadata (pyproject.toml, setup.cfg, "
            "setup.py)"
        )
    name = canonicalize_name(project.name or posixpath.basename(where) or "project")
    wanted = frozenset(canonicalize_name(x) for x in extras)
    for dynamic in project.dynamic:
        if not _dynamic_concerns(dynamic, wanted):
            continue
        if dynamic.reads is None:
            raise ResolveError(
                f"{dynamic.file}:{dynamic.line}: the dependencies of {name} are not statically "
                f"known ({dynamic.what}); --allow-build would run the build backend"
            )
        source = _requirements_file(tree, plan, dynamic.reads, request)
        if source not in plan.requirements:
            plan.requirements.append(source)
    for problem in project.problems:
        plan.warnings.append(str(problem))
    for extra in extras:
        if canonicalize_name(extra) not in project.optional:
            plan.warnings.append(f"{origin}: {name} does not provide the extra {extra!r}")
    lines = []
    for dep in project.all_dependencies(extras=extras):
        line = _dependency_line(tree, plan, dep, project.directory)
        if line is not None:
            lines.append(line)
    return name, lines


def _materialise(tree: Tree, request: ResolveRequest, plan: _Plan) -> None:
    requested = [(_norm_dir(d), tuple(x), f"project {d or '.'}") for d, x in request.projects]
    plan.projects += requested
    for path in request.requirements:
        plan.requirements.append(_requirements_file(tree, plan, path, request))
    for path in request.constraints:
        plan.constraints.append(_requirements_file(tree, plan, path, request))
    os.makedirs(_dest(plan, _WORK), exist_ok=True)
    if request.packages:
        for spec in request.packages:
            try:
                parsed = PackagingRequirement(spec)
            except InvalidRequirement as exc:
                first = str(exc).splitlines()[0]
                raise ResolveError(f"invalid requirement {spec!r}: {first}") from None
            if parsed.url and not request.allow_build and _needs_build(parsed.url):
                raise _refuse_build(f"package {spec!r}", parsed.url)
        rel = f"{_WORK}/packages.in"
        _write(plan, rel, request.packages)
        plan.requirements.append(rel)
        plan.labels[f"-r {rel}"] = _INLINE
    build_lines: list[str] = []
    done: set[tuple[str, tuple[str, ...]]] = set()
    number = 0
    while number < len(plan.projects):  # grows: path dependencies and -e lines are queued
        directory, extras, origin = plan.projects[number]
        number += 1
        key = (directory, tuple(sorted(canonicalize_name(x) for x in extras)))
        if key in done:
            continue
        done.add(key)
        if request.allow_build:
            if _stat(tree, directory) != DIR:
                raise ResolveError(f"{origin}: {directory or '.'} is not a directory in the tree")
            _copy_project(tree, plan, directory)
            extra = f"[{','.join(extras)}]" if extras else ""
            build_lines.append(f"./{directory}{extra}" if directory else f".{extra}")
            continue
        name, lines = _static_project(tree, plan, request, (directory, extras, origin))
        rel = f"{_WORK}/project-{number}.in"
        _write(plan, rel, lines)
        plan.requirements.append(rel)
        plan.labels[f"-r {rel}"] = name
    _blank(plan)
    if build_lines:
        rel = f"{_WORK}/projects.in"
        _write(plan, rel, build_lines)
        plan.requirements.append(rel)


def _write(plan: _Plan, rel: str, lines: Iterable[str]) -> None:
    with open(_dest(plan, rel), "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(f"{line}\n" for line in lines))
