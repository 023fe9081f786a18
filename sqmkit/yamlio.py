"""Reading YAML files with errors that name the file, the field path and the line."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Sequence

import yaml

from . import yamlcache
from .errors import DataError
from .limits import MAX_YAML_BYTES
from .messages import _, ngettext
from .validation import error_message, fields_at, quote_hint, unknown_hint, written_value
from .yamlcache import LineMap, line_map
from .yamlsafe import LimitExceeded, compose_and_construct

if TYPE_CHECKING:  # pragma: no cover  # reading YAML needs nothing of pydantic
    from pydantic import BaseModel
    from pydantic_core import ErrorDetails


class ValidationErrors(Protocol):
    """What :func:`validation_error` reads of a pydantic ``ValidationError``: its ``errors()``
    (a checker may pass one error of several, shaped like this)."""

    def errors(self) -> Sequence[ErrorDetails]: ...


class YamlDoc:
    """A parsed YAML document that still knows where each value came from (its line map, see
    :mod:`sqmkit.yamlcache`; ``root`` may be the composed node, which is mapped)."""

    def __init__(self, path: Path, data: Any, root: "yaml.Node | LineMap | None"):
        self.path, self.data = path, data
        self._lines: LineMap | None = line_map(root) if isinstance(root, yaml.Node) else root

    def line_of(self, loc: Sequence[str | int]) -> int | None:
        """The 1-based line of the value at ``loc`` (keys and list indexes), or of its nearest parent."""
        node, line = self._lines, None
        if node is not None:
            line = node if isinstance(node, int) else node[0]
        for part in loc:
            if isinstance(node, tuple) and isinstance(node[1], dict):
                found = node[1].get(str(part))
                if found is None:
                    break
                line, node = found
            elif isinstance(node, tuple) and isinstance(part, int) and part < len(node[1]):
                node = node[1][part]
                line = node if isinstance(node, int) else node[0]
            else:
                break
        return line

    def error(self, loc: Sequence[str | int], problem: str, hint: str | None = None) -> DataError:
        return DataError(str(self.path), format_loc(loc), problem, self.line_of(loc), hint)


def format_loc(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def parse_loc(path: str) -> list[str | int]:
    """``parameters.grading.courier[1].min`` → ``["parameters", "grading", "courier", 1, "min"]``."""
    out: list[str | int] = []
    for part in path.replace("]", "").split("."):
        for j, piece in enumerate(part.split("[")):
            if piece:
                out.append(int(piece) if j and piece.isdigit() else piece)
    return out


def load_yaml(path: str | Path, error_cls: type[DataError] = DataError, *, keep: bool = False) -> YamlDoc:
    """Load one YAML file within the limits of :mod:`sqmkit.limits`. Malformed YAML, a passed
    limit, a missing, unreadable or non-regular file and an empty file raise ``error_cls``.
    ``keep``: the parsed file is kept in the cache folder for the next process (a plugin's data,
    read by every command: see :mod:`sqmkit.yamlcache`)."""
    path = Path(path)
    raw = _read_bounded(path, error_cls)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise error_cls(str(path), "", _("is not UTF-8 text (byte {offset})").format(offset=e.start)) from None
    kept = yamlcache.load(raw) if keep else None
    if kept is not None:
        return YamlDoc(path, *kept)
    try:
        data, root = compose_and_construct(text)
    except LimitExceeded as e:
        line = e.problem_mark.line + 1 if e.problem_mark else None
        hint = _("a real profile or data file stays far below this limit; check that this is the file you meant")
        raise error_cls(str(path), "", str(e.problem), line, hint) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        detail = e.problem or e.context
        if e.context and e.problem and e.problem.startswith("but "):  # "expected …, but found …"
            detail = f"{e.context}, {e.problem}"
        problem = _("malformed YAML: {detail}").format(detail=detail)
        raise error_cls(str(path), "", problem, line) from None
    except yaml.reader.ReaderError as e:  # a character YAML does not allow (NUL, most controls)
        line = text.count("\n", 0, max(e.position, 0)) + 1
        problem = _("malformed YAML: the character U+{code:04X} is not allowed").format(code=e.character) \
            if isinstance(e.character, int) else _("malformed YAML: {detail}").format(detail=e.reason)
        raise error_cls(str(path), "", problem, line) from None
    except yaml.YAMLError as e:
        raise error_cls(str(path), "", _("malformed YAML: {detail}").format(detail=e)) from None
    if data is None:
        raise error_cls(str(path), "", _("the file is empty"))
    lines = line_map(root) if root is not None else None
    if keep and lines is not None:
        yamlcache.store(raw, data, lines)
    return YamlDoc(path, data, lines)


def _read_bounded(path: Path, error_cls: type[DataError]) -> bytes:
    """The bytes of a regular file of at most ``MAX_YAML_BYTES`` (a pipe or a device is refused
    before it is read, so ``/dev/zero`` or a FIFO cannot hang the reader)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise error_cls(str(path), "", _("file not found")) from None
    except IsADirectoryError:
        raise error_cls(str(path), "", _("is a directory, not a YAML file")) from None
    except OSError as e:
        raise error_cls(str(path), "", _("cannot be read: {reason}").format(reason=e.strerror)) from None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if stat.S_ISDIR(st.st_mode):
            raise error_cls(str(path), "", _("is a directory, not a YAML file"))
        if not stat.S_ISREG(st.st_mode):
            raise error_cls(str(path), "", _("is not a regular file (a device, pipe or socket)"))
        try:
            raw = f.read(MAX_YAML_BYTES + 1)
        except OSError as e:
            raise error_cls(str(path), "", _("cannot be read: {reason}").format(reason=e.strerror)) from None
    if len(raw) > MAX_YAML_BYTES:
        size = max(st.st_size, len(raw))
        raise error_cls(str(path), "", _("the file is {size} bytes; the limit is {limit} bytes (256 KiB)").format(
            size=size, limit=MAX_YAML_BYTES), None, _("is this the right file? A profile is a few kilobytes"))
    return raw


