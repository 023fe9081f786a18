"""Printing HTML to PDF with WeasyPrint: the module that drives it (:mod:`printchunks` reads
the pages it lays out).

Reproducible (no dates, a file identifier only where a PDF/A variant needs one, and then a hash
of the bytes; pinned versions), confined (only files inside the output folder and ``data:``
URLs, never the network) and glyph-safe (every character is proven to have a glyph, in the body
face and in the heading face, before anything is laid out).

A printed document may be laid out in several parts: :func:`layout` lays out one HTML document
(its pages keep their own ``counter(page)`` and ``counter(pages)``), :func:`write_parts` binds
the parts' pages into one PDF with one outline, internal links across parts, page labels, the
bookmarks pane open (``/PageMode /UseOutlines``) and, on request, tags (PDF/UA-1) or PDF/A-2b.
Within :func:`written_separately`, documents are laid out to be written as pieces that
:mod:`pdfbind` binds (a long handbook in chunks): their internal links go out as
:data:`BOUND_LINK` URIs, and :func:`pdf_bytes` writes a piece; within :func:`one_subset_per_face`,
the faces the pieces subset are recorded, to be subset once for all of them.
"""

from __future__ import annotations

import copy
import gc
import logging
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping

from .assets import published_logo_text
from .errors import BuildError, ProfileError
from .fonts import UnknownFace, require_print_faces
from .formats import RenderContext
from .messages import _

#: the tagged, accessible PDF every handbook and forms PDF is written as
TAGGED = "pdf/ua-1"
#: the archival variant (PDF/A-2b, tagged as well) for the copy kept at issue
ARCHIVAL = "pdf/a-2b"
#: A long document, once laid out, leaves WeasyPrint's box tree from before the layout, the
#: parser's tree and their computed styles behind in reference cycles (about 0.6 MiB a page);
#: they are collected at once, so that the next layout and the write can reuse that memory
#: (a small gain, mostly lost to fragmentation: peak RSS 5-10 MiB lower for a 355-page handbook,
#: 10-50 for a 130-page one; bench/bench_memory.py). Short documents (forms) skip the full
#: collection's cost.
COLLECT_AFTER_PAGES = 40
#: the font configuration (weasyprint FontConfiguration) of the printed file being laid out, if shared
_FONTS: ContextVar[Any] = ContextVar("sqmkit_print_fonts", default=None)
#: whether the documents laid out now are written separately and bound afterwards (sqmkit.pdfbind)
_SEPARATE: ContextVar[bool] = ContextVar("sqmkit_print_separate", default=False)
#: the faces the pieces written now subset, and their glyphs, if recorded (:func:`one_subset_per_face`)
_FACES: ContextVar[Faces | None] = ContextVar("sqmkit_print_faces", default=None)
#: the URL scheme of a link to an anchor of the bound file: WeasyPrint drops a link to an anchor
#: its own document lacks, so such links go out as this URI and pdfbind makes them internal again
BOUND_LINK = "sqmkit-dest:"
_INTERNAL_HREF = re.compile(r'href="#([^"]*)"')


