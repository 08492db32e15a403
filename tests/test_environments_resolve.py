"""`resolve`: what pip-compile / uv resolve the tree's inputs to, hermetically, without a network.

Every resolution runs against wheels written by hand (tests/wheelindex.py) in a find-links
directory or a local index; nothing is fetched. pip-compile costs about a second a run, uv a
tenth of that, so each pip-compile run here proves several things at once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gitutil import commit_all, git, init
from treebuild import build
from wheelindex import Dist, JsonIndex, write_simple_index, write_wheels

from cachekit.environments import resolve as resolve_module
from cachekit.environments.resolve import (
    Drift,
    Pin,
    Resolution,
    ResolveError,
    ResolveRequest,
    drift,
    find_uv,
    host_platform,
    resolve,
)
from cachekit.fs.gitrepo import GitRepo
from cachekit.fs.gittree import CommitTree
from cachekit.fs.trees import WorkTree

BACKENDS = ("pip-tools", "uv")
needs_uv = pytest.mark.skipif(find_uv() is None, reason="uv is not installed")
MARKER_VAR = "CACHEKIT_TEST_BUILD_MARKER"
# pytest's wheel below needs tomli on Python < 3.11 (a marker), as the real one does.
WITH_PYTEST = {"pytest": "8.0.0"} | ({"tomli": "2.0.0"} if sys.version_info < (3, 11) else {})

DISTS = [
    Dist("flask", "2.0.0", ["werkzeug>=2", "click>=7"]),
    Dist("flask", "3.0.0", ["werkzeug>=3", "click>=8", 'colorama; sys_platform == "win32"']),
    Dist("werkzeug", "2.3.0"),
    Dist("werkzeug", "3.1.0"),
    Dist("click", "8.1.0", extras={"dev": ["pytest"]}),
    Dist("colorama", "0.4.6"),
    Dist("tomli", "2.0.0"),
    Dist("six", "1.16.0"),
    Dist("pytest", "8.0.0", ['tomli; python_version < "3.11"']),
    Dist("Zope.Interface", "6.0"),
    Dist("requests", "2.31.0", ["idna>=2"]),
    Dist("idna", "3.6"),
    Dist("newonly", "1.0"),
    Dist("newonly", "2.0", requires_python=">=3.12"),
    Dist("fastlib", "1.0", tag="cp312-cp312-manylinux_2_17_x86_64"),
    Dist("fastlib", "1.0", tag="cp312-cp312-win_amd64"),
]


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The find-links directory (plus an sdist-only package, ``onlysd``)."""
    directory = tmp_path_factory.mktemp("wheels")
    write_wheels(directory, DISTS)
    (directory / "onlysd-1.0.tar.gz").write_bytes(b"not really a tarball")
    return directory


def flat(wheels: Path, backend: str = "pip-tools", **kw: Any) -> ResolveRequest:
    """A request against the find-links directory only."""
    request = ResolveRequest(backend=backend, no_index=True, find_links=(str(wheels),))
    return dataclasses.replace(request, **kw)


def snapshot(root: Path) -> dict[str, str]:
    """Every path under root with its kind, mode and content digest."""
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            st = path.lstat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "-"
            out[str(path.relative_to(root))] = f"{st.st_mode:o} {digest} {st.st_mtime_ns}"
    return out


