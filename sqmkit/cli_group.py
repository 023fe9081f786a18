"""The ``sqmkit group`` commands: a group company and its units in one workspace.

``group new`` writes ``groups/ID.yaml``; ``group show`` lists the units, their versions and
states; ``group build`` builds every unit (the normal per-client build) and the group's portal
(``sqmkit build ID`` with a group's id does the same: :func:`build_named_group`);
``group report`` puts the units' inspection figures side by side. The core is in
:mod:`sqmkit.groups` and :mod:`sqmkit.render.portal`.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .cli_workspace import _manager, _progress, need_workspace, workspace_option
from .messages import _

if TYPE_CHECKING:  # pragma: no cover
    from .groups import GroupProfile
    from .workspace import Workspace


@click.group("group")
def group() -> None:
    """Group companies (集团): units in several industries, one portal, group-wide rules."""


@group.command("new")
@click.argument("group_id", metavar="ID")
@click.option("--name", required=True, help="the group company's full name")
@click.option("--short-name", default=None, help="its short name (default: the name)")
@click.option("--units", required=True, help="the unit client ids, comma-separated")
@click.option("--policy", required=True, help="the group's quality policy, quoted in every unit's regulation")
@workspace_option
def group_new(group_id: str, name: str, short_name: str | None, units: str, policy: str, workspace: str | None) -> None:
    """Write groups/ID.yaml: a group whose units are clients of the workspace."""
    from .groups import GROUPS_DIR, load_group
    from .yamlemit import scalar

    ws = need_workspace(workspace)
    path = ws.root / GROUPS_DIR / f"{group_id}.yaml"
    if path.exists():
        raise click.ClickException(_("group {id!r} already exists ({path})").format(id=group_id, path=path))
    ids = [u.strip() for u in units.split(",") if u.strip()]
    lines = [f"id: {scalar(group_id)}", f"name: {scalar(name)}", f"short_name: {scalar(short_name or name)}",
             "units: [" + ", ".join(scalar(u) for u in ids) + "]", f"policy: {scalar(policy)}",
             "rules: []", "organization: []", ""]
    path.parent.mkdir(exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    try:
        load_group(path)
    except Exception:
        path.unlink()
        raise
    click.echo(_("wrote {path}; add the group's rules and organization there, then: sqmkit group build {id}").format(
        path=path, id=group_id))


def _load(workspace: str | None, group_id: str):  # type: ignore[no-untyped-def]
    from .groups import group_path, load_group

    ws = need_workspace(workspace)
    return ws, load_group(group_path(ws.root, group_id))


@group.command("show")
@click.argument("group_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="as JSON")
@workspace_option
def group_show(group_id: str, as_json: bool, workspace: str | None) -> None:
    """The group's units: company, industry and modules, version, draft or issued."""
    from .build import load

    ws, grp = _load(workspace, group_id)
    rows = []
    for unit in grp.units:
        _m, prof, _doc, reg = load(ws.profile_path(unit), _manager(), ws.store_path)
        rows.append({"unit": unit, "company": reg.company.name, "industry": prof.industry, "modules": prof.modules,
                     "version": reg.document.version, "status": "draft" if reg.draft else "issued"})
    if as_json:
        click.echo(json.dumps({"group": grp.id, "name": grp.name, "units": rows}, ensure_ascii=False, indent=2))
        return
    click.echo(f"{grp.id}  {grp.name}")
    for r in rows:
        status = _("draft") if r["status"] == "draft" else _("issued")
        click.echo(f"  {r['unit']}  {r['company']}  {r['industry']} [{', '.join(r['modules'])}]  {r['version']}  "
                   f"{status}")


@group.command("build")
@click.argument("group_id", metavar="ID")
@click.option("-o", "--out", "out", type=click.Path(file_okay=False), default=None,
              help="output folder (default: the workspace's out/)")
