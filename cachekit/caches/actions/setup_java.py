"""actions/setup-java's built-in dependency caches (``cache: maven | gradle | sbt``).

Key templates by release, from ``src/cache.ts`` at each tag:

=======  ===========================================================================
v2.3.0   ``setup-java-{OS}-{id}-{hash}``, restore key ``setup-java-{OS}-{id}``
v3.2.0   sbt
v3.4.0   sbt excludes ``~/.sbt/*.lock`` and ``~/**/ivydata-*.properties``
v3.5.0   no restore key any more (a changed pom.xml starts from an empty cache)
v3.5.0+  gradle patterns grow: buildSrc ``Versions.kt``/``Dependencies.kt`` (v3.5.0),
         ``gradle/*.versions.toml`` (v3.6.0), ``**/versions.properties`` (v3.12.0)
v4.0.0   ``cache-dependency-path`` replaces the default patterns
v4.4.0   ``setup-java-{OS}-{arch}-{id}-{hash}`` (``process.arch``)
v5.4.0   maven also hashes ``.mvn/wrapper/maven-wrapper.properties`` and caches
         ``~/.m2/wrapper/dists``
v5.6.0   the wrapper distributions move to caches of their own (``maven-wrapper``,
         ``gradle-wrapper``) keyed on the wrapper properties only; maven also hashes
         ``.mvn/extensions.xml``
=======  ===========================================================================

The hash is ``@actions/glob`` ``hashFiles`` of the patterns joined by newlines; no match fails
the step (the wrapper caches are skipped silently instead).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..model import CacheSpec, KeyTemplate, RunnerEnv
from ._common import POST_SAVE_NOTE, HashFn, hash_component, inp, pick_release, rejected, spec
from .interface import CachingAction, StepCall

__all__ = ["SetupJava", "setup_java_cache", "setup_java_caches"]

ACTION = "actions/setup-java"
Version = tuple[int, int, int]


def _patterns(pm: str, v: Version) -> list[str]:
    if pm == "maven":
        pats = ["**/pom.xml"]
        if v >= (5, 4, 0):
            pats.append("**/.mvn/wrapper/maven-wrapper.properties")
        if v >= (5, 6, 0):
            pats.append("**/.mvn/extensions.xml")
        return pats
    if pm == "gradle":
        pats = ["**/*.gradle*", "**/gradle-wrapper.properties"]
        if v >= (3, 5, 0):
            pats += ["buildSrc/**/Versions.kt", "buildSrc/**/Dependencies.kt"]
        if v >= (3, 6, 0):
            pats.append("gradle/*.versions.toml")
        if v >= (3, 12, 0):
            pats.append("**/versions.properties")
        return pats
    if v >= (3, 12, 0):
        return [
            "**/*.sbt",
            "**/project/build.properties",
            "**/project/**.scala",
            "**/project/**.sbt",
        ]
    return ["**/*.sbt", "**/project/build.properties", "**/project/**.{scala,sbt}"]


def _paths(pm: str, v: Version, runner: RunnerEnv) -> list[str]:
    h, j = runner.home, runner.join
    if pm == "maven":
        paths = [j(h, ".m2", "repository")]
        if (5, 4, 0) <= v < (5, 6, 0):
            paths.append(j(h, ".m2", "wrapper", "dists"))
        return paths
    if pm == "gradle":
        paths = [j(h, ".gradle", "caches")]
        if v < (5, 6, 0):
            paths.append(j(h, ".gradle", "wrapper"))
        return paths
    if runner.os == "Linux":
        coursier = j(h, ".cache", "coursier")
    elif runner.os == "macOS":
        coursier = j(h, "Library", "Caches", "Coursier")
    else:
        coursier = j(h, "AppData", "Local", "Coursier", "Cache")
    paths = [j(h, ".ivy2", "cache"), j(h, ".sbt"), coursier]
    if v >= (3, 4, 0):
        paths += ["!" + j(h, ".sbt", "*.lock"), "!" + j(h, "**", "ivydata-*.properties")]
    return paths


def _key(runner: RunnerEnv, v: Version, name: str, tail: KeyTemplate | None) -> KeyTemplate:
    key = KeyTemplate.of("setup-java-", runner.context("runner.os", runner.os))
    if v >= (4, 4, 0):
        key += KeyTemplate.of("-", runner.context("process.arch", runner.node_arch))
    key += f"-{name}"
    return key if tail is None else KeyTemplate.of(key, "-", tail)


def setup_java_caches(
    major: int,
    inputs: Mapping[str, str],
    runner: RunnerEnv,
    hash_files: HashFn,
    *,
    release: str | None = None,
) -> tuple[CacheSpec, ...]:
    """Every cache ``actions/setup-java@v{major}`` restores and saves: the dependency cache,
    then (v5.6.0+) the wrapper-distribution cache when its properties file exists."""
    rel = pick_release(ACTION, major, release)
    v = rel.version
    ref = release or f"v{major}"
    pm = inp(inputs, "cache")
    if not pm or v < (2, 3, 0):
        return ()
    known = ("maven", "gradle", "sbt") if v >= (3, 2, 0) else ("maven", "gradle")
    if pm not in known:
        return (
            rejected(
                rel=rel,
                ref=ref,
                name=pm,
                runner=runner,
                fails=f"unknown package manager specified: {pm}",
            ),
        )
    deps = inp(inputs, "cache-dependency-path") if v >= (4, 0, 0) else ""
    patterns = deps.split("\n") if deps else _patterns(pm, v)
    hashed = hash_component(hash_files, patterns)
    fails = None
    if hashed.digest == "":
        fails = (
            f"No file in {{workspace}} matched to [{','.join(patterns)}], make sure you have"
            " checked out the target repository"
        )
    key = _key(runner, v, pm, KeyTemplate.of(hashed))
    restore = [_key(runner, v, pm, None)] if v < (3, 5, 0) else []
    notes = ["cache-hit is true only when the primary key matched exactly", POST_SAVE_NOTE]
    main = spec(
        rel=rel,
        ref=ref,
        name=pm,
        key=key,
        restore_keys=restore,
        paths=_paths(pm, v, runner),
        runner=runner,
        notes=notes,
        fails=fails,
    )
    out = [main]
    if v >= (5, 6, 0) and pm in ("maven", "gradle"):
        if pm == "maven":
            name, props = "maven-wrapper", "**/.mvn/wrapper/maven-wrapper.properties"
            path = runner.join(runner.home, ".m2", "wrapper", "dists")
        else:
            name, props = "gradle-wrapper", "**/gradle-wrapper.properties"
            path = runner.join(runner.home, ".gradle", "wrapper")
        wrapped = hash_component(hash_files, [props])
        if wrapped.digest:
            out.append(
                spec(
                    rel=rel,
                    ref=ref,
                    name=name,
                    key=_key(runner, v, name, KeyTemplate.of(wrapped)),
                    restore_keys=(),
                    paths=[path],
                    runner=runner,
                    notes=[
                        f"a separate cache for the {pm} wrapper distribution, keyed on {props}"
                        " only (cache-dependency-path does not apply); saved only if the"
                        " directory exists",
                        POST_SAVE_NOTE,
                    ],
                )
            )
    return tuple(out)


def setup_java_cache(
    major: int,
    inputs: Mapping[str, str],
    runner: RunnerEnv,
    hash_files: HashFn,
    *,
    release: str | None = None,
) -> CacheSpec | None:
    """The dependency cache of ``actions/setup-java@v{major}``; ``None`` when ``cache:`` is off."""
    caches = setup_java_caches(major, inputs, runner, hash_files, release=release)
    return caches[0] if caches else None


class SetupJava(CachingAction):
    """``actions/setup-java``: ``cache: maven | gradle | sbt`` (and the wrapper caches)."""

    name = ACTION
    log_patterns = (
        # src/cache.ts
        ("restored_from", r"[\w.-]+ cache restored from key: (.*)"),
        ("not_found_pm", r"[\w.-]+ cache is not found"),
    )

    def enabled(self, call: StepCall) -> bool:
        return bool(call.text("cache"))

    def specs(self, call: StepCall) -> tuple[CacheSpec, ...]:
        assert call.runner is not None
        release = self.resolve(call).release
        return setup_java_caches(
            release.major, call.strings(), call.runner, call.hash_files, release=release.tag
        )
