"""The revision diff between two snapshots (:mod:`sqmkit.versions`): what a reader of the
regulation needs to see, in document order and by article number.

* A unit (article, item, table, form field, check item …) is changed when its ``cmp`` text
  differs: references there name their targets' ids, so renumbering alone is no change.
* A table changes by cells (row, column, old → new) and by rows added or removed.
* Removed units are placed after the last unit before them that is still there.
* The profile's particulars are summarised: parameters old → new, departments and posts renamed,
  modules switched on or off, company and document control.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from .versions import Unit

#: category names and phrases, in the document's language
WORDS: dict[str, dict[str, str]] = {
    "zh-CN": {"company": "公司", "modules": "模块", "parameters": "参数", "departments": "部门", "roles": "岗位",
              "document": "文件控制", "on": "启用", "off": "停用", "added": "新增", "removed": "删除",
              "changed": "修改", "formerly": "原", "sep": "、", "join": "；", "more": "等{n}处", "none": "无",
              "row": "行", "rows_added": "新增行", "rows_removed": "删除行"},
    "en": {"company": "Company", "modules": "Modules", "parameters": "Parameters", "departments": "Departments",
           "roles": "Posts", "document": "Document control", "on": "switched on", "off": "switched off",
           "added": "Added", "removed": "Removed", "changed": "Changed", "formerly": "formerly ", "sep": ", ",
           "join": "; ", "more": " and others ({n} in all)", "none": "none", "row": "row", "rows_added": "rows added",
           "rows_removed": "rows removed"},
}


#: company and document-control fields by name, in the document's language
FIELDS: dict[str, dict[str, str]] = {
    "zh-CN": {"name": "公司名称", "short_name": "公司简称", "number": "文件编号", "version": "版本",
              "title": "标题", "effective_date": "实施日期", "issued_date": "发布日期", "prepared_by": "编制",
              "reviewed_by": "审核", "approved_by": "批准", "controlled_copy": "受控", "copy_number": "份号",
              "holder": "持有人"},
    "en": {"name": "Company name", "short_name": "Short name", "number": "Document number", "version": "Version",
           "title": "Title", "effective_date": "Effective date", "issued_date": "Issue date",
           "prepared_by": "Prepared by", "reviewed_by": "Reviewed by", "approved_by": "Approved by",
           "controlled_copy": "Controlled copy", "copy_number": "Copy number", "holder": "Holder"},
}


def words(lang: str) -> dict[str, str]:
    return WORDS.get(lang, WORDS["en"])


@dataclass(frozen=True)
class CellChange:
    row: str
    column: str
    old: str
    new: str


@dataclass
class UnitChange:
    """One changed unit: ``status`` is added, removed or changed; ``where`` its label (the new
    one, and ``formerly`` the old one when it was renumbered)."""

    status: str
    kind: str
    where: str
    formerly: str | None
    old: str | None
    new: str | None
    cells: list[CellChange] = field(default_factory=list)
    rows_added: list[str] = field(default_factory=list)
    rows_removed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ProfileChange:
    category: str
    name: str
    old: str | None
    new: str | None


@dataclass
class Diff:
    old_label: str
    new_label: str
    language: str
    units: list[UnitChange]
    profile: list[ProfileChange]

    def empty(self) -> bool:
        return not self.units and not self.profile


# ---------------------------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------------------------


def _table_change(old: Unit, new: Unit) -> tuple[list[CellChange], list[str], list[str]]:
    old_rows = {r["key"]: r for r in old.get("rows", [])}
    new_rows = {r["key"]: r for r in new.get("rows", [])}
    # rows whose key changed (a department renamed) pair up by position: changed cells, not a row swap
    gone = [k for k in old_rows if k not in new_rows]
    came = [k for k in new_rows if k not in old_rows]
    for was, now in zip(gone, came):
        old_rows[now] = old_rows.pop(was)
    columns = new.get("columns", [])
    cells: list[CellChange] = []
    for key, row in new_rows.items():
        before = old_rows.get(key)
        if before is None or before["cmp"] == row["cmp"]:
            continue
        label = row["cells"][0] if row["cells"] else key
        for i, value in enumerate(row["cells"]):
            was = before["cells"][i] if i < len(before["cells"]) else ""
            if was != value:
                cells.append(CellChange(label, columns[i] if i < len(columns) else str(i + 1), was, value))
    added = [(r["cells"] or [k])[0] for k, r in new_rows.items() if k not in old_rows]
    removed = [(r["cells"] or [k])[0] for k, r in old_rows.items() if k not in new_rows]
    return cells, added, removed


def _changed(old: Unit, new: Unit) -> UnitChange | None:
    same_rows = [r["cmp"] for r in old.get("rows", [])] == [r["cmp"] for r in new.get("rows", [])]
    if old["cmp"] == new["cmp"] and same_rows and old.get("columns") == new.get("columns"):
        return None
    formerly = old["where"] if old["where"] != new["where"] else None
    change = UnitChange("changed", new["kind"], new["where"], formerly,
                        old["text"] if old["cmp"] != new["cmp"] else None,
                        new["text"] if old["cmp"] != new["cmp"] else None)
    if new["kind"] == "block":
        change.cells, change.rows_added, change.rows_removed = _table_change(old, new)
    return change


def _whole(status: str, unit: Unit) -> UnitChange:
    text = unit["text"]
    if unit["kind"] == "block":
        text = "\n".join(" | ".join(r["cells"]) for r in unit.get("rows", []))
    old, new = (text, None) if status == "removed" else (None, text)
    return UnitChange(status, unit["kind"], unit["where"], None, old, new)


def diff_units(old: list[Unit], new: list[Unit]) -> list[UnitChange]:
    """The changed units in the new document's order; removed ones after their predecessor."""
    old_by = {u["key"]: u for u in old}
    new_pos = {u["key"]: i for i, u in enumerate(new)}
    placed: list[tuple[tuple[int, int, int], UnitChange]] = []
    for i, unit in enumerate(new):
        before = old_by.get(unit["key"])
        change = _whole("added", unit) if before is None else _changed(before, unit)
        if change is not None:
            placed.append(((i, 0, 0), change))
    anchor = -1
    for j, unit in enumerate(old):
        if unit["key"] in new_pos:
            anchor = new_pos[unit["key"]]
        else:
            placed.append(((anchor, 1, j), _whole("removed", unit)))
    placed.sort(key=lambda p: p[0])
    return [c for _pos, c in placed]


