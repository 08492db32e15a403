"""benchmarks/measure_precision.py: how findings and labels make the table, and the check that
docs/check.md shows the measured table (no repository needed)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import measure_precision as mp  # noqa: E402

from cachekit.checks.model import CheckFinding  # noqa: E402


def _finding(line: int, code: str, severity: str) -> CheckFinding:
    return CheckFinding(code, severity, "m", "f", "ci.yml", line)  # type: ignore[arg-type]


def _label(line: int, code: str, verdict: str, as_note: str = "") -> mp.Label:
    return mp.Label("o/r", "ci.yml", line, code, verdict, "why", "", as_note)


def test_table_counts_verdicts_misses_and_unlabelled() -> None:
    found = {
        ("o/r", "ci.yml", 1, "cache-poisoning"): _finding(1, "cache-poisoning", "error"),
        ("o/r", "ci.yml", 2, "cache-poisoning"): _finding(2, "cache-poisoning", "error"),
        ("o/r", "ci.yml", 3, "hashfiles-unknowable"): _finding(3, "hashfiles-unknowable", "note"),
        ("o/r", "ci.yml", 4, "key-not-predictable"): _finding(4, "key-not-predictable", "note"),
    }
    labels = {
        label.key: label
        for label in (
            _label(1, "cache-poisoning", "tp"),
            _label(2, "cache-poisoning", "fp"),
            _label(3, "hashfiles-unknowable", "fp", as_note="tp"),  # right as a note
            _label(9, "cache-poisoning", "miss"),
        )
    }
    lines, unlabelled = mp.table(found, labels, {"o/r"})
    rows = {line.split(" | ")[1]: line for line in lines[2:]}
    assert rows["`cache-poisoning`"].endswith("| 1 | 1 | 1 | 0 | 50.0 % | 50.0 % |")
    assert rows["`hashfiles-unknowable`"].endswith("| 1 | 0 | 0 | 0 | 100.0 % | 100.0 % |")
    assert rows["`key-not-predictable`"].endswith("| 0 | 0 | 0 | 1 | – | – |")
    assert unlabelled == [("o/r", "ci.yml", 4, "key-not-predictable")]


def test_docs_table_is_the_first_table_of_the_precision_section(tmp_path: Path) -> None:
    doc = tmp_path / "check.md"
    doc.write_text(
        "# check\n\n| a | b |\n\n## Precision on 2 repositories\n\ntext\n\n| x |\n| y |\n\n"
        "| before |\n",
        encoding="utf-8",
    )
    assert mp.docs_table(doc) == ["| x |", "| y |"]
    doc.write_text("# check\n\n| a |\n", encoding="utf-8")
    assert mp.docs_table(doc) == []


@pytest.mark.parametrize("verdict", ["yes", ""])
def test_a_label_with_an_unknown_verdict_is_refused(tmp_path: Path, verdict: str) -> None:
    path = tmp_path / "labels.toml"
    path.write_text(
        '[[label]]\nrepo = "o/r"\nfile = "f"\nline = 1\ncode = "c"\n'
        f'verdict = "{verdict}"\nreason = "r"\n',
        encoding="utf-8",
    )
    with pytest.raises(SystemExit, match="verdict must be"):
        mp.load_labels(path)
