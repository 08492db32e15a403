"""scripts/update_action_releases.py on a small action repository built here (no network)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from gitutil import ENV, commit_all, git, init
from hypothesis import given
from hypothesis import strategies as st

from cachekit.caches.releases import ActionRelease

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "update_action_releases.py"
spec = importlib.util.spec_from_file_location("update_action_releases", SCRIPT)
assert spec is not None and spec.loader is not None
upd = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = upd  # dataclasses look their module up while the class is built
spec.loader.exec_module(upd)

ACTION_YML = """\
name: x
inputs:
  cache-dependency-glob:
    default: |
      **/uv.lock
      **/requirements*.txt
  enable-cache:
    default: "auto"
"""


def lock(version: str, *, v1: bool = False) -> str:
    if v1:
        return json.dumps(
            {"lockfileVersion": 1, "dependencies": {"@actions/cache": {"version": version}}}
        )
    return json.dumps(
        {"lockfileVersion": 3, "packages": {"node_modules/@actions/cache": {"version": version}}}
    )


def dated_commit(repo: Path, date: str) -> str:
    ENV["GIT_COMMITTER_DATE"] = ENV["GIT_AUTHOR_DATE"] = f"{date}T12:00:00Z"
    try:
        return commit_all(repo, date)
    finally:
        del ENV["GIT_COMMITTER_DATE"], ENV["GIT_AUTHOR_DATE"]


@pytest.fixture
def action_repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    repo = init(tmp_path / "owner+tool" / "repo")
    (repo / "package-lock.json").write_text(lock("3.2.4", v1=True))
    first = dated_commit(repo, "2024-01-02")
    git(repo, "tag", "v1.0.0")
    (repo / "package-lock.json").write_text(lock("4.0.3"))
    (repo / "action.yml").write_text(ACTION_YML)
    second = dated_commit(repo, "2024-03-04")
    git(repo, "tag", "-a", "v1.10.0", "-m", "annotated")  # peeled to the commit
    git(repo, "tag", "v1")  # a moving major tag
    git(repo, "tag", "nightly")  # not a release
    (repo / "package-lock.json").unlink()
    third = dated_commit(repo, "2024-05-06")
    git(repo, "tag", "v1.2.0")
    return repo, {"v1.0.0": first, "v1.10.0": second, "v1.2.0": third}


def test_reads_tags_dates_lock_and_inputs(action_repo) -> None:
    repo, commits = action_repo
    result = upd.read_repository("owner/tool", repo)
    assert [r.tag for r in result.releases] == ["v1.0.0", "v1.2.0", "v1.10.0"]  # by version
    by_tag = {r.tag: r for r in result.releases}
    assert {t: r.commit for t, r in by_tag.items()} == commits
    assert by_tag["v1.0.0"].toolkit == "3.2.4" and by_tag["v1.10.0"].toolkit == "4.0.3"
    assert by_tag["v1.2.0"].toolkit == ""  # no lock file in that release
    assert [r.date for r in result.releases] == ["2024-01-02", "2024-05-06", "2024-03-04"]
    assert by_tag["v1.0.0"].reads == {}
    assert by_tag["v1.10.0"].reads == {"cache-dependency-glob": "**/uv.lock\n**/requirements*.txt"}
    assert result.moving == {"v1": commits["v1.10.0"]}
    assert result.head == commits["v1.2.0"] and result.head_date == "2024-05-06"


def test_main_merges_stamps_the_date_and_the_reader_accepts_it(action_repo, tmp_path) -> None:
    repo, commits = action_repo
    data = tmp_path / "releases.json"
    data.write_text(
        json.dumps(
            {
                "fetched": "2020-01-01",
                "actions": {"other/kept": [["v1.0.0", "c" * 40, ""]]},
                "moving": {"other/kept": {}},
                "sources": {"other/kept": {"commit": "c" * 40, "commit_date": "2020-01-01"}},
            }
        )
    )
    assert upd.main(["--data", str(data), str(repo)]) == 0  # owner/tool from the path
    written = json.loads(data.read_text())
    assert written["fetched"] == "2024-05-06"  # the newest commit it describes
    assert written["actions"]["other/kept"] == [["v1.0.0", "c" * 40, ""]]
    rows = written["actions"]["owner/tool"]
    assert rows[0] == ["v1.0.0", commits["v1.0.0"], "3.2.4", "2024-01-02"]
    assert set(written["reads"]["owner/tool"]) == {"v1.10.0", "v1.2.0"}  # v1.0.0: no action.yml
    # The package's reader takes both row shapes (old rows have no date).
    t, c, v, *rest = rows[0]
    assert ActionRelease("owner/tool", t, c, v or None, *rest).version == (1, 0, 0)


def test_bad_input_is_one_line_and_a_failure(tmp_path: Path, capsys) -> None:
    (tmp_path / "empty").mkdir()
    assert upd.main(["--data", str(tmp_path / "d.json"), f"a/b={tmp_path / 'empty'}"]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "not a git directory" in err
    assert not (tmp_path / "d.json").exists()
    assert upd.main(["--data", str(tmp_path / "d.json"), str(tmp_path / "empty")]) == 1
    assert "owner/name=PATH" in capsys.readouterr().err


@given(st.text(max_size=200))
def test_lock_and_action_yml_parsers_never_raise(text: str) -> None:
    assert isinstance(upd.toolkit_version(text), str)
    assert isinstance(upd.read_defaults(text), dict)


@pytest.mark.parametrize(
    ("lock", "version"),
    [
        ('"@actions/cache@^5.0.3":\n  version "5.0.3"\n  resolved "https://x"\n', "5.0.3"),
        ('"@actions/cache@^4", "@actions/cache@^4.0.1":\n  version "4.0.3"\n', "4.0.3"),
        ('"@actions/cache@npm:^4.0.1":\n  version: 4.0.1\n', "4.0.1"),
        ('"@actions/core@^1":\n  version "1.10.0"\n', ""),
    ],
)
def test_the_toolkit_is_read_from_a_yarn_lock(lock: str, version: str) -> None:
    """ruby/setup-ruby locks its ``@actions/cache`` in yarn.lock, not package-lock.json."""
    assert upd.toolkit_version(lock) == version
