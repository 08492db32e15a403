"""actions/setup-node's built-in package-manager cache (``cache: npm | yarn | pnpm``).

Key templates by release, from ``src/cache-restore.ts`` and ``src/cache-utils.ts`` at each tag:

=======  ===========================================================================
v2.2.0   ``node-cache-{OS}-{pm}-{hash}``, no restore key; npm looks for
         ``package-lock.json`` then ``yarn.lock`` at the workspace root
v2.3.0   pnpm (``pnpm-lock.yaml``)
v2.4.0   ``cache-dependency-path`` replaces the root lock-file search
v3.4.0   npm also accepts ``npm-shrinkwrap.json`` (between the two)
v3.7.0   yarn berry with a local (non-global) cache gets the restore key ``node-cache-{OS}-yarn``
v4.1.0   ``node-cache-{OS}-{arch}-{pm}-{hash}`` (``os.arch()``: ``x64``, ``arm64``)
v5.0.0   caching turns on by itself when package.json's ``packageManager`` names npm, yarn or
         pnpm (``package-manager-cache: false`` opts out)
v6.0.0   …only for npm, read from ``devEngines.packageManager`` or ``packageManager``
=======  ===========================================================================

The cached paths are the package manager's global cache (``npm config get cache``,
``pnpm store path``, ``yarn cache dir``) — never ``node_modules``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ...expressions import Unknown
from ..model import ActionError, CacheSpec, KeyTemplate, RunnerEnv, unknown_path
from ._common import POST_SAVE_NOTE, HashFn, hash_component, inp, pick_release, rejected, spec
from .interface import CachingAction, Exports, StepCall
from .version_files import node_version_from_file

__all__ = ["SetupNode", "auto_cache_package_manager", "setup_node_cache"]

ACTION = "actions/setup-node"


def _lock_files(pm: str, v: tuple[int, int, int]) -> list[str]:
    if pm == "npm":
        if v >= (3, 4, 0):
            return ["package-lock.json", "npm-shrinkwrap.json", "yarn.lock"]
        return ["package-lock.json", "yarn.lock"]
    return ["pnpm-lock.yaml"] if pm == "pnpm" else ["yarn.lock"]


def auto_cache_package_manager(
    major_version: tuple[int, int, int], package_json: str
) -> str | None:
    """The package manager setup-node ≥ v5 caches without ``cache:``, from package.json text."""
    try:
        data = json.loads(package_json)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    if major_version < (6, 0, 0):
        pm = data.get("packageManager")
        if isinstance(pm, str):
            m = re.match(r"^(?:\^)?(npm|yarn|pnpm)@", pm)
            return m.group(1) if m else None
        return None
    npm = re.compile(r"^(\^)?npm(@.*)?$")
    dev = data.get("devEngines")
    dev_pm = dev.get("packageManager") if isinstance(dev, dict) else None
    for obj in dev_pm if isinstance(dev_pm, list) else [dev_pm] if dev_pm else []:
        if isinstance(obj, dict) and isinstance(obj.get("name"), str) and npm.match(obj["name"]):
            return "npm"
    top = data.get("packageManager")
    return "npm" if isinstance(top, str) and npm.match(top) else None


def _paths(pm: str, runner: RunnerEnv) -> tuple[list[str], str]:
    if pm == "npm":
        if runner.windows:
            return ["C:\\npm\\cache"], (
                "path is `npm config get cache`: C:\\npm\\cache is what GitHub's Windows images"
                " configure (npm's own default is %LocalAppData%\\npm-cache)"
            )
        p = runner.join(runner.home, ".npm")
        return [p], f"path is `npm config get cache`, by default {p}"
    if pm == "pnpm":
        return [unknown_path("pnpm store path --silent")], (
            "path is `pnpm store path --silent`, which depends on the pnpm version"
        )
    return [unknown_path("yarn cache dir")], (
        "path is `yarn cache dir` (yarn 1) or `yarn config get cacheFolder` (yarn 2+), run in"
        " each cache-dependency-path directory"
    )


def setup_node_cache(
    major: int,
    inputs: Mapping[str, str],
    runner: RunnerEnv,
    hash_files: HashFn,
    *,
    release: str | None = None,
    package_json: str | None = None,
) -> CacheSpec | None:
    """The cache ``actions/setup-node@v{major}`` restores and saves; ``None`` when off.

    ``package_json`` is the text of the workspace root's package.json, needed to decide
    v5+'s automatic caching (absent: no automatic caching). ``hash_files`` probes and hashes
    lock files at the workspace root.
    """
    rel = pick_release(ACTION, major, release)
    v = rel.version
    ref = release or f"v{major}"
    if v < (2, 2, 0):
        return None
    notes: list[str] = []
    pm = inp(inputs, "cache")
    opted_in = (inp(inputs, "package-manager-cache") or "true").upper() == "TRUE"
    if not pm and v >= (5, 0, 0) and package_json is not None and opted_in:
        auto = auto_cache_package_manager(v, package_json)
        if auto:
            pm = auto
            notes.append(
                f"caching is on because package.json names {auto} as its package"
                " manager (set package-manager-cache: false to opt out)"
            )
    if not pm:
        return None
    if pm not in ("npm", "yarn", "pnpm") or (pm == "pnpm" and v < (2, 3, 0)):
        return rejected(
            rel=rel, ref=ref, name=pm, runner=runner, fails=f"Caching for '{pm}' is not supported"
        )
    deps = inp(inputs, "cache-dependency-path") if v >= (2, 4, 0) else ""
    fails = None
    if deps:
        hashed = hash_component(hash_files, deps.split("\n"))
    else:
        names = _lock_files(pm, v)
        # A digest of None (files cachekit cannot see) counts as found: the key is unknowable.
        found = next((n for n in names if hash_component(hash_files, [n]).digest != ""), None)
        if found is None:
            hashed = hash_component(hash_files, [names[0]])
            fails = (
                "Dependencies lock file is not found in {workspace}. Supported file"
                f" patterns: {','.join(names)}"
            )
        else:
            hashed = hash_component(hash_files, [found])
            notes.append(
                f"the lock file is {found} at the workspace root (the action hashes its"
                " absolute path; the digest is the same)"
            )
    if fails is None and hashed.digest == "":
        fails = "Some specified paths were not resolved, unable to cache dependencies."

    prefix = KeyTemplate.of("node-cache-", runner.context("runner.os", runner.os))
    if v >= (4, 1, 0):
        prefix += KeyTemplate.of("-", runner.context("os.arch()", runner.node_arch))
    prefix += f"-{pm}"
    key = KeyTemplate.of(prefix, "-", hashed)
    if pm == "yarn" and v >= (3, 7, 0):
        notes.append(
            f"yarn berry projects with enableGlobalCache: false (and no committed"
            f" .yarn/cache) also restore from the prefix {prefix.render()}"
        )
    paths, pnote = _paths(pm, runner)
    notes.append(pnote)
    notes.append(
        "cache-hit is true for any restored entry (src/cache-restore.ts: Boolean(cacheKey)):"
        " only the exact key, except the yarn-berry prefix above"
        if pm == "yarn" and v >= (3, 7, 0)
        else "cache-hit is true for any restored entry (src/cache-restore.ts: Boolean(cacheKey)),"
        " but the lookup passes no restore keys, so only this exact key restores"
    )
    notes.append(POST_SAVE_NOTE)
    return spec(
        rel=rel,
        ref=ref,
        name=pm,
        key=key,
        restore_keys=(),
        paths=paths,
        runner=runner,
        notes=notes,
        fails=fails,
    )


class SetupNode(CachingAction):
    """``actions/setup-node``: ``cache: npm | yarn | pnpm``, or v5+'s automatic npm cache."""

    name = ACTION
    log_patterns = (
        # src/cache-restore.ts
        ("restored_from", r"Cache restored from key: (.*)"),
        ("not_found_pm", r"(?:npm|yarn|pnpm) cache is not found"),
    )

    def prepare(self, call: StepCall) -> Mapping[str, str]:
        """No ``node-version``: the spec the release reads from ``node-version-file``."""
        path = call.text("node-version-file").strip()
        if call.text("node-version").strip() or not path:
            return {}
        try:
            v = self.resolve(call).release.version
        except ActionError:
            return {}
        text = call.read_text(path)
        found = node_version_from_file(path, text, v, call.read_text) if text else None
        return {"node-version": found} if found else {}

    def exports(self, call: StepCall) -> Exports:
        """``node-version`` (v3.4.0+): ``node --version`` after installing, known when the spec
        is one exact version (``20.11.1`` installs ``v20.11.1``); a range or alias resolves to
        the newest matching release when the job runs."""
        try:
            v = self.resolve(call).release.version
        except ActionError:
            return Exports()
        if v < (3, 4, 0):
            return Exports()
        spec_text = call.text("node-version").strip()
        exact = re.fullmatch(r"v?(\d+\.\d+\.\d+)", spec_text)
        version: Any = (
            f"v{exact.group(1)}"
            if exact
            else Unknown("node-version", f"the Node that '{spec_text or 'the runner'}' installs")
        )
        return Exports(
            outputs={"node-version": version, "cache-hit": Unknown("cache-hit", "at run")}
        )

    def enabled(self, call: StepCall) -> bool:
        if call.text("cache"):
            return True
        if (call.text("package-manager-cache") or "true").upper() != "TRUE":
            return False
        try:
            version = self.resolve(call).release.version
        except ActionError:
            return False
        package_json = call.read_text("package.json")
        return (
            version >= (5, 0, 0)
            and package_json is not None
            and auto_cache_package_manager(version, package_json) is not None
        )

    def specs(self, call: StepCall) -> tuple[CacheSpec, ...]:
        assert call.runner is not None
        release = self.resolve(call).release
        one = setup_node_cache(
            release.major,
            call.strings(),
            call.runner,
            call.hash_files,
            release=release.tag,
            package_json=call.read_text("package.json"),
        )
        return (one,) if one else ()
