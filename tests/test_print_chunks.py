"""A long handbook printed in chunks (:mod:`sqmkit.printchunks`, :mod:`sqmkit.render.handbook_chunks`)
gives the pages one layout gives. The handbook is bench/'s synthetic one (the courier pack, its
chapters twice: about 47 pages, and its blank forms bound in as 附件), laid out for real with WeasyPrint in chunks made small (about 12
pages) so that it is cut several times, bound with pikepdf, and read back with poppler and
pypdf beside the same handbook laid out as one document."""

from __future__ import annotations

import subprocess

import pikepdf
import pytest
from pypdf import PdfReader

from sqmkit import printchunks, printing
from tests.print_support import face_programs, pages_text, synthetic_context

SMALL_CHUNK = 40_000  # characters of HTML: about 12 pages of this handbook


@pytest.fixture(scope="module")
def long_ctx(tmp_path_factory):
    return synthetic_context(tmp_path_factory.mktemp("long"), copies=2)


def _boxes(pages) -> list[list[tuple[str, float, float]]]:
    """Each page's text boxes: text and position."""
    return [[(str(b.text), round(b.position_x, 3), round(b.position_y, 3)) for b in printing._boxes(p._page_box)
             if type(b).__name__ == "TextBox"] for p in pages]


def test_chunks_lay_out_the_pages_one_layout_does(long_ctx, monkeypatch):
    from sqmkit.render import handbook_chunks, handbook_pdf

    ctx = long_ctx
    with printing.shared_fonts():
        apps = handbook_pdf.appendices(ctx)
        page = ctx.env.get_template("handbook/print.html")
        html = page.render(handbook_pdf.context_for(ctx, "body", appendices=apps, footer_overlay=True))
        whole = printing.layout(html, ctx.out_dir, "whole")
        expected, anchors = _boxes(whole.document.pages), whole.anchors
        marks = printchunks.page_marks(whole)
        del whole
        laid_out: list[int] = []
        kept: list[list[tuple[str, float, float]]] = []
        real_layout, real_write = printchunks.layout, printchunks.pdf_bytes

        def counted(*args, **kwargs):
            part = real_layout(*args, **kwargs)
            laid_out.append(part.pages)
            return part

        def recorded(parts, *args, **kwargs):
            kept.extend(_boxes(parts[0].document.pages))
            return real_write(parts, *args, **kwargs)

        monkeypatch.setattr(printchunks, "layout", counted)
        monkeypatch.setattr(printchunks, "pdf_bytes", recorded)
        monkeypatch.setattr(printchunks, "CHUNK_CHARS", SMALL_CHUNK)
        places, units = handbook_chunks._units(ctx, apps, html)

        def html_for(start, end, top):
            chosen = places[start:end]
            return page.render(handbook_pdf.context_for(
                ctx, "body", appendices=[apps[i] for c, i in chosen if c < 0], chunk_top=top, footer_overlay=True,
                body_chapters=handbook_chunks._chapters(ctx.regulation.chapters, chosen)))

        body = printchunks.lay_out_in_chunks(units, html_for, ctx.out_dir, "chunked", printing.TAGGED)
    assert len(laid_out) >= 3, laid_out  # cut more than once
    assert body.pages == len(expected) == len(kept) and len(body.pieces) == len(laid_out)
    for number, (want, got) in enumerate(zip(expected, kept)):
        assert got == want, f"page {number + 1} differs"
    assert body.anchors == anchors
    assert [m.bookmarks for m in body.marks] == [m.bookmarks for m in marks]
    assert printchunks.outline(body.marks) == printchunks.outline(marks)


