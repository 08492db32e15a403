"""Which jobs decide what a release ships: the publishers and the jobs whose artifacts they read.

A job publishes when it runs a publishing action or command (``twine upload``, ``cargo
publish``, ``pypa/gh-action-pypi-publish`` …). A job the publisher ``needs:`` (directly or
through a gate such as an all-green ``check`` job) builds what it ships only when it hands
files on that the publisher — or a job between that itself feeds the release — downloads:
artifacts are matched by name between ``actions/upload-artifact`` (``name:``, default
``artifact``) and ``actions/download-artifact`` (``name:`` exact, ``pattern:`` a glob, neither:
every artifact of the run). A name only known at run time (``coverage-${{ inputs.x }}``) is
matched as a glob with the unknown part as ``*``; a download this module cannot read
(``artifact-ids:``, ``run-id:``, ``gh run download``, another download action) reads
everything, as before artifact names were compared; so does a feeding job with no download
at all (whatever it ships reaches it some way this module does not see).

The same release pipeline often switches caches off for the run that releases
(``enable-cache: ${{ !startsWith(github.ref, 'refs/tags/') }}``) while the publisher runs only
on tags (``if: startsWith(github.ref, 'refs/tags/')``): :func:`tag_only` tells those
publishers apart, so the rule can ask what the release run itself restores.
"""

from __future__ import annotations

import fnmatch
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

from ..explain.model import JobRecord, StepRecord
from ..expressions import Unknown
from ..github.conditions import RunContext, evaluate_if

__all__ = ["TAG_REF", "downloads", "publishes", "release_jobs", "tag_only", "uploads"]

TAG_REF = "refs/tags/v0.0.0"
"""The ref of a release run, for publishers that only run on tags."""

_PUBLISH_ACTIONS = (
    "pypa/gh-action-pypi-publish",
    "softprops/action-gh-release",
    "ncipollo/release-action",
    "actions/create-release",
    "actions/upload-release-asset",
    "js-devtools/npm-publish",
    "docker/build-push-action",
    "goreleaser/goreleaser-action",
    "svenstaro/upload-release-action",
    "rust-lang/crates-io-auth-action",
)
_PUBLISH_RUN = re.compile(
    r"\b(twine\s+upload|poetry\s+publish|uv\s+publish|flit\s+publish|hatch\s+publish|"
    r"pdm\s+publish|(npm|yarn|pnpm)\s+publish|cargo\s+publish|gh\s+release\s+(create|upload)|"
    r"mvn\b[^\n]*\bdeploy\b|gradlew?\b[^\n]*\bpublish|docker\s+push)\b"
)
_DRY_RUN = re.compile(r"--dry-run\b")  # `cargo publish --dry-run` publishes nothing
# With an OIDC token (trusted publishing to npm, PyPI, crates.io), a script the job runs with a
# publish verb (`./scripts/release.sh --publish`) is the publishing step, whatever its name.
_PUBLISH_WORD = re.compile(r"(?:^|[\s/_-])publish(?:$|[\s=_-])", re.IGNORECASE | re.MULTILINE)
_QUOTED = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'[^']*'", re.DOTALL)
_SEGMENT = re.compile(r"\|\||&&|[;|\n]")
_SUBSTITUTION = re.compile(r"\$\(([^()]*)\)")
_MESSAGES = frozenset({"echo", "printf", ":", "true", "false"})
"""Commands whose arguments are text for a reader, not an action: ``echo "refusing to publish"``
says the word without publishing anything."""
_UNKNOWN_PART = re.compile(r"‹[^›]*›|\$\{\{.*?\}\}")
_ALL = "*"
_GH_DOWNLOAD = re.compile(r"\bgh\s+run\s+download\b")


def _base(uses: str | None) -> str:
    return (uses or "").lower().split("@")[0]


def _unquoted(match: re.Match[str]) -> str:
    """A quoted string as the shell runs it: nothing, but a ``$(…)`` inside double quotes."""
    text = match.group(0)
    if text.startswith("'"):
        return "''"
    return " ".join(["''", *_SUBSTITUTION.findall(text)])


def _spoken(run: str) -> tuple[str, str]:
    """The script without what only talks to a reader: (the lines that do not start with a
    printing command, comments removed; the same with quoted text and every printing command
    removed). ``echo "refusing to publish the fix"`` says the word, publishes nothing."""
    lines = [re.sub(r"(?:^|\s)#.*$", "", line) for line in run.splitlines()]
    said = [line for line in lines if line.split()[:1] and line.split()[0] in _MESSAGES]
    run_lines = "\n".join(line for line in lines if line not in said)
    kept = []
    for segment in _SEGMENT.split(_QUOTED.sub(_unquoted, "\n".join(lines))):
        words = segment.split()
        if words and words[0] in _MESSAGES:
            continue
        kept.append(segment)
    return run_lines, "\n".join(kept)


def publishes(job: JobRecord) -> bool:
    """Whether a step of the job publishes (an action, a command, or an OIDC publish script)."""
    oidc = str(job.permissions.get("id-token", "")).lower() == "write"
    for step in job.steps:
        commands, bare = _spoken(step.run) if step.run else ("", "")
        if oidc and _PUBLISH_WORD.search(bare):
            return True
        if _base(step.uses).startswith(_PUBLISH_ACTIONS):
            docker = _base(step.uses).startswith("docker/build-push-action")
            if docker and step.with_.get("push", "").lower() != "true":
                continue
            return True
        if _PUBLISH_RUN.search(commands) and not _DRY_RUN.search(commands):
            return True
    return False


