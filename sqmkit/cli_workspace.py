"""The workspace commands: ``sqmkit init``, ``sqmkit client …`` and ``sqmkit build`` (one client,
a profile file, or ``--all``). The core lives in :mod:`sqmkit.workspace`, :mod:`sqmkit.clients`
and :mod:`sqmkit.batch`; here are only options, prompts and output."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import click

from .messages import _
from .workspace import Workspace, resolve_target

if TYPE_CHECKING:  # pragma: no cover
    from .plugins import Manager

workspace_option = click.option(
    "--workspace", "workspace", type=click.Path(), envvar="SQMKIT_WORKSPACE", default=None,
    help="the workspace folder (default: the nearest folder holding sqmkit.toml, here or above)")


def find_workspace(explicit: str | None) -> Workspace | None:
    """The workspace of a command: ``--workspace`` / ``SQMKIT_WORKSPACE``, else found walking up."""
    return Workspace.find(explicit=explicit)


def need_workspace(explicit: str | None) -> Workspace:
    """The workspace, or a message saying how to make one."""
    ws = find_workspace(explicit)
    if ws is None:
        from .workspace import WorkspaceError

        raise WorkspaceError(_("no workspace here or above (no sqmkit.toml found); make one with 'sqmkit init "
                               "DIR', or give --workspace"))
    return ws


def _manager() -> "Manager":
    from .cli import get_manager  # at call time: cli imports this module

    return get_manager()


def _progress(quiet: bool) -> Callable[[str], None]:
    start = time.perf_counter()

    def say(message: str) -> None:
        if not quiet:
            click.echo(f"[{time.perf_counter() - start:6.1f}s] {message}", err=True)

    return say


@click.command()
@click.argument("directory", type=click.Path(file_okay=False), default=".")
@click.option("--name", default=None, help="the workspace's name (default: the folder's name)")
def init(directory: str, name: str | None) -> None:
    """Make a workspace in DIRECTORY (default: here): sqmkit.toml, clients/ and the store."""
    ws = Workspace.init(Path(directory), name=name)
    click.echo(_("made the workspace {root}: {config}, {clients}/, {store}").format(
        root=ws.root, config=ws.config_path.name, clients=ws.config.clients, store=ws.config.store))
    click.echo(_("next: sqmkit client new INDUSTRY ID, or sqmkit client import FILE"))


def _chosen_formats(formats: tuple[str, ...]) -> list[str] | None:
    return [f.strip() for spec in formats for f in spec.split(",") if f.strip()] or None


def _stores(ws: Workspace | None, store: str | None, no_store: bool) -> Path | None:
    """The store a build records into: none when asked, ``--store`` when given (kept for
    compatibility), else the workspace's; outside a workspace, none."""
    if no_store:
        return None
    if store is not None:
        return Path(store)
    return ws.store_path if ws is not None else None


@click.command()
@click.argument("target", required=False, metavar="CLIENT|PROFILE")
@click.option("--all", "build_all", is_flag=True, help="build every client of the workspace")
@click.option("-o", "--out", "out", type=click.Path(file_okay=False), default=None,
              help="output folder (default: the workspace's out/; required outside a workspace)")
@click.option("-f", "--format", "formats", multiple=True,
              help="output format(s) to build: html, pdf, forms, checklists, docx (repeat or comma-separate; "
                   "default all but docx); the other formats of the last build are kept when still current")
@click.option("--templates", type=click.Path(file_okay=False, exists=True), help="a folder of template overrides")
@workspace_option
@click.option("--store", "store", type=click.Path(dir_okay=False), envvar="SQMKIT_STORE", default=None,
              help="a store file to use instead of the workspace's (compatibility)")
@click.option("--no-store", is_flag=True, help="do not read or record anything in the store")
@click.option("-q", "--quiet", is_flag=True, help="no progress messages")
@click.option("--force", is_flag=True, help="build everything asked for, even what the build cache says is current")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="with --all: clients built at once, each in a process of its own (default: the number of cores)")
@click.option("--executor", default="local", show_default=True, metavar="local|dask://HOST:PORT",
              help="with --all: where the clients are built: local processes, or a Dask cluster's scheduler")
def build(target: str | None, build_all: bool, out: str | None, formats: tuple[str, ...], templates: str | None,
          workspace: str | None, store: str | None, no_store: bool, quiet: bool, force: bool, jobs: int | None,
          executor: str) -> None:
    """Build a client's handbook site, PDF, forms and checklists into OUT/<client-id>/.

    CLIENT is a client id of the workspace; PROFILE a profile file (outside a workspace it builds
    as a draft, without a store)."""
    ws = find_workspace(workspace)
    if build_all or target is None:
        if not build_all:
            raise click.UsageError(_("give a client id or a profile file, or --all"))
        if target is not None:
            raise click.UsageError(_("--all builds every client; give no CLIENT with it"))
        from .batch import run_all_cli

        run_all_cli(need_workspace(workspace), _manager(), out, _chosen_formats(formats), templates, quiet,
                    force=force, jobs=jobs, executor=executor)
        return
    from .cli_group import build_named_group  # a group's id: its units and its portal, as 'group build'

    if not build_named_group(target, ws, out, _chosen_formats(formats), quiet):
        _build_one(target, ws, out, _chosen_formats(formats), templates, _stores(ws, store, no_store), quiet, force)


