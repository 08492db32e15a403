"""Azure Pipelines caches as ``explain`` reports them: one :class:`CacheReport` per
``Cache@2`` step of each job (× matrix leg).

Task inputs go through the agent's macro expansion first: ``$(Name)`` becomes the variable
(names are case-insensitive; an undefined macro stays as written, which then becomes part of
the key), ``${{ variables.x }}``/``${{ parameters.x }}`` compile-time values. Predefined
variables are those of Microsoft-hosted agents: ``Agent.OS`` is ``Linux``, ``Windows_NT`` or
``Darwin``; ``Pipeline.Workspace`` is ``/home/vsts/work/1`` (``D:\\a\\1``,
``/Users/runner/work/1``) with the sources in ``s``. The fingerprint rules are in
:mod:`cachekit.azure.fingerprint`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Final

from ..explain.model import (
    CacheReport,
    ExplainResult,
    Finding,
    HashCall,
    JobRecord,
    KeyPart,
    StepRecord,
)
from ..findings import Code, Severity
from ..fs.trees import Tree
from .config import AzureConfig, AzureJob, AzureStep, load_config
from .fingerprint import (
    SegmentError,
    check_segment,
    is_pathy_segment,
    parse_key,
    resolve_path_segment,
)

__all__ = ["AzureOptions", "explain_azure"]

_MACRO = re.compile(r"\$\(([A-Za-z0-9_.\-]+)\)")
_TEMPLATE = re.compile(r"\$\{\{\s*variables\.([A-Za-z0-9_.\-]+)\s*\}\}")
_WORKSPACE: Final = {
    "Linux": "/home/vsts/work/1",
    "Windows": "D:/a/1",
    "macOS": "/Users/runner/work/1",
}
_AGENT_OS: Final = {"Linux": "Linux", "Windows": "Windows_NT", "macOS": "Darwin"}
_VOLATILE: Final = frozenset(
    {
        "build.buildid",
        "build.buildnumber",
        "build.sourceversion",
        "system.jobid",
        "system.timelineid",
        "build.sourceversionmessage",
    }
)
_CACHE_TASK = re.compile(r"^(Cache|CacheBeta)@\d+$", re.I)
_RUN_KINDS: Final = ("script", "bash", "pwsh", "powershell")


@dataclass(frozen=True)
class AzureOptions:
    branch: str = "main"
    revision: str | None = None
    job: str | None = None


def _predefined(job: AzureJob, options: AzureOptions) -> dict[str, str | None]:
    os_name = job.os or "Linux"
    ws = _WORKSPACE[os_name]
    out: dict[str, str | None] = {
        "agent.os": _AGENT_OS[os_name],
        "agent.osarchitecture": "X64",
        "pipeline.workspace": ws,
        "build.sourcesdirectory": f"{ws}/s",
        "system.defaultworkingdirectory": f"{ws}/s",
        "build.repository.localpath": f"{ws}/s",
        "build.sourcebranch": f"refs/heads/{options.branch}",
        "build.sourcebranchname": options.branch.rsplit("/", 1)[-1],
        "agent.tempdirectory": f"{ws.rsplit('/', 1)[0]}/_temp",
        "system.jobname": job.name,
    }
    for name in _VOLATILE:
        out[name] = options.revision if name == "build.sourceversion" else None
    return out


class _Builder:
    def __init__(self, tree: Tree, config: AzureConfig, options: AzureOptions) -> None:
        self.tree = tree
        self.config = config
        self.options = options
        self.caches: list[CacheReport] = []
        self.jobs: list[JobRecord] = []
        self.problems = [
            Finding(Code.WORKFLOW_PROBLEM, Severity.WARNING, m, mk) for m, mk in config.problems
        ]

    def expand(self, text: str, job: AzureJob) -> tuple[str, list[KeyPart], list[str], bool]:
        """Macros in ``text``: (value, parts, volatile names, known)."""
        predefined = _predefined(job, self.options)
        parts: list[KeyPart] = []
        volatile: list[str] = []
        known = True
        pos = 0
        text = _TEMPLATE.sub(
            lambda m: job.variables.get(m.group(1).lower(), (m.group(0), ""))[0], text
        )
        out = []
        for m in _MACRO.finditer(text):
            out.append(text[pos : m.start()])
            name = m.group(1).lower()
            if name in job.variables:
                value, where = job.variables[name]
                for _ in range(5):  # a variable naming others is expanded when used
                    if "$(" not in value:
                        break
                    value = _MACRO.sub(
                        lambda n: (
                            job.variables.get(n.group(1).lower(), (None, ""))[0]
                            or predefined.get(n.group(1).lower())
                            or n.group(0)
                        ),
                        value,
                    )
                parts.append(KeyPart("context", m.group(0), value, source=f"{m.group(1)}: {where}"))
                out.append(value)
            elif name in predefined:
                value2 = predefined[name]
                if name in _VOLATILE:
                    volatile.append(m.group(1))
                if value2 is None:
                    known = False
                    parts.append(
                        KeyPart(
                            "unknown",
                            m.group(0),
                            f"‹{m.group(1)}›",
                            source=f"{m.group(1)}: predefined, changes every run",
                        )
                    )
                    out.append(f"‹{m.group(1)}›")
                else:
                    parts.append(
                        KeyPart(
                            "context",
                            m.group(0),
                            value2,
                            source=f"{m.group(1)}: predefined (Microsoft-hosted agent)",
                        )
                    )
                    out.append(value2)
            else:
                known = False
                parts.append(
                    KeyPart(
                        "unknown",
                        m.group(0),
                        f"‹{m.group(1)}›",
                        source=f"{m.group(1)}: not defined in the pipeline; a variable "
                        "group or UI variable if set, else the text itself",
                    )
                )
                out.append(f"‹{m.group(1)}›")
            pos = m.end()
        out.append(text[pos:])
        return "".join(out), parts, volatile, known

    def job(self, job: AzureJob) -> None:
        steps: list[StepRecord] = []
        env = {k: v for k, (v, _) in job.variables.items()}
        for index, step in enumerate(job.steps):
            caches: tuple[int, ...] = ()
            run = None
            uses = None
            if step.kind == "task":
                uses = str(step.body.get("task"))
                if _CACHE_TASK.match(uses):
                    caches = (len(self.caches),)
                    self.caches.append(self.cache(job, step, index))
            elif step.kind in _RUN_KINDS:
                run = str(step.body.get(step.kind) or "")
            steps.append(
                StepRecord(
                    index,
                    step.mark,
                    str(step.body.get("displayName") or step.kind),
                    None,
                    uses,
                    {},
                    run,
                    step.kind,
                    None,
                    env,
                    caches,
                    step.via,
                )
            )
        self.jobs.append(
            JobRecord(
                self.config.path,
                job.name,
                dict(job.matrix),
                job.mark,
                ("push",),
                job.image or "pool unknown",
                job.os,
                None,
                job.stage,
                tuple(steps),
                needs=job.depends,
            )
        )

    def segments(
        self, key: str, job: AzureJob, mark: Any, findings: list[Finding], salt: str
    ) -> tuple[list[KeyPart], bool, list[str]]:
        """The key's segments as parts (with ``|`` literals between them)."""
        parts: list[KeyPart] = []
        known = True
        volatile: list[str] = []
        expanded, _, _, _ = self.expand(key, job)
        old, raw_segments = parse_key(key, salt)
        if old:
            findings.append(
                Finding(
                    Code.WORKFLOW_PROBLEM,
                    Severity.WARNING,
                    "'key' format is changing to a "
                    "single line: https://aka.ms/pipeline-caching-docs",
                    mark,
                )
            )
        del expanded
        windows = job.os == "Windows"
        ws = _WORKSPACE[job.os or "Linux"]
        for i, raw in enumerate(raw_segments):
            if i:
                parts.append(KeyPart("literal", "|", "|"))
            value, sub, vol, ok = self.expand(raw, job)
            volatile += vol
            try:
                check_segment(value)
            except SegmentError as exc:
                findings.append(
                    Finding(Code.KEY_INVALID, Severity.ERROR, f"segment '{raw}': {exc}", mark)
                )
                known = False
                parts.append(KeyPart("unknown", raw, f"‹{raw}›", source=str(exc)))
                continue
            if not ok or not is_pathy_segment(value, windows=windows):
                known = known and ok
                kind = "context" if sub else "literal"
                parts.append(
                    KeyPart(
                        kind if ok else "unknown",
                        raw,
                        value,
                        source="a string segment" + (f" ({sub[0].source})" if sub else ""),
                    )
                )
                continue
            result = resolve_path_segment(
                self.tree,
                value,
                sources=f"{ws}/s",
                workspace=ws,
                windows=windows,
                linux=(job.os or "Linux") == "Linux",
            )
            call = HashCall(
                (value,),
                False,
                "azure-fingerprint",
                result.value if not result.error else None,
                result.files,
                result.error,
            )
            if result.error or result.value is None:
                known = False
                if result.error and (
                    "not found" in result.error
                    or "No matching" in result.error
                    or "Could not find" in result.error
                ):
                    findings.append(
                        Finding(
                            Code.HASHFILES_FAILS,
                            Severity.ERROR,
                            f"{result.error}: the Cache task fails",
                            mark,
                        )
                    )
                parts.append(
                    KeyPart("unknown", raw, "‹fingerprint›", source=result.error, hash=call)
                )
            else:
                what = "file pattern" if result.pattern else "file"
                parts.append(
                    KeyPart(
                        "files",
                        raw,
                        result.value,
                        source=f"{what}: base64 SHA-256 of each file's path, size and SHA-256",
                        hash=call,
                    )
                )
        return parts, known, volatile

    def cache(self, job: AzureJob, step: AzureStep, index: int) -> CacheReport:
        raw_inputs = step.body.get("inputs")
        inputs: dict[str, Any] = raw_inputs if isinstance(raw_inputs, dict) else {}
        key = str(inputs.get("key") or "")
        findings: list[Finding] = []
        salt = job.variables.get("azp_caching_salt", ("", ""))[0]
        parts, known, volatile = self.segments(key, job, step.mark, findings, salt)
        restore: list[str] = []
        for line in str(inputs.get("restoreKeys") or "").replace("\r\n", "\n").split("\n"):
            if line.strip():
                rparts, _, _ = self.segments(line, job, step.mark, [], salt)
                restore.append("".join(p.value for p in rparts))
        paths = [
            self.expand(p.strip(), job)[0]
            for p in str(inputs.get("path") or "").split("|")
            if p.strip()
        ]
        notes = []
        if inputs.get("cacheHitVar"):
            notes.append(
                f"cacheHitVar {inputs['cacheHitVar']}: 'true' on an exact hit, 'inexact' "
                "from a restore key, 'false' on a miss"
            )
        if volatile and not restore:
            findings.append(
                Finding(
                    Code.VOLATILE_KEY,
                    Severity.WARNING,
                    f"the key depends on {', '.join(volatile)}, which changes every "
                    "run, and there are no restoreKeys: every run misses and saves a "
                    "new cache",
                    step.mark,
                )
            )
        elif not volatile and all(p.kind in ("literal", "context") for p in parts):
            findings.append(
                Finding(
                    Code.KEY_NEVER_REFRESHED,
                    Severity.WARNING,
                    f"the key '{key}' has no file segment and never changes: cache "
                    "entries are immutable, so the first save is restored until it "
                    "expires, whatever the job installs",
                    step.mark,
                )
            )
        return CacheReport(
            workflow=self.config.path,
            job=job.name,
            matrix=dict(job.matrix),
            step=f"{step.body.get('task')}",
            step_index=index,
            mark=step.mark,
            via=step.via,
            uses=str(step.body.get("task")),
            kind="restore+save",
            runner=job.image or "pool unknown",
            key_template=key,
            key="".join(p.value for p in parts),
            key_known=known,
            parts=tuple(parts),
            restore_keys=tuple(restore),
            paths=tuple(paths),
            version=None,
            version_inputs={
                "platform": "azure",
                "identity": "the key in its branch's scope (then the default branch's)",
            },
            notes=tuple(notes),
            findings=tuple(findings),
            stage=job.stage,
        )


