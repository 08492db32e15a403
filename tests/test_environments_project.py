"""Reading project metadata statically: pyproject.toml, setup.cfg, setup.py and Pipfile.

Fixtures are shaped like real projects' files (Flask, requests, rich, celery, Poetry 2, uv).
Cross-checks use the reference implementations where one exists: ``packaging`` for PEP 508,
``configparser`` for setup.cfg values, and a setup.py run against a recording ``setup()`` for
what a literal setup.py declares (run in the test only: the reader itself never executes).
"""

from __future__ import annotations

import configparser
import sys
import tempfile
import textwrap
import types
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from cachekit.environments.pipfile import read_pipfile
from cachekit.environments.project import Dependency, Project, read_project
from cachekit.environments.project.poetry import poetry_python_marker, poetry_specifier
from cachekit.environments.project.setupcfg import _read_ini as read_ini
from cachekit.environments.toml import parse, positions
from cachekit.fs.gitrepo import GitRepo
from cachekit.fs.gittree import CommitTree
from cachekit.fs.trees import WorkTree
from tests.gitutil import commit_all, init
from tests.treebuild import build


def show(d: Dependency) -> str:
    """One compact line per dependency, so expectations read like the files."""
    extras = f"[{','.join(d.extras)}]" if d.extras else ""
    text = f"{d.group} {d.name}{extras}{d.specifier}"
    text += " pinned" if d.pinned else ""
    text += f" ;{d.marker}" if d.marker else ""
    text += f" <{d.source}>" if d.source else ""
    return f"{text} @{d.file}:{d.line}"


def project(tmp_path: Path, files: dict[str, object], directory: str = "") -> Project:
    build(tmp_path, {k: textwrap.dedent(v) if isinstance(v, str) else v for k, v in files.items()})
    found = read_project(WorkTree(str(tmp_path)), directory)
    assert found is not None
    return found


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the only line of ``text`` containing ``needle``."""
    hits = [i for i, line in enumerate(textwrap.dedent(text).splitlines(), 1) if needle in line]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


# --- pyproject.toml: PEP 621, PEP 735, build-system ------------------------------------------

FLASK_PYPROJECT = """\
    [project]
    name = "Flask"
    description = "A simple framework for building complex web applications."
    readme = "README.md"
    license = "BSD-3-Clause"
    requires-python = ">=3.10"
    dependencies = [
        "blinker>=1.9.0",
        "click>=8.1.3",
        "itsdangerous>=2.2.0",
        "jinja2>=3.1.2",
        "markupsafe>=2.1.1",
        "werkzeug>=3.1.0",
        # a comment between items
        "importlib-metadata>=3.6.0; python_version < '3.10'",
    ]
    dynamic = ["version"]

    [project.optional-dependencies]
    async = ["asgiref>=3.2"]
    DotEnv = ["python-dotenv"]

    [dependency-groups]
    dev = ["ruff", "tox", "tox-uv"]
    docs = ["pallets-sphinx-themes", "sphinx", "sphinx-tabs", "sphinxcontrib-log-cabinet"]
    tests = ["asgiref", "greenlet", "pytest", "python-dotenv"]
    typing = ["mypy", "pyright", {include-group = "tests"}, "types-contextvars"]

    [build-system]
    requires = ["flit_core<4"]
    build-backend = "flit_core.buildapi"
