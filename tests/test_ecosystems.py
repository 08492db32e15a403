"""The ecosystem registry: declarations that hold together, and the readers that use them."""

from __future__ import annotations

import re

import pytest

from cachekit.ecosystems import ECOSYSTEMS, OSES, CacheDir, Ecosystem, registry
from cachekit.environments import classify_path, parse_script
from cachekit.environments.locks import lock_kind
from cachekit.environments.paths import _LOCATIONS


def test_names_are_unique_across_ecosystems() -> None:
    eco_names = [e.name for e in ECOSYSTEMS]
    tool_names = [t.name for e in ECOSYSTEMS for t in e.tools]
    manager_names = [m.name for e in ECOSYSTEMS for m in e.managers]
    for names in (eco_names, tool_names, manager_names):
        assert len(names) == len(set(names)), names


def test_every_tool_acts_for_declared_managers() -> None:
    for e in ECOSYSTEMS:
        for t in e.tools:
            for name in t.managers:
                registry.manager(name)  # KeyError when a tool names a manager nobody declares


@pytest.mark.parametrize("eco", ECOSYSTEMS, ids=lambda e: e.name)
def test_locations_refer_to_known_variables(eco: Ecosystem) -> None:
    for name, per_os in eco.locations.items():
        assert set(per_os) <= set(OSES), name
        for template in per_os.values():
            for ref in re.findall(r"\{(\w+)\}", template):
                assert ref in _LOCATIONS, (name, ref)
    for d in eco.cache_dirs:
        for ref in re.findall(r"\{(\w+)\}", d.template):
            assert ref in _LOCATIONS, (d.template, ref)


@pytest.mark.parametrize(
    ("eco", "d"), registry.cache_dirs(), ids=lambda x: getattr(x, "template", "")
)
def test_each_cache_dir_default_classifies_as_itself(eco: Ecosystem, d: CacheDir) -> None:
    """A declared directory, spelled by its variable, is classified as that directory."""
    template = d.template
    m = re.fullmatch(r"\{(\w+)\}(/.*)?", template)
    if m is None or m.group(1) == "pythonLocation":
        pytest.skip("not a variable-rooted directory")
    path = "${{ env." + m.group(1) + " }}" + (m.group(2) or "")
    got = classify_path(path, os="Linux", env={m.group(1): "/srv/somewhere"})
    assert (got.kind, got.tool) == (d.holds, d.tool)
    assert got.ecosystem == eco.name


def test_lookups_follow_the_declarations() -> None:
    assert registry.managers_of_tool("yarn") == ("yarn-classic", "yarn-berry")
    assert registry.locks_of_tool("yarn") == ("yarn.lock",)
    assert registry.locks_of_tool("npm") == ("package-lock.json", "npm-shrinkwrap.json")
    assert registry.ecosystem_of_tool("cargo") == "rust"
    assert registry.ecosystem_of_tool("make") is None
    assert registry.tooling() < registry.tooling(ci=True)
    for lock in ("poetry.lock", "uv.lock", "Pipfile.lock", "go.sum", "Cargo.lock"):
        assert lock in registry.key_file_names()


def test_readers_use_the_registry() -> None:
    """The script reader's install verbs and tooling, and the lock reader's kinds."""
    (cmd,) = parse_script("cargo fetch").commands
    assert cmd.installs and "fetch" in registry.install_actions("cargo")
    (cmd,) = parse_script("pip install -U pip hatch").commands
    assert cmd.tooling
    assert lock_kind("sub/poetry.lock") == "poetry"
    assert lock_kind("Pipfile.lock") == "pipenv"
