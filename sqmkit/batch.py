"""``sqmkit build --all``: every client of a workspace, one after the other, with a progress bar
(plain lines when not on a terminal), a summary table, and a failure of one client reported
without stopping the others."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import click

from .columns import table
from .errors import SqmkitError
from .messages import _

if TYPE_CHECKING:  # pragma: no cover
    from .plugins import Manager
    from .workspace import Workspace


@dataclass
class Outcome:
    """One client's result in ``build --all``."""

    client: str
    ok: bool
    seconds: float
    files: int = 0
    problem: str | None = None


def build_client(ws: "Workspace", mgr: "Manager", client_id: str, out: Path, formats: list[str] | None,
                 templates: str | None) -> Outcome:
    """Build one client of the workspace; a problem is the outcome, not an exception."""
    from .build import build
    from .clients import check_file_id

    start = time.perf_counter()
    try:
        path = ws.profile_path(client_id)
        check_file_id(path)
        result = build(path, out, formats, mgr=mgr, templates=templates, store_path=ws.store_path)
    except SqmkitError as exc:
        return Outcome(client_id, False, time.perf_counter() - start, problem=str(exc))
    return Outcome(client_id, True, time.perf_counter() - start, len(result.files))


def build_all(ws: "Workspace", mgr: "Manager", out: Path, formats: list[str] | None, templates: str | None,
              each: Iterable[str]) -> list[Outcome]:
    return [build_client(ws, mgr, cid, out, formats, templates) for cid in each]


def summary(outcomes: list[Outcome]) -> list[str]:
    """The summary table: client, result, seconds, files; a failure's reason below it."""
    rows = [[_("client"), _("result"), _("seconds"), _("files")]]
    problems: dict[int, str] = {}
    for o in outcomes:
        rows.append([o.client, _("ok") if o.ok else _("FAILED"), f"{o.seconds:.1f}", str(o.files)])
        if o.problem:
            problems[len(rows) - 1] = o.problem
    lines = []
    for n, line in enumerate(table(rows, indent=0)):
        lines.append(line)
        if n in problems:
            lines.append("    " + problems[n])
    return lines


def run_all_cli(ws: "Workspace", mgr: "Manager", out: str | None, formats: list[str] | None,
                templates: str | None, quiet: bool) -> None:
    """``build --all`` for the command line: progress, summary, exit 1 when any client failed."""
    import sys

    from .clients import check_unique

    check_unique(ws)
    ids = ws.client_ids()
    if not ids:
        click.echo(_("the workspace has no clients yet (sqmkit client new / client import)"))
        return
    root = Path(out) if out else ws.out_dir
    _speak_like(ws.profile_path(ids[0]))
    if sys.stderr.isatty() and not quiet:
        with click.progressbar(ids, label=_("building"), file=sys.stderr,
                               item_show_func=lambda c: c or "") as bar:
            outcomes = build_all(ws, mgr, root, formats, templates, bar)
    else:
        outcomes = []
        for n, cid in enumerate(ids, 1):
            if not quiet:
                click.echo(_("[{n}/{total}] building {id}").format(n=n, total=len(ids), id=cid), err=True)
            outcomes.extend(build_all(ws, mgr, root, formats, templates, [cid]))
    for line in summary(outcomes):
        click.echo(line)
    failed = [o.client for o in outcomes if not o.ok]
    click.echo(_("{ok} of {total} built into {out}").format(ok=len(outcomes) - len(failed), total=len(outcomes),
                                                            out=root))
    if failed:
        raise click.exceptions.Exit(1)


def _speak_like(profile: Path) -> None:
    """Messages in the language of the workspace's first client from the first line on (each
    build then follows its own profile's), not in the locale's until a profile is read."""
    from .errors import SqmkitError
    from .messages import set_language
    from .yamlio import load_yaml

    try:
        data = load_yaml(profile).data
    except SqmkitError:
        return  # the build of that client reports it
    if isinstance(data, dict) and isinstance(data.get("language"), str):
        set_language(data["language"])
