"""The hospitality demo built for real: the handbook PDF read back with pypdf and poppler, and a module
switched off removing its chapters, forms and checklists from every output."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

import sqmkit_hospitality

DEMO = Path(sqmkit_hospitality.__file__).parent / "examples" / "demo-hotel.yaml"
MODULE = "spa"


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from sqmkit.build import build
    from sqmkit.plugins import get_plugin_manager

    mgr = get_plugin_manager([("hospitality", sqmkit_hospitality)], load_entry_points=False)
    return build(DEMO, tmp_path_factory.mktemp("out"), None, mgr=mgr)


def test_handbook_pdf_reads_back(built):
    reg = built.regulation
    pdf = built.out_dir / "handbook.pdf"
    reader = PdfReader(str(pdf))
    assert len(reader.pages) > 10
    cover = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.replace(" ", "")
    assert reg.company["name"] in cover and reg.document["number"] in cover
    outline = [o.title for o in reader.outline if not isinstance(o, list)]
    assert len(outline) == len(reg.chapters)
    assert all(ch.title in t for ch, t in zip(reg.chapters, outline))
    text = pdf_text(pdf)
    assert f"共 {len(reader.pages)} 页" in text
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"


def test_module_chapter_is_in_the_demo(built):
    assert any(ch.id.split(".")[-1] == MODULE or MODULE in ch.id for ch in built.regulation.chapters)


def test_switching_the_module_off_removes_its_outputs(built, sqmkit_build, tmp_path):
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    data["modules"] = [m for m in data["modules"] if m != MODULE]
    off = sqmkit_build(data, sqmkit_hospitality, formats=("html", "forms", "checklists"))
    on_reg, off_reg = built.regulation, off.regulation
    gone_chapters = {c.title for c in on_reg.chapters} - {c.title for c in off_reg.chapters}
    assert gone_chapters, "switching the module off removed no chapter"
    gone_forms = {f.id for f in on_reg.forms} - {f.id for f in off_reg.forms}
    gone_checklists = {c.id for c in on_reg.checklists} - {c.id for c in off_reg.checklists}
    assert gone_checklists
    site = "".join(p.read_text(encoding="utf-8") for p in off.out_dir.rglob("*.html"))
    for title in gone_chapters:
        assert title not in [c.title for c in off_reg.chapters]
    for cid in gone_checklists:
        assert not (off.out_dir / "checklists" / f"{cid}.html").exists()
        assert cid not in site
    for fid in gone_forms:
        assert not (off.out_dir / "forms" / f"{fid}.html").exists()
    # no reference into removed content survives anywhere (the assembler would have refused it)
    ids = set(off_reg.clause_ids())
    for clause_id in off_reg.checked_by:
        assert clause_id in ids
