"""Printable blank forms: one HTML page per form and a forms PDF with every form."""

from __future__ import annotations

from ..formats import RenderContext
from ..printing import print_settings, write_pdf
from .environment import Links


def render(ctx: RenderContext) -> None:
    reg, env = ctx.regulation, ctx.env
    if not reg.forms:
        return
    ctx.progress(f"forms: {len(reg.forms)} blank forms and forms.pdf")
    page = env.get_template("forms/form.html")
    site_links = Links(reg, ctx.numbering, "site", "../")
    for form in reg.forms:
        ctx.write_text(f"forms/{form.id}.html", page.render(links=site_links, form=form))
    # Inside the PDF, clause numbers are printed as text: a link to a local file would embed the
    # build folder's absolute path and make the PDF differ from build to build.
    print_links = Links(reg, ctx.numbering, "print")
    html = env.get_template("forms/print.html").render(links=print_links, **print_settings(ctx))
    write_pdf(html, ctx.out_dir, ctx.out_dir / "forms.pdf")
