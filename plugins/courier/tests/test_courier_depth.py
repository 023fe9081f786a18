"""Issue 17 for the courier plugin: each defect the issue found in the courier handbook has a test
that would have caught it, run on the assembled demo regulation; and what a real courier
服务质量管理制度 carries (references, compensation, incident grading, audit and review,
commitments) is there, with its figures as parameters."""

from __future__ import annotations

import re
from typing import Any, Iterator

import pytest

import sqmkit
import sqmkit_courier
from sqmkit import load_profile

MARK = re.compile("\x1e(form|checklist|ref):([^:\x1f]+):?[^\x1f]*\x1f")


def _manager() -> sqmkit.Manager:
    return sqmkit.get_plugin_manager([("courier", sqmkit_courier.plugin)], load_entry_points=False)


@pytest.fixture(scope="module")
def demo() -> tuple[Any, Any]:
    profile, doc = load_profile(sqmkit_courier.DEMO_PROFILE)
    return profile, sqmkit.assemble(_manager(), profile, doc)


@pytest.fixture(scope="module")
def reg(demo):
    return demo[1]


@pytest.fixture(scope="module")
def industry():
    return sqmkit_courier.plugin.industry_spec


def _titles(reg) -> dict[str, str]:
    return {**{f.id: f.title for f in reg.forms}, **{c.id: c.title for c in reg.checklists}}


def _plain(reg, text: str) -> str:
    """A text with form()/checklist() markers as the 《title》 they print (refs dropped)."""
    titles = _titles(reg)
    return MARK.sub(lambda m: f"《{titles[m.group(2)]}》" if m.group(1) != "ref" else "第X条", text)


def _text(reg) -> str:
    return "\n".join(_plain(reg, t) for t in reg.texts())


def _article(reg, ident: str):
    for c in reg.chapters:
        for a in c.articles:
            if a.id == ident:
                return a
    raise KeyError(ident)


def _items(items) -> Iterator[Any]:
    for it in items:
        yield it
        yield from _items(it.items)


def _article_text(reg, ident: str) -> str:
    a = _article(reg, ident)
    parts = [a.text or "", *(i.text for i in _items(a.items)), a.after or ""]
    return _plain(reg, "".join(parts))


# -- defect 2: the interpretation clause names a real unit of the client --------------------


def test_interpretation_names_the_quality_department_of_the_profile(demo, industry):
    profile, reg = demo
    assert industry.quality_department == "office"
    org = sqmkit.effective_organization(profile, industry)
    office = org.departments["office"]
    assert office == "综合管理部"  # the demo renames it: the clause follows the client's name
    interpretation = [t for t in reg.texts() if "负责解释" in t and t.startswith("本制度由")]
    assert interpretation == [f"本制度由{office}负责解释。"]
    assert "质量管理部门" not in _text(reg)


# -- defect 3: one scoring model, points deducted once ---------------------------------------


def test_monthly_score_is_not_reduced_by_performance_points(reg):
    scoring = _article_text(reg, "courier.controls.inspection.scoring")
    assert "平均值" in scoring and "绩效分不从月度服务质量得分中扣减" in scoring
    assert "减去" not in _text(reg)  # nothing subtracts points from a percentage


def test_points_are_deducted_in_one_place_only(reg):
    """Only the incentives chapter deducts performance points; the other chapters refer to it."""
    for c in reg.chapters:
        if c.id == "courier.incentives":
            continue
        for a in c.articles:
            body = _plain(reg, "".join([a.text or "", a.after or "", *(i.text for i in _items(a.items))]))
            assert not re.search(r"扣(减|除)?\d+分", body), (a.id, body)
    rule = _article_text(reg, "courier.incentives.no-double")
    assert "不重复处罚" in rule and "只按本章扣一次绩效分" in rule


def test_appraisal_form_keeps_score_and_points_apart():
    form = next(f for _, f in sqmkit_courier.plugin.form_files if f.id == "courier.monthly-appraisal")
    sections = {s.id: {fld.id for fld in s.fields} for s in form.sections}
    assert "score" in sections["checks"]
    assert {"points-deducted", "points-added"} <= sections["performance"]
    assert not {"points-deducted", "points-added"} & sections["checks"]


