"""The Office XML that python-docx has no API for, written by hand in this one module.

Fields (PAGE, NUMPAGES, TOC), bookmarks and internal hyperlinks, a repeating table header row and
rows that do not split, cell shading, borders on a paragraph or a run, character spacing, East
Asian font slots and languages, style aliases, font-table entries and the settings that ask Word
to refresh fields on opening. Everything else the Word renderers do goes through python-docx.

WordprocessingML is strict about the order of child elements (Word refuses a file whose ``w:rPr``
lists ``w:bdr`` before ``w:sz``), so every element is inserted before its schema successors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from docx.document import Document
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.styles.style import BaseStyle
from docx.table import _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

# Successors in the schema's sequences (ECMA-376 part 1, 17.3 and 17.7), for insert_element_before.
_RPR_AFTER_FONTS = ("w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike", "w:dstrike", "w:outline",
                    "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid", "w:vanish", "w:webHidden",
                    "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u",
                    "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
                    "w:eastAsianLayout", "w:specVanish", "w:oMath")
_RPR_AFTER_SPACING = _RPR_AFTER_FONTS[_RPR_AFTER_FONTS.index("w:spacing") + 1:]
_RPR_AFTER_BDR = _RPR_AFTER_FONTS[_RPR_AFTER_FONTS.index("w:bdr") + 1:]
_RPR_AFTER_LANG = _RPR_AFTER_FONTS[_RPR_AFTER_FONTS.index("w:lang") + 1:]
_PPR_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
                   "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
                   "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                   "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
                   "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_TCPR_AFTER_SHD = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
                   "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange")
_TRPR_AFTER_CANTSPLIT = ("w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del",
                         "w:trPrChange")
_TRPR_AFTER_HEADER = _TRPR_AFTER_CANTSPLIT[2:]
_STYLE_AFTER_NAME = ("w:basedOn", "w:next", "w:link", "w:autoRedefine", "w:hidden", "w:uiPriority", "w:semiHidden",
                     "w:unhideWhenUsed", "w:qFormat", "w:locked", "w:personal", "w:personalCompose",
                     "w:personalReply", "w:rsid", "w:pPr", "w:rPr", "w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr")
_SETTINGS_AFTER_UPDATE = ("w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids",
                          "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping")
_THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _el(tag: str, **attrs: str) -> Any:
    return OxmlElement(tag, {qn(f"w:{k}"): v for k, v in attrs.items()})


# -- fonts and languages --------------------------------------------------------------------------


@dataclass(frozen=True)
class FontDecl:
    """A font-table entry: what Word and WPS look the font up by, and how to substitute it."""

    name: str  # the name runs use (SimSun)
    alt_name: str  # the other name of the same font (宋体)
    panose: str  # 20 hex digits
    family: str  # roman (serif) | swiss (sans) | modern (fixed pitch) | auto
    pitch: str  # variable | fixed
    charset: str = "86"  # GB2312


def set_fonts(owner: BaseStyle | Run, latin: str, east_asian: str) -> None:
    """Name the fonts of a style or run: ``latin`` for the ASCII, high-ANSI and complex-script
    slots, ``east_asian`` for Chinese; the theme fonts python-docx's template uses are removed
    (they would win over the names), and ambiguous characters such as “” go to the East Asian font."""
    fonts = _name_fonts(owner.element.get_or_add_rPr(), latin, east_asian)
    fonts.set(qn("w:hint"), "eastAsia")


def _name_fonts(rpr: Any, latin: str, east_asian: str) -> Any:
    """Fill a run-properties element's ``w:rFonts`` (theme fonts removed, so the names win)."""
    fonts = rpr.get_or_add_rFonts()
    for attr in _THEME_FONT_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    for slot in ("ascii", "hAnsi", "cs"):
        fonts.set(qn(f"w:{slot}"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    return fonts


def _default_run_properties(document: Document) -> Any:
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = parse_xml(f"<w:docDefaults {nsdecls('w')}/>")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = parse_xml(f"<w:rPrDefault {nsdecls('w')}><w:rPr/></w:rPrDefault>")
        defaults.insert(0, rpr_default)
    return rpr_default.find(qn("w:rPr"))


def set_default_fonts(document: Document, latin: str, east_asian: str) -> None:
    """The fonts of the document defaults, which every style without fonts of its own inherits."""
    _name_fonts(_default_run_properties(document), latin, east_asian)


def set_languages(document: Document, lang: str, east_asian: str = "zh-CN") -> None:
    """The document's languages (``w:lang`` in the defaults; the theme's East Asian language), so
    proofing works and a font missing on the machine is replaced by one for that script."""
    rpr = _default_run_properties(document)
    lang_el = rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = _el("w:lang")
        rpr.insert_element_before(lang_el, *_RPR_AFTER_LANG)
    lang_el.set(qn("w:val"), lang)
    lang_el.set(qn("w:eastAsia"), east_asian)
    theme_lang = document.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), lang)
        theme_lang.set(qn("w:eastAsia"), east_asian)


