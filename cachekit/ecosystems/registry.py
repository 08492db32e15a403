"""The ecosystems cachekit knows, one line each, and the questions the rest of cachekit asks.

Adding an ecosystem is one module that builds an :class:`~.model.Ecosystem` plus one line in
:data:`ECOSYSTEMS`; its order is the order ``suggest`` lists managers in. Every lookup below is
derived from the declarations, so no other module spells a lock file or a tool's verbs. The
indexes are cached per value of :data:`ECOSYSTEMS`, so a test may extend it.
"""

from __future__ import annotations

import re
from functools import cache

from . import go, java, node, python, ruby, rust
from .model import CacheDir, Ecosystem, NamedDir, PackageManager, Program, Recogniser, Runner, Tool

__all__ = [
    "ECOSYSTEMS",
    "ecosystem",
    "ecosystem_of_tool",
    "install_actions",
    "key_file_names",
    "locks_of_tool",
    "manager",
    "manager_names",
    "managers_of_tool",
    "manifests_of_tool",
    "named_dirs",
    "recogniser_for",
    "runner_for",
    "tool",
    "tooling",
    "tools",
    "tools_in_order",
]

ECOSYSTEMS: tuple[Ecosystem, ...] = (
    python.ECOSYSTEM,
    node.ECOSYSTEM,
    go.ECOSYSTEM,
    rust.ECOSYSTEM,
    java.ECOSYSTEM,
    ruby.ECOSYSTEM,
)


@cache
def _by_name_of(ecosystems: tuple[Ecosystem, ...]) -> dict[str, Ecosystem]:
    return {e.name: e for e in ecosystems}


def ecosystem(name: str) -> Ecosystem:
    """The ecosystem called ``name``; ``KeyError`` for one cachekit does not know."""
    return _by_name_of(ECOSYSTEMS)[name]


@cache
def _tools_of(ecosystems: tuple[Ecosystem, ...]) -> dict[str, tuple[Ecosystem, Tool]]:
    return {t.name: (e, t) for e in ecosystems for t in e.tools}


def tool(name: str) -> Tool | None:
    """The :class:`~.model.Tool` a ``Command.tool`` names, if any ecosystem declares it."""
    found = _tools_of(ECOSYSTEMS).get(name)
    return found[1] if found else None


def tools(ecosystem_name: str) -> frozenset[str]:
    """The ``Command.tool`` names of one ecosystem (``node`` → npm, yarn, pnpm)."""
    return frozenset(t.name for t in ecosystem(ecosystem_name).tools)


def tools_in_order(ecosystem_name: str) -> tuple[str, ...]:
    """The ``Command.tool`` names of one ecosystem, in declaration order."""
    return tuple(t.name for t in ecosystem(ecosystem_name).tools)


def ecosystem_of_tool(name: str) -> str | None:
    """``cargo`` → ``rust``; None for a program no ecosystem declares."""
    found = _tools_of(ECOSYSTEMS).get(name)
    return found[0].name if found else None


def install_actions(name: str) -> frozenset[str]:
    """The actions of tool ``name`` that install (empty for an unknown tool)."""
    t = tool(name)
    return t.installs if t else frozenset()


@cache
def _managers_of(ecosystems: tuple[Ecosystem, ...]) -> dict[str, tuple[Ecosystem, PackageManager]]:
    return {m.name: (e, m) for e in ecosystems for m in e.managers}


def manager(name: str) -> PackageManager:
    """The package manager called ``name`` (``yarn-berry``); ``KeyError`` when unknown."""
    return _managers_of(ECOSYSTEMS)[name][1]


def manager_names(ecosystem_name: str) -> tuple[str, ...]:
    """The package managers of one ecosystem, in detection order."""
    return tuple(m.name for m in ecosystem(ecosystem_name).managers)


def managers_of_tool(name: str) -> tuple[str, ...]:
    """The package managers tool ``name`` acts for, most likely first (``(name,)`` if none)."""
    t = tool(name)
    return t.managers if t and t.managers else (name,)


def locks_of_tool(name: str) -> tuple[str, ...]:
    """The lock files tool ``name`` installs from: those of the manager it acts for first."""
    t = tool(name)
    if t is None or not t.managers:
        return ()
    return manager(t.managers[0]).locks


def manifests_of_tool(name: str) -> tuple[str, ...]:
    """The manifests tool ``name`` reads when no lock decides: its first manager's."""
    t = tool(name)
    if t is None or not t.managers:
        return ()
    return manager(t.managers[0]).manifests


def key_file_names() -> frozenset[str]:
    """Every lock and manifest base name of every manager: what a dependency key hashes."""
    return frozenset(n for e in ECOSYSTEMS for m in e.managers for n in (*m.locks, *m.manifests))


def tooling(*, ci: bool = False) -> frozenset[str]:
    """Packages that only upgrade the installers (with ``ci``, also those CI installs to drive
    the build): installing them shapes no cached environment."""
    out: set[str] = set()
    for e in ECOSYSTEMS:
        out |= e.tooling
        if ci:
            out |= e.ci_tooling
    return frozenset(out)


def cache_dirs() -> tuple[tuple[Ecosystem, CacheDir], ...]:
    """Every ecosystem's cache directories, in registry order."""
    return tuple((e, d) for e in ECOSYSTEMS for d in e.cache_dirs)


def named_dirs() -> tuple[tuple[Ecosystem, NamedDir], ...]:
    """Every ecosystem's named directories: the early ones of each ecosystem, then the late."""
    early = [(e, d) for e in ECOSYSTEMS for d in e.named_dirs if not d.late]
    late = [(e, d) for e in ECOSYSTEMS for d in e.named_dirs if d.late]
    return (*early, *late)


@cache
def _programs_of(ecosystems: tuple[Ecosystem, ...]) -> tuple[tuple[re.Pattern[str], Program], ...]:
    return tuple((re.compile(p.pattern, re.I), p) for e in ecosystems for p in e.programs)


def recogniser_for(name: str) -> Recogniser | None:
    """The recogniser for a program's base name (``pip3.12``, ``mvnw``), if one is declared."""
    programs = _programs_of(ECOSYSTEMS)
    return next((p.recognise for rx, p in programs if p.recognise and rx.fullmatch(name)), None)


def runner_for(name: str) -> Runner | None:
    """The runner for a program that runs other commands (``uv``, ``poetry``), if declared."""
    programs = _programs_of(ECOSYSTEMS)
    return next((p.runner for rx, p in programs if p.runner and rx.fullmatch(name)), None)
