"""Key templates, runners and release references."""

from __future__ import annotations

import pytest

from cachekit.caches import (
    ActionError,
    ContextValue,
    HashFilesComponent,
    KeyTemplate,
    Literal,
    UnknownComponent,
    hosted_runner,
    latest_release,
    resolve_ref,
)
from cachekit.caches.releases import releases, toolkit_supported
from cachekit.hashing.hashfiles import Flavor

OS = ContextValue("runner.os", "Linux", "runs-on: ubuntu-24.04")
HASH = HashFilesComponent(("**/requirements.txt",), False, Flavor.RUNNER, "d34db33f")


def test_render_and_known() -> None:
    t = KeyTemplate.of(OS, "-pip-", HASH)
    assert t.render() == "Linux-pip-d34db33f"
    assert t.is_known and t.text == "Linux-pip-d34db33f"
    u = t + "-" + UnknownComponent("steps.x.outputs.y", "a step output")
    assert not u.is_known and u.text is None
    assert u.render() == "Linux-pip-d34db33f-\u2039steps.x.outputs.y\u203a"
    pending = KeyTemplate.of(HashFilesComponent(("a",), False, Flavor.RUNNER, None))
    assert pending.render() == "\u2039hashFiles('a')\u203a"
    assert not pending.is_known


def test_of_merges_literals_and_drops_empty() -> None:
    t = KeyTemplate.of("a", "", "b", OS, "c", KeyTemplate.of("d", "e"))
    assert t.components == (Literal("ab"), OS, Literal("cde"))


def test_assumptions() -> None:
    assumed = ContextValue("python version", "3.12.14", "manifest", assumed=True)
    assert KeyTemplate.of(OS, "-", assumed).assumptions == (assumed,)


def test_trim_and_multiline() -> None:
    t = KeyTemplate.of("  \n", OS, "-pip-\n  ! x \n\n", HASH, " \r\n")
    lines = t.multiline()
    assert [line.render() for line in lines] == ["Linux-pip-", "! x", "d34db33f"]
    assert lines[0].components == (OS, Literal("-pip-"))
    first = KeyTemplate.of("! a\n! b").multiline()
    assert [x.render() for x in first] == ["!a", "!b"]
    untrimmed = KeyTemplate.of(" a \n b").multiline(negation=False, trim_lines=False)
    assert [x.render() for x in untrimmed] == ["a ", " b"]
    # Whitespace next to an unknown part cannot be removed: it is not known to be at an end.
    u = KeyTemplate.of(UnknownComponent("x", "?"), "  ")
    assert u.trim().render() == "\u2039x\u203a"


def test_hosted_runners() -> None:
    r = hosted_runner("ubuntu-24.04")
    assert (r.os, r.arch, r.node_arch, r.platform) == ("Linux", "X64", "x64", "linux")
    assert (r.distro_id, r.distro_release, r.image_os) == ("Ubuntu", "24.04", "ubuntu24")
    assert r.home == "/home/runner" and r.tool_cache == "/opt/hostedtoolcache"
    m = hosted_runner("macos-15")
    assert (m.arch, m.home, m.tool_cache) == (
        "ARM64",
        "/Users/runner",
        "/Users/runner/hostedtoolcache",
    )
    w = hosted_runner("windows-2025")
    assert w.tool_cache == "C:\\hostedtoolcache\\windows" and w.windows
    assert w.join(w.home, ".m2/repository") == "C:\\Users\\runneradmin\\.m2\\repository"
    assert "GitHub moves" in hosted_runner("ubuntu-latest").source
    with pytest.raises(ActionError):
        hosted_runner("self-hosted")


def test_resolve_refs() -> None:
    assert resolve_ref("actions/cache", "v4").release.tag == "v4.3.0"
    assert resolve_ref("actions/cache", "v4.2").release.tag == "v4.2.4"
    assert resolve_ref("actions/cache", "v3.3.1").release.tag == "v3.3.1"
    sha = resolve_ref("actions/cache", "v4.2.0").release.commit
    assert sha.startswith("1bd1e32a")
    by_sha = resolve_ref("actions/cache", sha)
    assert by_sha.exact and by_sha.release.tag == "v4.2.0"
    assert resolve_ref("actions/cache", sha[:7]).release.tag == "v4.2.0"
    branch = resolve_ref("actions/cache", "main")
    assert not branch.exact and branch.note and "branch" in branch.note
    assert not resolve_ref("actions/cache", "0" * 40).exact
    newer = resolve_ref("actions/cache", "v9")  # released after the snapshot
    assert not newer.exact and "newer than the snapshot" in (newer.note or "")
    with pytest.raises(ActionError):
        resolve_ref("actions/cache", "v4.9")  # a release that never existed


def test_release_snapshot() -> None:
    assert latest_release("actions/setup-python", 5).tag == "v5.6.0"
    assert latest_release("actions/setup-java", 5).tag == "v5.7.0"
    by_tag = {r.tag: r for r in releases("actions/cache")}
    assert by_tag["v4.2.0"].toolkit == "4.0.0" and toolkit_supported(by_tag["v4.2.0"])
    assert by_tag["v4.1.2"].toolkit == "3.2.4" and not toolkit_supported(by_tag["v4.1.2"])
    assert by_tag["v3.4.0"].toolkit == "4.0.0" and toolkit_supported(by_tag["v3.4.0"])
    assert by_tag["v1.2.1"].toolkit is None
