"""The records install-command recognisers produce, and the context they read.

An ecosystem's recognisers (:data:`cachekit.ecosystems.model.Recogniser`) turn one simple
command's words into :class:`Command` records; the ``run:`` script reader
(:mod:`cachekit.environments.commands`) gives them a :class:`Ctx`: the command's text and line,
the script's :class:`State` so far (``cd``, exported variables, the active venv or conda env,
``poetry config``), the env prefixes and wrappers (``sudo``, ``uv run``) it ran under. Runners
(``uv run X``, ``poetry run X``) record what they wrap in :class:`Prefixes`.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as PackagingRequirement
from packaging.utils import canonicalize_name

from ..shell.argv import Parsed
from ..shell.tokens import ScriptProblem

__all__ = [
    "Command",
    "Ctx",
    "Prefixes",
    "State",
    "env_get",
    "is_tooling",
    "join",
    "make",
    "missing",
    "one",
    "split_installs",
    "truthy",
    "venv_of_exe",
]


@dataclass(frozen=True)
class Command:
    """One installer invocation found in a script.

    ``requirements``, ``constraints``, ``editables`` and ``packages`` are as written (relative to
    ``cwd``, quotes removed, ``$VAR`` kept). ``venv`` and ``conda_env`` are relative to the step's
    working directory: a ``cd`` before ``python -m venv .venv`` is folded in (``"app/.venv"``).
    ``via`` lists what the command ran under: ``"sudo"``, ``"xargs"`` (arguments come from
    stdin), ``"uv run"``, ``"poetry run"``, ``"pipenv run"``, ``"pdm run"``, ``"conda run"`` …

    Fields beyond the original contract: ``via``, and ``conda_env`` (the conda env named by
    ``-n``/``-p`` or activated earlier). Venv creation is ``action == "venv"`` whatever the
    tool: ``"venv"`` for ``python -m venv`` and ``virtualenv``, ``"uv"`` for ``uv venv``.
    ``venv`` is None for installs that bypass the active environment (``--user``, which means
    the user site; ``--target``; ``--prefix``; ``--system``; an interpreter named by a path
    outside any venv). For maven/gradle ``packages`` holds the goals or tasks; for
    ``npm run``/``yarn run`` the script name; for ``uv tool run`` the tool.
    """

    tool: str
    action: str
    argv: tuple[str, ...]
    text: str
    line: int
    requirements: tuple[str, ...] = ()
    constraints: tuple[str, ...] = ()
    editables: tuple[str, ...] = ()
    packages: tuple[str, ...] = ()
    options: tuple[tuple[str, str | None], ...] = ()
    python: str | None = None
    venv: str | None = None
    cwd: str | None = None
    env: tuple[tuple[str, str], ...] = ()
    tooling: bool = False
    via: tuple[str, ...] = ()
    conda_env: str | None = None

    @property
    def installs(self) -> bool:
        """Whether the command puts packages into an environment or into the store a build reads.

        True for installs and syncs (pip/uv/poetry/pipenv/conda/npm/yarn/pnpm), for ``uv run``
        unless ``--no-sync``, for tox/nox (they build their own envs), and for go/cargo/maven/
        gradle builds, which fetch every dependency into the tool's store. False for
        ``pip download``/``wheel``, lock/compile, config, venv creation, ``--dry-run``, script
        runs (``npm run``), uninstalls and cache commands.
        """
        if self.has("--dry-run") or self.has("--no-install"):
            return False
        if self.tool == "uv" and self.action == "run":
            return not (self.has("--no-sync") or self.has("--no-project"))
        from .registry import install_actions  # noqa: PLC0415 (the registry imports this module)

        return self.action in install_actions(self.tool)

    def has(self, option: str) -> bool:
        """Whether the (normalised) option was given."""
        return any(name == option for name, _ in self.options)

    def values(self, option: str) -> tuple[str, ...]:
        """Every value given to ``option``, in order (``--with a --with b`` → ``("a", "b")``)."""
        return tuple(v for name, v in self.options if name == option and v is not None)


@dataclass
class State:
    cwd: str | None = None
    oldpwd: str | None = None
    dirstack: list[str | None] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)  # exported
    shell: dict[str, str] = field(default_factory=dict)  # set, not exported
    venv: str | None = None
    conda_env: str | None = None
    poetry: dict[str, str] = field(default_factory=dict)  # `poetry config` settings

    def copy(self) -> State:
        return State(
            self.cwd,
            self.oldpwd,
            list(self.dirstack),
            dict(self.env),
            dict(self.shell),
            self.venv,
            self.conda_env,
            dict(self.poetry),
        )


def join(base: str | None, path: str) -> str:
    """``path`` seen from the step's directory, given the script's ``cd`` target ``base``."""
    if path.startswith(("/", "~", "$")) or re.match(r"[A-Za-z]:[\\/]", path):
        return path
    if base is None:
        return posixpath.normpath(path.replace("\\", "/"))
    return posixpath.normpath(posixpath.join(base, path.replace("\\", "/")))


@dataclass
class Prefixes:
    env: list[tuple[str, str]] = field(default_factory=list)
    via: list[str] = field(default_factory=list)
    venv: str | None = None
    runner_commands: list[Command] = field(default_factory=list)
    chdir: str | None = None
    conda_env: str | None = None


_VENV_BIN = re.compile(r"(?P<venv>.+?)[\\/](bin|Scripts)[\\/][^\\/]+$", re.I)
_WINDOWS_EXT = re.compile(r"\.(exe|cmd|bat|ps1)$", re.I)
_SYSTEM_PREFIXES = (
    "/usr",
    "/bin",
    "/opt",
    "/Library",
    "/System",
    "/nix",
    "/snap",
    "/home/linuxbrew",
)


def venv_of_exe(exe: str) -> str | None:
    """The virtual environment an executable path lives in: ``.venv/bin/pip`` → ``.venv``.

    System locations (``/usr/bin/python3``) and interpreter prefixes named by variables
    (``$pythonLocation/bin/python``) are not virtual environments.
    """
    m = _VENV_BIN.fullmatch(exe)
    if not m:
        return None
    venv = m.group("venv")
    if venv.startswith(_SYSTEM_PREFIXES) or "pythonLocation" in venv or "hostedtoolcache" in venv:
        return None
    if re.match(r"[A-Za-z]:[\\/](Python|Program Files|hostedtoolcache)", venv, re.I):
        return None
    return venv


@dataclass(frozen=True)
class Ctx:
    """What a command's record needs besides its own words."""

    text: str
    line: int
    state: State
    env: tuple[tuple[str, str], ...]
    via: tuple[str, ...]
    problems: list[ScriptProblem]
    venv: str | None  # the environment the command would install into, if known


