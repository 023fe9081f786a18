"""Laying out and writing a long printed document in chunks, one chunk's pages in memory at a time.

WeasyPrint keeps every laid-out page until its write ends: about 1.6 MiB of memory a handbook
page, so a 300-page handbook laid out as one document needs some 800 MiB. A long body is laid
out instead in chunks of about :data:`CHUNK_CHARS` of HTML (some 50 pages); each chunk's pages
are written as a PDF piece and dropped before the next chunk is laid out, and
:mod:`sqmkit.pdfbind` binds the pieces into one file.

The pages are those one layout would make. A document is a sequence of :class:`Unit` s (a
chapter's heading, an article, an appendix), each an element with an ``id``. A chunk is laid out
with more units than it keeps: it keeps its pages up to the last page (not its last) that starts
with a unit's first line, and the next chunk starts with that unit, placed exactly as it was on
that page (``chunk_top``: its distance below the top of the page's content, which WeasyPrint
decides by margin rules a new document's first page does not apply). So every kept page was laid
out with everything that could move its breaks after it. The running footer's total (共 y 页)
is not known until the last chunk: the chunks print no footer, and the binder draws it over
each page from a separate document of blank pages that has the total.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .printing import Part, layout, pdf_bytes

#: The HTML a chunk is laid out from, in characters: about 50 handbook pages (3.3 thousand a page
#: in bench/'s synthetic handbook). Its 355 pages then peak at 362 MiB instead of 789; chunks of
#: 240 and 320 thousand peaked at 376 and 401 (bench/bench_memory.py --copies 17).
CHUNK_CHARS = 160_000
#: A body up to this much HTML (about 70 pages, 347 MiB) is laid out as one document: a chunk of
#: it would take the rest anyway (less than half a chunk is never left over).
ONE_DOCUMENT_CHARS = CHUNK_CHARS * 3 // 2


@dataclass(frozen=True)
class Unit:
    """A place a chunk may start: the element with id ``anchor`` and the HTML up to the next
    unit (``size`` characters). A unit that must ``keep_with_next`` (a chapter's heading) never ends a
    chunk."""

    anchor: str
    size: int
    keep_with_next: bool = False


#: where a chunk's first unit starts on its first page: its id, and CSS px below the content top
Top = tuple[str, float]
#: the HTML of the units ``[start, end)``, the first placed at ``Top`` if given
HtmlFor = Callable[[int, int, "Top | None"], str]


@dataclass(frozen=True)
class PageMarks:
    """What the outline needs of a page: WeasyPrint's ``page.bookmarks`` and the page height."""

    bookmarks: list[Any]
    height: float


@dataclass
class Chunked:
    """The body laid out in chunks: the written pieces, its pages, where its anchors are
    (0-based body page) and each page's bookmarks."""

    pieces: list[bytes] = field(default_factory=list)
    pages: int = 0
    anchors: dict[str, int] = field(default_factory=dict)
    marks: list[PageMarks] = field(default_factory=list)


def release() -> None:
    """Collect the dropped pages' reference cycles and hand the freed heap back to the system
    (glibc's ``malloc_trim``), so the next chunk starts from a smaller RSS instead of laying out
    around the holes the last one left."""
    import ctypes

    gc.collect()
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None)  # glibc's; other C libraries lack it
    if trim is not None:
        trim(0)


def page_marks(part: Part, keep: int | None = None) -> list[PageMarks]:
    return [PageMarks(list(page.bookmarks), float(page.height)) for page in part.document.pages[:keep]]


def lay_out_in_chunks(units: list[Unit], html_for: HtmlFor, base_dir: Path, what: str,
                      variant: str | None) -> Chunked:
    """Lay out and write the units in chunks; ``what`` names the file in an error."""
    done = Chunked()
    index = {unit.anchor: i for i, unit in enumerate(units)}
    start, top = 0, None
    while start < len(units):
        part, keep, after = _lay_out_chunk(units, index, start, top, html_for, base_dir, what)
        for i, page in enumerate(part.document.pages[:keep]):
            for name in sorted(page.anchors):
                done.anchors.setdefault(name, done.pages + i)
        done.marks.extend(page_marks(part, keep))
        kept = Part(part.document.copy(part.document.pages[:keep]))
        done.pieces.append(pdf_bytes([kept], what, variant))
        done.pages += keep
        del part, kept
        release()  # the chunk's boxes, before the next chunk is laid out
        start, top = after if after is not None else (len(units), None)
    return done


def _lay_out_chunk(units: list[Unit], index: dict[str, int], start: int, top: Top | None,
                   html_for: HtmlFor, base_dir: Path, what: str) -> tuple[Part, int, tuple[int, Top] | None]:
    """Lay out a chunk from ``start``: the part, how many of its pages to keep, and where the
    next chunk starts (None at the end). A chunk with no page to cut at is laid out again with
    twice the units."""
    budget = CHUNK_CHARS
    while True:
        end = _chunk_end(units, start, budget)
        part = layout(html_for(start, end, top), base_dir, what)
        if end == len(units):
            return part, part.pages, None
        cut = _cut(part, index, start, end)
        if cut is not None:
            keep, next_start, next_top = cut
            return part, keep, (next_start, next_top)
        del part
        release()
        budget *= 2


def _chunk_end(units: list[Unit], start: int, budget: int) -> int:
    """The end (exclusive) of a chunk from ``start`` of about ``budget`` characters; the rest of the
    units when less than half a chunk would be left."""
    end, size = start, 0
    while end < len(units) and (size < budget or (end > start and units[end - 1].keep_with_next)):
        size += units[end].size
        end += 1
    if sum(unit.size for unit in units[end:]) < budget // 2:
        return len(units)
    return end


def _cut(part: Part, index: dict[str, int], start: int, end: int) -> tuple[int, int, Top] | None:
    """The last page but the last one that starts a unit of ``(start, end)``: the pages to keep
    (those before it), that unit and where it starts on the page."""
    pages = part.document.pages
    for number in range(len(pages) - 1, 0, -1):
        found = _page_start(pages[number], pages[number - 1].anchors)
        if found is not None and start < index.get(found[0], -1) < end:
            return number, index[found[0]], found
    return None


def _page_start(page: Any, before: dict[str, Any]) -> Top | None:
    """The element a page's content starts with, and its border-box top below the content top,
    when the page holds its first line (it was not on the page before)."""
    page_box = page._page_box
    box = page_box.children[0]  # the root element's box
    while True:
        flow = [child for child in getattr(box, "children", ()) if child.is_in_normal_flow()]
        if not flow:
            return None
        box = flow[0]
        element = box.element
        if element is None:
            return None
        if box.element_tag in ("html", "body") or (
                box.element_tag == "section" and "chapter" in str(element.get("class", "")).split()):
            continue
        anchor = element.get("id")
        if not anchor or anchor in before:
            return None
        return str(anchor), float(box.position_y + box.margin_top - page_box.content_box_y())


def outline(marks: list[PageMarks]) -> list[Any]:
    """The bookmark tree of the bound file's pages, in order, as one WeasyPrint document makes it
    (``Document.make_bookmark_tree(scale=0.75, transform_pages=True)``)."""
    from weasyprint.anchors import make_page_bookmark_tree
    from weasyprint.matrix import Matrix

    root: list[Any] = []
    skipped: list[int] = []
    last_by_depth: list[list[Any]] = [root]
    previous = 0
    for number, page in enumerate(marks):
        matrix = Matrix(a=0.75, d=-0.75, f=page.height * 0.75)
        previous = make_page_bookmark_tree(page, skipped, last_by_depth, previous, number, matrix)
    return root
