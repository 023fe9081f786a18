"""The workspace: init, finding it like git, the store it owns, and the store's migration."""

from __future__ import annotations

import json

import pytest

from sqmkit.errors import DataError
from sqmkit.store import open_store
from sqmkit.storefile import MARKER_TABLE, STORE_VERSION
from sqmkit.workspace import Workspace, WorkspaceError, resolve_target


def test_init_writes_the_layout_and_refuses_a_second_workspace(tmp_path, cli_run):
    result = cli_run("init", tmp_path / "ws")
    assert result.exit_code == 0, result.output
    root = tmp_path / "ws"
    assert (root / "sqmkit.toml").is_file() and (root / "clients").is_dir()
    data = json.loads((root / "sqmkit-store.json").read_text(encoding="utf-8"))
    assert data[MARKER_TABLE]["1"]["version"] == STORE_VERSION
    again = cli_run("init", root)
    assert again.exit_code == 1 and "already" in again.output
    inner = cli_run("init", root / "clients" / "nested")
    assert inner.exit_code == 1 and str(root) in inner.output


def test_find_walks_up_and_explicit_wins(tmp_path):
    ws = Workspace.init(tmp_path / "a")
    other = Workspace.init(tmp_path / "b")
    deep = ws.root / "clients" / "x" / "y"
    deep.mkdir(parents=True)
    assert Workspace.find(deep).root == ws.root
    assert Workspace.find(deep, explicit=other.root).root == other.root
    assert Workspace.find(tmp_path) is None
    with pytest.raises(WorkspaceError, match="not a workspace"):
        Workspace.find(deep, explicit=tmp_path)


def test_bad_config_is_located(tmp_path):
    ws = Workspace.init(tmp_path / "ws")
    ws.config_path.write_text('[workspace]\nname = "x"\nstore = "../elsewhere.json"\n', encoding="utf-8")
    with pytest.raises(Exception) as info:
        Workspace.find(ws.root)
    assert "sqmkit.toml:3" in str(info.value) and "workspace.store" in str(info.value)
    ws.config_path.write_text('[workspace]\ncolour = "red"\n', encoding="utf-8")
    with pytest.raises(Exception, match="unknown setting"):
        Workspace.find(ws.root)


def test_resolve_target_by_id_or_path(tmp_path, demo_profile_path):
    ws = Workspace.init(tmp_path / "ws")
    (ws.clients_dir / "acme.yaml").write_bytes(demo_profile_path.read_bytes())
    assert resolve_target("acme", ws) == (ws.clients_dir / "acme.yaml", ws)
    assert resolve_target(str(demo_profile_path), ws) == (demo_profile_path, None)
    assert resolve_target(str(demo_profile_path), None) == (demo_profile_path, None)
    with pytest.raises(WorkspaceError, match="did you mean 'acme'"):
        resolve_target("acmee", ws)
    with pytest.raises(WorkspaceError, match="sqmkit init"):
        resolve_target("acme", None)


def test_a_bare_profile_outside_a_workspace_builds_as_a_draft_without_a_store(tmp_path, cli_run,
                                                                              demo_profile_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli_run("build", demo_profile_path, "-o", tmp_path / "out", "-f", "checklists", "-q")
    assert result.exit_code == 0, result.output
    assert "not a client of a workspace" in result.output and "draft" in result.output
    assert not list(tmp_path.glob("*.json"))  # no hidden store in the current folder
    missing_out = cli_run("build", demo_profile_path, "-f", "checklists", "-q")
    assert missing_out.exit_code == 2 and "-o" in missing_out.output


def test_a_version_1_store_is_migrated_on_its_first_write_keeping_a_copy(tmp_path):
    path = tmp_path / "sqmkit-store.json"
    old = {MARKER_TABLE: {"1": {"format": "sqmkit-store", "version": 1}},
           "builds": {"1": {"client": "acme", "at": "2025-01-01T00:00:00+00:00", "version": "A/0"}}}
    path.write_text(json.dumps(old), encoding="utf-8")
    with open_store(path) as store:  # a read migrates in memory, writes nothing
        assert store.builds("acme")[0]["profile_sha256"] is None
    assert json.loads(path.read_text(encoding="utf-8")) == old
    with open_store(path) as store:
        store.add_build({"client": "acme", "version": "A/1"})
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data[MARKER_TABLE]["1"]["version"] == STORE_VERSION == 2
    assert data["builds"]["1"]["plugins"] == {} and data["builds"]["1"]["formats"] == []
    assert json.loads((tmp_path / "sqmkit-store.json.v1.bak").read_text(encoding="utf-8")) == old


@pytest.mark.parametrize("line, key, problem", [
    ("format = true", "format", "expected a whole number, not the yes/no value true"),
    ('format = "1"', "format", "expected a whole number, not the text '1'"),
    ("format = 99", "format", "workspace format 99 is newer than this sqmkit reads (1)"),
    ("name = 5", "name", "expected text, not the number 5"),
    ('name = "' + "x" * 201 + '"', "name", "is too long: at most 200 characters"),
    ('out = "/tmp/out"', "out", "must be a path inside the workspace"),
    ('archive = "~/a"', "archive", "must be a path inside the workspace"),
    ("clients = []", "clients", "expected text, not"),
    ('colour = "red"', "colour", "unknown setting"),
])
def test_every_setting_is_checked_with_its_key_line_and_problem(tmp_path, line, key, problem):
    ws = Workspace.init(tmp_path / "ws")
    ws.config_path.write_text(f'[workspace]\nname = "x"\n{line}\n'.replace('name = "x"\nname', "name"),
                              encoding="utf-8")
    with pytest.raises(DataError) as info:
        Workspace.find(ws.root)
    err = info.value
    assert err.where == f"workspace.{key}" and problem in err.problem
    assert err.line == (3 if not line.startswith("name") else 2)


def test_a_valid_config_keeps_its_settings(tmp_path):
    ws = Workspace.init(tmp_path / "ws")
    ws.config_path.write_text('[workspace]\nformat = 1\nname = "甲"\nstore = "db/s.json"\nout = "build"\n',
                              encoding="utf-8")
    found = Workspace.find(ws.root)
    assert found.config.name == "甲" and found.store_path == ws.root / "db/s.json" and found.out_dir == ws.root / "build"
