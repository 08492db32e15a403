"""cachekit ``check`` against gha-cache-auditor on the fixture repositories, side by side.

Each directory under ``tests/cases/auditor/`` is a tiny repository (workflows plus the files
they hash and install) with an ``expected.json``: ``auditor`` (the rule ids
gha-cache-auditor 0.1.5 reports, observed) and ``cachekit`` (the codes ``check`` should
report). For every case this runs both tools and prints a Markdown table: what each found,
which of the auditor's findings cachekit also reports (through :data:`MAPPING`), and notes.

    python benchmarks/compare_auditor.py                 # cachekit through its CLI
    python benchmarks/compare_auditor.py --via library   # through cachekit.checks.check()

The auditor runs with ``--min-confidence medium`` so its medium findings (hidden by default)
count too. Exit status: 0 when cachekit reports every mapped auditor finding (or the finding
is in :data:`WRONG`), 1 when it misses one, 2 when a tool could not run (e.g. ``cachekit
check`` not built yet).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CASES = Path(__file__).resolve().parent.parent / "tests" / "cases" / "auditor"

#: Their rule id → our codes that report the same problem (any one of them counts).
MAPPING: dict[str, tuple[str, ...]] = {
    # "Potential cross-runtime cache reuse": the setup-python/-node version (or architecture)
    # varies over the matrix and neither key nor path says which one built the cache. For
    # Python that is exactly an environment built for another interpreter.
    "GHA-CACHE-001": ("interpreter-not-in-key", "arch-not-in-key"),
    # "Missing platform dependency": jobs on several OSes share a key, or a fixed runner's
    # key has no OS at all (their medium variant), or a configured artifact input is missing.
    "GHA-CACHE-002": ("os-not-in-key", "arch-not-in-key"),
    # "Missing dependency-file invalidation": the lock/requirements file next to the cached
    # node_modules/.venv is not hashed; ours also covers setup-* caches.
    "GHA-CACHE-003": ("input-not-in-key", "setup-cache-misses-input"),
    # "Potential stale build output": dist/build keyed without src/** and build configs,
    # i.e. files that shape the cached content are not in the key.
    "GHA-CACHE-004": ("input-not-in-key",),
    # "Potential cross-configuration partial match": a restore-keys prefix drops the runtime
    # or platform the primary key has, so a partial hit restores another configuration's
    # environment: the same finding as a key without it, reported on the prefix.
    "GHA-CACHE-005": ("interpreter-not-in-key", "os-not-in-key", "arch-not-in-key"),
}

#: (case, their rule id) → why that finding of theirs is wrong, so cachekit must not echo it.
WRONG: dict[tuple[str, str], str] = {
    ("unused-lockfile", "GHA-CACHE-003"): (
        "poetry.lock sits next to .venv, so the auditor assumes it shapes the venv; the job "
        "builds .venv from requirements-ci.txt alone, which the key hashes. poetry.lock "
        "changes nothing in the cache, and hashing it would only cause needless misses."
    ),
}

#: (case, their rule id) → what cachekit still lacks to report that finding. These still count
#: as missed here (exit status 1); the test marks them xfail(strict=True), so the entry must
#: go as soon as ``check`` reports the finding.
KNOWN_GAPS: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Found:
    """One finding of either tool, reduced to what the comparison needs."""

    code: str
    file: str
    line: int
    detail: str = ""  # confidence and missing inputs (auditor), severity (cachekit)

    def label(self) -> str:
        return f"{self.code} ({self.detail})" if self.detail else self.code


@dataclass
class ToolRun:
    """What a tool reported for one case; ``error`` says why it could not run."""

    findings: list[Found] = field(default_factory=list)
    diagnostics: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class Row:
    case: str
    expected: dict[str, Any]
    auditor: ToolRun
    cachekit: ToolRun
    matched: list[tuple[Found, Found]] = field(default_factory=list)
    missed: list[Found] = field(default_factory=list)
    wrong: list[tuple[Found, str]] = field(default_factory=list)


def cases(root: Path = CASES) -> list[Path]:
    """The case directories, by name."""
    return sorted(p for p in root.iterdir() if (p / "expected.json").is_file())


def expected(case: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    return data


def _bin(name: str) -> str | None:
    """``name`` next to this interpreter (a venv's bin/), else on PATH."""
    sibling = Path(sys.executable).parent / name
    return str(sibling) if sibling.is_file() else shutil.which(name)


def run_auditor(case: Path, timeout: float = 120) -> ToolRun:
    """gha-cache-audit's JSON report for ``case`` (exit 0/1/2 are all reports)."""
    exe = _bin("gha-cache-audit")
    command = [exe] if exe else [sys.executable, "-m", "gha_cache_audit"]
    args = [str(case), "--format", "json", "--min-confidence", "medium"]
    try:
        proc = subprocess.run(
            [*command, *args], capture_output=True, text=True, timeout=timeout, check=False
        )
        doc = json.loads(proc.stdout)
    except (OSError, subprocess.TimeoutExpired, json.JSONDecodeError) as exc:
        return ToolRun(error=f"gha-cache-audit did not run: {exc}")
    return ToolRun(
        findings=[
            Found(
                f["rule_id"],
                f["file"],
                f["line"],
                f"{f['confidence']}; missing {', '.join(f['missing'])}",
            )
            for f in doc["findings"]
        ],
        diagnostics=[f"{d['file']}:{d['line']}: {d['message']}" for d in doc["diagnostics"]],
    )


def _from_check_json(doc: dict[str, Any]) -> ToolRun:
    return ToolRun(
        findings=[Found(f["code"], f["file"], f["line"], f["severity"]) for f in doc["findings"]]
    )


def run_cachekit_cli(case: Path, timeout: float = 300) -> ToolRun:
    """``cachekit check CASE --format json``; an error when the command does not exist yet."""
    exe = _bin("cachekit")
    command = [exe] if exe else [sys.executable, "-m", "cachekit"]
    try:
        proc = subprocess.run(
            [*command, "check", str(case), "--format", "json"],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return ToolRun(error=f"cachekit check did not run: {exc}")
    try:
        doc = json.loads(proc.stdout)
    except json.JSONDecodeError:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return ToolRun(error=f"cachekit check unavailable (exit {proc.returncode}): {tail}")
    return _from_check_json(doc)


def run_cachekit_library(case: Path) -> ToolRun:
    """``cachekit.checks.check(CASE)`` in this process."""
    try:
        from cachekit.checks import check  # noqa: PLC0415 - the engine may not exist yet
        from cachekit.encoding import encode  # noqa: PLC0415
    except ImportError as exc:
        return ToolRun(error=f"cachekit.checks does not import: {exc}")
    result = check(str(case))
    return _from_check_json(encode(result))


def compare(case: Path, auditor: ToolRun, cachekit: ToolRun) -> Row:
    """Pair each auditor finding with a cachekit finding of a mapped code in the same file."""
    row = Row(case.name, expected(case), auditor, cachekit)
    for theirs in auditor.findings:
        reason = WRONG.get((case.name, theirs.code))
        if reason is not None:
            row.wrong.append((theirs, reason))
            continue
        ours = next(
            (
                f
                for f in cachekit.findings
                if f.code in MAPPING.get(theirs.code, ()) and f.file == theirs.file
            ),
            None,
        )
        if ours is None:
            row.missed.append(theirs)
        else:
            row.matched.append((theirs, ours))
    return row


def _cell(items: list[str]) -> str:
    text = "<br>".join(items) if items else "–"
    return text.replace("|", "\\|").replace("\n", " ")


def _notes(row: Row) -> list[str]:
    notes = [str(row.expected.get("notes", ""))] if row.expected.get("notes") else []
    notes += [f"auditor diagnostic: {d}" for d in row.auditor.diagnostics]
    notes += [
        f"known gap: {KNOWN_GAPS[(row.case, t.code)]}"
        for t in row.missed
        if (row.case, t.code) in KNOWN_GAPS
    ]
    if row.auditor.error:
        notes.append(row.auditor.error)
    if row.cachekit.error:
        notes.append(row.cachekit.error)
    else:
        got = {f.code for f in row.cachekit.findings}
        want = set(row.expected.get("cachekit", []))
        if want - got:
            notes.append(f"cachekit expected but missing: {', '.join(sorted(want - got))}")
        if got - want:
            notes.append(f"cachekit beyond expected: {', '.join(sorted(got - want))}")
    return notes


def markdown(rows: list[Row]) -> str:
    """The side-by-side table, then the totals."""
    out = [
        "| case | gha-cache-auditor findings | cachekit findings "
        "| auditor findings cachekit also reports | notes |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        also = [f"{t.code} → {o.code} ✓" for t, o in row.matched]
        also += [
            f"{t.code} → MISSED (want {' or '.join(MAPPING.get(t.code, ()))})"
            + (" — known gap" if (row.case, t.code) in KNOWN_GAPS else "")
            for t in row.missed
        ]
        also += [f"{t.code} → not echoed: the auditor is wrong here" for t, _ in row.wrong]
        ours = ["n/a"] if row.cachekit.error else [f.label() for f in row.cachekit.findings]
        out.append(
            "| "
            + " | ".join(
                [
                    row.case,
                    _cell([f.label() for f in row.auditor.findings]),
                    _cell(ours),
                    _cell(also),
                    _cell(_notes(row) + [f"wrong: {r}" for _, r in row.wrong]),
                ]
            )
            + " |"
        )
    theirs = sum(len(r.auditor.findings) for r in rows)
    matched = sum(len(r.matched) for r in rows)
    wrong = sum(len(r.wrong) for r in rows)
    missed = sum(len(r.missed) for r in rows)
    total = sum(len(r.cachekit.findings) for r in rows)
    exact = sum(
        1
        for r in rows
        if not r.cachekit.error
        and {f.code for f in r.cachekit.findings} == set(r.expected.get("cachekit", []))
    )
    out += [
        "",
        f"{len(rows)} cases: gha-cache-auditor {theirs} findings "
        f"({matched} also reported by cachekit, {wrong} wrong, {missed} missed by cachekit); "
        f"cachekit {total} findings, {exact}/{len(rows)} cases exactly as expected.",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cases", type=Path, default=CASES, help="directory of cases")
    parser.add_argument(
        "--via",
        choices=("cli", "library"),
        default="cli",
        help="run cachekit as `cachekit check` (default) or cachekit.checks.check()",
    )
    args = parser.parse_args(argv)
    run = run_cachekit_cli if args.via == "cli" else run_cachekit_library
    rows = [compare(c, run_auditor(c), run(c)) for c in cases(args.cases)]
    print(markdown(rows))
    if any(r.auditor.error or r.cachekit.error for r in rows):
        return 2
    return 1 if any(r.missed for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