@pytest.fixture
def marker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A file that any build of the test projects would write. The resolver's environment is
    an allow-list, so the variable naming the file is added to it for these tests only."""
    path = tmp_path / "BUILD-RAN"
    monkeypatch.setenv(MARKER_VAR, str(path))
    monkeypatch.setattr(resolve_module, "_KEPT_VARS", resolve_module._KEPT_VARS | {MARKER_VAR})
    yield path


SETUP_PY_TRAP = f"""\
import os
from setuptools import setup
open(os.environ["{MARKER_VAR}"], "a").write("setup.py ran\\n")
raise SystemExit("setup.py must not run")
setup()
"""

BACKEND_PY = f'''\
"""A PEP 517 backend in the tree: it records that it ran, and declares flask<3."""
import os, zipfile

NAME, VERSION = "builtproj", "0.1"
META = "Metadata-Version: 2.1\\nName: builtproj\\nVersion: 0.1\\nRequires-Dist: flask<3\\n"
INFO = NAME + "-" + VERSION + ".dist-info"


def _ran():
    open(os.environ["{MARKER_VAR}"], "a").write("backend ran\\n")


def get_requires_for_build_wheel(config_settings=None):
    return []


get_requires_for_build_editable = get_requires_for_build_wheel


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    _ran()
    os.makedirs(os.path.join(metadata_directory, INFO))
    with open(os.path.join(metadata_directory, INFO, "METADATA"), "w") as f:
        f.write(META)
    return INFO


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    _ran()
    name = NAME + "-" + VERSION + "-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as z:
        z.writestr(INFO + "/METADATA", META)
        z.writestr(INFO + "/WHEEL", "Wheel-Version: 1.0\\nTag: py3-none-any\\n")
        z.writestr(INFO + "/RECORD", "")
    return name


build_editable = build_wheel
'''


# --- requirements files, includes, inline packages, both backends -----------------------------


@pytest.mark.parametrize("backend", [pytest.param("pip-tools"), pytest.param("uv", marks=needs_uv)])
def test_requirements_with_includes_constraints_and_packages(
    tmp_path: Path, wheels: Path, backend: str
) -> None:
    root = build(
        tmp_path / "repo",
        {
            "requirements.in": "-r sub/base.in\n-c constraints.txt\nflask\nzope.interface\n",
            "sub/base.in": "click[dev]\n",
            "constraints.txt": "werkzeug<3\n",
            "extra-constraints.txt": "flask<3\n",
            "unrelated.txt": "nothing to see\n",
        },
    )
    before = snapshot(root)
    request = flat(
        wheels,
        backend,
        requirements=("requirements.in",),
        constraints=("extra-constraints.txt",),
        packages=("six",),
    )
    r = resolve(WorkTree(str(root)), request)
    assert snapshot(root) == before
    assert (
        r.versions()
        == {
            "click": "8.1.0",
            "flask": "2.0.0",
            "six": "1.16.0",
            "werkzeug": "2.3.0",
            "zope-interface": "6.0",
        }
        | WITH_PYTEST
    )
    via = {p.name: p.via for p in r.pins}
    assert via["click"] == ("-r sub/base.in", "flask")
    assert via["pytest"] == ("click",)  # from click's "dev" extra
    assert via["six"] == ("(inline)",)
    assert via["zope-interface"] == ("-r requirements.in",)
    assert "-c constraints.txt" in via["werkzeug"]
    assert [p.name for p in r.pins] == sorted(p.name for p in r.pins)
    assert r.backend == backend
    assert r.python == f"{sys.version_info.major}.{sys.version_info.minor}"
    assert r.platform == host_platform()
    assert r.seconds > 0
    assert "requirements.in" in r.command
    assert not any("cachekit-resolve-" in part for part in r.command)  # temp dir shown relative
    assert r.warnings == ()


@needs_uv
def test_backends_agree_on_the_same_inputs(tmp_path: Path, wheels: Path) -> None:
    """Differential: pip-compile and uv choose the same versions, with the same via."""
    root = build(
        tmp_path / "repo",
        {
            "a.in": "flask\nrequests>=2\n",
            "b.in": "-r a.in\nclick[dev]\nwerkzeug!=3.1.0\n",
        },
    )
    tree = WorkTree(str(root))
    for files in (("a.in",), ("b.in",)):
        results = [resolve(tree, flat(wheels, b, requirements=files)) for b in BACKENDS]
        assert results[0].pins == results[1].pins, files
    assert resolve(tree, flat(wheels, "uv", requirements=("b.in",))).versions()["flask"] == "2.0.0"


# --- projects: static metadata, never built unless allowed --------------------------------------


@pytest.mark.parametrize("backend", [pytest.param("pip-tools"), pytest.param("uv", marks=needs_uv)])
def test_project_static_dependencies_and_extras_without_building(
    tmp_path: Path, wheels: Path, marker: Path, backend: str
) -> None:
    root = build(
        tmp_path / "repo",
        {
            "pyproject.toml": (
                '[build-system]\nrequires = ["setuptools"]\n'
                'build-backend = "setuptools.build_meta"\n'
                '[project]\nname = "My.Proj"\nversion = "0.1"\n'
                'dependencies = ["flask<3"]\n'
                '[project.optional-dependencies]\ndev = ["pytest"]\ndocs = ["requests"]\n'
            ),
            "setup.py": SETUP_PY_TRAP,
            "requirements-dev.txt": "-e .[docs]\nsix\n",
        },
    )
    before = snapshot(root)
    request = flat(
        wheels, backend, requirements=("requirements-dev.txt",), projects=((".", ("dev",)),)
    )
    r = resolve(WorkTree(str(root)), request)
    assert not marker.exists(), marker.read_text()
    assert snapshot(root) == before
    assert (
        r.versions()
        == {
            "click": "8.1.0",
            "flask": "2.0.0",
            "idna": "3.6",
            "requests": "2.31.0",
            "six": "1.16.0",
            "werkzeug": "3.1.0",
        }
        | WITH_PYTEST
    )
    via = {p.name: p.via for p in r.pins}
    assert via["flask"] == ("my-proj",)
    assert via["requests"] == ("my-proj",)  # the -e .[docs] line, read statically
    assert via["six"] == ("-r requirements-dev.txt",)


@needs_uv
def test_poetry_project_and_path_dependency_read_statically(
    tmp_path: Path, wheels: Path, marker: Path
) -> None:
    root = build(
        tmp_path / "repo",
        {
            "pyproject.toml": (
                '[tool.poetry]\nname = "poet"\nversion = "1"\n'
                '[tool.poetry.dependencies]\npython = "^3.10"\nflask = "^2.0"\n'
                'sub = {path = "libs/sub"}\n'
                '[build-system]\nrequires = ["poetry-core"]\n'
                'build-backend = "poetry.core.masonry.api"\n'
            ),
            "libs/sub/setup.py": SETUP_PY_TRAP.replace(
                "setup()", "setup(name='sub', install_requires=['idna'])"
            ),
        },
    )
    r = resolve(WorkTree(str(root)), flat(wheels, "uv", projects=(("", ()),)))
    assert not marker.exists()
    assert r.versions() == {"click": "8.1.0", "flask": "2.0.0", "idna": "3.6", "werkzeug": "3.1.0"}
    assert {p.name: p.via for p in r.pins}["idna"] == ("sub",)


@needs_uv
def test_dynamic_dependencies_need_allow_build(tmp_path: Path, wheels: Path, marker: Path) -> None:
    root = build(
        tmp_path / "repo",
        {
            "pyproject.toml": (
                '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n'
                '[project]\nname = "builtproj"\nversion = "0.1"\ndynamic = ["dependencies"]\n'
            ),
            "backend.py": BACKEND_PY,
            "legacy/setup.py": (
                "from setuptools import setup\nimport mypkg\nsetup(install_requires=mypkg.deps())\n"
            ),
            "reqfile/setup.py": (
                "from setuptools import setup\n"
                "setup(name='rf', version=open('VERSION').read(),"
                " install_requires=open('requirements.txt').read().split())\n"
            ),
            "reqfile/requirements.txt": "idna\n",
        },
    )
    tree = WorkTree(str(root))
    for directory in ("", "legacy"):
        with pytest.raises(ResolveError) as info:
            resolve(tree, flat(wheels, "uv", projects=((directory, ()),)))
        message = str(info.value)
        assert "\n" not in message
        assert "not statically known" in message and "--allow-build" in message
    assert not marker.exists()
    # Computed from a requirements file the metadata names: that file is resolved instead.
    # (A computed version does not matter to the dependencies.)
    r = resolve(tree, flat(wheels, "uv", projects=(("reqfile", ()),)))
    assert r.versions() == {"idna": "3.6"}
    assert r.pins[0].via == ("-r reqfile/requirements.txt",)
    assert not marker.exists()


@pytest.mark.parametrize("backend", [pytest.param("pip-tools"), pytest.param("uv", marks=needs_uv)])
def test_allow_build_runs_the_project_build_backend(
    tmp_path: Path, wheels: Path, marker: Path, backend: str
) -> None:
    root = build(
        tmp_path / "repo",
        {
            "pyproject.toml": (
                '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n'
                '[project]\nname = "builtproj"\nversion = "0.1"\ndynamic = ["dependencies"]\n'
            ),
            "backend.py": BACKEND_PY,
            ".git/HEAD": "ref: refs/heads/main\n",  # not copied for the build
        },
    )
    before = snapshot(root)
    request = flat(wheels, backend, projects=(("", ()),), allow_build=True)
    r = resolve(WorkTree(str(root)), request)
    assert marker.read_text().startswith("backend ran")
    assert snapshot(root) == before
    assert r.versions() == {"click": "8.1.0", "flask": "2.0.0", "werkzeug": "3.1.0"}
    assert {p.name: p.via for p in r.pins}["flask"] == ("builtproj",)


# --- failures: one line, naming what failed -----------------------------------------------------


@pytest.mark.parametrize("backend", [pytest.param("pip-tools"), pytest.param("uv", marks=needs_uv)])
def test_missing_package_is_one_line(tmp_path: Path, wheels: Path, backend: str) -> None:
    root = build(tmp_path / "repo", {"requirements.txt": "flask\nnosuchpkg==9\n"})
    with pytest.raises(ResolveError) as info:
        resolve(WorkTree(str(root)), flat(wheels, backend, requirements=("requirements.txt",)))
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message
    assert message.startswith(f"resolving requirements.txt with {backend}: ")
    assert "nosuchpkg" in message
    assert info.value.exit_code == 1


@needs_uv
def test_sdist_only_package_is_not_built(tmp_path: Path, wheels: Path) -> None:
    root = build(tmp_path / "repo", {"r.txt": "onlysd\n"})
    with pytest.raises(ResolveError) as info:
        resolve(WorkTree(str(root)), flat(wheels, "uv", requirements=("r.txt",)))
    assert "onlysd" in str(info.value) and "--allow-build" in str(info.value)
    assert "\n" not in str(info.value)


def test_input_errors_name_the_file(tmp_path: Path, wheels: Path) -> None:
    root = build(
        tmp_path / "repo",
        {
            "r.txt": "flask\n-r missing.txt\n",
            "local.txt": "./vendor/pkg-1.0.tar.gz\n",
            "vendor/pkg-1.0.tar.gz": "x",
            "outside.txt": "-e ../elsewhere\n",
            "vcs.txt": "flask\nmylib @ git+https://example.invalid/mylib.git@v1\n",
            "editable-vcs.txt": "-e git+https://example.invalid/x.git#egg=x\n",
            "empty/README": "no project here\n",
        },
    )
    tree = WorkTree(str(root))
    cases = [
        (flat(wheels, requirements=("r.txt",)), "r.txt:2: -r missing.txt: missing.txt not found"),
        (flat(wheels, requirements=("nope.txt",)), "nope.txt: cannot read"),
        (flat(wheels, requirements=("local.txt",)), "local.txt:1: ./vendor/pkg-1.0.tar.gz is a"),
        (flat(wheels, requirements=("outside.txt",)), "outside.txt:1: ../elsewhere: outside the"),
        (flat(wheels, requirements=("vcs.txt",)), "vcs.txt:2: git+https://example.invalid/myl"),
        (flat(wheels, requirements=("editable-vcs.txt",)), "editable-vcs.txt:1: git+https:"),
        (flat(wheels, packages=("x @ https://h/x-1.tar.gz",)), "is built to be resolved"),
        (flat(wheels, projects=(("empty", ()),)), "empty has no Python project metadata"),
        (flat(wheels, packages=("flask>>2",)), "invalid requirement 'flask>>2'"),
        (flat(wheels), "nothing to resolve"),
        (flat(wheels, packages=("x",), backend="poetry"), "unknown resolver backend 'poetry'"),
        (flat(wheels, packages=("x",), python="three"), "python 'three'"),
        (flat(wheels, packages=("x",), platform="beos"), "platform 'beos'"),
    ]
    for request, expected in cases:
        with pytest.raises(ResolveError) as info:
            resolve(tree, request)
        assert expected in str(info.value), (expected, str(info.value))
        assert "\n" not in str(info.value)


def test_pip_tools_refuses_another_python_or_platform(tmp_path: Path, wheels: Path) -> None:
    tree = WorkTree(str(build(tmp_path / "repo", {"r.txt": "flask\n"})))
    other = "3.9" if sys.version_info[:2] != (3, 9) else "3.10"
    elsewhere = "windows" if host_platform() != "windows" else "linux"
    for kw in ({"python": other}, {"platform": elsewhere}):
        with pytest.raises(ResolveError, match="use --backend uv"):
            resolve(tree, flat(wheels, packages=("flask",), **kw))


def test_uv_missing_is_a_clear_error(
    tmp_path: Path, wheels: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(resolve_module, "find_uv", lambda: None)
    with pytest.raises(ResolveError) as info:
        resolve(WorkTree(str(tmp_path)), flat(wheels, "uv", packages=("flask",)))
    assert str(info.value) == "uv is not installed: pip install uv"


@needs_uv
def test_timeout_kills_the_resolver(tmp_path: Path, wheels: Path) -> None:
    with pytest.raises(ResolveError, match=r"resolving flask with uv: timed out after 1e-06 s"):
        resolve(WorkTree(str(tmp_path)), flat(wheels, "uv", packages=("flask",), timeout=1e-6))


# --- another Python, another platform (uv) -----------------------------------------------------


@needs_uv
def test_uv_resolves_for_another_python_and_platform(tmp_path: Path, wheels: Path) -> None:
    tree = WorkTree(str(tmp_path))

    def versions(packages: tuple[str, ...], **kw: str) -> dict[str, str]:
        return resolve(tree, flat(wheels, "uv", packages=packages, **kw)).versions()

    # Markers: tomli only below 3.11; colorama only on Windows; newonly 2.0 needs 3.12.
    base = versions(("pytest", "flask", "newonly"), python="3.10", platform="linux")
    assert base["tomli"] == "2.0.0" and "colorama" not in base and base["newonly"] == "1.0"
    win = versions(("pytest", "flask", "newonly"), python="3.12", platform="windows")
    assert "tomli" not in win and win["colorama"] == "0.4.6" and win["newonly"] == "2.0"
    # A platform-specific wheel: cp312 for Linux and Windows only.
    assert versions(("fastlib",), python="3.12", platform="linux") == {"fastlib": "1.0"}
    with pytest.raises(ResolveError, match="fastlib"):
        versions(("fastlib",), python="3.12", platform="macos")
    r = resolve(tree, flat(wheels, "uv", packages=("flask",), python="3.12", platform="windows"))
    assert (r.python, r.platform) == ("3.12", "windows")
    assert r.command[r.command.index("--python-platform") + 1] == "windows"
    assert r.command[r.command.index("--python-version") + 1] == "3.12"


# --- exclude_newer ------------------------------------------------------------------------------


@needs_uv
def test_exclude_newer_uses_upload_times_of_a_json_index(tmp_path: Path, wheels: Path) -> None:
    """Only an index's upload-time counts: uv and pip (pip-tools 7.6) agree there."""
    files = sorted(wheels.glob("*.whl"))
    uploads = {p.name: "2020-06-01T00:00:00Z" for p in files}
    uploads["flask-3.0.0-py3-none-any.whl"] = "2023-09-30T12:00:00Z"
    tree = WorkTree(str(tmp_path))
    with JsonIndex(files, uploads) as index:

        def flask(backend: str, as_of: str | None) -> str:
            request = ResolveRequest(
                packages=("flask",), backend=backend, index_url=index.url, exclude_newer=as_of
            )
            r = resolve(tree, request)
            if as_of:
                assert resolve_module._exclude_newer(as_of) in r.command
            return r.versions()["flask"]

        assert flask("uv", None) == "3.0.0"
        for as_of in ("2022-01-01", "2023-09-30T11:00:00Z", "2023-09-30T13:00:00+02:00"):
            assert flask("uv", as_of) == "2.0.0", as_of
        assert flask("uv", "2023-09-30T12:00:01Z") == "3.0.0"
        if resolve_module._piptools_has_uploaded_prior_to():
            assert flask("pip-tools", "2023-09-30T11:00:00Z") == "2.0.0"