def test_grade_rules_are_stated_in_the_scoring_article(reg):
    """Every rule that moves a courier's grade is listed where the grade is decided; the
    incentives table points there instead of stating a second rule."""
    points = _article(reg, "courier.incentives.points")
    for rule in points.block.rules:
        if rule.grade and rule.id != "veto":
            assert "第X条" in _plain(reg, rule.grade) or rule.grade == "—", rule.grade


# -- defect 6: substituted values read as Chinese ---------------------------------------------


def test_no_and_chains_or_unit_multipliers(reg):
    text = _text(reg)
    assert "和各" not in text
    assert not re.search(r"×\s*1(?![0-9.])", text), "a multiplier of 1 is printed"
    assert "基准分×N" in _article_text(reg, "courier.incentives.points")


# -- defect 7: realistic targets --------------------------------------------------------------


def test_no_kpi_target_of_one_hundred_percent(reg, industry):
    kpis = _article(reg, "courier.controls.kpis.indicators").block.kpis
    for kpi in kpis:
        assert not re.search(r"100\s*%", kpi.target), (kpi.name, kpi.target)
    spec = next(s for s in industry.parameter_specs() if s.path == "kpi.complaint_closure_rate")
    assert spec.max is not None and spec.max < 100  # a client cannot set the impossible target


# -- defect 8: organization after 总则, no hand-written self-description ----------------------


def test_organization_chapter_follows_general_provisions(reg):
    assert reg.chapters[0].title == "总则"
    assert reg.chapters[1].id == "courier.controls.organization"
    assert "部分组成" not in _text(reg)


# -- defect 9: forms and the clauses they record in order -------------------------------------


def test_form_codes_sequential_and_clauses_in_document_order(reg):
    codes = [f.code for _, f in sorted(sqmkit_courier.plugin.form_files, key=lambda x: x[1].code or "")]
    assert codes == [f"F{n:02d}" for n in range(1, len(codes) + 1)]
    order = {cid: n for n, cid in enumerate(reg.clause_ids())}
    for f in reg.forms:
        positions = [order[c] for c in f.clauses]
        assert positions == sorted(positions) and len(set(f.clauses)) == len(f.clauses), f.id


# -- defect 10: article styles ----------------------------------------------------------------


def test_articles_titled_within_each_chapter_and_lead_sentences(reg):
    for c in reg.chapters[1:-1]:  # 总则 and 附则 are untitled like the core's articles
        assert all(a.title for a in c.articles), c.id
        for a in c.articles:
            if a.items or a.block is not None:
                assert a.text, f"{a.id} has a list or table without a lead sentence"
    for c in (reg.chapters[0], reg.chapters[-1]):
        assert not any(a.title for a in c.articles)


# -- defect 12: one name per record, distinct purposes ----------------------------------------


def _record_key(title: str) -> str:
    return re.sub("记录|登记|清单|表|单", "", title)


def test_record_names_are_distinct(reg):
    titles = list(_titles(reg).values())
    keys = [_record_key(t) for t in titles]
    assert len(set(keys)) == len(keys), titles
    assert "快递车辆检查记录表" not in titles and "快递车辆检查表" not in titles
    daily = _article_text(reg, "courier.standards.vehicles.daily-check")
    periodic = _article_text(reg, "courier.standards.vehicles.periodic-check")
    assert "《出车前车辆自检记录表》" in daily and "《快递车辆定期检查评分表》" in periodic


# -- normative references ---------------------------------------------------------------------


def test_references_declared_and_every_title_in_text_is_known(reg, industry):
    refs = industry.references
    kinds = {r.kind for r in refs}
    assert {"law", "regulation", "rule", "standard", "normative"} <= kinds
    assert len({r.title.get() for r in refs}) == len(refs)
    allowed = {r.title.get() for r in refs} | set(_titles(reg).values()) | {"质量管理体系 要求"}  # the core's GB/T 19001
    found = set(re.findall(r"《([^》]+)》", _text(reg)))
    assert found, "the text cites nothing"
    assert found <= allowed, found - allowed
    cited = {r.title.get() for r in refs} & found
    assert cited == {r.title.get() for r in refs if r.module is None}, "a declared reference is never cited"


