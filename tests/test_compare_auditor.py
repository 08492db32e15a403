"""cachekit ``check`` beats gha-cache-auditor on the cases in ``tests/cases/auditor/``.

The comparison is ``benchmarks/compare_auditor.py``'s: every finding of the auditor maps
(through its ``MAPPING``) to a cachekit finding in the same file, unless ``WRONG`` says why
the auditor is wrong there. The auditor's own output is pinned to what ``expected.json``
recorded, so a new auditor release that finds more (or less) shows up here.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "compare_auditor.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("compare_auditor", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["compare_auditor"] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


compare_auditor = _load()
CASES: list[Path] = compare_auditor.cases()
RULES = ("GHA-CACHE-001", "GHA-CACHE-002", "GHA-CACHE-003", "GHA-CACHE-004", "GHA-CACHE-005")


def _need_auditor() -> None:
    if importlib.util.find_spec("gha_cache_audit") is None:
        if os.environ.get("CI"):
            pytest.fail("gha-cache-auditor (a test extra) is not installed")
        pytest.skip("gha-cache-auditor (a test extra) is not installed")


def _need_engine() -> None:
    try:
        import cachekit.checks.engine  # noqa: F401, PLC0415
    except ImportError as exc:
        pytest.skip(f"cachekit.checks.engine does not import yet: {exc}")


def test_the_cases_cover_every_auditor_rule_and_the_mapping_too() -> None:
    seen = {rule for case in CASES for rule in compare_auditor.expected(case)["auditor"]}
    assert seen == set(RULES)
    assert set(compare_auditor.MAPPING) == set(RULES)
    assert len(CASES) >= 10
    clean = compare_auditor.expected(next(c for c in CASES if c.name == "clean"))
    assert clean["auditor"] == [] and clean["cachekit"] == []


def test_every_wrong_entry_names_a_case_and_a_recorded_finding() -> None:
    by_name = {c.name: compare_auditor.expected(c) for c in CASES}
    for (case, rule), reason in compare_auditor.WRONG.items():
        assert rule in by_name[case]["auditor"], (case, rule)
        assert reason.strip()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_auditor_reports_what_was_recorded(case: Path) -> None:
    _need_auditor()
    run = compare_auditor.run_auditor(case)
    assert run.error is None
    assert sorted(f.code for f in run.findings) == sorted(compare_auditor.expected(case)["auditor"])


def _with_known_gaps(case: Path) -> object:
    gaps = [r for (c, _), r in compare_auditor.KNOWN_GAPS.items() if c == case.name]
    marks = [pytest.mark.xfail(strict=True, reason="; ".join(gaps))] if gaps else []
    return pytest.param(case, marks=marks, id=case.name)


def test_every_known_gap_names_a_case_and_a_recorded_finding() -> None:
    by_name = {c.name: compare_auditor.expected(c) for c in CASES}
    for case, rule in compare_auditor.KNOWN_GAPS:
        assert rule in by_name[case]["auditor"], (case, rule)
        assert (case, rule) not in compare_auditor.WRONG


@pytest.mark.parametrize("case", [_with_known_gaps(c) for c in CASES])
def test_cachekit_reports_every_auditor_finding(case: Path) -> None:
    _need_engine()
    _need_auditor()
    auditor = compare_auditor.run_auditor(case)
    cachekit = compare_auditor.run_cachekit_library(case)
    assert auditor.error is None and cachekit.error is None
    row = compare_auditor.compare(case, auditor, cachekit)
    assert row.missed == [], compare_auditor.markdown([row])
    for theirs, _ in row.wrong:  # what the auditor gets wrong, cachekit must not repeat
        mapped = set(compare_auditor.MAPPING[theirs.code])
        assert not [f for f in cachekit.findings if f.code in mapped], theirs
