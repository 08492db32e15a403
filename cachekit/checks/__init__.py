"""``check``: findings about cache keys that do not capture the environment they restore.

result = check(".")                       # the working tree
for f in result.findings:
    print(f.file, f.line, f.severity, f.code, f.message, f.fix)
"""

from __future__ import annotations

from ..explain import Options, explain_tree
from ..findings import CODES, CodeInfo
from ..fs.gittree import tree_at
from ..fs.trees import Tree
from .engine import check_explained
from .model import SEVERITIES, CheckFinding, CheckResult, Location, severity_at_least

__all__ = [
    "CODES",
    "SEVERITIES",
    "CheckFinding",
    "CheckResult",
    "CodeInfo",
    "Location",
    "check",
    "check_explained",
    "check_tree",
    "severity_at_least",
]


def check_tree(tree: Tree, options: Options | None = None) -> CheckResult:
    """Check every cache of a tree (working directory or commit)."""
    return check_explained(tree, explain_tree(tree, options))


def check(
    root: str = ".",
    *,
    rev: str | None = None,
    workflow: str | None = None,
    job: str | None = None,
    event: str = "push",
    ref: str | None = None,
    os: str | None = None,
    arch: str | None = None,
    python_manifest: str | None = None,
) -> CheckResult:
    """Check the repository at ``root`` (its working tree, or the commit ``rev``).

    The options mean what they mean for :func:`cachekit.explain.explain`.
    """
    with tree_at(root, rev) as tree:
        options = Options(
            event=event,
            ref=ref or "refs/heads/main",
            commit=getattr(tree, "commit", None),
            os=os,
            arch=arch,
            workflow=workflow,
            job=job,
            python_manifest=python_manifest,
        )
        return check_tree(tree, options)
