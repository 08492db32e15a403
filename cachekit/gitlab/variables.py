"""GitLab's predefined CI/CD variables for the modelled pipeline, and the job's lookup.

Values follow docs/ci/variables/predefined_variables.md. ``CI_COMMIT_REF_SLUG`` is the ref
lowercased, cut to 63 bytes, everything but ``0-9a-z`` replaced by ``-``, with no leading or
trailing ``-`` (``Gitlab::Utils.slugify``). Variables that change every pipeline or commit
(``CI_COMMIT_SHA``, ``CI_PIPELINE_ID``, ``CI_JOB_ID``…) are volatile; values the server or
runner assigns (``CI_PROJECT_PATH``, ``CI_RUNNER_*``) are unknown offline.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from ..platforms.variables import Var, expand_shell

__all__ = ["RunModel", "job_lookup", "slugify"]

_VOLATILE: Final = frozenset(
    {
        "CI_COMMIT_SHA",
        "CI_COMMIT_SHORT_SHA",
        "CI_COMMIT_BEFORE_SHA",
        "CI_COMMIT_TIMESTAMP",
        "CI_COMMIT_MESSAGE",
        "CI_COMMIT_TITLE",
        "CI_COMMIT_DESCRIPTION",
        "CI_PIPELINE_ID",
        "CI_PIPELINE_IID",
        "CI_PIPELINE_CREATED_AT",
        "CI_JOB_ID",
        "CI_JOB_TOKEN",
        "CI_JOB_URL",
        "CI_JOB_STARTED_AT",
        "CI_PIPELINE_URL",
        "CI_CONCURRENT_ID",
        "CI_CONCURRENT_PROJECT_ID",
        "CI_NODE_INDEX",
    }
)
_RUNTIME: Final = (
    "CI_PROJECT_PATH",
    "CI_PROJECT_NAMESPACE",
    "CI_PROJECT_ID",
    "CI_PROJECT_URL",
    "CI_PROJECT_DIR",
    "CI_BUILDS_DIR",
    "CI_SERVER_",
    "CI_RUNNER_",
    "CI_REGISTRY",
    "GITLAB_",
    "CI_API_",
)


def slugify(ref: str) -> str:
    """``CI_COMMIT_REF_SLUG`` of a ref name."""
    slug = re.sub(r"[^0-9a-z]", "-", ref.lower()[:63])
    return slug.strip("-")


@dataclass(frozen=True)
class RunModel:
    """The pipeline being modelled: which ref, why, whether the ref is protected."""

    ref: str = "main"
    default_branch: str = "main"
    source: str = "push"  # CI_PIPELINE_SOURCE: push, merge_request_event, schedule, web…
    protected: bool | None = None  # None: the default branch is protected, others are not
    tag: bool = False
    commit: str | None = None

    @property
    def is_protected(self) -> bool:
        if self.protected is not None:
            return self.protected
        return self.ref == self.default_branch and not self.tag


def _predefined(run: RunModel, job: str, stage: str) -> dict[str, Var]:
    src = "predefined (the modelled pipeline: --ref, --platform gitlab)"
    known: dict[str, str] = {
        "CI": "true",
        "GITLAB_CI": "true",
        "CI_COMMIT_REF_NAME": run.ref,
        "CI_COMMIT_REF_SLUG": slugify(run.ref),
        "CI_DEFAULT_BRANCH": run.default_branch,
        "CI_PIPELINE_SOURCE": run.source,
        "CI_JOB_NAME": job,
        "CI_JOB_NAME_SLUG": slugify(job),
        "CI_JOB_STAGE": stage,
        "CI_COMMIT_REF_PROTECTED": "true" if run.is_protected else "false",
    }
    if run.tag:
        known["CI_COMMIT_TAG"] = run.ref
    else:
        known["CI_COMMIT_BRANCH"] = run.ref
    out = {k: Var(v, src) for k, v in known.items()}
    for name in _VOLATILE:
        value = None
        if name == "CI_COMMIT_SHA" and run.commit:
            value = run.commit
        elif name == "CI_COMMIT_SHORT_SHA" and run.commit:
            value = run.commit[:8]
        out[name] = Var(value, "predefined: changes every pipeline or commit", volatile=True)
    return out


def job_lookup(
    run: RunModel,
    job: str,
    stage: str,
    variables: dict[str, tuple[str, str]],
    image: str | None = None,
) -> Callable[[str], Var | None]:
    """Look a name up as the job sees it: its YAML variables (expanded), then predefined
    (``CI_JOB_IMAGE`` is the job's ``image:``, its variables expanded)."""
    predefined = _predefined(run, job, stage)
    if image:
        variables = {**variables, "CI_JOB_IMAGE": (image, "the job's image")}
    resolved: dict[str, Var | None] = {}

    def lookup(name: str, depth: int = 0) -> Var | None:
        if name in resolved:
            return resolved[name]
        if name in variables:
            value, where = variables[name]
            var = _expand_value(value, where, lambda n: lookup(n, depth + 1), depth)
        elif name in predefined:
            var = predefined[name]
        elif name.startswith(_RUNTIME):
            var = Var(None, "predefined: assigned by the GitLab server or runner")
        else:
            var = None
        resolved[name] = var
        return var

    return lookup


def _expand_value(value: str, where: str, lookup: Callable[[str], Var | None], depth: int) -> Var:
    """A variable's value with the variables it names expanded (GitLab does, 10 deep)."""
    if "$" not in value or depth > 10:
        return Var(value, f"variable set in {where}")
    exp = expand_shell(value, lookup)
    return Var(
        exp.text if exp.known else None,
        f"variable set in {where}: {value}",
        volatile=bool(exp.volatile),
    )
