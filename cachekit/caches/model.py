"""The interface of the caching-action model: runners, key templates, and one cache's spec.

A cache key is written in a workflow as an expression (``${{ runner.os }}-pip-${{
hashFiles('requirements.txt') }}``) or built by a setup action from the runner and the
repository. :class:`KeyTemplate` keeps that structure — which part is literal text, which came
from a context and from where, which is a ``hashFiles`` digest, and which cannot be known
offline — so ``cachekit explain`` can say *why* a key is what it is, not just print it.
:class:`CacheSpec` is one cache as the action computes it: keys, paths, version, flags, and the
facts a user should know about that action release.
"""

from __future__ import annotations

import enum
import re
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from ..errors import CachekitError
from ..hashing.hashfiles import Flavor
from .semver import JS_WHITESPACE

__all__ = [
    "CLOSE",
    "OPEN",
    "ActionError",
    "CacheSpec",
    "CacheStepKind",
    "Component",
    "ContextValue",
    "HashFilesComponent",
    "KeyTemplate",
    "Literal",
    "RunnerEnv",
    "UnknownComponent",
    "VersionInputs",
    "paths_known",
    "runner_env",
    "unknown_path",
]

OPEN, CLOSE = "\u2039", "\u203a"
"""The angle quotes around a part that cannot be known offline, in rendered keys and paths."""

OSName = typing.Literal["Linux", "Windows", "macOS"]
Arch = typing.Literal["X64", "ARM64", "X86"]


class ActionError(CachekitError):
    """A reference or input the modelled action cannot accept (unknown action, bad ref)."""


# -- runners -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunnerEnv:
    """The facts about a runner that the caching actions read.

    ``distro_id``/``distro_release`` are what ``lsb_release -i -s`` / ``-r -s`` print on Linux
    (``Ubuntu``, ``24.04``); ``image_os`` is the ``ImageOS`` variable of GitHub's images
    (``ubuntu24``); ``home`` is ``os.homedir()``; ``tool_cache`` is ``RUNNER_TOOL_CACHE``.
    ``preinstalled_pythons``, when known, lists the CPython versions in the image's tool
    cache (setup-python uses those before downloading); ``None`` means "not known";
    ``preinstalled_go`` the same for Go (setup-go's ``tc.find``). ``arch_known`` is false when
    the label does not say the architecture (``runner.arch`` is then unknown).
    ``source`` says where these facts come from (``runs-on: ubuntu-24.04``).
    """

    os: OSName
    arch: Arch
    home: str
    tool_cache: str
    source: str
    image_os: str | None = None
    distro_id: str | None = None
    distro_release: str | None = None
    zstd: bool = True
    preinstalled_pythons: tuple[str, ...] | None = None
    preinstalled_go: tuple[str, ...] | None = None
    arch_known: bool = True

    def with_tools(self, *, go: tuple[str, ...] | None) -> RunnerEnv:
        """This runner with its image's tool cache (``None``: not known)."""
        return replace(self, preinstalled_go=go)

    def arch_unknown(self) -> RunnerEnv:
        """This runner with ``runner.arch`` unknown (a label that does not say it): ``arch``
        stays as the value an action's own key is modelled with, marked as assumed."""
        return replace(self, arch_known=False)

    @property
    def node_arch(self) -> str:
        """``process.arch`` / ``os.arch()`` of the action's node: ``x64``, ``arm64``, ``ia32``."""
        return {"X64": "x64", "ARM64": "arm64", "X86": "ia32"}[self.arch]

    @property
    def platform(self) -> str:
        """``process.platform``: ``linux``, ``darwin`` or ``win32``."""
        return {"Linux": "linux", "macOS": "darwin", "Windows": "win32"}[self.os]

    @property
    def windows(self) -> bool:
        return self.os == "Windows"

    def join(self, *parts: str) -> str:
        """``path.join`` with this runner's separator (backslashes on Windows)."""
        sep = "\\" if self.windows else "/"
        out = parts[0]
        for p in parts[1:]:
            out = out.rstrip("/\\") + sep + p.strip("/\\")
        return out.replace("/", "\\") if self.windows else out

    def context(self, name: str, value: str, *, assumed: bool = False) -> ContextValue:
        """A :class:`ContextValue` sourced from this runner."""
        return ContextValue(name, value, self.source, assumed=assumed)


