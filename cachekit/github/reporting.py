"""Report building: the neutral records (:mod:`cachekit.explain.model`) a walk produces.

A cache step becomes a :class:`~cachekit.explain.model.CacheReport` whose key is split into
parts, each with where it came from; a job becomes a
:class:`~cachekit.explain.model.JobRecord` and each step a
:class:`~cachekit.explain.model.StepRecord` holding every value a run would see that can be
known offline.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from ..caches import (
    CacheSpec,
    ContextValue,
    HashFilesComponent,
    KeyTemplate,
    Literal,
    UnknownComponent,
)
from ..explain.findings import cache_findings
from ..explain.model import CacheReport, Finding, HashCall, JobRecord, KeyPart, StepRecord
from ..expressions import (
    EvaluationContext,
    Expression,
    Secret,
    Symbolic,
    Unknown,
    is_known,
    to_string,
)
from ..expressions import Literal as TemplateLiteral
from ..findings import Code, Severity
from ..hashing.hashfiles import Flavor
from ..yamlsource import Mark
from .evaluate import _CONTEXT_REF, _HASHFILES_ONLY, Evaluator
from .scope import JobScope
from .workflows import (
    Job,
    Step,
    Workflow,
)

__all__ = ["Reporter"]


class Reporter(Evaluator):
    """The walker layer that turns evaluated steps into records."""

    def _template_parts(
        self, raw: str, ctx: EvaluationContext, scope: JobScope, mark: Mark
    ) -> tuple[KeyTemplate, list[KeyPart]] | None:
        """A ``with:`` value as key components, each expression evaluated on its own."""
        result = self._template(raw, ctx, mark)
        if result is None:
            return None
        components: list[Any] = []
        parts: list[KeyPart] = []
        for part in result.parts:
            if isinstance(part, TemplateLiteral):
                components.append(Literal(part.text))
                parts.append(KeyPart("literal", part.text, part.text))
                continue
            # Evaluate the part alone to learn which hashFiles calls it makes.
            self._calls = []
            self._template("${{ " + part.source + " }}", ctx, mark)
            comps, kp = self._expression_part(part, scope, list(self._calls))
            components.extend(comps)
            parts.append(kp)
        return KeyTemplate.of(*components), parts

    def _expression_part(
        self, part: Expression, scope: JobScope, calls: list[HashCall]
    ) -> tuple[list[Any], KeyPart]:
        src = part.source
        value = part.value
        text = to_string(value)
        if _HASHFILES_ONLY.match(src) and len(calls) == 1 and isinstance(value, str):
            call = calls[0]
            comp = HashFilesComponent(call.patterns, call.follow, Flavor.RUNNER, value)
            return [comp], KeyPart("hashFiles", src, value, hash=call)
        if _HASHFILES_ONLY.match(src) and len(calls) == 1 and calls[0].generated:
            # over what an earlier step creates: known at run time only (not '' nor a failure)
            call = calls[0]
            reason = value.reason if isinstance(value, Unknown) else "created at run time"
            return [UnknownComponent(call.call, reason)], KeyPart("hashFiles", src, text, hash=call)
        if _HASHFILES_ONLY.match(src) and len(calls) == 1 and calls[0].error:
            call = calls[0]
            comp = HashFilesComponent(call.patterns, call.follow, Flavor.RUNNER, None)
            return [comp], KeyPart("hashFiles", src, text, hash=call)
        source = self._provenance(src, scope)
        if isinstance(value, Unknown):
            return (
                [UnknownComponent(value.name, value.reason)],
                KeyPart("unknown", src, text, source=source or value.origin or value.reason),
            )
        if isinstance(value, Symbolic):
            comps: list[Any] = []
            for piece in value.parts:
                if isinstance(piece, str):
                    comps.append(ContextValue(src, piece, source or "expression"))
                else:
                    comps.append(
                        UnknownComponent(
                            getattr(piece, "name", src), getattr(piece, "reason", "secret")
                        )
                    )
            return comps, KeyPart("unknown", src, text, source=source)
        return (
            [ContextValue(src, text, source or "expression")],
            KeyPart("context", src, text, source=source),
        )

    def _provenance(self, src: str, scope: JobScope) -> str | None:
        found = []
        for m in _CONTEXT_REF.finditer(src):
            name = m.group(1).lower() + m.group(2).replace("['", ".").replace("']", "")
            hit = scope.sources.get(name)
            if hit is None:
                lowered = {k.lower(): v for k, v in scope.sources.items()}
                hit = lowered.get(name.lower())
            if hit is None and name.startswith("github."):
                hit = f"--event {self.options.event} --ref {self.options.ref}"
            if hit:
                found.append(f"{name}: {hit}")
        return "; ".join(dict.fromkeys(found)) or None

    @staticmethod
    def _component_part(c: Any) -> KeyPart:
        if isinstance(c, Literal):
            return KeyPart("literal", c.text, c.text)
        if isinstance(c, ContextValue):
            return KeyPart("context", c.name, c.value, source=c.source, assumed=c.assumed)
        if isinstance(c, HashFilesComponent):
            call = HashCall(c.patterns, c.follow, c.flavor.value, c.digest)
            value = c.digest if c.digest is not None else f"‹{c.call}›"
            return KeyPart("hashFiles", c.call, value, hash=call)
        return KeyPart("unknown", c.name, f"‹{c.name}›", source=c.reason)

    def _report(
        self, step: Step, scope: JobScope, spec: CacheSpec, parts: list[KeyPart], template: str
    ) -> None:
        # Attach the files behind every hashFiles part (setup actions hash internally).
        enriched = []
        for part in parts:
            if (
                part.kind == "hashFiles"
                and part.hash is not None
                and not part.hash.files
                and not part.hash.generated
            ):
                flavor = Flavor(part.hash.flavor)
                call = self._hash(part.hash.patterns, flavor, self._target_os)
                hits = self._generated_hits(call.patterns) if part.hash.digest is None else ()
                if hits:  # a setup action hashing what an earlier step creates
                    call = replace(call, digest=None, generated=hits)
                part = replace(part, hash=call)
            enriched.append(part)
        matrix = scope.matrix if isinstance(scope.matrix, dict) else {"*": scope.matrix.render()}
        vi = spec.version_inputs
        report = CacheReport(
            workflow=scope.workflow.path,
            job=scope.job_id,
            matrix=_jsonable(matrix),
            step=step.label,
            step_index=step.index,
            mark=step.mark,
            via=scope.via,
            uses=spec.uses if step.uses is None else step.uses.raw,
            kind=spec.kind.value,
            runner=scope.runner_source,
            key_template=template,
            key=spec.key.render(),
            key_known=spec.key.is_known,
            parts=tuple(enriched),
            restore_keys=tuple(k.render() for k in spec.restore_keys),
            paths=spec.paths,
            version=spec.version,
            version_inputs=None
            if vi is None
            else {
                "paths": list(vi.paths),
                "compression": vi.compression,
                "windows": vi.windows,
                "enableCrossOsArchive": vi.enable_cross_os_archive,
            },
            notes=spec.notes,
            stage=scope.stage,
            lookup_only=spec.lookup_only,
            fail_on_cache_miss=spec.fail_on_cache_miss,
            save_always=bool(spec.save_always),
        )
        findings = cache_findings(report, spec, scope.installs)
        self.reports.append(replace(report, findings=tuple(findings)))

    def _unknown_runner_report(self, step: Step, scope: JobScope, action: str) -> None:
        """A setup action's cache on a runner we cannot identify: found, not computable."""
        assert step.uses is not None
        why = f"{scope.runner_source}; {action}'s key and paths are built from the runner"
        matrix = scope.matrix if isinstance(scope.matrix, dict) else {"*": scope.matrix.render()}
        report = CacheReport(
            workflow=scope.workflow.path,
            job=scope.job_id,
            matrix=_jsonable(matrix),
            step=step.label,
            step_index=step.index,
            mark=step.mark,
            via=scope.via,
            uses=step.uses.raw,
            kind="restore+save",
            runner=scope.runner_source,
            key_template=f"({action}'s built-in key)",
            key="‹runner›",
            key_known=False,
            parts=(KeyPart("unknown", "runner", "‹runner›", source=why),),
            restore_keys=(),
            paths=(),
            version=None,
            version_inputs=None,
        )
        finding = Finding(Code.RUNNER_UNKNOWN, Severity.NOTE, why, step.mark)
        self.reports.append(replace(report, findings=(finding,)))

    def _job_record(
        self, wf: Workflow, job: Job, scope: JobScope, contexts: dict[str, Any]
    ) -> JobRecord:
        runner = scope.runner
        environment = self._value(job.raw.get("environment"), contexts, job.mark)
        if isinstance(environment, Mapping):
            environment = environment.get("name")
        permissions = job.raw.get("permissions", wf.raw.get("permissions"))
        if isinstance(permissions, Mapping):
            perms = {str(k): str(v) for k, v in permissions.items()}
        elif isinstance(permissions, str):
            perms = {"*": permissions}
        else:
            perms = {}
        matrix = scope.matrix if isinstance(scope.matrix, dict) else {"*": scope.matrix.render()}
        job_if = job.raw.get("if")
        mode = job.raw.get("cache-mode", wf.raw.get("cache-mode"))
        return JobRecord(
            workflow=wf.path,
            job=scope.job_id,
            matrix=_jsonable(matrix),
            mark=job.mark,
            events=tuple(wf.on),
            runner=scope.runner_source,
            os=runner.os if runner else None,
            arch=runner.arch if runner and runner.arch_known else None,
            stage=scope.stage,
            steps=tuple(scope.records),
            environment=_text(environment) if environment is not None else None,
            permissions=perms,
            if_=None if job_if is None else str(job_if),
            cache_mode=None if mode is None else _text(self._quiet(mode, contexts)),
            needs=tuple(job.needs),
            tag_push=isinstance(wf.on.get("push"), Mapping)
            and any(k in wf.on["push"] for k in ("tags", "tags-ignore")),
        )

    def _step_record(
        self, step: Step, scope: JobScope, contexts: dict[str, Any], caches: range
    ) -> StepRecord:
        """The step with every value a run would see that can be known offline."""
        with_ = {
            str(k): _text(self._quiet(v, contexts)) for k, v in step.with_.items() if v is not None
        }
        run = None
        if step.run is not None:
            run = self._run_text(step.run, contexts)
        env = {str(k): _text(v) for k, v in contexts.get("env", {}).items() if is_known(v)}
        shell = step.raw.get("shell")
        wd = step.raw.get("working-directory")
        return StepRecord(
            index=step.index,
            mark=step.mark,
            label=step.label,
            id=step.id,
            uses=step.uses.raw if step.uses else None,
            with_=with_,
            run=run,
            shell=str(shell) if shell is not None else scope.shell,
            working_directory=_text(self._quiet(wd, contexts))
            if wd is not None
            else scope.working_directory,
            env=env,
            caches=tuple(caches),
            via=scope.via,
        )

    def _check_hashfiles_placement(self, wf: Workflow) -> None:
        """hashFiles exists only at step level; elsewhere GitHub rejects the workflow."""

        def scan(value: Any, mark: Mark, where: str) -> Iterator[Finding]:
            if isinstance(value, str) and re.search(r"hashFiles\s*\(", value, re.IGNORECASE):
                yield Finding(
                    Code.HASHFILES_OUTSIDE_STEP,
                    Severity.ERROR,
                    f"hashFiles() in {where}: GitHub only allows it in step-level "
                    "keys and rejects the workflow (Unrecognized function: "
                    "'hashFiles')",
                    mark,
                )
            elif isinstance(value, Mapping):
                for k, v in value.items():
                    yield from scan(v, getattr(value, "mark_of", lambda _k: mark)(k), where)
            elif isinstance(value, list):
                for v in value:
                    yield from scan(v, mark, where)

        found = list(scan(wf.env, wf.env.mark, "the workflow env"))
        for job in wf.jobs.values():
            for key in (
                "env",
                "runs-on",
                "if",
                "strategy",
                "outputs",
                "with",
                "concurrency",
                "container",
                "services",
                "name",
                "environment",
            ):
                if key in job.raw:
                    found.extend(scan(job.raw[key], job.raw.mark_of(key), f"job {job.id} {key}"))
        for f in found:
            if f not in self.problems:
                self.problems.append(f)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return to_string(value)


def _template_text(key: KeyTemplate) -> str:
    """A setup action's key template, as text: its literals, and its inputs by name.

    (The action builds the key in code; this is the shape users see in the action's source,
    and it stays the same when only the inputs' values change.)
    """
    out = []
    for c in key.components:
        if isinstance(c, Literal):
            out.append(c.text)
        elif isinstance(c, HashFilesComponent):
            out.append("${{ " + c.call + " }}")
        else:
            out.append("${{ " + c.name + " }}")
    return "".join(out)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (Unknown, Secret, Symbolic)):
        return value.render()
    return value
