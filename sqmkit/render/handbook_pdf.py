"""The print-ready handbook: one HTML document laid out into ``handbook.pdf``."""

from __future__ import annotations

from ..formats import RenderContext
from ..printing import print_settings, write_pdf
from .environment import Links


def handbook_html(ctx: RenderContext) -> str:
    """The single HTML document the handbook PDF is laid out from."""
    links = Links(ctx.regulation, ctx.numbering, "print")
    return ctx.env.get_template("handbook/print.html").render(links=links, logo=ctx.options.logo,
                                                             **print_settings(ctx))


def render(ctx: RenderContext) -> None:
    reg = ctx.regulation
    html = handbook_html(ctx)
    ctx.progress(f"PDF: laying out {len(reg.chapters)} chapters with WeasyPrint")
    write_pdf(html, ctx.out_dir, ctx.out_dir / "handbook.pdf")
