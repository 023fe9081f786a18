"""What the hospitality regulation says, read on the assembled demo (issue 17): each defect the
consultant found has a test that would have caught it, the references are present and consistent,
and the added content (safety and emergency, public-place hygiene, service commitments, incident
grading, internal audit and management review) is there and agrees with its forms and checklists."""

from __future__ import annotations

import re

import pytest
import yaml

import sqmkit
import sqmkit_hospitality
from sqmkit import load_profile

PACK = sqmkit_hospitality.plugin
DEMO = sqmkit_hospitality.DEMO_PROFILE
MARK = re.compile("\x1e(ref|form|checklist):([^:\x1f]*):([^\x1f]*)\x1f")
BOOK = re.compile("《([^》]+)》")


def _manager() -> sqmkit.Manager:
    return sqmkit.get_plugin_manager([("hospitality", PACK)], load_entry_points=False)


def _assemble(modules=None, parameters=None, roles=None):
    profile, doc = load_profile(DEMO)
    if modules is not None:
        profile.modules = list(modules)
    if parameters is not None:
        profile.parameters = parameters
    if roles is not None:
        profile.organization.roles.update(roles)
    return sqmkit.assemble(_manager(), profile, doc)


@pytest.fixture(scope="module")
def reg():
    return _assemble()


_strings = sqmkit.strings_of  # every string inside a node, list or dict


def plain(reg, text: str) -> str:
    """A text as printed: forms and checklists by their 《title》, references as 第X条."""
    titles = {f.id: f.title for f in reg.forms} | {c.id: c.title for c in reg.checklists}
    return MARK.sub(lambda m: f"《{titles[m.group(2)]}》" if m.group(1) != "ref" else "第X条", text or "")


def article(reg, clause_id: str):
    for ch in reg.chapters:
        for a in ch.articles:
            if a.id == clause_id:
                return a
    raise KeyError(clause_id)


def article_text(reg, clause_id: str) -> str:
    return "\n".join(plain(reg, s) for s in _strings(article(reg, clause_id)))


def full_text(reg) -> str:
    return "\n".join(plain(reg, s) for s in _strings(reg.chapters))


def zh(text) -> str:
    """The zh-CN string of a plain or localized text."""
    return text if isinstance(text, str) else text.get("zh-CN")


# ---------------------------------------------------------------------------------------------
# defect 1 and 11: 服务最差 defined, enforceable, and the third complaint reaches the manager
# ---------------------------------------------------------------------------------------------


def test_worst_rated_is_defined_as_a_monthly_rating(reg):
    text = article_text(reg, "hospitality.incentives.rules.worst-rated")
    params = PACK.industry_spec.parameters["incentives"]
    assert "同一自然月内被有效投诉达到{}次".format(params["worst_complaints"]) in text
    assert "每月评定一次" in text
    assert "罚款{}元".format(params["worst_fine"]) in text
    assert "同一自然年度内累计{}次".format(params["worst_dismiss_times"]) in text
    everything = full_text(reg)
    # the old wording: a monthly rating that had to happen twice in one month
    assert not re.search(r"一个月内两次被评为", everything)
    definitions = article_text(reg, "hospitality.general.definitions")
    assert "服务最差" in definitions and "每月评定一次" in definitions


def test_third_complaint_makes_the_department_manager_answer(reg):
    text = article_text(reg, "hospitality.incentives.rules.joint-liability")
    params = PACK.industry_spec.parameters["incentives"]
    roles = sqmkit.effective_organization(load_profile(DEMO)[0], PACK.industry_spec).roles
    manager_item = next(it.text for it in article(reg, "hospitality.incentives.rules.joint-liability").items
                        if it.id.endswith(".manager"))
    assert "第{}次".format(sqmkit_numeral(params["manager_from"])) in manager_item
    assert roles["department_manager"] in manager_item
    assert "{}分".format(params["manager_points"]) in manager_item
    assert roles["supervisor"] in text
    penalty = next(r for r in article(reg, "hospitality.incentives.rules.penalties").block.rules if r.id == "complaint")
    assert roles["department_manager"] in penalty.escalation and roles["supervisor"] in penalty.escalation


def sqmkit_numeral(n: int) -> str:
    return "零一二三四五六七八九十"[n] if n <= 10 else str(n)


# ---------------------------------------------------------------------------------------------
# defect 6: substituted values read as Chinese
# ---------------------------------------------------------------------------------------------


def test_no_chained_and_between_units(reg):
    org = sqmkit.effective_organization(load_profile(DEMO)[0], PACK.industry_spec)
    names = sorted(set(org.departments.values()) | set(org.roles.values()), key=len, reverse=True)
    pattern = re.compile("(?:{0})和(?:{0})和".format("|".join(map(re.escape, names))))
    assert not pattern.search(full_text(reg))


def test_post_parenthetical_printed_once():
    reg = _assemble(roles={"supervisor": "领班（兼任主管）"})
    text = full_text(reg)
    assert text.count("领班") > 5
    assert text.count("（兼任主管）") <= 1


