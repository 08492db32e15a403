"""setup-python's cache keys, release by release, on worked examples.

Every expected key below was derived by hand from ``src/cache-distributions/*.ts`` at the
release named, with the digest computed independently: ``hashFiles`` of one file is the
SHA-256 of that file's raw SHA-256.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from cachekit import Flavor, hash_files, open_tree
from cachekit.caches import (
    ContextValue,
    HashFilesComponent,
    UnknownComponent,
    cache_version,
    hosted_runner,
    setup_python_cache,
)

REQS = b"requests==2.32.3\n"
LOCK = b'{"_meta": {}}\n'
UBUNTU = hosted_runner("ubuntu-24.04")


def one_file_digest(content: bytes) -> str:
    return hashlib.sha256(hashlib.sha256(content).digest()).hexdigest()


def hasher(root: Path) -> Callable[[list[str]], str]:
    tree = open_tree(str(root))
    return lambda patterns: hash_files(tree, patterns, flavor=Flavor.SETUP_ACTION).digest


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "requirements.txt").write_bytes(REQS)
    (tmp_path / "Pipfile.lock").write_bytes(LOCK)
    return tmp_path


PIP = one_file_digest(REQS)
PIPENV = one_file_digest(LOCK)


@pytest.mark.parametrize(
    ("major", "release", "key"),
    [
        (2, "v2.3.0", f"setup-python-Linux-pip-{PIP}"),
        (2, "v2.3.2", f"setup-python-Linux-python-3.12.4-pip-{PIP}"),
        (3, None, f"setup-python-Linux-python-3.12.4-pip-{PIP}"),
        (4, "v4.1.0", f"setup-python-Linux-python-3.12.4-pip-{PIP}"),
        (4, "v4.2.0", f"setup-python-Linux-24.04-Ubuntu-python-3.12.4-pip-{PIP}"),
        (4, None, f"setup-python-Linux-24.04-Ubuntu-python-3.12.4-pip-{PIP}"),
        (5, "v5.1.1", f"setup-python-Linux-24.04-Ubuntu-python-3.12.4-pip-{PIP}"),
        (5, "v5.2.0", f"setup-python-Linux-x64-24.04-Ubuntu-python-3.12.4-pip-{PIP}"),
        (6, None, f"setup-python-Linux-x64-24.04-Ubuntu-python-3.12.4-pip-{PIP}"),
        (7, None, f"setup-python-Linux-x64-24.04-Ubuntu-python-3.12.4-pip-{PIP}"),
    ],
)
def test_pip_keys(repo: Path, major: int, release: str | None, key: str) -> None:
    inputs = {"python-version": "3.12.4", "cache": "pip"}
    spec = setup_python_cache(major, inputs, UBUNTU, hasher(repo), release=release)
    assert spec is not None and spec.fails is None
    assert spec.key.render() == key
    assert [k.render() for k in spec.restore_keys] == [key[: -len(PIP) - 1]]
    assert spec.paths == ("/home/runner/.cache/pip",)


def test_pip_version_and_paths(repo: Path) -> None:
    spec = setup_python_cache(7, {"python-version": "3.12.4", "cache": "pip"}, UBUNTU, hasher(repo))
    assert spec is not None
    expected = hashlib.sha256(b"/home/runner/.cache/pip|zstd-without-long|1.0").hexdigest()
    assert spec.version == expected
    assert spec.version_inputs is not None and not spec.version_inputs.windows
    assert spec.release == "v7.0.0" and spec.uses == "actions/setup-python@v7"
    hashed = spec.key.components[-1]
    assert isinstance(hashed, HashFilesComponent)
    assert hashed.patterns == ("**/requirements.txt",) and hashed.flavor is Flavor.SETUP_ACTION


def test_pipenv_os_segment_arrives_in_v6_3(repo: Path) -> None:
    inputs = {"python-version": "3.12.4", "cache": "pipenv"}
    h = hasher(repo)
    before = setup_python_cache(6, inputs, UBUNTU, h, release="v6.2.0")
    after = setup_python_cache(6, inputs, UBUNTU, h)
    assert before is not None and after is not None
    assert before.key.render() == f"setup-python-Linux-x64-python-3.12.4-pipenv-{PIPENV}"
    assert (
        after.key.render() == f"setup-python-Linux-x64-24.04-Ubuntu-python-3.12.4-pipenv-{PIPENV}"
    )
    assert after.restore_keys == ()
    assert after.paths == ("/home/runner/.local/share/virtualenvs",)


def test_poetry_v2_suffix(tmp_path: Path) -> None:
    (tmp_path / "poetry.lock").write_bytes(LOCK)
    inputs = {"python-version": "3.12.4", "cache": "poetry"}
    old = setup_python_cache(4, inputs, UBUNTU, hasher(tmp_path), release="v4.4.0")
    new = setup_python_cache(4, inputs, UBUNTU, hasher(tmp_path), release="v4.5.0")
    assert old is not None and new is not None
    assert old.key.render() == f"setup-python-Linux-python-3.12.4-poetry-{PIPENV}"
    assert new.key.render() == f"setup-python-Linux-python-3.12.4-poetry-v2-{PIPENV}"
    assert new.paths == ("/home/runner/.cache/pypoetry/virtualenvs",)
    assert setup_python_cache(3, inputs, UBUNTU, hasher(tmp_path), release="v3.0.0") is not None
    unsupported = setup_python_cache(2, inputs, UBUNTU, hasher(tmp_path))
    assert unsupported is not None and unsupported.fails == "Caching for 'poetry' is not supported"


def test_pyproject_fallback(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(b"[project]\n")
    inputs = {"python-version": "3.12.4", "cache": "pip"}
    spec = setup_python_cache(5, inputs, UBUNTU, hasher(tmp_path))
    assert spec is not None and spec.fails is None
    assert spec.key.render().endswith("-pip-" + one_file_digest(b"[project]\n"))
    old = setup_python_cache(4, inputs, UBUNTU, hasher(tmp_path), release="v4.5.0")
    assert old is not None and old.fails is not None
    assert old.fails.startswith("No file in {workspace} matched to [**/requirements.txt]")
    (tmp_path / "empty").mkdir()
    none = setup_python_cache(5, inputs, UBUNTU, hasher(tmp_path / "empty"))
    assert none is not None and none.fails is not None
    assert "[**/requirements.txt or **/pyproject.toml]" in none.fails


def test_cache_dependency_path(repo: Path) -> None:
    (repo / "dev.txt").write_bytes(b"pytest\n")
    inputs = {
        "python-version": "3.12.4",
        "cache": "pip",
        "cache-dependency-path": "requirements.txt\ndev.txt",
    }
    spec = setup_python_cache(5, inputs, UBUNTU, hasher(repo))
    assert spec is not None
    outer = hashlib.sha256(hashlib.sha256(REQS).digest() + hashlib.sha256(b"pytest\n").digest())
    assert spec.key.render().endswith("-pip-" + outer.hexdigest())


def test_other_runners(repo: Path) -> None:
    inputs = {"python-version": "3.12.4", "cache": "pip"}
    mac = setup_python_cache(5, inputs, hosted_runner("macos-15"), hasher(repo))
    win = setup_python_cache(5, inputs, hosted_runner("windows-2025"), hasher(repo))
    assert mac is not None and win is not None
    assert mac.key.render() == f"setup-python-macOS-arm64-python-3.12.4-pip-{PIP}"
    assert mac.paths == ("/Users/runner/Library/Caches/pip",)
    assert win.key.render() == f"setup-python-Windows-x64-python-3.12.4-pip-{PIP}"
    assert win.paths == ("C:\\Users\\runneradmin\\AppData\\Local\\pip\\Cache",)
    assert win.version == cache_version(
        ["C:\\Users\\runneradmin\\AppData\\Local\\pip\\Cache"],
        compression="zstd-without-long",
        windows=True,
        enable_cross_os_archive=False,
    )


def test_rhel_key_segment(repo: Path) -> None:
    rhel = dataclasses.replace(UBUNTU, distro_id="RedHatEnterprise", distro_release="9.4")
    inputs = {"python-version": "3.12.4", "cache": "pip"}
    assert "-9-rhel-python" in setup_python_cache(6, inputs, rhel, hasher(repo)).key.render()
    assert (
        "-9.4-RedHatEnterprise-"
        in setup_python_cache(6, inputs, rhel, hasher(repo), release="v6.2.0").key.render()
    )


def test_python_version_components(repo: Path) -> None:
    h = hasher(repo)
    ranged = setup_python_cache(7, {"python-version": "3.12", "cache": "pip"}, UBUNTU, h)
    assert ranged is not None
    version = next(c for c in ranged.key.components if getattr(c, "name", "") == "python version")
    assert isinstance(version, ContextValue) and version.assumed
    assert version.value == "3.12.14"  # newest 3.12 for ubuntu 24.04 x64 in the snapshot
    ft = setup_python_cache(7, {"python-version": "3.13t", "cache": "pip"}, UBUNTU, h)
    assert ft is not None and "-python-3.13.15t-pip-" in ft.key.render()
    from_file = setup_python_cache(
        7, {"python-version-file": ".python-version", "cache": "pip"}, UBUNTU, h
    )
    assert from_file is not None and not from_file.key.is_known
    assert any(isinstance(c, UnknownComponent) for c in from_file.key.components)
    several = setup_python_cache(7, {"python-version": "3.11.9\n3.12.4", "cache": "pip"}, UBUNTU, h)
    assert several is not None and "-python-3.12.4-pip-" in several.key.render()


def test_cache_off_and_old_releases(repo: Path) -> None:
    h = hasher(repo)
    assert setup_python_cache(5, {"python-version": "3.12"}, UBUNTU, h) is None
    assert setup_python_cache(1, {"python-version": "3.12", "cache": "pip"}, UBUNTU, h) is None
    assert (
        setup_python_cache(
            2, {"python-version": "3.12.4", "cache": "pip"}, UBUNTU, h, release="v2.2.2"
        )
        is None
    )
    legacy = setup_python_cache(3, {"python-version": "3.12.4", "cache": "pip"}, UBUNTU, h)
    assert legacy is not None and legacy.version is None
    assert any("legacy cache service" in n for n in legacy.notes)
