"""Issue 9, items 1, 2, 5 and 7: `check` reports every problem of a profile in one run, sorted by
line, each at file:line in sqmkit's own words — unknown keys with "did you mean", values out of
their declared range (with the range and unit), dates that make no sense, unquoted versions, posts
still named after a department the profile renamed — and every declared parameter of every
installed industry says what it is.

Real YAML files in tmp_path, the real CLI (CliRunner) and the real plugins."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pydantic
import pytest
import yaml

import sqmkit
from sqmkit import ParamSpec, ProfileError, ProfileProblems, effective_organization, get_plugin_manager
from sqmkit.assemble import read_profile
from sqmkit.paramspec import value_problems

INDUSTRIES = ("courier", "clinic", "hospitality")

#: a valid courier profile; tests replace its lines to make mistakes
BASE = """\
id: acme
company:
  name: 某某快递有限公司
  short_name: 某某快递
industry: courier
modules: [cod]
language: zh-CN
organization:
  departments:
    operations: 营运管理部
  roles:
    quality_lead: 分管营运副总经理
parameters:
  kpi:
    on_time_rate: 97
  survey:
    interval_months: 2
document:
  number: ACME-QM-001
  version: "A/0"
  prepared_by: 营运管理部
  reviewed_by: 分管营运副总经理
  approved_by: 总经理
  effective_date: 2025-01-01
  revisions:
    - version: "A/0"
      date: 2025-01-01
      description: 首次发布
