"""``suggest --platform gitlab``: the cache stanza each job needs, per package manager.

The stanzas follow GitLab's own caching examples (docs/ci/caching/index.md, "Common use
cases"): a download cache inside the project directory (GitLab only caches paths under
``$CI_PROJECT_DIR``) pointed at by the tool's variable, keyed on the lock the install reads
with ``key:files`` and a ``prefix`` naming the job's image, so another interpreter never
restores it; ``fallback_keys`` are left out on purpose (they get the protected suffix of the
running branch; see ``fallback-never-matches``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ..checks.installs import job_installs
from ..explain.model import JobRecord
from ..fs.trees import Tree

__all__ = ["GitLabSuggestion", "suggest_gitlab"]

# tool -> (variable to set, cache dir under the project, comment)
_RECIPES: Final = {
    "pip": ("PIP_CACHE_DIR", ".cache/pip", "pip's download cache"),
    "uv": ("UV_CACHE_DIR", ".cache/uv", "uv's cache"),
    "poetry": ("POETRY_CACHE_DIR", ".cache/pypoetry", "Poetry's cache and virtualenvs"),
    "pipenv": ("PIPENV_CACHE_DIR", ".cache/pipenv", "Pipenv's cache"),
    "npm": ("npm_config_cache", ".npm", "npm's download cache (npm ci --prefer-offline)"),
    "yarn": ("YARN_CACHE_FOLDER", ".cache/yarn", "Yarn's download cache"),
    "pnpm": ("npm_config_store_dir", ".pnpm-store", "pnpm's store"),
}


@dataclass(frozen=True)
class GitLabSuggestion:
    job: str
    tool: str
    files: tuple[str, ...]
    yaml: str


def _stanza(name: str, images: set[str], tool: str, files: list[str]) -> str:
    variable, path, what = _RECIPES[tool]
    if len(images) == 1:
        image = next(iter(images))
        prefix = f"{tool}-{image.replace(':', '-').replace('/', '-')}"
    else:  # matrix jobs on several images: the runner expands the job's own
        prefix = f"{tool}-$CI_JOB_IMAGE"
    if files:
        listed = "\n".join(f"        - {f}" for f in files)
        key = (
            "    key:\n"
            "      files:   # what the install reads: a change makes a new cache\n"
            f"{listed}\n"
            f"      prefix: {prefix}   # the image: another interpreter never restores it\n"
        )
    else:
        key = f"    key: {prefix}   # no lock file is read: the image alone\n"
    return (
        f"{name}:\n"
        f"  variables:\n"
        f"    {variable}: $CI_PROJECT_DIR/{path}   # {what}, inside the project\n"
        f"  cache:\n{key}"
        f"    paths:\n"
        f"      - {path}\n"
    )


def suggest_gitlab(tree: Tree, jobs: tuple[JobRecord, ...]) -> list[GitLabSuggestion]:
    """One stanza per job (all its matrix combinations) and package manager."""
    grouped: dict[tuple[str, str], tuple[set[str], list[str]]] = {}
    for job in jobs:
        name = job.job.split(": [", 1)[0]
        image = job.runner.removeprefix("image: ") if job.runner.startswith("image: ") else ""
        for install in job_installs(tree, job).installs:
            tool = install.command.tool
            if tool not in _RECIPES:
                continue
            images, files = grouped.setdefault((name, tool), (set(), []))
            images.add(image or "$CI_JOB_IMAGE")
            for f in install.files:
                if f.exists and f.path not in files and f.role != "project":
                    files.append(f.path)
    return [
        GitLabSuggestion(name, tool, tuple(files[:10]), _stanza(name, images, tool, files[:10]))
        for (name, tool), (images, files) in grouped.items()
    ]
