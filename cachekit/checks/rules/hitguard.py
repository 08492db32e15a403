"""``install-skipped-on-partial-hit``: an install skipped on a ``cache-hit`` that a restore
from an older entry also reports (issue #12, item 13).

``if: steps.<id>.outputs.cache-hit != 'true'`` (or ``!steps.<id>.outputs.cache-hit``,
``== 'false'``…) on the install is right when the action says ``true`` only for the exact key:
a restore-key match reports ``false`` and the install still runs. Which actions do, read from
their sources (the fetched repositories, ``git show HEAD:<file>``):

* actions/cache: ``src/restoreImpl.ts:79`` sets ``cache-hit`` to ``isExactKeyMatch`` — fine,
  also with ``restore-keys`` (the guarded install refreshes a partially restored environment);
* actions/setup-python ``src/cache-distributions/cache-distributor.ts:95`` and actions/setup-java
  ``src/cache.ts:269``: ``matchedKey === primaryKey`` — fine;
* Swatinem/rust-cache ``src/restore.ts:62``: the full-match flag — fine;
* actions/setup-go ``src/cache-restore.ts:41``, actions/setup-dotnet ``src/cache-restore.ts:27``
  and astral-sh/setup-uv ``src/cache/restore-cache.ts:63``: ``Boolean(matchedKey)``, but the
  lookup passes no restore keys, and their primary keys end in a fixed-length hash, so only the
  exact entry can match — fine in practice;
* actions/setup-node ``src/cache-restore.ts:50-64``: ``Boolean(cacheKey)``, and since v3.7.0
  when every project is Yarn 2+ keeping its cache in the project (``enableGlobalCache: false``
  in ``.yarnrc.yml``, ``.yarn/cache`` not committed: ``src/cache-utils.ts:240-266``) the lookup
  passes the restore key ``node-cache-<os>-<arch>-yarn``: any older yarn entry restores and
  ``cache-hit`` is ``true``. The guarded ``yarn install`` is skipped on a cache built from
  another lockfile: this rule's one case.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Sequence
from typing import Final

from ...caches.releases import resolve_ref
from ...errors import CachekitError
from ...explain.model import JobRecord, StepRecord
from ...findings import Code
from ...fs.trees import DIR, Tree
from ..model import CheckFinding, Location
from ..rule import CacheFacts, CheckContext, finding, repository_rule
from ..stepsource import StepSource

__all__ = ["guarded_ids", "partial_hit_guard", "yarn_berry_local"]

_HIT = r"steps\s*\.\s*([A-Za-z_][\w-]*)\s*\.\s*outputs\s*(?:\.\s*cache-hit|\[\s*'cache-hit'\s*\])"
_SKIPS_ON_HIT: Final = (
    re.compile(rf"{_HIT}\s*!=\s*'?true'?", re.IGNORECASE),
    re.compile(rf"{_HIT}\s*==\s*'?false'?", re.IGNORECASE),
    re.compile(rf"!\s*{_HIT}(?!\s*[!=]=)", re.IGNORECASE),
)
_YARN_INSTALL: Final = re.compile(r"\byarn(\s+install\b|\s*$|\s+--)", re.IGNORECASE | re.MULTILINE)
_LOCAL_CACHE: Final = re.compile(r"^\s*enableGlobalCache\s*:\s*['\"]?false\b", re.MULTILINE)
_FIRST_WITH_PREFIX: Final = (3, 7, 0)  # setup-node v3.7.0 added the yarn restore key


def guarded_ids(condition: str) -> list[str]:
    """The step ids whose ``cache-hit`` being true makes ``condition`` skip its step."""
    return [m.group(1) for pattern in _SKIPS_ON_HIT for m in pattern.finditer(condition)]


def yarn_berry_local(tree: Tree, directories: Sequence[str]) -> bool:
    """Whether every project directory keeps Yarn 2+'s cache in the project (setup-node's
    ``repoHasYarnBerryManagedDependencies``): a ``.yarnrc.yml`` with ``enableGlobalCache:
    false`` and no committed ``.yarn/cache``."""
    for directory in directories or [""]:
        rc = posixpath.join(directory, ".yarnrc.yml")
        try:
            if tree.stat(posixpath.join(directory, ".yarn/cache")) == DIR or tree.stat(rc) is None:
                return False
            text = tree.read(rc).decode("utf-8", "replace")
        except (CachekitError, OSError):
            return False
        if not _LOCAL_CACHE.search(text):
            return False
    return True


def _prefix_restoring_setup_node(tree: Tree, step: StepRecord) -> bool:
    uses = (step.uses or "").strip()
    action, _, ref = uses.partition("@")
    if action.lower() != "actions/setup-node" or step.with_.get("cache", "").strip() != "yarn":
        return False
    try:
        version = resolve_ref("actions/setup-node", ref).release.version
    except CachekitError:
        return False
    if version < _FIRST_WITH_PREFIX:
        return False
    paths = [p.strip() for p in step.with_.get("cache-dependency-path", "").splitlines()]
    dirs = sorted({posixpath.dirname(p) for p in paths if p and not any(c in p for c in "*?[")})
    if any(any(c in p for c in "*?[") for p in paths):
        return False  # globbed project directories: not resolved here
    return yarn_berry_local(tree, dirs)


def _job_findings(ctx: CheckContext, source: StepSource, job: JobRecord) -> Iterator[CheckFinding]:
    for position, step in enumerate(job.steps):
        if not step.run or not _YARN_INSTALL.search(step.run):
            continue
        raw = source.step(step.mark)
        condition = raw.if_ if raw is not None else None
        if not isinstance(condition, str):
            continue
        earlier = {
            s.id.lower(): s for s in job.steps[:position] if s.via == step.via and s.id
        }  # the last step with an id wins
        for step_id in guarded_ids(condition):
            target = earlier.get(step_id.lower())
            if target is None or not _prefix_restoring_setup_node(ctx.tree, target):
                continue
            yield finding(
                Code.INSTALL_SKIPPED_ON_PARTIAL_HIT,
                f"this install is skipped when steps.{step_id}.outputs.cache-hit is true, and "
                f"{target.uses} with Yarn 2+ keeping its cache in the project restores any "
                "older yarn entry by prefix and still reports true: the job runs on a cache "
                "built from another lockfile",
                at=Location(step.mark.path, step.mark.line),
                job=job,
                related=[Location(target.mark.path, target.mark.line, "the setup-node step")],
            )


@repository_rule("install-skipped-on-partial-hit", Code.INSTALL_SKIPPED_ON_PARTIAL_HIT)
def partial_hit_guard(ctx: CheckContext, caches: Sequence[CacheFacts]) -> Iterator[CheckFinding]:
    """Installs guarded on a cache-hit that a prefix restore also sets."""
    source = StepSource(ctx.tree)
    for job in ctx.explained.jobs:
        yield from _job_findings(ctx, source, job)
