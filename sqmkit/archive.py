"""The archive of issued versions: ``archive/ID/VERSION/`` holds the frozen inputs
(``inputs/``), the outputs built from them (``outputs/``) and ``manifest.json`` (the issue's
record and the sha256 of every file), all read-only.

A version folder appears in one step: it is written complete in a hidden temporary folder
beside it (``.issuing-…``), sealed, and renamed into place; a process killed before the rename
leaves only the temporary folder, which :func:`recover` removes. The rename is the commit
point: a folder whose record has not reached the store yet (killed between the rename and the
store write) is rolled forward from its manifest by :func:`recover`. So a kill -9 leaves the
old state or the new, never half an archive.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import StoreError
from .messages import _

MANIFEST = "manifest.json"
ARCHIVE_FORMAT = "sqmkit-archive/1"
TEMP_PREFIX = ".issuing-"


def folder_name(version: str) -> str:
    """A version as a folder name (``A/1`` → ``A-1``)."""
    name = re.sub(r"[^A-Za-z0-9._-]", "-", version)
    return "v" + name if name.startswith(".") or not name else name


def hash_files(root: Path, skip: tuple[str, ...] = (MANIFEST,)) -> dict[str, str]:
    """Relative path → sha256 of every file below ``root`` (sorted), ``skip`` left out."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and rel not in skip:
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def write_manifest(folder: Path, record: dict[str, Any]) -> dict[str, str]:
    files = hash_files(folder)
    data = {"format": ARCHIVE_FORMAT, "record": record, "files": files}
    (folder / MANIFEST).write_bytes((json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode())
    return files


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise StoreError(_("the archive manifest cannot be read: {reason}").format(reason=exc), file=str(path),
                         hint=_("the archived version is damaged; restore it from a backup")) from None
    if not isinstance(data, dict) or data.get("format") != ARCHIVE_FORMAT:
        raise StoreError(_("not an sqmkit archive manifest"), file=str(path))
    return data


def seal(folder: Path) -> None:
    """Make every file and folder below ``folder`` (and itself) read-only."""
    for path in sorted(folder.rglob("*"), reverse=True):
        os.chmod(path, 0o444 if path.is_file() else 0o555)
    os.chmod(folder, 0o555)


def remove_tree(folder: Path) -> None:
    """Remove a (possibly sealed) folder."""
    if not folder.exists():
        return
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            os.chmod(path, stat.S_IRWXU)
    shutil.rmtree(folder)


def temp_folder(client_dir: Path, version: str) -> Path:
    client_dir.mkdir(parents=True, exist_ok=True)
    tmp = client_dir / f"{TEMP_PREFIX}{folder_name(version)}-{os.getpid()}"
    remove_tree(tmp)
    tmp.mkdir()
    return tmp


def commit(tmp: Path, final: Path) -> None:
    """Move a sealed temporary folder into place (atomic); an existing version is refused."""
    if final.exists():
        raise StoreError(_("the archive already holds {folder}").format(folder=final),
                         hint=_("an archived version is never replaced; raise document.version"))
    os.chmod(tmp, stat.S_IRWXU)
    os.rename(tmp, final)
    os.chmod(final, 0o555)


@dataclass(frozen=True)
class Check:
    """A file of a manifest checked: ``status`` is match, changed, missing or extra."""

    file: str
    status: str


def compare(expected: dict[str, str], found: dict[str, str]) -> list[Check]:
    checks = [Check(f, "missing" if f not in found else "match" if found[f] == h else "changed")
              for f, h in sorted(expected.items())]
    return checks + [Check(f, "extra") for f in sorted(found) if f not in expected]


def verify(folder: Path) -> list[Check]:
    """The archived files against their manifest."""
    return compare(read_manifest(folder)["files"], hash_files(folder))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stale_temporaries(archive_dir: Path) -> list[Path]:
    """Temporary folders of issues whose process is gone."""
    found = []
    for tmp in sorted(archive_dir.glob(f"*/{TEMP_PREFIX}*")):
        pid = tmp.name.rsplit("-", 1)[-1]
        if not pid.isdigit() or not _alive(int(pid)) or int(pid) == os.getpid():
            found.append(tmp)
    return found


def archived_records(archive_dir: Path) -> list[dict[str, Any]]:
    """The records of every archived version (from the manifests)."""
    out = []
    for manifest in sorted(archive_dir.glob(f"*/*/{MANIFEST}")):
        if not manifest.parent.name.startswith("."):
            record = read_manifest(manifest.parent).get("record")
            if isinstance(record, dict):
                out.append(record)
    return out