@needs_uv
def test_exclude_newer_on_find_links_and_file_indexes(tmp_path: Path, wheels: Path) -> None:
    """What is true, per backend, for files without an upload time (file mtimes unused)."""
    find_links = tmp_path / "dated"
    find_links.mkdir()
    for wheel in wheels.glob("*.whl"):
        (find_links / wheel.name).write_bytes(wheel.read_bytes())
        os.utime(find_links / wheel.name, (1.5e9, 1.5e9))  # 2017: before the cutoff...
    os.utime(find_links / "flask-3.0.0-py3-none-any.whl", (1.9e9, 1.9e9))  # ...but one: 2030
    tree = WorkTree(str(tmp_path))
    # uv: --find-links files are all considered (the newest flask wins), and we say so.
    r = resolve(tree, flat(find_links, "uv", packages=("flask",), exclude_newer="2025-01-01"))
    assert r.versions()["flask"] == "3.0.0"
    assert any("have no upload time and are all considered" in w for w in r.warnings)
    # uv: an index without upload times (here a file:// one) loses every file.
    simple = write_simple_index(tmp_path / "index", sorted(wheels.glob("*.whl")))
    request = ResolveRequest(
        packages=("flask",), backend="uv", index_url=simple.as_uri(), exclude_newer="2025-01-01"
    )
    with pytest.raises(ResolveError, match="exclude-newer"):
        resolve(tree, request)
    # pip: local files (find-links and file:// indexes) are exempt and all considered.
    if resolve_module._piptools_has_uploaded_prior_to():
        r = resolve(tree, dataclasses.replace(request, backend="pip-tools"))
        assert r.versions()["flask"] == "3.0.0"
        assert any("local files have no upload time" in w for w in r.warnings)


