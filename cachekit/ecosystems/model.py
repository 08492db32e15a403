"""The interface an ecosystem module implements: the facts it declares once, as values.

An ecosystem (Python, Node, Go, Rust, Java…) is one module in :mod:`cachekit.ecosystems` that
states its facts as constants, builds one :class:`Ecosystem` from them with
:func:`~cachekit.ecosystems.declare.declare`, and is listed once in
:mod:`cachekit.ecosystems.registry`.
Everything else — the ``run:`` script reader, the path classifier, the checks, ``suggest`` —
asks the registry, so a lock file's name, a tool's install verbs or a cache directory's default
location is written in exactly one place.

Three kinds of names, because the world has three:

* a **tool** is a program a script runs (``Command.tool``: ``pip``, ``pip-sync``, ``yarn``,
  ``uv``); a :class:`Tool` says which of its actions install and which package managers it
  acts for, most likely first;
* a **package manager** is what a project is set up for, as :mod:`cachekit.suggest.ecosystems`
  detects it (``pip-tools``, ``yarn-berry``): a :class:`PackageManager` names its lock and
  manifest files;
* a **cache directory** (:class:`CacheDir`) or a **named directory** (:class:`NamedDir`) is
  what a cached ``path:`` can point at, with what it holds (:data:`Holds`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # annotations only: the modules these name import this one
    from .commands import Command, Ctx, Prefixes, State
    from .detect import Detector
    from .recipe import RecipeMaker

__all__ = [
    "BUILD_OUTPUT",
    "BUILT_ENV",
    "DOWNLOADS",
    "OSES",
    "TOOL_STATE",
    "UNKNOWN",
    "CacheDir",
    "Ecosystem",
    "Holds",
    "Locations",
    "NamedDir",
    "PackageManager",
    "Program",
    "Recogniser",
    "Runner",
    "RunnerOS",
    "Tool",
]

Holds = Literal["download-cache", "built-env", "tool-cache", "build-output", "unknown"]
"""What a cached path holds — the one vocabulary of :func:`~cachekit.environments.classify_path`
and of ``suggest``'s recipes.

