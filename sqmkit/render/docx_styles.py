"""The Word editions' look: styles, page setup, and the running header and footer.

Chapter and article headings use Word's built-in ``heading 1`` / ``heading 2`` (Word knows its
built-in styles by that name, shows them in its own language, 标题 1 in Chinese Word and WPS, and
builds the navigation pane and the TOC from them); an alias says what each is for here (章标题).
Every other style is the document's own and named in its language (条文, 表格文字 …).

Fonts: the body is set in 宋体 and the headings in 黑体, named SimSun and SimHei, the names Word
and WPS find on Windows whatever the interface language, with 宋体/黑体 as their alternate names
in the font table. Where they are missing (LibreOffice on Linux), the font table's class (serif,
sans) and the document's language (zh-CN) let the substitution pick a Chinese face of the same
class: fontconfig maps SimSun to Noto Serif CJK SC and SimHei to Noto Sans CJK SC. Word needs no
glyph check, so the PDF's font check does not run for these formats.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import docx
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.section import Section
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import BaseStyle, CharacterStyle, ParagraphStyle
from docx.table import Table

from ..model import Regulation
from . import ooxml

BODY = ooxml.FontDecl("SimSun", "宋体", "02010600030101010101", "roman", "variable")
HEADING = ooxml.FontDecl("SimHei", "黑体", "02010609060101010101", "modern", "fixed")
#: Latin faces of an English document (its Chinese characters still use BODY and HEADING)
LATIN_BODY, LATIN_HEADING = "Times New Roman", "Arial"

GREY, RULE, HEAD_FILL, STAMP_RED, STAMP_GREY = "444444", "000000", "E9E9E9", "C0392B", "555555"
BLACK = RGBColor(0, 0, 0)
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
#: text width of a portrait A4 page with the handbook's margins (210 - 22 - 18 mm)
TEXT_WIDTH_MM = 170


@dataclass(frozen=True)
class StyleSpec:
    id: str
    zh: str
    en: str


# The document's own styles: id, Chinese name, English name.
ARTICLE = StyleSpec("sqArticle", "条文", "Article text")
ITEM = StyleSpec("sqItem", "条文款项", "Article item")
NOTE = StyleSpec("sqNote", "表注", "Table note")
TABLE_TEXT = StyleSpec("sqTableText", "表格文字", "Table text")
TABLE_HEAD = StyleSpec("sqTableHead", "表格标题行", "Table heading")
FORM_META = StyleSpec("sqFormMeta", "表单信息", "Form details")
COVER_COMPANY = StyleSpec("sqCoverCompany", "封面单位", "Cover company")
COVER_TITLE = StyleSpec("sqCoverTitle", "封面标题", "Cover title")
COVER_LINE = StyleSpec("sqCoverLine", "封面文字", "Cover text")
FRONT_TITLE = StyleSpec("sqFrontTitle", "前置标题", "Front-matter title")
ANNOT = StyleSpec("sqAnnot", "条文注记", "Annotation")
LABEL = StyleSpec("sqLabel", "条号", "Article number")
XREF = StyleSpec("sqXref", "交叉引用", "Cross-reference")
GRID = StyleSpec("sqGrid", "受控表格", "Controlled table")
#: aliases of the built-in styles, shown beside Word's own name for them
ALIASES = {"Heading 1": ("章标题", "Chapter"), "Heading 2": ("条标题", "Article")}
#: the template's styles the editions use; the rest (some 150 table and list styles) are removed:
#: Word knows its built-in styles without them, and python-docx looks styles up by scanning them all
KEEP = {"Normal", "Default Paragraph Font", "Normal Table", "No List", "Heading 1", "Heading 1 Char", "Heading 2",
        "Heading 2 Char", "Header", "Header Char", "Footer", "Footer Char", "Caption", "TOC Heading", "Table Grid"}


class Styles:
    """The styles of one Word document, named in the document's language."""

    def __init__(self, document: Document, reg: Regulation):
        self.document, self.lang = document, reg.language
        self.zh = reg.language != "en"
        self.brand = RGBColor.from_string(reg.profile.branding.color.lstrip("#").upper())
        # black and grey only, as the PDF: the brand colour prints on the cover, and on the
        # headings with branding.print.colour: headings
        self.ink = self.brand if reg.profile.branding.print.colour == "headings" else BLACK
        self.body = (BODY.name if self.zh else LATIN_BODY, BODY.name)
        self.heading = (HEADING.name if self.zh else LATIN_HEADING, HEADING.name)

    def name(self, spec: StyleSpec) -> str:
        return spec.zh if self.zh else spec.en

    def __getitem__(self, spec: StyleSpec) -> str:
        """The style's name, which python-docx takes wherever a style is set."""
        return self.name(spec)

    def _new(self, spec: StyleSpec, kind: WD_STYLE_TYPE, base: str | None = "Normal") -> BaseStyle:
        style = self.document.styles.add_style(self.name(spec), kind)
        style.style_id = spec.id
        if base is not None:
            style.base_style = self.document.styles[base]
        assert isinstance(style, BaseStyle)
        style.quick_style = True
        return style

    def _character(self, spec: StyleSpec) -> CharacterStyle:
        style = self._new(spec, WD_STYLE_TYPE.CHARACTER, None)
        assert isinstance(style, CharacterStyle)
        return style

    def _paragraph(self, spec: StyleSpec, size: float, line: float, heading: bool = False,
                   base: str = "Normal") -> ParagraphStyle:
        style = self._new(spec, WD_STYLE_TYPE.PARAGRAPH, base)
        assert isinstance(style, ParagraphStyle)
        _fonts(style, self.heading if heading else self.body)
        style.font.size = Pt(size)
        _exact(style, line)
        return style

    def define(self) -> None:
        doc = self.document
        for style in [s for s in doc.styles if s.name not in KEEP]:
            style.delete()
        ooxml.set_default_fonts(doc, *self.body)
        ooxml.set_languages(doc, "zh-CN" if self.zh else "en-US")
        ooxml.declare_fonts(doc, [BODY, HEADING])
        normal = doc.styles["Normal"]
        assert isinstance(normal, ParagraphStyle)
        _fonts(normal, self.body)
        normal.font.size = Pt(10.5)
        _exact(normal, 18)
        normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        normal.paragraph_format.widow_control = True
        self._headings()
        self._body_styles()
        self._table_styles()
        self._cover_styles()
        self._running_styles()

    def _headings(self) -> None:
        for name, size, line, before, after in (("Heading 1", 16, 28, 12, 6), ("Heading 2", 10.5, 18, 6, 0)):
            style = self.document.styles[name]
            assert isinstance(style, ParagraphStyle)
            _fonts(style, self.heading)
            style.font.size, style.font.bold = Pt(size), False
            style.font.color.rgb = self.ink if name == "Heading 1" else BLACK
            _exact(style, line)
            fmt = style.paragraph_format
            fmt.space_before, fmt.space_after, fmt.keep_with_next = Pt(before), Pt(after), True
            fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER if name == "Heading 1" else WD_ALIGN_PARAGRAPH.LEFT
            zh, en = ALIASES[name]
            ooxml.set_aliases(style, zh if self.zh else en)
        toc_heading = self.document.styles["TOC Heading"]
        assert isinstance(toc_heading, ParagraphStyle)
        _fonts(toc_heading, self.heading)
        toc_heading.font.size, toc_heading.font.bold = Pt(15), False
        toc_heading.font.color.rgb = self.ink
        toc_heading.paragraph_format.space_before = Pt(0)
        for level in (1, 2):
            self._toc_level(level)

    def _toc_level(self, level: int) -> None:
        style = self.document.styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
        assert isinstance(style, ParagraphStyle)
        style.style_id = f"TOC{level}"
        style.base_style = self.document.styles["Normal"]
        _fonts(style, self.heading if level == 1 else self.body)
        style.font.size = Pt(10.5 if level == 1 else 10)
        fmt = style.paragraph_format
        fmt.space_before = Pt(4 if level == 1 else 0)
        fmt.left_indent = Pt(0 if level == 1 else 21)
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
        fmt.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)

    def _body_styles(self) -> None:
        for spec in (ARTICLE, ITEM):
            style = self._paragraph(spec, 10.5, 18)
            style.paragraph_format.first_line_indent = Pt(21)  # two characters
        note = self._paragraph(NOTE, 9, 14)
        note.paragraph_format.space_after = Pt(6)
        meta = self._paragraph(FORM_META, 8.5, 13)
        meta.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        meta.font.color.rgb = RGBColor.from_string(GREY)
        caption = self.document.styles["Caption"]
        assert isinstance(caption, ParagraphStyle)
        _fonts(caption, self.heading)
        caption.font.size, caption.font.bold = Pt(9.5), False
        caption.font.color.rgb = BLACK
        caption.paragraph_format.space_before = Pt(4)
        caption.paragraph_format.keep_with_next = True
        annot = self._character(ANNOT)
        annot.font.size = Pt(8)
        annot.font.color.rgb = RGBColor(0x5B, 0x6B, 0x7B)
        self._character(XREF).font.color.rgb = self.ink  # a link reads as text, as in the PDF
        _fonts(self._character(LABEL), self.heading)

    def _table_styles(self) -> None:
        text = self._paragraph(TABLE_TEXT, 9, 14)
        text.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        head = self._paragraph(TABLE_HEAD, 9, 14, heading=True, base=self.name(TABLE_TEXT))
        head.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        head.paragraph_format.keep_with_next = True
        self._new(GRID, WD_STYLE_TYPE.TABLE, "Table Grid")

    def _cover_styles(self) -> None:
        for spec, size, line, heading in ((COVER_COMPANY, 20, 34, True), (COVER_TITLE, 26, 44, True),
                                          (COVER_LINE, 12, 24, False)):
            style = self._paragraph(spec, size, line, heading)
            style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.document.styles[self.name(COVER_TITLE)].font.color.rgb = self.brand
        front = self._paragraph(FRONT_TITLE, 15, 26, heading=True)
        front.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        front.paragraph_format.space_after = Pt(12)
        front.paragraph_format.keep_with_next = True
        front.font.color.rgb = self.ink

    def _running_styles(self) -> None:
        for name in ("Header", "Footer"):
            style = self.document.styles[name]
            assert isinstance(style, ParagraphStyle)
            _fonts(style, self.body)
            style.font.size = Pt(8.5)
            style.font.color.rgb = BLACK
            style.paragraph_format.tab_stops.clear_all()  # each running paragraph sets its own
            _exact(style, 13)


