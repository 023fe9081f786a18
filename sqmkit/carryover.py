"""Partial builds that leave a consistent folder: ``build ID -f html`` renders only what was asked
and keeps the rest of the last build when it is still current.

Every build's manifest records the hash of its inputs (``inputs``: the assembled regulation —
profile, plugin content, revision log and draft state — the template files and the plugins'
versions) and which files each format wrote (``by_format``). A later build of some formats copies
the other formats' files from the last build when its inputs hash is the same and the files are
intact; otherwise those formats cannot be kept, and the formats that link to one another (the
site, the forms and the checklists) are rendered together, so the folder never has a dead link.
The manifest always covers exactly the files that are there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .buildcache import dataclass_fields
from .outdir import MANIFEST

if TYPE_CHECKING:  # pragma: no cover  # a build the cache finds up to date reads manifests only
    from .model import Regulation

#: formats whose pages link to one another: never one without the others
LINKED = ("html", "forms", "checklists")
_MAX_MANIFEST_BYTES = 16 * 1024 * 1024


def _plain(value: Any) -> Any:
    fields = dataclass_fields(value)
    if fields is not None:
        return fields
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if isinstance(value, (dt.date, Path)):
        return str(value)
    return repr(value)


def inputs_hash(reg: Regulation, folders: list[Path], plugins: dict[str, str | None]) -> str:
    """The hash of everything a build's outputs are made from."""
    digest = hashlib.sha256()
    digest.update(json.dumps(reg, ensure_ascii=False, sort_keys=True, default=_plain).encode("utf-8"))
    digest.update(json.dumps(plugins, sort_keys=True).encode("utf-8"))
    for folder in folders:
        for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
            digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def previous_manifest(target: Path) -> dict[str, Any] | None:
    """The manifest of the build in ``target`` (None when there is none or it is unreadable)."""
    path = target / MANIFEST
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > _MAX_MANIFEST_BYTES:
            return None
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def intact(target: Path, manifest: dict[str, Any], files: list[str]) -> bool:
    listed = manifest.get("files") if isinstance(manifest.get("files"), dict) else {}
    for rel in files:
        path = target / rel
        if not isinstance(listed, dict) or rel not in listed or not path.is_file() or path.is_symlink():
            return False
        if hashlib.sha256(path.read_bytes()).hexdigest() != listed[rel]:
            return False
    return True


def plan(chosen: list[str], asked: bool, available: list[str], prev: dict[str, Any] | None, inputs: str,
         target: Path, keys: dict[str, str] | None = None, prev_keys: dict[str, str] | None = None,
         force: bool = False) -> tuple[list[str], dict[str, list[str]]]:
    """``(formats to render, {format: files to keep from the last build})``. A format the last
    build holds is kept, its files intact, when this build does not render it and the inputs are
    the same, or when its own key (:mod:`sqmkit.buildcache`) is the one its files were made with
    (not with ``force``); else the linked formats are rendered together."""
    keep: dict[str, list[str]] = {}
    by_format = prev.get("by_format") if prev else None
    keys, prev_keys = keys or {}, prev_keys or {}
    same_inputs = prev is not None and prev.get("inputs") == inputs
    if prev is not None and isinstance(by_format, dict):
        for name in available:
            files = by_format.get(name)
            cached = name in keys and prev_keys.get(name) == keys[name]
            wanted = cached and not force if name in chosen else same_inputs or cached
            if wanted and isinstance(files, list) and intact(target, prev, [str(f) for f in files]):
                keep[name] = [str(f) for f in files]
    render = [n for n in chosen if n not in keep]
    if asked and any(name in LINKED for name in chosen):
        render += [n for n in LINKED if n in available and n not in render and n not in keep]
    return [n for n in available if n in render], keep


def carry(target: Path, staging: Path, keep: dict[str, list[str]]) -> None:
    """Copy the kept formats' files from the last build into the staging folder."""
    for files in keep.values():
        for rel in files:
            dest = staging / rel
            if dest.exists():
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(target / rel, dest)


def new_files(staging: Path, before: set[str]) -> list[str]:
    """The files in ``staging`` that are not in ``before`` (what one format wrote), sorted."""
    now = {p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()}
    return sorted(now - before - {MANIFEST})
