"""gradle/actions/setup-gradle: the Gradle User Home cache.

What it caches and how it keys it, by release of ``gradle/actions``:

=========  ===================================================================================
v3.0.0     ``v9-gradle|{RUNNER_OS}|{job}[{job instance}]-{sha}`` (``sources/src/cache-utils.ts``
           l.83-102); restore keys: the key without ``-{sha}``, then without ``[…]``, then
           without ``|{job}`` (only the first with ``gradle-home-cache-strict-match``)
v3.3.0     the base becomes ``gradle-home-v1`` (``CACHE_PROTOCOL_VERSION = 'v1'``,
           cache name ``home``)
v4.0.0     ``{RUNNER_OS}-{RUNNER_ARCH}`` (``sources/src/caching/cache-key.ts`` l.45-66, l.74-78)
v6.0.0     caching moves to the proprietary ``gradle-actions-caching`` library: keys not
           published (reported unknown)
v6.1.0     ``cache-provider: basic`` (default ``enhanced``): one entry
           ``setup-java-{RUNNER_OS}-{process.arch}-gradle-{hash}`` over the build files, no
           restore key, paths ``~/.gradle/caches`` and ``~/.gradle/wrapper``
           (``sources/src/cache-service-basic.ts`` l.15-22, l.156-168)
=========  ===================================================================================

``{job instance}`` is a hash of the workflow name and ``toJSON(matrix)`` (the
``workflow-job-context`` input); ``{sha}`` is ``github.sha``, so every commit saves a new entry.
The open-source cache (v3-v5) stores ``caches`` and ``notifications`` of the Gradle User Home
and extracts common artifacts (wrapper distributions, downloaded jars…) into entries of their
own, keyed on their content. ``cache-read-only`` defaults to true except on the default branch.
"""

from __future__ import annotations

from ..model import (
    ActionError,
    CacheSpec,
    ContextValue,
    KeyTemplate,
    RunnerEnv,
    UnknownComponent,
    unknown_path,
)
from ..releases import ActionRelease
from ._common import POST_SAVE_NOTE, hash_component, rejected, spec
from .interface import CachingAction, StepCall

__all__ = ["SetupGradle"]

ACTION = "gradle/actions/setup-gradle"
BUILD_FILES = (
    "**/*.gradle*",
    "**/gradle-wrapper.properties",
    "buildSrc/**/Versions.kt",
    "buildSrc/**/Dependencies.kt",
    "gradle/*.versions.toml",
    "**/versions.properties",
)
Version = tuple[int, int, int]


def _flag(call: StepCall, name: str, default: bool) -> bool:
    """``getBooleanInput`` of ``sources/src/configuration.ts``: true/false in any case, else the
    action fails."""
    raw = call.text(name).strip().lower()
    if not raw:
        return default
    if raw not in ("true", "false"):
        raise ActionError(
            f"{ACTION}: the value '{call.text(name)}' is not valid for '{name}'."
            " Valid values are: [true, false]"
        )
    return raw == "true"


def _home(call: StepCall, runner: RunnerEnv) -> str:
    env = call.env.get("GRADLE_USER_HOME")
    return env if isinstance(env, str) and env else runner.join(runner.home, ".gradle")


def _read_only_note(call: StepCall) -> str:
    given = call.text("cache-read-only").strip()
    if given:
        return f"cache-read-only: {given}"
    return (
        "cache-read-only defaults to true except on the default branch: other branches and"
        " pull requests restore but never save"
    )


