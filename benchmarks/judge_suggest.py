"""Every ``suggest`` proposal on the corpus, applied, re-checked and validated, with a verdict.

Usage: python benchmarks/judge_suggest.py [--validate] [--stub]

For each repository of ``benchmarks/corpus.toml`` (at its pinned commit) every proposal is
listed with what would make a maintainer reject it: a finding ``check`` still reports on the
edited workflow (residual), a problem GitHub's workflow schema or actionlint reports on the
edited file that the original did not have (``--validate``), an edit the editor refused, and
what would break the job (#12): a setup step's cache input before the checkout (item 18), a
replaced step's id dropped (item 19), a tag where the workflow pins by SHA (item 21), a save in
a job on an untrusted trigger (item 23). Verdicts live in ``benchmarks/corpus/labels.toml`` as
``[[proposal]]`` tables keyed by repo, workflow, job, manager and action; ``--stub`` prints
unlabelled ones to paste.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus

from cachekit.fs.gittree import tree_at
from cachekit.suggest import Proposal, suggest_tree
from cachekit.suggest.fit import JobText
from cachekit.yamlsource import load_yaml

LABELS = Path(__file__).resolve().parent / "corpus" / "labels.toml"
_UNTRUSTED = ("pull_request_target", "issue_comment", "workflow_run")


def _unplaced(problem: str) -> str:
    return re.sub(r": \{.*\} is ", ": {…} is ", re.sub(r"^\d+:\d+: ", "", problem))


def _events(doc: object) -> set[str]:
    on = doc.get("on", doc.get(True)) if isinstance(doc, dict) else None
    if isinstance(on, str):
        return {on}
    return {str(e) for e in on} if isinstance(on, (list, dict)) else set()


def _job_flags(tree: object, p: Proposal) -> list[str]:
    """What breaks the job, read from the workflow as written: items 18, 19, 21 and 23."""
    text = JobText.read(tree, p.workflow, p.job, "tag")  # type: ignore[arg-type]
    if text is None:
        return []
    flags = []
    uses = [str(s.get("uses", "")).split("@")[0].lower() for s in text.steps]
    checkout = uses.index("actions/checkout") if "actions/checkout" in uses else None
    if p.action == "setup-input" and checkout is not None and p.step_index < checkout:
        flags.append("setup cache input before the checkout (item 18)")
    if p.action == "replace-step" and p.step_index < len(text.steps):
        old_id = text.steps[p.step_index].get("id")
        if old_id and p.step.get("id") != old_id:
            flags.append(f"the replaced step's id {old_id} is dropped (item 19)")
    new_uses = str(p.step.get("uses", ""))
    if new_uses and text.pinning == "sha" and not re.search(r"@[0-9a-f]{40}$", new_uses):
        flags.append("a tag where the workflow pins by SHA (item 21)")
    doc = load_yaml(tree.read(p.workflow), p.workflow)  # type: ignore[attr-defined]
    untrusted = _events(doc) & set(_UNTRUSTED)
    saves = p.action == "setup-input" or not new_uses.startswith("actions/cache/restore@")
    if untrusted and saves:
        flags.append(f"a saving cache on {', '.join(sorted(untrusted))} (item 23)")
    return flags


def _labels() -> dict[tuple[str, str, str, str, str], dict[str, str]]:
    with LABELS.open("rb") as handle:
        data = tomllib.load(handle)
    return {
        (p["repo"], p["workflow"], p["job"], p["manager"], p["action"]): p
        for p in data.get("proposal", [])
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--validate", action="store_true")
    parser.add_argument("--stub", action="store_true")
    args = parser.parse_args(argv)
    validation = None
    if args.validate:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
        import workflow_validation as validation  # noqa: PLC0415

    labels = _labels()
    totals: collections.Counter[str] = collections.Counter()
    for repo in corpus.load():
        with tree_at(str(repo.git_dir()), repo.commit) as tree:
            result = suggest_tree(tree)
            job_flags = {id(p): _job_flags(tree, p) for p in result.proposals}
        new_problems: dict[str, list[str]] = {}
        if validation is not None:
            for edit in result.edits:
                before = collections.Counter(
                    map(
                        _unplaced,
                        [
                            *validation.validate_schema(edit.before),
                            *validation.validate_actionlint(edit.before),
                        ],
                    )
                )
                after = collections.Counter(
                    map(
                        _unplaced,
                        [
                            *validation.validate_schema(edit.after),
                            *validation.validate_actionlint(edit.after),
                        ],
                    )
                )
                new_problems[edit.path] = list(after - before)
        residual = collections.Counter(f.file for f in result.residual)
        edited = {e.path for e in result.edits}
        seen: set[tuple[str, str, str, str, str]] = set()
        for p in result.proposals:
            key = (repo.name, p.workflow, p.job, p.manager, p.action)
            if key in seen:
                continue
            seen.add(key)
            flags = list(job_flags[id(p)])
            # the file edited: the workflow, or the composite action that holds the cache
            if residual.get(p.file):
                flags.append("residual findings in the edited workflow")
            if new_problems.get(p.file):
                flags.append(f"new problems: {new_problems[p.file][:2]}")
            if p.file not in edited or any(
                r.startswith(f"{p.file}:") and f"job '{p.job}'" in r for r in result.refused
            ):
                flags.append("the editor refused the step")
            totals["proposals"] += 1
            label = labels.get(key)
            verdict = label["verdict"] if label else "?"
            totals[verdict] += 1
            if flags:
                totals["flagged"] += 1
            if label is None and args.stub:
                reason = "; ".join(flags) or (
                    "applied, re-checked: no residual finding; no new schema/actionlint problem"
                )
                print(
                    f'[[proposal]]\nrepo = "{repo.name}"\nworkflow = "{p.workflow}"\n'
                    f'job = "{p.job}"\nmanager = "{p.manager}"\naction = "{p.action}"\n'
                    f'verdict = "{"reject" if flags else "accept"}"\nreason = "{reason}"\n'
                )
            elif flags or label is None:
                print(f"  [{verdict}] {'/'.join(key)}: {'; '.join(flags) or 'unlabelled'}")
    print()
    for name, n in totals.most_common():
        print(f"  {name}: {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
