"""``path-never-populated``: a cached path that nothing in the job writes.

A download cache the installer does not use (``~/.cache/pip`` under uv or ``--no-cache-dir``,
``~/.npm`` under Yarn or pnpm) or a venv nothing creates: every save stores nothing useful.
Only checked when cachekit sees every command of the job (no opaque script).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

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
    path = _norm(cls.path)
    if cls.kind == "download-cache":
        for install in after:
            cmd = install.command
            opts = {k for k, _ in cmd.options}
            env = dict(cmd.env) | install.step.env
            tool = cmd.tool
            if tool == "uv" and cmd.action in ("pip-install", "pip-sync"):
                tool = "uv"
            if cls.tool in (None, tool) or (cls.tool == "pip" and tool == "pip-sync"):
                if tool in ("pip", "pip-sync") and (
                    "--no-cache-dir" in opts
                    or env.get("PIP_NO_CACHE_DIR", "").lower() in ("1", "true", "yes", "off")
                ):
                    continue
                return True
        return False
    # a built environment: something creates or installs into it
    for _step, cmd in info.commands:
        if cmd.action == "venv" and cmd.venv and _norm(cmd.venv) == path:
            return True
    for install in after:
        target = install.target
        if target.startswith("venv:") and _norm(target[5:]) == path:
            return True
        if target == "interpreter" and cls.tool == "pip" and "hostedtoolcache" in cls.path:
            return True
        if target == "interpreter" and "site-packages" in path:
            return True
        if target.startswith("tool:") and cls.tool == target[5:]:
            return True
        if target == "node_modules" and path.endswith("node_modules"):
            return True
        if target == "user" and ".local" in path:
            return True
        if target.startswith("dir:") and _norm(target[4:]) == path:
            return True
    return False


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
