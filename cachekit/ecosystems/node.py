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

import posixpath
import re
from collections.abc import Sequence
from typing import Any

import yaml

from ..errors import CachekitError
from ..fs.trees import FILE, Tree
from ..shell.argv import names as _names
from ..shell.argv import parse as _parse
from ..shell.argv import spec as _spec
from .commands import Command, Ctx, one
from .commands import make as _cmd
from .declare import declare, everywhere, per_os
from .detect import Dir as _Dir
from .detect import Manager
from .detect import ancestors as _ancestors
from .detect import dir_entries as _entries
from .detect import group as _group
from .detect import is_file as _is_file
from .detect import is_soft as _is_soft
from .detect import join as _join
from .detect import read_json as _json
from .detect import read_text as _text
from .detect import read_yaml as _yaml
from .detect import version_files as _version_files
from .model import (
    BUILD_OUTPUT,
    BUILT_ENV,
    DOWNLOADS,
    TOOL_STATE,
    CacheDir,
    Locations,
    NamedDir,
    PackageManager,
    Program,
    Tool,
)
from .recipe import CachePath, Recipe, RecipeBuilder, os_paths

__all__ = ["ECOSYSTEM"]


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


_BY_NAME = {m.name: m for m in MANAGERS}
_YARN_LOCK = _BY_NAME["yarn-classic"].locks[0]
_PACKAGE_JSON = _BY_NAME["npm"].manifests[0]
_PNPM_WORKSPACE = _BY_NAME["pnpm"].manifests[1]

VERSION_FILES = (".nvmrc", ".node-version")
"""Files naming the toolchain version, nearest first (``.tool-versions`` too, by asdf)."""

