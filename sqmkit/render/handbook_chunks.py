"""A long handbook printed in chunks (:mod:`sqmkit.printchunks`), bound with :mod:`sqmkit.pdfbind`.

The body's units are its chapters' headings (with their introductions), its articles and its
appendices. The front matter, laid out once the body's page numbers are known, the body's chunks
and the bound forms are each written as a piece; the footer, 第 x 页 / 共 y 页 over the body, comes
from a document of blank pages laid over the body's pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import escape

from ..formats import RenderContext
from ..model import ChapterNode
from ..pdfbind import PageLabel, bind
from ..printchunks import Top, Unit, lay_out_in_chunks, outline, page_marks, release
from ..printing import Faces, layout, one_subset_per_face, pdf_bytes
from .handbook_pdf import Appendix, attachment_parts, context_for, front_part

#: a unit: (chapter index, article index or -1 for the heading) or (-1, appendix index)
Place = tuple[int, int]


@dataclass
class Binding:
    """The written pieces of a handbook and how to bind them (:func:`sqmkit.pdfbind.bind`)."""

    pieces: list[bytes]
    outline: list[Any]
    labels: list[PageLabel]
    overlay: bytes
    overlay_start: int
    #: each face subset once for every piece (:meth:`sqmkit.printing.Faces.programs`)
    programs: dict[str, bytes]

    def write(self, target: Path) -> None:
        bind(self.pieces, target, outline=self.outline, labels=self.labels, overlay=self.overlay,
             overlay_start=self.overlay_start, programs=self.programs)


def print_in_chunks(ctx: RenderContext, apps: list[Appendix], html: str, variant: str) -> Binding:
    """Lay out and write, in chunks, the handbook whose body is ``html`` (as one document).
    Binding is left to the caller, to do once the faces are closed: their files are no longer
    mapped, and the binding's objects fit in that memory (bench/bench_memory.py)."""
    places, units = _units(ctx, apps, html)
    with one_subset_per_face() as faces:
        return _print(ctx, apps, places, units, variant, faces)


def _print(ctx: RenderContext, apps: list[Appendix], places: list[Place], units: list[Unit], variant: str,
           faces: Faces) -> Binding:
    """The pieces, written, and each face subset once for all of them (``faces`` records them)."""
    page = ctx.env.get_template("handbook/print.html")

    def html_for(start: int, end: int, top: Top | None) -> str:
        chosen = places[start:end]
        return str(page.render(context_for(
            ctx, "body", appendices=[apps[i] for c, i in chosen if c < 0], chunk_top=top, footer_overlay=True,
            body_chapters=_chapters(ctx.regulation.chapters, chosen))))

    body = lay_out_in_chunks(units, html_for, ctx.out_dir, "handbook.pdf", variant)
    attachments, listed = attachment_parts(ctx)
    forms = pdf_bytes(attachments, "handbook.pdf", variant) if attachments else None
    form_marks = [mark for part in attachments for mark in page_marks(part)]
    form_labels = [(part.pages, part.style, part.prefix) for part in attachments]
    del attachments
    release()
    front = front_part(ctx, apps, {anchor: i + 1 for anchor, i in body.anchors.items()}, listed)
    front_bytes, front_pages, marks = pdf_bytes([front], "handbook.pdf", variant), front.pages, page_marks(front)
    front_label = PageLabel(0, front.style, front.prefix)
    del front
    release()
    footers = layout(page.render(context_for(ctx, "footers", footer_pages=body.pages)), ctx.out_dir, "handbook.pdf")
    overlay = pdf_bytes([footers], "handbook.pdf", None)
    del footers
    release()
    labels, start = [front_label, PageLabel(front_pages, "D")], front_pages + body.pages
    for pages, style, prefix in form_labels:
        labels.append(PageLabel(start, style, prefix))
        start += pages
    pieces = [front_bytes, *body.pieces, *([forms] if forms else [])]
    return Binding(pieces, outline([*marks, *body.marks, *form_marks]), labels, overlay, front_pages,
                   faces.programs())


def _units(ctx: RenderContext, apps: list[Appendix], html: str) -> tuple[list[Place], list[Unit]]:
    """The body's units in order, each sized by the HTML (``html``, the whole body's) from its
    element to the next unit's."""
    found: list[tuple[Place, str, bool]] = []
    for c, chapter in enumerate(ctx.regulation.chapters):
        found.append(((c, -1), chapter.id, True))
        found.extend(((c, a), article.id, False) for a, article in enumerate(chapter.articles))
    found.extend(((-1, i), ap.anchor, False) for i, ap in enumerate(apps))
    offsets, at = [], 0
    for _place, anchor, _keep in found:
        where = html.find(f'id="{escape(anchor)}"', at)
        at = where if where >= 0 else at
        offsets.append(at)
    offsets.append(len(html))
    units = [Unit(anchor, max(offsets[i + 1] - offsets[i], 1), keep) for i, (_p, anchor, keep) in enumerate(found)]
    return [place for place, _a, _k in found], units


def _chapters(chapters: list[ChapterNode], chosen: list[Place]) -> list[tuple[ChapterNode, bool, Any]]:
    """A chunk's chapters: each with its heading or not, and its articles in the chunk."""
    groups: dict[int, tuple[bool, list[Any]]] = {}
    for c, a in chosen:
        if c < 0:
            continue
        head, articles = groups.setdefault(c, (False, []))
        if a < 0:
            groups[c] = (True, articles)
        else:
            articles.append(chapters[c].articles[a])
    return [(chapters[c], head, articles) for c, (head, articles) in groups.items()]