def env_get(ctx: Ctx, name: str) -> str | None:
    for key, value in reversed(ctx.env):
        if key == name:
            return value
    return None


def truthy(value: str | None) -> bool:
    return value is not None and value.strip().strip("'\"").lower() in ("1", "true", "yes", "on")


def make(ctx: Ctx, tool: str, action: str, argv: Sequence[str], **fields: object) -> Command:
    base = Command(
        tool=tool,
        action=action,
        argv=tuple(argv),
        text=ctx.text,
        line=ctx.line,
        cwd=ctx.state.cwd,
        env=ctx.env,
        via=ctx.via,
        venv=ctx.venv,
        conda_env=ctx.state.conda_env,
    )
    return replace(base, **fields)  # type: ignore[arg-type]


def missing(ctx: Ctx, parsed: Parsed, what: str) -> None:
    for name in parsed.missing:
        ctx.problems.append(ScriptProblem(ctx.line, f"{what}: {name} needs a value"))


def split_installs(
    parsed: Parsed,
    *,
    req: str = "--requirement",
    con: str = "--constraint",
    edit: str = "--editable",
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[tuple[str, str | None], ...]]:
    reqs, cons, edits, opts = [], [], [], []
    for name, value in parsed.options:
        if name == req and value is not None:
            reqs.append(value)
        elif name == con and value is not None:
            cons.append(value)
        elif name == edit and value is not None:
            edits.append(value)
        else:
            opts.append((name, value))
    return tuple(reqs), tuple(cons), tuple(edits), tuple(opts)


def is_tooling(packages: Sequence[str], *others: Sequence[str]) -> bool:
    if not packages or any(others):
        return False
    for spec in packages:
        try:
            name = PackagingRequirement(spec).name
        except InvalidRequirement:
            return False
        if canonicalize_name(name) not in _tooling():
            return False
    return True


@cache
def _tooling() -> frozenset[str]:
    # The registry imports the ecosystem modules, which import this one: look it up late.
    from .registry import tooling  # noqa: PLC0415

    return frozenset(canonicalize_name(n) for n in tooling())


def one(command: Command | None) -> list[Command]:
    """A recogniser's single optional record as the list the interface returns."""
    return [command] if command is not None else []
