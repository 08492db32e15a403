"""Count GitLab caches in fetched repositories two ways: cachekit, and an independent PyYAML
reading (its own include/extends/default/matrix handling), and report any difference.

    python benchmarks/measure_platforms.py /work/.mirror/owner+name/repo ...

Each argument is a git directory (a bare mirror is fine): its HEAD is read, never checked out.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from typing import Any

import yaml

from cachekit.fs.gitrepo import GitRepo
from cachekit.fs.gittree import CommitTree
from cachekit.gitlab import explain_gitlab

RESERVED = {
    "default",
    "include",
    "stages",
    "variables",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "types",
    "spec",
}


class _L(yaml.SafeLoader):
    pass


_L.add_constructor("!reference", lambda loader, node: {"__ref__": loader.construct_sequence(node)})


def _show(git_dir: str, path: str) -> Any:
    out = subprocess.run(
        ["git", "--git-dir", git_dir, "show", f"HEAD:{path}"], capture_output=True, check=False
    )
    if out.returncode != 0:
        return None
    docs = list(yaml.load_all(out.stdout, Loader=_L))  # a `spec:` header, then the config
    return docs[-1] if docs else None


def _merge(a: Any, b: Any) -> Any:
    if isinstance(a, dict) and isinstance(b, dict):
        out = dict(a)
        for k, v in b.items():
            out[k] = _merge(out[k], v) if k in out else v
        return out
    return b


def _load(git_dir: str, path: str, seen: set[str]) -> dict[str, Any]:
    doc = _show(git_dir, path)
    if not isinstance(doc, dict):
        return {}
    inc = doc.pop("include", None)
    base: dict[str, Any] = {}
    for item in inc if isinstance(inc, list) else [inc] if inc else []:
        local = (
            item
            if isinstance(item, str) and "://" not in item
            else (item.get("local") if isinstance(item, dict) else None)
        )
        if isinstance(local, str) and "*" not in local and local.lstrip("/") not in seen:
            seen.add(local.lstrip("/"))
            base = _merge(base, _load(git_dir, local.lstrip("/"), seen))
    return _merge(base, doc)


def _deref(doc: dict[str, Any], v: Any, depth: int = 0) -> Any:
    if isinstance(v, dict) and "__ref__" in v and depth < 10:
        cur: Any = doc
        for k in v["__ref__"]:
            cur = cur.get(k) if isinstance(cur, dict) else None
        return _deref(doc, cur, depth + 1)
    return v


def _ext(doc: dict[str, Any], name: str, depth: int = 0) -> dict[str, Any]:
    body = doc.get(name)
    if not isinstance(body, dict) or depth > 11:
        return {}
    parents = body.get("extends")
    merged: dict[str, Any] = {}
    for p in [parents] if isinstance(parents, str) else parents or []:
        merged = _merge(merged, _ext(doc, str(p), depth + 1))
    return _merge(merged, {k: v for k, v in body.items() if k != "extends"})


def independent(git_dir: str) -> int:
    doc = _load(git_dir, ".gitlab-ci.yml", {".gitlab-ci.yml"})
    default = doc.get("default") if isinstance(doc.get("default"), dict) else {}
    default_cache = default.get("cache", doc.get("cache"))
    total = 0
    for name in doc:
        if name in RESERVED or str(name).startswith(".") or not isinstance(doc[name], dict):
            continue
        body = _ext(doc, name)
        if not any(k in body for k in ("script", "trigger", "run")):
            continue
        inherit = body.get("inherit", {}) if isinstance(body.get("inherit"), dict) else {}
        rule = inherit.get("default", True)
        use_default = rule is True or (isinstance(rule, list) and "cache" in rule)
        cache = body.get("cache", default_cache if use_default else None)
        cache = _deref(doc, cache)
        entries = cache if isinstance(cache, list) else [cache]
        n = sum(1 for e in entries[:4] if isinstance(_deref(doc, e), dict) and _deref(doc, e))
        matrix = (body.get("parallel") or {}) if isinstance(body.get("parallel"), dict) else {}
        combos = 0
        for m in matrix.get("matrix") or []:
            if isinstance(m, dict):
                combos += len(
                    list(
                        itertools.product(*[v if isinstance(v, list) else [v] for v in m.values()])
                    )
                )
        total += n * max(combos, 1)
    return total


def main(argv: list[str]) -> int:
    print(f"{'repository':<40} {'cachekit':>8} {'pyyaml':>8} {'jobs':>5} {'problems':>8}")
    for git_dir in argv:
        with GitRepo(git_dir) as repo:
            result = explain_gitlab(CommitTree(repo, "HEAD"))
        name = git_dir.rstrip("/").split("/")[-2]
        print(
            f"{name:<40} {len(result.caches):>8} {independent(git_dir):>8} "
            f"{len(result.jobs):>5} {len(result.problems):>8}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
