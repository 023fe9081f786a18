"""The output-format contract: what ``sqmkit build --format NAME`` runs.

A format is a name plus a ``render(ctx)`` callable writing files below ``ctx.out_dir``. The
core's own formats are contributed by the built-in default plugin through
``register_output_formats``, exactly as a third-party plugin adds, say, a Word export. This
module is a leaf: it imports nothing of sqmkit at run time, so a format's implementation can
import it without pulling in the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # pragma: no cover
    import jinja2

    from .model import Regulation
    from .numbering import Numbering


@dataclass
class RenderOptions:
    """What the build hands every format besides the model."""

    #: the client's logo, copied into the output folder (path relative to it), or None
    logo: str | None = None


@dataclass
class RenderState:
    """What one format computes and the next may reuse within one build."""

    #: the CJK font family the print formats use, once its coverage of every text is proven
    font_family: str | None = None
    #: the (sans, 黑体-like) family of the printed headings, proven the same way
    heading_family: str | None = None
    #: formats rendered only because a partial build's pages link to theirs (``build -f html``
    #: with no current forms to keep): they write their pages, not their PDFs
    pages_only: frozenset[str] = frozenset()


@dataclass
class RenderContext:
    """What a format's ``render`` gets: the model, where to write, and shared helpers."""

    regulation: "Regulation"
    out_dir: Path
    env: "jinja2.Environment"
    numbering: "Numbering"
    progress: Callable[[str], None] = lambda message: None
    options: RenderOptions = field(default_factory=RenderOptions)
    state: RenderState = field(default_factory=RenderState)

    def write_text(self, relpath: str, text: str) -> Path:
        path = self.out_dir / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        return path


@dataclass(frozen=True)
class OutputFormat:
    """A named output: ``render(ctx)`` writes its files into ``ctx.out_dir``."""

    name: str
    description: str
    render: Callable[[RenderContext], None]
    #: formats run in this order (the PDF after the HTML it may reuse)
    order: int = 100
    #: built only when asked for by name (``-f docx``), not by a build of every format
    on_request: bool = False
