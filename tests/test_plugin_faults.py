"""A plugin fault anywhere names the plugin and exits non-zero: an exception or ``SystemExit`` in
any hook, in an output format's ``render``, in a Jinja filter a plugin added, in a template from a
plugin's folder; ``KeyboardInterrupt`` stays an interrupt; two distributions with one plugin name
are an error naming both. Real plugins registered in a real manager, real builds, the real CLI."""

from __future__ import annotations

import sys
import types

import click
import pytest
from click.testing import CliRunner

from sqmkit import BuildError, OutputFormat, PluginError, build, get_plugin_manager, hookimpl
from sqmkit import cli as cli_module


def _plugin(name, **hooks):
    mod = types.ModuleType(name)
    for hook_name, fn in hooks.items():
        setattr(mod, hook_name, hookimpl(fn))
    return mod


def _boom(*args, **kwargs):
    raise RuntimeError("the plugin's own bug")


def _exit0(*args, **kwargs):
    sys.exit(0)


@pytest.fixture
def cli_with():
    """``run(plugin, *args)``: the CLI with ``plugin`` registered besides the installed ones."""

    def run(plugin, *args):
        cli_module.session.use(get_plugin_manager([(plugin.__name__, plugin)]))
        try:
            return CliRunner().invoke(cli_module.cli, [str(a) for a in args])
        finally:
            cli_module.session.use()

    return run


def _assert_named(result, plugin, *needles):
    assert result.exit_code == 1, result.output
    assert f"plugin '{plugin}'" in result.output, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    for needle in needles:
        assert needle in result.output, (needle, result.output)


HOOKS = {
    "register_industries": lambda f: (lambda: f()),
    "register_controls": lambda f: (lambda profile: f()),
    "register_forms": lambda f: (lambda profile: f()),
    "register_checklists": lambda f: (lambda profile: f()),
    "validate_profile": lambda f: (lambda profile, industry: f()),
    "register_template_dirs": lambda f: (lambda profile: f()),
    "prepare_jinja_env": lambda f: (lambda env, profile: f()),
    "register_output_formats": lambda f: (lambda: f()),
}


@pytest.mark.parametrize("fault, said", [(_boom, "raised RuntimeError: the plugin's own bug"),
                                         (_exit0, "exited (SystemExit 0)")], ids=["exception", "sys.exit(0)"])
@pytest.mark.parametrize("hook", list(HOOKS))
def test_a_fault_in_any_hook_names_the_plugin_and_builds_nothing(cli_with, demo_profile_path, tmp_path, hook, fault,
                                                                 said):
    plugin = _plugin("faulty", **{hook: HOOKS[hook](fault)})
    out = tmp_path / "out"
    result = cli_with(plugin, "build", demo_profile_path, "-o", out, "-f", "checklists", "--no-store", "-q")
    _assert_named(result, "faulty", f"hook {hook} {said}")
    assert not (out / "demo-courier").exists()


@pytest.mark.parametrize("render, said", [(_boom, "RuntimeError: the plugin's own bug"), (_exit0, "SystemExit(0)")],
                         ids=["exception", "sys.exit(0)"])
def test_a_fault_in_an_output_format_names_the_plugin(cli_with, demo_profile_path, tmp_path, render, said):
    plugin = _plugin("exporter", register_output_formats=lambda: [OutputFormat("outline", "an outline", render)])
    out = tmp_path / "out"
    result = cli_with(plugin, "build", demo_profile_path, "-o", out, "-f", "checklists,outline", "--no-store", "-q")
    _assert_named(result, "exporter", "output format 'outline'", said, __file__)
    assert not (out / "demo-courier").exists()


def test_a_filter_a_plugin_added_that_fails_inside_a_core_template_names_the_plugin(demo_profile_path, tmp_path):
    def prepare(env, profile):
        def clause(text):
            raise ValueError("filter broke")

        env.filters["clause"] = clause

    mgr = get_plugin_manager([("filtering", _plugin("filtering", prepare_jinja_env=prepare))])
    with pytest.raises(PluginError) as err:
        build(demo_profile_path, tmp_path, ["html"], mgr=mgr)
    assert err.value.plugin == "filtering"
    assert "output format 'html': ValueError: filter broke" in str(err.value) and __file__ in str(err.value)


def _theme(tmp_path, name, text):
    folder = tmp_path / name
    (folder / "site").mkdir(parents=True)
    index = folder / "site" / "index.html"
    index.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return folder, index


@pytest.mark.parametrize("text, said, line", [
    ('{% extends "core:site/index.html" %}\n{% block title %}\n{{ reg.no_such_thing.x }}{% endblock %}',
     "UndefinedError", 3),
    ("<p>\n{% if %}</p>", "TemplateSyntaxError: Expected an expression", 2),
    ("{% for x in %}".encode() + b"\xff\xfe", "the template file is not UTF-8 text", 1),
], ids=["runtime", "syntax", "not-utf8"])
def test_an_error_in_a_plugin_template_override_names_the_plugin_and_the_file(demo_profile_path, tmp_path, text,
                                                                              said, line):
    folder, index = _theme(tmp_path, "theme", text)
    mgr = get_plugin_manager([("themer", _plugin("themer", register_template_dirs=lambda profile: [folder]))])
    with pytest.raises(PluginError) as err:
        build(demo_profile_path, tmp_path / "out", ["html"], mgr=mgr)
    assert err.value.plugin == "themer"
    assert said in str(err.value) and f"{index}, line {line}" in str(err.value), str(err.value)
    assert not (tmp_path / "out" / "demo-courier").exists()


