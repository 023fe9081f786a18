"""The improvement report (持续改进报告) as HTML and PDF: the figures of
:mod:`sqmkit.report_data` with inline SVG charts (:mod:`sqmkit.charts`), printed by WeasyPrint
in the handbook's CJK faces. The PDF's dates are the period's last day, never the time of the
run, so the same store and period give the same bytes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..report_data import ReportData
from ..coretemplates import core_template_dir

#: the report's wording, in the document's language (content, like the handbook's)
REPORT_WORDS: dict[str, dict[str, Any]] = {
    "zh-CN": {
        "title": "服务质量持续改进报告", "group_title": "服务质量持续改进汇总报告", "period": "统计期间",
        "as_of": "统计截止", "no_data": "本期间没有检查记录。",
        "summary": "本期间共完成检查{n}次，平均得分{avg}分。",
        "summary_unscored": "本期间共完成检查{n}次，均无可计分的检查结果，不计算平均得分。",
        "no_scored": "本期间没有可计分的检查结果，不作等级统计。", "incomplete": "其中未完成检查{n}次。",
        "rescored": "经重新评分后入库{n}次。", "grades": "等级分布", "by_checklist": "按检查表",
        "by_unit": "按被检查单位或人员", "average": "平均分", "trend": "得分趋势", "score": "平均得分",
        "one_point": "本期间的检查只有一个时间点，不绘制趋势图。", "failed": "不符合次数最多的条款", "clause": "条款",
        "content": "内容", "times": "次数", "no_failed": "本期间没有不符合项。", "actions": "未完成的整改措施",
        "actions_summary": "未完成整改{n}项，其中逾期{overdue}项。", "no_actions": "没有未完成的整改措施。",
        "more_actions": "另有{n}项未列出（按整改期限排列的前若干项已列出），全部清单见整改措施登记。",
        "id": "编号", "owner": "责任部门", "remark": "问题描述", "due": "整改期限", "overdue": "逾期",
        "kpis": "关键指标达成情况", "kpi": "指标", "target": "目标", "measured": "实测均值", "samples": "样本数",
        "attained": "是否达成", "yes": "达成", "no": "未达成", "no_kpis": "本期间的检查记录未填报关键指标数值。",
        "plan": "计划检查与实际完成", "checklist": "检查表", "schedule": "计划频次", "planned": "计划次数",
        "done": "完成次数", "every": {"week": "每周{n}次", "month": "每月{n}次", "quarter": "每季度{n}次",
                                      "year": "每年{n}次"},
        "side_by_side": "各单位对比", "unit": "单位", "inspections": "检查次数", "open": "未完成整改",
        "kpis_met": "指标达成（达成/实测）", "list_sep": "、",
    },
    "en": {
        "title": "Service quality improvement report", "group_title": "Service quality improvement: group report",
        "period": "Period", "as_of": "As of", "no_data": "No inspections were recorded in this period.",
        "summary": "{n} inspection(s) in the period, average score {avg}.",
        "summary_unscored": "{n} inspection(s) in the period, none with a scored answer: no average.",
        "no_scored": "No scored inspection in this period: no grades to count.", "incomplete": "{n} were incomplete.",
        "rescored": "{n} were stored re-scored.", "grades": "Grades", "by_checklist": "By checklist",
        "by_unit": "By unit or person inspected", "average": "Average", "trend": "Score trend", "score": "Average score",
        "one_point": "The inspections of this period fall on one point in time: no trend is drawn.",
        "failed": "Most-failed clauses", "clause": "Clause", "content": "Content", "times": "Times",
        "no_failed": "Nothing failed in this period.", "actions": "Open corrective actions",
        "actions_summary": "{n} open action(s), {overdue} overdue.", "no_actions": "No open corrective actions.",
        "more_actions": "{n} more are not listed (the earliest due are); see the action register for all.",
        "id": "No.", "owner": "Owner", "remark": "Finding", "due": "Due", "overdue": "overdue",
        "kpis": "KPI attainment", "kpi": "KPI", "target": "Target", "measured": "Measured (mean)", "samples": "Samples",
        "attained": "Attained", "yes": "yes", "no": "no", "no_kpis": "No KPI values were recorded in this period.",
        "plan": "Inspections planned and done", "checklist": "Checklist", "schedule": "Schedule", "planned": "Planned",
        "done": "Done", "every": {"week": "{n} a week", "month": "{n} a month", "quarter": "{n} a quarter",
                                  "year": "{n} a year"},
        "side_by_side": "Side by side", "unit": "Unit", "inspections": "Inspections", "open": "Open actions",
        "kpis_met": "KPIs met (of measured)", "list_sep": ", ",
    },
}


#: the open actions a report lists (the earliest due); the rest are counted
ACTION_ROWS = 60


@dataclass(frozen=True)
class Faces:
    body: str
    headings: str


def words(lang: str) -> dict[str, Any]:
    return REPORT_WORDS.get(lang, REPORT_WORDS["en"])


def faces() -> Faces:
    from ..fonts import choose_faces

    chosen = choose_faces()
    return Faces(chosen.body.family, chosen.headings.family)


def charts_of(data: ReportData, lang: str, font: str) -> dict[str, Markup | None]:
    from ..charts import grade_chart, trend_chart

    if data.empty or not data.by_checklist.rows:  # no inspection, or none scored: no empty chart
        return {"grades": None, "trend": None}
    trend = None
    if len(data.trend.buckets) > 1:
        trend = Markup(trend_chart(data.trend.buckets, data.trend.lines, words(lang)["score"], font))
    return {"grades": Markup(grade_chart(data.by_checklist.rows, data.by_checklist.grades, font)), "trend": trend}


def group_rows(reports: list[ReportData], lang: str) -> list[dict[str, Any]]:
    """The side-by-side table of a group report, a row per client: inspections, average, the
    grades given (each client's own scale, those given at least once), open and overdue
    actions, KPIs met of those measured."""
    sep = words(lang)["list_sep"]
    rows = []
    for d in reports:
        counts = {g: sum(r[1].get(g, 0) for r in d.by_checklist.rows) for g in d.by_checklist.grades}
        measured = [k for k in d.kpis if k.met is not None]
        rows.append({
            "client": d.client, "company": d.company, "inspections": d.inspections,
            "average": d.average if d.average is not None else "—",
            "grades": sep.join(f"{g} {n}" for g, n in counts.items() if n) or "—",
            "open": len(d.open_actions), "overdue": d.overdue,
            "kpis": f"{sum(1 for k in measured if k.met)}/{len(measured)}" if measured else "—",
        })
    return rows


def report_html(reports: list[ReportData], lang: str, title: str, site_base: dict[str, str],
                group: bool = False, chosen: Faces | None = None, company: str | None = None) -> str:
    """The report as one self-contained HTML page (inline CSS and SVG, links into the sites)."""
    chosen = chosen or faces()
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(core_template_dir())), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    first = reports[0]
    period = first.period
    heading = (company or title) if group else first.company
    context = {
        "lang": lang, "t": words(lang), "title": title, "company": heading, "author": heading,
        "dated": period.end.isoformat(), "period_label": period.label,
        "period_range": f"{period.start.isoformat()}—{period.end.isoformat()}", "as_of": first.as_of.isoformat(),
        "reports": reports, "charts": {d.client: charts_of(d, lang, chosen.headings) for d in reports},
        "site_base": site_base, "group": group_rows(reports, lang) if group else None,
        "body_font": chosen.body, "heading_font": chosen.headings, "action_rows": ACTION_ROWS,
    }
    return env.get_template("report/report.html").render(context)


def write_report(html: str, out_dir: Path) -> tuple[Path, Path]:
    """``report.html`` and ``report.pdf`` in ``out_dir``."""
    from ..printing import write_pdf

    out_dir = out_dir.absolute()
    out_dir.mkdir(parents=True, exist_ok=True)
    page, pdf = out_dir / "report.html", out_dir / "report.pdf"
    page.write_text(html, encoding="utf-8")
    write_pdf(html, out_dir, pdf)
    return page, pdf


def site_base(out_dir: Path, site_root: Path) -> str:
    """The relative path from the report's folder to a client's built site (ending in ``/``)."""
    rel = os.path.relpath(site_root.absolute(), out_dir.absolute()).replace(os.sep, "/")
    return "" if rel == "." else rel + "/"
