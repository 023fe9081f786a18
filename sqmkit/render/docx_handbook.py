"""The handbook as a Word document (``handbook.docx``), from the same model and numbering as the
PDF and in the PDF's order: cover (document control, 受控 stamp, approval), revision log, table of
contents, chapters, appendices (forms list, checklists list, clause–form–checklist matrix).

Chapters and appendices are ``Heading 1``; a titled article is a ``Heading 2`` (第十条　标准体系)
followed by its text, an untitled one begins its text with its number (第一条　为规范……), as
Chinese regulations print it. Word's navigation pane and the TOC field are built from the
headings. Every chapter, article, item, form and checklist has a bookmark, and every reference
in the texts is a hyperlink to one. The TOC field's result lists the headings (linked) until
Word refreshes it, which it offers to do on opening, adding the page numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docx.document import Document
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from ..formats import RenderContext
from ..i18n import format_date, messages
from ..messages import _
from ..model import ArticleNode, ChapterNode, ItemNode, Regulation
from ..numbering import Numbering
from ..traceability import TraceRow, basis
from . import docx_forms, docx_pack, docx_text, ooxml
from .docx_cover import status_words, write_cover
from .docx_styles import (ARTICLE, FRONT_TITLE, ITEM, LABEL, NOTE, TABLE_TEXT, XREF, Styles, new_document, page_footer,
                          running_header, text_width_mm)
from .docx_tables import Cell, Column, band_range, block_table, grid
from .handbook_pdf import Appendix, appendices, issued_date

#: chapters only, or chapters and titled articles (``branding.print.toc``)
TOC_FIELDS = {"chapters": 'TOC \\o "1-1" \\h \\z \\u', "articles": 'TOC \\o "1-2" \\h \\z \\u'}
REVISION_LOG = "revision_log"


def anchors(reg: Regulation) -> dict[str, str]:
    """Bookmark names by id. Word wants a letter first, then letters, digits and underscores, at
    most 40 characters, so the names follow the numbering (``art_12_2``), not the dotted ids."""
    names: dict[str, str] = {}

    def items(children: list[ItemNode], prefix: str) -> None:
        for i, item in enumerate(children, 1):
            names[item.id] = f"{prefix}_{i}"
            items(item.items, f"{prefix}_{i}")

    article_no = 0
    for ci, chapter in enumerate(reg.chapters, 1):
        names[chapter.id] = f"ch_{ci}"
        for article in chapter.articles:
            article_no += 1
            names[article.id] = f"art_{article_no}"
            items(article.items, f"art_{article_no}")
    names.update({form.id: f"form_{i}" for i, form in enumerate(reg.forms, 1)})
    names.update({cl.id: f"checklist_{i}" for i, cl in enumerate(reg.checklists, 1)})
    return names


def appendix_anchor(appendix: Appendix) -> str:
    return appendix.anchor.replace("-", "_")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str


def headings(reg: Regulation, numbering: Numbering, apps: list[Appendix]) -> list[Heading]:
    """The Heading 1 / Heading 2 paragraphs of the handbook, in order."""
    names = anchors(reg)
    out: list[Heading] = []
    for chapter in reg.chapters:
        out.append(Heading(1, heading_text(chapter, numbering), names[chapter.id]))
        out += [Heading(2, heading_text(a, numbering), names[a.id]) for a in chapter.articles if a.title]
    return out + [Heading(1, f"{ap.label}　{ap.title}", appendix_anchor(ap)) for ap in apps]


def heading_text(node: ChapterNode | ArticleNode, numbering: Numbering) -> str:
    """第一章　总则; 第十条　标准体系."""
    label = numbering.label[node.id]
    return f"{label}　{node.title}" if node.title else label


class HandbookWriter:
    """Writes one regulation into a Word document, top to bottom."""

    def __init__(self, document: Document, styles: Styles, ctx: RenderContext):
        self.document, self.styles, self.reg, self.numbering = document, styles, ctx.regulation, ctx.numbering
        self.msg = messages(self.reg.language)
        self.anchors = anchors(self.reg)
        self.appendices = appendices(ctx)
        self.width = text_width_mm(document.sections[0])
        self._next_bookmark = 0

    def text(self, paragraph: Paragraph, text: str | None) -> None:
        docx_text.write(paragraph, text, self.reg, self.numbering, self.anchors.get, XREF.id)

    def plain(self, paragraph: Paragraph, text: str) -> None:
        paragraph.add_run(text)

    def link(self, paragraph: Paragraph, target: str, words: str) -> None:
        ooxml.add_internal_link(paragraph, self.anchors[target], words, XREF.id)

    def bookmark(self, paragraph: Paragraph, name: str) -> None:
        ooxml.add_bookmark(paragraph, name, self._next_bookmark)
        self._next_bookmark += 1

    def heading(self, text: str, level: int, anchor: str, new_page: bool = False) -> Paragraph:
        paragraph = self.document.add_paragraph(text, f"Heading {level}")
        paragraph.paragraph_format.page_break_before = new_page or None
        self.bookmark(paragraph, anchor)
        return paragraph

    # -- front matter -------------------------------------------------------------------------

    def revision_log(self) -> None:
        msg = self.msg
        title = self.document.add_paragraph(msg["revision_log"], self.styles[FRONT_TITLE])
        title.paragraph_format.page_break_before = True
        self.bookmark(title, REVISION_LOG)
        columns = [Column(msg["rev_version"], 1, True), Column(msg["rev_date"], 1.6, True),
                   Column(msg["rev_description"], 5)]
        rows: list[list[Cell]] = [[r.version, format_date(r.date, self.reg.language), r.description]
                                  for r in self.reg.revisions]
        grid(self.document, self.styles, columns, rows, self.plain, self.width)

    def toc(self) -> None:
        """The TOC field; its result lists the headings (linked) until Word refreshes it."""
        title = self.document.add_paragraph(self.msg["toc"], "TOC Heading")
        title.paragraph_format.page_break_before = True
        depth = self.reg.profile.branding.print.toc
        entries = [h for h in headings(self.reg, self.numbering, self.appendices)
                   if h.level == 1 or depth == "articles"]
        paragraph = self.document.add_paragraph(style="toc 1")
        ooxml.begin_field(paragraph, TOC_FIELDS[depth])
        for i, entry in enumerate(entries):
            if i:
                paragraph = self.document.add_paragraph(style=f"toc {entry.level}")
            ooxml.add_internal_link(paragraph, entry.anchor, entry.text, None)
        ooxml.end_field(paragraph)

    # -- the body -----------------------------------------------------------------------------

    def chapter(self, chapter: ChapterNode, first: bool) -> None:
        self.heading(heading_text(chapter, self.numbering), 1, self.anchors[chapter.id], new_page=first)
        if chapter.intro:
            self.text(self.document.add_paragraph(style=self.styles[ARTICLE]), chapter.intro)
        for article in chapter.articles:
            self.article(article)

    def article(self, article: ArticleNode) -> None:
        if article.title:
            self.heading(heading_text(article, self.numbering), 2, self.anchors[article.id])
        if not article.title or article.text:
            paragraph = self.document.add_paragraph(style=self.styles[ARTICLE])
            if not article.title:
                paragraph.add_run(self.numbering.label[article.id] + "　", self.styles.name(LABEL))
                self.bookmark(paragraph, self.anchors[article.id])
            self.text(paragraph, article.text)
        self.items(article.items)
        if article.block is not None:
            table = block_table(article.block, self.msg)
            if table.caption:
                self.text(self.document.add_paragraph(style="Caption"), table.caption)
            grid(self.document, self.styles, table.columns, table.rows, self.text, self.width)
            if table.note:
                self.text(self.document.add_paragraph(style=self.styles[NOTE]), table.note)
        if article.after:
            self.text(self.document.add_paragraph(style=self.styles[ARTICLE]), article.after)

    def items(self, items: list[ItemNode]) -> None:
        for item in items:
            paragraph = self.document.add_paragraph(self.numbering.label[item.id], self.styles[ITEM])
            self.text(paragraph, item.text)
            self.bookmark(paragraph, self.anchors[item.id])
            self.items(item.items)

    # -- appendices ---------------------------------------------------------------------------

    def appendix(self, appendix: Appendix) -> None:
        self.heading(f"{appendix.label}　{appendix.title}", 1, appendix_anchor(appendix), new_page=True)
        msg, reg = self.msg, self.reg
        if appendix.kind == "forms":
            rows: list[list[Cell]] = [[f.code or str(i), f.title, ""] for i, f in enumerate(reg.forms, 1)]
            table = grid(self.document, self.styles, [Column(msg["form_number"], 1, True), Column(msg["forms"], 3),
                                                      Column(msg["clauses"], 3)], rows, self.plain, self.width)
            for row, form in zip(table.rows[1:], reg.forms):
                self.bookmark(row.cells[1].paragraphs[0], self.anchors[form.id])
                for i, link in enumerate(basis(reg, self.numbering, form.clauses)):
                    if i:
                        row.cells[2].paragraphs[0].add_run("、")
                    self.link(row.cells[2].paragraphs[0], link.target, link.text)
        elif appendix.kind == "checklists":
            rows = [[c.code or str(i), c.title, c.subject or "",
                     "；".join(f"{b.grade}：{band_range(c.bands, j, msg)}" for j, b in enumerate(c.bands))]
                    for i, c in enumerate(reg.checklists, 1)]
            table = grid(self.document, self.styles, [Column("#", 0.6, True), Column(msg["checklists"], 2.4),
                                                      Column(msg["subject"], 1.6), Column(msg["bands"], 3.4)],
                         rows, self.plain, self.width)
            for row, checklist in zip(table.rows[1:], reg.checklists):
                self.bookmark(row.cells[1].paragraphs[0], self.anchors[checklist.id])
        else:
            self.matrix(appendix.rows)

    def matrix(self, trace: list[TraceRow]) -> None:
        """条款—表单—检查表对照表: each clause, the forms that record it, the items that check it."""
        msg = self.msg
        columns = [Column(msg["clause"], 2.2), Column(msg["forms"], 2.4), Column(msg["checklists"], 3)]
        blank: list[list[Cell]] = [["", "", ""] for line in trace]
        table = grid(self.document, self.styles, columns, blank, self.plain, self.width)
        for row, line in zip(table.rows[1:], trace):
            self.link(row.cells[0].paragraphs[0], line.clause_id, line.reference)
            if line.title:
                row.cells[0].add_paragraph(style=self.styles[TABLE_TEXT]).add_run(line.title).font.size = Pt(8)
            for cell, links in ((row.cells[1], line.forms), (row.cells[2], line.checks)):
                for i, trace_link in enumerate(links):
                    paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph(style=cell.paragraphs[0].style)
                    self.link(paragraph, trace_link.target, trace_link.text)

    def write(self, logo: Path | None) -> None:
        reg, msg, doc = self.reg, self.msg, self.reg.document
        section = self.document.sections[0]
        write_cover(self.document, self.styles, reg, msg, issued_date(reg), logo)
        status = status_words(reg, msg)[0] + (f"　{msg['copy_number']}：{doc.copy_number}" if doc.copy_number else "")
        running_header(self.styles, section, f"{doc.number}　{msg['version']} {doc.version}", status,
                       f"{reg.company.short_name} {reg.title}")
        page_footer(self.styles, section, msg["page_footer"])
        if reg.revisions:
            self.revision_log()
        self.toc()
        for i, chapter in enumerate(reg.chapters):
            self.chapter(chapter, first=i == 0)
        for appendix in self.appendices:
            self.appendix(appendix)


def render(ctx: RenderContext) -> None:
    """The ``docx`` format: ``handbook.docx`` and, when the regulation has forms, ``forms.docx``."""
    reg = ctx.regulation
    ctx.progress(_("Word: handbook.docx ({chapters} chapters)").format(chapters=len(reg.chapters)))
    document, styles = new_document(reg)
    logo = ctx.out_dir / ctx.options.logo if ctx.options.logo else None
    HandbookWriter(document, styles, ctx).write(logo)
    status = status_words(reg, messages(reg.language))[0]
    docx_pack.save(document, ctx.out_dir / "handbook.docx", docx_pack.info(reg, reg.title, status))
    if reg.forms:
        ctx.progress(_("Word: forms.docx ({forms} forms)").format(forms=len(reg.forms)))
        docx_forms.write(ctx, ctx.out_dir / "forms.docx")
