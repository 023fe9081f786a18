"""Versions of a client's regulation: the snapshot an issued version keeps.

A snapshot is plain JSON data, in document order: one *unit* per chapter, article, item, block
(a table as rows of cells), form, form field, checklist and check item, each with the label a
reader knows it by (第二章 第五条, 《客户投诉登记表》) and two texts: ``text`` as printed (references
spelled out as numbers) and ``cmp``, where every reference names its target's id instead, so
that renumbering alone never shows as a change. Beside the units, the profile's particulars
(modules, parameters, department and post names, document control) for the profile summary.
:mod:`sqmkit.revdiff` compares two snapshots.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from .model import ArticleNode, BlockNode, ChecklistNode, FormNode, Regulation, TableNode, walk_items
from .numbering import Numbering
from .textrender import replace_markers

#: the snapshot format this module writes (stored with each issued version)
SNAPSHOT_FORMAT = 2

Unit = dict[str, Any]

#: a block's column names by field, per language (never a field name in the output)
COLUMN_NAMES: dict[str, dict[str, str]] = {
    "zh-CN": {"grade": "等级", "min": "最低得分率", "label": "名称", "consequence": "处理", "name": "名称",
              "formula": "计算方法", "target": "目标", "frequency": "频次", "owner": "负责", "kind": "类别",
              "trigger": "情形", "points": "分值", "amount": "金额", "repeat": "再犯", "escalation": "升级",
              "interval": "周期", "output": "输出", "time_limit": "时限", "unit": "部门", "role": "职责类型",
              "duties": "职责", "type": "类型", "choices": "选项", "max": "满分", "weight": "权重",
              "veto": "否决项", "mode": "方式", "method": "方法", "text": "内容", "hint": "提示"},
    "en": {},
}

#: the words of a draft, per document language (the watermark, the site banner, the empty log)
DRAFT_WORDS: dict[str, dict[str, str]] = {
    "zh-CN": {"word": "草稿", "banner": "草稿：本版本尚未发布，不作为受控文件使用。",
              "no_revisions": "本文件尚无已发布的版本；发布后的版本登记于本修订记录。"},
    "en": {"word": "DRAFT", "banner": "Draft: this version has not been issued and is not a controlled document.",
           "no_revisions": "No version of this document has been issued yet; issued versions are recorded here."},
}


def draft_words(lang: str) -> dict[str, str]:
    return DRAFT_WORDS.get(lang, DRAFT_WORDS["en"])


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


def id_text(text: str | None) -> str:
    """A text with every reference naming its target's id: renumbering leaves it unchanged."""
    if text is None:
        return ""
    return replace_markers(text, lambda kind, target, flags: f"⟨{kind}:{target}:{'nosee' in flags}⟩")


