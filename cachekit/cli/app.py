"""The click group of ``cachekit``: commands from :data:`cachekit.cli.COMMANDS`, lazily."""

from __future__ import annotations

import importlib

import click

from .. import __version__
from . import COMMANDS

__all__ = ["cli"]


class _LazyGroup(click.Group):
    """Commands from :data:`COMMANDS`, imported when named (or when ``--help`` lists them)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*COMMANDS, *sorted(set(self.commands) - set(COMMANDS))]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module, _, attribute = target.partition(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command


@click.group(
    "cachekit",
    cls=_LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "--version", "-V", prog_name="cachekit")
def cli() -> None:
    """The truth about your CI dependency caches.

    Exit codes (every command): 0 nothing at --fail-on; 1 findings at or above it; 2 a usage
    error or nothing to analyse; 3 a failure of the environment (git, files); 70 a bug.
    Shell completion: eval "$(_CACHEKIT_COMPLETE=bash_source cachekit)" (zsh_source, fish_source).
    """