def test_an_error_in_the_users_template_is_the_users_not_a_plugins(cli_run, demo_profile_path, tmp_path):
    folder, index = _theme(tmp_path, "mine", "{{ reg.title }}\n{{ reg.title | no_such_filter }}")
    result = cli_run("build", demo_profile_path, "-o", tmp_path / "out", "-f", "html", "--templates", folder,
                     "--no-store", "-q")
    assert result.exit_code == 1 and "Traceback" not in result.output and "internal error" not in result.output
    assert f"template {index}, line 2 (from your templates folder)" in result.output, result.output
    assert "No filter named 'no_such_filter'" in result.output
    with pytest.raises(BuildError):
        build(demo_profile_path, tmp_path / "out", ["html"], templates=folder)


def test_keyboard_interrupt_in_a_hook_stays_an_interrupt(demo_profile_path, tmp_path):
    def interrupted(profile):
        raise KeyboardInterrupt

    mgr = get_plugin_manager([("slow", _plugin("slow", register_controls=interrupted))])
    with pytest.raises(KeyboardInterrupt):
        build(demo_profile_path, tmp_path, ["checklists"], mgr=mgr)


def test_a_fault_in_register_commands_names_the_plugin():
    mgr = get_plugin_manager([("commander", _plugin("commander", register_commands=lambda cli: _exit0()))])
    with pytest.raises(PluginError, match=r"plugin 'commander': hook register_commands exited \(SystemExit 0\)"):
        mgr.add_commands(click.Group())


class _Touchy:
    """A plugin object whose own code runs (and exits) when pluggy lists its attributes."""

    def __dir__(self):
        sys.exit(0)


def test_a_plugin_that_fails_while_it_is_registered_is_named():
    with pytest.raises(PluginError, match=r"plugin 'touchy': cannot be registered: SystemExit: 0"):
        get_plugin_manager([("touchy", _Touchy())])


class _SneakyFormat(OutputFormat):
    """An output format whose name property runs plugin code outside any hook call."""

    @property  # type: ignore[misc]
    def name(self):
        raise self.fault

    @name.setter
    def name(self, value):
        pass


@pytest.mark.parametrize("fault", [SystemExit(0), LookupError("lost")], ids=["sys.exit(0)", "exception"])
def test_plugin_code_failing_outside_a_hook_call_still_names_the_plugin(cli_with, demo_profile_path, tmp_path, fault):
    """The CLI's last line of defence: what escapes every other check is put on the plugin whose
    code is in the traceback; a SystemExit never makes a core command succeed."""
    def formats():
        fmt = _SneakyFormat("sneaky", "raises when asked its name", lambda ctx: None)
        object.__setattr__(fmt, "fault", fault)
        return [fmt]

    plugin = _plugin("sneaky", register_output_formats=formats)
    result = cli_with(plugin, "build", demo_profile_path, "-o", tmp_path / "out", "-f", "checklists", "--no-store")
    _assert_named(result, "sneaky", type(fault).__name__, __file__)
    assert not (tmp_path / "out" / "demo-courier").exists()


def test_a_plugins_own_command_keeps_its_exit_code_and_its_bug_names_it(cli_with):
    def add(cli):
        @cli.command("plugin-exit")
        @click.argument("code", type=int)
        def plugin_exit(code):
            sys.exit(code)

        @cli.command("plugin-bug")
        def plugin_bug():
            {}["missing"]

    plugin = _plugin("commands", register_commands=add)
    mgr = get_plugin_manager([("commands", plugin)])
    cli_module.session.use(mgr)
    try:
        mgr.add_commands(cli_module.cli)
        runner = CliRunner()
        assert runner.invoke(cli_module.cli, ["plugin-exit", "0"]).exit_code == 0
        assert runner.invoke(cli_module.cli, ["plugin-exit", "3"]).exit_code == 3
        _assert_named(runner.invoke(cli_module.cli, ["plugin-bug"]), "commands", "KeyError: 'missing'")
    finally:
        cli_module.cli.commands.pop("plugin-exit", None)
        cli_module.cli.commands.pop("plugin-bug", None)
        cli_module.session.use()


def _fake_dist(site, dist, plugin, target):
    info = site / f"{dist}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[sqmkit]\n{plugin} = {target}\n")


def test_two_distributions_with_one_plugin_name_is_an_error_naming_both(tmp_path, monkeypatch, cli_run):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "laundry_one.py").write_text("")
    (tmp_path / "b" / "laundry_two.py").write_text("")
    _fake_dist(tmp_path / "a", "sqmkit-laundry", "laundry", "laundry_one")
    _fake_dist(tmp_path / "b", "laundry-fork", "laundry", "laundry_two")
    monkeypatch.syspath_prepend(str(tmp_path / "a"))
    monkeypatch.syspath_prepend(str(tmp_path / "b"))
    with pytest.raises(PluginError) as err:
        get_plugin_manager()
    assert err.value.plugin == "laundry"
    assert "sqmkit-laundry 1.0 (laundry_one)" in str(err.value) and "laundry-fork 1.0 (laundry_two)" in str(err.value)
    result = cli_run("industries")
    assert result.exit_code == 1 and "sqmkit-laundry" in result.output and "laundry-fork" in result.output
