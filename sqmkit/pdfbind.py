"""Binding separately written tagged PDFs into one: the only module that writes PDFs with pikepdf.

A long handbook is laid out and written in chunks (each its own WeasyPrint ``write_pdf``, tagged
PDF/UA-1 or PDF/A-2b), so that WeasyPrint never holds every laid-out page at once. :func:`bind`
makes of those pieces the one file a user gets, as one write of all the pages would have made
it: the pages in order, one structure tree (:mod:`pdftags`), one name tree of destinations, links
across pieces, one outline, page labels, the first piece's metadata, and on top of the pages an
overlay (the running footer, which counts pages only known once every chunk is laid out) drawn
as a pagination artifact. The same pieces always give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping
from urllib.parse import unquote

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from .errors import BuildError
from .messages import _
from .pdftags import TagMerge, piece_tags

#: WeasyPrint's bookmark tree: ``[(label, (page_index, x, y), children, state), …]``, the page
#: 0-based in the bound file, x and y in PDF points (bottom-left origin), ``state`` "open" or
#: "closed" (``Document.make_bookmark_tree(scale=0.75, transform_pages=True)``)
Outline = list[Any]
#: a link to a destination of another piece is written as an external link to this URI scheme
#: followed by the percent-encoded name; binding turns it into an internal link
DEST_SCHEME = "sqmkit-dest:"
#: the overlay's form XObject's name in a page's resources
_OVERLAY = Name("/SqmkitOverlay")


@dataclass(frozen=True)
class PageLabel:
    """Page labels from ``start`` (0-based) on: ``style`` "D" decimal or "r" lower roman,
    ``prefix`` before the number."""

    start: int
    style: str
    prefix: str = ""


def bind(pieces: list[bytes], target: Path, *, outline: Outline, labels: list[PageLabel],
         overlay: bytes | None = None, overlay_start: int = 0, programs: Mapping[str, bytes] | None = None) -> None:
    """Bind the pieces' pages, in order, into ``target`` (written atomically, reproducibly).

    ``pieces`` are PDFs written by WeasyPrint, tagged; ``overlay`` an untagged PDF whose page i
    is drawn on bound page ``overlay_start + i``. The bound file keeps the first piece's
    metadata, so PDF/A-2b pieces give a PDF/A-2b file (its output intent and XMP). It always has
    an identifier (qpdf always writes one), a hash of its contents, so it stays reproducible.

    ``programs`` are font programs by the name WeasyPrint gives a face's subsets (without the
    slash: ``LWGGBP+Noto-Serif-CJK-SC``), each a subset of that face with every glyph the
    pieces' subsets of it have (:meth:`sqmkit.printing.Faces.programs`): the bound file embeds it
    once, in place of each piece's own."""
    if not pieces:
        raise BuildError(_("nothing to print into {file}").format(file=target.name))
    pdf = _open(pieces[0], target, 1)
    try:
        _bind_into(pdf, pieces, target)
        _write_outline(pdf, outline)
        _write_labels(pdf, labels)
        if overlay is not None:
            _draw_overlay(pdf, overlay, overlay_start, target)
        _one_program_per_face(pdf, programs or {})
        _unique_subset_tags(pdf)
        _save(pdf, target)
    except pikepdf.PdfError as exc:  # damage qpdf finds only when it reads an object
        raise BuildError(_("could not bind {file}: {error}").format(file=target.name, error=_problem(exc))) from exc
    finally:
        pdf.close()


def _bind_into(pdf: pikepdf.Pdf, pieces: list[bytes], target: Path) -> None:
    """The later pieces' pages after the first's, one structure tree, one name tree, links resolved."""
    first = piece_tags(pdf)  # before the new tree replaces the piece's own
    merge = TagMerge.start(pdf)
    dests = _Dests()
    merge.add(first)
    dests.add(pdf.Root)
    for number, data in enumerate(pieces[1:], start=2):
        with _open(data, target, number) as piece:
            _append(pdf, piece, merge, dests)
    dests.write(pdf.Root)
    _resolve_links(pdf, dests, merge)
    merge.finish()


