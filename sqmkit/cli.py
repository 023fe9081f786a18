"""The ``sqmkit`` command line. A thin layer: every command calls the core, and only here are
domain errors turned into one-line messages with exit code 1 (usage errors exit 2)."""

from __future__ import annotations

import importlib
import json
import os
import sys
from gettext import gettext as click_gettext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from .cli_workspace import find_workspace, workspace_option
from .errors import PluginError, SqmkitError
from .messages import _

if TYPE_CHECKING:  # pragma: no cover
    from .plugins import Manager


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

    def fault(self, exc: BaseException) -> PluginError | None:
        """The plugin whose code raised ``exc``, as an error naming it (None when no plugin did)."""
        if self._mgr is None:
            return None
        from .faults import plugin_fault

        return plugin_fault(self._mgr, exc)


#: the current process's session; tests reset it with ``session.use()``
session = Session()


def get_manager() -> "Manager":
    return session.manager()


class UserError(click.ClickException):
    """A message for the user, shown as ``Error: …`` in their language, exit code 1."""

    def show(self, file: Any = None) -> None:
        click.echo(_("Error: {message}").format(message=self.format_message()), file=file or sys.stderr)


#: the commands whose code is imported only when they run or show their own help: name →
#: (module, attribute, hidden, the first paragraph of their help, which ``sqmkit --help`` lists)
LAZY_COMMANDS: dict[str, tuple[str, str, bool, str]] = {
    "actions": ("cli_actions", "actions", False,
                "Corrective actions opened by imported inspections: list, update, verify, close."),
    "build": ("cli_workspace", "build", False,
              "Build a client's handbook site, PDF, forms and checklists into OUT/<client-id>/."),
    "cache": ("cli_cache", "cache", False,
              "The cache folder of derived data (parsed plugin files, compiled templates, build notes): info, clear."),
    "client": ("cli_workspace", "client", False,
               "The workspace's clients: new, list, show, edit, import, export, delete."),
    "diff": ("cli_versions", "diff", False, "Compare two of the issued versions and the working copy (\"working\"), "
             "by article number; default: the last issue against the working copy."),
    "group": ("cli_group", "group", False,
              "Group companies (集团): units in several industries, one portal, group-wide rules."),
    "init": ("cli_workspace", "init", False,
             "Make a workspace in DIRECTORY (default: here): sqmkit.toml, clients/ and the store."),
    "inspections": ("cli_inspections", "inspections", False,
                    "Inspection results exported from the HTML checklists: import them, list them."),
    "issue": ("cli_versions", "issue", False, "Issue the client's document version: freeze its inputs, build and "
              "archive the outputs immutably under archive/ID/VERSION/, and record who issued it and when."),
    "plugin": ("plugin_cli", "plugin", False, "Write and check industry plugins (see docs/plugins.md)."),
    "rebuild": ("cli_versions", "rebuild", False, "Rebuild an issued VERSION from its frozen inputs and check every "
                "file against the archive's manifest (exit 1 on any mismatch)."),
    "report": ("cli_report", "report", False, "Render a client's improvement report over a period: grades, score "
               "trends, most-failed clauses, open and overdue actions, KPI attainment, inspections planned against "
               "done."),
    "results": ("cli_inspections", "results", True,
                "Inspection results exported from the HTML checklists: import them, list them."),
    "serve": ("cli_serve", "serve", False, "Preview a client's handbook site (CLIENT: a client id of the workspace, "
              "or a profile file), rebuilt and reloaded as the profile, plugins or templates change."),
}


