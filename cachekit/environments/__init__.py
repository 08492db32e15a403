"""Environments: what a dependency cache really holds.

The first piece reads pip requirements files exactly, with file:line for every entry, without
executing anything (:mod:`cachekit.environments.requirements`).
"""

from __future__ import annotations

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

__all__ = [
    "EditableRequirement",
    "Entry",
    "Include",
    "Option",
    "Problem",
    "Requirement",
    "RequirementsFile",
    "UrlRequirement",
    "read_requirements",
]
