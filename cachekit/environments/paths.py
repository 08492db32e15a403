"""What a cached ``path:`` holds: downloads, a built environment, a tool's cache — by location.

Whether a cache is safe to share, and whether it still helps, depends on what is in it:

* a **download cache** (``~/.cache/pip``, ``~/.npm``, ``~/go/pkg/mod``) holds archives any later
  install re-links or re-unpacks, so a stale or foreign one costs only time;
* a **built environment** (``.venv``, ``node_modules``, ``${{ env.pythonLocation }}``, cargo's
  ``target/``) holds installed, often compiled, files valid for one interpreter, OS and
  architecture — restored onto another Python it breaks in ways that look like test failures;
* a **tool cache** (``.tox``, ``~/.cache/pre-commit``, ``.mypy_cache``) is a tool's own state;
* **build output** (``~/.cache/go-build``, ``dist/``) is what a build produced.

:func:`classify_path` answers from the path alone (plus the job's ``env``): ``~``, ``$HOME``,
``%LOCALAPPDATA%``, ``$env:X``, ``${{ env.X }}`` and the runners' home and workspace directories
are normalised; ``!`` exclusions are classified as the excluded thing and flagged; globs lose
their wildcard tails (``**/node_modules`` is a node_modules); environment overrides
(``PIP_CACHE_DIR``, ``UV_CACHE_DIR``, ``npm_config_cache``, ``GOMODCACHE`` …) move a tool's
directory, and a path naming the variable (``$PIP_CACHE_DIR``) is that tool's directory even when
its value is unknown.

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
* npm — https://docs.npmjs.com/cli/using-npm/config#cache (``~/.npm``,
  ``%LocalAppData%\\npm-cache``)
* Yarn — https://classic.yarnpkg.com/en/docs/cli/cache (``~/.cache/yarn``,
  ``~/Library/Caches/Yarn``, ``%LOCALAPPDATA%\\Yarn\\Cache``) and
  https://yarnpkg.com/configuration/yarnrc#globalFolder (Berry: ``~/.yarn/berry/cache``)
* pnpm — https://pnpm.io/settings#storedir (``~/.local/share/pnpm/store``,
  ``~/Library/pnpm/store``, ``~/AppData/Local/pnpm/store``)
* Go — https://go.dev/ref/mod#module-cache and ``go help cache`` (``$GOPATH/pkg/mod``,
  ``GOCACHE`` = ``os.UserCacheDir()/go-build``)
* Cargo — https://doc.rust-lang.org/cargo/guide/cargo-home.html (``registry/``, ``git/``,
  ``bin/`` under ``CARGO_HOME``)
* Maven — https://maven.apache.org/guides/mini/guide-configuring-maven.html
  (``~/.m2/repository``, ``-Dmaven.repo.local``)
* Gradle — https://docs.gradle.org/current/userguide/directory_layout.html
  (``GRADLE_USER_HOME`` = ``~/.gradle``: ``caches/``, ``wrapper/``)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["PathClass", "classify_path"]


@dataclass(frozen=True)
class PathClass:
    """What a cached path holds.

    ``excluded`` is true for a ``!path`` entry (the classification is of what it excludes).
    """

    path: str
    kind: str
    ecosystem: str | None
    tool: str | None
    reason: str
    interpreter_bound: bool
    excluded: bool = False


OSES = ("Linux", "macOS", "Windows")
_OS_NAMES = {
    "linux": "Linux",
    "ubuntu": "Linux",
    "macos": "macOS",
    "darwin": "macOS",
    "osx": "macOS",
    "mac": "macOS",
    "windows": "Windows",
    "win32": "Windows",
    "win": "Windows",
}

# Directories tools derive their own from, per OS; "{X}" refers to another entry (or the job's
# env value of X). An entry missing for an OS means the variable has no default there.
_L, _M, _W = "Linux", "macOS", "Windows"
_LOCATIONS: dict[str, dict[str, str]] = {
    "XDG_CACHE_HOME": {_L: "~/.cache", _M: "~/.cache"},
    "XDG_DATA_HOME": {_L: "~/.local/share", _M: "~/.local/share"},
    "LOCALAPPDATA": {_W: "~/AppData/Local"},
    "APPDATA": {_W: "~/AppData/Roaming"},
    "PIP_CACHE_DIR": {
        _L: "{XDG_CACHE_HOME}/pip",
        _M: "~/Library/Caches/pip",
        _W: "{LOCALAPPDATA}/pip/Cache",
    },
    "UV_CACHE_DIR": {
        _L: "{XDG_CACHE_HOME}/uv",
        _M: "{XDG_CACHE_HOME}/uv",
        _W: "{LOCALAPPDATA}/uv/cache",
    },
    "UV_TOOL_DIR": {
        _L: "{XDG_DATA_HOME}/uv/tools",
        _M: "{XDG_DATA_HOME}/uv/tools",
        _W: "{APPDATA}/uv/tools",
    },
    "UV_PYTHON_INSTALL_DIR": {
        _L: "{XDG_DATA_HOME}/uv/python",
        _M: "{XDG_DATA_HOME}/uv/python",
        _W: "{APPDATA}/uv/python",
    },
    "POETRY_CACHE_DIR": {
        _L: "{XDG_CACHE_HOME}/pypoetry",
        _M: "~/Library/Caches/pypoetry",
        _W: "{LOCALAPPDATA}/pypoetry/Cache",
    },
    "POETRY_VIRTUALENVS_PATH": dict.fromkeys(OSES, "{POETRY_CACHE_DIR}/virtualenvs"),
    "WORKON_HOME": {
        _L: "~/.local/share/virtualenvs",
        _M: "~/.local/share/virtualenvs",
        _W: "~/.virtualenvs",
    },
    "PIPENV_CACHE_DIR": {
        _L: "{XDG_CACHE_HOME}/pipenv",
        _M: "~/Library/Caches/pipenv",
        _W: "{LOCALAPPDATA}/pipenv/pipenv/Cache",
    },
    "PIPX_HOME": {_L: "~/.local/share/pipx", _M: "~/.local/share/pipx", _W: "~/pipx"},
    "PRE_COMMIT_HOME": {
        _L: "{XDG_CACHE_HOME}/pre-commit",
        _M: "{XDG_CACHE_HOME}/pre-commit",
        _W: "~/.cache/pre-commit",
    },
    "PYTHONUSERBASE": {_L: "~/.local", _M: "~/Library/Python", _W: "{APPDATA}/Python"},
    "NPM_CONFIG_CACHE": {_L: "~/.npm", _M: "~/.npm", _W: "{LOCALAPPDATA}/npm-cache"},
    "YARN_CACHE_FOLDER": {
        _L: "{XDG_CACHE_HOME}/yarn",
        _M: "~/Library/Caches/Yarn",
        _W: "{LOCALAPPDATA}/Yarn/Cache",
    },
    "YARN_GLOBAL_FOLDER": dict.fromkeys(OSES, "~/.yarn/berry"),
    "PNPM_HOME": {_L: "{XDG_DATA_HOME}/pnpm", _M: "~/Library/pnpm", _W: "{LOCALAPPDATA}/pnpm"},
    "NPM_CONFIG_STORE_DIR": dict.fromkeys(OSES, "{PNPM_HOME}/store"),
    "BUN_INSTALL_CACHE_DIR": dict.fromkeys(OSES, "~/.bun/install/cache"),
    "GOPATH": dict.fromkeys(OSES, "~/go"),
    "GOMODCACHE": dict.fromkeys(OSES, "{GOPATH}/pkg/mod"),
    "GOCACHE": {
        _L: "{XDG_CACHE_HOME}/go-build",
        _M: "~/Library/Caches/go-build",
        _W: "{LOCALAPPDATA}/go-build",
    },
    "CARGO_HOME": dict.fromkeys(OSES, "~/.cargo"),
    "RUSTUP_HOME": dict.fromkeys(OSES, "~/.rustup"),
    "MAVEN_REPO_LOCAL": dict.fromkeys(OSES, "~/.m2/repository"),
    "GRADLE_USER_HOME": dict.fromkeys(OSES, "~/.gradle"),
    "PLAYWRIGHT_BROWSERS_PATH": {
        _L: "{XDG_CACHE_HOME}/ms-playwright",
        _M: "~/Library/Caches/ms-playwright",
        _W: "{LOCALAPPDATA}/ms-playwright",
    },
    "CYPRESS_CACHE_FOLDER": {
        _L: "{XDG_CACHE_HOME}/Cypress",
        _M: "~/Library/Caches/Cypress",
        _W: "{LOCALAPPDATA}/Cypress/Cache",
    },
    "SCCACHE_DIR": {
        _L: "{XDG_CACHE_HOME}/sccache",
        _M: "~/Library/Caches/Mozilla.sccache",
        _W: "{LOCALAPPDATA}/Mozilla/sccache",
    },
    "CCACHE_DIR": {
        _L: "{XDG_CACHE_HOME}/ccache",
        _M: "~/Library/Caches/ccache",
        _W: "{LOCALAPPDATA}/ccache",
    },
    "RUNNER_TOOL_CACHE": {
        _L: "/opt/hostedtoolcache",
        _M: "~/hostedtoolcache",
        _W: "C:/hostedtoolcache/windows",
    },
    "pythonLocation": dict.fromkeys(OSES, "<pythonLocation>"),
}
# Other spellings of the same override.
_SYNONYMS = {
    "npm_config_cache": "NPM_CONFIG_CACHE",
    "npm_config_store_dir": "NPM_CONFIG_STORE_DIR",
    "AGENT_TOOLSDIRECTORY": "RUNNER_TOOL_CACHE",
    "YARN_CACHE_DIR": "YARN_CACHE_FOLDER",
}


@dataclass(frozen=True)
class _Rule:
    template: str
    kind: str
    ecosystem: str | None
    tool: str | None
    reason: str
    bound: bool
    generic: bool = False  # a directory that holds many tools' things: the weakest match


_DL, _ENV, _TOOL, _OUT = "download-cache", "built-env", "tool-cache", "build-output"
_RULES: tuple[_Rule, ...] = (
    _Rule("{PIP_CACHE_DIR}", _DL, "python", "pip",
          "pip's HTTP and wheel cache: downloads and locally built wheels, re-installed into each"
          " environment", False),
    _Rule("{UV_CACHE_DIR}", _DL, "python", "uv",
          "uv's cache: downloaded and built distributions, linked into each environment", False),
    _Rule("{UV_TOOL_DIR}", _ENV, "python", "uv",
          "the environments `uv tool install` builds, one per tool, tied to their Python", True),
    _Rule("{UV_PYTHON_INSTALL_DIR}", _TOOL, "python", "uv",
          "Python interpreters uv downloaded: built for one OS and architecture", True),
    _Rule("{POETRY_CACHE_DIR}", _ENV, "python", "poetry",
          "Poetry's whole cache dir: downloads (cache/, artifacts/) and the virtualenvs/ it"
          " builds, which tie it to one interpreter", True),
    _Rule("{POETRY_CACHE_DIR}/cache", _DL, "python", "poetry",
          "Poetry's repository cache: package metadata and downloads", False),
    _Rule("{POETRY_CACHE_DIR}/artifacts", _DL, "python", "poetry",
          "Poetry's artifact cache: downloaded and built distributions", False),
    _Rule("{POETRY_VIRTUALENVS_PATH}", _ENV, "python", "poetry",
          "the virtualenvs Poetry creates outside the project: installed packages for one"
          " interpreter", True),
    _Rule("{WORKON_HOME}", _ENV, "python", "pipenv",
          "the virtualenvs Pipenv creates: installed packages for one interpreter", True),
    _Rule("{PIPENV_CACHE_DIR}", _DL, "python", "pipenv",
          "Pipenv's cache: downloads and resolver metadata", False),
    _Rule("{PIPX_HOME}", _ENV, "python", "pipx",
          "pipx's application virtualenvs: installed packages for one interpreter", True),
    _Rule("{PRE_COMMIT_HOME}", _TOOL, "python", "pre-commit",
          "pre-commit's hook repositories and the environments it builds for them, tied to the"
          " interpreters that built them", True),
    _Rule("{PYTHONUSERBASE}", _ENV, "python", "pip",
          "the user base `pip install --user` installs into: packages for one interpreter",
          True),
    _Rule("{NPM_CONFIG_CACHE}", _DL, "node", "npm",
          "npm's content-addressed cache: tarballs and metadata, unpacked into node_modules by"
          " each install", False),
    _Rule("{YARN_CACHE_FOLDER}", _DL, "node", "yarn",
          "Yarn's global cache: package archives, unpacked into node_modules by each install",
          False),
    _Rule("{YARN_GLOBAL_FOLDER}/cache", _DL, "node", "yarn",
          "Yarn Berry's global cache: package zip archives shared by every project", False),
    _Rule("{NPM_CONFIG_STORE_DIR}", _DL, "node", "pnpm",
          "pnpm's content-addressable store: package files hard-linked into node_modules",
          False),
    _Rule("{BUN_INSTALL_CACHE_DIR}", _DL, "node", "bun",
          "Bun's install cache: package archives", False),
    _Rule("{GOMODCACHE}", _DL, "go", "go",
          "Go's module cache: module sources and zips, shared by every build", False),
    _Rule("{GOCACHE}", _OUT, "go", "go",
          "Go's build cache: compiled packages keyed by their inputs (toolchain included), so"
          " never wrong, only large", False),
    _Rule("{CARGO_HOME}", _DL, "rust", "cargo",
          "Cargo's home: registry index and crate downloads, git checkouts, installed binaries",
          False),
    _Rule("{CARGO_HOME}/registry", _DL, "rust", "cargo",
          "Cargo's registry: the index and downloaded crate archives and sources", False),
    _Rule("{CARGO_HOME}/git", _DL, "rust", "cargo",
          "Cargo's git dependencies: bare clones and checkouts", False),
    _Rule("{CARGO_HOME}/bin", _ENV, "rust", "cargo",
          "binaries `cargo install` built: native code for one OS and architecture", True),
    _Rule("{RUSTUP_HOME}", _TOOL, "rust", "rustup",
          "rustup's toolchains: compilers for one OS and architecture", True),
    _Rule("{MAVEN_REPO_LOCAL}", _DL, "java", "maven",
          "Maven's local repository: downloaded artifacts and plugins", False),
    _Rule("~/.m2", _DL, "java", "maven",
          "Maven's user directory: the local repository, wrapper distributions, settings", False),
    _Rule("~/.m2/wrapper", _DL, "java", "maven",
          "Maven wrapper distributions downloaded by ./mvnw", False),
    _Rule("{GRADLE_USER_HOME}", _DL, "java", "gradle",
          "Gradle's user home: dependency and build caches, wrapper distributions", False),
    _Rule("{GRADLE_USER_HOME}/caches", _DL, "java", "gradle",
          "Gradle's caches: downloaded dependencies, transformed jars, the build cache", False),
    _Rule("{GRADLE_USER_HOME}/wrapper", _DL, "java", "gradle",
          "Gradle wrapper distributions downloaded by ./gradlew", False),
    _Rule("{PLAYWRIGHT_BROWSERS_PATH}", _TOOL, "node", "playwright",
          "browsers Playwright downloaded: binaries for one OS and architecture", True),
    _Rule("{CYPRESS_CACHE_FOLDER}", _TOOL, "node", "cypress",
          "the Cypress binary: built for one OS and architecture", True),
    _Rule("{SCCACHE_DIR}", _OUT, None, "sccache",
          "sccache's compiler output cache, keyed by compiler and inputs", False),
    _Rule("{CCACHE_DIR}", _OUT, None, "ccache",
          "ccache's compiler output cache, keyed by compiler and inputs", False),
    _Rule("~/.ccache", _OUT, None, "ccache",
          "ccache's compiler output cache, keyed by compiler and inputs", False),
    _Rule("{pythonLocation}", _ENV, "python", "pip",
          "the Python setup-python installed (env.pythonLocation): what pip installs there is"
          " built for that exact interpreter, OS and architecture", True),
    _Rule("{RUNNER_TOOL_CACHE}/Python", _ENV, "python", "pip",
          "CPython installations in the runner's tool cache, with whatever pip installed into"
          " them: one interpreter version, OS and architecture", True),
    _Rule("{RUNNER_TOOL_CACHE}/PyPy", _ENV, "python", "pip",
          "PyPy installations in the runner's tool cache, with whatever pip installed into"
          " them", True),
    _Rule("{RUNNER_TOOL_CACHE}", _TOOL, None, None,
          "the runner's tool cache: interpreters and SDKs for one OS and architecture", True),
    _Rule("~/.nvm", _TOOL, "node", "nvm", "Node.js versions nvm installed", True),
    _Rule("~/.pyenv", _TOOL, "python", "pyenv", "Python versions pyenv built", True),
    _Rule("~/.conda/pkgs", _DL, "python", "conda",
          "conda's package cache: downloaded packages", False),
    _Rule("~/.conda/envs", _ENV, "python", "conda",
          "conda environments: installed packages for one platform", True),
    _Rule("~/conda_pkgs_dir", _DL, "python", "conda",
          "conda's package cache (setup-miniconda's recommended pkgs_dirs): downloaded packages",
          False),
    _Rule("{XDG_CACHE_HOME}", _DL, None, None,
          "the whole user cache directory: pip, uv, pre-commit and other tools' caches together",
          False, generic=True),
    _Rule("~/Library/Caches", _DL, None, None,
          "the whole macOS user cache directory: many tools' caches together", False,
          generic=True),
    _Rule("{LOCALAPPDATA}", _DL, None, None,
          "the whole Windows local app-data directory: many tools' caches and data together",
          False, generic=True),
    _Rule("~/.local", _ENV, "python", None,
          "~/.local holds pip's --user installs, pipx and uv tool environments, pnpm's store:"
          " partly built for one interpreter", True, generic=True),
    _Rule("~", "unknown", None, None, "the whole home directory: every tool's files at once",
          False, generic=True),
)  # fmt: skip


@dataclass(frozen=True)
class _Part:
    pattern: re.Pattern[str]
    kind: str
    ecosystem: str | None
    tool: str | None
    reason: str
    bound: bool


def _part(
    regex: str, kind: str, eco: str | None, tool: str | None, reason: str, bound: bool
) -> _Part:
    return _Part(re.compile(r"(?:^|/)" + regex + r"(?:/|$)"), kind, eco, tool, reason, bound)


# Directories recognised by name wherever they are (workspace-relative paths, globs); the first
# that matches wins, so combinations come before their parts.
_PARTS: tuple[_Part, ...] = (
    _part(r"node_modules/\.cache", _OUT, "node", None,
          "build tools' caches inside node_modules (babel-loader, eslint, webpack)", False),
    _part(r"\.yarn/cache", _DL, "node", "yarn",
          "the project's Yarn cache: package zip archives (Yarn Berry's offline mirror)", False),
    _part(r"\.yarn/unplugged", _ENV, "node", "yarn",
          "packages Yarn Berry unpacked to build them: native code for one platform", True),
    _part(r"\.pnpm-store", _DL, "node", "pnpm",
          "a pnpm store on the project's volume: package files hard-linked into node_modules",
          False),
    _part(r"node_modules", _ENV, "node", None,
          "installed Node packages: native addons are built for one Node version, OS and"
          " architecture", True),
    _part(r"(?:site|dist)-packages", _ENV, "python", None,
          "installed Python packages: compiled extensions are built for one interpreter", True),
    _part(r"lib/(?:python|pypy)\d[^/]*", _ENV, "python", None,
          "an interpreter's library directory: installed packages for that interpreter", True),
    _part(r"(?:\.?venv[^/]*|[^/]+[-_.]venv|env|\.?virtualenvs?)", _ENV, "python", None,
          "a virtual environment: installed packages for one interpreter", True),
    _part(r"\.tox", _TOOL, "python", "tox",
          "tox's environments: one virtualenv per test env, each tied to its interpreter", True),
    _part(r"\.nox", _TOOL, "python", "nox",
          "nox's session virtualenvs, each tied to its interpreter", True),
    _part(r"\.mypy_cache", _TOOL, "python", "mypy",
          "mypy's incremental cache (invalidated by mypy itself when versions change)", False),
    _part(r"\.ruff_cache", _TOOL, "python", "ruff", "ruff's lint cache", False),
    _part(r"\.pytest_cache", _TOOL, "python", "pytest",
          "pytest's cache (last-failed lists)", False),
    _part(r"\.hypothesis", _TOOL, "python", "hypothesis", "Hypothesis' example database", False),
    _part(r"\.pre-commit-cache", _TOOL, "python", "pre-commit",
          "a pre-commit home: hook environments tied to their interpreters", True),
    _part(r"(?:conda_pkgs_dir|[^/]*(?:conda|mamba|miniforge)[^/]*/pkgs)", _DL, "python",
          "conda", "conda's package cache: downloaded packages", False),
    _part(r"[^/]*(?:conda|mamba|miniforge)[^/]*/envs", _ENV, "python", "conda",
          "conda environments: installed packages for one platform", True),
    _part(r"target", _ENV, "rust", "cargo",
          "cargo's build output (target/): compiled for one toolchain, OS and architecture"
          " (Maven also writes target/)", True),
    _part(r"\.gradle", _OUT, "java", "gradle",
          "a project's .gradle directory: configuration cache and file hashes", False),
    _part(r"\.next/cache", _OUT, "node", "next", "Next.js's build cache", False),
    _part(r"(?:\.turbo|\.nx/cache|\.parcel-cache|\.angular/cache|\.eslintcache)", _OUT, "node",
          None, "a JavaScript build tool's cache", False),
    _part(r"__pycache__", _OUT, "python", None,
          "compiled bytecode (tagged per interpreter, so never misused)", False),
    _part(r"(?:\.eggs|[^/]+\.egg-info)", _OUT, "python", None,
          "setuptools build byproducts", False),
    _part(r"(?:build|dist|out)", _OUT, None, None, "build output", False),
)  # fmt: skip

_VAR = re.compile(
    r"\$\{\{\s*(?P<expr>[^}]*?)\s*\}\}"
    r"|\$env:(?P<ps>[A-Za-z_][A-Za-z0-9_]*)"
    r"|\$\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)\}"
    r"|\$(?P<plain>[A-Za-z_][A-Za-z0-9_]*)"
    r"|%(?P<cmd>[A-Za-z_][A-Za-z0-9_]*)%",
    re.I,
)
_HOME = re.compile(
    r"^(?:/home/[^/]+|/Users/[^/]+|(?i:[A-Z]:/Users/[^/]+)|/github/home|/root)(?=/|$)"
)
_WORKSPACE = re.compile(r"^(?:~/work/[^/]+/[^/]+|[A-Za-z]:/a/[^/]+/[^/]+|/__w/[^/]+/[^/]+)(?:/|$)")
_WORKSPACE_MARK = "\x00workspace"


def _os(os: str) -> str:
    return _OS_NAMES.get(os.strip().lower(), os if os in OSES else "Linux")


def _env_lookup(env: Mapping[str, str], name: str, os: str) -> str | None:
    if name in env:
        return env[name]
    for other, canon in _SYNONYMS.items():
        if canon == name and other in env:
            return env[other]
    if os == "Windows":
        for key, value in env.items():
            if key.upper() == name.upper():
                return value
    return None


def _var(name: str, os: str, env: Mapping[str, str], depth: int) -> str:
    """The text a variable stands for: its env value, its default, or a ``<NAME>`` marker."""
    canon = _SYNONYMS.get(name, name)
    if canon.upper() in ("HOME", "USERPROFILE"):
        return "~"
    if canon.upper() == "GITHUB_WORKSPACE":
        return _WORKSPACE_MARK
    value = _env_lookup(env, canon, os) if depth < 6 else None
    if value is not None:
        return _expand(value, os, env, depth + 1)
    if canon == "MAVEN_REPO_LOCAL":
        opts = _env_lookup(env, "MAVEN_OPTS", os) or ""
        m = re.search(r"-Dmaven\.repo\.local=(\S+)", opts)
        if m:
            return _expand(m.group(1).strip("'\""), os, env, depth + 1)
    defaults = _LOCATIONS.get(canon) or next(
        (v for k, v in _LOCATIONS.items() if k.lower() == canon.lower()), None
    )
    if defaults is not None and depth < 6:
        template = defaults.get(os) or next(iter(defaults.values()))
        return _expand_template(template, os, env, depth + 1)
    return f"<{canon}>"


def _expand_template(template: str, os: str, env: Mapping[str, str], depth: int) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: _var(m.group(1), os, env, depth), template)


def _expand(text: str, os: str, env: Mapping[str, str], depth: int = 0) -> str:
    def sub(m: re.Match[str]) -> str:
        expr = m.group("expr")
        if expr is not None:
            e = re.sub(r"\s+", "", expr)
            if re.fullmatch(r"env\.[A-Za-z_][A-Za-z0-9_]*", e):
                return _var(e[4:], os, env, depth)
            if e.lower() == "github.workspace":
                return _WORKSPACE_MARK
            if e.lower() in ("runner.tool_cache",):
                return _var("RUNNER_TOOL_CACHE", os, env, depth)
            if e.lower() == "runner.temp":
                return "<RUNNER_TEMP>"
            return f"<{e}>"
        name = m.group("ps") or m.group("braced") or m.group("plain") or m.group("cmd")
        return _var(name, os, env, depth)

    return _VAR.sub(sub, text)


def _root(template: str, os: str, env: Mapping[str, str]) -> str:
    """A rule's directory on ``os`` with ``env``, spelled like a normalised path."""
    text = _expand_template(template, os, env, 0).replace("\\", "/")
    text = _HOME.sub("~", re.sub(r"/{2,}", "/", text))
    return text.rstrip("/") or "/"