# ---------------------------------------------------------------------------------------------
# defect 7: no impossible target
# ---------------------------------------------------------------------------------------------


def test_no_kpi_target_of_a_hundred_percent(reg):
    kpis = article(reg, "hospitality.controls.kpis.targets").block.kpis
    for kpi in kpis:
        assert not re.search(r"100(\.0+)?\s*%", kpi.target), kpi.name
    for spec in PACK.industry_spec.parameter_specs():
        path, p = spec if isinstance(spec, tuple) else (spec.path, spec)
        if path.startswith("kpi.") and p.type == "percent":
            assert p.max is not None and p.max < 100, path
            assert "不设100%" in str(p.meaning), path


# ---------------------------------------------------------------------------------------------
# defect 8, 9, 10, 12: structure
# ---------------------------------------------------------------------------------------------


def test_organization_follows_general_provisions(reg):
    assert reg.chapters[0].family == "general"
    org = reg.chapters[1]
    assert org.id == "hospitality.controls.organization"
    assert any(a.block is not None and a.block.kind == "duties" for a in org.articles)
    for path in PACK.root.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"本制度由.{0,20}部分组成|本制度共[一二三四五六七八九十\d]+章", text), path


def test_every_article_leads_before_its_list_or_table(reg):
    for ch in reg.chapters:
        titled = {bool(a.title) for a in ch.articles}
        assert len(titled) == 1, f"{ch.id} mixes titled and untitled articles"
        for a in ch.articles:
            if a.items or a.block is not None:
                assert a.text, f"{a.id} has a list or table but no lead sentence"


def _first_mentions(reg) -> list[str]:
    seen: list[str] = []
    for s in _strings(reg.chapters):
        for kind, target, _ in MARK.findall(s):
            if kind in ("form", "checklist") and target not in seen:
                seen.append(target)
    return seen


@pytest.mark.parametrize("modules", [["catering", "spa"], []], ids=["all", "none"])
def test_forms_and_checklists_numbered_in_order_of_mention(modules):
    reg = _assemble(modules)
    order = _first_mentions(reg)
    for nodes in (reg.forms, reg.checklists):
        codes = {n.id: n.code for n in nodes}
        mentioned = [i for i in order if i in codes]
        assert set(mentioned) == set(codes), "a form or checklist no text mentions"
        assert [codes[i] for i in mentioned] == sorted(codes[i] for i in mentioned)


def test_form_clauses_in_document_order(reg):
    ids = reg.clause_ids()
    for f in reg.forms:
        positions = [ids.index(c) for c in f.clauses]
        assert positions == sorted(positions) and len(set(positions)) == len(positions), f.id


def test_no_near_identical_record_names():
    titles = [zh(obj.title) for _, obj in PACK.form_files + PACK.checklist_files]
    stems = [re.sub("记录|登记|台账|清单|表|单|卡", "", str(t)) for t in titles]
    assert len(set(stems)) == len(stems), titles


# ---------------------------------------------------------------------------------------------
# references (编制依据)
# ---------------------------------------------------------------------------------------------


def test_every_book_title_is_a_reference_or_a_record(reg):
    listed = set(BOOK.findall(article_text(reg, "core.general.basis")))  # 编制依据, the core's GB/T 19001 too
    refs = {zh(r.title) for r in PACK.industry_spec.references}
    assert refs <= listed  # the demo has every module on
    refs |= listed
    records = {f.title for f in reg.forms} | {c.title for c in reg.checklists}
    cited = set(BOOK.findall(full_text(reg)))
    assert cited, "no 《…》 at all"
    assert cited <= refs | records, cited - refs - records


def test_references_declared_once_with_kinds():
    refs = PACK.industry_spec.references
    titles = [zh(r.title) for r in refs]
    assert len({r.id for r in refs}) == len(refs)
    assert len({re.sub(r"\s", "", t) for t in titles}) == len(titles)
    assert {r.kind for r in refs} >= {"law", "regulation", "rule", "standard"}
    for r in refs:
        assert "《" not in zh(r.title)
        assert (r.kind == "standard") == bool(r.number), r.id
        if r.number:
            assert re.fullmatch(r"(GB|GB/T|LB/T) \d+(\.\d+)?-\d{4}", r.number), r.number


def test_references_follow_modules():
    def basis(reg):
        return "\n".join(_strings(next(a for a in reg.chapters[0].articles if a.id == "core.general.basis")))
    none, catering = basis(_assemble([])), basis(_assemble(["catering"]))
    assert "公共场所卫生管理条例" in none and "旅馆业治安管理办法" in none
    assert "中华人民共和国食品安全法" not in none and "LB/T 016-2017" not in none
    assert "中华人民共和国食品安全法" in catering and "GB 31654-2021" in catering


# ---------------------------------------------------------------------------------------------
# the added content
# ---------------------------------------------------------------------------------------------


