"""Java: Maven and Gradle — declared once.

Default locations: https://maven.apache.org/guides/mini/guide-configuring-maven.html
(``~/.m2/repository``, ``-Dmaven.repo.local``) and
https://docs.gradle.org/current/userguide/directory_layout.html (``GRADLE_USER_HOME`` =
``~/.gradle``: ``caches/``, ``wrapper/``).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence

from ..fs.trees import DIR, FILE, Tree
from ..shell.argv import parse as _parse
from ..shell.argv import spec as _spec
from .commands import Command, Ctx, one
from .commands import make as _cmd
from .declare import declare, everywhere
from .detect import Dir as _Dir
from .detect import Manager
from .detect import ancestors as _ancestors
from .detect import dir_entries as _entries
from .detect import group as _group
from .detect import is_file as _is_file
from .detect import is_soft as _is_soft
from .detect import join as _join
from .detect import norm_under as _norm_under
from .detect import read_text as _text
from .detect import skip_dir as _skip_dir
from .detect import version_files as _version_files
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
from .recipe import CachePath, Recipe, RecipeBuilder

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


_POM = MANAGERS[0].manifests[0]

VERSION_FILES = (".java-version", ".sdkmanrc")
"""Files naming the toolchain version, nearest first (``.tool-versions`` too, by asdf)."""

LOCATIONS: Locations = {
    "MAVEN_REPO_LOCAL": everywhere("~/.m2/repository"),
    "GRADLE_USER_HOME": everywhere("~/.gradle"),
}
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


# -- detection --------------------------------------------------------------------------------

# -- Java --------------------------------------------------------------------------------------


def _maven_modules(tree: Tree, rel: str) -> list[str]:
    text = _text(tree, _join(rel, _POM)) or ""
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    out = []
    for m in re.findall(r"<module>\s*([^<]+?)\s*</module>", text):
        sub = _norm_under(rel, m.removesuffix("/" + _POM))
        if sub is not None and _is_file(tree, _join(sub, _POM)):
            out.append(sub)
    return out


def _detect_maven(tree: Tree, dirs: dict[str, _Dir]) -> list[Manager]:
    poms = sorted(rel for rel, d in dirs.items() if _POM in d.files)
    modules: dict[str, list[str]] = {}
    referenced: set[str] = set()
    pending = list(poms)
    while pending:
        rel = pending.pop(0)
        if rel in modules:
            continue
        modules[rel] = _maven_modules(tree, rel)
        for sub in modules[rel]:
            referenced.add(sub)
            pending.append(sub)
    out: list[Manager] = []
    for rel in poms:
        if rel in referenced:
            continue
        seen: list[str] = []
        stack = [rel]
        while stack:
            cur = stack.pop(0)
            if cur in seen:
                continue
            seen.append(cur)
            stack.extend(modules.get(cur, []))
        manifests = [_join(m, _POM) for m in seen]
        for extra in (".mvn/wrapper/maven-wrapper.properties", ".mvn/extensions.xml"):
            if _is_file(tree, _join(rel, extra)):
                manifests.append(_join(rel, extra))
        ev = [f"{_POM} present"]
        if len(seen) > 1:
            ev.append(f"modules: {', '.join(s for s in seen[1:])}")
        vf = _version_files(tree, rel, VERSION_FILES, "java")
        out.append(Manager("java", "maven", rel, tuple(manifests), (), tuple(ev), vf))
    return out


_GRADLE_BUILD = re.compile(r"^(?:.*\.gradle|.*\.gradle\.kts)$")
_GRADLE_SETTINGS = tuple(n for n in MANAGERS[1].manifests if n.startswith("settings."))
_GRADLE_LOCK = MANAGERS[1].locks[0]


def _gradle_subtree(tree: Tree, root: str) -> tuple[list[str], list[str]]:
    """Every Gradle build file, version catalog, wrapper and lock file of the build at ``root``.

    Not depth-limited (subprojects nest deep) and including nested (included) builds, as
    setup-java's ``**/*.gradle*`` would; skips build output, ``.gradle`` and test fixtures,
    and enters ``src`` only in build-logic projects (``buildSrc`` and included builds), where
    precompiled ``*.gradle.kts`` script plugins live.
    """
    manifests: list[str] = []
    locks: list[str] = []
    queue = [root]
    while queue:
        rel = queue.pop(0)
        entries = _entries(tree, rel)
        names = {n for n, k in entries if k == FILE}
        for name in sorted(names):
            path = _join(rel, name)
            catalog = name.endswith(".versions.toml") and posixpath.basename(rel) == "gradle"
            if _GRADLE_BUILD.match(name) or name == "gradle-wrapper.properties" or catalog:
                manifests.append(path)
            elif name.endswith(_GRADLE_LOCK) or (
                name.endswith(".lockfile") and "dependency-locks" in rel
            ):
                locks.append(path)
        build_logic = posixpath.basename(rel) == "buildSrc" or (
            rel != root and any(s in names for s in _GRADLE_SETTINGS)
        )
        inside = rel[len(root) :].lstrip("/") if root else rel
        for name, kind in entries:
            if kind != DIR or _skip_dir(name) or name in ("build", "out"):
                continue
            if name == "src" and not build_logic and "src" not in inside.split("/"):
                continue
            if _is_soft(_join(inside, name)):
                continue
            queue.append(_join(rel, name))
    return manifests, locks


def _gradle(tree: Tree, dirs: dict[str, _Dir]) -> list[Manager]:
    builds = [
        rel
        for rel, d in dirs.items()
        if any(s in d.files for s in _GRADLE_SETTINGS)
        or any(_GRADLE_BUILD.match(n) for n in d.files)
    ]
    roots = _group(builds, lambda rel: next((a for a in _ancestors(rel) if a in builds), None))
    out: list[Manager] = []
    for rel in roots:
        manifests, locks = _gradle_subtree(tree, rel)
        ev = []
        if any(posixpath.basename(m) in _GRADLE_SETTINGS for m in manifests):
            ev.append("settings.gradle present")
        else:
            ev.append("build.gradle present")
        if any(m.endswith("gradle-wrapper.properties") for m in manifests):
            ev.append("Gradle wrapper present")
        if locks:
            ev.append(f"dependency locking: {len(locks)} lock file(s)")
        vf = _version_files(tree, rel, VERSION_FILES, "java")
        out.append(Manager("java", "gradle", rel, tuple(manifests), tuple(locks), tuple(ev), vf))
    return out


def _java(tree: Tree, dirs: dict[str, _Dir]) -> list[Manager]:
    return _detect_maven(tree, dirs) + _gradle(tree, dirs)


# -- cache recipes ----------------------------------------------------------------------------

_DL, _BUILD, _ENV = DOWNLOADS, BUILD_OUTPUT, BUILT_ENV


def _java_recipes(b: RecipeBuilder) -> list[Recipe]:
    if b.m.name == "maven":
        why = "the local Maven repository: downloaded artifacts and plugins"
        return [
            b.recipe(
                "maven",
                [CachePath("~/.m2/repository", _DL, why)],
                setup=(
                    "actions/setup-java",
                    {"cache": "maven", "cache-dependency-path": b.dep_path},
                ),
                notes=[
                    "`mvn install` also puts the project's own SNAPSHOT artifacts there;"
                    " they are cached with the rest",
                    "setup-java's built-in cache has no restore key (since v3.5.0)",
                ],
            )
        ]
    why = "Gradle's dependency and transform caches, and the wrapper's distributions"
    return [
        b.recipe(
            "gradle",
            [
                CachePath("~/.gradle/caches", _DL, why),
                CachePath("~/.gradle/wrapper", _DL, why),
            ],
            setup=("actions/setup-java", {"cache": "gradle", "cache-dependency-path": b.dep_path}),
            notes=[
                "gradle/actions/setup-gradle caches the Gradle user home more selectively"
                " (cleans unused entries, saves from the default branch only): prefer it for"
                " large builds",
                "stop the Gradle daemon before the save (./gradlew --stop) or lock files"
                " in ~/.gradle/caches may be held open",
            ],
        )
    ]


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

ECOSYSTEM = declare(
    globals(),
    name="java",
    interpreter_tag="jdk",
    setup_action="actions/setup-java",
    detect=_java,
    recipes=lambda b, built: _java_recipes(b),
)
