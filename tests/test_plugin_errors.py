"""Broken or misbehaving plugins: errors name the plugin and the problem."""

from __future__ import annotations

import types

import pytest

from sqmkit import PluginError, assemble, get_plugin_manager, hookimpl, load_profile


def _plugin(name, **hooks):
    mod = types.ModuleType(name)
    for hook_name, fn in hooks.items():
        setattr(mod, hook_name, hookimpl(fn))
    return mod


def _chapter(cid, articles):
    return {"id": cid, "title": "测试章", "articles": articles}


@pytest.fixture
def demo(demo_profile_path):
    return load_profile(demo_profile_path)


def test_duplicate_clause_id_names_the_plugin(demo):
    from sqmkit_courier import plugin

    existing = plugin.chapters("standards", demo[0])[0]
    dup = _plugin("dupe", register_service_standards=lambda profile: [
        _chapter(existing.id, [{"id": "x", "text": "重复"}])])
    mgr = get_plugin_manager([("dupe", dup)])
    with pytest.raises(PluginError) as err:
        assemble(mgr, *demo)
    assert "'dupe'" in str(err.value) or "'courier'" in str(err.value)
    assert f"duplicate chapter id {existing.id!r}" in str(err.value)


def test_duplicate_article_id_within_a_plugin(demo):
    p = _plugin("twice", register_controls=lambda profile: [
        _chapter("twice.controls", [{"id": "a", "text": "一"}, {"id": "a", "text": "二"}])])
    with pytest.raises(PluginError, match=r"plugin 'twice': duplicate clause id 'twice.controls.a'"):
        assemble(get_plugin_manager([("twice", p)]), *demo)


def test_hook_that_raises(demo):
    def boom(profile):
        raise RuntimeError("database exploded")

    mgr = get_plugin_manager([("exploding", _plugin("exploding", register_controls=boom))])
    with pytest.raises(PluginError, match=r"plugin 'exploding': hook register_controls raised RuntimeError: database exploded"):
        assemble(mgr, *demo)


def test_invalid_contribution(demo):
    p = _plugin("sloppy", register_forms=lambda profile: [{"id": "Bad Id", "title": "表", "sections": []}])
    with pytest.raises(PluginError, match=r"plugin 'sloppy': hook register_forms returned an invalid Form at id"):
        assemble(get_plugin_manager([("sloppy", p)]), *demo)


def test_wrong_return_type(demo):
    p = _plugin("lazy", register_checklists=lambda profile: "not a list")
    with pytest.raises(PluginError, match="must return a list"):
        assemble(get_plugin_manager([("lazy", p)]), *demo)


def test_dangling_reference(demo):
    p = _plugin("dangler", register_controls=lambda profile: [_chapter("dangler.controls", [
        {"id": "a", "text": "按{{ ref('nowhere.at.all') }}执行。"}])])
    with pytest.raises(PluginError, match=r"plugin 'dangler': dangler.controls.a refers to clause 'nowhere.at.all', which is not defined"):
        assemble(get_plugin_manager([("dangler", p)]), *demo)


def test_undefined_parameter_in_text(demo):
    p = _plugin("typo", register_controls=lambda profile: [_chapter("typo.controls", [
        {"id": "a", "text": "目标{{ params.kpi.no_such_target }}%"}])])
    with pytest.raises(PluginError, match=r"plugin 'typo': typo.controls.a: the text uses an undefined value"):
        assemble(get_plugin_manager([("typo", p)]), *demo)


def test_unknown_hook_fails_loudly():
    p = types.ModuleType("misspelt")
    p.register_standardz = hookimpl(lambda profile: [])
    with pytest.raises(PluginError, match="misspelt"):
        get_plugin_manager([("misspelt", p)])


def _install_fake_dist(tmp_path, monkeypatch, name, target):
    dist = tmp_path / f"{name}-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(f"[sqmkit]\n{name} = {target}\n")
    monkeypatch.syspath_prepend(str(tmp_path))


def test_plugin_that_fails_to_import(tmp_path, monkeypatch, cli_run):
    (tmp_path / "broken_plugin_mod.py").write_text("import this_module_does_not_exist\n")
    _install_fake_dist(tmp_path, monkeypatch, "brokenplug", "broken_plugin_mod")
    with pytest.raises(PluginError, match=r"plugin 'brokenplug': failed to import broken_plugin_mod: ModuleNotFoundError"):
        get_plugin_manager()
    result = cli_run("industries")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "brokenplug" in result.output
    # the block list lets the user carry on
    monkeypatch.setenv("SQMKIT_BLOCK_PLUGINS", "brokenplug")
    assert "courier" in get_plugin_manager().infos


def test_plugin_order_is_sorted_with_default_last():
    a, z = _plugin("aaa"), _plugin("zzz")
    mgr = get_plugin_manager([("zzz", z), ("aaa", a)])
    order = mgr.order()
    assert order[-1] == "sqmkit.default"
    assert order[:-1] == sorted(order[:-1])
