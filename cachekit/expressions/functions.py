"""The expression functions, over known and unknown values.

Each function first asks whether its result is decided by what is known (``contains`` of an
array holding a match is true whatever else it holds; ``startsWith`` of the symbolic
``Linux-`` + unknown and ``'Win'`` is false) and only otherwise answers :class:`Unknown`.
With known arguments each follows the package exactly; the docstrings note the rules users
trip on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .coerce import equals, upper_special
from .errors import ExpressionEvaluationError
from .jsjson import from_json, to_json
from .values import (
    ARRAY,
    BOOLEAN,
    OBJECT,
    PRIMITIVES,
    STRING,
    UNKNOWN,
    ObjectView,
    Part,
    Secret,
    Symbolic,
    Unknown,
    concrete,
    has_secret,
    is_known,
    is_opaque,
    is_sensitive,
    kind_of,
    make_string,
    string_parts,
    to_string,
    unknown_leaves,
)

__all__ = ["HashFilesCallback", "Site", "call_function", "decide_equal", "parse_format"]

HashFilesCallback = Callable[[list[str]], "str | Unknown"]

MAX_RESULT_BYTES = 1 << 20
"""GitHub's runner evaluates expressions with ``EvaluationOptions.MaxMemory`` of 1 MB
(actions/runner ``Sdk/Expressions/Sdk/EvaluationContext.cs``) and fails the expression
beyond it; strings count two bytes a character there (.NET UTF-16). ``format`` and ``join``,
the only functions that multiply text (``format('{0}{0}{0}{0}', …)`` nested 20 deep is 4^20
characters), stop at the same size instead of exhausting memory."""

_MAX_RESULT_CHARS = MAX_RESULT_BYTES // 2


class _Budget:
    """Counts the characters a string result is built from; an error past the limit."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.chars = 0

    def add(self, parts: Sequence[Part]) -> Sequence[Part]:
        for part in parts:
            self.chars += len(part) if isinstance(part, str) else 0
        if self.chars > _MAX_RESULT_CHARS:
            raise self.site.error(
                "The maximum allowed memory size was exceeded while evaluating "
                f"{self.site.text[:40]}… (GitHub's runner stops at {MAX_RESULT_BYTES:,} bytes)"
            )
        return parts


@dataclass(frozen=True)
class Site:
    """Where a value is computed: names derived unknowns and locates errors."""

    text: str
    """The source text of the sub-expression."""
    position: int
    """1-based position of the sub-expression in the whole expression."""
    expression: str

    def unknown(self, *inputs: object) -> Unknown:
        """An unknown result named after this sub-expression, depending on ``inputs``."""
        leaves: dict[Unknown, None] = {}
        for value in inputs:
            leaves.update(dict.fromkeys(unknown_leaves(value)))
        names = [leaf.name for leaf in leaves]
        reason = "depends on " + ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
        return Unknown(self.text, reason if names else "unknown", None, tuple(leaves))

    def error(self, message: str) -> ExpressionEvaluationError:
        return ExpressionEvaluationError(message, self.position, self.expression)


@dataclass(frozen=True)
class Environment:
    """What the functions need beyond their arguments."""

    view: ObjectView
    hash_files: HashFilesCallback | None
    job_status: str | Unknown


def _lower_parts(value: object) -> list[str] | None:
    """Lower-cased literal text of an opaque string, or None when lowering is contextual."""
    literals = value.literals() if isinstance(value, Symbolic) else []
    # A capital sigma lower-cases by its neighbours, which an unknown part may hide.
    return None if any("Σ" in text for text in literals) else [t.lower() for t in literals]


def _contains_text(site: Site, haystack: object, needle: object) -> bool | Unknown:
    if not is_opaque(haystack) and not is_opaque(needle):
        return to_string(concrete(needle)).lower() in to_string(concrete(haystack)).lower()
    if not is_opaque(needle):
        wanted = to_string(concrete(needle)).lower()
        pieces = _lower_parts(haystack)
        if not wanted or (pieces is not None and any(wanted in p for p in pieces)):
            return True
    elif not is_opaque(haystack):
        within = to_string(concrete(haystack)).lower()
        pieces = _lower_parts(needle)
        if pieces is not None and any(p not in within for p in pieces):
            return False
    return site.unknown(haystack, needle)


