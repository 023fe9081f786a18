"""The plugin author kit, proven for real: ``sqmkit plugin new`` writes a plugin in the 0.2 shape
(the pack is the plugin, the entry point names it) that the checker passes, that builds a
handbook and whose own tests — importing only from ``sqmkit`` — pass; the pytest fixtures work
from this suite and from a third-party one. The linter's own tests are in test_lint.py."""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from sqmkit import DataPack, check_plugin, get_plugin_manager
from sqmkit.plugin_cli import plugin as plugin_group
from sqmkit.scaffold import ScaffoldError, check_name, new_plugin

ROOT = Path(__file__).resolve().parents[1]
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


def write_dist_info(folder: Path, dist: str, entry_points: dict[str, str]) -> None:
    """Install a distribution's metadata the way pip does (``<dist>-<version>.dist-info`` with
    ``entry_points.txt``), so that ``importlib.metadata`` finds it on ``sys.path``."""
    info = folder / f"{dist.replace('-', '_')}-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1.0\n", encoding="utf-8")
    lines = "".join(f"{name} = {value}\n" for name, value in entry_points.items())
    (info / "entry_points.txt").write_text(f"[sqmkit]\n{lines}", encoding="utf-8")


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
# Scaffold
# ---------------------------------------------------------------------------------------------


def test_scaffold_writes_a_distribution_in_the_builtin_plugins_shape(scaffold):
    root = scaffold.target
    rel = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert rel == sorted([
        ".gitignore", "README.md", "pyproject.toml",
        f"{PKG}/__init__.py", f"{PKG}/industry.yaml", f"{PKG}/rules/10-standards.yaml",
        f"{PKG}/rules/60-controls.yaml", f"{PKG}/forms/complaint-register.yaml",
        f"{PKG}/checklists/service-check.yaml", f"{PKG}/templates/README.md",
        f"{PKG}/examples/demo-{NAME}.yaml", "tests/test_kit_laundry.py",
    ])
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["name"] == f"sqmkit-{NAME}"
    # the entry point names the plugin object, as the built-in plugins' do
    assert pyproject["project"]["entry-points"]["sqmkit"] == {NAME: f"{PKG}:plugin"}
    courier = tomllib.loads((ROOT / "plugins/courier/pyproject.toml").read_text(encoding="utf-8"))
    assert courier["project"]["entry-points"]["sqmkit"] == {"courier": "sqmkit_courier:plugin"}
    assert pyproject["tool"]["setuptools"]["package-data"][PKG] == \
        courier["tool"]["setuptools"]["package-data"]["sqmkit_courier"]
    # the sqmkit text templates inside the data files survive the scaffold's own templating
    rules = (root / PKG / "rules/10-standards.yaml").read_text(encoding="utf-8")
    assert "{{ params.service.response_minutes }}" in rules and f"id: {NAME}.standards.staff" in rules
    assert "洗衣服务" in (root / PKG / "industry.yaml").read_text(encoding="utf-8")


def test_the_scaffolded_package_is_the_one_line_plugin(scaffold):
    """``__init__.py`` is the pack and nothing else: no hook functions, no grade-band check (the
    core checks every scale); each rules file states its family once; tests import only sqmkit."""
    init = (scaffold.package_dir / "__init__.py").read_text(encoding="utf-8")
    module = ast.parse(init)
    assert ast.get_docstring(module)
    code = [ast.unparse(node) for node in module.body[1:]]
    assert code == [
        "from sqmkit import DataPack",
        "__version__ = '0.1.0'",
        "plugin = DataPack.for_package(__name__)",
        f"DEMO_PROFILE = plugin.root / 'examples' / 'demo-{NAME}.yaml'",
    ]
    families = {p.name: re.findall(r"^family: (\w+)$", p.read_text(encoding="utf-8"), re.M)
                for p in (scaffold.package_dir / "rules").glob("*.yaml")}
    assert families == {"10-standards.yaml": ["standards"], "60-controls.yaml": ["controls"]}
    tests = ast.parse((scaffold.target / "tests/test_kit_laundry.py").read_text(encoding="utf-8"))
    imported = {n.module if isinstance(n, ast.ImportFrom) else a.name
                for n in ast.walk(tests) if isinstance(n, (ast.Import, ast.ImportFrom))
                for a in (n.names if isinstance(n, ast.Import) else [None])}
    assert imported == {"pytest", PKG, "sqmkit"}, imported


