"""Hooks beyond content: output formats, Jinja preparation, CLI commands, profile validation."""

from __future__ import annotations

import types

import click
import pytest
from click.testing import CliRunner

from sqmkit import OutputFormat, PluginError, ProfileError, build, get_plugin_manager, hookimpl


def _plugin(name, **hooks):
    mod = types.ModuleType(name)
    for hook_name, fn in hooks.items():
        setattr(mod, hook_name, hookimpl(fn))
    return mod


def test_a_plugin_adds_an_output_format(demo_profile_path, tmp_path):
    def render(ctx):
        lines = [f"{ctx.numbering.label[a.id]} {a.title or ''}" for ch in ctx.regulation.chapters for a in ch.articles]
        ctx.write_text("outline.txt", "\n".join(lines) + "\n")

    p = _plugin("txt", register_output_formats=lambda: [OutputFormat("outline", "article outline", render)])
    result = build(demo_profile_path, tmp_path, ["outline"], mgr=get_plugin_manager([("txt", p)]))
    text = (result.out_dir / "outline.txt").read_text(encoding="utf-8")
    assert text.startswith("第一条")
    assert "outline.txt" in result.files


def test_duplicate_output_format_names_both_plugins(demo_profile_path, tmp_path):
    p = _plugin("clash", register_output_formats=lambda: [OutputFormat("pdf", "mine", lambda ctx: None)])
    with pytest.raises(PluginError) as err:
        build(demo_profile_path, tmp_path, ["html"], mgr=get_plugin_manager([("clash", p)]))
    assert "output format 'pdf' is already registered" in str(err.value)
    assert "'clash'" in str(err.value) and "'sqmkit.default'" in str(err.value)


def test_prepare_jinja_env_adds_a_filter_templates_can_use(demo_profile_path, tmp_path):
    def prepare(env, profile):
        env.filters["shout"] = lambda s: f"{s}！！"

    user = tmp_path / "tpl" / "site"
    user.mkdir(parents=True)
    (user / "index.html").write_text('{% extends "core:site/index.html" %}{% block title %}{{ reg.title|shout }}{% endblock %}',
                                     encoding="utf-8")
    mgr = get_plugin_manager([("shouty", _plugin("shouty", prepare_jinja_env=prepare))])
    result = build(demo_profile_path, tmp_path / "out", ["html"], mgr=mgr, templates=tmp_path / "tpl")
    assert "快递服务质量管理制度！！" in (result.out_dir / "index.html").read_text(encoding="utf-8")


def test_register_commands_adds_a_cli_command(monkeypatch):
    from sqmkit import cli as cli_module

    def add(cli):
        @cli.command("hello-plugin")
        def hello():
            click.echo("hello from a plugin")

    mgr = get_plugin_manager([("greeter", _plugin("greeter", register_commands=add))])
    cli_module.session.use(mgr)
    try:
        mgr.add_commands(cli_module.cli)
        result = CliRunner().invoke(cli_module.cli, ["hello-plugin"])
        assert result.exit_code == 0 and "hello from a plugin" in result.output
    finally:
        cli_module.cli.commands.pop("hello-plugin", None)
        cli_module.session.use()


def test_validate_profile_problem_names_profile_field(demo_profile_path):
    from sqmkit import assemble, load_profile

    p = _plugin("picky", validate_profile=lambda profile, industry: [("company.short_name", "must be at most 2 characters")])
    with pytest.raises(ProfileError) as err:
        assemble(get_plugin_manager([("picky", p)]), *load_profile(demo_profile_path))
    assert "company.short_name" in str(err.value) and str(demo_profile_path) in str(err.value)
