"""Binding separately written tagged PDFs (:mod:`sqmkit.pdfbind`): three small Chinese documents
written for real by WeasyPrint (PDF/UA-1, and PDF/A-2b for the archival copy), bound with a
footer overlay, and read back with poppler (``pdftotext``), pikepdf, pypdf and ``qpdf --check``."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pikepdf
import pytest
from pikepdf import Name
from pypdf import PdfReader

from sqmkit.errors import BuildError
from sqmkit.pdfbind import PageLabel, bind
from tests.print_support import face_programs

FACE = "Noto Serif CJK SC"
STYLE = ("<style>@page { size: A6; margin: 1.5cm } body { font-family: '%s'; font-size: 10pt }"
         " section { break-after: page } h1 { font-size: 12pt }</style>" % FACE)
HEADER = "@page { @top-center { content: '页眉 ' counter(page); font-size: 7pt } }"
#: piece → its sections: (anchor, heading, links)
PIECES: list[list[tuple[str, str, list[str]]]] = [
    [("a-1", "封面", []),
     ("a-2", "目录", ["#a-1", "sqmkit-dest:c-1", "sqmkit-dest:dup", "sqmkit-dest:" + quote("章-2"),
                    "sqmkit-dest:missing"])],
    [("b-1", "第一章 总则", ["sqmkit-dest:a-2"]), ("dup", "第二章 职责", ["#b-1"]), ("b-3", "第三章 管理", [])],
    [("c-1", "附录一", ["#章-2"]), ("章-2", "附录二", ["sqmkit-dest:b-3"])],
]
#: the page each link of a page goes to (bound pages, 0-based; a link to no destination is gone)
LINKS = {1: [0, 5, 3, 6], 2: [1], 3: [2], 5: [6], 6: [4]}
LABELS = [PageLabel(0, "r"), PageLabel(2, "D"), PageLabel(5, "D", "F-")]
OVERLAY_START = 2


def _html(sections: list[tuple[str, str, list[str]]], title: str, style: str = "") -> str:
    body = "".join(
        f'<section><h1 id="{anchor}">{heading}</h1><p>服务质量管理制度的正文。'
        + "</p>" + "".join(f'<p><a href="{href}">链接{n}</a></p>' for n, href in enumerate(links))
        + "<table><tr><th>项目</th><th>要求</th></tr><tr><td>接待</td><td>微笑</td></tr></table></section>"
        for anchor, heading, links in sections)
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><title>{title}</title><meta name="author" content="编者">'
            f"{STYLE}<style>{style}</style></head><body>{body}</body></html>")


def _outline(tree: list[Any], offset: int) -> list[Any]:
    return [(label, (page + offset, x, y), _outline(kids, offset), state) for label, (page, x, y), kids, state in tree]


def _write(variant: str) -> tuple[list[bytes], list[Any]]:
    """The pieces written as tagged PDFs, and the outline of the bound file."""
    import weasyprint

    pieces, outline, offset = [], [], 0
    for n, sections in enumerate(PIECES):
        html = _html(sections, "服务手册" if n == 0 else f"第{n}部分", HEADER if n == 2 else "")
        document = weasyprint.HTML(string=html).render()
        outline += _outline(document.make_bookmark_tree(scale=0.75, transform_pages=True), offset)
        offset += len(document.pages)
        archival = variant == "pdf/a-2b"
        pieces.append(document.write_pdf(pdf_variant=variant, pdf_tags=True, pdf_identifier=None if archival else False))
    return pieces, outline


def _bare(text: str) -> str:
    """Text without its white space (poppler spaces CJK text as it measures it)."""
    return "".join(text.split())


def _footer(page: int, pages: int) -> str:
    return f"第 {page} 页 共 {pages} 页"


def _overlay(first: int, count: int, pages: int) -> bytes:
    import weasyprint

    body = "".join(f'<section class="f">{_footer(i + 1, pages)}</section>' for i in range(first, first + count))
    html = (f'<!DOCTYPE html><html lang="zh-CN"><head><style>@page {{ size: A6; margin: 0 }} '
            f"body {{ font-family: '{FACE}'; font-size: 8pt }} .f {{ padding-top: 13.5cm; text-align: center; "
            f"break-after: page }}</style></head><body>{body}</body></html>")
    return bytes(weasyprint.HTML(string=html).write_pdf())


def _texts(pdf: bytes | Path, folder: Path) -> list[str]:
    """Each page's text, by poppler."""
    path = pdf if isinstance(pdf, Path) else folder / "piece.pdf"
    if not isinstance(pdf, Path):
        path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1]