def _glob(text: str) -> str:
    """A name or pattern with its run-time parts as ``*`` (they can be anything)."""
    return _UNKNOWN_PART.sub("*", text)


def uploads(job: JobRecord) -> set[str]:
    """The artifact names (globs where a part is unknown) the job uploads."""
    out: set[str] = set()
    for step in job.steps:
        base = _base(step.uses)
        if base == "actions/upload-artifact":
            out.add(_glob(step.with_.get("name", "").strip() or "artifact"))
        elif base == "actions/upload-artifact/merge":
            out.add(_glob(step.with_.get("name", "").strip() or "merged-artifacts"))
    return out


def _download(step: StepRecord) -> str | None:
    """The glob of artifact names one step downloads from this run (``*``: all or unknown)."""
    base = _base(step.uses)
    if base == "actions/download-artifact":
        if step.with_.get("artifact-ids", "").strip() or step.with_.get("run-id", "").strip():
            return _ALL  # ids or another run: not read here, so anything
        name = step.with_.get("name", "").strip()
        pattern = step.with_.get("pattern", "").strip()
        return _glob(name or pattern) if name or pattern else _ALL
    if "download-artifact" in base or (step.run and _GH_DOWNLOAD.search(step.run)):
        return _ALL
    return None


def downloads(job: JobRecord) -> set[str]:
    """The globs of artifact names the job downloads from its run."""
    return {d for step in job.steps if (d := _download(step)) is not None}


def _literal_ends(glob: str) -> tuple[str, str]:
    """The literal text before the first and after the last wildcard (the whole name if none)."""
    cut = re.split(r"[*?\[]", glob)
    return cut[0], cut[-1] if len(cut) > 1 else cut[0]


def _may_match(upload: str, download: str) -> bool:
    """Whether some artifact name fits both globs (exact when the upload name is literal)."""
    if not re.search(r"[*?\[]", upload):
        return fnmatch.fnmatchcase(upload, download)
    (up_head, up_tail), (down_head, down_tail) = _literal_ends(upload), _literal_ends(download)
    heads = up_head.startswith(down_head) or down_head.startswith(up_head)
    tails = up_tail.endswith(down_tail) or down_tail.endswith(up_tail)
    return heads and tails


def release_jobs(jobs: Iterable[JobRecord]) -> set[tuple[str, str]]:
    """(workflow, job) of every job that publishes, or hands an artifact on that a job feeding
    the release downloads (followed through ``needs:``, gates included)."""
    legs: dict[str, dict[str, list[JobRecord]]] = defaultdict(lambda: defaultdict(list))
    for job in jobs:
        legs[job.workflow][job.job].append(job)
    feeds: set[tuple[str, str]] = set()
    for wf, by_name in legs.items():
        feeds.update((wf, name) for name in _feeding(by_name))
    return feeds


def _ancestors(by_name: Mapping[str, list[JobRecord]], name: str) -> set[str]:
    out: set[str] = set()
    todo = [n for leg in by_name.get(name, ()) for n in leg.needs]
    while todo:
        dep = todo.pop()
        if dep in out or dep not in by_name:
            continue
        out.add(dep)
        todo.extend(n for leg in by_name[dep] for n in leg.needs)
    return out


def _feeding(by_name: Mapping[str, list[JobRecord]]) -> set[str]:
    """The publishers and, until nothing changes, every job before a feeding job whose upload
    that job downloads."""
    feeding = {name for name, legs in by_name.items() if any(publishes(j) for j in legs)}
    sent = {name: set().union(*(uploads(j) for j in legs)) for name, legs in by_name.items()}
    # a feeding job that downloads nothing this module knows gets its files some other way
    # (an action that fetches them, an API call): it may read anything, as before
    read = {
        name: set().union(*(downloads(j) for j in legs)) or {_ALL} for name, legs in by_name.items()
    }
    todo = list(feeding)
    while todo:
        consumer = todo.pop()
        for name in _ancestors(by_name, consumer) - feeding:
            if any(_may_match(u, d) for u in sent[name] for d in read[consumer]):
                feeding.add(name)
                todo.append(name)
    return feeding


def _conjuncts(condition: str) -> list[str]:
    """The parts of ``a && b && c`` at the top level (a job runs only if each holds)."""
    text = condition.strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    parts, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(text):
        if ch == "'":
            quoted = not quoted
        elif not quoted and ch in "([":
            depth += 1
        elif not quoted and ch in ")]":
            depth -= 1
        elif not quoted and depth == 0 and text.startswith("&&", i):
            parts.append(text[start:i])
            start = i + 2
    parts.append(text[start:])
    return [p.strip().removeprefix("&").strip() for p in parts if p.strip("& ")]


def tag_only(job: JobRecord) -> bool:
    """Whether the job's ``if:`` lets it run for a tag and not for a branch push: some part of
    a top-level ``&&`` is false for a branch (``startsWith(github.ref, 'refs/tags/')``) while
    the whole may hold for a tag (the other parts can be unknown: a needed job's output)."""
    if job.if_ is None:
        return False
    contexts: dict[str, object] = {
        "needs": {
            dep: {"result": "success", "outputs": Unknown(f"needs.{dep}.outputs", "outputs")}
            for dep in job.needs
        },
        "vars": Unknown("vars", "repository variables"),
        "inputs": Unknown("inputs", "the workflow's inputs"),
    }

    def verdict(condition: str, ref: str) -> str:
        github = RunContext(event="push", ref=ref).github()
        return evaluate_if(condition, {**contexts, "github": github}, "success").verdict

    on_branch = [verdict(part, "refs/heads/main") for part in _conjuncts(job.if_)]
    return "skip" in on_branch and verdict(job.if_, TAG_REF) != "skip"
