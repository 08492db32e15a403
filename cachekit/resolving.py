"""``resolve``: what each job's install would put in its cache if it ran now.

The job's ``run:`` steps say what it installs (:mod:`cachekit.checks.installs`): requirements
and constraints files, packages named inline, the project itself, a Poetry/uv/Pipenv project
from its lock. Each distinct install set is resolved once with pip-tools or uv in a hermetic
subprocess (:func:`cachekit.environments.resolve.resolve`; nothing from the repository is
executed unless ``allow_build``). ``drift`` compares the result with what the repository pins
(a lock file, or requirements that are all ``==``), or — with ``exclude_newer`` — with what the
same inputs resolved to on that date: what a cache saved then still restores today.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from .checks.installs import Install, _Reader, job_installs
from .encoding import json_spec
from .environments.locks import read_lock
from .environments.requirements import Requirement
from .environments.resolve import (
    Drift,
    Resolution,
    ResolveError,
    ResolveRequest,
    drift,
    resolve,
)
from .explain import Options, explain_tree
from .explain.model import JobRecord
from .fs.gittree import tree_at
from .fs.trees import Tree

__all__ = ["ResolveOptions", "ResolveResult", "ResolvedInstall", "resolve_workflows"]


@dataclass(frozen=True)
class ResolveOptions:
    """How to resolve: the resolver, the target, the index, what to compare with."""

    backend: str = "pip-tools"
    python: str | None = None  # None: the job's setup-python version (uv), or the host's
    platform: str | None = None  # None: the job's runner OS (uv), or the host's
    drift: bool = False
    exclude_newer: str | None = None
    allow_build: bool = False
    index_url: str | None = None
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool = False
    workflow: str | None = None
    job: str | None = None


@dataclass(frozen=True)
class ResolvedInstall:
    """One distinct install set, the jobs that run it, and what it resolves to."""

    jobs: tuple[str, ...]  # "ci.yml test (python=3.12)"
    commands: tuple[str, ...]  # "file:line: pip install -r requirements.txt"
    # In JSON the request and its resolution are one flat record (see _resolved_json).
    request: ResolveRequest = field(
        metadata=json_spec(derive=lambda i: _resolved_json(i))  # noqa: PLW0108 - defined below
    )
    resolution: Resolution | None = field(metadata=json_spec(skip=True))
    error: str | None = None
    # what the repository pins
    locked: dict[str, str] = field(default_factory=dict, metadata=json_spec(skip=True))
    locked_from: str | None = None  # "poetry.lock", "requirements (all ==)", "as of DATE"
    drift: Drift | None = field(default=None, metadata=json_spec(skip=True))
    notes: tuple[str, ...] = field(
        default=(), metadata=json_spec(derive=lambda i: {"notes": i.notes, "drift": _drift(i)})
    )


def _resolved_json(item: ResolvedInstall) -> dict[str, Any]:
    """What was asked and what it resolved to, the target falling back to the request's."""
    res = item.resolution
    return {
        "backend": item.request.backend,
        "python": res.python if res else item.request.python,
        "platform": res.platform if res else item.request.platform,
        "pins": [{"name": p.name, "version": p.version, "via": p.via} for p in res.pins]
        if res
        else [],
        "command": res.command if res else [],
        "seconds": round(res.seconds, 3) if res else None,
        "warnings": res.warnings if res else [],
    }


def _drift(item: ResolvedInstall) -> dict[str, Any] | None:
    d = item.drift
    if d is None:
        return None
    return {"changed": d.changed, "added": d.added, "removed": d.removed}


@dataclass(frozen=True)
class ResolveResult:
    root: str
    installs: tuple[ResolvedInstall, ...]


def _python_of(job: JobRecord) -> str | None:
    for step in job.steps:
        if step.uses and step.uses.lower().startswith("actions/setup-python"):
            version = step.with_.get("python-version", "").strip().splitlines()
            if version and version[-1].replace(".", "").isdigit():
                return ".".join(version[-1].split(".")[:2])
    return None


