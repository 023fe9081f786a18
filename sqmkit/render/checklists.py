"""Self-scoring inspection checklists: one self-contained HTML file each (inline CSS and JS, no
network), scoring live in the browser by the rules of :mod:`sqmkit.inspections`."""

from __future__ import annotations

from ..formats import RenderContext
from ..inspections import checklist_payload
from .environment import Links
from ..messages import _


def render(ctx: RenderContext) -> None:
    reg, env = ctx.regulation, ctx.env
    links = Links(reg, ctx.numbering, "site", "../")
    page = env.get_template("checklist/checklist.html")
    ctx.progress(_("checklists: {count} self-scoring pages").format(count=len(reg.checklists)))
    for checklist in reg.checklists:
        html = page.render(links=links, checklist=checklist, data=checklist_payload(reg, checklist))
        ctx.write_text(f"checklists/{checklist.id}.html", html)