@pytest.fixture(scope="module")
def bound(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("bind")
    pieces, outline = _write("pdf/ua-1")
    overlay = _overlay(OVERLAY_START, 4, 7)
    target, again = folder / "handbook.pdf", folder / "again.pdf"
    for path in (target, again):
        bind(pieces, path, outline=outline, labels=LABELS, overlay=overlay, overlay_start=OVERLAY_START)
    piece_texts = [text for piece in pieces for text in _texts(piece, folder)]
    return {"folder": folder, "pieces": pieces, "outline": outline, "target": target, "again": again,
            "piece_texts": piece_texts}


def test_every_page_in_order_with_its_text_and_the_footer_on_top(bound: dict[str, Any]) -> None:
    texts = _texts(bound["target"], bound["folder"])
    assert len(texts) == len(bound["piece_texts"]) == 7
    for i, (text, original) in enumerate(zip(texts, bound["piece_texts"])):
        if OVERLAY_START <= i < OVERLAY_START + 4:
            assert _bare(text) == _bare(original) + _bare(_footer(i + 1, 7)), i
        else:
            assert text == original and "共 7 页" not in text, i


def test_the_footer_is_drawn_as_a_pagination_artifact_over_intact_content(bound: dict[str, Any]) -> None:
    with pikepdf.open(bound["target"]) as pdf:
        for i, page in enumerate(pdf.pages):
            drawn, stack, depth = [], [], 0
            for operands, op in pikepdf.parse_content_stream(page):
                if str(op) in ("BDC", "BMC"):
                    stack.append(str(operands[0]))
                elif str(op) == "EMC":
                    stack.pop()
                elif str(op) == "q":
                    depth += 1
                elif str(op) == "Q":
                    depth -= 1
                elif str(op) == "Do":
                    form = page.obj.Resources.XObject[operands[0]]
                    if form.get(Name.Subtype) == Name.Form and b"BT" in form.read_bytes():
                        drawn.append((list(stack), depth))
            assert depth == 0 and stack == []
            overlaid = OVERLAY_START <= i < OVERLAY_START + 4
            assert drawn == ([(["/Artifact"], 1)] if overlaid else []), i


def _dests(pdf: pikepdf.Pdf) -> dict[str, int]:
    """Named destination → bound page index."""
    pages = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    names = pdf.Root.Names.Dests.Names
    keys = [str(names[i]) for i in range(0, len(names), 2)]
    assert keys == sorted(keys)
    return {str(names[i]): pages[names[i + 1][0].objgen] for i in range(0, len(names), 2)}


def test_named_destinations_are_one_tree_and_every_link_resolves(bound: dict[str, Any]) -> None:
    with pikepdf.open(bound["target"]) as pdf:
        dests = _dests(pdf)
        assert dests == {"a-1": 0, "a-2": 1, "b-1": 2, "dup": 3, "b-3": 4, "c-1": 5, "章-2": 6}  # first wins
        found = {}
        for i, page in enumerate(pdf.pages):
            annots = list(page.obj.get(Name.Annots, []))
            assert all(Name.A not in a and isinstance(a.Dest, pikepdf.String) for a in annots)
            if annots:
                found[i] = [dests[str(a.Dest)] for a in annots]
                assert [str(a.Contents) for a in annots] == [str(a.Dest) for a in annots]
        assert found == LINKS


def test_outline_labels_and_catalog_come_as_from_one_write(bound: dict[str, Any]) -> None:
    reader = PdfReader(bound["target"])
    titles = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]
    assert titles == [("封面", 0), ("目录", 1), ("第一章 总则", 2), ("第二章 职责", 3), ("第三章 管理", 4),
                      ("附录一", 5), ("附录二", 6)]
    assert list(reader.page_labels) == ["i", "ii", "1", "2", "3", "F-1", "F-2"]
    root = reader.trailer["/Root"]
    assert root["/PageMode"] == "/UseOutlines" and root["/Lang"] == "zh-CN"
    assert bool(root["/MarkInfo"]["/Marked"]) and bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title == "服务手册" and reader.metadata.author == "编者"
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part=\"1\"" in xmp and "服务手册".encode() in xmp


def _marked_ids(page: pikepdf.Page) -> list[int]:
    return [int(operands[1].MCID) for operands, op in pikepdf.parse_content_stream(page)
            if str(op) == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and Name.MCID in operands[1]]