def _written_value(doc: YamlDoc, line: int | None, key: str | int) -> str | None:
    """The value on ``line`` as the file writes it (``0.9`` for ``version: 0.9``)."""
    try:
        lines = doc.path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return written_value(lines[line - 1], key) if line and 0 < line <= len(lines) else None


def validation_errors(doc: YamlDoc, exc: ValidationErrors, error_cls: type[DataError] = DataError,
                      prefix: Sequence[str | int] = (), model: type[BaseModel] | None = None) -> list[DataError]:
    """Every error of a pydantic ``ValidationError`` as a located :class:`DataError`, in sqmkit's
    own words (:mod:`sqmkit.validation`). With ``model``, an unknown field gets "did you mean"."""
    out: list[DataError] = []
    for err in exc.errors():
        loc: list[str | int] = list(prefix) + [p for p in err["loc"] if not _is_tag(p)]
        sub, problem, hint = error_message(err)
        loc += list(sub)
        line = doc.line_of(loc)
        value = err.get("input")
        if err["type"] == "string_type" and isinstance(value, (bool, int, float, dt.date)) and loc:
            written = _written_value(doc, line, loc[-1]) or str(value)
            hint = quote_hint(loc[-1], written)
        elif err["type"] == "extra_forbidden" and model is not None and loc:
            hint = unknown_hint(str(loc[-1]), fields_at(model, loc[len(prefix):-1]))
        out.append(error_cls(str(doc.path), format_loc(loc), problem, line, hint))
    return out


def validation_error(doc: YamlDoc, exc: ValidationErrors, error_cls: type[DataError] = DataError,
                     prefix: Sequence[str | int] = (), model: type[BaseModel] | None = None) -> DataError:
    """The first error of a pydantic ``ValidationError`` as a located :class:`DataError` (saying
    how many more there are); :func:`validation_errors` gives them all."""
    errors = validation_errors(doc, exc, error_cls, prefix, model)
    first, more = errors[0], len(errors) - 1
    if not more:
        return first
    problem = first.problem + ngettext(" (and {count} more problem)", " (and {count} more problems)",
                                       more).format(count=more)
    return error_cls(first.file, first.where, problem, first.line, first.hint)


def _is_tag(part: str | int) -> bool:
    return isinstance(part, str) and (part in _UNION_TAGS or part.startswith(("function-", "lax-or-strict[")))


# pydantic puts the discriminator tag of a tagged union into the location; it is not a YAML key.
_UNION_TAGS = {"table", "grades", "kpis", "incentives", "activities", "steps", "duties", "str", "list[Band]",
               "function-plain[<lambda>()]"}
