"""The findings vocabulary: one Severity, one code registry, every check rule registered."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator, Sequence
from dataclasses import replace

import pytest

import cachekit.checks.rules as rules_pkg
from cachekit.checks.model import CheckFinding
from cachekit.checks.rule import CacheFacts, CheckContext, Rule, cache_rule, repository_rule
from cachekit.checks.rules import RULES
from cachekit.explain.model import Finding
from cachekit.findings import CODES, SEVERITIES, Code, CodeInfo, Severity, severity_at_least


def test_severity_is_one_ordered_vocabulary() -> None:
    assert [s.value for s in SEVERITIES] == ["error", "warning", "note"]
    assert [s.rank for s in SEVERITIES] == [0, 1, 2]
    assert Severity.WARNING.at_least("note") and not Severity.NOTE.at_least("warning")
    assert not Severity.ERROR.at_least("none")
    assert severity_at_least("error", "warning") and not severity_at_least("note", "error")
    assert f"{Severity.NOTE}" == "note" and str(Code.VOLATILE_KEY) == "volatile-key"
    with pytest.raises(ValueError):
        Severity("info")  # explain's old word: gone, not mapped


def test_every_code_has_one_entry_and_every_entry_is_valid() -> None:
    assert list(CODES) == [info.code for info in CODES.values()]
    assert set(CODES) == set(Code)
    for code, info in CODES.items():
        assert isinstance(info.severity, Severity) and info.origin in (
            "explain",
            "check",
            "platform",
        )
        assert info.title and info.description and info.fix and info.example, code
    with pytest.raises(ValueError):
        replace(CODES[Code.VOLATILE_KEY], severity="fatal")
    with pytest.raises(ValueError):
        CodeInfo("no-such-code", "error", "t", "d", "f", "e", origin="check")  # type: ignore[arg-type]


def test_explain_findings_refuse_codes_outside_the_registry() -> None:
    assert Finding("volatile-key", "warning", "m").code is Code.VOLATILE_KEY  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Finding("workflow-problme", "warning", "m")  # type: ignore[arg-type]


def test_every_check_code_is_raised_by_a_registered_rule_and_only_check_codes() -> None:
    declared = {code for rule in RULES for code in rule.codes}
    check_codes = {c for c, info in CODES.items() if info.origin == "check"}
    assert declared == check_codes
    assert len({rule.name for rule in RULES}) == len(RULES)


def test_each_rule_module_is_in_the_registry() -> None:
    registered = set(RULES)
    for module in pkgutil.iter_modules(rules_pkg.__path__):
        mod = importlib.import_module(f"{rules_pkg.__name__}.{module.name}")
        mine = {v for v in vars(mod).values() if isinstance(v, Rule)}
        assert mine, f"{module.name} registers no rule"
        assert mine <= registered, f"{module.name} has a rule missing from RULES"


def test_a_rule_cannot_claim_explains_codes_or_raise_undeclared_ones() -> None:
    def nothing(ctx: CheckContext, cache: CacheFacts) -> Iterator[CheckFinding]:
        yield from ()

    with pytest.raises(ValueError, match="explain's code"):
        cache_rule("bad", Code.VOLATILE_KEY)(nothing)

    def liar(ctx: CheckContext, caches: Sequence[CacheFacts]) -> Iterator[CheckFinding]:
        yield CheckFinding(Code.OS_NOT_IN_KEY, Severity.ERROR, "m", "f", "x.yml", 1)

    rule = repository_rule("liar", Code.INPUT_NOT_IN_KEY)(liar)
    with pytest.raises(ValueError, match="does not declare"):
        list(rule.run(None, []))  # type: ignore[arg-type]
