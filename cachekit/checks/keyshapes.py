"""Keys as templates with holes, and whether a restore key can ever find a saved key.

explain renders a key it cannot fully evaluate with each unknown part as ``‹name›``
(:class:`~cachekit.explain.model.KeyPart` of kind ``unknown``); a context value explain only
assumed (``github.sha`` of the modelled run) is as good as unknown for matching. A
:class:`Shape` keeps the known text fixed and turns every unknown part into a hole that stands
for any text. GitHub looks a restore key up by prefix, case-insensitively, among entries of the
same cache version (``/work/shared/spec/actions-cache.md`` §3), so a restore key can find a
saved key exactly when some filling of the saved key's holes starts with some filling of the
restore key's: :func:`can_start_with`. It answers "maybe" (true) whenever holes make a match
possible, so a rule built on it only reports what can never match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Final

from ..explain.model import KeyPart

__all__ = ["HOLE", "Shape", "can_start_with", "shape_of_parts", "shape_of_text"]

HOLE: Final = None  # a token standing for any text (possibly empty)
_UNKNOWN: Final = re.compile(r"‹[^›]*›")
_MAX_TOKENS: Final = 600  # GitHub refuses keys over 512 characters; past this, say "maybe"


@dataclass(frozen=True)
class Shape:
    """A key as a sequence of fixed characters (lower-cased) and holes."""

    tokens: tuple[str | None, ...]

    @property
    def known(self) -> bool:
        return HOLE not in self.tokens

    @cached_property
    def lead(self) -> str:
        """The fixed text before the first hole (all of it when there is none)."""
        out: list[str] = []
        for t in self.tokens:
            if t is HOLE:
                break
            out.append(t)
        return "".join(out)

    def render(self) -> str:
        return "".join("‹…›" if t is HOLE else t for t in self.tokens)


def _tokens(pieces: Iterable[str | None]) -> tuple[str | None, ...]:
    out: list[str | None] = []
    for piece in pieces:
        if piece is HOLE:
            if not out or out[-1] is not HOLE:  # two holes in a row are one hole
                out.append(HOLE)
        else:
            out.extend(piece.lower())
    return tuple(out)


def shape_of_text(text: str) -> Shape:
    """A rendered key (a restore key as explain evaluates it): ``‹…›`` parts are holes."""
    pieces: list[str | None] = []
    at = 0
    for m in _UNKNOWN.finditer(text):
        pieces += [text[at : m.start()], HOLE]
        at = m.end()
    pieces.append(text[at:])
    return Shape(_tokens(pieces))


def shape_of_parts(parts: Iterable[KeyPart]) -> Shape:
    """A key from its parts: unknown parts, assumed values and a hashFiles that matched no
    file in the tree (the file may be made at run time) are holes."""
    pieces: list[str | None] = []
    for part in parts:
        unknown = part.kind == "unknown" or part.assumed or "‹" in part.value
        if part.kind == "hashFiles" and (part.hash is None or not part.hash.files):
            unknown = True
        pieces.append(HOLE if unknown else part.value)
    return Shape(_tokens(pieces))


def can_start_with(saved: Shape, prefix: Shape) -> bool:
    """Whether some filling of ``saved`` starts with some filling of ``prefix``.

    The same as: the patterns ``saved`` and ``prefix`` followed by a hole share a string.
    Two patterns whose only wildcard is "any text" share a string iff a walk through both,
    where a hole may stay (swallowing a character of the other side, or a hole of it) or end,
    reaches both ends: a dynamic programme over positions, linear in the product of lengths.
    """
    if saved.known and prefix.known:
        return saved.lead.startswith(prefix.lead)
    # The fixed text before the first hole of each side must agree (most keys differ there).
    common = min(len(saved.lead), len(prefix.lead))
    if saved.lead[:common] != prefix.lead[:common]:
        return False
    return _intersect(saved.tokens, (*prefix.tokens, HOLE))


@lru_cache(maxsize=512)
def _intersect(a: tuple[str | None, ...], b: tuple[str | None, ...]) -> bool:
    """Whether patterns ``a`` and ``b`` (characters and holes) describe a common string."""
    if len(a) > _MAX_TOKENS or len(b) > _MAX_TOKENS:
        return True
    # below[j]: row i + 1 of the table, "a[i:] and b[j:] share a string", filled from the end.
    n, m = len(a), len(b)
    below: list[bool] = [False] * (m + 1)
    below[m] = True
    for j in range(m - 1, -1, -1):
        below[j] = b[j] is HOLE and below[j + 1]
    for i in range(n - 1, -1, -1):
        row: list[bool] = [False] * (m + 1)
        row[m] = a[i] is HOLE and below[m]
        for j in range(m - 1, -1, -1):
            x, y = a[i], b[j]
            if x is HOLE or y is HOLE:
                # A hole ends here (the other side's rest must match), or swallows the
                # other side's next token and stays (a hole swallowing a hole: either ends).
                row[j] = below[j] or row[j + 1]
            else:
                row[j] = x == y and below[j + 1]
        below = row
    return below[0]
