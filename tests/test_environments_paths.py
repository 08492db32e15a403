"""Classifying cached paths: every tool's default per OS, env overrides, the forms paths take."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cachekit.environments.paths import PathClass, classify_path


def brief(c: PathClass) -> str:
    bound = " bound" if c.interpreter_bound else ""
    excluded = " excluded" if c.excluded else ""
    return f"{c.kind} {c.ecosystem} {c.tool}{bound}{excluded}"


CASES = [
    # download caches
    ("~/.cache/pip", "Linux", "download-cache python pip"),
    ("~/Library/Caches/pip", "macOS", "download-cache python pip"),
    ("~\\AppData\\Local\\pip\\Cache", "Windows", "download-cache python pip"),
    ("C:\\Users\\runneradmin\\AppData\\Local\\pip\\Cache", "Windows", "download-cache python pip"),
    ("%LOCALAPPDATA%\\pip\\Cache", "Windows", "download-cache python pip"),
    ("$env:LOCALAPPDATA\\pip\\cache", "Windows", "download-cache python pip"),
    ("~/.cache/pip/wheels", "Linux", "download-cache python pip"),
    ("~/.cache/uv", "Linux", "download-cache python uv"),
    ("~/.cache/uv", "macOS", "download-cache python uv"),
    ("~/AppData/Local/uv/cache", "Windows", "download-cache python uv"),
    ("~/.cache/pypoetry/cache", "Linux", "download-cache python poetry"),
    ("~/.cache/pypoetry/artifacts", "Linux", "download-cache python poetry"),
    ("~/.cache/pipenv", "Linux", "download-cache python pipenv"),
    ("~/.npm", "Linux", "download-cache node npm"),
    ("~/.npm", "macOS", "download-cache node npm"),
    ("~\\AppData\\Local\\npm-cache", "Windows", "download-cache node npm"),
    ("~/.cache/yarn", "Linux", "download-cache node yarn"),
    ("~/Library/Caches/Yarn", "macOS", "download-cache node yarn"),
    ("~/.yarn/berry/cache", "Linux", "download-cache node yarn"),
    (".yarn/cache", "Linux", "download-cache node yarn"),
    ("~/.local/share/pnpm/store", "Linux", "download-cache node pnpm"),
    ("~/Library/pnpm/store", "macOS", "download-cache node pnpm"),
    ("~/AppData/Local/pnpm/store/v3", "Windows", "download-cache node pnpm"),
    ("~/go/pkg/mod", "Linux", "download-cache go go"),
    ("~/.cargo/registry", "Linux", "download-cache rust cargo"),
    ("~/.cargo/git/db", "Linux", "download-cache rust cargo"),
    ("~/.m2/repository", "Linux", "download-cache java maven"),
    ("~/.gradle/caches", "Linux", "download-cache java gradle"),
    ("~/.gradle/wrapper", "Linux", "download-cache java gradle"),
    ("~/conda_pkgs_dir", "Linux", "download-cache python conda"),
    ("/usr/share/miniconda/pkgs", "Linux", "download-cache python conda"),
    # built environments
    (".venv", "Linux", "built-env python None bound"),
    ("venv/", "Linux", "built-env python None bound"),
    ("env", "Windows", "built-env python None bound"),
    ("./backend/.venv", "Linux", "built-env python None bound"),
    ("~/.cache/pypoetry/virtualenvs", "Linux", "built-env python poetry bound"),
    ("~/Library/Caches/pypoetry/virtualenvs", "macOS", "built-env python poetry bound"),
    ("~/.cache/pypoetry", "Linux", "built-env python poetry bound"),
    ("~/.local/share/virtualenvs", "Linux", "built-env python pipenv bound"),
    ("${{ env.pythonLocation }}", "Linux", "built-env python pip bound"),
    ("${{env.pythonLocation}}/lib/python3.12/site-packages", "Linux", "built-env python pip bound"),
    ("$pythonLocation", "Linux", "built-env python pip bound"),
    ("/opt/hostedtoolcache/Python/3.12.1/x64", "Linux", "built-env python pip bound"),
    ("C:\\hostedtoolcache\\windows\\Python\\3.12.1\\x64", "Windows", "built-env python pip bound"),
    ("/Users/runner/hostedtoolcache/Python", "macOS", "built-env python pip bound"),
    ("lib/python3.11/site-packages", "Linux", "built-env python None bound"),
    ("~/.local/lib/python3.11/site-packages", "Linux", "built-env python pip bound"),
    ("node_modules", "Linux", "built-env node None bound"),
    ("**/node_modules", "Linux", "built-env node None bound"),
    ("packages/*/node_modules", "Linux", "built-env node None bound"),
    ("target", "Linux", "built-env rust cargo bound"),
    ("~/.cargo/bin", "Linux", "built-env rust cargo bound"),
    ("/usr/share/miniconda/envs/test", "Linux", "built-env python conda bound"),
    ("~/micromamba/envs/ci", "Linux", "built-env python conda bound"),
    ("~/.local/share/uv/tools", "Linux", "built-env python uv bound"),
    # tool caches and build output
    ("~/.cache/pre-commit", "Linux", "tool-cache python pre-commit bound"),
    ("~/.cache/pre-commit", "Windows", "tool-cache python pre-commit bound"),
    (".tox", "Linux", "tool-cache python tox bound"),
    (".nox", "Linux", "tool-cache python nox bound"),
    (".mypy_cache", "Linux", "tool-cache python mypy"),
    (".ruff_cache", "Linux", "tool-cache python ruff"),
    ("~/.cache/ms-playwright", "Linux", "tool-cache node playwright bound"),
    ("~/.rustup", "Linux", "tool-cache rust rustup bound"),
    ("~/.local/share/uv/python", "Linux", "tool-cache python uv bound"),
    ("~/.cache/go-build", "Linux", "build-output go go"),
    ("~/Library/Caches/go-build", "macOS", "build-output go go"),
    ("node_modules/.cache", "Linux", "build-output node None"),
    (".next/cache", "Linux", "build-output node next"),
    ("dist", "Linux", "build-output None None"),
    # broad directories
    ("~/.cache", "Linux", "download-cache None None"),
    ("~", "Linux", "unknown None None"),
    ("some/dir", "Linux", "unknown None None"),
    ("${{ steps.pip-cache.outputs.dir }}", "Linux", "unknown None None"),
    ("${{ github.workspace }}", "Linux", "unknown None None"),
]


@pytest.mark.parametrize(("path", "os", "expected"), CASES)
def test_classify(path: str, os: str, expected: str) -> None:
    c = classify_path(path, os=os)
    assert brief(c) == expected
    assert c.path == path
    assert c.reason and "\n" not in c.reason


def test_reason_says_what_is_inside() -> None:
    assert classify_path("~/.cache/pip").reason.startswith("pip's HTTP and wheel cache")
    assert "(here: its http-v2)" in classify_path("~/.cache/pip/http-v2").reason
    assert "one interpreter" in classify_path(".venv").reason


def test_exclusions_are_classified_and_flagged() -> None:
    c = classify_path("!~/.cache/pip/http")
    assert brief(c) == "download-cache python pip excluded"
    assert c.reason.startswith("excluded from the cache: pip's")
    assert classify_path("!**/node_modules/.cache").excluded


def test_env_overrides_move_a_tools_directory() -> None:
    env = {"PIP_CACHE_DIR": "/tmp/pip-cache", "npm_config_cache": "/tmp/npm"}
    assert brief(classify_path("/tmp/pip-cache", env=env)) == "download-cache python pip"
    assert brief(classify_path("/tmp/npm", env=env)) == "download-cache node npm"
    stale = classify_path("~/.cache/pip", env=env)
    assert brief(stale) == "download-cache python pip"
    assert "moves it to /tmp/pip-cache, so this path stays empty" in stale.reason
    assert brief(classify_path("/x/uv", env={"XDG_CACHE_HOME": "/x"})) == (
        "download-cache python uv"
    )
    assert brief(classify_path("/opt/go/pkg/mod", env={"GOPATH": "/opt/go"})) == (
        "download-cache go go"
    )
    assert brief(classify_path("/c/registry", env={"CARGO_HOME": "/c"})) == (
        "download-cache rust cargo"
    )
    assert brief(classify_path("/g/caches", env={"GRADLE_USER_HOME": "/g"})) == (
        "download-cache java gradle"
    )
    assert brief(classify_path("/r", env={"MAVEN_OPTS": "-Xmx1g -Dmaven.repo.local=/r"})) == (
        "download-cache java maven"
    )
    assert brief(classify_path("/pv", env={"POETRY_VIRTUALENVS_PATH": "/pv"})) == (
        "built-env python poetry bound"
    )
    assert brief(classify_path("D:\\uv", os="Windows", env={"UV_CACHE_DIR": "D:\\uv"})) == (
        "download-cache python uv"
    )


@pytest.mark.parametrize(
    "path",
    [
        "$PIP_CACHE_DIR",
        "${PIP_CACHE_DIR}",
        "${{ env.PIP_CACHE_DIR }}",
        "${{env.PIP_CACHE_DIR}}/http",
        "%PIP_CACHE_DIR%",
        "$env:PIP_CACHE_DIR",
    ],
)
def test_a_tools_variable_names_its_directory_even_unset(path: str) -> None:
    assert brief(classify_path(path)) == "download-cache python pip"


def test_env_values_are_used_when_given() -> None:
    env = {"MY_CACHE": "~/.npm", "PIP_CACHE_DIR": "$MY_CACHE/../pip"}
    assert brief(classify_path("${{ env.MY_CACHE }}", env=env)) == "download-cache node npm"
    assert brief(classify_path("$MY_CACHE/_cacache", env=env)) == "download-cache node npm"


def test_another_oses_default_is_recognised_and_explained() -> None:
    c = classify_path("~/.cache/pip", os="Windows")
    assert brief(c) == "download-cache python pip"
    assert c.reason.endswith(
        "(the default elsewhere: on Windows it is ~\\AppData\\Local\\pip\\Cache)"
    )
    c = classify_path("~/Library/Caches/pip", os="Linux")
    assert c.reason.endswith("(the default elsewhere: on Linux it is ~/.cache/pip)")


@pytest.mark.parametrize(
    ("path", "os"),
    [
        ("/home/runner/.cache/pip", "Linux"),
        ("$HOME/.cache/pip", "Linux"),
        ("${HOME}/.cache/pip/", "Linux"),
        ("/github/home/.cache/pip", "Linux"),
        ("/root/.cache/pip", "Linux"),
        ("/Users/runner/Library/Caches/pip", "macOS"),
        ("%USERPROFILE%\\AppData\\Local\\pip\\Cache", "Windows"),
        ("C:/USERS/RUNNERADMIN/APPDATA/LOCAL/PIP/CACHE", "Windows"),
        ("~/.cache/pip/**", "Linux"),
        ("~/.cache/pip/*", "Linux"),
        ("  ~/.cache/pip  ", "Linux"),
        ("/srv/ci/.cache/pip", "Linux"),
    ],
)
def test_path_spellings(path: str, os: str) -> None:
    assert brief(classify_path(path, os=os)) == "download-cache python pip"


@pytest.mark.parametrize(
    "path",
    [
        "${{ github.workspace }}/.venv",
        "$GITHUB_WORKSPACE/.venv",
        "/home/runner/work/repo/repo/.venv",
        "D:\\a\\repo\\repo\\.venv",
        "./.venv/",
    ],
)
def test_workspace_paths_are_relative(path: str) -> None:
    os = "Windows" if path.startswith("D:") else "Linux"
    assert brief(classify_path(path, os=os)) == "built-env python None bound"


def test_os_names() -> None:
    assert brief(classify_path("~/Library/Caches/pip", os="darwin")) == "download-cache python pip"
    assert brief(classify_path("~/AppData/Local/pip/Cache", os="windows")) == (
        "download-cache python pip"
    )


@pytest.mark.parametrize("app", ["pip", "pypoetry", "pipenv"])
@pytest.mark.parametrize("os", ["Linux", "macOS"])
def test_agrees_with_platformdirs(app: str, os: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """pip, Poetry and Pipenv find their cache with platformdirs: so must we."""
    module = "pip._vendor.platformdirs." + ("unix" if os == "Linux" else "macos")
    platformdirs = pytest.importorskip(module)
    monkeypatch.setenv("HOME", "/home/runner" if os == "Linux" else "/Users/runner")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    cls = platformdirs.Unix if os == "Linux" else platformdirs.MacOS
    where = cls(app, appauthor=False).user_cache_dir
    tool = {"pypoetry": "poetry"}.get(app, app)
    assert classify_path(where, os=os).tool == tool


PIECES = st.sampled_from(
    ["~", "/", "\\", ".", "..", "*", "**", "!", "$HOME", "${{ env.X }}", "%A%", "$env:B", "pip",
     ".cache", "node_modules", ".venv", "C:", "${{", "}}", "<", ">", " ", "é"]
)  # fmt: skip


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(st.text(max_size=40), st.lists(PIECES, max_size=10).map("".join)),
    st.sampled_from(["Linux", "macOS", "Windows", "Plan9"]),
    st.dictionaries(st.sampled_from(["PIP_CACHE_DIR", "X", "HOME", "GOPATH"]), st.text(max_size=8)),
)
def test_never_raises(path: str, os: str, env: dict[str, str]) -> None:
    c = classify_path(path, os=os, env=env)
    assert c.kind in ("download-cache", "built-env", "tool-cache", "build-output", "unknown")
    assert c.path == path


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from([c[0] for c in CASES if c[1] == "Linux" and not c[0].startswith(("$", "!"))]),
    st.sampled_from(["", "/", "/."]),
    st.sampled_from(["", "./"]),
)
def test_spelling_does_not_change_the_answer(path: str, suffix: str, prefix: str) -> None:
    if path.startswith(("~", "/")):
        prefix = ""
    base = classify_path(path)
    other = classify_path(prefix + path + suffix)
    assert brief(other) == brief(base)
