"""The sha256 of a file, remembered by the file's status so that an unchanged file is not read again.

A build's raw key (:mod:`sqmkit.buildcache`) hashes sqmkit's code and templates and every plugin's
package files, the same few hundred files, on every build (a client's own files are few and small,
and read every time). As Git's index does, this module keeps the
digest of each file it has read together with the file's status (device, inode, size, modification
and change times in nanoseconds) in the user's cache folder (``digests.json`` in
:func:`sqmkit.diskcache.cache_dir` ``("builds")``); a file whose status is the one recorded is
not read again. Writing to a file sets its change time to the clock's time, and no program can set
it back. A file changed in the last :data:`SETTLED_NS` is not remembered (a second write within
one tick of the file system's clock could leave its times as they were), so a changed file is
always read again. Without a cache folder (``SQMKIT_CACHE_DIR`` set empty) every file is read.
The file holds at most :data:`_MAX_ENTRIES` files (those seen last first); it counts as used each
time it is read (:func:`sqmkit.diskcache.read`), so the cache's sweep removes it only when no
build has run for the cache's age limit.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import time
from pathlib import Path
from typing import Any

from .diskcache import cache_dir, read, write

#: a file changed more recently than this is read every time until it settles
SETTLED_NS = 2_000_000_000
_FILE = "digests.json"
_VERSION = 1
_MAX_ENTRIES = 4096
_MAX_BYTES = 4 * 1024 * 1024
_HEX = re.compile(r"[0-9a-f]{64}")


class _Memory:
    """The recorded digests of one cache folder: path → [dev, ino, size, mtime, ctime, sha256]."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, list[Any]] = _read(path)
        self.seen: set[str] = set()
        self.changed = False


_memories: dict[Path, _Memory] = {}


def _memory() -> _Memory | None:
    folder = cache_dir("builds")
    if folder is None:
        return None
    if folder not in _memories:
        _memories[folder] = _Memory(folder / _FILE)
    return _memories[folder]


def _read(path: Path) -> dict[str, list[Any]]:
    """The entries of a digests file; a file that is not one (foreign, damaged, too big) holds none."""
    try:
        if path.is_symlink() or path.stat().st_size > _MAX_BYTES:
            return {}
        payload = read(path)
        data = json.loads(payload) if payload is not None else None
    except (OSError, ValueError, RecursionError):
        return {}
    files = data.get("files") if isinstance(data, dict) and data.get("version") == _VERSION else None
    if not isinstance(files, dict):
        return {}
    return {k: v for k, v in files.items() if _valid(v)}


def _valid(entry: Any) -> bool:
    return (isinstance(entry, list) and len(entry) == 6 and all(type(n) is int for n in entry[:5])
            and isinstance(entry[5], str) and _HEX.fullmatch(entry[5]) is not None)


def file_digest(path: str | Path) -> bytes:
    """The sha256 of the file at ``path`` (see :func:`read_digest`), read only when its status is
    not the one recorded with its digest."""
    memory = _memory()
    try:
        st = os.stat(path)
    except OSError:
        st = None
    if memory is None or st is None or not stat.S_ISREG(st.st_mode):
        return read_digest(path)[0]
    key = os.path.abspath(path)
    status = [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]
    known = memory.entries.get(key)
    if known is not None and known[:5] == status:
        memory.seen.add(key)
        return bytes.fromhex(known[5])
    digest, read = read_digest(path)
    if read and st.st_ctime_ns < time.time_ns() - SETTLED_NS:  # status taken before reading: a later write shows
        memory.entries[key] = [*status, digest.hex()]
        memory.seen.add(key)
        memory.changed = True
    return digest


def read_digest(path: str | Path) -> tuple[bytes, bool]:
    """The sha256 of a regular file and True; a pipe, device or socket is never opened for reading
    (it could block or never end) and an unreadable file is not an error: each has a digest of its
    own kind (and False), and the build itself reports what it refuses."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return hashlib.sha256(b"unreadable").digest(), False
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            return hashlib.sha256(b"not a regular file").digest(), False
        digest = hashlib.sha256()
        try:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        except OSError:
            return hashlib.sha256(b"unreadable").digest(), False
        return digest.digest(), True


def save() -> None:
    """Write the digests learnt in this process (atomically; the files seen in this process first,
    then earlier ones, at most :data:`_MAX_ENTRIES`). Nothing fails when it cannot be written."""
    memory = _memory() if _memories else None
    if memory is None or not memory.changed:
        return
    kept = {k: memory.entries[k] for k in memory.seen if k in memory.entries}
    for key, entry in memory.entries.items():
        if len(kept) >= _MAX_ENTRIES:
            break
        kept.setdefault(key, entry)
    write(memory.path, json.dumps({"version": _VERSION, "files": kept}, separators=(",", ":")).encode())
    memory.changed = False

