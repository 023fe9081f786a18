"""A small YAML emitter for files people edit: every field with its comment, every string safe.

:class:`Emitter` writes mappings, fields and comments line by line, so a comment sits right
above the field it explains. :func:`scalar` writes a string double-quoted in JSON escaping (plus
the characters YAML will not take raw), which YAML reads back as exactly that string — no
``yes``, ``0.9`` or ``2025-01-01`` read as something else; :func:`key_text` writes a key bare only
where YAML reads it back unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any

import yaml

from .columns import wrap

#: the width comments are wrapped to
COMMENT_WIDTH = 96


def scalar(value: Any) -> str:
    """One value as YAML: strings double-quoted, dates bare (they load as dates), numbers as written."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value!r} cannot be written")
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return _UNPRINTABLE.sub(_escape, json.dumps(str(value), ensure_ascii=False))


#: what YAML does not take raw inside a double-quoted string: characters outside its printable set
#: and the ones it reads as line breaks (NEL, LS, PS); JSON already escapes C0, quote and backslash
_UNPRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def key_text(key: str) -> str:
    """A mapping key, bare when YAML reads it back as the same string, else quoted."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", key) and yaml.safe_load(f"{key}: 0") == {key: 0}:
        return key
    return scalar(key)


class Emitter:
    """YAML lines with comments: ``comment()`` then ``field()`` or ``mapping()`` at an indent."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def comment(self, indent: int, text: str) -> None:
        for line in wrap(text, COMMENT_WIDTH - indent - 2):
            self.lines.append(" " * indent + "# " + line)

    def blank(self) -> None:
        self.lines.append("")

    def mapping(self, indent: int, key: str, note: str | None = None) -> None:
        if note:
            self.comment(indent, note)
        self.lines.append(" " * indent + key_text(key) + ":")

    def field(self, indent: int, key: str, value: Any, note: str | None = None) -> None:
        """``key: value`` (a list or mapping value is written as a block below the key)."""
        if note:
            self.comment(indent, note)
        head = " " * indent + key_text(key) + ":"
        if isinstance(value, (list, dict)) and value:
            self.lines.append(head)
            self.block(indent + 2, value)
        else:
            self.lines.append(head + " " + self.inline(value))

    def commented(self, indent: int, key: str, value: Any) -> None:
        """A field written as a comment, ready to be switched on by removing ``# ``."""
        self.lines.append(" " * indent + "# " + key_text(key) + ": " + self.inline(value))

    def inline(self, value: Any) -> str:
        if isinstance(value, list):
            return "[" + ", ".join(self.inline(v) for v in value) + "]"
        if isinstance(value, dict):
            return "{" + ", ".join(f"{key_text(str(k))}: {self.inline(v)}" for k, v in value.items()) + "}"
        return scalar(value)

    def block(self, indent: int, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                self.field(indent, str(k), v)
            return
        for item in value:
            if isinstance(item, dict) and item:
                first, *rest = item.items()
                start = len(self.lines)
                self.field(indent + 2, str(first[0]), first[1])
                self.lines[start] = " " * indent + "- " + self.lines[start][indent + 2:]
                for k, v in rest:
                    self.field(indent + 2, str(k), v)
            elif isinstance(item, list) and item:
                self.lines.append(" " * indent + "- " + self.inline(item))
            else:
                self.lines.append(" " * indent + "- " + self.inline(item))

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"