def declare_fonts(document: Document, fonts: list[FontDecl]) -> None:
    """Add font-table entries, so Word and WPS find a font by either name and a program without
    it substitutes a face of the same class (serif or sans) for the same script."""
    rel = next(r for r in document.part.rels.values() if r.reltype.endswith("/fontTable"))
    part = rel.target_part
    table = getattr(part, "element", None)
    if table is None:  # python-docx keeps a part it has no class for as bytes
        table = parse_xml(part.blob)
    for font in fonts:
        table.append(parse_xml(
            f'<w:font {nsdecls("w")} w:name="{font.name}"><w:altName w:val="{font.alt_name}"/>'
            f'<w:panose1 w:val="{font.panose}"/><w:charset w:val="{font.charset}"/>'
            f'<w:family w:val="{font.family}"/><w:pitch w:val="{font.pitch}"/></w:font>'))
    if getattr(part, "element", None) is None:
        part._blob = serialize_part_xml(table)


def set_aliases(style: BaseStyle, aliases: str) -> None:
    """Another name shown beside a built-in style's own (Word lists it as "标题 1,章标题")."""
    el = style.element.find(qn("w:aliases"))
    if el is None:
        el = _el("w:aliases")
        style.element.insert_element_before(el, *_STYLE_AFTER_NAME)
    el.set(qn("w:val"), aliases)


def update_fields_on_open(document: Document) -> None:
    """Ask Word to refresh the fields (TOC, page numbers) when the document is opened."""
    settings = document.settings.element
    if settings.find(qn("w:updateFields")) is None:
        settings.insert_element_before(_el("w:updateFields", val="true"), *_SETTINGS_AFTER_UPDATE)


# -- fields ---------------------------------------------------------------------------------------


def _fld_char(paragraph: Paragraph, kind: str) -> None:
    run = _el("w:r")
    run.append(_el("w:fldChar", fldCharType=kind))
    paragraph._p.append(run)


def begin_field(paragraph: Paragraph, instruction: str) -> None:
    """Open a complex field: its instruction, then the result, which the caller writes next."""
    _fld_char(paragraph, "begin")
    run = _el("w:r")
    text = _el("w:instrText")
    text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    text.text = f" {instruction} "
    run.append(text)
    paragraph._p.append(run)
    _fld_char(paragraph, "separate")


def end_field(paragraph: Paragraph) -> None:
    """Close the field opened by :func:`begin_field` (possibly in an earlier paragraph)."""
    _fld_char(paragraph, "end")


def add_field(paragraph: Paragraph, instruction: str, result: str) -> None:
    """A field in one paragraph, e.g. ``PAGE`` with the result ``1`` until it is updated."""
    begin_field(paragraph, instruction)
    paragraph.add_run(result)
    end_field(paragraph)


def field_instructions(paragraph: Paragraph) -> list[str]:
    """The instructions of the fields in a paragraph (for reading a document back)."""
    return [str(t.text).strip() for t in paragraph._p.iter(qn("w:instrText"))]


