"""setup-node, setup-go and setup-java cache keys, release by release, on worked examples.

Expected keys are derived by hand from each action's ``src/`` at the release named; the
single-file digests are computed independently (SHA-256 of the file's raw SHA-256).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from cachekit import Flavor, hash_files, open_tree
from cachekit.caches import (
    UnknownComponent,
    hosted_runner,
    setup_go_cache,
    setup_java_cache,
    setup_java_caches,
    setup_node_cache,
)
from cachekit.caches.actions.setup_node import auto_cache_package_manager
from cachekit.caches.gos import load_go_manifest

UBUNTU = hosted_runner("ubuntu-24.04")
MAC = hosted_runner("macos-15")
WIN = hosted_runner("windows-2025")


def digest(*contents: bytes) -> str:
    return hashlib.sha256(b"".join(hashlib.sha256(c).digest() for c in contents)).hexdigest()


def hasher(root: Path) -> Callable[[list[str]], str]:
    tree = open_tree(str(root))
    return lambda patterns: hash_files(tree, patterns, flavor=Flavor.SETUP_ACTION).digest


# -- setup-node --------------------------------------------------------------------------------

NPM_LOCK = b'{"lockfileVersion": 3}\n'


@pytest.fixture
def node_repo(tmp_path: Path) -> Path:
    (tmp_path / "package-lock.json").write_bytes(NPM_LOCK)
    return tmp_path


@pytest.mark.parametrize(
    ("major", "release", "runner", "key"),
    [
        (2, "v2.2.0", UBUNTU, "node-cache-Linux-npm-{h}"),
        (3, None, UBUNTU, "node-cache-Linux-npm-{h}"),
        (4, "v4.0.4", MAC, "node-cache-macOS-npm-{h}"),
        (4, "v4.1.0", MAC, "node-cache-macOS-arm64-npm-{h}"),
        (6, None, WIN, "node-cache-Windows-x64-npm-{h}"),
        (7, None, UBUNTU, "node-cache-Linux-x64-npm-{h}"),
    ],
)
def test_node_keys(
    node_repo: Path, major: int, release: str | None, runner: object, key: str
) -> None:
    spec = setup_node_cache(major, {"cache": "npm"}, runner, hasher(node_repo), release=release)
    assert spec is not None and spec.fails is None
    assert spec.key.render() == key.format(h=digest(NPM_LOCK))
    assert spec.restore_keys == ()


def test_node_paths(node_repo: Path) -> None:
    h = hasher(node_repo)
    assert setup_node_cache(7, {"cache": "npm"}, UBUNTU, h).paths == ("/home/runner/.npm",)
    assert setup_node_cache(7, {"cache": "npm"}, WIN, h).paths == ("C:\\npm\\cache",)
    pnpm = setup_node_cache(
        7, {"cache": "pnpm", "cache-dependency-path": "package-lock.json"}, UBUNTU, h
    )
    assert pnpm is not None and pnpm.version is None and pnpm.paths[0].startswith("\u2039")


def test_node_lock_file_search(tmp_path: Path) -> None:
    (tmp_path / "npm-shrinkwrap.json").write_bytes(b"{}")
    (tmp_path / "yarn.lock").write_bytes(b"# yarn\n")
    h = hasher(tmp_path)
    new = setup_node_cache(3, {"cache": "npm"}, UBUNTU, h, release="v3.4.0")
    old = setup_node_cache(3, {"cache": "npm"}, UBUNTU, h, release="v3.3.0")
    assert new is not None and new.key.render().endswith(digest(b"{}"))
    assert old is not None and old.key.render().endswith(digest(b"# yarn\n"))
    missing = setup_node_cache(7, {"cache": "pnpm"}, UBUNTU, h)
    assert missing is not None and missing.fails is not None
    assert missing.fails.startswith("Dependencies lock file is not found")
    unresolved = setup_node_cache(
        7, {"cache": "npm", "cache-dependency-path": "nope/*.json"}, UBUNTU, h
    )
    assert unresolved is not None
    assert (
        unresolved.fails == "Some specified paths were not resolved, unable to cache dependencies."
    )


def test_node_auto_cache(node_repo: Path) -> None:
    h = hasher(node_repo)
    pj = '{"packageManager": "npm@10.8.0"}'
    assert setup_node_cache(4, {}, UBUNTU, h, package_json=pj) is None
    auto = setup_node_cache(6, {}, UBUNTU, h, package_json=pj)
    assert auto is not None and auto.name == "npm"
    assert (
        setup_node_cache(6, {"package-manager-cache": "false"}, UBUNTU, h, package_json=pj) is None
    )
    assert auto_cache_package_manager((5, 0, 0), '{"packageManager": "yarn@4.1.0"}') == "yarn"
    assert auto_cache_package_manager((6, 0, 0), '{"packageManager": "yarn@4.1.0"}') is None
    dev = '{"devEngines": {"packageManager": {"name": "npm"}}}'
    assert auto_cache_package_manager((6, 0, 0), dev) == "npm"
    assert auto_cache_package_manager((5, 0, 0), dev) is None
    assert auto_cache_package_manager((6, 0, 0), "not json") is None


# -- setup-go ----------------------------------------------------------------------------------

GO_SUM = b"example.com/m v1.0.0 h1:abc=\n"
GO_MOD = b"module example.com/x\n\ngo 1.22\n"


@pytest.fixture
def go_repo(tmp_path: Path) -> Path:
    (tmp_path / "go.sum").write_bytes(GO_SUM)
    (tmp_path / "go.mod").write_bytes(GO_MOD)
    return tmp_path


@pytest.mark.parametrize(
    ("major", "release", "runner", "inputs", "key"),
    [
        (
            3,
            "v3.2.0",
            UBUNTU,
            {"go-version": "1.22", "cache": "true"},
            "setup-go-Linux-go-1.22-{sum}",
        ),
        (4, "v4.0.1", UBUNTU, {"go-version": "1.22.5"}, "setup-go-Linux-go-1.22.5-{sum}"),
        (4, None, UBUNTU, {"go-version": "1.22.5"}, "setup-go-Linux-ubuntu24-go-1.22.5-{sum}"),
        (5, None, UBUNTU, {"go-version": "1.22.5"}, "setup-go-Linux-x64-ubuntu24-go-1.22.5-{sum}"),
        (5, None, MAC, {"go-version": "1.20.0"}, "setup-go-macOS-arm64-go-1.20-{sum}"),
        (
            6,
            "v6.2.0",
            UBUNTU,
            {"go-version": "1.22.5"},
            "setup-go-Linux-x64-ubuntu24-go-1.22.5-{sum}",
        ),
        (
            6,
            "v6.3.0",
            UBUNTU,
            {"go-version": "1.22.5"},
            "setup-go-Linux-x64-ubuntu24-go-1.22.5-{mod}",
        ),
        (7, None, WIN, {"go-version": "1.25.1"}, "setup-go-Windows-x64-go-1.25.1-{mod}"),
    ],
)
def test_go_keys(
    go_repo: Path, major: int, release: str | None, runner: object, inputs: dict[str, str], key: str
) -> None:
    spec = setup_go_cache(major, inputs, runner, hasher(go_repo), release=release)
    assert spec is not None and spec.fails is None
    assert spec.key.render() == key.format(sum=digest(GO_SUM), mod=digest(GO_MOD))


def test_go_defaults_and_unknowns(go_repo: Path) -> None:
    h = hasher(go_repo)
    assert setup_go_cache(3, {"go-version": "1.22"}, UBUNTU, h) is None  # off by default in v3
    assert setup_go_cache(5, {"go-version": "1.22", "cache": "false"}, UBUNTU, h) is None
    # a range resolves as setup-go resolves it (tests/test_go_versions.py), marked assumed;
    # one that neither the image nor the manifest has is left to go.dev at run time: unknown
    ranged = setup_go_cache(5, {"go-version": "1.22"}, UBUNTU, h)
    assert ranged is not None and ranged.key.is_known
    assert any(getattr(c, "assumed", False) for c in ranged.key.components)
    unknowable = setup_go_cache(5, {"go-version": "1.99"}, UBUNTU, h)
    assert unknowable is not None and not unknowable.key.is_known
    assert any(isinstance(c, UnknownComponent) for c in unknowable.key.components)
    # stable and check-latest follow the live manifest: the key moves with every Go release,
    # so it stays unknown, with the snapshot's answer in the reason
    newest = next(r.version for r in load_go_manifest().releases if r.stable)
    for inputs in ({"go-version": "stable"}, {"go-version": "1.x", "check-latest": "true"}):
        moving = setup_go_cache(5, inputs, UBUNTU, h)
        assert moving is not None and not moving.key.is_known
        (part,) = [c for c in moving.key.components if isinstance(c, UnknownComponent)]
        assert f"({newest} by the actions/go-versions versions-manifest.json of" in part.reason
    spec = setup_go_cache(5, {"go-version": "1.22.5"}, UBUNTU, h)
    assert spec is not None
    assert spec.paths == ("/home/runner/go/pkg/mod", "/home/runner/.cache/go-build")
    bad = setup_go_cache(5, {"go-version": "1.22.5", "cache": "yes"}, UBUNTU, h)
    assert bad is not None and bad.fails is not None and "YAML 1.2" in bad.fails


def test_go_missing_dependency_file(tmp_path: Path) -> None:
    h = hasher(tmp_path)
    v3 = setup_go_cache(3, {"go-version": "1.22", "cache": "true"}, UBUNTU, h)
    v5 = setup_go_cache(5, {"go-version": "1.22.5"}, UBUNTU, h)
    assert v3 is not None and v3.fails is not None and "go.sum" in v3.fails
    assert v5 is not None and v5.fails is None
    assert any("a warning only" in n for n in v5.notes)


# -- setup-java --------------------------------------------------------------------------------

POM = b"<project/>\n"
WRAPPER = b"distributionUrl=https://example/maven.zip\n"


@pytest.fixture
def maven_repo(tmp_path: Path) -> Path:
    (tmp_path / "pom.xml").write_bytes(POM)
    (tmp_path / ".mvn" / "wrapper").mkdir(parents=True)
    (tmp_path / ".mvn" / "wrapper" / "maven-wrapper.properties").write_bytes(WRAPPER)
    return tmp_path


@pytest.mark.parametrize(
    ("major", "release", "key", "restore"),
    [
        (2, "v2.3.0", "setup-java-Linux-maven-{pom}", ["setup-java-Linux-maven"]),
        (3, "v3.4.1", "setup-java-Linux-maven-{pom}", ["setup-java-Linux-maven"]),
        (3, "v3.5.0", "setup-java-Linux-maven-{pom}", []),
        (4, "v4.4.0", "setup-java-Linux-x64-maven-{pom}", []),
        (5, "v5.4.0", "setup-java-Linux-x64-maven-{both}", []),
        (5, None, "setup-java-Linux-x64-maven-{both}", []),
    ],
)
def test_java_maven_keys(
    maven_repo: Path, major: int, release: str | None, key: str, restore: list[str]
) -> None:
    spec = setup_java_cache(major, {"cache": "maven"}, UBUNTU, hasher(maven_repo), release=release)
    assert spec is not None and spec.fails is None
    # hashFiles walks .mvn/ before pom.xml: children are visited in byte order, "." before "p".
    expected = key.format(pom=digest(POM), both=digest(WRAPPER, POM))
    assert spec.key.render() == expected
    assert [k.render() for k in spec.restore_keys] == restore


def test_java_wrapper_caches(maven_repo: Path) -> None:
    h = hasher(maven_repo)
    v54 = setup_java_caches(5, {"cache": "maven"}, UBUNTU, h, release="v5.4.0")
    assert [c.name for c in v54] == ["maven"]
    assert v54[0].paths == ("/home/runner/.m2/repository", "/home/runner/.m2/wrapper/dists")
    v57 = setup_java_caches(5, {"cache": "maven"}, UBUNTU, h)
    assert [c.name for c in v57] == ["maven", "maven-wrapper"]
    assert v57[0].paths == ("/home/runner/.m2/repository",)
    assert v57[1].key.render() == f"setup-java-Linux-x64-maven-wrapper-{digest(WRAPPER)}"
    assert v57[1].paths == ("/home/runner/.m2/wrapper/dists",)


def test_java_gradle_and_sbt(tmp_path: Path) -> None:
    (tmp_path / "build.gradle").write_bytes(b"plugins {}\n")
    h = hasher(tmp_path)
    gradle = setup_java_caches(5, {"cache": "gradle"}, WIN, h)
    assert [c.name for c in gradle] == ["gradle"]  # no gradle-wrapper.properties: no wrapper cache
    assert (
        gradle[0].key.render()
        == f"setup-java-Windows-x64-gradle-{digest(b'plugins {}' + bytes([10]))}"
    )
    assert gradle[0].paths == ("C:\\Users\\runneradmin\\.gradle\\caches",)
    old = setup_java_cache(4, {"cache": "gradle"}, WIN, h)
    assert old is not None
    assert old.paths == (
        "C:\\Users\\runneradmin\\.gradle\\caches",
        "C:\\Users\\runneradmin\\.gradle\\wrapper",
    )
    sbt = setup_java_cache(5, {"cache": "sbt"}, MAC, h)
    assert sbt is not None and sbt.fails is not None and sbt.fails.startswith("No file in")
    assert sbt.paths == (
        "/Users/runner/.ivy2/cache",
        "/Users/runner/.sbt",
        "/Users/runner/Library/Caches/Coursier",
        "!/Users/runner/.sbt/*.lock",
        "!/Users/runner/**/ivydata-*.properties",
    )
    assert (
        setup_java_cache(2, {"cache": "sbt"}, MAC, h).fails
        == "unknown package manager specified: sbt"
    )
    assert setup_java_cache(5, {}, MAC, h) is None


def test_java_cache_dependency_path(maven_repo: Path) -> None:
    spec = setup_java_cache(
        5, {"cache": "maven", "cache-dependency-path": " pom.xml \n"}, UBUNTU, hasher(maven_repo)
    )
    assert spec is not None and spec.key.render().endswith(digest(POM))
