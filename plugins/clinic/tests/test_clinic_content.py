"""What the clinic regulation says, read on the assembled demo (and on variants of it): each
defect of issue 17 that names the clinic, or that the clinic's texts had, has a test that would
have caught it; the normative references are present and consistent; the additions (core
systems, incident grading, internal audit and management review, service commitments) are there
and follow the client's modules and parameters."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import sqmkit
import sqmkit_clinic
from sqmkit import Regulation

PACKAGE = sqmkit_clinic.plugin.root
#: the marker a cross-reference leaves in an assembled text until a renderer resolves it
REF = re.compile("\x1e(ref|form|checklist):([^:\x1f]*):?[^\x1f]*\x1f")
BOOK = re.compile("《([^》]+)》")
#: the core's own reference, listed in every 编制依据
CORE_STANDARD = "质量管理体系 要求"


def _manager() -> sqmkit.Manager:
    return sqmkit.get_plugin_manager([("clinic", sqmkit_clinic.plugin)], load_entry_points=False)


def _demo() -> dict[str, Any]:
    return yaml.safe_load(sqmkit_clinic.DEMO_PROFILE.read_text(encoding="utf-8"))


def _load(tmp: Path, name: str, **changes: Any) -> Regulation:
    """Assemble the demo with top-level fields replaced and parameters merged in."""
    data = _demo()
    params = changes.pop("parameters", {})
    data.update(changes)
    for group, values in params.items():
        data.setdefault("parameters", {}).setdefault(group, {}).update(values)
    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return sqmkit.load(path, _manager())[3]


@pytest.fixture(scope="module")
def reg() -> Regulation:
    return sqmkit.load(sqmkit_clinic.DEMO_PROFILE, _manager())[3]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The text of every page of the built demo site (HTML), tags removed, in chapter order."""
    out = tmp_path_factory.mktemp("site")
    result = sqmkit.build(sqmkit_clinic.DEMO_PROFILE, out, ["html"], mgr=_manager())
    pages = sorted(result.out_dir.glob("chapter-*.html"))
    text = "\n".join(re.sub(r"<[^>]+>", "", p.read_text(encoding="utf-8")) for p in pages)
    return text.replace("&#34;", "\"").replace("&amp;", "&")


def _text(reg: Regulation) -> str:
    return "\n".join(reg.texts())


def _article(reg: Regulation, cid: str) -> Any:
    return reg.clause(cid)


def _all_text(node: Any) -> str:
    """Every printed string of a clause (text, items, block, after), markers left in."""
    return "\n".join(sqmkit_model_strings(node))


def sqmkit_model_strings(node: Any) -> list[str]:
    out: list[str] = []
    if isinstance(node, str):
        return [node]
    if isinstance(node, (list, tuple)):
        for v in node:
            out += sqmkit_model_strings(v)
        return out
    if hasattr(node, "__dataclass_fields__"):
        for name in node.__dataclass_fields__:
            if name not in ("id", "plugin", "owner", "param", "kind"):
                out += sqmkit_model_strings(getattr(node, name))
    return out


def _order(reg: Regulation) -> dict[str, int]:
    return {c.id: i for i, c in enumerate(reg.clauses())}


# -- defect 4: grades defined in the text where they are used --------------------------------


def test_physician_scale_is_defined_in_its_article(reg):
    """The physician A/B/C scale is printed (grades block) in the article on physician spot
    checks, and every clause that speaks of a physician's grade comes after it."""
    article = _article(reg, "clinic.controls.inspection.physician-checks")
    assert article.block is not None and article.block.kind == "grades"
    assert article.block.param == "grading.physician"
    assert [b.grade for b in article.block.bands] == [b["grade"] for b in reg.params["grading"]["physician"]]
    order = _order(reg)
    users = [c.id for c in reg.clauses() if not hasattr(c, "articles") and "个人抽查" in _all_text(c)]
    assert users, "no clause speaks of the physician grade"
    for cid in users:
        assert order[cid] >= order["clinic.controls.inspection.scales"], cid


