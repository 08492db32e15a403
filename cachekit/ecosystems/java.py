"""Java: Maven and Gradle — declared once.

Default locations: https://maven.apache.org/guides/mini/guide-configuring-maven.html
(``~/.m2/repository``, ``-Dmaven.repo.local``) and
https://docs.gradle.org/current/userguide/directory_layout.html (``GRADLE_USER_HOME`` =
``~/.gradle``: ``caches/``, ``wrapper/``).
"""

from __future__ import annotations

import re
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


TOOLS = (
    Tool("maven", frozenset({"build", "test", "download"}), ("maven",)),
    Tool("gradle", frozenset({"build", "test", "download"}), ("gradle",)),
)

MANAGERS = (
    PackageManager("maven", manifests=("pom.xml",)),
    PackageManager(
        "gradle",
        locks=("gradle.lockfile",),
        manifests=("build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts"),
    ),
)

LOCATIONS: dict[str, Mapping[RunnerOS, str]] = {
    "MAVEN_REPO_LOCAL": dict.fromkeys(OSES, "~/.m2/repository"),
    "GRADLE_USER_HOME": dict.fromkeys(OSES, "~/.gradle"),
}
SYNONYMS: dict[str, str] = {}
CACHE_DIRS = (
    CacheDir(
        "{MAVEN_REPO_LOCAL}",
        DOWNLOADS,
        "maven",
        "Maven's local repository: downloaded artifacts and plugins",
        False,
    ),
    CacheDir(
        "~/.m2",
        DOWNLOADS,
        "maven",
        ("Maven's user directory: the local repository, wrapper distributions, settings"),
        False,
    ),
    CacheDir(
        "~/.m2/wrapper",
        DOWNLOADS,
        "maven",
        "Maven wrapper distributions downloaded by ./mvnw",
        False,
    ),
    CacheDir(
        "{GRADLE_USER_HOME}",
        DOWNLOADS,
        "gradle",
        ("Gradle's user home: dependency and build caches, wrapper distributions"),
        False,
    ),
    CacheDir(
        "{GRADLE_USER_HOME}/caches",
        DOWNLOADS,
        "gradle",
        ("Gradle's caches: downloaded dependencies, transformed jars, the build cache"),
        False,
    ),
    CacheDir(
        "{GRADLE_USER_HOME}/wrapper",
        DOWNLOADS,
        "gradle",
        "Gradle wrapper distributions downloaded by ./gradlew",
        False,
    ),
)
NAMED_DIRS = (
    NamedDir(
        r"\.gradle",
        BUILD_OUTPUT,
        "gradle",
        ("a project's .gradle directory: configuration cache and file hashes"),
        False,
    ),
)


# -- install commands --------------------------------------------------------------------------

_MAVEN = _spec(
    "-f --file -s --settings -gs --global-settings -t --toolchains -P --activate-profiles"
    " -pl --projects -rf --resume-from -T --threads -l --log-file -b --builder"
    " -gt --global-toolchains -emp --encrypt-master-password -ep --encrypt-password",
    "-B --batch-mode -ntp --no-transfer-progress -q --quiet -U --update-snapshots -o"
    " --offline -am --also-make -amd --also-make-dependents -e --errors -X --debug -fae"
    " --fail-at-end -ff --fail-fast -fn --fail-never -N --non-recursive -V --show-version"
    " -v --version -C --strict-checksums -c --lax-checksums -h --help -nsu"
    " --no-snapshot-updates -npu -cpu -llr -up -npr",
    single_dash=True,
)
_GRADLE = _spec(
    "-p --project-dir -g --gradle-user-home -b --build-file -c --settings-file -I"
    " --init-script -x --exclude-task --console --max-workers --warning-mode --project-cache-dir"
    " --include-build --priority -M --write-verification-metadata --dependency-verification"
    " -F --update-locks",
    "--no-daemon --daemon --build-cache --no-build-cache --scan --no-scan --stacktrace -s"
    " --full-stacktrace -S --info -i --quiet -q --debug -d --offline --refresh-dependencies"
    " --configuration-cache --no-configuration-cache --parallel --no-parallel --continue"
    " --dry-run -m --help -h -? --version -v --rerun-tasks --profile -w --warn"
    " --no-rebuild -a --write-locks --rerun --status --stop --foreground --continuous -t",
    single_dash=True,
)


def _maven(argv: Sequence[str], at: int, ctx: Ctx, tool: str) -> Command | None:
    words = list(argv[at:])
    fixed: list[str] = []
    i = 0
    while i < len(words):  # -D key=value, written apart, is one property
        if words[i] in ("-D", "-P") and i + 1 < len(words):
            fixed.append(words[i] + words[i + 1])
            i += 2
            continue
        fixed.append(words[i])
        i += 1
    parsed = _parse(fixed, _MAVEN if tool == "maven" else _GRADLE)
    if any(n in ("-v", "--version", "-h", "--help", "-?") for n, _ in parsed.options):
        return None
    goals = parsed.positionals
    if tool == "maven":
        if goals and all(g.startswith("dependency:") for g in goals):
            action = "download"
        elif goals and goals[-1] == "test":
            action = "test"
        else:
            action = "build"
    elif goals and all(g.rsplit(":", 1)[-1] in ("test", "check") for g in goals):
        action = "test"
    elif goals and all(re.search(r"dependencies$", g.rsplit(":", 1)[-1], re.I) for g in goals):
        action = "download"
    else:
        action = "build"
    return _cmd(
        ctx, tool, action, argv, packages=tuple(goals), options=tuple(parsed.options), venv=None
    )


PROGRAMS = (
    Program("mvnw?", lambda argv, ctx: one(_maven(argv, 1, ctx, "maven"))),
    Program("gradlew?", lambda argv, ctx: one(_maven(argv, 1, ctx, "gradle"))),
)

ECOSYSTEM = Ecosystem(
    name="java",
    interpreter_tag="jdk",
    setup_action="actions/setup-java",
    tools=TOOLS,
    managers=MANAGERS,
    locations=LOCATIONS,
    synonyms=SYNONYMS,
    cache_dirs=CACHE_DIRS,
    named_dirs=NAMED_DIRS,
    programs=PROGRAMS,
    version_files=(".java-version", ".sdkmanrc"),
)