@click.option("-f", "--format", "formats", multiple=True, help="the units' output formats (as for build)")
@click.option("--site-only", is_flag=True, help="write the portal over the units' last builds; build no unit")
@workspace_option
@click.option("-q", "--quiet", is_flag=True, help="no progress messages")
def group_build(group_id: str, out: str | None, formats: tuple[str, ...], site_only: bool, workspace: str | None,
                quiet: bool) -> None:
    """Build every unit of the group and the group's portal (OUT/ID/index.html)."""
    ws, grp = _load(workspace, group_id)
    chosen = [f.strip() for spec in formats for f in spec.split(",") if f.strip()] or None
    _run_build(ws, grp, out, chosen, site_only, quiet)


def _run_build(ws: "Workspace", grp: "GroupProfile", out: str | None, formats: list[str] | None, site_only: bool,
               quiet: bool) -> None:
    from .groupbuild import build_group
    from .messages import set_language

    t0 = time.perf_counter()
    result = build_group(ws, grp, _manager(), Path(out) if out else None, formats, site_only, _progress(quiet))
    set_language(grp.language)  # each unit's build spoke its own profile's language; the summary is the group's
    for unit in result.units:
        state = _("draft") if unit.draft else _("issued")
        click.echo(f"{unit.id}: {unit.company} {unit.version} {state}")
    click.echo(_("portal: {path} ({count} units, {seconds:.1f} s)").format(
        path=result.portal / "index.html", count=len(result.units), seconds=time.perf_counter() - t0))


def build_named_group(target: str, ws: "Workspace | None", out: str | None, formats: list[str] | None,
                      quiet: bool) -> bool:
    """``sqmkit build ID`` where ID is a group of the workspace (and not a client): what ``group
    build ID`` does. Returns whether it was a group."""
    from .workspace import GROUPS_DIR

    if ws is None or "/" in target or "\\" in target or target in ws.client_ids():
        return False
    path = next((ws.root / GROUPS_DIR / f"{target}{suffix}" for suffix in (".yaml", ".yml")
                 if (ws.root / GROUPS_DIR / f"{target}{suffix}").is_file()), None)
    if path is None:
        return False
    from .groups import load_group

    _run_build(ws, load_group(path), out, formats, False, quiet)
    return True


@group.command("report")
@click.argument("group_id", metavar="ID")
@click.option("--period", default=None, help="2026Q1 (a quarter), 2026-03 (a month) or 2026 (a year)")
@click.option("--from", "start", default=None, help="first day, YYYY-MM-DD")
@click.option("--to", "end", default=None, help="last day, YYYY-MM-DD")
@click.option("-o", "--out", "out", type=click.Path(file_okay=False), default=None,
              help="output folder (default: the workspace's out/ID-reports/PERIOD/)")
@click.option("--today", default=None, help="the day overdue actions are judged on (default: today)")
@workspace_option
def group_report(group_id: str, period: str | None, start: str | None, end: str | None, out: str | None,
                 today: str | None, workspace: str | None) -> None:
    """Every unit's grades, open actions and KPI attainment side by side, then each unit's
    figures (report.html, report.pdf), worded in the group's language."""
    from .periods import choose_period, parse_day
    from .render.improvement_report import words
    from .reporting import render_group_report

    ws, grp = _load(workspace, group_id)
    chosen = choose_period(period, start, end, required=True)
    assert chosen is not None
    day = parse_day(today, "--today") if today else None
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in chosen.label)
    target = Path(out) if out else ws.out_dir / f"{grp.id}-reports" / safe
    title = grp.short_name + (" " if grp.language == "en" else "") + words(grp.language)["group_title"]
    page, pdf, data = render_group_report(ws, list(grp.units), chosen, target, title, day, language=grp.language,
                                          company=grp.name)
    click.echo(_("group report of {count} units: {page} and {pdf}").format(count=len(data), page=page, pdf=pdf))
    for d in data:
        click.echo(_("  {client}: {n} inspection(s), {open} open action(s), {overdue} overdue").format(
            client=d.client, n=d.inspections, open=len(d.open_actions), overdue=d.overdue))


COMMANDS = (group,)