def _up_to_root(element: pikepdf.Object) -> pikepdf.Object:
    for _ in range(100):
        if element.get(Name.Type) == Name.StructTreeRoot:
            return element
        element = element.P
    raise AssertionError("no way up to the root")


def test_one_structure_tree_maps_every_marked_content_and_annotation(bound: dict[str, Any]) -> None:
    with pikepdf.open(bound["target"]) as pdf:
        root = pdf.Root.StructTreeRoot
        roots = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get(Name.Type) == Name.StructTreeRoot]
        assert len(roots) == 1 and len(root.K) == 1 and root.K[0].S == Name.Document
        document = root.K[0]
        assert all(kid.P.objgen == document.objgen for kid in document.K)
        nums = root.ParentTree.Nums
        tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        annots = [a for page in pdf.pages for a in page.obj.get(Name.Annots, [])]
        assert sorted(tree) == list(range(len(pdf.pages) + len(annots))) and root.ParentTreeNextKey == len(tree)
        for i, page in enumerate(pdf.pages):
            assert page.obj.StructParents == i
            owners = tree[i]
            mcids = _marked_ids(page)
            assert mcids and sorted(mcids) == list(range(len(owners)))
            for owner in owners:
                assert owner.Type == Name.StructElem and owner.Pg.objgen == page.obj.objgen
                assert _up_to_root(owner).objgen == root.objgen  # margin boxes' elements too
        for annot in annots:
            link = tree[int(annot.StructParent)]
            assert link.S == Name.Link
            assert [k.Obj.objgen for k in link.K if isinstance(k, pikepdf.Dictionary)] == [annot.objgen]


def test_a_link_to_no_destination_leaves_no_reference_behind(bound: dict[str, Any]) -> None:
    with pikepdf.open(bound["target"]) as pdf:
        objrs = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get(Name.Type) == Name.OBJR]
        annots = {a.objgen for page in pdf.pages for a in page.obj.get(Name.Annots, [])}
        assert len(objrs) == len(annots) == sum(map(len, LINKS.values()))
        assert {o.Obj.objgen for o in objrs} == annots


def test_the_same_pieces_give_the_same_bytes(bound: dict[str, Any]) -> None:
    assert bound["target"].read_bytes() == bound["again"].read_bytes()
    assert sorted(p.name for p in bound["folder"].iterdir()) == ["again.pdf", "handbook.pdf", "piece.pdf"]


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is not installed")
def test_qpdf_finds_nothing_wrong(bound: dict[str, Any]) -> None:
    result = subprocess.run(["qpdf", "--check", str(bound["target"])], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_piece_that_is_no_pdf_is_a_build_error_and_nothing_is_written(bound: dict[str, Any], tmp_path: Path) -> None:
    target = tmp_path / "handbook.pdf"
    piece = bound["pieces"][1]
    broken, damaged = piece[: len(piece) // 3], piece[:-10]  # qpdf would repair the second
    for pieces in ([bound["pieces"][0], b"not a pdf at all"], [broken, piece], [piece, damaged]):
        with pytest.raises(BuildError, match=r"handbook\.pdf: part [12] is not a readable PDF") as caught:
            bind(pieces, target, outline=[], labels=[])
        assert "0x" not in str(caught.value)
        assert list(tmp_path.iterdir()) == []
    with pytest.raises(BuildError, match="the overlay is not a readable PDF"):
        bind([piece], target, outline=[], labels=[], overlay=damaged)
    assert list(tmp_path.iterdir()) == []


def test_an_archival_copy_keeps_its_output_intent_and_gets_an_identifier(tmp_path: Path) -> None:
    pieces, outline = _write("pdf/a-2b")
    targets = [tmp_path / "one.pdf", tmp_path / "two.pdf"]
    for target in targets:
        bind(pieces, target, outline=outline, labels=LABELS)
    assert targets[0].read_bytes() == targets[1].read_bytes()
    with pikepdf.open(targets[0]) as pdf:
        assert len(pdf.pages) == 7 and len(pdf.trailer.ID) == 2
        assert pdf.Root.OutputIntents[0].S == Name.GTS_PDFA1
        xmp = pdf.Root.Metadata.read_bytes()
        assert b'pdfaid:part="2"' in xmp and b'pdfaid:conformance="B"' in xmp
    if shutil.which("qpdf"):
        assert subprocess.run(["qpdf", "--check", str(targets[0])], capture_output=True).returncode == 0


def _elements(pdf: pikepdf.Pdf) -> list[pikepdf.Object]:
    """Every structure element, from the root down and from the parent tree (margin boxes)."""
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    stack = list(pdf.Root.StructTreeRoot.K) + [e for i in range(1, len(nums), 2)
                                               for e in (nums[i] if isinstance(nums[i], pikepdf.Array) else [nums[i]])]
    found: dict[tuple[int, int], pikepdf.Object] = {}
    while stack:
        element = stack.pop()
        if isinstance(element, pikepdf.Dictionary) and element.get(Name.Type) == Name.StructElem \
                and element.objgen not in found:
            found[element.objgen] = element
            kids = element.get(Name.K, [])
            stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids])
    return list(found.values())