def _request(installs: list[Install], job: JobRecord, options: ResolveOptions) -> ResolveRequest:
    requirements: list[str] = []
    constraints: list[str] = []
    packages: list[str] = []
    projects: list[tuple[str, tuple[str, ...]]] = []
    for install in installs:
        for f in install.files:
            if not f.exists:
                continue
            if f.role == "requirements":
                requirements.append(f.path)
            elif f.role == "constraints" and f.named_at == install.where:
                constraints.append(f.path)
        packages.extend(install.inline)
        for project in install.projects:
            extras = tuple(
                x
                for spec in (*install.command.editables, *install.command.packages)
                for x in _extras(spec)
            )
            projects.append((project.directory, extras))
    python = options.python
    platform = options.platform
    if options.backend == "uv":
        python = python or _python_of(job)
        platform = platform or {"Linux": "linux", "macOS": "macos", "Windows": "windows"}.get(
            job.os or ""
        )
    return ResolveRequest(
        requirements=tuple(dict.fromkeys(requirements)),
        constraints=tuple(dict.fromkeys(constraints)),
        packages=tuple(dict.fromkeys(packages)),
        projects=tuple(dict.fromkeys(projects)),
        python=python,
        platform=platform,
        backend=options.backend,
        index_url=options.index_url,
        extra_index_urls=options.extra_index_urls,
        find_links=options.find_links,
        no_index=options.no_index,
        allow_build=options.allow_build,
    )


def _extras(spec: str) -> tuple[str, ...]:
    if "[" not in spec:
        return ()
    inner = spec.split("[", 1)[1].split("]", 1)[0]
    return tuple(x.strip() for x in inner.split(",") if x.strip())


def _locked(tree: Tree, installs: list[Install]) -> tuple[dict[str, str], str | None]:
    """What the repository pins for these installs: a lock file, or all-``==`` requirements."""
    for install in installs:
        for f in install.files:
            if f.role == "lock" and f.exists:
                return read_lock(tree, f.path).versions(), f.path
    pins: dict[str, str] = {}
    for install in installs:
        if not install.locked:
            return {}, None
        for rf in install.requirements:
            for entry in rf.requirements():
                if isinstance(entry, Requirement) and entry.pinned and not entry.constraint:
                    pins[entry.name] = entry.specifier.lstrip("=")
    return (pins, "requirements pinned with ==") if pins else ({}, None)


def resolve_tree(
    tree: Tree, options: ResolveOptions, *, progress: Callable[[int, int], None] | None = None
) -> ResolveResult:
    """Resolve each distinct install set of the jobs (``progress(done, total)`` after each)."""
    explained = explain_tree(tree, Options(workflow=options.workflow, job=options.job))
    reader = _Reader(tree)
    groups: dict[ResolveRequest, tuple[list[str], list[str], list[Install], JobRecord]] = {}
    for job in explained.jobs:
        installs = [
            i
            for i in job_installs(tree, job, reader).installs
            if i.command.tool in ("pip", "pip-sync", "uv", "poetry", "pipenv")
        ]
        if not installs:
            continue
        request = _request(installs, job, options)
        if not (request.requirements or request.packages or request.projects):
            continue
        label = f"{job.workflow} {job.job}" + (
            " (" + ", ".join(f"{k}={v}" for k, v in sorted(job.matrix.items())) + ")"
            if job.matrix
            else ""
        )
        entry = groups.setdefault(request, ([], [], installs, job))
        entry[0].append(label)
        for i in installs:
            text = f"{i.where.file}:{i.where.line}: {i.command.text}"
            if text not in entry[1]:
                entry[1].append(text)
    out: list[ResolvedInstall] = []
    for request, (labels, commands, installs, _job) in groups.items():
        if progress is not None:
            progress(len(out), len(groups))
        try:
            resolution = resolve(tree, request)
        except ResolveError as exc:
            out.append(ResolvedInstall(tuple(labels), tuple(commands), request, None, str(exc)))
            continue
        item = ResolvedInstall(tuple(labels), tuple(commands), request, resolution)
        if options.drift or options.exclude_newer:
            if options.exclude_newer:
                try:
                    then = resolve(tree, replace(request, exclude_newer=options.exclude_newer))
                except ResolveError as exc:
                    out.append(replace(item, error=f"as of {options.exclude_newer}: {exc}"))
                    continue
                locked: dict[str, str] = then.versions()
                source: str | None = f"as of {options.exclude_newer}"
            else:
                locked, source = _locked(tree, installs)
            if source is not None:
                item = replace(
                    item, locked=locked, locked_from=source, drift=drift(locked, resolution)
                )
            else:
                item = replace(
                    item,
                    notes=(
                        "drift: nothing pinned to compare with (no lock file, requirements not "
                        "all ==): a cache holds whatever resolved the day it was saved; "
                        "--exclude-newer DATE shows what changed since DATE",
                    ),
                )
        out.append(item)
    if progress is not None and groups:
        progress(len(groups), len(groups))
    return ResolveResult(tree.workspace, tuple(out))


def resolve_workflows(
    root: str = ".",
    options: ResolveOptions | None = None,
    *,
    rev: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ResolveResult:
    """Resolve what the workflows of ``root`` (or of commit ``rev``) install."""
    options = options or ResolveOptions()
    with tree_at(root, rev) as tree:
        return resolve_tree(tree, options, progress=progress)
