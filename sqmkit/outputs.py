"""Output formats: what ``sqmkit build --format`` can produce.

A format is a name plus a ``render(ctx)`` callable writing files below ``ctx.out_dir``. The
core's own formats are contributed by the default plugin through ``register_output_formats``,
exactly as a third-party plugin would add, say, a Word export.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import jinja2

from .model import Regulation
from .numbering import Numbering


@dataclass
class RenderContext:
    """What a format's ``render`` gets: the model, where to write, and shared helpers."""

    regulation: Regulation
    out_dir: Path
    env: jinja2.Environment
    numbering: Numbering
    progress: Callable[[str], None] = lambda message: None
    options: dict[str, Any] = field(default_factory=dict)

    def write_text(self, relpath: str, text: str) -> Path:
        path = self.out_dir / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        return path


@dataclass(frozen=True)
class OutputFormat:
    name: str
    description: str
    render: Callable[[RenderContext], None]
    #: formats run in this order (the PDF after the HTML it may reuse)
    order: int = 100


def core_formats() -> list[OutputFormat]:
    from .render import checklists, forms, html_site, pdf

    return [
        OutputFormat("html", "the handbook as a static HTML site (index.html, chapter pages)", html_site.render, 10),
        OutputFormat("checklists", "self-scoring HTML inspection checklists (checklists/*.html)", checklists.render, 20),
        OutputFormat("forms", "printable blank forms (forms/*.html and forms.pdf)", forms.render, 30),
        OutputFormat("pdf", "the print-ready handbook (handbook.pdf)", pdf.render, 40),
    ]
