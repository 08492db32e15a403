"""Which CI platform a repository uses, from the files present (or ``--platform``)."""

from __future__ import annotations

import typing
from typing import Final

from ..errors import UsageError
from ..fs.trees import DIR, FILE, Tree

__all__ = ["CONFIG_FILES", "PLATFORMS", "Platform", "detect_platforms", "resolve_platform"]

Platform = typing.Literal["github", "gitlab", "circleci", "azure"]
PLATFORMS: Final[tuple[Platform, ...]] = typing.get_args(Platform)

CONFIG_FILES: Final[dict[Platform, tuple[str, ...]]] = {
    "github": (".github/workflows",),
    "gitlab": (".gitlab-ci.yml", ".gitlab-ci.yaml"),
    "circleci": (".circleci/config.yml", ".circleci/config.yaml"),
    "azure": ("azure-pipelines.yml", "azure-pipelines.yaml", ".azure-pipelines.yml"),
}
"""Where each platform's configuration lives (the first that exists is read)."""


def detect_platforms(tree: Tree) -> tuple[Platform, ...]:
    """The platforms whose configuration exists in ``tree``, in :data:`PLATFORMS` order."""
    found: list[Platform] = []
    for platform, paths in CONFIG_FILES.items():
        want = DIR if platform == "github" else FILE
        if any(tree.stat(p) == want for p in paths):
            found.append(platform)
    return tuple(found)


def resolve_platform(tree: Tree, requested: str | None) -> Platform:
    """``requested`` checked, or the one platform detected; GitHub when none or several.

    Several platforms in one repository (a GitHub mirror of a GitLab project) default to
    GitHub, the historical behaviour; ``--platform`` picks another.
    """
    if requested is not None:
        if requested not in PLATFORMS:
            raise UsageError(f"unknown platform '{requested}': choose {', '.join(PLATFORMS)}")
        return requested
    found = detect_platforms(tree)
    if len(found) == 1:
        return found[0]
    return "github"
