"""setup-python's version resolution against the bundled versions-manifest snapshot."""

from __future__ import annotations

import dataclasses

import pytest

from cachekit.caches import ResolvedPython, UnresolvedPython, hosted_runner, python_location
from cachekit.caches.pythons import (
    Manifest,
    ManifestFile,
    PythonRelease,
    desugar_version,
    load_manifest,
    python_version_to_semantic,
    resolve_python,
)

UBUNTU = hosted_runner("ubuntu-24.04")
MAC = hosted_runner("macos-15")
WIN = hosted_runner("windows-2025")


def _files(*specs: str) -> tuple[ManifestFile, ...]:
    out = []
    for s in specs:
        platform, pv, arch = s.split(":")
        out.append(ManifestFile(platform, pv or None, arch))
    return tuple(out)


ALL = ("linux:24.04:x64", "linux:22.04:x64", "darwin::arm64", "win32::x64", "win32::x86")
FT = ("linux:24.04:x64-freethreaded", "win32::x64-freethreaded")
# A small manifest in the real file's order (newest first), so cases do not drift with the data.
SMALL = Manifest(
    releases=(
        PythonRelease("3.14.0-rc.2", False, _files(*ALL, *FT)),
        PythonRelease("3.13.5", True, _files(*ALL, *FT)),
        PythonRelease("3.13.4", True, _files(*ALL, *FT)),
        PythonRelease("3.12.11", True, _files("linux:24.04:x64", "linux:22.04:x64")),
        PythonRelease("3.12.10", True, _files(*ALL)),
        PythonRelease("3.11.9", True, _files(*ALL)),
        PythonRelease("3.8.18", True, _files("linux:20.04:x64", "linux:22.04:x64")),
    ),
    fetched="2026-11-27",
    commit="0" * 40,
    commit_date="2026-08-12",
)


def resolved(spec: str, runner: object = UBUNTU, **kw: object) -> ResolvedPython:
    res = resolve_python(spec, runner, manifest=SMALL, **kw)
    assert isinstance(res, ResolvedPython), res
    return res


@pytest.mark.parametrize(
    ("spec", "runner", "version"),
    [
        ("3.x", UBUNTU, "3.13.5"),  # the rc is not stable, and x-ranges exclude prereleases
        ("3.12", UBUNTU, "3.12.11"),
        ("3.12", MAC, "3.12.10"),  # 3.12.11 has no macOS build
        ("3.12", WIN, "3.12.10"),
        (">=3.10 <3.13", UBUNTU, "3.12.11"),
        ("3.11.9", UBUNTU, "3.11.9"),
        ("~3.13.4", UBUNTU, "3.13.5"),
        ("3.14-dev", UBUNTU, "3.14.0-rc.2"),  # -dev is ~3.14.0-0: prereleases allowed
    ],
)
def test_resolution(spec: str, runner: object, version: str) -> None:
    assert resolved(spec, runner).version == version


def test_allow_prereleases() -> None:
    assert isinstance(resolve_python("3.14", UBUNTU, manifest=SMALL), UnresolvedPython)
    assert resolved("3.14", allow_prereleases=True).version == "3.14.0-rc.2"


def test_freethreaded() -> None:
    r = resolved("3.13t")
    assert (r.version, r.key_version, r.architecture) == ("3.13.5", "3.13.5t", "x64-freethreaded")
    assert r.location == "/opt/hostedtoolcache/Python/3.13.5/x64-freethreaded"
    assert resolved("3.13", freethreaded=True).key_version == "3.13.5t"


def test_platform_version_filters_linux_builds() -> None:
    jammy = dataclasses.replace(UBUNTU, distro_release="22.04")
    assert resolved("3.8", jammy).version == "3.8.18"
    res = resolve_python("3.8", UBUNTU, manifest=SMALL)
    assert isinstance(res, UnresolvedPython) and res.fails
    assert "not found for linux 24.04" in res.reason


def test_architecture_input() -> None:
    r = resolved("3.12", WIN, architecture="x86")
    assert r.location == "C:\\hostedtoolcache\\windows\\Python\\3.12.10\\x86"


def test_basis_and_toolcache() -> None:
    assert resolved("3.12").basis == "manifest"
    assert resolved("3.12.10").basis == "exact"
    image = dataclasses.replace(UBUNTU, preinstalled_pythons=("3.11.9", "3.12.4", "3.13.1"))
    r = resolved("3.12", image)
    assert (r.version, r.basis, r.notes) == ("3.12.4", "toolcache", ())
    latest = resolved("3.12", image, check_latest=True)
    assert (latest.version, latest.basis) == ("3.12.11", "check-latest")
    # Exact versions the manifest lacks still resolve when the image has them.
    assert resolved("3.12.4", image).version == "3.12.4"
    missing = resolve_python("3.12.99", image, manifest=SMALL)
    assert isinstance(missing, UnresolvedPython) and missing.fails


def test_pypy_is_not_resolved() -> None:
    res = resolve_python("pypy3.10", UBUNTU, manifest=SMALL)
    assert isinstance(res, UnresolvedPython) and not res.fails


def test_rhel_uses_its_own_builds() -> None:
    rhel = dataclasses.replace(UBUNTU, distro_id="rhel", distro_release="9.4")
    m = Manifest((PythonRelease("3.13.5", True, _files("rhel:9:x64", *ALL)),), "d", "c", "d")
    res = resolve_python("3.13", rhel, manifest=m)
    assert isinstance(res, ResolvedPython) and res.version == "3.13.5"
    m2 = Manifest((PythonRelease("3.13.5", True, _files(*ALL)),), "d", "c", "d")
    assert isinstance(resolve_python("3.13", rhel, manifest=m2), UnresolvedPython)


def test_desugaring() -> None:
    assert desugar_version("3.13t") == ("3.13", True)
    assert desugar_version("3.13.1t") == ("3.13.1", True)
    assert desugar_version("3.14t-dev") == ("~3.14.0-0", True)
    assert desugar_version("3.12-dev") == ("~3.12.0-0", False)
    assert python_version_to_semantic("3.14.0rc1", False) == "3.14.0-rc1"
    assert python_version_to_semantic("3.14", True) == "~3.14.0-0"
    assert python_version_to_semantic(">=3.14", True) == ">=3.14"


@pytest.mark.parametrize(
    ("runner", "expected"),
    [
        (UBUNTU, "/opt/hostedtoolcache/Python/3.12.4/x64"),
        (hosted_runner("ubuntu-24.04-arm"), "/opt/hostedtoolcache/Python/3.12.4/arm64"),
        (MAC, "/Users/runner/hostedtoolcache/Python/3.12.4/arm64"),
        (hosted_runner("macos-15-intel"), "/Users/runner/hostedtoolcache/Python/3.12.4/x64"),
        (WIN, "C:\\hostedtoolcache\\windows\\Python\\3.12.4\\x64"),
    ],
)
def test_python_location(runner: object, expected: str) -> None:
    assert python_location("3.12.4", runner) == expected


def test_bundled_manifest() -> None:
    m = load_manifest()
    assert m.commit == "7ecd5646f5754416c84a566afefc50324526a3d9"
    # regenerated snapshots are stamped with the date they describe (scripts/update_snapshots.py)
    assert m.commit_date == "2026-08-12" and m.fetched == "2026-08-12"
    assert len(m.releases) > 200
    # Newest first, as tool-cache's first-match search requires.
    assert m.releases[0].version.startswith("3.15")
    res = resolve_python("3.12", UBUNTU)
    assert isinstance(res, ResolvedPython) and res.version == "3.12.14"
    assert "pre-installed" in res.notes[0]
