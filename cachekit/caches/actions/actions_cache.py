"""``actions/cache``, ``actions/cache/restore`` and ``actions/cache/save`` at any reference.

Which inputs exist, how they are parsed and what the step then does changed between releases
(from ``action.yml``, ``restore/action.yml``, ``save/action.yml`` and ``src/`` at each tag):

========  ==========================================================================
v1.x      one ``path`` (``~`` expanded by the action); no cache version at all
v2.0.0    multi-line ``path`` (lines not trimmed); ``@actions/cache`` computes versions
v2.1.0    ``path``/``restore-keys`` lines trimmed
v2.1.2    ``upload-chunk-size``
v3.0.9    a line ``"! x"`` becomes ``"!x"`` before trimming
v3.2.0    ``actions/cache/restore`` and ``actions/cache/save``
v3.2.3    ``enableCrossOsArchive``; the version algorithm that adds ``gzip`` and
          ``windows-only`` (``@actions/cache`` 3.1.2)
v3.2.4    ``fail-on-cache-miss``
v3.3.0    ``lookup-only``
v3.3.2    restore exits 0 even after an error: ``fail-on-cache-miss`` and key errors only log
          (fixed in v4.0.2; never in v3)
v4.0.0    ``save-always`` — its ``post-if`` reads ``github.event.inputs.save-always`` (a
          workflow_dispatch input), so setting the input does nothing; deprecated in v4.1.0
========  ==========================================================================

Releases bundling ``@actions/cache`` < 4.0.0 (below v3.4.0 on v3, below v4.2.0 on v4) used the
legacy cache service and fail on github.com since its retirement in 2025.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ...expressions import Unknown
from ...expressions.values import Secret, Symbolic, make_string
from ..model import (
    ActionError,
    CacheSpec,
    CacheStepKind,
    ContextValue,
    HashFilesComponent,
    KeyTemplate,
    Literal,
    RunnerEnv,
    VersionInputs,
    paths_known,
)
from ..releases import ActionRelease, resolve_ref, toolkit_supported
from ..runners import hosted_runner
from ..version import MAX_KEYS, Compression, cache_version, input_as_bool, validate_key
from .interface import CachingAction, Exports, StepCall

__all__ = ["ActionsCache", "actions_cache_spec", "inputs_of"]

Version = tuple[int, int, int]
InputValue = str | KeyTemplate

_SINCE: dict[str, Version] = {
    "path": (0, 0, 0),
    "key": (0, 0, 0),
    "restore-keys": (0, 0, 0),
    "upload-chunk-size": (2, 1, 2),
    "enableCrossOsArchive": (3, 2, 3),
    "fail-on-cache-miss": (3, 2, 4),
    "lookup-only": (3, 3, 0),
    "save-always": (4, 0, 0),
}
_KIND_INPUTS = {
    CacheStepKind.RESTORE_AND_SAVE: tuple(_SINCE),
    CacheStepKind.RESTORE_ONLY: (
        "path",
        "key",
        "restore-keys",
        "enableCrossOsArchive",
        "fail-on-cache-miss",
        "lookup-only",
    ),
    CacheStepKind.SAVE_ONLY: ("path", "key", "upload-chunk-size", "enableCrossOsArchive"),
}


def inputs_of(release: Version, kind: CacheStepKind) -> tuple[str, ...]:
    """The inputs the ``action.yml`` of that release and kind declares."""
    return tuple(n for n in _KIND_INPUTS[kind] if release >= _SINCE[n])


def _parse_action(action: str) -> tuple[str, CacheStepKind, bool]:
    parts = action.strip("/").split("/")
    if len(parts) not in (2, 3) or parts[1].lower() != "cache":
        raise ActionError(f"{action} is not actions/cache or a fork of it (owner/cache)")
    sub = parts[2].lower() if len(parts) == 3 else ""
    kinds = {
        "": CacheStepKind.RESTORE_AND_SAVE,
        "restore": CacheStepKind.RESTORE_ONLY,
        "save": CacheStepKind.SAVE_ONLY,
    }
    if sub not in kinds:
        raise ActionError(f"{action}: actions/cache has no sub-action {parts[2]!r}")
    return action, kinds[sub], parts[0].lower() != "actions"


def _template(value: InputValue | None) -> KeyTemplate:
    if value is None:
        return KeyTemplate()
    return value if isinstance(value, KeyTemplate) else KeyTemplate.of(value)


@dataclass(frozen=True)
class _Era:
    """How one release behaves where releases differ: the table in the module docstring.

    Each flag holds for the releases in its range of :data:`_ERAS`; the spec below reads the
    flags rather than comparing versions, so a newly found difference is one line there.
    """

    multiline_paths: bool  # v2.0.0: ``path`` is a list of lines (v1: one path)
    sends_version: bool  # v2.0.0: @actions/cache sends a cache version (v1: key alone)
    trims_lines: bool  # v2.1.0: path and restore-keys lines are trimmed
    negation: bool  # v3.0.9: a line "! x" becomes "!x" before trimming
    sub_actions: bool  # v3.2.0: actions/cache/restore and actions/cache/save exist
    version_modelled: bool  # v3.2.3: the version algorithm with gzip and windows-only
    restore_errors_pass: bool  # v3.3.2 to v4.0.2: restore errors are logged, the step passes
    save_always_deprecated: bool  # v4.1.0


_ALWAYS: Version = (1_000_000, 0, 0)
_ERAS: dict[str, tuple[Version, Version]] = {
    "multiline_paths": ((2, 0, 0), _ALWAYS),
    "sends_version": ((2, 0, 0), _ALWAYS),
    "trims_lines": ((2, 1, 0), _ALWAYS),
    "negation": ((3, 0, 9), _ALWAYS),
    "sub_actions": ((3, 2, 0), _ALWAYS),
    "version_modelled": ((3, 2, 3), _ALWAYS),
    "restore_errors_pass": ((3, 3, 2), (4, 0, 2)),
    "save_always_deprecated": ((4, 1, 0), _ALWAYS),
}


def _era(v: Version) -> _Era:
    return _Era(**{name: low <= v < high for name, (low, high) in _ERAS.items()})


def _lines(value: KeyTemplate, era: _Era) -> list[KeyTemplate]:
    if not era.trims_lines:
        return value.multiline(negation=False, trim_lines=False)
    return value.multiline(negation=era.negation, trim_lines=True)


def _key_problems(label: str, key: KeyTemplate) -> list[str]:
    if key.is_known:
        return [f"{label}: {p}" for p in validate_key(key.render()) if "empty" not in p]
    if any(isinstance(c, Literal) and "," in c.text for c in key.components):
        return [f"{label}: the key contains a comma, which keys cannot contain"]
    return []


def _release_notes(
    action: str, ref: str, kind: CacheStepKind, fork: bool, era: _Era, rel: ActionRelease
) -> tuple[list[str], str | None]:
    """What the release itself says (a fork, a missing sub-action, a retired release)."""
    notes: list[str] = []
    if fork:
        notes.append(
            f"{action} is a fork: modelled as actions/cache {rel.tag}; a fork can change anything"
        )
    fails: str | None = None
    if kind is not CacheStepKind.RESTORE_AND_SAVE and not era.sub_actions:
        fails = (
            f"Can't find 'action.yml', 'action.yaml' or 'Dockerfile' for action"
            f" '{action}@{ref}' ({rel.tag} has no sub-actions; they appeared in v3.2.0)"
        )
    if not toolkit_supported(rel) or not era.sends_version:
        notes.append(
            f"actions/cache {rel.tag} is deprecated: it uses the legacy cache service,"
            " retired on github.com in 2025; workflow runs using it fail (upgrade to"
            " v4.2.0+ or v3.4.0+)"
        )
    return notes, fails


def _input_problems(
    key: KeyTemplate,
    restore_keys: tuple[KeyTemplate, ...],
    raw_paths: KeyTemplate,
    kind: CacheStepKind,
) -> list[str]:
    """What the action rejects in these inputs (a missing key or path, bad keys, too many)."""
    problems: list[str] = []
    if not key.components:
        problems.append("Input required and not supplied: key")
    problems += _key_problems("key", key)
    for i, rk in enumerate(restore_keys, 1):
        problems += _key_problems(f"restore key {i}", rk)
    if kind is not CacheStepKind.SAVE_ONLY and 1 + len(restore_keys) > MAX_KEYS:
        problems.append("Key Validation Error: Keys are limited to a maximum of 10.")
    if not raw_paths.components:
        problems.append("Input required and not supplied: path")
    return problems


def _problem_outcome(
    problems: list[str], kind: CacheStepKind, era: _Era, notes: list[str]
) -> str | None:
    """The step's failure for ``problems``, or None when this kind and release only log them."""
    if not problems:
        return None
    if kind is CacheStepKind.SAVE_ONLY:
        notes += [f"save skipped with a warning: {p}" for p in problems]
        return None
    if era.restore_errors_pass:
        notes += [
            f"restore error (logged, but this release exits 0 — the step passes): {p}"
            for p in problems
        ]
        return None
    return "; ".join(problems)


