"""Self-scoring inspection checklists: one self-contained HTML file each (inline CSS and JS, no
network), scoring live in the browser by the rules of :mod:`sqmkit.scoring`."""

from __future__ import annotations

import hashlib
import json

from ..outputs import RenderContext
from .environment import Links


def checklist_data(reg, checklist) -> dict:
    """The scoring data embedded in the page (and mirrored by sqmkit.scoring)."""
    payload = {
        "client": reg.profile.id,
        "checklist": checklist.id,
        "bands": [{"grade": b["grade"], "min": b["min"]} for b in checklist.bands],
        "fail_grade": checklist.fail_grade,
        "items": [{"id": i["id"], "max": i["max"], "weight": i["weight"], "veto": i["veto"], "mode": i["mode"]}
                  for i in checklist.items()],
    }
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]
    payload["build"] = f"{reg.document['number']}@{reg.document['version']}#{digest}"
    return payload


def render(ctx: RenderContext) -> None:
    reg, env = ctx.regulation, ctx.env
    links = Links(reg, ctx.numbering, "site", "../")
    page = env.get_template("checklist/checklist.html")
    ctx.progress(f"checklists: {len(reg.checklists)} self-scoring pages")
    for checklist in reg.checklists:
        html = page.render(links=links, checklist=checklist, data=checklist_data(reg, checklist))
        ctx.write_text(f"checklists/{checklist.id}.html", html)
