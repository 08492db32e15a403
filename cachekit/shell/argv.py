"""One command line's words as options and positionals, by a table of the program's options.

Installers parse their command lines with optparse (pip), click (pip-tools), clap (uv) or Go's
flag package; a :class:`Spec` says which long options take a value, their aliases and short
letters, and whether unique prefixes (optparse) or single-dash long names (go, maven) apply, so
one :func:`parse` reads them all. Nothing here knows what an option means.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["Parsed", "Spec", "names", "parse", "spec"]


def names(text: str) -> list[str]:
    return text.split()


@dataclass(frozen=True)
class Spec:
    """A command line's options: canonical long name → takes a value."""

    longs: Mapping[str, bool]
    aliases: Mapping[str, str] = field(default_factory=dict)  # other spelling → canonical
    shorts: Mapping[str, str] = field(default_factory=dict)  # letter → canonical
    abbrev: bool = False  # optparse: unique prefixes of long options work
    single_dash: bool = False  # go/maven: -name is a whole option, never a cluster

    def resolve(self, name: str) -> str | None:
        if name in self.longs:
            return name
        if name in self.aliases:
            return self.aliases[name]
        if self.abbrev and name.startswith("--"):
            # optparse's _match_abbrev: a prefix of exactly one option string
            hits = [w for w in (*self.longs, *self.aliases) if w.startswith(name)]
            if len(hits) == 1:
                return self.aliases.get(hits[0], hits[0])
        return None


@dataclass
class Parsed:
    options: list[tuple[str, str | None]] = field(default_factory=list)
    positionals: list[str] = field(default_factory=list)
    rest: list[str] = field(default_factory=list)  # after the first positional, when stopping
    missing: list[str] = field(default_factory=list)  # options given without their value


def parse(args: Sequence[str], spec: Spec, *, stop: int = 0) -> Parsed:
    """Options and positionals of ``args``; with ``stop`` > 0, the ``stop``-th positional and
    everything after it go to ``rest`` (a command run by ``uv run``, an npm script's args)."""
    out = Parsed()
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a == "--":
            if stop:
                out.rest = list(args[i:])
            else:
                out.positionals.extend(args[i:])
            break
        if not a.startswith("-") or a == "-" or a.startswith("${{"):
            if stop and len(out.positionals) + 1 >= stop:
                out.positionals.append(a)
                out.rest = list(args[i:])
                break
            out.positionals.append(a)
            continue
        if a.startswith("--") or spec.single_dash:
            name, eq, value = a.partition("=")
            canon = spec.resolve(name)
            if canon is None:
                out.options.append((name, value if eq else None))
                continue
            if spec.longs.get(canon):
                if eq:
                    out.options.append((canon, value))
                elif i < len(args):
                    out.options.append((canon, args[i]))
                    i += 1
                else:
                    out.options.append((canon, None))
                    out.missing.append(name)
            else:
                out.options.append((canon, value if eq else None))
            continue
        # a cluster of short options: -Uq, -rreqs.txt, -r reqs.txt
        j = 1
        while j < len(a):
            letter = a[j]
            canon = spec.shorts.get(letter)
            if canon is None:
                out.options.append(("-" + letter, None))
                j += 1
                continue
            if spec.longs.get(canon):
                value = a[j + 1 :]
                if value.startswith("=") and len(a) > j + 2:
                    value = value[1:]
                if not value:
                    if i < len(args):
                        value = args[i]
                        i += 1
                    else:
                        out.missing.append("-" + letter)
                        out.options.append((canon, None))
                        break
                out.options.append((canon, value))
                break
            out.options.append((canon, None))
            j += 1
    return out


def spec(
    values: str,
    flags: str = "",
    shorts: str = "",
    aliases: str = "",
    *,
    abbrev: bool = False,
    single_dash: bool = False,
) -> Spec:
    """Build a spec from whitespace-separated names; ``shorts`` as ``r=--requirement``."""
    longs = dict.fromkeys(names(values), True) | dict.fromkeys(names(flags), False)
    short_map = dict(s.split("=", 1) for s in names(shorts))
    alias_map = dict(s.split("=", 1) for s in names(aliases))
    return Spec(longs, alias_map, short_map, abbrev, single_dash)
