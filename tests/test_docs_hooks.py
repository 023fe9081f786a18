"""docs/plugins.md, the plugin author guide, is checked against the code: every hook in
``sqmkit.hookspecs`` has a section with its arguments, return value, how results combine and an
example — and every example is a working hook implementation; nothing documented has gone from
the code; every data-file field, fixture, checker code, command option and template block point
is documented."""

from __future__ import annotations

import importlib
import inspect
import re
import sys
import types
from pathlib import Path

import click
import pytest
from pydantic import BaseModel

from sqmkit import hookspecs, schema

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


# The examples run against a real scaffolded plugin named "laundry", as in the tutorial.


@pytest.fixture(scope="module")
def laundry(tmp_path_factory):
    from sqmkit.scaffold import new_plugin

    sc = new_plugin("laundry", tmp_path_factory.mktemp("docs") / "sqmkit-laundry", zh_name="洗衣服务",
                    check_installed=False)
    sys.path.insert(0, str(sc.target))
    importlib.invalidate_caches()
    try:
        yield sc, importlib.import_module(sc.package)
    finally:
        sys.path.remove(str(sc.target))
        sys.modules.pop(sc.package, None)


def example_module(hook: str) -> types.ModuleType:
    (code,) = [ex for ex in re.findall(r"```python\n(.*?)```", HOOK_SECTIONS[hook], re.S) if f"def {hook}(" in ex]
    module = types.ModuleType(f"doc_example_{hook}")
    exec(compile(code, f"docs/plugins.md ({hook})", "exec"), module.__dict__)
    return module


@pytest.mark.parametrize("hook", hookspecs.hook_names())
def test_each_hook_example_is_a_working_implementation(hook, laundry, tmp_path):
    from click.testing import CliRunner

    from sqmkit.build import build, load
    from sqmkit.outputs import OutputFormat
    from sqmkit.plugins import get_plugin_manager

    scaffold, plugin = laundry
    example = example_module(hook)
    # pluggy checks the hook name and that the implementation asks only for arguments the spec has
    get_plugin_manager([("doc-example", example)], load_entry_points=False)
    mgr = get_plugin_manager([("laundry", plugin)], load_entry_points=False)
    _, profile, _, reg = load(scaffold.demo_profile, mgr)
    fn = getattr(example, hook)
    kwargs = {"profile": profile, "industry": reg.industry}
    if hook == "register_industries":
        assert [i.id for i in fn()] == ["laundry"]
    elif hook in ("register_general_provisions", "register_service_standards", "register_controls",
                  "register_improvement_cycle", "register_incentives", "register_supplementary_provisions"):
        chapters = fn(profile=profile)
        assert isinstance(chapters, list) and all(isinstance(c, schema.Chapter) for c in chapters)
        if hook in ("register_service_standards", "register_controls", "register_improvement_cycle"):
            assert chapters, f"{hook}: the example contributes nothing for the laundry demo"
    elif hook == "register_forms":
        assert [f.id for f in fn(profile=profile)] == ["laundry.complaint-register"]
    elif hook == "register_checklists":
        assert [c.id for c in fn(profile=profile)] == ["laundry.service-check"]
    elif hook == "validate_profile":
        assert fn(**kwargs) == []
        bad = profile.model_copy(update={"parameters": {"complaint": {"resolve_days": 0}}})
        assert fn(profile=bad, industry=reg.industry) == [("parameters.complaint.resolve_days", "must be at least 1 day")]
    elif hook == "register_template_dirs":
        (folder,) = fn()
        assert Path(folder) == scaffold.package_dir / "templates"
    elif hook == "prepare_jinja_env":
        import jinja2

        env = jinja2.Environment()
        env.globals["reg"] = reg
        assert fn(env=env, profile=profile) is None
        assert env.from_string("{{ 1200|yuan }}/{{ response_minutes }}").render() == "1,200元/5"
    elif hook == "register_output_formats":
        (fmt,) = fn()
        assert isinstance(fmt, OutputFormat)
        both = get_plugin_manager([("laundry", plugin), ("doc-example", example)], load_entry_points=False)
        result = build(scaffold.demo_profile, tmp_path, [fmt.name], mgr=both)
        text = result.path("handbook.txt").read_text(encoding="utf-8")
        assert text.startswith("洗衣服务质量管理制度\n") and "第一条" in text
    elif hook == "register_commands":
        group = click.Group("sqmkit")
        assert fn(cli=group) is None
        (name,) = group.commands
        out = CliRunner().invoke(group, [name, str(scaffold.demo_profile)])
        assert out.exit_code == 0 and "某某公司" in out.output, out.output
    else:  # pragma: no cover - a new hook needs a line here
        pytest.fail(f"no check for the example of {hook}: add one to this test")


# ---------------------------------------------------------------------------------------------
# The data-file reference, fixtures, checker codes, commands, template blocks
# ---------------------------------------------------------------------------------------------

DATA_REFERENCE = section(DOC, r"3\. Data-file reference", 2)
MODELS = sorted(
    (obj for obj in vars(schema).values()
     if isinstance(obj, type) and issubclass(obj, BaseModel) and obj.__module__ == schema.__name__
     and not obj.__name__.startswith("_")),
    key=lambda cls: cls.__name__,
)


@pytest.mark.parametrize("model", MODELS, ids=lambda cls: cls.__name__)
def test_the_data_file_reference_lists_every_field(model):
    tables = {**subsections(DATA_REFERENCE, 4), **subsections(DATA_REFERENCE, 5)}
    assert model.__name__ in tables, f"docs/plugins.md has no reference section for {model.__name__}"
    documented = set(re.findall(r"^\| `(\w+)` \|", tables[model.__name__], re.M))
    assert documented == set(model.model_fields), (
        f"{model.__name__}: missing {sorted(set(model.model_fields) - documented)}, "
        f"not in the schema {sorted(documented - set(model.model_fields))}")


def test_every_fixture_is_documented():
    from sqmkit import testing

    fixtures = {name for name in dir(testing) if name.startswith("sqmkit_")}
    documented = set(subsections(section(DOC, r"6\. Testing a plugin", 2), 3))
    assert fixtures == documented == {"sqmkit_manager", "sqmkit_workspace", "sqmkit_build"}


def test_every_checker_code_is_documented():
    source = (ROOT / "sqmkit" / "checker.py").read_text(encoding="utf-8")
    codes = set(re.findall(r'self\.add\((?:ERROR|WARNING), "([a-z-]+)"', source))
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