def test_record_pass_mark_is_stated_in_the_article(reg, tmp_path):
    """The pass mark of an outpatient record is in the article on record checks and in the
    definition, not only in the form; a client's own mark reaches all three."""
    mark = reg.params["inspection"]["record_pass_score"]
    assert f"低于{mark}分" in reg.clause("clinic.controls.inspection.outpatient-records").text
    assert f"低于{mark}分" in reg.clause("clinic.general.definitions.unqualified-record").text
    tailored = _load(tmp_path, "mark", parameters={"inspection": {"record_pass_score": 75}})
    assert "低于75分" in tailored.clause("clinic.controls.inspection.outpatient-records").text
    assert "低于75分" in tailored.clause("clinic.general.definitions.unqualified-record").text
    assert "低于75分" in tailored.form("clinic.outpatient-record-inspection").intro


def test_checklist_consequence_is_the_articles(reg):
    """The physician checklist's bands and the article's grade table are the same bands with the
    same consequences; the old, different wording (加倍抽查) is nowhere."""
    article = reg.clause("clinic.controls.inspection.physician-checks").block
    checklist = reg.checklist("clinic.physician-check")
    assert [(b.grade, b.min, b.consequence) for b in checklist.bands] == \
        [(b.grade, b.min, b.consequence) for b in article.bands]
    assert "重点抽查" in article.bands[-1].consequence
    assert "加倍抽查" not in _text(reg)


def test_which_scale_applies_where_is_stated(reg):
    """An article says which of the scales applies to what, and points at every grade table."""
    scales = reg.clause("clinic.controls.inspection.scales")
    text = _all_text(scales)
    grade_articles = [c.id for c in reg.clauses() if getattr(c, "block", None) is not None and c.block.kind == "grades"]
    assert len(grade_articles) == 3
    referred = {target for kind, target in REF.findall(text) if kind == "ref"}
    assert set(grade_articles) <= referred
    for param in ("department", "physician", "inspection"):
        assert "、".join(b["grade"] for b in reg.params["grading"][param]) in text, param
    for checklist in reg.checklists:  # every checklist scores on a scale the article names
        names = [b.grade for b in checklist.bands]
        assert "、".join(names) in text, checklist.id


# -- defect 5: no drafting advice in a client's text ------------------------------------------

ADVICE = ("规模较小", "没有三级医师", "设有病房的", "设病房的")


@pytest.mark.parametrize("variant", ["demo", "small", "three-level", "no-wards"])
def test_no_drafting_advice_and_conditions_follow_the_profile(reg, tmp_path, variant):
    if variant == "demo":
        built = reg
    elif variant == "small":
        built = _load(tmp_path, variant, parameters={"organization": {"qc_in_medical_affairs": True}})
    elif variant == "three-level":
        built = _load(tmp_path, variant, parameters={"organization": {"three_level_physicians": True}})
    else:
        built = _load(tmp_path, variant, modules=["pharmacy"])
    text = _text(built)
    for phrase in ADVICE:
        assert phrase not in text, (variant, phrase)
    qc = built.clause("clinic.controls.organization.qc-office").text
    assert ("不单设" in qc) == (variant == "small")
    if variant == "no-wards":
        assert "clinic.controls.core-systems.rounds" not in built.clause_ids()
        assert "clinic.controls.kpis.inpatient-indicators" not in built.clause_ids()
    else:
        rounds = built.clause("clinic.controls.core-systems.rounds")
        assert rounds.title == ("三级查房制度" if variant == "three-level" else "两级查房制度")


# -- defect 6: substituted values read as Chinese ---------------------------------------------


def test_joined_units_and_a_parenthetical_post_read_right(reg, site):
    """Lists of units are joined 甲、乙和丙 (never 甲和乙和丙, in the source either); the demo's
    post 质控办主任（由医务科科长兼任） carries its note once in the whole handbook."""
    duties = reg.clause("clinic.controls.organization.system").block.duties
    assists = next(d for d in duties if d.role == "assists")
    assert assists.unit == "医务科、护理部、药剂科和病案室"
    chain = re.compile(r"\}\}和\{\{[^{}]*\}\}[^，。；、{}]{0,4}和\{\{")
    for path in sorted(PACKAGE.rglob("*.yaml")):
        assert not chain.search(path.read_text(encoding="utf-8")), path.name
    assert site.count("（由医务科科长兼任）") == 1