def _open(data: bytes, target: Path, number: int) -> pikepdf.Pdf:
    """Open piece ``number`` (from 1; 0 is the overlay)."""
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except (pikepdf.PdfError, ValueError) as exc:
        problem = _problem(exc)
    else:
        warned = pdf.get_warnings()  # a warning here is a damaged file that qpdf repaired
        if not warned:
            return pdf
        problem = _problem(warned[0])
        pdf.close()
    if number == 0:
        message = _("could not bind {file}: the overlay is not a readable PDF ({error})")
    else:
        message = _("could not bind {file}: part {number} is not a readable PDF ({error})")
    raise BuildError(message.format(file=target.name, number=number, error=problem))


def _problem(error: object) -> str:
    """qpdf's message without the in-memory stream's name (an address, different every run)."""
    return re.sub(r"stream <[^>]*>", "", str(error)).strip(" :")


def _append(pdf: pikepdf.Pdf, piece: pikepdf.Pdf, merge: TagMerge, dests: _Dests) -> None:
    """Add a piece's pages, then its tags and destinations (copied after the pages, so that
    their references to pages and annotations are to the pages just added)."""
    with warnings.catch_warnings():  # named destinations are merged below, not by pikepdf
        warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
        pdf.pages.extend(piece.pages)
    carried = piece.make_indirect(Array([piece_tags(piece), _dest_array(piece.Root)]))
    copied = pdf.copy_foreign(carried)
    merge.add(copied[0])
    dests.add_flat(copied[1])


def _dest_array(catalog: pikepdf.Object) -> pikepdf.Array:
    """A piece's named destinations as one flat ``[name, destination, …]`` array."""
    flat = Array()
    names = catalog.get(Name.Names)
    if isinstance(names, Dictionary) and isinstance(names.get(Name.Dests), Dictionary):
        _flatten(names[Name.Dests], flat)
    return flat


def _flatten(node: pikepdf.Object, flat: pikepdf.Array) -> None:
    if isinstance(node.get(Name.Names), Array):
        flat.extend(node[Name.Names])
    for kid in node.get(Name.Kids, Array()):
        _flatten(kid, flat)


class _Dests:
    """The bound file's named destinations, the first of a name winning (as in one write)."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[pikepdf.Object, pikepdf.Object]] = {}

    def add(self, catalog: pikepdf.Object) -> None:
        self.add_flat(_dest_array(catalog))

    def add_flat(self, flat: pikepdf.Object) -> None:
        for i in range(0, len(flat) - 1, 2):
            self.entries.setdefault(str(flat[i]), (flat[i], flat[i + 1]))

    def key(self, name: str) -> pikepdf.Object | None:
        """The name's string as written in the tree (its bytes are what a link must match)."""
        entry = self.entries.get(name)
        return entry[0] if entry is not None else None

    def write(self, catalog: pikepdf.Object) -> None:
        """The one ``/Dests`` name tree, sorted as WeasyPrint sorts it; no empty ``/Names``."""
        names = catalog.get(Name.Names)
        if not isinstance(names, Dictionary):
            names = catalog.Names = Dictionary()
        if not self.entries:
            if Name.Dests in names:
                del names[Name.Dests]
            if not names.keys():
                del catalog[Name.Names]
            return
        flat = Array()
        for name in sorted(self.entries):
            flat.extend(self.entries[name])
        names[Name.Dests] = Dictionary(Names=flat)


def _resolve_links(pdf: pikepdf.Pdf, dests: _Dests, merge: TagMerge) -> None:
    """Links to ``sqmkit-dest:NAME`` become links to the named destination, or go if there is none."""
    for page in pdf.pages:
        annots = page.obj.get(Name.Annots)
        if not isinstance(annots, Array):
            continue
        kept = Array()
        for annot in annots:
            action = annot.get(Name.A)
            uri = action.get(Name.URI) if isinstance(action, Dictionary) else None
            if not isinstance(uri, String) or not str(uri).startswith(DEST_SCHEME):
                kept.append(annot)
                continue
            key = dests.key(unquote(str(uri)[len(DEST_SCHEME):]))
            if key is None:
                merge.drop_annotation(annot)
                continue
            del annot[Name.A]
            annot[Name.Dest] = key
            annot[Name.Contents] = key
            kept.append(annot)
        if len(kept) != len(annots):
            page.obj[Name.Annots] = kept


