"""The blank forms as one Word document (``forms.docx``): one form per section, each with its
own orientation and a header naming the company, the form and its number.

A register (``layout: register``) is a ruled table with a repeating heading row and ``rows`` blank
lines; a record form is a four-column table per form section, each field a cell of its width
(a quarter of the page per unit), its label followed by the boxes, the blanks of a date or score,
or room for a signature or a longer text. References are printed as words (第五条), unlinked:
the clauses live in the handbook.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from docx.document import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from ..formats import RenderContext
from ..i18n import messages
from ..model import FieldNode, FormNode, FormSectionNode, Regulation
from ..numbering import Numbering
from . import docx_pack, docx_text, ooxml
from .forms import form_number, grade_choices
from .docx_styles import (FORM_META, GRID, NOTE, TABLE_HEAD, TABLE_TEXT, Styles, new_document, page_footer, page_setup,
                          running_header, set_widths, text_width_mm)
from .docx_tables import Cell, Column, grid

#: the forms PDF's margins (mm): top, right, bottom, left
MARGINS = (18, 14, 15, 14)


def field_blank(field: FieldNode, msg: Mapping[str, str], lang: str, grades: list[str] | None = None) -> str:
    """What follows a field's label in its cell: boxes to tick (a grade field offers the client's
    grades, as the PDF), or the frame of a date or score."""
    if field.type in ("choice", "multichoice") or grades:
        return "　".join(f"□{c}" for c in (grades or field.choices))
    if field.type == "checkbox":
        return f"□{msg['yes']}　□{msg['no']}"
    if field.type == "score":
        return f"　　　　/ {field.max}"
    if field.type == "date":
        return "____ / __ / __" if lang == "en" else "　　年　　月　　日"
    return ""


def record_rows(fields: list[FieldNode]) -> list[list[tuple[FieldNode, int]]]:
    """Fields packed into rows of four quarters; the last field of a row fills what is left."""
    rows: list[list[tuple[FieldNode, int]]] = []
    used = 4
    for field in fields:
        if used + field.width > 4:
            rows.append([])
            used = 0
        rows[-1].append((field, field.width))
        used += field.width
    for row in rows:
        last, span = row[-1]
        row[-1] = (last, span + 4 - sum(s for field, s in row))
    return rows


class FormsWriter:
    def __init__(self, document: Document, styles: Styles, reg: Regulation, numbering: Numbering):
        self.document, self.styles, self.reg, self.numbering = document, styles, reg, numbering
        self.msg = messages(reg.language)
        self.grades: dict[str, list[str]] = {}

    def text(self, paragraph: Paragraph, text: str | None) -> None:
        docx_text.write(paragraph, text, self.reg, self.numbering, lambda target: None, None)

    def form(self, form: FormNode, width_mm: float) -> None:
        msg, reg = self.msg, self.reg
        self.document.add_paragraph(form.title, "Heading 1")
        self.grades = grade_choices(reg, form)
        meta = [f"{msg['form_number']}：{form_number(reg, form)}", f"{msg['version']}：{reg.document.version}"]
        if form.clauses:
            meta.append(f"{msg['clauses']}：" + "、".join(self.numbering.ref_text(c, see=False) for c in form.clauses))
        self.document.add_paragraph("　　".join(meta), self.styles[FORM_META])
        if form.intro:
            self.text(self.document.add_paragraph(style=self.styles[NOTE]), form.intro)
        if form.layout == "register":
            self.register(form, width_mm)
        else:
            for section in form.sections:
                self.record_section(section, width_mm)
        if form.footer:
            self.text(self.document.add_paragraph(style=self.styles[NOTE]), form.footer)

    def register(self, form: FormNode, width_mm: float) -> None:
        fields = form.fields()
        total = sum(f.width for f in fields)
        columns = [Column("#", total * 5 / 95, True)]
        columns += [Column(f.label, f.width) for f in fields]
        rows: list[list[Cell]] = [[str(i), *[""] * len(fields)] for i in range(1, form.rows + 1)]
        table = grid(self.document, self.styles, columns, rows, self.text, width_mm)
        for cell, field in zip(table.rows[0].cells[1:], fields):
            choices = self.grades.get(field.id) or (field.choices if field.type == "choice" else [])
            if choices:  # small, under the label
                cell.add_paragraph(style=self.styles[TABLE_HEAD]).add_run(" / ".join(choices)).font.size = Pt(7.5)
        for row in table.rows[1:]:
            row.height, row.height_rule = Mm(8), WD_ROW_HEIGHT_RULE.AT_LEAST

    def record_section(self, section: FormSectionNode, width_mm: float) -> None:
        if section.title:
            self.document.add_paragraph(section.title, "Heading 2")
        layout = record_rows(section.fields)
        table = self.document.add_table(rows=len(layout), cols=4)
        table.style = self.styles[GRID]
        set_widths(table, [width_mm / 4] * 4)
        for row, fields in zip(table.rows, layout):
            ooxml.keep_row_together(row)
            tall = any(f.type == "textarea" for f, span in fields)
            row.height, row.height_rule = Mm(26 if tall else 10), WD_ROW_HEIGHT_RULE.AT_LEAST
            col = 0
            for field, span in fields:
                cell = row.cells[col] if span == 1 else row.cells[col].merge(row.cells[col + span - 1])
                self.field(cell, field)
                col += span
        self.document.add_paragraph(style=self.styles[NOTE])

    def field(self, cell: _Cell, field: FieldNode) -> None:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
        paragraph = cell.paragraphs[0]
        paragraph.style = self.styles[TABLE_TEXT]
        paragraph.add_run(f"{field.label}：").bold = True
        blank = field_blank(field, self.msg, self.reg.language, self.grades.get(field.id))
        if blank:
            paragraph.add_run(blank)
        if field.hint:
            hint = cell.add_paragraph(style=self.styles[TABLE_TEXT])
            self.text(hint, field.hint)
            for run in hint.runs:
                run.font.size = Pt(7.5)


def write(ctx: RenderContext, target: Path) -> None:
    """Every form of the regulation into ``target``, one section each."""
    reg = ctx.regulation
    msg = messages(reg.language)
    document, styles = new_document(reg)
    writer = FormsWriter(document, styles, reg, ctx.numbering)
    for i, form in enumerate(reg.forms):
        section = document.sections[0] if i == 0 else document.add_section(WD_SECTION.NEW_PAGE)
        page_setup(section, form.orientation == "landscape", MARGINS)
        running_header(styles, section, reg.company.name, form.title,
                       f"{msg['form_number']}：{form_number(reg, form)}")
        page_footer(styles, section, msg["page_footer"], f"{reg.document.number} {msg['version']} {reg.document.version}")
        writer.form(form, text_width_mm(section))
    status = msg["cover_controlled" if reg.document.controlled_copy else "cover_uncontrolled"]
    docx_pack.save(document, target, docx_pack.info(reg, f"{reg.company.short_name} {msg['forms']}", status))
