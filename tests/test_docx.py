"""The Word editions (``-f docx``): the three demos built once for the module, read back with
python-docx, and laid out by LibreOffice headless into PDFs read back with poppler."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

import sqmkit
import sqmkit_clinic
import sqmkit_courier
import sqmkit_hospitality
from sqmkit.model import ArticleNode, ChapterNode, ItemNode, Regulation, strings_of
from sqmkit.numbering import Numbering
from sqmkit.plugins import get_plugin_manager
from sqmkit.render import ooxml
from sqmkit.textrender import references

DEMOS = {"courier": sqmkit_courier.DEMO_PROFILE, "clinic": sqmkit_clinic.DEMO_PROFILE,
         "hospitality": sqmkit_hospitality.DEMO_PROFILE}
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
BOOKMARK_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, sqmkit.BuildResult]:
    out = tmp_path_factory.mktemp("docx")
    return {name: sqmkit.build(path, out / name, ["docx"]) for name, path in DEMOS.items()}


def handbook(built: dict[str, sqmkit.BuildResult], name: str) -> Document:
    return docx.Document(str(built[name].path("handbook.docx")))


def all_paragraphs(document: Document) -> list[Paragraph]:
    """Body paragraphs and the paragraphs of table cells (once each, merged cells included)."""
    found = list(document.paragraphs)
    for table in document.tables:
        seen = set()
        for row in table.rows:
            for cell in row.cells:
                if id(cell._tc) not in seen:
                    seen.add(id(cell._tc))
                    found += cell.paragraphs
    return found


def test_docx_is_built_on_request_only():
    fmt = get_plugin_manager().output_formats()["docx"]
    assert fmt.on_request and "handbook.docx" in fmt.description


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_headings_are_the_numbering_labels_and_titles(built, name):
    reg = built[name].regulation
    num = Numbering.of(reg)
    document = handbook(built, name)
    found = [(p.style.name, p.text) for p in document.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    expected = []
    for chapter in reg.chapters:
        expected.append(("Heading 1", f"{num.label[chapter.id]}　{chapter.title}"))
        expected += [("Heading 2", f"{num.label[a.id]}　{a.title}") for a in chapter.articles if a.title]
    assert found[:len(expected)] == expected
    appendices = found[len(expected):]
    assert [text.split("　")[0] for _, text in appendices] == ["附录一", "附录二", "附录三"][:len(appendices)]
    assert appendices and all(style == "Heading 1" for style, _ in appendices)
    heading1 = document.styles["Heading 1"]
    assert heading1.style_id == "Heading1" and heading1.element.find(qn("w:aliases")).get(qn("w:val")) == "章标题"


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_every_article_and_item_is_there_in_order(built, name):
    reg = built[name].regulation
    num = Numbering.of(reg)
    paragraphs = handbook(built, name).paragraphs
    starts = [p.text for p in paragraphs if p.style.name in ("Heading 2", "条文")]
    labels = [num.label[a.id] for c in reg.chapters for a in c.articles]
    article_starts = [t.split("　")[0] for t in starts if re.match(r"^第[一二三四五六七八九十百零]+条　", t)]
    assert article_starts == labels
    items = [p.text for p in paragraphs if p.style.name == "条文款项"]
    expected = [num.label[i.id] + i.text.split("\x1e")[0][:6] for c in reg.chapters for a in c.articles
                for i in _walk(a.items)]
    assert [t[:len(e)] for t, e in zip(items, expected)] == expected


def _walk(items: list[ItemNode]):
    for item in items:
        yield item
        yield from _walk(item.items)


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_tables_repeat_their_heading_row_and_rows_do_not_split(built, name):
    reg = built[name].regulation
    tables = handbook(built, name).tables
    blocks = sum(1 for c in reg.chapters for a in c.articles if a.block)
    # the cover's control and approval tables, the revision log, the blocks and the appendices
    assert len(tables) == 2 + bool(reg.revisions) + blocks + 3
    for table in tables:
        assert all(ooxml.row_flags(row)[1] for row in table.rows), "a row may split across pages"
    for table in tables[1:]:
        assert ooxml.row_flags(table.rows[0])[0], table.rows[0].cells[0].text
        assert not any(ooxml.row_flags(row)[0] for row in table.rows[1:])
        assert table.style.name == "受控表格"
    kpis = [t for t in tables if t.rows[0].cells[0].text == "指标"]
    assert kpis and [c.text for c in kpis[0].rows[0].cells] == ["指标", "计算方法", "目标值", "统计周期", "责任部门"]


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_cover_header_and_footer_carry_the_document_control(built, name):
    reg = built[name].regulation
    document = handbook(built, name)
    cover = document.tables[0]
    assert cover.rows[0].cells[1].text == reg.document.number and cover.rows[0].cells[3].text == reg.document.version
    assert any(p.text == ("受控" if reg.document.controlled_copy else "非受控") for p in document.paragraphs[:12])
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert not section.first_page_header.paragraphs[0].text and not section.first_page_footer.paragraphs[0].text
    header = section.header.paragraphs[0].text
    assert reg.document.number in header and reg.document.version in header and reg.title in header
    footer = section.footer.paragraphs[0]
    assert ooxml.field_instructions(footer) == ["PAGE", "NUMPAGES"]
    assert footer.text.replace("\t", "").startswith("第 ") and "页 / 共" in footer.text
    revisions = document.tables[2]
    assert [r.cells[0].text for r in revisions.rows[1:]] == [r.version for r in reg.revisions]


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_the_toc_field_lists_the_chapters_and_word_refreshes_it(built, name):
    reg = built[name].regulation
    document = handbook(built, name)
    fields = [(i, p) for i, p in enumerate(document.paragraphs) if any(
        f.startswith("TOC ") for f in ooxml.field_instructions(p))]
    assert len(fields) == 1
    start, first = fields[0]
    assert ooxml.field_instructions(first) == ['TOC \\o "1-1" \\h \\z \\u']
    entries = [p.text for p in document.paragraphs[start:start + len(reg.chapters)]]
    assert entries == [f"{Numbering.of(reg).label[c.id]}　{c.title}" for c in reg.chapters]
    assert document.settings.element.find(qn("w:updateFields")).get(qn("w:val")) == "true"


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_cross_references_are_links_to_bookmarks_on_their_targets(built, name):
    reg = built[name].regulation
    num = Numbering.of(reg)
    document = handbook(built, name)
    marked = {}
    links = []
    for paragraph in all_paragraphs(document):
        for bookmark in ooxml.bookmark_names(paragraph):
            assert bookmark not in marked and BOOKMARK_NAME.match(bookmark)
            marked[bookmark] = paragraph.text
        links += [(h.fragment, h.text) for h in paragraph.hyperlinks]
    assert links and all(anchor in marked for anchor, _ in links)
    targets = {ident for c in reg.chapters for text in strings_of(c) for _, ident in references(text)}
    assert targets
    linked = {anchor for anchor, _ in links}
    for ident in targets:
        where = [marked[a] for a in linked if _labelled(marked[a], ident, reg, num)]
        assert where, f"no link reaches {ident}"


def _labelled(text: str, ident: str, reg: Regulation, num: Numbering) -> bool:
    """Whether a bookmarked paragraph is the one of ``ident``: its number or title starts it."""
    if ident in reg.index.forms:
        return text == reg.form(ident).title
    if ident in reg.index.checklists:
        return text == reg.checklist(ident).title
    clause = reg.clause(ident)
    if isinstance(clause, (ChapterNode, ArticleNode)):
        return text.startswith(num.label[ident] + "　")
    return text.startswith(num.label[ident] + clause.text.split("\x1e")[0][:4])


def test_styles_and_fonts_are_chinese_and_named_for_word_and_wps(built):
    document = handbook(built, "courier")
    fonts = {name: document.styles[name].element.rPr.rFonts.get(qn("w:eastAsia"))
             for name in ("Normal", "Heading 1", "Heading 2", "条文", "表格文字", "表格标题行")}
    assert fonts == {"Normal": "SimSun", "Heading 1": "SimHei", "Heading 2": "SimHei", "条文": "SimSun",
                     "表格文字": "SimSun", "表格标题行": "SimHei"}
    with zipfile.ZipFile(built["courier"].path("handbook.docx")) as package:
        table = package.read("word/fontTable.xml").decode("utf-8")
        styles = package.read("word/styles.xml").decode("utf-8")
    assert '<w:font w:name="SimSun"><w:altName w:val="宋体"/>' in table
    assert '<w:font w:name="SimHei"><w:altName w:val="黑体"/>' in table
    assert 'w:eastAsia="zh-CN"' in styles


def test_same_input_same_bytes(built, tmp_path):
    again = sqmkit.build(DEMOS["courier"], tmp_path, ["docx"])
    for name in ("handbook.docx", "forms.docx"):
        assert again.path(name).read_bytes() == built["courier"].path(name).read_bytes(), name
    reg = again.regulation
    with zipfile.ZipFile(again.path("handbook.docx")) as package:
        names = package.namelist()
        assert names[:2] == ["[Content_Types].xml", "_rels/.rels"] and names[2:] == sorted(names[2:])
        day = reg.document.effective_date
        assert {i.date_time for i in package.infolist()} == {(day.year, day.month, day.day, 0, 0, 0)}
        assert "docProps/thumbnail.jpeg" not in names
    props = docx.Document(str(again.path("handbook.docx"))).core_properties
    assert props.created.date() == reg.document.effective_date == props.modified.date()
    assert props.identifier == reg.document.number and props.version == reg.document.version


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_forms_one_per_section_as_tables_with_signature_and_date_cells(built, name):
    reg = built[name].regulation
    document = docx.Document(str(built[name].path("forms.docx")))
    assert len(document.sections) == len(reg.forms)
    titles = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert titles == [f.title for f in reg.forms]
    for section, form in zip(document.sections, reg.forms):
        assert not section.header.is_linked_to_previous
        header = section.header.paragraphs[0].text
        assert form.title in header and (form.code or reg.document.number) in header
        assert (section.orientation == 1) == (form.orientation == "landscape")
    cells = {p.text for table in document.tables for p in _cells(table)}
    for form in reg.forms:
        for field in form.fields():
            if field.type in ("signature", "date") and form.layout == "record":
                assert any(t.startswith(f"{field.label}：") for t in cells), field.label
            elif form.layout == "register":
                assert field.label in cells


def _cells(table):
    for row in table.rows:
        for cell in row.cells:
            yield from cell.paragraphs


@pytest.fixture(scope="module")
def laid_out(built, tmp_path_factory) -> dict[str, Path]:
    """handbook.docx of each demo and the courier's forms.docx laid out by LibreOffice, in one run."""
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed (make test installs libreoffice-writer-nogui)")
    out = tmp_path_factory.mktemp("lo")
    sources = {name: built[name].path("handbook.docx") for name in DEMOS}
    sources["forms"] = built["courier"].path("forms.docx")
    inputs = []
    for name, path in sources.items():
        inputs.append(out / f"{name}.docx")
        shutil.copyfile(path, inputs[-1])
    profile = (out / "profile").as_uri()
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out / "pdf"), *map(str, inputs)], check=True, capture_output=True, timeout=300,
                   env={**os.environ, "HOME": str(out)})
    return {name: out / "pdf" / f"{name}.pdf" for name in sources}


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def _pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


@pytest.mark.skipif(SOFFICE is None and not os.environ.get("CI"), reason="LibreOffice is not installed")
@pytest.mark.parametrize("name", sorted(DEMOS))
def test_libreoffice_opens_the_handbook_and_every_article_is_there(built, laid_out, name):
    reg = built[name].regulation
    num = Numbering.of(reg)
    text = re.sub(r"\s+", "", _pdf_text(laid_out[name]))
    assert _pages(laid_out[name]) > 10
    missing = [num.label[a.id] for c in reg.chapters for a in c.articles if num.label[a.id] not in text]
    assert not missing
    assert reg.title in text and reg.document.number in text


@pytest.mark.skipif(SOFFICE is None and not os.environ.get("CI"), reason="LibreOffice is not installed")
def test_libreoffice_opens_the_forms(built, laid_out):
    reg = built["courier"].regulation
    text = re.sub(r"\s+", "", _pdf_text(laid_out["forms"]))
    assert _pages(laid_out["forms"]) >= len(reg.forms)
    assert all(form.title in text for form in reg.forms)