def _write_outline(pdf: pikepdf.Pdf, outline: Outline) -> None:
    """The bookmarks, as WeasyPrint writes them (``weasyprint/pdf/anchors.py`` ``add_outlines``)."""
    pdf.Root.PageMode = Name.UseOutlines
    if not outline:
        if Name.Outlines in pdf.Root:
            del pdf.Root[Name.Outlines]
        return
    top = pdf.make_indirect(Dictionary())
    items, count = _outline_items(pdf, outline, top)
    top.Count, top.First, top.Last = count, items[0], items[-1]
    pdf.Root.Outlines = top


def _outline_items(pdf: pikepdf.Pdf, entries: Outline, parent: pikepdf.Object) -> tuple[list[pikepdf.Object], int]:
    count = len(entries)
    items: list[pikepdf.Object] = []
    for title, (page, x, y), children, state in entries:
        dest = Array([pdf.pages[page].obj, Name.XYZ, x, y, 0])
        item = pdf.make_indirect(Dictionary(Title=String(title), Dest=dest, Parent=parent))
        kids, kids_count = _outline_items(pdf, children, item)
        item.Count = -kids_count if state == "closed" else kids_count
        if state != "closed":
            count += kids_count
        if kids:
            item.First, item.Last = kids[0], kids[-1]
        if items:
            item.Prev = items[-1]
            items[-1].Next = item
        items.append(item)
    return items, count


def _write_labels(pdf: pikepdf.Pdf, labels: list[PageLabel]) -> None:
    if not labels:
        if Name.PageLabels in pdf.Root:
            del pdf.Root[Name.PageLabels]
        return
    nums = Array()
    for label in sorted(labels, key=lambda item: item.start):
        entry = Dictionary(S=Name("/" + label.style))
        if label.prefix:
            entry.P = String(label.prefix)
        nums.append(label.start)
        nums.append(entry)
    pdf.Root.PageLabels = Dictionary(Nums=nums)


def _draw_overlay(pdf: pikepdf.Pdf, overlay: bytes, start: int, target: Path) -> None:
    """Draw overlay page i, as a form XObject marked as a pagination artifact, on top of page
    ``start + i``; the page's own content is wrapped in ``q``/``Q`` first."""
    with _open(overlay, target, 0) as source:
        if start < 0 or start + len(source.pages) > len(pdf.pages):
            raise BuildError(_("could not bind {file}: the overlay's {count} pages do not fit from page {start}").format(
                file=target.name, count=len(source.pages), start=start + 1))
        forms = pdf.copy_foreign(source.make_indirect(Array([p.as_form_xobject() for p in source.pages])))
    draw = b"Q\nq\n/Artifact <</Type /Pagination>> BDC\n" + _OVERLAY.unparse() + b" Do\nEMC\nQ\n"
    for i, form in enumerate(forms):
        page = pdf.pages[start + i]
        old = page.obj.get(Name.Resources)
        resources = Dictionary(dict(old.items())) if isinstance(old, Dictionary) else Dictionary()
        xobjects = resources.get(Name.XObject)
        resources.XObject = Dictionary(dict(xobjects.items())) if isinstance(xobjects, Dictionary) else Dictionary()
        resources.XObject[_OVERLAY] = form
        page.obj.Resources = resources
        page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
        page.contents_add(pikepdf.Stream(pdf, draw))


def _one_program_per_face(pdf: pikepdf.Pdf, programs: Mapping[str, bytes]) -> None:
    """Every font of a face in ``programs`` embeds that program, one stream for them all; each
    keeps its own widths and text map. A piece's own subset is then referenced no more, and not
    written."""
    shared: dict[tuple[str, str], pikepdf.Stream] = {}
    for font in _fonts(pdf):
        name = str(font.get(Name.BaseFont, ""))[1:]
        if name not in programs:
            continue
        for descriptor in _descriptors(font):
            for key in _FONT_FILES:
                if not isinstance(descriptor.get(key), pikepdf.Stream):
                    continue
                stream = shared.get((name, str(key)))
                if stream is None:
                    data = programs[name]
                    stream = pikepdf.Stream(pdf, data)
                    if key == Name.FontFile3:
                        stream.Subtype = Name.OpenType
                    else:
                        stream.Length1 = len(data)
                    stream = shared[(name, str(key))] = pdf.make_indirect(stream)
                descriptor[key] = stream


