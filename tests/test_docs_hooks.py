"""docs/plugins.md, the plugin author guide, is checked against the code: every hook in
``sqmkit.hookspecs`` has a section with its arguments, return value, how results combine and an
example — and every example is a working hook implementation, written against the public API
only (``import sqmkit``); nothing documented has gone from the code; every data-file field,
fixture, public name, checker code, command option and template block point is documented."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import sys
import types
from pathlib import Path

import click
import pytest
import yaml
from pydantic import BaseModel

import sqmkit
from sqmkit import (
    FAMILY_HOOKS, Chapter, Checklist, Form, Industry, OutputFormat, ProfileError, build, get_plugin_manager, load,
)
from sqmkit import hookspecs, schema  # the modules the reference is checked against

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")


def section(text: str, title_re: str, level: int) -> str:
    """The body of the first heading of ``level`` whose title matches ``title_re``, up to the next
    heading of the same or a higher level."""
    hashes = "#" * level
    m = re.search(rf"^{hashes} {title_re}.*$", text, re.M)
    assert m, f"no {hashes} heading matching {title_re!r} in docs/plugins.md"
    end = re.search(rf"^#{{1,{level}}} ", text[m.end():], re.M)
    return text[m.end(): m.end() + end.start()] if end else text[m.end():]


def subsections(text: str, level: int) -> dict[str, str]:
    """``{name: body}`` for the headings ``### `name``` of ``level`` inside ``text``."""
    hashes = "#" * level
    heads = list(re.finditer(rf"^{hashes} `([^`]+)`\s*$", text, re.M))
    out = {}
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        body = text[m.end():end]
        nxt = re.search(rf"^#{{1,{level}}} ", body, re.M)
        out[m.group(1)] = body[: nxt.start()] if nxt else body
    return out


HOOK_REFERENCE = section(DOC, r"4\. Hook reference", 2)
HOOK_SECTIONS = subsections(HOOK_REFERENCE, 3)


def spec_args(name: str) -> list[str]:
    return list(inspect.signature(getattr(hookspecs, name)).parameters)


# ---------------------------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------------------------


def test_every_hook_is_documented():
    undocumented = sorted(set(hookspecs.hook_names()) - set(HOOK_SECTIONS))
    assert not undocumented, f"hooks without a section in docs/plugins.md's hook reference: {undocumented}"


def test_the_hook_reference_documents_no_hook_that_does_not_exist():
    unknown = sorted(set(HOOK_SECTIONS) - set(hookspecs.hook_names()))
    assert not unknown, f"docs/plugins.md documents hooks that sqmkit.hookspecs does not declare: {unknown}"


@pytest.mark.parametrize("hook", hookspecs.hook_names())
def test_each_hook_section_gives_arguments_returns_combining_and_an_example(hook):
    body = HOOK_SECTIONS[hook]
    for part in ("**Arguments:**", "**Returns:**", "**Combining:**"):
        assert part in body, f"{hook}: no {part} paragraph"
    arguments = body.split("**Arguments:**", 1)[1].split("**Returns:**", 1)[0]
    args = spec_args(hook)
    for arg in args:
        assert f"`{arg}`" in arguments, f"{hook}: argument {arg!r} is not described"
    if not args:
        assert arguments.strip().startswith("none"), f"{hook}: say the hook takes no arguments"
    documented_args = set(re.findall(r"^`(\w+)` —|; `(\w+)` —", arguments, re.M))
    for pair in documented_args:
        for name in pair:
            assert not name or name in args, f"{hook}: documents argument {name!r}, which the spec does not have"
    examples = re.findall(r"```python\n(.*?)```", body, re.S)
    assert examples, f"{hook}: no python example"
    assert any(f"def {hook}(" in ex for ex in examples), f"{hook}: the example does not implement the hook"


# The examples run against a real scaffolded plugin named "laundry", as in the tutorial: each is
# registered beside it and takes part in a real assembly (and, where it renders, a real build).


@pytest.fixture(scope="module")
def laundry(tmp_path_factory):
    """``(scaffold, package)`` of a freshly scaffolded laundry plugin, importable meanwhile."""
    from sqmkit.scaffold import new_plugin

    sc = new_plugin("laundry", tmp_path_factory.mktemp("docs") / "sqmkit-laundry", zh_name="洗衣服务",
                    check_installed=False)
    sys.path.insert(0, str(sc.target))
    importlib.invalidate_caches()
    try:
        yield sc, importlib.import_module(sc.package)
    finally:
        sys.path.remove(str(sc.target))
        for key in [k for k in sys.modules if k == sc.package or k.startswith(sc.package + ".")]:
            del sys.modules[key]


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, re.S)


