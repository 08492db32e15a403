"""Python: pip, pip-tools, Poetry, Pipenv, uv, conda — one ecosystem in four rooms.

:mod:`.facts` declares its tools, package managers, tooling and directories; :mod:`.commands`
reads its install commands; :mod:`.detect` finds its projects; :mod:`.recipes` writes their
caches. This module puts them together as one :class:`~cachekit.ecosystems.model.Ecosystem`.
"""

from __future__ import annotations

from ..model import Ecosystem, Program
from . import commands as _cmds
from .detect import detect
from .facts import (
    CACHE_DIRS,
    CI_TOOLING,
    LOCATIONS,
    MANAGERS,
    NAMED_DIRS,
    SYNONYMS,
    TOOLING,
    TOOLS,
    VERSION_FILES,
)
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

ECOSYSTEM = Ecosystem(
    name="python",
    interpreter_tag="py",
    setup_action="actions/setup-python",
    tools=TOOLS,
    managers=MANAGERS,
    tooling=TOOLING,
    ci_tooling=CI_TOOLING,
    locations=LOCATIONS,
    synonyms=SYNONYMS,
    cache_dirs=CACHE_DIRS,
    named_dirs=NAMED_DIRS,
    programs=PROGRAMS,
    detect=detect,
    recipes=recipes,
    version_files=VERSION_FILES,
)