"""


def test_pep621_project_with_groups(tmp_path: Path) -> None:
    p = project(tmp_path, {"pyproject.toml": FLASK_PYPROJECT})
    assert (p.directory, p.files, p.name) == ("", ("pyproject.toml",), "Flask")
    assert (p.tool, p.build_backend) == ("flit", "flit_core.buildapi")
    assert (p.requires_python, p.requires_python_at) == (">=3.10", ("pyproject.toml", 6))
    assert [show(d) for d in p.dependencies] == [
        "project blinker>=1.9.0 @pyproject.toml:8",
        "project click>=8.1.3 @pyproject.toml:9",
        "project itsdangerous>=2.2.0 @pyproject.toml:10",
        "project jinja2>=3.1.2 @pyproject.toml:11",
        "project markupsafe>=2.1.1 @pyproject.toml:12",
        "project werkzeug>=3.1.0 @pyproject.toml:13",
        'project importlib-metadata>=3.6.0 ;python_version < "3.10" @pyproject.toml:15',
    ]
    assert p.dependencies[-1].text == "importlib-metadata>=3.6.0; python_version < '3.10'"
    assert {k: [show(d) for d in v] for k, v in p.optional.items()} == {
        "async": ["extra:async asgiref>=3.2 @pyproject.toml:20"],
        "dotenv": ["extra:dotenv python-dotenv @pyproject.toml:21"],
    }
    # include-group is expanded in place; included entries keep where they are written.
    assert [show(d) for d in p.groups["typing"]] == [
        "group:typing mypy @pyproject.toml:27",
        "group:typing pyright @pyproject.toml:27",
        "group:tests asgiref @pyproject.toml:26",
        "group:tests greenlet @pyproject.toml:26",
        "group:tests pytest @pyproject.toml:26",
        "group:tests python-dotenv @pyproject.toml:26",
        "group:typing types-contextvars @pyproject.toml:27",
    ]
    assert [show(d) for d in p.build_requires] == ["build flit-core<4 @pyproject.toml:30"]
    assert p.dynamic == ()  # only the version is dynamic: no dependency comes from elsewhere
    assert p.problems == ()


def test_all_dependencies_selects_extras_and_groups(tmp_path: Path) -> None:
    p = project(tmp_path, {"pyproject.toml": FLASK_PYPROJECT})
    names = lambda deps: [d.name for d in deps]  # noqa: E731
    assert names(p.all_dependencies()) == names(p.dependencies)
    assert names(p.all_dependencies(["DotEnv"]))[-1] == "python-dotenv"
    assert len(p.all_dependencies(["*"])) == len(p.dependencies) + 2
    assert names(p.all_dependencies(groups=["dev"]))[-3:] == ["ruff", "tox", "tox-uv"]
    everything = p.all_dependencies(["*"], ["*"])
    assert len(everything) == 7 + 2 + 3 + 4 + 4 + 7


def test_dependency_group_problems(tmp_path: Path) -> None:
    text = """\
        [dependency-groups]
        a = [{include-group = "b"}, "x"]
        b = [{include-group = "a"}]
        c = [{include-group = "missing"}, 3]
        C = ["y"]
    """
    p = project(tmp_path, {"pyproject.toml": text})
    messages = [str(x) for x in p.problems]
    assert "pyproject.toml:5: dependency group 'C' duplicates 'c'" in messages
    assert "pyproject.toml:4: dependency-groups.c: 3 is not a string" in messages
    assert "pyproject.toml:4: include-group 'missing': no such group" in messages
    assert "pyproject.toml:3: include-group cycle: a -> b -> a" in messages
    assert len(messages) == len(set(messages)) == 4  # each said once, not once per expansion
    assert [d.name for d in p.groups["a"]] == ["x"]


def test_direct_references_and_unreadable_entries(tmp_path: Path) -> None:
    sha = "0123456789abcdef0123456789abcdef01234567"
    text = f"""\
        [project]
        name = "app"
        dependencies = [
          "lib @ git+https://github.com/org/lib.git@{sha}",
          "tool @ git+https://github.com/org/tool.git@main",
          "local @ file:///srv/wheels/local-1.0-py3-none-any.whl",
          "remote @ https://example.com/remote-1.0.tar.gz",
          "pinned===1.0",
          "star==1.*",
          "not a requirement!",
        ]
    """
    p = project(tmp_path, {"pyproject.toml": text})
    assert [show(d) for d in p.dependencies] == [
        f"project lib pinned <git:https://github.com/org/lib.git@{sha}> @pyproject.toml:4",
        "project tool <git:https://github.com/org/tool.git@main> @pyproject.toml:5",
        "project local <path:/srv/wheels/local-1.0-py3-none-any.whl> @pyproject.toml:6",
        "project remote <url:https://example.com/remote-1.0.tar.gz> @pyproject.toml:7",
        "project pinned===1.0 pinned @pyproject.toml:8",
        "project star==1.* @pyproject.toml:9",
        "project None @pyproject.toml:10",
    ]
    assert len(p.problems) == 1
    assert str(p.problems[0]).startswith("pyproject.toml:10: invalid requirement 'not a req")


def test_invalid_toml_is_a_problem_with_its_line(tmp_path: Path) -> None:
    text = '[project]\nname = "x"\ndependencies = ["a",\n  "b" "c"]\n'
    p = project(tmp_path, {"pyproject.toml": text})
    assert p.dependencies == ()
    assert len(p.problems) == 1
    assert p.problems[0].line == 4 and "invalid TOML" in p.problems[0].message


def test_no_metadata_files_is_none(tmp_path: Path) -> None:
    build(tmp_path, {"README.md": "hi", "sub/setup.py": "from setuptools import setup\n"})
    assert read_project(WorkTree(str(tmp_path))) is None
    for directory in ("sub", "./sub/", "sub/x/.."):
        found = read_project(WorkTree(str(tmp_path)), directory)
        assert found is not None and found.files == ("sub/setup.py",)
        assert found.directory == "sub"


@pytest.mark.parametrize(
    ("pyproject", "tool"),
    [
        ('[build-system]\nbuild-backend = "hatchling.build"\n', "hatch"),
        ('[build-system]\nbuild-backend = "setuptools.build_meta:__legacy__"\n', "setuptools"),
        ('[build-system]\nbuild-backend = "pdm.backend"\n', "pdm"),
        ('[build-system]\nbuild-backend = "uv_build"\n', "uv"),
        ('[build-system]\nbuild-backend = "maturin"\n', "maturin"),
        ('[build-system]\nbuild-backend = "mesonpy"\n', "unknown"),
        ('[project]\nname = "x"\n\n[tool.uv]\npackage = false\n', "uv"),
        ('[project]\nname = "x"\n', "setuptools"),  # what pip builds it with
        ("[tool.black]\nline-length = 100\n", "unknown"),
    ],
)
def test_tool(tmp_path: Path, pyproject: str, tool: str) -> None:
    assert project(tmp_path, {"pyproject.toml": pyproject}).tool == tool


def test_uv_and_pdm_dev_dependencies(tmp_path: Path) -> None:
    text = """\
        [project]
        name = "svc"
        dependencies = []

        [tool.uv]
        dev-dependencies = ["pytest>=8"]

        [tool.pdm.dev-dependencies]
        Lint = ["ruff"]
    """
    p = project(tmp_path, {"pyproject.toml": text})
    assert [show(d) for d in p.groups["dev"]] == ["group:dev pytest>=8 @pyproject.toml:6"]
    assert [show(d) for d in p.groups["lint"]] == ["group:lint ruff @pyproject.toml:9"]


# --- dynamic metadata ------------------------------------------------------------------------


def test_setuptools_dynamic_dependencies_from_files(tmp_path: Path) -> None:
    text = """\
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "svc"
        dynamic = ["version", "dependencies", "optional-dependencies"]

        [tool.setuptools.dynamic]
        version = {attr = "svc.__version__"}
        dependencies = {file = ["requirements/base.txt", "requirements/extra.txt"]}
        optional-dependencies.dev = {file = "../shared/dev.txt"}
    """
    p = project(tmp_path, {"pkg/pyproject.toml": text}, "pkg")
    assert p.directory == "pkg" and p.files == ("pkg/pyproject.toml",)
    assert [(d.line, d.reads) for d in p.dynamic] == [
        (11, "pkg/requirements/base.txt"),
        (11, "pkg/requirements/extra.txt"),
        (12, "shared/dev.txt"),
    ]
    assert p.dynamic[0].what == (
        "dependencies come from requirements/base.txt ([tool.setuptools.dynamic])"
    )
    assert p.dynamic[2].what == (
        "optional-dependencies.dev come from ../shared/dev.txt ([tool.setuptools.dynamic])"
    )
    assert all(d.file == "pkg/pyproject.toml" for d in p.dynamic)


def test_hatch_requirements_txt_plugin(tmp_path: Path) -> None:
    text = """\
        [build-system]
        requires = ["hatchling", "hatch-requirements-txt"]
        build-backend = "hatchling.build"

        [project]
        name = "svc"
        dynamic = ["dependencies", "optional-dependencies"]

        [tool.hatch.metadata.hooks.requirements_txt]
        files = ["requirements.txt"]

        [tool.hatch.metadata.hooks.requirements_txt.optional-dependencies]
        crypto = ["requirements-crypto.txt"]
    """
    p = project(tmp_path, {"pyproject.toml": text})
    assert [(d.line, d.reads) for d in p.dynamic] == [
        (10, "requirements.txt"),
        (13, "requirements-crypto.txt"),
    ]
    assert p.tool == "hatch"


def test_dynamic_without_a_known_source(tmp_path: Path) -> None:
    text = """\
        [build-system]
        requires = ["hatchling"]
        build-backend = "hatchling.build"

        [project]
        name = "svc"
        dynamic = ["version",
          "dependencies"]
    """
    p = project(tmp_path, {"pyproject.toml": text})
    assert [(d.line, d.what, d.reads) for d in p.dynamic] == [
        (8, "dependencies is dynamic: hatchling.build computes it", None)
    ]


def test_dynamic_dependencies_of_setuptools_come_from_setup_py(tmp_path: Path) -> None:
    p = project(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "x"\ndynamic = ["dependencies"]\n',
            "setup.py": "from setuptools import setup\nsetup(install_requires=['six'])\n",
        },
    )
    assert p.dynamic == ()
    assert [show(d) for d in p.dependencies] == ["project six @setup.py:2"]
    assert p.files == ("pyproject.toml", "setup.py")


# --- Poetry ----------------------------------------------------------------------------------

RICH_PYPROJECT = """\
    [tool.poetry]
    name = "rich"
    version = "13.7.1"
    description = "Render rich text, tables, progress bars, syntax highlighting"

    [tool.poetry.dependencies]
    python = ">=3.8.0"
    pygments = "^2.13.0"
    ipywidgets = { version = ">=7.5.1,<9", optional = true }
    markdown-it-py = ">=2.2.0"
    typing-extensions = { version = "^4.0.0", python = "<3.9" }
    pywin32 = { version = "306", platform = "win32", markers = "implementation_name == 'cpython'" }
    requests = { version = "^2.31", extras = ["Socks"], source = "private" }
    pendulum = [
        { version = "^1.5", python = "<3.4" },
        { version = "^2.0", python = "^3.4" },
    ]
    mylib = { git = "https://github.com/org/mylib.git", rev = "SHA" }
    other = { git = "https://github.com/org/other.git", branch = "main" }
    sibling = { path = "../sibling", develop = true }
    wheel-dep = { url = "https://example.com/wheel_dep-1.0-py3-none-any.whl" }
    alt = "1.2.3 || 2.0.0"
    exact = "1.2.3"

    [tool.poetry.extras]
    jupyter = ["ipywidgets"]

    [tool.poetry.dev-dependencies]
    pytest = "^7.0.0"

    [tool.poetry.group.Docs.dependencies]
    sphinx = "~7.1"

    [build-system]
    requires = ["poetry-core>=1.0.0"]
    build-backend = "poetry.core.masonry.api"
