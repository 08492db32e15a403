"""PEP 508 requirement strings and markers as :class:`~.model.Dependency` values."""

from __future__ import annotations

import re
from collections.abc import Iterable

from packaging.markers import InvalidMarker, Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from ..requirements import Problem
from .model import Dependency

_SHA = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")


def _pinned(specifier: SpecifierSet) -> bool:
    specs = list(specifier)
    return len(specs) == 1 and specs[0].operator in ("==", "===") and "*" not in specs[0].version


def _url_source(url: str) -> tuple[str, bool]:
    """A PEP 508 URL as a ``source``, and whether it fixes one version (a full commit sha)."""
    if url.startswith("git+"):
        rev = url.split("#", 1)[0].rsplit("@", 1)
        pinned = len(rev) == 2 and "/" not in rev[1] and bool(_SHA.fullmatch(rev[1]))
        return f"git:{url[4:]}", pinned
    if url.startswith("file:"):
        return f"path:{url[5:].removeprefix('//')}", False
    return f"url:{url}", False


def _drop_comment(text: str) -> str:
    """setuptools drops `` #…`` after a requirement (jaraco.text.drop_comment)."""
    return text.partition(" #")[0].strip()


def dependency_from_pep508(
    text: str, file: str, line: int, group: str
) -> tuple[Dependency, Problem | None]:
    """A PEP 508 string as a Dependency; an unreadable one has ``name=None`` and a Problem."""
    try:
        req = Requirement(text)
    except InvalidRequirement as exc:
        message = str(exc).splitlines()[0]
        dep = Dependency(text, None, "", "", (), False, file, line, group)
        return dep, Problem(file, line, f"invalid requirement {text!r}: {message}")
    extras = tuple(sorted(canonicalize_name(x) for x in req.extras))
    marker = str(req.marker) if req.marker else ""
    name = canonicalize_name(req.name)
    if req.url:
        source, pinned = _url_source(req.url)
        return Dependency(text, name, "", marker, extras, pinned, file, line, group, source), None
    spec = req.specifier
    return Dependency(text, name, str(spec), marker, extras, _pinned(spec), file, line, group), None


def join_markers(parts: Iterable[str]) -> str:
    """Markers that must all hold, each parenthesised when it has an ``or``."""
    present = [p for p in parts if p]
    if len(present) == 1:
        return present[0]
    return " and ".join(f"({p})" if " or " in p else p for p in present)


def _check_marker(marker: str, file: str, line: int, problems: list[Problem]) -> None:
    if not marker:
        return
    try:
        Marker(marker)
    except InvalidMarker as exc:
        first = str(exc).splitlines()[0]
        problems.append(Problem(file, line, f"invalid marker {marker!r}: {first}"))


def one_line(raw: str | None) -> str:
    """A table's source text on one line (for ``Dependency.text``)."""
    return re.sub(r"\s*\n\s*", " ", raw or "").strip()
