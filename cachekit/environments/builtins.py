"""The shell builtins that change what a script's later commands see, per dialect.

``cd``/``pushd``/``popd`` move the directory installs run in; ``export``/``declare``/``unset``
(cmd's ``set``, PowerShell's ``$env:X =`` in :mod:`.commands`) change the environment installers
read (``VIRTUAL_ENV``, ``POETRY_VIRTUALENVS_IN_PROJECT``); ``source .venv/bin/activate``,
``deactivate``, ``conda activate`` change which environment they install into. One table per
dialect maps a builtin's name to its handler; a handler returns True when it consumed the
command (it is then no installer).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Sequence

from ..ecosystems.commands import State
from ..ecosystems.commands import join as _join
from ..shell.dialects import Dialect
from ..shell.tokens import command_name

__all__ = ["ACTIVATE", "builtin", "cd"]

ACTIVATE = re.compile(
    r"(?P<venv>.*?)[\\/](bin|Scripts)[\\/]activate(\.(sh|bash|fish|csh|ps1|bat))?", re.I
)
_CONDAS = ("conda", "mamba", "micromamba")

Builtin = Callable[[Sequence[str], State], bool]


def cd(target: str, state: State) -> None:
    """``cd target``: ``-`` swaps with the previous directory; an absolute or variable target
    is kept as written; a relative one is joined to the current directory."""
    if target == "-":
        state.cwd, state.oldpwd = state.oldpwd, state.cwd
        return
    state.oldpwd = state.cwd
    if (
        target in ("~", "$HOME", "${HOME}")
        or target.startswith(("/", "~", "$", "%"))
        or re.match(r"[A-Za-z]:[\\/]", target)
    ):
        state.cwd = target.rstrip("/") or "/"
        return
    joined = (
        _join(state.cwd, target)
        if state.cwd is not None
        else posixpath.normpath(target.replace("\\", "/"))
    )
    state.cwd = None if joined == "." else joined


def _popd(argv: Sequence[str], state: State) -> bool:
    if state.dirstack:
        state.cwd = state.dirstack.pop()
    return True


def _activate(state: State, path: str) -> bool:
    """``…/bin/activate`` (any flavour) makes its venv the active one."""
    m = ACTIVATE.fullmatch(path)
    if m:
        state.venv = _join(state.cwd, m.group("venv"))
    return m is not None


# -- bash ------------------------------------------------------------------------------------


def _bash_cd(argv: Sequence[str], state: State) -> bool:
    args = [a for a in argv[1:] if a not in ("-L", "-P", "-e", "-@", "--")]
    if argv[0] == "pushd":
        if not args or args[0].startswith(("+", "-")):
            return True
        state.dirstack.append(state.cwd)
    cd(args[0] if args else "~", state)
    return True


def _bash_declare(argv: Sequence[str], state: State) -> bool:
    """``export``/``declare``/``typeset``/``local``/``readonly``: set, export or un-export."""
    name = argv[0]
    flags = {a for a in argv[1:] if a.startswith("-")}
    exported = name == "export" or any("x" in f for f in flags)
    unexport = name == "export" and "-n" in flags
    for a in argv[1:]:
        if a.startswith("-"):
            continue
        key, eq, value = a.partition("=")
        key = key.rstrip("+")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            continue
        if unexport:
            if key in state.env:
                state.shell[key] = state.env.pop(key)
            continue
        if not eq:
            if exported and key in state.shell:
                state.env[key] = state.shell.pop(key)
            elif exported and key not in state.env:
                state.env[key] = ""
            continue
        if exported:
            state.env[key] = value
            state.shell.pop(key, None)
        else:
            state.shell[key] = value
        if key == "VIRTUAL_ENV" and exported:
            state.venv = value or None
    return True


def _bash_unset(argv: Sequence[str], state: State) -> bool:
    for a in argv[1:]:
        if a.startswith("-"):
            continue
        state.env.pop(a, None)
        state.shell.pop(a, None)
        if a == "VIRTUAL_ENV":
            state.venv = None
    return True


def _bash_source(argv: Sequence[str], state: State) -> bool:
    if len(argv) > 2 and not _activate(state, argv[1]) and command_name(argv[1]) == "activate":
        state.conda_env = argv[2]  # old conda: source activate NAME
    elif len(argv) == 2:
        _activate(state, argv[1])
    return True


def _deactivate(argv: Sequence[str], state: State) -> bool:
    state.venv = None
    return True


def _bash_other(argv: Sequence[str], state: State) -> bool:
    """``conda activate [NAME]`` / ``conda deactivate`` (and mamba's, micromamba's)."""
    if command_name(argv[0]) not in _CONDAS:
        return False
    if argv[1:2] == ["activate"]:
        args = [a for a in argv[2:] if not a.startswith("-")]
        state.conda_env = args[0] if args else "base"
        return True
    if argv[1:2] == ["deactivate"]:
        state.conda_env = None
        return True
    return False


_BASH: dict[str, Builtin] = {
    "cd": _bash_cd,
    "pushd": _bash_cd,
    "popd": _popd,
    **dict.fromkeys(("export", "declare", "typeset", "local", "readonly"), _bash_declare),
    "unset": _bash_unset,
    "source": _bash_source,
    ".": _bash_source,
    "deactivate": _deactivate,
}


# -- PowerShell ------------------------------------------------------------------------------


def _pwsh_cd(argv: Sequence[str], state: State) -> bool:
    args = [a for a in argv[1:] if not a.lower().startswith("-")]
    if argv[0].lower() in ("push-location", "pushd"):
        state.dirstack.append(state.cwd)
    cd(args[0] if args else "~", state)
    return True


def _pwsh_dot(argv: Sequence[str], state: State) -> bool:
    """``. .venv/Scripts/Activate.ps1``: dot-sourcing an activation script."""
    if len(argv) < 2:
        return False
    _activate(state, argv[1])
    return True


def _pwsh_other(argv: Sequence[str], state: State) -> bool:
    """``.venv/Scripts/Activate.ps1`` run by its path."""
    if not ACTIVATE.fullmatch(argv[0]):
        return False
    return _activate(state, argv[0])


_PWSH: dict[str, Builtin] = {
    **dict.fromkeys(("set-location", "sl", "chdir", "cd", "push-location", "pushd"), _pwsh_cd),
    "pop-location": _popd,
    "popd": _popd,
    ".": _pwsh_dot,
}


# -- cmd -------------------------------------------------------------------------------------


def _cmd_cd(argv: Sequence[str], state: State) -> bool:
    args = [a for a in argv[1:] if a.lower() != "/d"]
    if argv[0].lower() == "pushd":
        state.dirstack.append(state.cwd)
    if args:
        cd(args[0], state)
    return True


def _cmd_set(argv: Sequence[str], state: State) -> bool:
    if len(argv) < 2:
        return False
    assign = " ".join(argv[1:])
    if assign.lower().startswith("/a") or assign.lower().startswith("/p"):
        return True
    key, eq, value = assign.partition("=")
    if eq:
        state.env[key.strip()] = value
        if key.strip().upper() == "VIRTUAL_ENV":
            state.venv = value
    return True


def _cmd_call(argv: Sequence[str], state: State) -> bool:
    return len(argv) > 1 and _activate(state, argv[1])


_CMD: dict[str, Builtin] = {
    "cd": _cmd_cd,
    "chdir": _cmd_cd,
    "pushd": _cmd_cd,
    "popd": _popd,
    "set": _cmd_set,
    "call": _cmd_call,
}

# dialect → (handlers by name, whether names are case-insensitive, the handler for the rest)
_TABLES: dict[Dialect, tuple[dict[str, Builtin], bool, Builtin]] = {
    "bash": (_BASH, False, _bash_other),
    "pwsh": (_PWSH, True, _pwsh_other),
    "cmd": (_CMD, True, _pwsh_other),
}


def builtin(dialect: Dialect, argv: Sequence[str], state: State) -> bool:
    """Apply ``argv`` to ``state`` if it is a builtin of ``dialect``; True when it was one."""
    table, fold, other = _TABLES[dialect]
    handler = table.get(argv[0].lower() if fold else argv[0])
    if handler is not None:
        return handler(argv, state)
    return other(argv, state)
