"""``cachekit resolve``: the environment each job installs, resolved as it would be now."""

from __future__ import annotations

import sys

import click

from ..errors import UsageError
from .common import (
    EXIT_FINDINGS,
    OSES,
    Output,
    RunOptions,
    Terminal,
    output_options,
    parse_date,
    repo_argument,
    reports_errors,
    resolve_repo,
    rev_option,
    run_options,
    terminal_options,
)


@click.command("resolve")
@repo_argument
@rev_option("Resolve the files of this commit.")
@click.option(
    "--backend",
    type=click.Choice(["pip-tools", "uv"]),
    default="pip-tools",
    show_default=True,
    help="pip-compile (this Python only) or uv pip compile (any Python and platform).",
)
@click.option(
    "--python", "python_version", default=None, metavar="X.Y", help="Resolve for this Python."
)
@click.option(
    "--os",
    "os_name",
    type=click.Choice(OSES),
    default=None,
    help="Resolve for this OS (uv; default the job's runner OS).",
)
@click.option(
    "--platform",
    "platform_alias",
    type=click.Choice(OSES),
    default=None,
    hidden=True,
    help="Deprecated: the same as --os (--platform names the CI platform elsewhere).",
)
@click.option("--drift", is_flag=True, help="Compare with the lock (or all-== requirements).")
@click.option(
    "--exclude-newer",
    default=None,
    metavar="DATE",
    help="Compare with what resolved on DATE (YYYY-MM-DD): what a cache saved then still holds.",
)
@click.option(
    "--allow-build",
    is_flag=True,
    help="Let the resolver run build backends (setup.py) of the project and of sdists.",
)
@click.option("--index-url", default=None, help="The package index (default: the resolver's).")
@click.option("--extra-index-url", multiple=True, help="More indexes (repeatable).")
@click.option("--find-links", "-f", multiple=True, help="Directories or pages of archives.")
@click.option("--no-index", is_flag=True, help="Only --find-links.")
@reports_errors
@terminal_options
@output_options("resolve")
@run_options(selection_only=True)
def command(
    repo: str,
    rev: str | None,
    backend: str,
    python_version: str | None,
    platform_alias: str | None,
    drift: bool,
    exclude_newer: str | None,
    allow_build: bool,
    index_url: str | None,
    extra_index_url: tuple[str, ...],
    find_links: tuple[str, ...],
    no_index: bool,
    run: RunOptions,
    out: Output,
    term: Terminal,
) -> None:
    """Resolve the environment each job installs, as it would resolve now.

    Reads what the jobs install (requirements and their includes, inline packages, the
    project, a Poetry/uv project) and resolves it with pip-tools or uv in a hermetic
    subprocess. Repository code is never run unless --allow-build. --drift compares with the
    lock; --exclude-newer DATE with what resolved on DATE. Exit 1 when a resolution fails.
    """
    from ..resolving import ResolveOptions, resolve_workflows  # noqa: PLC0415 - when it runs

    exclude_newer = parse_date(exclude_newer, "--exclude-newer")
    os_name = run.os  # --os reaches the command through run_options, like everywhere
    if platform_alias is not None:
        if os_name not in (None, platform_alias):
            raise UsageError(f"--os {os_name} and --platform {platform_alias} disagree: give --os")
        term.note("resolve --platform is deprecated: give --os")
        os_name = platform_alias
    root = resolve_repo(repo, term, command="resolve")
    run.check_selection(root, rev)
    result = resolve_workflows(
        root,
        ResolveOptions(
            backend=backend,
            python=python_version,
            platform=os_name,
            drift=drift,
            exclude_newer=exclude_newer,
            allow_build=allow_build,
            index_url=index_url,
            extra_index_urls=extra_index_url,
            find_links=find_links,
            no_index=no_index,
            workflow=run.workflow,
            job=run.job,
        ),
        rev=rev,
        progress=term.progress("install sets resolved"),
    )
    out.emit(result)
    if any(i.error for i in result.installs):
        sys.exit(EXIT_FINDINGS)
