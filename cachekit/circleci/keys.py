"""CircleCI cache key templates, evaluated offline.

From CircleCI's caching documentation (circleci.com/docs/caching/, "Using keys and
templates") — the agent is closed source, so the documentation is the reference:

- ``{{ .Branch }}`` the branch being built; ``{{ .Revision }}`` the commit; ``{{ .BuildNum }}``
  the job number; ``{{ .CheckoutKey }}`` the checkout key; ``{{ .Environment.NAME }}`` an
  environment variable of the job;
- ``{{ checksum "file" }}`` "a base64 encoded SHA256 hash of a given filename's contents"
  (the file as it is when the step runs, relative to the working directory, where
  ``checkout`` put the repository); modelled as the standard alphabet with padding;
- ``{{ epoch }}`` seconds since the Unix epoch; ``{{ arch }}`` "the OS and CPU
  (architecture, family, model) information", e.g. ``linux-amd64-6_85``: unknown offline;
- ``restore_cache`` tries each key in order, each a *prefix*, and restores the most recently
  created matching cache; ``save_cache`` never overwrites an existing key (caches are
  immutable) and caches expire after the retention period (15 days by default) from their
  creation.
"""

from __future__ import annotations

import base64
import hashlib
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import TreeError
from ..explain.model import HashCall, KeyPart
from ..fs.trees import FILE, Tree
from ..hashing.hashfiles import HashedFile
from ..platforms.variables import Var

__all__ = ["KeyEval", "checksum", "evaluate_template"]

_ACTION = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}", re.DOTALL)
_CHECKSUM = re.compile(r"""^checksum\s+(?:"((?:[^"\\]|\\.)*)"|`([^`]*)`)$""")
_VOLATILE = {".Revision": "the commit", ".BuildNum": "the job number", "epoch": "the time"}


def checksum(data: bytes) -> str:
    """``{{ checksum }}``: base64 of the SHA-256 of the bytes."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


@dataclass(frozen=True)
class KeyEval:
    text: str
    parts: tuple[KeyPart, ...]
    known: bool
    volatile: tuple[str, ...]
    files: tuple[str, ...]  # files the checksums read
    failing: tuple[str, ...]  # checksum of a file the checkout does not have


def _relative(path: str, working_directory: str, checkout: str = "") -> str | None:
    """A checksum path as a repository path: relative to the working directory, in which
    ``checkout`` put the repository (at ``checkout: path:``, else the directory itself)."""
    if path.startswith(("/", "~", "$")):
        wd = working_directory.rstrip("/")
        if wd and path.startswith(wd + "/"):
            path = path[len(wd) + 1 :]
        else:
            return None
    rel = posixpath.normpath(path)
    if checkout:
        prefix = posixpath.normpath(checkout)
        if rel == prefix or not rel.startswith(prefix + "/"):
            return None
        rel = rel[len(prefix) + 1 :]
    return None if rel.startswith("..") or rel == "." else rel


def evaluate_template(
    template: str,
    tree: Tree,
    *,
    branch: str,
    revision: str | None,
    environment: Callable[[str], Var | None],
    working_directory: str,
    generated: Callable[[str], str | None],
    checkout: str = "",
) -> KeyEval:
    """Evaluate one key template; unknowns are ``‹name›`` parts, never guesses."""
    parts: list[KeyPart] = []
    known = True
    volatile: list[str] = []
    files: list[str] = []
    failing: list[str] = []
    pos = 0
    for m in _ACTION.finditer(template):
        if m.start() > pos:
            lit = template[pos : m.start()]
            parts.append(KeyPart("literal", lit, lit))
        action = m.group(1).strip()
        text = m.group(0)
        part: KeyPart
        if action == ".Branch":
            part = KeyPart("context", text, branch, source="the branch being built (--ref)")
        elif action in _VOLATILE:
            volatile.append(action)
            value = revision if action == ".Revision" and revision else None
            part = KeyPart(
                "context" if value else "unknown",
                text,
                value or f"‹{action.lstrip('.')}›",
                source=f"{_VOLATILE[action]}: changes every run",
            )
        elif action == "arch":
            part = KeyPart(
                "unknown", text, "‹arch›", source="the machine's OS and CPU, e.g. linux-amd64-6_85"
            )
        elif action == ".CheckoutKey":
            part = KeyPart("unknown", text, "‹CheckoutKey›", source="the project's checkout key")
        elif action.startswith(".Environment."):
            name = action.removeprefix(".Environment.")
            var = environment(name)
            if var is None or var.value is None:
                why = var.source if var else "a project or context variable, else empty"
                part = KeyPart("unknown", text, f"‹{name}›", source=f"{name}: {why}")
            else:
                part = KeyPart("context", text, var.value, source=f"{name}: {var.source}")
            if var is not None and var.volatile:
                volatile.append(name)
        elif (cm := _CHECKSUM.match(action)) is not None:
            raw = cm.group(1) if cm.group(1) is not None else cm.group(2)
            part = _checksum_part(
                text, raw, tree, (working_directory, checkout), generated, files, failing
            )
        else:
            part = KeyPart(
                "unknown", text, f"‹{action}›", source="not a template CircleCI documents"
            )
        if part.kind == "unknown":
            known = False
        parts.append(part)
        pos = m.end()
    if pos < len(template):
        parts.append(KeyPart("literal", template[pos:], template[pos:]))
    text = "".join(p.value for p in parts)
    return KeyEval(text, tuple(parts), known, tuple(volatile), tuple(files), tuple(failing))


def _checksum_part(
    text: str,
    raw: str,
    tree: Tree,
    where: tuple[str, str],
    generated: Callable[[str], str | None],
    files: list[str],
    failing: list[str],
) -> KeyPart:
    rel = _relative(raw, *where)
    made_by = generated(raw)
    if made_by is not None:
        call = HashCall((raw,), False, "circleci-checksum", None, (), f"written by {made_by}")
        return KeyPart(
            "unknown", text, "‹checksum›", source=f"{raw} is written by {made_by}", hash=call
        )
    if rel is None:
        call = HashCall((raw,), False, "circleci-checksum", None, (), "outside the checkout")
        return KeyPart(
            "unknown", text, "‹checksum›", source=f"{raw}: outside the checkout", hash=call
        )
    if tree.stat(rel) != FILE:
        failing.append(raw)
        call = HashCall((raw,), False, "circleci-checksum", None, (), "no such file")
        return KeyPart(
            "unknown",
            text,
            "‹checksum›",
            source=f"{raw}: no such file in the checkout (CircleCI cannot compute the key)",
            hash=call,
        )
    try:
        data = tree.read(rel)
    except TreeError as exc:
        call = HashCall((raw,), False, "circleci-checksum", None, (), str(exc))
        return KeyPart("unknown", text, "‹checksum›", source=str(exc), hash=call)
    value = checksum(data)
    files.append(rel)
    digest = hashlib.sha256(data).hexdigest()
    call = HashCall((raw,), False, "circleci-checksum", value, (HashedFile(rel, digest),))
    return KeyPart("files", text, value, source="base64 of the file's SHA-256", hash=call)
