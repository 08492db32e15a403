"""``suggest`` for the non-GitHub platforms: per job and package manager, the cache stanza in
that platform's syntax, keyed on what the job's install reads.

Every stanza caches the package manager's *download* cache (reusable by any interpreter, so
the key needs only the files the install reads) and follows the platform's documentation:
GitLab's "Common use cases" (a directory inside ``$CI_PROJECT_DIR`` pointed at by the tool's
variable, ``key:files`` with a ``prefix``), CircleCI's caching guide (``restore_cache`` with
the exact key then its prefix, ``save_cache`` with ``{{ checksum }}`` of each lock), Azure's
``Cache@2`` examples (``key: 'tool | "$(Agent.OS)" | lock'``, ``restoreKeys`` the leading
segments, the directory under ``$(Pipeline.Workspace)``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from ..checks.installs import job_installs
from ..explain.model import JobRecord
from ..fs.trees import Tree

__all__ = ["RENDERERS", "Suggestion", "suggest_stanzas"]

# tool -> (variable naming its cache directory, directory name, what it holds, CircleCI path)
TOOLS: Final = {
    "pip": ("PIP_CACHE_DIR", ".cache/pip", "pip's download cache", "~/.cache/pip"),
    "uv": ("UV_CACHE_DIR", ".cache/uv", "uv's cache", "~/.cache/uv"),
    "poetry": ("POETRY_CACHE_DIR", ".cache/pypoetry", "Poetry's cache", "~/.cache/pypoetry"),
    "pipenv": ("PIPENV_CACHE_DIR", ".cache/pipenv", "Pipenv's cache", "~/.cache/pipenv"),
    "npm": ("npm_config_cache", ".npm", "npm's download cache", "~/.npm"),
    "yarn": ("YARN_CACHE_FOLDER", ".cache/yarn", "Yarn's download cache", "~/.cache/yarn"),
    "pnpm": ("npm_config_store_dir", ".pnpm-store", "pnpm's store", "~/.local/share/pnpm/store"),
}


@dataclass(frozen=True)
class Suggestion:
    job: str
    tool: str
    files: tuple[str, ...]
    images: tuple[str, ...]
    yaml: str


def _gitlab(job: str, tool: str, files: list[str], images: set[str]) -> str:
    variable, path, what, _ = TOOLS[tool]
    if len(images) == 1 and "$" not in next(iter(images)):
        prefix = f"{tool}-{next(iter(images)).replace(':', '-').replace('/', '-')}"
    else:  # matrix jobs on several images: the runner expands the job's own
        prefix = f"{tool}-$CI_JOB_IMAGE"
    if files:
        listed = "\n".join(f"        - {f}" for f in files[:10])  # GitLab takes at most 10
        key = (
            "    key:\n"
            "      files:   # what the install reads: a change makes a new cache\n"
            f"{listed}\n"
            f"      prefix: {prefix}   # the image: another interpreter never restores it\n"
        )
    else:
        key = f"    key: {prefix}   # no lock file is read: the image alone\n"
    return (
        f"{job}:\n  variables:\n"
        f"    {variable}: $CI_PROJECT_DIR/{path}   # {what}, inside the project\n"
        f"  cache:\n{key}    paths:\n      - {path}\n"
    )


def _circleci(job: str, tool: str, files: list[str], images: set[str]) -> str:
    del images
    _, _, what, home = TOOLS[tool]
    sums = "-".join(f'{{{{ checksum "{f}" }}}}' for f in files) or "{{ .Branch }}"
    return (
        f"# job {job}: {what}, keyed on what the install reads\n"
        f"- restore_cache:\n"
        f"    keys:\n"
        f"      - {tool}-v1-{sums}\n"
        f"      - {tool}-v1-   # the newest cache of any earlier lock\n"
        f"# ... the install ...\n"
        f"- save_cache:\n"
        f"    key: {tool}-v1-{sums}\n"
        f"    paths:\n"
        f"      - {home}\n"
    )


def _azure(job: str, tool: str, files: list[str], images: set[str]) -> str:
    del images
    variable, path, what, _ = TOOLS[tool]
    segments = " | ".join(files) if files else '"$(Build.SourceBranchName)"'
    return (
        f"# job {job}: {what}, keyed on what the install reads\n"
        f"variables:\n"
        f"  {variable}: $(Pipeline.Workspace)/{path}\n"
        f"steps:\n"
        f"  - task: Cache@2\n"
        f"    inputs:\n"
        f"      key: '{tool} | \"$(Agent.OS)\" | {segments}'\n"
        f"      restoreKeys: |\n"
        f'        {tool} | "$(Agent.OS)"\n'
        f"      path: $({variable})\n"
    )


RENDERERS: Final[dict[str, Callable[[str, str, list[str], set[str]], str]]] = {
    "gitlab": _gitlab,
    "circleci": _circleci,
    "azure": _azure,
}


def suggest_stanzas(tree: Tree, jobs: tuple[JobRecord, ...], platform: str) -> list[Suggestion]:
    """One stanza per job (all its matrix combinations together) and package manager."""
    render = RENDERERS[platform]
    grouped: dict[tuple[str, str], tuple[set[str], list[str]]] = {}
    for job in jobs:
        name = re.sub(r"(: \[.*\]| \[.*\]| \S+)$", "", job.job) if job.matrix else job.job
        image = job.runner.split(": ", 1)[1] if ": " in job.runner else job.runner
        for install in job_installs(tree, job).installs:
            tool = install.command.tool
            if tool not in TOOLS:
                continue
            images, files = grouped.setdefault((name, tool), (set(), []))
            images.add(image)
            for f in install.files:
                if f.exists and f.path not in files and f.role != "project":
                    files.append(f.path)
    return [
        Suggestion(
            name, tool, tuple(files), tuple(sorted(images)), render(name, tool, files, images)
        )
        for (name, tool), (images, files) in grouped.items()
    ]