"""


def test_poetry_project(tmp_path: Path) -> None:
    sha = "0123456789abcdef0123456789abcdef01234567"
    p = project(tmp_path, {"pyproject.toml": RICH_PYPROJECT.replace("SHA", sha)})
    assert (p.name, p.tool) == ("rich", "poetry")
    assert (p.requires_python, p.requires_python_at) == (">=3.8.0", ("pyproject.toml", 7))
    assert [show(d) for d in p.dependencies] == [
        "project pygments<3.0.0,>=2.13.0 @pyproject.toml:8",
        "project markdown-it-py>=2.2.0 @pyproject.toml:10",
        'project typing-extensions<5.0.0,>=4.0.0 ;python_version < "3.9" @pyproject.toml:11',
        'project pywin32==306 pinned ;sys_platform == "win32" and '
        "implementation_name == 'cpython' @pyproject.toml:12",
        "project requests[socks]<3.0,>=2.31 @pyproject.toml:13",
        'project pendulum<2.0,>=1.5 ;python_version < "3.4" @pyproject.toml:15',
        'project pendulum<3.0,>=2.0 ;python_version >= "3.4" and python_version < "4.0" '
        "@pyproject.toml:16",
        f"project mylib pinned <git:https://github.com/org/mylib.git@{sha}> @pyproject.toml:18",
        "project other <git:https://github.com/org/other.git@main> @pyproject.toml:19",
        "project sibling <path:../sibling> @pyproject.toml:20",
        "project wheel-dep <url:https://example.com/wheel_dep-1.0-py3-none-any.whl> "
        "@pyproject.toml:21",
        "project alt1.2.3 || 2.0.0 @pyproject.toml:22",
        "project exact==1.2.3 pinned @pyproject.toml:23",
    ]
    assert p.dependencies[0].text == "pygments ^2.13.0"
    assert p.dependencies[4].text == (
        'requests { version = "^2.31", extras = ["Socks"], source = "private" }'
    )
    assert [show(d) for d in p.optional["jupyter"]] == [
        "extra:jupyter ipywidgets<9,>=7.5.1 @pyproject.toml:9"
    ]
    assert [show(d) for d in p.groups["dev"]] == [
        "group:dev pytest<8.0.0,>=7.0.0 @pyproject.toml:29"
    ]
    assert [show(d) for d in p.groups["docs"]] == ["group:docs sphinx<7.2,>=7.1 @pyproject.toml:32"]
    assert [show(d) for d in p.build_requires] == ["build poetry-core>=1.0.0 @pyproject.toml:35"]
    assert p.problems == ()


def test_poetry2_project_table_is_not_counted_twice(tmp_path: Path) -> None:
    text = """\
        [project]
        name = "poetry-demo"
        requires-python = ">=3.10,<4.0"
        dependencies = ["build (>=1.2.1,<2.0.0)", "cleo (>=2.1.0,<3.0.0)"]
        dynamic = ["classifiers"]

        [tool.poetry.dependencies]
        cleo = { source = "private" }

        [tool.poetry.group.test.dependencies]
        pytest = ">=8.0"
    """
    p = project(tmp_path, {"pyproject.toml": text})
    assert [show(d) for d in p.dependencies] == [
        "project build<2.0.0,>=1.2.1 @pyproject.toml:4",
        "project cleo<3.0.0,>=2.1.0 @pyproject.toml:4",
    ]
    assert [d.name for d in p.groups["test"]] == ["pytest"]
    assert p.requires_python == ">=3.10,<4.0"


def test_poetry_dynamic_fields_are_filled_by_poetry(tmp_path: Path) -> None:
    text = """\
        [project]
        name = "demo"
        dynamic = ["dependencies", "requires-python"]

        [tool.poetry.dependencies]
        python = "^3.9"
        requests = "^2.31"
    """
    p = project(tmp_path, {"pyproject.toml": text})
    assert p.dynamic == ()
    assert p.requires_python == "<4.0,>=3.9"
    assert [d.name for d in p.dependencies] == ["requests"]


@pytest.mark.parametrize(
    ("constraint", "inside", "outside"),
    [
        # Poetry's documented meaning of each form (python-poetry.org, dependency specification).
        ("^1.2.3", ["1.2.3", "1.9"], ["1.2.2", "2.0.0"]),
        ("^1.2", ["1.2.0", "1.99"], ["1.1", "2.0.0"]),
        ("^1", ["1.0.0", "1.99"], ["0.9", "2.0.0"]),
        ("^0.2.3", ["0.2.3", "0.2.99"], ["0.2.2", "0.3.0"]),
        ("^0.0.3", ["0.0.3"], ["0.0.2", "0.0.4"]),
        ("^0.0", ["0.0.0", "0.0.99"], ["0.1.0"]),
        ("^0", ["0.0.0", "0.99"], ["1.0.0"]),
        ("~1.2.3", ["1.2.3", "1.2.99"], ["1.2.2", "1.3.0"]),
        ("~1.2", ["1.2.0", "1.2.99"], ["1.1", "1.3.0"]),
        ("~1", ["1.0.0", "1.99"], ["2.0.0"]),
        ("1.2.*", ["1.2.0", "1.2.99"], ["1.3.0", "1.1"]),
        ("*", ["0.1", "99"], []),
        ("1.2.3", ["1.2.3"], ["1.2.4"]),
        (">=1.2 <2", ["1.2", "1.99"], ["2.0", "1.1"]),
        (">= 1.2, < 2.0", ["1.2"], ["2.0"]),
        ("~=1.4", ["1.4", "1.9"], ["2.0"]),
        ("!=1.5", ["1.4"], ["1.5"]),
        ("^1.2.3b1", ["1.2.3b1", "1.5"], ["2.0.0"]),
    ],
)
def test_poetry_specifier_means_what_poetry_means(
    constraint: str, inside: list[str], outside: list[str]
) -> None:
    converted = poetry_specifier(constraint)
    assert converted is not None
    spec = SpecifierSet(converted, prereleases=True)
    assert all(Version(v) in spec for v in inside), converted
    assert not any(Version(v) in spec for v in outside), converted


def test_poetry_specifier_without_a_pep440_form() -> None:
    assert poetry_specifier("^1.2 || ^2.0") is None
    assert poetry_specifier("latest") == "==latest" or poetry_specifier("latest") is None
    assert poetry_specifier("^not-a-version") is None


@pytest.mark.parametrize(
    ("python", "marker"),
    [
        ("^3.8", 'python_version >= "3.8" and python_version < "4.0"'),
        (">=3.8.1", 'python_full_version >= "3.8.1"'),
        (
            "~2.7 || ^3.4",
            '(python_version >= "2.7" and python_version < "2.8") or '
            '(python_version >= "3.4" and python_version < "4.0")',
        ),
        ("*", ""),
    ],
)
def test_poetry_python_marker(python: str, marker: str) -> None:
    assert poetry_python_marker(python) == marker


# --- setup.cfg -------------------------------------------------------------------------------

SETUP_CFG = """\
    [metadata]
    name = example-service
    version = attr: example.__version__

    [options]
    packages = find:
    python_requires = >=3.8
    ; a semicolon comment
    install_requires =
        requests>=2.28  # pinned loosely on purpose
        # an indented comment line
        PyYAML>=6.0

        importlib-metadata; python_version<"3.10"
    setup_requires = setuptools_scm>=6.2; wheel
    tests_require = file: requirements/test.txt

    [options.extras_require]
    Security =
        cryptography>=41
    socks = PySocks>=1.5.6, !=1.5.7

    [options.entry_points]
    console_scripts =
        example = example.cli:main
