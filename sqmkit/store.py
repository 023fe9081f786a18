"""The workspace store: client profiles, issued versions, builds, inspection results and
corrective actions, in one TinyDB JSON file.

Only this module imports tinydb. Every write goes to a temporary file in the same folder that
then atomically replaces the store, and the whole read-modify-write runs under a file lock, so
neither a crash nor a second sqmkit process can leave a half-written or lost store. A store that
is not valid JSON is reported, never overwritten.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from filelock import FileLock, Timeout
from tinydb import Query, TinyDB
from tinydb.storages import Storage

from .errors import StoreError

TABLES = ("clients", "versions", "builds", "inspections", "actions")

#: one row of a table: a JSON object
Record = dict[str, Any]


class AtomicJSONStorage(Storage):
    """TinyDB storage that writes via temp file + ``os.replace`` and refuses a corrupt file."""

    def __init__(self, path: str):
        self.path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        if not raw.strip():
            return None
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise StoreError(f"{self.path}: the store is not valid JSON (line {exc.lineno}: {exc.msg}); "
                             "it was left untouched — restore it from a backup or move it aside") from None
        if not isinstance(data, dict):
            raise StoreError(f"{self.path}: the store is not a TinyDB database (top level is not an object)")
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=self.path.name + ".", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def close(self) -> None:
        pass


class Store:
    """Typed operations over the TinyDB tables; use :func:`open_store`."""

    def __init__(self, db: TinyDB):
        self.db = db

    # clients ------------------------------------------------------------------------------------
    def save_client(self, client_id: str, profile: Record, source: str | None) -> None:
        q = Query()
        self.db.table("clients").upsert({"id": client_id, "profile": profile, "source": source}, q.id == client_id)

    def client(self, client_id: str) -> Record | None:
        return self.db.table("clients").get(Query().id == client_id)

    def clients(self) -> list[Record]:
        return sorted(self.db.table("clients").all(), key=lambda c: c["id"])

    # versions -----------------------------------------------------------------------------------
    def versions(self, client_id: str) -> list[Record]:
        rows = self.db.table("versions").search(Query().client == client_id)
        return sorted(rows, key=lambda r: (r["date"], r["version"]))

    def add_version(self, client_id: str, version: str, date: str, description: str, snapshot: Record) -> None:
        q = Query()
        if self.db.table("versions").get((q.client == client_id) & (q.version == version)):
            raise StoreError(f"version {version!r} of client {client_id!r} is already issued; "
                             "raise document.version in the profile to issue a new one")
        self.db.table("versions").insert({"client": client_id, "version": version, "date": date,
                                          "description": description, "snapshot": snapshot})

    # builds -------------------------------------------------------------------------------------
    def add_build(self, record: Record) -> None:
        self.db.table("builds").insert(record)

    def builds(self, client_id: str) -> list[Record]:
        return list(self.db.table("builds").search(Query().client == client_id))

    # inspections and actions --------------------------------------------------------------------
    def add_inspection(self, record: Record) -> int:
        return self.db.table("inspections").insert(record)

    def inspections(self, client_id: str) -> list[Record]:
        return list(self.db.table("inspections").search(Query().client == client_id))

    def add_action(self, record: Record) -> int:
        return self.db.table("actions").insert(record)

    def actions(self, client_id: str) -> list[Record]:
        return list(self.db.table("actions").search(Query().client == client_id))


@contextmanager
def open_store(path: str | Path, timeout: float = 30) -> Iterator[Store]:
    """Open the store under an exclusive lock for the duration of the block."""
    path = Path(path)
    if path.exists() and path.is_dir():
        raise StoreError(f"{path}: is a folder, not a store file")
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path) + ".lock", timeout=timeout)
    try:
        with lock:
            db = TinyDB(str(path), storage=AtomicJSONStorage)
            try:
                yield Store(db)
            finally:
                db.close()
    except Timeout:
        raise StoreError(f"{path}: another sqmkit process holds the store lock ({path}.lock); "
                         "try again when it has finished") from None


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()

