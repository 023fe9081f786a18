"""The profile reference: ``sqmkit industries show``, ``sqmkit profile new`` and docs/profiles.md,
each checked against the installed plugins' own declarations (real plugins, real files, the real
``check`` command on what ``profile new`` wrote)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings, strategies as st
from pydantic import BaseModel

from sqmkit import Profile, get_plugin_manager, yaml_line
from sqmkit.columns import WIDTH, display_width, wrap
from sqmkit.profile_writer import ProfileOptions, client_id_from, profile_text, short_name
from sqmkit.reference import markdown_tables, module_of, section_pattern, text_in, update_document
from sqmkit.yamlemit import key_text, scalar

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "profiles.md"
INDUSTRIES = sorted(get_plugin_manager().industries())
DATE = "2026-01-31"


@pytest.fixture(scope="module")
def industries() -> dict[str, Any]:
    return {ind_id: ind for ind_id, (_plugin, ind) in get_plugin_manager().industries().items()}


def test_three_industries_are_installed():
    assert {"courier", "clinic", "hospitality"} <= set(INDUSTRIES)


# ---------------------------------------------------------------------------------------------
# industries show
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("industry_id", INDUSTRIES)
def test_show_json_holds_every_declaration(cli_run, industries, industry_id):
    result = cli_run("industries", "show", industry_id, "--json")
    assert result.exit_code == 0, result.output
    ref = json.loads(result.output)
    industry = industries[industry_id]
    assert ref["id"] == industry_id and ref["name"]
    assert ref["languages"] == industry.languages
    assert [m["id"] for m in ref["modules"]] == industry.module_ids()
    names = industry.default_names(ref["language"])
    assert {f"departments.{d['key']}": d["name"] for d in ref["departments"]} == \
        {k: v for k, v in names.items() if k.startswith("departments.")}
    assert {f"roles.{r['key']}": r["name"] for r in ref["roles"]} == \
        {k: v for k, v in names.items() if k.startswith("roles.")}
    assert [t["key"] for t in ref["terms"]] == list(industry.terms)
    for entry in ref["departments"] + ref["roles"] + ref["terms"]:
        assert entry["meaning"].strip(), entry
    params = {p["path"]: p for g in ref["parameter_groups"] for p in g["parameters"]}
    specs = industry.parameter_specs()
    assert list(params) == [s.path for s in specs]  # every declared parameter, in file order
    for spec in specs:
        entry = params[spec.path]
        assert entry["type"] == spec.type
        assert entry["meaning"].strip(), spec.path
        assert entry["default"] == text_in(spec.default, "en")
        assert (entry["min"], entry["max"]) == spec.bounds()
    assert result.output == json.dumps(ref, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


@pytest.mark.parametrize("industry_id", INDUSTRIES)
def test_show_text_is_complete_and_fits_100_columns(cli_run, industries, industry_id):
    result = cli_run("industries", "show", industry_id)
    assert result.exit_code == 0, result.output
    text = result.output
    industry = industries[industry_id]
    for key in [*industry.departments, *industry.roles, *industry.terms, *industry.module_ids()]:
        assert re.search(rf"^\s+{re.escape(key)}\s", text, re.M), key
    for spec in industry.parameter_specs():
        assert re.search(rf"^\s+{re.escape(spec.path)}\s", text, re.M), spec.path
    for name in industry.default_names("en").values():
        assert name in text
    too_wide = [line for line in text.splitlines() if display_width(line) > WIDTH]
    assert not too_wide


def test_show_follows_the_message_language(cli_run):
    en = cli_run("industries", "show", "courier", env={"SQMKIT_LANG": "en"}).output
    zh = cli_run("industries", "show", "courier", env={"SQMKIT_LANG": "zh-CN"}).output
    assert "Courier and express delivery" in en  # the plugin's English name
    assert "快递服务" in zh.splitlines()[0]
    assert json.loads(cli_run("industries", "show", "courier", "--json", env={"SQMKIT_LANG": "zh-CN"})
                      .output)["language"] == "zh-CN"


def test_show_refuses_an_unknown_industry_with_a_suggestion(cli_run):
    result = cli_run("industries", "show", "courir")
    assert result.exit_code == 1
    assert "'courir'" in result.output and "did you mean 'courier'" in result.output
    assert "Traceback" not in result.output


def test_bare_industries_still_lists(cli_run):
    result = cli_run("industries")
    assert result.exit_code == 0
    assert re.search(r"^courier\t", result.output, re.M)


# ---------------------------------------------------------------------------------------------
# profile new
# ---------------------------------------------------------------------------------------------


def _new(cli_run, tmp_path, industry_id, *args):
    out = tmp_path / "clients" / f"{industry_id}-client.yaml"
    out.parent.mkdir(exist_ok=True)
    result = cli_run("profile", "new", industry_id, "-o", out, "--date", DATE, *args)
    assert result.exit_code == 0, result.output
    return out


def _module_sets(industry_id: str) -> list[list[str]]:
    ids = get_plugin_manager().industries()[industry_id][1].module_ids()
    return [[], ids]


@pytest.mark.parametrize("industry_id, modules", [(i, m) for i in INDUSTRIES for m in _module_sets(i)],
                         ids=lambda v: ",".join(v) if isinstance(v, list) else v)
def test_a_new_profile_is_complete_and_passes_check(cli_run, tmp_path, industries, industry_id, modules):
    args = ("--modules", ",".join(modules)) if modules else ()
    path = _new(cli_run, tmp_path, industry_id, *args)
    checked = cli_run("check", path)
    assert checked.exit_code == 0, checked.output
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    industry = industries[industry_id]
    assert data["id"] == f"{industry_id}-client" and data["industry"] == industry_id
    assert data["modules"] == modules
    assert str(data["document"]["effective_date"]) == DATE
    org = data["organization"]
    assert list(org["departments"]) == list(industry.departments)
    assert list(org.get("terms") or {}) == list(industry.terms)
    names = industry.default_names()
    assert org["departments"] == {k: names[f"departments.{k}"] for k in industry.departments}
    untied = [k for k, post in industry.roles.items() if not post.department]
    assert list(org["roles"]) == untied
    text = path.read_text(encoding="utf-8")
    for key, post in industry.roles.items():  # tied posts: written as comments, following their department
        if post.department:
            assert f"# {key}: {scalar(names[f'roles.{key}'])}" in text
    _assert_parameters(data.get("parameters") or {}, industry, modules)


def _assert_parameters(params: dict[str, Any], industry: Any, modules: list[str]) -> None:
    for spec in industry.parameter_specs():
        node: Any = params
        for part in spec.path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if module_of(spec.path, industry) in (None, *modules):
            assert node == text_in(spec.default, "zh-CN"), spec.path
        else:
            assert node is None, f"{spec.path} belongs to a module that is off"


def _schema_fields(model: type[BaseModel], prefix: str = "") -> list[str]:
    out = []
    for name, info in model.model_fields.items():
        if info.exclude:
            continue
        out.append(prefix + name)
        for arg in _model_args(info.annotation):
            out += _schema_fields(arg, prefix + name + ".")
    return out


def _model_args(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) for m in _model_args(arg)]


def _leaves(value: Any, loc: list[str | int]) -> list[list[str | int]]:
    """Every field's location, down to mapping leaves (lists are one field, their entries too)."""
    if isinstance(value, dict) and value:
        out = []
        for key, sub in value.items():
            out.append(loc + [key])
            out += _leaves(sub, loc + [key])
        return out
    return []


