"""Normative references (编制依据, issue 17): declared in industry.yaml, cited with cite(), listed in
the 总则 by kind, tailored by module; an unknown or module-less citation is refused at assembly."""

from __future__ import annotations

import textwrap

import pytest
import yaml

import sqmkit
from sqmkit import Industry
from sqmkit.errors import DataError, PluginError
from sqmkit.numbering import Numbering
from sqmkit.textrender import TextRenderer
from tests.content_support import FILES, INDUSTRY, profile_data, write_pack

BASE = {"id": "x", "name": "某行业", "departments": {"quality": "质量部"}}


def industry(**extra):
    return Industry.model_validate({**BASE, **extra})


@pytest.fixture
def pack(tmp_path):
    return write_pack(tmp_path / "pack")


def regulation(sqmkit_manager, pack, tmp_path, modules=(), **document):
    data = {**profile_data(**document), "modules": list(modules)}
    path = tmp_path / "client.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    mgr = sqmkit_manager(("mini", sqmkit.DataPack(pack)))
    profile, doc = sqmkit.load_profile(path)
    return sqmkit.assemble(mgr, profile, doc)


# -- the declaration -------------------------------------------------------------------------------


def test_references_are_read_with_kind_number_and_module():
    ind = Industry.model_validate(yaml.safe_load(textwrap.dedent(INDUSTRY)))
    assert [(r.id, r.kind, r.number, r.module) for r in ind.references] == [
        ("consumer-law", "law", None, None), ("food-law", "law", None, "canteen"),
        ("service-eval", "standard", "GB/T 36733-2018", None), ("contract-rule", "rule", None, None)]
    assert ind.quality_department == "quality"


@pytest.mark.parametrize(("refs", "words"), [
    ([{"id": "a", "kind": "law", "title": "甲法"}, {"id": "a", "kind": "law", "title": "乙法"}], "declared twice"),
    ([{"id": "a", "kind": "law", "title": "甲法"}, {"id": "b", "kind": "rule", "title": "甲法"}], "same title"),
    ([{"id": "a", "kind": "law", "title": "《甲法》"}], "without 《》"),
    ([{"id": "a", "kind": "law", "title": "甲法", "module": "nope"}], "unknown module"),
    ([{"id": "a", "kind": "statute", "title": "甲法"}], "law"),
])
def test_a_wrong_reference_list_is_refused(refs, words):
    with pytest.raises(ValueError) as info:
        industry(references=refs)
    assert words in str(info.value)


def test_the_quality_department_is_a_declared_department():
    with pytest.raises(ValueError, match="unknown department 'qa'"):
        industry(quality_department="qa")


# -- cite() ------------------------------------------------------------------------------------------


def test_cite_prints_the_title_in_book_marks_and_a_standard_with_its_number(sqmkit_manager, pack, tmp_path):
    reg = regulation(sqmkit_manager, pack, tmp_path)
    texts = {a.id: a.text for a in reg.clauses() if isinstance(a, sqmkit.ArticleNode)}
    assert "员工应当遵守《中华人民共和国消费者权益保护法》" in texts["mini.standards.service.conduct"]
    assert "参照《服务质量评价通则》（GB/T 36733-2018）" in texts["mini.standards.service.evaluation"]
    assert "mini.standards.service.canteen" not in texts  # the module is off


def test_citing_an_undeclared_reference_is_refused_naming_the_text(sqmkit_manager, tmp_path):
    broken = FILES["rules/10-standards.yaml"].replace("cite('consumer-law')", "cite('consumer-act')")
    pack = write_pack(tmp_path / "pack", {"rules/10-standards.yaml": broken})
    with pytest.raises(PluginError) as info:
        regulation(sqmkit_manager, pack, tmp_path)
    assert info.value.plugin == "mini" and "consumer-act" in str(info.value)
    assert "mini.standards.service.conduct" in info.value.ids


def test_citing_a_reference_of_a_module_that_is_off_is_refused(sqmkit_manager, tmp_path):
    broken = FILES["rules/10-standards.yaml"].replace("cite('consumer-law')", "cite('food-law')")
    pack = write_pack(tmp_path / "pack", {"rules/10-standards.yaml": broken})
    with pytest.raises(PluginError, match="canteen"):
        regulation(sqmkit_manager, pack, tmp_path)


