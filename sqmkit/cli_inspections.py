"""``sqmkit inspections import|list``: inspection results exported from the HTML checklists, kept
in the workspace's store (or, outside a workspace, in a store named with ``--store``).
``sqmkit results …`` is the same group under its 0.2 name, hidden (kept for one release)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .cli_workspace import find_workspace, workspace_option
from .errors import StoreError
from .messages import _
from .workspace import Workspace, resolve_target

if TYPE_CHECKING:  # pragma: no cover
    from .importing import Target
    from .model import Regulation

store_option = click.option("--store", "store", type=click.Path(dir_okay=False), envvar="SQMKIT_STORE", default=None,
                            help="a store outside any workspace (default: the workspace's store)")


def store_of(store: str | None, workspace: str | None) -> Path:
    """The store results go to: ``--store``, else the workspace's; never one in the current
    folder by accident."""
    if store is not None:
        return Path(store)
    ws = find_workspace(workspace)
    if ws is None:
        raise StoreError(_("inspection results are kept in a workspace's store, and no workspace was found "
                           "here or above; make one with 'sqmkit init DIR' (or give --store FILE)"))
    return ws.store_path


def regulation_loader(ws: Workspace | None, profile_file: Path | None) -> tuple[Any, str | None]:
    """``load(client id) -> Regulation``, each client assembled once; and the id of the client of
    ``profile_file`` (a profile outside the workspace), if given."""
    from .build import load
    from .cli import get_manager  # at call time: cli imports this module

    cache: dict[str, Regulation] = {}
    fixed = load(profile_file, get_manager())[3] if profile_file is not None else None

    def regulation(client_id: str) -> Regulation:
        if fixed is not None and client_id == fixed.profile.id:
            return fixed
        if client_id not in cache:
            if ws is None:
                raise StoreError(_("client {client!r} is not the profile given, and there is no workspace to find it "
                                   "in").format(client=client_id))
            cache[client_id] = load(ws.profile_path(client_id), get_manager())[3]
        return cache[client_id]

    return regulation, fixed.profile.id if fixed is not None else None


def import_target(client: str | None, store: str | None, workspace: str | None) -> tuple["Target", str | None]:
    """Where ``inspections import`` puts results, and the client id the files must be for."""
    from .build import load
    from .cli import get_manager
    from .importing import Target, archive_finder

    ws = find_workspace(workspace)
    store_path = store_of(store, workspace)
    profile_file: Path | None = None
    client_id = client
    if client is not None:
        path, _ws = resolve_target(client, ws)
        if ws is None or not ws.is_client_file(path):
            profile_file = path
    regulation, fixed_id = regulation_loader(ws, profile_file)
    client_id = fixed_id or client
    root = ws.root if ws is not None else store_path.parent
    archive = ws.archive_dir if ws is not None else store_path.parent / "archive"
    finder = archive_finder(store_path, archive, lambda p: load(p, get_manager())[3])
    clients = ws.client_ids() if ws is not None and profile_file is None else None
    return Target(store_path, root, regulation, finder, clients), client_id


def _inspections_group(hidden: bool) -> click.Group:
    @click.group(hidden=hidden, help=_doc_group())
    def group() -> None:
        pass

    group.add_command(import_command)
    group.add_command(list_command)
    return group


def _doc_group() -> str:
    return "Inspection results exported from the HTML checklists: import them, list them."


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--client", "--profile", "client", default=None,
              help="the client the results are for (a client id of the workspace, or a profile file); "
                   "by default each file's own client")
@click.option("--accept-rescore", is_flag=True, help="store a result whose own total or grade differs from the "
                                                      "re-score (the re-score is stored, flagged)")
@click.option("--accept-incomplete", is_flag=True, help="store an unfinished result (flagged incomplete)")
@store_option
@workspace_option
def import_command(paths: tuple[str, ...], client: str | None, accept_rescore: bool, accept_incomplete: bool,
                   store: str | None, workspace: str | None) -> None:
    """Import result files (FILE or FOLDER: every *.json in it): each is checked against the
    checklist version it was recorded on, re-scored, stored once, and its failed items become
    corrective actions. Exit status 1 if any file was refused."""
    from .importing import Options, import_files
    from .store import now_iso

    target, client_id = import_target(client, store, workspace)
    opts = Options(client_id, accept_rescore, accept_incomplete)
    summary = import_files(list(paths), target, opts, now_iso())
    for outcome in summary.outcomes:
        click.echo(outcome.message, err=outcome.status == "refused")
    stored, skipped, refused = summary.count("stored"), summary.count("skipped"), summary.count("refused")
    actions = sum(o.actions for o in summary.outcomes)
    click.echo(_("{stored} stored, {skipped} skipped (already stored), {refused} refused; {actions} corrective "
                 "action(s) opened").format(stored=stored, skipped=skipped, refused=refused, actions=actions))
    replaced = summary.count("replaced")
    if replaced:
        click.echo(_("{n} incomplete result(s) replaced by the finished one").format(n=replaced))
    if refused:
        click.get_current_context().exit(1)


def _matches(row: dict[str, Any], checklist: str | None, inspector: str | None, grade: str | None,
             period: Any) -> bool:
    if checklist and row["checklist"] != checklist:
        return False
    if grade and row["grade"] != grade:
        return False
    if inspector and inspector not in str((row.get("fields") or {}).get("inspector", "")):
        return False
    if period is not None:
        day = dt.date.fromisoformat(str(row.get("date") or row["imported_at"][:10]))
        if day not in period:
            return False
    return True


LIST_COLUMNS = ("date", "client", "checklist", "inspector", "site", "inspectee", "total", "grade", "flags", "actions")


def list_rows(rows: list[dict[str, Any]]) -> list[list[Any]]:
    out = []
    for r in sorted(rows, key=lambda r: (str(r.get("date") or r["imported_at"]), r["client"], r["checklist"])):
        f = r.get("fields") or {}
        flags = [name for name in ("incomplete", "rescored") if r.get(name)]
        out.append([r.get("date") or r["imported_at"][:10], r["client"], r["checklist"], f.get("inspector", ""),
                    f.get("site", ""), f.get("inspectee", ""), r["total"], r["grade"], ",".join(flags),
                    r.get("actions", 0)])
    return out


@click.command("list")
@click.argument("client_id", required=False)
@click.option("--client", "client_opt", default=None, help="only this client's results")
@click.option("--checklist", default=None, help="only results of this checklist id")
@click.option("--period", default=None, help="2026Q1, 2026-03 or 2026")
@click.option("--from", "start", default=None, help="first day, YYYY-MM-DD")
@click.option("--to", "end", default=None, help="last day, YYYY-MM-DD")
@click.option("--inspector", default=None, help="results whose inspector contains this text")
@click.option("--grade", default=None, help="only results of this grade")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False), default=None, help="also write a CSV file")
@click.option("--xlsx", "xlsx_file", type=click.Path(dir_okay=False), default=None, help="also write an XLSX file")
@store_option
@workspace_option
def list_command(client_id: str | None, client_opt: str | None, checklist: str | None, period: str | None,
                 start: str | None, end: str | None, inspector: str | None, grade: str | None,
                 csv_file: str | None, xlsx_file: str | None, store: str | None, workspace: str | None) -> None:
    """List stored inspection results, filtered (records that are not readable are reported and
    skipped); write them as CSV or XLSX."""
    from .columns import table
    from .exports import write_csv, write_xlsx
    from .periods import choose_period
    from .store import open_store, shown

    client = client_opt or client_id
    chosen = choose_period(period, start, end)
    problems: list[StoreError] = []
    with open_store(store_of(store, workspace)) as st:
        rows = st.inspections(client, problems) if client else st.all_inspections(problems)
    for problem in problems:
        click.echo(_("skipped: {problem}").format(problem=problem), err=True)
    rows = [r for r in rows if _matches(r, checklist, inspector, grade, chosen)]
    cells = list_rows(rows)
    header = [_("date"), _("client"), _("checklist"), _("inspector"), _("site"), _("inspectee"), _("total"),
              _("grade"), _("flags"), _("actions")]
    if cells:
        shown_rows = [["—" if c is None else shown(c) for c in row] for row in cells]  # no total or grade: —
        for line in table([header, *shown_rows], indent=0, width=200):
            click.echo(line)
    if csv_file:
        write_csv(Path(csv_file), header, cells)
    if xlsx_file:
        write_xlsx(Path(xlsx_file), _("inspections"), header, cells)
    click.echo(_("{n} result(s)").format(n=len(rows)))


inspections = _inspections_group(hidden=False)
inspections.name = "inspections"
results = _inspections_group(hidden=True)
results.name = "results"