def test_the_scaffolded_plugin_passes_the_checker_without_a_single_warning(scaffold):
    report = check_plugin(scaffold.target)
    assert report.findings == [], report.format()
    assert report.name == NAME
    assert report.stats["assemblies"] >= 2  # as written, and with the module off
    assert report.stats["clauses"] > 5 and report.stats["forms"] == 1 and report.stats["checklists"] == 1


def test_the_scaffolded_plugin_builds_a_handbook(scaffold, scaffolded, sqmkit_build):
    assert isinstance(scaffolded.plugin, DataPack) and scaffolded.plugin.root == scaffold.package_dir
    built = sqmkit_build(scaffold.demo_profile, scaffolded, formats=None)  # every format, as `sqmkit build`
    reg = built.regulation
    assert reg.title == "洗衣服务质量管理制度"
    assert [c.family for c in reg.chapters] == ["general", "controls", "standards", "supplementary"]  # organization after 总则
    assert f"{NAME}.standards.staff.onsite-visit" in built.clause_ids  # the demo switches the module on
    assert "5分钟内响应" in built.clause(f"{NAME}.standards.staff.response").text  # the profile's own value
    for rel in ("index.html", "handbook.pdf", "forms.pdf", f"forms/{NAME}.complaint-register.html",
                f"checklists/{NAME}.service-check.html", "manifest.json"):
        assert built.path(rel).is_file(), rel
    assert built.path("handbook.pdf").read_bytes().startswith(b"%PDF")
    # the handbook links the clause to the checklist item that checks it
    assert f"checklists/{NAME}.service-check.html#" in built.read("chapter-02.html")


def test_the_entry_point_the_scaffold_writes_loads_the_plugin(scaffold, monkeypatch, tmp_path):
    """Installed with its pyproject's entry point (as ``pip install -e`` records it), the plugin is
    found by name and declares its industry."""
    pyproject = tomllib.loads((scaffold.target / "pyproject.toml").read_text(encoding="utf-8"))
    write_dist_info(tmp_path / "site", f"sqmkit-{NAME}", pyproject["project"]["entry-points"]["sqmkit"])
    monkeypatch.syspath_prepend(str(scaffold.target))
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    try:
        mgr = get_plugin_manager()
        plugin, industry = mgr.industries()[NAME]
        assert plugin == NAME and industry.id == NAME
        assert isinstance(mgr.pm.get_plugin(NAME), DataPack)
    finally:
        for key in [k for k in sys.modules if k == PKG or k.startswith(PKG + ".")]:
            del sys.modules[key]


def test_the_scaffolded_plugins_own_tests_pass(scaffold):
    """Run the generated tests as their author would: a separate pytest, fixtures from sqmkit."""
    env = {**os.environ, "PYTHONPATH": str(scaffold.target), "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
                          cwd=scaffold.target, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"\b5 passed\b", proc.stdout), proc.stdout