def _fetcher(root: Path) -> Any:
    from urllib.parse import unquote, urlparse

    from weasyprint.urls import URLFetcher

    root = root.resolve()

    class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]  # weasyprint is untyped: URLFetcher is Any
        """Only files inside the output folder and data: URLs; never the network."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("file://"):
                path = Path(unquote(urlparse(url).path)).resolve()
                if path != root and root not in path.parents:
                    raise ValueError(f"refusing to read {path}: outside the build folder")
            elif not url.startswith("data:"):
                raise ValueError(f"refusing to fetch {url}: builds never use the network")
            return super().fetch(url, headers)

    return LocalOnlyFetcher(allowed_protocols=("file", "data"))


def _quiet() -> None:
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)


@dataclass
class Part:
    """One laid-out HTML document of a printed file: its pages, and the page labels a PDF
    viewer shows for them (``style`` ``D`` decimal or ``r`` roman, ``prefix`` before it)."""

    document: Any  # weasyprint.Document
    style: str = "D"
    prefix: str = ""
    anchors: dict[str, int] = field(default_factory=dict)  # anchor → 0-based page of this part

    @property
    def pages(self) -> int:
        return len(self.document.pages)

    def free_height(self) -> float:
        """The empty height (CSS px) below the content of the part's last page."""
        box = self.document.pages[-1]._page_box
        root = box.children[0]
        return float(box.content_box_y() + box.height - (root.position_y + root.margin_height()))

    def last_page_share(self) -> float:
        """How much of its last page's height the part fills (0 to 1)."""
        height = float(self.document.pages[-1]._page_box.height)
        return 1 - self.free_height() / height if height else 1.0

    def rows(self, css_class: str, page: int = -1) -> list[float]:
        """The heights of the table rows of class ``css_class`` on a page (the last by default)."""
        return [float(b.margin_height()) for b in _boxes(self.document.pages[page]._page_box)
                if getattr(b, "element_tag", None) == "tr" and css_class in _classes(b)]


    def overflowing_cells(self) -> list[str]:
        """The texts that run out of their table cell (a cell kept on one line, too narrow)."""
        found = []
        for page in self.document.pages:
            for cell in _boxes(page._page_box):
                if getattr(cell, "element_tag", None) not in ("td", "th"):
                    continue
                right = cell.content_box_x() + cell.width + 0.5
                for box in _boxes(cell):
                    if type(box).__name__ == "TextBox" and box.position_x + box.width > right:
                        found.append(str(box.text))
        return found


def _boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _boxes(child)


def _classes(box: Any) -> list[str]:
    element = getattr(box, "element", None)
    return str(element.get("class", "")).split() if element is not None else []


@contextmanager
def shared_fonts() -> Iterator[None]:
    """Lay out the parts of one printed file, within the block, with one font configuration.

    Each configuration opens the faces on its own: a part laid out with a configuration of its
    own maps the large CJK font files again, and WeasyPrint reads them whole once more when it
    writes (peak RSS about 20 MiB higher for a handbook in two parts; bench/bench_memory.py).
    The faces, and so the pages and the PDF's bytes, are the same either way."""
    from weasyprint.text.fonts import FontConfiguration

    token = _FONTS.set(FontConfiguration())
    try:
        yield
    finally:
        _FONTS.reset(token)


@contextmanager
def written_separately() -> Iterator[None]:
    """Within the block, every internal link of a laid-out document goes out as a
    :data:`BOUND_LINK` URI, resolved when the separately written pieces are bound."""
    token = _SEPARATE.set(True)
    try:
        yield
    finally:
        _SEPARATE.reset(token)


@dataclass
class _Face:
    """A face the pieces subset: a reference to it (a HarfBuzz face, alive while referenced), the
    glyphs they use and their hinting; ``alone`` when its pieces must keep their own subsets."""

    face: Any
    glyphs: set[int]
    hinting: bool
    alone: bool


@dataclass
class Faces:
    """The faces of separately written pieces of one printed file (:func:`one_subset_per_face`),
    by the font name WeasyPrint gives their subsets (``/LWGGBP+Noto-Serif-CJK-SC``)."""

    faces: dict[str, _Face] = field(default_factory=dict)

    def record(self, font: Any, to_unicode: dict[int, Any], hinting: bool) -> None:
        """Record what WeasyPrint subsets: ``font`` (a ``weasyprint.pdf.fonts.Font``) to the
        glyphs ``to_unicode`` has as keys."""
        from weasyprint.text.ffi import ffi, harfbuzz

        name = font.name.decode("latin-1").lstrip("/")
        face = self.faces.get(name)
        if face is None:
            kept = ffi.gc(harfbuzz.hb_face_reference(font.hb_face), harfbuzz.hb_face_destroy)
            face = self.faces[name] = _Face(kept, set(), hinting, False)
        face.glyphs.update(to_unicode)
        # One name, one face, subset alike. WeasyPrint embeds a face whole when it keeps no
        # glyphs (a form field's), draws the missing glyphs it adds, and changes a subset further
        # when the face is variable or has colour glyphs.
        face.alone |= (ffi.cast("void *", font.hb_face) != ffi.cast("void *", face.face) or not to_unicode
                       or hinting != face.hinting or bool(font.missing) or "fvar" in font.tables
                       or bool(font.png or font.svg or font.colr))

    def programs(self) -> dict[str, bytes]:
        """Each face subset once to every glyph its pieces use, by WeasyPrint's own subsetting
        (HarfBuzz, glyph ids kept), as a piece would embed it: the font program every piece's
        font of that face can use. Faces that WeasyPrint instanced or gave missing glyphs, or
        without HarfBuzz's subsetter, are left out: their pieces keep their own subsets."""
        from types import SimpleNamespace

        from weasyprint.pdf.fonts import Font
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

        found: dict[str, bytes] = {}
        if not harfbuzz_subset or not harfbuzz.hb_version_atleast(4, 1, 0):  # as Font.subset decides
            return found
        for name, face in sorted(self.faces.items()):
            if face.alone or not face.glyphs:
                continue
            font = SimpleNamespace(hb_face=face.face, missing={}, family=name, file_content=None)
            Font._harfbuzz_subset(font, dict.fromkeys(sorted(face.glyphs), ""), face.hinting)
            if isinstance(font.file_content, bytes):
                found[name] = font.file_content
        return found


