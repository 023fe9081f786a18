"""A consultant's workspace: a folder holding ``sqmkit.toml``, found the way git finds a repository.

The workspace owns everything a client's document control depends on::

    sqmkit.toml            the workspace's settings (WorkspaceConfig)
    clients/ID.yaml        one profile per client; the file name is the client id
    sqmkit-store.json      the store (issued versions, builds, results), never an accident of the cwd
    out/ID/                the latest build of each client
    archive/ID/VERSION/    issued versions, immutable
    groups/ID.yaml         group profiles (:mod:`sqmkit.groups`), optional

:meth:`Workspace.find` walks up from the current folder (or takes the folder named by
``--workspace`` / ``SQMKIT_WORKSPACE``); :func:`resolve_target` turns a command's argument — a
client id or a profile path — into the profile file and the workspace it belongs to. A profile
outside the workspace's ``clients/`` folder belongs to no workspace: it builds as a draft and no
store is used.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path, PurePosixPath
from typing import Any

from .errors import DataError, SqmkitError
from .messages import _
from .validation import describe

__all__ = ["CONFIG_NAME", "Workspace", "WorkspaceConfig", "WorkspaceError", "resolve_target"]

#: the file that marks a workspace's root
CONFIG_NAME = "sqmkit.toml"
#: the workspace layout version ``sqmkit init`` writes
WORKSPACE_FORMAT = 1
#: a client id: the name of its profile file in ``clients/`` and its folder in ``out/`` and ``archive/``
CLIENT_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_PROFILE_SUFFIXES = (".yaml", ".yml")
#: the folder of a workspace holding group profiles
GROUPS_DIR = "groups"
#: the group profile frozen beside an issued version's ``profile.yaml``
FROZEN_GROUP = "group.yaml"


class WorkspaceError(SqmkitError):
    """No workspace where one was named, an unknown client id, two profiles claiming one id …"""


def _relative(value: str) -> str:
    """A folder or file inside the workspace: relative, no ``..``, not empty."""
    pure = PurePosixPath(value.replace("\\", "/"))
    if not value.strip() or pure.is_absolute() or ".." in pure.parts or value.startswith("~"):
        raise ValueError(_("must be a path inside the workspace, relative to sqmkit.toml (no '..')"))
    return value


#: the longest workspace name
MAX_NAME = 200


@dataclass(frozen=True)
class WorkspaceConfig:
    """``[workspace]`` of ``sqmkit.toml``; every path relative to the workspace's root. Checked by
    hand (:meth:`of`), not by a pydantic model: finding the workspace is the first thing every
    command does, and a build the cache finds up to date needs nothing of pydantic."""

    format: int = WORKSPACE_FORMAT
    name: str = ""
    clients: str = "clients"
    store: str = "sqmkit-store.json"
    out: str = "out"
    archive: str = "archive"

    @classmethod
    def of(cls, table: dict[str, Any]) -> "WorkspaceConfig":
        """The settings of a ``[workspace]`` table; a problem is a ``ValueError`` whose first
        argument is the key and second the problem (types strict: no text for a number)."""
        known = [f.name for f in fields(cls)]
        for key, value in table.items():
            if key not in known:
                raise ValueError(key, _("unknown setting"))
            if key == "format":
                if type(value) is not int:
                    raise ValueError(key, _("expected a whole number, not {got}").format(got=describe(value)))
                if value > WORKSPACE_FORMAT:
                    raise ValueError(key, _("workspace format {found} is newer than this sqmkit reads ({known}); "
                                            "upgrade sqmkit").format(found=value, known=WORKSPACE_FORMAT))
                continue
            if not isinstance(value, str):
                raise ValueError(key, _("expected text, not {got}").format(got=describe(value)))
            if key == "name" and len(value) > MAX_NAME:
                raise ValueError(key, _("is too long: at most {count} characters").format(count=MAX_NAME))
            if key != "name":
                try:
                    _relative(value)
                except ValueError as exc:
                    raise ValueError(key, str(exc)) from None
        return cls(**table)


def _toml_text(config: WorkspaceConfig) -> str:
    def q(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    return ("# An sqmkit workspace (see README.md, 'Workspace'). Paths are relative to this file.\n"
            "[workspace]\n"
            f"format = {config.format}\n"
            f"name = {q(config.name)}\n"
            f"clients = {q(config.clients)}\n"
            f"store = {q(config.store)}\n"
            f"out = {q(config.out)}\n"
            f"archive = {q(config.archive)}\n")


def read_config(path: Path) -> WorkspaceConfig:
    """``sqmkit.toml`` at ``path``, checked; a problem is a :class:`DataError` at file:line."""
    try:
        raw = path.read_bytes().decode("utf-8")
        data = tomllib.loads(raw)
    except OSError as exc:
        raise DataError(str(path), "", _("cannot read the workspace file: {reason}").format(
            reason=exc.strerror or exc)) from None
    except UnicodeDecodeError as exc:
        raise DataError(str(path), "", _("is not UTF-8 text (byte {offset})").format(offset=exc.start)) from None
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        raise DataError(str(path), "", _("malformed TOML: {detail}").format(detail=exc),
                        int(found.group(1)) if found else None) from None
    table = data.get("workspace", {})
    extra = sorted(k for k in data if k != "workspace")
    if extra or not isinstance(table, dict):
        where = extra[0] if extra else "workspace"
        raise DataError(str(path), where, _("unknown setting; sqmkit.toml holds one table, [workspace]"),
                        _line_of(raw, where))
    try:
        return WorkspaceConfig.of(table)
    except ValueError as exc:
        key, problem = str(exc.args[0]), str(exc.args[1])
        known = ", ".join(f.name for f in fields(WorkspaceConfig))
        raise DataError(str(path), f"workspace.{key}", problem, _line_of(raw, key),
                        _("known settings: {known}").format(known=known)) from None


def _line_of(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(rf"\s*\[?{re.escape(key)}\b", line):
            return number
    return None


class Workspace:
    """A workspace folder and its settings; see the module's docstring for the layout."""

    def __init__(self, root: Path, config: WorkspaceConfig):
        self.root = root
        self.config = config

    # the layout ---------------------------------------------------------------------------------
    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def store_path(self) -> Path:
        return self.root / self.config.store

    @property
    def clients_dir(self) -> Path:
        return self.root / self.config.clients

    @property
    def archive_dir(self) -> Path:
        return self.root / self.config.archive

    @property
    def out_dir(self) -> Path:
        return self.root / self.config.out

    def __repr__(self) -> str:
        return f"Workspace({str(self.root)!r})"

    # clients ------------------------------------------------------------------------------------
    def client_ids(self) -> list[str]:
        """The ids of the workspace's clients (``clients/ID.yaml``), sorted."""
        if not self.clients_dir.is_dir():
            return []
        return sorted(p.stem for p in self._profile_files())

    def _profile_files(self) -> list[Path]:
        return sorted(p for p in self.clients_dir.iterdir()
                      if p.suffix in _PROFILE_SUFFIXES and p.is_file() and not p.name.startswith("."))

    def profile_path(self, client_id: str) -> Path:
        """``clients/ID.yaml`` of a known client; an unknown id is refused with a did-you-mean."""
        from .validation import unknown_hint

        for suffix in _PROFILE_SUFFIXES:
            path = self.clients_dir / f"{client_id}{suffix}"
            if CLIENT_ID_RE.match(client_id) and path.is_file():
                return path
        raise WorkspaceError(_("no client {id!r} in the workspace {root} ({hint})").format(
            id=client_id, root=self.root, hint=unknown_hint(client_id, self.client_ids())))

    def new_profile_path(self, client_id: str) -> Path:
        """Where a new client's profile goes; refuses an id that is taken or not valid."""
        if not CLIENT_ID_RE.match(client_id):
            raise WorkspaceError(_("{id!r} is not a valid client id: use lower-case letters, digits and hyphens "
                                   "(no dots, slashes or spaces), at most 63 characters").format(id=client_id))
        for suffix in _PROFILE_SUFFIXES:
            taken = self.clients_dir / f"{client_id}{suffix}"
            if taken.exists():
                raise WorkspaceError(_("client {id!r} already exists ({path}); ids are unique in a workspace")
                                     .format(id=client_id, path=taken))
        return self.clients_dir / f"{client_id}.yaml"

    def is_client_file(self, path: Path) -> bool:
        """Whether ``path`` is one of this workspace's client profiles."""
        try:
            return Path(os.path.realpath(path)).parent == Path(os.path.realpath(self.clients_dir)) \
                and path.suffix in _PROFILE_SUFFIXES
        except OSError:
            return False

    # finding and making -------------------------------------------------------------------------
    @classmethod
    def load(cls, root: Path) -> "Workspace":
        return cls(root, read_config(root / CONFIG_NAME))

    @classmethod
    def init(cls, root: Path, name: str | None = None) -> "Workspace":
        """Make a workspace in ``root`` (created when missing): ``sqmkit.toml``, ``clients/`` and an
        empty store. An existing workspace — there or above — is refused."""
        root = Path(root).absolute()
        existing = cls.find(root)
        if existing is not None:
            raise WorkspaceError(_("{root} is already inside the workspace {found}; a workspace cannot hold "
                                   "another").format(root=root, found=existing.root))
        if root.exists() and not root.is_dir():
            raise WorkspaceError(_("{root} is a file, not a folder").format(root=root))
        config = WorkspaceConfig(name=name if name is not None else root.name)
        try:
            root.mkdir(parents=True, exist_ok=True)
            (root / config.clients).mkdir(exist_ok=True)
            with open(root / CONFIG_NAME, "x", encoding="utf-8", newline="\n") as fh:
                fh.write(_toml_text(config))
        except FileExistsError:
            raise WorkspaceError(_("{root} is already a workspace").format(root=root)) from None
        except OSError as exc:
            raise WorkspaceError(_("cannot make the workspace {root}: {reason}").format(
                root=root, reason=exc.strerror or exc)) from None
        ws = cls(root, config)
        from .store import open_store

        with open_store(ws.store_path) as store:
            store.touch()
        return ws

    @classmethod
    def find(cls, start: Path | None = None, explicit: Path | str | None = None) -> "Workspace | None":
        """The workspace named by ``explicit`` (a folder holding ``sqmkit.toml``, or the file itself;
        an error when it is not one), else the nearest one at or above ``start`` (the current
        folder), else None."""
        if explicit is not None and str(explicit) != "":
            named = Path(explicit).expanduser().absolute()
            root = named.parent if named.name == CONFIG_NAME and named.is_file() else named
            if not (root / CONFIG_NAME).is_file():
                raise WorkspaceError(_("{path} is not a workspace (it has no sqmkit.toml); make one with "
                                       "'sqmkit init {path}'").format(path=named))
            return cls.load(root)
        here = Path(start if start is not None else Path.cwd()).absolute()
        for folder in (here, *here.parents):
            if (folder / CONFIG_NAME).is_file():
                return cls.load(folder)
        return None