def _fonts(style: BaseStyle, fonts: tuple[str, str]) -> None:
    ooxml.set_fonts(style, *fonts)


def _exact(style: ParagraphStyle, points: float) -> None:
    fmt = style.paragraph_format
    fmt.line_spacing, fmt.line_spacing_rule = Pt(points), WD_LINE_SPACING.EXACTLY
    fmt.space_after = Pt(0)


# -- pages ----------------------------------------------------------------------------------------


def new_document(reg: Regulation) -> tuple[Document, Styles]:
    """An empty A4 document with the styles defined and fields set to refresh on opening."""
    document = docx.Document()
    # Word 2010's copy of the styles (in the template's fonts) and the template's list definitions,
    # which name list styles the editions do not have: neither is used
    for rid in [rid for rid, rel in document.part.rels.items() if rel.reltype in (STYLES_WITH_EFFECTS, RT.NUMBERING)]:
        document.part.drop_rel(rid)
    styles = Styles(document, reg)
    styles.define()
    ooxml.update_fields_on_open(document)
    page_setup(document.sections[0], landscape=False)
    return document, styles


def page_setup(section: Section, landscape: bool, margins: tuple[int, int, int, int] = (24, 18, 20, 22)) -> None:
    """A4, portrait or landscape; ``margins`` top, right, bottom, left in mm (the PDF's)."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    top, right, bottom, left = margins
    section.top_margin, section.right_margin, section.bottom_margin, section.left_margin = (
        Mm(top), Mm(right), Mm(bottom), Mm(left))
    section.header_distance, section.footer_distance = Mm(12), Mm(10)


def text_width_mm(section: Section) -> float:
    width = section.page_width - section.left_margin - section.right_margin  # type: ignore[operator]
    return float(width) / 36000  # EMU per mm


def set_widths(table: Table, widths_mm: Sequence[float]) -> None:
    """Fixed column widths (the grid for LibreOffice, each cell for Word)."""
    table.autofit = False
    for column, width in zip(table.columns, widths_mm):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)


def running_header(styles: Styles, section: Section, left: str, center: str, right: str) -> None:
    """The header of every page but the cover: three parts on tab stops, ruled off below."""
    section.header.is_linked_to_previous = False
    paragraph = section.header.paragraphs[0]
    paragraph.style = styles.document.styles["Header"]
    width = text_width_mm(section)
    paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(width / 2), WD_TAB_ALIGNMENT.CENTER)
    paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(width), WD_TAB_ALIGNMENT.RIGHT)
    paragraph.add_run(f"{left}\t{center}\t{right}")
    ooxml.rule_below(paragraph, RULE)


def page_footer(styles: Styles, section: Section, wording: str, right: str = "") -> None:
    """The footer 第 x 页 / 共 y 页, centred: ``wording`` with ``{page}`` and ``{pages}`` as the
    PAGE and NUMPAGES fields; ``right`` on the right margin."""
    section.footer.is_linked_to_previous = False
    paragraph = section.footer.paragraphs[0]
    paragraph.style = styles.document.styles["Footer"]
    width = text_width_mm(section)
    paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(width / 2), WD_TAB_ALIGNMENT.CENTER)
    paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(width), WD_TAB_ALIGNMENT.RIGHT)
    before, _sep, rest = wording.partition("{page}")
    middle, _sep, after = rest.partition("{pages}")
    paragraph.add_run("\t" + before)
    ooxml.add_field(paragraph, "PAGE", "1")
    paragraph.add_run(middle)
    ooxml.add_field(paragraph, "NUMPAGES", "1")
    paragraph.add_run(after + (f"\t{right}" if right else ""))