def _build_one(target: str, ws: Workspace | None, out: str | None, formats: list[str] | None, templates: str | None,
               store: Path | None, quiet: bool, force: bool = False) -> None:
    from .build import build as run_build

    profile, owner = resolve_target(target, ws)
    if owner is None:
        note = _("note: {profile} is not a client of a workspace, so this build is a draft and no store is used "
                 "(make a workspace with 'sqmkit init' and 'sqmkit client import')") if store is None else \
            _("note: {profile} is not a client of a workspace, so this build is a draft")
        click.echo(note.format(profile=profile), err=True)
    else:
        from .clients import check_file_id

        check_file_id(profile)
    if out is None and owner is None:
        raise click.UsageError(_("outside a workspace, give the output folder with -o"))
    out_root = Path(out) if out is not None else owner.out_dir if owner is not None else Path("out")
    result = run_build(profile, out_root, formats, mgr=_manager(), templates=templates, store_path=store,
                       progress=_progress(quiet), force=force)
    if result.cached:
        click.echo(_("{folder} is up to date: the inputs are those of its last build, so nothing was built "
                     "({files} files; --force builds again)").format(folder=result.out_dir, files=len(result.files)))
        return
    reg = result.regulation
    click.echo(_("built {company} {title} ({number} {version}): {chapters} chapters, {forms} forms, "
                 "{checklists} checklists, {files} files in {folder} ({seconds}s)").format(
        company=reg.company.short_name, title=reg.title, number=reg.document.number, version=reg.document.version,
        chapters=len(reg.chapters), forms=len(reg.forms), checklists=len(reg.checklists), files=len(result.files),
        folder=result.out_dir, seconds=f"{result.timings['total']:.1f}"))


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def is_tty() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


# ---------------------------------------------------------------------------------------------
# sqmkit client …
# ---------------------------------------------------------------------------------------------


@click.group()
def client() -> None:
    """The workspace's clients: new, list, show, edit, import, export, delete."""


@client.command("new")
@click.argument("industry_id", metavar="INDUSTRY")
@click.argument("client_id", metavar="ID")
@click.option("--company", help="the company's full name")
@click.option("--short-name", help="the company's short name (default: the full name without its legal form)")
@click.option("--modules", default=None, help="optional modules to switch on, comma-separated")
@click.option("--language", default="zh-CN", show_default=True, help="the document language (zh-CN or en)")
@workspace_option
def client_new(industry_id: str, client_id: str, company: str | None, short_name: str | None, modules: str | None,
               language: str, workspace: str | None) -> None:
    """Write clients/ID.yaml for a new client of INDUSTRY (asks for the essentials on a terminal)."""
    from .clients import new_client
    from .reference import find_industry

    ws = need_workspace(workspace)
    ws.new_profile_path(client_id)  # refuse a taken id before asking anything
    mgr = _manager()
    industry = find_industry(mgr.industries(), industry_id)
    if is_tty():
        from .profile_writer import PLACEHOLDER_COMPANY, short_name as derived

        company = company or click.prompt(_("company name"), default=PLACEHOLDER_COMPANY)
        short_name = short_name or click.prompt(_("short name"), default=derived(company))
        if modules is None and industry.modules:
            known = ", ".join(m.id for m in industry.modules)
            modules = click.prompt(_("optional modules ({known}), comma-separated").format(known=known), default="",
                                   show_default=False)
    path = new_client(ws, mgr, industry.id, client_id, company=company, short_name=short_name,
                      modules=modules or "", language=language)
    click.echo(_("wrote {path}; next: sqmkit build {id}").format(path=path, id=client_id))


@client.command("list")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@workspace_option
def client_list(as_json: bool, workspace: str | None) -> None:
    """Every client: company, industry, modules, version, last issue, last build, stale outputs."""
    from .clients import check_unique, client_rows
    from .store import shown

    ws = need_workspace(workspace)
    check_unique(ws)
    rows = client_rows(ws, _manager())
    if as_json:
        echo_json([r.to_json() for r in rows])
        return
    for r in rows:
        issue = r.last_issue or {}
        issued = f"{issue.get('version')} {issue.get('date')} {issue.get('by') or ''}".strip() if issue else "—"
        built = (r.last_build or {}).get("at") or "—"
        stale = _("stale: {why}").format(why=_stale_words(r.stale)) if r.stale else _("current")
        cells = (r.id, r.company or "?", r.industry or "?", ",".join(r.modules) or "—", r.version or "?",
                 _("issued {what}").format(what=issued), _("built {when}").format(when=built), stale)
        click.echo("\t".join(shown(c) for c in cells))
        if r.problem:
            click.echo("  " + shown(r.problem))
    click.echo(_("{n} client(s) in {root}").format(n=len(rows), root=ws.root))


