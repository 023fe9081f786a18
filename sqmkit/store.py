"""The workspace store: client profiles, issued versions, builds, inspection results and
corrective actions, in one TinyDB JSON file.

Only this module imports tinydb. Every write goes to a temporary file in the same folder that
then atomically replaces the store, and the whole read-modify-write runs under a file lock, so
neither a crash nor a second sqmkit process can leave a half-written or lost store. The file is
recognised, checked and written by :mod:`sqmkit.storefile` (a marker and a format version;
sqmkit never writes into a JSON file that is not its store); here every record is checked
against its table's fields when it is read, and a bad one is a :class:`~sqmkit.StoreError`
naming the file, the table, the record id and the field.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from filelock import FileLock, Timeout
from tinydb import Query, TinyDB
from tinydb.middlewares import CachingMiddleware
from tinydb.storages import Storage

from .errors import StoreError
from .messages import _
from .storefile import (
    STORE_VERSION, TABLES, clean_text, fail, format_version, read_store_file, shown, store_path, sweep_temporaries,
    write_store_file,
)

__all__ = ["TABLES", "Record", "Store", "StoreError", "clean_text", "migrate", "now_iso", "open_store", "shown"]

#: one row of a table: a JSON object
Record = dict[str, Any]


class AtomicJSONStorage(Storage):
    """TinyDB storage over :mod:`sqmkit.storefile`: checked reads, atomic writes."""

    def __init__(self, path: str):
        self.path = Path(path)
        self.read_version: int | None = None

    def read(self) -> dict[str, dict[str, Any]] | None:
        data = read_store_file(self.path)
        if data is None:
            return None
        self.read_version = format_version(self.path, data)
        return migrate(data, self.read_version)

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if self.read_version is not None and self.read_version < STORE_VERSION:
            _keep_copy(self.path, self.read_version)
        write_store_file(self.path, data)
        self.read_version = STORE_VERSION

    def close(self) -> None:
        pass


def _keep_copy(path: Path, version: int) -> None:
    """Keep the store of an older format as ``<name>.v<N>.bak`` before its first write."""
    backup = path.with_name(f"{path.name}.v{version}.bak")
    try:
        if not backup.exists() and path.exists():
            shutil.copy2(path, backup)
    except OSError as exc:
        raise fail(path, _("cannot keep a copy of the store before upgrading it: {reason}").format(
            reason=exc.strerror or exc), _("the store was left as it was; free some space and try again")) from None


# ---------------------------------------------------------------------------------------------
# The store
# ---------------------------------------------------------------------------------------------


class Store:
    """Typed operations over the TinyDB tables; use :func:`open_store`."""

    def __init__(self, db: TinyDB, path: Path):
        self.db, self.path = db, path

    def _checked(self, table: str, rows: list[Any], problems: list[StoreError] | None = None) -> list[Record]:
        """``rows`` whose fields have the types the table needs; a bad record is a located
        :class:`StoreError`, raised, or collected in ``problems`` and left out."""
        if not rows:
            return []
        from .storerows import row_problem  # pydantic: only when there is a record to check

        good = []
        for row in rows:
            found = row_problem(table, dict(row))
            if found is not None:
                where, problem = found
                error = fail(self.path, problem, _("correct or remove this record in the store file"),
                              table=table, record=str(row.doc_id), where=where)
                if problems is None:
                    raise error from None
                problems.append(error)
                continue
            good.append(dict(row))
        return good

    def _search(self, table: str, client_id: str, problems: list[StoreError] | None = None) -> list[Record]:
        return self._checked(table, self.db.table(table).search(Query().client == client_id), problems)

    # clients ------------------------------------------------------------------------------------
    def save_client(self, client_id: str, profile: Record, source: str | None) -> None:
        q = Query()
        self.db.table("clients").upsert({"id": client_id, "profile": profile, "source": source}, q.id == client_id)

    def client(self, client_id: str) -> Record | None:
        rows = self._checked("clients", self.db.table("clients").search(Query().id == client_id))
        return rows[0] if rows else None

    def knows(self, client_id: str) -> bool:
        """Whether the store holds a record of the client (its fields not checked: not read)."""
        return bool(self.db.table("clients").contains(Query().id == client_id))

    def clients(self) -> list[Record]:
        return sorted(self._checked("clients", self.db.table("clients").all()), key=lambda c: str(c["id"]))

    def remove_client(self, client_id: str) -> None:
        """Forget the client's record (its versions, builds and results stay, for the archive)."""
        self.db.table("clients").remove(Query().id == client_id)

    def touch(self) -> None:
        """Write the store file (a new, empty store) if it does not exist yet."""
        if read_store_file(self.path) is None:
            write_store_file(self.path, {})

    # versions -----------------------------------------------------------------------------------
    def versions(self, client_id: str) -> list[Record]:
        return sorted(self._search("versions", client_id), key=lambda r: (r["date"], r["version"]))

    def add_version(self, client_id: str, version: str, date: str, description: str, snapshot: Record) -> None:
        if any(r["version"] == version for r in self.versions(client_id)):
            raise StoreError(_("version {version!r} of client {client!r} is already issued").format(
                version=version, client=client_id), file=str(self.path),
                hint=_("raise document.version in the profile to issue a new one"))
        self.db.table("versions").insert({"client": client_id, "version": version, "date": date,
                                          "description": description, "snapshot": snapshot})

    # builds -------------------------------------------------------------------------------------
    def add_build(self, record: Record) -> None:
        self.db.table("builds").insert(record)

    def builds(self, client_id: str) -> list[Record]:
        return self._search("builds", client_id)

    # inspections and actions --------------------------------------------------------------------
    def add_inspection(self, record: Record) -> int:
        return int(self.db.table("inspections").insert(record))

    def inspections(self, client_id: str, problems: list[StoreError] | None = None) -> list[Record]:
        """The client's results; with ``problems``, a bad record is reported there and skipped
        instead of stopping the read."""
        return self._search("inspections", client_id, problems)

    def all_inspections(self, problems: list[StoreError] | None = None) -> list[Record]:
        """Every client's results (a bad record reported in ``problems`` and skipped)."""
        return self._checked("inspections", self.db.table("inspections").all(), problems)

    def add_inspections_with_actions(self, batch: list[tuple[Record, list[Record]]]) -> None:
        """Store results and the corrective actions each made (two writes for the whole batch)."""
        if not batch:
            return
        self.db.table("inspections").insert_multiple([{**r, "actions": len(a)} for r, a in batch])
        actions = [a for _r, made in batch for a in made]
        if actions:
            self.db.table("actions").insert_multiple(actions)

    def replace_inspection(self, record: Record, actions: list[Record]) -> None:
        """Put ``record`` in place of the client's stored result with its id (a finished result
        superseding the incomplete one), and store the new actions it makes."""
        q = Query()
        table = self.db.table("inspections")
        table.remove((q.client == record["client"]) & (q.id == record["id"]))
        table.insert(record)
        if actions:
            self.db.table("actions").insert_multiple(actions)

    def add_action(self, record: Record) -> int:
        return int(self.db.table("actions").insert(record))

    def actions(self, client_id: str | None = None, problems: list[StoreError] | None = None) -> list[Record]:
        """The actions (of one client, or all), each with its ``id`` (the record number)."""
        table = self.db.table("actions")
        rows = table.all() if client_id is None else table.search(Query().client == client_id)
        out: list[Record] = []
        for row in rows:
            out.extend({**r, "id": row.doc_id} for r in self._checked("actions", [row], problems))
        return out

    def update_action(self, action_id: int, changes: Record) -> None:
        self.db.table("actions").update(changes, doc_ids=[action_id])

    def action(self, action_id: int) -> Record | None:
        row = self.db.table("actions").get(doc_id=action_id)
        if row is None or isinstance(row, list):
            return None
        return {**self._checked("actions", [row])[0], "id": action_id}

