"""Environments: what a dependency cache really holds.

Everything that shapes a Python environment, read statically with file:line and never
executed: pip requirements files (:mod:`.requirements`), project metadata — setup.py by AST,
setup.cfg, pyproject.toml (:mod:`.project`) —, Pipfiles (:mod:`.pipfile`), lock files
(:mod:`.locks`); what a workflow's ``run:`` scripts install (:mod:`.commands`); what a cached
path holds (:mod:`.paths`); and what the inputs resolve to now, by pip-tools or uv in a
hermetic subprocess (:mod:`.resolve`).
"""

from __future__ import annotations

from .commands import Command, ScriptParse, parse_script
from .locks import Locked, LockFile, lock_kind, read_lock
from .paths import PathClass, classify_path
from .pipfile import Pipfile, read_pipfile
from .project import Dependency, DynamicInput, Project, read_project
from .requirements import (
    EditableRequirement,
    Entry,
    Include,
    Option,
    Problem,
    Requirement,
    RequirementsFile,
    UrlRequirement,
    read_requirements,
)

# ``resolve``/``drift`` stay in their module: a function named like the submodule would hide
# it (``import cachekit.environments.resolve`` must give the module).
from .resolve import Drift, Pin, Resolution, ResolveError, ResolveRequest

__all__ = [
    "Command",
    "Dependency",
    "Drift",
    "DynamicInput",
    "EditableRequirement",
    "Entry",
    "Include",
    "LockFile",
    "Locked",
    "Option",
    "PathClass",
    "Pin",
    "Pipfile",
    "Problem",
    "Project",
    "Requirement",
    "RequirementsFile",
    "Resolution",
    "ResolveError",
    "ResolveRequest",
    "ScriptParse",
    "UrlRequirement",
    "classify_path",
    "lock_kind",
    "parse_script",
    "read_lock",
    "read_pipfile",
    "read_project",
    "read_requirements",
]