@contextmanager
def one_subset_per_face() -> Iterator[Faces]:
    """Within the block, record the faces the written pieces subset and the glyphs they use,
    so that once every piece is written, :meth:`Faces.programs` subsets each face once for all of
    them and :mod:`pdfbind` embeds that one program instead of one per piece (a long handbook's
    chunks each embed the CJK faces: bench/bench_memory.py prints the file's size). Call
    :meth:`Faces.programs` inside the block: the faces are released when it ends."""
    _record_subsets()
    faces = Faces()
    token = _FACES.set(faces)
    try:
        yield faces
    finally:
        _FACES.reset(token)
        faces.faces.clear()


def _record_subsets() -> None:
    """Have WeasyPrint's font subsetting tell the :class:`Faces` of the current context, if any,
    what it subsets (installed once, for the process; each thread has its own context)."""
    from weasyprint.pdf.fonts import Font

    original = Font.subset
    if getattr(original, "sqmkit_records", False):
        return

    def subset(font: Any, to_unicode: dict[int, Any], hinting: bool) -> Any:
        faces = _FACES.get()
        if faces is not None:
            faces.record(font, to_unicode, hinting)
        return original(font, to_unicode, hinting)

    setattr(subset, "sqmkit_records", True)
    Font.subset = subset


def _bound_links(html: str) -> str:
    """``href="#x"`` → ``href="sqmkit-dest:x"`` (the templates quote attributes with ``"``)."""
    from urllib.parse import quote

    return _INTERNAL_HREF.sub(lambda m: f'href="{BOUND_LINK}{quote(m.group(1), safe="")}"', html)


def layout(html: str, base_dir: Path, what: str, style: str = "D", prefix: str = "") -> Part:
    """Lay out one HTML document; ``what`` names it in an error. Within :func:`shared_fonts`
    it shares that font configuration; otherwise it has its own. Within :func:`written_separately`
    its internal links are written for binding."""
    import weasyprint

    _quiet()
    if _SEPARATE.get():
        html = _bound_links(html)
    doc = weasyprint.HTML(string=html, base_url=base_dir.resolve().as_uri() + "/", url_fetcher=_fetcher(base_dir))
    try:
        document = doc.render(font_config=_FONTS.get())
    except Exception as exc:  # WeasyPrint's own failure: report it without a traceback
        raise BuildError(_("WeasyPrint could not lay out {what}: {error}").format(
            what=what, error=f"{type(exc).__name__}: {exc}")) from exc
    if len(document.pages) >= COLLECT_AFTER_PAGES:
        gc.collect()
    anchors: dict[str, int] = {}
    for i, page in enumerate(document.pages):  # a box split over pages names each: the first is its start
        for name in sorted(page.anchors):
            anchors.setdefault(name, i)
    return Part(document, style, prefix, anchors)


def _finisher(parts: list[Part]) -> Any:
    """Open with the bookmarks shown, and label pages part by part (i, ii … 1, 2 … F01-1 …)."""
    import pydyf  # type: ignore[import-untyped]  # weasyprint's PDF writer, untyped

    def finish(_document: Any, pdf: Any) -> None:
        pdf.catalog["PageMode"] = "/UseOutlines"
        nums, start = pydyf.Array(), 0
        for part in parts:
            label = pydyf.Dictionary({"S": "/" + part.style})
            if part.prefix:
                label["P"] = pydyf.String(part.prefix)
            nums.extend([start, label])
            start += part.pages
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": nums})

    return finish


