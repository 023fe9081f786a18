"""Reading YAML files with errors that name the file, the field path and the line."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol, Sequence

import yaml
from pydantic_core import ErrorDetails

from .errors import DataError
from .grades import LocatedValueError


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate mapping keys instead of silently keeping the last."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class ValidationErrors(Protocol):
    """What :func:`validation_error` reads of a pydantic ``ValidationError``: its ``errors()``
    (a checker may pass one error of several, shaped like this)."""

    def errors(self) -> Sequence[ErrorDetails]: ...


class YamlDoc:
    """A parsed YAML document that still knows where each value came from."""

    def __init__(self, path: Path, data: Any, root: yaml.Node | None):
        self.path, self.data, self._root = path, data, root

    def line_of(self, loc: Sequence[str | int]) -> int | None:
        """The 1-based line of the value at ``loc`` (keys and list indexes), or of its nearest parent."""
        node, line = self._root, None
        if node is not None:
            line = node.start_mark.line + 1
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                nxt = None
                for k, v in node.value:
                    if k.value == str(part):
                        nxt, line = v, k.start_mark.line + 1
                        break
                if nxt is None:
                    break
                node = nxt
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
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


def load_yaml(path: str | Path, error_cls: type[DataError] = DataError) -> YamlDoc:
    """Load one YAML file. Malformed YAML, a missing file or an empty file raise ``error_cls``."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise error_cls(str(path), "", "file not found") from None
    except IsADirectoryError:
        raise error_cls(str(path), "", "is a directory, not a YAML file") from None
    except OSError as e:
        raise error_cls(str(path), "", f"cannot be read: {e.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise error_cls(str(path), "", f"is not UTF-8 text (byte {e.start})") from None
    try:
        loader = _UniqueKeyLoader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        problem = f"malformed YAML: {e.problem or e.context}"
        raise error_cls(str(path), "", problem, line) from None
    except yaml.YAMLError as e:
        raise error_cls(str(path), "", f"malformed YAML: {e}") from None
    if data is None:
        raise error_cls(str(path), "", "the file is empty")
    return YamlDoc(path, data, root)


def validation_error(doc: YamlDoc, exc: ValidationErrors, error_cls: type[DataError] = DataError,
                     prefix: Sequence[str | int] = ()) -> DataError:
    """Turn the first error of a pydantic ``ValidationError`` into a :class:`DataError`."""
    err = exc.errors()[0]
    loc = list(prefix) + [p for p in err["loc"] if not (isinstance(p, str) and p in _UNION_TAGS)]
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, LocatedValueError):  # the validator knows where below the field it is
        loc += list(cause.loc)
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if err["type"] == "extra_forbidden":
        msg = "unknown field"
    elif err["type"] == "missing":
        msg = "required field is missing"
    more = len(exc.errors()) - 1
    if more:
        msg += f" (and {more} more problem{'s' if more > 1 else ''})"
    e = error_cls(str(doc.path), format_loc(loc), msg, doc.line_of(loc))
    return e


# pydantic puts the discriminator tag of a tagged union into the location; it is not a YAML key.
_UNION_TAGS = {"table", "grades", "kpis", "incentives", "activities", "steps", "duties", "str", "list[Band]",
               "function-plain[<lambda>()]"}
