"""Build small file trees for tests from a compact description.

A spec maps workspace-relative paths to content: ``str``/``bytes`` for a file, ``DIR`` for an
empty directory, ``Link("target")`` for a symbolic link, ``Unreadable("content")`` for a file
without read permission.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Link:
    target: str


@dataclass(frozen=True)
class Unreadable:
    content: str = "secret"


DIR = object()

Spec = dict[str, object]


def build(root: Path, spec: Spec) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for rel, value in spec.items():
        path = root / rel
        if value is DIR:
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(value, Link):
            os.symlink(value.target, path)
        elif isinstance(value, Unreadable):
            path.write_text(value.content)
            path.chmod(0)
        elif isinstance(value, bytes):
            path.write_bytes(value)
        else:
            path.write_text(str(value))
    return root
