"""Rust: Cargo — declared once.

Default locations: https://doc.rust-lang.org/cargo/guide/cargo-home.html (``registry/``,
``git/``, ``bin/`` under ``CARGO_HOME``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..shell.argv import parse as _parse
from ..shell.argv import spec as _spec
from .commands import Command, Ctx, one
from .commands import make as _cmd
from .model import (
    BUILT_ENV,
    DOWNLOADS,
    OSES,
    TOOL_STATE,
    CacheDir,
    Ecosystem,
    NamedDir,
    PackageManager,
    Program,
    RunnerOS,
    Tool,
)

__all__ = ["ECOSYSTEM"]


TOOLS = (
    Tool(
        "cargo",
        frozenset({"build", "test", "fetch", "check", "run", "install", "clippy", "bench"}),
        ("cargo",),
    ),
)

MANAGERS = (PackageManager("cargo", locks=("Cargo.lock",), manifests=("Cargo.toml",)),)

LOCATIONS: dict[str, Mapping[RunnerOS, str]] = {
    "CARGO_HOME": dict.fromkeys(OSES, "~/.cargo"),
    "RUSTUP_HOME": dict.fromkeys(OSES, "~/.rustup"),
}
SYNONYMS: dict[str, str] = {}
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

ECOSYSTEM = Ecosystem(
    name="rust",
    interpreter_tag="rustc",
    setup_action=None,
    tools=TOOLS,
    managers=MANAGERS,
    locations=LOCATIONS,
    synonyms=SYNONYMS,
    cache_dirs=CACHE_DIRS,
    named_dirs=NAMED_DIRS,
    programs=PROGRAMS,
    version_files=("rust-toolchain.toml", "rust-toolchain"),
)