def group_files(root: Path) -> list[Path]:
    """The group profiles of the workspace at ``root``, sorted."""
    folder = root / GROUPS_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in _PROFILE_SUFFIXES and p.is_file()
                  and not p.name.startswith("."))


def _looks_like_id(arg: str) -> bool:
    return bool(CLIENT_ID_RE.match(arg)) and not arg.endswith(_PROFILE_SUFFIXES)


def resolve_target(arg: str, workspace: Workspace | None) -> tuple[Path, Workspace | None]:
    """The profile a command's argument names, and the workspace it belongs to.

    In a workspace, a client id is ``clients/ID.yaml`` (an unknown id is an error with a
    did-you-mean); a path is taken as it is, and belongs to the workspace only when it is one of
    its client files. Outside a workspace, the argument must be a profile file: ``(path, None)``.
    """
    path = Path(arg)
    if workspace is not None and _looks_like_id(arg) and not (path.is_file() and os.sep in arg):
        if any((workspace.clients_dir / f"{arg}{s}").is_file() for s in _PROFILE_SUFFIXES) or not path.is_file():
            return workspace.profile_path(arg), workspace
    if path.is_file():
        return path, workspace if workspace is not None and workspace.is_client_file(path) else None
    if workspace is None and _looks_like_id(arg):
        raise WorkspaceError(_("{arg!r} is neither a profile file nor a client of a workspace: no sqmkit.toml "
                               "was found here or above (make a workspace with 'sqmkit init', or give "
                               "--workspace)").format(arg=arg))
    return path, workspace if workspace is not None and workspace.is_client_file(path) else None
