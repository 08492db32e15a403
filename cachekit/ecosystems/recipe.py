"""A cache recipe, as an ecosystem module writes one: the paths, the key, the setup action.

An ecosystem's recipe maker (:data:`RecipeMaker`) gets a :class:`RecipeBuilder` for one detected
:class:`~cachekit.ecosystems.detect.Manager`: the builder knows the files the key must hash and
their ``hashFiles`` patterns (:mod:`cachekit.suggest.recipes` computes them on the tree) and
turns a label, the paths and the trade-offs into a :class:`Recipe`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ..fs.trees import Tree
from .detect import Manager
from .model import BUILD_OUTPUT, BUILT_ENV, DOWNLOADS, Holds

__all__ = [
    "INTERPRETER",
    "KINDS",
    "CachePath",
    "Recipe",
    "RecipeBuilder",
    "RecipeMaker",
    "os_paths",
]

INTERPRETER = "{interpreter}"
"""Placeholder for the interpreter/toolchain version part of a key, substituted by the caller."""

KINDS: tuple[Holds, ...] = (DOWNLOADS, BUILD_OUTPUT, BUILT_ENV)
"""What a recipe's paths hold, least fragile first, in the one vocabulary of
:data:`cachekit.ecosystems.Holds`: ``download-cache``: what the package manager fetched (safe to
restore from any older key); ``build-output``: here a compiler's content-addressed cache (safe
across locks, not toolchains); ``built-env``: an installed environment (only valid for the exact
lock and interpreter)."""


@dataclass(frozen=True)
class CachePath:
    """One ``path:`` line of an ``actions/cache`` step."""

    path: str
    kind: Holds
    why: str
    runner_os: str | None = None
    """``Linux`` | ``macOS`` | ``Windows`` when the path is that OS's location; None for all."""


@dataclass(frozen=True)
class Recipe:
    """One way to cache one manager's dependencies."""

    manager: Manager
    paths: tuple[CachePath, ...]
    key_files: tuple[str, ...]
    """``hashFiles`` patterns, verified to match exactly :func:`key_inputs` on the tree."""
    key_needs_interpreter: bool
    key_template: str
    restore_keys: tuple[str, ...]
    setup_action: tuple[str, dict[str, str]] | None = field(hash=False)
    notes: tuple[str, ...]

    def paths_for(self, runner_os: str | None) -> tuple[str, ...]:
        """The ``path:`` lines for one runner OS (None: every OS's, missing ones are skipped)."""
        return tuple(
            dict.fromkeys(
                p.path
                for p in self.paths
                if runner_os is None or p.runner_os is None or p.runner_os == runner_os
            )
        )

    @property
    def kind(self) -> Holds:
        """The most fragile kind among the paths (``built-env`` > ``build-output`` > download)."""
        return max((p.kind for p in self.paths), key=KINDS.index, default="download-cache")


class RecipeBuilder(Protocol):
    """What a recipe maker is handed for one manager (implemented in :mod:`cachekit.suggest`)."""

    m: Manager
    tree: Tree
    dep_path: str
    """The key's ``hashFiles`` patterns, one per line: a setup action's dependency-path input."""

    def at(self, rel: str) -> str:
        """A project-relative path as an ``actions/cache`` path."""
        ...

    def recipe(
        self,
        label: str,
        paths: Sequence[CachePath],
        *,
        interpreter: bool = False,
        restore: bool = True,
        setup: tuple[str, dict[str, str]] | None = None,
        notes: Sequence[str] = (),
    ) -> Recipe:
        """A recipe keyed on the manager's files (plus the interpreter when ``interpreter``),
        with a restore key unless ``restore`` is False."""
        ...


RecipeMaker = Callable[[RecipeBuilder, bool], list[Recipe]]
"""``(builder, built_env) -> recipes``: the download cache first, then the built environment
or build cache when asked for (``built_env``) or when it is the manager's norm."""


def os_paths(kind: Holds, why: str, linux: str, macos: str, windows: str) -> list[CachePath]:
    """One entry per OS location, or a single one when every OS agrees."""
    if linux == macos == windows:
        return [CachePath(linux, kind, why)]
    return [
        CachePath(linux, kind, why, "Linux"),
        CachePath(macos, kind, why, "macOS"),
        CachePath(windows, kind, why, "Windows"),
    ]
