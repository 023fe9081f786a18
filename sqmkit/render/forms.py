"""Printable blank forms: one HTML page per form, and ``forms.pdf``.

Each form is laid out as a document of its own, so every sheet carries the company, the form's
title and number and 第 x 页 / 共 y 页 *of that form*, and a loose sheet can be identified; the
forms are then bound into one PDF. A register's ruled rows fill its last page. A field named
``grade`` on a form that records a grade scale offers the client's grades as tick boxes.
"""

from __future__ import annotations

from ..formats import RenderContext
from ..model import ArticleNode, FormNode, GradesNode, Regulation
from ..printing import TAGGED, Part, layout, print_settings, shared_fonts, wording, write_parts
from .environment import Links
from ..messages import _


def form_number(reg: Regulation, form: FormNode) -> str:
    """The number printed on every sheet: the document number and the form's code."""
    return f"{reg.document.number}-{form.code}" if form.code else reg.document.number


def grade_choices(reg: Regulation, form: FormNode) -> dict[str, list[str]]:
    """Field id → the client's grades, for the grade fields (``grade``, ``…-grade``) of a form
    that records a clause holding a grade scale."""
    bands = None
    for clause_id in form.clauses:
        clause = reg.index.clauses.get(clause_id)
        if isinstance(clause, ArticleNode) and isinstance(clause.block, GradesNode):
            bands = clause.block.bands
            break
    if not bands:
        return {}
    return {f.id: [b.grade for b in bands] for f in form.fields()
            if f.type == "text" and (f.id == "grade" or f.id.endswith("-grade"))}


def _sheet_html(ctx: RenderContext, form: FormNode, rows: int, label: str | None, compact: bool = False) -> str:
    reg = ctx.regulation
    # Alone in forms.pdf a clause number is plain text; bound into the handbook it links.
    return ctx.env.get_template("forms/print.html").render(
        links=Links(reg, ctx.numbering, "print"), link_clauses=bool(label), form=form, rows=rows,
        number=form_number(reg, form), grade_choices=grade_choices(reg, form), attachment=label, compact=compact,
        anchor=f"attachment-{form.id}" if label else form.id, **print_settings(ctx))


def _form_part(ctx: RenderContext, form: FormNode, label: str | None) -> Part:
    """One form laid out on its own. A register gets as many more rows as its last page holds;
    a record form whose last sheet would hold only a remnant is set tighter to save that sheet."""
    prefix = f"{label or form.code or ''}-" if (label or form.code) else ""
    part = layout(_sheet_html(ctx, form, form.rows, label), ctx.out_dir, "forms.pdf", prefix=prefix)
    if form.layout != "register":
        if part.pages > 1 and part.last_page_share() < 0.3:
            tighter = layout(_sheet_html(ctx, form, form.rows, label, compact=True), ctx.out_dir, "forms.pdf",
                             prefix=prefix)
            return tighter if tighter.pages < part.pages else part
        return part
    return _fill_register(ctx, form, label, prefix, part)


def _fill_register(ctx: RenderContext, form: FormNode, label: str | None, prefix: str, part: Part) -> Part:
    """The register with as many more rows as fit on its last page. A last page holding only
    the form's closing note gets rows too, below the repeated column heads."""
    heights = part.rows("blank-row") or part.rows("blank-row", 0)
    if not heights:
        return part
    row, free = heights[-1], part.free_height()
    if not part.rows("blank-row"):
        free -= sum(part.rows("head-row", 0))
    extra = int(free // row)
    for _try in range(3):  # rounding may push the last row over: then one fewer
        if extra <= 0:
            break
        fuller = layout(_sheet_html(ctx, form, form.rows + extra, label), ctx.out_dir, "forms.pdf", prefix=prefix)
        if fuller.pages == part.pages:
            return fuller
        extra -= 1
    return part


def form_parts(ctx: RenderContext, attached: bool = False) -> list[Part]:
    """Every form laid out on its own, in order; ``attached`` labels them 附件1, 附件2 … for
    binding into the handbook."""
    msg = wording(ctx)
    return [_form_part(ctx, form, msg["attachment_n"].format(n=i) if attached else None)
            for i, form in enumerate(ctx.regulation.forms, 1)]


def render(ctx: RenderContext) -> None:
    reg, env = ctx.regulation, ctx.env
    if not reg.forms:
        return
    ctx.progress(_("forms: {count} blank forms and forms.pdf").format(count=len(reg.forms)))
    page = env.get_template("forms/form.html")
    site_links = Links(reg, ctx.numbering, "site", "../")
    for form in reg.forms:
        ctx.write_text(f"forms/{form.id}.html", page.render(
            links=site_links, link_clauses=True, form=form, rows=form.rows, number=form_number(reg, form),
            grade_choices=grade_choices(reg, form), anchor=form.id))
    if "forms" in ctx.state.pages_only:  # a companion of `build -f html`: the pages the site links to
        return
    title = f"{reg.company.short_name} {wording(ctx)['forms']}"
    with shared_fonts():  # the faces opened once for every form, not once a form (printing.shared_fonts)
        parts = form_parts(ctx)
    write_parts(parts, ctx.out_dir / "forms.pdf", TAGGED, title=title)