"""


def test_setup_cfg(tmp_path: Path) -> None:
    p = project(tmp_path, {"setup.cfg": SETUP_CFG})
    assert (p.name, p.tool, p.files) == ("example-service", "setuptools", ("setup.cfg",))
    assert (p.requires_python, p.requires_python_at) == (">=3.8", ("setup.cfg", 7))
    assert [show(d) for d in p.dependencies] == [
        "project requests>=2.28 @setup.cfg:10",
        "project pyyaml>=6.0 @setup.cfg:12",
        'project importlib-metadata ;python_version < "3.10" @setup.cfg:14',
    ]
    # One line: setuptools splits a single-line list on ';' (so markers need multi-line).
    assert [show(d) for d in p.build_requires] == [
        "build setuptools-scm>=6.2 @setup.cfg:15",
        "build wheel @setup.cfg:15",
    ]
    assert [show(d) for d in p.optional["security"]] == [
        "extra:security cryptography>=41 @setup.cfg:20"
    ]
    assert [show(d) for d in p.optional["socks"]] == [
        "extra:socks pysocks!=1.5.7,>=1.5.6 @setup.cfg:21"
    ]
    assert p.problems == ()


def test_setup_cfg_file_directive(tmp_path: Path) -> None:
    cfg = "[options]\ninstall_requires = file: requirements.txt, requirements-extra.txt\n"
    p = project(tmp_path, {"app/setup.cfg": cfg}, "app")
    assert [(d.line, d.reads) for d in p.dynamic] == [
        (2, "app/requirements.txt"),
        (2, "app/requirements-extra.txt"),
    ]


def test_setup_cfg_problems(tmp_path: Path) -> None:
    cfg = "stray line\n[options]\ninstall_requires = a\ninstall_requires = b\nno delimiter\n"
    p = project(tmp_path, {"setup.cfg": cfg})
    assert [str(x) for x in p.problems] == [
        "setup.cfg:1: unreadable line (a line before any section): 'stray line'",
        "setup.cfg:4: option 'install_requires' appears twice in a section",
        "setup.cfg:5: unreadable line (not 'key = value'): 'no delimiter'",
    ]


_INI_LINES = st.sampled_from(
    [
        "[options]",
        "[metadata]",
        "[options.extras_require]",
        "install_requires =",
        "install_requires = a>=1",
        "Name: x",
        "key=value",
        "  continued",
        "\tcontinued2",
        "",
        "   ",
        "# comment",
        "; comment",
        "  # indented comment",
        "x = y = z",
        "[options]  ",
    ]
)


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(_INI_LINES, max_size=16))
def test_ini_values_match_configparser(lines: list[str]) -> None:
    """Where configparser reads the text, our values (lines joined) are its values.

    Non-strict, as duplicates then merge (sections) or the last wins (options) in both; we
    also report each duplicate as a Problem, since setuptools' strict parser rejects them.
    """
    text = "\n".join(lines) + "\n"
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        assume(False)
    problems: list[Any] = []
    ours = read_ini(text, "setup.cfg", problems)
    assert all("appears twice" in p.message for p in problems)
    assert set(ours) == set(parser.sections())
    for section in parser.sections():
        assert set(ours[section]) == set(parser[section])
        for key in parser[section]:
            value = ours[section][key]
            assert "\n".join(t for _, t in value.lines).strip() == parser[section][key].strip()
            assert key in lines[value.line - 1].lower()


# --- setup.py --------------------------------------------------------------------------------

REQUESTS_SETUP_PY = """\
    #!/usr/bin/env python
    import os
    import sys

    from setuptools import setup

    here = os.path.abspath(os.path.dirname(__file__))

    requires = [
        "charset_normalizer>=2,<4",
        "idna>=2.5,<4",
        "urllib3>=1.21.1,<3",
        "certifi>=2017.4.17",
    ]
    test_requirements = [
        "pytest-httpbin==2.0.0",
        "pytest-cov",
    ]

    about = {}
    with open(os.path.join(here, "requests", "__version__.py"), "r", "utf-8") as f:
        exec(f.read(), about)

    setup(
        name=about["__title__"],
        version=about["__version__"],
        packages=["requests"],
        python_requires=">=3.7",
        install_requires=requires,
        extras_require={
            "security": [],
            "socks": ["PySocks>=1.5.6, !=1.5.7"],
            "use_chardet_on_py3": ["chardet>=3.0.2,<6"],
            ':sys_platform == "win32" and python_version == "2.7"': ["win_inet_pton"],
        },
        tests_require=test_requirements,
    )
