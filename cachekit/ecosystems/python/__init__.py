"""Python: pip, pip-tools, Poetry, Pipenv, uv, conda — one ecosystem in four rooms.

:mod:`.facts` declares its tools, package managers, tooling and directories; :mod:`.commands`
reads its install commands; :mod:`.detect` finds its projects; :mod:`.recipes` writes their
caches. This module puts them together as one :class:`~cachekit.ecosystems.model.Ecosystem`.
"""

from __future__ import annotations

from ..declare import declare
from ..model import Program
from . import commands as _cmds
from . import facts as _facts
from .detect import detect
from .recipes import recipes

__all__ = ["ECOSYSTEM"]

_R = _cmds.RECOGNISERS
PROGRAMS = (
    Program(_cmds._PYTHON_EXE.pattern, _cmds.python_m, _cmds.python_m_run),
    Program(_cmds._PIP_EXE.pattern, _cmds.pip),
    Program("pip-sync", _R["pip-sync"]),
    Program("pip-compile", _R["pip-compile"]),
    Program("virtualenv", _R["virtualenv"]),
    Program("uv", _R["uv"], _cmds.uv_run),
    Program("uvx", _R["uvx"]),
    Program("poetry", _R["poetry"], _cmds.project_run),
    Program("pipenv", _R["pipenv"], _cmds.project_run),
    Program("pdm", _R["pdm"], _cmds.project_run),
    Program("hatch", runner=_cmds.project_run),
    Program("pipx", _R["pipx"]),
    Program("tox", _R["tox"]),
    Program("nox", _R["nox"]),
    Program("conda|mamba|micromamba", _cmds.conda, _cmds.conda_run),
)

ECOSYSTEM = declare(
    {**vars(_facts), "PROGRAMS": PROGRAMS},
    name="python",
    interpreter_tag="py",
    setup_action="actions/setup-python",
    detect=detect,
    recipes=recipes,
)
