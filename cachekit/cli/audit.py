"""``cachekit audit``: why CI got slow — key-breaking commits, and what run logs show."""

from __future__ import annotations

import click

from .common import (
    Output,
    RunOptions,
    Terminal,
    output_options,
    repo_argument,
    reports_errors,
    resolve_repo,
    rev_option,
    run_options,
    terminal_options,
)
from .predict import EVENTS, history_options, predict_options, write_html


@click.command("audit")
@repo_argument
@rev_option("History ending here (default: the default branch).")
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
@history_options
@click.option("--no-history", is_flag=True, help="Only the logs: do not replay the history.")
@reports_errors
@terminal_options
@output_options("audit")
@run_options(EVENTS, ref=False)
def command(
    repo: str,
    rev: str | None,
    logs: tuple[str, ...],
    caches: str | None,
    since: str | None,
    max_commits: int,
    entry_size: str,
    limit: str,
    schedule: bool,
    repository: str | None,
    html_file: str | None,
    jobs: int | None,
    no_history: bool,
    run: RunOptions,
    out: Output,
    term: Terminal,
) -> None:
    """Why did CI get slow? Key-breaking commits, and what the run logs show.

    Without --logs, the history alone: which commits changed which keys, evictions and
    expiry. With run logs (and gh cache list output), also job and restore durations, what a
    miss costs, and where the logs disagree with the prediction, and why.
    """
    from ..audit import audit  # noqa: PLC0415 - imported when the command runs

    options = predict_options(
        run,
        since=since,
        max_commits=max_commits,
        entry_size=entry_size,
        limit=limit,
        schedule=schedule,
        repository=repository,
        html_file=html_file,
        jobs=jobs,
        rev=rev,
    )
    if no_history and not logs:
        raise click.UsageError("--no-history needs --logs: there is nothing else to audit")
    root = repo if no_history else resolve_repo(repo, term, history=True, command="audit")
    run.check_selection(root, rev or "HEAD", require=not no_history)
    result = audit(
        root,
        logs=logs,
        caches=caches,
        options=options,
        history=not no_history,
        progress=term.progress("commits"),
    )
    # the history's timeline, then what the logs say (job costs, failed cache steps)
    write_html("audit", html_file, result, f"cachekit audit: {repo}")
    out.emit(result, title=f"cachekit audit: {repo}")
