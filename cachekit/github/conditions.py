"""``if:`` conditions of jobs and steps, evaluated with one run's contexts.

GitHub's rules ("Using conditions to control job execution",
https://docs.github.com/en/actions/how-tos/write-workflows/choose-when-workflows-run/control-jobs-with-conditions,
and "Expressions", section "Status check functions",
https://docs.github.com/en/actions/reference/workflows-and-actions/expressions#status-check-functions):

- an ``if:`` may be written with or without ``${{ }}``; "a default status check of
  ``success()`` is applied unless you include one of these functions" — so ``if: x`` means
  ``success() && (x)``, and a job or step without ``if:`` means ``success()``;
- for a job, ``success()`` holds when the jobs it needs succeeded: "If a job fails or is
  skipped, all jobs that need it are skipped unless the jobs use a conditional expression
  that causes the job to continue". The check covers the whole ``needs`` chain (a job two
  levels below a skipped one is skipped too, even when the job between ran under
  ``always()``): the replay takes the transitive ancestors;
- ``always()`` is always true, ``cancelled()`` and ``failure()`` are false in a replay where
  nothing is cancelled or fails;
- a job's ``if:`` sees ``github``, ``needs``, ``vars`` and ``inputs``; a step's also
  ``matrix``, ``runner``, ``env``, ``steps``, ``job`` and ``strategy``.

What cannot be known offline (a variable, an output computed at run time) makes a condition
*unknown*: the job or step is assumed to run, and the caller counts it as such. A condition is
decided in three-valued logic (Kleene's): ``||`` is true as soon as one operand is true and
``&&`` false as soon as one is false, whatever the unknown operands beside it hold
(``vars.X || true`` runs, ``vars.X && false`` is skipped: GitHub returns the first truthy —
or falsy — operand, so the result's truth is settled even when its value is not); ``!`` of an
unknown stays unknown. A condition
on a cache step's ``cache-hit`` output is evaluated for each value the output can take, so
the replay can apply it when the cache step's outcome is known (:class:`CacheHitGuard`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from ..errors import CachekitError
from ..expressions import EvaluationContext, ExpressionError, Unknown
from ..expressions.coerce import truthiness
from ..expressions.evaluator import evaluate_node
from ..expressions.parser import Group, Logical, Node, Not, parse_expression
from .workflows import Workflow

__all__ = [
    "CacheHitGuard",
    "ConditionResult",
    "RunContext",
    "Verdict",
    "evaluate_if",
    "job_verdicts",
    "step_verdict",
]

Verdict = Literal["run", "skip", "unknown"]
"""``unknown``: the condition depends on values only known at run time (assumed to run)."""

_STATUS = re.compile(r"\b(success|failure|always|cancelled)\s*\(", re.IGNORECASE)
_WRAPPED = re.compile(r"^\s*\$\{\{(.*)\}\}\s*$", re.DOTALL)
_CACHE_HIT = re.compile(
    r"\bsteps\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[\s*'([^']+)'\s*\])\s*\.\s*outputs\s*"
    r"(?:\.\s*cache-hit\b|\[\s*'cache-hit'\s*\])",
    re.IGNORECASE,
)
CACHE_HIT_VALUES = ("true", "false", "")
"""``cache-hit`` of a restoring step: exact hit, partial restore, miss."""


@dataclass(frozen=True)
class RunContext:
    """What a run's ``github`` context holds that conditions test."""

    event: str
    ref: str
    sha: str = ""
    default_branch: str = "main"
    repository: str | None = None
    base_ref: str = ""
    head_ref: str = ""

    def github(self) -> dict[str, Any]:
        repository: Any = self.repository or Unknown(
            "github.repository", "owner/name (use --repository)"
        )
        owner: Any = (
            self.repository.split("/", 1)[0]
            if self.repository
            else Unknown("github.repository_owner", "the owner (use --repository)")
        )
        ref_name = self.ref.split("/", 2)[-1] if self.ref.startswith("refs/") else self.ref
        event: dict[str, Any] = {
            "repository": {
                "default_branch": self.default_branch,
                "full_name": repository,
                "name": self.repository.split("/", 1)[-1] if self.repository else repository,
            },
        }
        return {
            "event_name": self.event,
            "event": event,
            "ref": self.ref,
            "ref_name": ref_name,
            "ref_type": "tag" if self.ref.startswith("refs/tags/") else "branch",
            "sha": self.sha or Unknown("github.sha", "the commit"),
            "base_ref": self.base_ref,
            "head_ref": self.head_ref,
            "repository": repository,
            "repository_owner": owner,
            "actor": Unknown("github.actor", "who triggered the run"),
            "triggering_actor": Unknown("github.triggering_actor", "who triggered the run"),
            "run_attempt": Unknown("github.run_attempt", "the attempt number"),
        }


@dataclass(frozen=True)
class CacheHitGuard:
    """A step that runs only for some ``cache-hit`` outputs of the cache step ``step_id``."""

    step_id: str
    when: frozenset[str]


@dataclass(frozen=True)
class ConditionResult:
    verdict: Verdict
    condition: str | None = None
    reason: str = ""
    guard: CacheHitGuard | None = None


_RUN = ConditionResult("run")


def _text(raw: Any) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return str(raw)


