"""What one job combination of a walk has accumulated so far (shared by the walker's layers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..caches import RunnerEnv
from ..explain.model import StepRecord
from ..expressions import Unknown
from ..yamlsource import Mark
from .workflows import Workflow

__all__ = ["JobScope"]


@dataclass
class JobScope:
    """What one job combination has accumulated so far."""

    workflow: Workflow
    job_id: str
    matrix: dict[str, Any] | Unknown
    runner: RunnerEnv | None
    runner_source: str
    contexts: dict[str, Any]
    env: dict[str, Any]
    sources: dict[str, str]  # "env.X" / "matrix.y" / … -> where the value comes from
    steps: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, Any] = field(default_factory=dict)
    via: tuple[Mark, ...] = ()
    installs: list[str] = field(default_factory=list)  # install commands seen so far
    submodules: bool = False  # an actions/checkout step fetched submodules
    stage: int = 0  # longest needs chain before this job
    records: list[StepRecord] = field(default_factory=list)  # steps walked, in order
    shell: str | None = None  # defaults.run.shell of the job (else the workflow's)
    working_directory: str | None = None  # defaults.run.working-directory