def test_the_renderer_without_references_still_knows_the_core_standard():
    render = TextRenderer({}, "zh-CN")
    assert render.text(sqmkit.Text({"zh-CN": "参照{{ cite('gb-t-19001') }}"}), "x") == \
        "参照《质量管理体系 要求》（GB/T 19001-2016）"


# -- the 编制依据 article ---------------------------------------------------------------------------


def basis(reg):
    (article,) = [a for a in reg.chapters[0].articles if a.id == "core.general.basis"]
    return article


def test_the_basis_article_lists_the_references_by_kind_in_order_numbered(sqmkit_manager, pack, tmp_path):
    reg = regulation(sqmkit_manager, pack, tmp_path)
    article = basis(reg)
    assert article.text.startswith("本制度依据下列法律、法规、规章和标准")
    assert [(k.text, [r.text for r in k.items]) for k in article.items] == [
        ("法律", ["《中华人民共和国消费者权益保护法》"]),
        ("部门规章", ["《侵害消费者权益行为处罚办法》"]),
        ("国家标准和行业标准", ["《服务质量评价通则》（GB/T 36733-2018）", "《质量管理体系 要求》（GB/T 19001-2016）"]),
    ]
    numbering = Numbering.of(reg)
    assert numbering.label[article.items[0].id] == "（一）"
    assert numbering.label[article.items[2].items[1].id] == "2."


def test_a_module_brings_its_references(sqmkit_manager, pack, tmp_path):
    reg = regulation(sqmkit_manager, pack, tmp_path, modules=["canteen"])
    laws = basis(reg).items[0]
    assert [r.text for r in laws.items] == ["《中华人民共和国消费者权益保护法》", "《中华人民共和国食品安全法》"]


def test_the_profile_check_refuses_a_client_nobody_can_interpret_for(sqmkit_manager, tmp_path):
    no_quality = INDUSTRY.replace("    quality_department: quality\n", "")
    pack = write_pack(tmp_path / "pack", {"industry.yaml": no_quality})
    with pytest.raises(DataError) as info:
        regulation(sqmkit_manager, pack, tmp_path)
    assert info.value.where == "document.owner" and "quality_department" in info.value.problem
    reg = regulation(sqmkit_manager, pack, tmp_path, owner="品质保证部")  # naming the owner is enough
    assert interpretation(reg) == "本制度由品质保证部负责解释。"


def test_the_interpretation_clause_names_the_clients_quality_department(sqmkit_manager, pack, tmp_path):
    data = profile_data()
    data["organization"]["departments"] = {"quality": "品质管理中心"}
    reg = sqmkit.assemble(sqmkit_manager(("mini", sqmkit.DataPack(pack))), sqmkit.Profile.model_validate(data))
    assert interpretation(reg) == "本制度由品质管理中心负责解释。"


def interpretation(reg):
    (clause,) = [a for a in reg.chapters[-1].articles if a.id == "core.supplementary.interpretation"]
    return clause.text


def test_a_posts_parenthetical_is_printed_once_table_cells_included():
    """First mention in print order: a table before the article's closing text takes it."""
    from sqmkit.finish import first_mentions
    from sqmkit.model import ArticleNode, ChapterNode, OrgNames, TableNode

    post = "质控员（由运营部经理兼任）"
    table = TableNode(None, ["级别", "负责人"], [["一般", post], ["较大", f"{post}、总经理"]])
    first = ArticleNode("x.a.one", "分级", "事件分为两级：", [], table, f"{post}每月汇总。", "x")
    second = ArticleNode("x.a.two", None, f"{post}负责复核。", [], None, None, "x")
    chapter = ChapterNode("x.a", "controls", "事件", None, [first, second], ["x"])
    first_mentions([chapter], OrgNames({}, {"quality_officer": post}))
    assert table.rows == [["一般", post], ["较大", "质控员、总经理"]]
    assert first.after == "质控员每月汇总。" and second.text == "质控员负责复核。"
