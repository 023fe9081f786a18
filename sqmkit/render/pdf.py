"""The print-ready handbook, rendered by WeasyPrint. The only module that imports weasyprint
(besides forms, which prints through :func:`write_pdf` here)."""

from __future__ import annotations

import logging
from pathlib import Path

from ..errors import BuildError
from ..fonts import require_cjk_font
from ..outputs import RenderContext
from .environment import Links


def _fetcher(root: Path):
    from weasyprint.urls import URLFetcher

    root = root.resolve()

    class LocalOnlyFetcher(URLFetcher):
        """Only files inside the output folder and data: URLs; never the network."""

        def fetch(self, url, headers=None):
            if url.startswith("file://"):
                from urllib.parse import unquote, urlparse

                path = Path(unquote(urlparse(url).path)).resolve()
                if path != root and root not in path.parents:
                    raise ValueError(f"refusing to read {path}: outside the build folder")
            elif not url.startswith("data:"):
                raise ValueError(f"refusing to fetch {url}: builds never use the network")
            return super().fetch(url, headers)

    return LocalOnlyFetcher(allowed_protocols=("file", "data"))


def write_pdf(html: str, base_dir: Path, target: Path, title: str) -> None:
    """Render ``html`` to ``target`` reproducibly (no dates, a content-derived identifier)."""
    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    doc = weasyprint.HTML(string=html, base_url=base_dir.resolve().as_uri() + "/", url_fetcher=_fetcher(base_dir))
    try:
        data = doc.write_pdf(pdf_identifier=False, uncompressed_pdf=False)
    except Exception as exc:  # WeasyPrint's own failure: report it without a traceback
        raise BuildError(f"WeasyPrint could not render {target.name}: {type(exc).__name__}: {exc}") from exc
    target.write_bytes(data)


def font_settings(ctx: RenderContext) -> dict:
    """Font family and footer wording for a printed document. The CJK font and its coverage of
    every character are checked once per build (handbook and forms PDF share the result)."""
    font = ctx.options.get("cjk_font")
    if font is None:
        font = ctx.options["cjk_font"] = require_cjk_font(ctx.regulation.all_text())
    footer = ctx.env.globals["msg"]["page_footer"]
    before, _, rest = footer.partition("{page}")
    middle, _, after = rest.partition("{pages}")
    return {"font_family": font.family, "footer_before": before, "footer_middle": middle, "footer_after": after}


def handbook_html(ctx: RenderContext) -> str:
    """The single HTML document the handbook PDF is laid out from."""
    links = Links(ctx.regulation, ctx.numbering, "print")
    return ctx.env.get_template("handbook/print.html").render(links=links, logo=ctx.options.get("logo"),
                                                             **font_settings(ctx))


def render(ctx: RenderContext) -> None:
    reg = ctx.regulation
    html = handbook_html(ctx)
    ctx.progress(f"PDF: laying out {len(reg.chapters)} chapters with WeasyPrint")
    write_pdf(html, ctx.out_dir, ctx.out_dir / "handbook.pdf", reg.title)