# ---------------------------------------------------------------------------------------------
# Format versions and migrations
#   0  sqmkit 0.1: no marker
#   1  the marker {"format": "sqmkit-store", "version": 1}
#   2  workspaces: a build records what it was made from (formats, profile_sha256, inputs_sha256,
#      plugins); older build records get "unknown" (null, empty), so they show as stale
# An older store is migrated as it is read (nothing is rewritten by a read); its first write
# keeps the old file beside it as ``<name>.v<N>.bak``.
# ---------------------------------------------------------------------------------------------


def _to_2(data: dict[str, dict[str, Any]]) -> None:
    for row in data.get("builds", {}).values():
        row.setdefault("formats", [])
        row.setdefault("profile_sha256", None)
        row.setdefault("inputs_sha256", None)
        row.setdefault("plugins", {})


#: format version → the step migrating a store of the version before it (0 → 1 is the marker alone)
MIGRATIONS: dict[int, Any] = {2: _to_2}


def migrate(data: dict[str, dict[str, Any]], found: int) -> dict[str, dict[str, Any]]:
    """``data`` of a store of format version ``found`` brought to :data:`STORE_VERSION`, in place."""
    for target in range(found + 1, STORE_VERSION + 1):
        step = MIGRATIONS.get(target)
        if step is not None:
            step(data)
    return data


# ---------------------------------------------------------------------------------------------
# Opening: the lock, leftovers
# ---------------------------------------------------------------------------------------------


def _acquire(path: Path, timeout: float) -> FileLock:
    lock_path = str(path) + ".lock"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(lock_path, timeout=timeout)
        lock.acquire()
    except Timeout:
        raise fail(path, _("another sqmkit process holds the store lock ({lock})").format(lock=lock_path),
                    _("try again when it has finished")) from None
    except OSError as exc:
        target = exc.filename or lock_path
        raise fail(path, _("cannot create the store's lock file: {reason} ({target})").format(
            reason=exc.strerror or exc, target=target),
            _("check that the folder exists and that you may write to it, or choose another --store")) from None
    return lock


@contextmanager
def open_store(path: str | Path, timeout: float = 30, *, batch: bool = False) -> Iterator[Store]:
    """Open the store under an exclusive lock for the duration of the block; ``batch``: read the file
    once, and write it once when the block ends (by an exception too, keeping every change before)."""
    real = store_path(Path(path))
    lock = _acquire(real, timeout)
    try:
        sweep_temporaries(real, time.time())
        storage = CachingMiddleware(AtomicJSONStorage) if batch else AtomicJSONStorage  # type: ignore[no-untyped-call]
        db = TinyDB(str(real), storage=storage)
        if batch:  # the block's one read, which refuses a file that is not a store
            db.storage.read()
        else:
            read_store_file(real)  # refuse a file that is not a store before anything runs
        try:
            yield Store(db, real)
        finally:
            db.close()
    finally:
        lock.release()


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


# ---------------------------------------------------------------------------------------------
# Issued versions with their frozen inputs (sqmkit.issuing; helper G2's block)
# ---------------------------------------------------------------------------------------------


def add_issued(store: Store, record: Record) -> None:
    """Insert an issued version's full record (who, when, frozen inputs, snapshot); a version
    already issued for the client is refused."""
    client, version = record["client"], record["version"]
    if any(r["version"] == version for r in store.versions(client)):
        raise StoreError(_("version {version!r} of client {client!r} is already issued").format(
            version=version, client=client), file=str(store.path),
            hint=_("raise document.version in the profile to issue a new one"))
    store.db.table("versions").insert(record)
