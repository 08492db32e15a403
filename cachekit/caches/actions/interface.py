"""The one interface every caching action implements, and what a platform hands it.

A CI platform's walker (:mod:`cachekit.github.walk`) finds a step that uses an action, looks the
action up in :mod:`cachekit.caches.actions.registry`, evaluates the step's inputs in its own
expression language, and hands them over as a :class:`StepCall`. The action's module answers
four questions, none of which names the platform:

* :meth:`CachingAction.enabled` — is the cache on for these inputs (asked even when the runner
  is unknown, so explain can say "a cache is here, its key needs the runner");
* :meth:`CachingAction.specs` — the caches (:class:`~cachekit.caches.model.CacheSpec`) the
  step restores and saves, release by release;
* :meth:`CachingAction.exports` — the environment variables and outputs the step leaves for
  later steps (setup-python's ``pythonLocation``);
* :attr:`CachingAction.log_patterns` — the lines the action prints about its cache, in the
  vocabulary of :mod:`cachekit.evidence.messages` (``restored_from``, ``not_found_pm``…),
  for the audit of real runs.

Adding an action is one module with one subclass, one line in the registry, its release data
in ``cachekit/data/action-releases.json`` (``scripts/update_action_releases.py``) and tests.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..model import CacheSpec, KeyTemplate, RunnerEnv
from ..pythons import Manifest
from ..releases import ResolvedRef, resolve_ref
from ._common import HashFn

__all__ = ["CachingAction", "Exports", "LogPattern", "StepCall", "TextReader"]

TextReader = Callable[[str], "str | None"]
"""``read_text(path)``: a workspace file's text, ``None`` when it does not exist."""

LogPattern = tuple[str, str]
"""``(kind, regex)``: a line the action prints, as :mod:`cachekit.evidence.messages` reads it."""


@dataclass(frozen=True)
class StepCall:
    """One step that uses a caching action, as the platform hands it over.

    ``action`` is ``owner/repo[/path]`` as written (case kept), ``ref`` what follows ``@``.
    ``inputs`` are the ``with:`` values after evaluation: text for ordinary inputs, a
    :class:`KeyTemplate` for the inputs the action lists in
    :attr:`CachingAction.template_inputs` (each part with its provenance). ``runner`` is
    ``None`` when the runner cannot be identified (``runner_source`` says why). ``hash_files``
    hashes workspace files as the action's ``@actions/glob`` does and raises
    :class:`~cachekit.errors.HashFilesError` when that fails; ``read_text`` reads a workspace
    file; ``match_files`` lists the workspace files patterns match (for actions that hash
    files in ways ``hashFiles`` does not, so explain can still name them). ``env`` is the
    step's environment as far as it is known (values may be
    :class:`~cachekit.expressions.Unknown`). ``where`` names the step for provenance
    (``actions/setup-python@v5 (ci.yml:12:9)``). ``job`` is the job's id as the run sees it
    (``GITHUB_JOB``), ``workflow`` the workflow's name, ``event``/``run_ref`` what triggered the
    run (some actions decide from them whether to cache at all).
    """

    action: str
    ref: str
    inputs: Mapping[str, str | KeyTemplate]
    runner: RunnerEnv | None
    runner_source: str
    hash_files: HashFn
    read_text: TextReader
    where: str
    env: Mapping[str, Any] = field(default_factory=dict)
    manifest: Manifest | None = None
    match_files: Callable[[list[str]], list[str]] = lambda _patterns: []
    job: str = ""
    workflow: str = ""
    event: str = "push"
    run_ref: str = "refs/heads/main"

    def text(self, name: str) -> str:
        """An ordinary input as the action's ``core.getInput`` sees it (missing: ``''``)."""
        value = self.inputs.get(name, "")
        return value if isinstance(value, str) else value.render()

    def strings(self) -> dict[str, str]:
        """Every input as text (template inputs rendered)."""
        return {name: self.text(name) for name in self.inputs}

    def with_inputs(self, extra: Mapping[str, str]) -> StepCall:
        """The same call with inputs added or replaced (values an action reads from files)."""
        return StepCall(
            action=self.action,
            ref=self.ref,
            inputs={**self.inputs, **extra},
            runner=self.runner,
            runner_source=self.runner_source,
            hash_files=self.hash_files,
            read_text=self.read_text,
            where=self.where,
            env=self.env,
            manifest=self.manifest,
            match_files=self.match_files,
            job=self.job,
            workflow=self.workflow,
            event=self.event,
            run_ref=self.run_ref,
        )


@dataclass(frozen=True)
class Exports:
    """What a step leaves for later steps: environment variables (with where each comes from,
    for provenance) and step outputs."""

    env: Mapping[str, Any] = field(default_factory=dict)
    env_sources: Mapping[str, str] = field(default_factory=dict)
    outputs: Mapping[str, Any] = field(default_factory=dict)


class CachingAction(abc.ABC):
    """A caching action, modelled release by release (one subclass per action module)."""

    name: ClassVar[str]
    """``owner/repo[/path]`` in lower case (``actions/setup-python``)."""

    repository: ClassVar[str | None] = None
    """The repository whose releases the action follows, as the release data spells it, when
    that is not :attr:`name` (``Swatinem/rust-cache``; ``gradle/actions`` for its
    ``setup-gradle``)."""

    template_inputs: ClassVar[frozenset[str]] = frozenset()
    """Inputs the platform evaluates part by part into a :class:`KeyTemplate` (actions/cache's
    ``key``, ``restore-keys``, ``path``); every other input arrives as text."""

    key_input: ClassVar[str | None] = None
    """The input whose evaluated parts *are* the key (actions/cache: ``key``): explain shows the
    key as written. ``None``: the action builds its key in code, shown from the spec."""

    needs_runner: ClassVar[bool] = True
    """Whether the key or paths are built from the runner (then an unknown runner means the
    cache is reported found but not computable)."""

    log_patterns: ClassVar[tuple[LogPattern, ...]] = ()
    """Lines the action itself prints about its cache (those of ``@actions/cache``, shared by
    every action that bundles it, live in :mod:`cachekit.evidence.messages`)."""

    def matches(self, action: str) -> bool:
        """Whether ``owner/repo[/path]`` (lower case) is this action."""
        return action == self.name

    def resolve(self, call: StepCall) -> ResolvedRef:
        """The release the step's ref runs (raises :class:`~cachekit.caches.ActionError`)."""
        return resolve_ref(self.repository or self.name, call.ref)

    def prepare(self, call: StepCall) -> Mapping[str, str]:
        """Inputs the action reads from the workspace when they are not given (setup-python's
        ``.python-version``); merged into the call before anything else is asked."""
        return {}

    @abc.abstractmethod
    def enabled(self, call: StepCall) -> bool:
        """Whether the step caches anything with these inputs (a default of the release
        counts: setup-go caches unless told not to)."""

    @abc.abstractmethod
    def specs(self, call: StepCall) -> tuple[CacheSpec, ...]:
        """Every cache the step restores and saves (empty when off). Raises
        :class:`~cachekit.caches.ActionError` for a ref or input the action rejects and
        :class:`~cachekit.errors.HashFilesError` when hashing the workspace fails."""

    def exports(self, call: StepCall) -> Exports:
        """What the step exports for later steps (nothing, by default)."""
        return Exports()
