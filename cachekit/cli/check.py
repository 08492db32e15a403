"""``cachekit check``: cache keys that do not capture the environment they restore."""

from __future__ import annotations

import click

from .common import (
    Output,
    RunOptions,
    Terminal,
    check_writable,
    exit_for_findings,
    fail_on_option,
    output_options,
    platform_of,
    platform_option,
    repo_argument,
    reports_errors,
    resolve_repo,
    rev_option,
    run_options,
    terminal_options,
)


@click.command("check")
@repo_argument
@rev_option("Check this commit (no checkout).")
@fail_on_option(None, "the configuration's fail-on, else warning")
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
@platform_option
@reports_errors
@terminal_options
@output_options("check")
@run_options()
def command(
    repo: str,
    rev: str | None,
    fail_on: str | None,
    no_ignores: bool,
    baseline: str | None,
    write_baseline: str | None,
    platform: str | None,
    run: RunOptions,
    out: Output,
    term: Terminal,
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
    from ..checks import check  # noqa: PLC0415 - imported when the command runs
    from ..suppress import apply_policy, load_policy, read_baseline  # noqa: PLC0415
    from ..suppress import write_baseline as write_baseline_file  # noqa: PLC0415

    if write_baseline is not None:
        check_writable(write_baseline, "--write-baseline")
    root = resolve_repo(repo, term, command="check")
    policy = load_policy(root, rev)  # a malformed configuration fails before any work
    entries = read_baseline(baseline) if baseline and not no_ignores else []
    chosen = platform_of(root, rev, platform)
    if chosen != "github":  # GitLab, CircleCI, Azure: their own configuration and rules
        from ..platforms.dispatch import check_platform  # noqa: PLC0415

        result = check_platform(root, chosen, rev=rev, options=run.platform_run())
    else:
        run.check_selection(root, rev)
        result = check(
            root,
            rev=rev,
            workflow=run.workflow,
            job=run.job,
            event=run.event,
            ref=run.ref,
            os=run.os,
            arch=run.arch,
        )
    if write_baseline is not None:
        count = write_baseline_file(result, write_baseline)
        click.echo(f"cachekit: recorded {count} finding(s) in {write_baseline}", err=True)
    if not no_ignores:
        result, hidden = apply_policy(root, rev, result, policy, baseline=entries)
        if hidden.total:  # always said, even with -q: hidden findings must never go unnoticed
            click.echo(
                f"cachekit: {hidden.total} finding(s) not shown (configuration {hidden.config}, "
                f"inline {hidden.inline}, baseline {hidden.baseline}; --no-ignores shows them)",
                err=True,
            )
    out.emit(result)
    threshold = fail_on or policy.check.fail_on or "warning"
    exit_for_findings([f.severity for f in result.findings], threshold)