def _normalise(path: str, os: str, env: Mapping[str, str]) -> tuple[str, bool]:
    """(normalised path, is a glob). ``~`` for home, workspace-relative paths have no prefix."""
    text = _expand(path.strip(), os, env)
    text = text.replace("\\", "/")
    if text.startswith(_WORKSPACE_MARK):
        text = "." + text[len(_WORKSPACE_MARK) :]
    text = text.replace(_WORKSPACE_MARK, "")
    text = re.sub(r"/{2,}", "/", text)
    text = _HOME.sub("~", text)
    m = _WORKSPACE.match(text)
    if m:
        text = "./" + text[m.end() :]
    glob = any(c in text for c in "*?[")
    while True:
        stripped = re.sub(r"/(\*\*|\*)$", "", text)
        if stripped == text:
            break
        text = stripped
    text = re.sub(r"^(\./)+", "", text)
    text = re.sub(r"(/\.)+$", "", text)
    text = text.rstrip("/") or ("/" if text.startswith("/") else ".")
    text = re.sub(r"^\*\*/", "", text)
    return text, glob


def _under(path: str, root: str, fold: bool) -> bool:
    if fold:
        path, root = path.casefold(), root.casefold()
    return path == root or path.startswith(root.rstrip("/") + "/")


def _native(path: str, os: str) -> str:
    return path.replace("/", "\\") if os == "Windows" else path


