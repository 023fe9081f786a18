"""The build cache: a no-op rebuild does nothing, a change rebuilds only the formats it touches,
``--force`` ignores the cache, and a cached build leaves the same bytes as an uncached one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sqmkit import buildcache, diskcache
from sqmkit.build import build
from sqmkit.messages import set_language
from sqmkit.plugins import get_plugin_manager
from sqmkit.store import open_store
from sqmkit.workspace import Workspace

DEMO = Path(__file__).resolve().parents[1] / "plugins/courier/sqmkit_courier/examples/demo-courier.yaml"
FORMATS = ["html", "checklists", "forms"]


def _copy_demo(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(DEMO.parent / "logo.svg", folder / "logo.svg")
    return Path(shutil.copy(DEMO, folder / DEMO.name))


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _set(profile: Path, old: str, new: str) -> None:
    text = profile.read_text(encoding="utf-8")
    assert old in text
    profile.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The demo built with forms.pdf, then again unchanged, then after a parameter only articles
    print changed, and the same changed profile built without a cache into a fresh folder."""
    tmp = tmp_path_factory.mktemp("cache")
    profile, mgr = _copy_demo(tmp / "src"), get_plugin_manager()
    out, fresh = tmp / "out", tmp / "fresh"
    first = build(profile, out, FORMATS, mgr=mgr)
    first_bytes = _bytes(first.out_dir)
    again = build(profile, out, FORMATS, mgr=mgr)
    _set(profile, "wait_minutes: 10", "wait_minutes: 17")
    changed = build(profile, out, FORMATS, mgr=mgr)
    uncached = build(profile, fresh, FORMATS, mgr=mgr, force=True)
    return {"profile": profile, "mgr": mgr, "out": out, "first": first, "first_bytes": first_bytes,
            "again": again, "changed": changed, "uncached": uncached}


def test_a_build_with_the_same_inputs_is_a_no_op(runs: dict) -> None:
    first, again = runs["first"], runs["again"]
    assert not first.cached and again.cached
    assert again.files == first.files
    assert "assemble" not in again.timings  # nothing was assembled, nothing rendered
    assert again.regulation.profile.id == "demo-courier"  # assembled only when asked for


def test_a_parameter_no_form_prints_re_renders_the_site_but_keeps_the_forms(runs: dict) -> None:
    changed, first_bytes = runs["changed"], runs["first_bytes"]
    assert not changed.cached
    assert "html" in changed.timings and "forms" not in changed.timings
    now = _bytes(changed.out_dir)
    assert now["forms.pdf"] == first_bytes["forms.pdf"]
    site = "".join(v.decode("utf-8") for k, v in now.items() if k.endswith(".html") and not k.startswith("forms/"))
    assert "17" in site and now != first_bytes


def test_a_cached_build_is_the_same_bytes_as_an_uncached_one(runs: dict) -> None:
    changed, uncached = runs["changed"], runs["uncached"]
    assert not uncached.cached and "forms" in uncached.timings
    assert _bytes(changed.out_dir) == _bytes(uncached.out_dir)
    assert sorted(p.name for p in runs["out"].iterdir()) == ["demo-courier"]  # the cache's notes are elsewhere


def test_the_forms_key_changes_with_what_a_form_prints_only(tmp_path: Path) -> None:
    from sqmkit.build import load
    from sqmkit.numbering import Numbering

    profile, mgr = _copy_demo(tmp_path / "src"), get_plugin_manager()

    def keys() -> dict[str, str]:
        reg = load(profile, mgr)[3]
        return buildcache.format_keys(reg, Numbering.of(reg), "inputs", "code", [], ["html", "forms"])

    first = keys()
    _set(profile, "wait_minutes: 10", "wait_minutes: 12")  # printed by an article, by no form
    second = keys()
    _set(profile, "acknowledge_hours: 1", "acknowledge_hours: 3")  # printed by a form too
    third = keys()
    assert second["forms"] == first["forms"] and third["forms"] != second["forms"]
    assert first["html"] == second["html"] == third["html"]  # "inputs" stands for the whole regulation here


def test_force_renders_everything_again(runs: dict) -> None:
    forced = build(runs["profile"], runs["out"], ["checklists"], mgr=runs["mgr"], force=True)
    assert not forced.cached and "checklists" in forced.timings


