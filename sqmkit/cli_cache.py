"""``sqmkit cache info|clear``: what sqmkit keeps in the user's cache folder, and removing it
(:mod:`sqmkit.cacheprune` decides what an entry is and removes nothing else)."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import click

from . import cacheprune
from .diskcache import cache_root, given_max_age, max_age_days
from .messages import _

json_option = click.option("--json", "as_json", is_flag=True, help="print JSON (for scripts)")


@click.group("cache")
def cache() -> None:
    """The cache folder of derived data (parsed plugin files, compiled templates, build notes): info, clear.

    Everything there is derived data, made again when missing. Entries not used for
    $SQMKIT_CACHE_MAX_AGE_DAYS days (default 30; 0: never) are removed once a day by any sqmkit
    command; SQMKIT_CACHE_DIR= (empty) turns the cache off."""


def _root_or_say(as_json: bool, nothing: dict[str, Any]) -> Path | None:
    """The cache folder, or None after saying why there is none (caching off, no home folder)."""
    root = cache_root()
    if root is not None:
        return root
    if as_json:
        click.echo(json.dumps(nothing, indent=1))
    elif os.environ.get("SQMKIT_CACHE_DIR") == "":
        click.echo(_("caching is off (SQMKIT_CACHE_DIR is set empty): sqmkit keeps nothing"))
    else:
        click.echo(_("there is no cache folder (no home folder and no SQMKIT_CACHE_DIR): sqmkit keeps nothing"))
    return None


def _when(stamp: float | None) -> str | None:
    return dt.datetime.fromtimestamp(stamp).astimezone().isoformat(timespec="seconds") if stamp is not None else None


def _size(n: int) -> str:
    value, unit = float(n), "B"
    for bigger in ("kB", "MB", "GB"):
        if value < 1000:
            break
        value, unit = value / 1000, bigger
    return f"{n} B" if unit == "B" else f"{value:.1f} {unit}"


def _folder_json(folder: cacheprune.Folder) -> dict[str, Any]:
    return {"name": folder.name, "entries": folder.entries, "bytes": folder.size,
            "oldest_use": _when(folder.oldest), "other_files": folder.other,
            "other_jinja_version": folder.other_jinja}


@cache.command("info")
@json_option
def info(as_json: bool) -> None:
    """The cache folder and, for each of its folders, the number of entries, their size and the
    oldest last use."""
    days = max_age_days()
    root = _root_or_say(as_json, {"folder": None, "enabled": False, "max_age_days": days, "folders": []})
    if root is None:
        return
    report = cacheprune.survey(root)
    if as_json:
        click.echo(json.dumps({
            "folder": str(root), "enabled": True, "exists": root.is_dir(), "max_age_days": days,
            "last_sweep": _when(cacheprune.last_sweep(root)), "folders": [_folder_json(f) for f in report.folders],
            "entries": sum(f.entries for f in report.folders), "bytes": sum(f.size for f in report.folders),
            "symlinks_left_alone": [str(p) for p in report.links]}, indent=1))
        return
    click.echo(_("cache folder: {folder}").format(folder=root))
    _say_pruning(root, days)
    for folder in report.folders:
        oldest = _when(folder.oldest) or "-"
        click.echo(f"  {folder.name:<14} " + _("entries: {entries}, {size}, oldest last use {oldest}").format(
            entries=folder.entries, size=_size(folder.size), oldest=oldest[:16].replace("T", " ")))
        if folder.other_jinja:
            click.echo("    " + _("(another Jinja version's: 'sqmkit cache clear' removes it)"))
        if folder.other:
            click.echo("    " + _("other files, not sqmkit's, left alone: {count}").format(count=folder.other))
    if not report.folders:
        click.echo("  " + _("(no entries)"))
    click.echo(_("entries in all: {entries}, {size}").format(entries=sum(f.entries for f in report.folders),
                                                          size=_size(sum(f.size for f in report.folders))))
    _say_links(report)


def _say_pruning(root: Path, days: float) -> None:
    text = os.environ.get("SQMKIT_CACHE_MAX_AGE_DAYS", "").strip()
    if text and given_max_age() is None:
        click.echo(_("SQMKIT_CACHE_MAX_AGE_DAYS={value!r} is not a number of days: {days} days are used").format(
            value=text, days=f"{days:g}"))
    if days == 0:
        click.echo(_("automatic removal: off (SQMKIT_CACHE_MAX_AGE_DAYS=0); use 'sqmkit cache clear'"))
        return
    last = _when(cacheprune.last_sweep(root))
    click.echo(_("automatic removal: entries not used for {days} days, checked once a day (last: {last})").format(
        days=f"{days:g}", last=last[:16].replace("T", " ") if last else _("never")))


def _say_links(report: cacheprune.Report) -> None:
    for link in report.links:
        click.echo(_("left alone (a symbolic link, not followed): {path}").format(path=link))


@cache.command("clear")
@click.option("--older-than", "older_than", type=click.FloatRange(min=0), default=None, metavar="DAYS",
              help="remove only the entries not used for DAYS days (default: every entry)")
@json_option
def clear(older_than: float | None, as_json: bool) -> None:
    """Remove sqmkit's entries from the cache folder: all of them, or those not used for DAYS days.
    Nothing else is removed, no symbolic link is followed, and it is safe while sqmkit runs."""
    root = _root_or_say(as_json, {"folder": None, "enabled": False, "removed": 0, "bytes": 0})
    if root is None:
        return
    report = cacheprune.prune(root, older_than)
    if as_json:
        click.echo(json.dumps({"folder": str(root), "enabled": True, "older_than_days": older_than,
                               "removed": report.removed, "bytes": report.removed_size,
                               "folders": {f.name: {"removed": f.removed, "bytes": f.removed_size}
                                           for f in report.folders},
                               "kept": sum(f.entries for f in report.folders),
                               "symlinks_left_alone": [str(p) for p in report.links]}, indent=1))
        return
    if older_than is None:
        click.echo(_("entries removed from {folder}: {count} ({size})").format(
            count=report.removed, size=_size(report.removed_size), folder=root))
    else:
        click.echo(_("entries not used for {days} days removed from {folder}: {count} ({size}); kept: {kept}").format(
            count=report.removed, size=_size(report.removed_size), days=f"{older_than:g}", folder=root,
            kept=sum(f.entries for f in report.folders)))
    _say_links(report)
