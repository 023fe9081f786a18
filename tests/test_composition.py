"""One profile, several industries (issue 18): a clinic that borrows the hospitality industry's
catering module. Real plugins, a real PDF read back; throwaway packs (real YAML in tmp_path) for
the modules that cannot be borrowed."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from sqmkit import DataPack, PluginError, ProfileError, get_plugin_manager
from sqmkit.build import build, load
from sqmkit.readback import assert_handbook_pdf, pdf_text

ROOT = Path(__file__).resolve().parent.parent
UNIT = ROOT / "examples" / "group" / "demo-canteen-clinic.yaml"
CN_NUM = "一二三四五六七八九十"


def _cn(n: int) -> str:
    if n <= 10:
        return CN_NUM[n - 1]
    tens, ones = divmod(n, 10)
    return (CN_NUM[tens - 1] if tens > 1 else "") + "十" + (CN_NUM[ones - 1] if ones else "")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The clinic-plus-catering demo unit, built once (outside a workspace: no group)."""
    folder = tmp_path_factory.mktemp("canteen")
    profile = folder / UNIT.name
    shutil.copy(UNIT, profile)
    return build(profile, folder / "out", ["pdf", "checklists"])


def test_the_borrowed_module_joins_the_regulation(built):
    reg = built.regulation
    ids = [c.id for c in reg.chapters]
    assert "hospitality.standards.catering" in ids and "hospitality.standards.food-hygiene" in ids
    assert "hospitality.standards.spa" not in ids and "hospitality.standards.front-office" not in ids
    assert [c.id for c in reg.chapters].count("general") == 1 and ids[-1] == "supplementary"  # one 总则, one 附则
    assert {"hospitality.checklists.canteen", "hospitality.checklists.food-handler-hygiene"} <= set(reg.index.checklists)
    assert "hospitality.checklists.spa" not in reg.index.checklists
    assert "hospitality.forms.food-handler-register" in reg.index.forms
    # the borrowed texts read the merged organization: the client's name for the hospitality department
    catering = next(c for c in reg.chapters if c.id == "hospitality.standards.catering")
    assert "职工与病员食堂" in (catering.intro or "")


def test_borrowed_forms_and_checklists_are_renumbered_after_the_hosts_codes(built):
    """The clinic has F01–F08 and C01–C03; the catering module lends F03, C03 and C04: no code twice
    in one regulation, the host's keep theirs, the borrowed follow in the lender's order."""
    reg = built.regulation
    forms, checklists = [f.code for f in reg.forms], [c.code for c in reg.checklists]
    for codes in (forms, checklists):
        assert len(set(codes)) == len(codes) and codes == sorted(codes)
    host = {f.id: f.code for f in reg.forms if f.plugin == "clinic"}
    assert host["clinic.incident-report"] == "F08" and host["clinic.outpatient-record-inspection"] == "F01"
    assert reg.index.forms["hospitality.forms.food-handler-register"].code == "F09"
    assert [c.code for c in reg.checklists if c.plugin == "hospitality"] == ["C04", "C05"]
    assert [reg.index.checklists[i].code for i in ("hospitality.checklists.canteen",
                                                    "hospitality.checklists.food-handler-hygiene")] == ["C04", "C05"]
    appendix = re.findall(r"\n\s+([FC]\d{2})\s{2,}\S", pdf_text(built.out_dir / "handbook.pdf"))
    assert appendix == forms + checklists  # the appendix's index tables: each code once, in order
    page = (built.out_dir / "checklists" / "hospitality.checklists.canteen.html").read_text(encoding="utf-8")
    assert '<span class="code">C04</span>' in page


