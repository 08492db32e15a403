"""actions/setup-dotnet and gradle/actions/setup-gradle through explain, release by release.

Expected keys are written out from ``src/cache-restore.ts`` (setup-dotnet) and
``sources/src/caching/cache-key.ts`` / ``cache-service-basic.ts`` (gradle/actions) at the
releases named; digests are computed independently here.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from treebuild import build

from cachekit.explain import CacheReport, explain

LOCK = b'{"version": 1}\n'
GRADLE = b"plugins { java }\n"


def digest(*contents: bytes) -> str:
    outer = hashlib.sha256()
    for c in contents:
        outer.update(hashlib.sha256(c).digest())
    return outer.hexdigest()


def caches(root: Path, steps: str, files: dict[str, object], **kw) -> list[CacheReport]:
    text = "name: build\non: push\njobs:\n  jvm:\n    runs-on: ubuntu-24.04\n    steps:\n" + steps
    build(root, {".github/workflows/ci.yml": text, **files})
    return list(explain(str(root), **kw).caches)


def test_setup_dotnet_root_lock_file_and_trailing_separator(tmp_path: Path) -> None:
    steps = "      - uses: actions/setup-dotnet@v4\n        with:\n          cache: true\n"
    (cache,) = caches(tmp_path, steps, {"packages.lock.json": LOCK})
    assert cache.key == f"dotnet-cache-Linux-{digest(LOCK)}"
    assert cache.restore_keys == ()
    assert cache.paths == ("/home/runner/.nuget/packages/",)  # as `dotnet nuget locals` prints
    assert not [f for f in cache.findings if f.code == "step-fails"]


@pytest.mark.parametrize(
    ("with_", "files", "fails", "found"),
    [
        ("cache: false", {"packages.lock.json": LOCK}, None, False),
        ("cache: true", {"src/packages.lock.json": LOCK}, "lock file is not found", True),
        ("cache: yes-please", {"packages.lock.json": LOCK}, "cache", True),
        (
            "cache: true\n          cache-dependency-path: '**/packages.lock.json'",
            {"src/packages.lock.json": LOCK},
            None,
            True,
        ),
    ],
)
def test_setup_dotnet_inputs(tmp_path: Path, with_, files, fails, found) -> None:
    steps = f"      - uses: actions/setup-dotnet@v5\n        with:\n          {with_}\n"
    found_caches = caches(tmp_path, steps, files)
    assert bool(found_caches) is found
    if not found:
        return
    (cache,) = found_caches
    failures = [f.message for f in cache.findings if f.code == "step-fails"]
    if fails is None:
        assert not failures and cache.key == f"dotnet-cache-Linux-{digest(LOCK)}"
    else:
        assert failures and fails in failures[0]


def test_setup_dotnet_before_caching_existed(tmp_path: Path) -> None:
    steps = "      - uses: actions/setup-dotnet@v3.0.3\n        with:\n          cache: true\n"
    assert caches(tmp_path, steps, {"packages.lock.json": LOCK}) == []


def test_setup_gradle_home_cache_keys_by_release(tmp_path: Path) -> None:
    steps = (
        "      - uses: gradle/actions/setup-gradle@v3.0.0\n"
        "      - uses: gradle/actions/setup-gradle@v4\n"
        "      - uses: gradle/actions/setup-gradle@v4\n"
        "        with:\n          gradle-home-cache-strict-match: true\n"
    )
    v3, v4, strict = caches(tmp_path, steps, {"build.gradle": GRADLE})
    assert v3.key == "v9-gradle|Linux|jvm[‹job instance›]-‹github.sha›"
    assert v4.key == "gradle-home-v1|Linux-X64|jvm[‹job instance›]-‹github.sha›"
    assert v4.restore_keys == (
        "gradle-home-v1|Linux-X64|jvm[‹job instance›]",
        "gradle-home-v1|Linux-X64|jvm",
        "gradle-home-v1|Linux-X64",
    )
    assert strict.restore_keys == v4.restore_keys[:1]
    assert v4.paths == ("/home/runner/.gradle/caches", "/home/runner/.gradle/notifications")


def test_setup_gradle_v6_basic_enhanced_and_disabled(tmp_path: Path) -> None:
    steps = (
        "      - uses: gradle/actions/setup-gradle@v6\n"
        "        with:\n          cache-provider: basic\n"
        "      - uses: gradle/actions/setup-gradle@v6\n"
        "      - uses: gradle/actions/setup-gradle@v6\n"
        "        with:\n          cache-disabled: true\n"
    )
    basic, enhanced = caches(tmp_path, steps, {"build.gradle": GRADLE})
    assert basic.key == f"setup-java-Linux-x64-gradle-{digest(GRADLE)}"
    assert basic.paths == ("/home/runner/.gradle/caches", "/home/runner/.gradle/wrapper")
    assert not enhanced.key_known and enhanced.version is None
    assert any("proprietary" in n for n in enhanced.notes)
