"""The store's file, below TinyDB: recognising it, checking its shape, writing it atomically,
cleaning up after killed writes. See :mod:`sqmkit.store` for the store itself.

The store is recognisable: it holds a table ``_sqmkit`` with one record, ``{"format":
"sqmkit-store", "version": 2}``. sqmkit writes only into a missing or empty file, into its own
store, or into a store of sqmkit 0.1 (no marker, only the known tables), which gets the marker on
its next write. Anything else — a JSON file that is not a store, a store cut short, a table or
record of the wrong shape — is a :class:`~sqmkit.StoreError` naming the file, the table and the
record, and the file is left exactly as it was.

Strings that came from outside (inspection results) are kept without control characters and
terminal escapes (:func:`clean_text`), and whatever the file holds is printed through
:func:`shown`.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Mapping

from .errors import StoreError
from .messages import _

TABLES = ("clients", "versions", "builds", "inspections", "actions")
#: the table holding the store's marker, and the marker itself
MARKER_TABLE = "_sqmkit"
STORE_FORMAT = "sqmkit-store"
STORE_VERSION = 2
#: a store larger than this is refused (it would not fit the workspace's use)
MAX_STORE_BYTES = 256 * 1024 * 1024
#: records nested deeper than this are refused (a profile snapshot needs about ten levels)
MAX_DEPTH = 100

_RECORD_ID = re.compile(r"(0|[1-9][0-9]{0,17})\Z")


# ---------------------------------------------------------------------------------------------
# Strings the store keeps and prints
# ---------------------------------------------------------------------------------------------

#: a terminal escape sequence: CSI (ESC [ … final), OSC (ESC ] … BEL or ST), DCS/SOS/PM/APC
#: (ESC P|X|^|_ … ST), or a two-character escape (ESC + intermediates + final)
_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[PX^_][^\x1b]*(?:\x1b\\)?"
                     r"|[ -/]*[0-~]?)")
#: bidirectional overrides and isolates, which make a terminal show text in another order
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _unsafe(ch: str) -> bool:
    code = ord(ch)
    return code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF or ch in _BIDI


def clean_text(value: str) -> str:
    """``value`` without terminal escape sequences and control characters (C0 but newline and
    tab, DEL, C1, lone surrogates, bidirectional overrides): what the store keeps of a string
    that came from outside."""
    value = _ESCAPE.sub("", value)
    return "".join(ch for ch in value if ch in "\n\t" or not _unsafe(ch))


def shown(value: object) -> str:
    """``value`` as one line that is safe to print on a terminal, whatever the store holds."""
    text = clean_text(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str))
    return text.replace("\n", " ").replace("\t", " ")


def fail(path: Path, problem: str, hint: str | None = None, **where: str) -> StoreError:
    return StoreError(problem, file=str(path), hint=hint, **where)


def _move_aside_hint() -> str:
    return _("the file was left untouched; restore it from a backup, or move it aside to start a new store")


# ---------------------------------------------------------------------------------------------
# Reading and writing the file
# ---------------------------------------------------------------------------------------------


#: the most digits a number in a store or a result file may have
MAX_DIGITS = 100


def _no_constant(name: str) -> Any:
    raise ValueError(_("{name} is not a JSON value").format(name=name))


def parse_int(digits: str) -> int:
    """A JSON integer, refused past :data:`MAX_DIGITS` digits (``json.loads(parse_int=…)``)."""
    if len(digits) > MAX_DIGITS:
        raise ValueError(_("a number of {n} digits is longer than the limit of {limit} digits").format(
            n=len(digits.lstrip("-")), limit=MAX_DIGITS))
    return int(digits)


def parse_json(text: str) -> Any:
    """``json.loads`` refusing NaN, Infinity and over-long numbers (a ValueError saying which)."""
    return json.loads(text, parse_constant=_no_constant, parse_int=parse_int)


def _load(path: Path) -> Any:
    """The parsed JSON of the store, or None for a missing or empty file."""
    try:
        with path.open("rb") as fh:
            if os.fstat(fh.fileno()).st_size > MAX_STORE_BYTES:
                raise fail(path, _("the store is larger than the limit of {limit} MB").format(
                    limit=MAX_STORE_BYTES // (1024 * 1024)), _move_aside_hint())
            raw = fh.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise fail(path, _("cannot read the store: {reason}").format(reason=exc.strerror or exc)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(path, _("the store is not UTF-8 text (byte {offset}); it may have been cut short").format(
            offset=exc.start), _move_aside_hint()) from None
    if not text.strip():
        return None
    try:
        return parse_json(text)
    except json.JSONDecodeError as exc:
        raise fail(path, _("the store is not valid JSON (line {line}: {problem})").format(
            line=exc.lineno, problem=exc.msg), _move_aside_hint()) from None
    except (ValueError, RecursionError) as exc:
        problem = str(exc) if isinstance(exc, ValueError) else _("nested too deeply")
        raise fail(path, _("the store is not valid JSON ({problem})").format(problem=problem),
                    _move_aside_hint()) from None


def _marker_version(path: Path, data: dict[str, Any]) -> int | None:
    """The store format version the marker states; None for a store of sqmkit 0.1 (no marker)."""
    if MARKER_TABLE not in data:
        foreign = sorted(k for k in data if k not in TABLES)
        if foreign or not data:
            what = _("keys that are not store tables ({keys})").format(keys=", ".join(repr(k) for k in foreign[:5])) \
                if foreign else _("no table at all")
            raise fail(path, _("this JSON file is not an sqmkit store: it has no sqmkit marker and holds {what}; "
                                "sqmkit does not write into other files").format(what=what),
                        _("choose another --store path (by default sqmkit-store.json in the workspace)"))
        return None
    marker = data[MARKER_TABLE]
    record = marker.get("1") if isinstance(marker, dict) else None
    if not (isinstance(record, dict) and record.get("format") == STORE_FORMAT
            and type(record.get("version")) is int):
        raise fail(path, _("the store marker is damaged: expected {expected}").format(
            expected=json.dumps({"1": {"format": STORE_FORMAT, "version": STORE_VERSION}})),
                    _move_aside_hint(), table=MARKER_TABLE)
    version: int = record["version"]
    if version > STORE_VERSION:
        raise fail(path, _("the store has format version {found}, written by a newer sqmkit; this sqmkit reads "
                            "version {known}").format(found=version, known=STORE_VERSION),
                    _("upgrade sqmkit to use this store"))
    return version


def format_version(path: Path, data: dict[str, Any]) -> int:
    """The format version of a checked store's data: 0 for a store of sqmkit 0.1 (no marker)."""
    return _marker_version(path, data) or 0