"""


def test_setup_py_literals_and_module_bindings(tmp_path: Path) -> None:
    p = project(tmp_path, {"setup.py": REQUESTS_SETUP_PY})
    assert (p.tool, p.name, p.requires_python) == ("setuptools", None, ">=3.7")
    assert p.requires_python_at == ("setup.py", 28)
    assert [show(d) for d in p.dependencies] == [
        "project charset-normalizer<4,>=2 @setup.py:10",
        "project idna<4,>=2.5 @setup.py:11",
        "project urllib3<3,>=1.21.1 @setup.py:12",
        "project certifi>=2017.4.17 @setup.py:13",
        'project win-inet-pton ;sys_platform == "win32" and python_version == "2.7" @setup.py:34',
    ]
    assert [show(d) for d in p.optional["socks"]] == [
        "extra:socks pysocks!=1.5.7,>=1.5.6 @setup.py:32"
    ]
    assert "security" not in p.optional  # an empty extra lists nothing
    # The version comes from exec()ing a file: computed, and the file it reads is named.
    assert [(d.line, d.what, d.reads) for d in p.dynamic] == [
        (26, "version is computed: about['__version__']", "requests/__version__.py")
    ]


def test_setup_py_matches_what_running_it_declares(tmp_path: Path) -> None:
    """Cross-check: run the literal setup.py against a recording setup() (test only)."""
    text = textwrap.dedent(REQUESTS_SETUP_PY).replace(
        'with open(os.path.join(here, "requests", "__version__.py"), "r", "utf-8") as f:\n'
        "    exec(f.read(), about)\n",
        'about = {"__title__": "requests", "__version__": "2.31.0"}\n',
    )
    seen: dict[str, Any] = {}
    fake = types.ModuleType("setuptools")
    fake.setup = lambda **kw: seen.update(kw)  # type: ignore[attr-defined]
    saved = sys.modules.get("setuptools")
    sys.modules["setuptools"] = fake
    try:
        exec(compile(text, "setup.py", "exec"), {"__file__": "setup.py", "__name__": "__main__"})
    finally:
        if saved is not None:
            sys.modules["setuptools"] = saved
    p = project(tmp_path, {"setup.py": text})
    declared = [Requirement(r) for r in seen["install_requires"]]
    for key, reqs in seen["extras_require"].items():
        name, _, marker = key.partition(":")
        if not name:
            declared += [Requirement(f"{r}; {marker}") for r in reqs]
    ours = [(d.name, d.specifier, d.marker) for d in p.dependencies]
    assert ours == [
        (canonicalize_name(r.name), str(r.specifier), str(r.marker or "")) for r in declared
    ]
    assert p.requires_python == seen["python_requires"]


FLASK_2010_SETUP_PY = """\
    from setuptools import setup

    setup(
        name='Flask',
        version='0.1',
        install_requires=open("requirements.txt").read().splitlines(),
        extras_require={'dev': open('requirements-dev.txt').readlines()},
        setup_requires=['setuptools_scm'],
    )
"""


def test_setup_py_reading_requirement_files(tmp_path: Path) -> None:
    p = project(tmp_path, {"setup.py": FLASK_2010_SETUP_PY, "requirements.txt": "Werkzeug\n"})
    assert p.dependencies == ()
    assert [(d.line, d.what, d.reads) for d in p.dynamic] == [
        (
            6,
            "install_requires is computed: open('requirements.txt').read().splitlines()",
            "requirements.txt",
        ),
        (
            7,
            "extras_require is computed: open('requirements-dev.txt').readlines()",
            "requirements-dev.txt",
        ),
    ]
    assert [show(d) for d in p.build_requires] == ["build setuptools-scm @setup.py:8"]


HELPER_SETUP_PY = """\
    import os
    import pathlib
    from setuptools import setup as _setup, find_packages

    HERE = pathlib.Path(__file__).parent
    REQ_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "requirements")


    def read_reqs(name):
        with open(os.path.join(REQ_DIR, name)) as fh:
            return [line.strip() for line in fh if line.strip() and not line.startswith("#")]


    def main():
        base = ["click>=8"]
        _setup(
            name="helper-app",
            packages=find_packages(),
            install_requires=base + read_reqs("base.txt"),
            extras_require={
                "docs": (HERE / "docs" / "requirements.txt").read_text().splitlines(),
                "all": read_reqs("all.txt") + ["rich"],
            },
        )


    if __name__ == "__main__":
        main()
