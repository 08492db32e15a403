"""Python's cache recipes: pip, pip-tools, Poetry, Pipenv, uv, conda.

Default locations, and where they were checked, are listed in :mod:`cachekit.suggest.recipes`.
"""

from __future__ import annotations

from ..model import BUILD_OUTPUT, BUILT_ENV, DOWNLOADS
from ..recipe import CachePath, Recipe, RecipeBuilder, os_paths

__all__ = ["recipes"]

_DL, _BUILD, _ENV = DOWNLOADS, BUILD_OUTPUT, BUILT_ENV

_PIP_WHY = (
    "downloads and locally built wheels only: every run still installs, but from local"
    " files; wheels are tagged by Python version, so one cache serves every version"
)


def _pip_paths() -> list[CachePath]:
    return os_paths(
        _DL, _PIP_WHY, "~/.cache/pip", "~/Library/Caches/pip", "~\\AppData\\Local\\pip\\Cache"
    )


def _venv_path(b: RecipeBuilder, why: str) -> CachePath:
    return CachePath(b.at(".venv"), _ENV, why)


def _python_recipes(b: RecipeBuilder, built: bool) -> list[Recipe]:
    m = b.m
    out: list[Recipe] = []
    name = m.name
    if name in ("pip", "pip-tools"):
        notes = [
            "pip cache dir moves with PIP_CACHE_DIR or XDG_CACHE_HOME: if the job sets either,"
            " take the path from a `pip cache dir` step instead",
        ]
        if name == "pip-tools":
            notes.append("keyed on the compiled files: the .in inputs matter only through them")
        if not m.locks:
            notes.append(
                "no lock file: the key hashes the manifests, so an unpinned dependency can"
                " change without changing the key (harmless for a download cache)"
            )
        setup = ("actions/setup-python", {"cache": "pip", "cache-dependency-path": b.dep_path})
        out.append(b.recipe(name, _pip_paths(), setup=setup, notes=notes))
        if built:
            out.append(
                b.recipe(
                    f"{name}-venv",
                    [
                        _venv_path(
                            b,
                            "the installed environment: skips the install on a hit, but is"
                            " only valid for this exact key and Python",
                        )
                    ],
                    interpreter=True,
                    restore=False,
                    notes=[
                        "the job must create the venv there (python -m venv .venv) and install"
                        " into it, skipping the install when cache-hit is 'true'",
                    ],
                )
            )
        return out
    if name == "poetry":
        why = "Poetry's repository metadata and downloaded distributions; the venv is rebuilt"
        paths = os_paths(
            _DL,
            why,
            "~/.cache/pypoetry/cache",
            "~/Library/Caches/pypoetry/cache",
            "~\\AppData\\Local\\pypoetry\\Cache\\cache",
        ) + os_paths(
            _DL,
            why,
            "~/.cache/pypoetry/artifacts",
            "~/Library/Caches/pypoetry/artifacts",
            "~\\AppData\\Local\\pypoetry\\Cache\\artifacts",
        )
        out.append(
            b.recipe(
                "poetry",
                paths,
                notes=["POETRY_CACHE_DIR or cache-dir move these directories"],
            )
        )
        in_project = any("in-project = true" in e for e in m.evidence)
        why = "the installed virtualenv: skips `poetry install` work, valid for one lock and Python"
        if in_project:
            venv = [_venv_path(b, why)]
        else:
            venv = os_paths(
                _ENV,
                why,
                "~/.cache/pypoetry/virtualenvs",
                "~/Library/Caches/pypoetry/virtualenvs",
                "~\\AppData\\Local\\pypoetry\\Cache\\virtualenvs",
            )
        out.append(
            b.recipe(
                "poetry-venv",
                venv,
                interpreter=True,
                restore=False,
                setup=(
                    "actions/setup-python",
                    {"cache": "poetry", "cache-dependency-path": b.dep_path},
                ),
                notes=[
                    "setup-python's cache: poetry needs poetry installed before it runs"
                    " (pipx install poetry) and caches virtualenvs.path plus an in-project .venv",
                    "set virtualenvs.in-project (poetry.toml or POETRY_VIRTUALENVS_IN_PROJECT)"
                    " to keep the venv in the project and out of the shared cache dir",
                ],
            )
        )
        return out
    if name == "pipenv":
        out.append(
            b.recipe(
                "pipenv",
                os_paths(
                    _DL,
                    "pipenv's download cache (PIPENV_CACHE_DIR, which pipenv hands to pip as"
                    " its cache dir): every run still installs, from local files",
                    "~/.cache/pipenv",
                    "~/Library/Caches/pipenv",
                    "~\\AppData\\Local\\pipenv\\pipenv\\Cache",
                ),
                notes=["pipenv gives pip its own cache dir: ~/.cache/pip stays empty"],
            )
        )
        why = "pipenv's virtualenvs: skips the install, valid for one lock and Python"
        out.append(
            b.recipe(
                "pipenv-venv",
                os_paths(
                    _ENV,
                    why,
                    "~/.local/share/virtualenvs",
                    "~/.local/share/virtualenvs",
                    "~\\.virtualenvs",
                ),
                interpreter=True,
                restore=False,
                setup=(
                    "actions/setup-python",
                    {"cache": "pipenv", "cache-dependency-path": b.dep_path},
                ),
                notes=[
                    "WORKON_HOME or PIPENV_VENV_IN_PROJECT move the virtualenv; the venv's"
                    " name includes a hash of the project path, the same on every run of a"
                    " hosted runner",
                ],
            )
        )
        return out
    if name == "uv":
        why = (
            "uv's cache: wheels built from source and metadata; run `uv cache prune --ci`"
            " before the save so pre-built wheels (faster to download) are not stored"
        )
        out.append(
            b.recipe(
                "uv",
                os_paths(_DL, why, "~/.cache/uv", "~/.cache/uv", "~\\AppData\\Local\\uv\\cache"),
                setup=(
                    "astral-sh/setup-uv",
                    {"enable-cache": "true", "cache-dependency-glob": b.dep_path},
                ),
                notes=[
                    "astral-sh/setup-uv caches this with enable-cache (on by default on"
                    " GitHub-hosted runners since v5) and prunes with --ci before saving",
                    "UV_CACHE_DIR moves the cache",
                ],
            )
        )
        if built:
            out.append(
                b.recipe(
                    "uv-venv",
                    [
                        _venv_path(
                            b,
                            "the project environment `uv sync` builds: valid for one lock"
                            " and Python; uv installs from its cache in seconds anyway",
                        )
                    ],
                    interpreter=True,
                    restore=False,
                    notes=[
                        "no setup action caches the project venv; UV_PROJECT_ENVIRONMENT moves it",
                        "use `uv sync --locked` so a stale lock fails instead of re-resolving",
                    ],
                )
            )
        return out
    # conda
    why = "conda's package cache (tarballs and extracted packages); environments are rebuilt"
    out.append(
        b.recipe(
            "conda",
            [CachePath("~/conda_pkgs_dir", _DL, why)],
            notes=[
                "~/conda_pkgs_dir is setup-miniconda's default pkgs_dirs; the cache step must"
                " run before setup-miniconda",
                "with an old conda, set setup-miniconda's use-only-tar-bz2: true or the"
                " cached packages are not reused",
                "with several environment files, narrow the key to the one the job uses",
            ],
        )
    )
    if built:
        out.append(
            b.recipe(
                "conda-env",
                [
                    CachePath(
                        "${{ env.CONDA }}/envs",
                        _ENV,
                        "the created environments: valid for one environment file and Python",
                    )
                ],
                interpreter=True,
                restore=False,
                notes=[
                    "restore before setup-miniconda and skip the environment update on a hit;"
                    " no setup action does this",
                ],
            )
        )
    return out


def recipes(b: RecipeBuilder, built: bool) -> list[Recipe]:
    """Python's recipes for the builder's manager."""
    return _python_recipes(b, built)
