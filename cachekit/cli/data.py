"""``cachekit data``: the dated snapshots cachekit models with, shown and refreshed.

The only commands that use the network (``data update``). They manage data rather than analyse
a repository, so they take none of the repository or output options.
"""

from __future__ import annotations

import os

import click

from .common import reports_errors


@click.group("data")
def group() -> None:
    """The dated data snapshots cachekit models with (action releases, Python and Go versions,
    runner labels)."""


@group.command("show")
@reports_errors
def show_command() -> None:
    """Which snapshot is in force for each kind of data, the date it describes, its source."""
    from ..snapshots import SNAPSHOTS, SOURCES, snapshot_in_force, user_data_dir  # noqa: PLC0415

    click.echo(f"updates go to {user_data_dir()} (CACHEKIT_DATA_DIR overrides)")
    for name in SNAPSHOTS:
        where, date = snapshot_in_force(name)
        click.echo(f"{name:16} {date}  {where}  ({SOURCES[name]})")


@group.command("update")
@click.option(
    "--only",
    type=click.Choice(["action-releases", "python-versions", "go-versions", "runner-labels"]),
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
@reports_errors
def update_command(only: str | None, api_url: str, raw_url: str) -> None:
    """Fetch the snapshots from GitHub into the user cache directory (the only network use).

    Readers prefer the fetched copy when it describes a later date than the bundled one.
    GITHUB_TOKEN, when set, is sent to the API only (it raises GitHub's rate limit).
    Nothing is written unless every answer was read and validated.
    """
    from ..snapshots import SNAPSHOTS, Sources, update_snapshots  # noqa: PLC0415

    sources = Sources(
        api=api_url.rstrip("/"), raw=raw_url.rstrip("/"), token=os.environ.get("GITHUB_TOKEN")
    )
    result = update_snapshots(sources, names=(only,) if only else SNAPSHOTS)  # type: ignore[arg-type]
    for name, path, date in result.written:
        click.echo(f"{name:16} describes {date}  -> {path}")
    if result.new_releases:
        click.echo(f"new releases: {', '.join(result.new_releases)}")