def classify_path(
    path: str, *, os: str = "Linux", env: Mapping[str, str] | None = None
) -> PathClass:
    """What the cached ``path`` holds on a runner with this ``os`` (``runner.os``: ``Linux``,
    ``macOS``, ``Windows``) and job ``env``. Never raises; an unrecognised path is ``unknown``."""
    env = dict(env or {})
    os = _os(os)
    raw = path
    text = path.strip()
    excluded = text.startswith("!")
    if excluded:
        text = text[1:].strip()
    norm, glob = _normalise(text, os, env)
    fold = os == "Windows"

    def result(kind: str, eco: str | None, tool: str | None, reason: str, bound: bool) -> PathClass:
        if glob:
            reason += " (a glob pattern)"
        if excluded:
            reason = "excluded from the cache: " + reason
        return PathClass(raw, kind, eco, tool, reason, bound, excluded)

    if norm in (".", ""):
        return result("unknown", None, None, "the whole workspace checkout", False)

    # Known directories, most specific root first; this OS before the defaults of the others.
    best: tuple[int, int, _Rule, str] | None = None
    for rule in _RULES:
        candidates = [(0, _root(rule.template, os, env)), (1, _root(rule.template, os, {}))]
        candidates += [(2, _root(rule.template, o, {})) for o in OSES if o != os]
        for rank, root in candidates:
            if "<" in root and not root.startswith("<"):
                continue  # an unknown variable in the middle: no location
            if _under(norm, root, fold):
                score = (rank + (3 if rule.generic else 0), -len(root))
                if best is None or score < (best[0], best[1]):
                    best = (score[0], score[1], rule, root)
                break
    if best is not None and best[0] < 3:
        rank, _, rule, root = best
        reason = rule.reason
        inner = norm[len(root) :].strip("/")
        if inner and rank == 0:
            reason += f" (here: its {inner})"
        if rank == 1:
            here = _native(_root(rule.template, os, env), os)
            reason += f"; but the job's env moves it to {here}, so this path stays empty"
        elif rank == 2:
            here = _native(_root(rule.template, os, {}), os)
            reason += f" (the default elsewhere: on {os} it is {here})"
        return result(rule.kind, rule.ecosystem, rule.tool, reason, rule.bound)

    for part in _PARTS:
        if part.pattern.search(norm.casefold() if fold else norm):
            return result(part.kind, part.ecosystem, part.tool, part.reason, part.bound)
    if "/.cache/" in norm and not norm.startswith("~/.cache/"):
        # a ~/.cache layout under another home (a container's, a custom HOME)
        again = classify_path("~" + norm[norm.index("/.cache/") :], os="Linux")
        if again.kind != "unknown" and again.tool is not None:
            return result(
                again.kind, again.ecosystem, again.tool, again.reason, again.interpreter_bound
            )
    if best is not None:
        rule = best[2]
        return result(rule.kind, rule.ecosystem, rule.tool, rule.reason, rule.bound)
    if norm.startswith("<"):
        what = norm[1 : norm.index(">")] if ">" in norm else norm
        return result(
            "unknown", None, None, f"depends on {what}, which cachekit cannot resolve", False
        )
    return result("unknown", None, None, "no tool cachekit knows keeps this directory", False)