@pytest.fixture(scope="module")
def courier_profile(tmp_path_factory) -> Path:
    from click.testing import CliRunner

    from sqmkit import cli as cli_module

    path = tmp_path_factory.mktemp("new") / "acme.yaml"
    cli_module.session.use()
    result = CliRunner().invoke(cli_module.cli, ["profile", "new", "courier", "--modules", "cod", "-o", str(path),
                                                 "--date", DATE], env={"SQMKIT_LANG": "en"})
    assert result.exit_code == 0, result.output
    return path


def test_every_field_of_the_profile_schema_is_written(courier_profile):
    text = courier_profile.read_text(encoding="utf-8")
    keys = {m.group(1) for m in re.finditer(r"^\s*(?:#\s|-\s)?\s*([a-z_]+):", text, re.M)}
    missing = [f for f in _schema_fields(Profile) if f.rsplit(".", 1)[-1] not in keys]
    assert not missing


def test_every_field_has_a_chinese_comment(courier_profile):
    text = courier_profile.read_text(encoding="utf-8")
    lines = text.splitlines()
    data = yaml.safe_load(text)
    for loc in _leaves(data, []):
        n = yaml_line(courier_profile, loc)
        comment = lines[n - 1].split("  # ", 1)[1] if "  # " in lines[n - 1] else ""
        top = n - 1  # the comment block right above the field (a commented-out field ends it)
        while top > 0 and lines[top - 1].lstrip().startswith("# ") and not re.match(r"\s*# [a-z_]+: ", lines[top - 1]):
            top -= 1
        comment = comment or " ".join(line.strip()[2:] for line in lines[top:n - 1])
        assert re.search(r"[\u4e00-\u9fff]", comment), f"{loc} (line {n}) has no Chinese comment"