def decide_equal(left: object, right: object) -> bool | None:
    """``left == right`` when one side is opaque, if the known text already decides it."""
    kinds = {kind_of(left), kind_of(right)}
    if UNKNOWN in kinds:
        return None
    if kinds & {ARRAY, OBJECT}:
        # A string never equals a container, whatever its text.
        return False if kinds & {STRING} and len(kinds) == 2 else None
    for opaque, other in ((left, right), (right, left)):
        if isinstance(opaque, Symbolic) and not is_opaque(other) and kind_of(other) == STRING:
            text = upper_special(to_string(concrete(other)))
            head, tail = upper_special(opaque.prefix()), upper_special(opaque.suffix())
            if not text.startswith(head) or not text.endswith(tail):
                return False
            if len(text) < len(head) + len(tail):
                return False
    return None


def _contains(site: Site, haystack: object, needle: object) -> object:
    """Substring (case-insensitive, via lower-case) for primitives, loose ``==`` membership
    for arrays, false for objects and for a primitive searched for a container."""
    kind, needle_kind = kind_of(haystack), kind_of(needle)
    if kind == UNKNOWN:
        return site.unknown(haystack, needle)
    if kind in PRIMITIVES:
        if needle_kind == UNKNOWN:
            return site.unknown(haystack, needle)
        if needle_kind not in PRIMITIVES:
            return False
        return _contains_text(site, haystack, needle)
    if kind != ARRAY:
        return False
    assert isinstance(haystack, (list, tuple))
    pending: list[object] = []
    for item in haystack:
        if is_opaque(item) or is_opaque(needle):
            decided = decide_equal(needle, item)
            if decided:
                return True
            if decided is None:
                pending.append(item)
        elif equals(needle, item):
            return True
    return site.unknown(needle, *pending) if pending else False


def _affix(site: Site, whole: object, part: object, *, at_end: bool) -> object:
    """``startsWith``/``endsWith``: upper-cased comparison of the string forms; false when
    either side is an array or object."""
    kinds = (kind_of(whole), kind_of(part))
    if ARRAY in kinds or OBJECT in kinds:
        return False
    if UNKNOWN in kinds:
        return site.unknown(whole, part)
    if not is_opaque(whole) and not is_opaque(part):
        text = upper_special(to_string(concrete(whole)))
        piece = upper_special(to_string(concrete(part)))
        return text.endswith(piece) if at_end else text.startswith(piece)
    if not is_opaque(part):
        piece = upper_special(to_string(concrete(part)))
        if not piece:
            return True
        known = ""
        if isinstance(whole, Symbolic):
            known = upper_special(whole.suffix() if at_end else whole.prefix())
        if len(known) >= len(piece):
            return known.endswith(piece) if at_end else known.startswith(piece)
        if not (piece.endswith(known) if at_end else piece.startswith(known)):
            return False
    elif not is_opaque(whole) and isinstance(part, Symbolic):
        text = upper_special(to_string(concrete(whole)))
        known = upper_special(part.suffix() if at_end else part.prefix())
        if not (text.endswith(known) if at_end else text.startswith(known)):
            return False
    return site.unknown(whole, part)


def parse_format(site: Site, text: str, count: int, shown: str) -> list[str | int]:
    """Split a ``format`` string into literal text and argument indexes.

    ``{N…}`` takes the digits after ``{`` and skips to the next ``}`` (``{0:x}`` is
    ``{0}``); ``{{``/``}}`` escape; anything else with a brace is invalid. ``shown`` is the
    format string as error messages may show it (masked when it is a secret).
    """
    out: list[str | int] = []
    index = 0
    size = len(text)
    while index < size:
        left, right = text.find("{", index), text.find("}", index)
        if left >= 0 and (right < 0 or right > left):
            if text[left + 1 : left + 2] == "{":
                out.append(text[index : left + 1])
                index = left + 2
                continue
            if right > left + 1:
                end = left + 1
                while end < size and "0" <= text[end] <= "9":
                    end += 1
                if end > left + 1:
                    argument = int(text[left + 1 : end])
                    if argument >= count:
                        raise site.error(
                            "The following format string references more arguments than "
                            f"were supplied: {shown}"
                        )
                    out.append(text[index:left])
                    out.append(argument)
                    index = right + 1
                    continue
            raise site.error(f"The following format string is invalid: {shown}")
        if right >= 0:
            if text[right + 1 : right + 2] != "}":
                raise site.error(f"The following format string is invalid: {shown}")
            out.append(text[index : right + 1])
            index = right + 2
        else:
            out.append(text[index:])
            break
    return out