def write_parts(parts: list[Part], target: Path, variant: str | None = TAGGED, title: str | None = None) -> None:
    """Bind the parts' pages, in order, into ``target``: one outline, links across parts, page
    labels, bookmarks shown on opening; ``variant`` is :data:`TAGGED`, :data:`ARCHIVAL` or None.
    The metadata are the first part's, with ``title`` if given."""
    target.write_bytes(pdf_bytes(parts, target.name, variant, title, _finisher(parts)))


def pdf_bytes(parts: list[Part], what: str, variant: str | None = TAGGED, title: str | None = None,
              finisher: Any = None) -> bytes:
    """The parts' pages, in order, written as one PDF (``what`` names it in an error); a piece
    for :mod:`sqmkit.pdfbind` when no ``finisher`` adds page labels and the open outline."""
    if not parts:
        raise BuildError(_("nothing to print into {file}").format(file=what))
    _quiet()
    first = parts[0].document
    combined = first.copy([page for part in parts for page in part.document.pages])
    if title is not None:
        combined.metadata = copy.copy(first.metadata)
        combined.metadata.title = title
    options: dict[str, Any] = {"pdf_variant": variant, "pdf_tags": variant is not None, "uncompressed_pdf": False}
    # No identifier unless the variant requires one; PDF/A's is a hash of the bytes, so the same
    # input still gives the same file.
    options["pdf_identifier"] = None if variant == ARCHIVAL else False
    try:
        data: bytes = combined.write_pdf(finisher=finisher, **options)
    except Exception as exc:
        raise BuildError(_("WeasyPrint could not write {file}: {error}").format(
            file=what, error=f"{type(exc).__name__}: {exc}")) from exc
    return data


def write_pdf(html: str, base_dir: Path, target: Path, variant: str | None = TAGGED) -> None:
    """Render one HTML document to ``target`` reproducibly; relative URLs resolve inside ``base_dir``."""
    write_parts([layout(html, base_dir, target.name)], target, variant)


# ---------------------------------------------------------------------------------------------
# Faces and wording shared by the printed documents
# ---------------------------------------------------------------------------------------------


def _face_error(ctx: RenderContext, role: str, exc: UnknownFace) -> ProfileError:
    from .yamlio import load_yaml

    profile = ctx.regulation.profile
    loc: list[str | int] = ["branding", "fonts", role]
    line = None
    if profile.source is not None:
        line = load_yaml(profile.source, ProfileError).line_of(loc)
    installed = ", ".join(exc.installed) or _("none")
    return ProfileError(str(profile.source or "<profile>"), ".".join(map(str, loc)), str(exc), line,
                        _("installed faces with Chinese glyphs: {faces}").format(faces=installed))


def _prove_faces(ctx: RenderContext) -> None:
    """Choose the body and heading faces and prove every character has a glyph, once a build."""
    chosen = ctx.regulation.profile.branding.fonts
    logo_text = published_logo_text(ctx.out_dir, ctx.options.logo)
    try:
        faces = require_print_faces("".join(ctx.regulation.texts()), chosen.body, chosen.headings, logo_text)
    except UnknownFace as exc:
        role = "body" if exc.family == chosen.body else "headings"
        raise _face_error(ctx, role, exc) from None
    ctx.state.font_family, ctx.state.heading_family = faces.body.family, faces.headings.family


def wording(ctx: RenderContext) -> Mapping[str, str]:
    """The fixed wording of the outputs in the regulation's language (the ``msg`` global)."""
    msg = ctx.env.globals["msg"]  # the language's messages (render.environment.make_environment)
    if not isinstance(msg, Mapping):
        raise BuildError("the template environment's msg global is not a mapping of messages")
    return msg


def print_settings(ctx: RenderContext) -> dict[str, str]:
    """Faces and footer wording for a printed document. The faces and their coverage of every
    character are checked once per build (the handbook and forms PDFs share the result)."""
    if ctx.state.font_family is None or ctx.state.heading_family is None:
        _prove_faces(ctx)
    footer = wording(ctx)["page_footer"]
    before, _sep, rest = footer.partition("{page}")
    middle, _sep, after = rest.partition("{pages}")
    return {"font_family": str(ctx.state.font_family), "heading_family": str(ctx.state.heading_family),
            "footer_before": before, "footer_middle": middle, "footer_after": after}
