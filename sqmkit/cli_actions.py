"""``sqmkit actions list|update|verify|close``: the corrective-action register
(:mod:`sqmkit.actions`) in the workspace's store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from .actions import STATUSES, is_overdue, severity_name, status_name, transition
from .cli_inspections import store_of, store_option
from .cli_workspace import workspace_option
from .errors import StoreError
from .messages import _


@click.group()
def actions() -> None:
    """Corrective actions opened by imported inspections: list, update, verify, close."""


def action_rows(rows: list[dict[str, Any]], today: dt.date) -> list[list[Any]]:
    out = []
    for a in sorted(rows, key=lambda a: (a["due"], a["id"])):
        overdue = _("overdue") if is_overdue(a, today) else ""
        out.append([a["id"], a["client"], a.get("owner_name") or "—", severity_name(a["severity"]), status_name(a["status"]),
                    a["due"], overdue, "、".join(a.get("clause_labels") or []), a.get("item_text", a["item"]),
                    a.get("remark", "")])
    return out


def _header() -> list[str]:
    return [_("id"), _("client"), _("owner"), _("severity"), _("status"), _("due"), _("overdue"), _("clauses"),
            _("item"), _("remark")]


@actions.command("list")
@click.option("--client", default=None, help="only this client's actions")
@click.option("--overdue", is_flag=True, help="only open or in-progress actions past their due date")
@click.option("--owner", default=None, help="only actions of this department (its key or its name)")
@click.option("--status", type=click.Choice(STATUSES), default=None, help="only actions of this status")
@click.option("--today", default=None, help="the day overdue is judged on (default: today), YYYY-MM-DD")
@click.option("--xlsx", "xlsx_file", type=click.Path(dir_okay=False), default=None, help="also write an XLSX file")
@store_option
@workspace_option
def list_actions(client: str | None, overdue: bool, owner: str | None, status: str | None, today: str | None,
                 xlsx_file: str | None, store: str | None, workspace: str | None) -> None:
    """List corrective actions, most urgent first."""
    from .columns import table
    from .exports import write_xlsx
    from .periods import parse_day
    from .store import open_store, shown

    day = parse_day(today, "--today") if today else dt.date.today()
    problems: list[StoreError] = []
    with open_store(store_of(store, workspace)) as st:
        rows = st.actions(client, problems)
    for problem in problems:
        click.echo(_("skipped: {problem}").format(problem=problem), err=True)
    rows = [a for a in rows if (not overdue or is_overdue(a, day)) and (not status or a["status"] == status)
            and (not owner or owner in (a.get("owner"), a.get("owner_name")))]
    cells = action_rows(rows, day)
    if cells:
        for line in table([_header(), *[[shown(c) for c in row] for row in cells]], indent=0, width=200):
            click.echo(line)
    if xlsx_file:
        write_xlsx(Path(xlsx_file), _("actions"), _header(), cells)
    click.echo(_("{n} action(s)").format(n=len(rows)))


def _change(action_id: int, store: str | None, workspace: str | None, status: str, **details: Any) -> None:
    from .store import now_iso, open_store

    with open_store(store_of(store, workspace)) as st:
        action = st.action(action_id)
        if action is None:
            raise StoreError(_("no corrective action {id} in the store").format(id=action_id),
                             hint=_("see the ids with 'sqmkit actions list'"))
        changes = transition(action, status, now_iso(), **details)
        st.update_action(action_id, changes)
    click.echo(_("action {id}: {old} → {new}").format(id=action_id, old=status_name(action["status"]),
                                                      new=status_name(status)))


@actions.command("update")
@click.argument("action_id", type=int)
@click.option("--status", type=click.Choice(["open", "in_progress", "done"]), required=True)
@click.option("--note", default="", help="what was done")
@store_option
@workspace_option
def update(action_id: int, status: str, note: str, store: str | None, workspace: str | None) -> None:
    """Move an action to open, in_progress or done (verify and close have their own commands)."""
    _change(action_id, store, workspace, status, note=note)


@actions.command("verify")
@click.argument("action_id", type=int)
@click.option("--by", "by", required=True, help="who verified the rectification")
@click.option("--note", default="", help="the evidence seen")
@store_option
@workspace_option
def verify(action_id: int, by: str, note: str, store: str | None, workspace: str | None) -> None:
    """Record that a done action was verified: by whom, when (now) and the evidence."""
    _change(action_id, store, workspace, "verified", note=note, by=by)


@actions.command("close")
@click.argument("action_id", type=int)
@click.option("--reason", required=True, help="why the action is closed without verification")
@store_option
@workspace_option
def close(action_id: int, reason: str, store: str | None, workspace: str | None) -> None:
    """Close an action that will not be verified, with the reason."""
    _change(action_id, store, workspace, "closed", reason=reason)