def test_comments_fit_100_columns(courier_profile):
    wide = [line for line in courier_profile.read_text(encoding="utf-8").splitlines()
            if line.lstrip().startswith("#") and display_width(line) > WIDTH]
    assert not wide


def test_the_same_request_writes_the_same_bytes(cli_run, tmp_path, courier_profile):
    again = tmp_path / "acme.yaml"
    result = cli_run("profile", "new", "courier", "--modules", "cod", "-o", again, "--date", DATE)
    assert result.exit_code == 0
    assert again.read_bytes() == courier_profile.read_bytes()


def test_options_id_company_and_default_date(cli_run, tmp_path):
    path = tmp_path / "Acme Corp.yaml"
    result = cli_run("profile", "new", "hospitality", "-o", path, "--company", "某某温泉酒店有限公司")
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["id"] == "acme-corp"
    assert data["company"] == {"name": "某某温泉酒店有限公司", "short_name": "某某温泉酒店"}
    assert data["document"]["effective_date"] == dt.date.today()
    assert cli_run("check", path).exit_code == 0
    other = tmp_path / "x.yaml"
    assert cli_run("profile", "new", "courier", "-o", other, "--id", "Bad.Id").exit_code == 1
    assert cli_run("profile", "new", "courier", "-o", other, "--company", "   ").exit_code == 1
    assert cli_run("profile", "new", "courier", "-o", other, "--date", "1989-12-31").exit_code == 1
    assert not other.exists()


def test_refuses_to_overwrite_unless_forced(cli_run, tmp_path):
    path = tmp_path / "acme.yaml"
    path.write_text("keep me\n", encoding="utf-8")
    result = cli_run("profile", "new", "courier", "-o", path)
    assert result.exit_code == 1
    assert "already exists" in result.output and "--force" in result.output
    assert path.read_text(encoding="utf-8") == "keep me\n"
    result = cli_run("profile", "new", "courier", "-o", path, "--force")
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["industry"] == "courier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acme.yaml"]  # no temporary file left


def test_refuses_unknown_industry_and_module_with_suggestions(cli_run, tmp_path):
    path = tmp_path / "acme.yaml"
    result = cli_run("profile", "new", "clinc", "-o", path)
    assert result.exit_code == 1 and "did you mean 'clinic'" in result.output
    result = cli_run("profile", "new", "courier", "--modules", "cod,apointment", "-o", path)
    assert result.exit_code == 1 and "did you mean 'appointment'" in result.output
    assert "Traceback" not in result.output
    assert not path.exists()
    result = cli_run("profile", "new", "courier", "-o", tmp_path / "clients" / "acme.yaml")
    assert result.exit_code == 0 and (tmp_path / "clients" / "acme.yaml").is_file()  # the folder is made
    (tmp_path / "plain").write_text("x", encoding="utf-8")
    result = cli_run("profile", "new", "courier", "-o", tmp_path / "plain" / "acme.yaml")
    assert result.exit_code == 1 and "is not a folder" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("industry_id", INDUSTRIES)
def test_a_language_the_industry_lacks_is_refused(cli_run, tmp_path, industries, industry_id):
    path = tmp_path / "acme.yaml"
    for lang in ("zh-CN", "en", "fr"):
        result = cli_run("profile", "new", industry_id, "-o", path, "--language", lang, "--force")
        if lang in industries[industry_id].languages:
            assert result.exit_code == 0, result.output
            assert cli_run("check", path).exit_code == 0
        else:
            assert result.exit_code == 1 and f"has no {lang} content" in result.output


