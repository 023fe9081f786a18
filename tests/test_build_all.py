"""Builds in a workspace: a partial build leaves a consistent folder, ``build --all`` reports every
client, and processes building at once lose nothing."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sqmkit.store import open_store
from sqmkit.workspace import Workspace

DEMOS = sorted(Path(__file__).resolve().parents[1].glob("plugins/*/sqmkit_*/examples/demo-*.yaml"))


def folder_is_consistent(folder: Path) -> dict:
    """The manifest lists exactly the files there, with their hashes; no relative link is dead."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {"manifest.json"}
    assert set(manifest["files"]) == present
    for rel, digest in manifest["files"].items():
        assert hashlib.sha256((folder / rel).read_bytes()).hexdigest() == digest, rel
    for page in folder.rglob("*.html"):
        for href in re.findall(r'(?:href|src)="([^"#?]+)', page.read_text(encoding="utf-8")):
            if not re.match(r"[a-z]+:", href):
                assert (page.parent / href).resolve().is_file(), f"{page.name} links to missing {href}"
    return manifest


@pytest.fixture(scope="module")
def partial(tmp_path_factory):
    """One client built -f html into an empty workspace, then in full, then -f html again, then
    -f checklists after the profile changed: the folder after each step."""
    from click.testing import CliRunner

    from sqmkit import cli as cli_module

    ws = Workspace.init(tmp_path_factory.mktemp("partial") / "ws")
    target = ws.clients_dir / "demo-courier.yaml"

    def run(*args):
        cli_module.session.use()
        result = CliRunner().invoke(cli_module.cli, [*map(str, args), "--workspace", str(ws.root), "-q"])
        assert result.exit_code == 0, result.output
        folder = ws.out_dir / "demo-courier"
        return folder_is_consistent(folder), {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    cli_module.session.use()
    CliRunner().invoke(cli_module.cli, ["client", "import", str(DEMOS[1]), "--workspace", str(ws.root)])
    steps = {"html": run("build", "demo-courier", "-f", "html"), "full": run("build", "demo-courier")}
    steps["html-again"] = run("build", "demo-courier", "-f", "html")
    target.write_text(target.read_text(encoding="utf-8").replace("某某快递有限公司", "某某速运有限公司", 1),
                      encoding="utf-8")
    steps["changed"] = run("build", "demo-courier", "-f", "checklists")
    return ws, steps


def test_a_partial_build_into_an_empty_folder_renders_what_the_site_links_to(partial):
    manifest, _files = partial[1]["html"]
    assert manifest["formats"] == ["html", "checklists", "forms"]
    assert "handbook.pdf" not in manifest["files"]


def test_a_partial_build_keeps_the_current_outputs_of_the_other_formats(partial):
    ws, steps = partial
    full, again = steps["full"], steps["html-again"]
    assert again[0]["formats"] == full[0]["formats"]
    pdf = ws.out_dir / "demo-courier" / "handbook.pdf"
    assert again[1][pdf] == full[1][pdf]
    assert again[0]["files"] == full[0]["files"]  # same input, same bytes


def test_a_partial_build_after_a_change_drops_the_stale_formats(partial):
    ws, steps = partial
    manifest, files = steps["changed"]
    assert "pdf" not in manifest["formats"] and "handbook.pdf" not in manifest["files"]
    assert set(manifest["formats"]) == {"html", "checklists", "forms"}
    index = (ws.out_dir / "demo-courier" / "index.html").read_text(encoding="utf-8")
    assert "某某速运有限公司" in index


def test_build_all_reports_every_client_and_fails_when_one_fails(tmp_path, cli_run):
    ws = Workspace.init(tmp_path / "ws")
    for demo in DEMOS:
        assert cli_run("client", "import", demo, "--workspace", ws.root).exit_code == 0
    broken = ws.clients_dir / "demo-hotel.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("industry: hospitality", "industry: hotels"),
                      encoding="utf-8")
    result = cli_run("build", "--all", "-f", "checklists", "--workspace", ws.root)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.startswith("demo-clinic") and " ok " in line for line in lines)
    assert any(line.startswith("demo-hotel") and "FAILED" in line for line in lines)
    assert "2 of 3 built" in result.output
    listed = json.loads(cli_run("client", "list", "--json", "--workspace", ws.root).output)
    assert {r["id"]: r["stale"] for r in listed}["demo-clinic"] == []


def _sqmkit() -> str:
    return str(Path(sys.executable).parent / "sqmkit")


def test_four_processes_importing_building_and_issuing_different_clients_lose_nothing(tmp_path):
    ws = Workspace.init(tmp_path / "ws")
    text = DEMOS[1].read_text(encoding="utf-8")
    sources = []
    for n in range(4):
        path = tmp_path / f"src{n}" / f"c{n}.yaml"
        path.parent.mkdir()
        path.write_text(text.replace("id: demo-courier", f"id: client-{n}", 1), encoding="utf-8")
        (path.parent / "logo.svg").write_bytes((DEMOS[1].parent / "logo.svg").read_bytes())
        sources.append(path)
    script = ("set -e; S={s}; $S client import {src}; $S build client-{n} -f checklists -q; "
              "$S issue client-{n} -m 首次发布 --by tester -q; $S build client-{n} -f checklists -q")
    procs = [subprocess.Popen(["sh", "-c", script.format(s=_sqmkit(), src=src, n=n)], cwd=ws.root,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for n, src in enumerate(sources)]
    outputs = [p.communicate(timeout=600)[0].decode() for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, outputs
    assert ws.client_ids() == [f"client-{n}" for n in range(4)]
    with open_store(ws.store_path) as store:
        assert {c["id"] for c in store.clients()} == {f"client-{n}" for n in range(4)}
        assert [len(store.builds(f"client-{n}")) for n in range(4)] == [2] * 4
        assert [[v["version"] for v in store.versions(f"client-{n}")] for n in range(4)] == [["B/1"]] * 4
    for n in range(4):  # every archive complete: its manifest lists what is there
        archived = ws.archive_dir / f"client-{n}" / "B-1"
        assert (archived / "manifest.json").is_file() and (archived / "outputs" / "handbook.pdf").is_file()
    for n in range(4):
        folder_is_consistent(ws.out_dir / f"client-{n}")
