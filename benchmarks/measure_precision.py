"""How often ``check`` is right on real repositories: precision and recall per finding code.

Usage: python benchmarks/measure_precision.py [--show] [--stub] [--check-docs] [--repo NAME ...]

Runs :func:`cachekit.checks.check` on every repository of ``benchmarks/corpus.toml`` at its
pinned commit (read from the git object store, no checkout), and matches each finding against
``benchmarks/corpus/labels.toml``. A label is keyed by what stays put when the engine changes —
repository, file, line, code — never by message text:

    [[label]]
    repo = "owner/name"
    file = ".github/workflows/ci.yml"
    line = 42
    code = "input-not-in-key"
    verdict = "tp"          # tp: right; fp: a maintainer would call it wrong; miss: not reported
    reason = "one line quoting the workflow"
    as_note = "tp"          # optional: the verdict when the same finding comes as a note

A finding with a ``tp`` label is a true positive, with ``fp`` a false positive; a ``miss``
label that ``check`` now reports counts as found (relabel it ``tp``); a ``tp`` or ``miss`` that
``check`` does not report is a miss. Printed per code and in total, with warnings and errors
apart from notes (the goals differ: 95 % and 80 % precision). Unlabelled findings are listed
(``--stub`` prints them as label stubs to paste), so every finding gets a verdict.
``--check-docs`` exits 1 when the table in docs/check.md's "Precision" section is not the one
printed, or when a finding is unlabelled: the published figure is the measured one.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus

from cachekit.checks import check
from cachekit.checks.model import CheckFinding
from cachekit.errors import CachekitError

LABELS = Path(__file__).resolve().parent / "corpus" / "labels.toml"
DOCS = Path(__file__).resolve().parent.parent / "docs" / "check.md"
Key = tuple[str, str, int, str]  # repo, file, line, code


@dataclass(frozen=True)
class Label:
    repo: str
    file: str
    line: int
    code: str
    verdict: str  # tp | fp | miss
    reason: str
    severity: str = ""  # for a miss: the level it should have (default: the code's)
    as_note: str = ""  # the verdict when the finding comes as a note (a warning can be wrong
    # where the same fact, told as a note, is right: an unknowable hashFiles)

    def verdict_for(self, severity: str) -> str:
        return self.as_note if severity == "note" and self.as_note else self.verdict

    @property
    def key(self) -> Key:
        return (self.repo, self.file, self.line, self.code)


def load_labels(path: Path = LABELS) -> dict[Key, Label]:
    """The check labels (``[[label]]``), one per key; a duplicate key is an error."""
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    labels: dict[Key, Label] = {}
    for raw in data.get("label", []):
        label = Label(
            raw["repo"],
            raw["file"],
            int(raw["line"]),
            raw["code"],
            raw["verdict"],
            raw["reason"],
            raw.get("severity", ""),
            raw.get("as_note", ""),
        )
        if label.verdict not in ("tp", "fp", "miss"):
            raise SystemExit(f"{path}: {label.key}: verdict must be tp, fp or miss")
        if label.key in labels:
            raise SystemExit(f"{path}: {label.key} labelled twice")
        labels[label.key] = label
    return labels


def _level(severity: str) -> str:
    return "notes" if severity == "note" else "warnings+errors"


def _default_severity(code: str) -> str:
    from cachekit.checks import CODES  # noqa: PLC0415

    info = CODES.get(code)
    return str(getattr(info, "severity", "warning")) if info else "warning"


def run(repos: list[corpus.Repository]) -> dict[Key, CheckFinding]:
    """Every finding on the corpus, one per key (a rule reporting one line for several matrix
    legs or jobs is one finding to a reader)."""
    found: dict[Key, CheckFinding] = {}
    for repo in repos:
        git = repo.git_dir()
        if git is None or not repo.has_commit():
            print(f"skipped {repo.name}: not fetched at {repo.commit[:12]}", file=sys.stderr)
            continue
        try:
            result = check(str(git), rev=repo.commit)
        except CachekitError as exc:
            print(f"error on {repo.name}: {exc}", file=sys.stderr)
            continue
        for f in result.findings:
            key = (repo.name, f.file, f.line, f.code)
            if key not in found or found[key].severity == "note":
                found[key] = f
    return found


def table(
    found: dict[Key, CheckFinding], labels: dict[Key, Label], repos: set[str]
) -> tuple[list[str], list[Key]]:
    """The per-code rows and the unlabelled keys."""
    rows: dict[tuple[str, str], collections.Counter[str]] = collections.defaultdict(
        collections.Counter
    )
    unlabelled: list[Key] = []
    for key, f in found.items():
        label = labels.get(key)
        counts = rows[(_level(f.severity), f.code)]
        if label is None:
            counts["unlabelled"] += 1
            unlabelled.append(key)
        elif label.verdict_for(f.severity) == "fp":
            counts["fp"] += 1
        else:
            counts["tp"] += 1
    for key, label in labels.items():
        if label.repo in repos and label.verdict in ("tp", "miss") and key not in found:
            level = _level(label.severity or _default_severity(label.code))
            rows[(level, label.code)]["miss"] += 1
    lines = [
        "| level | code | true positives | false positives | misses | unlabelled "
        "| precision | recall |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    totals: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for (level, code), c in sorted(rows.items()):
        totals[level].update(c)
        lines.append(_row(level, f"`{code}`", c))
    for level in ("warnings+errors", "notes"):
        lines.append(_row(level, "**total**", totals[level]))
    return lines, unlabelled


def _pct(num: int, den: int) -> str:
    return f"{100 * num / den:.1f} %" if den else "–"


def _row(level: str, code: str, c: collections.Counter[str]) -> str:
    tp, fp, miss = c["tp"], c["fp"], c["miss"]
    return (
        f"| {level} | {code} | {tp} | {fp} | {miss} | {c['unlabelled']} "
        f"| {_pct(tp, tp + fp)} | {_pct(tp, tp + miss)} |"
    )


def stub(key: Key, f: CheckFinding) -> str:
    repo, file, line, code = key
    message = f.message.replace('"', "'")
    return (
        f'[[label]]\nrepo = "{repo}"\nfile = "{file}"\nline = {line}\ncode = "{code}"\n'
        f'verdict = ""\nreason = ""\n# {f.severity} job={f.job} {message}\n'
    )


def docs_table(path: Path = DOCS) -> list[str]:
    """The first table after the ``## Precision`` heading of docs/check.md."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("## Precision")), None)
    if start is None:
        return []
    table: list[str] = []
    for line in lines[start:]:
        if line.startswith("|"):
            table.append(line)
        elif table:
            break
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", action="append", help="only these corpus repositories")
    parser.add_argument("--show", action="store_true", help="print every finding with its label")
    parser.add_argument("--stub", action="store_true", help="print unlabelled findings as stubs")
    parser.add_argument(
        "--check-docs",
        action="store_true",
        help="exit 1 unless docs/check.md shows this table and every finding is labelled",
    )
    args = parser.parse_args(argv)
    repos = [r for r in corpus.load() if not args.repo or r.name in args.repo]
    labels = load_labels()
    started = time.perf_counter()
    found = run(repos)
    seconds = time.perf_counter() - started
    lines, unlabelled = table(found, labels, {r.name for r in repos})
    print("\n".join(lines))
    print()
    print(f"{len(repos)} repositories, {len(found)} findings in {seconds:.1f} s")
    if args.show:
        for key, f in sorted(found.items()):
            verdict = labels[key].verdict_for(f.severity) if key in labels else "?"
            print(f"  [{verdict}] {key[0]} {key[1]}:{key[2]} {f.severity} [{key[3]}] {f.message}")
    if unlabelled:
        print(f"{len(unlabelled)} unlabelled findings:")
        for key in sorted(unlabelled):
            f = found[key]
            if args.stub:
                print(stub(key, f))
            else:
                print(f"  {key[0]} {key[1]}:{key[2]} {f.severity} [{key[3]}] {f.message}")
    if args.check_docs:
        shown = docs_table()
        if shown != lines:
            print(f"{DOCS}: the Precision table is not the measured one", file=sys.stderr)
            return 1
        if unlabelled:
            print(f"{len(unlabelled)} findings have no label", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
