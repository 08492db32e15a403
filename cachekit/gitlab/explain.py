"""GitLab caches as ``explain`` reports them: one :class:`CacheReport` per job × cache.

The records are the platform-neutral ones (:mod:`cachekit.explain.model`), so the renderers,
``check`` and ``predict`` read GitLab jobs like GitHub ones: a ``key:files`` digest is a key
part (kind ``files``) whose :class:`HashCall` lists each file with its per-file hash (the git
blob id for the contents algorithm, the last commit id for the commit-based one), and the
suffixes GitLab adds (cache index, ``jobs_cache_index``, ``-protected``/``-non_protected``)
are parts with the rule they come from. The key rules are in :mod:`cachekit.gitlab.keys`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
from ..platforms.variables import Var, expand_shell
from ..yamlsource import Mark
from .conditions import workflow_outcome
from .config import GitLabConfig, Job, apply_workflow_variables, load_config
from .keys import (
    CONTENTS_SINCE,
    FILES_SINCE,
    INDEX_PREFIX_SINCE,
    WILDCARD_FIX,
    FilesMode,
    Version,
    files_digest,
    parse_version,
    sanitize_key,
)
from .variables import RunModel, job_lookup

__all__ = ["GitLabOptions", "explain_gitlab"]

USES = "gitlab:cache"
_POLICY_KIND = {"pull-push": "restore+save", "pull": "restore-only", "push": "save-only"}


@dataclass(frozen=True)
class GitLabOptions:
    """The pipeline and the GitLab instance being modelled."""

    run: RunModel = field(default_factory=RunModel)
    version: str | None = None  # GitLab version, e.g. "17.11"; None: the current behaviour
    separated_caches: bool = True  # project setting "Use separate caches for protected branches"
    jobs_cache_index: int | None = None  # bumped by "Clear runner caches"; None: never cleared
    job: str | None = None

    @property
    def gitlab_version(self) -> Version:
        return parse_version(self.version)


def _runner(body: dict[str, Any], lookup: Any) -> tuple[str, str | None]:
    image = body.get("image")
    if isinstance(image, dict):
        image = image.get("name")
    if isinstance(image, str) and "$" in image:
        image = expand_shell(image, lookup).text
    tags = body.get("tags")
    tag_text = " ".join(str(t) for t in tags).lower() if isinstance(tags, list) else ""
    os_name = "Windows" if "windows" in tag_text else "macOS" if "macos" in tag_text else None
    if image:
        return f"image: {image}", os_name or "Linux"
    if tag_text:
        return f"tags: {tag_text}", os_name
    return "the runner's default image (no image:)", os_name


def _text_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value if v is not None]
    return [str(value)]


class _Builder:
    def __init__(self, tree: Tree, config: GitLabConfig, options: GitLabOptions) -> None:
        self.tree = tree
        self.config = config
        self.options = options
        self.version = options.gitlab_version
        self.caches: list[CacheReport] = []
        self.jobs: list[JobRecord] = []
        self.problems: list[Finding] = [
            Finding(Code.WORKFLOW_PROBLEM, Severity.WARNING, p.message, p.mark)
            for p in config.problems
        ]

    def job(self, job: Job) -> None:
        run = self.options.run
        image = job.body.get("image")
        image = image.get("name") if isinstance(image, dict) else image
        lookup = job_lookup(run, job.name, job.stage, job.variables, str(image) if image else None)
        runner, os_name = _runner(job.body, lookup)
        raw = job.body.get("cache")
        entries = raw if isinstance(raw, list) else [raw] if isinstance(raw, dict) else []
        indices: list[int] = []
        for index, entry in enumerate(entries[:4]):
            if isinstance(entry, dict) and entry:
                indices.append(len(self.caches))
                self.caches.append(self.cache(job, index, entry, lookup, runner))
        if isinstance(raw, list) and len(raw) > 4:
            self.problems.append(
                Finding(
                    Code.WORKFLOW_PROBLEM,
                    Severity.WARNING,
                    f"job {job.name}: more than 4 caches",
                    getattr(raw, "mark", job.mark),
                )
            )
        env = {}
        for name in job.variables:
            var = lookup(name)
            if var is not None and var.value is not None:
                env[name] = var.value
        steps = [
            StepRecord(
                0,
                getattr(raw, "mark", job.mark),
                "cache",
                None,
                USES,
                {},
                None,
                None,
                None,
                env,
                tuple(indices),
            )
        ]
        for key in ("before_script", "script", "after_script"):
            lines = _text_list(job.body.get(key))
            if lines:
                mark = getattr(job.body.get(key), "mark", job.mark)
                steps.append(
                    StepRecord(
                        len(steps), mark, key, key, None, {}, "\n".join(lines), "bash", None, env
                    )
                )
        self.jobs.append(
            JobRecord(
                workflow=self.config.path,
                job=job.name,
                matrix=dict(job.matrix),
                mark=job.mark,
                events=(run.source,),
                runner=runner,
                os=os_name,
                arch=None,
                stage=job.stage_index,
                steps=tuple(steps),
                environment=_environment(job.body),
                needs=tuple(_text_list(job.body.get("needs"))),
                tag_push=run.tag,
            )
        )

    # --- one cache ---------------------------------------------------------------------------

    def cache(
        self,
        job: Job,
        index: int,
        entry: dict[str, Any],
        lookup: Any,
        runner: str,
    ) -> CacheReport:
        mark: Mark = getattr(entry, "mark", job.mark)
        findings: list[Finding] = []
        notes: list[str] = []
        key = entry.get("key", "default")
        parts: list[KeyPart] = []
        volatile: list[str] = []
        known = True
        if isinstance(key, dict):
            template, parts, known, volatile = self.files_key(key, index, lookup, mark, findings)
        else:
            template = "default" if key is None else str(key)
            exp = expand_shell(template, lookup)
            parts, known, volatile = list(exp.parts), exp.known, list(exp.volatile)
        unprotect = entry.get("unprotect") is True
        suffix_parts = self.suffixes(unprotect)
        base = "".join(p.value for p in parts)
        if known and base != sanitize_key(base):
            notes.append(f"the runner sanitises the key '{base}' to '{sanitize_key(base)}'")
        if known and base == "":
            notes.append("the key expands to '': the runner skips this cache")
        key_text = sanitize_key(base) if known else base
        key_text += "".join(p.value for p in suffix_parts)
        policy_raw = str(entry.get("policy", "pull-push"))
        policy = expand_shell(policy_raw, lookup).text if "$" in policy_raw else policy_raw
        kind = _POLICY_KIND.get(policy, "restore+save")
        if policy not in _POLICY_KIND:
            notes.append(f"policy '{policy_raw}' is not one GitLab knows: taken as pull-push")
        restore = self.fallbacks(entry, lookup, unprotect, notes, findings, mark)
        paths = _text_list(entry.get("paths"))
        if entry.get("untracked") is True:
            paths.append("(untracked files)")
        if not paths:
            notes.append("no paths and no untracked: the runner skips this cache")
        when = str(entry.get("when", "on_success"))
        if when != "on_success":
            notes.append(f"saved when: {when}")
        if volatile and not restore:
            findings.append(
                Finding(
                    Code.VOLATILE_KEY,
                    Severity.WARNING,
                    f"the key depends on {', '.join(volatile)}, which changes every pipeline "
                    "or commit, and there are no fallback keys: every job misses and uploads a "
                    "new cache",
                    mark,
                )
            )
        unknown = [p.text for p in parts if p.kind == "unknown" and not p.text.startswith("$CI_")]
        if unknown:
            findings.append(
                Finding(
                    Code.KEY_NOT_PREDICTABLE,
                    Severity.NOTE,
                    f"part of the key is only known at run time: {', '.join(unknown)}",
                    mark,
                )
            )
        return CacheReport(
            workflow=self.config.path,
            job=job.name,
            matrix=dict(job.matrix),
            step=f"cache[{index}]",
            step_index=index,
            mark=mark,
            via=(job.mark, *job.via)
            if mark.path != job.mark.path or mark.line < job.mark.line
            else job.via,
            uses=USES,
            kind=kind,
            runner=runner,
            key_template=_template_text(key),
            key=key_text,
            key_known=known,
            parts=(*parts, *suffix_parts),
            restore_keys=tuple(restore),
            paths=tuple(paths),
            version=None,
            version_inputs={"platform": "gitlab", "identity": "the key alone (no version)"},
            notes=tuple(notes),
            findings=tuple(findings),
            stage=job.stage_index,
        )

    def files_key(
        self,
        key: dict[str, Any],
        index: int,
        lookup: Any,
        mark: Mark,
        findings: list[Finding],
    ) -> tuple[str, list[KeyPart], bool, list[str]]:
        parts: list[KeyPart] = []
        known = True
        volatile: list[str] = []
        prefix = key.get("prefix")
        if prefix is not None and str(prefix) != "":
            exp = expand_shell(str(prefix), lookup)
            parts.extend(exp.parts)
            known, volatile = exp.known, list(exp.volatile)
        elif self.version >= INDEX_PREFIX_SINCE:
            parts.append(
                KeyPart(
                    "context",
                    "cache index",
                    str(index),
                    source="no prefix: GitLab >= 15.7 prefixes the cache's position in the "
                    "job's cache: list (MR !104885)",
                )
            )
        which = "files_commits" if "files_commits" in key and "files" not in key else "files"
        mode: FilesMode = (
            "contents" if which == "files" and self.version >= CONTENTS_SINCE else "commits"
        )
        patterns = _text_list(key.get(which))
        if self.version < FILES_SINCE:
            findings.append(
                Finding(Code.KEY_INVALID, Severity.ERROR, "cache:key:files needs GitLab 12.5", mark)
            )
        wildcards = not (mode == "contents" and self.version < WILDCARD_FIX)
        digest = files_digest(self.tree, patterns, mode, wildcards=wildcards)
        flavor = f"gitlab-{mode}"
        call = HashCall(tuple(patterns), False, flavor, digest.digest, digest.files, digest.error)
        what = "blob ids of the files" if mode == "contents" else "last commits of the paths"
        text = f"key:{which} [{', '.join(patterns)}]"
        if digest.error:
            known = False
            parts.append(KeyPart("unknown", text, "‹files›", source=digest.error, hash=call))
        else:
            if parts:
                parts.append(KeyPart("literal", "-", "-"))
            parts.append(
                KeyPart("files", text, digest.digest, source=f"SHA-1 of the {what}", hash=call)
            )
        if not digest.error and not digest.files:
            findings.append(
                Finding(
                    Code.HASHFILES_NO_MATCH,
                    Severity.WARNING,
                    f"{text} matches no file: this part of the key is 'default' and never changes",
                    mark,
                )
            )
        template = f"{{prefix: {key.get('prefix', '')}, {which}: {patterns}}}"
        return template, parts, known, volatile

    def suffixes(self, unprotect: bool) -> list[KeyPart]:
        out: list[KeyPart] = []
        if self.options.jobs_cache_index is not None:
            out.append(
                KeyPart(
                    "context",
                    "jobs_cache_index",
                    f"-{self.options.jobs_cache_index}",
                    source="the project's cache index (Clear runner caches), Ci::Build#cache",
                )
            )
        if self.options.separated_caches:
            protected = self.options.run.is_protected and not unprotect
            suffix = "-protected" if protected else "-non_protected"
            why = (
                "cache:unprotect: true"
                if unprotect
                else f"ref {self.options.run.ref} is "
                + ("protected" if self.options.run.is_protected else "not protected")
            )
            out.append(
                KeyPart(
                    "context",
                    "protected suffix",
                    suffix,
                    source=f"{why}; separate caches for protected branches (Ci::Build#cache)",
                )
            )
        return out

    def fallbacks(
        self,
        entry: dict[str, Any],
        lookup: Any,
        unprotect: bool,
        notes: list[str],
        findings: list[Finding],
        mark: Mark,
    ) -> list[str]:
        suffix = "".join(p.value for p in self.suffixes(unprotect))
        separated = self.options.separated_caches and not unprotect
        default = self.options.run.default_branch
        out = []
        for raw in _text_list(entry.get("fallback_keys"))[:5]:
            exp = expand_shell(raw, lookup)
            out.append(sanitize_key(exp.text) + suffix if exp.known else exp.text + suffix)
            if separated and ("CI_DEFAULT_BRANCH" in raw or default in raw):
                findings.append(
                    Finding(
                        Code.FALLBACK_NEVER_MATCHES,
                        Severity.WARNING,
                        f"fallback key '{raw}' names the default branch's cache, but on a "
                        "branch that is not protected it gets -non_protected while the "
                        f"protected {default} saves -protected: it never matches there "
                        "(with 'Use separate caches for protected branches' on, the default)",
                        mark,
                    )
                )
        var: Var | None = lookup("CACHE_FALLBACK_KEY")
        if var is not None:
            value = var.value if var.value is not None else "‹CACHE_FALLBACK_KEY›"
            if value.endswith("-protected"):
                notes.append(
                    f"CACHE_FALLBACK_KEY '{value}' ends in -protected: the runner refuses it"
                )
            elif value:
                out.append(value)
            if self.options.separated_caches and not value.endswith("-non_protected"):
                findings.append(
                    Finding(
                        Code.FALLBACK_NEVER_MATCHES,
                        Severity.WARNING,
                        f"CACHE_FALLBACK_KEY '{value}' gets no suffix, but every saved key "
                        "ends in -protected or -non_protected: it never matches",
                        mark,
                    )
                )
        return out


def _environment(body: dict[str, Any]) -> str | None:
    env = body.get("environment")
    if isinstance(env, dict):
        env = env.get("name")
    return str(env) if env else None


def _template_text(key: Any) -> str:
    if key is None:
        return "default"
    if isinstance(key, dict):
        inner = ", ".join(f"{k}: {v}" for k, v in key.items())
        return "{" + inner + "}"
    return str(key)


def explain_gitlab(tree: Tree, options: GitLabOptions | None = None) -> ExplainResult:
    """Every cache of the tree's ``.gitlab-ci.yml`` (empty result when there is none)."""
    options = options or GitLabOptions()
    config = load_config(tree)
    commit = getattr(tree, "commit", None)
    revision = commit if isinstance(commit, str) else None
    if config is None:
        return ExplainResult(tree.workspace, revision, ())
    lookup = job_lookup(options.run, "", "", config.variables)
    _, workflow_vars = workflow_outcome(config.workflow, lookup, tree)
    apply_workflow_variables(config, workflow_vars)
    builder = _Builder(tree, config, options)
    for job in config.jobs:
        if options.job is None or options.job in (job.name, job.base_name):
            builder.job(job)
    return ExplainResult(
        root=tree.workspace,
        revision=revision,
        caches=tuple(builder.caches),
        problems=tuple(builder.problems),
        jobs=tuple(builder.jobs),
    )
