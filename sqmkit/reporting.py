"""Improvement reports of a workspace: one client's (``sqmkit report``) or a group's
(:func:`render_group_report`, several clients side by side), from the store's inspections and
actions, written as ``report.html`` and ``report.pdf``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Callable

from .errors import StoreError
from .messages import _
from .model import Regulation
from .periods import Period, parse_period
from .report_data import ReportData, report_data
from .workspace import Workspace


def default_out(ws: Workspace, client_id: str, period: Period) -> Path:
    """``out/<client>/reports/<period>/`` beside the client's built site."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in period.label)
    return ws.out_dir / client_id / "reports" / safe


def _load(ws: Workspace) -> Callable[[str], Regulation]:
    from .build import load
    from .plugins import get_plugin_manager

    mgr = get_plugin_manager()
    return lambda client_id: load(ws.profile_path(client_id), mgr)[3]


def collect(ws: Workspace, client_ids: list[str], period: Period, today: dt.date,
            regulation: Callable[[str], Regulation] | None = None) -> tuple[list[ReportData], str]:
    """Each client's figures over the period, and the document language of the first."""
    from .store import open_store

    regulation = regulation or _load(ws)
    regs = {c: regulation(c) for c in client_ids}
    problems: list[StoreError] = []
    with open_store(ws.store_path) as st:
        rows = {c: (st.inspections(c, problems), st.actions(c, problems)) for c in client_ids}
    data = [report_data(regs[c], rows[c][0], rows[c][1], period, today) for c in client_ids]
    return data, regs[client_ids[0]].language


def render_report(ws: Workspace, client_id: str, period: Period, out_dir: Path | None = None,
                  today: dt.date | None = None, regulation: Callable[[str], Regulation] | None = None
                  ) -> tuple[Path, Path, ReportData]:
    """One client's report: ``(report.html, report.pdf, figures)``."""
    from .render.improvement_report import report_html, site_base, words, write_report

    out = out_dir or default_out(ws, client_id, period)
    [data], lang = collect(ws, [client_id], period, today or dt.date.today(), regulation)
    title = f"{data.company} {words(lang)['title']}"
    html = report_html([data], lang, title, {client_id: site_base(out, ws.out_dir / client_id)})
    page, pdf = write_report(html, out)
    return page, pdf, data


def render_group_report(ws: Workspace, client_ids: list[str], period: Period | str, out_dir: Path, title: str,
                        today: dt.date | None = None, regulation: Callable[[str], Regulation] | None = None,
                        language: str | None = None, company: str | None = None
                        ) -> tuple[Path, Path, list[ReportData]]:
    """A group's report: a side-by-side table (inspections, average, grades, open and overdue
    actions, KPIs met per unit), then each client's sections. Its wording is in ``language``
    (the group's; default: the first client's), the clients' own content in theirs;
    ``company`` (the group's name) heads the pages."""
    from .render.improvement_report import report_html, site_base, write_report

    if not client_ids:
        raise StoreError(_("a group report needs at least one client"))
    if isinstance(period, str):
        period = parse_period(period)
    data, lang = collect(ws, client_ids, period, today or dt.date.today(), regulation)
    bases = {c: site_base(out_dir, ws.out_dir / c) for c in client_ids}
    html = report_html(data, language or lang, title, bases, group=True, company=company)
    page, pdf = write_report(html, out_dir)
    return page, pdf, data


def summary(data: ReportData) -> dict[str, Any]:
    return {"inspections": data.inspections, "open_actions": len(data.open_actions), "overdue": data.overdue}
