"""`sqmkit plugin check`: the plugin linter, run on the built-in plugins and on broken copies of a
scaffolded plugin."""
from __future__ import annotations

import importlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from sqmkit.checker import CheckerError, check_plugin, locate
from sqmkit.plugin_cli import plugin as plugin_group
from sqmkit.scaffold import ScaffoldError, check_name, new_plugin

ROOT = Path(__file__).resolve().parents[1]
BUILTIN = ("courier", "clinic", "hospitality")
NAME = "kit-laundry"  # a name no real plugin uses, so nothing installed gets in the way
PKG = "sqmkit_kit_laundry"


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scaffold(tmp_path_factory):
    return new_plugin(NAME, tmp_path_factory.mktemp("scaffold") / f"sqmkit-{NAME}", zh_name="洗衣服务")


@pytest.fixture
def scaffolded(scaffold):
    """The scaffolded package, importable as after ``pip install -e`` (its folder on sys.path)."""
    sys.path.insert(0, str(scaffold.target))
    importlib.invalidate_caches()
    try:
        yield importlib.import_module(PKG)
    finally:
        sys.path.remove(str(scaffold.target))
        for key in [k for k in sys.modules if k == PKG or k.startswith(PKG + ".")]:
            del sys.modules[key]


class PluginCopy:
    """A copy of the scaffolded plugin to break, one edit at a time."""

    def __init__(self, root: Path):
        self.root = root
        self.package = root / PKG

    def edit(self, rel: str, old: str, new: str) -> Path:
        path = self.package / rel if not rel.startswith("/") else self.root / rel[1:]
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return path

    def line_of(self, rel: str, marker: str, occurrence: int = 1) -> int:
        """The line of the ``occurrence``-th line holding ``marker``."""
        path = self.package / rel if not rel.startswith("/") else self.root / rel[1:]
        seen = 0
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if marker in line:
                seen += 1
                if seen == occurrence:
                    return i
        raise AssertionError(f"{marker!r} not in {rel}")

    def check(self, assemble: bool = False):
        return check_plugin(self.root, assemble=assemble)


@pytest.fixture
def plugin_copy(scaffold, tmp_path) -> PluginCopy:
    target = tmp_path / "copy"
    shutil.copytree(scaffold.target, target)
    return PluginCopy(target)


