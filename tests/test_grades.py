"""Grade scales are checked by the core wherever they are written: industry defaults, a client
profile's parameters and a checklist's own bands; the problem is reported at the file and line
that hold the value."""

from __future__ import annotations

import pytest
import yaml

from sqmkit import DataError, DataPack, ProfileError, load, scale_problems


@pytest.mark.parametrize("bands, where, words", [
    ([{"grade": "A", "min": 90}, {"grade": "B", "min": 95}, {"grade": "C", "min": 0}], (1, "min"), "descend"),
    ([{"grade": "A", "min": 90}, {"grade": "A", "min": 50}, {"grade": "C", "min": 0}], (1, "grade"), "twice"),
    ([{"grade": "A", "min": 120}, {"grade": "B", "min": 0}], (0, "min"), "0 to 100"),
    ([{"grade": "A", "min": 90}, {"grade": "B", "min": 10}], (1, "min"), "start at 0"),
    ([{"grade": "", "min": 90}, {"grade": "B", "min": 0}], (0, "grade"), "needs a name"),
    ([{"grade": "A", "min": True}, {"grade": "B", "min": 0}], (0, "min"), "0 to 100"),
    ([], (), "non-empty"),
])
def test_scale_problems(bands, where, words):
    problems = scale_problems(bands)
    assert problems and problems[0][0] == where and words in problems[0][1]


def test_a_good_scale_has_no_problem():
    assert scale_problems([{"grade": "优", "min": 90}, {"grade": "良", "min": 75}, {"grade": "差", "min": 0}]) == []


def line_of(path, marker):
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if marker in line)


def test_a_profile_scale_is_checked_at_its_line(make_profile):
    def edit(d):
        d.setdefault("parameters", {}).setdefault("grading", {})["courier"] = [
            {"grade": "A", "min": 90}, {"grade": "B", "min": 93, "label": "MARK"}, {"grade": "C", "min": 0}]
    path = make_profile(edit)
    with pytest.raises(ProfileError) as err:
        load(path)
    assert err.value.where == "parameters.grading.courier[1].min"
    assert err.value.line == line_of(path, "min: 93")
    assert "descend" in err.value.problem


def _pack(tmp_path, industry: dict, checklist: dict | None = None) -> DataPack:
    (tmp_path / "industry.yaml").write_text(yaml.safe_dump(industry, allow_unicode=True, sort_keys=False),
                                            encoding="utf-8")
    if checklist is not None:
        (tmp_path / "checklists").mkdir()
        (tmp_path / "checklists" / "check.yaml").write_text(
            yaml.safe_dump(checklist, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return DataPack(tmp_path)


def test_industry_defaults_are_checked_at_their_line(tmp_path):
    pack = _pack(tmp_path, {"id": "demo", "name": "示例", "parameters": {"grading": {"staff": [
        {"grade": "优", "min": 90}, {"grade": "良", "min": 60}, {"grade": "差", "min": 5}]}}})
    with pytest.raises(DataError) as err:
        pack.industry_spec
    assert err.value.where == "parameters.grading.staff[2].min"
    assert err.value.line == line_of(tmp_path / "industry.yaml", "min: 5")


def test_a_checklists_own_bands_are_checked_at_their_line(tmp_path):
    pack = _pack(tmp_path, {"id": "demo", "name": "示例"}, {
        "id": "demo.check", "title": "检查表", "bands": [{"grade": "合格", "min": 60}, {"grade": "合格", "min": 0}],
        "sections": [{"id": "main", "title": "主要", "items": [{"id": "clean", "text": "整洁", "clauses": ["x.y"]}]}]})
    with pytest.raises(DataError) as err:
        pack.checklist_files
    assert err.value.where == "bands[1].grade"
    assert err.value.line == line_of(tmp_path / "checklists" / "check.yaml", "grade: 合格") + 2