# -- bookmarks and internal links -----------------------------------------------------------------


def add_bookmark(paragraph: Paragraph, name: str, bookmark_id: int) -> None:
    """Bookmark the start of the paragraph under ``name``: a link jumps there. The bookmark is a
    point, not the paragraph's whole text: LibreOffice lays a bookmark's end after a full last
    line out as an extra, empty line."""
    p = paragraph._p
    at = 1 if p.pPr is not None else 0
    p.insert(at, _el("w:bookmarkEnd", id=str(bookmark_id)))
    p.insert(at, _el("w:bookmarkStart", id=str(bookmark_id), name=name))


def add_internal_link(paragraph: Paragraph, anchor: str, text: str, style_id: str | None) -> None:
    """A run of ``text`` linking to the bookmark ``anchor`` in the same document."""
    link = _el("w:hyperlink", anchor=anchor, history="1")
    run = _el("w:r")
    if style_id:
        rpr = _el("w:rPr")
        rpr.append(_el("w:rStyle", val=style_id))
        run.append(rpr)
    t = _el("w:t")
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def bookmark_names(paragraph: Paragraph) -> list[str]:
    return [str(b.get(qn("w:name"))) for b in paragraph._p.iter(qn("w:bookmarkStart"))]


# -- tables ---------------------------------------------------------------------------------------


def repeat_as_header(row: _Row) -> None:
    """Repeat the row at the top of every page the table runs onto (``w:tblHeader``)."""
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:tblHeader")) is None:
        tr_pr.insert_element_before(_el("w:tblHeader"), *_TRPR_AFTER_HEADER)


def keep_row_together(row: _Row) -> None:
    """The row is never split across two pages (``w:cantSplit``)."""
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:cantSplit")) is None:
        tr_pr.insert_element_before(_el("w:cantSplit"), *_TRPR_AFTER_CANTSPLIT)


def row_flags(row: _Row) -> tuple[bool, bool]:
    """``(repeats as header, cannot split)`` of a row, for reading a document back."""
    tr_pr = row._tr.trPr
    if tr_pr is None:
        return False, False
    return tr_pr.find(qn("w:tblHeader")) is not None, tr_pr.find(qn("w:cantSplit")) is not None


def shade_cell(cell: _Cell, fill: str) -> None:
    """Fill a cell with the colour ``fill`` (six hex digits)."""
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = tc_pr.find(qn("w:shd"))
    if shd is None:
        shd = _el("w:shd")
        tc_pr.insert_element_before(shd, *_TCPR_AFTER_SHD)
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)


# -- borders and spacing --------------------------------------------------------------------------


def rule_below(paragraph: Paragraph, color: str, size: int = 4) -> None:
    """A line under the paragraph (a running header's rule); ``size`` in eighths of a point."""
    p_pr = paragraph._p.get_or_add_pPr()
    border = _el("w:pBdr")
    border.append(_el("w:bottom", val="single", sz=str(size), space="1", color=color))
    p_pr.insert_element_before(border, *_PPR_AFTER_PBDR)


def frame_run(run: Run, color: str, size: int, spacing_twips: int) -> None:
    """Draw a box round a run (the 受控 stamp) and spread its characters by ``spacing_twips``."""
    rpr = run.element.get_or_add_rPr()
    rpr.insert_element_before(_el("w:spacing", val=str(spacing_twips)), *_RPR_AFTER_SPACING)
    rpr.insert_element_before(_el("w:bdr", val="single", sz=str(size), space="4", color=color), *_RPR_AFTER_BDR)


# -- package properties ---------------------------------------------------------------------------


def app_properties(company: str) -> bytes:
    """The extended properties (``docProps/app.xml``): the application and the company. The
    statistics (pages, words) are left for Word to count; the template's claimed a Mac Word."""
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f"<Application>sqmkit</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
            f"<Company>{escape(company)}</Company><LinksUpToDate>false</LinksUpToDate>"
            "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>").encode("utf-8")