class _Snap:
    """Collects the units of one regulation."""

    def __init__(self, reg: Regulation):
        self.reg, self.num = reg, Numbering.of(reg)
        self.units: list[Unit] = []
        self.columns = COLUMN_NAMES.get(reg.language) or {}

    def add(self, key: str, kind: str, where: str, parts: list[str | None], **extra: Any) -> None:
        shown = " ".join(plain_text(p, self.num, self.reg) for p in parts if p)
        cmp = " ".join(id_text(p) for p in parts if p)
        self.units.append({"key": key, "kind": kind, "where": where, "text": shown, "cmp": cmp, **extra})

    def article(self, chapter_label: str, a: ArticleNode) -> None:
        where = f"{chapter_label} {self.num.label[a.id]}"
        self.add(a.id, "article", where, [a.title, a.text, a.after])
        for it in walk_items(a.items):
            self.add(it.id, "item", f"{chapter_label} {self.num.ref_label[it.id]}", [it.text])
        if a.block is not None:
            columns, rows = self.block_rows(a.block)
            self.add(a.id + "#block", "block", where, [getattr(a.block, "caption", None)], columns=columns, rows=rows)

    def cell(self, value: Any) -> tuple[str, str]:
        if isinstance(value, list):
            pairs = [self.cell(v) for v in value]
            return "；".join(p[0] for p in pairs), "；".join(p[1] for p in pairs)
        if isinstance(value, bool):
            value = "✓" if value else ""
        text = "" if value is None else str(value)
        return plain_text(text, self.num, self.reg), id_text(text)

    def block_rows(self, block: BlockNode) -> tuple[list[str], list[dict[str, Any]]]:
        """A block as a table: its column names and rows (``key``, ``cells``, ``cmp``)."""
        if isinstance(block, TableNode):
            return list(block.columns), self._rows([dict(enumerate(r)) for r in block.rows], None)
        data = block.to_data()
        entries = next((v for k, v in data.items() if isinstance(v, list) and k != "columns"), [])
        fields = [k for k in (entries[0] if entries else {}) if k != "id"]
        return [self.columns.get(f, f) for f in fields], self._rows(entries, fields)

    def _rows(self, entries: list[dict[Any, Any]], fields: list[str] | None) -> list[dict[str, Any]]:
        rows, seen = [], set()
        for e in entries:
            values = [e[f] for f in fields] if fields is not None else [e[i] for i in sorted(e)]
            cells = [self.cell(v) for v in values]
            key = str(e.get("id") or (cells[0][1] if cells else ""))
            while key in seen:
                key += "'"
            seen.add(key)
            rows.append({"key": key, "cells": [c[0] for c in cells], "cmp": "\u241f".join(c[1] for c in cells)})
        return rows

    def form(self, f: FormNode) -> None:
        where = f"《{f.title}》"
        self.add(f.id, "form", where, [f.title, f.intro, f.footer])
        for field in f.fields():
            extra = ["/".join(field.choices)] if field.choices else []
            self.add(f"{f.id}/{field.id}", "field", f"{where} {field.label}", [field.label, *extra, field.hint])

    def checklist(self, c: ChecklistNode) -> None:
        where = f"《{c.title}》"
        self.add(c.id, "checklist", where, [c.title, c.subject, c.frequency])
        for section in c.sections:
            self.add(section.id, "section", f"{where} {self.num.label.get(section.id, '')}", [section.title])
        for item in c.items():
            facts = [f"{self.columns.get('max', 'max')} {item.max}", f"{self.columns.get('weight', 'weight')} {item.weight:g}"]
            if item.veto:
                facts.append(self.columns.get("veto", "veto"))
            self.add(item.id, "check", f"{where} {self.num.check_label.get(item.id, '')}", [item.text, "，".join(facts)])


def snapshot(reg: Regulation) -> dict[str, Any]:
    """The regulation as data for diffs: units in document order and the profile's particulars."""
    snap = _Snap(reg)
    for ch in reg.chapters:
        label = snap.num.label[ch.id]
        snap.add(ch.id, "chapter", label, [ch.title, ch.intro])
        for a in ch.articles:
            snap.article(label, a)
    for f in reg.forms:
        snap.form(f)
    for c in reg.checklists:
        snap.checklist(c)
    return {"format": SNAPSHOT_FORMAT, "language": reg.language, "units": snap.units, "profile": particulars(reg)}


def _shown(value: Any) -> str:
    """A parameter value as a person reads it (no JSON)."""
    if isinstance(value, dict):
        return "，".join(f"{k} {_shown(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(_shown(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dt.date, float)):
        return value.isoformat() if isinstance(value, dt.date) else f"{value:g}"
    return str(value)


def _flat(params: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in params.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out.update(_flat(value, path + "."))
        else:
            out[path] = _shown(value)
    return out


def particulars(reg: Regulation) -> dict[str, Any]:
    """What the profile summary compares: modules, parameters (by meaning), names, document control."""
    lang = reg.language
    meanings = {s.path: (s.meaning.get(lang) or s.path) for s in reg.industry.parameter_specs()}
    modules = {m.id: (m.name.get(lang) or m.id) for m in reg.industry.modules}
    doc = reg.document.model_dump(mode="json", exclude={"revisions"})
    return {
        "company": {"name": reg.company.name, "short_name": reg.company.short_name},
        "modules": {m: modules.get(m, m) for m in reg.profile.modules},
        "parameters": {meanings.get(k, k): v for k, v in _flat(reg.params).items()},
        "departments": dict(reg.org.departments), "roles": dict(reg.org.roles),
        "document": {k: _shown(v) for k, v in doc.items() if v is not None},
    }


def dumps(snap: dict[str, Any]) -> str:
    return json.dumps(snap, ensure_ascii=False, sort_keys=True)
