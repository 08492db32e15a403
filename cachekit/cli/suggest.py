"""``cachekit suggest``: the right cache for every job, as ready YAML (or edited in place)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from ..errors import UsageError
from ..textsafe import safe_field, safe_text
from .common import (
    Output,
    RunOptions,
    Terminal,
    exit_for_findings,
    fail_on_option,
    output_options,
    platform_of,
    platform_option,
    repo_argument,
    reports_errors,
    resolve_repo,
    run_options,
    terminal_options,
)

if TYPE_CHECKING:
    from ..platforms import Platform
    from ..suggest import SuggestResult


@click.command("suggest")
@repo_argument
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
@fail_on_option("none")
@platform_option
@reports_errors
@terminal_options
@output_options("suggest", also=False)
@run_options()
def command(
    repo: str,
    fail_on: str,
    write: bool,
    yes: bool,
    simulate: bool,
    max_commits: int,
    platform: str | None,
    run: RunOptions,
    out: Output,
    term: Terminal,
) -> None:
    """Propose the right cache for every job: key, restore-keys, paths, as ready YAML.

    Per job and package manager (pip, pip-tools, Poetry, Pipenv, uv, conda, npm, Yarn, pnpm,
    Go, Cargo, Maven, Gradle): an actions/cache step, or the setup action's own cache: input
    when it does the same job. Every suggestion is re-checked with `cachekit check`. With
    --write the workflow is edited in place (comments and formatting kept), after showing
    the diff; a file that cannot be edited safely is left untouched.
    """
    from ..predict import PredictOptions  # noqa: PLC0415 - imported when the command runs
    from ..suggest import suggest  # noqa: PLC0415
    from ..suggest.simulate import (  # noqa: PLC0415
        SimulationRow,
        render_simulation,
        require_repository_top,
        simulate_suggestion,
    )

    if write and not yes and not sys.stdin.isatty():
        raise UsageError(
            "--write asks before editing each file and there is no terminal: use --yes"
        )
    root = resolve_repo(repo, term, history=simulate, command="suggest --simulate")
    chosen = platform_of(root, None, platform)
    if chosen != "github":
        _other_platform(root, chosen, write=write, simulate=simulate, run=run, out=out)
        return
    if simulate:
        require_repository_top(root)  # fail before any output, not after it
    run.check_selection(root, None)
    result = suggest(root, workflow=run.workflow, job=run.job)
    rows: tuple[SimulationRow, ...] = ()
    if simulate:
        options = PredictOptions(max_commits=max_commits)
        rows = simulate_suggestion(root, result, options, progress=term.progress("commits"))
    if out.format == "json":
        out.emit(result, extra={"simulation": rows} if simulate else {})
    elif write:
        out.emit(result, diff=False)
    else:
        text = out.render(result)
        out.write(text + ("\n\n" + render_simulation(rows) if simulate else ""))
    if write:
        _write(root, result, yes)
    exit_for_findings([f.severity for f in result.residual], fail_on)


def _other_platform(
    root: str, platform: Platform, *, write: bool, simulate: bool, run: RunOptions, out: Output
) -> None:
    """GitLab, CircleCI, Azure: the cache stanzas to paste, as commented YAML (no edits yet)."""
    from ..platforms.dispatch import suggest_platform_text  # noqa: PLC0415

    unsupported = "--write" if write else "--simulate" if simulate else None
    if out.format == "json":
        unsupported = "--format json"
    if unsupported:
        raise UsageError(f"suggest {unsupported} is for GitHub workflows, not {platform}")
    out.write(safe_text(suggest_platform_text(root, platform, job=run.job)))


def _write(root: str, result: SuggestResult, yes: bool) -> None:
    """Show each file's diff, ask (unless --yes), and write it."""
    from ..suggest.edit import EditRefused, apply_edit  # noqa: PLC0415 - when the command runs

    if not result.edits:
        click.echo("nothing to write")
        return
    refused: list[EditRefused] = []
    for edit in result.edits:
        click.echo(safe_text(edit.diff().rstrip("\n")))
        if not yes and not click.confirm(f"apply to {safe_field(edit.path)}?", default=False):
            click.echo(f"{safe_field(edit.path)}: left unchanged")
            continue
        try:
            apply_edit(root, edit)
        except EditRefused as exc:  # one refused file never stops the others
            refused.append(exc)
            click.echo(f"cachekit: error: {safe_field(str(exc))}; left unchanged", err=True)
            continue
        click.echo(f"{safe_field(edit.path)}: written")
    if refused:
        sys.exit(max(exc.exit_code for exc in refused))
