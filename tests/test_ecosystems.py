"""The ecosystem registry: declarations that hold together, and the readers that use them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cachekit.ecosystems import (
    DOWNLOADS,
    ECOSYSTEMS,
    OSES,
    CacheDir,
    Ecosystem,
    PackageManager,
    Program,
    Tool,
    registry,
)
from cachekit.ecosystems.commands import Command, Ctx, make
from cachekit.ecosystems.declare import declare, everywhere
from cachekit.ecosystems.detect import Dir, Manager, join
from cachekit.ecosystems.recipe import CachePath, Recipe, RecipeBuilder
from cachekit.environments import classify_path, parse_script
from cachekit.environments.locks import lock_kind
from cachekit.environments.paths import _LOCATIONS
from cachekit.fs.trees import Tree, WorkTree
from cachekit.suggest.ecosystems import detect_managers
from cachekit.suggest.recipes import recipes_for
from tests.treebuild import build


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


# ----------------------------------------------------------------------------------------------
# A new ecosystem is one module and one registry line: everything else finds it


def _toy_ecosystem() -> Ecosystem:
    """What a minimal ecosystem module declares (a toy 'gem' manager, not a real one)."""
    managers = (PackageManager("toy", locks=("Toy.lock",), manifests=("Toyfile",)),)

    def detect(tree: Tree, dirs: dict[str, Dir]) -> list[Manager]:
        return [
            Manager("toy", "toy", rel, (join(rel, "Toyfile"),), (join(rel, "Toy.lock"),), ())
            for rel, d in dirs.items()
            if {"Toyfile", "Toy.lock"} <= d.files
        ]

    def recipes(b: RecipeBuilder, built: bool) -> list[Recipe]:
        return [b.recipe("toy", [CachePath("~/.toy", DOWNLOADS, "toy downloads")])]

    def recognise(argv: list[str], ctx: Ctx) -> list[Command]:
        return [make(ctx, "toy", argv[1], argv)] if argv[1:2] == ["install"] else []

    return Ecosystem(
        name="toy",
        interpreter_tag="toy",
        tools=(Tool("toy", frozenset({"install"}), ("toy",)),),
        managers=managers,
        locations={"TOY_HOME": dict.fromkeys(OSES, "~/.toy")},
        cache_dirs=(CacheDir("{TOY_HOME}", DOWNLOADS, "toy", "toy downloads", False),),
        programs=(Program("toy", recognise),),
        detect=detect,
        recipes=recipes,
    )


def test_a_registered_ecosystem_is_used_everywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry, "ECOSYSTEMS", (*registry.ECOSYSTEMS, _toy_ecosystem()))
    root = build(tmp_path, {"app/Toyfile": "x\n", "app/Toy.lock": "y\n"})
    tree = WorkTree(root)
    (found,) = [m for m in detect_managers(tree) if m.ecosystem == "toy"]
    assert (found.directory, found.locks) == ("app", ("app/Toy.lock",))
    (recipe,) = recipes_for(tree, found)
    assert recipe.key_files == ("app/Toy.lock",)
    (cmd,) = parse_script("cd app && toy install").commands
    assert (cmd.tool, cmd.installs, cmd.cwd) == ("toy", True, "app")
    assert registry.locks_of_tool("toy") == ("Toy.lock",)
    assert "Toy.lock" in registry.key_file_names()


def test_declare_builds_from_the_facts_stated_and_defaults_the_rest() -> None:
    tool = Tool("zz", frozenset({"install"}), ("zz",))
    eco = declare(
        {"TOOLS": (tool,), "LOCATIONS": {"ZZ_HOME": everywhere("~/.zz")}, "other": 1},
        name="zz",
        interpreter_tag="zz",
    )
    assert (eco.tools, eco.managers, eco.synonyms, eco.setup_action) == ((tool,), (), {}, None)
    assert dict(eco.locations["ZZ_HOME"]) == {
        "Linux": "~/.zz",
        "macOS": "~/.zz",
        "Windows": "~/.zz",
    }
    with pytest.raises(TypeError, match="ecosystem zz: MANAGERS must be a tuple of PackageManager"):
        declare({"MANAGERS": [PackageManager("zz")]}, name="zz", interpreter_tag="zz")
    with pytest.raises(TypeError, match="VERSION_FILES must be a tuple of str"):
        declare({"VERSION_FILES": ".zz-version"}, name="zz", interpreter_tag="zz")
