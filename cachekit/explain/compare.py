"""``explain --compare A B``: which input changed a cache key, down to the file and line.

Both revisions are explained independently (each from its own tree: a commit, or the working
tree), caches are paired by workflow, job, matrix combination, step and action, and each key
part is compared: a context value that changed, a ``hashFiles`` whose file set changed (files
added, removed, changed — with the changed lines of text files), or a key template edited in
the workflow itself.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from ..encoding import json_spec
from ..errors import CachekitError
from ..fs.gitrepo import GitRepo
from ..fs.gittree import CommitTree
from ..fs.trees import Tree, WorkTree
from .core import explain_tree
from .model import CacheReport, ExplainResult, KeyPart
from .options import Options

__all__ = ["CacheDiff", "Comparison", "FileChange", "PartChange", "compare"]

MAX_LINES = 40


@dataclass(frozen=True)
class FileChange:
    path: str
    status: str  # added | removed | changed
    lines: tuple[str, ...] = ()  # "-old" / "+new" lines of a changed text file


@dataclass(frozen=True)
class PartChange:
    text: str
    before: str | None
    after: str | None
    files: tuple[FileChange, ...] = ()


@dataclass(frozen=True)
class CacheDiff:
    status: str  # same | changed | added | removed
    workflow: str
    job: str
    matrix: dict[str, Any]
    step: str
    line: int
    key_before: str | None
    key_after: str | None
    template_changed: bool
    parts: tuple[PartChange, ...]
    version_changed: bool


@dataclass(frozen=True)
class Comparison:
    before: str
    after: str
    diffs: tuple[CacheDiff, ...] = field(metadata=json_spec(name="caches"))


def _text_lines(tree: Tree, path: str) -> list[str] | None:
    try:
        data = tree.read(path)
    except CachekitError:
        return None
    if b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", "replace").splitlines()


def _file_changes(
    part_a: KeyPart, part_b: KeyPart, tree_a: Tree, tree_b: Tree
) -> tuple[FileChange, ...]:
    files_a = {f.path: f.sha256 for f in (part_a.hash.files if part_a.hash else ())}
    files_b = {f.path: f.sha256 for f in (part_b.hash.files if part_b.hash else ())}
    out: list[FileChange] = []
    for path in sorted(files_a.keys() | files_b.keys()):
        if path not in files_b:
            out.append(FileChange(path, "removed"))
        elif path not in files_a:
            out.append(FileChange(path, "added"))
        elif files_a[path] != files_b[path]:
            old, new = _text_lines(tree_a, path), _text_lines(tree_b, path)
            lines: list[str] = []
            if old is not None and new is not None:
                old_no = new_no = 0
                for line in difflib.unified_diff(old, new, lineterm="", n=0):
                    if line.startswith(("---", "+++")):
                        continue
                    if line.startswith("@@"):
                        m = re.match(r"@@ -(\d+)(?:,\d+)? \+(\d+)", line)
                        if m:
                            old_no, new_no = int(m.group(1)), int(m.group(2))
                        continue
                    if line.startswith("-"):
                        lines.append(f"{old_no}: {line}")
                        old_no += 1
                    elif line.startswith("+"):
                        lines.append(f"{new_no}: {line}")
                        new_no += 1
            if len(lines) > MAX_LINES:
                lines = [*lines[:MAX_LINES], f"… {len(lines) - MAX_LINES} more lines"]
            out.append(FileChange(path, "changed", tuple(lines)))
    return tuple(out)


def _diff(a: CacheReport | None, b: CacheReport | None, tree_a: Tree, tree_b: Tree) -> CacheDiff:
    ref = b or a
    assert ref is not None
    if a is None or b is None:
        return CacheDiff(
            "added" if a is None else "removed",
            ref.workflow,
            ref.job,
            ref.matrix,
            ref.step,
            ref.mark.line,
            a.key if a else None,
            b.key if b else None,
            False,
            (),
            False,
        )
    template_changed = a.key_template.strip() != b.key_template.strip()
    parts: list[PartChange] = []
    pool = list(a.parts)
    for pb in b.parts:
        pa = next((p for p in pool if p.text == pb.text and p.kind == pb.kind), None)
        if pa is not None:
            pool.remove(pa)
        if pa is not None and pa.value == pb.value:
            continue
        files = (
            _file_changes(pa, pb, tree_a, tree_b)
            if pa is not None and pb.kind == "hashFiles"
            else ()
        )
        parts.append(PartChange(pb.text, pa.value if pa else None, pb.value, files))
    for pa in pool:
        parts.append(PartChange(pa.text, pa.value, None))
    changed = a.key != b.key or template_changed or a.version != b.version
    return CacheDiff(
        "changed" if changed else "same",
        b.workflow,
        b.job,
        b.matrix,
        b.step,
        b.mark.line,
        a.key,
        b.key,
        template_changed,
        tuple(parts),
        a.version != b.version,
    )


def compare(
    root: str, before: str, after: str | None = None, options: Options | None = None
) -> Comparison:
    """Explain ``before`` and ``after`` (a revision, or None for the working tree) and diff."""
    options = options or Options()
    repo = GitRepo(root)
    try:
        tree_a = CommitTree(repo, before)
        tree_b: Tree = WorkTree(root) if after is None else CommitTree(repo, after)
        result_a: ExplainResult = explain_tree(
            tree_a, Options(**{**options.__dict__, "commit": tree_a.commit})
        )
        commit_b = getattr(tree_b, "commit", None)
        result_b = explain_tree(tree_b, Options(**{**options.__dict__, "commit": commit_b}))
        by_a = {c.ident: c for c in result_a.caches}
        by_b = {c.ident: c for c in result_b.caches}
        diffs = [
            _diff(by_a.get(k), by_b.get(k), tree_a, tree_b)
            for k in list(by_a) + [k for k in by_b if k not in by_a]
        ]
        label_b = after if after is not None else "working tree"
        return Comparison(before, label_b, tuple(diffs))
    finally:
        repo.close()
