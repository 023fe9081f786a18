"""The ``sqmkit`` command line. A thin layer: every command calls the core, and only here are
domain errors turned into one-line messages with exit code 1 (usage errors exit 2)."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import click

from . import __version__
from .errors import PluginError, SqmkitError

if TYPE_CHECKING:  # pragma: no cover
    from .plugins import Manager

DEFAULT_STORE = "sqmkit-store.json"

class Session:
    """The plugin manager of one CLI process, built on first use (so a broken plugin surfaces when
    a command needs plugins, not at ``--help``)."""

    def __init__(self) -> None:
        self._mgr: "Manager | None" = None
        self._error: PluginError | None = None

    def manager(self) -> "Manager":
        if self._error is not None:
            raise self._error
        if self._mgr is None:
            from .plugins import get_plugin_manager

            self._mgr = get_plugin_manager()
        return self._mgr

    def use(self, mgr: "Manager | None" = None, error: PluginError | None = None) -> None:
        """Set the manager (or the error building it raised); ``use()`` forgets both."""
        self._mgr, self._error = mgr, error


#: the current process's session; tests reset it with ``session.use()``
session = Session()


def get_manager() -> "Manager":
    return session.manager()


class SqmkitGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SqmkitError as exc:
            raise click.ClickException(str(exc)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:  # a bug: say so plainly; SQMKIT_DEBUG=1 shows the traceback
            if os.environ.get("SQMKIT_DEBUG"):
                raise
            raise click.ClickException(
                f"internal error: {type(exc).__name__}: {exc} (run with SQMKIT_DEBUG=1 for details)") from None


store_option = click.option("--store", "store", type=click.Path(dir_okay=False), envvar="SQMKIT_STORE",
                            default=DEFAULT_STORE, show_default=True, help="the workspace store (TinyDB JSON file)")
profile_argument = click.argument("profile", type=click.Path(dir_okay=False))


@click.group(cls=SqmkitGroup)
@click.version_option(__version__, prog_name="sqmkit")
def cli() -> None:
    """sqmkit: tailored service-quality management regulations (服务质量管理制度)."""


def _progress(quiet: bool) -> Callable[[str], None]:
    start = time.perf_counter()

    def say(message: str) -> None:
        if not quiet:
            click.echo(f"[{time.perf_counter() - start:6.1f}s] {message}", err=True)

    return say


@cli.command()
@profile_argument
@click.option("-o", "--out", "out", type=click.Path(file_okay=False), required=True, help="output folder")
@click.option("-f", "--format", "formats", multiple=True,
              help="output format(s) to build: html, pdf, forms, checklists (repeat or comma-separate; default all)")
@click.option("--templates", type=click.Path(file_okay=False, exists=True), help="a folder of template overrides")
@store_option
@click.option("--no-store", is_flag=True, help="do not read or record anything in the store")
@click.option("-q", "--quiet", is_flag=True, help="no progress messages")
def build(profile: str, out: str, formats: tuple[str, ...], templates: str | None, store: str, no_store: bool,
          quiet: bool) -> None:
    """Build a client's handbook site, PDF, forms and checklists into OUT/<client-id>/."""
    from .build import build as run_build

    chosen = [f.strip() for spec in formats for f in spec.split(",") if f.strip()] or None
    result = run_build(profile, out, chosen, mgr=get_manager(), templates=templates,
                       store_path=None if no_store else store, progress=_progress(quiet))
    reg = result.regulation
    click.echo(f"built {reg.company.short_name} {reg.title} ({reg.document.number} {reg.document.version}): "
               f"{len(reg.chapters)} chapters, {len(reg.forms)} forms, {len(reg.checklists)} checklists, "
               f"{len(result.files)} files in {result.out_dir} ({result.timings['total']:.1f}s)")


@cli.command()
@profile_argument
def check(profile: str) -> None:
    """Validate a profile and assemble its regulation without writing anything."""
    from .build import load

    _, prof, _, reg = load(profile, get_manager())
    n_articles = sum(len(c.articles) for c in reg.chapters)
    click.echo(f"{profile}: OK — {prof.industry}, modules [{', '.join(prof.modules)}], {len(reg.chapters)} chapters, "
               f"{n_articles} articles, {len(reg.forms)} forms, {len(reg.checklists)} checklists")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="print JSON")
