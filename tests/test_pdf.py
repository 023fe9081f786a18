"""The real handbook PDF, rendered by WeasyPrint and read back with pypdf and poppler."""

from __future__ import annotations

import re
import subprocess

import pytest
from pypdf import PdfReader


@pytest.fixture(scope="module")
def pdf(demo_build):
    return PdfReader(str(demo_build.path("handbook.pdf")))


def page_text(path, first, last=None) -> str:
    """Text of pages ``first``..``last`` (1-based) as poppler's pdftotext reads it."""
    last = last or first
    out = subprocess.run(["pdftotext", "-f", str(first), "-l", str(last), "-layout", str(path), "-"],
                         capture_output=True, text=True, check=True)
    return out.stdout


def test_cover_has_company_and_document_control(pdf, demo_build):
    reg = demo_build.regulation
    cover = page_text(demo_build.path("handbook.pdf"), 1).replace(" ", "")
    assert reg.company.name in cover
    assert reg.title.replace(" ", "") in cover.replace(" ", "")
    for label in ("文件编号", "版本", "编制", "审核", "批准", "发布日期", "实施日期", "受控"):
        assert label in cover
    assert reg.document.number in cover


def test_chinese_text_and_page_footer(pdf, demo_build):
    n = len(pdf.pages)
    assert n >= 15
    middle = n // 2
    text = page_text(demo_build.path("handbook.pdf"), middle)
    assert re.search(r"[\u4e00-\u9fff]{8}", text.replace("\n", "")), f"no run of Chinese text on page {middle}"
    # the body is numbered on its own, after the front matter (cover, revision log, contents)
    labels = pdf.page_labels
    assert labels[middle - 1].isdigit(), labels
    body_pages = sum(1 for label in labels if label.isdigit())
    assert re.search(rf"第\s*{labels[middle - 1]}\s*页\s*/\s*共\s*{body_pages}\s*页", text), text[-300:]


def test_running_header_has_number_and_title(pdf, demo_build):
    reg = demo_build.regulation
    text = page_text(demo_build.path("handbook.pdf"), 5)
    assert reg.document.number in text
    assert reg.title in text.replace(" ", "")


def test_one_outline_entry_per_chapter(pdf, demo_build):
    titles = [o.title for o in pdf.outline if not isinstance(o, list) and o.title.startswith("第")]
    chapters = demo_build.regulation.chapters
    assert len(titles) == len(chapters)
    for title, ch in zip(titles, chapters):
        assert ch.title in title and title.startswith("第")


def test_toc_has_page_numbers(pdf, demo_build):
    toc = page_text(demo_build.path("handbook.pdf"), 2, 4)
    first = demo_build.regulation.chapters[0]
    assert re.search(r"第一章\s*" + first.title + r"[ .]*\d+", toc), toc[:500]


def test_fonts_are_embedded_subsets_and_lang_is_zh(pdf):
    fonts = set()
    for page in pdf.pages:
        resources = page["/Resources"]
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            desc = descendant["/FontDescriptor"].get_object()
            assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
            fonts.add(str(font["/BaseFont"]))
    assert fonts and all(re.match(r"/?[A-Z]{6}\+", f) for f in fonts), fonts
    assert any("CJK" in f for f in fonts)
    assert pdf.trailer["/Root"]["/Lang"] == "zh-CN"


def test_poppler_sees_only_embedded_fonts(demo_build):
    out = subprocess.run(["pdffonts", str(demo_build.path("handbook.pdf"))], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows
    for row in rows:
        cols = row.split()
        assert cols[-5] == "yes" and cols[-4] == "yes", row  # emb, sub


def test_forms_pdf_has_one_form_per_page_at_least(demo_build):
    reader = PdfReader(str(demo_build.path("forms.pdf")))
    reg = demo_build.regulation
    assert len(reader.pages) >= len(reg.forms)
    text = page_text(demo_build.path("forms.pdf"), 1, len(reader.pages))
    for form in reg.forms:
        assert form.title in text.replace(" ", "")
