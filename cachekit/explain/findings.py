"""Warnings about one cache: the mistakes that cost users their caches without a hint.

Codes are stable (tools and docs refer to them):

- ``hashfiles-no-match`` — a ``hashFiles`` matches no file: that part of the key never
  changes, so the cache is never refreshed when the inputs change.
- ``hashfiles-fails`` — the call fails on GitHub (the step errors out).
- ``hashfiles-unknowable`` — the files it hashes are not in the commit: a submodule that
  ``actions/checkout`` fetches, the checkout's own ``.git``, a blob missing from a partial clone.
- ``volatile-key`` — the key changes every run or commit (``github.sha``, ``run_id``, a date)
  and there are no restore keys: every run misses and saves a new entry.
- ``key-invalid`` — a key over 512 characters, with a comma, or too many keys.
- ``step-fails`` — the action rejects the step as configured.
- ``key-not-predictable`` — part of the key is only known at run time.
- ``walks-large-tree`` — a leading ``**`` pattern will walk ``node_modules``/virtualenvs that
  an earlier step creates; the runner gives ``hashFiles`` 120 s.
"""

from __future__ import annotations

import re
from typing import Final

from ..caches import CacheSpec, validate_key
from ..findings import Code, Severity
from ..yamlsource import Mark
from .model import CacheReport, Finding, HashCall

__all__ = ["cache_findings", "calendar_period", "handoffs", "pair_findings", "same_key"]

_VOLATILE: Final = re.compile(
    r"github\.(sha|run_id|run_number|run_attempt)\b|\bdate\b|timestamp", re.IGNORECASE
)
# `date +FORMAT` in the script that computes a key part: a format of calendar fields only
# (%Y-%m-%d, %Y-%U) rotates the key once a day/week/month on purpose, and every run of that
# period hits; a clock field (%H, %M, %S, %s, %N, %T…) or no format at all changes every run.
_DATE_FORMAT: Final = re.compile(r"""\bdate\b[^|;>`)]*?\+\s*["']?([^"'\s)]+)""")
_CLOCK_FIELDS: Final = re.compile(r"%[-_0^#]?[HIklMSsNTRrcXp]")
_PERIODS: Final = (("d", "day"), ("j", "day"), ("F", "day"), ("D", "day"), ("e", "day"))


def calendar_period(source: str) -> str | None:
    """'day', 'week', 'month' or 'year' when a part is a ``date +FORMAT`` of calendar fields
    only, else None (a per-run value, or not a date at all)."""
    if "github." in source and re.search(r"github\.(sha|run_)", source):
        return None
    match = _DATE_FORMAT.search(source)
    if match is None:
        return None
    fmt = match.group(1)
    if _CLOCK_FIELDS.search(fmt) or "%" not in fmt:
        return None
    fields = set(re.findall(r"%[-_0^#]?([A-Za-z])", fmt))
    for field, period in _PERIODS:
        if field in fields:
            return period
    if fields & {"U", "V", "W", "u", "w", "a", "A"}:
        return "week"
    if fields & {"m", "b", "B", "h"}:
        return "month"
    return "year"


def _generated_finding(call: HashCall, mark: Mark | None) -> Finding:
    """``key-from-generated-file``: a warning when the patterns reach what a cache step
    restored into the workspace (the key drifts with the restored entry); a note naming
    what rotates the key when a ``run:`` command writes the file (often on purpose)."""
    restored = [g for g in call.generated if g.restored]
    if restored:
        g = restored[0]
        named = [n for n in g.holds if any(p.endswith(n) for p in call.patterns)] or g.holds
        return Finding(
            Code.KEY_FROM_GENERATED_FILE,
            Severity.WARNING,
            f"{call.call} also hashes the {' and '.join(named) or 'files'} of every package "
            f"{g.by} ({g.where}) restores into {g.path}: the key depends on the restored "
            "entry, not only on the repository, so it differs from the key that entry was "
            "saved under and changes whenever that cache does",
            mark,
        )
    g = call.generated[0]
    period = g.period or calendar_period(g.by)
    rotates = (
        f"it rotates once a {period}"
        if period
        else "it changes whenever that command writes something else"
    )
    return Finding(
        Code.KEY_FROM_GENERATED_FILE,
        Severity.NOTE,
        f"{call.call} hashes {g.path}, which `{g.by}` ({g.where}) writes before this step: "
        f"the key is known at run time only, and {rotates}",
        mark,
    )


def cache_findings(report: CacheReport, spec: CacheSpec, installs: list[str]) -> list[Finding]:
    """Every finding of one cache step: its hashFiles calls, a volatile key, the key's
    validity or predictability, and a step the action rejects."""
    out: list[Finding] = []
    mark = report.mark
    for part in report.parts:
        if part.kind == "hashFiles" and part.hash is not None:
            out.extend(_hash_findings(part.hash, installs, mark))
    volatile = _volatile_parts(report)
    if volatile and not report.restore_keys and spec.restores:
        out.append(
            Finding(
                Code.VOLATILE_KEY,
                Severity.WARNING,
                f"the key depends on {', '.join(dict.fromkeys(volatile))}, which changes on every "
                "run or commit, and there are no restore-keys: every run misses and saves a new "
                "entry",
                mark,
            )
        )
    out.extend(_key_findings(report))
    if spec.fails:
        out.append(Finding(Code.STEP_FAILS, Severity.ERROR, spec.fails, mark))
    return out


