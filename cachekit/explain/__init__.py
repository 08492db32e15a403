"""``explain``: every cache in a repository's workflows, every input of every key.

result = explain(".")                      # the working tree
result = explain(".", rev="HEAD~5")        # a commit, without checking it out
for cache in result.caches:
    print(cache.mark, cache.key, [p.value for p in cache.parts])
"""

from __future__ import annotations

from ..fs.gittree import tree_at
from .compare import CacheDiff, Comparison, compare
from .core import explain_tree
from .model import (
    CacheReport,
    ExplainResult,
    Finding,
    HashCall,
    JobRecord,
    KeyPart,
    StepRecord,
)
from .options import Options

__all__ = [
    "CacheDiff",
    "CacheReport",
    "Comparison",
    "ExplainResult",
    "Finding",
    "HashCall",
    "JobRecord",
    "KeyPart",
    "Options",
    "StepRecord",
    "compare",
    "explain",
    "explain_tree",
]


def explain(
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
) -> ExplainResult:
    """Explain every cache of the repository at ``root`` (its working tree, or ``rev``).

    ``event`` and ``ref`` describe the run being modelled (default: a push to the default
    branch); ``os``/``arch`` say what an unknown or self-hosted ``runs-on`` is;
    ``python_manifest`` replaces the bundled python-versions snapshot.
    """
    with tree_at(root, rev) as tree:
        commit = getattr(tree, "commit", None)
        options = Options(
            event=event,
            ref=ref or "refs/heads/main",
            commit=commit,
            os=os,
            arch=arch,
            workflow=workflow,
            job=job,
            python_manifest=python_manifest,
        )
        return explain_tree(tree, options)