def _masked(site: Site, inputs: Sequence[object], result: object) -> object:
    """A result computed from secrets: a string stays secret, anything else is withheld."""
    if isinstance(result, str):
        return Secret(site.text, result)
    return Unknown(
        site.text,
        "computed from a secret; not shown",
        None,
        tuple(Unknown(s.name, "secret") for s in inputs if isinstance(s, Secret)),
    )


def _format(site: Site, fmt: object, args: Sequence[object]) -> object:
    if is_opaque(fmt):
        return site.unknown(fmt, *args)
    secret = is_sensitive(fmt)
    text = to_string(concrete(fmt))
    pieces = parse_format(site, text, len(args), "***" if secret else text)
    parts: list[Part] = []
    budget = _Budget(site)
    for piece in pieces:
        parts.extend(budget.add((piece,) if isinstance(piece, str) else string_parts(args[piece])))
    result = make_string(parts)
    if not secret:
        return result
    if is_opaque(result):
        return site.unknown(fmt, *args)
    return _masked(site, [fmt], concrete(result))


def _join(site: Site, items: object, separator: object | None, has_separator: bool) -> object:
    """Primitives join to their own string form, objects to ``''``; the separator defaults
    to ``,`` and is ignored (``,``) when it is not a primitive."""
    kind = kind_of(items)
    if kind == UNKNOWN:
        return site.unknown(items)
    if kind in PRIMITIVES:
        return make_string(string_parts(items))
    if kind != ARRAY:
        return ""
    assert isinstance(items, (list, tuple))
    glue: tuple[Part, ...] = (",",)
    if has_separator:
        separator_kind = kind_of(separator)
        if separator_kind == UNKNOWN:
            if len(items) > 1:
                return site.unknown(separator)
        elif separator_kind in PRIMITIVES:
            glue = string_parts(separator)
    parts: list[Part] = []
    budget = _Budget(site)
    for position, item in enumerate(items):
        if position:
            parts.extend(budget.add(glue))
        parts.extend(budget.add(string_parts(item)))
    return make_string(parts)


def _to_json(site: Site, env: Environment, value: object) -> object:
    if not is_known(value):
        return site.unknown(value)
    text = to_json(value, env.view)
    return Secret(site.text, text) if has_secret(value) else text


def _from_json(site: Site, value: object) -> object:
    if kind_of(value) == UNKNOWN or is_opaque(value):
        return site.unknown(value)
    parsed = from_json(to_string(concrete(value)), site.position, site.expression)
    return _masked(site, [value], parsed) if is_sensitive(value) else parsed


def _hash_files(site: Site, env: Environment, args: Sequence[object]) -> object:
    if any(kind_of(a) == UNKNOWN or is_opaque(a) for a in args):
        return site.unknown(*args)
    if env.hash_files is None:
        return Unknown(site.text, "hashFiles() is not computed without a workspace")
    return env.hash_files([to_string(concrete(a)) for a in args])


def _case(site: Site, args: Sequence[object]) -> object:
    """``case(pred, value, …, default)``: the first predicate that is ``true`` (a boolean,
    not merely truthy) picks its value; a non-boolean predicate reached is an error."""
    for position in range(0, len(args) - 1, 2):
        predicate = args[position]
        kind = kind_of(predicate)
        if kind == UNKNOWN:
            return site.unknown(predicate)
        if kind != BOOLEAN:
            raise site.error("case predicate must evaluate to a boolean value")
        if predicate:
            return args[position + 1]
    return args[-1]


def _status(site: Site, env: Environment, name: str) -> object:
    if name == "always":
        return True
    if isinstance(env.job_status, Unknown):
        return site.unknown(env.job_status)
    return env.job_status == name


def call_function(site: Site, env: Environment, name: str, args: Sequence[object]) -> object:
    """Apply the (lower-cased) function ``name`` to evaluated arguments."""
    if name == "contains":
        return _contains(site, args[0], args[1])
    if name in ("startswith", "endswith"):
        return _affix(site, args[0], args[1], at_end=name == "endswith")
    if name == "format":
        return _format(site, args[0], args[1:])
    if name == "join":
        return _join(site, args[0], args[1] if len(args) > 1 else None, len(args) > 1)
    if name == "tojson":
        return _to_json(site, env, args[0])
    if name == "fromjson":
        return _from_json(site, args[0])
    if name == "hashfiles":
        return _hash_files(site, env, args)
    if name == "case":
        return _case(site, args)
    if name in ("success", "failure", "cancelled", "always"):
        return _status(site, env, name)
    raise AssertionError(f"unhandled function {name}")  # the parser admits no others