# ---------------------------------------------------------------------------------------------
# The profile
# ---------------------------------------------------------------------------------------------


def _mapping_changes(category: str, old: dict[str, Any], new: dict[str, Any], lang: str) -> list[ProfileChange]:
    labels = FIELDS.get(lang, FIELDS["en"]) if category in ("company", "document") else {}
    out = []
    for key in list(old) + [k for k in new if k not in old]:
        a, b = old.get(key), new.get(key)
        if a != b:
            name = str(a if category in ("departments", "roles") and a is not None else labels.get(key, key))
            out.append(ProfileChange(category, name, None if a is None else str(a), None if b is None else str(b)))
    return out


def diff_profile(old: dict[str, Any], new: dict[str, Any], lang: str = "zh-CN") -> list[ProfileChange]:
    """Company, modules on/off, parameters, departments and posts renamed, document control."""
    changes = _mapping_changes("company", old.get("company", {}), new.get("company", {}), lang)
    old_mods, new_mods = old.get("modules", {}), new.get("modules", {})
    changes += [ProfileChange("modules", name, None, "on") for m, name in new_mods.items() if m not in old_mods]
    changes += [ProfileChange("modules", name, "on", None) for m, name in old_mods.items() if m not in new_mods]
    for category in ("parameters", "departments", "roles", "document"):
        changes += _mapping_changes(category, old.get(category, {}), new.get(category, {}), lang)
    return changes


def compare(old: dict[str, Any], new: dict[str, Any], old_label: str, new_label: str) -> Diff:
    """The diff between two snapshots (:func:`sqmkit.versions.snapshot`)."""
    lang = new.get("language", "zh-CN")
    return Diff(old_label, new_label, lang, diff_units(old["units"], new["units"]),
                diff_profile(old.get("profile", {}), new.get("profile", {}), lang))


# ---------------------------------------------------------------------------------------------
# Reading it: character-level highlighting and the revision-log summary
# ---------------------------------------------------------------------------------------------


def char_diff(old: str, new: str) -> tuple[list[tuple[bool, str]], list[tuple[bool, str]]]:
    """Both sides as runs of ``(changed, text)``, compared character by character (so Chinese,
    written without spaces, is highlighted to the character)."""
    left: list[tuple[bool, str]] = []
    right: list[tuple[bool, str]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if i2 > i1:
            left.append((op != "equal", old[i1:i2]))
        if j2 > j1:
            right.append((op != "equal", new[j1:j2]))
    return left, right


def inline(old: str, new: str) -> str:
    """One line with the changes marked ``[-removed-]{+added+}``."""
    out = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(old[i1:i2])
            continue
        if i2 > i1:
            out.append(f"[-{old[i1:i2]}-]")
        if j2 > j1:
            out.append(f"{{+{new[j1:j2]}+}}")
    return "".join(out)


def profile_line(change: ProfileChange, lang: str) -> str:
    w = words(lang)
    if change.category == "modules":
        return f"{w['on'] if change.new else w['off']} {change.name}"
    return f"{change.name}: {change.old if change.old is not None else w['none']} → " \
           f"{change.new if change.new is not None else w['none']}"


def _list(items: list[str], lang: str, limit: int = 8) -> str:
    w = words(lang)
    unique = list(dict.fromkeys(items))
    shown = w["sep"].join(unique[:limit])
    return shown + (w["more"].format(n=len(unique)) if len(unique) > limit else "")


def summary(diff: Diff) -> str:
    """A line for the revision log: articles changed, added, removed; profile changes."""
    lang = diff.language
    w = words(lang)
    parts = []
    for status in ("changed", "added", "removed"):
        where = [c.where.split(" ")[-1] if c.kind in ("article", "item", "block") else c.where.split(" ")[0]
                 for c in diff.units if c.status == status and c.kind not in ("chapter", "section")]
        if where:
            parts.append(w[status] + _list(where, lang))
    interesting = [p for p in diff.profile if p.category in ("modules", "parameters", "departments", "roles")]
    if interesting:
        parts.append(_list([profile_line(p, lang) for p in interesting], lang, 5))
    return w["join"].join(parts)
