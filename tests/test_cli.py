"""The CLI, through click's CliRunner."""

import json


def test_industries(cli_run):
    result = cli_run("industries")
    assert result.exit_code == 0
    assert "courier" in result.output and "cod" in result.output


def test_industries_json(cli_run):
    rows = json.loads(cli_run("industries", "--json").output)
    courier = next(r for r in rows if r["id"] == "courier")
    assert {m["id"] for m in courier["modules"]} >= {"cod", "appointment"}


def test_plugins_json_lists_versions_and_hooks(cli_run):
    rows = json.loads(cli_run("plugins").output)
    by_name = {r["name"]: r for r in rows}
    assert by_name["courier"]["version"] == "0.2.0"
    assert by_name["courier"]["module"] == "sqmkit_courier:plugin"
    assert "register_service_standards" in by_name["courier"]["hooks"]
    assert by_name["sqmkit.default"]["builtin"] is True
    assert rows[-1]["name"] == "sqmkit.default"


def test_build_reports_progress_and_summary(cli_run, demo_profile_path, tmp_path):
    result = cli_run("build", demo_profile_path, "-o", tmp_path, "-f", "html,checklists", "--no-store")
    assert result.exit_code == 0, result.output
    assert "HTML: index and" in result.output and "chapters" in result.output
    assert (tmp_path / "demo-courier" / "index.html").exists()
    assert not (tmp_path / "demo-courier" / "handbook.pdf").exists()


def test_check(cli_run, demo_profile_path):
    result = cli_run("check", demo_profile_path)
    assert result.exit_code == 0 and "OK" in result.output


def test_check_takes_a_client_id_of_the_workspace_like_build(cli_run, demo_profile_path, tmp_path, monkeypatch):
    ws = tmp_path / "ws"
    assert cli_run("init", ws).exit_code == 0
    assert cli_run("client", "import", demo_profile_path, "--workspace", ws).exit_code == 0
    result = cli_run("check", "demo-courier", "--workspace", ws)
    assert result.exit_code == 0 and "OK" in result.output and "not found" not in result.output, result.output
    assert str(ws / "clients" / "demo-courier.yaml") in result.output
    monkeypatch.chdir(ws)  # found walking up, as build finds it
    assert cli_run("check", "demo-courier").exit_code == 0
    unknown = cli_run("check", "demo-courer", "--workspace", ws)
    assert unknown.exit_code == 1 and "demo-courier" in unknown.output  # a did-you-mean, not "file not found"
