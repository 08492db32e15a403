"""The ``cachekit`` command: parses options, calls the library, renders the result.

Nothing here computes anything; every command is a library function. Errors from the library
(:class:`~cachekit.errors.CachekitError`) become one line on stderr and their exit code.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

import click

from . import __version__
from .audit import audit
from .checks import check as run_check
from .checks import severity_at_least
from .errors import CachekitError, UsageError
from .evaluate import evaluate_expression
from .evidence import read_cache_list
from .explain import Options, compare, explain
from .fs.atomic import check_output_path, write_atomic
from .fs.gitrepo import GitRepo
from .fs.gittree import CommitTree
from .fs.trees import Tree, WorkTree
from .hashing.hashfiles import Flavor, TargetOS, hash_files
from .output.findings import render_findings
from .output.html import render_predict_html
from .output.registry import RenderOptions, render
from .output.suggest import render_suggest_yaml
from .output.text import render_eval
from .predict import PredictOptions, predict
from .resolving import ResolveOptions, resolve_workflows
from .suggest import suggest
from .suggest.edit import EditRefused, apply_edit
from .suggest.simulate import render_simulation, require_repository_top, simulate_suggestion
from .suppress import apply_policy, load_policy, read_baseline
from .suppress import write_baseline as write_baseline_file

P = ParamSpec("P")
R = TypeVar("R")


def _reports_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn library errors into ``cachekit: error: …`` and the error's exit code."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except CachekitError as exc:
            click.echo(f"cachekit: error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("cachekit: interrupted", err=True)
            sys.exit(130)
        except Exception as exc:  # a bug: one line, not a traceback (CACHEKIT_DEBUG shows it)
            if os.environ.get("CACHEKIT_DEBUG"):
                raise
            click.echo(
                f"cachekit: internal error: {type(exc).__name__}: {exc} "
                "(a bug: please report it; CACHEKIT_DEBUG=1 shows the traceback)",
                err=True,
            )
            sys.exit(70)

    return wrapper


def _run_options(fn: Callable[P, R]) -> Callable[P, R]:
    """--event/--ref/--os/--arch: the run being modelled, shared by explain and check."""
    options = (
        click.option(
            "--event",
            default="push",
            show_default=True,
            help="The event of the run being modelled (github.event_name).",
        ),
        click.option("--ref", default=None, help="The ref of the run (default refs/heads/main)."),
        click.option(
            "--os",
            "os_name",
            type=click.Choice(["linux", "macos", "windows"]),
            default=None,
            help="What an unknown or self-hosted runs-on is.",
        ),
        click.option(
            "--arch",
            type=click.Choice(["x64", "arm64"]),
            default=None,
            help="The architecture for --os.",
        ),
    )
    for option in reversed(options):
        fn = option(fn)
    return fn


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cachekit")
def main() -> None:
    """The truth about your CI dependency caches."""


@main.command("hash", context_settings={"ignore_unknown_options": True})
@click.option(
    "--root",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False, exists=True),
    help="The workspace (a working tree), or the repository for --rev.",
)
@click.option(
    "--rev",
    default=None,
    metavar="REV",
    help="Hash this git commit from the object store, without checking it out.",
)
@click.option(
    "--follow-symbolic-links",
    "follow",
    is_flag=True,
    help="Follow symbolic links (same as a first ARG --follow-symbolic-links).",
)
@click.option(
    "--files",
    "show_files",
    is_flag=True,
    help="List each hashed file, in hashing order, with its SHA-256.",
)
@click.option("--json", "as_json", is_flag=True, help="Print {digest, files, patterns} as JSON.")
@click.option(
    "--os",
    "target_os",
    type=click.Choice([o.value for o in TargetOS]),
    default=TargetOS.LINUX.value,
    show_default=True,
    help="The runner OS whose path rules apply.",
)
@click.option(
    "--flavor",
    type=click.Choice([f.value for f in Flavor]),
    default=Flavor.RUNNER.value,
    show_default=True,
    help="runner: ${{ hashFiles() }}; setup-action: the hashFiles inside setup-* "
    "actions (glob 0.7.0, symlinks followed).",
)
@click.argument("args", nargs=-1, required=True, metavar="-- ARG...")
@_reports_errors
def hash_command(
    root: str,
    rev: str | None,
    follow: bool,
    show_files: bool,
    as_json: bool,
    target_os: str,
    flavor: str,
    args: tuple[str, ...],
) -> None:
    """Compute hashFiles(ARG...) exactly as GitHub's runner does.

    ARGs are hashFiles() arguments as a workflow writes them: patterns, '!' excludes,
    '#' comments, several per argument separated by newlines. Prints the digest, or an empty
    line when nothing matched (GitHub gives '').
    """
    tree: Tree
    repo: GitRepo | None = None
    if rev is not None:
        repo = GitRepo(root)
        tree = CommitTree(repo, rev)
    else:
        tree = WorkTree(root)
    try:
        result = hash_files(
            tree,
            list(args),
            follow_symbolic_links=follow or None,
            flavor=Flavor(flavor),
            target_os=TargetOS(target_os),
        )
    finally:
        if repo is not None:
            repo.close()
    if as_json:
        click.echo(render("hash", "json", result))
        return
    for caveat in result.caveats:
        click.echo(f"cachekit: note: {caveat}", err=True)
    if show_files:
        for f in result.files:
            click.echo(f"{f.sha256}  {f.path}")
        click.echo(f"digest: {result.digest}" if result.digest else "digest: '' (no file hashed)")
        return
    click.echo(result.digest)


@main.command("explain")
@click.argument("repo", default=".", type=click.Path(file_okay=False, exists=True))
@click.option("--workflow", "-w", default=None, help="Only this workflow (file name or path).")
@click.option("--job", "-j", default=None, help="Only this job id.")
@click.option("--rev", default=None, metavar="REV", help="Explain this commit (no checkout).")
@_run_options
@click.option(
    "--compare",
    "compare_revs",
    nargs=2,
    default=None,
    metavar="A B",
    help="Which inputs changed each key between A and B ('-' for the working tree).",
)
@click.option(
    "--python-manifest",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="actions/python-versions versions-manifest.json to resolve versions with "
    "(default: the bundled dated snapshot).",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@_reports_errors
def explain_command(
    repo: str,
    workflow: str | None,
    job: str | None,
    rev: str | None,
    event: str,
    ref: str | None,
    os_name: str | None,
    arch: str | None,
    compare_revs: tuple[str, str] | None,
    python_manifest: str | None,
    as_json: bool,
) -> None:
    """Show every cache of REPO's workflows and every input of every key.

    For each cache step x matrix combination: where it is, the key template, the evaluated
    key, each component (literal, context value and where it came from, hashFiles with the
    files it hashed), restore keys, paths, the cache version and what feeds it, and warnings.
    """
    if compare_revs is not None:
        before, after = compare_revs
        options = Options(
            event=event,
            ref=ref or "refs/heads/main",
            os=os_name,
            arch=arch,
            workflow=workflow,
            job=job,
            python_manifest=python_manifest,
        )
        cmp = compare(repo, before, None if after == "-" else after, options)
        click.echo(render("compare", "json" if as_json else "text", cmp))
        return
    result = explain(
        repo,
        rev=rev,
        workflow=workflow,
        job=job,
        event=event,
        ref=ref,
        os=os_name,
        arch=arch,
        python_manifest=python_manifest,
    )
    click.echo(render("explain", "json" if as_json else "text", result))


@main.command("check")
@click.argument("repo", default=".", type=click.Path(file_okay=False, exists=True))
@click.option("--workflow", "-w", default=None, help="Only this workflow (file name or path).")
@click.option("--job", "-j", default=None, help="Only this job id.")
@click.option("--rev", default=None, metavar="REV", help="Check this commit (no checkout).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif", "github", "markdown"]),
    default="text",
    show_default=True,
    help="text for people, json for scripts, sarif for code scanning, github for annotations, "
    "markdown for a job summary.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "note", "none"]),
    default=None,
    help="Exit 1 when a finding is at least this severe (default: the configuration's "
    "fail-on, else warning).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write the report to this file instead of standard output.",
)
@click.option(
    "--no-ignores",
    is_flag=True,
    help="Report everything: ignore the configuration, inline ignore comments and --baseline.",
)
@click.option(
    "--baseline",
    default=None,
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Do not report the findings recorded in FILE (written by --write-baseline).",
)
@click.option(
    "--write-baseline",
    default=None,
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Record today's findings in FILE, so later runs with --baseline report only new ones.",
)
@_run_options
@_reports_errors
def check_command(
    repo: str,
    workflow: str | None,
    job: str | None,
    rev: str | None,
    fmt: str,
    fail_on: str | None,
    output: str | None,
    no_ignores: bool,
    baseline: str | None,
    write_baseline: str | None,
    event: str,
    ref: str | None,
    os_name: str | None,
    arch: str | None,
) -> None:
    """Find cache keys that do not capture the environment they restore.

    Reads REPO's workflows and what each job installs (requirements files and their
    includes, project metadata, lock files) and reports, with a stable code, file, line and
    a fix: inputs missing from keys, loose pins in cached environments, interpreter/OS/arch
    missing from keys, volatile keys, paths never populated, cache poisoning. Exit 0 when
    nothing reaches --fail-on, 1 when something does, 2 on a usage error.

    A `.github/cachekit.toml` (or `[tool.cachekit]` in pyproject.toml) disables codes, changes
    severities and ignores workflows, jobs or paths; `# cachekit: ignore[code]` on a step's
    first, `uses:` or `key:` line silences that step.
    """
    for target in (output, write_baseline):
        if target is not None:
            check_output_path(target)  # before the work, not after it
    policy = load_policy(repo, rev)  # a malformed configuration fails before any work
    entries = read_baseline(baseline) if baseline and not no_ignores else []
    result = run_check(
        repo,
        rev=rev,
        workflow=workflow,
        job=job,
        event=event,
        ref=ref,
        os=os_name,
        arch=arch,
    )
    if write_baseline is not None:
        count = write_baseline_file(result, write_baseline)
        click.echo(f"cachekit: recorded {count} finding(s) in {write_baseline}", err=True)
    if not no_ignores:
        result, hidden = apply_policy(repo, rev, result, policy, baseline=entries)
        if hidden.total:
            click.echo(
                f"cachekit: {hidden.total} finding(s) not shown (configuration {hidden.config}, "
                f"inline {hidden.inline}, baseline {hidden.baseline}; --no-ignores shows them)",
                err=True,
            )
    threshold = fail_on or policy.check.fail_on or "warning"
    text = render_findings(result, fmt)
    if output is not None:
        write_atomic(output, (text if text.endswith("\n") else text + "\n").encode("utf-8"))
    else:
        click.echo(text.rstrip("\n"))
    if any(severity_at_least(f.severity, threshold) for f in result.findings):
        sys.exit(1)


@main.command("resolve")
@click.argument("repo", default=".", type=click.Path(file_okay=False, exists=True))
@click.option("--workflow", "-w", default=None, help="Only this workflow (file name or path).")
@click.option("--job", "-j", default=None, help="Only this job id.")
@click.option("--rev", default=None, metavar="REV", help="Resolve the files of this commit.")
@click.option(
    "--backend",
    type=click.Choice(["pip-tools", "uv"]),
    default="pip-tools",
    show_default=True,
    help="pip-compile (this Python only) or uv pip compile (any Python and platform).",
)
@click.option("--python", "python_version", default=None, metavar="X.Y", help="Resolve for it.")
@click.option(
    "--platform", type=click.Choice(["linux", "macos", "windows"]), default=None, help="Target."
)
@click.option("--drift", is_flag=True, help="Compare with the lock (or all-== requirements).")
@click.option(
    "--exclude-newer",
    default=None,
    metavar="DATE",
    help="Compare with what resolved on DATE: what a cache saved then still holds.",
)
@click.option(
    "--allow-build",
    is_flag=True,
    help="Let the resolver run build backends (setup.py) of the project and of sdists.",
)
@click.option("--index-url", default=None, help="The package index (default: the resolver's).")
@click.option("--extra-index-url", multiple=True, help="More indexes.")
@click.option("--find-links", "-f", multiple=True, help="Directories or pages of archives.")
@click.option("--no-index", is_flag=True, help="Only --find-links.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@_reports_errors
def resolve_command(
    repo: str,
    workflow: str | None,
    job: str | None,
    rev: str | None,
    backend: str,
    python_version: str | None,
    platform: str | None,
    drift: bool,
    exclude_newer: str | None,
    allow_build: bool,
    index_url: str | None,
    extra_index_url: tuple[str, ...],
    find_links: tuple[str, ...],
    no_index: bool,
    as_json: bool,
) -> None:
    """Resolve the environment each job installs, as it would resolve now.

    Reads what the jobs install (requirements and their includes, inline packages, the
    project, a Poetry/uv project) and resolves it with pip-tools or uv in a hermetic
    subprocess. Repository code is never run unless --allow-build. --drift compares with the
    lock; --exclude-newer DATE with what resolved on DATE. Exit 1 when a resolution fails.
    """
    result = resolve_workflows(
        repo,
        ResolveOptions(
            backend=backend,
            python=python_version,
            platform=platform,
            drift=drift,
            exclude_newer=exclude_newer,
            allow_build=allow_build,
            index_url=index_url,
            extra_index_urls=extra_index_url,
            find_links=find_links,
            no_index=no_index,
            workflow=workflow,
            job=job,
        ),
        rev=rev,
    )
    click.echo(render("resolve", "json" if as_json else "text", result))
    if any(i.error for i in result.installs):
        sys.exit(1)


@main.command("suggest")
@click.argument("repo", default=".", type=click.Path(file_okay=False, exists=True))
@click.option("--workflow", "-w", default=None, help="Only this workflow (file name or path).")
@click.option("--job", "-j", default=None, help="Only this job id.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["yaml", "json"]),
    default="yaml",
    show_default=True,
    help="yaml: paste-ready steps with a comment on each choice, then the diff; json: data.",
)
@click.option("--write", is_flag=True, help="Edit the workflow files in place (shows the diff).")
@click.option("--yes", "-y", is_flag=True, help="With --write: apply without asking.")
@click.option(
    "--simulate",
    is_flag=True,
    help="Replay the history with the current and the suggested keys; print both hit rates.",
)
@click.option(
    "--max-commits",
    default=200,
    show_default=True,
    type=click.IntRange(min=1),
    help="With --simulate: how many commits to replay.",
)
@_reports_errors
def suggest_command(
    repo: str,
    workflow: str | None,
    job: str | None,
    fmt: str,
    write: bool,
    yes: bool,
    simulate: bool,
    max_commits: int,
) -> None:
    """Propose the right cache for every job: key, restore-keys, paths, as ready YAML.

    Per job and package manager (pip, pip-tools, Poetry, Pipenv, uv, conda, npm, Yarn, pnpm,
    Go, Cargo, Maven, Gradle): an actions/cache step, or the setup action's own cache: input
    when it does the same job. Every suggestion is re-checked with `cachekit check`. With
    --write the workflow is edited in place (comments and formatting kept), after showing
    the diff; a file that cannot be edited safely is left untouched.
    """
    if simulate:
        require_repository_top(repo)  # fail before any output, not after it
    result = suggest(repo, workflow=workflow, job=job)
    if fmt == "json" and not write:
        extra = {}
        if simulate:
            rows = simulate_suggestion(repo, result, PredictOptions(max_commits=max_commits))
            extra["simulation"] = rows
        click.echo(render("suggest", "json", result, RenderOptions(extra=extra)))
        return
    if not write:
        click.echo(render_suggest_yaml(result))
        if simulate:
            rows = simulate_suggestion(repo, result, PredictOptions(max_commits=max_commits))
            click.echo("")
            click.echo(render_simulation(rows))
        return
    click.echo(render_suggest_yaml(result, diff=False))
    if not result.edits:
        click.echo("nothing to write")
        return
    refused: list[EditRefused] = []
    for edit in result.edits:
        click.echo(edit.diff().rstrip("\n"))
        if not yes and not click.confirm(f"apply to {edit.path}?", default=False):
            click.echo(f"{edit.path}: left unchanged")
            continue
        try:
            apply_edit(repo, edit)
        except EditRefused as exc:  # one refused file never stops the others
            refused.append(exc)
            click.echo(f"cachekit: error: {exc}; left unchanged", err=True)
            continue
        click.echo(f"{edit.path}: written")
    if refused:
        sys.exit(max(exc.exit_code for exc in refused))


def _size(text: str) -> int:
    """Parse sizes like 100M, 2G, 512MiB, 1048576."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?\s*", text, re.IGNORECASE)
    if not m:
        raise UsageError(f"not a size: {text!r} (e.g. 100M, 10G)")
    scale = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}[m.group(2).lower()]
    return int(float(m.group(1)) * scale)