class SetupGradle(CachingAction):
    """``gradle/actions/setup-gradle`` (v3+)."""

    name = ACTION
    repository = "gradle/actions"
    log_patterns = (
        # sources/src/cache-service-basic.ts (v6.1+ basic provider)
        ("restored_from", r"Basic caching restored from cache key: (.*)"),
        ("not_found_pm", r"Basic caching did not find an entry to restore\..*"),
        ("saved_with", r"Basic caching saved entry with key: (.*)"),
    )

    def enabled(self, call: StepCall) -> bool:
        return call.text("cache-disabled").strip().lower() != "true"

    def specs(self, call: StepCall) -> tuple[CacheSpec, ...]:
        assert call.runner is not None
        runner = call.runner
        rel = self.resolve(call).release
        v = rel.version
        if v < (3, 0, 0) or not self.enabled(call):
            return ()
        notes = [_read_only_note(call)]
        home = _home(call, runner)
        if v >= (6, 1, 0) and call.text("cache-provider").strip() == "basic":
            return (self._basic(call, runner, rel, notes, home),)
        if v >= (6, 0, 0):
            notes.append(
                "the 'enhanced' provider (gradle-actions-caching, proprietary) computes its"
                " keys in code that is not published; set cache-provider: basic for a key"
                " cachekit can explain"
            )
            key = KeyTemplate.of(UnknownComponent("gradle-actions-caching key", "not published"))
            one = spec(
                rel=rel,
                ref=call.ref,
                name="gradle-home",
                key=key,
                restore_keys=(),
                paths=[unknown_path("gradle-actions-caching paths")],
                runner=runner,
                notes=notes,
            )
            return (one,)
        return (self._home_cache(call, runner, rel, notes, home),)

    def _basic(
        self, call: StepCall, runner: RunnerEnv, rel: ActionRelease, notes: list[str], home: str
    ) -> CacheSpec:
        hashed = hash_component(call.hash_files, list(BUILD_FILES))
        key = KeyTemplate.of(
            "setup-java-",
            runner.context("runner.os", runner.os),
            "-",
            runner.context("process.arch", runner.node_arch),
            "-gradle-",
            hashed,
        )
        if hashed.digest == "":
            return rejected(
                rel=rel,
                ref=call.ref,
                name="gradle-home",
                runner=runner,
                fails=f"No file in {{workspace}} matched to [{','.join(BUILD_FILES)}]",
            )
        notes.append("cache-provider: basic: one entry, no restore key (setup-java's layout)")
        notes.append(POST_SAVE_NOTE)
        return spec(
            rel=rel,
            ref=call.ref,
            name="gradle-home",
            key=key,
            restore_keys=(),
            paths=[runner.join(home, "caches"), runner.join(home, "wrapper")],
            runner=runner,
            notes=notes,
        )

    def _home_cache(
        self, call: StepCall, runner: RunnerEnv, rel: ActionRelease, notes: list[str], home: str
    ) -> CacheSpec:
        v = rel.version
        base = "gradle-home-v1" if v >= (3, 3, 0) else "v9-gradle"
        environment = KeyTemplate.of(runner.context("runner.os", runner.os))
        if v >= (4, 0, 0):
            environment += KeyTemplate.of("-", runner.context("runner.arch", runner.arch))
        for_env = KeyTemplate.of(base, "|", environment)
        job = (
            ContextValue("github.job", call.job, "the job's id (GITHUB_JOB)")
            if call.job
            else UnknownComponent("github.job", "the job's id")
        )
        for_job = KeyTemplate.of(for_env, "|", job)
        instance = UnknownComponent(
            "job instance",
            f"a hash of the workflow name ({call.workflow or 'unnamed'}) and toJSON(matrix)",
        )
        for_context = KeyTemplate.of(for_job, "[", instance, "]")
        sha = UnknownComponent("github.sha", "the commit being built")
        key = KeyTemplate.of(for_context, "-", sha)
        strict = _flag(call, "gradle-home-cache-strict-match", False)
        restore = [for_context] if strict else [for_context, for_job, for_env]
        notes.append(
            "the key ends with the commit SHA: every commit saves a new entry, and restores"
            " the newest entry of the same job (and matrix), then of any job on this OS"
        )
        notes.append(
            "common artifacts (wrapper distributions, downloaded jars…) are extracted to"
            " entries of their own, keyed on their content"
        )
        notes.append(POST_SAVE_NOTE)
        return spec(
            rel=rel,
            ref=call.ref,
            name="gradle-home",
            key=key,
            restore_keys=restore,
            paths=[runner.join(home, "caches"), runner.join(home, "notifications")],
            runner=runner,
            notes=notes,
        )
