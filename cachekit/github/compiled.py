"""Explain once per workflow, then only re-evaluate what a commit can change.

Across a history most commits leave the workflows, the composite actions and every file the
walker reads (``package.json`` for setup-node, ``.python-version``…) untouched: their caches
differ only in the ``hashFiles`` digests and ``github.sha``. So ``predict`` compiles a commit's
explanation into a *key with holes*: the explanation, plus a record of everything it read —
every tree question outside ``hashFiles`` with its answer, every ``hashFiles`` call with its
digest. For the next commit the record is checked against the new tree (reads compared,
``hashFiles`` recomputed through the tree's walk memo and the blob digest memo) and, when
only digests and the commit changed, the holes are filled: the digests and the sha are
replaced in the keys and their parts. Any other difference — a workflow edited, a file the
walker read changed, a ``hashFiles`` that starts or stops matching files, an error that comes
or goes — compiles the commit afresh. The result is the explanation a full walk gives (the
benchmark checks it commit by commit on sampled histories).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import xxhash

from ..errors import CachekitError, HashFilesError
from ..explain.core import explain_tree
from ..explain.model import (
    CacheReport,
    ExplainResult,
    Finding,
    HashCall,
    JobRecord,
    KeyPart,
    StepRecord,
)
from ..explain.options import Options
from ..expressions import is_known, to_string
from ..findings import Code, Severity
from ..fs.trees import FILE, Listing, Tree
from ..hashing.hashfiles import Flavor, TargetOS, could_change, hash_files
from .walk import Walker
from .workflows import WORKFLOW_DIR, Step, load_workflows

__all__ = ["CompiledExplainer"]

_Read = tuple[str, str, object]  # (operation, path, fingerprint of the answer)
_HashKey = tuple[tuple[str, ...], str, str, bool]  # (args, flavor, os, with submodules)


def _fingerprint(value: object) -> object:
    if isinstance(value, bytes):
        return xxhash.xxh3_128_digest(value)
    if isinstance(value, list):
        return tuple(value)
    return value


def _package_json(data: bytes) -> object:
    """What the walker takes from the root ``package.json``: setup-node's automatic cache
    reads ``packageManager`` and ``devEngines`` and nothing else
    (:func:`cachekit.caches.setup_node.auto_cache_package_manager`). A version bump or a
    new dependency — most commits that touch it — changes no key."""
    try:
        doc = json.loads(data)
    except ValueError:
        return ("invalid",)
    if not isinstance(doc, dict):
        return ("not an object",)
    return json.dumps([doc.get("packageManager"), doc.get("devEngines")], sort_keys=True)


_PROJECTIONS: dict[str, Callable[[bytes], object]] = {"package.json": _package_json}
"""Files the walker reads only part of: the record keeps that part, not the blob."""


def _project(tree: Tree, rel: str) -> object:
    try:
        return _PROJECTIONS[rel](tree.read(rel))
    except CachekitError as exc:
        return ("error", str(exc))


class _TracingTree:
    """A tree that records every question asked of it while ``recording`` is on."""

    def __init__(self, tree: Tree) -> None:
        self._tree = tree
        self.workspace = tree.workspace
        self.reads: list[_Read] = []
        self.seen: set[tuple[str, str]] = set()
        self.recording = True
        commit = getattr(tree, "commit", None)
        if commit is not None:
            self.commit = commit

    def _ask(self, op: str, rel: str, fn: Callable[[str], Any]) -> Any:
        record = self.recording and (op, rel) not in self.seen
        if record and op == "read" and rel in _PROJECTIONS:
            self.seen.add((op, rel))
            record = False
            self.reads.append((rel, rel, _project(self._tree, rel)))
        if record:
            self.seen.add((op, rel))
            if op == "read" and hasattr(self._tree, "object_id"):
                # A blob is its id: the next commit compares ids, never bytes.
                self.reads.append(("object_id", rel, self._tree.object_id(rel)))
        try:
            value = fn(rel)
        except CachekitError as exc:
            if record:
                self.reads.append((op, rel, ("error", str(exc))))
            raise
        if record and not (op == "read" and hasattr(self._tree, "object_id")):
            self.reads.append((op, rel, _fingerprint(value)))
        return value

    def lstat(self, rel: str) -> int | None:
        return self._ask("lstat", rel, self._tree.lstat)  # type: ignore[no-any-return]

    def stat(self, rel: str) -> int | None:
        return self._ask("stat", rel, self._tree.stat)  # type: ignore[no-any-return]

    def listdir(self, rel: str) -> Listing:
        return self._ask("listdir", rel, self._tree.listdir)  # type: ignore[no-any-return]

    def realpath(self, rel: str) -> str:
        return self._ask("realpath", rel, self._tree.realpath)  # type: ignore[no-any-return]

    def read(self, rel: str) -> bytes:
        return self._ask("read", rel, self._tree.read)  # type: ignore[no-any-return]

    def digests(self, rels: Sequence[str]) -> list[Any]:
        return self._tree.digests(rels)

    def dir_id(self, rel: str) -> str | None:
        return self._tree.dir_id(rel)  # type: ignore[attr-defined,no-any-return]

    @property
    def walk_memo(self) -> Any:
        return getattr(self._tree, "walk_memo", None)

    def with_submodules(self) -> Any:
        return self._tree.with_submodules()  # type: ignore[attr-defined]


def tree_of(tree: Any) -> Tree:
    """The tree under a tracing tree."""
    return tree._tree if isinstance(tree, _TracingTree) else tree


def _hash_on(tree: Tree, key: _HashKey) -> HashCall:
    args, flavor, target_os, submodules = key
    if submodules and hasattr(tree, "with_submodules"):
        tree = tree.with_submodules()
    try:
        r = hash_files(tree, list(args), flavor=Flavor(flavor), target_os=TargetOS(target_os))
        return HashCall(r.patterns, r.follow_symbolic_links, flavor, r.digest, r.files)
    except HashFilesError as exc:
        return HashCall(args, False, flavor, None, (), str(exc))


class _RecordingWalker(Walker):
    """The walker, with its ``hashFiles`` calls recorded (and tree reads paused inside), and
    step records cut to what ``predict`` reads."""

    hashes: dict[_HashKey, HashCall]
    owner: CompiledExplainer  # its per-commit memo is shared with the other workflows

    def _hash(
        self, args: tuple[str, ...], flavor: Flavor, target_os: TargetOS = TargetOS.LINUX
    ) -> HashCall:
        if self._foreign is None:
            key = (args, flavor.value, target_os.value, self._submodules)
            call = self.hashes[key] = self.owner.hash(tree_of(self.tree), key)
            return call
        tree = self.tree
        assert isinstance(tree, _TracingTree)
        tree.recording = False
        try:
            return super()._hash(args, flavor, target_os)
        finally:
            tree.recording = True

    def _step_record(
        self, step: Step, scope: Any, contexts: dict[str, Any], caches: range
    ) -> StepRecord:
        """A light record: what ``predict``'s conditions read of a step (its id, the cache
        reports it made, its environment when its ``if:`` reads ``env``), not the evaluated
        script and inputs ``check`` and ``suggest`` need — half the cost of a walk."""
        env: dict[str, str] = {}
        if step.if_ is not None and "env" in str(step.if_):
            env = {str(k): _as_text(v) for k, v in contexts.get("env", {}).items() if is_known(v)}
        return StepRecord(
            index=step.index,
            mark=step.mark,
            label=step.label,
            id=step.id,
            uses=step.uses.raw if step.uses else None,
            with_={},
            run=None,
            shell=None,
            working_directory=None,
            env=env,
            caches=tuple(caches),
            via=scope.via,
        )


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return to_string(value)


@dataclass
class _Compiled:
    options: Options
    result: ExplainResult
    sha: str
    reads: list[_Read]
    hashes: dict[_HashKey, HashCall]
    sha_used: bool = True  # the commit's sha appears in a key, restore key or part


def _mentions(result: ExplainResult, text: str) -> bool:
    """Whether any key text of ``result`` contains ``text`` (most keys never name the sha:
    then no commit has to rewrite them for it)."""
    if not text:
        return False
    for r in result.caches:
        if text in r.key or any(text in k for k in r.restore_keys):
            return True
        if any(text in p.value for p in r.parts):
            return True
    return False


@dataclass
class CompiledExplainer:
    """``explain_tree`` for commit after commit, compiling only when a record breaks.

    Each workflow is compiled on its own (with the reusable workflows and actions it calls):
    a commit that edits one workflow recompiles that one, not every workflow of the
    repository. The workflows are walked in the order a full walk takes them and their
    results concatenated, which is what the full walk returns.
    """

    compiled: dict[Options, list[_Compiled]] = field(default_factory=dict)
    compiles: int = 0
    reuses: int = 0
    # The paths that changed from one commit to another (None: not known cheaply): with it a
    # `hashFiles` whose patterns match none of a commit's changed paths is not walked again.
    changes: Callable[[str, str], Sequence[str] | None] | None = None
    hashes_kept: int = 0  # hashFiles answers carried over from the previous commit
    _memo_for: object = None
    _memo: dict[_HashKey, HashCall] = field(default_factory=dict)
    _last: dict[_HashKey, tuple[str, HashCall]] = field(default_factory=dict)

    def explain(
        self, tree: Tree, options: Options, *, only: frozenset[str] | None = None
    ) -> ExplainResult:
        """The explanation of ``tree``; with ``only``, of those workflow files alone (the
        ones an event starts: the others' caches would be dropped anyway)."""
        workflows, problems = load_workflows(tree, only=options.workflow)
        called = {
            job.uses.path
            for wf in workflows
            for job in wf.jobs.values()
            if job.uses is not None and job.uses.kind == "local"
        }
        found = [
            Finding(Code.WORKFLOW_PROBLEM, Severity.WARNING, p.message, p.mark) for p in problems
        ]
        caches: list[CacheReport] = []
        jobs: list[JobRecord] = []
        for wf in workflows:
            if set(wf.on) == {"workflow_call"} and wf.path in called:
                continue  # explained through its callers, as the full walk does
            if only is not None and wf.path not in only:
                continue
            one = self._one(tree, replace(options, workflow=wf.path))
            caches.extend(one.caches)
            jobs.extend(one.jobs)
            found.extend(p for p in one.problems if p not in found)
        commit = getattr(tree, "commit", None)
        return ExplainResult(
            root=tree.workspace,
            revision=commit if isinstance(commit, str) else None,
            caches=tuple(caches),
            problems=tuple(found),
            jobs=tuple(jobs),
        )

    def _hashes_of(self, tree: Tree) -> dict[_HashKey, HashCall]:
        """``hashFiles`` results of this tree, shared by every workflow's fill (workflows
        and matrix legs on one OS ask the same questions)."""
        ident = getattr(tree, "commit", None) or id(tree)
        if self._memo_for != ident:
            self._memo_for, self._memo = ident, {}
        return self._memo

    def hash(self, tree: Tree, key: _HashKey) -> HashCall:
        """``hashFiles`` on ``tree``: this commit's answer if asked before, the previous
        commit's if nothing it changed can change it, else computed."""
        memo = self._hashes_of(tree)
        call = memo.get(key)
        if call is None:
            kept = self._unchanged(tree, key)
            self.hashes_kept += kept is not None
            call = memo[key] = kept or _hash_on(tree, key)
            self.remember(tree, key, call)
        return call

    def remember(self, tree: Tree, key: _HashKey, call: HashCall) -> None:
        commit = getattr(tree, "commit", None)
        if isinstance(commit, str):
            self._last[key] = (commit, call)

    def _unchanged(self, tree: Tree, key: _HashKey) -> HashCall | None:
        """The last commit's result for ``key`` when this commit changed no path its patterns
        match and none of its files is a link (a link's target could have changed)."""
        last = self._last.get(key)
        commit = getattr(tree, "commit", None)
        args, flavor, target_os, submodules = key
        if last is None or self.changes is None or submodules or not isinstance(commit, str):
            return None
        before, call = last
        if call.digest is None or call.error:
            return None
        changed = self.changes(before, commit)
        if changed is None or could_change(
            tree.workspace, args, changed, flavor=Flavor(flavor), target_os=TargetOS(target_os)
        ):
            return None
        try:
            if any(tree.lstat(f.path) != FILE for f in call.files):
                return None
        except CachekitError:
            return None
        return call

    def _one(self, tree: Tree, options: Options) -> ExplainResult:
        key = replace(options, commit=None)
        entries = self.compiled.setdefault(key, [])
        for entry in entries:
            filled = _fill(entry, tree, options, self.hash)
            if filled is not None:
                self.reuses += 1
                return filled
        return self._compile(tree, options, entries)

    def _compile(self, tree: Tree, options: Options, entries: list[_Compiled]) -> ExplainResult:
        self.compiles += 1
        tracing = _TracingTree(tree)
        hashes: dict[_HashKey, HashCall] = {}

        def walker(t: Tree, o: Options) -> Walker:
            w = _RecordingWalker(t, o)
            w.hashes, w.owner = hashes, self
            return w

        result = explain_tree(tracing, options, walker_factory=walker)
        # Which workflows exist is settled by the caller: an added file breaks no record.
        reads = [r for r in tracing.reads if r[1] != WORKFLOW_DIR]
        sha = options.commit or ""
        entries.insert(0, _Compiled(options, result, sha, reads, hashes, _mentions(result, sha)))
        del entries[4:]
        return result


def _reads_hold(tree: Tree, reads: list[_Read]) -> bool:
    for op, rel, expected in reads:
        if op in _PROJECTIONS:
            if _project(tree, rel) != expected:
                return False
            continue
        try:
            value: object = _fingerprint(getattr(tree, op)(rel))
        except CachekitError as exc:
            value = ("error", str(exc))
        if value != expected:
            return False
    return True


def _fill(
    entry: _Compiled, tree: Tree, options: Options, hash_of: Callable[[Tree, _HashKey], HashCall]
) -> ExplainResult | None:
    """The compiled explanation with this commit's digests and sha, or None if it no longer
    holds for ``tree``."""
    if not _reads_hold(tree, entry.reads):
        return None
    swaps: dict[str, str] = {}
    calls: dict[str, HashCall] = {}
    for key, old in entry.hashes.items():
        new = hash_of(tree, key)
        if (old.error, bool(old.digest)) != (new.error, bool(new.digest)):
            return None  # starts or stops failing or matching: the walk may go another way
        if old.digest and new.digest and old.digest != new.digest:
            if swaps.get(old.digest, new.digest) != new.digest:
                return None  # one old digest, two new ones: the text swap is ambiguous
            swaps[old.digest] = new.digest
        if old.digest and new != old:
            calls[old.digest] = new
    sha = options.commit or ""
    if entry.sha_used and entry.sha and sha and entry.sha != sha:
        swaps[entry.sha] = sha
    revision = sha or entry.result.revision
    if not swaps and not calls:
        if revision == entry.result.revision:
            return entry.result
        return replace(entry.result, revision=revision)
    caches = tuple(_filled(r, swaps, calls) for r in entry.result.caches)
    return replace(entry.result, caches=caches, revision=revision)


def _swap(text: str, swaps: dict[str, str]) -> str:
    for old, new in swaps.items():
        if old in text:
            text = text.replace(old, new)
    return text


def _filled(report: CacheReport, swaps: dict[str, str], calls: dict[str, HashCall]) -> CacheReport:
    """``report`` with the new digests and sha; the same object when none of them is in it
    (the common case: a commit changes a few of a repository's keys, not all)."""
    parts: list[KeyPart] = []
    touched = False
    for part in report.parts:
        if part.hash is not None and part.hash.digest in calls:
            new = calls[part.hash.digest]
            call = replace(new, patterns=part.hash.patterns, follow=part.hash.follow)
            part = replace(part, hash=call, value=_swap(part.value, swaps))
            touched = True
        elif swaps:
            value = _swap(part.value, swaps)
            if value != part.value:
                part = replace(part, value=value)
                touched = True
        parts.append(part)
    key = _swap(report.key, swaps)
    restore_keys = tuple(_swap(k, swaps) for k in report.restore_keys)
    if not touched and key == report.key and restore_keys == report.restore_keys:
        return report
    return replace(report, key=key, restore_keys=restore_keys, parts=tuple(parts))
