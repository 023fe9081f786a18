"""What the core writes and arranges after assembly (issue 17, defects 6, 8 and 9): the organization
chapter right after 总则, the self-description from the chapters printed, a post's parenthetical at
its first mention only, formulas without a factor of 1, lists joined 甲、乙和丙, forms and
checklists by code with their clauses in document order; citations in the site as plain text."""

from __future__ import annotations

import pytest
import yaml

import sqmkit
from sqmkit.finish import code_key
from sqmkit.numbering import Numbering
from sqmkit.textrender import factor, join_cn, short_name
from sqmkit.traceability import basis
from tests.content_support import profile_data, write_pack


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The mini pack's client assembled once, and its profile path."""
    root = tmp_path_factory.mktemp("outline")
    pack = write_pack(root / "pack")
    path = root / "client.yaml"
    path.write_text(yaml.safe_dump(profile_data(), allow_unicode=True), encoding="utf-8")
    mgr = sqmkit.get_plugin_manager([("mini", sqmkit.DataPack(pack))], load_entry_points=False)
    profile, doc = sqmkit.load_profile(path)
    return sqmkit.assemble(mgr, profile, doc), mgr, path


def texts(reg):
    return {c.id: c.text for c in reg.clauses() if isinstance(c, sqmkit.ArticleNode)}


def test_the_organization_chapter_comes_right_after_the_general_provisions(built):
    reg = built[0]
    assert [c.id for c in reg.chapters] == ["general", "mini.controls.organization", "mini.standards.service",
                                            "mini.controls.inspection", "supplementary"]


def test_the_general_provisions_end_with_a_self_description_of_the_chapters_printed(built):
    reg = built[0]
    outline = reg.chapters[0].articles[-1]
    assert outline.id == "core.general.outline"
    assert outline.text == "本制度共五章，依次为“总则”“组织与职责”“服务标准”“检查与考核”“附则”。"


def test_a_posts_parenthetical_is_printed_at_its_first_mention_only(built):
    reg = built[0]
    everything = "".join(t for t in texts(reg).values() if t)
    everything += "".join(d.unit for ch in reg.chapters for a in ch.articles if a.block is not None
                          for d in getattr(a.block, "duties", []))
    assert everything.count("质控员（由运营部经理兼任）") == 1
    # the first mention in print order: the organization chapter's duties table, before the standards
    (duties,) = [a for a in reg.chapters[1].articles if a.block is not None]
    assert [d.unit for d in duties.block.duties] == ["质量管理部", "质控员（由运营部经理兼任）"]
    assert texts(reg)["mini.standards.service.conduct"].endswith("由质控员督查。")


def test_a_multiplier_of_one_drops_the_factor(built):
    assert texts(built[0])["mini.controls.inspection.scoring"] == "重复违规的扣分为：基础分×［1＋（N−1）］。"
    assert (factor(1), factor(2), factor(1.5), factor(2.0)) == ("", "×2", "×1.5", "×2")
    with pytest.raises(TypeError):
        factor("2")


def test_lists_are_joined_the_chinese_way(built):
    assert "向前台、热线和网站提出" in texts(built[0])["mini.controls.inspection.channels"]
    assert join_cn(["各部门", "各分拨中心", "营业网点"]) == "各部门、各分拨中心和营业网点"
    assert join_cn(["甲", "乙"]) == "甲和乙" and join_cn(["甲"]) == "甲"
    assert short_name("质控员（由医务科科长兼任）") == "质控员" and short_name("质控员") == "质控员"


def test_forms_and_checklists_come_by_code_and_a_forms_clauses_in_document_order(built):
    reg = built[0]
    assert [f.code for f in reg.forms] == ["F2", "F10"]
    assert [c.code for c in reg.checklists] == ["C1", "C3"]
    complaints = reg.form("mini.complaints")
    assert complaints.clauses == ["mini.standards.service.conduct", "mini.controls.inspection.channels"]
    assert sorted(["F10", "F2", None, "F1"], key=code_key) == ["F1", "F2", "F10", None]


def test_the_site_prints_citations_as_plain_text(built, tmp_path):
    _reg, mgr, path = built
    result = sqmkit.build(path, tmp_path / "out", ["html"], mgr=mgr)
    pages = "".join(p.read_text(encoding="utf-8") for p in result.out_dir.rglob("*.html"))
    assert "遵守《中华人民共和国消费者权益保护法》" in pages
    assert "《服务质量评价通则》（GB/T 36733-2018）" in pages
    assert "\x1e" not in pages and "cite(" not in pages


def test_a_forms_basis_clauses_print_in_order_once_with_ranges(built):
    reg = built[0]
    numbering = Numbering.of(reg)
    ids = ["mini.standards.service.evaluation", "mini.controls.organization.duties", "mini.standards.service.conduct",
           "mini.standards.service.conduct", "core.general.basis", "core.general.basis.law"]
    links = basis(reg, numbering, ids)
    assert [(link.target, link.text) for link in links] == [
        ("core.general.basis", "第二条"), ("mini.controls.organization.duties", "第五条至第七条")]
    assert [link.text for link in basis(reg, numbering, ids[:1] + ids[2:3])] == ["第六条", "第七条"]