def test_the_handbook_pdf_carries_the_canteen_rules_numbered_on(built):
    reg, pdf = built.regulation, built.out_dir / "handbook.pdf"
    assert_handbook_pdf(built.out_dir, reg)
    text = re.sub(r"\s+", "", pdf_text(pdf))
    assert "食品从业人员卫生规范" in text and "餐饮与食堂服务质量标准" in text
    assert "留样" in text  # a canteen hygiene rule
    assert "食堂" in text and "\x1e" not in text  # every reference marker became a reference
    labels = [f"第{_cn(i)}章" for i in range(1, len(reg.chapters) + 1)]
    positions = [text.find(label + title) for label, title in zip(labels, (c.title for c in reg.chapters))]
    assert all(p >= 0 for p in positions), [c.title for c in reg.chapters]
    assert positions == sorted(positions)  # continuous numbering, in the regulation's order
    canteen = (built.out_dir / "checklists" / "hospitality.checklists.canteen.html").read_text(encoding="utf-8")
    assert "食堂" in canteen or "餐" in canteen


def _profile(tmp_path: Path, modules: list[str], **params) -> Path:
    data = yaml.safe_load(UNIT.read_text(encoding="utf-8"))
    data["modules"] = modules
    if not params:
        data.pop("parameters", None)
    data["organization"].get("departments", {}).pop("catering", None)
    path = tmp_path / "unit.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("module, says", [
    ("hospitalty.catering", "unknown industry 'hospitalty'"),
    ("hospitality.cateringx", "unknown module 'cateringx' of industry 'hospitality'"),
    ("clinic.inpatient", "is a module of the profile's own industry"),
])
def test_a_module_that_cannot_be_borrowed_is_named(tmp_path, module, says):
    with pytest.raises(ProfileError) as err:
        load(_profile(tmp_path, ["inpatient", module]))
    found = [p for p in getattr(err.value, "problems", [err.value]) if p.where == "modules[1]"]
    assert found and says in found[0].problem, str(err.value)


LENDER = {
    "industry.yaml": """
id: bakery
name: 烘焙
modules:
  - {id: shop, name: 门店}
  - {id: secret, name: 配方, borrowable: false}
  - {id: stall, name: 摊点, requires: [bakery.controls.base.rule]}
""",
    "rules/10-stall.yaml": """
id: bakery.standards.stall
family: standards
title: 摊点服务
module: stall
articles:
  - id: tidy
    text: 摊点保持整洁，执行{{ ref("bakery.controls.base.rule") }}。
""",
    "rules/20-base.yaml": """
id: bakery.controls.base
family: controls
title: 基本规则
articles:
  - id: rule
    text: 面包当日售完。
  - id: other
    text: 不属于任何模块。
""",
    "rules/30-secret.yaml": """
id: bakery.standards.secret
family: standards
title: 配方
module: secret
articles:
  - {id: keep, text: 配方保密。}
""",
}


def _lender(tmp_path: Path, requires: bool = True) -> DataPack:
    root = tmp_path / "bakery"
    for name, text in LENDER.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        body = text if requires else text.replace(", requires: [bakery.controls.base.rule]", "")
        (root / name).write_text(body, encoding="utf-8")
    return DataPack(root)


def test_requires_brings_the_clause_along_and_nothing_else(tmp_path):
    mgr = get_plugin_manager([("bakery", _lender(tmp_path))])
    _m, _p, _d, reg = load(_profile(tmp_path, ["inpatient", "bakery.stall"]), mgr)
    assert "bakery.controls.base.rule" in reg.index.clauses  # required
    assert "bakery.controls.base.other" not in reg.index.clauses  # not lent
    assert "bakery.standards.secret" not in reg.index.clauses


def test_a_module_referring_outside_itself_is_not_borrowable(tmp_path):
    mgr = get_plugin_manager([("bakery", _lender(tmp_path, requires=False))])
    with pytest.raises(ProfileError) as err:
        load(_profile(tmp_path, ["inpatient", "bakery.stall"]), mgr)
    assert err.value.where == "modules[1]"
    assert "bakery.controls.base.rule" in err.value.problem and "requires" in (err.value.hint or "")


def test_a_module_its_industry_keeps_is_refused(tmp_path):
    mgr = get_plugin_manager([("bakery", _lender(tmp_path))])
    with pytest.raises(ProfileError) as err:
        load(_profile(tmp_path, ["bakery.secret"]), mgr)
    assert "cannot be borrowed" in str(err.value) and "bakery.secret" in str(err.value)


