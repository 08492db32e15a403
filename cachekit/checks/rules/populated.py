"""``path-never-populated``: a cached path that nothing in the job writes.

A download cache the installer does not use (``~/.cache/pip`` under uv or ``--no-cache-dir``,
``~/.npm`` under Yarn or pnpm) or a venv nothing creates: every save stores nothing useful.
Only checked when cachekit sees every command of the job (no opaque script).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from typing import Final

from ...environments.paths import PathClass
from ...findings import CODES, Code
from ..installs import Install, JobInstalls
from ..model import CheckFinding
from ..rule import CacheFacts, CheckContext, cache_rule, finding, short_list


@cache_rule("populated", Code.PATH_NEVER_POPULATED)
def never_populated(ctx: CheckContext, cache: CacheFacts) -> Iterator[CheckFinding]:
    ecosystem = cache.ecosystem
    info = ctx.job_installs(cache.job)
    if ecosystem is None or not cache.saves or info.opaque:
        return
    after = ctx.after(cache)
    if ecosystem == "node" and not after:
        return  # no Node install in the job: nothing to compare the paths with
    for cls in cache.classes:
        if cls.ecosystem != ecosystem or cls.kind not in ("download-cache", "built-env"):
            continue
        if cls.path.startswith("!"):
            continue
        if _populates(cls, after, info):
            continue
        what = {
            "download-cache": f"{cls.tool or 'the installer'}'s download cache",
            "built-env": "an installed environment",
        }[cls.kind]
        yield finding(
            Code.PATH_NEVER_POPULATED,
            f"{cls.path} is {what}, but nothing in the job writes there "
            f"({_why_not(cls, after)}): the cache saves nothing useful",
            at=cache.at,
            job=cache.job,
            fix=_populate_fix(cls, after),
        )


def _norm(path: str) -> str:
    p = path.replace("\\", "/").rstrip("/")
    if p.startswith("./"):
        p = p[2:]
    return posixpath.normpath(p) if p else p


def _populates(cls: PathClass, after: tuple[Install, ...], info: JobInstalls) -> bool:
    if cls.kind == "download-cache":
        return any(_uses_download_cache(cls, install) for install in after)
    # a built environment: something creates it, or installs into it
    path = _norm(cls.path)
    for _step, cmd in info.commands:
        if cmd.action == "venv" and cmd.venv and _norm(cmd.venv) == path:
            return True
    return any(_installs_into(cls, path, install.target) for install in after)


_NO_CACHE: Final = ("1", "true", "yes", "off")


def _uses_download_cache(cls: PathClass, install: Install) -> bool:
    """The install's tool is the cache's, and it does not turn its cache off."""
    cmd = install.command
    tool = cmd.tool
    if cls.tool not in (None, tool) and not (cls.tool == "pip" and tool == "pip-sync"):
        return False
    if tool not in ("pip", "pip-sync"):
        return True
    env = dict(cmd.env) | install.step.env
    no_cache = "--no-cache-dir" in {k for k, _ in cmd.options}
    return not no_cache and env.get("PIP_NO_CACHE_DIR", "").lower() not in _NO_CACHE


# Install target (its prefix up to ':') → whether it writes the cached path (normalised).
_TARGETS: Final[dict[str, Callable[[PathClass, str, str], bool]]] = {
    "venv": lambda cls, path, where: _norm(where) == path,
    "dir": lambda cls, path, where: _norm(where) == path,
    "tool": lambda cls, path, where: cls.tool == where,
    "interpreter": lambda cls, path, where: (
        (cls.tool == "pip" and "hostedtoolcache" in cls.path) or "site-packages" in path
    ),
    "node_modules": lambda cls, path, where: path.endswith("node_modules"),
    "user": lambda cls, path, where: ".local" in path,
}


def _installs_into(cls: PathClass, path: str, target: str) -> bool:
    kind, _, where = target.partition(":")
    check = _TARGETS.get(kind)
    return check is not None and check(cls, path, where)


def _why_not(cls: PathClass, after: tuple[Install, ...]) -> str:
    if not after:
        return "no install runs after the cache step"
    tools = sorted({i.command.tool for i in after})
    return "the installs use " + short_list(tools)


def _populate_fix(cls: PathClass, after: tuple[Install, ...]) -> str:
    tools = {i.command.tool for i in after}
    if cls.kind == "download-cache" and "uv" in tools:
        return "Cache ~/.cache/uv (uv's cache), or use astral-sh/setup-uv with enable-cache: true"
    if cls.kind == "download-cache" and "poetry" in tools:
        return "Cache ~/.cache/pypoetry, or setup-python's cache: poetry"
    if cls.kind == "built-env":
        return f"Create the environment there (python -m venv {cls.path}) and install into it"
    return CODES[Code.PATH_NEVER_POPULATED].fix
