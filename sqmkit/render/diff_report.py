"""The 修订对照表: a revision diff (:mod:`sqmkit.revdiff`) as a side-by-side HTML page, and as a
PDF printed from it (:func:`sqmkit.printing.write_pdf`). Every changed unit is a row (position,
before, after, note), with the changed characters marked; a table's changed cells are rows of
their own; the profile's changes follow in a table of their own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from ..revdiff import Diff, UnitChange, char_diff, profile_line, words
from ..coretemplates import core_template_dir

#: the page's wording, in the document's language
REPORT_WORDS: dict[str, dict[str, str]] = {
    "zh-CN": {"title": "修订对照表", "compared": "对照：", "where": "位置", "before": "修订前", "after": "修订后",
              "note": "说明", "profile": "客户设置变更", "item": "项目", "no_changes": "两个版本的内容相同。",
              "renumbered": "原{old}", "table": "表格", "block": "表格"},
    "en": {"title": "Revision comparison", "compared": "Compared:", "where": "Where", "before": "Before",
           "after": "After", "note": "Note", "profile": "Profile changes", "item": "Item",
           "no_changes": "The two versions are the same.", "renumbered": "formerly {old}", "table": "table",
           "block": "table"},
}

Runs = list[tuple[bool, str]]


@dataclass(frozen=True)
class Row:
    where: str
    left: Runs
    right: Runs
    note: str
    status: str


def _unit_rows(change: UnitChange, lang: str) -> list[Row]:
    w, t = words(lang), REPORT_WORDS.get(lang, REPORT_WORDS["en"])
    where = change.where + (f"（{t['table']}）" if change.kind == "block" else "")
    note = w[change.status] + (f"；{t['renumbered'].format(old=change.formerly)}" if change.formerly else "")
    rows: list[Row] = []
    if change.status != "changed" or change.old is not None:
        left, right = char_diff(change.old or "", change.new or "")
        rows.append(Row(where, left, right, note, change.status))
    for cell in change.cells:
        left, right = char_diff(cell.old, cell.new)
        rows.append(Row(f"{where} {cell.row} / {cell.column}", left, right, note, "cell"))
    for label in change.rows_added:
        rows.append(Row(f"{where} {label}", [], [(True, label)], w["rows_added"], "added"))
    for label in change.rows_removed:
        rows.append(Row(f"{where} {label}", [(True, label)], [], w["rows_removed"], "removed"))
    return rows


def report_rows(diff: Diff) -> tuple[list[Row], list[Row]]:
    """The unit rows and the profile rows of the report."""
    lang = diff.language
    w = words(lang)
    units = [row for change in diff.units for row in _unit_rows(change, lang)]
    profile = []
    for p in diff.profile:
        if p.category == "modules":
            profile.append(Row(w["modules"], [], [(True, profile_line(p, lang))], w["changed"], "changed"))
            continue
        left, right = char_diff(p.old or "", p.new or "")
        profile.append(Row(f"{w[p.category]}：{p.name}", left, right, w["changed"], "changed"))
    return units, profile


def diff_html(diff: Diff, company: str, doc_title: str, font: str | None = None) -> str:
    """The report as one self-contained HTML page (no scripts, no external files)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(core_template_dir())), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    rows, profile = report_rows(diff)
    context: dict[str, Any] = {"diff": diff, "rows": rows, "profile": profile, "company": company,
                               "doc_title": doc_title, "lang": diff.language, "font": font,
                               "t": REPORT_WORDS.get(diff.language, REPORT_WORDS["en"])}
    return env.get_template("diff/report.html").render(context)


def write_diff_pdf(html: str, target: Path) -> None:
    """Print the report to ``target`` (A4 landscape)."""
    from ..printing import write_pdf

    target = target.absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    write_pdf(html, target.parent, target)