"""


def test_setup_py_helpers_and_path_joins(tmp_path: Path) -> None:
    p = project(tmp_path, {"proj/setup.py": HELPER_SETUP_PY}, "proj")
    assert p.name == "helper-app"
    assert [show(d) for d in p.dependencies] == ["project click>=8 @proj/setup.py:15"]
    assert [show(d) for d in p.optional["all"]] == ["extra:all rich @proj/setup.py:22"]
    assert [(d.line, d.reads) for d in p.dynamic] == [
        (19, "proj/requirements/base.txt"),
        (21, "proj/docs/requirements.txt"),
        (22, "proj/requirements/all.txt"),
    ]
    assert p.dynamic[0].what == "install_requires is computed: read_reqs('base.txt')"


CELERY_SETUP_PY = """\
    import os
    import setuptools

    EXTENSIONS = ('redis', 'sqs')


    def _reqs(*f):
        return [
            r.strip() for r in open(os.path.join(os.getcwd(), 'requirements', *f)).readlines()
        ]


    def reqs(*f):
        return [req for req in _reqs(*f)]


    def extras(*p):
        return reqs('extras', *p)


    def install_requires():
        return reqs('default.txt')


    def extras_require():
        return {x: extras(x + '.txt') for x in EXTENSIONS}


    setuptools.setup(
        name='celery',
        install_requires=install_requires(),
        python_requires=">=3.8",
        extras_require=extras_require(),
    )
"""


def test_setup_py_parameters_are_followed_through_helpers(tmp_path: Path) -> None:
    p = project(tmp_path, {"setup.py": CELERY_SETUP_PY})
    assert p.name == "celery"
    assert [(d.line, d.what, d.reads) for d in p.dynamic] == [
        (31, "install_requires is computed: install_requires()", "requirements/default.txt"),
        # One file per extension: the name is computed, so no single file can be named.
        (33, "extras_require is computed: extras_require()", None),
    ]


@pytest.mark.parametrize(
    ("source", "expected", "dynamic"),
    [
        (
            "import setuptools as st\nst.setup(install_requires=['a'])\n",
            ["project a @setup.py:2"],
            [],
        ),
        (
            "from distutils.core import setup\nsetup(install_requires=('a', 'b'))\n",
            ["project a @setup.py:2", "project b @setup.py:2"],
            [],
        ),
        (
            "from setuptools import setup\nBASE = ['a']\nsetup(install_requires=[*BASE, 'b'] + "
            "['c'])\n",
            ["project a @setup.py:2", "project b @setup.py:3", "project c @setup.py:3"],
            [],
        ),
        (
            "from setuptools import setup\nsetup(install_requires='''\n  a>=1\n  # c\n  b\n''')\n",
            ["project a>=1 @setup.py:3", "project b @setup.py:5"],
            [],
        ),
        (
            "import re\nVERSION = re.compile('\\d+')\n"  # an invalid escape: no warning escapes
            "from setuptools import setup\nsetup(install_requires=['a'])\n",
            ["project a @setup.py:4"],
            [],
        ),
        (
            "from setuptools import setup\nsetup(install_requires='a\\nb')\n",
            ["project a @setup.py:2", "project b @setup.py:2"],
            [],
        ),
        (
            "from setuptools import setup\nconfig = dict(name='x', install_requires=['a'])\n"
            "setup(**config)\n",
            ["project a @setup.py:2"],
            [],
        ),
        (
            "from setuptools import setup\nimport os\nkw = {} if os.name == 'nt' else "
            "{'ext_modules': []}\nsetup(install_requires=['a'], **kw)\n",
            ["project a @setup.py:4"],
            [],
        ),
        (
            "from setuptools import setup\nsetup(**get_config())\n",
            [],
            [(2, "setup() takes **get_config(): its keywords are computed")],
        ),
        (
            "from setuptools import setup\nreqs = ['a']\nif True:\n    reqs.append('b')\n"
            "setup(install_requires=reqs)\n",
            ["project a @setup.py:2"],
            [(5, "install_requires is changed at line 4: reqs.append('b')")],
        ),
        (
            "from setuptools import setup\nfrom mypkg import __version__\n"
            "setup(version=__version__)\n",
            [],
            [
                (
                    3,
                    "version is computed: __version__ (imports mypkg.__version__: reading it runs "
                    "that code)",
                )
            ],
        ),
        (
            "from setuptools import setup\nsetup(install_requires=[r for r in ['a']])\n",
            [],
            [(2, "install_requires is computed: [r for r in ['a']]")],
        ),
        (
            "print('no setup call here')\n",
            [],
            [(1, "no setup() call found: its metadata exists only when setup.py runs")],
        ),
    ],
)
def test_setup_py_forms(
    tmp_path: Path, source: str, expected: list[str], dynamic: list[tuple[int, str]]
) -> None:
    p = project(tmp_path, {"setup.py": source})
    assert [show(d) for d in p.dependencies] == expected
    assert [(d.line, d.what) for d in p.dynamic] == dynamic
    assert p.problems == ()


def test_setup_py_is_never_run(tmp_path: Path) -> None:
    source = (
        "import pathlib\npathlib.Path('RAN').write_text('x')\nraise SystemExit(3)\n"
        "from setuptools import setup\nsetup(install_requires=['a'])\n"
    )
    p = project(tmp_path, {"setup.py": source})
    assert [d.name for d in p.dependencies] == ["a"]
    assert not (tmp_path / "RAN").exists()


def test_setup_py_encodings_and_syntax_errors(tmp_path: Path) -> None:
    latin1 = "# -*- coding: latin-1 -*-\nfrom setuptools import setup\nsetup(name='caf\xe9')\n"
    p = project(tmp_path / "a", {"setup.py": latin1.encode("latin-1")})
    assert p.name == "café" and p.problems == ()
    broken = project(tmp_path / "b", {"setup.py": "from setuptools import setup\nsetup(\n  x=\n"})
    assert len(broken.problems) == 1
    assert broken.problems[0].message.startswith("invalid Python")


def test_files_are_merged_in_order(tmp_path: Path) -> None:
    p = project(
        tmp_path,
        {
            "pyproject.toml": '[build-system]\nrequires = ["setuptools>=64", "wheel"]\n',
            "setup.cfg": "[metadata]\nname = from-cfg\n[options]\ninstall_requires =\n  a\n",
            "setup.py": "from setuptools import setup\n"
            "setup(name='from-py', install_requires=['b'])\n",
        },
    )
    assert p.files == ("pyproject.toml", "setup.cfg", "setup.py")
    assert p.name == "from-cfg"
    assert [show(d) for d in p.dependencies] == ["project a @setup.cfg:5", "project b @setup.py:2"]
    assert [d.name for d in p.build_requires] == ["setuptools", "wheel"]
    assert p.tool == "setuptools" and p.build_backend is None


def test_reads_a_git_commit(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    build(repo, {"pyproject.toml": textwrap.dedent(FLASK_PYPROJECT)})
    commit_all(repo)
    (repo / "pyproject.toml").write_text("[project]\nname = 'changed'\n")
    with GitRepo(str(repo)) as git:
        p = read_project(CommitTree(git, "HEAD"))
    assert p is not None and p.name == "Flask" and len(p.dependencies) == 7


# --- Pipfile ---------------------------------------------------------------------------------

PIPFILE = """\
    [[source]]
    url = "https://pypi.org/simple"
    verify_ssl = true
    name = "pypi"

    [packages]
    requests = "*"
    Django = ">=4.2,<5"
    "flask" = {version = "==3.0.0", extras = ["async"]}
    pywinusb = {version = "*", sys_platform = "== 'win32'"}
    gunicorn = {version = "21.2.0", markers = "sys_platform != 'win32'"}
    records = {git = "https://github.com/kennethreitz/records.git", ref = "v0.5.0"}
    mylib = {path = "./libs/mylib", editable = true}

    [dev-packages]
    pytest = "~=8.0"

    [requires]
    python_version = "3.11"
