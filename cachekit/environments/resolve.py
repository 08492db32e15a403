"""What a workflow's install would resolve to *now*, by pip-tools or uv, in a hermetic subprocess.

Why: a cache keyed on ``hashFiles('requirements.in')`` with loose specifiers holds whatever
resolved the day the entry was saved; the key does not change when a new release appears, so the
cache goes on restoring yesterday's environment. To say what the same inputs resolve to today
(for a given Python and platform) and how that differs from a lock or a cache's contents, we run
a real resolver — ``pip-compile`` (pip-tools) or ``uv pip compile`` — and read its output.

How, and what is guaranteed:

- Only the files the resolver needs are copied out of the :class:`~cachekit.fs.trees.Tree` into a
  temporary directory, with the same relative layout: the requirements and constraints files and
  the files they include (``-r``/``-c``), wheels and ``--find-links`` directories they name in
  the tree. The user's tree is never written to; the directory is removed afterwards.
- Repository code is not executed unless ``allow_build``: a project (``pip install .[extras]``,
  ``-e .`` in a requirements file) is not handed to the resolver, which would run its build
  backend; its dependencies are read statically (:func:`cachekit.environments.project.
  read_project`) and written as requirement lines. Dependencies only a build could compute are
  an error that says so. Dependencies' sdists are not built either: the resolver sees wheels only
  (``--only-binary :all:``).
- A repository's requirements file does not choose where packages come from or how they are
  built: ``--index-url``, ``--extra-index-url``, ``--find-links``, ``--trusted-host`` lines are
  removed from the copy (with a warning naming file:line) unless the caller passes the same
  option and value; ``--no-binary``/``--only-binary``/``--prefer-binary`` lines are removed
  unless ``allow_build``, so ``--only-binary :all:`` stays in force. A ``--find-links``
  directory of the tree that is kept contributes its wheels only (sdists too with
  ``allow_build``).
- The subprocess gets an allow-list environment, also with ``allow_build`` (which only permits
  building): ``PATH``, a temporary ``HOME`` and ``TMPDIR``, a UTF-8 locale, the few variables
  that only say how to reach an index (certificate paths, timeouts) and the resolvers' own
  settings — nothing else, so a build backend never sees the caller's tokens or cloud keys (nor
  its proxies: an index behind a proxy is out of reach). pip's and uv's configuration files are
  not read, and caches live in the temporary directory unless the caller passes ``cache_dir``.
- pip-compile resolves for the interpreter that runs it; resolving for another Python version or
  platform needs uv (``--python-version``/``--python-platform``), and asking pip-tools for it is
  an error that says so.
- ``exclude_newer`` ("as of then") compares with each file's upload time, which only an index
  serving PEP 700 metadata (the JSON simple API's ``upload-time``) provides; a date alone means
  midnight UTC at its start. Files without one are treated differently by the two backends:
  uv keeps every ``--find-links`` file and *drops* index files (even ``file://`` ones) without
  an upload time, with a warning; pip (``--uploaded-prior-to``: pip-tools 7.6 with pip 26)
  keeps every local file (find-links or ``file://`` index) and *fails* on a remote index that
  gives no upload times. File modification times are never used. Resolution warnings say so.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import importlib.util
import os
import posixpath
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as PackagingRequirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from ..errors import CachekitError, TreeError
from ..fs.trees import DIR, FILE, SYMLINK, Tree
from .project import Dependency, DynamicInput, read_project
from .requirements import (
    EditableRequirement,
    Include,
    Option,
    RequirementsFile,
    UrlRequirement,
    decode,
    logical_lines,
    read_requirements,
)

__all__ = [
    "BACKENDS",
    "PLATFORMS",
    "Drift",
    "Pin",
    "Resolution",
    "ResolveError",
    "ResolveRequest",
    "drift",
    "find_uv",
    "host_platform",
    "resolve",
]

BACKENDS: Final = ("pip-tools", "uv")
PLATFORMS: Final = ("linux", "macos", "windows")
"""Platform names as GitHub's runners go; uv reads them as its aliases (``linux`` is
x86_64-unknown-linux-gnu, ``macos`` aarch64-apple-darwin, ``windows`` x86_64-pc-windows-msvc)."""

_WORK: Final = ".cachekit-resolve"  # our own files inside the temporary copy of the tree
_INLINE: Final = "(inline)"  # the via of a requirement given in ResolveRequest.packages
# The caller's variables a resolver subprocess may see (an allow-list: nothing else passes).
# PATH to find compilers with --allow-build; certificate paths and timeouts only say how to
# reach an index; the Windows ones are where the system is. None holds a credential.
_KEPT_VARS: Final = frozenset(
    [
        "PATH",
        "PIP_CERT",
        "PIP_CLIENT_CERT",
        "PIP_DEFAULT_TIMEOUT",
        "UV_NATIVE_TLS",
        "UV_HTTP_TIMEOUT",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "SYSTEMROOT",
        "WINDIR",
        "COMSPEC",
        "PATHEXT",
    ]
)
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
_PYTHON_RE: Final = re.compile(r"^(\d+)\.(\d+)(?:\.\d+)?$")
_TRIPLE_RE: Final = re.compile(r"^[a-z0-9_.]+(?:-[a-z0-9_.]+)+$")
_URL_RE: Final = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
_VCS_RE: Final = re.compile(r"^(git|hg|svn|bzr)\+", re.I)


# --- the contract ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolveRequest:
    """What to resolve, for which interpreter and platform, with which backend."""

    requirements: tuple[str, ...] = ()  # tree paths of requirements files
    constraints: tuple[str, ...] = ()  # tree paths of constraints files
    packages: tuple[str, ...] = ()  # inline requirement specs ("django>=4")
    projects: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (tree directory, extras)
    python: str | None = None  # "3.12"; None = the backend's interpreter (this one)
    platform: str | None = None  # "linux" | "macos" | "windows"; None = host
    backend: str = "pip-tools"  # "pip-tools" | "uv"
    index_url: str | None = None
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool = False
    exclude_newer: str | None = None  # ISO date or date-time: resolve as of then
    allow_build: bool = False  # may build sdists / run the project's build backend
    timeout: float = 600.0


@dataclass(frozen=True)
class Pin:
    """One resolved distribution."""

    name: str  # normalised
    version: str  # "1.2.3"; "@ URL" for a direct reference
    via: tuple[str, ...]  # what required it ("-r requirements.in", "flask"), as annotated


@dataclass(frozen=True)
class Resolution:
    """What the resolver chose, and how it was asked."""

    backend: str
    python: str | None  # the Python resolved for ("3.12"); the running one's when not asked
    platform: str | None  # "linux" | "macos" | "windows" (or a uv target triple)
    pins: tuple[Pin, ...]  # sorted by name
    command: tuple[str, ...]  # the command run; paths inside the temporary directory relative
    seconds: float
    warnings: tuple[str, ...]

    def versions(self) -> dict[str, str]:
        """``{normalised name: version}``."""
        return {p.name: p.version for p in self.pins}


@dataclass(frozen=True)
class Drift:
    """How a lock (or a cache's contents) differs from what resolves now."""

    changed: tuple[tuple[str, str, str], ...]  # (name, locked/cached version, resolved now)
    added: tuple[tuple[str, str], ...]  # resolved now, not in the lock
    removed: tuple[tuple[str, str], ...]  # in the lock, not resolved now

    @property
    def clean(self) -> bool:
        return not (self.changed or self.added or self.removed)


class ResolveError(CachekitError):
    """The environment could not be resolved; the one-line message names the file or
    requirement at fault, or the resolver's own last word."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()) if "\n" in message else message)


# --- small helpers -----------------------------------------------------------------------------


def host_platform() -> str:
    """This machine as a :data:`PLATFORMS` name (other systems keep ``sys.platform``)."""
    if sys.platform.startswith("linux"):
        return "linux"
    if sys.platform == "darwin":
        return "macos"
    if sys.platform in ("win32", "cygwin"):
        return "windows"
    return sys.platform


def _running_python() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def find_uv() -> str | None:
    """The ``uv`` executable: next to this interpreter, in its scripts directory, or on PATH."""
    here = os.path.dirname(sys.executable)
    for directory in dict.fromkeys([here, sysconfig.get_path("scripts")]):
        found = shutil.which("uv", path=directory) if directory else None
        if found:
            return found
    return shutil.which("uv")


def _exclude_newer(value: str) -> str:
    """An ISO date or date-time as RFC 3339 UTC; a date is midnight UTC at its start."""
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            when = dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc)
        else:
            when = dt.datetime.fromisoformat(re.sub(r"[zZ]$", "+00:00", text))
            if when.tzinfo is None:
                when = when.replace(tzinfo=dt.timezone.utc)
    except ValueError:
        raise ResolveError(
            f"exclude-newer {value!r}: not an ISO date or date-time (2024-05-01, "
            "2024-05-01T12:00:00Z)"
        ) from None
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _piptools_has_uploaded_prior_to() -> bool:
    """pip-tools 7.6 passes pip 26's ``--uploaded-prior-to``; older ones have no such option.

    Read from pip-tools' option definitions and pip's version, without importing pip here.
    """
    try:
        spec = importlib.util.find_spec("piptools.scripts.options")
        if spec is None or not spec.origin:
            return False
        with open(spec.origin, encoding="utf-8") as f:
            if "--uploaded-prior-to" not in f.read():
                return False
        return Version(importlib.metadata.version("pip")) >= Version("26")
    except (ImportError, OSError, ValueError, InvalidVersion):
        return False


def _norm_dir(directory: str) -> str:
    norm = posixpath.normpath(directory.replace("\\", "/")) if directory else "."
    if norm.startswith(("/", "../")) or norm == "..":
        raise ResolveError(f"project {directory}: outside the tree")
    return "" if norm == "." else norm


def _summary(request: ResolveRequest) -> str:
    parts = [*request.requirements, *request.packages]
    parts += [(d or ".") + (f"[{','.join(x)}]" if x else "") for d, x in request.projects]
    text = ", ".join(parts)
    return text if len(text) <= 80 else text[:77] + "..."


# --- validation --------------------------------------------------------------------------------


@dataclass
class _Target:
    python: str  # major.minor resolved for
    python_flag: str | None  # passed as --python-version (uv)
    platform: str
    platform_flag: str | None  # passed as --python-platform (uv)


def _target(request: ResolveRequest) -> _Target:
    if request.backend not in BACKENDS:
        raise ResolveError(
            f"unknown resolver backend {request.backend!r}: use {' or '.join(BACKENDS)}"
        )
    if not (request.requirements or request.packages or request.projects):
        raise ResolveError("nothing to resolve: give requirements files, packages or projects")
    running, host = _running_python(), host_platform()
    python, python_flag = running, None
    if request.python is not None:
        m = _PYTHON_RE.match(request.python.strip())
        if not m:
            raise ResolveError(f"python {request.python!r}: expected a version like 3.12")
        python, python_flag = f"{m.group(1)}.{m.group(2)}", request.python.strip()
    platform, platform_flag = host, None
    if request.platform is not None:
        platform = platform_flag = request.platform.strip().lower()
        if platform not in PLATFORMS and not (
            request.backend == "uv" and _TRIPLE_RE.match(platform)
        ):
            raise ResolveError(
                f"platform {request.platform!r}: expected one of {', '.join(PLATFORMS)}"
            )
    if request.backend == "pip-tools":
        if python != running:
            raise ResolveError(
                f"pip-tools resolves for the Python that runs it ({running}), not {python}: "
                "use --backend uv"
            )
        if platform != host:
            raise ResolveError(
                f"pip-tools resolves for this platform ({host}), not {platform}: use --backend uv"
            )
    return _Target(python, python_flag, platform, platform_flag)


# --- materialising the inputs ------------------------------------------------------------------


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
        fatal = problem.line == 0 or any(
            s in problem.message for s in ("not found", "outside the tree", "include cycle")
        )
        if fatal:
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


# --- the command -------------------------------------------------------------------------------


def _environment(plan: _Plan, cache: str, request: ResolveRequest) -> dict[str, str]:
    """An allow-list environment: a build backend (with ``allow_build``) sees no secret."""
    scratch = os.path.join(plan.root, _WORK)
    env = {k: v for k, v in os.environ.items() if k in _KEPT_VARS}
    env.setdefault("PATH", os.defpath)
    env.update(
        HOME=os.path.join(scratch, "home"),
        USERPROFILE=os.path.join(scratch, "home"),
        TMPDIR=os.path.join(scratch, "tmp"),
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
        PYTHONNOUSERSITE="1",
        PIP_CONFIG_FILE=os.devnull,
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_INPUT="1",
        PIP_CACHE_DIR=os.path.join(cache, "pip"),
        UV_NO_CONFIG="1",
        UV_CACHE_DIR=os.path.join(cache, "uv"),
        UV_PYTHON_DOWNLOADS="never",
        NO_COLOR="1",
        PYTHONIOENCODING="utf-8",
    )
    if request.allow_build:
        # The copy has no .git: let setuptools-scm and the like build with a stand-in version.
        env.setdefault("SETUPTOOLS_SCM_PRETEND_VERSION", "0+cachekit")
    return env


def _command(
    request: ResolveRequest, target: _Target, plan: _Plan, cache: str, out: str, uv: str | None
) -> list[str]:
    index: list[str] = []
    if request.index_url:
        index += ["--index-url", request.index_url]
    for url in request.extra_index_urls:
        index += ["--extra-index-url", url]
    for location in request.find_links:
        index += ["--find-links", location]
    if request.no_index:
        index.append("--no-index")
    constraints = [a for c in plan.constraints for a in ("--constraint", c)]
    newer = _exclude_newer(request.exclude_newer) if request.exclude_newer else None
    if request.backend == "uv":
        assert uv is not None
        argv = [uv, "pip", "compile", "--no-config", "--no-header", "--color", "never"]
        argv += ["--no-progress", "--annotation-style", "split", "--python", sys.executable]
        argv += ["--cache-dir", os.path.join(cache, "uv"), "--output-file", out]
        if target.python_flag:
            argv += ["--python-version", target.python_flag]
        if target.platform_flag:
            argv += ["--python-platform", target.platform_flag]
        if newer:
            argv += ["--exclude-newer", newer]
        if not request.allow_build:
            argv.append("--no-build")  # wheels only: no setup.py of a dependency runs
        return [*argv, *index, *constraints, *plan.requirements]
    argv = [sys.executable, "-m", "piptools", "compile", "--quiet", "--no-config", "--no-header"]
    argv += ["--allow-unsafe", "--strip-extras", "--annotation-style", "split", "--newline", "lf"]
    argv += ["--cache-dir", os.path.join(cache, "pip-tools"), "--output-file", out]
    if newer:
        argv += ["--uploaded-prior-to", newer]
    if not request.allow_build:
        argv += ["--pip-args", "--only-binary :all:"]
    return [*argv, *index, *constraints, *plan.requirements]


def _shown(argv: Iterable[str], root: str) -> tuple[str, ...]:
    return tuple(_untemp(a, root) for a in argv)


def _untemp(text: str, root: str) -> str:
    """Paths inside the temporary directory, relative to it."""
    for prefix in (f"file://{root}/", f"{root}/", f"{root}{os.sep}"):
        text = text.replace(prefix, "")
    return text.replace(f"file://{root}", ".").replace(root, ".")


# --- running -----------------------------------------------------------------------------------


def _run(
    argv: list[str], cwd: str, env: dict[str, str], timeout: float, what: str
) -> tuple[int, str]:
    try:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # so a timeout ends the builds it started too
        )
    except OSError as exc:
        raise ResolveError(f"{what}: cannot run {argv[0]}: {exc.strerror or exc}") from None
    try:
        _stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise ResolveError(f"{what}: timed out after {timeout:g} s") from None
    except BaseException:
        _kill(proc)
        raise
    return proc.returncode, stderr.decode("utf-8", "replace")


def _kill(proc: subprocess.Popen[bytes]) -> None:
    killpg = getattr(os, "killpg", None)
    try:
        if killpg is not None:
            killpg(proc.pid, getattr(signal, "SIGKILL", signal.SIGTERM))
        else:  # pragma: no cover - Windows
            proc.kill()
    except OSError:
        pass
    proc.communicate()


_ERROR_RE: Final = re.compile(r"^\s*(?:ERROR|Error|error):\s*(.+)$")
_EXCEPTION_RE: Final = re.compile(
    r"^[A-Za-z_][\w.]*(?:Error|Exception|NotFound|Impossible)\b:\s*(.+)$"
)
_WARNING_RE: Final = re.compile(r"^\s*(?:WARNING|Warning|warning):\s*(.+)$")


def _failure(stderr: str) -> str:
    """The resolver's last meaningful word, on one line."""
    lines = [line.rstrip() for line in stderr.splitlines()]
    # uv: "error: …" then "  Caused by: …" / "  cause: …" (continued, indented) and "hint: …".
    for i in range(len(lines) - 1, -1, -1):
        m = re.match(r"^error:\s*(.+)$", lines[i])
        if not m:
            continue
        head, detail, hint = m.group(1), "", ""
        j = i + 1
        while j < len(lines):
            line = lines[j]
            cause = re.match(r"^\s+(?:Caused by|cause):\s*(.+)$", line)
            if cause:
                detail = cause.group(1)
            elif line.startswith("hint:"):
                hint = line[5:].strip()
            elif line.startswith("         ") and detail:
                detail += " " + line.strip()
            elif re.match(r"^\s+╰─▶\s*", line):
                detail = re.sub(r"^\s+╰─▶\s*", "", line)
            j += 1
        text = f"{head}: {detail}" if detail else head
        return f"{text} ({hint})" if hint else text
    # pip: "ERROR: …" lines; else the final line of a traceback.
    for line in reversed(lines):
        m = _ERROR_RE.match(line)
        if m and not m.group(1).startswith("Traceback"):
            return m.group(1).strip()
    for line in reversed(lines):
        m = _EXCEPTION_RE.match(line)
        if m:
            return m.group(1).strip()
    for line in reversed(lines):
        if line.strip() and not line.startswith((" ", "Traceback")):
            return line.strip()
    return "the resolver failed without a message"


_NO_UPLOAD_RE: Final = re.compile(r"^`(.+)` is missing an upload date")


def _stderr_warnings(stderr: str) -> list[str]:
    """The resolver's warnings; uv's one-per-file "missing an upload date" made one."""
    out: list[str] = []
    undated: list[str] = []
    for line in stderr.splitlines():
        m = _WARNING_RE.match(line)
        if not m:
            continue
        text = m.group(1).strip()
        undated_file = _NO_UPLOAD_RE.match(text)
        if undated_file:
            undated.append(undated_file.group(1))
        else:
            out.append(text)
    if undated:
        out.append(
            f"exclude-newer: {len(undated)} index file(s) have no upload time and were left out "
            f"(e.g. {undated[0]})"
        )
    return out


# --- reading the output ------------------------------------------------------------------------


def _parse(text: str, plan: _Plan) -> list[Pin]:
    """``name==version`` lines and their ``# via`` annotations (split style, as both write)."""
    pins: list[Pin] = []
    current: tuple[str, str] | None = None
    via: list[str] = []

    def flush() -> None:
        if current is not None:
            labels = (plan.labels.get(v, _untemp(v, plan.root)) for v in via)
            pins.append(Pin(current[0], current[1], tuple(dict.fromkeys(labels))))

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            body = line[1:].strip()
            if raw.startswith((" ", "\t")) and current is not None:
                if body.startswith("via "):
                    via.append(body[4:].strip())
                elif body != "via" and body:
                    via.append(body)
            continue
        flush()
        current, via = _pin_of(line, plan.root), []
    flush()
    return sorted(pins, key=lambda p: p.name)


def _pin_of(line: str, root: str) -> tuple[str, str] | None:
    """A pin from an output line; None for options, editables and the tree's own projects."""
    if line.startswith("-"):
        return None  # -e …, --index-url …: not a pin
    line = line.split(" ; ", 1)[0].split(";", 1)[0].strip()
    if "==" in line and "@" not in line:
        name, _, version = line.partition("==")
        return canonicalize_name(name.split("[", 1)[0].strip()), version.lstrip("=").strip()
    if " @ " in line:
        name, _, url = line.partition(" @ ")
        if url.startswith(("file:", "/", ".")) and (root in url or url.startswith(".")):
            return None  # the tree's own project, built from the temporary copy
        return canonicalize_name(name.split("[", 1)[0].strip()), f"@ {url.strip()}"
    return None  # a bare path: a local project


# --- the entry points --------------------------------------------------------------------------


def resolve(tree: Tree, request: ResolveRequest, *, cache_dir: str | None = None) -> Resolution:
    """Resolve ``request``'s inputs from ``tree`` with its backend, in a hermetic subprocess.

    ``cache_dir`` (optional) keeps the resolvers' caches between calls (faster, but then the
    result may depend on what that cache holds); by default each call starts empty.
    """
    target = _target(request)
    uv = None
    if request.backend == "uv":
        uv = find_uv()
        if uv is None:
            raise ResolveError("uv is not installed: pip install uv")
    if request.exclude_newer and request.backend == "pip-tools":
        _exclude_newer(request.exclude_newer)
        if not _piptools_has_uploaded_prior_to():
            raise ResolveError(
                "exclude-newer needs pip-tools 7.6 or later (with pip 26): "
                "use --backend uv, or upgrade pip-tools"
            )
    what = f"resolving {_summary(request)} with {request.backend}"
    with tempfile.TemporaryDirectory(prefix="cachekit-resolve-", ignore_cleanup_errors=True) as t:
        root = os.path.realpath(t)
        plan = _Plan(root)
        _materialise(tree, request, plan)
        for scratch in ("home", "tmp"):
            os.makedirs(os.path.join(root, _WORK, scratch), exist_ok=True)
        cache = os.path.abspath(cache_dir) if cache_dir else os.path.join(root, _WORK, "cache")
        out = os.path.join(root, _WORK, "resolved.txt")
        argv = _command(request, target, plan, cache, out, uv)
        file_index = any(
            u.startswith("file:") for u in (request.index_url or "", *request.extra_index_urls)
        )
        if request.exclude_newer and (
            request.find_links or (file_index and request.backend == "pip-tools")
        ):
            local = "--find-links files" if request.backend == "uv" else "local files"
            plan.warnings.append(
                f"exclude-newer: {local} have no upload time and are all considered "
                "(modification times are not used)"
            )
        if request.backend == "uv" and len(request.extra_index_urls) + bool(request.index_url) > 1:
            plan.warnings.append(
                "uv takes each package from the first index that has it (--extra-index-url "
                "before --index-url); pip takes the best version across all indexes"
            )
        started = time.perf_counter()
        code, stderr = _run(argv, root, _environment(plan, cache, request), request.timeout, what)
        seconds = time.perf_counter() - started
        if code != 0 or not os.path.exists(out):
            message = _untemp(_failure(stderr), root)
            if not request.allow_build and re.search(
                r"No matching distribution|from versions: none|no usable wheels", message
            ):
                message += (
                    " [only wheels are considered: a package published only as an sdist needs "
                    "--allow-build, which runs its build]"
                )
            raise ResolveError(f"{what}: {message}")
        with open(out, encoding="utf-8", errors="replace") as f:
            pins = _parse(f.read(), plan)
        warnings = [*plan.warnings, *(_untemp(w, root) for w in _stderr_warnings(stderr))]
        return Resolution(
            backend=request.backend,
            python=target.python,
            platform=target.platform,
            pins=tuple(pins),
            command=_shown(argv, root),
            seconds=seconds,
            warnings=tuple(dict.fromkeys(warnings)),
        )


def _same(a: str, b: str) -> bool:
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a == b


def drift(locked: Mapping[str, str], resolution: Resolution) -> Drift:
    """Compare a lock's (or a cache's) ``{name: version}`` with what resolves now.

    Names are normalised; versions compare as PEP 440 versions (``1.0`` equals ``1.0.0``), and a
    leading ``==`` in a locked version is ignored.
    """
    lock = {canonicalize_name(k): v.strip().removeprefix("==").strip() for k, v in locked.items()}
    now = resolution.versions()
    changed = tuple(
        (n, lock[n], now[n]) for n in sorted(lock.keys() & now.keys()) if not _same(lock[n], now[n])
    )
    added = tuple((n, now[n]) for n in sorted(now.keys() - lock.keys()))
    removed = tuple((n, lock[n]) for n in sorted(lock.keys() - now.keys()))
    return Drift(changed, added, removed)