_LINUX_HOME, _MAC_HOME, _WIN_HOME = "/home/runner", "/Users/runner", "C:\\Users\\runneradmin"


def runner_env(
    os_name: OSName,
    arch: Arch,
    image_os: str | None,
    release: str | None,
    source: str,
) -> RunnerEnv:
    if os_name == "Linux":
        home, tool_cache = _LINUX_HOME, "/opt/hostedtoolcache"
    elif os_name == "macOS":
        home, tool_cache = _MAC_HOME, "/Users/runner/hostedtoolcache"
    else:
        home, tool_cache = _WIN_HOME, "C:\\hostedtoolcache\\windows"
    return RunnerEnv(
        os=os_name,
        arch=arch,
        home=home,
        tool_cache=tool_cache,
        source=source,
        image_os=image_os,
        distro_id="Ubuntu" if release else None,
        distro_release=release,
    )


# -- key templates -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Literal:
    """Text written as is (in the workflow, or in the action's source)."""

    text: str


@dataclass(frozen=True)
class ContextValue:
    """A value read from the run's context: ``runner.os``, an env variable, a resolved version.

    ``source`` says where the value comes from; ``assumed`` marks a default or estimate that the
    live runner may contradict (a pip cache directory, the Python patch release).
    """

    name: str
    value: str
    source: str
    assumed: bool = False


@dataclass(frozen=True)
class HashFilesComponent:
    """A ``hashFiles`` digest: ``''`` when no file matched; ``None`` when not computed."""

    patterns: tuple[str, ...]
    follow: bool
    flavor: Flavor
    digest: str | None

    @property
    def call(self) -> str:
        args = ", ".join("'" + p.replace("'", "''") + "'" for p in self.patterns)
        return f"hashFiles({args})"


@dataclass(frozen=True)
class UnknownComponent:
    """A part that cannot be known offline (a step output, a secret, a live command's output)."""

    name: str
    reason: str


Component = Literal | ContextValue | HashFilesComponent | UnknownComponent
"""One part of a :class:`KeyTemplate`."""


def _text(c: Component) -> str | None:
    if isinstance(c, Literal):
        return c.text
    if isinstance(c, ContextValue):
        return c.value
    if isinstance(c, HashFilesComponent):
        return c.digest
    return None


def _with_text(c: Component, text: str) -> Component:
    if isinstance(c, ContextValue):
        return replace(c, value=text)
    return Literal(text)