def test_exclude_newer_must_be_a_date(tmp_path: Path, wheels: Path) -> None:
    with pytest.raises(ResolveError, match="not an ISO date"):
        resolve(WorkTree(str(tmp_path)), flat(wheels, packages=("x",), exclude_newer="last week"))


# --- hermetic: the user's configuration, caches and tree stay out -------------------------------


@pytest.mark.parametrize("backend", [pytest.param("pip-tools"), pytest.param("uv", marks=needs_uv)])
def test_user_configuration_is_ignored(
    tmp_path: Path, wheels: Path, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    bad = tmp_path / "bad-constraints.txt"
    bad.write_text("flask<2\n")  # would make the resolution impossible
    config = tmp_path / "pip.conf"
    config.write_text(f"[global]\nconstraint = {bad}\nindex-url = http://127.0.0.1:9/nope\n")
    (tmp_path / "uv.toml").write_text('constraint-dependencies = ["flask<2"]\n')
    for name, value in {
        "PIP_CONFIG_FILE": str(config),
        "PIP_CONSTRAINT": str(bad),
        "PIP_FIND_LINKS": str(tmp_path),
        "UV_CONSTRAINT": str(bad),
        "UV_CONFIG_FILE": str(tmp_path / "uv.toml"),
        "UV_INDEX_URL": "http://127.0.0.1:9/nope",
        "PIPTOOLS_CACHE_DIR": str(tmp_path / "x"),
        "PYTHONPATH": str(tmp_path / "nowhere"),
        "VIRTUAL_ENV": str(tmp_path / "venv"),
    }.items():
        monkeypatch.setenv(name, value)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    r = resolve(WorkTree(str(tmp_path)), flat(wheels, backend, packages=("flask",)))
    assert r.versions()["flask"] == "3.0.0"
    assert list(scratch.iterdir()) == []  # the temporary copy and its caches are gone
    with pytest.raises(ResolveError):
        resolve(WorkTree(str(tmp_path)), flat(wheels, backend, packages=("nosuch",)))
    assert list(scratch.iterdir()) == []


@needs_uv
def test_cache_dir_is_kept_when_given(tmp_path: Path, wheels: Path) -> None:
    cache = tmp_path / "cache"
    tree = WorkTree(str(build(tmp_path / "repo", {"r.txt": "flask\n"})))
    first = resolve(tree, flat(wheels, "uv", requirements=("r.txt",)), cache_dir=str(cache))
    assert (cache / "uv").is_dir()
    second = resolve(tree, flat(wheels, "uv", requirements=("r.txt",)), cache_dir=str(cache))
    assert first.pins == second.pins


@needs_uv
def test_resolves_from_a_git_commit(tmp_path: Path, wheels: Path) -> None:
    repo = init(tmp_path / "repo")
    build(repo, {"requirements.in": "-r base.in\n", "base.in": "flask<3\n"})
    commit = commit_all(repo)
    (repo / "base.in").write_text("flask>=3\n")  # the work tree moved on; the commit did not
    git(repo, "status")
    with GitRepo(str(repo)) as g:
        r = resolve(CommitTree(g, commit), flat(wheels, "uv", requirements=("requirements.in",)))
    assert r.versions()["flask"] == "2.0.0"
    assert {p.name: p.via for p in r.pins}["flask"] == ("-r base.in",)


@needs_uv
def test_local_wheels_and_find_links_named_in_the_tree(tmp_path: Path, wheels: Path) -> None:
    root = tmp_path / "repo"
    write_wheels(root / "vendor", [Dist("vendored", "1.0", ["idna"])])
    write_wheels(root / "wheelhouse", [Dist("housed", "2.0")])
    (root / "r.txt").write_text(
        "./vendor/vendored-1.0-py3-none-any.whl\n--find-links ./wheelhouse\nhoused\n"
    )
    # The file's --find-links is the repository choosing where packages come from: ignored
    # unless the caller names the same location.
    with pytest.raises(ResolveError, match="housed"):
        resolve(WorkTree(str(root)), flat(wheels, "uv", requirements=("r.txt",)))
    mine = (str(wheels), "./wheelhouse")
    r = resolve(WorkTree(str(root)), flat(wheels, "uv", requirements=("r.txt",), find_links=mine))
    assert r.versions() == {"housed": "2.0", "idna": "3.6"}  # the local wheel is the user's own


# --- the output reader and the error reader -----------------------------------------------------


def test_parse_output() -> None:
    plan = resolve_module._Plan("/tmp/x")
    plan.labels["-r .cachekit-resolve/project-1.in"] = "proj"
    text = """\
--index-url https://example.invalid/simple

-e file:///tmp/x/pkg
    # via -r requirements.in
Django==4.2.1
    # via
    #   -r requirements.in
    #   -r .cachekit-resolve/project-1.in
foo @ https://example.invalid/foo-1.0-py3-none-any.whl
    # via -r requirements.in
mine @ file:///tmp/x/libs/mine
./libs/other
typing_extensions==4.9.0 ; python_version < "3.11"
    # via django

# The following packages are considered to be unsafe in a requirements file:
setuptools==69.0.0
    # via django
"""
    assert resolve_module._parse(text, plan) == [
        Pin("django", "4.2.1", ("-r requirements.in", "proj")),
        Pin("foo", "@ https://example.invalid/foo-1.0-py3-none-any.whl", ("-r requirements.in",)),
        Pin("setuptools", "69.0.0", ("django",)),
        Pin("typing-extensions", "4.9.0", ("django",)),
    ]


def test_failure_line() -> None:
    failure = resolve_module._failure
    uv = "error: Failed to parse `r.txt`\n  Caused by: Expected package name\nflask>>2\n     ^^^\n"
    assert failure(uv) == "Failed to parse `r.txt`: Expected package name"
    pip_traceback = (
        'Traceback (most recent call last):\n  File "x", line 1, in <module>\n'
        "pip._internal.exceptions.InstallationError: Index http://h/simple/click/ does not "
        "provide upload-time metadata.\n"
    )
    assert failure(pip_traceback) == (
        "Index http://h/simple/click/ does not provide upload-time metadata."
    )
    assert failure("Usage: x\nError: Invalid value for 'SRC_FILES...'\n") == (
        "Invalid value for 'SRC_FILES...'"
    )
    assert failure("") == "the resolver failed without a message"


def test_stderr_warnings_collapse_missing_upload_dates() -> None:
    stderr = "".join(
        f"warning: `p{i}-1.0-py3-none-any.whl` is missing an upload date, but user provided: X\n"
        for i in range(3)
    )
    assert resolve_module._stderr_warnings(stderr + "Resolved 1 package\nwarning: other\n") == [
        "other",
        "exclude-newer: 3 index file(s) have no upload time and were left out "
        "(e.g. p0-1.0-py3-none-any.whl)",
    ]


# --- drift --------------------------------------------------------------------------------------


def _resolution(**versions: str) -> Resolution:
    pins = tuple(Pin(n, v, ()) for n, v in sorted(versions.items()))
    return Resolution("uv", "3.12", "linux", pins, ("uv",), 0.1, ())


def test_drift() -> None:
    now = _resolution(django="5.0.1", asgiref="3.7.2", sqlparse="0.4.4", tzdata="2024.1")
    locked = {"Django": "==4.2.9", "asgiref": "3.7.2", "SQLParse": "0.4.4.0", "pytz": "2023.3"}
    d = drift(locked, now)
    assert d == Drift(
        changed=(("django", "4.2.9", "5.0.1"),),
        added=(("tzdata", "2024.1"),),
        removed=(("pytz", "2023.3"),),
    )
    assert not d.clean
    assert drift(
        {"django": "5.0.1", "asgiref": "3.7.2.0"}, _resolution(django="5.0.1", asgiref="3.7.2")
    ).clean
    odd = drift({"foo": "@ https://x/foo.whl"}, _resolution(foo="@ https://x/foo.whl"))
    assert odd.clean


def test_subprocess_environment_is_hermetic(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PIP_INDEX_URL", "UV_INDEX_URL", "PIPTOOLS_X", "VIRTUAL_ENV", "PYTHONPATH"):
        monkeypatch.setenv(name, "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "k")
    monkeypatch.setenv("GITHUB_TOKEN", "t")
    monkeypatch.setenv("PIP_CERT", "/etc/ssl/cert.pem")
    plan = resolve_module._Plan("/tmp/x")
    for allow_build in (False, True):
        request = ResolveRequest(allow_build=allow_build)
        env = resolve_module._environment(plan, "/tmp/x/cache", request)
        assert not {
            "PIP_INDEX_URL",
            "UV_INDEX_URL",
            "PIPTOOLS_X",
            "VIRTUAL_ENV",
            "PYTHONPATH",
            "AWS_SECRET_ACCESS_KEY",
            "GITHUB_TOKEN",
        } & set(env)
        assert env["HOME"].startswith("/tmp/x/") and env["TMPDIR"].startswith("/tmp/x/")
        assert env["PIP_CONFIG_FILE"] == os.devnull
        assert env["UV_NO_CONFIG"] == "1"
        assert env["PIP_DISABLE_PIP_VERSION_CHECK"] == "1"
        assert env["PIP_CERT"] == "/etc/ssl/cert.pem"  # how to reach an index, not a secret
        assert env["PIP_CACHE_DIR"].startswith("/tmp/x/cache")
