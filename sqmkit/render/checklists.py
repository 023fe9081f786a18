"""Inspection checklists as field tools: one self-contained HTML file each (inline CSS and JS, no
network) that records an inspection (header, answers, remarks, photos, optional KPI readings), scores it live by the
rules of :mod:`sqmkit.inspections`, keeps several inspections in the browser (IndexedDB), and
exports a result (JSON, format 2; CSV) and a signed paper record (print)."""

from __future__ import annotations

from typing import Any

from ..formats import RenderContext
from ..i18n import messages
from ..inspections import checklist_payload, regulation_kpis
from ..messages import _
from ..model import Regulation
from .checklist_text import page_text
from .environment import Links


def script_text(reg: Regulation) -> dict[str, Any]:
    """The page's wording its script needs (answers by name, messages with ``{placeholders}``)."""
    msg = messages(reg.language)
    return {**page_text(reg.language), "pass": msg["pass"], "fail": msg["fail"], "na": msg["na"],
            "lang": reg.language}


def departments(reg: Regulation) -> list[str]:
    """The client's department names, for the site field's suggestions (in the profile's order)."""
    return list(dict.fromkeys(name for name in reg.org.departments.values() if name))


def render(ctx: RenderContext) -> None:
    reg, env = ctx.regulation, ctx.env
    links = Links(reg, ctx.numbering, "site", "../")
    page = env.get_template("checklist/checklist.html")
    ctx.progress(_("checklists: {count} self-scoring pages").format(count=len(reg.checklists)))
    text, script, kpis = page_text(reg.language), script_text(reg), regulation_kpis(reg)
    for checklist in reg.checklists:
        html = page.render(links=links, checklist=checklist, data=checklist_payload(reg, checklist),
                           text=text, script_text=script, departments=departments(reg), kpis=kpis)
        ctx.write_text(f"checklists/{checklist.id}.html", html)
