"""The group report (issue 18) with real data: the demo group's three units in one workspace,
results made from each unit's real checklist payload (one of them the clinic's borrowed canteen
checklist) imported with ``sqmkit inspections import``, then ``sqmkit group report``: every unit
side by side (inspections, average, grades, open and overdue actions, KPIs met), then each unit's
own sections, read back from the HTML and from the PDF with pypdf."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from inspections_support import Results, run, write
from test_groups import make_workspace

UNITS = {"demo-courier": "某某快递有限公司", "demo-hotel": "某某大酒店有限公司",
         "demo-canteen-clinic": "某某集团某某镇中心卫生院"}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """Courier: two inspections (one failed item, KPI on-time 98 and 96: mean 97 < 97.5, unmet);
    hotel: one with a failed veto (grade 不合格, a high-priority action; satisfaction 97 ≥ 96, met);
    clinic: one of the borrowed canteen checklist with a failed item (no KPI values); April's
    inspection falls outside the quarter."""
    root = tmp_path_factory.mktemp("group-report") / "ws"
    ws = make_workspace(root)
    inbox = root / "inbox"
    inbox.mkdir()
    courier = Results(ws.profile_path("demo-courier"))
    write(inbox, "c1.json", courier.make({courier.check: "fail"}, {courier.check: "工牌未佩戴"}, date="2026-01-12",
                                         kpis={"on-time": 98}))
    write(inbox, "c2.json", courier.make(date="2026-02-12", kpis={"on-time": 96}))
    write(inbox, "c3.json", courier.make(date="2026-04-02"))
    hotel = Results(ws.profile_path("demo-hotel"), 1)
    write(inbox, "h1.json", hotel.make({hotel.veto: "fail"}, {hotel.veto: "未查验身份证件"}, date="2026-02-03",
                                       kpis={"guest-satisfaction": 97}))
    clinic = Results(ws.profile_path("demo-canteen-clinic"),
                     next(i for i, c in enumerate(load_checklists(ws)) if c == "hospitality.checklists.canteen"))
    write(inbox, "k1.json", clinic.make({clinic.check: "fail"}, {clinic.check: "工作帽未戴"}, date="2026-03-15"))
    imported = run("inspections", "import", inbox, "--workspace", root)
    assert imported.exit_code == 0, imported.output
    assert "5 stored" in imported.output and "3 corrective action(s) opened" in imported.output
    made = run("group", "report", "demo-group", "--period", "2026Q1", "--today", "2026-03-20", "--workspace", root)
    assert made.exit_code == 0, made.output
    folder = ws.out_dir / "demo-group-reports" / "2026Q1"
    return made.output, folder, clinic


def load_checklists(ws) -> list[str]:
    from sqmkit.build import load

    return [c.id for c in load(ws.profile_path("demo-canteen-clinic"))[3].checklists]


def side_by_side(html: str) -> dict[str, list[str]]:
    """The group table's rows: company → its cells."""
    table = html[html.index('id="side-by-side"'):]
    table = table[:table.index("</table>")]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        if cells:
            rows[cells[0]] = cells[1:]
    return rows


def test_the_cli_names_every_unit_with_its_figures(report):
    output, _folder, _clinic = report
    assert "group report of 3 units" in output
    assert "demo-courier: 2 inspection(s), 1 open action(s), 1 overdue" in output
    assert "demo-hotel: 1 inspection(s), 1 open action(s), 1 overdue" in output
    assert "demo-canteen-clinic: 1 inspection(s), 1 open action(s), 0 overdue" in output  # due 03-15 + 10 days


def test_the_side_by_side_table_holds_each_units_figures(report):
    _output, folder, _clinic = report
    html = (folder / "report.html").read_text(encoding="utf-8")
    rows = side_by_side(html)
    assert list(rows) == list(UNITS.values())
    # inspections, average, grades (each unit's own scale), open, overdue, KPIs met of measured
    courier, hotel, clinic = rows.values()
    assert courier[0] == "2" and courier[2] == "A 2" and courier[3:] == ["1", "1", "0/1"]
    assert hotel[:1] == ["1"] and hotel[2] == "不合格 1" and hotel[3:] == ["1", "1", "1/1"]
    assert clinic[0] == "1" and clinic[2] == "合格 1" and clinic[3:] == ["1", "0", "—"]
    assert html.index('id="side-by-side"') < html.index('id="unit-demo-courier"')  # the summary comes first
    for unit in UNITS:
        assert f'href="#unit-{unit}"' in html and f'id="unit-{unit}"' in html
        assert f'href="../../{unit}/chapter-' in html  # the most-failed clauses link into the unit's site


def test_the_borrowed_checklist_is_reported_under_the_clinic_with_its_own_owner(report):
    _output, folder, clinic = report
    html = (folder / "report.html").read_text(encoding="utf-8")
    section = html[html.index('id="unit-demo-canteen-clinic"'):]
    assert clinic.checklist.title in section and "工作帽未戴" in section
    assert "职工与病员食堂" in section  # the clinic's own name for the catering department owns the action


def test_the_pdf_reads_back_every_unit_name_and_figure(report):
    _output, folder, _clinic = report
    reader = PdfReader(folder / "report.pdf")
    text = "".join(page.extract_text() for page in reader.pages)
    flat = re.sub(r"\s+", "", text)
    assert "某某集团服务质量持续改进汇总报告" in flat and "各单位对比" in flat
    assert "某某综合服务集团有限公司" in flat  # the group's name heads the report
    for company in UNITS.values():
        assert company in flat
    assert "299.0A2110/1" in flat  # courier: 2 inspections, average 99.0, A 2, 1 open, 1 overdue, 0 of 1 KPIs met
    assert "187.3不合格1111/1" in flat  # hotel: its veto failed
    assert "196.6合格110—" in flat
    assert "准时投递率" in flat and "宾客满意率" in flat  # each unit's KPI section
    assert len(reader.pages) >= 4  # the summary, then each unit from a new page
    top, below = reader.outline  # bookmarks: the title; the table, then each unit with its own sections
    assert top.title == "某某集团服务质量持续改进汇总报告"
    assert [o.title for o in below if not isinstance(o, list)] == ["各单位对比", *UNITS.values()]


def test_a_group_report_needs_a_period_and_names_a_bad_one(report, tmp_path):
    _output, folder, _clinic = report
    root = folder.parents[2]
    missing = run("group", "report", "demo-group", "--workspace", root)
    assert missing.exit_code != 0 and "--period" in missing.output and "Traceback" not in missing.output
    wrong = run("group", "report", "demo-group", "--period", "2026Q5", "--workspace", root)
    assert wrong.exit_code != 0 and "Traceback" not in wrong.output
