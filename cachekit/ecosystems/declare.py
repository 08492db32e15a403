"""The one way an ecosystem module becomes an :class:`~.model.Ecosystem`: by its constants.

An ecosystem module states its facts as module constants named after the fields they fill —
``TOOLS``, ``MANAGERS``, ``LOCATIONS``, ``CACHE_DIRS``… (:data:`FACTS`) — and ends with::

    ECOSYSTEM = declare(globals(), name="go", interpreter_tag="go", detect=..., recipes=...)

What a module does not state keeps the dataclass's default (no synonyms, no tooling, no
setup action), so no module repeats the wiring of the others or spells out an empty fact.
Each constant is checked against the shape its field needs when the module is imported: a
fact of the wrong shape (a list for a tuple, a bare string for a tuple of names) is an error
there, not a lookup that quietly finds nothing later.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from .model import CacheDir, Ecosystem, NamedDir, PackageManager, Program, RunnerOS, Tool

if TYPE_CHECKING:
    from .detect import Detector
    from .recipe import RecipeMaker

__all__ = ["FACTS", "declare", "everywhere", "per_os"]

FACTS: Final[dict[str, tuple[str, type | None]]] = {
    # constant: (Ecosystem field, type of each element; None for a mapping or a set of names)
    "TOOLS": ("tools", Tool),
    "MANAGERS": ("managers", PackageManager),
    "TOOLING": ("tooling", None),
    "CI_TOOLING": ("ci_tooling", None),
    "LOCATIONS": ("locations", None),
    "SYNONYMS": ("synonyms", None),
    "CACHE_DIRS": ("cache_dirs", CacheDir),
    "NAMED_DIRS": ("named_dirs", NamedDir),
    "PROGRAMS": ("programs", Program),
    "VERSION_FILES": ("version_files", str),
}
"""The constants :func:`declare` reads, the field each fills and what its elements are."""

_SETS: Final = frozenset({"TOOLING", "CI_TOOLING"})


def everywhere(path: str) -> Mapping[RunnerOS, str]:
    """A location that is the same on every runner OS (``~/.cargo``)."""
    return {"Linux": path, "macOS": path, "Windows": path}


def per_os(*, linux: str, macos: str, windows: str) -> Mapping[RunnerOS, str]:
    """A location that differs by runner OS."""
    return {"Linux": linux, "macOS": macos, "Windows": windows}


def declare(
    facts: Mapping[str, Any],
    *,
    name: str,
    interpreter_tag: str,
    setup_action: str | None = None,
    detect: Detector | None = None,
    recipes: RecipeMaker | None = None,
) -> Ecosystem:
    """The ecosystem whose facts are the :data:`FACTS` constants in ``facts`` (a module's
    ``globals()``); ``TypeError`` naming the constant when one has the wrong shape."""
    fields: dict[str, Any] = {}
    for constant, (field_name, element) in FACTS.items():
        if constant not in facts:
            continue
        value = facts[constant]
        fields[field_name] = _checked(name, constant, value, element)
    return Ecosystem(
        name=name,
        interpreter_tag=interpreter_tag,
        setup_action=setup_action,
        detect=detect,
        recipes=recipes,
        **fields,
    )


def _checked(ecosystem: str, constant: str, value: Any, element: type | None) -> Any:
    if constant in _SETS:
        ok = isinstance(value, frozenset) and all(isinstance(v, str) for v in value)
    elif element is None:
        ok = isinstance(value, Mapping)
    else:
        ok = isinstance(value, tuple) and all(isinstance(v, element) for v in value)
    if not ok:
        want = (
            "a frozenset of names"
            if constant in _SETS
            else "a mapping"
            if element is None
            else f"a tuple of {element.__name__}"
        )
        raise TypeError(f"ecosystem {ecosystem}: {constant} must be {want}")
    return value