def _expression(raw: str) -> str:
    """The expression of an ``if:`` with the implicit ``success()`` added."""
    m = _WRAPPED.match(raw)
    inner = m.group(1).strip() if m and "${{" not in m.group(1) else raw.strip()
    return inner if _STATUS.search(inner) else f"success() && ({inner})"


def evaluate_if(raw: Any, contexts: Mapping[str, Any], status: str) -> ConditionResult:
    """One ``if:`` (``None``: none written) under ``status`` (``success`` / ``skipped``)."""
    text = _text(raw)
    expression = _expression(text) if text is not None else "success()"
    context = EvaluationContext(contexts=dict(contexts), job_status=status)
    try:
        truth = _truth(_parsed(expression, context.names), expression, context)
    except (ExpressionError, CachekitError) as exc:
        return ConditionResult("unknown", text, f"cannot evaluate: {exc}")
    if truth is None:
        return ConditionResult("unknown", text, "depends on values known at run time")
    if truth:
        return ConditionResult("run", text)
    why = f"if: {text}" if text is not None else "a job it needs was skipped"
    return ConditionResult("skip", text, why)


@lru_cache(maxsize=4096)
def _parsed(expression: str, names: frozenset[str]) -> Node:
    """The syntax tree of a condition: the same ``if:`` is decided for every run."""
    return parse_expression(expression, names)


def _truth(node: Node, text: str, context: EvaluationContext) -> bool | None:
    """Whether ``node`` is truthy, ``None`` when that depends on run-time values.

    Operands are decided left to right and stop at the first that settles the result, as
    GitHub short-circuits: an error in an operand after a settled one never happens, an
    error after an unknown one may or may not (unknown)."""
    if isinstance(node, Group):
        return _truth(node.inner, text, context)
    if isinstance(node, Not):
        inner = _truth(node.operand, text, context)
        return None if inner is None else not inner
    if isinstance(node, Logical):
        settles = node.op == "||"  # the truth that decides: true for ||, false for &&
        undecided = False
        for operand in node.operands:
            try:
                truth = _truth(operand, text, context)
            except (ExpressionError, CachekitError):
                if undecided:
                    return None
                raise
            if truth is settles:
                return settles
            undecided = undecided or truth is None
        return None if undecided else not settles
    return truthiness(evaluate_node(node, text, context))


def _order(wf: Workflow) -> list[str]:
    done: list[str] = []
    seen: set[str] = set()

    def visit(job: str, stack: tuple[str, ...]) -> None:
        if job in seen or job in stack or job not in wf.jobs:
            return
        for dep in wf.jobs[job].needs:
            visit(dep, (*stack, job))
        seen.add(job)
        done.append(job)

    for job in wf.jobs:
        visit(job, ())
    return done


def _ancestors(wf: Workflow, job: str) -> set[str]:
    out: set[str] = set()
    todo = list(wf.jobs[job].needs)
    while todo:
        dep = todo.pop()
        if dep in out or dep not in wf.jobs:
            continue
        out.add(dep)
        todo.extend(wf.jobs[dep].needs)
    return out


def job_verdicts(wf: Workflow, run: RunContext) -> dict[str, ConditionResult]:
    """Every job's verdict, in ``needs`` order (a skipped job skips its dependants unless
    their condition says otherwise)."""
    github = run.github()
    out: dict[str, ConditionResult] = {}
    for job_id in _order(wf):
        job = wf.jobs[job_id]
        results = {
            dep: "skipped" if out[dep].verdict == "skip" else "success"
            for dep in job.needs
            if dep in out
        }
        skipped_before = any(out[a].verdict == "skip" for a in _ancestors(wf, job_id) if a in out)
        needs = {
            dep: {"result": results[dep], "outputs": Unknown(f"needs.{dep}.outputs", "outputs")}
            for dep in results
        }
        contexts = {
            "github": github,
            "needs": needs,
            "vars": Unknown("vars", "repository variables"),
            "inputs": Unknown("inputs", "the workflow's inputs"),
        }
        out[job_id] = evaluate_if(
            job.raw.get("if"), contexts, "skipped" if skipped_before else "success"
        )
    return out


def step_verdict(raw: Any, contexts: Mapping[str, Any]) -> ConditionResult:
    """A step's ``if:``; a condition on a cache step's ``cache-hit`` becomes a guard."""
    if raw is None:
        return _RUN
    text = _text(raw) or ""
    ids = {a or b for a, b in _CACHE_HIT.findall(text)}
    if len(ids) == 1:
        step_id = ids.pop()
        known = contexts.get("steps")
        steps = dict(known) if isinstance(known, Mapping) else {}
        when: set[str] = set()
        verdicts: set[Verdict] = set()
        for value in CACHE_HIT_VALUES:
            steps[step_id] = {
                "outputs": {"cache-hit": value},
                "outcome": "success",
                "conclusion": "success",
            }
            result = evaluate_if(raw, {**contexts, "steps": steps}, "success")
            verdicts.add(result.verdict)
            if result.verdict == "run":
                when.add(value)
        if verdicts <= {"run", "skip"} and len(verdicts) == 2:
            return ConditionResult(
                "run",
                text,
                "runs for cache-hit " + ", ".join(repr(v) for v in sorted(when)),
                CacheHitGuard(step_id, frozenset(when)),
            )
        if len(verdicts) == 1 and verdicts != {"unknown"}:
            return ConditionResult(verdicts.pop(), text, f"if: {text}")
    return evaluate_if(raw, contexts, "success")
