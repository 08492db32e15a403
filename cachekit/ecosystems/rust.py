"""Rust: Cargo — declared once.

Default locations: https://doc.rust-lang.org/cargo/guide/cargo-home.html (``registry/``,
``git/``, ``bin/`` under ``CARGO_HOME``).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..fs.trees import Tree
from ..shell.argv import parse as _parse
from ..shell.argv import spec as _spec
from .commands import Command, Ctx, one
from .commands import make as _cmd
from .declare import declare, everywhere
from .detect import Dir as _Dir
from .detect import Manager
from .detect import ancestors as _ancestors
from .detect import group as _group
from .detect import join as _join
from .detect import read_toml as _toml
from .detect import version_files as _version_files
from .model import (
    BUILD_OUTPUT,
    BUILT_ENV,
    DOWNLOADS,
    TOOL_STATE,
    CacheDir,
    Locations,
    NamedDir,
    PackageManager,
    Program,
    Tool,
)
from .recipe import CachePath, Recipe, RecipeBuilder

__all__ = ["ECOSYSTEM"]


TOOLS = (
    Tool(
        "cargo",
        frozenset({"build", "test", "fetch", "check", "run", "install", "clippy", "bench"}),
        ("cargo",),
    ),
)

MANAGERS = (PackageManager("cargo", locks=("Cargo.lock",), manifests=("Cargo.toml",)),)


_CARGO_LOCK = MANAGERS[0].locks[0]
_CARGO_TOML = MANAGERS[0].manifests[0]

VERSION_FILES = ("rust-toolchain.toml", "rust-toolchain")
"""Files naming the toolchain version, nearest first (``.tool-versions`` too, by asdf)."""

LOCATIONS: Locations = {
    "CARGO_HOME": everywhere("~/.cargo"),
    "RUSTUP_HOME": everywhere("~/.rustup"),
}
CACHE_DIRS = (
    CacheDir(
        "{CARGO_HOME}",
        DOWNLOADS,
        "cargo",
        ("Cargo's home: registry index and crate downloads, git checkouts, installed binaries"),
        False,
    ),
    CacheDir(
        "{CARGO_HOME}/registry",
        DOWNLOADS,
        "cargo",
        ("Cargo's registry: the index and downloaded crate archives and sources"),
        False,
    ),
    CacheDir(
        "{CARGO_HOME}/git",
        DOWNLOADS,
        "cargo",
        "Cargo's git dependencies: bare clones and checkouts",
        False,
    ),
    CacheDir(
        "{CARGO_HOME}/bin",
        BUILT_ENV,
        "cargo",
        ("binaries `cargo install` built: native code for one OS and architecture"),
        True,
    ),
    CacheDir(
        "{RUSTUP_HOME}",
        TOOL_STATE,
        "rustup",
        "rustup's toolchains: compilers for one OS and architecture",
        True,
    ),
)
NAMED_DIRS = (
    NamedDir(
        "target",
        BUILT_ENV,
        "cargo",
        (
            "cargo's build output (target/): compiled for one toolchain, "
            "OS and architecture (Maven also writes target/)"
        ),
        True,
    ),
)


# -- detection --------------------------------------------------------------------------------

# -- Rust --------------------------------------------------------------------------------------


def _rust(tree: Tree, dirs: dict[str, _Dir]) -> list[Manager]:
    crates = {rel: d for rel, d in dirs.items() if _CARGO_TOML in d.files}
    workspace: dict[str, bool] = {}
    for rel in crates:
        data = _toml(tree, _join(rel, _CARGO_TOML)) or {}
        workspace[rel] = isinstance(data.get("workspace"), dict)

    def owner_of(rel: str) -> str | None:
        if _CARGO_LOCK in crates[rel].files:
            return None
        return next(
            (
                a
                for a in _ancestors(rel)
                if a in crates and (workspace[a] or _CARGO_LOCK in crates[a].files)
            ),
            None,
        )

    roots = _group(crates, owner_of)
    out: list[Manager] = []
    for rel, members in roots.items():
        manifests = [_join(rel, _CARGO_TOML), *(_join(m, _CARGO_TOML) for m in members)]
        locks = (_join(rel, _CARGO_LOCK),) if _CARGO_LOCK in crates[rel].files else ()
        ev = [
            f"{_CARGO_LOCK} present"
            if locks
            else f"{_CARGO_TOML} without {_CARGO_LOCK} (a library?)"
        ]
        if workspace[rel]:
            ev.append(f"[workspace] with members: {', '.join(members) or 'none found'}")
        vf = _version_files(tree, rel, VERSION_FILES, "rust")
        out.append(Manager("rust", "cargo", rel, tuple(manifests), locks, tuple(ev), vf))
    return out


# -- cache recipes ----------------------------------------------------------------------------

_DL, _BUILD, _ENV = DOWNLOADS, BUILD_OUTPUT, BUILT_ENV


def _rust_recipes(b: RecipeBuilder) -> list[Recipe]:
    why = "the crate registry index, downloaded crates and git sources (The Cargo Book)"
    home = [
        CachePath("~/.cargo/registry/index", _DL, why),
        CachePath("~/.cargo/registry/cache", _DL, why),
        CachePath("~/.cargo/git/db", _DL, why),
    ]
    target = CachePath(
        b.at("target"),
        _BUILD,
        "compiled dependencies: cargo's fingerprints rebuild what changed, but only the same"
        " rustc can reuse them, and the directory grows without pruning",
    )
    setup_inputs = {"workspaces": f"{b.m.directory} -> target"} if b.m.directory else {}
    notes = []
    if not b.m.locks:
        notes.append(f"no {_CARGO_LOCK}: the key hashes the manifests; commit the lock for apps")
    return [
        b.recipe("cargo", home, notes=["CARGO_HOME moves these directories", *notes]),
        b.recipe(
            "cargo-target",
            [*home, target],
            interpreter=True,
            setup=("Swatinem/rust-cache", setup_inputs),
            notes=[
                f"Swatinem/rust-cache keys on rustc, {_CARGO_LOCK} and the manifests, prunes"
                " workspace crates from target/ and sets CARGO_INCREMENTAL=0",
                *notes,
            ],
        ),
    ]


# -- install commands --------------------------------------------------------------------------

_CARGO = _spec(
    "--package --features --target --target-dir --manifest-path --jobs --profile --bin"
    " --example --test --bench --color --config --lockfile-path --exclude --message-format"
    " --root --version --git --branch --tag --rev --path --registry --index",
    "--release --locked --frozen --offline --all-features --no-default-features --workspace"
    " --all --all-targets --lib --bins --examples --tests --benches --quiet --verbose"
    " --no-run --no-fail-fast --doc --keep-going --force --help --debug",
    "p=--package F=--features j=--jobs q=--quiet v=--verbose r=--release Z=-Z h=--help",
)

_CARGO_ALIASES = {"b": "build", "t": "test", "c": "check", "r": "run", "d": "doc"}


def _cargo(argv: Sequence[str], at: int, ctx: Ctx) -> Command | None:
    words = list(argv[at:])
    toolchain = None
    if words and words[0].startswith("+"):
        toolchain = words.pop(0)
    head = _parse(words, _CARGO, stop=1)
    if not head.positionals:
        return None
    sub = _CARGO_ALIASES.get(head.positionals[0], head.positionals[0])
    if sub not in ("build", "test", "fetch", "check", "run", "install", "clippy", "bench", "doc"):
        return None
    body = _parse(head.rest, _CARGO)
    body.options[:0] = head.options
    opts = tuple(body.options) + ((("+toolchain", toolchain),) if toolchain else ())
    pkgs = tuple(body.positionals) if sub == "install" else ()
    return _cmd(ctx, "cargo", sub, argv, packages=pkgs, options=opts, venv=None)


PROGRAMS = (Program("cargo", lambda argv, ctx: one(_cargo(argv, 1, ctx))),)

ECOSYSTEM = declare(
    globals(),
    name="rust",
    interpreter_tag="rustc",
    detect=_rust,
    recipes=lambda b, built: _rust_recipes(b),
)
