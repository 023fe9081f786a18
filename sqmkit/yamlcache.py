"""Parsed YAML kept between processes, as Python keeps compiled modules in ``.pyc`` files.

Every command reads the data files of every installed plugin (some forty files, ten thousand
values), and composing them with the bounded loader of :mod:`sqmkit.yamlsafe` is most of what
reading costs. A file read once is kept here as plain data: the values it holds and its *line map*
(where each key and item is, which is all :class:`sqmkit.yamlio.YamlDoc` needs of the nodes).

* An entry's name is a hash of the file's bytes and of everything reading depends on: sqmkit's
  version, PyYAML's and libyaml's, Python's marshal format, the limits, and the source of the
  loader (this module and :mod:`sqmkit.yamlsafe`). Any change reads the file afresh, within the
  limits, and only a file read without error is kept.
* An entry is ``marshal`` data of plain values only (None, bools, numbers, strings, lists and
  dicts; a file holding anything else, such as a date, is not kept), kept by
  :mod:`sqmkit.diskcache`: its checksum is checked before it is unmarshalled, so a truncated,
  corrupt or foreign entry is ignored and written again; ``SQMKIT_CACHE_DIR=`` keeps nothing.
"""

from __future__ import annotations

import hashlib
import marshal
from functools import cache
from pathlib import Path
from typing import Any, Union

import yaml

from . import diskcache, limits

#: where each value is: a scalar's line, ``(line, [item, …])`` for a list, ``(line, {key: (line
#: of the key, its value), …})`` for a mapping (the first key written as that text); 1-based
LineMap = Union[int, tuple[int, list[Any]], tuple[int, dict[str, tuple[int, Any]]]]

_FORMAT = "sqmkit-yaml-1"
_PLAIN = (type(None), bool, int, float, str)


def line_map(node: yaml.Node) -> LineMap:
    """The line map of a composed node (aliases stay shared, as in the node graph)."""
    memo: dict[int, LineMap] = {}

    def walk(node: yaml.Node) -> LineMap:
        found = memo.get(id(node))
        if found is not None:
            return found
        line = node.start_mark.line + 1
        out: LineMap
        if isinstance(node, yaml.MappingNode):
            keys: dict[str, tuple[int, Any]] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value not in keys:
                    keys[key.value] = (key.start_mark.line + 1, walk(value))
            out = (line, keys)
        elif isinstance(node, yaml.SequenceNode):
            out = (line, [walk(item) for item in node.value])
        else:
            out = line
        memo[id(node)] = out
        return out

    return walk(node)


def load(raw: bytes) -> tuple[Any, LineMap] | None:
    """The data and line map kept for a file of these bytes, or None."""
    payload = diskcache.read(_entry(raw))
    if payload is None:
        return None
    try:
        data, lines = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):  # pragma: no cover - its checksum matched
        return None
    return data, lines


def store(raw: bytes, data: Any, lines: LineMap) -> None:
    """Keep what a file of these bytes reads as (plain data only; never fails)."""
    path = _entry(raw)
    if path is not None and _plain(data, 0):
        diskcache.write(path, marshal.dumps((data, lines)))


def _plain(value: Any, depth: int) -> bool:
    if depth > limits.MAX_YAML_DEPTH + 1:
        return False
    if isinstance(value, dict):
        return all(type(k) in _PLAIN and _plain(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v, depth + 1) for v in value)
    return type(value) in _PLAIN


def _entry(raw: bytes) -> Path | None:
    return diskcache.entry("yaml", _salt() + raw, ".yc")


@cache
def _salt() -> bytes:
    """What the reading of a file depends on besides its bytes."""
    from . import __version__, yamlsafe

    try:
        from yaml._yaml import get_version_string
        libyaml = get_version_string()
    except ImportError:  # pragma: no cover - PyYAML built without libyaml
        libyaml = "none"
    parts = [_FORMAT, __version__, yaml.__version__, libyaml, str(marshal.version),
             repr(sorted((k, v) for k, v in vars(limits).items() if k.startswith("MAX_YAML")))]
    digest = hashlib.sha256("\0".join(parts).encode("utf-8"))
    for module in (yamlsafe.__file__, __file__):
        digest.update(Path(str(module)).read_bytes())
    return digest.digest()