def test_incident_grading_table(reg):
    block = article(reg, "hospitality.controls.system.incident-grades").block
    assert [row[0] for row in block.rows] == ["一般", "较大", "重大"]
    assert any("响应" in c for c in block.columns) and any("报告" in c for c in block.columns)
    assert all(all(cell.strip() for cell in row) for row in block.rows)
    params = PACK.industry_spec.parameters
    assert "{}日".format(params["improvement"]["action_days_high"]) in block.rows[1][4]


def test_internal_audit_and_management_review(reg):
    params = PACK.industry_spec.parameters["improvement"]
    org = sqmkit.effective_organization(load_profile(DEMO)[0], PACK.industry_spec)
    audit = article_text(reg, "hospitality.improvement.cycle.internal-audit")
    assert org.departments["quality"] in audit and "每{}个月".format(params["audit_months"]) in audit
    assert "审核报告" in audit and "管理评审的输入" in audit
    review = article_text(reg, "hospitality.improvement.cycle.management-review")
    assert org.roles["general_manager"] in review and "输入" in review and "输出" in review
    activities = {a.id: a for a in article(reg, "hospitality.improvement.cycle.activities").block.activities}
    assert activities["internal-audit"].interval == "每{}个月".format(params["audit_months"])
    assert activities["management-review"].interval == "每年"


def test_safety_chapter_covers_fire_security_food_poisoning_and_the_pool(reg):
    ids = set(reg.clause_ids())
    for clause in ("hospitality.controls.safety.fire", "hospitality.controls.safety.security",
                   "hospitality.controls.safety.emergency-plans", "hospitality.standards.food-hygiene.food-poisoning",
                   "hospitality.controls.spa.pool-emergency"):
        assert clause in ids
    assert "溺水" in article_text(reg, "hospitality.controls.spa.pool-emergency")
    assert "晕厥" in article_text(reg, "hospitality.controls.spa.pool-emergency")
    off = set(_assemble([]).clause_ids())
    assert "hospitality.controls.safety.fire" in off and "hospitality.controls.spa.pool-emergency" not in off


def test_commitments_use_the_same_figures_as_the_standards():
    reg = _assemble(parameters={"front_office": {"checkin_minutes": 4}, "complaint": {"reply_hours": 36}})
    rows = dict(article(reg, "hospitality.standards.commitments.content").block.rows)
    assert "4分钟" in rows["入住登记"]
    assert "4分钟" in article_text(reg, "hospitality.standards.front-office.check-in")
    assert "36小时" in rows["投诉处理"]


def test_health_certificates_and_licence_for_all_public_place_staff(reg):
    staff = article_text(reg, "hospitality.standards.public-hygiene.staff-health")
    assert "前台接待" in staff and "客房服务" in staff
    licence = article_text(reg, "hospitality.standards.public-hygiene.licence")
    assert "卫生许可证" in licence and "悬挂" in licence
    check = next(c for c in reg.checklists if c.id == "hospitality.checklists.safety-compliance")
    vetoes = {it.id.rsplit(".", 1)[-1]: it for it in check.items() if it.veto}
    assert "hospitality.standards.public-hygiene.licence" in vetoes["licence"].clauses
    assert "hospitality.standards.public-hygiene.staff-health.periodic" in vetoes["certificates"].clauses


def test_rectification_deadlines_agree_with_the_action_parameters(reg):
    params = PACK.industry_spec.parameters["improvement"]
    corrective = article_text(reg, "hospitality.improvement.cycle.corrective")
    assert "{}日内".format(params["action_days_high"]) in corrective
    assert "{}日内".format(params["action_days_normal"]) in corrective
    form = next(f for f in reg.forms if f.id == "hospitality.forms.corrective-action")
    hints = " ".join(fl.hint or "" for s in form.sections for fl in s.fields)
    assert "{}日".format(params["action_days_high"]) in hints


def test_every_checklist_plans_its_inspections():
    for _, c in PACK.checklist_files:
        assert c.schedule is not None, c.id


def test_catering_module_refers_only_to_its_own_content():
    """A clinic borrowing the canteen gets no reference to a clause only hospitality has."""
    own: set[str] = set()
    texts: list[str] = []
    for _, ch in PACK.chapter_files:
        if ch.module == "catering":
            own.add(ch.id)
            for a in ch.articles:
                own.add(f"{ch.id}.{a.id}")
                own.update(f"{ch.id}.{a.id}.{it.id}" for it in a.items)
                texts.append(yaml.safe_dump(a.model_dump(), allow_unicode=True))
            texts.append(yaml.safe_dump(ch.model_dump(exclude={"articles"}), allow_unicode=True))
    records = [obj for _, obj in PACK.form_files + PACK.checklist_files if obj.module == "catering"]
    own.update(r.id for r in records)
    texts += [yaml.safe_dump(r.model_dump(), allow_unicode=True) for r in records]
    targets = {t for s in texts for t in re.findall(r"""(?:ref|form|checklist)\(\s*["']([^"']+)""", s)}
    assert targets and targets <= own, targets - own
