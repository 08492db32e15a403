"""Swatinem/rust-cache: Cargo's registry, git checkouts and binaries, and the target directories.

The key, release by release (``src/config.ts`` ``CacheConfig.new``; ``src/common.ts`` in v1):

=========  ===================================================================================
v1.x       ``v0-rust-{shared|key-job}-{rustc hash}-{lock hash}``, a different layout (not
           modelled: the key is reported unknown)
v2.0.0     ``v0-rust[-{shared-key} | -{key}-{job}]-{env hash}-{lock hash}`` (l.53-142), restore
           key: everything before ``-{lock hash}``; the whole ``CARGO_HOME`` and each
           workspace's ``target`` are cached
v2.2.0     ``prefix-key`` replaces ``v0-rust`` (l.53); ``save-if``
v2.5.0     both hashes are cut to 8 hex digits (``HASH_LENGTH``); ``.cargo/config.toml`` and the
           parsed ``Cargo.toml``/``Cargo.lock`` (versions of path dependencies zeroed, local
           packages dropped) replace the raw lock files
v2.6.0     ``cache-provider`` (github, buildjet; warpbuild later)
v2.7.2     the manifests hashed are the workspace members ``cargo metadata`` lists
v2.7.6     ``-{os.type()}-{os.arch()}`` after the job (``Linux-x64``); ``CARGO_HOME/bin``,
           ``registry`` and ``git`` instead of all of ``CARGO_HOME``; ``cache-bin``,
           ``lookup-only``
v2.7.7     ``.crates.toml`` and ``.crates2.json`` cached with ``bin``
v2.8.2     ``add-job-id-key`` and ``add-rust-environment-hash-key`` (both default true) can
           drop the job id and both hashes (l.84, l.129)
=========  ===================================================================================

(Lines cited at v2.9.2: the prefix l.73, OS and arch l.93, the restore key l.133, the lock hash
l.260, the paths l.265-282.)

``{env hash}`` is sha1 over ``rustc -vV``/``cargo -V`` output of the toolchain on the runner and
every environment variable whose name starts with ``CARGO``, ``CC``, ``CFLAGS``, ``CXX``,
``CMAKE``, ``RUST`` or an ``env-vars`` prefix — including ``CARGO_INCREMENTAL=0``, which the
action itself exports first, and what the runner image sets (``CARGO_HOME``, ``RUSTUP_HOME``).
It is never knowable offline. ``{lock hash}`` needs ``cargo metadata``: it is shown as unknown,
with the files it reads. Restore uses the restore key (prefix match), so a changed lock file
restores the previous entry; on such a partial match the action cleans the target directories.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ...expressions import Unknown
from ..model import (
    CacheSpec,
    CacheStepKind,
    ContextValue,
    KeyTemplate,
    RunnerEnv,
    UnknownComponent,
    unknown_path,
)
from ._common import POST_SAVE_NOTE, spec
from .interface import CachingAction, Exports, StepCall

__all__ = ["RustCache"]

ACTION = "swatinem/rust-cache"
Version = tuple[int, int, int]

_OS_TYPE = {"Linux": "Linux", "macOS": "Darwin", "Windows": "Windows_NT"}
_ENV_PREFIXES = ("CARGO", "CC", "CFLAGS", "CXX", "CMAKE", "RUST")
_KEY_FILES = (".cargo/config.toml", "rust-toolchain", "rust-toolchain.toml")


def _true(call: StepCall, name: str, default: bool) -> bool:
    raw = call.text(name).strip().lower()
    return raw == "true" if raw else default


def _workspaces(call: StepCall) -> list[tuple[str, str]]:
    """``workspaces``: ``root -> target`` lines (default ``. -> target``)."""
    out = []
    for line in (call.text("workspaces").strip() or ".").split("\n"):
        root, _, target = (p.strip() for p in line.partition("->"))
        out.append((root or ".", target or "target"))
    return out


def _env_hash(call: StepCall, v: Version) -> UnknownComponent:
    prefixes = list(_ENV_PREFIXES) + call.text("env-vars").split()
    names = sorted(n for n in call.env if any(n.startswith(p) for p in prefixes))
    listed = ", ".join(names) if names else "none set in the workflow"
    return UnknownComponent(
        "rust environment hash",
        f"sha1{'' if v < (2, 5, 0) else '[:8]'} of `rustc -vV` and `cargo -V` on the runner and"
        f" the variables named {'/'.join(prefixes)}* (workflow: {listed}; the action adds"
        " CARGO_INCREMENTAL=0, the image CARGO_HOME and RUSTUP_HOME)",
    )


def _lock_hash(call: StepCall, v: Version) -> UnknownComponent:
    patterns = list(_KEY_FILES)
    for root, _ in _workspaces(call):
        base = "" if root in (".", "./") else root.strip("/") + "/"
        patterns += [f"{base}Cargo.lock", f"{base}**/Cargo.toml"]
        patterns += [f"{base}**/{name}" for name in _KEY_FILES]
    shown = ", ".join(sorted(set(call.match_files(patterns)))) or "no Cargo files found"
    how = (
        "sha1 of the Cargo.toml and Cargo.lock files"
        if v < (2, 5, 0)
        else "sha1[:8] of the workspace members' Cargo.toml (package and path-dependency"
        " versions zeroed, as `cargo metadata` lists them), Cargo.lock's registry packages,"
        " .cargo/config.toml and rust-toolchain files"
    )
    return UnknownComponent("lock hash", f"{how}: {shown}")


def _paths(call: StepCall, runner: RunnerEnv, v: Version) -> list[str]:
    env_home = call.env.get("CARGO_HOME")
    home = env_home if isinstance(env_home, str) else runner.join(runner.home, ".cargo")
    if v < (2, 7, 6):
        paths = [home]
    else:
        paths = [runner.join(home, "registry"), runner.join(home, "git")]
        if _true(call, "cache-bin", True):
            bins = [runner.join(home, "bin")]
            if v >= (2, 7, 7):
                bins += [runner.join(home, ".crates.toml"), runner.join(home, ".crates2.json")]
            paths = bins + paths
    if v < (2, 2, 0) or _true(call, "cache-targets", True):
        for root, target in _workspaces(call):
            where = "" if root in (".", "./") else "/" + root.strip("/")
            paths.append(unknown_path("github.workspace") + f"{where}/{target}")
    paths += call.text("cache-directories").split()
    return paths


class RustCache(CachingAction):
    """``Swatinem/rust-cache`` (v2): Cargo's caches and the target directories."""

    name = ACTION
    repository = "Swatinem/rust-cache"
    log_patterns = (
        # src/restore.ts (v2.7.6+ says "Found" with lookup-only)
        ("restored_from", r'(?:Restored from|Found) cache key "(.*)" full match: (?:true|false)\.'),
        ("not_found_pm", r"No cache found\."),
    )

    def enabled(self, call: StepCall) -> bool:
        return True

    def specs(self, call: StepCall) -> tuple[CacheSpec, ...]:
        assert call.runner is not None
        runner = call.runner
        resolved = self.resolve(call)
        rel = resolved.release
        v = rel.version
        notes: list[str] = [resolved.note] if resolved.note else []
        if v < (2, 0, 0):
            key = KeyTemplate.of(UnknownComponent("rust-cache v1 key", "v1 is not modelled"))
            restore: list[KeyTemplate] = []
        else:
            key, restore = self._key(call, runner, v)
        lookup_only = v >= (2, 7, 6) and _true(call, "lookup-only", False)
        saves = v < (2, 2, 0) or call.text("save-if").strip().lower() not in ("false",)
        provider = call.text("cache-provider").strip() or "github"
        if v >= (2, 6, 0) and provider != "github":
            notes.append(f"cache-provider: {provider}: entries live in {provider}'s cache")
        if _true(call, "cache-on-failure", False):
            notes.append("cache-on-failure: the post step saves even when the job failed")
        notes.append(
            "a restore-key match restores the previous entry and the action cleans the target"
            " directories first; cache-hit is true only for the full key"
        )
        if not saves:
            notes.append("save-if is false: this step only restores")
        notes.append(POST_SAVE_NOTE)
        one = spec(
            rel=rel,
            ref=call.ref,
            name="cargo",
            key=key,
            restore_keys=restore,
            paths=_paths(call, runner, v),
            runner=runner,
            notes=notes,
        )
        kind = CacheStepKind.RESTORE_AND_SAVE if saves else CacheStepKind.RESTORE_ONLY
        return (replace(one, kind=kind, lookup_only=lookup_only),)

    def _key(
        self, call: StepCall, runner: RunnerEnv, v: Version
    ) -> tuple[KeyTemplate, list[KeyTemplate]]:
        prefix = (call.text("prefix-key").strip() if v >= (2, 2, 0) else "") or "v0-rust"
        key = KeyTemplate.of(prefix)
        shared = call.text("shared-key").strip()
        if shared:
            key += f"-{shared}"
        else:
            if call.text("key").strip():
                key += "-" + call.text("key").strip()
            if v < (2, 8, 2) or _true(call, "add-job-id-key", True):
                if call.job:
                    job = ContextValue("github.job", call.job, "the job's id (GITHUB_JOB)")
                    key += KeyTemplate.of("-", job)
                else:
                    key += KeyTemplate.of("-", UnknownComponent("github.job", "the job's id"))
        if v >= (2, 7, 6):
            key += KeyTemplate.of(
                "-",
                runner.context("os.type()", _OS_TYPE[runner.os]),
                "-",
                runner.context("os.arch()", runner.node_arch),
            )
        hashes = v < (2, 8, 2) or _true(call, "add-rust-environment-hash-key", True)
        if hashes:
            key += KeyTemplate.of("-", _env_hash(call, v))
        restore = key
        if hashes:
            key += KeyTemplate.of("-", _lock_hash(call, v))
        return key, [restore]

    def exports(self, call: StepCall) -> Exports:
        """CARGO_INCREMENTAL=0 and CACHE_ON_FAILURE, and the ``cache-hit`` output."""
        where = f"set by {call.where}"
        on_failure = "true" if _true(call, "cache-on-failure", False) else "false"
        env: dict[str, Any] = {"CARGO_INCREMENTAL": "0", "CACHE_ON_FAILURE": on_failure}
        return Exports(
            env=env,
            env_sources=dict.fromkeys(env, where),
            outputs={"cache-hit": Unknown("cache-hit", "at run")},
        )