def example_module(hook: str, folder: Path) -> types.ModuleType:
    """The section's example, run as a module living in ``folder`` (its ``__file__``)."""
    (code,) = [ex for ex in python_blocks(HOOK_SECTIONS[hook]) if f"def {hook}(" in ex]
    module = types.ModuleType(f"doc_example_{hook}")
    module.__file__ = str(folder / f"doc_example_{hook}.py")
    exec(compile(code, f"docs/plugins.md ({hook})", "exec"), module.__dict__)
    return module


def write_profile(demo: Path, folder: Path, **fields) -> Path:
    """A copy of the demo profile with top-level ``fields`` replaced."""
    data = yaml.safe_load(demo.read_text(encoding="utf-8"))
    data.update(fields)
    path = folder / "client.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


class Example:
    """One hook example registered beside the laundry plugin, with the demo assembled by both."""

    def __init__(self, hook: str, laundry, tmp_path: Path):
        self.scaffold, package = laundry
        self.tmp_path = tmp_path
        self.module = example_module(hook, tmp_path)
        self.fn = getattr(self.module, hook)
        self.mgr = get_plugin_manager([("laundry", package.plugin), ("doc-example", self.module)],
                                      load_entry_points=False)
        assert self.mgr.hooks_of("doc-example") == [hook]
        _, self.profile, _, self.reg = load(self.scaffold.demo_profile, self.mgr)
        #: the same client, of another industry: content for laundry only must not reach it
        self.other = self.profile.model_copy(update={"industry": "courier"})

    def build(self, formats: list[str]):
        return build(self.scaffold.demo_profile, self.tmp_path / "out", formats, mgr=self.mgr)


def check_industries(ex: Example) -> None:
    assert [i.id for i in ex.fn()] == ["ironing"] and all(isinstance(i, Industry) for i in ex.fn())
    found = ex.mgr.industries()
    assert (found["ironing"][0], found["laundry"][0]) == ("doc-example", "laundry")


#: family hooks whose example contributes to every industry (the others: to laundry only)
EVERY_INDUSTRY = {"register_service_standards", "register_controls", "register_supplementary_provisions"}


def check_chapters(ex: Example) -> None:
    hook = ex.fn.__name__
    (family,) = [f for f, h in FAMILY_HOOKS.items() if h == hook]
    chapters = ex.fn(profile=ex.profile)
    assert chapters and all(isinstance(c, Chapter) and not hasattr(c, "family") for c in chapters)
    assert bool(ex.fn(profile=ex.other)) == (hook in EVERY_INDUSTRY)
    ids = set(ex.reg.clause_ids())
    for chapter in chapters:
        assert all(f"{chapter.id}.{a.id}" in ids for a in chapter.articles), chapter.id
        if family not in ("general", "supplementary"):
            node = ex.reg.clause(chapter.id)
            assert (node.family, node.plugins) == (family, ["doc-example"])
    if family == "general":  # merged into 总则 by article order: after the core's purpose and basis, before
        assert [a.id for a in ex.reg.chapters[0].articles] == [  # the self-description the core ends it with
            "core.general.purpose", "core.general.basis", "laundry.general.scope.scope", "core.general.outline"]
    if family == "supplementary":  # before the core's interpretation (80)
        assert [a.id for a in ex.reg.chapters[-1].articles][:2] == [
            "records.supplementary.retention", "core.supplementary.interpretation"]


def check_forms(ex: Example) -> None:
    assert [f.id for f in ex.fn(profile=ex.profile)] == ["laundry.onsite-receipt"]
    assert all(isinstance(f, Form) for f in ex.fn(profile=ex.profile)) and ex.fn(profile=ex.other) == []
    assert ex.reg.forms_for("laundry.standards.staff.onsite-visit") == ["laundry.onsite-receipt"]
    _, _, _, off = load(write_profile(ex.scaffold.demo_profile, ex.tmp_path, modules=[]), ex.mgr)
    assert [f.id for f in off.forms] == ["laundry.complaint-register"]  # the module's form went with it


def check_checklists(ex: Example) -> None:
    assert [c.id for c in ex.fn(profile=ex.profile)] == ["laundry.complaint-audit"]
    assert all(isinstance(c, Checklist) for c in ex.fn(profile=ex.profile)) and ex.fn(profile=ex.other) == []
    assert ("laundry.complaint-audit", "laundry.complaint-audit.handling.registered") in \
        ex.reg.checked_by("laundry.controls.quality.complaints")
    assert [b.grade for b in ex.reg.checklist("laundry.complaint-audit").bands] == ["A", "B", "C"]


