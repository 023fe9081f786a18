"""``inspections import``: result files into the store, checked against the checklist version
they were recorded on, re-scored, de-duplicated, with their photos kept as files and the
corrective actions they make (:mod:`sqmkit.actions`).

One file's problem never stops the others: each file ends as an :class:`Outcome` (stored,
replaced — a finished result in place of its incomplete import —, skipped or refused, with the
message).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .actions import actions_for, supersede
from .errors import DataError, SqmkitError, StoreError
from .inspections import ImportedResult, checklist_payload, find_duplicate, score_result
from .messages import _
from .model import Regulation
from .result_schema import MAX_PHOTO_BYTES, Result, read_result_file

#: file suffix by the sniffed image type
PHOTO_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


@dataclass
class Options:
    client: str | None = None  # the client the files must be for (None: each file's own)
    accept_rescore: bool = False
    accept_incomplete: bool = False


@dataclass
class Outcome:
    path: str
    status: str  # "stored" | "replaced" | "skipped" | "refused"
    message: str
    actions: int = 0


@dataclass
class Summary:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


def result_files(paths: list[str]) -> list[str]:
    """The files to import: each file named, and every ``*.json`` directly in each folder named
    (sorted; a symlink leading out of the folder is left out)."""
    out: list[str] = []
    for p in paths:
        folder = Path(p)
        if not folder.is_dir():
            out.append(p)
            continue
        root = folder.resolve()
        for child in sorted(folder.iterdir()):
            if child.suffix.lower() != ".json":
                continue
            real = child.resolve()
            if child.is_symlink() and root not in real.parents:
                continue
            out.append(str(child))
    return out


# ---------------------------------------------------------------------------------------------
# The version a result was recorded on
# ---------------------------------------------------------------------------------------------

#: (client, version) → {checklist id: payload}, for the issued versions
PayloadFinder = Callable[[Regulation, str], dict[str, dict[str, Any]] | None]


def version_payload(path: str, result: Result, reg: Regulation, issued: PayloadFinder) -> dict[str, Any]:
    """The scoring payload of the checklist version the result names: the current build's, else
    an issued version's; an unknown version or hash is refused naming both."""
    checklist = reg.index.checklists.get(result.checklist)
    if checklist is None:
        raise DataError(path, "checklist", _("{found!r} is not in this client's regulation").format(
            found=result.checklist))
    current = checklist_payload(reg, checklist)
    if result.legacy and result.version is None:
        return current  # a 0.1 export named no build: scored on the current checklist, as before
    if result.version == current["version"] and (result.hash == current["hash"] or result.hash is None):
        return current
    candidates = issued(reg, result.version or "") or {}
    payload = candidates.get(result.checklist)
    if payload is not None and (result.hash is None or payload["hash"] == result.hash):
        return payload
    raise DataError(path, "hash" if payload is not None or result.version == current["version"] else "version",
                    _("version {version!r} with hash {hash!r} is not a version of this checklist the workspace knows "
                      "(the current one is {current!r} with hash {current_hash!r})").format(
                        version=result.version, hash=result.hash, current=current["version"],
                        current_hash=current["hash"]),
                    hint=_("import results exported from a checklist of this client's current build or of an "
                           "issued version"))


# ---------------------------------------------------------------------------------------------
# Claims, completeness, photos
# ---------------------------------------------------------------------------------------------


def check_claims(path: str, result: Result, imported: ImportedResult, accept: bool) -> None:
    """Refuse a result whose own total or grade differs from the re-score (unless accepted:
    then the re-score is stored, flagged ``rescored`` with the claims kept)."""
    s = imported.score
    claimed_total, claimed_grade = result.total, result.grade
    if claimed_total is None and claimed_grade is None and result.legacy:
        return
    if claimed_total is None or s.total is None:
        total_differs = (claimed_total is None) != (s.total is None)  # nothing answered: no total either side
    else:
        total_differs = abs(float(claimed_total) - s.total) > 0.05
    if not total_differs and claimed_grade == s.grade:
        return
    if not accept:
        raise DataError(path, "total", _("the file says total {claimed_total} grade {claimed_grade}, but its answers "
                                         "score {total} grade {grade}").format(
            claimed_total=_shown(claimed_total), claimed_grade=_shown(claimed_grade), total=_shown(s.total),
            grade=_shown(s.grade)), hint=_("the file was changed after export; give --accept-rescore to store the "
                                   "re-scored figures"))
    imported.record.update(rescored=True, claimed={"total": claimed_total, "grade": claimed_grade})