def test_a_damaged_output_is_built_again(runs: dict, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(runs["out"], out)
    build(runs["profile"], out, ["checklists"], mgr=runs["mgr"])
    assert build(runs["profile"], out, ["checklists"], mgr=runs["mgr"]).cached
    page = out / "demo-courier" / "index.html"
    page.write_text("changed by hand", encoding="utf-8")
    rebuilt = build(runs["profile"], out, ["checklists"], mgr=runs["mgr"])
    assert not rebuilt.cached and page.read_text(encoding="utf-8") != "changed by hand"


def test_a_stale_cache_file_is_a_miss(runs: dict, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(runs["profile"], out, ["checklists"], mgr=runs["mgr"])
    assert build(runs["profile"], out, ["checklists"], mgr=runs["mgr"]).cached
    note = buildcache.cache_path(out, "demo-courier")
    assert note is not None and not str(note).startswith(str(out))  # the output folder holds only the output
    data = json.loads(diskcache.read(note) or b"")
    diskcache.write(note, json.dumps({**data, "manifest": "0" * 64}).encode("utf-8"))  # a note of another manifest
    assert buildcache.read_cache(out, "demo-courier") == {}
    assert not build(runs["profile"], out, ["checklists"], mgr=runs["mgr"]).cached
    assert sorted(p.name for p in out.iterdir()) == ["demo-courier"]


def test_a_no_op_build_in_a_workspace_is_recorded_and_a_group_change_is_not_a_no_op(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws")
    profile = _copy_demo(ws.clients_dir)
    mgr = get_plugin_manager()
    assert not build(profile, ws.out_dir, ["checklists"], mgr=mgr, store_path=ws.store_path).cached
    assert build(profile, ws.out_dir, ["checklists"], mgr=mgr, store_path=ws.store_path).cached
    with open_store(ws.store_path) as store:
        records = store.builds("demo-courier")
    assert len(records) == 2 and records[1].get("cached") is True
    assert records[0]["manifest_sha256"] == records[1]["manifest_sha256"]
    groups = ws.root / "groups"
    groups.mkdir()
    (groups / "other.yaml").write_text("id: other\n", encoding="utf-8")  # any group file is an input
    assert buildcache.probe(buildcache.RawInputs(profile, ["checklists"], None, ws.store_path), mgr) is not None
    assert not _hit(profile, ws, mgr)


def _hit(profile: Path, ws: Workspace, mgr) -> bool:
    probe = buildcache.probe(buildcache.RawInputs(profile, ["checklists"], None, ws.store_path), mgr)
    assert probe is not None and probe.raw is not None
    return buildcache.up_to_date(ws.out_dir, probe.client, probe.raw) is not None


def test_the_inputs_hash_reads_the_regulation_as_dataclasses_asdict_does() -> None:
    """The manifest's ``inputs`` is the hash of the regulation's JSON: walking the dataclasses'
    fields gives the JSON ``dataclasses.asdict`` gives, without its deep copies."""
    import dataclasses

    from sqmkit.build import load
    from sqmkit.carryover import _plain

    reg = load(DEMO)[3]
    as_before = json.dumps(dataclasses.asdict(reg), ensure_ascii=False, sort_keys=True, default=_plain)
    assert json.dumps(reg, ensure_ascii=False, sort_keys=True, default=_plain) == as_before


def test_a_no_op_build_speaks_the_profile_s_language_as_a_full_build_does(tmp_path: Path, cli_run) -> None:
    profile = _copy_demo(tmp_path / "src")  # a zh-CN profile, built under an English locale
    env = {"SQMKIT_LANG": None, "LANG": "C.UTF-8", "LC_ALL": None, "LC_MESSAGES": None, "LANGUAGE": None}
    try:
        full = cli_run("build", profile, "-o", tmp_path / "out", "-f", "checklists", "-q", env=env)
        set_language(None)  # a new process: the locale's language until a profile is read
        again = cli_run("build", profile, "-o", tmp_path / "out", "-f", "checklists", "-q", env=env)
    finally:
        set_language(None)
    assert full.exit_code == 0 and again.exit_code == 0, again.output
    assert "已构建" in full.output and "已是最新" in again.output