def _cache_version(
    paths: list[str],
    runner: RunnerEnv,
    cross: bool,
    era: _Era,
    rel: ActionRelease,
    notes: list[str],
) -> tuple[VersionInputs | None, str | None]:
    """The cache version the release sends, when it is modelled and the paths are known."""
    if not era.sends_version:
        notes.append("v1 sent no cache version: entries matched on key alone")
        return None, None
    if not (paths and paths_known(paths)):
        return None, None
    if not era.version_modelled:
        notes.append(
            f"{rel.tag}'s @actions/cache ({rel.toolkit}) used an older version"
            " algorithm (no gzip, no windows-only), not modelled"
        )
        return None, None
    comp = Compression.ZSTD_WITHOUT_LONG if runner.zstd else Compression.GZIP
    version_inputs = VersionInputs(tuple(paths), comp.value, runner.windows, cross)
    version = cache_version(
        paths, compression=comp.value, windows=runner.windows, enable_cross_os_archive=cross
    )
    return version_inputs, version


def actions_cache_spec(
    ref: str,
    inputs: Mapping[str, InputValue],
    runner: RunnerEnv,
    *,
    action: str = "actions/cache",
) -> CacheSpec:
    """The cache a step ``uses: {action}@{ref}`` with these ``with:`` inputs works on.

    ``inputs`` holds each input as the runner passes it: a string, or — for values with
    expressions the caller could not evaluate (``key``, ``restore-keys``, even ``path``) — a
    :class:`KeyTemplate`. ``action`` is ``actions/cache``, ``actions/cache/restore``,
    ``actions/cache/save`` or a fork's ``owner/cache[/restore|/save]``.
    """
    action, kind, fork = _parse_action(action)
    resolved = resolve_ref("actions/cache", ref)
    rel: ActionRelease = resolved.release
    v = rel.version
    era = _era(v)
    notes: list[str] = [resolved.note] if resolved.note else []
    release_notes, fails = _release_notes(action, ref, kind, fork, era, rel)
    notes += release_notes

    declared = inputs_of(v, kind)
    unexpected = sorted(n for n in inputs if n not in declared)
    if unexpected:
        notes.append(
            f"Unexpected input(s) {', '.join(repr(n) for n in unexpected)}: the runner"
            f" warns and the action ignores them (valid: {', '.join(declared)})"
        )

    def flag(name: str) -> bool:
        if name not in declared:
            return False
        value = _template(inputs.get(name))
        if not value.is_known:
            notes.append(f"{name} is {value.render()}, not known offline: taken as false")
            return False
        return input_as_bool(value.render())

    key = _template(inputs.get("key")).trim()
    restore_keys = (
        tuple(_lines(_template(inputs.get("restore-keys")), era))
        if "restore-keys" in declared
        else ()
    )
    raw_paths = _template(inputs.get("path")).trim()
    if not era.multiline_paths:
        path_lines = [raw_paths] if raw_paths.components else []
    else:
        path_lines = _lines(raw_paths, era)
    paths = [p.render() for p in path_lines]

    cross = flag("enableCrossOsArchive")
    fail_on_miss = flag("fail-on-cache-miss")
    lookup_only = flag("lookup-only")
    save_always = flag("save-always") if "save-always" in declared else None

    problems = _input_problems(key, restore_keys, raw_paths, kind)
    if fails is None:
        fails = _problem_outcome(problems, kind, era, notes)
    version_inputs, version = _cache_version(paths, runner, cross, era, rel, notes)
    notes += _behaviour_notes(
        kind, era, rel, declared, inputs, runner, cross, save_always, lookup_only, fail_on_miss
    )
    return CacheSpec(
        action=action,
        ref=ref,
        release=rel.tag,
        kind=kind,
        key=key,
        restore_keys=restore_keys if kind is not CacheStepKind.SAVE_ONLY else (),
        paths=tuple(paths),
        version_inputs=version_inputs,
        version=version,
        lookup_only=lookup_only,
        fail_on_cache_miss=fail_on_miss,
        enable_cross_os_archive=cross,
        save_always=save_always,
        fails=fails,
        notes=tuple(notes),
    )


