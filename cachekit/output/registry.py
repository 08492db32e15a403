"""Every output format of every command, by name: the one table ``--format`` choices come from.

One line per renderer: the result kind it renders (a command's result), the format's name, the
function (``module:attribute``, imported only when used, so listing the choices costs nothing
at start-up) and a one-line description for ``--help``. ``json`` is the same encoder for every
kind (:mod:`cachekit.output.jsondoc`), under the kind's versioned schema name.

A renderer is ``fn(result, options) -> str`` (no trailing newline). Adding a format is a
function and a line here; adding a command is its kind's lines and its schema name.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal

from ..errors import UsageError

__all__ = [
    "KINDS",
    "RENDERERS",
    "SCHEMAS",
    "Kind",
    "RenderOptions",
    "Renderer",
    "formats",
    "render",
    "renderer",
]

Kind = Literal[
    "hash", "explain", "compare", "check", "resolve", "suggest", "predict", "audit", "eval"
]
KINDS: Final[tuple[Kind, ...]] = (
    "hash",
    "explain",
    "compare",
    "check",
    "resolve",
    "suggest",
    "predict",
    "audit",
    "eval",
)

#: The ``schema`` of each kind's JSON document (``docs/schemas/<kind>-<version>.json``).
SCHEMAS: Final[dict[Kind, str]] = {kind: f"cachekit.{kind}/1" for kind in KINDS}


@dataclass(frozen=True)
class RenderOptions:
    """What a renderer may be told besides the result; each uses what applies to it."""

    color: bool = False  # text: ANSI colours for severities and outcomes
    title: str = ""  # html: the document's title
    files: bool = False  # hash text: list each hashed file
    diff: bool = True  # suggest yaml: append the diff of each workflow
    extra: Mapping[str, Any] = field(default_factory=dict)  # json: keys added to the document
    schema: str = ""  # json: the document's schema name (render() sets the kind's)


@dataclass(frozen=True)
class Renderer:
    """One format of one result kind."""

    kind: Kind
    name: str
    target: str  # "module:attribute" of fn(result, options) -> str
    help: str

    def load(self) -> Callable[[Any, RenderOptions], str]:
        module, _, attribute = self.target.partition(":")
        fn: Callable[[Any, RenderOptions], str] = getattr(
            importlib.import_module(module), attribute
        )
        return fn


_T = "cachekit.output.text"
_F = "cachekit.output.findings"
_J = "cachekit.output.jsondoc:render"
_H = "cachekit.output.html"

RENDERERS: Final[tuple[Renderer, ...]] = (
    Renderer("hash", "text", f"{_T}:hash_text", "the digest ('' when nothing matched)"),
    Renderer("hash", "json", _J, "digest, files, patterns as JSON"),
    Renderer("explain", "text", f"{_T}:explain_text", "every cache and every key part"),
    Renderer("explain", "json", _J, "the same as JSON"),
    Renderer("compare", "text", f"{_T}:compare_text", "what changed each key between A and B"),
    Renderer("compare", "json", _J, "the same as JSON"),
    Renderer("check", "text", f"{_F}:text", "findings grouped by file, with fixes"),
    Renderer("check", "json", f"{_F}:json_", "findings and a summary as JSON"),
    Renderer("check", "sarif", f"{_F}:sarif", "SARIF 2.1.0 for GitHub code scanning"),
    Renderer("check", "github", f"{_F}:github", "workflow commands: annotations in a run"),
    Renderer("check", "markdown", f"{_F}:markdown", "a table for a job summary or a comment"),
    Renderer("resolve", "text", f"{_T}:resolve_text", "each install set, its pins and drift"),
    Renderer("resolve", "json", _J, "the same as JSON"),
    Renderer("suggest", "yaml", "cachekit.output.suggest:yaml", "paste-ready steps, then diffs"),
    Renderer("suggest", "json", _J, "proposals, diffs and residual findings as JSON"),
    Renderer("predict", "text", f"{_T}:predict_text", "hit rates, per cache, the misses"),
    Renderer("predict", "json", _J, "every run and cache outcome as JSON"),
    Renderer("predict", "html", f"{_H}:predict_html", "a self-contained HTML report"),
    Renderer("audit", "text", f"{_T}:audit_text", "key-breaking commits, job costs, logs"),
    Renderer("audit", "json", _J, "the same as JSON"),
    Renderer("audit", "html", f"{_H}:audit_html", "the history's HTML report"),
    Renderer("eval", "text", f"{_T}:eval_text", "the value as GitHub substitutes it"),
    Renderer("eval", "json", f"{_T}:eval_json", "the value as JSON"),
)


def formats(kind: Kind) -> tuple[str, ...]:
    """The format names of ``kind``, the default (the first) first."""
    return tuple(r.name for r in RENDERERS if r.kind == kind)


def renderer(kind: Kind, name: str) -> Renderer:
    """The renderer ``name`` of ``kind``; an unknown name is a usage error listing the choices."""
    for r in RENDERERS:
        if r.kind == kind and r.name == name:
            return r
    raise UsageError(
        f"unknown format {name!r} for {kind}: choose one of {', '.join(formats(kind))}"
    )


def render(kind: Kind, name: str, result: object, options: RenderOptions | None = None) -> str:
    """``result`` (a ``kind`` result) in format ``name``."""
    options = replace(options or RenderOptions(), schema=SCHEMAS[kind])
    return renderer(kind, name).load()(result, options)
