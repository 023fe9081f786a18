"""The content linter rules of issue 17 (``citation``, ``uncited``, ``authority``, ``kpi-target``,
``article-style``, ``record-names``, ``self-description``, ``and-chain``): each defect the issue
found, written into a copy of a small clean pack, is reported at its file with the right code;
the clean pack has none of them."""

from __future__ import annotations

import pytest

from sqmkit import check_plugin
from tests.content_support import FILES, write_pack

CODES = {"citation", "uncited", "authority", "kpi-target", "article-style", "record-names", "self-description",
         "and-chain"}
STD, GEN, SUP, INS = ("rules/10-standards.yaml", "rules/00-general.yaml", "rules/90-supplementary.yaml",
                      "rules/61-controls-inspection.yaml")


def lint(tmp_path, files=None):
    package = write_pack(tmp_path / "sqmkit_mini", files)
    (package / "__init__.py").write_text("from sqmkit import DataPack\n\nplugin = DataPack.for_package(__name__)\n",
                                         encoding="utf-8")
    report = check_plugin(package, assemble=False)
    return [f for f in report.findings if f.code in CODES]


def edit(rel, old, new):
    assert old in FILES[rel], old
    return {rel: FILES[rel].replace(old, new)}


def test_the_clean_pack_has_only_the_uncited_reference(tmp_path):
    found = lint(tmp_path)
    assert [(f.code, f.severity, f.where) for f in found] == [("uncited", "warning", "references[3]")]
    assert "contract-rule" in found[0].problem  # the module's reference (food-law) is not asked for


ARTICLE = "      - id: conduct\n"
DEFECTS = [
    pytest.param(edit(STD, "cite('consumer-law')", "cite('consumer-act')"), "citation", STD,
                 "'consumer-act', which is not declared", id="cite-unknown"),
    pytest.param(edit(STD, "{{ cite('consumer-law') }}", "《中华人民共和国消费者权益保护法》"), "citation", STD,
                 "literally", id="title-written-by-hand"),
    pytest.param(edit(STD, "{{ cite('consumer-law') }}", "《某某服务管理办法》"), "citation", STD,
                 "neither a declared reference nor a form or checklist", id="title-undeclared"),
    pytest.param(edit(STD, "cite('consumer-law')", "cite('food-law')"), "citation", STD,
                 "of module 'canteen'", id="cite-module-unguarded"),
    pytest.param(edit(SUP, "由{{ org.departments.quality }}保存", "由质量管理部负责解释"), "authority", SUP,
                 "written literally", id="authority-literal"),
    pytest.param(edit(SUP, "由{{ org.departments.quality }}保存",
                      "由质量管理部按{{ ref('mini.standards.service.conduct', see=False) }}负责组织抽查"),
                 "authority", SUP, "written literally", id="authority-literal-before-a-reference"),
    pytest.param(edit(SUP, "由{{ org.departments.quality }}保存", "由{{ doc.owner or '质量管理部门' }}负责解释"),
                 "authority", SUP, "fallback", id="authority-fallback"),
    pytest.param(edit("industry.yaml", "default: 98", "default: 100"), "kpi-target", INS, "100%",
                 id="kpi-param-100"),
    pytest.param(edit(INS, "不低于{{ params.kpi.closure_rate }}%", "应达到100%"), "kpi-target", INS, "100%",
                 id="kpi-text-100"),
    pytest.param(edit(STD, "        title: 服务评价\n", ""), "article-style", STD, "untitled", id="mixed-titles"),
    pytest.param(edit(GEN, "        order: 20\n", "        order: 20\n        title: 适用范围\n"), "article-style", GEN,
                 "titled", id="titled-general"),
    pytest.param(edit(STD, "        text: \"服务评价参照", "        items:\n          - id: monthly\n            text: \"服务评价参照"),
                 "article-style", STD, "no lead sentence", id="no-lead-sentence"),
    pytest.param({"forms/b-visits.yaml": FILES["forms/b-visits.yaml"].replace("回访记录表", "服务行为检查记录表")},
                 "record-names", "checklists/a-service.yaml", "differ only by", id="near-identical-records"),
    pytest.param(edit(GEN, "本制度适用于{{ company.short_name }}全体员工。", "本制度由服务标准、检查与考核两部分组成。"),
                 "self-description", GEN, "by hand", id="hand-written-outline"),
    pytest.param(edit(GEN, "全体员工", "各部门和各{{ org.departments.operations }}和{{ org.departments.quality }}"),
                 "and-chain", GEN, "和", id="and-and"),
]


@pytest.mark.parametrize(("files", "code", "where", "words"), DEFECTS)
def test_each_defect_is_reported(tmp_path, files, code, where, words):
    found = [f for f in lint(tmp_path, files) if f.code == code]
    assert found, f"no {code} finding"
    hit = found[0]
    assert hit.file is not None and hit.file.as_posix().endswith(where), hit.format()
    assert words in hit.problem and hit.line is not None and hit.hint, hit.format()
    assert hit.severity == ("warning" if code in ("uncited", "and-chain") else "error")


def test_a_citation_guarded_by_its_module_and_a_form_title_are_fine(tmp_path):
    files = edit(STD, "员工应当遵守{{ cite('consumer-law') }}",
                 "员工应当遵守{{ cite('consumer-law') }}{% if 'canteen' in modules %}和{{ cite('food-law') }}{% endif %}，"
                 "填写《投诉登记表》")
    assert [f.code for f in lint(tmp_path, files)] == ["uncited"]


def test_a_unit_named_through_org_or_generic_units_is_not_an_authority_finding(tmp_path):
    files = edit(SUP, "由{{ org.departments.quality }}保存",
                 "由{{ org.departments.quality }}归口管理；各部门负责组织本部门的自查；"
                 "{{ org.roles.quality_officer }}按{{ ref('mini.standards.service.conduct', see=False) }}负责组织抽查")
    assert [f.code for f in lint(tmp_path, files)] == ["uncited"]