def test_check_warns_when_two_industries_default_one_key_differently(tmp_path, cli_run):
    path = _profile(tmp_path, ["inpatient", "hospitality.catering"])
    result = cli_run("check", path, env={"SQMKIT_LANG": "en"})
    assert result.exit_code == 0, result.output
    warning = next(line for line in result.output.splitlines() if "parameters.grading.inspection" in line)
    assert "clinic" in warning and "hospitality" in warning and "≥" in warning
    # setting the key in the profile settles it: no warning
    settled = _profile(tmp_path, ["inpatient", "hospitality.catering"], grading=True)
    assert "parameters.grading.inspection" not in cli_run("check", settled, env={"SQMKIT_LANG": "en"}).output


def test_a_key_both_industries_define_is_one_key(tmp_path):
    _m, _p, _d, reg = load(_profile(tmp_path, ["hospitality.catering"]))
    clinic = get_plugin_manager().industries()["clinic"][1]
    assert reg.params["grading"]["inspection"] == clinic.parameter_defaults()["grading"]["inspection"]
    assert reg.org.departments["catering"]  # a hospitality department, available to the clinic's profile


def test_the_linter_names_a_borrowable_module_that_leaves_itself(tmp_path):
    from sqmkit.lint import check_plugin
    from sqmkit.scaffold import new_plugin

    made = new_plugin("kit-bakery", tmp_path / "sqmkit-kit-bakery", zh_name="烘焙")
    package = made.target / "sqmkit_kit_bakery"
    for folder in ("rules", "forms", "checklists"):
        shutil.rmtree(package / folder, ignore_errors=True)
    for name, text in LENDER.items():
        body = text.replace("id: bakery\n", "id: kit_bakery\n").replace("bakery.", "kit_bakery.")
        if name == "industry.yaml":  # stall declares nothing (a warning); a second module says borrowable: true
            body = body.replace(", requires: [kit_bakery.controls.base.rule]", "") + \
                "  - {id: kiosk, name: 亭, borrowable: true, requires: [kit_bakery.nothing.here]}\n"
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(body, encoding="utf-8")
    (package / "rules" / "40-kiosk.yaml").write_text(
        "id: kit_bakery.standards.kiosk\nfamily: standards\ntitle: 亭\nmodule: kiosk\narticles:\n"
        "  - id: a\n    text: 见{{ ref(\"kit_bakery.controls.base.other\") }}。\n", encoding="utf-8")
    report = check_plugin(made.target, assemble=False)
    borrow = [f for f in report.findings if f.code.startswith("borrow-")]
    stall = [f for f in borrow if "'stall'" in f.problem]
    kiosk = [f for f in borrow if f.code == "borrow-ref" and "'kiosk'" in f.problem]
    assert stall and all(f.severity == "warning" for f in stall) and "kit_bakery.controls.base.rule" in stall[0].problem
    assert kiosk and kiosk[0].severity == "error"
    assert any(f.code == "borrow-requires" and "kit_bakery.nothing.here" in f.problem for f in borrow)
    assert not [f for f in borrow if "'secret'" in f.problem]  # borrowable: false is never checked


# ---------------------------------------------------------------------------------------------
# normative references of a borrowed module (编制依据)
# ---------------------------------------------------------------------------------------------


def _basis(reg) -> list[str]:
    general = reg.chapters[0]
    basis = next(a for a in general.articles if a.id == "core.general.basis")
    return [ref.text for kind in basis.items for ref in kind.items]


