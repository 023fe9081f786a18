"""A workspace's clients: one profile file each, ``clients/ID.yaml``, whose name is the client id.

Making (``client new``, written by :mod:`sqmkit.profile_writer`), importing and exporting (byte for
byte), editing (a copy is edited and checked in full; the original is replaced only by a valid
profile with the same id), deleting (an export is kept under ``archive/ID/``), and the overview
``client list`` prints: version, last issue, last build and whether the outputs are stale.

Ids are unique: the file name is the id, a profile must declare the id its file name says, and an
import of an id the workspace already has is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import SqmkitError
from .messages import _
from .workspace import Workspace, WorkspaceError

if TYPE_CHECKING:  # pragma: no cover
    from .plugins import Manager
    from .profile import Profile

_ID_LINE = re.compile(r"""^id:\s*["']?([^"'#\s]*)["']?\s*(?:#.*)?$""", re.MULTILINE)


def declared_id(path: Path) -> str | None:
    """The ``id:`` a profile file declares at its top level (read without a full check)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    found = _ID_LINE.search(text)
    return found.group(1) if found else None


def check_file_id(path: Path) -> None:
    """A client file declares the id its file name says (so no two files claim one id)."""
    said = declared_id(path)
    if said is not None and said != path.stem:
        raise WorkspaceError(_("{path} declares id {said!r}, but a client's file name is its id ({stem!r}); "
                               "rename the file or correct its id").format(path=path, said=said, stem=path.stem))


def check_unique(ws: Workspace) -> None:
    """Every client file declares its own id; two files claiming one id are named together."""
    claims: dict[str, list[Path]] = {}
    for cid in ws.client_ids():
        path = ws.profile_path(cid)
        claims.setdefault(declared_id(path) or cid, []).append(path)
    for cid, paths in sorted(claims.items()):
        if len(paths) > 1:
            raise WorkspaceError(_("two client files claim the id {id!r}: {first} and {second}; ids are unique, "
                                   "so correct or remove one").format(id=cid, first=paths[0], second=paths[1]))
    for cid in ws.client_ids():
        check_file_id(ws.profile_path(cid))


def checked(mgr: "Manager", path: Path) -> "Profile":
    """The profile at ``path`` after the full check (schema, industry, assembly)."""
    from .build import load

    return load(path, mgr)[1]


# ---------------------------------------------------------------------------------------------
# Making, importing, exporting, editing, deleting
# ---------------------------------------------------------------------------------------------


def new_client(ws: Workspace, mgr: "Manager", industry: str, client_id: str, *, company: str | None = None,
               short_name: str | None = None, modules: str = "", language: str = "zh-CN",
               date: dt.date | None = None) -> Path:
    """Write ``clients/ID.yaml`` for a new client of ``industry`` (see ``profile new``)."""
    from .profile_writer import new_profile, short_name as derived_short
    from .yamlemit import scalar

    path = ws.new_profile_path(client_id)
    ws.clients_dir.mkdir(parents=True, exist_ok=True)
    written = new_profile(mgr.industries(), industry, path, modules=modules, client_id=client_id, company=company,
                          language=language, date=date)
    if short_name and company and short_name != derived_short(company.strip()):
        text = written.read_text(encoding="utf-8")
        line = f"  short_name: {scalar(derived_short(company.strip()))}"
        text = text.replace(line, f"  short_name: {scalar(short_name.strip())}", 1)
        _write_atomic(written, text.encode("utf-8"))
        try:
            checked(mgr, written)
        except SqmkitError:
            written.unlink()
            raise
    return written


def _write_atomic(target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def import_client(ws: Workspace, mgr: "Manager", source: Path) -> tuple[str, Path]:
    """Copy a valid profile into ``clients/ID.yaml`` byte for byte; an id already there is refused."""
    profile = checked(mgr, source)
    target = ws.new_profile_path(profile.id)
    ws.clients_dir.mkdir(parents=True, exist_ok=True)
    _copy_logo(profile, source, ws.clients_dir)
    data = source.read_bytes()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        try:
            os.link(tmp, target)  # fails if another process imported the same id meanwhile
        except FileExistsError:
            raise WorkspaceError(_("client {id!r} already exists ({path}); ids are unique in a workspace").format(
                id=profile.id, path=target)) from None
    finally:
        os.unlink(tmp)
    return profile.id, target


def _copy_logo(profile: "Profile", source: Path, clients_dir: Path) -> None:
    """The profile's logo (a path relative to it) goes beside it in ``clients/``; a different file of
    that name there already is refused."""
    logo = profile.branding.logo
    if not logo or Path(logo).is_absolute():
        return
    src, dest = source.parent / logo, clients_dir / logo
    if dest.exists():
        if dest.read_bytes() != src.read_bytes():
            raise WorkspaceError(_("the logo {logo} of this profile differs from the file {dest} another client "
                                   "uses; rename the logo and branding.logo, then import again").format(
                logo=src, dest=dest))
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dest)


def export_client(ws: Workspace, client_id: str, dest: Path, force: bool = False) -> Path:
    """Copy ``clients/ID.yaml`` to ``dest`` byte for byte."""
    source = ws.profile_path(client_id)
    if dest.is_dir():
        dest = dest / source.name
    if dest.exists() and not force:
        raise WorkspaceError(_("{path} already exists; choose another file name or use --force to replace it")
                             .format(path=dest))
    if not dest.parent.is_dir():
        raise WorkspaceError(_("the folder {folder} does not exist").format(folder=dest.parent))
    _write_atomic(dest, source.read_bytes())
    return dest


def delete_client(ws: Workspace, client_id: str, now: dt.datetime | None = None) -> Path:
    """Remove a client's profile, keeping a copy as ``archive/ID/deleted-<time>.yaml`` (returned);
    its issued versions, builds and results stay in the store and the archive."""
    source = ws.profile_path(client_id)
    stamp = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    keep = ws.archive_dir / client_id / f"deleted-{stamp}{source.suffix}"
    keep.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, keep)
    source.unlink()
    from .store import open_store

    with open_store(ws.store_path) as store:
        store.remove_client(client_id)
    return keep


def edit_copy(ws: Workspace, client_id: str) -> Path:
    """A copy of the client's profile to edit, beside it (hidden), with the same name's suffix."""
    source = ws.profile_path(client_id)
    fd, tmp = tempfile.mkstemp(prefix=f".{client_id}.edit-", suffix=source.suffix, dir=source.parent)
    with os.fdopen(fd, "wb") as fh:
        fh.write(source.read_bytes())
    return Path(tmp)


def accept_edit(ws: Workspace, mgr: "Manager", client_id: str, copy: Path) -> bool:
    """Check the edited copy in full; a valid one with the same id replaces the profile (True),
    an unchanged one is dropped (False). A problem raises, and the original stays untouched."""
    source = ws.profile_path(client_id)
    if copy.read_bytes() == source.read_bytes():
        copy.unlink()
        return False
    profile = checked(mgr, copy)
    if profile.id != client_id:
        raise WorkspaceError(_("the id was changed from {old!r} to {new!r}; a client's id cannot be edited (export "
                               "it, change the id, and import it as a new client)").format(old=client_id,
                                                                                        new=profile.id))
    os.replace(copy, source)
    return True


# ---------------------------------------------------------------------------------------------
# The overview
# ---------------------------------------------------------------------------------------------


@dataclass
class ClientRow:
    """One line of ``client list``."""

    id: str
    company: str | None = None
    industry: str | None = None
    modules: list[str] = field(default_factory=list)
    version: str | None = None
    last_issue: dict[str, Any] | None = None
    last_build: dict[str, Any] | None = None
    stale: list[str] = field(default_factory=list)
    problem: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _profile_summary(row: ClientRow, path: Path) -> None:
    from .yamlio import load_yaml

    try:
        data = load_yaml(path).data
    except SqmkitError as exc:
        row.problem = str(exc)
        return
    if not isinstance(data, dict):
        row.problem = _("not a profile")
        return
    company: dict[str, Any] = data["company"] if isinstance(data.get("company"), dict) else {}
    document: dict[str, Any] = data["document"] if isinstance(data.get("document"), dict) else {}
    row.company = str(company.get("name")) if company.get("name") is not None else None
    row.industry = str(data["industry"]) if data.get("industry") is not None else None
    row.modules = [str(m) for m in data.get("modules") or [] if isinstance(m, (str, int))]
    row.version = str(document["version"]) if document.get("version") is not None else None


def stale_reasons(build: dict[str, Any] | None, profile_hash: str, plugins: dict[str, str | None],
                  last_issue: str | None) -> list[str]:
    """Why the last build no longer matches: the profile, the plugins or the last issue changed."""
    if build is None:
        return ["never built"]
    reasons = []
    if build.get("profile_sha256") != profile_hash:
        reasons.append("profile")
    if build.get("plugins") != plugins:
        reasons.append("plugins")
    if last_issue is not None and build.get("last_issue") != last_issue:
        reasons.append("issue")
    return reasons


def client_rows(ws: Workspace, mgr: "Manager") -> list[ClientRow]:
    """The overview of every client of the workspace, from the profiles and the store."""
    from .store import open_store

    plugins = plugin_versions(mgr)
    with open_store(ws.store_path) as store:
        history = {cid: (store.versions(cid), store.builds(cid)) for cid in ws.client_ids()}
    rows = []
    for cid, (versions, builds) in history.items():
        path = ws.profile_path(cid)
        row = ClientRow(cid)
        _profile_summary(row, path)
        issue = versions[-1] if versions else None
        if issue is not None:
            row.last_issue = {k: issue.get(k) for k in ("version", "date", "by", "issued_at")}
        build = builds[-1] if builds else None
        if build is not None:
            row.last_build = {k: build.get(k) for k in ("at", "version", "formats", "files")}
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        row.stale = stale_reasons(build, digest, plugins, issue["version"] if issue else None)
        rows.append(row)
    return rows


def plugin_versions(mgr: "Manager") -> dict[str, str | None]:
    """The names and versions of the plugins a build is made with (sqmkit itself included)."""
    from . import __version__

    found: dict[str, str | None] = {"sqmkit": __version__}
    found.update({name: mgr.infos[name].version for name in mgr.order()})
    return found
