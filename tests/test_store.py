"""The TinyDB store: a real JSON file, atomic writes, a lock, versions, diffs and results."""

from __future__ import annotations

import json
import multiprocessing

import pytest

from sqmkit.errors import StoreError
from sqmkit.store import open_store


def test_round_trip_in_a_real_file(tmp_path):
    path = tmp_path / "store.json"
    with open_store(path) as st:
        st.save_client("acme", {"id": "acme"}, None)
        st.add_build({"client": "acme", "at": "now"})
    data = json.loads(path.read_text())
    assert data["clients"]["1"]["id"] == "acme"
    with open_store(path) as st:
        assert st.client("acme")["profile"] == {"id": "acme"}
        assert len(st.builds("acme")) == 1


def test_corrupt_store_is_reported_and_left_untouched(tmp_path):
    path = tmp_path / "store.json"
    path.write_text('{"clients": {"1": ')
    with pytest.raises(StoreError, match="not valid JSON"):
        with open_store(path) as st:
            st.save_client("acme", {}, None)
    assert path.read_text() == '{"clients": {"1": '


def test_failed_write_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "store.json"
    with open_store(path) as st:
        st.save_client("acme", {"v": 1}, None)
    before = path.read_bytes()

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("sqmkit.storefile.os.fsync", disk_full)
    with pytest.raises(StoreError, match="cannot write the store: No space left on device"):
        with open_store(path) as st:
            st.save_client("acme", {"v": 2}, None)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def _writer(path, n, who):
    from sqmkit.store import open_store

    for i in range(n):
        with open_store(path) as st:
            st.add_build({"client": who, "i": i})


def test_two_processes_do_not_lose_writes(tmp_path):
    path = tmp_path / "store.json"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(path), 15, f"c{k}")) for k in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    with open_store(path) as st:
        assert len(st.builds("c0")) == 15 and len(st.builds("c1")) == 15


def test_issue_then_diff_then_revision_log(cli_run, make_profile, tmp_path):
    store = tmp_path / "s.json"
    v1 = make_profile(lambda d: d["document"].update(version="C/0", revisions=[]), name="v1.yaml")
    assert cli_run("issue", v1, "-m", "首次发布", "--store", store).exit_code == 0
    again = cli_run("issue", v1, "-m", "again", "--store", store)
    assert again.exit_code == 1 and "already issued" in again.output

    def change(d):
        d["document"].update(version="C/1", revisions=[])
        d["company"]["short_name"] = "新快递"

    v2 = make_profile(change, name="v2.yaml")
    result = cli_run("diff", v2, "--store", store)
    assert result.exit_code == 0, result.output
    assert "新快递" in result.output and "changed since version C/0" in result.output
    out = tmp_path / "out"
    built = cli_run("build", v2, "-o", out, "-f", "html", "--store", store)
    assert built.exit_code == 0, built.output
    index = (out / "demo-courier" / "index.html").read_text(encoding="utf-8")
    assert "首次发布" in index  # revision log taken from the store
    with open_store(store) as st:
        assert st.builds("demo-courier")[0]["version"] == "C/1"


def test_results_import_rescores(cli_run, demo_build, demo_profile_path, tmp_path):
    from sqmkit.inspections import checklist_payload as checklist_data

    reg = demo_build.regulation
    checklist = reg.checklists[0]
    spec = checklist_data(reg, checklist)
    answers = {i["id"]: "pass" for i in spec["items"]}
    result = {"format": "sqmkit-inspection/1", "client": reg.profile.id, "checklist": checklist.id,
              "build": spec["build"], "fields": {"inspectee": "网点甲"}, "answers": answers,
              "total": 0, "grade": "forged"}
    path = tmp_path / "r.json"
    path.write_text(json.dumps(result, ensure_ascii=False))
    store = tmp_path / "s.json"
    refused = cli_run("results", "import", path, "--profile", demo_profile_path, "--store", store)
    assert refused.exit_code == 1 and "the file says total 0 grade forged, but its answers score 100" in refused.output
    r = cli_run("results", "import", path, "--profile", demo_profile_path, "--store", store, "--accept-rescore")
    assert r.exit_code == 0, r.output
    assert f"total 100 grade {checklist.bands[0].grade}" in r.output
    with open_store(store) as st:
        assert st.inspections(reg.profile.id)[0]["grade"] == checklist.bands[0].grade
    result["answers"] = {"no.such.item": "pass"}
    path.write_text(json.dumps(result))
    bad = cli_run("results", "import", path, "--profile", demo_profile_path, "--store", store)
    assert bad.exit_code == 1 and "unknown check item" in bad.output


def test_results_go_to_the_workspace_store_and_never_to_one_in_the_current_folder(
        cli_run, demo_build, demo_profile_path, tmp_path, monkeypatch):
    from sqmkit.inspections import checklist_payload as checklist_data

    reg = demo_build.regulation
    spec = checklist_data(reg, reg.checklists[0])
    result = {"format": "sqmkit-inspection/1", "client": reg.profile.id, "checklist": reg.checklists[0].id,
              "build": spec["build"], "fields": {}, "answers": {i["id"]: "pass" for i in spec["items"]}}
    path = tmp_path / "r.json"
    path.write_text(json.dumps(result, ensure_ascii=False))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    lost = cli_run("results", "import", path, "--client", demo_profile_path)
    assert lost.exit_code == 1 and "no workspace was found" in lost.output and not list(elsewhere.iterdir())

    ws = tmp_path / "ws"
    assert cli_run("init", ws).exit_code == 0
    assert cli_run("client", "import", demo_profile_path, "--workspace", ws).exit_code == 0
    monkeypatch.chdir(ws / "clients")  # found walking up
    stored = cli_run("results", "import", path, "--client", reg.profile.id)
    assert stored.exit_code == 0, stored.output
    listed = cli_run("results", "list", reg.profile.id)
    assert listed.exit_code == 0 and "1 result(s)" in listed.output, listed.output
    with open_store(ws / "sqmkit-store.json") as st:
        assert len(st.inspections(reg.profile.id)) == 1
