"""Keeping sqmkit's cache folder bounded: which of its files are entries, when each was last used,
and the removal of those not used for a while (by ``sqmkit cache clear`` and by a daily sweep).

The folder (:func:`sqmkit.diskcache.cache_root`) holds derived data only, each kind in a folder of
its own: ``yaml/`` (``*.yc``), ``messages/`` (``*.mo``), ``jinja-<version>/`` (``*.jinja``, one
folder per Jinja version) and ``builds/`` (the build cache's ``*.json``, one per output folder, and
``digests.json``). An entry's *last use* is its modification time: writing it sets it, and reading
it sets it again when it is more than a day old (:func:`sqmkit.diskcache.mark_used`; the build
cache's notes of an output folder count as used whenever that folder is built, ``digests.json``
whenever a build takes its key). So an entry not used for N days has a modification time N days
old, and removing it costs only the time to make it again.

What is removed, and nothing else: regular files named as sqmkit names its entries, in the folders
above, and its leftover temporary files (``.tmp-*`` and Jinja's ``*.tmp``) more than an hour old;
a ``jinja-<version>`` folder of another Jinja version once it is empty. Symbolic links are never
followed, neither removed nor entered (a folder is opened with ``O_NOFOLLOW`` and files are removed
relative to it), and are reported; any other file is left as it is. Entries are written to a
temporary file and renamed, so removing one while another process runs is safe: the other process
reads it as missing and makes it again.

The sweep: the first folder a process asks :func:`sqmkit.diskcache.cache_dir` for costs one
``stat`` of the stamp file ``.last-sweep``; when it is more than a day old (or missing), the stamp
is set to now and :func:`sweep` removes the entries not used for ``$SQMKIT_CACHE_MAX_AGE_DAYS``
days (default 30; 0: never swept, ``sqmkit cache clear`` only).
"""

from __future__ import annotations

import dataclasses
import os
import re
import stat
import sys
import time
from pathlib import Path

from .diskcache import DAY_S, SWEEP_STAMP

#: a leftover temporary file older than this is removed (a younger one may be being written)
TEMP_AGE_S = 3600
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
_MKSTEMP = r"\.tmp-[a-z0-9_]+"
#: each kind of folder: (its entries, its temporary files)
_KINDS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "yaml": (re.compile(r"[0-9a-f]{64}\.yc"), re.compile(_MKSTEMP)),
    "messages": (re.compile(r"[0-9a-f]{64}\.mo"), re.compile(_MKSTEMP)),
    "builds": (re.compile(r"[0-9a-f]{32}\.json|digests\.json"),  # (…json.PID.tmp: left by earlier versions)
               re.compile(_MKSTEMP + r"|[0-9a-f]{32}\.json\.[0-9]+\.tmp")),
    "jinja": (re.compile(r"[0-9a-f]{64}\.jinja"), re.compile(r"[0-9a-f]{64}\.jinja[a-z0-9_]+\.tmp")),
}
_JINJA = re.compile(r"jinja-[0-9A-Za-z.+_-]+")


@dataclasses.dataclass
class Folder:
    """One folder of the cache: its entries, their size and the oldest last use among them."""

    name: str
    entries: int = 0
    size: int = 0
    oldest: float | None = None
    #: files that are not sqmkit's entries (left alone)
    other: int = 0
    #: a ``jinja-<version>`` folder of another Jinja version than this process's
    other_jinja: bool = False
    #: removed from the folder (when removing)
    removed: int = 0
    removed_size: int = 0


@dataclasses.dataclass
class Report:
    """What :func:`survey` or :func:`prune` found in a cache folder."""

    root: Path
    folders: list[Folder] = dataclasses.field(default_factory=list)
    #: symbolic links left alone where a folder or an entry was expected
    links: list[Path] = dataclasses.field(default_factory=list)

    @property
    def removed(self) -> int:
        return sum(f.removed for f in self.folders)

    @property
    def removed_size(self) -> int:
        return sum(f.removed_size for f in self.folders)


def survey(root: Path) -> Report:
    """The folders of the cache at ``root`` and their entries (nothing removed)."""
    return _walk(root, None, time.time())


def prune(root: Path, older_than_days: float | None = None) -> Report:
    """Remove the entries not used for ``older_than_days`` days (None: every entry), leftover
    temporary files more than an hour old, and empty folders of other Jinja versions."""
    now = time.time()
    cutoff = float("inf") if older_than_days is None else now - older_than_days * DAY_S
    return _walk(root, cutoff, now)


