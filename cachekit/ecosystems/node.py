"""Node: npm, Yarn (1 and 2+), pnpm — declared once.

Default locations per OS, from each tool's documentation:

* npm — https://docs.npmjs.com/cli/using-npm/config#cache (``~/.npm``,
  ``%LocalAppData%\\npm-cache``)
* Yarn — https://classic.yarnpkg.com/en/docs/cli/cache (``~/.cache/yarn``,
  ``~/Library/Caches/Yarn``, ``%LOCALAPPDATA%\\Yarn\\Cache``) and
  https://yarnpkg.com/configuration/yarnrc#globalFolder (Berry: ``~/.yarn/berry/cache``)
* pnpm — https://pnpm.io/settings#storedir (``~/.local/share/pnpm/store``,
  ``~/Library/pnpm/store``, ``~/AppData/Local/pnpm/store``)

One program, two package managers: ``yarn`` runs Yarn 1 (``yarn-classic``) or Yarn 2+
(``yarn-berry``), which cache in different places; which one a project uses is decided by
:mod:`cachekit.suggest.ecosystems` from ``packageManager``, the lock's format and
``.yarnrc.yml``.
"""

from __future__ import annotations

from collections.abc import Mapping

from .model import (
    BUILD_OUTPUT,
    BUILT_ENV,
    DOWNLOADS,
    OSES,
    TOOL_STATE,
    CacheDir,
    Ecosystem,
    NamedDir,
    PackageManager,
    RunnerOS,
    Tool,
)

__all__ = ["ECOSYSTEM"]

_L: RunnerOS = "Linux"
_M: RunnerOS = "macOS"
_W: RunnerOS = "Windows"


TOOLS = (
    Tool("npm", frozenset({"ci", "install", "update"}), ("npm",)),
    Tool("yarn", frozenset({"install", "add", "update"}), ("yarn-classic", "yarn-berry")),
    Tool("pnpm", frozenset({"install", "add", "update"}), ("pnpm",)),
)

MANAGERS = (
    PackageManager(
        "npm", locks=("package-lock.json", "npm-shrinkwrap.json"), manifests=("package.json",)
    ),
    PackageManager("yarn-classic", locks=("yarn.lock",), manifests=("package.json",)),
    PackageManager("yarn-berry", locks=("yarn.lock",), manifests=("package.json",)),
    PackageManager(
        "pnpm", locks=("pnpm-lock.yaml",), manifests=("package.json", "pnpm-workspace.yaml")
    ),
)

LOCATIONS: dict[str, Mapping[RunnerOS, str]] = {
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
}
SYNONYMS = {
    "npm_config_cache": "NPM_CONFIG_CACHE",
    "npm_config_store_dir": "NPM_CONFIG_STORE_DIR",
    "YARN_CACHE_DIR": "YARN_CACHE_FOLDER",
}
CACHE_DIRS = (
    CacheDir(
        "{NPM_CONFIG_CACHE}",
        DOWNLOADS,
        "npm",
        (
            "npm's content-addressed cache: tarballs and metadata, "
            "unpacked into node_modules by each install"
        ),
        False,
    ),
    CacheDir(
        "{YARN_CACHE_FOLDER}",
        DOWNLOADS,
        "yarn",
        ("Yarn's global cache: package archives, unpacked into node_modules by each install"),
        False,
    ),
    CacheDir(
        "{YARN_GLOBAL_FOLDER}/cache",
        DOWNLOADS,
        "yarn",
        ("Yarn Berry's global cache: package zip archives shared by every project"),
        False,
    ),
    CacheDir(
        "{NPM_CONFIG_STORE_DIR}",
        DOWNLOADS,
        "pnpm",
        ("pnpm's content-addressable store: package files hard-linked into node_modules"),
        False,
    ),
    CacheDir(
        "{BUN_INSTALL_CACHE_DIR}", DOWNLOADS, "bun", "Bun's install cache: package archives", False
    ),
    CacheDir(
        "{PLAYWRIGHT_BROWSERS_PATH}",
        TOOL_STATE,
        "playwright",
        ("browsers Playwright downloaded: binaries for one OS and architecture"),
        True,
    ),
    CacheDir(
        "{CYPRESS_CACHE_FOLDER}",
        TOOL_STATE,
        "cypress",
        "the Cypress binary: built for one OS and architecture",
        True,
    ),
    CacheDir("~/.nvm", TOOL_STATE, "nvm", "Node.js versions nvm installed", True),
)
NAMED_DIRS = (
    NamedDir(
        r"node_modules/\.cache",
        BUILD_OUTPUT,
        None,
        ("build tools' caches inside node_modules (babel-loader, eslint, webpack)"),
        False,
    ),
    NamedDir(
        r"\.yarn/cache",
        DOWNLOADS,
        "yarn",
        ("the project's Yarn cache: package zip archives (Yarn Berry's offline mirror)"),
        False,
    ),
    NamedDir(
        r"\.yarn/unplugged",
        BUILT_ENV,
        "yarn",
        ("packages Yarn Berry unpacked to build them: native code for one platform"),
        True,
    ),
    NamedDir(
        r"\.pnpm-store",
        DOWNLOADS,
        "pnpm",
        ("a pnpm store on the project's volume: package files hard-linked into node_modules"),
        False,
    ),
    NamedDir(
        "node_modules",
        BUILT_ENV,
        None,
        (
            "installed Node packages: native addons are built for one "
            "Node version, OS and architecture"
        ),
        True,
    ),
    NamedDir(r"\.next/cache", BUILD_OUTPUT, "next", "Next.js's build cache", False, late=True),
    NamedDir(
        r"(?:\.turbo|\.nx/cache|\.parcel-cache|\.angular/cache|\.eslintcache)",
        BUILD_OUTPUT,
        None,
        "a JavaScript build tool's cache",
        False,
        late=True,
    ),
)

ECOSYSTEM = Ecosystem(
    name="node",
    interpreter_tag="node",
    setup_action="actions/setup-node",
    tools=TOOLS,
    managers=MANAGERS,
    locations=LOCATIONS,
    synonyms=SYNONYMS,
    cache_dirs=CACHE_DIRS,
    named_dirs=NAMED_DIRS,
    version_files=(".nvmrc", ".node-version"),
)
