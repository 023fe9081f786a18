"""The printed handbook and forms read back as a quality manager would check a controlled copy
(issue 13): faces, bookmarks, tags, page numbering, the traceability appendix instead of inline
working notes, unambiguous grade ranges, identifiable form sheets, and a print-safe palette.

Real builds of the three demos (courier from the session's ``demo_build``; clinic and hotel
built once here), read back with poppler, pypdf, pikepdf and qpdf. Pages of each kind are
rendered to PNG (``SQMKIT_PRINT_PAGES`` names the folder; a temporary one otherwise).
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
import yaml
from pypdf import PdfReader

import sqmkit_clinic
import sqmkit_courier
import sqmkit_hospitality
from sqmkit.build import build
from sqmkit.errors import ProfileError
from sqmkit.model import GradesNode, ItemNode
from sqmkit.numbering import Numbering
from sqmkit.readback import pdf_text
from tests.print_support import assert_archival

DEMOS = {"courier": sqmkit_courier.DEMO_PROFILE, "clinic": sqmkit_clinic.DEMO_PROFILE,
         "hotel": sqmkit_hospitality.DEMO_PROFILE}


@pytest.fixture(scope="module")
def built(demo_build, tmp_path_factory):
    """demo name → build result (pdf and forms), the courier demo shared with the session."""
    out = tmp_path_factory.mktemp("print")
    results = {"courier": demo_build}
    for name in ("clinic", "hotel"):
        results[name] = build(DEMOS[name], out, ["pdf", "forms"], store_path=None)
    return results


def variant_profile(folder: Path, **print_options) -> Path:
    """The courier demo with ``branding.print`` options, written beside a copy of its logo."""
    data = yaml.safe_load(DEMOS["courier"].read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(DEMOS["courier"].parent / data["branding"]["logo"], folder / data["branding"]["logo"])
    data["branding"]["print"] = print_options
    path = folder / "variant.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def variant(tmp_path_factory):
    """Courier with the contents listing articles, the forms bound in as 附件, the brand colour
    on the headings and the front matter unnumbered."""
    folder = tmp_path_factory.mktemp("variant")
    profile = variant_profile(folder, toc="articles", bind_forms=True, colour="headings", front_numbers="none")
    return build(profile, folder / "out", ["pdf"], store_path=None)


def labels(pdf: Path) -> list[str]:
    return list(PdfReader(str(pdf)).page_labels)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def outline(pdf: Path) -> list[tuple[str, list[str]]]:
    with pikepdf.open(pdf) as doc, doc.open_outline() as tree:
        return [(str(item.title), [str(child.title) for child in item.children]) for item in tree.root]


# ---------------------------------------------------------------------------------------------
# faces, tags, bookmarks
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("demo", list(DEMOS))
def test_body_is_serif_and_headings_sans(built, demo):
    fonts = subprocess.run(["pdffonts", str(built[demo].path("handbook.pdf"))], capture_output=True, text=True,
                           check=True).stdout
    assert "Noto-Serif-CJK-SC" in fonts, fonts
    assert "Noto-Sans-CJK-SC" in fonts, fonts


@pytest.mark.parametrize("demo", list(DEMOS))
@pytest.mark.parametrize("name", ["handbook.pdf", "forms.pdf"])
def test_pdfs_are_tagged_and_well_formed(built, demo, name):
    pdf = built[demo].path(name)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info
    check = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
    assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout, check.stdout
    with pikepdf.open(pdf) as doc:
        root = doc.Root
        assert "/StructTreeRoot" in root and bool(root.MarkInfo.Marked)
        assert root.PageMode == "/UseOutlines"
        assert str(root.Lang) == "zh-CN"
        assert b"pdfuaid:part=\"1\"" in root.Metadata.read_bytes()


@pytest.mark.parametrize("demo", list(DEMOS))
def test_bookmarks_cover_front_matter_chapters_articles_and_appendices(built, demo):
    reg = built[demo].regulation
    tree = outline(built[demo].path("handbook.pdf"))
    titles = [t for t, _ in tree]
    assert titles[:2] == ["修订记录", "目录"]
    chapters = [(t, kids) for t, kids in tree if re.match(r"第.+章 ", t)]
    assert [t for t, _ in chapters] == [f"{Numbering.of(reg).label[ch.id]} {ch.title}" for ch in reg.chapters]
    assert chapters[0][0] == "第一章 总则"
    for (_, kids), chapter in zip(chapters, reg.chapters):
        assert len(kids) == len(chapter.articles)
        assert all(re.match(r"第.+条", k) for k in kids)
    titled = next(a for ch in reg.chapters for a in ch.articles if a.title)
    assert any(k.endswith(" " + titled.title) for _, kids in chapters for k in kids)
    appendices = [t for t in titles if t.startswith("附录")]
    assert appendices[-1].endswith("条款—表单—检查表对照表") and len(appendices) == 3


# ---------------------------------------------------------------------------------------------
# page numbering, cover, header
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("demo", list(DEMOS))
def test_front_matter_is_numbered_apart_and_the_body_starts_at_one(built, demo):
    pdf = built[demo].path("handbook.pdf")
    page_labels = labels(pdf)
    assert page_labels[:4] == ["i", "ii", "iii", "1"], page_labels  # cover, revision log, one page of contents
    body = page_labels[3:]
    assert body == [str(n) for n in range(1, len(body) + 1)]
    for n in (1, len(body) // 2, len(body)):
        text = pdf_text(pdf, 3 + n)
        assert re.search(rf"第\s*{n}\s*页\s*/\s*共\s*{len(body)}\s*页", text), text[-200:]
    assert re.search(r"^\s*iii\s*$", pdf_text(pdf, 3), re.M)
    assert "页" not in pdf_text(pdf, 1)


def test_cover_has_both_dates_and_an_approval_block(built):
    reg = built["courier"].regulation
    cover = flat(pdf_text(built["courier"].path("handbook.pdf"), 1))
    latest = max(r.date for r in reg.revisions)
    assert f"发布日期{latest.year}年{latest.month}月{latest.day}日" in cover
    eff = reg.document.effective_date
    assert f"实施日期{eff.year}年{eff.month}月{eff.day}日" in cover
    assert "审批签名日期" in cover
    for role, who in (("编制", reg.document.prepared_by), ("审核", reg.document.reviewed_by),
                      ("批准", reg.document.approved_by)):
        assert f"{role}{who}年月日" in cover
    assert f"{latest.year}年{latest.month}月{latest.day}日发布" in cover and "实施" in cover


def test_running_header_shows_controlled_status_and_copy_number(built):
    reg = built["courier"].regulation
    for page in (2, 8):
        head = flat(pdf_text(built["courier"].path("handbook.pdf"), page)).split(reg.title)[0]
        assert reg.document.number in head and f"受控分发号：{reg.document.copy_number}" in head


# ---------------------------------------------------------------------------------------------
# content: no working notes, the matrix, numbering, tables
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("demo", list(DEMOS))
def test_no_working_notes_in_chapters_and_a_matrix_appendix(built, demo):
    pdf, reg = built[demo].path("handbook.pdf"), built[demo].regulation
    body = pdf_text(pdf, 4, len(labels(pdf)))
    chapters, _, appendices = body.partition("附录一")
    assert "检查项：" not in flat(chapters) and "记录：《" not in flat(chapters)
    # in reading order (a long title wraps inside its cell; -layout would interleave the columns)
    raw = subprocess.run(["pdftotext", "-raw", "-f", "4", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout  # the body: page 4 on
    matrix = flat(raw.partition("附录一")[2].partition("条款—表单—检查表对照表")[2])
    assert matrix, "no traceability appendix"
    numbering = Numbering.of(reg)
    for clause_id, forms in reg.index.forms_for.items():
        assert numbering.ref_text(clause_id, see=False) in matrix
        for fid in forms:
            assert flat(reg.form(fid).title) in matrix
    for clause_id, checks in reg.index.checked_by.items():
        assert numbering.ref_text(clause_id, see=False) in matrix
        for cid, item_id in checks:
            assert flat(f"《{reg.checklist(cid).title}》{numbering.check_label[item_id]}") in matrix


@pytest.mark.parametrize("demo", list(DEMOS))
def test_items_are_numbered_as_xiang(built, demo):
    reg = built[demo].regulation
    numbering = Numbering.of(reg)
    article = next(a for ch in reg.chapters for a in ch.articles if a.items)
    assert numbering.label[article.items[0].id] == "（一）"
    assert "（一）" in pdf_text(built[demo].path("handbook.pdf"), 4, 8)


def test_items_nested_in_items_are_mu_numbered_1():
    from sqmkit.build import load

    _, _, _, reg = load(DEMOS["courier"])
    article = next(a for ch in reg.chapters for a in ch.articles if a.items)
    article.items[1].items = [ItemNode(article.items[1].id + ".a", "甲"), ItemNode(article.items[1].id + ".b", "乙")]
    article.items[1].items[1].items = [ItemNode(article.items[1].id + ".b.x", "丙")]
    num = Numbering.of(reg)
    a_label = num.label[article.id]
    assert [num.label[i.id] for i in article.items[1].items] == ["1.", "2."]
    assert num.ref_label[article.items[1].items[1].id] == f"{a_label}第二项第2目"
    assert num.label[article.items[1].items[1].items[0].id] == "(1)"


@pytest.mark.parametrize("demo", list(DEMOS))
def test_grade_ranges_are_unambiguous(built, demo):
    reg = built[demo].regulation
    text = flat(pdf_text(built[demo].path("handbook.pdf")))
    scales = [a.block for ch in reg.chapters for a in ch.articles if isinstance(a.block, GradesNode)]
    assert scales and "得分范围" in text and "最低得分" not in text

    def num(v: float) -> str:
        return str(int(v)) if float(v).is_integer() else f"{v:g}"

    for scale in scales:
        bands = scale.bands
        assert f"{bands[0].grade}{num(bands[0].min)}分（含）以上" in text
        for upper, band in zip(bands, bands[1:]):
            if band.min > 0:
                assert f"{band.grade}{num(band.min)}分（含）至{num(upper.min)}分" in text
            else:
                assert f"{band.grade}{num(upper.min)}分以下" in text


def test_short_cells_are_not_broken(built):
    """A KPI target such as ≥ 97.5% and the head 责任部门 stay on one line."""
    text = pdf_text(built["courier"].path("handbook.pdf"))
    assert "责任部门" in text
    assert re.search(r"≥\s*97\.5%", text)


# ---------------------------------------------------------------------------------------------
# palette
# ---------------------------------------------------------------------------------------------


def colours(pdf: Path) -> list[set[tuple[float, ...]]]:
    """The non-grey fill and stroke colours each page sets."""
    found = []
    with pikepdf.open(pdf) as doc:
        for page in doc.pages:
            seen = set()
            for operands, op in pikepdf.parse_content_stream(page):
                if str(op) in ("rg", "RG", "sc", "SC", "scn", "SCN") and len(operands) == 3:
                    rgb = tuple(round(float(v), 3) for v in operands)
                    if len(set(rgb)) > 1:
                        seen.add(rgb)
            found.append(seen)
    return found


def test_only_the_cover_prints_in_colour(built, variant):
    pages = colours(built["courier"].path("handbook.pdf"))
    assert pages[0], "the cover should carry the brand colour"
    assert not any(pages[1:]), [i + 1 for i, p in enumerate(pages) if p and i]
    brand = tuple(round(int(built["courier"].regulation.profile.branding.color[i:i + 2], 16) / 255, 3)
                  for i in (1, 3, 5))
    assert any(brand in p for p in colours(variant.path("handbook.pdf"))[3:]), "colour: headings"


# ---------------------------------------------------------------------------------------------
# options: contents of articles, forms bound in, faces
# ---------------------------------------------------------------------------------------------


def test_contents_list_chapters_by_default(built):
    reg = built["courier"].regulation
    toc = pdf_text(built["courier"].path("handbook.pdf"), 3)
    assert "第一章" in toc and "第一条" not in toc
    assert re.search(r"第一章\s+总则\s*\.+\s*1\s*$", toc, re.M), toc[:400]
    assert len(re.findall(r"^\s*第.+章", toc, re.M)) == len(reg.chapters)


def _contents_and_headings(pdf: Path, result) -> tuple[dict[str, int], dict[str, int]]:
    """Read back with pypdf: each chapter's and appendix's page number as the contents print it,
    and the body page its heading is on (the first body page with a line that is the heading)."""
    from sqmkit.formats import RenderContext
    from sqmkit.render.environment import make_environment
    from sqmkit.render.handbook_pdf import appendices

    reg = result.regulation
    numbering = Numbering.of(reg)
    ctx = RenderContext(reg, result.out_dir, make_environment(reg, numbering, []), numbering)
    headings = [flat(numbering.label[ch.id] + ch.title) for ch in reg.chapters]
    headings += [flat(ap.label + ap.title) for ap in appendices(ctx)]
    reader = PdfReader(str(pdf))
    page_labels = list(reader.page_labels)
    body = [i for i, label in enumerate(page_labels) if label.isdigit()]
    front = [flat(line) for i in range(body[0]) for line in reader.pages[i].extract_text().splitlines()]
    printed, found = {}, {}
    for heading in headings:
        entry = [m for m in (re.fullmatch(re.escape(heading) + r"\.*(\d+)", line) for line in front) if m]
        assert len(entry) == 1, f"{heading} is not in the contents once"
        printed[heading] = int(entry[0].group(1))
    lines = [{flat(line) for line in reader.pages[i].extract_text().splitlines()} for i in body]
    for heading in headings:
        found[heading] = next(n for n, text in enumerate(lines, 1) if heading in text)
    return printed, found


@pytest.mark.parametrize("demo", list(DEMOS))
def test_contents_page_numbers_are_the_pages_the_headings_are_on(built, demo):
    printed, found = _contents_and_headings(built[demo].path("handbook.pdf"), built[demo])
    assert printed == found and len(printed) > len(built[demo].regulation.chapters)


def test_contents_of_articles_print_the_chapters_pages_too(variant):
    printed, found = _contents_and_headings(variant.path("handbook.pdf"), variant)
    assert printed == found


def test_contents_of_articles_have_no_orphans_and_forms_bind_in(variant):
    pdf, reg = variant.path("handbook.pdf"), variant.regulation
    page_labels = labels(pdf)
    front = [label for label in page_labels if not label[0].isdigit() and "-" not in label]
    toc = pdf_text(pdf, 3, len(front))
    assert not re.search(r"^\s*[ivx]+\s*$", toc, re.M), "front_numbers: none prints no page numbers"
    first = reg.chapters[0].articles[0]
    assert first.title is None and re.search(r"第一条\s+\S+", toc)  # an untitled 总则 article is listed
    for n in range(3, len(front) + 1):
        lines = [ln.strip() for ln in pdf_text(pdf, n).splitlines() if ln.strip()]
        entries = [ln for ln in lines if ln.startswith("第")]  # a last page may list only 附录 and 附件
        orphan = bool(entries) and re.match(r"第.+章", entries[-1])
        assert not orphan, f"a chapter entry is orphaned at the foot of page {n}"
    attached = [label for label in page_labels if label.startswith("附件")]
    assert {label.split("-")[0] for label in attached} == {f"附件{i}" for i in range(1, len(reg.forms) + 1)}
    start = page_labels.index(attached[0]) + 1
    for offset, label in enumerate(attached):
        text = flat(pdf_text(pdf, start + offset))
        assert reg.document.number in text and "附件" in text
    titles = [t for t, _ in outline(pdf)]
    assert [t for t in titles if t.startswith("附件")] == [f"附件{i} {f.title}" for i, f in enumerate(reg.forms, 1)]


def test_an_uninstalled_face_is_a_located_profile_error(tmp_path):
    profile = variant_profile(tmp_path)
    data = yaml.safe_load(profile.read_text(encoding="utf-8"))
    data["branding"]["fonts"] = {"body": "No Such Serif SC"}
    profile.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        build(profile, tmp_path / "out", ["pdf"], store_path=None)
    assert err.value.where == "branding.fonts.body" and err.value.line
    assert "No Such Serif SC" in err.value.problem and "Noto Serif CJK SC" in (err.value.hint or "")
    assert not list((tmp_path / "out").rglob("*.pdf"))


# ---------------------------------------------------------------------------------------------
# forms.pdf
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("demo", list(DEMOS))
def test_every_form_sheet_carries_its_number_and_its_own_page_count(built, demo):
    pdf, reg = built[demo].path("forms.pdf"), built[demo].regulation
    page_labels = labels(pdf)
    codes = [label.rsplit("-", 1)[0] for label in page_labels]
    assert list(dict.fromkeys(codes)) == [f.code for f in reg.forms]
    for n, label in enumerate(page_labels, 1):
        code, x = label.rsplit("-", 1)
        form = next(f for f in reg.forms if f.code == code)
        text = pdf_text(pdf, n)
        assert f"{reg.document.number}-{code}" in text and reg.company.name in text and form.title in flat(text)
        assert re.search(rf"第\s*{x}\s*页\s*/\s*共\s*{codes.count(code)}\s*页", text), text[-200:]


@pytest.mark.parametrize("demo", list(DEMOS))
def test_register_rows_fill_the_last_page(built, demo):
    pdf, reg = built[demo].path("forms.pdf"), built[demo].regulation
    page_labels = labels(pdf)
    registers = [f for f in reg.forms if f.layout == "register"]
    assert registers
    for form in registers:
        last = max(i for i, label in enumerate(page_labels, 1) if label.rsplit("-", 1)[0] == form.code)
        words = subprocess.run(["pdftotext", "-bbox", "-f", str(last), "-l", str(last), str(pdf), "-"],
                               capture_output=True, text=True, check=True).stdout
        page_height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', words).group(1))
        boxes = [(float(y0), float(y1), w) for y0, y1, w in
                 re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)<', words)]
        numbers = sorted((y0, int(w)) for y0, _, w in boxes if w.isdigit() and y0 < page_height - 45)
        rows = [(y, n) for y, n in numbers if n >= 1]
        pitch = rows[-1][0] - rows[-2][0]
        content_bottom = max(y1 for _, y1, w in boxes if y1 < page_height - 45)
        assert rows[-1][1] >= form.rows
        assert page_height - 42.5 - 6 - content_bottom < pitch, (form.id, rows[-1], content_bottom)


def test_grade_fields_offer_the_clients_grades_as_tick_boxes(built):
    reg = built["courier"].regulation
    form = next(f for f in reg.forms if any(x.id == "grade" for x in f.fields()))
    text = flat(pdf_text(built["courier"].path("forms.pdf")))
    grades = [b.grade for a in (reg.clause(c) for c in form.clauses) if isinstance(getattr(a, "block", None), GradesNode)
              for b in a.block.bands]
    assert grades
    label = next(x.label for x in form.fields() if x.id == "grade")
    assert label + "".join(f"□{g}" for g in grades) in text


def test_forms_pdf_is_reproducible(built, tmp_path):
    again = build(DEMOS["hotel"], tmp_path, ["forms"], store_path=None)
    assert again.path("forms.pdf").read_bytes() == built["hotel"].path("forms.pdf").read_bytes()


# ---------------------------------------------------------------------------------------------
# the archival copy, and pictures of the pages for the note
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hotel_ctx(built):
    """A render context of the hotel demo, its output folder the built one (the logo is there)."""
    from sqmkit.formats import RenderContext
    from sqmkit.render.environment import make_environment

    result = built["hotel"]
    reg = result.regulation
    numbering = Numbering.of(reg)
    return RenderContext(reg, result.out_dir, make_environment(reg, numbering, []), numbering)


def test_no_text_runs_out_of_its_table_cell(hotel_ctx):
    from sqmkit.render.forms import form_parts
    from sqmkit.render.handbook_pdf import handbook_parts

    for part in (*handbook_parts(hotel_ctx), *form_parts(hotel_ctx)):
        assert not part.overflowing_cells()


def test_archival_copy_is_pdfa_2b(built, hotel_ctx, tmp_path):
    from sqmkit.render.handbook_pdf import write_archival_copy

    result = built["hotel"]
    target = tmp_path / "archive.pdf"
    write_archival_copy(hotel_ctx, target)
    assert_archival(target)
    assert len(PdfReader(str(target)).pages) == len(PdfReader(str(result.path("handbook.pdf"))).pages)


def test_pages_render_to_png(built, tmp_path):
    """A cover, a body page with a table and a register sheet, as pictures for the note."""
    from PIL import Image

    folder = Path(os.environ.get("SQMKIT_PRINT_PAGES") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    result = built["courier"]
    handbook, forms = result.path("handbook.pdf"), result.path("forms.pdf")
    table_page = next(n for n in range(4, len(labels(handbook)) + 1) if "得分范围" in pdf_text(handbook, n))
    register = next(f for f in result.regulation.forms if f.layout == "register")
    sheet = labels(forms).index(f"{register.code}-1") + 1
    for name, pdf, page in (("cover", handbook, 1), ("table", handbook, table_page), ("register", forms, sheet)):
        subprocess.run(["pdftoppm", "-r", "50", "-png", "-singlefile", "-f", str(page), "-l", str(page), str(pdf),
                        str(folder / f"courier-{name}")], check=True)
        with Image.open(folder / f"courier-{name}.png") as image:
            dark = sum(image.convert("L").histogram()[:128])
            assert dark > 500, f"{name} page looks blank"