def test_a_multiplier_of_one_is_not_printed(tmp_path):
    built = _load(tmp_path, "flat", parameters={"incentive": {"repeat_multiplier": 1}})
    rule = next(r for r in built.clause("clinic.incentives.penalties").block.rules if r.id == "complaint")
    assert "1倍" not in rule.repeat and "同一标准" in rule.repeat


# -- defect 7: no impossible target ------------------------------------------------------------


def test_no_target_of_one_hundred_percent(reg):
    assert reg.params["kpi"]["complaint_closure_rate"] < 100
    spec = sqmkit_clinic.plugin.industry_spec.declared["kpi"]["complaint_closure_rate"]
    assert spec["max"] < 100 and "100%" in spec["meaning"]
    for kpi in reg.clause("clinic.controls.kpis.indicators").block.kpis:
        assert not re.search(r"≥\s*100\s*%", kpi.target), kpi.name
    assert not re.search(r"(不低于|达到)\s*100\s*%", _text(reg))


# -- defect 8: the organization after 总则, no hand-written self-description --------------------


def test_organization_comes_right_after_general_provisions(reg):
    assert reg.chapters[1].id == "clinic.controls.organization"
    assert "部分组成" not in _text(reg)
    assert sorted(p.name for p in (PACKAGE / "rules").glob("*.yaml"))[1].startswith("05-organization")


# -- defect 9: appendices and 依据条款 in order --------------------------------------------------


def test_forms_and_checklists_are_numbered_in_file_order_and_cite_clauses_in_order(reg):
    pack = sqmkit_clinic.plugin
    for files in (pack.form_files, pack.checklist_files):
        codes = [spec.code for _, spec in files]
        assert codes == sorted(codes) and len(set(codes)) == len(codes)
    order = _order(reg)
    for _, form in pack.form_files:
        kept = [c for c in form.clauses if c in order]
        assert kept == sorted(set(kept), key=order.__getitem__), form.id
    for _, checklist in pack.checklist_files:
        for section in checklist.sections:
            for item in section.items:
                kept = [c for c in item.clauses if c in order]
                assert kept == sorted(set(kept), key=order.__getitem__), f"{checklist.id}.{item.id}"


# -- defect 10: one article style per chapter, a lead sentence before every list ---------------


def test_articles_are_all_titled_and_lead_into_lists(reg):
    for chapter in reg.chapters:
        titled = {bool(a.title) for a in chapter.articles}
        if chapter.family in ("general", "supplementary"):
            assert titled == {False}, chapter.id
            continue
        assert titled == {True}, chapter.id
        for article in chapter.articles:
            if article.items or article.block is not None:
                assert article.text, article.id


# -- defect 12: no near-identical record names -------------------------------------------------


def test_record_names_differ(reg):
    def stem(title: str) -> str:
        return re.sub("(记录|登记|表|单|清单)", "", title)

    titles = [f.title for f in reg.forms] + [c.title for c in reg.checklists]
    stems = [stem(t) for t in titles]
    assert len(set(stems)) == len(stems), titles


# -- normative references -----------------------------------------------------------------------


def test_references_are_declared_and_consistent():
    refs = sqmkit_clinic.plugin.industry_spec.references
    assert len(refs) >= 25
    kinds = {r.kind for r in refs}
    assert {"law", "regulation", "rule", "standard", "normative"} <= kinds
    titles = [r.title["zh-CN"] for r in refs]
    assert len(set(titles)) == len(titles)
    bare = [re.sub(r"（[^）]*）", "", t) for t in titles]  # one reference, one title (版本 or 试行 aside)
    assert len(set(bare)) == len(bare)
    for ref in refs:
        assert (ref.number is not None) == (ref.kind == "standard"), ref.id


