"""``cachekit predict`` and the options it shares with ``audit``: the history replayed."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..errors import UsageError
from .common import (
    Output,
    RunOptions,
    Terminal,
    check_writable,
    output_options,
    parse_date,
    parse_size,
    platform_of,
    platform_option,
    repo_argument,
    reports_errors,
    resolve_repo,
    rev_option,
    run_options,
    terminal_options,
    write_file,
)

if TYPE_CHECKING:
    from ..platforms import Platform
    from ..predict import PredictResult

R = TypeVar("R")
EVENTS = ("push", "pull_request", "workflow_dispatch")


def history_options(fn: Callable[..., R]) -> Callable[..., R]:
    """What to replay and how big the cache is: the options predict and audit share."""
    options = (
        click.option("--since", default=None, metavar="DATE", help="Only commits since DATE."),
        click.option(
            "--max-commits",
            default=1000,
            show_default=True,
            type=click.IntRange(min=1),
            help="At most the newest N commits of the default branch.",
        ),
        click.option(
            "--entry-size",
            default="100M",
            show_default=True,
            help="Estimated size of one cache entry (sizes are unknowable offline; drives "
            "eviction).",
        ),
        click.option(
            "--limit", default="10G", show_default=True, help="The repository's cache size limit."
        ),
        click.option(
            "--schedule", is_flag=True, help="Also replay on: schedule runs on the default branch."
        ),
        click.option(
            "--repository",
            default=None,
            metavar="OWNER/NAME",
            help="github.repository for if: conditions (default: the origin remote).",
        ),
        click.option(
            "--jobs",
            default=None,
            type=click.IntRange(min=1),
            metavar="N",
            help="Worker processes for the replay (default: the cores, serial while they are "
            "all busy or the history is short; 1: serial).",
        ),
        click.option(
            "--html",
            "html_file",
            type=click.Path(dir_okay=False),
            default=None,
            help="Also write the self-contained HTML report here.",
        ),
    )
    for option in reversed(options):
        fn = option(fn)
    return fn


def predict_options(
    run: RunOptions,
    *,
    since: str | None,
    max_commits: int,
    entry_size: str,
    limit: str,
    schedule: bool,
    repository: str | None,
    html_file: str | None,
    jobs: int | None = None,
    **more: Any,
) -> Any:
    """Every value checked before any work (dates, sizes, the report's path), as options."""
    from ..predict import PredictOptions  # noqa: PLC0415 - imported when the command runs

    since = parse_date(since, "--since")
    entry = parse_size(entry_size, "--entry-size")
    limit_bytes = parse_size(limit, "--limit")
    if html_file is not None:
        check_writable(html_file, "--html")
    return PredictOptions(
        since=since,
        max_commits=max_commits,
        entry_size=entry,
        limit_bytes=limit_bytes,
        # workflow_dispatch replays each commit as a manual run; pull_request adds PR runs
        event="workflow_dispatch" if run.event == "workflow_dispatch" else "push",
        pull_requests=run.event == "pull_request",
        schedule=schedule,
        repository=repository,
        workflow=run.workflow,
        job=run.job,
        os=run.os,
        arch=run.arch,
        # the command line may spawn workers (its entry point guards __main__); the library
        # default stays serial
        jobs=jobs,
        **more,
    )


def write_html(kind: str, path: str | None, result: object, title: str) -> None:
    if path is None:
        return
    from ..output.registry import RenderOptions, render  # noqa: PLC0415 - lazy

    write_file(path, render(kind, "html", result, RenderOptions(title=title)))  # type: ignore[arg-type]


@click.command("predict")
@repo_argument
@click.option("--range", "range_", default=None, metavar="A..B", help="Only these commits.")
@rev_option("History ending here (default: the default branch).")
@click.option(
    "--branch",
    "branches",
    multiple=True,
    metavar="B",
    help="Also replay pushes to branch B (its own commits); repeatable.",
)
@history_options
@click.option(
    "--caches",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="gh cache list --json output: entry sizes are taken from it (by key, else by the "
    "key's family) instead of --entry-size.",
)
@platform_option
@reports_errors
@terminal_options
@output_options("predict")
@run_options(EVENTS, ref=False)
def command(
    repo: str,
    range_: str | None,
    rev: str | None,
    branches: tuple[str, ...],
    since: str | None,
    max_commits: int,
    entry_size: str,
    limit: str,
    schedule: bool,
    repository: str | None,
    html_file: str | None,
    jobs: int | None,
    caches: str | None,
    platform: str | None,
    run: RunOptions,
    out: Output,
    term: Terminal,
) -> None:
    """Predict cache hits and misses over REPO's git history.

    Every commit's cache keys are computed without checking it out, then the runs are fed in
    time order through a model of GitHub's cache service (lookup order, restore keys, scopes,
    versions, immutability, 7-day expiry, size-limited eviction). --event pull_request also
    replays merged branches as pull_request runs; workflow_dispatch replays each commit as a
    manual run. GitLab, CircleCI and Azure histories are replayed through their own lookup
    rules (--platform, or detected).
    """
    from ..evidence import read_cache_list  # noqa: PLC0415 - imported when the command runs
    from ..predict import predict  # noqa: PLC0415

    known = read_cache_list(caches) if caches else ()
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
        range=range_,
        branches=branches,
        known_sizes=tuple((e.key, e.size_bytes) for e in known if e.size_bytes is not None),
    )
    root = resolve_repo(repo, term, history=True, command="predict")
    chosen = platform_of(root, rev, platform)
    if chosen != "github":
        result = _other_platform(root, chosen, max_commits=max_commits, rev=rev, job=run.job)
    else:
        run.check_selection(root, rev or "HEAD")
        result = predict(root, options, progress=term.progress("commits"))
    write_html("predict", html_file, result, f"cachekit predict: {repo}")
    out.emit(result, title=f"cachekit predict: {repo}")


def _other_platform(
    root: str, platform: Platform, *, max_commits: int, rev: str | None, job: str | None
) -> PredictResult:
    """The default branch's history through GitLab's, CircleCI's or Azure's lookup rules."""
    from ..azure.predict import predict_azure  # noqa: PLC0415 - imported when used
    from ..circleci.predict import predict_circleci  # noqa: PLC0415
    from ..gitlab.predict import predict_gitlab  # noqa: PLC0415

    replay = {"gitlab": predict_gitlab, "circleci": predict_circleci, "azure": predict_azure}
    if platform not in replay:
        raise UsageError(f"predict does not support --platform {platform} yet")
    return replay[platform](root, max_commits=max_commits, rev=rev, job=job)
