"""Issuing a version, rebuilding an archived one, and the two sides of a diff.

``issue``: the checks (a new version, not dated before the last issue), the revision-log line
(drafted from the diff against the last issue, then the consultant's message), the frozen
inputs (the profile's bytes and the files it names, the group profile of a unit of a group,
plugin names and versions, sqmkit's version), a build of those inputs (not a draft, the
revision log frozen with it) and the archive (:mod:`sqmkit.archive`), then the record in the
store: who issued it and when. The time of issue is kept in the store and the manifest only,
never in the outputs, so a rebuild gives the same bytes. ``rebuild`` builds an archived version again from its frozen inputs and checks every
file against the manifest.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import __version__
from .archive import (
    Check, archived_records, commit, compare, folder_name, hash_files, read_manifest, remove_tree,
    seal, stale_temporaries, temp_folder, verify, write_manifest,
)
from .assemble import Issued
from .build import Frozen, build, load, profile_sha256
from .errors import StoreError
from .messages import _
from .plugins import Manager, get_plugin_manager
from .profile import Profile
from .revdiff import Diff, compare as compare_snapshots, summary
from .store import Record, Store, add_issued, now_iso, open_store
from .versions import SNAPSHOT_FORMAT, snapshot

PROFILE_FILE = "profile.yaml"


@dataclass(frozen=True)
class Place:
    """Where a client's versions live: the store and the archive folder."""

    store_path: Path
    archive_dir: Path


def recover(store: Store, archive_dir: Path) -> list[str]:
    """Finish what a killed ``issue`` left: remove its temporary folders, and record a version
    that reached the archive but not the store (from its manifest). Returns what was recorded."""
    for tmp in stale_temporaries(archive_dir):
        remove_tree(tmp)
    done = []
    for record in archived_records(archive_dir):
        if not any(r["version"] == record["version"] for r in store.versions(record["client"])):
            add_issued(store, record)
            done.append(f"{record['client']} {record['version']}")
    return done


def _last(rows: list[Record]) -> Record | None:
    return rows[-1] if rows else None


def _check_new(profile: Profile, date: dt.date, rows: list[Record], final: Path) -> None:
    version = profile.document.version
    if any(r["version"] == version for r in rows) or final.exists():
        raise StoreError(_("version {version!r} of client {client!r} is already issued").format(
            version=version, client=profile.id),
            hint=_("raise document.version in the profile to issue a new one"))
    last = _last(rows)
    if last is not None and date < dt.date.fromisoformat(last["date"]):
        raise StoreError(_("the date {date} is earlier than the last issue ({version}, {last})").format(
            date=date.isoformat(), version=last["version"], last=last["date"]),
            hint=_("set document.effective_date (or --date) to {last} or later").format(last=last["date"]))


def _freeze_inputs(profile: Profile, source: Path, inputs: Path) -> Path:
    """Copy the profile's bytes and the files it names (logo, template folder) into ``inputs``,
    and the group profile of a unit of a group (``group.yaml``, which a rebuild reads in place of
    the workspace's group: :func:`sqmkit.groups.group_of`)."""
    from .groups import FROZEN_GROUP, group_of

    inputs.mkdir()
    target = inputs / PROFILE_FILE
    target.write_bytes(source.read_bytes())
    group = group_of(profile)
    if group is not None and group.source is not None:
        (inputs / FROZEN_GROUP).write_bytes(group.source.read_bytes())
    base = source.parent
    if profile.branding.logo:
        (inputs / profile.branding.logo).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(base / profile.branding.logo, inputs / profile.branding.logo)
    if profile.templates:
        shutil.copytree(base / profile.templates, inputs / profile.templates)
    return target


def _description(last: Record | None, new_snapshot: dict[str, Any], message: str) -> str:
    old = last.get("snapshot") if last else None
    if not isinstance(old, dict) or old.get("format") != SNAPSHOT_FORMAT:
        return message
    drafted = summary(compare_snapshots(old, new_snapshot, last["version"] if last else "", ""))
    return f"{drafted}。{message}" if drafted else message


@dataclass
class Issue:
    """What ``issue`` did: the record, the archive folder, the files archived."""

    record: Record
    folder: Path
    files: dict[str, str] = field(default_factory=dict)


def issue(place: Place, profile_path: Path, message: str, by: str, date: dt.date | None = None,
          mgr: Manager | None = None, progress: Callable[[str], None] = lambda m: None) -> Issue:
    """Issue the profile's document version (see the module docstring)."""
    mgr = mgr or get_plugin_manager()
    with open_store(place.store_path) as store:
        recover(store, place.archive_dir)
    _m, profile, _doc, working = load(profile_path, mgr, place.store_path)
    when = date or profile.document.effective_date
    final = place.archive_dir / profile.id / folder_name(profile.document.version)
    with open_store(place.store_path) as store:
        rows = store.versions(profile.id)
    _check_new(profile, when, rows, final)
    description = _description(_last(rows), snapshot(working), message)
    revisions = [Issued(r["version"], dt.date.fromisoformat(r["date"]), r["description"]) for r in rows]
    revisions.append(Issued(profile.document.version, when, description))
    tmp = temp_folder(final.parent, profile.document.version)
    try:
        record = _archive(tmp, profile, Path(profile_path), revisions, mgr, progress)
        record.update(by=by, description=description, issued_at=now_iso(), folder=final.name)
        files = write_manifest(tmp, record)
        seal(tmp)
        with open_store(place.store_path) as store:
            _check_new(profile, when, store.versions(profile.id), final)
            commit(tmp, final)
            add_issued(store, record)
    finally:
        remove_tree(tmp)
    return Issue(record, final, files)


