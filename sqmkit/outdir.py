"""Output folders: sqmkit replaces only what it built itself, and loses nothing on failure.

A build is written into a staging folder beside the target and swapped in only when it is
complete (see :mod:`sqmkit.build`). The target ``<out>/<client-id>`` is replaced only when it is
a folder sqmkit built: it holds sqmkit's ``manifest.json`` for that client, and every file in it
is one the manifest lists (a file someone added would be lost, so such a folder is refused too).
A regular file, a symbolic link or any other folder there is refused with a message saying what
is there and what to do. The output root itself may not be a system folder, the filesystem root or
the user's home folder, and problems creating it (below a regular file, permission denied) are
reported plainly.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from .errors import BuildError
from .messages import _

#: output roots refused outright: building there would mix a client's handbook into the system
DANGEROUS_ROOTS = ("/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/opt", "/proc",
                   "/root", "/run", "/sbin", "/srv", "/sys", "/usr", "/var")
#: folders below which nothing is ever written (kernel and device file systems)
_PSEUDO_ROOTS = ("/dev", "/proc", "/sys")
#: names Windows reserves for devices, in any case and with any extension ("nul.txt" too): a folder
#: of that name cannot be made, copied or deleted there, so a client id may not be one
RESERVED_NAMES = frozenset(["con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                            *(f"lpt{i}" for i in range(1, 10))])
MANIFEST = "manifest.json"
#: the largest manifest read when recognising a build folder
_MAX_MANIFEST_BYTES = 16 * 1024 * 1024


def _choose() -> str:
    return _("choose another output folder with -o")


def reserved_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a folder name on common file systems, or None when it can."""
    if name.split(".")[0].lower() in RESERVED_NAMES:
        return _("{name!r} is a device name reserved on Windows (con, prn, aux, nul, com1-com9, lpt1-lpt9), "
                 "so its output folder could not be made there; choose another id").format(name=name)
    return None


def prepare_root(out_root: Path) -> Path:
    """Check and create the output root; returns it. Raises :class:`BuildError` with the reason."""
    resolved = out_root.expanduser().resolve()
    if _dangerous(resolved):
        raise BuildError(_("refusing to build into {path}: it is a system folder, the filesystem root or your "
                           "home folder itself; {what}").format(path=resolved, what=_("use a folder of its own, "
                                                                                      "e.g. -o out")))
    blocker = _blocking_file(resolved)
    if blocker is not None:
        raise BuildError(_("cannot create the output folder {out}: {blocker} is a file, not a folder; {what}").format(
            out=out_root, blocker=blocker, what=_choose()))
    try:
        out_root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BuildError(_("cannot create the output folder {out}: {reason}; {what}").format(
            out=out_root, reason=exc.strerror or exc, what=_choose())) from None
    if not os.access(out_root, os.W_OK | os.X_OK):
        raise BuildError(_("cannot write into the output folder {out}: permission denied; {what}").format(
            out=out_root, what=_choose()))
    return out_root


def _dangerous(path: Path) -> bool:
    try:
        home: Path | None = Path.home().resolve()
    except (RuntimeError, KeyError, OSError):  # no home folder known
        home = None
    if str(path) in DANGEROUS_ROOTS or path == home:
        return True
    return any(path.is_relative_to(p) for p in _PSEUDO_ROOTS)


def _blocking_file(path: Path) -> Path | None:
    """The nearest existing ancestor of ``path`` (itself included) when it is not a folder."""
    for candidate in (path, *path.parents):
        if os.path.lexists(candidate):
            return None if candidate.is_dir() else candidate
    return None


def check_target(target: Path, client_id: str) -> None:
    """Refuse to replace ``target`` unless it is absent, an empty folder, or a build of sqmkit's."""
    if not os.path.lexists(target):
        return
    if target.is_symlink():
        raise BuildError(_("{target} is a symbolic link, which sqmkit did not create; it replaces only folders it "
                           "built. Remove the link or {what}").format(target=target, what=_choose()))
    if not target.is_dir():
        raise BuildError(_("{target} is a file that sqmkit did not create; move it away or {what}").format(
            target=target, what=_choose()))
    if not any(target.iterdir()):
        return
    listed = _manifest_files(target, client_id)
    foreign = _first_foreign(target, listed)
    if foreign is not None:
        raise BuildError(_("{target} holds {entry}, which sqmkit did not build; a new build would delete it. Move "
                           "it away or {what}").format(target=target, entry=foreign, what=_choose()))


def _manifest_files(target: Path, client_id: str) -> set[str]:
    """The files the build folder's manifest lists; refuses a folder without sqmkit's manifest."""
    path = target / MANIFEST
    not_ours = _("{target} is a folder that sqmkit did not build (it has no manifest.json of a build of "
                 "{client!r}); move it away or {what}").format(target=target, client=client_id, what=_choose())
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > _MAX_MANIFEST_BYTES:
            raise BuildError(not_ours)
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        raise BuildError(not_ours) from None
    if not (isinstance(data, dict) and data.get("client") == client_id and isinstance(data.get("files"), dict)
            and isinstance(data.get("formats"), list)):
        raise BuildError(not_ours)
    return {str(k) for k in data["files"]}


def _first_foreign(target: Path, listed: set[str]) -> str | None:
    """The first entry (sorted) that is neither a listed file, the manifest, nor a folder."""
    for dirpath, dirnames, filenames in os.walk(target):
        dirnames.sort()
        for name in sorted(filenames) + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            path = Path(dirpath) / name
            rel = path.relative_to(target).as_posix()
            if rel == MANIFEST or (rel in listed and path.is_file() and not path.is_symlink()):
                continue
            return rel
    return None


def make_staging(out_root: Path, client_id: str) -> Path:
    """A fresh staging folder beside the target, named so a later build can clean it up if this
    process is killed; leftovers of dead builds of the same client are removed first."""
    clean_leftovers(out_root, client_id)
    try:
        return Path(tempfile.mkdtemp(prefix=f".{client_id}.staging-{os.getpid()}-", dir=out_root))
    except OSError as exc:
        raise BuildError(_("cannot write into the output folder {out}: {reason}; {what}").format(
            out=out_root, reason=exc.strerror or exc, what=_choose())) from None


def clean_leftovers(out_root: Path, client_id: str) -> list[Path]:
    """Remove staging and backup folders of ``client_id`` left by builds whose process is gone."""
    pattern = re.compile(rf"^\.{re.escape(client_id)}\.(?:staging-(\d+)-[A-Za-z0-9_]+|old-(\d+))$")
    removed = []
    for entry in sorted(out_root.iterdir()) if out_root.is_dir() else []:
        m = pattern.match(entry.name)
        if m and entry.is_dir() and not entry.is_symlink() and not _alive(int(m.group(1) or m.group(2))):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, owned by someone else
        return True
    return True


def swap_in(staging: Path, target: Path, client_id: str) -> None:
    """Replace ``target`` by the complete ``staging`` folder: the old build is moved aside, the
    new one moved in, and the old one deleted only then (restored if the move fails)."""
    check_target(target, client_id)  # again: something may have appeared while building
    backup = None
    if target.exists():
        backup = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, backup)
    try:
        os.replace(staging, target)
    except OSError as exc:
        if backup is not None:
            os.replace(backup, target)
        raise BuildError(_("cannot move the new build into {target}: {reason}").format(
            target=target, reason=exc.strerror or exc)) from None
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)