@main.command("predict")
@click.argument("repo", default=".", type=click.Path(file_okay=False, exists=True))
@click.option("--range", "range_", default=None, metavar="A..B", help="Only these commits.")
@click.option("--since", default=None, metavar="DATE", help="Only commits since DATE.")
@click.option(
    "--max-commits",
    default=1000,
    show_default=True,
    type=click.IntRange(min=1),
    help="At most the newest N commits of the default branch.",
)
@click.option(
    "--rev", default=None, metavar="REV", help="History ending here (default: the default branch)."
)
@click.option(
    "--event",
    type=click.Choice(["push", "pull_request"]),
    default="push",
    show_default=True,
    help="pull_request also replays merged branches as PR runs.",
)
@click.option(
    "--branch",
    "branches",
    multiple=True,
    metavar="B",
    help="Also replay pushes to branch B (its own commits); repeatable.",
)
@click.option("--workflow", "-w", default=None, help="Only this workflow.")
@click.option("--job", "-j", default=None, help="Only this job id.")
@click.option(
    "--os",
    "os_name",
    type=click.Choice(["linux", "macos", "windows"]),
    default=None,
    help="What an unknown or self-hosted runs-on is.",
)
@click.option(
    "--entry-size",
    default="100M",
    show_default=True,
    help="Estimated size of one cache entry (sizes are unknowable offline; drives eviction).",
)
@click.option(
    "--limit", "limit", default="10G", show_default=True, help="The repository's cache size limit."
)
@click.option(
    "--caches",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="gh cache list --json output: entry sizes are taken from it (by key, else by the "
    "key's family) instead of --entry-size.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (stable shape).")
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Also write a self-contained HTML report here.",
)
@_reports_errors
def predict_command(
    repo: str,
    range_: str | None,
    since: str | None,
    max_commits: int,
    rev: str | None,
    event: str,
    branches: tuple[str, ...],
    workflow: str | None,
    job: str | None,
    os_name: str | None,
    entry_size: str,
    limit: str,
    caches: str | None,
    as_json: bool,
    html_file: str | None,
) -> None:
    """Predict cache hits and misses over REPO's git history.

    Every commit's cache keys are computed without checking it out, then the runs are fed in
    time order through a model of GitHub's cache service (lookup order, restore keys, scopes,
    versions, immutability, 7-day expiry, size-limited eviction).
    """
    options = PredictOptions(
        rev=rev,
        range=range_,
        since=since,
        max_commits=max_commits,
        event="push",
        pull_requests=event == "pull_request",
        branches=branches,
        entry_size=_size(entry_size),
        limit_bytes=_size(limit),
        known_sizes=tuple(
            (e.key, e.size_bytes) for e in read_cache_list(caches) if e.size_bytes is not None
        )
        if caches
        else (),
        workflow=workflow,
        job=job,
        os=os_name,
    )
    show = not as_json and sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if show and (done == total or done % 25 == 0):
            click.echo(f"\r  {done}/{total} commits", err=True, nl=done == total)

    if html_file is not None:
        check_output_path(html_file)  # before the work, not after it
    result = predict(repo, options, progress=progress)
    if html_file is not None:
        html = render_predict_html(result, title=f"cachekit predict: {repo}")
        write_atomic(html_file, html.encode("utf-8"))
    click.echo(render("predict", "json" if as_json else "text", result))