@pytest.fixture(scope="module")
def both(long_ctx, tmp_path_factory):
    """The handbook printed as one document and in small chunks, tagged, and the chunked one twice."""
    from sqmkit.render.handbook_pdf import print_handbook

    folder = tmp_path_factory.mktemp("both")
    whole = folder / "whole.pdf"
    print_handbook(long_ctx, whole, printing.TAGGED)
    chunked = [folder / "chunked.pdf", folder / "again.pdf"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(printchunks, "CHUNK_CHARS", SMALL_CHUNK)
        patch.setattr(printchunks, "ONE_DOCUMENT_CHARS", SMALL_CHUNK)
        for target in chunked:
            print_handbook(long_ctx, target, printing.TAGGED)
    return whole, chunked


def test_the_chunked_handbook_reads_as_the_whole_one(both):
    whole, (chunked, again) = both
    assert chunked.read_bytes() == again.read_bytes()  # reproducible
    want, got = pages_text(whole), pages_text(chunked)
    assert len(got) == len(want) > 40
    for number, (a, b) in enumerate(zip(want, got)):
        assert b == a, f"page {number + 1}"
    labels = list(PdfReader(str(chunked)).page_labels)
    last_body = max(i for i, label in enumerate(labels) if label.isdigit())
    assert "共" in got[last_body] and labels[-1] != labels[last_body]  # the bound forms follow


def test_the_chunked_pages_look_as_the_whole_ones(both, tmp_path):
    whole, (chunked, _again) = both
    for name, pdf in (("whole", whole), ("chunked", chunked)):
        subprocess.run(["pdftoppm", "-r", "30", "-gray", str(pdf), str(tmp_path / name)], check=True)
    pictures = sorted(tmp_path.glob("whole-*.pgm"))
    assert len(pictures) > 40
    for picture in pictures:
        twin = tmp_path / picture.name.replace("whole-", "chunked-")
        assert twin.read_bytes() == picture.read_bytes(), picture.name


def test_the_chunked_glyphs_are_the_whole_ones_at_150_dpi(both, tmp_path):
    """The chunks' fonts embed one program per face (subset once for all the pieces): every glyph
    a page draws is still the face's own, seen closely on a contents page, body pages from
    several chunks and a bound form."""
    whole, (chunked, _again) = both
    pages = len(PdfReader(str(whole)).pages)
    for number in sorted({2, 5, 17, 30, pages - 8, pages}):
        for name, pdf in (("whole", whole), ("chunked", chunked)):
            subprocess.run(["pdftoppm", "-r", "150", "-gray", "-f", str(number), "-l", str(number), str(pdf),
                            str(tmp_path / f"{name}-{number}")], check=True)
        (want,), (got,) = tmp_path.glob(f"whole-{number}-*.pgm"), tmp_path.glob(f"chunked-{number}-*.pgm")
        assert got.read_bytes() == want.read_bytes(), f"page {number}"


def test_each_face_is_embedded_once(both):
    """Each piece subsets the CJK faces for its own pages; the bound file embeds one program per
    face instead, as one layout does, and is about as large."""
    whole, (chunked, _again) = both
    want, got = face_programs(whole), face_programs(chunked)
    assert set(got) == set(want) and all(len(objects) == 1 for objects in got.values()), got
    assert chunked.stat().st_size < 1.15 * whole.stat().st_size


def test_outline_labels_and_links_are_those_of_the_whole(both):
    whole, (chunked, _again) = both
    a, b = PdfReader(str(whole)), PdfReader(str(chunked))

    def outline(reader, items=None):
        found = []
        for item in reader.outline if items is None else items:
            if isinstance(item, list):
                found.append(outline(reader, item))
            else:
                found.append((item.title, reader.get_destination_page_number(item)))
        return found

    assert outline(b) == outline(a)
    assert list(b.page_labels) == list(a.page_labels)
    assert b.trailer["/Root"]["/PageMode"] == "/UseOutlines"

    def links(pdf):
        with pikepdf.open(pdf) as doc:
            pages = {page.obj.objgen: n for n, page in enumerate(doc.pages)}
            dests = {str(k): v for k, v in pikepdf.NameTree(doc.Root.Names.Dests).items()}
            found = []
            for n, page in enumerate(doc.pages):
                for annot in page.obj.get("/Annots", []):
                    if annot.get("/Subtype") == "/Link" and "/Dest" in annot:
                        dest = dests[str(annot.Dest)]
                        found.append((n, [round(float(x), 2) for x in annot.Rect], pages[dest[0].objgen]))
            return found

    want = links(whole)
    assert want and links(chunked) == want


def test_one_structure_tree_over_the_chunks(both):
    _whole, (chunked, _again) = both
    with pikepdf.open(chunked) as doc:
        root = doc.Root.StructTreeRoot
        assert len(root.K) == 1 and root.K[0].S == "/Document"
        parents = pikepdf.NumberTree(root.ParentTree)
        for page in doc.pages:
            marked = parents[int(page.obj.StructParents)]
            mcids = {int(ops[1].MCID) for ops, op in pikepdf.parse_content_stream(page)
                     if op == pikepdf.Operator("BDC") and isinstance(ops[1], pikepdf.Dictionary) and "/MCID" in ops[1]}
            assert mcids and max(mcids) < len(marked)
            assert all(marked[m].Pg.objgen == page.obj.objgen for m in mcids)
        assert doc.Root.MarkInfo.Marked and str(doc.Root.Lang) == "zh-CN"


def test_the_chunked_handbook_passes_qpdf_check(both):
    _whole, (chunked, _again) = both
    checked = subprocess.run(["qpdf", "--check", str(chunked)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_long_contents_starts_under_its_title(both):
    """35 chapters listed alone do not fit one page: the list still starts under its title (the
    chapter entries used to be chained by break-after: avoid, which left the title alone)."""
    _whole, (chunked, _again) = both
    contents = next(page for page in pages_text(chunked) if "目 录" in page or "目录" in page.replace(" ", ""))
    assert "第一章" in contents and "第二十章" in contents
