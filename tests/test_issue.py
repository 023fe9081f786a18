"""Issue, draft and rebuild in a real workspace: the archive with its manifest, read-only files,
the record in the store, the 草稿 watermark read back from the PDF, rebuild verifying hashes."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat

import pytest
import sqmkit_courier
from click.testing import CliRunner
from pathlib import Path

from sqmkit.archive import verify
from sqmkit.readback import pdf_text
from sqmkit.store import open_store
from sqmkit.workspace import Workspace

DEMO = Path(sqmkit_courier.DEMO_PROFILE)


def run(*args):
    from sqmkit import cli as cli_module

    cli_module.session.use()
    result = CliRunner().invoke(cli_module.cli, [str(a) for a in args], catch_exceptions=True)
    cli_module.session.use()
    return result


def new_workspace(root: Path) -> Workspace:
    ws = Workspace.init(root)
    shutil.copyfile(DEMO, ws.clients_dir / "demo-courier.yaml")
    shutil.copyfile(DEMO.parent / "logo.svg", ws.clients_dir / "logo.svg")
    return ws


def edit_profile(ws: Workspace, *pairs: tuple[str, str]) -> None:
    path = ws.clients_dir / "demo-courier.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    """A workspace whose demo client was issued as B/1."""
    ws = new_workspace(tmp_path_factory.mktemp("ws") / "ws")
    result = run("issue", "demo-courier", "-m", "首次发布", "--by", "顾问甲", "--workspace", ws.root, "-q")
    assert result.exit_code == 0, result.output
    return ws


def test_issue_archives_outputs_with_a_manifest(issued):
    folder = issued.archive_dir / "demo-courier" / "B-1"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert {"outputs/handbook.pdf", "outputs/index.html", "inputs/profile.yaml", "inputs/logo.svg"} <= set(
        manifest["files"])
    assert (folder / "inputs" / "profile.yaml").read_bytes() == DEMO.read_bytes()
    assert all(c.status == "match" for c in verify(folder))
    for path in folder.rglob("*"):
        if path.is_file():
            assert not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH), path
    record = manifest["record"]
    assert record["by"] == "顾问甲" and record["date"] == "2025-01-01" and record["issued_at"]
    assert "sqmkit.default" in record["plugins"] and record["sqmkit"]
    with open_store(issued.store_path) as store:
        [row] = store.versions("demo-courier")
    assert row["version"] == "B/1" and row["by"] == "顾问甲" and row["description"] == "首次发布"
    assert not list((issued.archive_dir / "demo-courier").glob(".issuing-*"))


def test_issued_outputs_are_not_drafts(issued):
    pdf = issued.archive_dir / "demo-courier" / "B-1" / "outputs" / "handbook.pdf"
    assert "草稿" not in pdf_text(pdf) and "草稿" not in pdf_text(pdf.parent / "forms.pdf")
    assert "draft-banner" not in (pdf.parent / "index.html").read_text(encoding="utf-8")


def test_issue_refuses_an_existing_version_and_an_earlier_date(issued):
    again = run("issue", "demo-courier", "-m", "again", "--workspace", issued.root)
    assert again.exit_code == 1 and "already issued" in again.output, again.output
    edit_profile(issued, ("version: B/1\n", "version: B/2\n"))
    try:
        early = run("issue", "demo-courier", "-m", "x", "--date", "2024-01-01", "--workspace", issued.root)
        assert early.exit_code == 1 and "earlier than the last issue" in early.output, early.output
        empty = run("issue", "demo-courier", "-m", "  ", "--workspace", issued.root)
        assert empty.exit_code == 2 and "the message is empty" in empty.output
    finally:
        edit_profile(issued, ("version: B/2\n", "version: B/1\n"))
    with open_store(issued.store_path) as store:
        assert [r["version"] for r in store.versions("demo-courier")] == ["B/1"]


def test_a_build_of_an_edited_profile_is_a_draft_on_every_page(issued, tmp_path):
    edit_profile(issued, ("satisfaction: 93", "satisfaction: 95"))
    try:
        result = run("build", "demo-courier", "-o", tmp_path, "-f", "html,pdf,forms", "--workspace", issued.root,
                     "-q")
        assert result.exit_code == 0, result.output
        pdf = tmp_path / "demo-courier" / "handbook.pdf"
        pages = pdf_text(pdf).split("\f")
        pages = [p for p in pages if p.strip()]
        assert len(pages) > 5 and all("草稿" in page for page in pages)
        sheets = [p for p in pdf_text(tmp_path / "demo-courier" / "forms.pdf").split("\f") if p.strip()]
        assert len(sheets) >= 6 and all("草稿" in sheet for sheet in sheets)  # the forms of a draft too
        assert "draft-banner" in (tmp_path / "demo-courier" / "index.html").read_text(encoding="utf-8")
        diff = run("diff", "demo-courier", "--workspace", issued.root, "--html", tmp_path / "d.html",
                   "--pdf", tmp_path / "d.pdf")
        assert diff.exit_code == 0, diff.output
        assert "客户满意率 / 目标: ≥ 9[-3-]{+5+}%" in diff.output
        assert "<ins>5</ins>" in (tmp_path / "d.html").read_text(encoding="utf-8")
        assert "修订对照表" in pdf_text(tmp_path / "d.pdf")
    finally:
        edit_profile(issued, ("satisfaction: 95", "satisfaction: 93"))


def test_rebuild_verifies_the_hashes_and_finds_a_tampered_file(issued, tmp_path):
    ok = run("rebuild", "demo-courier", "B/1", "--workspace", issued.root, "-q")
    assert ok.exit_code == 0, ok.output
    assert "rebuilds to the same bytes" in ok.output
    copy_root = tmp_path / "ws"
    shutil.copytree(issued.root, copy_root)
    target = copy_root / "archive" / "demo-courier" / "B-1" / "outputs" / "chapter-01.html"
    os.chmod(target, 0o644)
    target.write_bytes(target.read_bytes().replace("第一章".encode(), "第壹章".encode(), 1))
    bad = run("rebuild", "demo-courier", "B/1", "--workspace", copy_root, "-q")
    assert bad.exit_code == 1, bad.output
    assert "MISMATCH: outputs/chapter-01.html" in bad.output
    assert re.search(r"rebuilt outputs against the manifest: (\d+) of \1 files match", bad.output), bad.output