def _shown(value: Any) -> str:
    if value is None:
        return _("none")
    return f"{value:g}" if isinstance(value, float) else str(value)


def check_complete(path: str, result: Result, imported: ImportedResult, accept: bool) -> None:
    """Refuse an unfinished result (no ``finished_at``, or unanswered items) unless accepted:
    then it is stored flagged ``incomplete``."""
    missing = imported.unanswered
    unfinished = result.finished_at is None and not result.legacy
    if not missing and not unfinished:
        return
    if not accept:
        what = _("{n} of {total} items are unanswered").format(n=len(missing), total=len(imported.payload["items"])) \
            if missing else _("the inspection was not finished")
        raise DataError(path, "finished_at" if unfinished else "answers", _("incomplete: {what}").format(what=what),
                        hint=_("finish the inspection in the checklist page and export it again, or give "
                               "--accept-incomplete to store it flagged as incomplete"))
    imported.record["incomplete"] = True


def sniff(data: bytes) -> str | None:
    """The image type of ``data`` by its first bytes (JPEG, PNG, WebP), else None."""
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def decode_photos(path: str, result: Result, items: set[str]) -> list[tuple[str, str, bytes]]:
    """``(item, suffix, bytes)`` of each photo, checked: a known item, base64, at most 2 MB, an
    image of an allowed type by its content (whatever the file claims)."""
    out = []
    for n, photo in enumerate(result.photos):
        where = f"photos.{n}"
        if photo.item not in items:
            raise DataError(path, where + ".item", _("unknown check item {item!r}").format(item=photo.item))
        try:
            data = base64.b64decode(photo.data, validate=True)
        except (binascii.Error, ValueError):
            raise DataError(path, where + ".data", _("not base64 data")) from None
        if len(data) > MAX_PHOTO_BYTES:
            raise DataError(path, where + ".data", _("the photo is larger than the limit of {limit} MB").format(
                limit=MAX_PHOTO_BYTES // (1024 * 1024)))
        kind = sniff(data)
        if kind is None:
            raise DataError(path, where + ".data", _("not a JPEG, PNG or WebP image"))
        out.append((photo.item, PHOTO_TYPES[kind], data))
    return out


def photo_folder(root: Path, result_id: str) -> Path:
    """``results/photos/<id>/`` (an id that is not a plain UUID-like name is hashed)."""
    safe = result_id if re.fullmatch(r"[A-Za-z0-9-]{1,64}", result_id) else \
        hashlib.sha256(result_id.encode("utf-8", "replace")).hexdigest()[:32]
    return root / "results" / "photos" / safe


def save_photos(root: Path, record: dict[str, Any], photos: list[tuple[str, str, bytes]]) -> None:
    folder = photo_folder(root, record["id"])
    saved = []
    for n, (item, suffix, data) in enumerate(photos, 1):
        target = folder / f"{n}.{suffix}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        except OSError as exc:
            raise StoreError(_("cannot keep the photo {file}: {reason}").format(
                file=target, reason=exc.strerror or exc)) from None
        saved.append({"item": item, "file": os.path.relpath(target, root).replace(os.sep, "/")})
    record["photos"] = saved


# ---------------------------------------------------------------------------------------------
# One file
# ---------------------------------------------------------------------------------------------


@dataclass
class Target:
    """Where results go: the store, the folder photos go below, how to load a client's
    regulation and issued payloads, and the clients known."""

    store_path: Path
    root: Path
    regulation: Callable[[str], Regulation]
    issued: PayloadFinder
    clients: list[str] | None  # None: any (a profile named outside a workspace)


def prepare(path: str, target: Target, opts: Options, imported_at: str) -> tuple[ImportedResult, Result, Regulation]:
    result = read_result_file(path)
    if opts.client is not None and result.client != opts.client:
        raise DataError(path, "client", _("the result is for client {found!r}, not {client!r}").format(
            found=result.client, client=opts.client))
    if target.clients is not None and result.client not in target.clients:
        raise DataError(path, "client", _("{found!r} is not a client of this workspace (clients: {known})").format(
            found=result.client, known=", ".join(target.clients) or _("none")))
    reg = target.regulation(result.client)
    payload = version_payload(path, result, reg, target.issued)
    imported = score_result(path, result, reg, imported_at, payload)
    check_claims(path, result, imported, opts.accept_rescore)
    check_complete(path, result, imported, opts.accept_incomplete)
    return imported, result, reg


@dataclass
class Prepared:
    """A result checked and re-scored, ready to store."""

    path: str
    imported: ImportedResult
    legacy: bool
    photos: list[tuple[str, str, bytes]]
    actions: list[dict[str, Any]]


def prepare_file(path: str, target: Target, opts: Options, imported_at: str) -> Prepared:
    imported, result, reg = prepare(path, target, opts, imported_at)
    photos = decode_photos(path, result, {i["id"] for i in imported.payload["items"]})
    return Prepared(path, imported, result.legacy, photos, actions_for(imported.record, imported.payload, reg))


def _stored(p: Prepared) -> Outcome:
    record, imported = p.imported.record, p.imported
    flags = [_("re-scored") if record["rescored"] else "", _("incomplete") if record["incomplete"] else "",
             _("recorded on an issued version") if imported.stale else ""]
    note = "".join(f" ({f})" for f in flags if f)
    return Outcome(p.path, "stored", _("{path}: stored: {title} total {total} grade {grade}, {n} action(s){note}").format(
        path=p.path, title=imported.checklist.title, total=_shown(imported.score.total),
        grade=_shown(imported.score.grade),
        n=len(p.actions), note=note), len(p.actions))


def _skipped(path: str, at: str) -> Outcome:
    return Outcome(path, "skipped", _("{path}: skipped: this result is already stored (imported {at}); nothing "
                                      "was added").format(path=path, at=at))


def import_files(paths: list[str], target: Target, opts: Options, imported_at: str) -> Summary:
    """Import every file (see :func:`result_files`): each checked on its own (a bad one is
    refused, the rest go on), then the new ones stored in one write under the store's lock; a
    finished result replaces the incomplete one stored with its id (:func:`_replace`)."""
    from .store import open_store

    summary = Summary()
    ready: list[Prepared] = []
    for path in result_files(paths):
        try:
            ready.append(prepare_file(path, target, opts, imported_at))
        except SqmkitError as exc:
            summary.outcomes.append(Outcome(path, "refused", str(exc)))
    if not ready:
        return summary
    new: list[Prepared] = []
    try:
        with open_store(target.store_path) as st:
            rows = {c: st.inspections(c, problems=[]) for c in {p.imported.record["client"] for p in ready}}
            for p in ready:
                summary.outcomes += _place(st, p, rows[p.imported.record["client"]], new, target.root, imported_at)
            st.add_inspections_with_actions([(p.imported.record, p.actions) for p in new])
    except SqmkitError as exc:
        summary.outcomes += [Outcome(p.path, "refused", str(exc)) for p in ready
                             if not any(o.path == p.path for o in summary.outcomes)]
        return summary
    summary.outcomes += [_stored(p) for p in new]
    return summary


def _place(st: Any, p: Prepared, rows: list[dict[str, Any]], new: list[Prepared], root: Path,
           at: str) -> list[Outcome]:
    """Decide one checked result against the client's stored ``rows`` (and those of this import,
    ``new``): a new one joins ``new``; a duplicate is skipped; a finished result replaces the
    incomplete one with its id; an unfinished one after the finished one is refused as older."""
    record = p.imported.record
    same = find_duplicate(rows, p.imported.digest, None if p.legacy else record["id"])
    if same is not None and not p.legacy and same.get("id") == record["id"]:
        if same.get("incomplete") and not record["incomplete"]:
            rows[rows.index(same)] = record
            pending = next((q for q in new if q.imported.record is same), None)
            if pending is None:
                return [_replace(st, p, same, root, at)]
            new[new.index(pending)] = p  # both in this import: the finished one is stored instead
            _drop_photos(root, same)
            save_photos(root, record, p.photos)
            return [Outcome(pending.path, "skipped", _("{path}: not stored: the finished result {other} in this "
                                                       "import replaces it").format(path=pending.path, other=p.path))]
        if record["incomplete"] and not same.get("incomplete"):
            return [Outcome(p.path, "refused", str(DataError(p.path, "finished_at", _(
                "the finished result with this id is already stored (imported {at}); this unfinished one is "
                "older, so nothing was changed").format(at=same["imported_at"]))))]
    if same is not None:
        return [_skipped(p.path, same["imported_at"])]
    save_photos(root, record, p.photos)
    rows.append(record)
    new.append(p)
    return []


def _drop_photos(root: Path, old: dict[str, Any]) -> None:
    """Remove the photo files of a replaced result (only those inside its own photo folder)."""
    folder = photo_folder(root, str(old["id"])).resolve()
    for photo in old.get("photos") or []:
        stale = (root / str(photo.get("file", "") if isinstance(photo, dict) else "")).resolve()
        if stale.parent == folder:
            stale.unlink(missing_ok=True)


def _replace(st: Any, p: Prepared, old: dict[str, Any], root: Path, at: str) -> Outcome:
    """Put the finished result ``p`` in place of the incomplete ``old``, its photos and actions
    brought in step (:func:`sqmkit.actions.supersede`)."""
    record = p.imported.record
    mine = [a for a in st.actions(record["client"], problems=[]) if a["inspection"] == record["id"]]
    added, changes = supersede(mine, p.actions, at)
    _drop_photos(root, old)
    save_photos(root, record, p.photos)
    closed = sum(1 for _id, c in changes if c.get("status") == "closed")
    record["actions"] = len(mine) + len(added) - closed
    st.replace_inspection(record, added)
    for action_id, change in changes:
        st.update_action(action_id, change)
    return Outcome(p.path, "replaced", _(
        "{path}: replaced the incomplete result imported {at} with the finished one: {title} total {total} grade "
        "{grade}; {opened} action(s) opened, {closed} closed as superseded").format(
        path=p.path, at=old["imported_at"], title=p.imported.checklist.title, total=_shown(p.imported.score.total),
        grade=_shown(p.imported.score.grade), opened=len(added), closed=closed), len(added))


def archive_finder(store_path: Path, archive_dir: Path, load_profile: Callable[[Path], Regulation]) -> PayloadFinder:
    """Find an issued version's checklist payloads: its regulation assembled again from the
    frozen inputs in the archive (``archive/ID/VERSION/inputs/profile.yaml``), once per version."""
    cache: dict[tuple[str, str], dict[str, dict[str, Any]] | None] = {}

    def find(reg: Regulation, version: str) -> dict[str, dict[str, Any]] | None:
        number, _sep, issue = version.rpartition("@")
        key = (reg.profile.id, version)
        if key not in cache:
            cache[key] = _issued_payloads(store_path, archive_dir, reg.profile.id, number, issue, load_profile)
        return cache[key]

    return find


def _issued_payloads(store_path: Path, archive_dir: Path, client: str, number: str, version: str,
                     load_profile: Callable[[Path], Regulation]) -> dict[str, dict[str, Any]] | None:
    from .archive import folder_name
    from .store import open_store

    if not store_path.exists():
        return None
    with open_store(store_path) as st:
        row = next((r for r in st.versions(client) if r["version"] == version), None)
    if row is None:
        return None
    profile = archive_dir / client / str(row.get("folder") or folder_name(version)) / "inputs" / "profile.yaml"
    if not profile.is_file():
        return None
    reg = load_profile(profile)
    if reg.document.number != number:
        return None
    return {c.id: checklist_payload(reg, c) for c in reg.checklists}
