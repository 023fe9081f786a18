"""``sqmkit results import|list``: inspection results exported from the HTML checklists, kept in
the workspace's store (or, outside a workspace, in a store named with ``--store``)."""

from __future__ import annotations

from pathlib import Path

import click

from .cli_workspace import find_workspace, workspace_option
from .errors import StoreError
from .messages import _
from .workspace import resolve_target

store_option = click.option("--store", "store", type=click.Path(dir_okay=False), envvar="SQMKIT_STORE", default=None,
                            help="a store outside any workspace (default: the workspace's store)")


def _store_of(store: str | None, workspace: str | None) -> Path:
    """The store results go to: ``--store``, else the workspace's; never one in the current
    folder by accident."""
    if store is not None:
        return Path(store)
    ws = find_workspace(workspace)
    if ws is None:
        raise StoreError(_("inspection results are kept in a workspace's store, and no workspace was found "
                           "here or above; make one with 'sqmkit init DIR' (or give --store FILE)"))
    return ws.store_path


@click.group()
def results() -> None:
    """Inspection results exported from the HTML checklists."""


@results.command("import")
@click.argument("result_file", type=click.Path(dir_okay=False, exists=True))
@click.option("--client", "--profile", "client", required=True,
              help="the client id of the workspace, or a profile file")
@store_option
@workspace_option
def results_import(result_file: str, client: str, store: str | None, workspace: str | None) -> None:
    """Re-score an exported checklist result against the client's checklist and store it
    (a result already stored is skipped)."""
    from .build import load
    from .cli import get_manager  # at call time: cli imports this module
    from .inspections import find_duplicate, read_result_file, score_result
    from .store import now_iso, open_store

    profile, _ws = resolve_target(client, find_workspace(workspace))
    store_path = _store_of(store, workspace)
    parsed = read_result_file(result_file)
    reg = load(profile, get_manager())[3]
    result = score_result(result_file, parsed, reg, now_iso())
    with open_store(store_path) as st:
        same = find_duplicate(st.inspections(reg.profile.id, problems=[]), result.digest)
        if same is None:
            st.add_inspection(result.record)
    if same is not None:
        click.echo(_("skipped: this result is already stored (imported {at}); nothing was added").format(
            at=same["imported_at"]))
        return
    stale = _(" (note: recorded on a different checklist version)") if result.stale else ""
    click.echo(_("stored: {title} total {total} grade {grade}{stale}").format(
        title=result.checklist.title, total=result.score.total, grade=result.score.grade, stale=stale))


@results.command("list")
@click.argument("client_id")
@store_option
@workspace_option
def results_list(client_id: str, store: str | None, workspace: str | None) -> None:
    """List stored inspection results of a client (records that are not readable are reported
    and skipped)."""
    from .store import open_store, shown

    problems: list[StoreError] = []
    with open_store(_store_of(store, workspace)) as st:
        rows = st.inspections(client_id, problems)
    for problem in problems:
        click.echo(_("skipped: {problem}").format(problem=problem), err=True)
    for r in rows:
        cells = (r["imported_at"], r["checklist"], r["total"], r["grade"], r.get("fields", {}).get("inspectee", ""))
        click.echo("\t".join(shown(c) for c in cells))
    click.echo(_("{n} result(s)").format(n=len(rows)))