"""


@pytest.fixture(scope="module")
def mgr():
    return get_plugin_manager()


def write(tmp_path: Path, *edits: tuple[str, str], text: str = BASE, name: str = "acme.yaml") -> Path:
    """The base profile with each ``(old, new)`` replaced once."""
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def problems_of(mgr, path: Path) -> list[ProfileError]:
    with pytest.raises(ProfileError) as info:
        read_profile(mgr, path)
    err = info.value
    return err.problems if isinstance(err, ProfileProblems) else [err]


def assert_clean(result) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output


# ---------------------------------------------------------------------------------------------
# Every problem in one run
# ---------------------------------------------------------------------------------------------

FOUR_MISTAKES = (
    ("    operations: 营运管理部\n", "    operations: 营运管理部\n    logistcs: 车队管理部\n"),  # unknown key
    ("    on_time_rate: 97\n", "    on_time_rate: 250\n"),  # out of range
    ('  version: "A/0"\n', "  version: 0.9\n"),  # unquoted version
    ("  effective_date: 2025-01-01\n", "  effective_date: 2026-13-01\n"),  # not a date
    ("  short_name: 某某快递\n", '  short_name: "   "\n'),  # blank name
)


def test_every_problem_is_reported_in_one_run_sorted_by_line(cli_run, mgr, tmp_path):
    path = write(tmp_path, *FOUR_MISTAKES)
    found = problems_of(mgr, path)
    assert [p.where for p in found] == ["company.short_name", "organization.departments.logistcs",
                                        "parameters.kpi.on_time_rate", "document.version",
                                        "document.effective_date"]
    assert [p.line for p in found] == sorted(p.line for p in found)
    assert found[1].line == line_of(path, "logistcs")
    assert all(p.file == str(path) for p in found)

    result = cli_run("check", path)
    assert_clean(result)
    assert "5 problems in" in result.output
    lines = [line.strip() for line in result.output.splitlines() if line.strip().startswith(str(path) + ":")]
    assert len(lines) == 5
    numbers = [int(re.match(rf"{re.escape(str(path))}:(\d+)", line).group(1)) for line in lines]
    assert numbers == sorted(numbers)


def test_load_raises_the_same_problems(mgr, tmp_path):
    path = write(tmp_path, *FOUR_MISTAKES)
    with pytest.raises(ProfileProblems) as info:
        sqmkit.load(path, mgr)
    assert len(info.value.problems) == 5
    assert info.value.where == "company.short_name"  # a ProfileError itself: the first problem's fields


def test_a_single_problem_is_a_plain_profile_error(cli_run, mgr, tmp_path):
    path = write(tmp_path, ("    on_time_rate: 97\n", "    on_time_rate: 101\n"))
    with pytest.raises(ProfileError) as info:
        read_profile(mgr, path)
    assert not isinstance(info.value, ProfileProblems)
    result = cli_run("check", path)
    assert_clean(result)
    assert "problems in" not in result.output and "parameters.kpi.on_time_rate" in result.output


# ---------------------------------------------------------------------------------------------
# Unknown keys: did you mean
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("old, new, where, guess", [
    ("    operations: 营运管理部\n", "    logistcs: 车队管理部\n", "organization.departments.logistcs", "logistics"),
    ("    quality_lead: 分管营运副总经理\n", "    ofice_head: 综合部主任\n", "organization.roles.ofice_head", "office_head"),
    ("    on_time_rate: 97\n", "    on_time_rat: 97\n", "parameters.kpi.on_time_rat", "on_time_rate"),
    ("  survey:\n", "  survy:\n", "parameters.survy", "survey"),
    ("modules: [cod]\n", "modules: [cdo]\n", "modules[0]", "cod"),
    ("organization:\n", "organisation:\n", "organisation", "organization"),
])
def test_an_unknown_key_gets_did_you_mean(cli_run, tmp_path, old, new, where, guess):
    path = write(tmp_path, (old, new))
    result = cli_run("check", path)
    assert_clean(result)
    assert f"at {where}:" in result.output
    assert f"did you mean '{guess}'?" in result.output


def test_an_unknown_term_is_refused(cli_run, tmp_path):
    path = write(tmp_path, ("  roles:\n", "  terms:\n    institution: 公司\n  roles:\n"))
    result = cli_run("check", path)
    assert_clean(result)
    assert "organization.terms.institution" in result.output and "unknown term 'institution'" in result.output


def test_terms_the_industry_declares_are_renamed(mgr, tmp_path):
    data = yaml.safe_load(sqmkit_clinic_demo().read_text(encoding="utf-8"))
    data["organization"]["terms"] = {"institution": "社区卫生服务中心", "institution_short": "中心"}
    path = tmp_path / "centre.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    profile, _doc = read_profile(mgr, path)
    _, (_, industry) = "clinic", mgr.industries()["clinic"]
    org = effective_organization(profile, industry)
    assert org.terms == {"institution": "社区卫生服务中心", "institution_short": "中心"}


def sqmkit_clinic_demo() -> Path:
    import sqmkit_clinic

    return Path(sqmkit_clinic.DEMO_PROFILE)


# ---------------------------------------------------------------------------------------------
# Values: type, range, unit
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value, words", [
    ("250", "250 is out of range: use a value from 0 to 100 %"),
    ("-1", "-1 is out of range: use a value from 0 to 100 %"),
    (".nan", "NaN and infinity are not allowed"),
    (".inf", "NaN and infinity are not allowed"),
    ("true", "expected a number, not the yes/no value true"),
    ("high", "expected a number, not the text 'high'"),
])
def test_a_percent_out_of_range_or_not_a_number(cli_run, tmp_path, value, words):
    path = write(tmp_path, ("    on_time_rate: 97\n", f"    on_time_rate: {value}\n"))
    result = cli_run("check", path)
    assert_clean(result)
    assert f"{path}:{line_of(path, 'on_time_rate')} at parameters.kpi.on_time_rate: {words}" in result.output


def test_a_survey_every_zero_months_states_the_range_and_unit(cli_run, tmp_path):
    path = write(tmp_path, ("    interval_months: 2\n", "    interval_months: 0\n"))
    result = cli_run("check", path)
    assert_clean(result)
    assert "0 is out of range: use a value from 1 to 12 个月" in result.output


def test_negative_hours_and_decimals_where_whole_numbers_go(cli_run, tmp_path):
    path = write(tmp_path, ("  survey:\n", "  complaint:\n    acknowledge_hours: -3\n    verify_days: 1.5\n  survey:\n"))
    result = cli_run("check", path)
    assert_clean(result)
    assert "parameters.complaint.acknowledge_hours: -3 is out of range: use a value from 1 to 72 小时" in result.output
    assert "parameters.complaint.verify_days: expected a whole number, not the number 1.5" in result.output


def test_a_list_parameter_is_a_list_and_a_group_is_a_group(cli_run, tmp_path):
    path = write(tmp_path, ("  survey:\n", "  service:\n    complaint_channels: 热线\n  survey:\n"),
                 ("  kpi:\n    on_time_rate: 97\n", "  kpi: 97\n"))
    result = cli_run("check", path)
    assert_clean(result)
    assert "parameters.service.complaint_channels: expected a list of texts" in result.output
    assert "parameters.kpi: kpi is a group of parameters, not a value" in result.output


def test_a_company_name_of_spaces_is_refused(cli_run, tmp_path):
    path = write(tmp_path, ("  name: 某某快递有限公司\n", '  name: "    "\n'))
    result = cli_run("check", path)
    assert_clean(result)
    assert f"{path}:3 at company.name: must not be blank" in result.output


def test_a_blank_department_name_is_refused(cli_run, tmp_path):
    path = write(tmp_path, ("    operations: 营运管理部\n", '    operations: " "\n'))
    result = cli_run("check", path)
    assert_clean(result)
    assert "organization.departments.operations: must not be blank" in result.output


# ---------------------------------------------------------------------------------------------
# Dates and versions
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("written, words", [
    ("2026-13-01", "2026-13-01 is not a day of the calendar; write a real date like 2026-01-31"),
    ("2025-02-30", "2025-02-30 is not a day of the calendar; write a real date like 2026-01-31"),
    ("2025/01/01", "'2025/01/01' is not in the form year-month-day; write a date like 2026-01-31"),
    ("2025-1-5", "'2025-1-5' is not in the form year-month-day; write a date like 2026-01-31"),
    ("20250101", "expected a date like 2026-01-31, not the number 20250101"),
    ("0001-01-01", "0001-01-01 is not a plausible date: use a date from 1990-01-01 to 2100-12-31"),
    ("1989-12-31", "1989-12-31 is not a plausible date"),
    ("2101-01-01", "2101-01-01 is not a plausible date"),
    ("2025-01-01 10:00:00", "write a date without a time, like 2026-01-31"),
])
def test_dates_make_sense(cli_run, tmp_path, written, words):
    path = write(tmp_path, ("  effective_date: 2025-01-01\n", f"  effective_date: {written}\n"))
    result = cli_run("check", path)
    assert_clean(result)
    assert f"{path}:{line_of(path, 'effective_date')} at document.effective_date: {words}" in result.output


def test_a_date_that_is_not_in_the_calendar_in_a_revision(cli_run, tmp_path):
    path = write(tmp_path, ("      date: 2025-01-01\n", "      date: 2025-02-30\n"))
    result = cli_run("check", path)
    assert_clean(result)
    assert f"{path}:{line_of(path, 'date: 2025-02-30')} at document.revisions[0].date:" in result.output


def test_revisions_ascend_by_date(cli_run, tmp_path):
    path = write(tmp_path, ('      description: 首次发布\n', '      description: 首次发布\n'
                            '    - version: "B/0"\n      date: 2024-06-01\n      description: 修订\n'))
    result = cli_run("check", path)
    assert_clean(result)
    assert (f"{path}:{line_of(path, 'date: 2024-06-01')} at document.revisions[1].date: revision B/0 is dated "
            "2024-06-01, before the revision listed above it (A/0, 2025-01-01)") in result.output


@pytest.mark.parametrize("written", ["0.9", "1.10", "2"])
def test_an_unquoted_version_is_told_to_quote_it(cli_run, tmp_path, written):
    path = write(tmp_path, ('  version: "A/0"\n', f"  version: {written}\n"))
    result = cli_run("check", path)
    assert_clean(result)
    assert f"{path}:{line_of(path, '  version: ' + written)} at document.version: expected text" in result.output
    assert f'put it in quotes: version: "{written}"' in result.output


# ---------------------------------------------------------------------------------------------
# Nothing in the profile path is an internal error
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("old, new, where", [
    ("  effective_date: 2025-01-01\n", "  effective_date: 2026-13-01\n", "document.effective_date"),
    ("      date: 2025-01-01\n", "      date: 2025-02-30\n", "document.revisions[0].date"),
    ('  version: "A/0"\n', "  version: 0.9\n", "document.version"),
    ("language: zh-CN\n", "language: 5\n", "language"),
    ("parameters:\n  kpi:\n    on_time_rate: 97\n  survey:\n    interval_months: 2\n",
     "parameters: [1, 2]\n", "parameters"),
    ("modules: [cod]\n", 'modules: "cod"\n', "modules"),
    ("    operations: 营运管理部\n", "    operations: {name: 营运管理部}\n", "organization.departments.operations"),
    ("organization:\n  departments:\n    operations: 营运管理部\n  roles:\n    quality_lead: 分管营运副总经理\n",
     "organization: 营运部\n", "organization"),
    ("  roles:\n    quality_lead: 分管营运副总经理\n", "  roles: [a]\n", "organization.roles"),
    ("    on_time_rate: 97\n", "    on_time_rate: {a: 1}\n", "parameters.kpi.on_time_rate"),
    ("  survey:\n    interval_months: 2\n", "  survey:\n    interval_months: [2]\n", "parameters.survey.interval_months"),
    ("  revisions:\n", "  revisions: yes\n", "document.revisions"),
])
def test_no_internal_error(cli_run, tmp_path, old, new, where):
    text = BASE
    if old.startswith("  revisions:"):  # drop the list under it, so the key holds only the scalar
        text = BASE[: BASE.index("  revisions:")] + "  revisions:\n"
    path = write(tmp_path, (old, new), text=text)
    result = cli_run("check", path)
    assert_clean(result)
    assert f"at {where}:" in result.output, result.output
    assert "Input should be" not in result.output  # pydantic's wording never reaches the user


# ---------------------------------------------------------------------------------------------
# Posts tied to their departments
# ---------------------------------------------------------------------------------------------


def test_a_post_still_named_after_the_old_department_is_named(cli_run, tmp_path):
    path = write(tmp_path, ("    operations: 营运管理部\n", "    operations: 营运管理部\n    office: 总裁办公室\n"),
                 ("    quality_lead: 分管营运副总经理\n", "    quality_lead: 分管营运副总经理\n    office_head: 办公室主任\n"))
    result = cli_run("check", path)
    assert_clean(result)
    assert (f"{path}:{line_of(path, 'office_head')} at organization.roles.office_head: the post office_head is "
            "named '办公室主任', which still says '办公室', but the department office is now '总裁办公室'") in result.output
    assert "write '总裁办公室主任'" in result.output


def test_a_renamed_department_renames_its_posts(mgr, tmp_path):
    path = write(tmp_path, ("    operations: 营运管理部\n",
                            "    operations: 营运管理部\n    office: 总裁办公室\n    hr: 人事行政部\n"))
    profile, _doc = read_profile(mgr, path)
    industry = mgr.industries()["courier"][1]
    org = effective_organization(profile, industry)
    assert org.roles["office_head"] == "总裁办公室主任"
    assert org.roles["hr_head"] == "人事行政部经理"
    assert org.roles["operations_head"] == "营运管理部经理"
    assert org.roles["quality_lead"] == "分管营运副总经理"  # the profile's own name
    assert org.roles["general_manager"] == "总经理"  # a post of no department: the default
    assert org.departments["logistics"] == "后勤保障部"


def test_a_post_the_profile_names_consistently_passes(mgr, tmp_path):
    path = write(tmp_path, ("    operations: 营运管理部\n", "    operations: 营运管理部\n    office: 总裁办公室\n"),
                 ("    quality_lead: 分管营运副总经理\n", "    quality_lead: 分管营运副总经理\n    office_head: 总裁办公室主任\n"))
    profile, _doc = read_profile(mgr, path)
    assert profile.organization.roles["office_head"] == "总裁办公室主任"


# ---------------------------------------------------------------------------------------------
# A plugin's own checks join the list
# ---------------------------------------------------------------------------------------------


def test_the_clinic_checks_join_the_cores(mgr, tmp_path):
    data = yaml.safe_load(sqmkit_clinic_demo().read_text(encoding="utf-8"))
    data["parameters"]["assessment"] = {"weight_records": 40}  # the weights add up to 115
    data["organization"]["departments"]["qc_ofice"] = "质控科"
    path = tmp_path / "clinic.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    found = problems_of(mgr, path)
    assert {p.where for p in found} == {"parameters.assessment", "organization.departments.qc_ofice"}
    assert any("must add up to 100" in p.problem for p in found)


# ---------------------------------------------------------------------------------------------
# Every parameter declares what it is; the demos pass
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("industry_id", INDUSTRIES)
def test_every_declared_parameter_has_a_type_and_a_meaning(mgr, industry_id):
    industry = mgr.industries()[industry_id][1]
    specs = industry.parameter_specs()
    assert specs
    for spec in specs:
        assert isinstance(spec, ParamSpec) and spec.declared, spec.path
        assert spec.type in sqmkit.schema.PARAM_TYPES
        assert spec.meaning.get("zh-CN").strip(), f"{industry_id}: {spec.path} has no zh-CN meaning"
        assert value_problems(spec, spec.default) == [], spec.path
        if spec.type in ("integer", "number"):
            assert spec.min is not None, f"{industry_id}: {spec.path} has no lower bound"
    for key, unit in {**industry.departments, **industry.terms}.items():
        assert unit.meaning and unit.meaning.get("zh-CN").strip(), f"{industry_id}: {key} has no meaning"
    for key, post in industry.roles.items():
        assert post.meaning and post.meaning.get("zh-CN").strip(), f"{industry_id}: role {key} has no meaning"
    names = industry.default_names()
    assert set(names) == ({f"departments.{k}" for k in industry.departments} | {f"roles.{k}" for k in industry.roles}
                          | {f"terms.{k}" for k in industry.terms})
    assert all(n.strip() for n in names.values())


@pytest.mark.parametrize("industry_id", INDUSTRIES)
def test_the_defaults_tree_is_what_texts_read(mgr, industry_id):
    industry = mgr.industries()[industry_id][1]
    for spec in industry.parameter_specs():
        assert sqmkit.lookup(industry.parameters, spec.path) == spec.default_in("zh-CN")
    numbers = [v for v in _leaves(industry.parameters) if isinstance(v, float)]
    assert all(math.isfinite(v) for v in numbers)


def _leaves(tree):
    for value in tree.values():
        if isinstance(value, dict):
            yield from _leaves(value)
        else:
            yield value


DEMOS = {
    "courier": "sqmkit_courier", "clinic": "sqmkit_clinic", "hospitality": "sqmkit_hospitality",
}


@pytest.mark.parametrize("industry_id", INDUSTRIES)
def test_the_demo_profile_passes_the_profile_checks(mgr, industry_id):
    import importlib

    demo = Path(importlib.import_module(DEMOS[industry_id]).DEMO_PROFILE)
    profile, _doc = read_profile(mgr, demo)
    assert profile.industry == industry_id


@pytest.mark.parametrize("industry_id", INDUSTRIES)
def test_the_demo_passes_check(cli_run, industry_id):
    import importlib

    demo = Path(importlib.import_module(DEMOS[industry_id]).DEMO_PROFILE)
    result = cli_run("check", demo)
    assert result.exit_code == 0, result.output
    assert "OK" in result.output


# ---------------------------------------------------------------------------------------------
# Declarations of a plugin's own industry
# ---------------------------------------------------------------------------------------------


def _industry(**parameters):
    return {"id": "ironing", "name": "熨烫服务", "parameters": parameters,
            "departments": {"office": {"name": "办公室", "meaning": "综合协调"}},
            "roles": {"office_head": {"department": "office", "title": "主任"}}}


def test_a_default_out_of_its_own_range_is_refused_where_it_is():
    with pytest.raises(ValueError) as info:
        sqmkit.Industry.model_validate(_industry(kpi={"rate": {"type": "percent", "default": 120, "meaning": "比例"}}))
    assert "120 is out of range" in str(info.value)


def _located(data) -> tuple[tuple, str]:
    """Where below the industry the (first) problem is, and what it says."""
    with pytest.raises(pydantic.ValidationError) as info:
        sqmkit.Industry.model_validate(data)
    cause = info.value.errors()[0]["ctx"]["error"]
    return tuple(cause.loc), cause.problem


def test_a_declaration_needs_a_meaning_and_a_known_type():
    assert _located(_industry(kpi={"rate": {"type": "percent", "default": 90}})) == (
        ("parameters", "kpi", "rate", "meaning"), "required field is missing")
    with pytest.raises(ValueError, match="must be one of"):
        sqmkit.Industry.model_validate(_industry(kpi={"rate": {"type": "ratio", "default": 9, "meaning": "比例"}}))
    with pytest.raises(ValueError, match="min and max apply to numbers"):
        sqmkit.Industry.model_validate(_industry(s={"hotline": {"type": "text", "default": "1", "min": 1, "meaning": "电话"}}))


def test_a_post_of_an_unknown_department_is_refused():
    data = _industry()
    data["roles"]["hr_head"] = {"department": "hr", "title": "经理"}
    with pytest.raises(ValueError, match="unknown department 'hr'"):
        sqmkit.Industry.model_validate(data)


def test_a_post_is_named_or_tied_never_both():
    data = _industry()
    data["roles"]["odd"] = {"department": "office", "title": "主任", "name": "主任"}
    with pytest.raises(ValueError, match="no name of its own"):
        sqmkit.Industry.model_validate(data)


def test_a_bare_default_of_the_older_shape_still_loads_with_its_type_inferred():
    industry = sqmkit.Industry.model_validate(_industry(service={"response_minutes": 10, "hotline": "400"}))
    specs = {s.path: s for s in industry.parameter_specs()}
    assert specs["service.response_minutes"].type == "number" and not specs["service.response_minutes"].declared
    assert specs["service.hotline"].type == "text"
    assert industry.parameters == {"service": {"response_minutes": 10, "hotline": "400"}}
    assert industry.default_names() == {"departments.office": "办公室", "roles.office_head": "办公室主任"}


def test_texts_and_scales_count_their_items():
    spec = ParamSpec(path="x", type="texts", default=["a"], meaning="渠道", max_items=2)
    assert value_problems(spec, ["a", "b"]) == []
    assert "at most 2" in value_problems(spec, ["a", "b", "c"])[0][1]
    assert "at least 1" in value_problems(spec, [])[0][1]
    assert value_problems(spec, ["a", " "])[0][0] == (1,)
    scale = ParamSpec(path="g", type="scale", meaning="等级", min_items=2,
                      default=[{"grade": "A", "min": 60}, {"grade": "B", "min": 0}])
    assert "at least 2" in value_problems(scale, [{"grade": "A", "min": 0}])[0][1]
