"""The built-in default plugin (``sqmkit.default``).

It is registered exactly like an industry plugin and uses the same public API: a
:class:`~sqmkit.DataPack` holding the general provisions (总则: purpose, basis) and supplementary
provisions (附则: interpretation, precedence, revision, effect) every regulation carries, plus the
core output formats (html, checklists, forms, pdf; docx on request).
"""

from pathlib import Path

from sqmkit import DataPack, OutputFormat, RenderContext, hookimpl


class CorePlugin(DataPack):
    """The core's own content and formats."""

    @hookimpl
    def register_output_formats(self) -> list[OutputFormat]:
        return [
            OutputFormat("html", "the handbook as a static HTML site (index.html, chapter pages)", render_html, 10),
            OutputFormat("checklists", "self-scoring HTML inspection checklists (checklists/*.html)",
                         render_checklists, 20),
            OutputFormat("forms", "printable blank forms (forms/*.html and forms.pdf)", render_forms, 30),
            OutputFormat("pdf", "the print-ready handbook (handbook.pdf)", render_pdf, 40),
            OutputFormat("docx", "Word editions for editing: handbook.docx and forms.docx (on request)",
                         render_docx, 50, on_request=True),
        ]


# Each renderer is imported when its format runs, not by every command that lists the formats: a
# build the cache finds up to date needs neither Jinja nor WeasyPrint nor python-docx.

def render_html(ctx: RenderContext) -> None:
    """The HTML site (:func:`sqmkit.render.html_site.render`)."""
    from sqmkit.render import html_site

    html_site.render(ctx)


def render_checklists(ctx: RenderContext) -> None:
    """The HTML checklists (:func:`sqmkit.render.checklists.render`)."""
    from sqmkit.render import checklists

    checklists.render(ctx)


def render_forms(ctx: RenderContext) -> None:
    """The blank forms and forms.pdf (:func:`sqmkit.render.forms.render`)."""
    from sqmkit.render import forms

    forms.render(ctx)


def render_pdf(ctx: RenderContext) -> None:
    """The handbook PDF (:func:`sqmkit.render.handbook_pdf.render`)."""
    from sqmkit.render import handbook_pdf

    handbook_pdf.render(ctx)


def render_docx(ctx: RenderContext) -> None:
    """The Word editions (:func:`sqmkit.render.docx_handbook.render`): python-docx is imported
    when they are asked for, not by every build that registers the formats."""
    from sqmkit.render import docx_handbook

    docx_handbook.render(ctx)


plugin = CorePlugin(Path(__file__).parent / "data")
