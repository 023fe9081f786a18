"""``sqmkit report``: the improvement report over a period as HTML and PDF, read back with pypdf:
grades, the score trend as a vector chart with its Chinese labels as text, the most-failed
clauses linked into the handbook site, open and overdue actions, KPI attainment, planned
against done; a period without data says so; the same store gives the same bytes; the group
form puts clients side by side."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
import yaml
from pypdf import PdfReader

from inspections_support import Results, make_workspace, run, write
from sqmkit.periods import parse_period
from sqmkit.reporting import render_group_report
from sqmkit.workspace import Workspace


@pytest.fixture(scope="module")
def loop(tmp_path_factory, demo_profile_path):
    """A workspace with eight inspections over 2026Q1 (some failing, some with KPI values)."""
    root = make_workspace(tmp_path_factory.mktemp("report") / "ws", demo_profile_path)
    r = Results(demo_profile_path)
    inbox = root / "inbox"
    inbox.mkdir()
    days = ["2026-01-10", "2026-01-24", "2026-02-07", "2026-02-21", "2026-03-03", "2026-03-17", "2026-03-28",
            "2026-04-02"]
    for n, day in enumerate(days):
        answers = {r.check: "fail"} if n % 2 else {}
        if n == 3:
            answers[r.veto] = "fail"
        remarks = {k: "现场发现问题" for k in answers}
        write(inbox, f"{n}.json", r.make(answers, remarks, date=day, kpis={"on-time": 90 + n}))
    out = run("inspections", "import", inbox, "--workspace", root)
    assert out.exit_code == 0, out.output
    report = run("report", "demo-courier", "--period", "2026Q1", "--today", "2026-03-20", "--workspace", root)
    assert report.exit_code == 0, report.output
    return root, r, root / "out" / "demo-courier" / "reports" / "2026Q1"


def test_the_report_holds_every_section_and_the_chart_is_vector_text(loop):
    root, r, folder = loop
    html = (folder / "report.html").read_text(encoding="utf-8")
    for heading in ("等级分布", "得分趋势", "不符合次数最多的条款", "未完成的整改措施", "关键指标达成情况", "计划检查与实际完成"):
        assert heading in html
    assert "本期间共完成检查7次" in html  # 2026-04-02 is outside the quarter
    assert "<svg" in html and "font-family" in html and "<image" not in html
    assert 'href="../../chapter-' in html  # the most-failed clauses link into the client's site
    reader = PdfReader(folder / "report.pdf")
    text = "".join(page.extract_text() for page in reader.pages)
    assert "服务质量持续改进报告" in text and "准时投递率" in text
    assert r.checklist.title in text and "平均得分" in text  # chart legend and axis label, as text
    content = b"".join(page.get_contents().get_data() for page in reader.pages)
    assert b" l\n" in content or b" l " in content  # the trend line drawn as a path
    assert reader.metadata.creation_date.date() == dt.date(2026, 3, 31)


def test_a_period_without_data_says_so_and_gives_the_same_bytes_twice(loop):
    root, _r, _folder = loop
    first = root / "empty-a"
    out = run("report", "demo-courier", "--period", "2025-06", "-o", first, "--today", "2026-03-20",
              "--workspace", root)
    assert out.exit_code == 0 and "no inspection of demo-courier in 2025-06" in out.output
    text = "".join(p.extract_text() for p in PdfReader(first / "report.pdf").pages)
    assert "本期间没有检查记录。" in text
    assert "<svg" not in (first / "report.html").read_text(encoding="utf-8")
    second = root / "empty-b"
    run("report", "demo-courier", "--period", "2025-06", "-o", second, "--today", "2026-03-20", "--workspace", root)
    assert (first / "report.pdf").read_bytes() == (second / "report.pdf").read_bytes()
    assert (first / "report.html").read_bytes() == (second / "report.html").read_bytes()


def test_the_group_report_puts_clients_side_by_side(loop, demo_data):
    root, _r, _folder = loop
    other = dict(demo_data, id="demo-courier-east")
    other["company"] = dict(demo_data["company"], name="东区快递有限公司")
    path = root / "east.yaml"
    path.write_text(yaml.safe_dump(other, allow_unicode=True), encoding="utf-8")
    logo = demo_data.get("branding", {}).get("logo")
    if logo:
        from conftest import DEMO

        shutil.copy(DEMO.parent / logo, root / logo)
    assert run("client", "import", path, "--workspace", root).exit_code == 0
    ws = Workspace.find(explicit=root)
    page, pdf, data = render_group_report(ws, ["demo-courier", "demo-courier-east"], parse_period("2026Q1"),
                                          root / "group", "集团服务质量持续改进汇总报告", today=dt.date(2026, 3, 20))
    assert [d.inspections for d in data] == [7, 0]
    html = page.read_text(encoding="utf-8")
    assert "各单位对比" in html and "东区快递有限公司" in html and "本期间没有检查记录。" in html
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "集团服务质量持续改进汇总报告" in text and "各单位对比" in text


def test_a_result_with_nothing_answered_counts_as_done_but_has_no_grade(demo_profile_path):
    """A result stored with --accept-incomplete and nothing answered (total and grade None) counts
    among the inspections done and the incomplete ones, never in grades, averages or trends."""
    from sqmkit.report_data import report_data

    r = Results(demo_profile_path)
    graded = dict(r.make({r.check: "fail"}, date="2026-02-03"), date="2026-02-03", imported_at="2026-03-01T00:00:00")
    empty = dict(r.make({i["id"]: None for i in r.items}, date="2026-02-04", finished_at=None), date="2026-02-04",
                 imported_at="2026-03-01T00:00:00", incomplete=True)
    data = report_data(r.reg, [graded, empty], [], parse_period("2026Q1"), dt.date(2026, 3, 20))
    assert data.inspections == 2 and data.flags["incomplete"] == 1
    assert data.average == graded["total"] and [row[0] for row in data.by_checklist.rows] == [r.checklist.title]
    assert sum(data.by_checklist.rows[0][1].values()) == 1
    assert data.trend.lines == {r.checklist.title: [graded["total"]]}
    assert next(p for p in data.plans if p.checklist == r.checklist.title).done == 2
    only_empty = report_data(r.reg, [empty], [], parse_period("2026Q1"), dt.date(2026, 3, 20))
    assert only_empty.average is None and only_empty.by_checklist.rows == [] and only_empty.trend.buckets == []


def test_a_period_whose_results_scored_nothing_says_so_and_draws_no_chart(demo_profile_path, recwarn):
    """Every result of the period has no total (nothing answered, or every answer N/A): the summary
    names no average ("None" never shows), and no empty grade chart or trend is drawn."""
    from sqmkit.render.improvement_report import Faces, report_html
    from sqmkit.report_data import report_data

    r = Results(demo_profile_path)
    rows = [dict(r.make({i["id"]: "na" for i in r.items}, date=day), date=day, imported_at="2026-03-01T00:00:00")
            for day in ("2026-01-05", "2026-02-09")]
    assert all(row["total"] is None for row in rows)
    data = report_data(r.reg, rows, [], parse_period("2026Q1"), dt.date(2026, 3, 20))
    html = report_html([data], "zh-CN", "服务质量持续改进报告", {data.client: ""}, chosen=Faces("serif", "sans-serif"))
    assert "None" not in html and "平均得分None" not in html
    assert "本期间共完成检查2次，均无可计分的检查结果" in html and "本期间没有可计分的检查结果" in html
    assert "<svg" not in html and "<table><thead><tr><th></th>" not in html  # no empty chart, no empty grade table
    assert not [w for w in recwarn if "matplotlib" in str(w.filename) or "glyph" in str(w.message).lower()]
    group = report_html([data], "en", "Group", {data.client: ""}, group=True, chosen=Faces("serif", "sans-serif"))
    assert "None" not in group and "No scored inspection in this period" in group
