"""Write minimal, valid wheels by hand, for resolvers to resolve against without a network.

A wheel here is a zip with ``{name}/__init__.py``, ``{dist}-{version}.dist-info/METADATA``
(Metadata-Version 2.1: Name, Version, Requires-Python, Requires-Dist, Provides-Extra),
``WHEEL`` and ``RECORD`` — what pip and uv read to resolve. Written into a flat directory it
serves as a ``--find-links`` location; :func:`write_simple_index` also lays out a PEP 503
``simple/`` tree over the same files, for the resolvers' ``--index-url file://…`` path, and
:class:`JsonIndex` serves them as a PEP 691 JSON index with upload times on 127.0.0.1.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import os
import re
import threading
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Dist", "JsonIndex", "dist_name", "write_simple_index", "write_wheel", "write_wheels"]

_EPOCH = (2020, 1, 1, 0, 0, 0)  # fixed zip timestamps: the same inputs give the same bytes


@dataclass(frozen=True)
class Dist:
    """One wheel: ``requires`` are Requires-Dist lines (markers allowed), ``extras`` maps an
    extra to its own Requires-Dist lines, ``tag`` is the wheel's compatibility tag."""

    name: str
    version: str
    requires: Sequence[str] = ()
    extras: dict[str, Sequence[str]] = field(default_factory=dict)
    requires_python: str | None = None
    tag: str = "py3-none-any"
    mtime: float | None = None  # set the file's modification time (seconds since the epoch)


def dist_name(name: str) -> str:
    """The distribution part of a wheel's file name (PEP 427 escaping of a PEP 503 name)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def write_wheel(directory: Path, dist: Dist) -> Path:
    """Write ``dist`` as a wheel into ``directory``; return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    base = dist_name(dist.name)
    info = f"{base}-{dist.version}.dist-info"
    meta = ["Metadata-Version: 2.1", f"Name: {dist.name}", f"Version: {dist.version}"]
    if dist.requires_python:
        meta.append(f"Requires-Python: {dist.requires_python}")
    meta += [f"Requires-Dist: {r}" for r in dist.requires]
    for extra, reqs in dist.extras.items():
        meta.append(f"Provides-Extra: {extra}")
        for r in reqs:
            req, sep, marker = r.partition(";")
            cond = f'extra == "{extra}"'
            meta.append(
                f"Requires-Dist: {req.strip()}; ({marker.strip()}) and {cond}"
                if sep
                else f"Requires-Dist: {req.strip()}; {cond}"
            )
    purelib = "true" if dist.tag.endswith("-none-any") else "false"
    files: list[tuple[str, bytes]] = [
        (f"{base}/__init__.py", f'__version__ = "{dist.version}"\n'.encode()),
        (f"{info}/METADATA", ("\n".join(meta) + "\n").encode()),
        (
            f"{info}/WHEEL",
            (
                "Wheel-Version: 1.0\nGenerator: cachekit-tests\n"
                f"Root-Is-Purelib: {purelib}\nTag: {dist.tag}\n"
            ).encode(),
        ),
    ]
    record = [_record_line(p, d) for p, d in files] + [f"{info}/RECORD,,"]
    files.append((f"{info}/RECORD", ("\n".join(record) + "\n").encode()))
    path = directory / f"{base}-{dist.version}-{dist.tag}.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files:
            zf.writestr(zipfile.ZipInfo(name, _EPOCH), data)
    if dist.mtime is not None:
        os.utime(path, (dist.mtime, dist.mtime))
    return path


def write_wheels(directory: Path, dists: Iterable[Dist]) -> list[Path]:
    """Write every dist into ``directory`` (a find-links location)."""
    return [write_wheel(directory, d) for d in dists]


def write_simple_index(root: Path, wheels: Iterable[Path]) -> Path:
    """A PEP 503 ``simple/`` tree under ``root`` linking to ``wheels`` (relative links, with
    sha256 fragments); return the ``simple`` directory, to be used as ``file://…/simple``."""
    simple = root / "simple"
    by_project: dict[str, list[Path]] = {}
    for wheel in wheels:
        project = re.sub(r"[-_.]+", "-", wheel.name.split("-", 1)[0]).lower()
        by_project.setdefault(project, []).append(wheel)
    for project, paths in by_project.items():
        page = simple / project
        page.mkdir(parents=True, exist_ok=True)
        links = []
        for p in sorted(paths):
            digest = hashlib.sha256(p.read_bytes()).hexdigest()
            href = os.path.relpath(p, page).replace(os.sep, "/")
            links.append(f'<a href="{href}#sha256={digest}">{p.name}</a><br/>')
        (page / "index.html").write_text(
            "<!DOCTYPE html><html><body>\n" + "\n".join(links) + "\n</body></html>\n"
        )
    (simple / "index.html").write_text(
        "<!DOCTYPE html><html><body>\n"
        + "\n".join(f'<a href="{p}/">{p}</a><br/>' for p in sorted(by_project))
        + "\n</body></html>\n"
    )
    return simple


class JsonIndex:
    """A PEP 691 JSON simple index over HTTP on 127.0.0.1, with PEP 700 ``upload-time`` per
    file — the one kind of index that lets "exclude newer" / "uploaded prior to" work.

    ``uploads`` maps a wheel's file name to its upload time (RFC 3339); files without one are
    served without the key. Use as a context manager; ``url`` is the ``…/simple`` index URL.
    """

    def __init__(self, wheels: Iterable[Path], uploads: dict[str, str] | None = None) -> None:
        self.wheels = {p.name: p for p in wheels}
        self.uploads = dict(uploads or {})
        self.url = ""
        self._server: Any = None
        self._thread: Any = None

    def _pages(self) -> dict[str, bytes]:
        by_project: dict[str, list[Path]] = {}
        for name, path in self.wheels.items():
            project = re.sub(r"[-_.]+", "-", name.split("-", 1)[0]).lower()
            by_project.setdefault(project, []).append(path)
        pages = {}
        for project, paths in by_project.items():
            files = []
            for p in sorted(paths):
                entry: dict[str, Any] = {
                    "filename": p.name,
                    "url": f"../../files/{p.name}",
                    "hashes": {"sha256": hashlib.sha256(p.read_bytes()).hexdigest()},
                }
                if p.name in self.uploads:
                    entry["upload-time"] = self.uploads[p.name]
                files.append(entry)
            body = {"meta": {"api-version": "1.1"}, "name": project, "files": files}
            pages[project] = json.dumps(body).encode()
        return pages

    def __enter__(self) -> JsonIndex:
        pages = self._pages()
        wheels = self.wheels

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._serve(body=True)

            def do_HEAD(self) -> None:  # uv asks before it reads a wheel
                self._serve(body=False)

            def _serve(self, *, body: bool) -> None:
                parts = [p for p in self.path.split("?", 1)[0].split("/") if p]
                if len(parts) == 2 and parts[0] == "files" and parts[1] in wheels:
                    data, kind = wheels[parts[1]].read_bytes(), "application/octet-stream"
                elif len(parts) == 2 and parts[0] == "simple" and parts[1] in pages:
                    data, kind = pages[parts[1]], "application/vnd.pypi.simple.v1+json"
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if body:
                    self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/simple"
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