"""


def test_pipfile(tmp_path: Path) -> None:
    build(tmp_path, {"Pipfile": textwrap.dedent(PIPFILE)})
    pf = read_pipfile(WorkTree(str(tmp_path)))
    assert [show(d) for d in pf.packages] == [
        "pipfile:packages requests @Pipfile:7",
        "pipfile:packages django<5,>=4.2 @Pipfile:8",
        "pipfile:packages flask[async]==3.0.0 pinned @Pipfile:9",
        "pipfile:packages pywinusb ;sys_platform == 'win32' @Pipfile:10",
        "pipfile:packages gunicorn==21.2.0 pinned ;sys_platform != 'win32' @Pipfile:11",
        "pipfile:packages records <git:https://github.com/kennethreitz/records.git@v0.5.0> "
        "@Pipfile:12",
        "pipfile:packages mylib <path:./libs/mylib> @Pipfile:13",
    ]
    assert pf.packages[0].text == "requests *"
    assert [show(d) for d in pf.dev_packages] == ["pipfile:dev-packages pytest~=8.0 @Pipfile:16"]
    assert (pf.python_version, pf.python_at, pf.problems) == ("3.11", 19, ())


def test_pipfile_problems(tmp_path: Path) -> None:
    build(tmp_path, {"Pipfile": "[packages]\nok = '*'\nbad = '>>1'\n'no name!' = '*'\n"})
    pf = read_pipfile(WorkTree(str(tmp_path)))
    assert [d.name for d in pf.packages] == ["ok", "bad", None]
    assert [str(p) for p in pf.problems] == [
        "Pipfile:3: invalid version '>>1'",
        "Pipfile:4: invalid package name 'no name!'",
    ]
    missing = read_pipfile(WorkTree(str(tmp_path)), "sub/Pipfile")
    assert missing.packages == () and missing.problems[0].line == 0


# --- TOML positions --------------------------------------------------------------------------


def test_toml_positions_follow_tricky_syntax() -> None:
    text = (
        "# [not.a.table]\n"  # 1
        'a = """multi [x]\n'  # 2
        '# not a comment " "" \\""" \n'  # 3
        '"""\n'  # 4
        "b.c = 'lit # [y]'\n"  # 5
        '"quoted.key" = { x = 1, "y\\u0041" = [1,\n'  # 6
        "  2] }\n"  # 7
        "[[t]]\n"  # 8
        "n = 1\n"  # 9
        "[[t.sub]]\n"  # 10
        "[[t]]\r\n"  # 11
        "n = [ # c\n"  # 12
        '  "p",\n'  # 13
        "  # comment ]\n"  # 14
        '  """q""", ]\n'  # 15
        "d = 1979-05-27 07:32:00Z\n"  # 16
        "e = 1\n"  # 17
    )
    doc, problem = parse(text, "x.toml")
    assert problem is None and doc is not None
    at = doc.at
    assert at.line("a") == 2
    assert at.line("b", "c") == 5
    assert at.line("quoted.key", "yA") == 6
    assert at.line("quoted.key", "yA", 1) == 7
    assert at.line("t", 0) == 8 and at.line("t", 0, "n") == 9 and at.line("t", 0, "sub", 0) == 10
    assert at.line("t", 1) == 11 and at.line("t", 1, "n", 0) == 13 and at.line("t", 1, "n", 1) == 15
    assert at.line("t", 1, "d") == 16 and at.line("t", 1, "e") == 17
    assert at.raw("t", 1, "d") == "1979-05-27 07:32:00Z"
    assert at.line("t", 0, "missing") == 8  # the nearest known ancestor
    assert at.line("nowhere") == 1  # nothing known: the first line


@st.composite
def _toml_documents(draw: st.DrawFn) -> tuple[str, list[tuple[tuple[str | int, ...], str]]]:
    """A TOML text written with varied layout, and the strings in its arrays by path."""
    key = st.from_regex(r"[a-z][a-z0-9_-]{0,6}", fullmatch=True)
    word = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8)
    lines: list[str] = []
    expected: list[tuple[tuple[str | int, ...], str]] = []
    tables = draw(st.lists(key, min_size=1, max_size=4, unique=True))
    for table in tables:
        lines += draw(st.sampled_from([[], [""], ["# note"]]))
        lines.append(f"[{table}]")
        for name in draw(st.lists(key, max_size=3, unique=True)):
            items = draw(st.lists(word, max_size=4))
            quoted = [f'"{_escape(w)}"' for w in items]
            layout = draw(st.sampled_from(["inline", "multi", "trailing"]))
            if layout == "inline" or not items:
                lines.append(f"{name} = [{', '.join(quoted)}]")
            else:
                lines.append(f"{name} = [  # opened")
                for q in quoted:
                    lines.append(f"    {q},")
                    lines += draw(st.sampled_from([[], ["    # between"], [""]]))
                lines.append("]" if layout == "multi" else "  ]  # closed")
            expected += [((table, name, i), w) for i, w in enumerate(items)]
    return "\n".join(lines) + "\n", expected


def _escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace('"', '\\"')


@settings(max_examples=200, deadline=None)
@given(doc=_toml_documents())
def test_toml_every_array_string_is_on_its_line(
    doc: tuple[str, list[tuple[tuple[str | int, ...], str]]],
) -> None:
    text, expected = doc
    parsed, problem = parse(text, "f.toml")
    assert problem is None and parsed is not None
    lines = text.splitlines()
    for path, word in expected:
        line = lines[parsed.at.line(*path) - 1]
        assert f'"{_escape(word)}"' in line, (path, word, line)
        assert parsed.at.raw(*path) == f'"{_escape(word)}"'


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=200))
def test_positions_never_raise(text: str) -> None:
    positions(text)


