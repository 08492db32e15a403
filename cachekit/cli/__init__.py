"""The ``cachekit`` command: parses options, calls the library, renders the result.

Nothing here computes anything; every command is a library function. Each command lives in its
own module of this package and is imported only when it runs (``cachekit --version`` imports
none of them: see ``benchmarks/bench_startup.py``), and each imports the library inside its
function. Adding a command is a module and one line in :data:`COMMANDS`.

Exit codes are the same for every command (``docs/exit-codes.md``): 0 nothing at ``--fail-on``,
1 findings at or above it (or an answer that is a failure: a step the runner fails, a
resolution that fails), 2 a usage error or nothing to analyse, 3 a failure of the environment
(git missing, an unreadable repository, an unwritable output), 70 a bug, 130 interrupted.
"""

from __future__ import annotations

import importlib
from typing import Final

import click

from .. import __version__

__all__ = ["COMMANDS", "main"]

#: Command name → "module:attribute" of its click command, in the order ``--help`` lists them.
COMMANDS: Final[dict[str, str]] = {
    "hash": "cachekit.cli.hash:command",
    "explain": "cachekit.cli.explain:command",
    "check": "cachekit.cli.check:command",
    "suggest": "cachekit.cli.suggest:command",
    "resolve": "cachekit.cli.resolve:command",
    "predict": "cachekit.cli.predict:command",
    "audit": "cachekit.cli.audit:command",
    "eval": "cachekit.cli.eval:command",
    "data": "cachekit.cli.data:group",
}


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
    cls=_LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "--version", "-V", prog_name="cachekit")
def main() -> None:
    """The truth about your CI dependency caches.

    Exit codes (every command): 0 nothing at --fail-on; 1 findings at or above it; 2 a usage
    error or nothing to analyse; 3 a failure of the environment (git, files); 70 a bug.
    Shell completion: eval "$(_CACHEKIT_COMPLETE=bash_source cachekit)" (zsh_source, fish_source).
    """
