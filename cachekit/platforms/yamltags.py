"""CI configuration YAML for the non-GitHub platforms: the project's safe loader, bounded.

Every platform file is read with :mod:`cachekit.yamlsource`'s loader (YAML 1.2 core scalars,
positions on every node, no object construction). Two additions, both for untrusted input:

- GitLab's ``!reference [.job, key]`` tag becomes a :class:`Reference` value, to be resolved
  by :mod:`cachekit.gitlab.config`; every other tag is ignored (the node is read as plain
  YAML), never constructed.
- An anchor may be defined again (the newest definition wins), as the platforms' parsers
  allow; the document is composed by PyYAML's Python composer for that reason.
- The document is bounded: at most :data:`MAX_BYTES` of text and :data:`MAX_NODES`
  constructed nodes, so aliases that fan out (the "billion laughs") fail with one line
  instead of exhausting memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import yaml

from ..yamlsource import Mark, WorkflowSyntaxError, _Loader

__all__ = ["MAX_BYTES", "MAX_NODES", "Reference", "load_ci_yaml"]

MAX_BYTES: Final = 4 * 1024 * 1024
MAX_NODES: Final = 500_000


@dataclass(frozen=True)
class Reference:
    """GitLab's ``!reference [.job, key, …]``: the value at that path, resolved later."""

    path: tuple[str, ...]
    mark: Mark


class _BoundedLoader(_Loader):
    """The project's loader with a node budget and GitLab's one custom tag."""

    nodes = 0

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise WorkflowSyntaxError(
                f"{self._mark(node)}: more than {MAX_NODES} YAML nodes (aliases that fan out?)"
            )
        if node.tag == "!reference":
            if not isinstance(node, yaml.SequenceNode) or not all(
                isinstance(c, yaml.ScalarNode) for c in node.value
            ):
                raise WorkflowSyntaxError(f"{self._mark(node)}: !reference takes a list of names")
            return Reference(tuple(str(c.value) for c in node.value), self._mark(node))
        return super().construct_object(node, deep=deep)


class _Composer(yaml.SafeLoader):
    """PyYAML's composer, except that an anchor may be defined again (YAML 1.2: an alias
    names the most recent node with that anchor), as GitLab, CircleCI and Azure accept."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.get_event()  # type: ignore[no-untyped-call]
            if event.anchor not in self.anchors:
                raise yaml.composer.ComposerError(
                    None, None, f"found undefined alias {event.anchor!r}", event.start_mark
                )
            return self.anchors[event.anchor]
        event = self.peek_event()  # type: ignore[no-untyped-call]
        anchor = event.anchor
        if anchor is not None:
            self.anchors.pop(anchor, None)  # redefinition: the newest wins
        return super().compose_node(parent, index)


def load_ci_yaml(text: str | bytes, path: str) -> Any:
    """One YAML document with positions, bounded; WorkflowSyntaxError names file:line."""
    if len(text) > MAX_BYTES:
        raise WorkflowSyntaxError(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MiB")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise WorkflowSyntaxError(f"{path}: not UTF-8 ({exc.reason})") from None
    try:  # libyaml composes an order of magnitude faster; it refuses a redefined anchor
        fast = _BoundedLoader(text)
        fast.path = path
        try:
            return _load_with(fast, fast, path)
        finally:
            fast.dispose()
    except _RedefinedAnchor:
        pass
    composer = _Composer(text)
    loader = _BoundedLoader("")
    loader.path = path
    try:
        return _load_with(composer, loader, path)
    finally:
        composer.dispose()
        loader.dispose()


class _RedefinedAnchor(Exception):
    """libyaml refused an anchor defined twice: compose again with :class:`_Composer`."""


def _load_with(composer: Any, loader: _BoundedLoader, path: str) -> Any:
    """Compose with ``composer`` and construct with ``loader``, errors as one line."""
    try:
        node = composer.get_node() if composer.check_node() else None
        if node is None:
            return None
        if composer.check_node():
            # GitLab's header document (``spec: inputs``) then ``---`` and the configuration.
            first = loader.construct_object(node, deep=True)
            node = composer.get_node()
            if (
                node is None
                or not (isinstance(first, dict) and "spec" in first)
                or composer.check_node()
            ):
                raise WorkflowSyntaxError(f"{path}: expected a single document")
        return loader.construct_object(node, deep=True)
    except yaml.composer.ComposerError as exc:
        if "duplicate anchor" in f"{exc.context} {exc.problem}" and composer is loader:
            raise _RedefinedAnchor from None
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}" if mark else path
        raise WorkflowSyntaxError(f"{where}: {exc.problem or exc.context}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}" if mark else path
        raise WorkflowSyntaxError(f"{where}: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise WorkflowSyntaxError(f"{path}: {exc}") from None
    except RecursionError:
        raise WorkflowSyntaxError(f"{path}: nested too deeply") from None