def test_every_book_title_in_the_text_is_a_reference_or_a_record(reg, site):
    """Every 《…》 the handbook prints is a declared reference in force for the client (or the
    core's GB/T 19001) or a form or checklist of the plugin; each reference is cited under one
    title only."""
    modules = set(reg.profile.modules)
    in_force = {r.title["zh-CN"] for r in sqmkit_clinic.plugin.industry_spec.references
                if r.module is None or r.module in modules}
    records = {f.title for f in reg.forms} | {c.title for c in reg.checklists}
    allowed = in_force | records | {CORE_STANDARD}
    printed = BOOK.findall(site)
    assert printed
    assert set(printed) <= allowed, sorted(set(printed) - allowed)
    cited = set(printed) - records - {CORE_STANDARD}
    assert cited == in_force, sorted(in_force - cited)  # all listed in 编制依据, each under its one title


def test_references_follow_the_modules(reg, tmp_path):
    """The surgical references are listed and cited only with the surgery module."""
    assert "《医疗机构临床用血管理办法》" in _text(reg)
    without = _load(tmp_path, "nosurgery", modules=["inpatient", "pharmacy", "health-management"])
    text = _text(without)
    assert "临床用血管理办法" not in text and "献血法" not in text
    assert "clinic.controls.core-systems.blood-use" not in without.clause_ids()


# -- the additions -------------------------------------------------------------------------------

CORE_SYSTEMS = ("first-visit", "rounds", "consultation", "nursing-levels", "duty-handover", "difficult-cases",
                "rescue", "death-discussion", "checks", "critical-values", "records-management", "antimicrobials",
                "information-security")
SURGICAL = ("preoperative-discussion", "surgical-safety-check", "surgical-grading", "blood-use", "new-techniques")


def test_core_systems_at_the_institutions_level(reg, tmp_path):
    ids = set(reg.clause_ids())
    for name in CORE_SYSTEMS + SURGICAL:
        assert f"clinic.controls.core-systems.{name}" in ids, name
    outpatient_only = set(_load(tmp_path, "outpatient", modules=[]).clause_ids())
    for name in ("rounds", "nursing-levels", "death-discussion") + SURGICAL:
        assert f"clinic.controls.core-systems.{name}" not in outpatient_only, name
    for name in ("first-visit", "consultation", "duty-handover", "rescue", "checks", "critical-values"):
        assert f"clinic.controls.core-systems.{name}" in outpatient_only, name


def test_incident_grading_table(reg):
    table = reg.clause("clinic.controls.incidents.levels").block
    assert table.kind == "table" and len(table.columns) == 6
    assert [row[0] for row in table.rows] == ["一般", "较大", "重大"]
    p = reg.params["incident"]
    assert f"{p['response_minutes_serious']}分钟" in table.rows[2][2]
    assert f"{p['external_hours_serious']}小时" in table.rows[2][4]
    assert f"{reg.params['improvement']['action_days_high']}日" in table.rows[2][5]


def test_internal_audit_and_management_review(reg):
    audit = _all_text(reg.clause("clinic.improvement.cycle.internal-audit"))
    review = _all_text(reg.clause("clinic.improvement.cycle.management-review"))
    assert f"每{reg.params['audit']['interval_months']}个月" in audit and "医疗质量控制办公室" in audit
    assert "clinic.corrective-action" in audit and "内部审核报告" in audit
    assert f"每{reg.params['review']['interval_months']}个月" in review and "院长" in review
    assert "评审输入" in review and "评审输出" in review and "管理评审报告" in review
    names = [a.name for a in reg.clause("clinic.improvement.cycle.activities").block.activities]
    assert "内部审核" in names and "管理评审" in names


def test_service_commitments_use_the_standards_figures(reg):
    rows = reg.clause("clinic.standards.commitments.content").block.rows
    text = "\n".join(cell for row in rows for cell in row)
    assert f"{reg.params['kpi']['waiting_minutes']}分钟" in text
    assert f"{reg.params['complaint']['acknowledge_hours']}小时" in text
    posting = reg.clause("clinic.standards.commitments.posting").text
    assert "门诊大厅、收费窗口和官方网站" in posting and reg.params["service"]["hotline"] in posting


def test_every_chapter_has_an_owner_and_every_checklist_a_schedule(reg):
    departments = set(sqmkit_clinic.plugin.industry_spec.departments)
    for _, chapter in sqmkit_clinic.plugin.chapter_files:
        assert chapter.owner in departments, chapter.id
    for checklist in reg.checklists:
        assert checklist.schedule is not None, checklist.id