class SqmkitGroup(click.Group):
    """The root group: its commands of :data:`LAZY_COMMANDS` are imported on first use, so a command
    loads only its own code; ``--help`` lists them without importing them."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *(LAZY_COMMANDS if self is cli else ())})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and self is cli and cmd_name in LAZY_COMMANDS:
            module, attribute, _hidden, _help = LAZY_COMMANDS[cmd_name]
            self.add_command(getattr(importlib.import_module(f".{module}", __package__), attribute), cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """As click lists commands, a lazy command not imported yet by its help's first paragraph."""
        stand_ins = {name: click.Command(name, help=text, hidden=hidden)
                     for name, (_m, _a, hidden, text) in LAZY_COMMANDS.items()
                     if self is cli and name not in self.commands}
        commands = [(name, cmd) for name in self.list_commands(ctx)
                    if (cmd := stand_ins.get(name) or self.get_command(ctx, name)) is not None and not cmd.hidden]
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _cmd in commands)
            with formatter.section(click_gettext("Commands")):
                formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in commands])

    def resolve_command(self, ctx: click.Context,
                        args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as exc:  # "did you mean": the lazy names too
            raise click.exceptions.NoSuchCommand(exc.command_name, possibilities=self.list_commands(ctx),
                                                 ctx=ctx) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SqmkitError as exc:
            raise UserError(str(exc)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except SystemExit as exc:  # in a core command only plugin code exits: never a silent success
            if ctx.invoked_subcommand not in CORE_COMMANDS:
                raise
            raise UserError(str(session.fault(exc) or _internal(exc))) from None
        except Exception as exc:  # a plugin's bug names the plugin; else a bug of ours, said plainly
            if os.environ.get("SQMKIT_DEBUG"):
                raise
            raise UserError(str(session.fault(exc) or _internal(exc))) from None


def _internal(exc: BaseException) -> str:
    detail = repr(exc.code) if isinstance(exc, SystemExit) else exc
    return _("internal error: {kind}: {detail} (run with SQMKIT_DEBUG=1 for details)").format(
        kind=type(exc).__name__, detail=detail)


profile_argument = click.argument("profile", type=click.Path(dir_okay=False))


@click.group(cls=SqmkitGroup)
@click.version_option(__version__, prog_name="sqmkit")
def cli() -> None:
    """sqmkit: tailored service-quality management regulations (服务质量管理制度)."""


@cli.command()
@click.argument("target", metavar="CLIENT|PROFILE")
@workspace_option
def check(target: str, workspace: str | None) -> None:
    """Validate a profile (a client id of the workspace, or a profile file) and assemble its
    regulation without writing anything; every problem of the profile is reported in one run,
    sorted by line."""
    from .build import load
    from .workspace import resolve_target

    path, _owner = resolve_target(target, find_workspace(workspace))
    profile = str(path)
    _mgr, prof, _doc, reg = load(profile, get_manager())
    n_articles = sum(len(c.articles) for c in reg.chapters)
    click.echo(_("{profile}: OK — {industry}, modules [{modules}], {chapters} chapters, {articles} articles, "
                 "{forms} forms, {checklists} checklists").format(
        profile=profile, industry=prof.industry, modules=", ".join(prof.modules), chapters=len(reg.chapters),
        articles=n_articles, forms=len(reg.forms), checklists=len(reg.checklists)))
    from .assemble import composition
    from .composition import default_conflicts

    for conflict in default_conflicts(composition(_mgr, prof), prof):  # a key two industries define differently
        click.echo(_("warning: {problem}").format(problem=conflict.message()), err=True)


@cli.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@click.pass_context
def industries(ctx: click.Context, as_json: bool) -> None:
    """List the industries the installed plugins provide, with their modules
    (`industries show INDUSTRY` describes one)."""
    if ctx.invoked_subcommand is not None:
        return
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


@industries.command("show")
@click.argument("industry_id", metavar="INDUSTRY")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
def industries_show(industry_id: str, as_json: bool) -> None:
    """What a profile of INDUSTRY may set: modules, departments, posts, terms, parameters."""
    from .messages import current_language
    from .reference import find_industry, industry_reference, render_text, to_json

    ref = industry_reference(find_industry(get_manager().industries(), industry_id), current_language())
    click.echo(to_json(ref) if as_json else render_text(ref))


@cli.group()
def profile() -> None:
    """Client profiles."""


@profile.command("new")
@click.argument("industry_id", metavar="INDUSTRY")
@click.option("-o", "--out", "out", type=click.Path(dir_okay=False), required=True, help="the profile file to write")
@click.option("--modules", default="", help="optional modules to switch on, comma-separated (e.g. cod,appointment)")
@click.option("--id", "client_id", help="the client id (default: from the file name)")
@click.option("--company", help="the company's full name (default: a placeholder)")
@click.option("--language", default="zh-CN", show_default=True, help="the document language (zh-CN or en)")
@click.option("--date", "date", type=click.DateTime(formats=["%Y-%m-%d"]), help="effective date (default: today)")
@click.option("--force", is_flag=True, help="replace FILE if it exists")
def profile_new(industry_id: str, out: str, modules: str, client_id: str | None, company: str | None, language: str,
                date: Any, force: bool) -> None:
    """Write a complete profile for a new client of INDUSTRY, every field commented, to FILE."""
    from .profile_writer import new_profile

    path = new_profile(get_manager().industries(), industry_id, out, modules=modules, client_id=client_id,
                       company=company, language=language, date=date.date() if date else None, force=force)
    click.echo(_("wrote {path}; next: sqmkit check {path}").format(path=path))


@cli.command()
def plugins() -> None:
    """Print the installed plugins, their versions and the hooks each implements, as JSON."""
    mgr = get_manager()
    rows = [{"name": n, "version": mgr.infos[n].version, "module": mgr.infos[n].module,
             "builtin": mgr.infos[n].builtin, "hooks": mgr.hooks_of(n)} for n in mgr.order()]
    click.echo(json.dumps(rows, ensure_ascii=False, indent=2))


#: the commands of sqmkit itself (plugins add theirs when the CLI starts)
CORE_COMMANDS = frozenset({*cli.commands, *LAZY_COMMANDS})


def main(argv: list[str] | None = None) -> None:
    try:
        get_manager().add_commands(cli)
    except PluginError as exc:
        # keep the CLI usable (--help, the message itself); commands needing plugins re-raise it
        session.use(error=exc)
    cli.main(args=argv, prog_name="sqmkit")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