@main.command("audit")
@click.argument("repo", default=".", type=click.Path(file_okay=False, exists=True))
@click.option(
    "--logs",
    multiple=True,
    type=click.Path(exists=True),
    help="A run-log zip, folder or .txt (gh run view --log); repeatable.",
)
@click.option(
    "--caches",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="gh cache list --json key,id,ref,sizeInBytes,createdAt,lastAccessedAt,"
    "version output (or the REST listing).",
)
@click.option("--max-commits", default=1000, show_default=True, type=click.IntRange(min=1))
@click.option("--since", default=None, metavar="DATE")
@click.option("--no-history", is_flag=True, help="Only the logs: do not replay the history.")
@click.option("--entry-size", default="100M", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Also write the history's HTML report here.",
)
@_reports_errors
def audit_command(
    repo: str,
    logs: tuple[str, ...],
    caches: str | None,
    max_commits: int,
    since: str | None,
    no_history: bool,
    entry_size: str,
    as_json: bool,
    html_file: str | None,
) -> None:
    """Why did CI get slow? Key-breaking commits, and what the run logs show.

    Without --logs, the history alone: which commits changed which keys, evictions and
    expiry. With run logs (and gh cache list output), also job and restore durations, what a
    miss costs, and where the logs disagree with the prediction, and why.
    """
    options = PredictOptions(max_commits=max_commits, since=since, entry_size=_size(entry_size))
    if html_file is not None:
        check_output_path(html_file)  # before the work, not after it
    result = audit(repo, logs=logs, caches=caches, options=options, history=not no_history)
    if html_file is not None and result.prediction is not None:
        html = render_predict_html(result.prediction, title=f"cachekit audit: {repo}")
        write_atomic(html_file, html.encode("utf-8"))
    click.echo(render("audit", "json" if as_json else "text", result))


