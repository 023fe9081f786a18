"""Groups (issue 18): a group profile in a workspace, its content in every unit's regulation, the
group's portal (links resolving in Chromium from file://, one search across the units) and the
group commands. Real plugins, a real workspace and store, real builds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import yaml

import sqmkit_courier
import sqmkit_hospitality
from sqmkit import ProfileError, get_plugin_manager
from sqmkit.build import load
from sqmkit.errors import BuildError
from sqmkit.groups import group_of, load_group
from sqmkit.groupbuild import build_group
from sqmkit.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "group"
FORMATS = ["html"]  # with the forms' and checklists' pages it links to; the PDFs are test_composition's


def make_workspace(root: Path) -> Workspace:
    """A workspace holding the demo group and its three units."""
    ws = Workspace.init(root)
    for source in (Path(sqmkit_courier.DEMO_PROFILE), Path(sqmkit_hospitality.DEMO_PROFILE),
                   EXAMPLES / "demo-canteen-clinic.yaml"):
        shutil.copy(source, ws.clients_dir)
        logo = (yaml.safe_load(source.read_text(encoding="utf-8")).get("branding") or {}).get("logo")
        if logo:
            shutil.copy(source.parent / logo, ws.clients_dir / logo)
    (root / "groups").mkdir()
    shutil.copy(EXAMPLES / "demo-group.yaml", root / "groups" / "demo-group.yaml")
    return ws


@pytest.fixture(scope="module")
def group_build(tmp_path_factory):
    ws = make_workspace(tmp_path_factory.mktemp("group") / "ws")
    group = load_group(ws.root / "groups" / "demo-group.yaml")
    return ws, build_group(ws, group, get_plugin_manager(), formats=FORMATS)


def test_every_unit_includes_the_group_content(group_build):
    ws, result = group_build
    assert [u.id for u in result.units] == ["demo-courier", "demo-hotel", "demo-canteen-clinic"]
    for unit in result.units:
        pages = "".join(p.read_text(encoding="utf-8") for p in (ws.out_dir / unit.id).glob("chapter-*.html"))
        assert "集团管理规定" in pages and "顾客至上、规范服务、安全第一、持续改进" in pages
        assert "集团质量管理委员会" in pages  # the group's organization
        assert unit.draft and unit.version


def test_the_unit_states_that_the_group_rules_apply(group_build):
    ws, _result = group_build
    _m, _p, _d, reg = load(ws.profile_path("demo-hotel"))
    general = reg.chapters[0]
    applies = next(a for a in general.articles if a.id == "group.applies")
    assert "某某综合服务集团有限公司" in (applies.text or "") and "顾客至上" in (applies.text or "")
    assert "\x1eref:group:" in (applies.text or "")  # it refers to the group's chapter, numbered with the rest
    assert "group" in [c.id for c in reg.chapters] and "group" in reg.index.clauses


def test_portal_links_all_resolve_in_chromium(group_build, page):
    ws, result = group_build
    portal = result.portal / "index.html"
    page.goto(portal.as_uri())
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    assert len([h for h in hrefs if "/demo-" in h]) >= 9  # three units × (site, forms, checklists)
    targets: dict[Path, set[str]] = {}
    for href in hrefs:
        url = urlparse(href)
        assert url.scheme == "file", href
        targets.setdefault(Path(unquote(url.path)), set()).add(url.fragment)
    for target, fragments in sorted(targets.items()):
        assert target.is_file(), target
        if target.suffix != ".html" or target == portal:
            continue
        response = page.goto(target.as_uri())
        assert response is not None and response.ok, target
        assert page.title(), target
        for fragment in fragments - {""}:
            assert page.locator(f"#{fragment}").count() == 1, (target, fragment)
    assert not [u for u in page.requests if not u.startswith("file://")]  # nothing fetched from a network


def test_portal_search_finds_a_term_of_one_unit_and_names_it(group_build, page):
    ws, result = group_build
    page.goto((result.portal / "index.html").as_uri())
    page.fill("#search-box", "快递员")  # only the courier company's regulation speaks of couriers
    page.wait_for_selector("#search-results li")
    where = page.eval_on_selector_all(".hit-chapter", "els => els.map(e => e.textContent)")
    assert where and all(w.startswith("某某快递有限公司") for w in where), where
    page.locator("#search-results a.search-hit").first.click()
    assert "/demo-courier/" in page.url


def test_a_profile_outside_the_workspace_has_no_group(tmp_path):
    copy = tmp_path / "demo-hotel.yaml"
    shutil.copy(sqmkit_hospitality.DEMO_PROFILE, copy)
    _m, profile, _d, reg = load(copy)
    assert group_of(profile) is None and all(c.id != "group" for c in reg.chapters)


def test_group_problems_are_named(tmp_path):
    ws = make_workspace(tmp_path / "ws")
    path = ws.root / "groups" / "demo-group.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["units"] = ["demo-courier", "demo-hotle"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(BuildError, match="demo-hotle.*demo-hotel"):
        build_group(ws, load_group(path), get_plugin_manager(), site_only=True)
    data["units"], data["rules"][0]["id"] = ["demo-courier", "demo-courier"], "policy"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_group(path)
    assert {p.where for p in err.value.problems} == {"units", "rules"}
    assert all(p.line for p in err.value.problems)


def test_group_commands(tmp_path, cli_run):
    ws = make_workspace(tmp_path / "ws")
    (ws.root / "groups" / "demo-group.yaml").unlink()
    made = cli_run("group", "new", "acme", "--name", "某某控股集团", "--units", "demo-courier,demo-hotel",
                   "--policy", "诚信服务", "--workspace", ws.root)
    assert made.exit_code == 0, made.output
    shown = cli_run("group", "show", "acme", "--json", "--workspace", ws.root)
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.output)
    assert [u["unit"] for u in data["units"]] == ["demo-courier", "demo-hotel"]
    assert {u["status"] for u in data["units"]} == {"draft"}
    missing = cli_run("group", "show", "acme-group", "--workspace", ws.root)
    assert missing.exit_code != 0 and "acme" in missing.output and "Traceback" not in missing.output


def test_group_report_shows_every_unit(group_build, cli_run):
    ws, result = group_build
    run = cli_run("group", "report", "demo-group", "--period", "2026Q1", "--workspace", ws.root)
    assert run.exit_code == 0, run.output
    page = (ws.out_dir / "demo-group-reports" / "2026Q1" / "report.html").read_text(encoding="utf-8")
    assert all(unit.company in page for unit in result.units)
    assert (ws.out_dir / "demo-group-reports" / "2026Q1" / "report.pdf").is_file()


def _portal_index(portal: Path) -> list[list[str]]:
    from sqmkit.search import read_index_script

    return read_index_script((portal / "assets" / "search-index.js").read_text(encoding="utf-8"))["docs"]


def test_portal_search_holds_the_group_chapter_once(group_build):
    ws, result = group_build
    docs = _portal_index(result.portal)
    audit = [d for d in docs if "交叉检查" in d[2]]  # a group rule, printed in every unit's group chapter
    assert [d[0] for d in audit] == ["index.html#rule-mutual-audit"]
    assert sum("顾客至上、规范服务" in d[4] for d in docs if d[0] == "index.html#group-policy") == 1
    assert not [d[0] for d in docs if "#group." in d[0] and not d[0].endswith("#group.applies")]
    # each unit's own article saying the group's rules apply stays: it names the unit
    assert len([d for d in docs if d[0].endswith("#group.applies")]) == len(result.units)
    page = (result.portal / "index.html").read_text(encoding="utf-8")
    assert 'id="group-policy"' in page and 'id="rule-mutual-audit"' in page and 'id="group-organization"' in page


def test_the_portal_follows_the_group_language(group_build, tmp_path):
    from sqmkit.render.portal import write_portal

    ws, result = group_build
    group = load_group(ws.root / "groups" / "demo-group.yaml")
    english = group.model_copy(update={"id": "demo-group-en", "language": "en", "title": None})
    page = (write_portal(english, result.units, ws.out_dir) / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "某某集团: service quality regulations" in page
    assert "Group quality policy" in page and "Search every unit" in page and "Draft (not issued)" in page
    for zh in (">各单位服务质量管理制度<", ">集团质量方针<", '"搜索', ">草稿（未发布）<", ">网页版<", "模块："):
        assert zh not in page, zh
    assert "集团质量方针" in (ws.out_dir / "demo-group" / "index.html").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text((ws.root / "groups" / "demo-group.yaml").read_text(encoding="utf-8") + "language: fr\n",
                   encoding="utf-8")
    with pytest.raises(ProfileError, match="fr"):
        load_group(bad)


def test_build_with_a_group_id_builds_the_group(group_build, cli_run):
    ws, result = group_build
    stamp = (result.portal / "manifest.json").stat().st_mtime_ns
    run = cli_run("build", "demo-group", "-f", "html", "--workspace", ws.root, "-q")
    assert run.exit_code == 0, run.output
    assert "demo-hotel" in run.output and str(result.portal / "index.html") in run.output
    assert (result.portal / "manifest.json").stat().st_mtime_ns != stamp  # the portal was written again
    unknown = cli_run("build", "demo-grop", "--workspace", ws.root)
    assert unknown.exit_code != 0 and "Traceback" not in unknown.output


def test_changing_the_group_policy_changes_every_unit_on_the_next_build(group_build):
    """Last in the module: it changes the module's workspace."""
    ws, first = group_build
    path = ws.root / "groups" / "demo-group.yaml"
    before = {u.id: json.loads((ws.out_dir / u.id / "manifest.json").read_text())["inputs"] for u in first.units}
    path.write_text(path.read_text(encoding="utf-8").replace("顾客至上、规范服务、安全第一、持续改进",
                                                            "质量立集团、服务赢口碑"), encoding="utf-8")
    second = build_group(ws, load_group(path), get_plugin_manager(), formats=FORMATS)
    for unit in second.units:
        pages = "".join(p.read_text(encoding="utf-8") for p in (ws.out_dir / unit.id).glob("chapter-*.html"))
        assert "质量立集团、服务赢口碑" in pages and "顾客至上" not in pages, unit.id
        assert json.loads((ws.out_dir / unit.id / "manifest.json").read_text())["inputs"] != before[unit.id]
    assert "质量立集团、服务赢口碑" in (second.portal / "index.html").read_text(encoding="utf-8")


