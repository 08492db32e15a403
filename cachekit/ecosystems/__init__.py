"""Ecosystems as plug-ins: what cachekit knows about each language's package managers.

Each ecosystem is one module (:mod:`.python`, :mod:`.node`, :mod:`.go`, :mod:`.rust`,
:mod:`.java`) that declares once, as an :class:`~.model.Ecosystem`: its tools and the actions
that install, its package managers with their lock and manifest file names, the packages that
only upgrade its installers, the default cache directories per OS and what each holds (one
vocabulary, :data:`~.model.Holds`), the directories recognised by name, and the recognisers
that read its install commands. :mod:`.registry` lists them, one line each, and answers the
questions the script reader, the path classifier, the checks and ``suggest`` ask.
"""

from __future__ import annotations

from .model import (
    BUILD_OUTPUT,
    BUILT_ENV,
    DOWNLOADS,
    OSES,
    TOOL_STATE,
    UNKNOWN,
    CacheDir,
    Ecosystem,
    Holds,
    NamedDir,
    PackageManager,
    Program,
    Recogniser,
    Runner,
    RunnerOS,
    Tool,
)
from .registry import ECOSYSTEMS

__all__ = [
    "BUILD_OUTPUT",
    "BUILT_ENV",
    "DOWNLOADS",
    "ECOSYSTEMS",
    "OSES",
    "TOOL_STATE",
    "UNKNOWN",
    "CacheDir",
    "Ecosystem",
    "Holds",
    "NamedDir",
    "PackageManager",
    "Program",
    "Recogniser",
    "Runner",
    "RunnerOS",
    "Tool",
]
