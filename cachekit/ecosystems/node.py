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

from collections.abc import Mapping, Sequence

from ..shell.argv import names as _names
from ..shell.argv import parse as _parse
from ..shell.argv import spec as _spec
from .commands import Command, Ctx, one
from .commands import make as _cmd
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
    Program,
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


# -- install commands --------------------------------------------------------------------------

_NPM = _spec(
    "--prefix --registry --cache --workspace --omit --include --tag --loglevel --userconfig"
    " --install-strategy --before --location --script-shell",
    "--global --save-dev --save-prod --save-optional --save-exact --production --ignore-scripts"
    " --no-audit --legacy-peer-deps --silent --force --workspaces --include-workspace-root"
    " --prefer-offline --prefer-online --offline --no-fund --no-save --dry-run --quiet"
    " --verbose --help --version --if-present --foreground-scripts --no-package-lock",
    "g=--global D=--save-dev P=--save-prod O=--save-optional E=--save-exact w=--workspace"
    " f=--force q=--quiet s=--silent d=--loglevel C=--prefix h=--help v=--version",
)
_YARN = _spec(
    "--cache-folder --modules-folder --network-timeout --mutex --cwd --registry --mode"
    " --global-folder --link-folder --use-yarnrc",
    "--frozen-lockfile --immutable --immutable-cache --ignore-engines --production"
    " --prefer-offline --offline --check-files --pure-lockfile --silent --non-interactive"
    " --ignore-scripts --ignore-optional --inline-builds --refresh-lockfile --dev --exact"
    " --tilde --verbose --help --version --json --check-cache --force --flat --no-lockfile"
    " --skip-builds",
    "D=--dev E=--exact T=--tilde s=--silent h=--help v=--version",
)
_PNPM = _spec(
    "--store-dir --filter --dir --reporter --loglevel --reporter --virtual-store-dir"
    " --lockfile-dir --workspace-root --config.node-linker --node-linker --registry"
    " --modules-dir",
    "--frozen-lockfile --no-frozen-lockfile --prefer-offline --offline --production --dev"
    " --no-optional --ignore-scripts --recursive --shamefully-hoist --global --silent"
    " --lockfile-only --fix-lockfile --force --help --version --save-dev --save-prod"
    " --save-exact --workspace",
    "F=--filter C=--dir r=--recursive P=--production D=--dev g=--global s=--silent"
    " h=--help v=--version w=--workspace-root",
)

_NPM_INSTALL = {"install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal"}
_NPM_INSTALL |= {"isntall", "add"}
_NPM_ACTIONS = dict.fromkeys(_NPM_INSTALL, "install")
_NPM_ACTIONS |= dict.fromkeys(("ci", "clean-install", "ic", "install-clean", "isntall-clean"), "ci")
_NPM_ACTIONS |= dict.fromkeys(("install-test", "it", "install-ci-test", "cit"), "ci")
_NPM_ACTIONS |= dict.fromkeys(("update", "up", "upgrade", "udpate"), "update")
_NPM_ACTIONS |= dict.fromkeys(("run", "run-script", "rum", "urn", "exec", "x"), "run")
_NPM_ACTIONS |= dict.fromkeys(("test", "t", "tst"), "test")


def _npm(argv: Sequence[str], at: int, ctx: Ctx) -> Command | None:
    head = _parse(argv[at:], _NPM, stop=1)
    if not head.positionals:
        return None
    action = _NPM_ACTIONS.get(head.positionals[0])
    if action is None:
        return None
    body = _parse(head.rest, _NPM, stop=1 if action in ("run", "test") else 0)
    body.options[:0] = head.options
    pkgs = tuple(body.positionals) if action in ("install", "update") else ()
    if action in ("run", "test"):
        pkgs = tuple(body.positionals[:1])
    return _cmd(ctx, "npm", action, argv, packages=pkgs, options=tuple(body.options), venv=None)


_YARN_NOT_INSTALL = frozenset(
    _names(
        "link unlink cache config set version info why list outdated audit publish pack login"
        " logout bin dlx exec node constraints plugin init create tag team owner licenses import"
        " policies check autoclean npm remove explain patch patch-commit rebuild search stage"
        " unplug generate-lock-entry global help"
    )
)


def _yarn(argv: Sequence[str], at: int, ctx: Ctx) -> Command | None:
    head = _parse(argv[at:], _YARN, stop=1)
    opts = list(head.options)
    if not head.positionals:
        if any(n in ("--version", "--help") for n, _ in opts):
            return None
        return _cmd(ctx, "yarn", "install", argv, options=tuple(opts), venv=None)
    sub = head.positionals[0]
    body = _parse(head.rest, _YARN, stop=1 if sub == "run" else 0)
    body.options[:0] = opts
    if sub == "install":
        action = "install"
    elif sub == "add":
        action = "add"
    elif sub in ("upgrade", "up", "upgrade-interactive"):
        action = "update"
    elif sub == "workspaces" and body.positionals[:1] == ["focus"]:
        action = "install"
    elif sub in _YARN_NOT_INSTALL or sub in ("workspaces", "workspace"):
        return None
    else:
        action = "run"
    pkgs = tuple(body.positionals) if action in ("add", "update") else ()
    if action == "run":  # the script's own arguments are not yarn's
        pkgs = (sub,) if sub != "run" else tuple(body.positionals[:1])
        body.options = opts if sub != "run" else body.options
    return _cmd(ctx, "yarn", action, argv, packages=pkgs, options=tuple(body.options), venv=None)


def _pnpm(argv: Sequence[str], at: int, ctx: Ctx) -> Command | None:
    head = _parse(argv[at:], _PNPM, stop=1)
    if not head.positionals:
        return None
    sub = head.positionals[0]
    actions = dict.fromkeys(("install", "i"), "install") | {"add": "add", "fetch": "download"}
    actions |= dict.fromkeys(("update", "up", "upgrade"), "update")
    actions |= dict.fromkeys(("install-test", "it"), "install")
    actions |= dict.fromkeys(("run", "test", "t", "exec", "dlx"), "run")
    action = actions.get(sub)
    if action is None:
        return None
    body = _parse(head.rest, _PNPM)
    body.options[:0] = head.options
    pkgs = tuple(body.positionals) if action in ("add", "update") else ()
    return _cmd(ctx, "pnpm", action, argv, packages=pkgs, options=tuple(body.options), venv=None)


PROGRAMS = (
    Program("npm", lambda argv, ctx: one(_npm(argv, 1, ctx))),
    Program("yarn", lambda argv, ctx: one(_yarn(argv, 1, ctx))),
    Program("pnpm", lambda argv, ctx: one(_pnpm(argv, 1, ctx))),
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
    programs=PROGRAMS,
    version_files=(".nvmrc", ".node-version"),
)
