"""Actions that cache a package manager's files on their own, so ``suggest`` adds no second
cache next to them (#12 item 20): Swatinem/rust-cache, setup-uv, setup-gradle, a project's
own caching action given a ``cache*`` input."""

from __future__ import annotations

from typing import Final

from ..explain.model import StepRecord

__all__ = ["caches_by_default", "other_cacher"]


# Actions that cache a package manager's files themselves (cachekit does not model their keys):
# (action, ecosystem, managers or None for all, input that turns it off, its "off" value).
_CACHING_ACTIONS: Final = (
    ("swatinem/rust-cache", "rust", None, "", ""),
    ("actions-rust-lang/setup-rust-toolchain", "rust", None, "cache", "false"),
    ("astral-sh/setup-uv", "python", ("uv",), "enable-cache", "false"),
    ("pnpm/action-setup", "node", ("pnpm",), "", ""),  # only with its cache input set
    ("gradle/actions/setup-gradle", "java", ("gradle",), "cache-disabled", "true"),
    ("gradle/gradle-build-action", "java", ("gradle",), "cache-disabled", "true"),
    ("mamba-org/setup-micromamba", "python", ("conda",), "cache-environment", ""),
)


def other_cacher(steps: list[StepRecord], ecosystem: str, manager: str) -> StepRecord | None:
    """A step of the job using an action that caches this manager's files on its own
    (Swatinem/rust-cache, setup-uv, setup-gradle…): suggest never adds a second cache."""
    for step in steps:
        name = (step.uses or "").split("@", 1)[0].lower()
        if _custom_cacher(step, name):
            return step
        for action, eco, managers, off_input, off in _CACHING_ACTIONS:
            if name != action or eco != ecosystem or (managers and manager not in managers):
                continue
            value = step.with_.get(off_input, "").strip().lower() if off_input else ""
            if action == "pnpm/action-setup" and not step.with_.get("cache", "").strip():
                continue
            if action == "mamba-org/setup-micromamba":
                if value in ("", "false"):
                    continue
            elif action == "astral-sh/setup-uv":
                if not caches_by_default(step):
                    continue
            elif off_input and value == off:
                continue
            return step
    return None


def _custom_cacher(step: StepRecord, name: str) -> bool:
    """A third-party or local action given a cache input (``cache_key_suffix``,
    ``cache: true``…), such as a project's own setup action: it caches something cachekit
    cannot see, so suggest proposes nothing on top of it."""
    if not name or name.startswith("actions/") or any(name == a for a, *_ in _CACHING_ACTIONS):
        return False
    return any(
        k.lower().startswith("cache") and v.strip().lower() not in ("false", "none", "")
        for k, v in step.with_.items()
    )


def caches_by_default(step: StepRecord) -> bool:
    """astral-sh/setup-uv v5+ caches unless told not to; a SHA pin is taken as current."""
    if step.with_.get("enable-cache", "auto").strip().lower() == "false":
        return False
    ref = (step.uses or "").split("@", 1)[-1]
    major = ref.lstrip("v").split(".", 1)[0]
    return not major.isdigit() or int(major) >= 5 or len(ref) == 40
