"""Ruby: Bundler — declared once.

Bundler reads ``Gemfile``/``Gemfile.lock`` (or ``gems.rb``/``gems.locked``, the names Bundler 2
also accepts) and installs into ``BUNDLE_PATH`` — in CI usually ``vendor/bundle``, set by
``bundle config set path`` or by ruby/setup-ruby's ``bundler-cache: true``. What it installs
there is built: native extensions are compiled for one Ruby ABI, OS and architecture, so the
directory is an installed environment, not a download cache. Locations:
https://bundler.io/man/bundle-config.1.html (``BUNDLE_PATH``, ``BUNDLE_USER_CACHE`` =
``~/.bundle/cache``) and ``gem env`` (``Gem.user_dir``: ``~/.gem``).

ruby/setup-ruby's own cache (:mod:`cachekit.caches.actions.setup_ruby`) keys ``vendor/bundle``
on the platform, the Ruby, the working directory, Bundler's group variables and the lock, and
cleans stale gems on a partial restore: the recipe proposes it rather than a hand-written step.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..fs.trees import Tree
from ..shell.argv import parse as _parse
from ..shell.argv import spec as _spec
from .commands import Command, Ctx, one
from .commands import make as _cmd
from .declare import declare, everywhere
from .detect import Dir as _Dir
from .detect import Manager
from .detect import join as _join
from .detect import version_files as _version_files
from .model import (
    BUILT_ENV,
    DOWNLOADS,
    CacheDir,
    Locations,
    NamedDir,
    PackageManager,
    Program,
    Tool,
)
from .recipe import CachePath, Recipe, RecipeBuilder

__all__ = ["ECOSYSTEM"]

SETUP_ACTION = "ruby/setup-ruby"

TOOLS = (Tool("bundle", frozenset({"install"}), ("bundler",)),)

MANAGERS = (
    PackageManager(
        "bundler", locks=("Gemfile.lock", "gems.locked"), manifests=("Gemfile", "gems.rb")
    ),
)

_LOCKS = MANAGERS[0].locks
_MANIFESTS = MANAGERS[0].manifests

VERSION_FILES = (".ruby-version", "mise.toml")
"""Files naming the Ruby version, as setup-ruby reads them (``.tool-versions`` too, by asdf)."""

LOCATIONS: Locations = {
    "BUNDLE_USER_HOME": everywhere("~/.bundle"),
    "BUNDLE_USER_CACHE": everywhere("{BUNDLE_USER_HOME}/cache"),
}
CACHE_DIRS = (
    CacheDir(
        "{BUNDLE_USER_CACHE}",
        DOWNLOADS,
        "bundler",
        "Bundler's download cache: fetched .gem archives and git sources",
        False,
    ),
    CacheDir(
        "~/.gem",
        BUILT_ENV,
        "bundler",
        "RubyGems' user directory (gem install --user-install): installed gems with native"
        " extensions built for one Ruby, OS and architecture",
        True,
    ),
)
NAMED_DIRS = (
    NamedDir(
        r"vendor/bundle",
        BUILT_ENV,
        "bundler",
        "Bundler's install path (BUNDLE_PATH): installed gems with native extensions built for"
        " one Ruby, OS and architecture",
        True,
    ),
)


# -- detection --------------------------------------------------------------------------------


def _detect(tree: Tree, dirs: dict[str, _Dir]) -> list[Manager]:
    """One Bundler project per directory holding a ``Gemfile`` or ``gems.rb``."""
    out: list[Manager] = []
    for rel, d in sorted(dirs.items()):
        manifest = next((m for m in _MANIFESTS if m in d.files), None)
        if manifest is None:
            continue
        lock = _LOCKS[_MANIFESTS.index(manifest)]
        locks = (_join(rel, lock),) if lock in d.files else ()
        why = f"{manifest} present" + ("" if locks else f", no {lock} (bundle install writes it)")
        vf = _version_files(tree, rel, VERSION_FILES, "ruby")
        out.append(Manager("ruby", "bundler", rel, (_join(rel, manifest),), locks, (why,), vf))
    return out


# -- cache recipes ----------------------------------------------------------------------------


def _recipes(b: RecipeBuilder) -> list[Recipe]:
    bundle = CachePath(
        b.at("vendor/bundle"),
        BUILT_ENV,
        "installed gems (BUNDLE_PATH): native extensions are built for one Ruby, so the key"
        " names the Ruby",
    )
    inputs = {"bundler-cache": "true"}
    if b.m.directory:
        inputs["working-directory"] = b.m.directory
    return [
        b.recipe(
            "bundler",
            [bundle],
            interpreter=False,
            setup=(SETUP_ACTION, inputs),
            notes=[
                "ruby/setup-ruby's bundler-cache runs `bundle install` into vendor/bundle and"
                " caches it keyed on the platform, Ruby, working directory, BUNDLE_WITH/WITHOUT/"
                "ONLY and the lock; a partial restore is cleaned with `bundle clean`",
                "a hand-written cache must `bundle config set path vendor/bundle` first, and"
                " its key must name the Ruby when the job can run more than one",
            ],
        )
    ]


# -- install commands --------------------------------------------------------------------------

_BUNDLE = _spec(
    "--gemfile --path --jobs --retry --with --without --binstubs --shebang --standalone"
    " --target-rbconfig --trust-policy",
    "--deployment --frozen --local --prefer-local --quiet --verbose --no-cache --system"
    " --full-index --force --redownload --clean --no-prune --help",
    "j=--jobs",
)


def _bundle(argv: Sequence[str], at: int, ctx: Ctx) -> Command | None:
    """``bundle [install]`` (install is Bundler's default command) and ``bundle config``."""
    words = list(argv[at:])
    if words and words[0] == "config":
        return _cmd(ctx, "bundle", "config", argv, packages=tuple(words[1:]), venv=None)
    if words and words[0] not in ("install", "i"):
        return None  # exec, update, --version…
    words = words[1:]
    parsed = _parse(words, _BUNDLE)
    return _cmd(ctx, "bundle", "install", argv, options=tuple(parsed.options), venv=None)


PROGRAMS = (Program("bundler?", lambda argv, ctx: one(_bundle(argv, 1, ctx))),)

ECOSYSTEM = declare(
    globals(),
    name="ruby",
    interpreter_tag="ruby",
    setup_action=SETUP_ACTION,
    detect=_detect,
    recipes=lambda b, built: _recipes(b),
)
