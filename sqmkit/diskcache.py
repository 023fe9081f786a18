"""Entries of sqmkit's cache folder that are derived data, never trusted blindly.

What a command derives from files that rarely change (a parsed YAML file, a compiled message
catalog) is kept between processes, as Python keeps ``.pyc`` files. An entry is named by a hash of
everything it is derived from (the caller's key), holds a magic number and the SHA-256 of its
payload, checked on reading (a truncated, corrupt or foreign entry reads as missing and is
written again), and is written to a temporary file and renamed (atomic).

:func:`cache_dir` is the rule for every folder of the cache (this module's entries, the compiled
templates of :mod:`sqmkit.jinjacache`, the build cache's notes): ``$SQMKIT_CACHE_DIR/NAME``, else
``$XDG_CACHE_HOME/sqmkit/NAME``, else ``~/.cache/sqmkit/NAME``, mode 0700; ``SQMKIT_CACHE_DIR=``
set empty keeps nothing, and where no folder can be made nothing is kept and nothing fails.

The folder is kept bounded (:mod:`sqmkit.cacheprune`): an entry read is marked as used (its
modification time set to now, when its mark is more than a day old: :func:`mark_used`), and the
first folder a process asks for checks, with one ``stat`` of a stamp file, whether a day has passed
since the last sweep, which removes the entries not used for ``$SQMKIT_CACHE_MAX_AGE_DAYS``.
"""

from __future__ import annotations

import hashlib
import math
import os
import stat
import tempfile
import time
from pathlib import Path
from typing import BinaryIO

_MAGIC = b"sqmkit-cache-1\n"
_HEAD = len(_MAGIC) + 32
_folders: dict[tuple[str, str | None, str | None], Path | None] = {}
_OPEN = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)

#: the file in the cache folder whose modification time is the last sweep's (see sqmkit.cacheprune)
SWEEP_STAMP = ".last-sweep"
#: how often the sweep runs, and how often a read entry's modification time is set to now
DAY_S = 86400
#: an entry not used for this many days is removed by the sweep (``$SQMKIT_CACHE_MAX_AGE_DAYS``)
DEFAULT_MAX_AGE_DAYS = 30.0
_checked: set[Path] = set()


def cache_dir(name: str) -> Path | None:
    """The cache folder ``name`` for this user (made on first use), or None (see the module)."""
    key = (name, os.environ.get("SQMKIT_CACHE_DIR"), os.environ.get("XDG_CACHE_HOME"))
    if key not in _folders:
        _folders[key] = _make_folder(name)
    return _folders[key]


def cache_root() -> Path | None:
    """The cache folder itself, which holds the folders :func:`cache_dir` names (not made here);
    None when ``SQMKIT_CACHE_DIR`` is set empty or there is no home folder."""
    explicit = os.environ.get("SQMKIT_CACHE_DIR")
    if explicit == "":
        return None
    try:
        if explicit:
            return Path(explicit)
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sqmkit"
    except RuntimeError:  # no home folder
        return None


def _make_folder(name: str) -> Path | None:
    base = cache_root()
    if base is None:
        return None
    try:
        folder = base / name
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not os.access(folder, os.W_OK):
            return None
    except OSError:
        return None
    _sweep_when_due(base)
    return folder


def max_age_days() -> float:
    """``$SQMKIT_CACHE_MAX_AGE_DAYS`` (0: never swept; unset or not a number of days: the default)."""
    days = given_max_age()
    return DEFAULT_MAX_AGE_DAYS if days is None else days


def given_max_age() -> float | None:
    """``$SQMKIT_CACHE_MAX_AGE_DAYS`` when it is set to a number of days (0 or more), else None."""
    try:
        days = float(os.environ.get("SQMKIT_CACHE_MAX_AGE_DAYS", "").strip())
    except ValueError:  # unset, empty or not a number
        return None
    return days if math.isfinite(days) and days >= 0 else None


def _sweep_when_due(base: Path) -> None:
    """Sweep ``base`` when its stamp is more than a day old (once per process: one ``stat``)."""
    if base in _checked:
        return
    _checked.add(base)
    days = max_age_days()
    if days == 0:
        return
    try:
        last = os.stat(base / SWEEP_STAMP).st_mtime
    except OSError:
        last = 0.0
    if last < time.time() - DAY_S:
        from . import cacheprune

        cacheprune.sweep(base, days)


def mark_used(target: Path | int, mtime: float) -> None:
    """Set the modification time of an entry just read (a path, never followed if a symbolic link,
    or an open file) to now, when its mark (``mtime``) is more than a day old; never fails."""
    if mtime < time.time() - DAY_S:
        try:
            if isinstance(target, int):
                os.utime(target)
            else:
                os.utime(target, follow_symlinks=False)
        except (OSError, NotImplementedError):
            pass


def entry(name: str, key: bytes, suffix: str) -> Path | None:
    """The file of the entry for ``key`` in folder ``name`` (None when nothing is kept)."""
    folder = cache_dir(name)
    return folder / (hashlib.sha256(key).hexdigest() + suffix) if folder is not None else None


def open_entry(path: str | Path) -> tuple[BinaryIO, float] | None:
    """An entry's file, open for reading, and its modification time; None when it is missing or
    not a regular file (never opened through a symbolic link, never waiting on a pipe)."""
    try:
        fd = os.open(path, _OPEN)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
    except OSError:  # pragma: no cover - an open file has a status
        st = None
    if st is None or not stat.S_ISREG(st.st_mode):
        os.close(fd)
        return None
    return open(fd, "rb"), st.st_mtime


def read(path: Path | None, limit: int | None = None) -> bytes | None:
    """The payload of an entry, when it is whole and was written by :func:`write` (and, with
    ``limit``, its file is at most that many bytes)."""
    opened = open_entry(path) if path is not None else None
    if opened is None:
        return None
    f, mtime = opened
    with f:
        try:
            blob = f.read() if limit is None else f.read(_HEAD + limit + 1)
        except OSError:
            return None
        if limit is not None and len(blob) > _HEAD + limit:
            return None
        mark_used(f.fileno(), mtime)
    if blob[:len(_MAGIC)] != _MAGIC or hashlib.sha256(blob[_HEAD:]).digest() != blob[len(_MAGIC):_HEAD]:
        return None
    return blob[_HEAD:]


def write(path: Path | None, payload: bytes) -> None:
    """Keep ``payload`` at ``path`` (atomically; a failure keeps nothing and raises nothing)."""
    if path is None:
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(_MAGIC + hashlib.sha256(payload).digest() + payload)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:  # a full disk or a folder gone
        pass
