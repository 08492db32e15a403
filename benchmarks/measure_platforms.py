"""Count caches in fetched repositories two ways: cachekit, and an independent PyYAML reading
(its own include/extends/default/matrix/commands/templates handling), per platform present
(GitLab CI, CircleCI, Azure Pipelines); orb caches (CircleCI) are counted apart, since only
cachekit recognises them.

    python benchmarks/measure_platforms.py /work/.mirror/owner+name/repo ...

Each argument is a git directory (a bare mirror is fine): its HEAD is read, never checked out.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from typing import Any

import yaml

from cachekit.azure import explain_azure
from cachekit.circleci import explain_circleci
from cachekit.fs.gitrepo import GitRepo
from cachekit.fs.gittree import CommitTree
from cachekit.fs.overlay import OverlayTree
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
    """PyYAML, letting an anchor be defined again (hugo's CircleCI configuration does)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if not self.check_event(yaml.AliasEvent):
            self.anchors.pop(self.peek_event().anchor, None)
        return super().compose_node(parent, index)


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


def _circle_steps(doc: dict[str, Any], steps: Any, depth: int = 0) -> int:
    commands = doc.get("commands") or {}
    n = 0
    for step in steps if isinstance(steps, list) else []:
        name = (
            step
            if isinstance(step, str)
            else next(iter(step), "")
            if isinstance(step, dict)
            else ""
        )
        if name in ("save_cache", "restore_cache"):
            n += 1
        elif name in commands and depth < 10 and isinstance(commands[name], dict):
            n += _circle_steps(doc, commands[name].get("steps"), depth + 1)
    return n


def independent_circleci(git_dir: str) -> int:
    doc = _show(git_dir, ".circleci/config.yml")
    if not isinstance(doc, dict):
        return 0
    jobs = doc.get("jobs") or {}
    entries: list[tuple[str, Any]] = []
    workflows = doc.get("workflows")
    if isinstance(workflows, dict):
        for wf in workflows.values():
            for e in (wf.get("jobs") or []) if isinstance(wf, dict) else []:
                if isinstance(e, str):
                    entries.append((e, {}))
                elif isinstance(e, dict):
                    name, settings = next(iter(e.items()))
                    entries.append((name, settings or {}))
    else:
        entries = [(n, {}) for n in jobs]
    total = 0
    for name, settings in entries:
        body = jobs.get(name)
        if not isinstance(body, dict):
            continue
        combos = 1
        params = (
            ((settings.get("matrix") or {}).get("parameters") or {})
            if isinstance(settings, dict)
            else {}
        )
        for v in params.values():
            combos *= len(v) if isinstance(v, list) else 1
        total += _circle_steps(doc, body.get("steps")) * combos
    return total


def _azure_steps(git_dir: str, steps: Any, base: str, depth: int = 0) -> int:
    n = 0
    for step in steps if isinstance(steps, list) else []:
        if not isinstance(step, dict):
            continue
        task = str(step.get("task", ""))
        if task.split("@", maxsplit=1)[0] in ("Cache", "CacheBeta"):
            n += 1
        elif "template" in step and "@" not in str(step["template"]) and depth < 10:
            path = str(step["template"]).lstrip("/")
            path = (
                path
                if str(step["template"]).startswith("/")
                else (f"{base.rsplit('/', 1)[0]}/{path}" if "/" in base else path)
            )
            doc = _show(git_dir, path)
            if isinstance(doc, dict):
                n += _azure_steps(git_dir, doc.get("steps"), path, depth + 1)
    return n


def independent_azure(git_dir: str, path: str) -> int:
    doc = _show(git_dir, path)
    if not isinstance(doc, dict):
        return 0
    stages = doc.get("stages") or [{"jobs": doc.get("jobs") or [{"steps": doc.get("steps")}]}]
    total = 0
    for stage in stages:
        for job in (stage.get("jobs") or []) if isinstance(stage, dict) else []:
            if not isinstance(job, dict) or "template" in job:
                continue
            matrix = (
                (job.get("strategy") or {}).get("matrix")
                if isinstance(job.get("strategy"), dict)
                else None
            )
            legs = len(matrix) if isinstance(matrix, dict) and matrix else 1
            total += _azure_steps(git_dir, job.get("steps"), path) * legs
    return total


def _files(git_dir: str) -> set[str]:
    out = subprocess.run(
        ["git", "--git-dir", git_dir, "ls-tree", "--name-only", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    sub = subprocess.run(
        ["git", "--git-dir", git_dir, "ls-tree", "--name-only", "HEAD:.circleci"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    return set(out) | {f".circleci/{f}" for f in sub}


def main(argv: list[str]) -> int:
    print(
        f"{'repository':<36} {'platform':<9} {'cachekit':>8} {'pyyaml':>7} {'orb':>4} "
        f"{'jobs':>5} {'problems':>8}"
    )
    for arg in argv:
        if "::" in arg:  # a pipeline kept elsewhere in the repository, read as the root one
            git_dir, path = arg.split("::", 1)
            with GitRepo(git_dir) as repo:
                text = subprocess.run(
                    ["git", "--git-dir", git_dir, "show", f"HEAD:{path}"],
                    capture_output=True,
                    check=True,
                ).stdout
                tree = OverlayTree(CommitTree(repo, "HEAD"), {"azure-pipelines.yml": text})
                r = explain_azure(tree)
            theirs = independent_azure(git_dir, path)
            print(
                f"{path[-36:]:<36} {'azure':<9} {len(r.caches):>8} {theirs:>7} {0:>4} "
                f"{len(r.jobs):>5} {len(r.problems):>8}"
            )
            continue
        git_dir = arg
        name = git_dir.rstrip("/").split("/")[-2]
        files = _files(git_dir)
        with GitRepo(git_dir) as repo:
            tree = CommitTree(repo, "HEAD")
            rows = []
            if ".gitlab-ci.yml" in files:
                r = explain_gitlab(tree)
                rows.append(("gitlab", r, len(r.caches), independent(git_dir), 0))
            if ".circleci/config.yml" in files:
                r = explain_circleci(tree)
                orb = sum(1 for c in r.caches if c.uses.startswith("orb:"))
                rows.append(
                    ("circleci", r, len(r.caches) - orb, independent_circleci(git_dir), orb)
                )
            if "azure-pipelines.yml" in files:
                r = explain_azure(tree)
                rows.append(
                    (
                        "azure",
                        r,
                        len(r.caches),
                        independent_azure(git_dir, "azure-pipelines.yml"),
                        0,
                    )
                )
        for platform, r, mine, theirs, orb in rows:
            print(
                f"{name:<36} {platform:<9} {mine:>8} {theirs:>7} {orb:>4} {len(r.jobs):>5} "
                f"{len(r.problems):>8}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