def _never_match(caches: list[CacheReport]) -> list[CacheReport]:
    """Restore keys whose segments are not the leading segments of any Cache key (the agent
    looks a restore key up as its segments followed by the ``**`` wildcard)."""
    keys = [tuple(c.key.split("|")) for c in caches]
    out = []
    for c in caches:
        extra = []
        for line in c.restore_keys:
            segs = tuple(line.split("|"))
            if "‹" in line:
                continue
            if not any(k[: len(segs)] == segs for k in keys if len(k) > len(segs)):
                extra.append(
                    Finding(
                        Code.FALLBACK_NEVER_MATCHES,
                        Severity.WARNING,
                        f"restore key '{line}' is not the first segments of any Cache "
                        "key of this pipeline: it never matches",
                        c.mark,
                    )
                )
        out.append(replace(c, findings=c.findings + tuple(extra)) if extra else c)
    return out


def explain_azure(tree: Tree, options: AzureOptions | None = None) -> ExplainResult:
    """Every ``Cache@2`` step of the tree's ``azure-pipelines.yml``."""
    options = options or AzureOptions()
    config = load_config(tree)
    commit = getattr(tree, "commit", None)
    revision = commit if isinstance(commit, str) else None
    if config is None:
        return ExplainResult(tree.workspace, revision, ())
    if options.revision is None and revision is not None:
        options = AzureOptions(options.branch, revision, options.job)
    builder = _Builder(tree, config, options)
    for job in config.jobs:
        if options.job is None or options.job == job.name or job.name.startswith(options.job + " "):
            builder.job(job)
    caches = _never_match(builder.caches)
    return ExplainResult(
        tree.workspace, revision, tuple(caches), tuple(builder.problems), tuple(builder.jobs)
    )
