"""``output-never-set``: a cache input reads a step output that nothing can set (issue #12,
item 7).

``${{ steps.<id>.outputs.<name> }}`` is ``''`` when no earlier step of the same job (or of the
same composite action: a composite's steps see only each other) has that id, or when that step
never sets ``<name>``. A key built from it silently loses a part: every commit, branch or
version the author meant to tell apart shares one entry. What "never sets" means is decided only
where it can be known offline:

* a ``run:`` step that writes outputs (it names ``$GITHUB_OUTPUT`` or ``::set-output``) but
  never ``<name>=`` / ``<name><<DELIM`` (nor a computed name such as ``"$N=…"``, nor a command
  whose own output goes to the file, which may write anything);
* a local action whose ``action.yml`` declares no such output;
* a caching action cachekit models whose ``action.yml`` declares no such output in any release
  (:data:`ACTION_OUTPUTS`, read from each action's repository over its tags).

A remote action cachekit does not model, a Docker action, or a ``run:`` step that does not
write outputs itself (it may call a script that does) are unknown: no finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Final

from ...explain.model import JobRecord, StepRecord
from ...findings import Code
from ..model import CheckFinding, Location
from ..rule import CacheFacts, CheckContext, finding, repository_rule
from ..stepsource import StepSource

__all__ = ["ACTION_OUTPUTS", "output_never_set", "references", "script_sets"]

# The outputs each modelled caching action's action.yml declares, the union over its release
# tags (git show <tag>:action.yml in actions/cache, actions/setup-node, -go, -python, -java,
# -dotnet and Swatinem/rust-cache). actions/cache's main action sets only cache-hit; the
# primary and matched keys are outputs of actions/cache/restore alone (src/stateProvider.ts:
# the main action's StateProvider saves them as state, NullStateProvider sets outputs).
ACTION_OUTPUTS: Final[dict[str, frozenset[str]]] = {
    "actions/cache": frozenset({"cache-hit"}),
    "actions/cache/restore": frozenset({"cache-hit", "cache-matched-key", "cache-primary-key"}),
    "actions/cache/save": frozenset(),
    "actions/setup-node": frozenset(
        {"cache-hit", "cache-matched-key", "cache-primary-key", "node-version"}
    ),
    "actions/setup-go": frozenset({"cache-hit", "go-version"}),
    "actions/setup-python": frozenset({"cache-hit", "python-path", "python-version"}),
    "actions/setup-java": frozenset(
        {"cache-hit", "cache-primary-key", "distribution", "path", "version"}
    ),
    "actions/setup-dotnet": frozenset({"cache-hit", "dotnet-version"}),
    "swatinem/rust-cache": frozenset({"cache-hit"}),
}

_NAME = r"[A-Za-z_][\w-]*"
_REFERENCE: Final = re.compile(
    rf"\bsteps\s*(?:\.\s*({_NAME})|\[\s*'([^']+)'\s*\])\s*\.\s*outputs\s*"
    rf"(?:\.\s*({_NAME})|\[\s*'([^']+)'\s*\])",
    re.IGNORECASE,
)
_WRITES_OUTPUTS: Final = re.compile(r"GITHUB_OUTPUT|::set-output", re.IGNORECASE)
# A name computed at run time: "$N=…", "${N}=…", "$(cmd)=…", "${{ inputs.name }}=…" (the
# runner substitutes it), printf '%s=%s', f"{k}={v}" (a shell's "{name}=…" is no expansion:
# it writes an output named "{name}").
_COMPUTED: Final = re.compile(
    r"(\$\{?\w+\}?|\$\([^)]*\)|\}\}|%s|%\(\w+\)s)\s*(=|<<)"
    r"|\bf[\"'][^\"'\n]*\{[^}]*\}\s*="
)
_CLOSERS: Final = ("}", ")", "done", "fi", "esac")


def references(text: str) -> list[tuple[str, str]]:
    """``(id, name)`` of every ``steps.<id>.outputs.<name>`` in an expression text."""
    return [
        ((m.group(1) or m.group(2)).strip(), (m.group(3) or m.group(4)).strip())
        for m in _REFERENCE.finditer(text)
    ]


def script_sets(script: str, name: str) -> bool | None:
    """Whether a ``run:`` script sets output ``name``: ``None`` when that cannot be known
    (it does not write outputs itself, computes a name, or pipes a command into the file)."""
    if not _WRITES_OUTPUTS.search(script):
        return None
    literal = re.compile(rf"(?<![\w-]){re.escape(name)}\s*(=|<<)", re.IGNORECASE)
    legacy = re.compile(rf"::set-output\s+name={re.escape(name)}::", re.IGNORECASE)
    if literal.search(script) or legacy.search(script):
        return True
    if _COMPUTED.search(script):
        return None
    for line in script.splitlines():
        text = line.strip()
        if "GITHUB_OUTPUT" not in text.upper() or text.startswith(_CLOSERS):
            continue
        if "=" not in text and "<<" not in text:
            return None  # `cmd >> $GITHUB_OUTPUT`, open(os.environ["GITHUB_OUTPUT"]): anything
    return False


def _action(uses: str) -> str:
    return uses.split("@", 1)[0].strip().lower()


def _never_set(
    source: StepSource, scope: Sequence[StepRecord], step_id: str, name: str
) -> str | None:
    """Why ``steps.<step_id>.outputs.<name>`` is always '' before the cache step, or None."""
    matches = [s for s in scope if s.id is not None and s.id.lower() == step_id.lower()]
    if not matches:
        return f"no step with id '{step_id}' runs before this one in the job"
    step = matches[-1]
    where = f"{step.mark.path}:{step.mark.line}"
    if step.uses is None:
        raw = source.step(step.mark)
        script = raw.run if raw is not None and raw.run is not None else (step.run or "")
        if script_sets(script, name) is False:
            return f"the script of step '{step_id}' ({where}) never writes '{name}'"
        return None
    uses = step.uses.strip()
    if uses.startswith("./"):
        declared = source.action_outputs(uses.split("@", 1)[0])
        what = f"the local action {uses}"
    else:
        declared = ACTION_OUTPUTS.get(_action(uses))
        what = uses
    if declared is None or name.lower() in declared:
        return None
    listed = ", ".join(sorted(declared)) or "none"
    return f"{what} (step '{step_id}', {where}) has no output '{name}' (it has: {listed})"


def _scope(job: JobRecord, cache: CacheFacts) -> list[StepRecord]:
    """The steps before the cache step that its expressions can see (same composite)."""
    mark = cache.report.mark
    out: list[StepRecord] = []
    for step in job.steps:
        if step.via != cache.report.via:
            continue
        if (step.mark.path, step.mark.line) == (mark.path, mark.line) and step.uses:
            return out
        out.append(step)
    return out


@repository_rule("output-never-set", Code.OUTPUT_NEVER_SET)
def output_never_set(ctx: CheckContext, caches: Sequence[CacheFacts]) -> Iterator[CheckFinding]:
    """A cache step input that reads a step output no step before it can set."""
    source = StepSource(ctx.tree)
    seen: set[tuple[str, int, str, str]] = set()
    for cache in caches:
        mark = cache.report.mark
        raw = source.step(mark)
        if raw is None:
            continue
        scope = _scope(cache.job, cache)
        for input_name, value in raw.with_.items():
            if not isinstance(value, str):
                continue
            for step_id, name in references(value):
                ident = (mark.path, mark.line, step_id.lower(), name.lower())
                if ident in seen:
                    continue
                why = _never_set(source, scope, step_id, name)
                if why is None:
                    continue
                seen.add(ident)
                yield finding(
                    Code.OUTPUT_NEVER_SET,
                    f"`{input_name}` reads steps.{step_id}.outputs.{name}, which is always '': "
                    f"{why}; that part of the {input_name} is always empty",
                    at=Location(mark.path, mark.line),
                    job=cache.job,
                )
