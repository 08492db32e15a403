"""Whether a GitLab job runs in a pipeline: ``rules:`` (``if``, ``exists``, ``changes``,
``when``) and the older ``only``/``except`` refs, for ``predict``.

``rules`` are evaluated in order and the first match decides (``when: never`` excludes the
job); no match excludes it (docs/ci/yaml/index.md#rules). ``if`` expressions support what
CI configurations use: ``$VAR``, quoted strings, ``null``, ``==``, ``!=``, ``=~``/``!~``
with ``/regex/``, ``&&``, ``||``, parentheses (docs/ci/jobs/job_rules.md#cicd-variable-
expressions); an undefined variable is null. ``changes`` is taken as true (a push pipeline's
diff is not modelled) and ``exists`` is tested on the commit's tree. ``only``/``except``:
``branches``, ``tags``, ``merge_requests``, ``pushes``, ``schedules``, ``/regex/`` and ref
names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..fs.trees import FILE, Tree
from ..platforms.variables import Var

__all__ = ["job_runs", "workflow_outcome"]

_TOKEN = re.compile(
    r"\s*(?:(?P<op>==|!=|=~|!~|&&|\|\||\(|\))|(?P<var>\$\{?[A-Za-z0-9_]+\}?)"
    r"|(?P<str>\"[^\"]*\"|'[^']*')|(?P<re>/(?:\\.|[^/])*/[a-z]*)|(?P<null>null))"
)


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text.rstrip()):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ValueError(f"cannot read rules:if at {text[pos : pos + 20]!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Expr:
    def __init__(
        self, text: str, lookup: Callable[[str], Var | None], unknown: set[str] | None = None
    ) -> None:
        self.toks = _tokens(text)
        self.i = 0
        self.lookup = lookup
        self.unknown = unknown if unknown is not None else set()

    def peek(self) -> str | None:
        return self.toks[self.i][1] if self.i < len(self.toks) else None

    def parse(self) -> bool:
        value = self.or_()
        if self.i != len(self.toks):
            raise ValueError("unexpected tokens in rules:if")
        return value

    def or_(self) -> bool:
        value = self.and_()
        while self.peek() == "||":
            self.i += 1
            right = self.and_()
            value = value or right
        return value

    def and_(self) -> bool:
        value = self.cmp()
        while self.peek() == "&&":
            self.i += 1
            right = self.cmp()
            value = value and right
        return value

    def operand(self) -> Any:
        kind, text = self.toks[self.i]
        self.i += 1
        if kind == "var":
            name = text.strip("${}")
            var = self.lookup(name)
            if var is None or var.value is None:
                self.unknown.add(name)  # a project/runtime value offline: taken as unset
                return None
            return var.value
        if kind == "str":
            return text[1:-1]
        if kind == "re":
            return re.compile(text[1 : text.rindex("/")], re.I if text.endswith("i") else 0)
        return None

    def cmp(self) -> bool:
        if self.peek() == "(":
            self.i += 1
            value = self.or_()
            self.i += 1  # ")"
            return value
        left = self.operand()
        op = self.peek()
        if op in ("==", "!=", "=~", "!~"):
            self.i += 1
            right = self.operand()
            if op in ("==", "!="):
                return bool((left == right) == (op == "=="))
            found = isinstance(right, re.Pattern) and left is not None and bool(right.search(left))
            return found == (op == "=~")
        return bool(left)


def _first_rule(
    rules: list[Any],
    lookup: Callable[[str], Var | None],
    tree: Tree,
    unknown: set[str] | None = None,
) -> dict[str, Any] | None:
    """The first rule that matches (GitLab stops there), or None."""
    for rule in rules:
        if not isinstance(rule, dict):
            continue
        ok = True
        if "if" in rule:
            try:
                ok = _Expr(str(rule["if"]), lookup, unknown).parse()
            except (ValueError, IndexError):
                ok = True  # unreadable: the job is kept, not guessed away
        if ok and "exists" in rule:
            paths = rule["exists"] if isinstance(rule["exists"], list) else [rule["exists"]]
            ok = any(tree.stat(str(p).lstrip("/")) == FILE for p in paths if "*" not in str(p))
            ok = ok or any("*" in str(p) for p in paths)
        if ok:
            return rule
    return None


def _rules(
    rules: list[Any], lookup: Callable[[str], Var | None], tree: Tree, unknown: set[str] | None
) -> bool:
    rule = _first_rule(rules, lookup, tree, unknown)
    return rule is not None and rule.get("when") != "never"


def workflow_outcome(
    workflow: Any,
    lookup: Callable[[str], Var | None],
    tree: Tree,
    unknown: set[str] | None = None,
) -> tuple[bool, dict[str, str]]:
    """``workflow: rules``: whether the pipeline is created, and the matching rule's
    ``variables`` (they override the global ones for every job)."""
    rules = workflow.get("rules") if isinstance(workflow, dict) else None
    if not isinstance(rules, list):
        return True, {}
    rule = _first_rule(rules, lookup, tree, unknown)
    if rule is None or rule.get("when") == "never":
        return False, {}
    values = rule.get("variables")
    if not isinstance(values, dict):
        return True, {}
    return True, {str(k): "" if v is None else str(v) for k, v in values.items()}


def _refs(spec: Any, ref: str, source: str, tag: bool) -> bool | None:
    refs = spec.get("refs") if isinstance(spec, dict) else spec
    if refs is None:
        return None
    items = refs if isinstance(refs, list) else [refs]
    for item in items:
        text = str(item)
        keyword = {
            "branches": not tag,
            "tags": tag,
            "merge_requests": source == "merge_request_event",
            "pushes": source == "push",
            "schedules": source == "schedule",
            "web": source == "web",
            "api": source == "api",
        }.get(text)
        if keyword is not None:
            if keyword:
                return True
        elif text.startswith("/") and text.rstrip("i").endswith("/"):
            if re.search(text[1 : text.rindex("/")], ref):
                return True
        elif text == ref:
            return True
    return False


def job_runs(
    body: dict[str, Any],
    lookup: Callable[[str], Var | None],
    tree: Tree,
    *,
    ref: str,
    source: str,
    tag: bool,
    unknown: set[str] | None = None,
) -> bool:
    """Whether GitLab creates the job in a pipeline for ``ref`` from ``source``; names of
    variables the rules test but that are unknown offline are added to ``unknown``."""
    if isinstance(body.get("rules"), list):
        return _rules(body["rules"], lookup, tree, unknown)
    if body.get("when") == "never":
        return False
    only = _refs(body.get("only"), ref, source, tag) if "only" in body else None
    if only is False:
        return False
    if only is None and source == "merge_request_event":
        return False  # without rules or only, jobs run in branch pipelines only
    excluded = _refs(body.get("except"), ref, source, tag) if "except" in body else None
    return not excluded
