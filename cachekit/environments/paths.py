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

Each ecosystem declares its tools' default locations per OS (with the documentation they come
from), its cache directories and its directories known by name in its module of
:mod:`cachekit.ecosystems`; this module adds the directories no one ecosystem owns (the user
cache and app-data directories, the runner's tool cache, compiler caches, the home directory).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..ecosystems import (
    BUILD_OUTPUT,
    DOWNLOADS,
    ECOSYSTEMS,
    OSES,
    TOOL_STATE,
    UNKNOWN,
    CacheDir,
    RunnerOS,
)
from ..ecosystems.registry import cache_dirs, named_dirs

__all__ = ["PathClass", "classify_path", "default_directory"]


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
# env value of X). An entry missing for an OS means the variable has no default there. The
# ecosystems' own come from the registry; these belong to no one ecosystem.
_L: RunnerOS = "Linux"
_M: RunnerOS = "macOS"
_W: RunnerOS = "Windows"
_GENERIC_LOCATIONS: dict[str, Mapping[RunnerOS, str]] = {
    "XDG_CACHE_HOME": {_L: "~/.cache", _M: "~/.cache"},
    "XDG_DATA_HOME": {_L: "~/.local/share", _M: "~/.local/share"},
    "LOCALAPPDATA": {_W: "~/AppData/Local"},
    "APPDATA": {_W: "~/AppData/Roaming"},
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
}
_LOCATIONS: dict[str, dict[str, str]] = {
    k: dict(v.items())
    for k, v in (*_GENERIC_LOCATIONS.items(), *(i for e in ECOSYSTEMS for i in e.locations.items()))
}
# Other spellings of the same override.
_SYNONYMS = {
    "AGENT_TOOLSDIRECTORY": "RUNNER_TOOL_CACHE",
    **{k: v for e in ECOSYSTEMS for k, v in e.synonyms.items()},
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


_GENERIC_DIRS = (
    CacheDir(
        "{SCCACHE_DIR}",
        BUILD_OUTPUT,
        "sccache",
        ("sccache's compiler output cache, keyed by compiler and inputs"),
        False,
    ),
    CacheDir(
        "{CCACHE_DIR}",
        BUILD_OUTPUT,
        "ccache",
        "ccache's compiler output cache, keyed by compiler and inputs",
        False,
    ),
    CacheDir(
        "~/.ccache",
        BUILD_OUTPUT,
        "ccache",
        "ccache's compiler output cache, keyed by compiler and inputs",
        False,
    ),
    CacheDir(
        "{RUNNER_TOOL_CACHE}",
        TOOL_STATE,
        None,
        ("the runner's tool cache: interpreters and SDKs for one OS and architecture"),
        True,
    ),
    CacheDir(
        "{XDG_CACHE_HOME}",
        DOWNLOADS,
        None,
        ("the whole user cache directory: pip, uv, pre-commit and other tools' caches together"),
        False,
        generic=True,
    ),
    CacheDir(
        "~/Library/Caches",
        DOWNLOADS,
        None,
        ("the whole macOS user cache directory: many tools' caches together"),
        False,
        generic=True,
    ),
    CacheDir(
        "{LOCALAPPDATA}",
        DOWNLOADS,
        None,
        ("the whole Windows local app-data directory: many tools' caches and data together"),
        False,
        generic=True,
    ),
    CacheDir(
        "~/.local/share",
        UNKNOWN,
        None,
        "~/.local/share holds many applications' data (flatpak runtimes, fonts, …); Python's"
        " tools there have their own rules",
        False,
    ),
    CacheDir(
        "~",
        UNKNOWN,
        None,
        "the whole home directory: every tool's files at once",
        False,
        generic=True,
    ),
)


def _rule(ecosystem: str | None, d: CacheDir) -> _Rule:
    return _Rule(d.template, d.holds, ecosystem, d.tool, d.reason, d.bound, d.generic)


# The ecosystems' directories first, then the generic ones (the score decides, not the order).
_RULES: tuple[_Rule, ...] = (
    *(_rule(e.name, d) for e, d in cache_dirs()),
    *(_rule(None, d) for d in _GENERIC_DIRS),
)


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
# that matches wins, so combinations come before their parts: each ecosystem's early names, then
# the late ones (build byproducts), then plain build output.
_PARTS: tuple[_Part, ...] = (
    *(_part(d.pattern, d.holds, e.name, d.tool, d.reason, d.bound) for e, d in named_dirs()),
    _part(r"(?:build|dist|out)", BUILD_OUTPUT, None, None, "build output", False),
)

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


def default_directory(variable: str, os: str = "Linux") -> str:
    """Where ``variable`` (``PIP_CACHE_DIR``, ``npm_config_cache``) points on a runner of ``os``
    when nothing sets it: ``~/.cache/pip``; ``<NAME>`` for a variable without a default."""
    return _root("{" + variable + "}", _os(os), {})


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
