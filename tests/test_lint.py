"""`sqmkit plugin check`: the plugin linter (sqmkit.lint), run on the built-in plugins, on broken
copies of a scaffolded plugin and on a plugin in the sqmkit 0.1 shape."""
from __future__ import annotations

import ast
import importlib
import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sqmkit import PluginError, get_plugin_manager
from sqmkit.lint import CODES, RULES, CheckerError, check_plugin, locate
from sqmkit.lint.rules import MODULES
from sqmkit.plugin_cli import plugin as plugin_group
from sqmkit.scaffold import new_plugin

ROOT = Path(__file__).resolve().parents[1]
LINT = ROOT / "sqmkit" / "lint"
LEGACY = ROOT / "tests" / "fixtures" / "legacy_plugin_v01"
BUILTIN = ("courier", "clinic", "hospitality")
NAME = "kit-laundry"  # a name no real plugin uses, so nothing installed gets in the way
PKG = "sqmkit_kit_laundry"


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scaffold(tmp_path_factory):
    return new_plugin(NAME, tmp_path_factory.mktemp("scaffold") / f"sqmkit-{NAME}", zh_name="洗衣服务")


class PluginCopy:
    """A copy of the scaffolded plugin to break, one edit at a time."""

    def __init__(self, root: Path):
        self.root = root
        self.package = root / PKG

    def path(self, rel: str) -> Path:
        """A file of the package (``rules/…``), or of the distribution when ``rel`` starts with /."""
        return self.package / rel if not rel.startswith("/") else self.root / rel[1:]

    def edit(self, rel: str, old: str, new: str) -> Path:
        path = self.path(rel)
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return path

    def write(self, rel: str, text: str) -> Path:
        path = self.path(rel)
        path.write_text(text, encoding="utf-8")
        return path

    def line_of(self, rel: str, marker: str, occurrence: int = 1) -> int:
        """The line of the ``occurrence``-th line holding ``marker``."""
        seen = 0
        for i, line in enumerate(self.path(rel).read_text(encoding="utf-8").splitlines(), 1):
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


def import_from(folder: Path, module: str):
    """Import ``module`` from ``folder`` (then forget it again: see the caller's ``finally``)."""
    sys.path.insert(0, str(folder))
    importlib.invalidate_caches()
    try:
        return importlib.import_module(module)
    finally:
        sys.path.remove(str(folder))


def forget(module: str) -> None:
    for key in [k for k in sys.modules if k == module or k.startswith(module + ".")]:
        del sys.modules[key]


# ---------------------------------------------------------------------------------------------
# The built-in plugins, finding plugins, the command line
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
    assert by_name.entry_point is not None and by_name.entry_point.attribute == "plugin"
    by_dist = locate(ROOT / "plugins/courier")
    by_package = locate(ROOT / "plugins/courier/sqmkit_courier")
    assert by_dist.package_dir == by_package.package_dir == by_name.package_dir
    assert by_dist.name == by_package.name == "courier"
    assert by_dist.entry_point == by_package.entry_point == by_name.entry_point
    default = locate("default")
    assert default.builtin and default.root == ROOT / "sqmkit/builtin/data"
    with pytest.raises(CheckerError, match=r"no installed plugin named 'nope'.*installed plugins: .*courier"):
        locate("nope")


def test_the_builtin_default_plugin_passes_too():
    report = check_plugin("default")
    assert report.findings == [] and report.stats["clauses"] >= 4, report.format()