def sweep(root: Path, days: float) -> Report | None:
    """The daily sweep: set the stamp to now, then :func:`prune` the entries not used for ``days``
    days; None when the stamp cannot be set (then nothing is swept, or every process would)."""
    try:
        fd = os.open(root / SWEEP_STAMP, os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            os.utime(fd)
        finally:
            os.close(fd)
    except (OSError, NotImplementedError):
        return None
    try:
        return prune(root, days)
    except OSError:  # a folder that cannot be listed: kept as it is (the command goes on)
        return None


def last_sweep(root: Path) -> float | None:
    """When the cache at ``root`` was last swept (None: never)."""
    try:
        return os.stat(root / SWEEP_STAMP, follow_symlinks=False).st_mtime
    except OSError:
        return None


def current_jinja() -> str | None:
    """The folder name of this process's Jinja version's compiled templates."""
    version = getattr(sys.modules.get("jinja2"), "__version__", None)
    if version is None:  # not imported by this command: its installed version (cheaper)
        import importlib.metadata

        try:
            version = importlib.metadata.version("jinja2")
        except importlib.metadata.PackageNotFoundError:  # pragma: no cover - Jinja is a dependency
            return None
    return f"jinja-{version}"


def _kind(name: str) -> str | None:
    if name in _KINDS:
        return name
    return "jinja" if _JINJA.fullmatch(name) else None


def _walk(root: Path, cutoff: float | None, now: float) -> Report:
    """Survey the cache at ``root``, removing entries last used before ``cutoff`` (None: none)."""
    report = Report(root)
    if root.is_symlink():
        report.links.append(root)
        return report
    try:
        root_fd = os.open(root, _DIR_FLAGS)
    except OSError:  # no folder yet (or not one): nothing kept
        return report
    try:
        jinja = current_jinja()
        try:
            names = sorted(os.listdir(root_fd))
        except OSError:  # not readable: nothing found, nothing removed
            names = []
        for name in names:
            kind = _kind(name)
            if kind is None:
                continue
            try:
                st = os.stat(name, dir_fd=root_fd, follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISLNK(st.st_mode):
                report.links.append(root / name)
            elif stat.S_ISDIR(st.st_mode):
                folder = Folder(name, other_jinja=kind == "jinja" and name != jinja)
                _walk_folder(root_fd, folder, kind, cutoff, now, report)
                report.folders.append(folder)
    finally:
        os.close(root_fd)
    return report


def _walk_folder(root_fd: int, folder: Folder, kind: str, cutoff: float | None, now: float,
                 report: Report) -> None:
    entry_name, temp_name = _KINDS[kind]
    try:
        fd = os.open(folder.name, _DIR_FLAGS, dir_fd=root_fd)
    except OSError:  # replaced by a link since, or gone
        return
    try:
        found = list(os.scandir(fd))
    except OSError:  # not readable: nothing found, nothing removed
        found = []
    try:
        for entry in found:
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISLNK(st.st_mode):
                report.links.append(report.root / folder.name / entry.name)
                continue
            is_entry = stat.S_ISREG(st.st_mode) and entry_name.fullmatch(entry.name) is not None
            is_temp = stat.S_ISREG(st.st_mode) and not is_entry and temp_name.fullmatch(entry.name) is not None
            if not (is_entry or is_temp):
                folder.other += 1
                continue
            limit = None if cutoff is None else cutoff if is_entry else now - TEMP_AGE_S
            if limit is not None and st.st_mtime < limit and _remove(entry.name, fd):
                folder.removed += 1
                folder.removed_size += st.st_size
            elif is_entry:
                folder.entries += 1
                folder.size += st.st_size
                folder.oldest = st.st_mtime if folder.oldest is None else min(folder.oldest, st.st_mtime)
    finally:
        os.close(fd)
    if cutoff is not None and folder.other_jinja and folder.entries == 0 and folder.other == 0:
        try:
            os.rmdir(folder.name, dir_fd=root_fd)
        except OSError:  # a file written there since: kept
            pass


def _remove(name: str, dir_fd: int) -> bool:
    try:
        os.unlink(name, dir_fd=dir_fd)
    except OSError:  # removed by another process meanwhile, or not ours to remove
        return False
    return True