def test_the_borrowed_modules_references_join_the_basis(built):
    basis = _basis(built.regulation)
    # tied to the catering module: in force for the clinic that borrows it
    assert "《中华人民共和国食品安全法》" in basis and "《中华人民共和国食品安全法实施条例》" in basis
    assert "《食品安全国家标准 餐饮服务通用卫生规范》（GB 31654-2021）" in basis
    # the hotel industry's own general references, which the canteen content does not cite, stay out
    assert "《旅馆业治安管理办法》" not in basis and not any("旅游饭店星级" in b for b in basis)
    # a title both industries declare is one entry
    assert basis.count("《中华人民共和国个人信息保护法》") == 1
    # every reference the borrowed texts cite is listed
    borrowed = [a for c in built.regulation.chapters for a in c.articles if a.plugin == "hospitality"]
    cited = set(re.findall(r"《[^《》]+》", " ".join(str([a.text, a.after]) for a in borrowed)))
    assert cited and cited <= {b.partition("（")[0] for b in basis} | {"《" + f.title + "》" for f in built.regulation.forms}


def _lender_with_references(tmp_path: Path, refs: str, cite: str = "bread-law") -> DataPack:
    pack = _lender(tmp_path)
    industry = pack.root / "industry.yaml"
    industry.write_text(industry.read_text(encoding="utf-8") + "references:\n" + refs, encoding="utf-8")
    stall = pack.root / "rules" / "10-stall.yaml"
    stall.write_text(stall.read_text(encoding="utf-8").replace(
        "摊点保持整洁，", "摊点保持整洁，遵守{{ cite('%s') }}，" % cite), encoding="utf-8")
    return DataPack(pack.root)


BAKERY_REFS = """\
  - {id: bread-law, kind: law, title: 面包管理法}
  - {id: shop-rule, kind: rule, title: 门店管理办法}
  - {id: stall-code, kind: standard, title: 摊点卫生规范, number: GB 1-2020, module: stall}
  - {id: shop-code, kind: standard, title: 门店卫生规范, number: GB 2-2020, module: shop}
  - {id: doctors, kind: law, title: 中华人民共和国医师法}
"""


def test_a_lenders_reference_joins_when_tied_to_the_module_or_cited(tmp_path):
    mgr = get_plugin_manager([("bakery", _lender_with_references(tmp_path, BAKERY_REFS))])
    _m, _p, _d, reg = load(_profile(tmp_path, ["inpatient", "bakery.stall"]), mgr)
    basis = _basis(reg)
    assert "《面包管理法》" in basis  # general to the bakery, cited by the borrowed stall article
    assert "《摊点卫生规范》（GB 1-2020）" in basis  # tied to the borrowed module
    assert "《门店管理办法》" not in basis  # general, cited by nothing the clinic prints
    assert "《门店卫生规范》（GB 2-2020）" not in basis  # tied to a module not borrowed
    assert basis.count("《中华人民共和国医师法》") == 1  # declared by both industries under two ids: one entry
    assert "遵守《面包管理法》" in (reg.index.clauses["bakery.standards.stall.tidy"].text or "")


def test_one_reference_id_with_two_titles_names_both_plugins(tmp_path):
    refs = BAKERY_REFS + "  - {id: physicians-law, kind: law, title: 面包师法}\n"
    mgr = get_plugin_manager([("bakery", _lender_with_references(tmp_path, refs))])
    with pytest.raises(PluginError) as err:
        load(_profile(tmp_path, ["inpatient", "bakery.stall"]), mgr)
    message = str(err.value)
    assert "physicians-law" in message and "'clinic'" in message and "'bakery'" in message
    assert "面包师法" in message and "中华人民共和国医师法" in message


def test_renumbering_keeps_the_hosts_width_and_numbers_each_prefix_on():
    from types import SimpleNamespace as N

    from sqmkit.finish import renumber_borrowed

    nodes = [N(code="F008", plugin="host"), N(code="F002", plugin="host"), N(code=None, plugin="host"),
             N(code="F3", plugin="b"), N(code="F1", plugin="b"), N(code="Q01", plugin="a"), N(code="F01", plugin="a"),
             N(code="附表", plugin="a")]
    renumber_borrowed(nodes, {"a", "b"})
    assert [n.code for n in nodes] == ["F008", "F002", None, "F010", "F009", "Q01", "F011", "附表"]