def test_an_issued_unit_keeps_the_group_it_was_issued_with(tmp_path):
    """Issue a unit of a group, change the group's policy: the issued version rebuilds with the old one."""
    from sqmkit import DataPack
    from sqmkit.issuing import Place, issue, rebuild
    from tests.content_support import profile_data, write_pack

    mgr = get_plugin_manager([("mini", DataPack(write_pack(tmp_path / "pack")))])
    ws = Workspace.init(tmp_path / "ws")
    (ws.clients_dir / "mini-client.yaml").write_text(yaml.safe_dump(profile_data(), allow_unicode=True),
                                                     encoding="utf-8")
    (ws.root / "groups").mkdir()
    group = ws.root / "groups" / "mini-group.yaml"
    group.write_text("id: mini-group\nname: 某某迷你集团\nshort_name: 迷你集团\nunits: [mini-client]\n"
                     "policy: 旧的集团质量方针\n", encoding="utf-8")
    place = Place(ws.store_path, ws.archive_dir)
    done = issue(place, ws.profile_path("mini-client"), "首次发布", "顾问甲", mgr=mgr)
    assert (done.folder / "inputs" / "group.yaml").read_bytes() == group.read_bytes()
    pages = "".join(p.read_text(encoding="utf-8") for p in (done.folder / "outputs").glob("chapter-*.html"))
    assert "集团管理规定" in pages and "旧的集团质量方针" in pages  # the issued build has the group chapter
    group.write_text(group.read_text(encoding="utf-8").replace("旧的", "新的"), encoding="utf-8")
    _m, _p, _d, working = load(ws.profile_path("mini-client"), mgr)
    assert "新的集团质量方针" in next(a.text for a in working.chapters[0].articles if a.id == "group.applies")
    again = rebuild(place, "mini-client", "A/0", mgr)
    assert again.ok(), [c for c in again.outputs if c.status != "match"]  # the same bytes: the old policy


def test_portal_names_the_units_modules_as_their_industries_do(group_build):
    _ws, result = group_build
    page = (result.portal / "index.html").read_text(encoding="utf-8")
    clinic = page[page.index('id="unit-demo-canteen-clinic"'):]
    clinic = clinic[:clinic.index("</tr>")]
    assert "医疗服务" in clinic and "住院服务、餐饮与食堂服务（借用：酒店与住宿服务）" in clinic
    assert "代收货款" in page  # the courier's cod module
    assert "hospitality.catering" not in page and "inpatient" not in page
