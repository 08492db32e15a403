"""Every caching action cachekit models, one line each; platforms look actions up here.

``lookup("actions/setup-python")`` answers the :class:`~.interface.CachingAction` that models
the action, or ``None`` for an action that does not cache. A new action is one module in this
package and one line in :data:`ACTIONS`.
"""

from __future__ import annotations

from .actions_cache import ActionsCache
from .interface import CachingAction, LogPattern
from .rust_cache import RustCache
from .setup_dotnet import SetupDotnet
from .setup_go import SetupGo
from .setup_gradle import SetupGradle
from .setup_java import SetupJava
from .setup_node import SetupNode
from .setup_python import SetupPython
from .setup_ruby import SetupRuby
from .setup_uv import SetupUv

__all__ = ["ACTIONS", "log_patterns", "lookup"]

ACTIONS: tuple[CachingAction, ...] = (
    ActionsCache(),
    SetupPython(),
    SetupNode(),
    SetupGo(),
    SetupJava(),
    SetupUv(),
    RustCache(),
    SetupDotnet(),
    SetupGradle(),
    SetupRuby(),
)


def lookup(action: str) -> CachingAction | None:
    """The model of ``owner/repo[/path]`` (case-insensitive), or ``None``."""
    name = action.lower()
    return next((a for a in ACTIONS if a.matches(name)), None)


def log_patterns() -> tuple[LogPattern, ...]:
    """Every action's own log lines, in registry order, each once (for the audit of logs)."""
    return tuple(dict.fromkeys(p for action in ACTIONS for p in action.log_patterns))
