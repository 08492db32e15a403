"""The commands for a platform other than GitHub: which one, then explain/check/predict/suggest.

The CLI's ``--platform`` (or detection from the files present) lands here; each function
returns the same result type as its GitHub counterpart, so every renderer works unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from ..azure.explain import AzureOptions, explain_azure
from ..checks.model import CheckFinding, CheckResult
from ..circleci.explain import CircleOptions, explain_circleci
from ..errors import UsageError
from ..explain.model import ExplainResult
from ..fs.gittree import tree_at
from ..fs.trees import Tree
from ..gitlab.explain import GitLabOptions, explain_gitlab
from ..gitlab.rules import gitlab_findings
from ..gitlab.variables import RunModel
from .checks import check_platform_result
from .detect import Platform, resolve_platform
from .suggest import suggest_stanzas

__all__ = [
    "RunOptions",
    "check_platform",
    "explain_platform",
    "platform_of",
    "suggest_platform_text",
]


@dataclass(frozen=True)
class RunOptions:
    """The run being modelled, in platform-neutral terms."""

    ref: str | None = None  # a branch name or refs/heads/…; None: the default branch
    default_branch: str = "main"
    job: str | None = None
    version: str | None = None  # the platform's version where its rules changed (GitLab)


def platform_of(root: str, rev: str | None, requested: str | None) -> Platform:
    """``requested`` validated, or the platform detected in the tree."""
    with tree_at(root, rev) as tree:
        return resolve_platform(tree, requested)


def _branch(ref: str | None, default: str) -> str:
    if ref is None:
        return default
    return ref.removeprefix("refs/heads/")


def _gitlab(tree: Tree, options: RunOptions) -> tuple[ExplainResult, list[CheckFinding]]:
    commit = getattr(tree, "commit", None)
    run = RunModel(
        ref=_branch(options.ref, options.default_branch),
        default_branch=options.default_branch,
        tag=bool(options.ref and options.ref.startswith("refs/tags/")),
        commit=commit if isinstance(commit, str) else None,
    )
    result = explain_gitlab(tree, GitLabOptions(run=run, version=options.version, job=options.job))
    return result, gitlab_findings(result)


def _circleci(tree: Tree, options: RunOptions) -> tuple[ExplainResult, list[CheckFinding]]:
    commit = getattr(tree, "commit", None)
    opts = CircleOptions(
        branch=_branch(options.ref, options.default_branch),
        revision=commit if isinstance(commit, str) else None,
        job=options.job,
    )
    return explain_circleci(tree, opts), []


def _azure(tree: Tree, options: RunOptions) -> tuple[ExplainResult, list[CheckFinding]]:
    commit = getattr(tree, "commit", None)
    opts = AzureOptions(
        branch=_branch(options.ref, options.default_branch),
        revision=commit if isinstance(commit, str) else None,
        job=options.job,
    )
    return explain_azure(tree, opts), []


_ADAPTERS: Final[
    dict[str, Callable[[Tree, RunOptions], tuple[ExplainResult, list[CheckFinding]]]]
] = {
    "gitlab": _gitlab,
    "circleci": _circleci,
    "azure": _azure,
}


def _adapter(
    platform: Platform,
) -> Callable[[Tree, RunOptions], tuple[ExplainResult, list[CheckFinding]]]:
    try:
        return _ADAPTERS[platform]
    except KeyError:
        raise UsageError(f"platform '{platform}' is not supported by this command yet") from None


def explain_platform(
    root: str, platform: Platform, *, rev: str | None = None, options: RunOptions | None = None
) -> ExplainResult:
    """Explain every cache of ``platform``'s configuration in the tree."""
    with tree_at(root, rev) as tree:
        return _adapter(platform)(tree, options or RunOptions())[0]


def check_platform(
    root: str, platform: Platform, *, rev: str | None = None, options: RunOptions | None = None
) -> CheckResult:
    """Check every cache of ``platform``'s configuration in the tree."""
    with tree_at(root, rev) as tree:
        explained, extra = _adapter(platform)(tree, options or RunOptions())
        return check_platform_result(tree, explained, extra)


def suggest_platform_text(root: str, platform: Platform, *, job: str | None = None) -> str:
    """The cache stanzas ``platform`` needs, as commented YAML to paste."""
    with tree_at(root, None) as tree:
        explained, _ = _adapter(platform)(tree, RunOptions(job=job))
        found = suggest_stanzas(tree, explained.jobs, platform)
    if not found:
        return "# no job installs with a package manager cachekit knows: nothing to suggest"
    return "\n".join(s.yaml for s in found).rstrip("\n")
