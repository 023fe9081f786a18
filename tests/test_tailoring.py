"""The handbook names only the client (issue 9, items 3 and 4), proved on real builds.

For each industry a profile renames every department, post and term and switches every module on;
the real build (handbook PDF, site, forms and their PDF, checklists) is read back: no default name
of the industry appears anywhere, in any form the plugin linter knows (``营业网点`` and its short
form ``网点``; ``全院``, ``院内`` … for the one-character term ``院``), and the client's names of
everything the texts name do appear.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from sqmkit import build, check_plugin, get_plugin_manager
from sqmkit.lint.rules.literals import OrgName, literal_forms, literals_in
from sqmkit.scaffold import new_plugin
from sqmkit.textrender import TextError, TextRenderer, join_cn, zh_count
from tailoring_support import (
    PACKAGES, defaults, fixed_names, industries, leaks, name_alphabet, output_text, renamed_profile, used_keys,
)

FORMATS = ["html", "pdf", "forms", "checklists"]


@pytest.fixture(scope="module", params=sorted(PACKAGES))
def tailored(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One real build per industry with every organization name replaced."""
    industry_id = request.param
    all_industries = industries()
    industry = all_industries[industry_id]
    names = fixed_names(industry, name_alphabet(all_industries.values()))
    root = tmp_path_factory.mktemp(f"tailored-{industry_id}")
    profile = root / "client.yaml"
    profile.write_text(yaml.safe_dump(renamed_profile(industry_id, names), allow_unicode=True, sort_keys=False),
                       encoding="utf-8")
    result = build(profile, root / "out", FORMATS, mgr=get_plugin_manager())
    return {"industry_id": industry_id, "industry": industry, "names": names, "result": result,
            "texts": output_text(result.out_dir)}


def test_every_output_was_read(tailored: dict[str, Any]) -> None:
    texts = tailored["texts"]
    assert {"handbook.pdf", "forms.pdf", "index.html"} <= set(texts)
    assert any(rel.startswith("forms/") for rel in texts) and any(rel.startswith("checklists/") for rel in texts)
    assert all(texts.values()), [rel for rel, text in texts.items() if not text]


def test_no_default_name_is_printed(tailored: dict[str, Any]) -> None:
    assert leaks(tailored["texts"], defaults(tailored["industry"])) == []


def test_the_clients_names_are_printed(tailored: dict[str, Any]) -> None:
    """Every name the texts use is printed: in the handbook PDF when a chapter uses it, else in a
    form or checklist (a form footer naming a post)."""
    texts, names = tailored["texts"], tailored["names"]
    everything = "".join(texts.values())
    in_rules = used_keys(tailored["industry_id"], ("rules", "industry.yaml"))
    used = used_keys(tailored["industry_id"])
    assert in_rules and in_rules <= used
    assert sorted(key for key in in_rules if names[key] not in texts["handbook.pdf"]) == []
    assert sorted(key for key in used if names[key] not in everything) == []


@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_the_built_in_plugins_have_no_org_literal(name: str) -> None:
    report = check_plugin(name, assemble=False)
    assert [f.format() for f in report.findings if f.code == "org-literal"] == []


# -- the org-literal rule: what it finds and what it leaves alone -------------------------------


def test_short_names_match_only_in_compounds() -> None:
    forms = literal_forms("院", "机构简称用字，用于“全院”“本院”“院内”等说法，如社区卫生服务中心用“中心”")
    assert {"全院", "本院", "院内", "院外", "院领导"} <= set(forms) and "院" not in forms and "中心" not in forms
    short = OrgName("terms.institution_short", "院", forms)
    assert literals_in("住院患者出院后转医院感染科", [short]) == []
    assert literals_in("在全院范围内通报，院内公开", [short]) == [(short, "全院"), (short, "院内")]
    assert literals_in("在全{{ org.terms.institution_short }}范围内通报", [short]) == []


def test_a_quoted_short_form_counts_and_the_longest_name_wins() -> None:
    stations = OrgName("departments.stations", "营业网点", literal_forms("营业网点", "基层站点（简称“网点”），如“门店”"))
    assert stations.forms == ("营业网点", "网点")
    head = OrgName("roles.station_head", "营业网点负责人", ("营业网点负责人",))
    assert literals_in("由营业网点负责人签字", [stations, head]) == [(head, "营业网点负责人")]
    assert literals_in("快件存放在网点，交营业网点负责人", [stations, head]) == [(stations, "网点"), (head, "营业网点负责人")]
    assert literals_in("门店{{ '网点' }}", [stations, head]) == []