def _depth_exceeded(value: Any) -> bool:
    """Whether a value inside ``value`` lies deeper than :data:`MAX_DEPTH` (``value`` is at depth
    1), walked level by level: only the objects and lists of a level are looked into."""
    level, depth = [value] if isinstance(value, (dict, list)) else [], 1
    while level:
        values: list[Any] = []
        for node in level:
            values.extend(node.values() if isinstance(node, dict) else node)
        depth += 1
        if values and depth > MAX_DEPTH:
            return True
        level = [v for v in values if isinstance(v, (dict, list))]
    return False


def _check_tables(path: Path, data: dict[str, Any]) -> None:
    """Every table an object of records keyed by a canonical number, every record an object."""
    for table, rows in data.items():
        if not isinstance(rows, dict):
            raise fail(path, _("a table must be an object of records, not {kind}").format(
                kind=type(rows).__name__), _move_aside_hint(), table=table)
        for ident, row in rows.items():
            if not _RECORD_ID.match(ident):
                raise fail(path, _("record id {ident!r} is not a number").format(ident=ident[:40]),
                            _move_aside_hint(), table=table)
            if not isinstance(row, dict):
                raise fail(path, _("a record must be an object, not {kind}").format(kind=type(row).__name__),
                            _move_aside_hint(), table=table, record=ident)
            if _depth_exceeded(row):
                raise fail(path, _("the record is nested more than {limit} levels deep").format(limit=MAX_DEPTH),
                            _move_aside_hint(), table=table, record=ident)


def read_store_file(path: Path) -> dict[str, dict[str, Any]] | None:
    """The tables of the store at ``path`` (None when the file is missing or empty), checked."""
    data = _load(path)
    if data is None:
        return None
    if not isinstance(data, dict):
        raise fail(path, _("this JSON file is not an sqmkit store (its top level is {kind}, not an object); "
                            "sqmkit does not write into other files").format(kind=type(data).__name__),
                    _("choose another --store path (by default sqmkit-store.json in the workspace)"))
    _marker_version(path, data)
    _check_tables(path, data)
    return data


def _dump(data: Mapping[str, Any]) -> bytes:
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a hand-edited "\udxxx": keep it escaped
        return json.dumps(data, ensure_ascii=True, indent=1, sort_keys=True).encode("ascii")


def _temp_pattern(path: Path) -> re.Pattern[str]:
    """The names of this store's temporary files (``tempfile.mkstemp`` with our prefix/suffix)."""
    return re.compile(re.escape(path.name) + r"\.[a-z0-9_]{8}\.tmp\Z")


def write_store_file(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` (with the marker) to a temporary file beside ``path``, then replace ``path``
    with it; on any failure ``path`` stays as it was and no temporary file is left."""
    data[MARKER_TABLE] = {"1": {"format": STORE_FORMAT, "version": STORE_VERSION}}
    tmp: str | None = None
    try:
        payload = _dump(data)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except (OSError, ValueError, TypeError, RecursionError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
        raise fail(path, _("cannot write the store: {reason}").format(reason=reason),
                    _("the store was left as it was before; free some space or fix the folder's "
                      "permissions and try again")) from None
    finally:
        if tmp is not None and os.path.exists(tmp):
            Path(tmp).unlink(missing_ok=True)



def store_path(path: Path) -> Path:
    """The real file behind ``path`` (a symlinked store is written where it points)."""
    real = Path(os.path.realpath(path))
    if real.exists() and not real.is_file():
        kind = _("a folder") if real.is_dir() else _("not a regular file")
        raise fail(path, _("the store path is {kind}").format(kind=kind),
                    _("give --store the path of a JSON file (it is created when missing)"))
    return real


def sweep_temporaries(path: Path, before: float) -> list[Path]:
    """Remove this store's temporary files left by killed writes (only names made by
    :class:`AtomicJSONStorage`, only regular files last changed before ``before``); call it
    holding the lock, when no writer of this store can be running."""
    pattern = _temp_pattern(path)
    removed = []
    try:
        candidates = [p for p in path.parent.iterdir() if pattern.match(p.name)]
    except OSError:
        return []
    for tmp in candidates:
        try:
            if tmp.is_symlink() or not tmp.is_file() or tmp.stat().st_mtime >= before:
                continue
            tmp.unlink()
        except OSError:
            continue
        removed.append(tmp)
    return removed
