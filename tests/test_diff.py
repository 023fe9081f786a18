"""The revision diff: by article number, table cells, profile changes, renumbering is no change,
and the side-by-side 修订对照表. Real profiles assembled by the real plugins."""

from __future__ import annotations

import copy

import pytest

from sqmkit.build import load
from sqmkit.render.diff_report import diff_html
from sqmkit.revdiff import char_diff, compare, summary
from sqmkit.versions import snapshot


@pytest.fixture
def snap_of(make_profile):
    counter = iter(range(100))

    def snap(edit=None):
        path = make_profile(edit, name=f"p{next(counter)}.yaml")
        return snapshot(load(path)[3])

    return snap


def test_the_same_profile_has_no_changes(snap_of):
    assert compare(snap_of(), snap_of(), "B/1", "B/2").empty()


def test_renumbering_alone_is_no_change(demo_build):
    """An article inserted at the front renumbers every later article and every reference to
    them; only the inserted article is a change."""
    reg = copy.deepcopy(demo_build.regulation)
    before = snapshot(reg)
    first = reg.chapters[0].articles[0]
    extra = copy.deepcopy(first)
    extra.id, extra.items, extra.block = first.id + "-new", [], None
    reg.chapters[0].articles.insert(0, extra)
    reg.index.clauses[extra.id] = extra
    after = snapshot(reg)
    refs = [u for u in before["units"] if u["text"] != u["cmp"]]
    assert refs, "the demo has cross-references, which renumber"
    shifted = {u["key"]: u["text"] for u in after["units"]}
    assert any(shifted[u["key"]] != u["text"] for u in refs), "the printed reference numbers did change"
    diff = compare(before, after, "old", "new")
    assert [(c.status, c.where) for c in diff.units] == [("added", "第一章 第一条")]
    assert not diff.profile


def test_a_table_cell(snap_of):
    diff = compare(snap_of(), snap_of(lambda d: d["parameters"]["kpi"].update(satisfaction=95)), "B/1", "B/2")
    cells = [cell for c in diff.units for cell in c.cells]
    assert any(cell.column == "目标" and "93" in cell.old and "95" in cell.new for cell in cells), cells
    block = next(c for c in diff.units if c.cells)
    assert block.where.startswith("第") and "条" in block.where and "#" not in block.where
    assert [(p.category, p.old, p.new) for p in diff.profile] == [("parameters", "93", "95")]
    assert "." not in diff.profile[0].name  # the parameter's meaning, not its dotted path


def test_a_module_switched_on(snap_of):
    off = snap_of(lambda d: d.update(modules=["cod"]))
    on = snap_of(lambda d: d.update(modules=["cod", "appointment"]))
    diff = compare(off, on, "B/1", "B/2")
    assert [(p.category, p.new) for p in diff.profile if p.category == "modules"] == [("modules", "on")]
    added = [c for c in diff.units if c.status == "added"]
    assert any(c.kind == "chapter" for c in added) and all(c.new for c in added)
    assert not [c for c in diff.units if c.status == "removed"]
    assert "启用" in summary(diff)


def test_a_department_renamed(snap_of):
    def rename(d):
        d["organization"]["departments"]["operations"] = "运营质量部"

    diff = compare(snap_of(), snap_of(rename), "B/1", "B/2")
    assert [(p.category, p.old, p.new) for p in diff.profile] == [("departments", "营运管理部", "运营质量部")]
    # a duties table row keyed by the department's name is a changed cell, not a row removed and added
    assert not [c for c in diff.units if c.rows_added or c.rows_removed]
    assert any(cell.new == "运营质量部" for c in diff.units for cell in c.cells)
    text = [c for c in diff.units if c.kind == "article"]
    assert text and all("运营质量部" in c.new and "营运管理部" in c.old for c in text if c.new and c.old)


def test_no_internal_ids_in_what_a_reader_sees(snap_of):
    diff = compare(snap_of(), snap_of(lambda d: d["parameters"]["kpi"].update(satisfaction=95)), "B/1", "B/2")
    page = diff_html(diff, "某某快递有限公司", "快递服务质量管理制度")
    for change in diff.units:
        assert "courier." not in change.where and "⟨" not in (change.new or "") + (change.old or "")
    assert "courier." not in page and "{\"" not in page
    assert "<ins>5</ins>" in page and "<del>3</del>" in page
    assert "修订对照表" in page


def test_chinese_is_highlighted_by_character():
    left, right = char_diff("营运管理部负责", "运营质量部负责")
    assert "".join(t for _c, t in left) == "营运管理部负责" and "".join(t for _c, t in right) == "运营质量部负责"
    assert (False, "部负责") in left and (True, "质量") in right