@client.command("show")
@click.argument("client_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@workspace_option
def client_show(client_id: str, as_json: bool, workspace: str | None) -> None:
    """One client: its profile file, versions issued and builds."""
    from .clients import client_rows
    from .store import open_store, shown

    ws = need_workspace(workspace)
    path = ws.profile_path(client_id)
    row = next(r for r in client_rows(ws, _manager()) if r.id == client_id)
    with open_store(ws.store_path) as store:
        versions, builds = store.versions(client_id), store.builds(client_id)
    if as_json:
        echo_json({**row.to_json(), "profile": str(path), "versions": [
            {k: v.get(k) for k in ("version", "date", "by", "description")} for v in versions],
            "builds": len(builds)})
        return
    click.echo(f"{row.id}: {shown(row.company)} ({shown(row.industry)}), {path}")
    click.echo(_("document version {version}; modules: {modules}").format(
        version=shown(row.version), modules=", ".join(row.modules) or "—"))
    for v in versions:
        click.echo("  " + "\t".join(shown(v.get(k) or "") for k in ("version", "date", "by", "description")))
    click.echo(_("{n} version(s) issued, {b} build(s); outputs: {state}").format(
        n=len(versions), b=len(builds), state=_stale_words(row.stale) or _("current")))


@client.command("edit")
@click.argument("client_id", metavar="ID")
@workspace_option
def client_edit(client_id: str, workspace: str | None) -> None:
    """Edit clients/ID.yaml in $EDITOR; the result is checked in full and kept only when valid."""
    from .clients import accept_edit, edit_copy
    from .errors import SqmkitError

    ws = need_workspace(workspace)
    mgr = _manager()
    copy = edit_copy(ws, client_id)
    try:
        while True:
            click.edit(filename=str(copy))
            try:
                changed = accept_edit(ws, mgr, client_id, copy)
            except SqmkitError as exc:
                click.echo(_("the edited profile is not valid, so nothing was changed:"), err=True)
                click.echo(str(exc), err=True)
                if is_tty() and click.confirm(_("edit it again?"), default=True):
                    continue
                raise click.exceptions.Exit(1) from None
            click.echo(_("saved {path}").format(path=ws.profile_path(client_id)) if changed else _("no change"))
            return
    finally:
        copy.unlink(missing_ok=True)


@client.command("import")
@click.argument("source", type=click.Path(dir_okay=False, exists=True))
@workspace_option
def client_import(source: str, workspace: str | None) -> None:
    """Add the profile FILE as a client (checked in full; an id the workspace has is refused)."""
    from .clients import import_client

    ws = need_workspace(workspace)
    cid, path = import_client(ws, _manager(), Path(source))
    click.echo(_("imported {id} as {path}").format(id=cid, path=path))


@client.command("export")
@click.argument("client_id", metavar="ID")
@click.option("-o", "--out", "out", type=click.Path(), required=True, help="the file to write")
@click.option("--force", is_flag=True, help="replace the file if it exists")
@workspace_option
def client_export(client_id: str, out: str, force: bool, workspace: str | None) -> None:
    """Write the client's profile to a file, byte for byte."""
    from .clients import export_client

    path = export_client(need_workspace(workspace), client_id, Path(out), force)
    click.echo(_("exported {id} to {path}").format(id=client_id, path=path))


@client.command("delete")
@click.argument("client_id", metavar="ID")
@click.option("-y", "--yes", is_flag=True, help="do not ask for confirmation")
@workspace_option
def client_delete(client_id: str, yes: bool, workspace: str | None) -> None:
    """Remove a client's profile (a copy is kept under archive/ID/; issued versions stay)."""
    from .clients import delete_client

    ws = need_workspace(workspace)
    ws.profile_path(client_id)
    if not yes:
        click.confirm(_("delete client {id}? Its profile is kept in {archive}").format(
            id=client_id, archive=ws.archive_dir / client_id), abort=True)
    kept = delete_client(ws, client_id)
    click.echo(_("deleted {id}; its profile is kept as {path}").format(id=client_id, path=kept))


def _stale_words(codes: list[str]) -> str:
    """The reasons outputs are stale (codes as in ``client list --json``), in the user's language."""
    words = {"never built": _("never built"), "profile": _("the profile changed"),
             "plugins": _("the plugins changed"), "issue": _("issued since")}
    return _(", ").join(words.get(c, c) for c in codes) if codes else ""
