"""Printing HTML to PDF with WeasyPrint: the only module that imports weasyprint.

Reproducible (no dates, no identifier, pinned versions), confined (only files inside the output
folder and ``data:`` URLs, never the network) and glyph-safe (every character is proven to have
a glyph before anything is laid out).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Mapping

from .errors import BuildError
from .fonts import require_cjk_font
from .formats import RenderContext


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


def write_pdf(html: str, base_dir: Path, target: Path) -> None:
    """Render ``html`` to ``target`` reproducibly; relative URLs resolve inside ``base_dir``."""
    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    doc = weasyprint.HTML(string=html, base_url=base_dir.resolve().as_uri() + "/", url_fetcher=_fetcher(base_dir))
    try:
        data = doc.write_pdf(pdf_identifier=False, uncompressed_pdf=False)
    except Exception as exc:  # WeasyPrint's own failure: report it without a traceback
        raise BuildError(f"WeasyPrint could not render {target.name}: {type(exc).__name__}: {exc}") from exc
    target.write_bytes(data)


def print_settings(ctx: RenderContext) -> dict[str, str]:
    """Font family and footer wording for a printed document. The CJK font and its coverage of
    every character are checked once per build (the handbook and forms PDFs share the result)."""
    if ctx.state.font_family is None:
        ctx.state.font_family = require_cjk_font("".join(ctx.regulation.texts())).family
    msg = ctx.env.globals["msg"]  # the language's messages (render.environment.make_environment)
    if not isinstance(msg, Mapping):
        raise BuildError("the template environment's msg global is not a mapping of messages")
    footer: str = msg["page_footer"]
    before, _, rest = footer.partition("{page}")
    middle, _, after = rest.partition("{pages}")
    return {"font_family": ctx.state.font_family, "footer_before": before, "footer_middle": middle,
            "footer_after": after}
