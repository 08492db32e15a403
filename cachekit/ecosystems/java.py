"""Java: Maven and Gradle — declared once.

Default locations: https://maven.apache.org/guides/mini/guide-configuring-maven.html
(``~/.m2/repository``, ``-Dmaven.repo.local``) and
https://docs.gradle.org/current/userguide/directory_layout.html (``GRADLE_USER_HOME`` =
``~/.gradle``: ``caches/``, ``wrapper/``).
"""

from __future__ import annotations

from collections.abc import Mapping

from .model import (
    BUILD_OUTPUT,
    DOWNLOADS,
    OSES,
    CacheDir,
    Ecosystem,
    NamedDir,
    PackageManager,
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
    version_files=(".java-version", ".sdkmanrc"),
)