LOCATIONS: Locations = {
    "NPM_CONFIG_CACHE": per_os(linux="~/.npm", macos="~/.npm", windows="{LOCALAPPDATA}/npm-cache"),
    "YARN_CACHE_FOLDER": per_os(
        linux="{XDG_CACHE_HOME}/yarn",
        macos="~/Library/Caches/Yarn",
        windows="{LOCALAPPDATA}/Yarn/Cache",
    ),
    "YARN_GLOBAL_FOLDER": everywhere("~/.yarn/berry"),
    "PNPM_HOME": per_os(
        linux="{XDG_DATA_HOME}/pnpm", macos="~/Library/pnpm", windows="{LOCALAPPDATA}/pnpm"
    ),
    "NPM_CONFIG_STORE_DIR": everywhere("{PNPM_HOME}/store"),
    "BUN_INSTALL_CACHE_DIR": everywhere("~/.bun/install/cache"),
    "PLAYWRIGHT_BROWSERS_PATH": per_os(
        linux="{XDG_CACHE_HOME}/ms-playwright",
        macos="~/Library/Caches/ms-playwright",
        windows="{LOCALAPPDATA}/ms-playwright",
    ),
    "CYPRESS_CACHE_FOLDER": per_os(
        linux="{XDG_CACHE_HOME}/Cypress",
        macos="~/Library/Caches/Cypress",
        windows="{LOCALAPPDATA}/Cypress/Cache",
    ),
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


# -- detection --------------------------------------------------------------------------------

# -- Node --------------------------------------------------------------------------------------

# Lock file → the program that writes it (npm, yarn, pnpm), in declaration order.
_NODE_LOCKS = {lock: t.name for t in TOOLS for lock in _BY_NAME[t.managers[0]].locks}


def _package_manager_field(pkg: dict[str, Any]) -> tuple[str, int | None] | None:
    raw = pkg.get("packageManager")
    if not isinstance(raw, str):
        return None
    m = re.match(r"^\^?(npm|yarn|pnpm|bun)@(\d+)?", raw.strip())
    if not m:
        return None
    return m.group(1), int(m.group(2)) if m.group(2) else None


def _workspace_globs(tree: Tree, rel: str, d: _Dir) -> list[str]:
    """The member globs of a workspace root: package.json ``workspaces`` (npm, Yarn) or
    ``pnpm-workspace.yaml`` ``packages``."""
    pkg = _json(tree, _join(rel, _PACKAGE_JSON)) or {}
    ws: Any = pkg.get("workspaces")
    if isinstance(ws, dict):
        ws = ws.get("packages")
    globs = [g for g in ws if isinstance(g, str)] if isinstance(ws, list) else []
    if _PNPM_WORKSPACE in d.files:
        pnpm = (_yaml(tree, _join(rel, _PNPM_WORKSPACE)) or {}).get("packages")
        if isinstance(pnpm, list):
            globs += [g for g in pnpm if isinstance(g, str)]
    return globs


def _glob_regex(glob: str) -> re.Pattern[str]:
    out = ""
    i = 0
    glob = glob.strip().removeprefix("./").rstrip("/")
    while i < len(glob):
        if glob.startswith("**", i):
            out += ".*"
            i += 2
        elif glob[i] == "*":
            out += "[^/]*"
            i += 1
        elif glob[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(glob[i])
            i += 1
    return re.compile(out + "$")


def _in_workspace(globs: list[str], member: str) -> bool:
    hit = False
    for g in globs:
        if g.startswith("!"):
            if _glob_regex(g[1:]).match(member):
                hit = False
        elif _glob_regex(g).match(member):
            hit = True
    return hit


def _yarnrc(tree: Tree, rel: str) -> str | None:
    """The nearest ``.yarnrc.yml`` at or above ``rel`` (Yarn reads those of parent dirs)."""
    for cand in (rel, *_ancestors(rel)):
        path = _join(cand, ".yarnrc.yml")
        if _is_file(tree, path):
            return path
    return None


def yarn_major(tree: Tree, directory: str) -> int | None:
    """The Yarn major version a project pins: ``packageManager``, else ``yarnPath``."""
    pkg = _json(tree, _join(directory, _PACKAGE_JSON)) or {}
    pm = _package_manager_field(pkg)
    if pm and pm[0] == "yarn" and pm[1] is not None:
        return pm[1]
    rc = _yarnrc(tree, directory)
    if rc:
        path = str((_yaml(tree, rc) or {}).get("yarnPath", ""))
        m = re.search(r"yarn-(\d+)\.[\w.-]*\.c?js$", path)
        if m:
            return int(m.group(1))
    return None


def _yarn_flavour(tree: Tree, rel: str, pm: tuple[str, int | None] | None) -> tuple[str, str]:
    lock = _text(tree, _join(rel, _YARN_LOCK), 2048) or ""
    if pm and pm[0] == "yarn" and pm[1] is not None:
        kind = "yarn-classic" if pm[1] < 2 else "yarn-berry"
        return kind, f"package.json packageManager: yarn@{pm[1]}"
    if "__metadata:" in lock:
        return "yarn-berry", f"{_YARN_LOCK} has __metadata (Yarn 2+ format)"
    rc = _yarnrc(tree, rel)
    if rc:
        return "yarn-berry", f"{rc} present"
    if "yarn lockfile v1" in lock:
        return "yarn-classic", f"{_YARN_LOCK} is a v1 lockfile (Yarn 1)"
    return "yarn-classic", f"{_YARN_LOCK} without Yarn 2+ signs"


def _node(tree: Tree, dirs: dict[str, _Dir]) -> list[Manager]:
    pkgs = {rel: d for rel, d in dirs.items() if _PACKAGE_JSON in d.files}
    ws_globs = {rel: _workspace_globs(tree, rel, d) for rel, d in pkgs.items()}

    def owner_of(rel: str) -> str | None:
        if any(n in pkgs[rel].files for n in _NODE_LOCKS):
            return None
        for anc in _ancestors(rel):
            inside = rel[len(anc) + 1 :] if anc else rel
            if _is_soft(inside):
                continue  # a test fixture is not a workspace member, whatever the globs say
            if ws_globs.get(anc) and _in_workspace(ws_globs[anc], inside):
                return anc
        return None

    roots = _group(pkgs, owner_of)
    out: list[Manager] = []
    for rel, members in roots.items():
        out.extend(_node_managers(tree, dirs[rel], members))
    return out


def _node_managers(tree: Tree, d: _Dir, members: list[str]) -> list[Manager]:
    rel = d.rel
    pkg = _json(tree, _join(rel, _PACKAGE_JSON)) or {}
    pm = _package_manager_field(pkg)
    manifests = [_join(rel, _PACKAGE_JSON), *(_join(m, _PACKAGE_JSON) for m in members)]
    shown = ", ".join(members[:5]) + (f", … ({len(members)} in all)" if len(members) > 5 else "")
    base_ev = [f"workspace members: {shown}"] if members else []
    by_pm: dict[str, list[str]] = {}
    for lock, pmname in _NODE_LOCKS.items():
        if lock in d.files:
            by_pm.setdefault(pmname, []).append(_join(rel, lock))
    chosen: list[tuple[str, list[str], list[str]]] = []  # (pm, locks, evidence)
    if pm and pm[0] in ("npm", "yarn", "pnpm"):
        ev = [f"package.json packageManager: {pkg.get('packageManager')}"]
        others = [lk for p, lks in by_pm.items() if p != pm[0] for lk in lks]
        if others:
            ev.append(f"ignored: {', '.join(others)} (packageManager names {pm[0]})")
        chosen.append((pm[0], by_pm.get(pm[0], []), ev))
    elif by_pm:
        for pmname, lks in by_pm.items():
            chosen.append((pmname, lks, [f"{posixpath.basename(lk)} present" for lk in lks]))
    else:
        ev = ["package.json without a lock file: npm assumed"]
        if pm:
            ev.append(f"package.json packageManager: {pkg.get('packageManager')} (not modelled)")
        chosen.append(("npm", [], ev))
    out = []
    for pmname, locks, ev in chosen:
        name = pmname
        mans = list(manifests)
        if pmname == "yarn":
            name, why = _yarn_flavour(tree, rel, pm)
            if not (pm and pm[0] == "yarn"):
                ev = [*ev, why]
            cache = _join(rel, ".yarn/cache")
            if name == "yarn-berry" and any(n.endswith(".zip") for n, _ in _entries(tree, cache)):
                ev.append(".yarn/cache is committed (zero-installs)")
        if pmname == "pnpm" and _PNPM_WORKSPACE in d.files:
            mans.append(_join(rel, _PNPM_WORKSPACE))
            ev.append(f"{_PNPM_WORKSPACE} present")
        out.append(
            Manager(
                "node",
                name,
                rel,
                tuple(mans),
                tuple(locks),
                (*ev, *base_ev),
                _version_files(tree, rel, VERSION_FILES, "nodejs"),
            )
        )
    return out


# -- cache recipes ----------------------------------------------------------------------------

_DL, _BUILD, _ENV = DOWNLOADS, BUILD_OUTPUT, BUILT_ENV


def _node_modules(b: RecipeBuilder, extra: Sequence[str] = ()) -> Recipe:
    why = "the installed node_modules: skips the install, valid for one lock and Node version"
    return b.recipe(
        f"{b.m.name}-node-modules",
        [CachePath(b.at("node_modules"), _ENV, why)],
        interpreter=True,
        restore=False,
        notes=[
            "not recommended: `npm ci` deletes node_modules before installing, so the restore"
            " only pays if the install is skipped when cache-hit is 'true'",
            "workspace members' own node_modules are not included",
            *extra,
        ],
    )


def _yarnrc_config(tree: Tree, directory: str) -> tuple[str, dict[str, object]]:
    d = directory
    while True:
        path = posixpath.join(d, ".yarnrc.yml") if d else ".yarnrc.yml"
        try:
            if tree.stat(path) == FILE:
                data = yaml.safe_load(tree.read(path).decode("utf-8", "replace"))
                return d, data if isinstance(data, dict) else {}
        except (CachekitError, OSError, ValueError, yaml.YAMLError):
            pass
        if not d:
            return directory, {}
        d = posixpath.dirname(d)


def _node_recipes(tree: Tree, b: RecipeBuilder, built: bool) -> list[Recipe]:
    m = b.m
    out: list[Recipe] = []
    notes = ["setup-node's built-in cache has no restore key: every lock change starts cold"]
    if m.name == "npm":
        why = "npm's download cache (content-addressed tarballs); node_modules is rebuilt"
        paths = [
            CachePath("~/.npm", _DL, why, "Linux"),
            CachePath("~/.npm", _DL, why, "macOS"),
            CachePath("C:\\npm\\cache", _DL, why + " (GitHub's Windows images)", "Windows"),
            CachePath("~\\AppData\\Local\\npm-cache", _DL, why + " (npm's default)", "Windows"),
        ]
        setup = ("actions/setup-node", {"cache": "npm", "cache-dependency-path": b.dep_path})
        out.append(b.recipe("npm", paths, setup=setup, notes=notes))
        if built:
            out.append(_node_modules(b))
        return out
    if m.name == "yarn-classic":
        why = (
            "Yarn 1's global cache (`yarn cache dir`, a v6 folder inside); node_modules is rebuilt"
        )
        paths = os_paths(
            _DL, why, "~/.cache/yarn", "~/Library/Caches/Yarn", "~\\AppData\\Local\\Yarn\\Cache"
        )
        setup = ("actions/setup-node", {"cache": "yarn", "cache-dependency-path": b.dep_path})
        out.append(
            b.recipe(
                "yarn",
                paths,
                setup=setup,
                notes=[*notes, "YARN_CACHE_FOLDER or cache-folder move the cache"],
            )
        )
        if built:
            out.append(_node_modules(b, ["yarn install --frozen-lockfile keeps node_modules"]))
        return out
    if m.name == "yarn-berry":
        rc_dir, rc = _yarnrc_config(tree, m.directory)
        if (
            any("zero-installs" in e for e in m.evidence)
            and rc.get("enableGlobalCache") is not True
        ):
            return []  # the cache is in the repository: nothing to download
        major = yarn_major(tree, m.directory)
        flag = rc.get("enableGlobalCache")
        glob = flag is True or (flag is None and major is not None and major >= 4)
        local = flag is False or (flag is None and major is not None and major < 4)
        folder = rc.get("cacheFolder")
        paths = []
        if glob or not local:
            why = "Yarn's global cache (zip archives; the default from Yarn 4)"
            paths += os_paths(
                _DL,
                why,
                "~/.yarn/berry/cache",
                "~/.yarn/berry/cache",
                "~\\AppData\\Local\\Yarn\\Berry\\cache",
            )
        if local or not glob:
            rel = (
                posixpath.normpath(posixpath.join(rc_dir, folder))
                if isinstance(folder, str) and not folder.startswith(("/", "~", "$"))
                else b.at(".yarn/cache")
            )
            why = "the project's Yarn cache (zip archives; the default in Yarn 2 and 3)"
            paths.append(CachePath(rel, _DL, why))
        extra = []
        if not glob and not local:
            extra.append(
                "the Yarn version is not pinned: both the global and the project cache are"
                " listed (the missing one is skipped)"
            )
        setup = ("actions/setup-node", {"cache": "yarn", "cache-dependency-path": b.dep_path})
        out.append(
            b.recipe(
                "yarn",
                paths,
                setup=setup,
                notes=[
                    "setup-node asks `yarn config get cacheFolder`, so it follows .yarnrc.yml",
                    *extra,
                ],
            )
        )
        if built:
            linker = str(rc.get("nodeLinker", "pnp"))
            if linker == "node-modules":
                out.append(_node_modules(b))
            else:
                why = "Plug'n'Play install state: valid for one lock and Node version"
                pnp = [".pnp.cjs", ".pnp.loader.mjs", ".yarn/unplugged", ".yarn/install-state.gz"]
                out.append(
                    b.recipe(
                        "yarn-pnp",
                        [CachePath(b.at(p), _ENV, why) for p in pnp],
                        interpreter=True,
                        restore=False,
                        notes=["skip `yarn install` when cache-hit is 'true'"],
                    )
                )
        return out
    # pnpm
    why = "pnpm's content-addressable store; node_modules is relinked from it"
    paths = os_paths(
        _DL,
        why,
        "~/.local/share/pnpm/store",
        "~/Library/pnpm/store",
        "~\\AppData\\Local\\pnpm\\store",
    )
    setup = ("actions/setup-node", {"cache": "pnpm", "cache-dependency-path": b.dep_path})
    out.append(
        b.recipe(
            "pnpm",
            paths,
            setup=setup,
            notes=[
                *notes,
                "pnpm/action-setup sets PNPM_HOME, which moves the store to $PNPM_HOME/store:"
                " with it, take the path from a `pnpm store path --silent` step (setup-node"
                " does)",
                "setup-node's cache: pnpm needs pnpm installed before setup-node runs",
            ],
        )
    )
    if built:
        out.append(
            _node_modules(b, ["pnpm links node_modules from the store: restored ones are copies"])
        )
    return out


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

ECOSYSTEM = declare(
    globals(),
    name="node",
    interpreter_tag="node",
    setup_action="actions/setup-node",
    detect=_node,
    recipes=lambda b, built: _node_recipes(b.tree, b, built),
)
