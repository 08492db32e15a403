"""The ``cachekit`` command: parses options, calls the library, renders the result.

Nothing here computes anything; every command is a library function. Each command lives in its
own module of this package and is imported only when it runs (``cachekit --version`` imports
none of them: see ``benchmarks/bench_startup.py``), and each imports the library inside its
function. Adding a command is a module and one line in :data:`COMMANDS`.

Start-up: ``main`` answers ``cachekit --version`` before importing click (a third of the
start-up cost); anything else loads the click group (:mod:`.app`) and runs it.

Exit codes are the same for every command (``docs/cli.md``): 0 nothing at ``--fail-on``,
1 findings at or above it (or an answer that is a failure: a step the runner fails, a
resolution that fails), 2 a usage error or nothing to analyse, 3 a failure of the environment
(git missing, an unreadable repository, an unwritable output), 70 a bug, 130 interrupted.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Final

from .. import __version__

if TYPE_CHECKING:
    import click

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

_VERSION_ARGS: Final = (["--version"], ["-V"])


class _Main:
    """The ``cachekit`` entry point: the click group, loaded on first real use.

    Calling it with just ``--version`` prints the version without importing click; any other
    use (a command, ``--help``, click's test runner, attribute access) goes to the group.
    """

    name = "cachekit"

    def _group(self) -> click.Group:
        from .app import cli  # noqa: PLC0415 - the point of this class

        return cli

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not args and not kwargs and sys.argv[1:] in _VERSION_ARGS:
            print(f"cachekit, version {__version__}")
            return None
        return self._group()(*args, **kwargs)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        return self._group().main(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._group(), name)


main: Final = _Main()
