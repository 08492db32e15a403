"""actions/setup-dotnet's NuGet package cache (``cache: true``).

From ``src/cache-restore.ts`` and ``src/constants.ts``; the key has not changed since caching
appeared:

=======  ===================================================================================
v3.2.0   ``cache`` (a YAML boolean, default false) and ``cache-dependency-path``; the key is
         ``dotnet-cache-{RUNNER_OS}-{hash}`` (``cache-restore.ts`` l.20), no restore key;
         ``{hash}`` is ``@actions/glob`` ``hashFiles`` of ``cache-dependency-path``, else of
         ``packages.lock.json`` at the workspace root (``constants.ts`` l.2): none there fails
         the step (l.44), as does a hash over no file (l.14)
v6.0.0   (unchanged; ``cache-restore.ts`` l.20 still builds the same key)
=======  ===================================================================================

The cached path is NuGet's ``global-packages`` folder as ``dotnet nuget locals all --list``
prints it — ``~/.nuget/packages/`` with its trailing separator, or ``NUGET_PACKAGES`` — so the
cache version includes that separator.
"""

from __future__ import annotations

from ..model import CacheSpec, KeyTemplate, RunnerEnv, unknown_path
from ..version import yaml_boolean
from ._common import POST_SAVE_NOTE, hash_component, rejected, spec
from .interface import CachingAction, StepCall

__all__ = ["SetupDotnet"]

ACTION = "actions/setup-dotnet"
LOCK_FILE = "packages.lock.json"


def _packages_path(call: StepCall, runner: RunnerEnv) -> str:
    env = call.env.get("NUGET_PACKAGES")
    if isinstance(env, str) and env:
        return env
    if env is not None:
        return unknown_path("env.NUGET_PACKAGES")
    sep = "\\" if runner.windows else "/"
    return runner.join(runner.home, ".nuget", "packages") + sep


class SetupDotnet(CachingAction):
    """``actions/setup-dotnet``: the NuGet global-packages folder, keyed on the lock files."""

    name = ACTION
    log_patterns = (
        # src/cache-restore.ts
        ("restored_from", r"Cache restored from key: (.*)"),
        ("not_found_pm", r"Dotnet cache is not found"),
    )

    def enabled(self, call: StepCall) -> bool:
        raw = call.text("cache").strip()
        try:
            return bool(raw) and yaml_boolean(raw, "cache")
        except ValueError:
            return True  # reported as the step's failure by specs()

    def specs(self, call: StepCall) -> tuple[CacheSpec, ...]:
        assert call.runner is not None
        runner = call.runner
        rel = self.resolve(call).release
        if rel.version < (3, 2, 0) or not call.text("cache").strip():
            return ()
        try:
            if not yaml_boolean(call.text("cache").strip(), "cache"):
                return ()
        except ValueError as exc:
            return (rejected(rel=rel, ref=call.ref, name="nuget", runner=runner, fails=str(exc)),)
        deps = call.text("cache-dependency-path")
        fails = None
        notes: list[str] = []
        if deps:
            hashed = hash_component(call.hash_files, deps.split("\n"))
        else:
            hashed = hash_component(call.hash_files, [LOCK_FILE])
            if hashed.digest == "":
                fails = (
                    "Dependencies lock file is not found in {workspace}. Supported file"
                    f" patterns: {LOCK_FILE}"
                )
            else:
                notes.append(f"the lock file is {LOCK_FILE} at the workspace root")
        if fails is None and hashed.digest == "":
            fails = "Some specified paths were not resolved, unable to cache dependencies."
        key = KeyTemplate.of("dotnet-cache-", runner.context("runner.os", runner.os), "-", hashed)
        path = _packages_path(call, runner)
        notes.append(
            f"path is NuGet's global-packages folder, {path} (`dotnet nuget locals all --list`;"
            " NUGET_PACKAGES changes it, and with it the cache version)"
        )
        notes.append("cache-hit is true for any restored entry")
        notes.append(POST_SAVE_NOTE)
        return (
            spec(
                rel=rel,
                ref=call.ref,
                name="nuget",
                key=key,
                restore_keys=(),
                paths=[path],
                runner=runner,
                notes=notes,
                fails=fails,
            ),
        )
