"""The build cache: a build whose inputs have not changed is not run again, and a format whose
own inputs have not changed is kept from the last build.

Two keys, both hashes of inputs, never of times:

* The **raw key**, taken before anything is assembled: the profile file's bytes; the files it names
  (logo, template folder); the group profiles of its workspace (or the frozen ``group.yaml`` of an
  issued version); the ``--templates`` folder; the versions issued in the store for the client; the
  formats asked for; sqmkit's version, its code, data and templates; and every plugin's name,
  version and package files (code and data). When the last build of the client recorded the same
  raw key and every file its manifest lists is intact, the build is a no-op: nothing is assembled,
  nothing written (:func:`up_to_date`). A file whose status (inode, size, times) is the one recorded
  with its digest is not read again (:mod:`sqmkit.filedigest`).
* **Format keys**, taken after assembling, one per format: what each format is made from. The
  blank forms (``forms/*.html`` and ``forms.pdf``) are made from the forms, the document's
  particulars, the numbers and places of the clauses, the clauses the forms record and the
  checklists' titles, so a change to an article's text or a parameter no form prints keeps them;
  every other format depends on the whole regulation (:mod:`sqmkit.carryover` keeps a format whose
  key is the one its files were made with).

The keys live in the user's cache folder (``~/.cache/sqmkit/builds/``, one small file per output
folder, named by its absolute path; see :func:`sqmkit.diskcache.cache_dir`), not in the output,
so the output is the same bytes with or without the cache and the output folder holds nothing
else; the file names the sha256 of the manifest it describes, so a folder changed since (or a
crash between the swap and this file) is a cache miss, never a wrong hit. ``build --force``
ignores the cache.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .filedigest import file_digest, read_digest, save as save_digests
from .outdir import MANIFEST

if TYPE_CHECKING:  # pragma: no cover
    from .model import Regulation
    from .numbering import Numbering
    from .plugins import Manager

#: the layout of the cache file; another one is a miss
CACHE_VERSION = 1
_MAX_CACHE_BYTES = 1024 * 1024
_SKIP_DIRS = frozenset({"__pycache__", ".git", ".mypy_cache", ".pytest_cache"})


def cache_path(out_root: Path, client_id: str) -> Path | None:
    """The cache file of ``client_id``'s build folder in ``out_root``: in the user's cache folder
    (:func:`sqmkit.diskcache.cache_dir`), named by the folder's absolute path; None without one."""
    from .diskcache import cache_dir

    folder = cache_dir("builds")
    if folder is None:
        return None
    target = str((out_root / client_id).resolve())
    return folder / (hashlib.sha256(target.encode("utf-8")).hexdigest()[:32] + ".json")


# ---------------------------------------------------------------------------------------------
# digests of files and folders
# ---------------------------------------------------------------------------------------------


def tree_digest(root: Path, remember: bool = False) -> str:
    """The sha256 of a file, or of a folder's files (names and contents, sorted; caches of Python
    and tools left out); ``"absent"`` when there is nothing there. ``remember``: the digests of
    its files are kept with their status (:mod:`sqmkit.filedigest`; for the code and templates of
    sqmkit and the plugins, the same few hundred files every build), else every file is read."""
    digest_of = file_digest if remember else (lambda path: read_digest(path)[0])
    if root.is_file():
        return digest_of(root).hex()
    if not root.is_dir():
        return "absent"
    digest = hashlib.sha256()
    top = os.path.abspath(root)
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        # the path relative to root, as Path.relative_to(root).as_posix() gives it (strings are cheaper)
        rel = dirpath[len(top) + 1:].replace(os.sep, "/") + "/" if dirpath != top else ""
        for name in sorted(filenames):
            if name.endswith((".pyc", ".pyo")):
                continue
            digest.update((rel + name).encode("utf-8") + b"\0")
            digest.update(digest_of(os.path.join(dirpath, name)))
    return digest.hexdigest()


def code_digest(mgr: "Manager") -> str:
    """sqmkit's version, code, data and core templates, and each plugin's name, version and package
    files: what a build is made with besides the client's own files."""
    from . import __version__
    from .coretemplates import core_template_dir

    parts: dict[str, Any] = {"sqmkit": [__version__, tree_digest(Path(__file__).parent, True),
                                        tree_digest(core_template_dir(), True)]}
    for name in mgr.order():
        info = mgr.infos[name]
        parts[name] = [info.version, info.module, _module_digest(info.module)]
    return _hash(parts)