def test_client_id_and_short_name_helpers():
    assert client_id_from("clients/Acme Corp.yaml") == "acme-corp"
    assert client_id_from("客户.yaml") == "client"
    assert short_name("某某快递有限公司") == "某某快递"
    assert short_name("有限公司") == "有限公司"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_string_is_written_so_yaml_reads_it_back(value):
    assert yaml.safe_load(f"k: {scalar(value)}") == {"k": value}
    assert yaml.safe_load(f"{key_text(value)}: 0") == {value: 0}


@pytest.mark.parametrize("value", ["yes", "no", "on", "null", "~", "0.9", "2025-01-01", "1e3", "# x", "a: b",
                                   "- x", "'", '"', "\\", "多\n行", "\u2028", "\x85", "\ufeff", ""])
def test_strings_yaml_would_misread_are_quoted(value):
    assert yaml.safe_load(f"k: {scalar(value)}") == {"k": value}


def test_an_english_profile_takes_the_english_texts(industries):
    text = profile_text(industries["courier"], ProfileOptions("acme", [], language="en", date=dt.date(2026, 1, 31)))
    data = yaml.safe_load(text)
    assert data["language"] == "en"
    assert data["document"]["title"] == industries["courier"].title.get("en")


# ---------------------------------------------------------------------------------------------
# docs/profiles.md
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("industry_id", INDUSTRIES)
def test_the_docs_tables_are_in_step_with_the_plugins(industries, industry_id):
    doc = DOC.read_text(encoding="utf-8")
    found = section_pattern(industry_id).search(doc)
    assert found, f"docs/profiles.md has no section <!-- BEGIN {industry_id} -->"
    assert found.group(1) == markdown_tables(industries[industry_id]), \
        "docs/profiles.md is out of date: run `make docs` (python -m sqmkit.reference --update-docs docs/profiles.md)"


def test_the_docs_explain_every_field_of_the_profile():
    doc = DOC.read_text(encoding="utf-8")
    fields = doc[doc.index("## 2. The fields"):doc.index("## 3.")]
    missing = [f for f in _schema_fields(Profile) if not re.search(rf"`[^`]*\b{f.rsplit('.', 1)[-1]}\b[^`]*`", fields)]
    assert not missing


def test_update_docs_replaces_only_the_marked_sections(industries, tmp_path):
    courier = industries["courier"]
    text = "# title\n\n<!-- BEGIN courier -->\nold\n<!-- END courier -->\n\nafter\n"
    new = update_document(text, [courier])
    assert new.startswith("# title\n\n<!-- BEGIN courier -->\n### courier")
    assert new.endswith("<!-- END courier -->\n\nafter\n")
    assert update_document(new, [courier]) == new
    assert "<!-- BEGIN clinic -->" in update_document(text, [industries["clinic"]])  # appended when missing


def test_update_docs_command(tmp_path):
    from sqmkit.reference import main

    copy = tmp_path / "profiles.md"
    copy.write_text(DOC.read_text(encoding="utf-8").replace("| `cod` |", "| `cod-old` |"), encoding="utf-8")
    assert main(["--update-docs", str(copy)]) == 0
    assert copy.read_text(encoding="utf-8") == DOC.read_text(encoding="utf-8")


def test_markdown_tables_mark_module_parameters(industries):
    md = markdown_tables(industries["courier"])
    cod_rows = [line for line in md.splitlines() if line.startswith("| `cod.")]
    assert cod_rows and all("`cod`" in row.split("|")[-2] for row in cod_rows)


def test_wrap_keeps_width_and_punctuation():
    text = "在承诺时限内送达的快件所占比例，" * 10
    lines = wrap(text, 30)
    assert all(display_width(line) <= 30 for line in lines)
    assert not any(line.startswith("，") for line in lines)
    assert "".join(lines) == text
    lines = wrap("未启用模块的参数组（cod、appointment）未列出", 22)
    assert any("appointment）" in line for line in lines)  # a Latin word is never cut
