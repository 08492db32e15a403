"""Hostile repositories: their code never runs unasked, nothing outside them is read or written,
and git faults are errors, never facts (issue #11, items 1, 2, 6 and 7).

Each test builds the attack as an attacker would (a local sdist whose in-tree build backend
writes a canary, a symlink to a secret, a workflow directory that is a link elsewhere, a
truncated git object) and asserts what cachekit does instead.
"""

from __future__ import annotations

import io
import json
import os
import tarfile
from pathlib import Path

import pytest
from wheelindex import Dist, write_wheels

from cachekit.environments.resolve import ResolveError, ResolveRequest, find_uv, resolve
from cachekit.fs.trees import WorkTree

SECRET_VAR = "CACHEKIT_CANARY_SECRET"
SECRET = "s3cr3t-canary-7f1d2c"

needs_uv = pytest.mark.skipif(find_uv() is None, reason="uv is not installed")
BACKENDS = ("pip-tools", pytest.param("uv", marks=needs_uv))


# --- item 1: repository code never runs without --allow-build, and never sees secrets ----------


def _canary_backend(canary: Path) -> str:
    """A PEP 517 backend that records it ran and dumps the environment it was given."""
    return f"""\
import json, os, zipfile

META = "Metadata-Version: 2.1\\nName: canarypkg\\nVersion: 1.0\\n"
INFO = "canarypkg-1.0.dist-info"


def _ran():
    with open({str(canary)!r}, "a") as f:
        f.write(json.dumps(dict(os.environ)) + "\\n")


def get_requires_for_build_wheel(config_settings=None):
    _ran()
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    _ran()
    os.makedirs(os.path.join(metadata_directory, INFO))
    with open(os.path.join(metadata_directory, INFO, "METADATA"), "w") as f:
        f.write(META)
    return INFO


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    _ran()
    name = "canarypkg-1.0-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as z:
        z.writestr(INFO + "/METADATA", META)
        z.writestr(INFO + "/WHEEL", "Wheel-Version: 1.0\\nTag: py3-none-any\\n")
        z.writestr(INFO + "/RECORD", "")
    return name
"""


def _write_sdist(directory: Path, canary: Path) -> None:
    files = {
        "pyproject.toml": '[build-system]\nrequires = []\nbuild-backend = "canary_backend"\n'
        'backend-path = ["."]\n\n[project]\nname = "canarypkg"\nversion = "1.0"\n'
        'dynamic = ["dependencies"]\n',  # uv would read static metadata without building
        "PKG-INFO": "Metadata-Version: 2.1\nName: canarypkg\nVersion: 1.0\n",
        "canary_backend.py": _canary_backend(canary),
    }
    directory.mkdir(parents=True, exist_ok=True)
    with tarfile.open(directory / "canarypkg-1.0.tar.gz", "w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"canarypkg-1.0/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


@pytest.fixture
def sdist_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    """A repository whose requirements ask for a build of its own sdist, a secret in the
    environment, and the user's own (harmless) wheels."""
    canary = tmp_path / "CANARY"
    repo = tmp_path / "repo"
    _write_sdist(repo / "dists", canary)
    (repo / "requirements.txt").write_text(
        "--no-binary :all:\n--find-links ./dists\n"
        "--index-url http://127.0.0.1:9/attacker/simple\n--trusted-host 127.0.0.1\n"
        "--extra-index-url http://127.0.0.1:9/more\ncanarypkg\n"
    )
    wheels = tmp_path / "wheels"
    write_wheels(wheels, [Dist("six", "1.16.0")])
    monkeypatch.setenv(SECRET_VAR, SECRET)
    return repo, wheels, canary


@pytest.mark.parametrize("backend", BACKENDS)
def test_requirements_file_cannot_make_resolve_build_without_allow_build(
    sdist_repo: tuple[Path, Path, Path], backend: str
) -> None:
    repo, wheels, canary = sdist_repo
    (repo / "requirements.txt").write_text("--no-binary :all:\n--find-links ./dists\ncanarypkg\n")
    base = ResolveRequest(
        backend=backend,
        requirements=("requirements.txt",),
        no_index=True,
        find_links=(str(wheels),),
    )
    with pytest.raises(ResolveError) as info:
        resolve(WorkTree(str(repo)), base)
    assert not canary.exists()
    assert "canarypkg" in str(info.value)
    # Even when the user names the same find-links directory, sdists are not built.
    again = ResolveRequest(
        backend=backend,
        requirements=("requirements.txt",),
        no_index=True,
        find_links=(str(wheels), "./dists"),
    )
    with pytest.raises(ResolveError):
        resolve(WorkTree(str(repo)), again)
    assert not canary.exists()


@pytest.mark.parametrize("backend", BACKENDS)
def test_repository_index_options_are_stripped_with_a_warning(
    sdist_repo: tuple[Path, Path, Path], backend: str
) -> None:
    repo, wheels, canary = sdist_repo
    (repo / "requirements.txt").write_text(
        (repo / "requirements.txt").read_text().replace("canarypkg\n", "six\n")
    )
    request = ResolveRequest(
        backend=backend,
        requirements=("requirements.txt",),
        no_index=True,
        find_links=(str(wheels),),
    )
    r = resolve(WorkTree(str(repo)), request)
    assert r.versions() == {"six": "1.16.0"}  # the attacker's index was never asked
    text = "\n".join(r.warnings)
    for flag in ("--no-binary", "--find-links", "--index-url", "--trusted-host"):
        assert flag in text, flag
    assert "requirements.txt:1" in text
    assert not canary.exists()


@pytest.mark.parametrize("backend", BACKENDS)
def test_allow_build_builds_but_the_backend_sees_no_secret(
    sdist_repo: tuple[Path, Path, Path], backend: str
) -> None:
    repo, wheels, canary = sdist_repo
    request = ResolveRequest(
        backend=backend,
        requirements=("requirements.txt",),
        no_index=True,
        find_links=(str(wheels), "./dists"),
        allow_build=True,
    )
    r = resolve(WorkTree(str(repo)), request)
    assert r.versions() == {"canarypkg": "1.0"}
    assert canary.exists()  # it did build: --allow-build permits exactly that
    for line in canary.read_text().splitlines():
        env = json.loads(line)
        assert SECRET_VAR not in env
        assert SECRET not in json.dumps(env)
        assert env.get("HOME") != os.environ.get("HOME")
        assert not {k for k in env if k.startswith(("AWS_", "GITHUB_", "PIP_INDEX"))}