def check_validate_profile(ex: Example) -> None:
    assert ex.fn(profile=ex.profile, industry=ex.reg.industry) == []
    bad = write_profile(ex.scaffold.demo_profile, ex.tmp_path, parameters={"complaint": {"resolve_days": 0}})
    with pytest.raises(ProfileError) as info:
        load(bad, ex.mgr)
    assert info.value.where == "parameters.complaint.resolve_days" and "must be at least 1 day" in str(info.value)


def check_template_dirs(ex: Example) -> None:
    folder = ex.tmp_path / "templates" / "laundry"
    (folder / "site").mkdir(parents=True)
    (folder / "site" / "base.html").write_text(
        '{% extends "core:site/base.html" %}{% block footer %}<footer class="house-style"></footer>{% endblock %}',
        encoding="utf-8")
    assert ex.fn(profile=ex.profile) == [folder] and ex.fn(profile=ex.other) == []
    assert ex.mgr.template_dirs(ex.profile)[0] == folder  # "doc-example" sorts before "laundry"
    assert 'class="house-style"' in ex.build(["html"]).path("index.html").read_text(encoding="utf-8")


def check_prepare_jinja_env(ex: Example) -> None:
    import jinja2

    env = jinja2.Environment()
    env.globals["reg"] = ex.reg
    assert ex.fn(env=env, profile=ex.profile) is None
    assert env.from_string("{{ 1200|yuan }}/{{ response_minutes }}").render() == "1,200元/5"
    ex.build(["html"])  # and in a real build


def check_output_formats(ex: Example) -> None:
    (fmt,) = ex.fn()
    assert isinstance(fmt, OutputFormat) and fmt.name in ex.mgr.output_formats()
    text = ex.build([fmt.name]).path("outline.txt").read_text(encoding="utf-8")
    assert text.startswith("洗衣服务质量管理制度\n\n第一章 总则\n  第一条")
    assert "第二章 服务质量控制" in text and "第三章 服务人员服务规范" in text  # organization after 总则


def check_commands(ex: Example) -> None:
    from click.testing import CliRunner

    group = click.Group("sqmkit")
    assert ex.fn(cli=group) is None
    (name,) = group.commands
    out = CliRunner().invoke(group, [name, str(ex.scaffold.demo_profile)])
    assert out.exit_code == 0 and "某某公司" in out.output, out.output


CHECKS = {
    "register_industries": check_industries,
    **{hook: check_chapters for hook in FAMILY_HOOKS.values()},
    "register_forms": check_forms,
    "register_checklists": check_checklists,
    "validate_profile": check_validate_profile,
    "register_template_dirs": check_template_dirs,
    "prepare_jinja_env": check_prepare_jinja_env,
    "register_output_formats": check_output_formats,
    "register_commands": check_commands,
}


@pytest.mark.parametrize("hook", hookspecs.hook_names())
def test_each_hook_example_is_a_working_implementation(hook, laundry, tmp_path):
    assert hook in CHECKS, f"no check for the example of {hook}: add one to CHECKS"
    CHECKS[hook](Example(hook, laundry, tmp_path))


def test_every_example_imports_only_from_sqmkit():
    """Plugins use the public API: ``from sqmkit import …``, never a module behind it."""
    for code in python_blocks(DOC):
        for node in ast.walk(ast.parse(code)):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            bad = [n for n in names if n.startswith("sqmkit.")]
            assert not bad, f"an example in docs/plugins.md imports {bad[0]}:\n{code}"


def package_example(marker: str, package: types.ModuleType) -> types.ModuleType:
    """A section-2 example run as the laundry package's ``__init__.py``."""
    (code,) = [b for b in python_blocks(section(DOC, r"2\. The plugin package", 2)) if marker in b]
    module = types.ModuleType(package.__name__)
    exec(compile(code, f"docs/plugins.md ({marker})", "exec"), module.__dict__)
    return module


def test_the_one_line_plugin_is_the_scaffolds(laundry):
    scaffold, package = laundry
    module = package_example("plugin = DataPack.for_package(__name__)\n\n#:", package)
    assert isinstance(module.plugin, sqmkit.DataPack) and module.plugin.root == scaffold.package_dir
    assert module.DEMO_PROFILE == package.DEMO_PROFILE == scaffold.demo_profile


