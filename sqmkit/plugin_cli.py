"""``sqmkit plugin``: the plugin author's commands — ``new`` writes a plugin, ``check`` lints one.

Neither command loads the installed plugins through the plugin manager, so they work even while
some installed plugin is broken (which is exactly when an author needs them).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from .errors import SqmkitError


@click.group()
def plugin() -> None:
    """Write and check industry plugins (see docs/plugins.md)."""


@plugin.command("new")
@click.argument("name")
@click.option("--dir", "directory", type=click.Path(file_okay=False), default=None,
              help="the folder to create (default: ./sqmkit-NAME); must not exist or be empty")
@click.option("--zh-name", default=None, help="the industry's Chinese name, e.g. 洗衣服务 (default: NAME服务)")
@click.option("--en-name", default=None, help="the industry's English name (default: NAME in title case)")
def new(name: str, directory: str | None, zh_name: str | None, en_name: str | None) -> None:
    """Write a new plugin distribution for industry NAME (lower-case, e.g. water-supply).

    The plugin works as written: install it with pip install -e, then build its demo handbook,
    check it and run its tests.
    """
    from .scaffold import new_plugin

    try:
        sc = new_plugin(name, directory, zh_name=zh_name, en_name=en_name)
    except SqmkitError as exc:
        raise click.ClickException(str(exc)) from None
    shown = _shown(sc.target)
    click.echo(f"created plugin {sc.name!r} in {shown}/ ({len(sc.files)} files): package {sc.package}, "
               f"distribution {sc.distribution}")
    click.echo("next:")
    click.echo(f"  pip install -e {shown}")
    click.echo(f"  sqmkit plugin check {sc.name}")
    click.echo(f"  sqmkit build {_shown(sc.demo_profile)} -o out")
    click.echo(f"  pytest {shown}")


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return str(path)


@plugin.command("check")
@click.argument("targets", nargs=-1, required=True)
@click.option("--strict", is_flag=True, help="treat warnings as errors")
@click.option("-q", "--quiet", is_flag=True, help="print errors only (and the summary)")
@click.option("--no-assemble", is_flag=True, help="skip assembling the demo profiles with the real assembler")
@click.option("--json", "as_json", is_flag=True, help="print the findings as JSON")
@click.pass_context
def check(ctx: click.Context, targets: tuple[str, ...], strict: bool, quiet: bool, no_assemble: bool,
          as_json: bool) -> None:
    """Lint plugins: TARGETS are installed plugin names (courier) or folders (a distribution
    with pyproject.toml, or the sqmkit_<name> package).

    Prints one line per problem — file:line: severity: data path: problem [code] (hint) — and
    exits 1 if there is an error (or, with --strict, a warning).
    """
    from .lint import check_plugin

    failed = False
    reports = []
    for target in targets:
        try:
            report = check_plugin(target, assemble=not no_assemble)
        except SqmkitError as exc:
            raise click.ClickException(str(exc)) from None
        reports.append(report)
        failed = failed or report.failed(strict)
        if not as_json:
            click.echo(report.format(warnings=not quiet))
    if as_json:
        click.echo(json.dumps([r.to_json() for r in reports], ensure_ascii=False, indent=2))
    ctx.exit(1 if failed else 0)