def test_no_two_spellings_of_one_reference(reg, industry):
    def norm(title: str) -> str:
        return re.sub(r"\s|中华人民共和国", "", title)

    declared = {norm(r.title.get()): r.title.get() for r in industry.references}
    for title in set(re.findall(r"《([^》]+)》", _text(reg))):
        if norm(title) in declared:
            assert title == declared[norm(title)]
    standards = [r for r in industry.references if r.kind == "standard"]
    assert all(r.number and r.number.startswith("GB/T") for r in standards)


# -- what a real courier regulation carries ---------------------------------------------------


def test_compensation_insured_and_uninsured_with_figures_from_parameters(reg):
    text = _article_text(reg, "courier.controls.claims.compensation")
    rows = _article(reg, "courier.controls.claims.compensation").block.rows
    assert _article(reg, "courier.controls.claims.compensation").block.columns == ["情形", "保价快件", "未保价快件"]
    assert any("5倍" in cell for row in rows for cell in row)  # the demo's uninsured_fee_multiple
    assert "《快递暂行条例》" in text and "《中华人民共和国民法典》" in text


def test_query_and_claim_time_limits(reg):
    query = _article_text(reg, "courier.controls.claims.query")
    assert "24小时内" in query and "12个月内" in query
    steps = _article(reg, "courier.controls.claims.claims").block.steps
    assert [s.time_limit for s in steps][2:] == ["受理后30日内", "双方确认后7日内"]


def test_incident_grading_table(reg, demo, industry):
    block = _article(reg, "courier.controls.incidents.levels").block
    assert [r[0] for r in block.rows] == ["一般", "较大", "重大"]
    assert len(block.columns) == 5 and all(len(r) == 5 for r in block.rows)
    org = sqmkit.effective_organization(demo[0], industry)
    assert org.roles["general_manager"] in block.rows[2][3]  # the major level reports to a real post
    assert "2000元" in block.rows[1][1] and "20000元" in block.rows[2][1]


def test_internal_audit_and_management_review(reg, demo, industry):
    org = sqmkit.effective_organization(demo[0], industry)
    audit = _article_text(reg, "courier.improvement.review.internal-audit")
    review = _article_text(reg, "courier.improvement.review.management-review")
    assert audit.startswith(f"{org.departments['office']}每12个月")
    assert review.startswith(f"{org.roles['general_manager']}每12个月")
    assert "输入" in review and "输出" in review and "《管理评审报告》" in review
    names = [a.name for a in _article(reg, "courier.improvement.training.cycle").block.activities]
    assert {"内部审核", "管理评审", "客户需求分析"} <= set(names)


def test_posted_commitments(reg):
    block = _article(reg, "courier.controls.claims.commitments").block
    cells = {row[0]: row[1] for row in block.rows}
    assert cells["投递时限"].startswith("同城快件12小时内")  # the demo's same_city_hours
    assert cells["服务电话"] == "400-123-0000"


def test_warehousing_service_manual_monitoring_and_needs(reg):
    for ident in ("courier.controls.process.work-instructions", "courier.controls.process.storage",
                  "courier.controls.process.stock", "courier.controls.safety.monitoring",
                  "courier.controls.kpis.needs"):
        assert _article_text(reg, ident)
    assert "30日" in _article_text(reg, "courier.controls.process.storage")


def test_rectification_deadlines_follow_the_improvement_parameters(reg, industry):
    corrective = _article_text(reg, "courier.improvement.training.corrective")
    assert "不超过3日" in corrective and "不超过10日" in corrective
    params = industry.parameters["improvement"]
    assert params == {"action_days_high": 3, "action_days_normal": 10}


def test_chapters_have_owners_and_checklists_schedules():
    for _, ch in sqmkit_courier.plugin.chapter_files:
        if ch.family not in ("general", "supplementary"):
            assert ch.owner, ch.id
    for _, c in sqmkit_courier.plugin.checklist_files:
        assert c.schedule is not None, c.id
