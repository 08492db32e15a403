"""What the user tells explain about the run being modelled (platform-neutral)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Options"]


@dataclass(frozen=True)
class Options:
    """What the user told us about the run being explained."""

    event: str = "push"
    ref: str = "refs/heads/main"
    commit: str | None = None
    os: str | None = None  # override for runners we cannot identify
    arch: str | None = None
    workflow: str | None = None
    job: str | None = None
    python_manifest: str | None = None  # a versions-manifest.json to use instead of ours
