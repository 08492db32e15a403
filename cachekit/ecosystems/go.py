"""Go: modules — declared once.

Default locations: https://go.dev/ref/mod#module-cache and ``go help cache``
(``$GOPATH/pkg/mod``, ``GOCACHE`` = ``os.UserCacheDir()/go-build``).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..fs.trees import Tree
from ..shell.argv import parse as _parse
from ..shell.argv import spec as _spec
from .commands import Command, Ctx, one
from .commands import make as _cmd
from .declare import declare, everywhere, per_os
from .detect import Dir as _Dir
from .detect import Manager
from .detect import is_file as _is_file
from .detect import join as _join
from .detect import norm_under as _norm_under
from .detect import read_text as _text
from .model import (
    BUILD_OUTPUT,
    BUILT_ENV,
    DOWNLOADS,
    CacheDir,
    Locations,
    NamedDir,
    PackageManager,
    Program,
    Tool,
)
from .recipe import CachePath, Recipe, RecipeBuilder, os_paths

__all__ = ["ECOSYSTEM"]


TOOLS = (
    Tool("go", frozenset({"download", "build", "test", "install", "get", "run", "vet"}), ("go",)),
)

MANAGERS = (PackageManager("go", locks=("go.sum", "go.work.sum"), manifests=("go.mod", "go.work")),)


_GO_SUM, _GO_WORK_SUM = MANAGERS[0].locks
_GO_MOD, _GO_WORK = MANAGERS[0].manifests
VERSION_FILES = (_GO_MOD, _GO_WORK)
"""go.mod's ``go``/``toolchain`` lines name the version (setup-go's ``go-version-file``)."""

LOCATIONS: Locations = {
    "GOPATH": everywhere("~/go"),
    "GOMODCACHE": everywhere("{GOPATH}/pkg/mod"),
    "GOCACHE": per_os(
        linux="{XDG_CACHE_HOME}/go-build",
        macos="~/Library/Caches/go-build",
        windows="{LOCALAPPDATA}/go-build",
    ),
}
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


# -- detection --------------------------------------------------------------------------------

# -- Go ----------------------------------------------------------------------------------------


def _go_work_uses(text: str) -> list[str]:
    uses: list[str] = []
    block = False
    for raw in text.splitlines():
        line = raw.split("//", 1)[0].strip()
        if block:
            if line.startswith(")"):
                block = False
            elif line:
                uses.append(line.strip('"'))
            continue
        if line.startswith("use"):
            rest = line[3:].strip()
            if rest.startswith("("):
                block = True
                inner = rest[1:].strip()
                if inner.endswith(")"):
                    block = False
                    inner = inner[:-1].strip()
                if inner:
                    uses.append(inner.strip('"'))
            elif rest:
                uses.append(rest.strip('"'))
    return uses


def _detect(tree: Tree, dirs: dict[str, _Dir]) -> list[Manager]:
    out: list[Manager] = []
    claimed: set[str] = set()
    for rel, d in sorted(dirs.items()):
        if _GO_WORK not in d.files:
            continue
        work = _join(rel, _GO_WORK)
        members = []
        for use in _go_work_uses(_text(tree, work) or ""):
            m = _norm_under(rel, use)
            if m is not None and _is_file(tree, _join(m, _GO_MOD)):
                members.append(m)
        if _GO_MOD in d.files and rel not in members:
            # go commands run in the workspace's directory use the workspace, whether or not
            # it lists its own module: one manager for the directory, never two.
            members.append(rel)
        claimed.update(members)
        manifests = [work, *(_join(m, _GO_MOD) for m in members)]
        locks = [_join(rel, _GO_WORK_SUM)] if _GO_WORK_SUM in d.files else []
        locks += [_join(m, _GO_SUM) for m in members if _is_file(tree, _join(m, _GO_SUM))]
        ev = [f"{_GO_WORK} uses {', '.join(m or '.' for m in members) or 'no module'}"]
        out.append(Manager("go", "go", rel, tuple(manifests), tuple(locks), tuple(ev), (work,)))
    for rel, d in sorted(dirs.items()):
        if _GO_MOD not in d.files or rel in claimed:
            continue
        mod = _join(rel, _GO_MOD)
        sums = (_join(rel, _GO_SUM),) if _GO_SUM in d.files else ()
        why = f"{_GO_MOD} present" + ("" if sums else f", no {_GO_SUM} (no dependencies?)")
        out.append(Manager("go", "go", rel, (mod,), sums, (why,), (mod,)))
    return out


# -- cache recipes ----------------------------------------------------------------------------

_DL, _BUILD, _ENV = DOWNLOADS, BUILD_OUTPUT, BUILT_ENV


def _go_recipes(b: RecipeBuilder) -> list[Recipe]:
    why = "downloaded module sources (go env GOMODCACHE); safe across Go versions"
    mod = CachePath("~/go/pkg/mod", _DL, why)
    bwhy = (
        "the build cache (go env GOCACHE): content-addressed, so entries from an older key"
        " are reused or ignored; grows until trimmed"
    )
    build = os_paths(
        _BUILD,
        bwhy,
        "~/.cache/go-build",
        "~/Library/Caches/go-build",
        "~\\AppData\\Local\\go-build",
    )
    return [
        b.recipe("go-mod", [mod], notes=["GOPATH or GOMODCACHE move the module cache"]),
        b.recipe(
            "go",
            [mod, *build],
            interpreter=True,
            setup=("actions/setup-go", {"cache": "true", "cache-dependency-path": b.dep_path}),
            notes=[
                "setup-go (caching on by default since v4) caches both directories keyed on"
                f" the Go version and {_GO_SUM}, without a restore key",
                "GOCACHE moves the build cache",
            ],
        ),
    ]


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

ECOSYSTEM = declare(
    globals(),
    name="go",
    interpreter_tag="go",
    setup_action="actions/setup-go",
    detect=_detect,
    recipes=lambda b, built: _go_recipes(b),
)
