"""Python's facts: tools, package managers, tooling, default directories — declared once.

Default locations per OS, from each tool's documentation:

* pip — https://pip.pypa.io/en/stable/topics/caching/ (platformdirs ``user_cache_dir``:
  ``~/.cache/pip``, ``~/Library/Caches/pip``, ``%LOCALAPPDATA%\\pip\\Cache``; ``PIP_CACHE_DIR``)
* uv — https://docs.astral.sh/uv/reference/storage/ (XDG on Linux *and macOS*: ``~/.cache/uv``;
  ``%LOCALAPPDATA%\\uv\\cache``; tools and Pythons under ``~/.local/share/uv``)
* Poetry — https://python-poetry.org/docs/configuration/#cache-dir (``~/.cache/pypoetry``,
  ``~/Library/Caches/pypoetry``, ``%LOCALAPPDATA%\\pypoetry\\Cache``; virtualenvs in
  ``{cache-dir}/virtualenvs``)
* Pipenv — https://pipenv.pypa.io/en/latest/virtualenv.html (``WORKON_HOME``,
  ``~/.local/share/virtualenvs``)
* pre-commit — https://pre-commit.com/#managing-ci-caches (``PRE_COMMIT_HOME``,
  ``$XDG_CACHE_HOME/pre-commit`` or ``~/.cache/pre-commit`` on every OS)
"""

from __future__ import annotations

from ..declare import everywhere, per_os
from ..model import (
    BUILD_OUTPUT,
    BUILT_ENV,
    DOWNLOADS,
    TOOL_STATE,
    CacheDir,
    Locations,
    NamedDir,
    PackageManager,
    Tool,
)

__all__ = [
    "CACHE_DIRS",
    "CI_TOOLING",
    "LOCATIONS",
    "MANAGERS",
    "NAMED_DIRS",
    "TOOLING",
    "TOOLS",
    "VERSION_FILES",
]


TOOLS = (
    Tool("pip", frozenset({"install", "ensurepip"}), ("pip", "pip-tools")),
    Tool("pip-sync", frozenset({"sync"}), ("pip-tools", "pip")),
    Tool("pip-compile", frozenset(), ("pip-tools",)),
    Tool(
        "uv",
        frozenset({"pip-install", "pip-sync", "sync", "tool-install", "tool-run", "add"}),
        ("uv", "pip", "pip-tools"),
    ),
    Tool("poetry", frozenset({"install", "sync", "add", "update"}), ("poetry",)),
    Tool("pipenv", frozenset({"install", "sync", "update"}), ("pipenv",)),
    Tool("pdm", frozenset({"install", "sync", "add", "update"})),
    Tool("pipx", frozenset({"install", "run"})),
    Tool(
        "conda", frozenset({"install", "create", "env-create", "env-update", "update"}), ("conda",)
    ),
    Tool("tox", frozenset({"run"}), opaque=True),
    Tool("nox", frozenset({"run"}), opaque=True),
    Tool("venv"),
)

MANAGERS = (
    PackageManager("pip", manifests=("requirements.txt",)),
    PackageManager("pip-tools", locks=("requirements.txt",), manifests=("requirements.in",)),
    PackageManager("poetry", locks=("poetry.lock",), manifests=("pyproject.toml",)),
    PackageManager("pipenv", locks=("Pipfile.lock",), manifests=("Pipfile",)),
    PackageManager("uv", locks=("uv.lock",), manifests=("pyproject.toml",)),
    PackageManager("conda", manifests=("environment.yml",)),
)

TOOLING = frozenset(
    [
        "pip",
        "setuptools",
        "wheel",
        "uv",
        "poetry",
        "pip-tools",
        "virtualenv",
        "tox",
        "nox",
        "pipenv",
        "pipx",
        "pdm",
        "hatch",
    ]
)
"""Installing only these upgrades the installers: ``pip install -U pip wheel``."""

CI_TOOLING = frozenset(["tox-gh-actions", "twine", "build", "pre-commit", "flit", "coverage"])
"""What CI installs to drive the build, not the project's dependencies."""

VERSION_FILES = (".python-version",)
"""Files naming the interpreter version, nearest first (``.tool-versions`` too, by asdf)."""