@dataclass(frozen=True)
class KeyTemplate:
    """A cache key as a sequence of components, in order."""

    components: tuple[Component, ...] = ()

    @classmethod
    def of(cls, *parts: Component | str | KeyTemplate) -> KeyTemplate:
        """Build a template; strings become :class:`Literal`, adjacent literals merge."""
        out: list[Component] = []
        for part in parts:
            items: Iterable[Component | str]
            items = part.components if isinstance(part, KeyTemplate) else (part,)
            for item in items:
                c = Literal(item) if isinstance(item, str) else item
                if isinstance(c, Literal) and not c.text:
                    continue
                if isinstance(c, Literal) and out and isinstance(out[-1], Literal):
                    out[-1] = Literal(out[-1].text + c.text)
                else:
                    out.append(c)
        return cls(tuple(out))

    def __add__(self, other: KeyTemplate | Component | str) -> KeyTemplate:
        return KeyTemplate.of(self, other)

    def __iter__(self) -> Iterator[Component]:
        return iter(self.components)

    @property
    def is_known(self) -> bool:
        """True when every component's text is known (assumed values count as known)."""
        return all(_text(c) is not None for c in self.components)

    @property
    def assumptions(self) -> tuple[ContextValue, ...]:
        return tuple(c for c in self.components if isinstance(c, ContextValue) and c.assumed)

    @property
    def text(self) -> str | None:
        """The key, or ``None`` when a component is unknown."""
        return self.render() if self.is_known else None

    def render(self) -> str:
        """The key text; unknown parts appear between angle quotes (U+2039, U+203A)."""
        out = []
        for c in self.components:
            t = _text(c)
            if t is not None:
                out.append(t)
            elif isinstance(c, HashFilesComponent):
                out.append(OPEN + c.call + CLOSE)
            elif isinstance(c, UnknownComponent):
                out.append(OPEN + c.name + CLOSE)
        return "".join(out)

    def trim(self) -> KeyTemplate:
        """ECMAScript ``trim`` of the rendered text, as far as known components allow."""
        comps = list(self.components)
        for end in (0, -1):
            while comps:
                i = 0 if end == 0 else len(comps) - 1
                t = _text(comps[i])
                if t is None or isinstance(comps[i], HashFilesComponent):
                    break
                t2 = t.lstrip(JS_WHITESPACE) if end == 0 else t.rstrip(JS_WHITESPACE)
                if t2:
                    comps[i] = _with_text(comps[i], t2)
                    break
                del comps[i]
        return KeyTemplate(tuple(comps))

    def split_lines(self) -> list[KeyTemplate]:
        """Split on ``"\\n"`` inside known text (unknown parts are taken to have none)."""
        lines: list[list[Component]] = [[]]
        for c in self.components:
            t = _text(c)
            if t is None or "\n" not in t or isinstance(c, HashFilesComponent):
                lines[-1].append(c)
                continue
            pieces = t.split("\n")
            for i, piece in enumerate(pieces):
                if i:
                    lines.append([])
                if piece:
                    lines[-1].append(_with_text(c, piece))
        return [KeyTemplate(tuple(line)) for line in lines]

    def multiline(self, *, negation: bool = True, trim_lines: bool = True) -> list[KeyTemplate]:
        """actions/cache's ``getInputAsArray`` on a template (see ``parse_multiline_input``)."""
        out = []
        for line in self.trim().split_lines():
            if negation and line.components and isinstance(line.components[0], Literal):
                first = line.components[0]
                fixed = re.sub("^![" + re.escape(JS_WHITESPACE) + "]+", "!", first.text, count=1)
                line = KeyTemplate.of(fixed, *line.components[1:])
            if trim_lines:
                line = line.trim()
            if line.is_known and line.render() == "":
                continue
            if not line.components:
                continue
            out.append(line)
        return out


# -- one cache ---------------------------------------------------------------------------------


class CacheStepKind(str, enum.Enum):
    """What a step does with its cache."""

    RESTORE_AND_SAVE = "restore+save"
    """Restores in the step, saves in the post step (actions/cache, setup-* actions)."""
    RESTORE_ONLY = "restore-only"
    SAVE_ONLY = "save-only"


@dataclass(frozen=True)
class VersionInputs:
    """What went into the cache version (see :func:`cachekit.caches.version.cache_version`)."""

    paths: tuple[str, ...]
    compression: str | None
    windows: bool
    enable_cross_os_archive: bool


@dataclass(frozen=True)
class CacheSpec:
    """One cache as a caching action computes it, for one action release on one runner.

    ``paths`` are the ``path`` lines as the action passes them to ``@actions/cache`` (for the
    setup actions, the absolute directories they compute; a part that cannot be known offline
    appears between angle quotes). ``version`` is ``None`` when a path is unknown or when the
    release's ``@actions/cache`` predates the version algorithm modelled here. ``save_always`` is
    ``None`` where the input does not exist. ``fails`` holds the error message when the step
    would fail as configured.
    """

    action: str
    ref: str
    release: str | None
    kind: CacheStepKind
    key: KeyTemplate
    restore_keys: tuple[KeyTemplate, ...]
    paths: tuple[str, ...]
    version_inputs: VersionInputs | None
    version: str | None
    name: str = ""
    lookup_only: bool = False
    fail_on_cache_miss: bool = False
    enable_cross_os_archive: bool = False
    save_always: bool | None = None
    fails: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def uses(self) -> str:
        return f"{self.action}@{self.ref}"

    @property
    def restores(self) -> bool:
        return self.kind is not CacheStepKind.SAVE_ONLY

    @property
    def saves(self) -> bool:
        return self.kind is not CacheStepKind.RESTORE_ONLY


def unknown_path(name: str) -> str:
    """How a path that cannot be known offline is written in :attr:`CacheSpec.paths`."""
    return OPEN + name + CLOSE


def paths_known(paths: Iterable[str]) -> bool:
    return not any(OPEN in p for p in paths)
