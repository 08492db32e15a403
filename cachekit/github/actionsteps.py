"""Action dispatch: a step that uses an action, looked up in the registry of caching actions.

The walker names no action. A caching action (:mod:`cachekit.caches.actions.registry`) gets the
step's inputs evaluated — part by part for the inputs it keeps as key templates — and answers
its caches and what it exports; an action that changes the workspace (``actions/checkout``)
has its handler in :data:`cachekit.github.checkout.WORKSPACE_ACTIONS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from ..caches import (
    ActionError,
    KeyTemplate,
)
from ..caches.actions.interface import CachingAction, StepCall
from ..caches.releases import snapshot_note
from ..errors import HashFilesError
from ..explain.model import Finding, KeyPart
from ..expressions import (
    EvaluationContext,
    to_string,
)
from ..findings import Code, Severity
from ..hashing.hashfiles import Flavor
from .reporting import Reporter, _template_text
from .scope import JobScope
from .workflows import (
    Step,
)

__all__ = ["ActionSteps"]


class ActionSteps(Reporter):
    """The walker layer that runs action steps through the registries."""

    def _match_files(self, patterns: list[str]) -> list[str]:
        call = self._hash(tuple(patterns), Flavor.SETUP_ACTION, self._target_os)
        return [f.path for f in call.files]

    def _cache_action(
        self, step: Step, scope: JobScope, ctx: EvaluationContext, action: CachingAction
    ) -> dict[str, Any]:
        """A step that uses a caching action: its inputs evaluated, its caches reported, and
        what it exports for later steps (the action's module decides all three)."""
        assert step.uses is not None
        inputs: dict[str, str | KeyTemplate] = {}
        key_parts: list[KeyPart] = []
        for name, raw in step.with_.items():
            mark = step.with_.mark_of(name)
            if name in action.template_inputs:
                text = raw if isinstance(raw, str) else ("" if raw is None else to_string(raw))
                built = self._template_parts(text, ctx, scope, mark)
                if built is None:
                    return {}
                inputs[name] = built[0]
                if name == action.key_input:
                    key_parts = built[1]
            else:
                value = self._value(raw, dict(ctx.contexts), mark)
                inputs[name] = (
                    ("true" if value else "false") if isinstance(value, bool) else to_string(value)
                )
        uses = step.uses
        name = f"{uses.owner}/{uses.repo}" + (f"/{uses.path}" if uses.path else "")
        call = StepCall(
            action=name,
            ref=uses.ref,
            inputs=inputs,
            runner=scope.runner,
            runner_source=scope.runner_source,
            hash_files=self._setup_hash,
            read_text=self._read_text,
            where=f"{uses.raw} ({step.mark})",
            env=dict(env) if isinstance(env := ctx.contexts.get("env"), Mapping) else {},
            manifest=self.manifest,
            match_files=self._match_files,
            job=scope.job_id.rsplit("/", 1)[-1],
            workflow=scope.workflow.name,
            event=self.options.event,
            run_ref=self._github()["ref"],
        )
        call = call.with_inputs(action.prepare(call))
        if scope.runner is None and action.needs_runner:
            if action.enabled(call):
                self._unknown_runner_report(step, scope, action.name)
            return {}
        try:
            specs = action.specs(call)
        except HashFilesError as exc:
            if "EUNKNOWABLE" in str(exc):
                # another repository's checkout or a submodule: not a problem of the workflow
                unknowable = Finding(
                    Code.HASHFILES_UNKNOWABLE, Severity.NOTE, f"{uses.raw}: {exc}", step.mark
                )
                if unknowable not in self.problems:
                    self.problems.append(unknowable)
                return {}
            self._problem(step.mark, f"{uses.raw}: {exc}")
            return {}
        except ActionError as exc:
            self._problem(step.mark, str(exc))
            return {}
        note = snapshot_note(f"{action.repository or action.name}@{uses.ref}")
        if note:  # every action's model says it, not only those that add the note themselves
            specs = tuple(
                s if note in s.notes else replace(s, notes=(note, *s.notes)) for s in specs
            )
        for spec in specs:
            if action.key_input is not None:
                template = step.with_.get(action.key_input)
                text = template if isinstance(template, str) else to_string(template)
                self._report(step, scope, spec, key_parts, text)
            else:
                parts = [self._component_part(c) for c in spec.key.components]
                self._report(step, scope, spec, parts, _template_text(spec.key))
        exports = action.exports(call)
        for var, value in exports.env.items():
            scope.env[var] = value
            scope.sources[f"env.{var}"] = exports.env_sources.get(var, f"set by {call.where}")
        return dict(exports.outputs)
