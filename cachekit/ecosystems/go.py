"""Go: modules — declared once.

Default locations: https://go.dev/ref/mod#module-cache and ``go help cache``
(``$GOPATH/pkg/mod``, ``GOCACHE`` = ``os.UserCacheDir()/go-build``).
"""

from __future__ import annotations

from collections.abc import Mapping

from .model import (
    BUILD_OUTPUT,
    DOWNLOADS,
    OSES,
    CacheDir,
    Ecosystem,
    NamedDir,
    PackageManager,
    RunnerOS,
    Tool,
)

__all__ = ["ECOSYSTEM"]

_L: RunnerOS = "Linux"
_M: RunnerOS = "macOS"
_W: RunnerOS = "Windows"


TOOLS = (
    Tool("go", frozenset({"download", "build", "test", "install", "get", "run", "vet"}), ("go",)),
)

MANAGERS = (PackageManager("go", locks=("go.sum", "go.work.sum"), manifests=("go.mod", "go.work")),)

LOCATIONS: dict[str, Mapping[RunnerOS, str]] = {
    "GOPATH": dict.fromkeys(OSES, "~/go"),
    "GOMODCACHE": dict.fromkeys(OSES, "{GOPATH}/pkg/mod"),
    "GOCACHE": {
        _L: "{XDG_CACHE_HOME}/go-build",
        _M: "~/Library/Caches/go-build",
        _W: "{LOCALAPPDATA}/go-build",
    },
}
SYNONYMS: dict[str, str] = {}
CACHE_DIRS = (
    CacheDir(
        "{GOMODCACHE}",
        DOWNLOADS,
        "go",
        ("Go's module cache: module sources and zips, shared by every build"),
        False,
    ),
    CacheDir(
        "{GOCACHE}",
        BUILD_OUTPUT,
        "go",
        (
            "Go's build cache: compiled packages keyed by their inputs "
            "(toolchain included), so never wrong, only large"
        ),
        False,
    ),
)
NAMED_DIRS: tuple[NamedDir, ...] = ()

ECOSYSTEM = Ecosystem(
    name="go",
    interpreter_tag="go",
    setup_action="actions/setup-go",
    tools=TOOLS,
    managers=MANAGERS,
    locations=LOCATIONS,
    synonyms=SYNONYMS,
    cache_dirs=CACHE_DIRS,
    named_dirs=NAMED_DIRS,
    version_files=("go.mod", "go.work"),
)