``download-cache``: what a package manager fetched (a stale one costs only time);
``built-env``: installed, often compiled files valid for one interpreter, OS and architecture;
``tool-cache``: a tool's own state (``.tox``, a toolchain); ``build-output``: what a build
produced, including compilers' content-addressed caches (``GOCACHE``, Cargo's ``target/``);
``unknown``: nothing cachekit knows keeps it."""

DOWNLOADS: Holds = "download-cache"
BUILT_ENV: Holds = "built-env"
TOOL_STATE: Holds = "tool-cache"
BUILD_OUTPUT: Holds = "build-output"
UNKNOWN: Holds = "unknown"

RunnerOS = Literal["Linux", "macOS", "Windows"]
OSES: tuple[RunnerOS, ...] = ("Linux", "macOS", "Windows")

Locations = Mapping[str, Mapping[RunnerOS, str]]
"""Default directories by the environment variable that overrides them, per runner OS."""

Recogniser = Callable[[list[str], "Ctx"], "list[Command]"]
"""``(argv, ctx) -> commands``: the :class:`~cachekit.environments.Command` records for one
simple command whose program (``argv[0]``, prefixes and wrappers removed) the recogniser was
registered for. ``[]`` when the words are not an invocation it models (``npm --version``)."""

Runner = Callable[[list[str], "Prefixes", "State"], "list[str] | None"]
"""``(argv, prefixes, state) -> inner argv``: for a program that runs another command in an
environment it manages (``uv run pytest``, ``poetry run pip install x``), the inner command's
words, after recording in ``prefixes`` what it ran under (``via``, the venv, a ``uv run``
record of its own); None when these words are not such a run."""


@dataclass(frozen=True)
class Program:
    """A program a script can call, by name: ``pattern`` is a regular expression matched
    (case-insensitively) against the whole base name, ``.exe``/``.cmd`` removed (``pip3.12``,
    ``mvnw``). ``recognise`` reads its install commands; ``runner`` unwraps the command it runs,
    when it runs others."""

    pattern: str
    recognise: Recogniser | None = None
    runner: Runner | None = None


@dataclass(frozen=True)
class Tool:
    """A program a ``run:`` script invokes, as :class:`~cachekit.environments.Command` names it.

    ``installs``: the actions that put packages into an environment or into the store a build
    reads (see ``Command.installs``). ``managers``: the package managers it acts for, most
    likely first (``pip-sync`` works for a pip-tools project, then a plain pip one).
    ``opaque``: it builds environments of its own that the workflow does not show (tox, nox).
    """

    name: str
    installs: frozenset[str] = frozenset()
    managers: tuple[str, ...] = ()
    opaque: bool = False


@dataclass(frozen=True)
class PackageManager:
    """A package manager a project is set up for, and the file names that drive it.

    ``locks`` and ``manifests`` are base names (``poetry.lock``, ``pyproject.toml``); the first
    of each is the canonical one. Lock files found by pattern (compiled requirements,
    ``conda-lock.yml`` variants) are the detector's business.
    """

    name: str
    locks: tuple[str, ...] = ()
    manifests: tuple[str, ...] = ()


@dataclass(frozen=True)
class CacheDir:
    """A directory a tool keeps, by location: ``{VAR}`` is a :attr:`Ecosystem.locations` entry.

    ``bound``: its contents are built for one interpreter/OS/architecture. ``generic``: it holds
    many tools' things (``~/.cache``), the weakest match.
    """

    template: str
    holds: Holds
    tool: str | None
    reason: str
    bound: bool
    generic: bool = False


@dataclass(frozen=True)
class NamedDir:
    """A directory recognised by its name wherever it is (``node_modules``, ``.tox``, ``target``).

    ``pattern`` is a regular expression for one or more path segments. ``late``: checked only
    after every ecosystem's other names (build byproducts such as ``__pycache__`` or
    ``.next/cache`` lose to an environment named in the same path).
    """

    pattern: str
    holds: Holds
    tool: str | None
    reason: str
    bound: bool
    late: bool = False

    def compiled(self) -> re.Pattern[str]:
        return re.compile(r"(?:^|/)" + self.pattern + r"(?:/|$)")


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object per ecosystem
class Ecosystem:
    """Everything cachekit knows about one ecosystem, declared once.

    - ``name``: ``python`` | ``node`` | ``go`` | ``rust`` | ``java`` | …
    - ``interpreter_tag``: the key token for its interpreter/toolchain (``py``, ``node``,
      ``rustc``), as in ``Linux-X64-pip-venv-py3.12-…``.
    - ``setup_action``: the ``actions/setup-*`` action that installs its interpreter, if any.
    - ``tools``, ``managers``: see :class:`Tool`, :class:`PackageManager` (in detection order).
    - ``tooling``: packages whose installation only upgrades the installers themselves
      (``pip install -U pip wheel``): such an install shapes no cached environment.
    - ``ci_tooling``: packages CI installs to drive the build (``twine``, ``coverage``), not
      dependencies of the project; with ``tooling``, what a key need not hash.
    - ``locations``: per-OS default directories (``{OTHER}`` refers to another entry, of any
      ecosystem), named by the environment variable that overrides them; ``synonyms``: other
      spellings of those variables (``npm_config_cache``).
    - ``cache_dirs``, ``named_dirs``: what a cached path can be (:class:`CacheDir`,
      :class:`NamedDir`).
    - ``programs``: the programs whose command lines it reads (:class:`Program`), in order:
      the first whose pattern matches a program's name is used.
    - ``detect``: finds its package managers in a tree (:data:`~.detect.Detector`);
      ``recipes``: writes their caches (:data:`~.recipe.RecipeMaker`).
    - ``version_files``: files naming the interpreter/toolchain version (``.nvmrc``).
    """

    name: str
    interpreter_tag: str
    setup_action: str | None = None
    tools: tuple[Tool, ...] = ()
    managers: tuple[PackageManager, ...] = ()
    tooling: frozenset[str] = frozenset()
    ci_tooling: frozenset[str] = frozenset()
    locations: Locations = field(default_factory=dict)
    synonyms: Mapping[str, str] = field(default_factory=dict)
    cache_dirs: tuple[CacheDir, ...] = ()
    named_dirs: tuple[NamedDir, ...] = ()
    programs: tuple[Program, ...] = ()
    detect: Detector | None = None
    recipes: RecipeMaker | None = None
    version_files: tuple[str, ...] = ()
