"""Entries of sqmkit's cache folder that are derived data, never trusted blindly.

What a command derives from files that rarely change (a parsed YAML file, a compiled message
catalog) is kept between processes, as Python keeps ``.pyc`` files. An entry is named by a hash of
everything it is derived from (the caller's key), holds a magic number and the SHA-256 of its
payload, checked on reading (a truncated, corrupt or foreign entry reads as missing and is
written again), and is written to a temporary file and renamed (atomic).

The folder is the one :func:`sqmkit.jinjacache.cache_dir` names, by the same rules (kept here
without importing Jinja, which a command may not need): ``$SQMKIT_CACHE_DIR/NAME``, else
``$XDG_CACHE_HOME/sqmkit/NAME``, else ``~/.cache/sqmkit/NAME``, mode 0700; ``SQMKIT_CACHE_DIR=``
set empty keeps nothing, and where no folder can be made nothing is kept and nothing fails.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

_MAGIC = b"sqmkit-cache-1\n"
_HEAD = len(_MAGIC) + 32
_folders: dict[tuple[str, str | None, str | None], Path | None] = {}


def cache_dir(name: str) -> Path | None:
    """The cache folder ``name`` for this user (made on first use), or None (see the module)."""
    key = (name, os.environ.get("SQMKIT_CACHE_DIR"), os.environ.get("XDG_CACHE_HOME"))
    if key not in _folders:
        _folders[key] = _make_folder(name)
    return _folders[key]


def _make_folder(name: str) -> Path | None:
    explicit = os.environ.get("SQMKIT_CACHE_DIR")
    if explicit == "":
        return None
    try:
        home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sqmkit"
        base = Path(explicit) if explicit else home
        folder = base / name
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not os.access(folder, os.W_OK):
            return None
    except (OSError, RuntimeError):  # RuntimeError: no home folder
        return None
    return folder


def entry(name: str, key: bytes, suffix: str) -> Path | None:
    """The file of the entry for ``key`` in folder ``name`` (None when nothing is kept)."""
    folder = cache_dir(name)
    return folder / (hashlib.sha256(key).hexdigest() + suffix) if folder is not None else None


def read(path: Path | None) -> bytes | None:
    """The payload of an entry, when it is whole and was written by :func:`write`."""
    if path is None:
        return None
    try:
        blob = path.read_bytes()
    except OSError:
        return None
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
