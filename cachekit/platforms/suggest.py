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
from functools import cache
from typing import Final

from ..checks.installs import job_installs
from ..ecosystems import DOWNLOADS, registry
from ..environments.paths import default_directory
from ..explain.model import JobRecord
from ..fs.trees import Tree

__all__ = ["RENDERERS", "DownloadCache", "Suggestion", "suggest_stanzas"]

# Where a stanza puts a cache inside the project when not at its home's place under ~: pnpm's
# CI documentation (and GitLab's example) name the in-project store `.pnpm-store`.
_IN_PROJECT: Final = {"pnpm": ".pnpm-store"}


@dataclass(frozen=True)
class DownloadCache:
    """A tool's download cache as the stanzas move it: the variable the tool reads (spelled as
    its documentation does), its default on a Linux runner, what it holds, and where the
    GitLab and Azure stanzas point it inside the project."""

    variable: str
    home: str
    what: str
    in_project: str


@cache
def _download_cache(tool: str) -> DownloadCache | None:
    """The ecosystem registry's download cache of ``tool`` that a variable of its own moves
    (``{PIP_CACHE_DIR}``), the first declared; None for a tool without one (conda's package
    directory has no variable)."""
    dirs = registry.cache_dirs()
    found = next(
        (
            (e, d)
            for e, d in dirs
            if d.tool == tool and d.holds == DOWNLOADS and re.match(r"\{\w+\}", d.template)
        ),
        None,
    )
    if found is None:
        return None
    eco, cache_dir = found
    canonical = cache_dir.template[1 : cache_dir.template.index("}")]
    root = "{" + canonical + "}"
    # npm and pnpm document their config variables in lower case (npm_config_cache)
    variable = next(
        (s for s, c in eco.synonyms.items() if c == canonical and s == canonical.lower()),
        canonical,
    )
    # what the whole directory holds (Poetry's holds its virtualenvs too), else the downloads
    whole = next((d for _, d in dirs if d.tool == tool and d.template == root), cache_dir)
    home = default_directory(canonical)
    return DownloadCache(
        variable=variable,
        home=home,
        what=whole.reason.split(":", 1)[0],
        in_project=_IN_PROJECT.get(tool, home.removeprefix("~/")),
    )


@dataclass(frozen=True)
class Suggestion:
    job: str
    tool: str
    files: tuple[str, ...]
    images: tuple[str, ...]
    yaml: str


def _cache_of(tool: str) -> DownloadCache:
    found = _download_cache(tool)
    assert found is not None  # suggest_stanzas keeps only the tools that have one
    return found


def _gitlab(job: str, tool: str, files: list[str], images: set[str]) -> str:
    c = _cache_of(tool)
    variable, path, what = c.variable, c.in_project, c.what
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
    what, home = _cache_of(tool).what, _cache_of(tool).home
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
    c = _cache_of(tool)
    variable, path, what = c.variable, c.in_project, c.what
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
            if _download_cache(tool) is None:
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