def _unique_subset_tags(pdf: pikepdf.Pdf) -> None:
    """Give every font subset its own tag. Each piece subsets a face for its own pages under the
    tag WeasyPrint derives from the face (``LWGGBP+Noto-Serif-CJK-SC``), but different subsets in
    one file must have different tags (ISO 32000-1, 9.6.4): the first keeps its tag, the others
    get one derived from theirs and their order, so the bytes stay reproducible. Fonts that embed
    one and the same program (:func:`_one_program_per_face`) are one subset, with one tag."""
    seen: set[tuple[int, int]] = set()
    taken: set[str] = set()
    named: dict[tuple[int, int], str] = {}  # a program's objgen → the tag of its subset
    for font in _fonts(pdf):
        if font.objgen in seen:
            continue
        seen.add(font.objgen)
        name = str(font.get(Name.BaseFont, ""))[1:]
        tag, plus, rest = name.partition("+")
        if not plus or len(tag) != 6:
            continue
        program = _program(font)
        new = named.get(program) if program is not None else None
        if new is None:
            new, salt = tag, 0
            while new in taken:
                salt += 1
                digest = hashlib.sha256(f"{name}/{salt}".encode()).digest()
                new = "".join(chr(ord("A") + b % 26) for b in digest[:6])
            taken.add(new)
            if program is not None:
                named[program] = new
        if new != tag:
            _rename_font(font, f"{new}+{rest}")


#: the keys of a font descriptor that hold an embedded font program
_FONT_FILES = (Name.FontFile, Name.FontFile2, Name.FontFile3)


def _descriptors(font: pikepdf.Object) -> list[pikepdf.Object]:
    """A font's descriptors: its own (a simple font) or its descendant's (a composite font)."""
    found: list[pikepdf.Object] = []
    for each in [font, *font.get(Name.DescendantFonts, Array())]:
        descriptor = each.get(Name.FontDescriptor)
        if isinstance(descriptor, Dictionary):
            found.append(descriptor)
    return found


def _program(font: pikepdf.Object) -> tuple[int, int] | None:
    """The objgen of the font's embedded program, if it has one."""
    for descriptor in _descriptors(font):
        for key in _FONT_FILES:
            program = descriptor.get(key)
            if isinstance(program, pikepdf.Stream):
                return program.objgen
    return None


def _fonts(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Object]:
    """The fonts of every page, and of the form XObjects drawn on them, in page order."""
    stack = [page.obj.get(Name.Resources) for page in reversed(pdf.pages)]
    visited: set[tuple[int, int]] = set()
    while stack:
        resources = stack.pop()
        if not isinstance(resources, Dictionary):
            continue
        fonts = resources.get(Name.Font)
        if isinstance(fonts, Dictionary):
            yield from (fonts[key] for key in sorted(fonts.keys()))
        xobjects = resources.get(Name.XObject)
        if isinstance(xobjects, Dictionary):
            for key in sorted(xobjects.keys(), reverse=True):
                form = xobjects[key]
                if form.get(Name.Subtype) == Name.Form and form.objgen not in visited:
                    visited.add(form.objgen)
                    stack.append(form.get(Name.Resources))


def _rename_font(font: pikepdf.Object, name: str) -> None:
    font.BaseFont = Name("/" + name)
    for descendant in font.get(Name.DescendantFonts, Array()):
        descendant.BaseFont = Name("/" + name)
        if isinstance(descendant.get(Name.FontDescriptor), Dictionary):
            descendant.FontDescriptor.FontName = Name("/" + name)
    if isinstance(font.get(Name.FontDescriptor), Dictionary):
        font.FontDescriptor.FontName = Name("/" + name)


def _save(pdf: pikepdf.Pdf, target: Path) -> None:
    """Write atomically: a temporary file beside ``target``, then renamed over it. The file
    identifier is a hash of the contents, so the same pieces give the same bytes."""
    name = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        pdf.save(name, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        os.replace(name, target)
    except BaseException:
        name.unlink(missing_ok=True)
        raise
