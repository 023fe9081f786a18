"""``sqmkit report CLIENT --period 2026Q1`` (or ``--from/--to``): the improvement report as
HTML and PDF (:mod:`sqmkit.reporting`)."""

from __future__ import annotations

from pathlib import Path

import click

from .cli_workspace import need_workspace, workspace_option
from .messages import _


@click.command()
@click.argument("client_id")
@click.option("--period", default=None, help="2026Q1 (a quarter), 2026-03 (a month) or 2026 (a year)")
@click.option("--from", "start", default=None, help="first day, YYYY-MM-DD")
@click.option("--to", "end", default=None, help="last day, YYYY-MM-DD")
@click.option("-o", "--out", "out", type=click.Path(file_okay=False), default=None,
              help="the folder for report.html and report.pdf (default: out/CLIENT/reports/PERIOD)")
@click.option("--today", default=None, help="the day overdue actions are judged on (default: today)")
@workspace_option
def report(client_id: str, period: str | None, start: str | None, end: str | None, out: str | None,
           today: str | None, workspace: str | None) -> None:
    """Render a client's improvement report over a period: grades, score trends, most-failed
    clauses, open and overdue actions, KPI attainment, inspections planned against done."""
    from .periods import choose_period, parse_day
    from .reporting import render_report

    ws = need_workspace(workspace)
    chosen = choose_period(period, start, end, required=True)
    assert chosen is not None
    day = parse_day(today, "--today") if today else None
    page, pdf, data = render_report(ws, client_id, chosen, Path(out) if out else None, day)
    if data.empty:
        click.echo(_("no inspection of {client} in {period}: the report says so").format(
            client=client_id, period=chosen.label))
    click.echo(_("report: {html} and {pdf} ({n} inspection(s), {open} open action(s), {overdue} overdue)").format(
        html=page, pdf=pdf, n=data.inspections, open=len(data.open_actions), overdue=data.overdue))
