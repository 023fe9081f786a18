"""The built-in default plugin (``sqmkit.default``).

It is registered exactly like an industry plugin and uses the same public API: a
:class:`~sqmkit.DataPack` holding the general provisions (总则: purpose, basis) and supplementary
provisions (附则: interpretation, precedence, revision, effect) every regulation carries, plus the
core output formats (html, checklists, forms, pdf; docx on request).
"""

from pathlib import Path

from sqmkit import DataPack, OutputFormat, hookimpl


class CorePlugin(DataPack):
    """The core's own content and formats."""

    @hookimpl
    def register_output_formats(self) -> list[OutputFormat]:
        from sqmkit.render import checklists, docx_handbook, forms, handbook_pdf, html_site

        return [
            OutputFormat("html", "the handbook as a static HTML site (index.html, chapter pages)", html_site.render, 10),
            OutputFormat("checklists", "self-scoring HTML inspection checklists (checklists/*.html)",
                         checklists.render, 20),
            OutputFormat("forms", "printable blank forms (forms/*.html and forms.pdf)", forms.render, 30),
            OutputFormat("pdf", "the print-ready handbook (handbook.pdf)", handbook_pdf.render, 40),
            OutputFormat("docx", "Word editions for editing: handbook.docx and forms.docx (on request)",
                         docx_handbook.render, 50, on_request=True),
        ]


plugin = CorePlugin(Path(__file__).parent / "data")
