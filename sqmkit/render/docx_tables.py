"""Real Word tables for the article blocks (duties, grades, KPIs, incentives, activities, steps,
plain tables) and for every other table of the Word editions: a shaded heading row that repeats
on every page the table runs onto, and rows that never split across pages.

The columns and cells are those of the PDF (``templates/blocks/*.html``), in the same order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Union

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from ..model import (ActivitiesNode, BandNode, BlockNode, DutiesNode, GradesNode, IncentivesNode, KpisNode, StepsNode,
                     TableNode)
from . import ooxml
from .docx_styles import GRID, HEAD_FILL, TABLE_HEAD, TABLE_TEXT, Styles, set_widths

#: a cell: one text (with reference markers), or several, printed as a numbered list
Cell = Union[str, list[str]]
Writer = Callable[[Paragraph, str], None]


@dataclass(frozen=True)
class Column:
    heading: str
    weight: float = 1.0
    center: bool = False


@dataclass
class BlockTable:
    """What an article block prints: an optional caption, the table, an optional note below."""

    caption: str | None
    columns: list[Column]
    rows: list[list[Cell]]
    note: str | None = None


#: a table of at most this many rows is kept on one page, as the PDF keeps it
KEEP_ROWS = 6


def grid(document: Document, styles: Styles, columns: list[Column], rows: list[list[Cell]], write: Writer,
         width_mm: float) -> Table:
    """A table with a repeating, shaded heading row; no row splits across pages, and a short
    table stays on one page (its rows keep with the next)."""
    table: Table = document.add_table(rows=1 + len(rows), cols=len(columns))
    table.style = styles[GRID]
    total = sum(c.weight for c in columns)
    set_widths(table, [width_mm * c.weight / total for c in columns])
    head = table.rows[0]
    ooxml.repeat_as_header(head)
    ooxml.keep_row_together(head)
    for cell, column in zip(head.cells, columns):
        cell.paragraphs[0].style = styles[TABLE_HEAD]
        cell.paragraphs[0].add_run(column.heading)
        ooxml.shade_cell(cell, HEAD_FILL)
    for r, values in enumerate(rows, 1):
        row = table.rows[r]
        ooxml.keep_row_together(row)
        for cell, column, value in zip(row.cells, columns, values):
            fill(cell, value, column.center, styles, write)
    if len(rows) <= KEEP_ROWS:
        for row in table.rows[:-1]:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
    return table


def fill(cell: _Cell, value: Cell, center: bool, styles: Styles, write: Writer) -> None:
    texts = [value] if isinstance(value, str) else value
    for i, text in enumerate(texts):
        paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        paragraph.style = styles[TABLE_TEXT]
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if len(texts) > 1:
            paragraph.add_run(f"{i + 1}. ")
        write(paragraph, text)


def num(value: float | int | str) -> str:
    """A number as the PDF prints it: 90, not 90.0."""
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else f"{value:g}"
    return value


def block_table(block: BlockNode, msg: Mapping[str, str]) -> BlockTable:
    """The caption, columns and cells of an article block."""
    if isinstance(block, TableNode):
        return BlockTable(block.caption, [Column(c) for c in block.columns], [list(r) for r in block.rows])
    if isinstance(block, GradesNode):
        return _grades(block, msg)
    if isinstance(block, KpisNode):
        return BlockTable(block.caption, [Column(msg["kpi_name"], 2), Column(msg["kpi_formula"], 3),
                                          Column(msg["kpi_target"], 1.3, True), Column(msg["kpi_frequency"], 1.2, True),
                                          Column(msg["owner"], 1.6)],
                          [[k.name, k.formula, k.target, k.frequency, k.owner or ""] for k in block.kpis])
    if isinstance(block, IncentivesNode):
        return _incentives(block, msg)
    if isinstance(block, ActivitiesNode):
        return BlockTable(block.caption, [Column(msg["activity"], 2.2), Column(msg["owner"], 1.6),
                                          Column(msg["interval"], 1.2, True), Column(msg["output"], 2.2)],
                          [[a.name, a.owner, a.interval, a.output or ""] for a in block.activities])
    if isinstance(block, StepsNode):
        return BlockTable(block.caption, [Column("#", 0.5, True), Column(msg["step"], 2.5), Column(msg["owner"], 1.5),
                                          Column(msg["time_limit"], 1.2, True), Column(msg["escalation"], 2)],
                          [[str(i), s.name, s.owner, s.time_limit or "—", s.escalation or "—"]
                           for i, s in enumerate(block.steps, 1)])
    return _duties(block, msg)


def band_range(bands: list[BandNode], i: int, msg: Mapping[str, str]) -> str:
    """The score range of band ``i`` (highest first), as the PDF words it
    (``templates/blocks/ranges.html``): 90分（含）以上 / 75分（含）至90分 / 75分以下."""
    band = bands[i]
    if i == 0:
        return msg["range_top"].format(min=num(band.min))
    if band.min <= 0:
        return msg["range_low"].format(max=num(bands[i - 1].min))
    return msg["range_mid"].format(min=num(band.min), max=num(bands[i - 1].min))


def _grades(block: GradesNode, msg: Mapping[str, str]) -> BlockTable:
    rows: list[list[Cell]] = [[band.grade, band_range(block.bands, i, msg), band.label or "", band.consequence or ""]
                              for i, band in enumerate(block.bands)]
    columns = [Column(msg["grade"], 0.8, True), Column(msg["score_range"], 1.8, True), Column(msg["label"], 1),
               Column(msg["consequence"], 3.2)]
    return BlockTable(block.caption, columns, rows, block.veto_note)


def _incentives(block: IncentivesNode, msg: Mapping[str, str]) -> BlockTable:
    keys = [k for k in ("points", "amount", "repeat", "escalation", "grade")
            if any(getattr(r, k) for r in block.rules)]  # only the columns some rule fills, as the PDF
    rest = 61 / max(len(keys), 1)
    columns = [Column(msg["incentive_kind"], 9, True), Column(msg["incentive_trigger"], 30)]
    columns += [Column(msg[f"incentive_{k}"], rest, k in ("points", "amount", "grade")) for k in keys]
    rows: list[list[Cell]] = [[msg[r.kind], r.trigger, *[getattr(r, k) or "—" for k in keys]] for r in block.rules]
    return BlockTable(block.caption, columns, rows)


def _duties(block: DutiesNode, msg: Mapping[str, str]) -> BlockTable:
    columns = [Column(msg["unit"], 1.6), Column(msg["duty_role"], 1, True), Column(msg["duties"], 4.4)]
    rows: list[list[Cell]] = [[d.unit, msg[d.role], d.duties[0] if len(d.duties) == 1 else list(d.duties)]
                              for d in block.duties]
    return BlockTable(block.caption, columns, rows)
