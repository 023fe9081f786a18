"""The print-ready handbook, ``handbook.pdf``: a controlled document.

It is laid out in parts and bound into one PDF (:mod:`sqmkit.printing`):

1. the body (chapters, then the appendices: forms list, checklists list, and the
   clause–form–checklist matrix), numbered 第 x 页 / 共 y 页 over the body alone;
2. the front matter (cover, revision log, contents), numbered i, ii … or not at all, laid out
   after the body so the contents can print the body's page numbers;
3. with ``branding.print.bind_forms``, the blank forms as 附件, each numbered on its own.

The PDF is tagged (PDF/UA-1) and opens with its bookmarks shown; :func:`write_archival_copy`
writes the same document as PDF/A-2b for the copy kept when a version is issued.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..formats import RenderContext
from ..i18n import zh_numeral
from .. import printchunks
from ..model import Regulation
from ..printing import (ARCHIVAL, TAGGED, Part, layout, print_settings, shared_fonts, wording, write_parts,
                        written_separately)
from ..traceability import TraceRow, basis, matrix
from .environment import Links
from .forms import form_parts
from ..messages import _

if TYPE_CHECKING:
    from .handbook_chunks import Binding


@dataclass(frozen=True)
class Appendix:
    """An appendix of the printed handbook: where it starts, its label (附录一) and title."""

    anchor: str
    label: str
    title: str
    kind: str
    rows: list[TraceRow] = field(default_factory=list)


@dataclass(frozen=True)
class Attachment:
    """A blank form bound into the handbook (附件1 客户投诉登记表)."""

    label: str
    title: str


def issued_date(reg: Regulation) -> dt.date:
    """发布日期: the document control's own, else the latest revision's, else the effective date
    (the cover template computes the same)."""
    if reg.document.issued_date is not None:
        return reg.document.issued_date
    return max((r.date for r in reg.revisions), default=reg.document.effective_date)


def appendices(ctx: RenderContext) -> list[Appendix]:
    reg, msg = ctx.regulation, wording(ctx)
    found: list[tuple[str, str, list[TraceRow]]] = []
    if reg.forms:
        found.append(("forms", msg["forms_index"], []))
    if reg.checklists:
        found.append(("checklists", msg["checklists_index"], []))
    rows = matrix(reg, ctx.numbering)
    if rows:
        found.append(("matrix", msg["matrix"], rows))
    return [Appendix(f"appendix-{kind}", msg["appendix_n"].format(n=_numeral(i, reg.language)), title, kind, rows)
            for i, (kind, title, rows) in enumerate(found, 1)]


def _numeral(n: int, lang: str) -> str:
    return str(n) if lang == "en" else zh_numeral(n)


def _header(ctx: RenderContext) -> dict[str, str]:
    reg, msg = ctx.regulation, wording(ctx)
    doc = reg.document
    status = msg["cover_controlled"] if doc.controlled_copy else msg["cover_uncontrolled"]
    if doc.copy_number:
        status += f"　{msg['copy_number']}：{doc.copy_number}"
    return {"header_left": f"{doc.number}　{msg['version']} {doc.version}", "header_center": status,
            "header_right": f"{reg.company.short_name} {reg.title}"}


def context_for(ctx: RenderContext, part: str, **extra: Any) -> dict[str, Any]:
    reg = ctx.regulation
    return {"part": part, "links": Links(reg, ctx.numbering, "print"), "logo": ctx.options.logo,
            "print_options": reg.profile.branding.print,
            "basis": lambda ids: basis(reg, ctx.numbering, list(ids)),  # a form's 依据条款, ranges compressed
            # the body's chapters, each with its heading and its articles (None: all of them)
            "body_chapters": [(ch, True, None) for ch in reg.chapters], "chunk_top": None, "footer_overlay": False,
            **print_settings(ctx), **_header(ctx), **extra}


def handbook_parts(ctx: RenderContext) -> list[Part]:
    """The laid-out parts of the handbook, in binding order: front matter, body, attachments,
    the body as one document. They share one font configuration: the faces are opened once
    (:func:`shared_fonts`)."""
    with shared_fonts():
        apps = appendices(ctx)
        return _laid_out(ctx, apps, body_html(ctx, apps))


def body_html(ctx: RenderContext, apps: list[Appendix]) -> str:
    return str(ctx.env.get_template("handbook/print.html").render(context_for(ctx, "body", appendices=apps)))


def _laid_out(ctx: RenderContext, apps: list[Appendix], html: str) -> list[Part]:
    body = layout(html, ctx.out_dir, "handbook.pdf")
    attachments, listed = attachment_parts(ctx)
    front = front_part(ctx, apps, {anchor: i + 1 for anchor, i in body.anchors.items()}, listed)
    return [front, body, *attachments]


def attachment_parts(ctx: RenderContext) -> tuple[list[Part], list[Attachment]]:
    """With ``bind_forms``, the blank forms laid out as 附件, and how the contents list them."""
    reg = ctx.regulation
    if not (reg.profile.branding.print.bind_forms and reg.forms):
        return [], []
    msg = wording(ctx)
    listed = [Attachment(msg["attachment_n"].format(n=i), form.title) for i, form in enumerate(reg.forms, 1)]
    return form_parts(ctx, attached=True), listed


def front_part(ctx: RenderContext, apps: list[Appendix], toc_pages: dict[str, int], listed: list[Attachment]) -> Part:
    page = ctx.env.get_template("handbook/print.html")
    html = page.render(context_for(ctx, "front", appendices=apps, toc_pages=toc_pages, attachments=listed))
    return layout(html, ctx.out_dir, "handbook.pdf", style="r")


def render(ctx: RenderContext) -> None:
    reg = ctx.regulation
    ctx.progress(_("PDF: laying out {count} chapters with WeasyPrint").format(count=len(reg.chapters)))
    print_handbook(ctx, ctx.out_dir / "handbook.pdf", TAGGED)


def write_archival_copy(ctx: RenderContext, target: Path) -> None:
    """The handbook as PDF/A-2b (tagged too), for the copy archived when a version is issued.
    Relative URLs (the logo) resolve inside ``ctx.out_dir``; ``target`` may be anywhere."""
    print_handbook(ctx, target, ARCHIVAL)


def print_handbook(ctx: RenderContext, target: Path, variant: str) -> None:
    """Write the handbook to ``target``: laid out as one document, or a long one in chunks
    (:mod:`sqmkit.printchunks`), which gives the same pages with a fraction of the memory."""
    binding: Binding | None = None
    with shared_fonts():
        apps = appendices(ctx)
        html = body_html(ctx, apps)
        if len(html) <= printchunks.ONE_DOCUMENT_CHARS:
            write_parts(_laid_out(ctx, apps, html), target, variant)
        else:
            from .handbook_chunks import print_in_chunks  # it builds on this module's parts

            with written_separately():
                binding = print_in_chunks(ctx, apps, html, variant)
    if binding is not None:
        printchunks.release()
        binding.write(target)


def handbook_html(ctx: RenderContext, part: str = "body") -> str:
    """The HTML of one part of the handbook (``body`` or ``front``), for tests and debugging;
    the front part's contents then show no page numbers."""
    page = ctx.env.get_template("handbook/print.html")
    return page.render(context_for(ctx, part, appendices=appendices(ctx), toc_pages={}, attachments=[]))
