"""``install-skipped-on-partial-hit`` (issue #12, item 13): an install guarded on a cache-hit
that a restore from an older entry also reports — setup-node with Yarn 2+ keeping its cache in
the project — and the guards that are right (actions/cache's exact-key cache-hit)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from treebuild import build

from cachekit.checks import check
from cachekit.checks.rules.hitguard import guarded_ids

CODE = "install-skipped-on-partial-hit"

WORKFLOW = """\
on: push
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: node
        uses: actions/setup-node@REF
        with:
          node-version: 20
          cache: MANAGER
      - if: GUARD
        run: yarn install --immutable
      - run: yarn test
"""
BERRY = {
    "package.json": '{"packageManager": "yarn@4.5.0"}\n',
    "yarn.lock": "__metadata:\n  version: 8\n",
    ".yarnrc.yml": "nodeLinker: node-modules\nenableGlobalCache: false\n",
}


def codes(root: Path, files: dict[str, str], **subst: str) -> list[int]:
    values = {"REF": "v4", "MANAGER": "yarn", "GUARD": "steps.node.outputs.cache-hit != 'true'"}
    values.update(subst)
    text = WORKFLOW
    for name, value in values.items():
        text = text.replace(name, value)
    build(root, {".github/workflows/ci.yml": text, **files})
    return [f.line for f in check(str(root)).findings if f.code == CODE]


def test_setup_node_yarn_berry_local_cache_guard(tmp_path: Path) -> None:
    guards = [
        "steps.node.outputs.cache-hit != 'true'",
        "${{ steps.node.outputs.cache-hit != true }}",
        "${{ !steps.node.outputs.cache-hit }}",  # a bare ! would be a YAML tag
        "steps.node.outputs.cache-hit == 'false'",
    ]
    for i, guard in enumerate(guards):
        assert codes(tmp_path / str(i), BERRY, GUARD=guard) == [12], guard


def test_exact_hit_semantics_are_not_reported(tmp_path: Path) -> None:
    cases = {
        "global-cache": ({**BERRY, ".yarnrc.yml": "nodeLinker: node-modules\n"}, {}),
        "committed-cache": ({**BERRY, ".yarn/cache/left-pad.zip": "z"}, {}),
        "npm": ({"package-lock.json": "{}\n", "package.json": "{}\n"}, {"MANAGER": "npm"}),
        "before-3.7": (BERRY, {"REF": "v3.6.0"}),
        "runs-on-hit": (BERRY, {"GUARD": "steps.node.outputs.cache-hit == 'true'"}),
    }
    for name, (files, subst) in cases.items():
        assert codes(tmp_path / name, files, **subst) == [], name


def test_actions_cache_with_restore_keys_guarding_the_install(tmp_path: Path) -> None:
    """actions/cache's cache-hit is 'false' on a restore-key match, so the guarded install runs
    and refreshes the partially restored environment: right."""
    text = """\
on: push
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: deps
        uses: actions/cache@v4
        with:
          path: node_modules
          key: nm-${{ hashFiles('yarn.lock') }}
          restore-keys: nm-
      - if: steps.deps.outputs.cache-hit != 'true'
        run: yarn install
"""
    build(tmp_path, {".github/workflows/ci.yml": text, **BERRY})
    assert [f for f in check(str(tmp_path)).findings if f.code == CODE] == []


IDS = st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,12}", fullmatch=True)


@given(IDS, st.sampled_from(["!= 'true'", "!= true", "== 'false'", "== false"]))
def test_skip_on_hit_guards_name_their_step(step_id: str, test: str) -> None:
    assert guarded_ids(f"steps.{step_id}.outputs.cache-hit {test}") == [step_id]
    assert guarded_ids(f"steps.{step_id}.outputs.cache-hit == 'true'") == []