def _module_digest(spec: str) -> str:
    """The files of a plugin's module (``spec`` is its name or an entry point's ``module:attr``):
    its package folder, or the one file of a plain module."""
    module_name = spec.partition(":")[0].strip()
    module = sys.modules.get(module_name)
    if module is None:
        try:
            module = importlib.import_module(module_name)
        except Exception:  # a plugin that cannot be imported again: its name and version only
            return "unknown"
    file = getattr(module, "__file__", None)
    if not file:
        return "unknown"
    path = Path(file)
    return tree_digest(path.parent if path.name == "__init__.py" else path, True)


def _hash(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=_plain)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


#: the field names of each dataclass met (``dataclasses.fields`` is slow to ask thousands of times)
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def dataclass_fields(value: Any) -> dict[str, Any] | None:
    """A dataclass instance's fields by name, as ``dataclasses.asdict`` walks them (without its
    deep copies: the same JSON); None for anything else."""
    names = _FIELD_NAMES.get(type(value))
    if names is None:
        if not dataclasses.is_dataclass(value) or isinstance(value, type):
            return None
        names = _FIELD_NAMES[type(value)] = tuple(f.name for f in dataclasses.fields(value))
    return {name: getattr(value, name) for name in names}


def _plain(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    fields = dataclass_fields(value)  # as dataclasses.asdict, without its copies
    if fields is not None:
        return fields
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    return str(value)


# ---------------------------------------------------------------------------------------------
# the raw key: before assembling
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RawInputs:
    """What a build is asked to do, before anything is read: the profile and the request."""

    profile: Path
    formats: list[str] | None
    templates: Path | None
    store_path: Path | None
    #: the issued state when the caller gives it (an issue, a rebuild, a job of ``build --all``):
    #: then the store is not read
    given: Any = None


def client_of(profile: Path) -> tuple[str, dict[str, Any]] | None:
    """The client id and data of a profile file, read without validating (None when it has no
    plain id: the build then reports the problem); messages follow its language from here on."""
    from .errors import SqmkitError
    from .messages import follow_profile
    from .workspace import CLIENT_ID_RE
    from .yamlio import load_yaml

    try:
        data = load_yaml(profile).data
    except SqmkitError:
        return None
    follow_profile(data)  # messages in the profile's language, as when a build reads it
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not CLIENT_ID_RE.fullmatch(data["id"]):
        return None
    return data["id"], data


@dataclasses.dataclass(frozen=True)
class Probe:
    """What the cache knows of a build before it runs: the client, the raw key (None when it could
    not be taken) and the digest of sqmkit and the plugins."""

    client: str
    raw: str | None
    code: str
    #: whether the store already knows the client (a build that saves it is never skipped)
    known: bool = True


def probe(request: RawInputs, mgr: "Manager") -> Probe | None:
    """The raw key of a build (None when the profile has no plain id: no cache then)."""
    found = client_of(request.profile)
    if found is None:
        return None
    code = code_digest(mgr)
    try:
        issued, known = (request.given, True) if request.given is not None else \
            _issued_rows(request.store_path, found[0])
    except Exception:  # the store cannot be read: the build reports that
        return Probe(found[0], None, code)
    raw = raw_key(request, found[1], code, issued)
    save_digests()
    return Probe(found[0], raw, code, known)


def raw_key(request: RawInputs, data: dict[str, Any], code: str, issued: Any) -> str:
    """The raw key of a build (see the module docstring); ``data`` is the profile as read,
    ``issued`` the client's issued versions."""
    base = request.profile.parent
    branding: dict[str, Any] = data["branding"] if isinstance(data.get("branding"), dict) else {}
    named = [v for v in (branding.get("logo"), data.get("templates")) if isinstance(v, str)]
    parts = {
        "cache": CACHE_VERSION, "code": code, "profile": tree_digest(request.profile),
        "named": {n: tree_digest(base / n) for n in named}, "groups": _group_digests(request.profile),
        "templates": tree_digest(request.templates) if request.templates else None,
        "formats": request.formats, "issued": issued,
    }
    return _hash(parts)


def _issued_rows(store_path: Path | None, client_id: str) -> tuple[Any, bool]:
    """The store's records of the client's issued versions, and whether it knows the client."""
    if store_path is None:
        return None, True
    if not Path(store_path).exists():
        return [], False
    from .store import open_store

    with open_store(store_path) as store:
        return store.versions(client_id), store.knows(client_id)


def _group_digests(profile: Path) -> dict[str, str]:
    """The group profiles that may include this client: the frozen ``group.yaml`` beside an
    issued version's profile, else every group profile of the profile's workspace."""
    from .workspace import FROZEN_GROUP, Workspace, group_files

    frozen = profile.parent / FROZEN_GROUP
    if profile.name == "profile.yaml" and frozen.is_file():
        return {FROZEN_GROUP: tree_digest(frozen)}
    try:
        ws = Workspace.find(profile.parent)
    except Exception:  # a broken sqmkit.toml: the build reports it
        return {"workspace": "unreadable"}
    if ws is None:
        return {}
    return {p.name: tree_digest(p) for p in group_files(ws.root)}


# ---------------------------------------------------------------------------------------------
# format keys: after assembling
# ---------------------------------------------------------------------------------------------


def format_keys(reg: "Regulation", numbering: "Numbering", inputs: str, code: str, folders: list[Path],
                formats: list[str]) -> dict[str, str]:
    """One key per format (see the module docstring): the forms their own; the others the hash of
    the whole regulation, the template ``folders`` and plugins (``inputs``)."""
    whole = _hash([inputs, code])
    keys = {name: whole for name in formats}
    if "forms" in keys:
        templates = [tree_digest(folder, True) for folder in folders]
        keys["forms"] = _hash([_forms_inputs(reg, numbering), code, templates])
        save_digests()
    return keys


def _forms_inputs(reg: "Regulation", numbering: "Numbering") -> Any:
    recorded = sorted({cid for form in reg.forms for cid in form.clauses})
    profile = reg.profile.model_dump(mode="json", exclude={"parameters", "source"})
    return {
        "forms": list(reg.forms),
        "profile": profile, "company": reg.company, "document": reg.document, "draft": reg.draft,
        "language": reg.language,
        "clauses": {cid: [numbering.ref_text(cid, see=False), numbering.chapter_of.get(cid)]
                    for cid in sorted(reg.index.clauses)},
        "recorded": {cid: reg.index.clauses[cid] for cid in recorded
                     if cid in reg.index.clauses and dataclasses.is_dataclass(reg.index.clauses[cid])},
        "checklists": [[c.id, c.title] for c in reg.checklists],
    }


# ---------------------------------------------------------------------------------------------
# the cache file
# ---------------------------------------------------------------------------------------------


def read_cache(out_root: Path, client_id: str) -> dict[str, Any]:
    """The cache file of the client's build folder, if it describes the manifest there now;
    else an empty record (a miss). Read as every entry of the cache is (:func:`sqmkit.diskcache.read`:
    whole, never through a link, and marked as used)."""
    from . import diskcache

    payload = diskcache.read(cache_path(out_root, client_id), _MAX_CACHE_BYTES)
    if payload is None:
        return {}
    try:
        data = json.loads(payload)
        manifest = (out_root / client_id / MANIFEST).read_bytes()
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return {}
    if data.get("target") != str((out_root / client_id).resolve()):
        return {}
    if data.get("manifest") != hashlib.sha256(manifest).hexdigest():
        return {}
    return data


def previous_keys(out_root: Path, client_id: str) -> dict[str, str]:
    """The format keys the client's last build recorded (empty on a miss)."""
    keys = read_cache(out_root, client_id).get("keys")
    return {str(k): str(v) for k, v in keys.items()} if isinstance(keys, dict) else {}


def write_cache(out_root: Path, client_id: str, raw: str | None, keys: dict[str, str]) -> None:
    """Record the keys of the build just swapped into ``out_root/client_id`` (atomically, as every
    entry of the cache: :func:`sqmkit.diskcache.write`; a failure keeps nothing)."""
    from . import diskcache

    path = cache_path(out_root, client_id)
    if path is None:
        return
    manifest = hashlib.sha256((out_root / client_id / MANIFEST).read_bytes()).hexdigest()
    record = {"version": CACHE_VERSION, "raw": raw, "keys": keys, "manifest": manifest,
              "target": str((out_root / client_id).resolve())}
    diskcache.write(path, (json.dumps(record, sort_keys=True, indent=1) + "\n").encode("utf-8"))


def forget(out_root: Path, client_id: str) -> None:
    """Remove the cache file (before a build replaces the folder it describes)."""
    path = cache_path(out_root, client_id)
    try:
        if path is not None:
            path.unlink(missing_ok=True)
    except OSError:
        pass


def up_to_date(out_root: Path, client_id: str, raw: str) -> dict[str, Any] | None:
    """The manifest of the client's last build when it was made from the same raw inputs and every
    file it lists is intact; else None."""
    from .carryover import intact, previous_manifest

    cache = read_cache(out_root, client_id)
    if cache.get("raw") != raw:
        return None
    target = out_root / client_id
    manifest = previous_manifest(target)
    files = manifest.get("files") if manifest else None
    if manifest is None or not isinstance(files, dict) or not intact(target, manifest, [str(f) for f in files]):
        return None
    return manifest