def _archive(tmp: Path, profile: Profile, source: Path, revisions: list[Issued], mgr: Manager,
             progress: Callable[[str], None]) -> Record:
    """Freeze the inputs and build them into ``tmp/outputs``; the record (without who and when)."""
    frozen = _freeze_inputs(profile, source, tmp / "inputs")
    result = _build_frozen(frozen, tmp / "outputs", revisions, mgr, progress)
    version = revisions[-1]
    return {
        "client": profile.id, "version": version.version, "date": version.date.isoformat(),
        "profile_sha256": profile_sha256(frozen), "sqmkit": __version__,
        "plugins": {n: mgr.infos[n].version for n in mgr.order()},
        "revisions": [[r.version, r.date.isoformat(), r.description] for r in revisions],
        "snapshot": snapshot(result),
    }


def _build_frozen(profile: Path, target: Path, revisions: list[Issued], mgr: Manager,
                  progress: Callable[[str], None]) -> Any:
    """Build a frozen profile, not as a draft, into ``target`` (a folder that does not exist)."""
    work = target.parent / (target.name + ".build")
    result = build(profile, work, mgr=mgr, progress=progress, issued=Frozen(revisions, draft=False))
    result.out_dir.rename(target)
    remove_tree(work)
    return result.regulation


# ---------------------------------------------------------------------------------------------
# rebuild
# ---------------------------------------------------------------------------------------------


@dataclass
class Rebuilt:
    """A rebuild's findings: the archive against its manifest, the rebuilt outputs against it."""

    archive: list[Check]
    outputs: list[Check]
    plugins_then: dict[str, str | None]
    plugins_now: dict[str, str | None]

    def ok(self) -> bool:
        return all(c.status == "match" for c in self.archive + self.outputs)


def version_folder(place: Place, client_id: str, version: str) -> Path:
    with open_store(place.store_path) as store:
        recover(store, place.archive_dir)
        rows = store.versions(client_id)
    row = next((r for r in rows if r["version"] == version), None)
    if row is None:
        issued = ", ".join(r["version"] for r in rows) or _("none")
        raise StoreError(_("version {version!r} of client {client!r} was not issued (issued: {issued})").format(
            version=version, client=client_id, issued=issued))
    return place.archive_dir / client_id / str(row.get("folder") or folder_name(version))


def rebuild(place: Place, client_id: str, version: str, mgr: Manager | None = None,
            progress: Callable[[str], None] = lambda m: None) -> Rebuilt:
    """Build an archived version again from its frozen inputs and compare every output file."""
    mgr = mgr or get_plugin_manager()
    folder = version_folder(place, client_id, version)
    manifest = read_manifest(folder)
    record = manifest["record"]
    revisions = [Issued(v, dt.date.fromisoformat(d), text) for v, d, text in record["revisions"]]
    expected = {k[len("outputs/"):]: h for k, h in manifest["files"].items() if k.startswith("outputs/")}
    with tempfile.TemporaryDirectory(prefix="sqmkit-rebuild-") as tmp:
        inputs = Path(tmp) / "inputs"
        shutil.copytree(folder / "inputs", inputs)
        for path in [inputs, *inputs.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        _build_frozen(inputs / PROFILE_FILE, Path(tmp) / "outputs", revisions, mgr, progress)
        found = hash_files(Path(tmp) / "outputs", skip=())
    now = {n: mgr.infos[n].version for n in mgr.order()}
    return Rebuilt(verify(folder), compare(expected, found), record.get("plugins", {}), now)


# ---------------------------------------------------------------------------------------------
# diff sources
# ---------------------------------------------------------------------------------------------

WORKING = "working"


def diff_versions(place: Place, profile_path: Path, old: str | None, new: str | None,
                  mgr: Manager | None = None) -> Diff:
    """Compare two of the issued versions and the working copy (``working``); by default the
    last issue against the working copy."""
    with open_store(place.store_path) as store:
        recover(store, place.archive_dir)
    _m, profile, _doc, reg = load(profile_path, mgr or get_plugin_manager(), place.store_path)
    with open_store(place.store_path) as store:
        rows = store.versions(profile.id)
    if old is None:
        if not rows:
            raise StoreError(_("no version of {client!r} has been issued yet; issue one first (sqmkit issue "
                               "{client} -m MESSAGE)").format(client=profile.id))
        old = rows[-1]["version"]
    new = new or WORKING

    def side(which: str) -> dict[str, Any]:
        if which == WORKING:
            return snapshot(reg)
        row = next((r for r in rows if r["version"] == which), None)
        if row is None:
            known = ", ".join([r["version"] for r in rows] + [WORKING])
            raise StoreError(_("{version!r} is not an issued version of {client!r} (choose from: {known})").format(
                version=which, client=profile.id, known=known))
        snap = row.get("snapshot")
        if not isinstance(snap, dict) or snap.get("format") != SNAPSHOT_FORMAT:
            raise StoreError(_("version {version!r} was issued by an older sqmkit that kept no comparable "
                               "snapshot").format(version=which))
        return snap

    labels = {WORKING: _("working copy")}
    return compare_snapshots(side(old), side(new), labels.get(old, old), labels.get(new, new))