def test_plugin_new_on_the_command_line(tmp_path):
    result = run_cli("new", "dry-cleaning", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "created plugin 'dry-cleaning' in sqmkit-dry-cleaning/" in result.output
    assert "pip install -e sqmkit-dry-cleaning" in result.output
    assert (tmp_path / "sqmkit-dry-cleaning/sqmkit_dry_cleaning/industry.yaml").is_file()
    again = run_cli("new", "dry-cleaning", cwd=tmp_path)
    assert again.exit_code == 1
    assert "already exists and is not empty" in again.output
    assert not list(tmp_path.glob(".sqmkit-*"))  # no staging folder left behind


def test_plugin_new_into_an_empty_folder_given_with_dir(tmp_path):
    (tmp_path / "here").mkdir()
    result = run_cli("new", "pest-control", "--dir", str(tmp_path / "here"), "--zh-name", "虫害防治服务",
                     "--en-name", "Pest Control")
    assert result.exit_code == 0, result.output
    industry = (tmp_path / "here/sqmkit_pest_control/industry.yaml").read_text(encoding="utf-8")
    assert "zh-CN: 虫害防治服务" in industry and "en: Pest Control" in industry


@pytest.mark.parametrize("name, message", [
    ("Laundry", "not valid: use lower-case letters"),
    ("dry_cleaning", "(try: dry-cleaning)"),
    ("2fast", "starting with a letter"),
    ("a--b", "single hyphens"),
    ("laundry-", "not valid"),
    ("洗衣", "not valid"),
    ("courier", "is a built-in plugin"),
    ("hospitality", "is a built-in plugin"),
    ("default", "is a built-in plugin"),
    ("sqmkit", "reserved by sqmkit"),
    ("core", "reserved by sqmkit"),
    ("sqmkit-laundry", "(try: sqmkit plugin new laundry)"),
    ("class", "Python keyword"),
    ("x" * 40, "longer than 32 characters"),
    ("", "empty"),
])
def test_bad_plugin_names_are_refused_clearly(name, message, tmp_path):
    with pytest.raises(ScaffoldError) as info:
        check_name(name)
    assert message in str(info.value)
    result = run_cli("new", name, "--dir", str(tmp_path / "p"))
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "p").exists()


def test_a_name_an_installed_plugin_already_uses_is_refused(monkeypatch, tmp_path):
    write_dist_info(tmp_path, "sqmkit-tea-house", {"tea-house": "sqmkit_tea_house:plugin"})
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ScaffoldError, match="already installed"):
        new_plugin("tea-house", tmp_path / "never-written")
    assert not (tmp_path / "never-written").exists()


# ---------------------------------------------------------------------------------------------
# The pytest fixtures (sqmkit.testing), seen from this suite
# ---------------------------------------------------------------------------------------------


def test_the_fixtures_are_registered_through_the_pytest11_entry_point(pytestconfig):
    eps = {ep.name: ep.value for ep in importlib.metadata.entry_points(group="pytest11")}
    assert eps.get("sqmkit") == "sqmkit.testing"
    assert pytestconfig.pluginmanager.hasplugin("sqmkit")


def test_sqmkit_manager_registers_exactly_the_plugins_given(sqmkit_manager, scaffolded):
    mgr = sqmkit_manager(scaffolded)  # the package stands for its plugin object, named as the entry point
    assert mgr.order() == [NAME, "sqmkit.default"]
    assert mgr.pm.get_plugin(NAME) is scaffolded.plugin
    other = sqmkit_manager()
    assert other is not mgr and other.order() == ["sqmkit.default"]
    with_installed = sqmkit_manager(("extra-name", scaffolded.plugin), entry_points=True)
    assert {"courier", "extra-name", "sqmkit.default"} <= set(with_installed.order())


def test_sqmkit_workspace_and_build_with_a_profile_dict_and_a_store(sqmkit_workspace, sqmkit_build, scaffold, scaffolded):
    import yaml

    data = yaml.safe_load(scaffold.demo_profile.read_text(encoding="utf-8"))
    data.update(id="dict-client", modules=[])
    built = sqmkit_build(data, scaffolded, formats=["html"], store=True)
    assert built.profile_path == sqmkit_workspace.root / "dict-client.yaml"
    assert built.out_dir == sqmkit_workspace.out / "dict-client"
    assert f"{NAME}.standards.staff.onsite-visit" not in built.clause_ids
    assert sqmkit_workspace.store.is_file()
    assert set(built.files) >= {"index.html", "assets/site.css"}
    with pytest.raises(KeyError):
        built.clause(f"{NAME}.standards.staff.onsite-visit")
