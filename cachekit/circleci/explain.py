"""CircleCI caches as ``explain`` reports them: one :class:`CacheReport` per
``restore_cache``/``save_cache`` step of each job (× matrix), and one per orb step that
caches (its key is the orb's: an unknown part naming the orb).

A ``restore_cache`` reports the paths of the ``save_cache`` it pairs with (the first of the
job whose key its first key is a prefix of), so ``check`` can tell what it restores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from ..explain.model import CacheReport, ExplainResult, Finding, JobRecord, KeyPart, StepRecord
from ..findings import Code, Severity
from ..fs.trees import Tree
from ..platforms.variables import Var
from ..yamlsource import Mark
from .config import CircleConfig, CircleJob, CircleStep, load_config
from .keys import KeyEval, evaluate_template

__all__ = ["CircleOptions", "explain_circleci", "prefix_pattern"]

_ORB_CACHES = re.compile(r"cache|install-packages|install-deps|install_deps|with-cache", re.I)
_VOLATILE_ENV = frozenset(
    {
        "CIRCLE_SHA1",
        "CIRCLE_BUILD_NUM",
        "CIRCLE_WORKFLOW_ID",
        "CIRCLE_PIPELINE_ID",
        "CIRCLE_BUILD_URL",
        "CIRCLE_WORKFLOW_JOB_ID",
    }
)


@dataclass(frozen=True)
class CircleOptions:
    branch: str = "main"
    revision: str | None = None
    job: str | None = None


def _keys(args: Any) -> list[str]:
    if not isinstance(args, dict):
        return []
    if isinstance(args.get("keys"), list):
        return [str(k) for k in args["keys"] if k is not None]
    return [str(args["key"])] if args.get("key") is not None else []


def _run_text(step: CircleStep) -> str | None:
    if step.kind != "run":
        return None
    if isinstance(step.args, str):
        return step.args
    if isinstance(step.args, dict) and step.args.get("command") is not None:
        return str(step.args["command"])
    return None


def _part_regex(parts: tuple[KeyPart, ...], i: int = 0) -> str:
    """A regex that fully matches every *prefix* of a key these parts can make elsewhere
    (another branch, commit or file content): literals stay, anything else is ``.*``."""
    if i >= len(parts):
        return ""
    rest = _part_regex(parts, i + 1)
    part = parts[i]
    if part.kind == "literal":
        lit = part.value
        cut = "|".join(re.escape(lit[:j]) for j in range(1, len(lit)))
        whole = re.escape(lit) + (f"(?:{rest})?" if rest else "")
        return f"(?:{whole}|{cut})" if cut else f"(?:{whole})"
    return ".*" + (f"(?:{rest})?" if rest else "")


def prefix_pattern(parts: tuple[KeyPart, ...]) -> re.Pattern[str]:
    return re.compile(_part_regex(parts), re.DOTALL)


class _Builder:
    def __init__(self, tree: Tree, config: CircleConfig, options: CircleOptions) -> None:
        self.tree = tree
        self.config = config
        self.options = options
        self.caches: list[CacheReport] = []
        self.jobs: list[JobRecord] = []
        self.problems = [
            Finding(Code.WORKFLOW_PROBLEM, Severity.WARNING, m, mk) for m, mk in config.problems
        ]
        self.saves: list[tuple[KeyEval, int]] = []
        self.checkout = ""  # (evaluated key, index of its report)

    def environment(self, job: CircleJob) -> Any:
        builtins = {
            "CIRCLE_BRANCH": self.options.branch,
            "CIRCLE_JOB": job.base_name,
            "CI": "true",
            "CIRCLECI": "true",
        }

        def lookup(name: str) -> Var | None:
            if name in job.environment:
                value, where = job.environment[name]
                return Var(value, where)
            if name in builtins:
                return Var(builtins[name], "built-in (the modelled run)")
            if name in _VOLATILE_ENV:
                return Var(None, "built-in: changes every run", volatile=True)
            if name.startswith("CIRCLE_"):
                return Var(None, "built-in: assigned by CircleCI")
            return None

        return lookup

    def job(self, job: CircleJob) -> None:
        env = self.environment(job)
        self.checkout = ""  # where this job's checkout step put the repository
        steps: list[StepRecord] = []
        runs: list[tuple[str, Mark]] = []
        mine: list[tuple[int, CircleStep, KeyEval]] = []
        for index, step in enumerate(job.steps):
            text = _run_text(step)
            caches: tuple[int, ...] = ()
            if step.kind == "checkout":
                path = step.args.get("path") if isinstance(step.args, dict) else None
                self.checkout = str(path).removeprefix("./") if path else ""
            if text is not None:
                runs.append((text, step.mark))
            elif step.kind in ("restore_cache", "save_cache"):
                ev = self.evaluate(job, step, env, runs)
                if ev is not None:
                    mine.append((len(self.caches), step, ev))
                    caches = (len(self.caches),)
                    self.caches.append(self.report(job, step, index, ev))
            elif step.kind == "orb" and step.orb and _ORB_CACHES.search(step.orb):
                caches = (len(self.caches),)
                self.caches.append(self.orb_report(job, step, index))
            steps.append(
                StepRecord(
                    index,
                    step.mark,
                    step.orb or step.kind,
                    None,
                    f"orb:{step.orb}" if step.orb else None if text else f"circleci:{step.kind}",
                    {},
                    text,
                    "bash",
                    None,
                    {k: v for k, (v, _) in job.environment.items()},
                    caches,
                    step.via,
                )
            )
        self.pair(mine)
        self.jobs.append(
            JobRecord(
                workflow=self.config.path,
                job=job.name,
                matrix=dict(job.matrix),
                mark=job.mark,
                events=("push",),
                runner=job.executor,
                os=job.os,
                arch=None,
                stage=0,
                steps=tuple(steps),
                needs=job.requires,
            )
        )

    def evaluate(
        self, job: CircleJob, step: CircleStep, env: Any, runs: list[tuple[str, Mark]]
    ) -> KeyEval | None:
        keys = _keys(step.args)
        if not keys:
            self.problems.append(
                Finding(
                    Code.WORKFLOW_PROBLEM, Severity.WARNING, f"{step.kind} without a key", step.mark
                )
            )
            return None

        def generated(path: str) -> str | None:
            rx = re.compile(r"(>>?|\btee\b(\s+-a)?|-o)\s*[\"']?" + re.escape(path))
            for text, mark in runs:
                if rx.search(text):
                    return f"the run step at {mark}"
            return None

        return evaluate_template(
            keys[0],
            self.tree,
            branch=self.options.branch,
            revision=self.options.revision,
            environment=env,
            working_directory=job.working_directory,
            generated=generated,
            checkout=self.checkout,
        )

    def report(self, job: CircleJob, step: CircleStep, index: int, ev: KeyEval) -> CacheReport:
        restore = step.kind == "restore_cache"
        keys = _keys(step.args)
        findings: list[Finding] = []
        for raw in ev.failing:
            findings.append(
                Finding(
                    Code.HASHFILES_FAILS,
                    Severity.ERROR,
                    f'checksum "{raw}": no such file in the checkout, so the '
                    "key cannot be computed and the step fails",
                    step.mark,
                )
            )
        unknown = [p.text for p in ev.parts if p.kind == "unknown" and p.hash is None]
        if unknown:
            findings.append(
                Finding(
                    Code.KEY_NOT_PREDICTABLE,
                    Severity.NOTE,
                    f"part of the key is only known at run time: {', '.join(unknown)}",
                    step.mark,
                )
            )
        fallbacks: list[str] = []
        env = self.environment(job)
        for raw in keys[1:]:
            more = evaluate_template(
                raw,
                self.tree,
                branch=self.options.branch,
                revision=self.options.revision,
                environment=env,
                working_directory=job.working_directory,
                generated=lambda _p: None,
                checkout=self.checkout,
            )
            fallbacks.append(more.text)
        args = step.args if isinstance(step.args, dict) else {}
        paths = [str(p) for p in args.get("paths") or []] if not restore else []
        return CacheReport(
            workflow=self.config.path,
            job=job.name,
            matrix=dict(job.matrix),
            step=step.kind,
            step_index=index,
            mark=step.mark,
            via=step.via,
            uses=f"circleci:{step.kind}",
            kind="restore-only" if restore else "save-only",
            runner=job.executor,
            key_template=keys[0],
            key=ev.text,
            key_known=ev.known,
            parts=ev.parts,
            restore_keys=tuple(fallbacks),
            paths=tuple(paths),
            version=None,
            version_inputs={
                "platform": "circleci",
                "identity": "the key alone: prefix lookup, newest wins; immutable",
            },
            notes=(f"when: {args['when']}",)
            if args.get("when") not in (None, "on_success")
            else (),
            findings=tuple(findings),
        )

    def orb_report(self, job: CircleJob, step: CircleStep, index: int) -> CacheReport:
        orb = step.orb or ""
        source = self.config.orbs.get(orb.split("/")[0], "not declared in orbs:")
        part = KeyPart(
            "unknown",
            f"orb {orb}",
            f"‹orb {orb}›",
            source=f"the orb's own key ({source}): its steps are not in the repository",
        )
        return CacheReport(
            workflow=self.config.path,
            job=job.name,
            matrix=dict(job.matrix),
            step=orb,
            step_index=index,
            mark=step.mark,
            via=step.via,
            uses=f"orb:{orb}",
            kind="restore+save",
            runner=job.executor,
            key_template=f"(inside orb {orb})",
            key=part.value,
            key_known=False,
            parts=(part,),
            restore_keys=(),
            paths=(),
            version=None,
            version_inputs={"platform": "circleci", "identity": "set by the orb"},
            findings=(
                Finding(
                    Code.KEY_NOT_PREDICTABLE,
                    Severity.NOTE,
                    f"the cache is made inside the orb {orb} ({source}): its key "
                    "cannot be read from the repository",
                    step.mark,
                ),
            ),
        )

    def pair(self, mine: list[tuple[int, CircleStep, KeyEval]]) -> None:
        """Restores get the paths of the save of their job they pair with."""
        saves = [(i, ev) for i, s, ev in mine if s.kind == "save_cache"]
        for i, s, _ in mine:
            if s.kind != "restore_cache":
                continue
            report = self.caches[i]
            keys = (report.key, *report.restore_keys)
            for j, sev in saves:
                if any(sev.text.startswith(k) for k in keys if "‹" not in k) or (
                    report.key_template == self.caches[j].key_template
                ):
                    self.caches[i] = _with(report, paths=self.caches[j].paths)
                    break
        self.saves.extend((sev, j) for j, sev in saves)

    def save_findings(self) -> None:
        """Volatile and never-refreshed keys, once every job's restores are known: a
        workflow passes caches from job to job, so any restore of the configuration counts."""
        restores = [r for r in self.caches if r.uses == "circleci:restore_cache"]
        for sev, j in self.saves:
            save = self.caches[j]
            extra: list[Finding] = []
            stable = save.key.split("‹", 1)[0]
            covered = any(
                r.key_template == save.key_template
                or any(k and stable.startswith(k) for k in (r.key, *r.restore_keys))
                for r in restores
            )
            if sev.volatile and not covered:
                extra.append(
                    Finding(
                        Code.VOLATILE_KEY,
                        Severity.WARNING,
                        f"the key depends on {', '.join(sev.volatile)}, which changes every run, "
                        "and no restore_cache names it or a prefix of it: every run saves a new "
                        "cache that is never restored",
                        save.mark,
                    )
                )
            constant = all(
                p.kind == "literal" or p.text.strip("{} ") == ".Branch" for p in sev.parts
            )
            if not sev.volatile and constant:
                extra.append(
                    Finding(
                        Code.KEY_NEVER_REFRESHED,
                        Severity.WARNING,
                        f"the key '{save.key_template}' never changes (per branch): caches are "
                        "immutable, so the first save is kept until it expires, whatever the job "
                        "installs later",
                        save.mark,
                    )
                )
            if extra:
                self.caches[j] = _with(save, findings=save.findings + tuple(extra))

    def unmatched_restores(self) -> None:
        patterns = [prefix_pattern(ev.parts) for ev, _ in self.saves]
        for i, report in enumerate(self.caches):
            if report.uses != "circleci:restore_cache":
                continue
            extra = []
            for key in (report.key, *report.restore_keys):
                if "‹" in key or not key:
                    continue
                if not any(p.fullmatch(key) for p in patterns):
                    extra.append(
                        Finding(
                            Code.FALLBACK_NEVER_MATCHES,
                            Severity.WARNING,
                            f"restore key '{key}' is not a prefix of any key a "
                            "save_cache of this configuration makes: it never "
                            "matches",
                            report.mark,
                        )
                    )
            if extra:
                self.caches[i] = _with(report, findings=report.findings + tuple(extra))


def _with(report: CacheReport, **changes: Any) -> CacheReport:
    return replace(report, **changes)


def explain_circleci(tree: Tree, options: CircleOptions | None = None) -> ExplainResult:
    """Every cache of the tree's ``.circleci/config.yml`` (empty when there is none)."""
    options = options or CircleOptions()
    config = load_config(tree, branch=options.branch)
    commit = getattr(tree, "commit", None)
    revision = commit if isinstance(commit, str) else None
    if config is None:
        return ExplainResult(tree.workspace, revision, ())
    if options.revision is None and revision is not None:
        options = CircleOptions(options.branch, revision, options.job)
    builder = _Builder(tree, config, options)
    for job in config.jobs:
        if options.job is None or options.job in (job.name, job.base_name):
            builder.job(job)
    builder.save_findings()
    builder.unmatched_restores()
    return ExplainResult(
        tree.workspace,
        revision,
        tuple(builder.caches),
        tuple(builder.problems),
        tuple(builder.jobs),
    )