def _behaviour_notes(
    kind: CacheStepKind,
    era: _Era,
    rel: ActionRelease,
    declared: tuple[str, ...],
    inputs: Mapping[str, InputValue],
    runner: RunnerEnv,
    cross: bool,
    save_always: bool | None,
    lookup_only: bool,
    fail_on_miss: bool,
) -> list[str]:
    """What the step does with these inputs that a reader would not guess from them."""
    notes: list[str] = []
    if runner.windows and not cross and kind is not CacheStepKind.SAVE_ONLY:
        notes.append(
            "on Windows the version includes 'windows-only': entries saved on Linux or"
            " macOS never match (set enableCrossOsArchive: true on every side)"
        )
    if "enableCrossOsArchive" not in declared and "enableCrossOsArchive" in inputs:
        notes.append(f"enableCrossOsArchive needs v3.2.3+; {rel.tag} ignores it")
    if save_always is not None and "save-always" in inputs:
        if not era.save_always_deprecated:
            notes.append(
                "save-always does nothing here: post-if is `success() ||"
                " github.event.inputs.save-always`, which reads a workflow_dispatch"
                " input, not this one"
            )
        else:
            notes.append(
                "save-always is deprecated and has no effect; use actions/cache/restore"
                " and actions/cache/save with `if: always()`"
            )
    if lookup_only:
        notes.append("lookup-only: a hit is reported but nothing is downloaded")
    if fail_on_miss:
        notes.append(
            "fail-on-cache-miss fails the step only when no key (primary or restore) matched"
        )
    # (How the post step saves and what cache-hit means hold for every such step: those
    # general facts live in the docs, not in each cache's notes.)
    if kind is CacheStepKind.SAVE_ONLY:
        notes.append(
            "the key and paths are evaluated when this step runs: hashFiles sees the"
            " files as they are then"
        )
    elif kind is CacheStepKind.RESTORE_ONLY:
        notes.append("actions/cache/restore never saves")
    return notes