# --- properties: round trips and never raising -----------------------------------------------

_NAMES = st.from_regex(r"[A-Za-z]([A-Za-z0-9._-]{0,10}[A-Za-z0-9])?", fullmatch=True)
_VERSIONS = st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3}){0,2}", fullmatch=True)
_SPECS = st.lists(
    st.tuples(st.sampled_from(["==", ">=", "<=", "<", ">", "!=", "~="]), _VERSIONS),
    max_size=3,
).map(lambda ps: ",".join(op + v for op, v in ps if op != "~=" or "." in v))
_MARKERS = st.sampled_from(
    ["", "python_version < '3.11'", "sys_platform == 'win32'", 'os_name != "nt"']
)


@st.composite
def _requirements(draw: st.DrawFn) -> list[str]:
    out = []
    for name in draw(st.lists(_NAMES, max_size=6, unique_by=canonicalize_name)):
        extras = draw(st.lists(_NAMES, max_size=2))
        text = name + (f"[{','.join(extras)}]" if extras else "") + draw(_SPECS)
        marker = draw(_MARKERS)
        out.append(text + (f"; {marker}" if marker else ""))
    return out


def _check_round_trip(p: Project, written: list[str], lines: list[str], file: str) -> None:
    assert p.problems == ()
    assert len(p.dependencies) == len(written)
    for dep, text in zip(p.dependencies, written, strict=True):
        req = Requirement(text)  # the reference parser
        assert dep.name == canonicalize_name(req.name)
        assert dep.specifier == str(req.specifier)
        assert dep.marker == str(req.marker or "")
        assert dep.extras == tuple(sorted(canonicalize_name(e) for e in req.extras))
        assert dep.file == file
        assert text in lines[dep.line - 1], (text, dep.line, lines)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reqs=_requirements(), gaps=st.lists(st.sampled_from(["", "# c", "  "]), max_size=6))
def test_pyproject_round_trip(reqs: list[str], gaps: list[str]) -> None:
    body = ["[project]", 'name = "x"', "dependencies = ["]
    for i, r in enumerate(reqs):
        body += gaps[i : i + 1] if gaps[i : i + 1] != [""] else []
        body.append(f"  {_toml_string(r)},")
    body.append("]")
    with _tree({"pyproject.toml": "\n".join(body) + "\n"}) as tree:
        p = read_project(tree)
    assert p is not None
    _check_round_trip(p, reqs, body, "pyproject.toml")


def _toml_string(text: str) -> str:
    return "'" + text + "'" if "'" not in text else '"' + text + '"'


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reqs=_requirements(), comment=st.booleans())
def test_setup_cfg_round_trip(reqs: list[str], comment: bool) -> None:
    body = ["[options]", "install_requires ="]
    for r in reqs:
        body.append(f"    {r}")
        if comment:
            body.append("    # a comment")
    with _tree({"setup.cfg": "\n".join(body) + "\n"}) as tree:
        p = read_project(tree)
    assert p is not None
    _check_round_trip(p, reqs, body, "setup.cfg")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reqs=_requirements(), via_name=st.booleans())
def test_setup_py_round_trip(reqs: list[str], via_name: bool) -> None:
    items = [f"    {r!r}," for r in reqs]
    if via_name:
        body = [
            "from setuptools import setup",
            "REQS = [",
            *items,
            "]",
            "setup(install_requires=REQS)",
        ]
    else:
        body = ["from setuptools import setup", "setup(install_requires=[", *items, "])"]
    with _tree({"setup.py": "\n".join(body) + "\n"}) as tree:
        p = read_project(tree)
    assert p is not None
    _check_round_trip(p, reqs, body, "setup.py")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    entries=st.lists(
        st.tuples(_NAMES, _SPECS), max_size=6, unique_by=lambda e: canonicalize_name(e[0])
    )
)
def test_pipfile_round_trip(entries: list[tuple[str, str]]) -> None:
    body = ["[packages]"] + [f'"{n}" = "{s or "*"}"' for n, s in entries]
    with _tree({"Pipfile": "\n".join(body) + "\n"}) as tree:
        pf = read_pipfile(tree)
    assert pf.problems == ()
    for dep, (name, spec) in zip(pf.packages, entries, strict=True):
        assert dep.name == canonicalize_name(name)
        assert dep.specifier == str(SpecifierSet(spec))
        assert f'"{name}"' in body[dep.line - 1]


_FRAGMENTS = st.sampled_from(
    [
        "\n",
        " ",
        "[project]",
        "[tool.poetry.dependencies]",
        "[options]",
        "[packages]",
        "dependencies = [",
        "]",
        "'",
        '"',
        "=",
        "{",
        "}",
        ",",
        "install_requires =",
        "\n  ",
        "setup(",
        ")",
        "**",
        "open(",
        "[dependency-groups]",
        "{include-group = 'a'}",
        "a = [",
        "dynamic = ['dependencies']",
        "python = '^3.8'",
        "x = {version='^1'}",
        "#",
        ";",
        "\\",
        "\x00",
        "é",
        "[[",
        "]]",
        "from setuptools import setup\n",
    ]
)
_JUNK = st.lists(_FRAGMENTS | st.text(max_size=4), max_size=30).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(["pyproject.toml", "setup.cfg", "setup.py", "Pipfile"]),
    text=_JUNK,
)
def test_arbitrary_text_never_raises(name: str, text: str) -> None:
    with _tree({name: text.encode("utf-8", "surrogatepass")}) as tree:
        if name == "Pipfile":
            found = read_pipfile(tree)
            deps: tuple[Dependency, ...] = found.packages + found.dev_packages
        else:
            p = read_project(tree)
            assert p is not None
            deps = p.all_dependencies(["*"], ["*"]) + p.build_requires
            for item in p.dynamic:
                assert item.line >= 1
    count = len(text.splitlines()) or 1
    for dep in deps:
        assert 1 <= dep.line <= count


class _tree:
    """A throwaway WorkTree for one Hypothesis example (tmp_path is per test, not per example)."""

    def __init__(self, files: dict[str, object]) -> None:
        self._dir = tempfile.TemporaryDirectory()
        build(Path(self._dir.name), files)

    def __enter__(self) -> WorkTree:
        return WorkTree(self._dir.name)

    def __exit__(self, *exc: object) -> None:
        self._dir.cleanup()