def test_the_scaffolded_plugin_passes_without_a_finding(scaffold):
    report = check_plugin(scaffold.target)
    assert report.findings == [], report.format()
    assert report.stats["assemblies"] >= 2 and not report.stats.get("assembly_skipped")


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
# Each kind of problem, on a copy of the scaffolded plugin
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
                 "schema", "error", FORM, "layout: ledger", "must be one of", id="schema-bad-value"),
    pytest.param(STD, "  - id: response\n", "  - id: manners\n    title: 又一条\n    text: 又一条\n  - id: response\n",
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
    pytest.param(STD, "  - id: response\n", "  - id: courtesy\n    title: 礼貌\n    text: 礼貌待客。\n  - id: response\n",
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
    assert report.codes() <= CODES, report.format()
    # one mistake, one kind of finding: no cascade of unrelated errors
    assert {f.code for f in report.errors} <= {code}, report.format()


def test_a_grade_scale_is_checked_once_with_the_cores_own_check(plugin_copy):
    """The schema (Industry's validator) and the grade-scale rule (sqmkit.grades.scale_problems)
    see the same problem: it is reported once, at the value's line."""
    plugin_copy.edit("industry.yaml", "        - grade: C\n          min: 0\n", "        - grade: C\n          min: 10\n")
    report = plugin_copy.check(assemble=True)
    (finding,) = report.findings
    assert finding.code == "schema" and "the lowest band must start at 0" in finding.problem
    assert finding.file == plugin_copy.package / "industry.yaml"
    assert finding.line == plugin_copy.line_of("industry.yaml", "min: 10")
    assert report.stats.get("assembly_skipped")


def test_a_reference_guarded_by_its_module_is_not_dangling(plugin_copy):
    plugin_copy.edit("rules/60-controls.yaml", "按以下步骤办理：",
                     "按以下步骤办理{% if 'onsite' in modules %}（上门服务见{{ ref('kit-laundry.standards.staff.onsite-visit') }}）"
                     "{% endif %}：")
    assert plugin_copy.check(assemble=True).findings == []


# ---------------------------------------------------------------------------------------------
# The plugin object and the real assembler
# ---------------------------------------------------------------------------------------------

PACK_WITH = """from sqmkit import DataPack, hookimpl


class LaundryPack(DataPack):
{methods}

plugin = LaundryPack.for_package(__name__)
"""


def test_the_real_assembler_runs_with_each_module_off(plugin_copy):
    """A reference the static rules cannot read (a computed id) still fails with the module off,
    reported at the clause the error's ids name."""
    plugin_copy.edit("rules/60-controls.yaml", "按以下步骤办理：",
                     "上门投诉按{{ ref('kit-laundry.standards.staff.' ~ 'onsite-visit') }}办理。")
    report = plugin_copy.check(assemble=True)
    assert [f.code for f in report.warnings] == ["dangling-ref"]  # "cannot be checked"
    (error,) = report.errors
    assert error.code == "assemble" and "(module 'onsite' off)" in error.problem
    assert "switched off for this client" in error.problem
    assert error.file == plugin_copy.package / "rules/60-controls.yaml"
    assert error.line == plugin_copy.line_of("rules/60-controls.yaml", "id: complaints")


def test_content_a_plugin_object_drops_is_reported_at_the_content(plugin_copy):
    """A DataPack hands over everything in its files: a subclass overriding a family hook to
    return nothing drops content, which is named with the object that dropped it."""
    plugin_copy.edit("rules/60-controls.yaml", "按{{ checklist('kit-laundry.service-check') }}", "")
    plugin_copy.write("__init__.py", PACK_WITH.format(methods=(
        "    @hookimpl\n    def register_checklists(self, profile):\n        return []\n")))
    report = plugin_copy.check(assemble=True)
    assert report.codes("error") == {"assemble"}, report.format()
    finding = report.errors[0]
    assert finding.file == plugin_copy.package / "checklists/service-check.yaml"
    assert finding.line == plugin_copy.line_of("checklists/service-check.yaml", "id: kit-laundry.service-check")
    assert "checklist 'kit-laundry.service-check' is in the data files but not in the assembled regulation" \
        in finding.problem
    assert "the plugin object sqmkit_kit_laundry:plugin" in finding.problem
    assert "LaundryPack.register_checklists overrides the DataPack's" in finding.hint


def test_a_dropped_family_is_found_through_the_reference_that_dangles(plugin_copy):
    """Without the controls chapter the form's clause dangles: the PluginError's ids place the
    finding at the form, and the hint names the hook that did not hand the clause over."""
    plugin_copy.write("__init__.py", PACK_WITH.format(methods=(
        "    @hookimpl\n    def register_controls(self, profile):\n        return []\n")))
    report = plugin_copy.check(assemble=True)
    assert report.codes("error") == {"assemble"}, report.format()
    (finding,) = report.errors
    assert finding.file == plugin_copy.package / "forms/complaint-register.yaml"
    assert "names clause 'kit-laundry.controls.quality.complaints'" in finding.problem
    assert "did not hand it over: does it override register_controls?" in finding.hint


def test_the_real_assembler_runs_the_plugins_own_profile_checks(plugin_copy):
    plugin_copy.write("__init__.py", PACK_WITH.format(methods=(
        "    @hookimpl\n    def validate_profile(self, profile, industry):\n"
        "        return [(\"parameters.service.response_minutes\", \"must be at most 3\")]\n")))
    report = plugin_copy.check(assemble=True)
    assert report.codes("error") == {"assemble"}, report.format()
    (finding,) = report.errors
    assert "must be at most 3" in finding.problem and "(as written)" in finding.problem
    assert finding.file == plugin_copy.package / "examples/demo-kit-laundry.yaml"
    assert finding.line == plugin_copy.line_of("examples/demo-kit-laundry.yaml", "response_minutes")
    assert finding.where == "parameters.service.response_minutes"


def test_a_hook_that_raises_is_reported_at_the_package(plugin_copy):
    plugin_copy.write("__init__.py", PACK_WITH.format(methods=(
        "    @hookimpl\n    def register_forms(self, profile):\n        raise KeyError('oops')\n")))
    report = plugin_copy.check(assemble=True)
    (finding,) = report.errors
    assert finding.code == "assemble" and "hook register_forms raised KeyError" in finding.problem
    assert finding.file == plugin_copy.package / "__init__.py"
    assert finding.hint == "see sqmkit_kit_laundry:plugin, hook register_forms"


def test_a_package_that_does_not_import_is_reported(plugin_copy):
    plugin_copy.write("__init__.py", "import no_such_module_for_sqmkit\n")
    report = plugin_copy.check(assemble=True)
    (finding,) = report.errors
    assert finding.code == "assemble" and finding.file == plugin_copy.package / "__init__.py"
    assert "ModuleNotFoundError" in finding.problem
    assert plugin_copy.check(assemble=False).findings == []  # --no-assemble imports nothing


def test_an_entry_point_naming_the_module_instead_of_the_pack_is_reported(plugin_copy):
    plugin_copy.edit("/pyproject.toml", f'{NAME} = "{PKG}:plugin"', f'{NAME} = "{PKG}"')
    report = plugin_copy.check(assemble=True)
    (finding,) = report.errors
    assert finding.code == "packaging" and finding.file == plugin_copy.root / "pyproject.toml"
    assert "never reaches a client" in finding.problem and f'"{PKG}:plugin"' in finding.hint


def test_a_plugin_in_the_0_1_shape_is_an_error_saying_what_to_change(tmp_path):
    """sqmkit 0.1's plugin (hook functions handing over a module-level DataPack, the entry point
    naming the module): the finding is the manager's own PluginError, at __init__.py."""
    copy = tmp_path / "legacy"
    shutil.copytree(LEGACY, copy)
    report = check_plugin(copy)
    (finding,) = [f for f in report.errors if f.code == "legacy-shape"]
    assert finding.severity == "error"
    # its industry.yaml predates parameter declarations (sqmkit 0.2): one finding says so
    (bare,) = [f for f in report.errors if f.code != "legacy-shape"]
    assert bare.code == "schema" and "have a default but no declaration" in bare.problem
    assert finding.file == copy / "sqmkit_laundry" / "__init__.py"
    try:
        module = import_from(copy, "sqmkit_laundry")
        with pytest.raises(PluginError) as refused:
            get_plugin_manager([("laundry", module)], load_entry_points=False)
    finally:
        forget("sqmkit_laundry")
    assert finding.problem == str(refused.value)
    assert "DataPack.for_package(__name__)" in finding.problem and '"sqmkit_laundry:plugin"' in finding.problem
    assert "sqmkit_laundry" not in sys.modules  # checking imports nothing for good


def test_a_broken_template_is_reported_with_its_line(plugin_copy):
    (plugin_copy.package / "templates/handbook").mkdir()
    (plugin_copy.package / "templates/handbook/cover.html").write_text("<p>\n{{ reg.title( }}\n</p>\n", encoding="utf-8")
    report = plugin_copy.check()
    (finding,) = report.errors
    assert finding.code == "template" and finding.line == 2 and "syntax error" in finding.problem
    assert finding.file == plugin_copy.package / "templates/handbook/cover.html"


def test_a_distribution_without_entry_point_or_package_data_is_reported(plugin_copy):
    plugin_copy.edit("/pyproject.toml", f'[project.entry-points.sqmkit]\n{NAME} = "{PKG}:plugin"\n', "")
    plugin_copy.edit("/pyproject.toml", '"forms/*.yaml", ', "")
    report = plugin_copy.check()
    assert any(f.code == "packaging" and f.severity == "error" and "no entry point" in f.problem
               and f'"{PKG}:plugin"' in f.hint for f in report.findings)
    assert any(f.code == "packaging" and f.severity == "warning" and "forms/complaint-register.yaml" in f.problem
               for f in report.findings)


# ---------------------------------------------------------------------------------------------
# The linter's own shape: small rules over public data
# ---------------------------------------------------------------------------------------------


def test_every_rule_declares_what_it_reports():
    assert RULES and len({r.name for r in RULES}) == len(RULES)
    for module in MODULES:
        assert module.__doc__ and module.CODES and module.RULES, module.__name__
        for rule in module.RULES:
            assert set(rule.codes) <= set(module.CODES), rule.name
            assert rule.check.__doc__, f"rule {rule.name} says what it checks"
    assert CODES == {code for rule in RULES for code in rule.codes}


LINT_MODULES = sorted(LINT.rglob("*.py"))


@pytest.mark.parametrize("path", LINT_MODULES, ids=lambda p: str(p.relative_to(LINT)))
def test_the_linter_reads_public_apis_only(path):
    """No private names of other modules, no reaching into an object's private attributes."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            private = [a.name for a in node.names if a.name.startswith("_") and a.name != "_"]  # _: gettext
            assert not private, f"{path.name}:{node.lineno} imports {private}"
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            assert isinstance(node.value, ast.Name) and node.value.id == "self", \
                f"{path.name}:{node.lineno} reads .{node.attr}"
