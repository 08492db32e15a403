"""What a resolution is asked for and what it gives: the request, pins, drift, and validation.

The request is checked before anything is copied or run: a Python version or platform that
pip-tools cannot resolve for is an error that says to use uv.
"""

import datetime as dt
import importlib.metadata
import importlib.util
import os
import posixpath
import re
import shutil
import sys
import sysconfig
from dataclasses import dataclass
from typing import Final

from packaging.version import InvalidVersion, Version

from ...errors import CachekitError

BACKENDS: Final = ("pip-tools", "uv")
PLATFORMS: Final = ("linux", "macos", "windows")
"""Platform names as GitHub's runners go; uv reads them as its aliases (``linux`` is
x86_64-unknown-linux-gnu, ``macos`` aarch64-apple-darwin, ``windows`` x86_64-pc-windows-msvc)."""


_PYTHON_RE: Final = re.compile(r"^(\d+)\.(\d+)(?:\.\d+)?$")
_TRIPLE_RE: Final = re.compile(r"^[a-z0-9_.]+(?:-[a-z0-9_.]+)+$")


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