@main.command("eval")
@click.option(
    "--context",
    "context_file",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="JSON file mapping context names to values.",
)
@click.option(
    "--root",
    default=None,
    type=click.Path(file_okay=False, exists=True),
    help="Workspace for hashFiles() (without it hashFiles is unknown).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the value as JSON.")
@click.argument("expression", metavar="-- EXPR")
@_reports_errors
def eval_command(
    context_file: str | None, root: str | None, as_json: bool, expression: str
) -> None:
    """Evaluate one expression (bare, or a template with ${{ }} parts) as GitHub would."""
    context: dict[str, object] = {}
    if context_file is not None:
        try:
            with open(context_file, encoding="utf-8") as fh:
                loaded = json.load(fh)
        except (OSError, ValueError) as exc:
            raise UsageError(f"{context_file}: not a JSON file ({exc})") from None
        if not isinstance(loaded, dict):
            raise UsageError(f"{context_file}: the context must be a JSON object")
        context = loaded
    hasher = None
    if root is not None:
        tree = WorkTree(root)

        def hasher(args: list[str]) -> str:
            return hash_files(tree, args).digest

    result = evaluate_expression(expression, context=context, hash_files=hasher)
    if as_json:
        click.echo(json.dumps(result.value, indent=2))
    else:
        click.echo(render_eval(result))


