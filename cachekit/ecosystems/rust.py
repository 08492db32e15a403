"""Rust: Cargo — declared once.

Default locations: https://doc.rust-lang.org/cargo/guide/cargo-home.html (``registry/``,
``git/``, ``bin/`` under ``CARGO_HOME``).
"""

from __future__ import annotations

from collections.abc import Mapping

from .model import (
    BUILT_ENV,
    DOWNLOADS,
    OSES,
    TOOL_STATE,
    CacheDir,
    Ecosystem,
    NamedDir,
    PackageManager,
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
    version_files=("rust-toolchain.toml", "rust-toolchain"),
)