def test_the_datapack_subclass_example_is_a_working_plugin(laundry, tmp_path):
    scaffold, package = laundry
    plugin = package_example("(DataPack):", package).plugin
    assert isinstance(plugin, sqmkit.DataPack) and plugin.root == scaffold.package_dir
    mgr = get_plugin_manager([("laundry", plugin)], load_entry_points=False)
    assert {"validate_profile", "register_controls", "register_template_dirs"} <= set(mgr.hooks_of("laundry"))
    assert load(scaffold.demo_profile, mgr)[3].title == "洗衣服务质量管理制度"  # the data still comes through
    bad = write_profile(scaffold.demo_profile, tmp_path, parameters={"complaint": {"resolve_days": 0}})
    with pytest.raises(ProfileError, match="must be at least 1 day"):
        load(bad, mgr)


def test_the_family_table_is_family_hooks_in_print_order():
    table = section(DOC, r"2\.3 The family is stated once", 3)
    assert re.findall(r"^\| `(\w+)` \| `(\w+)` \|", table, re.M) == list(FAMILY_HOOKS.items())


def test_the_public_api_table_lists_exactly_sqmkit_all():
    table = section(DOC, r"2\.7 The public API", 3)
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| for ")]
    documented = set(re.findall(r"`(\w+)`", "\n".join(rows)))
    public = set(sqmkit.__all__) - {"__version__"}
    assert documented == public, f"undocumented: {sorted(public - documented)}; gone: {sorted(documented - public)}"


# ---------------------------------------------------------------------------------------------
# The data-file reference, fixtures, checker codes, commands, template blocks
# ---------------------------------------------------------------------------------------------

DATA_REFERENCE = section(DOC, r"3\. Data-file reference", 2)
MODELS = sorted(
    (obj for obj in vars(schema).values()
     if isinstance(obj, type) and issubclass(obj, BaseModel) and obj.__module__ in (schema.__name__, "sqmkit.industry")
     and not obj.__name__.startswith("_")),
    key=lambda cls: cls.__name__,
)


@pytest.mark.parametrize("model", MODELS, ids=lambda cls: cls.__name__)
def test_the_data_file_reference_lists_every_field(model):
    tables = {**subsections(DATA_REFERENCE, 4), **subsections(DATA_REFERENCE, 5)}
    assert model.__name__ in tables, f"docs/plugins.md has no reference section for {model.__name__}"
    documented = set(re.findall(r"^\| `(\w+)` \|", tables[model.__name__], re.M))
    keys = {info.alias or name for name, info in model.model_fields.items()}  # as the YAML writes them
    assert documented == keys, (
        f"{model.__name__}: missing {sorted(keys - documented)}, not in the schema {sorted(documented - keys)}")


def test_every_fixture_is_documented():
    from sqmkit import testing

    fixtures = {name for name in dir(testing) if name.startswith("sqmkit_")}
    documented = set(subsections(section(DOC, r"6\. Testing a plugin", 2), 3))
    assert fixtures == documented == {"sqmkit_manager", "sqmkit_workspace", "sqmkit_build"}


def test_every_checker_code_is_documented():
    """Every code a lint rule declares (each module of sqmkit/lint/rules/ lists its CODES) is in
    the table of section 5, and the table lists nothing else."""
    from sqmkit.lint.rules import MODULES

    codes = {code for module in MODULES for code in module.CODES}
    table = section(DOC, r"5\. Checking a plugin", 2)
    documented = set(re.findall(r"^\| `([a-z][a-z-]*)` \| (?:error|warning)", table, re.M))
    assert codes == documented, f"undocumented: {sorted(codes - documented)}; gone: {sorted(documented - codes)}"


def test_every_plugin_command_option_is_documented():
    from sqmkit.plugin_cli import plugin

    for name, command in plugin.commands.items():
        assert f"sqmkit plugin {name}" in DOC
        for param in command.params:
            if isinstance(param, click.Option):
                assert any(f"`{opt}`" in DOC or f"`{opt} " in DOC for opt in param.opts), \
                    f"sqmkit plugin {name}: option {param.opts} is not documented"


@pytest.mark.parametrize("template", ["site/base.html", "handbook/cover.html"])
def test_every_block_of_the_overridable_core_templates_is_documented(template):
    source = (ROOT / "templates" / template).read_text(encoding="utf-8")
    blocks = set(re.findall(r"{%-?\s*block\s+(\w+)", source))
    row = next(line for line in section(DOC, r"7\. Template overrides", 2).splitlines()
               if line.startswith(f"| `{template}`"))
    missing = sorted(b for b in blocks if f"`{b}`" not in row)
    assert not missing, f"{template}: blocks not documented: {missing}"
