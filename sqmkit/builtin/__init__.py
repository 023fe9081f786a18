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
        from sqmkit.render import checklists, forms, handbook_pdf, html_site

        return [
            OutputFormat("html", "the handbook as a static HTML site (index.html, chapter pages)", html_site.render, 10),
            OutputFormat("checklists", "self-scoring HTML inspection checklists (checklists/*.html)",
                         checklists.render, 20),
            OutputFormat("forms", "printable blank forms (forms/*.html and forms.pdf)", forms.render, 30),
            OutputFormat("pdf", "the print-ready handbook (handbook.pdf)", handbook_pdf.render, 40),
            OutputFormat("docx", "Word editions for editing: handbook.docx and forms.docx (on request)",
                         render_docx, 50, on_request=True),
        ]


def render_docx(ctx: RenderContext) -> None:
    """The Word editions (:func:`sqmkit.render.docx_handbook.render`): python-docx is imported
    when they are asked for, not by every build that registers the formats."""
    from sqmkit.render import docx_handbook

    docx_handbook.render(ctx)


plugin = CorePlugin(Path(__file__).parent / "data")
