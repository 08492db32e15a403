"""The steps as written, for rules that need what explain evaluates away.

explain's :class:`~cachekit.explain.model.StepRecord` has a step's inputs *evaluated* (an
output that is always empty has vanished from the key) and no ``if:``. The rules about step
outputs and ``cache-hit`` guards read the text the author wrote: this finds the
:class:`~cachekit.github.workflows.Step` parsed from the file at a step's line (a workflow or
a local action's ``action.yml``), and the outputs a local action declares. Files are parsed
once per check (the workflow parser also caches by content); an unreadable file gives nothing,
and a rule then says nothing.
"""

from __future__ import annotations

import posixpath
from typing import Any

from ..errors import CachekitError
from ..fs.trees import Tree, leaves_tree
from ..github.workflows import Step, parse_steps, parse_workflow_file
from ..yamlsource import Mark, YamlMap, load_yaml

__all__ = ["StepSource"]


class StepSource:
    """Steps as written, by file and line; local actions' declared outputs, by directory."""

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self._files: dict[str, dict[int, Step]] = {}
        self._outputs: dict[str, frozenset[str] | None] = {}

    def step(self, mark: Mark) -> Step | None:
        """The step whose item starts at ``mark`` (``None`` when the file cannot be read)."""
        steps = self._files.get(mark.path)
        if steps is None:
            steps = self._files[mark.path] = self._read(mark.path)
        return steps.get(mark.line)

    def _read(self, path: str) -> dict[int, Step]:
        found: list[Step] = []
        try:
            if path.startswith(".github/workflows/"):
                workflow = parse_workflow_file(self.tree, path)
                for job in workflow.jobs.values():
                    found.extend(job.steps)
            else:
                doc = load_yaml(self.tree.read(path), path)
                runs = doc.get("runs") if isinstance(doc, YamlMap) else None
                if isinstance(runs, YamlMap):
                    found = parse_steps(runs.get("steps"), runs.mark_of("steps"), [])
        except (CachekitError, OSError):
            return {}
        return {s.mark.line: s for s in found}

    def action_outputs(self, uses: str) -> frozenset[str] | None:
        """The outputs (lower case) a local action's metadata declares; ``None`` if unknown.

        ``uses`` is ``./dir`` as written, relative to the repository root (GitHub resolves a
        local action against the workspace, where the repository is checked out); a path out
        of the repository, or one that is not there (a checkout under another ``path:``), is
        unknown.
        """
        directory = posixpath.normpath(uses.strip().removeprefix("./")).strip("/")
        if directory in self._outputs:
            return self._outputs[directory]
        self._outputs[directory] = out = self._declared(directory)
        return out

    def _declared(self, directory: str) -> frozenset[str] | None:
        if directory.startswith("..") or leaves_tree(self.tree, directory):
            return None
        for name in ("action.yml", "action.yaml"):
            path = f"{directory}/{name}" if directory not in ("", ".") else name
            try:
                if self.tree.stat(path) is None:
                    continue
                doc: Any = load_yaml(self.tree.read(path), path)
            except (CachekitError, OSError):
                return None
            if not isinstance(doc, YamlMap):
                return None
            outputs = doc.get("outputs")
            if outputs is None:
                return frozenset()
            if not isinstance(outputs, YamlMap):
                return None
            return frozenset(str(k).lower() for k in outputs)
        return None
