"""Go: modules — declared once.

Default locations: https://go.dev/ref/mod#module-cache and ``go help cache``
(``$GOPATH/pkg/mod``, ``GOCACHE`` = ``os.UserCacheDir()/go-build``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..shell.argv import parse as _parse
from ..shell.argv import spec as _spec
from .commands import Command, Ctx, one
from .commands import make as _cmd
from .model import (
    BUILD_OUTPUT,
    DOWNLOADS,
    OSES,
    CacheDir,
    Ecosystem,
    NamedDir,
    PackageManager,
    Program,
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


# -- install commands --------------------------------------------------------------------------

_GO = _spec(
    "-C -o -tags -mod -modfile -p -ldflags -gcflags -asmflags -buildmode -compiler"
    " -gccgoflags -installsuffix -pkgdir -toolexec -overlay -pgo -run -skip -bench -count"
    " -timeout -cpu -parallel -coverprofile -covermode -coverpkg -exec -benchtime -shuffle"
    " -fuzz -fuzztime -json -vet -outputdir -list",
    "-race -msan -asan -cover -v -x -n -a -i -trimpath -linkshared -modcacherw -work -short"
    " -failfast -benchmem -buildvcs -u -t -d",
    single_dash=True,
)


def _go(argv: Sequence[str], at: int, ctx: Ctx) -> Command | None:
    words = list(argv[at:])
    if not words:
        return None
    sub = words[0]
    if sub == "mod":
        if words[1:2] != ["download"]:
            return None
        action, words = "download", words[2:]
    elif sub in ("build", "test", "install", "get", "run", "vet"):
        action, words = sub, words[1:]
    else:
        return None
    parsed = _parse(words, _GO, stop=1 if action == "run" else 0)
    return _cmd(
        ctx,
        "go",
        action,
        argv,
        packages=tuple(parsed.positionals),
        options=tuple(parsed.options),
        venv=None,
    )


PROGRAMS = (Program("go", lambda argv, ctx: one(_go(argv, 1, ctx))),)

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
    programs=PROGRAMS,
    version_files=("go.mod", "go.work"),
)