def industries(as_json: bool) -> None:
    """List the industries the installed plugins provide, with their modules."""
    found = get_manager().industries()
    rows: list[dict[str, Any]] = [  # JSON objects, printed as they are
        {"id": ind.id, "name": ind.name.get("zh-CN"), "name_en": ind.name.get("en"), "plugin": plugin,
         "modules": [{"id": m.id, "name": m.name.get("zh-CN")} for m in ind.modules]}
        for ind_id, (plugin, ind) in sorted(found.items())]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        mods = ", ".join(f"{m['id']} ({m['name']})" for m in r["modules"]) or "—"
        click.echo(f"{r['id']}\t{r['name']} / {r['name_en']}\tmodules: {mods}\t[{r['plugin']}]")


@cli.command()
def plugins() -> None:
    """Print the installed plugins, their versions and the hooks each implements, as JSON."""
    mgr = get_manager()
    rows = [{"name": n, "version": mgr.infos[n].version, "module": mgr.infos[n].module,
             "builtin": mgr.infos[n].builtin, "hooks": mgr.hooks_of(n)} for n in mgr.order()]
    click.echo(json.dumps(rows, ensure_ascii=False, indent=2))


@cli.command()
@profile_argument
@click.option("-m", "--message", "description", required=True, help="what changed in this version")
@store_option
def issue(profile: str, description: str, store: str) -> None:
    """Issue the profile's document version: record it, with a text snapshot, in the store."""
    from .build import load
    from .store import open_store
    from .versions import snapshot

    _, prof, _, reg = load(profile, get_manager())
    with open_store(store) as st:
        st.add_version(prof.id, prof.document.version, prof.document.effective_date.isoformat(), description,
                       snapshot(reg))
        st.save_client(prof.id, prof.model_dump(mode="json"), str(prof.source))
    click.echo(f"issued {prof.id} version {prof.document.version} ({prof.document.effective_date})")


@cli.command()
@profile_argument
@store_option
def diff(profile: str, store: str) -> None:
    """Show what changed in the regulation text since the last issued version."""
    from .build import load
    from .store import open_store
    from .versions import diff as diff_snapshots, snapshot

    _, prof, _, reg = load(profile, get_manager())
    with open_store(store) as st:
        versions = st.versions(prof.id)
    if not versions:
        raise click.ClickException(f"no version of {prof.id!r} has been issued yet (use: sqmkit issue {profile} -m …)")
    changes = diff_snapshots(versions[-1]["snapshot"], snapshot(reg))
    for change in changes:
        if change.old is None:
            click.echo(click.style(f"+ {change.key}: {change.new}", fg="green"))
        elif change.new is None:
            click.echo(click.style(f"- {change.key}: {change.old}", fg="red"))
        else:
            click.echo(f"~ {change.key}")
            for line in change.detail():
                click.echo("    " + line)
    click.echo(f"{len(changes)} clause(s) changed since version {versions[-1]['version']}")


@cli.group()
def results() -> None:
    """Inspection results exported from the HTML checklists."""


@results.command("import")
@click.argument("result_file", type=click.Path(dir_okay=False, exists=True))
@click.option("--profile", "profile", type=click.Path(dir_okay=False), required=True)
@store_option
def results_import(result_file: str, profile: str, store: str) -> None:
    """Re-score an exported checklist result against the profile's checklist and store it."""
    from .build import load
    from .errors import DataError
    from .inspections import read_result
    from .store import now_iso, open_store

    try:
        text = Path(result_file).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise DataError(result_file, "", "not a JSON result file (not UTF-8 text)") from None
    _, _, _, reg = load(profile, get_manager())
    result = read_result(result_file, text, reg, now_iso())
    with open_store(store) as st:
        st.add_inspection(result.record)
    stale = " (note: recorded on a different checklist version)" if result.stale else ""
    click.echo(f"stored: {result.checklist.title} total {result.score.total} grade {result.score.grade}{stale}")


@results.command("list")
@click.argument("client_id")
@store_option
def results_list(client_id: str, store: str) -> None:
    """List stored inspection results of a client."""
    from .store import open_store

    with open_store(store) as st:
        rows = st.inspections(client_id)
    for r in rows:
        click.echo(f"{r['imported_at']}\t{r['checklist']}\t{r['total']}\t{r['grade']}\t{r['fields'].get('inspectee', '')}")
    click.echo(f"{len(rows)} result(s)")


from .plugin_cli import plugin as _plugin_group  # noqa: E402

cli.add_command(_plugin_group)


def main(argv: list[str] | None = None) -> None:
    try:
        get_manager().add_commands(cli)
    except PluginError as exc:
        # keep the CLI usable (--help, the message itself); commands needing plugins re-raise it
        session.use(error=exc)
    cli.main(args=argv, prog_name="sqmkit")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
