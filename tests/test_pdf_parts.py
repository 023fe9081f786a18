"""Printing in parts (:mod:`sqmkit.printing`): small HTML documents laid out for real with
WeasyPrint, bound with ``write_parts`` and read back with pypdf — pages, page labels, outline,
links across parts, the PDF/UA structure tree — and the memory a long layout leaves behind."""

from __future__ import annotations

import gc

import pytest
from pypdf import PdfReader

from sqmkit import printing

STYLE = "<style>@page { size: A6; margin: 1cm } section { break-after: page } h1 { font-size: 12pt }</style>"


def html(body: str) -> str:
    return f'<!DOCTYPE html><html lang="en"><head><title>Parts</title>{STYLE}</head><body>{body}</body></html>'


def section(anchor: str, title: str, text: str = "Some text.") -> str:
    return f'<section><h1 id="{anchor}">{title}</h1><p>{text} <span>in a span</span></p></section>'


@pytest.fixture(scope="module")
def bound(tmp_path_factory):
    """Front matter (two pages, roman, linking into the body), body (three pages), one attachment
    (labelled F01-1), bound into one tagged PDF; written twice for reproducibility."""
    folder = tmp_path_factory.mktemp("parts")
    front = html(section("cover", "Cover") + '<section><h1 id="toc">Contents</h1><p>'
                 '<a href="#body-1">First</a> <a href="#body-3">Third</a></p></section>')
    body = html("".join(section(f"body-{n}", f"Chapter {n}", '<a href="#cover">back</a>') for n in (1, 2, 3)))
    attachment = html(section("form-1", "Form"))
    parts = [printing.layout(front, folder, "front", style="r"), printing.layout(body, folder, "body"),
             printing.layout(attachment, folder, "form", prefix="F01-")]
    targets = [folder / "one.pdf", folder / "two.pdf"]
    for target in targets:
        printing.write_parts(parts, target, printing.TAGGED, title="Bound")
    return parts, [PdfReader(str(t)) for t in targets], [t.read_bytes() for t in targets]


def test_parts_keep_their_pages_and_anchors(bound):
    parts, _readers, _data = bound
    assert [p.pages for p in parts] == [2, 3, 1]
    assert parts[1].anchors["body-3"] == 2 and parts[0].anchors["toc"] == 1


def test_pages_are_bound_in_order_with_their_labels(bound):
    _parts, (pdf, _), _data = bound
    assert len(pdf.pages) == 6
    assert list(pdf.page_labels) == ["i", "ii", "1", "2", "3", "F01-1"]
    assert pdf.trailer["/Root"]["/PageMode"] == "/UseOutlines"
    assert pdf.metadata.title == "Bound"


def test_one_outline_over_all_parts(bound):
    _parts, (pdf, _), _data = bound
    titles = [(item.title, pdf.get_destination_page_number(item)) for item in pdf.outline]
    assert titles == [("Cover", 0), ("Contents", 1), ("Chapter 1", 2), ("Chapter 2", 3), ("Chapter 3", 4),
                      ("Form", 5)]


def _link_targets(pdf: PdfReader, page: int) -> list[int]:
    """The pages the internal links of a page go to, in the order they are on the page."""
    names = pdf.named_destinations
    found = []
    for annot in pdf.pages[page].get("/Annots", []):
        found.append(pdf.get_destination_page_number(names[str(annot.get_object()["/Dest"])]))
    return found


def test_links_cross_parts_both_ways(bound):
    _parts, (pdf, _), _data = bound
    assert _link_targets(pdf, 1) == [2, 4]  # contents → first and third chapters of the body
    assert _link_targets(pdf, 4) == [0]  # a body page → the cover, in the front matter


def test_the_bound_pdf_is_tagged_with_one_structure_tree(bound):
    _parts, (pdf, _), _data = bound
    root = pdf.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    tree = root["/StructTreeRoot"].get_object()
    nums = tree["/ParentTree"].get_object()["/Nums"]
    assert [page.get_object()["/StructParents"] for page in pdf.pages] == list(range(6))
    assert list(nums[0:12:2]) == list(range(6))  # each page's marked content maps into the tree
    kinds = list(_structure_types(tree["/K"][0].get_object()))
    assert kinds.count("/Sect") == kinds.count("/H1") == 6  # one per section, of every part
    assert kinds.count("/Link") == 5


def _structure_types(element):
    """The structure types (/S) of a structure element and its descendants, depth first."""
    yield str(element["/S"])
    for kid in element.get("/K", []):
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, dict) and "/S" in kid:
            yield from _structure_types(kid)


def test_the_bound_pdf_is_reproducible(bound):
    _parts, _readers, (one, two) = bound
    assert one == two


def _garbage_after_layout(tmp_path, pages: int) -> int:
    """How many objects a full collection finds right after a layout, the part still held."""
    gc.collect()
    part = printing.layout(html("".join(section(f"s{n}", f"Section {n}") for n in range(pages))), tmp_path, "long")
    found = gc.collect()
    assert part.pages == pages
    return found


def test_a_long_layout_leaves_no_garbage_behind(tmp_path, monkeypatch):
    pages = printing.COLLECT_AFTER_PAGES
    collected = _garbage_after_layout(tmp_path, pages)
    monkeypatch.setattr(printing, "COLLECT_AFTER_PAGES", pages + 1)  # the same layout, not collected
    left = _garbage_after_layout(tmp_path, pages)
    assert collected < 100 and left > 5_000
