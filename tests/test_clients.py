"""Clients of a workspace through the CLI: new, import/export, list, show, edit, delete, unique ids."""

from __future__ import annotations

import json
import sys

import pytest

from sqmkit.workspace import Workspace


@pytest.fixture
def ws(tmp_path):
    return Workspace.init(tmp_path / "ws")


def run(cli_run, ws, *args, env=None):
    return cli_run(*args, "--workspace", ws.root, env=env)


def test_new_import_export_round_trip_and_list(ws, cli_run, demo_profile_path, tmp_path):
    made = run(cli_run, ws, "client", "new", "clinic", "acme-clinic", "--company", "某某诊所有限公司",
               "--short-name", "某某所", "--modules", "pharmacy")
    assert made.exit_code == 0, made.output
    text = (ws.clients_dir / "acme-clinic.yaml").read_text(encoding="utf-8")
    assert 'short_name: "某某所"' in text and "pharmacy" in text
    assert run(cli_run, ws, "client", "import", demo_profile_path).exit_code == 0
    again = run(cli_run, ws, "client", "import", demo_profile_path)
    assert again.exit_code == 1 and "already exists" in again.output
    exported = run(cli_run, ws, "client", "export", "demo-courier", "-o", tmp_path / "back.yaml")
    assert exported.exit_code == 0, exported.output
    assert (tmp_path / "back.yaml").read_bytes() == demo_profile_path.read_bytes()
    listed = run(cli_run, ws, "client", "list", "--json")
    rows = {r["id"]: r for r in json.loads(listed.output)}
    assert rows["acme-clinic"]["industry"] == "clinic" and rows["acme-clinic"]["modules"] == ["pharmacy"]
    assert rows["demo-courier"]["stale"] == ["never built"] and rows["demo-courier"]["last_issue"] is None
    shown = run(cli_run, ws, "client", "show", "demo-courier")
    assert shown.exit_code == 0 and "clients/demo-courier.yaml" in shown.output
    unknown = run(cli_run, ws, "client", "show", "demo-couier")
    assert unknown.exit_code == 1 and "did you mean 'demo-courier'" in unknown.output


def test_two_files_claiming_one_id_are_named(ws, cli_run, demo_profile_path):
    (ws.clients_dir / "demo-courier.yaml").write_bytes(demo_profile_path.read_bytes())
    (ws.clients_dir / "copy.yaml").write_bytes(demo_profile_path.read_bytes())
    result = run(cli_run, ws, "client", "list")
    assert result.exit_code == 1
    assert "copy.yaml" in result.output and "demo-courier.yaml" in result.output


def _editor(tmp_path, name, code):
    script = tmp_path / name
    script.write_text(f"import sys, pathlib\np = pathlib.Path(sys.argv[1])\n{code}\n", encoding="utf-8")
    return f"{sys.executable} {script}"


def test_edit_keeps_nothing_invalid_and_saves_a_valid_edit(ws, cli_run, demo_profile_path, tmp_path):
    run(cli_run, ws, "client", "import", demo_profile_path)
    target = ws.clients_dir / "demo-courier.yaml"
    original = target.read_bytes()
    bad = _editor(tmp_path, "bad.py", "p.write_text(p.read_text(encoding='utf-8').replace('industry: courier', "
                                      "'industry: couriers'), encoding='utf-8')")
    result = run(cli_run, ws, "client", "edit", "demo-courier", env={"EDITOR": bad, "VISUAL": bad})
    assert result.exit_code == 1 and "couriers" in result.output
    assert target.read_bytes() == original
    assert not [p for p in ws.clients_dir.iterdir() if p.name.startswith(".")]
    good = _editor(tmp_path, "good.py", "p.write_text(p.read_text(encoding='utf-8').replace('某某快递有限公司', "
                                        "'某某速运有限公司', 1), encoding='utf-8')")
    result = run(cli_run, ws, "client", "edit", "demo-courier", env={"EDITOR": good, "VISUAL": good})
    assert result.exit_code == 0, result.output
    assert "某某速运有限公司" in target.read_text(encoding="utf-8")


def test_delete_confirms_and_keeps_an_export(ws, cli_run, demo_profile_path):
    run(cli_run, ws, "client", "import", demo_profile_path)
    refused = cli_run("client", "delete", "demo-courier", "--workspace", ws.root)  # no "y" on stdin: aborted
    assert refused.exit_code == 1 and (ws.clients_dir / "demo-courier.yaml").exists()
    deleted = run(cli_run, ws, "client", "delete", "demo-courier", "--yes")
    assert deleted.exit_code == 0, deleted.output
    assert not (ws.clients_dir / "demo-courier.yaml").exists()
    kept = list((ws.archive_dir / "demo-courier").glob("deleted-*.yaml"))
    assert len(kept) == 1 and kept[0].read_bytes() == demo_profile_path.read_bytes()