LOCATIONS: Locations = {
    "PIP_CACHE_DIR": per_os(
        linux="{XDG_CACHE_HOME}/pip",
        macos="~/Library/Caches/pip",
        windows="{LOCALAPPDATA}/pip/Cache",
    ),
    "UV_CACHE_DIR": per_os(
        linux="{XDG_CACHE_HOME}/uv", macos="{XDG_CACHE_HOME}/uv", windows="{LOCALAPPDATA}/uv/cache"
    ),
    "UV_TOOL_DIR": per_os(
        linux="{XDG_DATA_HOME}/uv/tools",
        macos="{XDG_DATA_HOME}/uv/tools",
        windows="{APPDATA}/uv/tools",
    ),
    "UV_PYTHON_INSTALL_DIR": per_os(
        linux="{XDG_DATA_HOME}/uv/python",
        macos="{XDG_DATA_HOME}/uv/python",
        windows="{APPDATA}/uv/python",
    ),
    "POETRY_CACHE_DIR": per_os(
        linux="{XDG_CACHE_HOME}/pypoetry",
        macos="~/Library/Caches/pypoetry",
        windows="{LOCALAPPDATA}/pypoetry/Cache",
    ),
    "POETRY_VIRTUALENVS_PATH": everywhere("{POETRY_CACHE_DIR}/virtualenvs"),
    "WORKON_HOME": per_os(
        linux="~/.local/share/virtualenvs",
        macos="~/.local/share/virtualenvs",
        windows="~/.virtualenvs",
    ),
    "PIPENV_CACHE_DIR": per_os(
        linux="{XDG_CACHE_HOME}/pipenv",
        macos="~/Library/Caches/pipenv",
        windows="{LOCALAPPDATA}/pipenv/pipenv/Cache",
    ),
    "PIPX_HOME": per_os(linux="~/.local/share/pipx", macos="~/.local/share/pipx", windows="~/pipx"),
    "PRE_COMMIT_HOME": per_os(
        linux="{XDG_CACHE_HOME}/pre-commit",
        macos="{XDG_CACHE_HOME}/pre-commit",
        windows="~/.cache/pre-commit",
    ),
    "PYTHONUSERBASE": per_os(
        linux="~/.local", macos="~/Library/Python", windows="{APPDATA}/Python"
    ),
    "pythonLocation": everywhere("<pythonLocation>"),
}
CACHE_DIRS = (
    CacheDir(
        "{PIP_CACHE_DIR}",
        DOWNLOADS,
        "pip",
        (
            "pip's HTTP and wheel cache: downloads and locally built "
            "wheels, re-installed into each environment"
        ),
        False,
    ),
    CacheDir(
        "{UV_CACHE_DIR}",
        DOWNLOADS,
        "uv",
        ("uv's cache: downloaded and built distributions, linked into each environment"),
        False,
    ),
    CacheDir(
        "{UV_TOOL_DIR}",
        BUILT_ENV,
        "uv",
        ("the environments `uv tool install` builds, one per tool, tied to their Python"),
        True,
    ),
    CacheDir(
        "{UV_PYTHON_INSTALL_DIR}",
        TOOL_STATE,
        "uv",
        ("Python interpreters uv downloaded: built for one OS and architecture"),
        True,
    ),
    CacheDir(
        "{POETRY_CACHE_DIR}",
        BUILT_ENV,
        "poetry",
        (
            "Poetry's whole cache dir: downloads (cache/, artifacts/) and "
            "the virtualenvs/ it builds, which tie it to one interpreter"
        ),
        True,
    ),
    CacheDir(
        "{POETRY_CACHE_DIR}/cache",
        DOWNLOADS,
        "poetry",
        "Poetry's repository cache: package metadata and downloads",
        False,
    ),
    CacheDir(
        "{POETRY_CACHE_DIR}/artifacts",
        DOWNLOADS,
        "poetry",
        "Poetry's artifact cache: downloaded and built distributions",
        False,
    ),
    CacheDir(
        "{POETRY_VIRTUALENVS_PATH}",
        BUILT_ENV,
        "poetry",
        (
            "the virtualenvs Poetry creates outside the project: "
            "installed packages for one interpreter"
        ),
        True,
    ),
    CacheDir(
        "{WORKON_HOME}",
        BUILT_ENV,
        "pipenv",
        ("the virtualenvs Pipenv creates: installed packages for one interpreter"),
        True,
    ),
    CacheDir(
        "{PIPENV_CACHE_DIR}",
        DOWNLOADS,
        "pipenv",
        "Pipenv's cache: downloads and resolver metadata",
        False,
    ),
    CacheDir(
        "{PIPX_HOME}",
        BUILT_ENV,
        "pipx",
        ("pipx's application virtualenvs: installed packages for one interpreter"),
        True,
    ),
    CacheDir(
        "{PRE_COMMIT_HOME}",
        TOOL_STATE,
        "pre-commit",
        (
            "pre-commit's hook repositories and the environments it "
            "builds for them, tied to the interpreters that built them"
        ),
        True,
    ),
    CacheDir(
        "{PYTHONUSERBASE}",
        BUILT_ENV,
        "pip",
        ("the user base `pip install --user` installs into: packages for one interpreter"),
        True,
    ),
    CacheDir(
        "{pythonLocation}",
        BUILT_ENV,
        "pip",
        (
            "the Python setup-python installed (env.pythonLocation): what "
            "pip installs there is built for that exact interpreter, OS "
            "and architecture"
        ),
        True,
    ),
    CacheDir(
        "{RUNNER_TOOL_CACHE}/Python",
        BUILT_ENV,
        "pip",
        (
            "CPython installations in the runner's tool cache, with "
            "whatever pip installed into them: one interpreter version, "
            "OS and architecture"
        ),
        True,
    ),
    CacheDir(
        "{RUNNER_TOOL_CACHE}/PyPy",
        BUILT_ENV,
        "pip",
        ("PyPy installations in the runner's tool cache, with whatever pip installed into them"),
        True,
    ),
    CacheDir("~/.pyenv", TOOL_STATE, "pyenv", "Python versions pyenv built", True),
    CacheDir(
        "~/.conda/pkgs", DOWNLOADS, "conda", "conda's package cache: downloaded packages", False
    ),
    CacheDir(
        "~/.conda/envs",
        BUILT_ENV,
        "conda",
        "conda environments: installed packages for one platform",
        True,
    ),
    CacheDir(
        "~/conda_pkgs_dir",
        DOWNLOADS,
        "conda",
        ("conda's package cache (setup-miniconda's recommended pkgs_dirs): downloaded packages"),
        False,
    ),
    CacheDir(
        "~/.local",
        BUILT_ENV,
        None,
        (
            "~/.local holds pip's --user installs, pipx and uv tool "
            "environments, pnpm's store: partly built for one interpreter"
        ),
        True,
        generic=True,
    ),
)
NAMED_DIRS = (
    NamedDir(
        "(?:site|dist)-packages",
        BUILT_ENV,
        None,
        ("installed Python packages: compiled extensions are built for one interpreter"),
        True,
    ),
    NamedDir(
        r"lib/(?:python|pypy)\d[^/]*",
        BUILT_ENV,
        None,
        ("an interpreter's library directory: installed packages for that interpreter"),
        True,
    ),
    NamedDir(
        r"(?:\.?venv[^/]*|[^/]+[-_.]venv|env|\.?virtualenvs?)",
        BUILT_ENV,
        None,
        ("a virtual environment: installed packages for one interpreter"),
        True,
    ),
    NamedDir(
        r"\.tox",
        TOOL_STATE,
        "tox",
        ("tox's environments: one virtualenv per test env, each tied to its interpreter"),
        True,
    ),
    NamedDir(
        r"\.nox", TOOL_STATE, "nox", "nox's session virtualenvs, each tied to its interpreter", True
    ),
    NamedDir(
        r"\.mypy_cache",
        TOOL_STATE,
        "mypy",
        ("mypy's incremental cache (invalidated by mypy itself when versions change)"),
        False,
    ),
    NamedDir(r"\.ruff_cache", TOOL_STATE, "ruff", "ruff's lint cache", False),
    NamedDir(r"\.pytest_cache", TOOL_STATE, "pytest", "pytest's cache (last-failed lists)", False),
    NamedDir(r"\.hypothesis", TOOL_STATE, "hypothesis", "Hypothesis' example database", False),
    NamedDir(
        r"\.pre-commit-cache",
        TOOL_STATE,
        "pre-commit",
        ("a pre-commit home: hook environments tied to their interpreters"),
        True,
    ),
    NamedDir(
        "(?:conda_pkgs_dir|[^/]*(?:conda|mamba|miniforge)[^/]*/pkgs)",
        DOWNLOADS,
        "conda",
        "conda's package cache: downloaded packages",
        False,
    ),
    NamedDir(
        "[^/]*(?:conda|mamba|miniforge)[^/]*/envs",
        BUILT_ENV,
        "conda",
        "conda environments: installed packages for one platform",
        True,
    ),
    NamedDir(
        "__pycache__",
        BUILD_OUTPUT,
        None,
        "compiled bytecode (tagged per interpreter, so never misused)",
        False,
        late=True,
    ),
    NamedDir(
        r"(?:\.eggs|[^/]+\.egg-info)",
        BUILD_OUTPUT,
        None,
        "setuptools build byproducts",
        False,
        late=True,
    ),
)