def run_cli(*args: str, cwd: Path | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(plugin_group, list(args), catch_exceptions=False)
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return runner.invoke(plugin_group, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)



# ---------------------------------------------------------------------------------------------
# Checker: the built-in plugins, finding plugins, the command line
# ---------------------------------------------------------------------------------------------


def test_the_builtin_plugins_pass_the_checker_on_the_command_line():
    """What CI runs: `sqmkit plugin check` on the three built-in plugins exits 0."""
    result = run_cli("check", *(f"plugins/{p}" for p in BUILTIN), cwd=ROOT)
    assert result.exit_code == 0, result.output
    for p in BUILTIN:
        assert re.search(rf"^{p} \(plugins/{p}/sqmkit_{p}\): 0 error\(s\)", result.output, re.M), result.output
    assert " error: " not in result.output


def test_plugins_are_found_by_installed_name_distribution_or_package():
    by_name = locate("courier")
    assert by_name.package_dir == ROOT / "plugins/courier/sqmkit_courier"
    assert by_name.dist_dir == ROOT / "plugins/courier" and by_name.module == "sqmkit_courier"
    by_dist = locate(ROOT / "plugins/courier")
    by_package = locate(ROOT / "plugins/courier/sqmkit_courier")
    assert by_dist.package_dir == by_package.package_dir == by_name.package_dir
    assert by_dist.name == by_package.name == "courier"
    default = locate("default")
    assert default.builtin and default.root.name == "data"
    with pytest.raises(CheckerError, match=r"no installed plugin named 'nope'.*installed plugins: .*courier"):
        locate("nope")


def test_the_builtin_default_plugin_passes_too():
    report = check_plugin("default")
    assert report.errors == [] and report.stats["clauses"] >= 4


def test_check_prints_file_line_problem_and_hint_and_exits_1(plugin_copy):
    plugin_copy.edit("rules/60-controls.yaml", "{{ form('kit-laundry.complaint-register') }}",
                     "{{ form('kit-laundry.complaint-registr') }}")
    result = run_cli("check", str(plugin_copy.root), "--no-assemble")
    assert result.exit_code == 1
    line = plugin_copy.line_of("rules/60-controls.yaml", "complaint-registr")
    path = plugin_copy.package / "rules/60-controls.yaml"
    expected = (f"{path}:{line}: error: articles[3].text: the text refers to form 'kit-laundry.complaint-registr', "
                "which does not exist [dangling-ref] (hint: did you mean 'kit-laundry.complaint-register'?)")
    assert expected in result.output.splitlines(), result.output
    assert "1 error(s)" in result.output


def test_warnings_exit_0_unless_strict_and_json_lists_findings(plugin_copy):
    plugin_copy.edit("checklists/service-check.yaml", "      - id: manners\n", "      - id: q1\n")
    plain = run_cli("check", str(plugin_copy.root), "--no-assemble")
    assert plain.exit_code == 0 and ": warning: " in plain.output and "[unstable-id]" in plain.output
    assert run_cli("check", str(plugin_copy.root), "--no-assemble", "--strict").exit_code == 1
    quiet = run_cli("check", str(plugin_copy.root), "--no-assemble", "-q")
    assert ": warning: " not in quiet.output and "1 warning(s)" in quiet.output
    data = json.loads(run_cli("check", str(plugin_copy.root), "--no-assemble", "--json").output)
    assert data[0]["plugin"] == NAME and data[0]["warnings"] == 1
    assert data[0]["findings"][0]["code"] == "unstable-id" and data[0]["findings"][0]["line"]


def test_an_unknown_target_is_a_clear_error(tmp_path):
    result = run_cli("check", "no-such-plugin")
    assert result.exit_code == 1 and "no installed plugin named 'no-such-plugin'" in result.output
    (tmp_path / "empty").mkdir()
    result = run_cli("check", str(tmp_path / "empty"))
    assert result.exit_code == 1 and "no plugin package found" in result.output


# ---------------------------------------------------------------------------------------------
# Checker: each kind of problem, on a copy of the scaffolded plugin
# ---------------------------------------------------------------------------------------------

# (edited file, old, new, code, severity, reported file, marker of the reported line (or (marker,
# occurrence)), words in the problem). A file starting with / is relative to the distribution.
STD, CTL, FORM, CHK, DEMO = ("rules/10-standards.yaml", "rules/60-controls.yaml", "forms/complaint-register.yaml",
                             "checklists/service-check.yaml", "examples/demo-kit-laundry.yaml")
DEFECTS = [
    pytest.param(STD, "    title: 服务礼仪\n", "    titel: 服务礼仪\n",
                 "schema", "error", STD, "titel:", "unknown field", id="schema-unknown-field"),
    pytest.param(CTL, "      param: grading.staff\n", "      param: grading.staff\n     - oops\n",
                 "schema", "error", CTL, None, "malformed YAML", id="schema-not-yaml"),
    pytest.param(FORM, "\nlayout: register\n", "\nlayout: ledger\n",
                 "schema", "error", FORM, "layout: ledger", "Input should be", id="schema-bad-value"),
    pytest.param(STD, "  - id: response\n", "  - id: manners\n    text: 又一条\n  - id: response\n",
                 "duplicate-id", "error", STD, ("id: manners", 2),
                 "clause id 'kit-laundry.standards.staff.manners' is already used", id="duplicate-clause"),
    pytest.param(FORM, "      - id: result\n", "      - id: content\n",
                 "duplicate-id", "error", FORM, ("id: content", 2), "repeats the id 'content'",
                 id="duplicate-sibling"),
    pytest.param(CTL, "ref('kit-laundry.controls.quality.grading', see=False)",
                 "ref('kit-laundry.controls.quality.grade', see=False)", "dangling-ref", "error", CTL,
                 "quality.grade'", "refers to clause 'kit-laundry.controls.quality.grade', which does not exist",
                 id="dangling-ref"),
    pytest.param(CTL, "按以下步骤办理：", "上门投诉按{{ ref('kit-laundry.standards.staff.onsite-visit') }}办理。",
                 "dangling-ref", "error", CTL, "上门投诉", "belongs to module 'onsite'", id="ref-into-a-module"),
    pytest.param(FORM, "  - kit-laundry.controls.quality.complaints", "  - kit-laundry.controls.quality.complaint",
                 "dangling-ref", "error", FORM, "quality.complaint", "the form names clause", id="form-clause-dangling"),
    pytest.param(CHK, "        module: onsite\n", "", "dangling-ref", "error", CHK,
                 "staff.onsite-visit", "belongs to module 'onsite'", id="check-item-outside-its-module"),
    pytest.param(CHK, "        clauses:\n          - kit-laundry.controls.quality.complaints\n", "",
                 "check-nothing", "error", CHK, "id: register", "checks no clause", id="check-item-checks-nothing"),
    pytest.param(STD, "params.service.response_minutes", "params.service.response_mins",
                 "undeclared", "error", STD, "response_mins", "parameter params.service.response_mins is not declared",
                 id="undeclared-parameter"),
    pytest.param(STD, "org.roles.operations_head", "org.roles.ops_head",
                 "undeclared", "error", STD, "ops_head", "role org.roles.ops_head is not declared",
                 id="undeclared-role"),
    pytest.param(CTL, "unit: \"{{ org.departments.operations }}\"", "unit: \"{{ org.departments.logistics }}\"",
                 "undeclared", "error", CTL, "logistics", "department org.departments.logistics is not declared",
                 id="undeclared-department"),
    pytest.param(STD, "本章适用于{{ company.short_name }}", "本章适用于{{ client.name }}",
                 "undeclared", "error", STD, "client.name", "uses 'client', which texts do not have", id="unknown-name"),
    pytest.param(CHK, "bands: grading.staff", "bands: grading.staf",
                 "undeclared", "error", CHK, "bands:", "grade bands parameter params.grading.staf", id="undeclared-bands"),
    pytest.param(STD, "    module: onsite\n", "    module: on-site\n",
                 "unknown-module", "error", STD, "module: on-site", "module 'on-site' is not declared",
                 id="unknown-module"),
    pytest.param(STD, '"客户提出服务需求后', '"{% if \'night\' in modules %}夜间{% endif %}客户提出服务需求后',
                 "unknown-module", "error", STD, "night", "tests module 'night'", id="unknown-module-in-text"),
    pytest.param("/pyproject.toml", 'languages = ["zh-CN"]', 'languages = ["zh-CN", "en"]',
                 "translation", "error", STD, "title: 服务人员服务规范", "no en text", id="translation-declared"),
    pytest.param(DEMO, "language: zh-CN", "language: en",
                 "translation", "error", STD, "title: 服务人员服务规范", "no en text", id="translation-by-demo"),
    pytest.param(STD, "  - id: response\n", "  - id: courtesy\n    text: 礼貌待客。\n  - id: response\n",
                 "unchecked", "warning", STD, "id: courtesy",
                 "no checklist item checks 'kit-laundry.standards.staff.courtesy'", id="unchecked-clause"),
    pytest.param(CTL, "逐件登记{{ form('kit-laundry.complaint-register') }}，", "逐件登记，",
                 "unused-form", "warning", FORM, "id: kit-laundry.complaint-register", "no text mentions form",
                 id="unused-form"),
    pytest.param(CHK, "  - id: appearance\n", "  - id: sec-1\n",
                 "unstable-id", "warning", CHK, "id: sec-1", "looks like a position", id="unstable-id"),
    pytest.param(DEMO, "    response_minutes: 5", "    response_minute: 5",
                 "profile", "error", DEMO, "response_minute", "unknown parameter", id="demo-profile-invalid"),
]


@pytest.mark.parametrize("rel, old, new, code, severity, reported, marker, words", DEFECTS)
def test_the_checker_finds(plugin_copy, rel, old, new, code, severity, reported, marker, words):
    plugin_copy.edit(rel, old, new)
    report = plugin_copy.check()
    path = plugin_copy.package / reported
    hit = next((f for f in report.findings if f.code == code and f.file == path and words in f.problem), None)
    assert hit is not None, report.format()
    assert hit.severity == severity
    if marker is not None:
        text, occurrence = marker if isinstance(marker, tuple) else (marker, 1)
        assert hit.line == plugin_copy.line_of(reported, text, occurrence), hit.format()
    assert hit.line is not None and hit.hint or code in ("schema", "profile"), hit.format()
    assert report.failed() == (severity == "error")
    assert report.failed(strict=True)
    # one mistake, one kind of finding: no cascade of unrelated errors
    assert {f.code for f in report.errors} <= {code}, report.format()


def test_a_reference_guarded_by_its_module_is_not_dangling(plugin_copy):
    plugin_copy.edit("rules/60-controls.yaml", "按以下步骤办理：",
                     "按以下步骤办理{% if 'onsite' in modules %}（上门服务见{{ ref('kit-laundry.standards.staff.onsite-visit') }}）"
                     "{% endif %}：")
    assert plugin_copy.check(assemble=True).findings == []


def test_the_real_assembler_finds_a_hook_the_plugin_does_not_implement(plugin_copy):
    plugin_copy.edit("__init__.py", '@hookimpl\ndef register_controls(profile):\n    return pack.chapters("controls", profile)\n', "")
    report = plugin_copy.check(assemble=True)
    assert report.codes("error") == {"assemble"}, report.format()
    (finding,) = report.errors
    assert finding.file == plugin_copy.package / "forms/complaint-register.yaml"
    assert "does __init__.py implement register_controls" in finding.hint


def test_the_real_assembler_runs_with_each_module_off(plugin_copy):
    """A reference the static checks cannot read (a computed id) still fails with the module off."""
    plugin_copy.edit("rules/60-controls.yaml", "按以下步骤办理：",
                     "上门投诉按{{ ref('kit-laundry.standards.staff.' ~ 'onsite-visit') }}办理。")
    report = plugin_copy.check(assemble=True)
    assert [f.code for f in report.warnings] == ["dangling-ref"]  # "cannot be checked"
    (error,) = report.errors
    assert error.code == "assemble" and "(module 'onsite' off)" in error.problem
    assert "switched off for this client" in error.problem
    assert error.file == plugin_copy.package / "rules/60-controls.yaml"


def test_the_real_assembler_runs_the_plugins_own_profile_checks(plugin_copy):
    plugin_copy.edit("industry.yaml", "      - grade: C\n        min: 0\n", "      - grade: C\n        min: 10\n")
    report = plugin_copy.check(assemble=True)
    assert report.codes("error") == {"assemble"}, report.format()
    assert "the lowest band must start at 0" in report.errors[0].problem
    assert report.errors[0].file.name == "demo-kit-laundry.yaml"


def test_a_broken_template_is_reported_with_its_line(plugin_copy):
    (plugin_copy.package / "templates/handbook").mkdir()
    (plugin_copy.package / "templates/handbook/cover.html").write_text("<p>\n{{ reg.title( }}\n</p>\n", encoding="utf-8")
    report = plugin_copy.check()
    (finding,) = report.errors
    assert finding.code == "template" and finding.line == 2 and "syntax error" in finding.problem
    assert finding.file == plugin_copy.package / "templates/handbook/cover.html"


def test_a_distribution_without_entry_point_or_package_data_is_reported(plugin_copy):
    plugin_copy.edit("/pyproject.toml", "[project.entry-points.sqmkit]\nkit-laundry = \"sqmkit_kit_laundry\"\n", "")
    plugin_copy.edit("/pyproject.toml", '"forms/*.yaml", ', "")
    report = plugin_copy.check()
    assert any(f.code == "packaging" and f.severity == "error" and "no entry point" in f.problem for f in report.findings)
    assert any(f.code == "packaging" and f.severity == "warning" and "forms/complaint-register.yaml" in f.problem
               for f in report.findings)