@pytest.fixture(scope="module")
def linted(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A scaffolded plugin whose texts write names literally, checked (static rules only)."""
    made = new_plugin("kit-tailor", tmp_path_factory.mktemp("lint") / "sqmkit-kit-tailor", zh_name="裁缝服务",
                      check_installed=False)
    package = made.package_dir
    industry = package / "industry.yaml"
    text = industry.read_text(encoding="utf-8")
    text = text.replace("departments:\n", "departments:\n  stations: {name: 营业网点, meaning: 门店（简称“网点”）}\n", 1)
    text += "\nterms:\n  shop: {name: 店, meaning: 机构简称用字，用于“全店”“本店”}\n"
    text = text.replace("parameters:\n", "parameters:\n  channels: {type: texts, default: [热线, 客户服务部], "
                        "meaning: 投诉渠道}\n", 1)
    industry.write_text(text, encoding="utf-8")
    rules = package / "rules" / "10-standards.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace(
        "    text: 接待客户应当主动问候", "    text: 运营部经理和网点员工在全店、店内、书店{{ '质量管理部' }}接待客户应当主动问候", 1),
        encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:  # module scope: the autouse English fixture is not set up yet
        patch.setenv("SQMKIT_LANG", "en")
        return made.target, package, check_plugin(made.target, assemble=False)


def test_the_rule_reports_each_literal_with_file_line_and_hint(linted: Any) -> None:
    _, package, report = linted
    found = {(f.file.name if f.file else None, f.where, f.problem.split("'")[1]) for f in report.findings
             if f.code == "org-literal"}
    assert found == {("10-standards.yaml", "articles[1].text", "运营部经理"),
                     ("10-standards.yaml", "articles[1].text", "网点"),
                     ("10-standards.yaml", "articles[1].text", "全店"),
                     ("10-standards.yaml", "articles[1].text", "店内"),
                     ("industry.yaml", "parameters.channels.default[1]", "客户服务部")}, report.format()
    manners = next(f for f in report.findings if f.code == "org-literal" and "网点" in f.problem)
    lines = (package / "rules" / "10-standards.yaml").read_text(encoding="utf-8").splitlines()
    assert manners.severity == "error" and "网点员工" in lines[manners.line - 1]
    assert manners.hint and "{{ org.departments.stations }}" in manners.hint
    default = next(f for f in report.findings if f.code == "org-literal" and f.file and f.file.name == "industry.yaml")
    assert default.hint and "printed as it is" in default.hint


# -- the filters texts have -------------------------------------------------------------------


def test_join_cn_and_zh_count() -> None:
    assert join_cn(["甲", "乙", "丙"]) == "甲、乙和丙" and join_cn(["甲", "乙"], "或") == "甲或乙"
    assert join_cn(["甲"]) == "甲" and join_cn("甲、乙") == "甲、乙" and join_cn(["甲", "乙"], "、") == "甲、乙"
    assert [zh_count(n) for n in (1, 2, 5, 10, 12)] == ["一", "两", "五", "十", "十二"] and zh_count([1, 2, 3]) == "三"


def test_grades_follow_the_scale_and_raw_values_are_refused() -> None:
    scale = [{"grade": "甲", "min": 80}, {"grade": "乙", "min": 60}, {"grade": "丙", "min": 0}]
    render = TextRenderer({"params": {"s": scale, "names": ["热线", "网站"]}}, "zh-CN")
    assert render.text("分为{{ params.s | grades | join_cn }}{{ params.s | zh_count }}个等级", "t") == "分为甲、乙和丙三个等级"
    assert render.text("{{ (params.s | last).grade }}", "t") == "丙"
    for source, kind in (("{{ params }}", "a mapping"), ("{{ params.names }}", "a list"), ("{{ params.s }}", "a list"),
                         ("{{ params.s[0].min > 0 }}", "a yes/no value")):
        with pytest.raises(TextError) as caught:
            render.text(source, "art")
        assert caught.value.where == "art" and kind in caught.value.problem and "join_cn" in caught.value.problem
