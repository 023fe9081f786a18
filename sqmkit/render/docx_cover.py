"""The cover of the Word handbook, as the PDF's (``templates/handbook/cover.html``): logo,
company, title, the document-control table, the 受控 / 非受控 stamp, the approval table
(编制 / 审核 / 批准 with room to sign and date), the issue and effective dates, the company.

The cover is the first page of the document's first section, which has a different first
page: no running header or footer on it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Mapping

from docx.document import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table

from ..i18n import format_date
from ..model import Regulation
from . import ooxml
from .docx_styles import (COVER_COMPANY, COVER_LINE, COVER_TITLE, GRID, HEAD_FILL, STAMP_GREY, STAMP_RED,
                          TABLE_HEAD, TABLE_TEXT, Styles, set_widths, text_width_mm)

#: the cover tables' width (80% of the text width, as the PDF) and their columns (mm)
CONTROL_COLUMNS = [26, 42, 26, 42]
APPROVAL_COLUMNS = [20, 46, 28, 42]
#: picture formats Word embeds; an SVG logo is left out (Word needs a PNG beside it)
PICTURES = (".png", ".jpg", ".jpeg")


def status_words(reg: Regulation, msg: Mapping[str, str]) -> tuple[str, str]:
    """The stamp's words and colour: 受控 in red, 非受控 in grey (a draft gets a 草稿 line of its own
    below: :func:`draft_word`)."""
    if reg.document.controlled_copy:
        return msg["cover_controlled"], STAMP_RED
    return msg["cover_uncontrolled"], STAMP_GREY


def draft_word(reg: Regulation) -> str | None:
    """草稿 (DRAFT) for a build of a version not issued, else None."""
    from ..versions import draft_words

    return draft_words(reg.language)["word"] if reg.draft else None


def write_cover(document: Document, styles: Styles, reg: Regulation, msg: Mapping[str, str],
                issued: dt.date, logo: Path | None) -> None:
    document.sections[0].different_first_page_header_footer = True
    top = document.add_paragraph(style=styles[COVER_LINE])
    picture = logo is not None and logo.suffix.lower() in PICTURES
    top.paragraph_format.space_before = Mm(12 if picture else 30)
    if logo is not None and picture:
        top.add_run().add_picture(str(logo), height=Mm(18))
    document.add_paragraph(reg.company.name, style=styles[COVER_COMPANY]).paragraph_format.space_before = Mm(6)
    title = document.add_paragraph(reg.title, style=styles[COVER_TITLE])
    title.paragraph_format.space_before, title.paragraph_format.space_after = Mm(4), Mm(10)
    _control_table(document, styles, reg, msg, issued)
    words, colour = status_words(reg, msg)
    stamp = document.add_paragraph(style=styles[COVER_COMPANY])
    stamp.paragraph_format.space_before, stamp.paragraph_format.space_after = Mm(8), Mm(8)
    run = stamp.add_run(words)
    run.font.color.rgb = RGBColor.from_string(colour)
    ooxml.frame_run(run, colour, 18, 160)
    draft = draft_word(reg)
    if draft is not None:
        marked = document.add_paragraph(style=styles[COVER_COMPANY]).add_run(draft)
        marked.font.color.rgb = RGBColor.from_string(STAMP_RED)
    _approval_table(document, styles, reg, msg)
    dates = document.add_paragraph(style=styles[COVER_LINE])
    dates.paragraph_format.space_before = Mm(16)
    dates.paragraph_format.tab_stops.add_tab_stop(Mm(text_width_mm(document.sections[0])), WD_TAB_ALIGNMENT.RIGHT)
    dates.alignment = WD_ALIGN_PARAGRAPH.LEFT
    dates.add_run(f"{format_date(issued, reg.language)} {msg['issue_verb']}\t"
                  f"{format_date(reg.document.effective_date, reg.language)} {msg['effect_verb']}")
    company = document.add_paragraph(reg.company.name, style=styles[COVER_COMPANY])
    company.paragraph_format.space_before = Mm(4)
    company.runs[0].font.size = Pt(14)


def _table(document: Document, styles: Styles, rows: int, widths: list[int]) -> Table:
    table: Table = document.add_table(rows=rows, cols=len(widths))
    table.style = styles[GRID]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(table, widths)
    for row in table.rows:
        ooxml.keep_row_together(row)
        row.height, row.height_rule = Mm(8), WD_ROW_HEIGHT_RULE.AT_LEAST
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return table


def _fill(table: Table, styles: Styles, values: list[list[str]], heading: set[tuple[int, int]]) -> None:
    for r, row_values in enumerate(values):
        for c, value in enumerate(row_values):
            cell = table.rows[r].cells[c]
            paragraph = cell.paragraphs[0]
            paragraph.style = styles[TABLE_HEAD if (r, c) in heading else TABLE_TEXT]
            paragraph.add_run(value).font.size = Pt(10.5)
            if (r, c) in heading:
                ooxml.shade_cell(cell, HEAD_FILL)


def _control_table(document: Document, styles: Styles, reg: Regulation, msg: Mapping[str, str],
                   issued: dt.date) -> None:
    doc, lang = reg.document, reg.language
    values = [[msg["doc_number"], doc.number, msg["version"], doc.version],
              [msg["issued_date"], format_date(issued, lang), msg["implement_date"],
               format_date(doc.effective_date, lang)]]
    if doc.copy_number or doc.holder:
        values.append([msg["copy_number"], doc.copy_number or "", msg["holder"], doc.holder or ""])
    table = _table(document, styles, len(values), CONTROL_COLUMNS)
    _fill(table, styles, values, {(r, c) for r in range(len(values)) for c in (0, 2)})


def _approval_table(document: Document, styles: Styles, reg: Regulation, msg: Mapping[str, str]) -> None:
    doc = reg.document
    values = [[msg["approval"], "", msg["sign_here"], msg["sign_date"]]]
    values += [[msg[key], str(getattr(doc, key)), "", msg["blank_date"]]
               for key in ("prepared_by", "reviewed_by", "approved_by")]
    table = _table(document, styles, len(values), APPROVAL_COLUMNS)
    ooxml.repeat_as_header(table.rows[0])
    for row in table.rows[1:]:
        row.height = Mm(10)
    _fill(table, styles, values, {(0, 0), (0, 1), (0, 2), (0, 3), (1, 0), (2, 0), (3, 0)})
