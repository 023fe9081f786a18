"""Where corrective actions go and how often inspections are planned: ``owner:`` of an article
(else its chapter) routes an action to that department, named as the profile names it; the
checker refuses an undeclared owner and a ``schedule`` that disagrees with the frequency text;
a schedule naming a parameter is resolved for the report's planned side. A scaffolded plugin,
checked and assembled for real."""

from __future__ import annotations

import shutil

import pytest

from sqmkit.actions import owner_of
from sqmkit.lint import check_plugin
from sqmkit.scaffold import new_plugin

NAME, PKG = "kit-laundry", "sqmkit_kit_laundry"
CHECKLIST = "checklists/service-check.yaml"
FREQUENCY = 'frequency: "每月抽查不少于{{ params.inspection.spot_checks_per_month }}次"\n'
CONTROLS = "rules/60-controls.yaml"


@pytest.fixture(scope="module")
def scaffold(tmp_path_factory):
    return new_plugin(NAME, tmp_path_factory.mktemp("scaffold") / f"sqmkit-{NAME}", zh_name="洗衣服务")


@pytest.fixture
def copy(scaffold, tmp_path):
    target = tmp_path / "copy"
    shutil.copytree(scaffold.target, target)
    return target


def _edit(root, rel, old, new):
    path = root / PKG / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, rel)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _codes(root):
    return [(f.code, f.problem) for f in check_plugin(root, assemble=False).findings if f.code in ("unknown-owner",
                                                                                                 "schedule")]


def test_declared_owners_and_an_agreeing_schedule_pass(copy):
    _edit(copy, CONTROLS, "order: 60\n", "order: 60\nowner: quality\n")
    _edit(copy, CHECKLIST, FREQUENCY, FREQUENCY + "schedule: {per: month, times: inspection.spot_checks_per_month}\n")
    assert _codes(copy) == []


@pytest.mark.parametrize("rel, old, new, code, words", [
    (CONTROLS, "order: 60\n", "order: 60\nowner: laundry_room\n", "unknown-owner", "'laundry_room' is not a department"),
    (CHECKLIST, FREQUENCY, FREQUENCY + "schedule: {per: week, times: inspection.spot_checks_per_month}\n", "schedule",
     "does not speak of a week"),
    (CHECKLIST, FREQUENCY, 'frequency: "每月抽查不少于2次"\nschedule: {per: month, times: 4}\n', "schedule",
     "does not say 4 times"),
    (CHECKLIST, FREQUENCY, FREQUENCY + "schedule: {per: month, times: inspection.nothing}\n", "schedule",
     "not a declared integer parameter"),
])
def test_the_checker_refuses_an_unknown_owner_and_a_disagreeing_schedule(copy, rel, old, new, code, words):
    _edit(copy, rel, old, new)
    found = _codes(copy)
    assert any(c == code and words in p for c, p in found), found


def test_an_action_goes_to_the_clause_owner_by_the_profile_name(demo_profile_path):
    from sqmkit.build import load

    reg = load(demo_profile_path)[3]
    owned = [(a.id, a.owner) for ch in reg.chapters for a in ch.articles if a.owner]
    if not owned:
        pytest.skip("the courier plugin declares no owner: yet")
    clause, key = owned[0]
    assert owner_of(reg, [clause]) == (key, reg.org.departments[key])
    assert owner_of(reg, ["no.such.clause"]) == (None, reg.document.owner or "")
