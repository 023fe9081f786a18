"""The version commands: ``sqmkit issue``, ``sqmkit rebuild`` and ``sqmkit diff``. The core
lives in :mod:`sqmkit.issuing`, :mod:`sqmkit.revdiff` and :mod:`sqmkit.render.diff_report`; here
are only options and output."""

from __future__ import annotations

import getpass
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .cli_workspace import find_workspace, workspace_option
from .messages import _
from .workspace import Workspace, WorkspaceError, resolve_target

if TYPE_CHECKING:  # pragma: no cover
    from .issuing import Place
    from .plugins import Manager
    from .revdiff import Diff

#: the longest ``issue -m`` message
MAX_ISSUE_MESSAGE = 2000

store_option = click.option("--store", "store", type=click.Path(dir_okay=False), envvar="SQMKIT_STORE", default=None,
                            help="a store outside any workspace (kept for compatibility; its archive/ is beside it)")


def _manager() -> "Manager":
    from .cli import get_manager  # at call time: cli imports this module

    return get_manager()


def _issue_message(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """An ``issue -m`` message: not blank, at most :data:`MAX_ISSUE_MESSAGE` characters, no
    control characters (newline and tab are fine)."""
    if not value.strip():
        raise click.BadParameter(_("the message is empty; say what changed in this version"))
    if len(value) > MAX_ISSUE_MESSAGE:
        raise click.BadParameter(_("the message has {n} characters; the limit is {limit}").format(
            n=len(value), limit=MAX_ISSUE_MESSAGE))
    bad = next((ch for ch in value if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") and ch not in "\n\t"), None)
    if bad is not None:
        raise click.BadParameter(_("the message contains the control character U+{code:04X}").format(code=ord(bad)))
    return value.strip()


def _place(ws: Workspace | None, store: str | None) -> "Place":
    from .issuing import Place

    if store is not None:
        path = Path(store)
        return Place(path, path.absolute().parent / "archive")
    if ws is None:
        raise WorkspaceError(_("versions are kept in a workspace, and none was found here or above; make one "
                               "with 'sqmkit init DIR' and import the profile with 'sqmkit client import FILE'"))
    return Place(ws.store_path, ws.archive_dir)


def _target(target: str, workspace: str | None, store: str | None) -> tuple[Path, "Place"]:
    ws = find_workspace(workspace)
    path, owner = resolve_target(target, ws)
    return path, _place(owner if store is None else ws, store)


def _say(quiet: bool) -> Any:
    return (lambda m: None) if quiet else (lambda m: click.echo(f"  {m}", err=True))


@click.command()
@click.argument("target", metavar="CLIENT|PROFILE")
@click.option("-m", "--message", "description", required=True, callback=_issue_message,
              help="what changed in this version, for the revision log (at most 2000 characters)")
@click.option("--by", "by", default=None, help="who issues it (default: your login name)")
@click.option("--date", "date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="the date of issue (default: the profile's document.effective_date)")
@workspace_option
@store_option
@click.option("-q", "--quiet", is_flag=True, help="no progress messages")
def issue(target: str, description: str, by: str | None, date: Any, workspace: str | None, store: str | None,
          quiet: bool) -> None:
    """Issue the client's document version: freeze its inputs, build and archive the outputs
    immutably under archive/ID/VERSION/, and record who issued it and when."""
    from .issuing import issue as run_issue

    path, place = _target(target, workspace, store)
    who = by if by and by.strip() else getpass.getuser()
    done = run_issue(place, path, description, who.strip(), date.date() if date else None, _manager(), _say(quiet))
    r = done.record
    click.echo(_("issued {client} version {version} ({date}) by {by}: {files} files archived in {folder}").format(
        client=r["client"], version=r["version"], date=r["date"], by=r["by"], files=len(done.files),
        folder=done.folder))
    click.echo(_("revision log: {line}").format(line=r["description"]))


@click.command()
@click.argument("client_id", metavar="CLIENT")
@click.argument("version")
@workspace_option
@store_option
@click.option("-q", "--quiet", is_flag=True, help="no progress messages")
def rebuild(client_id: str, version: str, workspace: str | None, store: str | None, quiet: bool) -> None:
    """Rebuild an issued VERSION from its frozen inputs and check every file against the
    archive's manifest (exit 1 on any mismatch)."""
    from .issuing import rebuild as run_rebuild

    place = _place(find_workspace(workspace), store)
    found = run_rebuild(place, client_id, version, _manager(), _say(quiet))
    names = {"match": _("match"), "changed": _("MISMATCH"), "missing": _("missing"), "extra": _("extra")}
    for title, checks in ((_("archive against its manifest"), found.archive),
                          (_("rebuilt outputs against the manifest"), found.outputs)):
        bad = [c for c in checks if c.status != "match"]
        click.echo(_("{title}: {good} of {total} files match").format(
            title=title, good=len(checks) - len(bad), total=len(checks)))
        for c in bad:
            click.echo(f"  {names[c.status]}: {c.file}")
    changed = {n for n in set(found.plugins_then) | set(found.plugins_now)
               if found.plugins_then.get(n) != found.plugins_now.get(n)}
    for name in sorted(changed):
        click.echo(_("note: plugin {name} was {then} at issue, is {now} now").format(
            name=name, then=found.plugins_then.get(name) or "-", now=found.plugins_now.get(name) or "-"))
    if not found.ok():
        raise click.exceptions.Exit(1)
    click.echo(_("{client} {version}: the archive is intact and rebuilds to the same bytes").format(
        client=client_id, version=version))


def _echo_diff(diff: "Diff") -> None:
    from .revdiff import inline, profile_line, words

    w = words(diff.language)
    for c in diff.units:
        where = c.where + (f"（{w['formerly']}{c.formerly}）" if c.formerly else "")
        if c.status == "added":
            click.echo(click.style(f"+ {where}: {c.new}", fg="green"))
        elif c.status == "removed":
            click.echo(click.style(f"- {where}: {c.old}", fg="red"))
        else:
            click.echo(f"~ {where}")
            if c.old is not None and c.new is not None:
                click.echo("    " + inline(c.old, c.new))
            for cell in c.cells:
                click.echo(f"    {cell.row} / {cell.column}: {inline(cell.old, cell.new)}")
            for label in c.rows_added:
                click.echo(click.style(f"    + {w['row']} {label}", fg="green"))
            for label in c.rows_removed:
                click.echo(click.style(f"    - {w['row']} {label}", fg="red"))
    for p in diff.profile:
        click.echo(f"* {w[p.category]}: {profile_line(p, diff.language)}")


@click.command()
@click.argument("target", metavar="CLIENT|PROFILE")
@click.argument("versions", nargs=-1, metavar="[V1 [V2]]")
@click.option("--html", "html", type=click.Path(dir_okay=False), default=None,
              help="write the side-by-side 修订对照表 as an HTML page")
@click.option("--pdf", "pdf", type=click.Path(dir_okay=False), default=None, help="print the 修订对照表 as a PDF")
@workspace_option
@store_option
def diff(target: str, versions: tuple[str, ...], html: str | None, pdf: str | None, workspace: str | None,
         store: str | None) -> None:
    """Compare two of the issued versions and the working copy ("working"), by article number;
    default: the last issue against the working copy."""
    from .issuing import diff_versions

    if len(versions) > 2:
        raise click.UsageError(_("give at most two versions"))
    path, place = _target(target, workspace, store)
    old = versions[0] if versions else None
    new = versions[1] if len(versions) > 1 else None
    found = diff_versions(place, path, old, new, _manager())
    _echo_diff(found)
    click.echo(_("{n} item(s) changed since version {old} ({new}): {units} in the text, {profile} in the profile")
               .format(n=len(found.units) + len(found.profile), old=found.old_label, new=found.new_label,
                       units=len(found.units), profile=len(found.profile)))
    if html or pdf:
        _write_report(found, path, html, pdf)


def _write_report(found: "Diff", profile_path: Path, html: str | None, pdf: str | None) -> None:
    from .build import load
    from .fonts import find_cjk_font
    from .render.diff_report import diff_html, write_diff_pdf

    reg = load(profile_path, _manager())[3]
    page = diff_html(found, reg.company.name, reg.title, find_cjk_font().family if pdf else None)
    if html:
        Path(html).write_bytes(page.encode("utf-8"))
        click.echo(_("wrote {file}").format(file=html))
    if pdf:
        write_diff_pdf(page, Path(pdf))
        click.echo(_("wrote {file}").format(file=pdf))


COMMANDS = (issue, rebuild, diff)
