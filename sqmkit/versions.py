"""Versions of a client's regulation: the text snapshot an issued version keeps, and the diff
between a snapshot and the working copy."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Iterator

from .model import Regulation, walk_items
from .numbering import Numbering
from .textrender import replace_markers


def plain_text(text: str | None, numbering: Numbering, reg: Regulation) -> str:
    """A tailored text with its references spelled out (见第三条, 《表单》)."""
    if text is None:
        return ""

    def repl(kind: str, target: str, flags: str) -> str:
        if kind == "ref":
            return numbering.ref_text(target, see="nosee" not in flags)
        title = reg.form(target).title if kind == "form" else reg.checklist(target).title
        return f"《{title}》"

    return replace_markers(text, repl)


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def snapshot(reg: Regulation) -> dict[str, str]:
    """Clause id → plain text (tables and sheets as JSON), the basis of version diffs."""
    num = Numbering.of(reg)
    out: dict[str, str] = {}
    for ch in reg.chapters:
        out[ch.id] = ch.title
        for a in ch.articles:
            out[a.id] = " ".join(x for x in [a.title or "", plain_text(a.text, num, reg)] if x)
            if a.block:
                out[a.id + "#block"] = _dumps(a.block.to_data())
            for it in walk_items(a.items):
                out[it.id] = plain_text(it.text, num, reg)
    for f in reg.forms:
        out[f.id] = f.title + " " + _dumps([s.to_data() for s in f.sections])
    for c in reg.checklists:
        out[c.id] = c.title + " " + _dumps([s.to_data() for s in c.sections])
    return out


@dataclass(frozen=True)
class Change:
    """One changed key: ``old`` is None for an addition, ``new`` None for a removal."""

    key: str
    old: str | None
    new: str | None

    def detail(self) -> Iterator[str]:
        """The changed characters of a modified text (``ndiff`` lines)."""
        if self.old is not None and self.new is not None:
            yield from (line for line in difflib.ndiff([self.old], [self.new]) if line[:1] in "+-?")


def diff(old: dict[str, str], new: dict[str, str]) -> list[Change]:
    """The keys whose text differs between two snapshots, sorted by key."""
    return [Change(k, old.get(k), new.get(k)) for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