if __name__ == "__main__":  # pragma: no cover
    main()


@main.group("data")
def data_group() -> None:
    """The dated data snapshots cachekit models with (action releases, Python versions)."""


@data_group.command("show")
@_reports_errors
def data_show_command() -> None:
    """Which snapshot is in force for each kind of data, and the date it describes."""
    from .snapshots import SNAPSHOTS, snapshot_in_force, user_data_dir  # noqa: PLC0415

    click.echo(f"updates go to {user_data_dir()} (CACHEKIT_DATA_DIR overrides)")
    for name in SNAPSHOTS:
        where, date = snapshot_in_force(name)
        click.echo(f"{name:16} {date}  {where}")


@data_group.command("update")
@click.option(
    "--only",
    type=click.Choice(["action-releases", "python-versions"]),
    default=None,
    help="Refresh only this snapshot.",
)
@click.option(
    "--api-url",
    default="https://api.github.com",
    show_default=True,
    help="GitHub's REST API (another for GitHub Enterprise or a mirror).",
)
@click.option(
    "--raw-url",
    default="https://raw.githubusercontent.com",
    show_default=True,
    help="Where raw files are served as URL/OWNER/REPO/COMMIT/PATH.",
)
@_reports_errors
def data_update_command(only: str | None, api_url: str, raw_url: str) -> None:
    """Fetch the snapshots from GitHub into the user cache directory (the only network use).

    Readers prefer the fetched copy when it describes a later date than the bundled one.
    GITHUB_TOKEN, when set, is sent to the API only (it raises GitHub's rate limit).
    Nothing is written unless every answer was read and validated.
    """
    from .snapshots import Sources, update_snapshots  # noqa: PLC0415

    sources = Sources(
        api=api_url.rstrip("/"), raw=raw_url.rstrip("/"), token=os.environ.get("GITHUB_TOKEN")
    )
    names = (only,) if only else ("action-releases", "python-versions")
    result = update_snapshots(sources, names=names)  # type: ignore[arg-type]
    for name, path, date in result.written:
        click.echo(f"{name:16} describes {date}  -> {path}")
    if result.new_releases:
        click.echo(f"new releases: {', '.join(result.new_releases)}")