class ActionsCache(CachingAction):
    """``actions/cache`` and its ``restore``/``save`` halves, or a fork's ``owner/cache``."""

    name = "actions/cache"
    template_inputs = frozenset({"key", "restore-keys", "path"})
    key_input = "key"
    needs_runner = False  # the key is what the workflow writes; only the version needs it

    def matches(self, action: str) -> bool:
        parts = action.split("/")
        return len(parts) >= 2 and parts[1] == "cache" and "/".join(parts[2:]) in _SUBS

    def enabled(self, call: StepCall) -> bool:
        return True

    def specs(self, call: StepCall) -> tuple[CacheSpec, ...]:
        # The key does not depend on the runner beyond the contexts already evaluated; the
        # version does (Windows, zstd), so with an unknown runner it stays unknown.
        runner = call.runner or hosted_runner("ubuntu-24.04")
        spec = actions_cache_spec(call.ref, call.inputs, runner, action=call.action.lower())
        if call.runner is None:
            spec = replace(
                spec,
                version=None,
                version_inputs=None,
                notes=(
                    f"{call.runner_source}: the cache version depends on the runner's OS",
                    *spec.notes,
                ),
            )
        return (spec,)

    def exports(self, call: StepCall) -> Exports:
        """``actions/cache/restore``'s outputs (``src/restoreImpl.ts``). ``cache-primary-key`` is
        the step's key, as far as it is known (a later ``actions/cache/save`` keyed with it —
        the caching-strategies pattern — has the restore step's key, unknown parts and all);
        ``cache-matched-key`` is the key of the entry restored: it starts with what the key and
        every restore key share ('' on a miss); whether it hit is known only at run time."""
        if not call.action.lower().endswith("/restore"):
            return Exports()
        at_run = f"known when {call.where} has run"
        try:
            runner = call.runner or hosted_runner("ubuntu-24.04")
            spec = actions_cache_spec(call.ref, call.inputs, runner, action=call.action.lower())
        except ActionError:
            return Exports()
        primary: Any = key_value(spec.key)
        restores = [key_value(line) for line in spec.restore_keys]
        prefix = _shared_prefix([primary, *restores])
        matched = make_string(
            [prefix, Unknown("cache-matched-key", f"the key of the entry restored ({at_run})")]
        )
        return Exports(
            outputs={
                "cache-primary-key": primary,
                "cache-hit": Unknown("cache-hit", at_run),
                "cache-matched-key": matched,
            }
        )


def key_value(key: KeyTemplate) -> str | Symbolic | Secret:
    """A key template as an expression value: text where known, the unknown parts named (so a
    key read through ``steps.<id>.outputs.cache-primary-key`` renders as the step's own)."""
    parts: list[Any] = []
    for c in key.components:
        if isinstance(c, Literal):
            parts.append(c.text)
        elif isinstance(c, ContextValue):
            parts.append(c.value)
        elif isinstance(c, HashFilesComponent):
            parts.append(c.digest if c.digest is not None else Unknown(c.call, "not computed"))
        else:
            parts.append(Unknown(c.name, c.reason))
    return make_string(parts)


def _shared_prefix(values: list[Any]) -> str:
    """The literal text every value starts with (a prefix-match restores only such keys)."""
    heads = [
        v if isinstance(v, str) else v.prefix() if isinstance(v, Symbolic) else "" for v in values
    ]
    shared = min(heads, key=len) if heads else ""
    while shared and not all(h.startswith(shared) for h in heads):
        shared = shared[:-1]
    return shared


_SUBS = frozenset({"", "restore", "save"})