def test_table_header_identifiers_stay_unique_and_every_cell_finds_its_headers(bound: dict[str, Any]) -> None:
    with pikepdf.open(bound["target"]) as pdf:
        elements = _elements(pdf)
        ids = [str(e.ID) for e in elements if Name.ID in e]
        assert len(ids) == 2 * 7 and len(set(ids)) == len(ids)  # two header cells a page
        cells = [e for e in elements if e.S == Name.TD]
        assert len(cells) == 2 * 7
        for cell in cells:
            headers = [str(h) for h in cell.A.Headers]
            assert len(headers) == 1 and headers[0] in ids


def test_every_font_subset_has_a_tag_of_its_own(bound: dict[str, Any]) -> None:
    """Each piece (and the overlay) subsets the same face under the same tag; one file must not
    hold two subsets under one tag (ISO 32000-1, 9.6.4)."""
    with pikepdf.open(bound["target"]) as pdf:
        fonts: dict[tuple[int, int], str] = {}
        for page in pdf.pages:
            resources = [page.obj.Resources]
            for form in page.obj.Resources.get("/XObject", {}).values():
                resources.append(form.get("/Resources", pikepdf.Dictionary()))
            for res in resources:
                for font in res.get("/Font", {}).values():
                    fonts[font.objgen] = str(font.BaseFont)
                    for descendant in font.get("/DescendantFonts", []):
                        assert str(descendant.BaseFont) == str(font.BaseFont)
                        assert str(descendant.FontDescriptor.FontName) == str(font.BaseFont)
    names = list(fonts.values())
    assert len(fonts) > 3 and len(set(names)) == len(names), sorted(names)
    assert len({name.split("+", 1)[1] for name in names}) < len(names)  # the same faces, several subsets


def test_the_pieces_of_a_face_share_one_program_with_every_glyph_they_use(tmp_path: Path) -> None:
    """Pieces written by sqmkit.printing within one_subset_per_face: bound with the faces'
    programs, each face is embedded once and every page reads and looks as with the pieces' own
    subsets; bound without, each piece keeps its own."""
    from sqmkit import printing

    with printing.shared_fonts(), printing.written_separately(), printing.one_subset_per_face() as faces:
        pieces = [printing.pdf_bytes([printing.layout(_html(sections, f"第{n}部分"), tmp_path, "x.pdf")], "x.pdf")
                  for n, sections in enumerate(PIECES)]
        programs = faces.programs()
    assert programs and all("+Noto-Serif-CJK-SC" in name for name in programs), sorted(programs)
    shared, own = tmp_path / "shared.pdf", tmp_path / "own.pdf"
    bind(pieces, shared, outline=[], labels=[PageLabel(0, "D")], programs=programs)
    bind(pieces, own, outline=[], labels=[PageLabel(0, "D")])
    assert all(len(objects) == 1 for objects in face_programs(shared).values())
    assert any(len(objects) == len(PIECES) for objects in face_programs(own).values())
    assert shared.stat().st_size < own.stat().st_size
    assert _texts(shared, tmp_path) == _texts(own, tmp_path)
    for name, pdf in (("shared", shared), ("own", own)):
        subprocess.run(["pdftoppm", "-r", "100", "-gray", str(pdf), str(tmp_path / name)], check=True)
    pictures = sorted(tmp_path.glob("own-*.pgm"))
    assert len(pictures) == 7
    for picture in pictures:
        assert (tmp_path / picture.name.replace("own-", "shared-")).read_bytes() == picture.read_bytes(), picture.name
    checked = subprocess.run(["qpdf", "--check", str(shared)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