def _hash_findings(call: HashCall, installs: list[str], mark: Mark) -> list[Finding]:
    """What is wrong with one hashFiles call: it fails, cannot be computed offline, matches
    nothing, or walks what an earlier install creates."""
    if call.generated:  # its own finding, naming what rotates the key; nothing else applies
        return [_generated_finding(call, mark)]
    out: list[Finding] = []
    if call.error and ("EUNKNOWABLE" in call.error or "EMISSING" in call.error):
        out.append(
            Finding(  # a note: nothing is wrong in the workflow, cachekit cannot see it
                Code.HASHFILES_UNKNOWABLE,
                Severity.NOTE,
                f"{call.call} cannot be computed offline: {call.error.split(' failed: ')[-1]}",
                mark,
            )
        )
    elif call.error:
        out.append(
            Finding(Code.HASHFILES_FAILS, Severity.ERROR, f"{call.call}: {call.error}", mark)
        )
    elif call.digest == "":
        out.append(
            Finding(
                Code.HASHFILES_NO_MATCH,
                Severity.WARNING,
                f"{call.call} matches no file: this part of the key is '' and never changes",
                mark,
            )
        )
    # The 120 s limit is the runner's (hashFiles in an expression); a setup action hashes
    # with its own @actions/glob, which has none.
    runner = call.flavor == "runner"
    if runner and installs and any(p.lstrip("!").startswith("**") for p in call.patterns):
        out.append(
            Finding(  # a note: a risk of time, rarely near the limit in practice
                Code.WALKS_LARGE_TREE,
                Severity.NOTE,
                f"{call.call} starts with '**': at run time it also walks what "
                f"'{installs[0]}' created (node_modules, virtualenvs); hashFiles has 120 s",
                mark,
            )
        )
    return out


def _volatile_parts(report: CacheReport) -> list[str]:
    """The key's parts that change every run or commit (a calendar ``date +%F`` rotates on
    purpose and is not one)."""
    return [
        p.text
        for p in report.parts
        if p.kind != "literal"
        and _VOLATILE.search(p.text + " " + (p.source or ""))
        and calendar_period(p.source or "") is None
    ]


def _key_findings(report: CacheReport) -> list[Finding]:
    """A known key GitHub rejects (``key-invalid``), or a key only known at run time."""
    if report.key_known:
        return [
            Finding(Code.KEY_INVALID, Severity.ERROR, problem, report.mark)
            for problem in validate_key(report.key)
        ]
    unknown = [
        p.text
        for p in report.parts
        if p.kind == "unknown"
        or (p.kind == "hashFiles" and p.hash and p.hash.digest is None and not p.hash.generated)
    ]
    # a part over what an earlier step creates has its own finding, naming what rotates it
    generated = any(p.hash and p.hash.generated for p in report.parts)
    if not unknown and generated:
        return []
    return [
        Finding(
            Code.KEY_NOT_PREDICTABLE,
            Severity.NOTE,
            "part of the key is only known at run time: " + ", ".join(unknown or ["?"]),
            report.mark,
        )
    ]


def same_key(a: CacheReport, b: CacheReport) -> bool:
    """Whether two steps use one key: written the same way, or evaluating to the same text —
    a save keyed ``${{ steps.<restore>.outputs.cache-primary-key }}`` (GitHub's documented
    pattern) has its restore step's key, unknown parts rendered by name."""
    return a.key_template.strip() == b.key_template.strip() or (bool(a.key) and a.key == b.key)


def pair_findings(reports: list[CacheReport]) -> dict[int, list[Finding]]:
    """``save``/``restore`` steps of one job whose keys agree but whose versions differ."""
    out: dict[int, list[Finding]] = {}
    by_job: dict[tuple[str, str, str], list[tuple[int, CacheReport]]] = {}
    for i, r in enumerate(reports):
        by_job.setdefault((r.workflow, r.job, repr(sorted(r.matrix.items()))), []).append((i, r))
    all_saves = [r for r in reports if r.kind == "save-only"]
    for items in by_job.values():
        restores = [(i, r) for i, r in items if r.kind == "restore-only"]
        saves = [(i, r) for i, r in items if r.kind == "save-only"]
        for i, restore in restores:
            cross_os = bool((restore.version_inputs or {}).get("enableCrossOsArchive"))
            if cross_os and any(
                s.workflow == restore.workflow
                and s.job == restore.job
                and s.version == restore.version
                and same_key(s, restore)
                for s in all_saves
            ):
                continue  # a cross-OS restore reads what another leg (OS) of the job saves
            for _, save in saves:
                if not same_key(restore, save):
                    continue
                if restore.version and save.version and restore.version != save.version:
                    out.setdefault(i, []).append(
                        Finding(
                            Code.PATH_MISMATCH,
                            Severity.WARNING,
                            f"the save step at line {save.mark.line} uses the same key with other "
                            f"paths ({', '.join(save.paths)} vs {', '.join(restore.paths)}): the "
                            "cache version differs, so this restore never finds what it saves",
                            restore.mark,
                        )
                    )
    return out


def handoffs(reports: list[CacheReport], needs: dict[tuple[str, str], tuple[str, ...]]) -> set[int]:
    """Reports whose per-run key passes files from one job to a later job of the same run.

    A job that saves under ``github.sha`` (or run_id) and a job that ``needs:`` it (directly or
    through others) restoring the same key written the same way: the entry is meant to be read
    in the same run, so "every run misses" is the design, not a mistake. ``needs`` maps
    (workflow, job) to the jobs it names in ``needs:``.
    """

    def upstream(workflow: str, job: str) -> set[str]:
        seen: set[str] = set()
        todo = list(needs.get((workflow, job), ()))
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo.extend(needs.get((workflow, name), ()))
        return seen

    out: set[int] = set()
    for i, saver in enumerate(reports):
        if saver.kind == "restore-only":
            continue
        for j, reader in enumerate(reports):
            if (
                reader.kind != "save-only"
                and reader.workflow == saver.workflow
                and same_key(reader, saver)
                and saver.job in upstream(reader.workflow, reader.job)
            ):
                out.update((i, j))
    return out
