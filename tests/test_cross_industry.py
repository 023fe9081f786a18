"""A cross-industry plugin: one hook function, one chapter, in every industry's handbook.

A company-wide policy (here personal-information protection, 个人信息保护) is not an industry: a
plugin adds it to every client's regulation with ``register_controls`` alone. The chapter is
built into each of the three demo handbooks among the controls chapters, numbered with the rest,
and gets its own site page. Ordering between plugins follows pluggy's ``tryfirst``/``trylast``;
wrappers, which sqmkit cannot run one implementation at a time, are refused.
"""

from __future__ import annotations

import types
from typing import Any

import pytest

import sqmkit
import sqmkit_clinic
import sqmkit_courier
import sqmkit_hospitality
from sqmkit import Chapter, hookimpl
from sqmkit.i18n import zh_numeral

DEMOS = {"courier": sqmkit_courier.DEMO_PROFILE, "clinic": sqmkit_clinic.DEMO_PROFILE,
         "hospitality": sqmkit_hospitality.DEMO_PROFILE}
PRIVACY_ID = "privacy.controls.personal-information"


@hookimpl
def register_controls(profile: sqmkit.Profile) -> list[Chapter]:
    """The privacy plugin's one hook: the same chapter for every client, whatever the industry."""
    return [Chapter.model_validate({
        "id": PRIVACY_ID,
        "title": "个人信息保护",
        "order": 90,
        "articles": [
            {"id": "collection", "title": "收集与使用",
             "text": "{{ company.short_name }}收集客户个人信息，应当告知用途并取得同意，只收集提供服务所必需的信息，"
                     "不得用于约定以外的目的。"},
            {"id": "breach", "title": "泄露处置",
             "text": "发现个人信息泄露、篡改或丢失的，{{ company.short_name }}应当立即采取补救措施，"
                     "按规定告知受影响的客户并向主管部门报告。"},
        ],
    })]


def module_plugin(name: str, **hooks: Any) -> types.ModuleType:
    """A plugin module holding just the given hook functions."""
    module = types.ModuleType(name)
    for hook, fn in hooks.items():
        setattr(module, hook, fn)
    return module


PRIVACY = module_plugin("sqmkit_privacy", register_controls=register_controls)


# ---------------------------------------------------------------------------------------------
# One chapter, three industries
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("industry", sorted(DEMOS))
def test_the_privacy_chapter_is_in_every_industrys_handbook(industry, tmp_path):
    mgr = sqmkit.get_plugin_manager([("privacy", PRIVACY)])  # and the installed industry plugins
    assert {"privacy", "courier", "clinic", "hospitality"} <= set(mgr.order())
    result = sqmkit.build(DEMOS[industry], tmp_path, ["html"], mgr=mgr)
    reg = result.regulation
    assert reg.industry.id == industry

    controls = [c for c in reg.chapters if c.family == "controls"]
    own = [c for c in controls if c.plugins == [industry]]
    assert own and controls == own + [reg.clause(PRIVACY_ID)], [c.id for c in controls]
    privacy = reg.clause(PRIVACY_ID)
    assert isinstance(privacy, sqmkit.ChapterNode) and privacy.plugins == ["privacy"]
    assert [a.id for a in privacy.articles] == [f"{PRIVACY_ID}.collection", f"{PRIVACY_ID}.breach"]
    short_name = reg.company.short_name
    assert privacy.articles[0].text.startswith(f"{short_name}收集客户个人信息")  # tailored to the client

    # numbered with the rest: the articles before it, then these two, then the next family's
    numbering = sqmkit.Numbering.of(reg)
    articles = [a.id for c in reg.chapters for a in c.articles]
    assert [numbering.label[a] for a in articles] == [f"第{zh_numeral(n)}条" for n in range(1, len(articles) + 1)]
    first = articles.index(f"{PRIVACY_ID}.collection") + 1
    assert numbering.label[f"{PRIVACY_ID}.breach"] == f"第{zh_numeral(first + 1)}条"

    page = result.path(f"chapter-{reg.chapters.index(privacy) + 1:02d}.html")
    html = page.read_text(encoding="utf-8")
    assert f'id="{PRIVACY_ID}"' in html and "个人信息保护" in html and short_name in html
    assert f"第{zh_numeral(first)}条" in html
    assert "个人信息保护" in result.path("index.html").read_text(encoding="utf-8")  # in the table of contents


# ---------------------------------------------------------------------------------------------
# Ordering between plugins: tryfirst / trylast honoured, wrappers refused
# ---------------------------------------------------------------------------------------------


def chapter_hook(chapter_id: str, order: int, **marker: bool) -> Any:
    @hookimpl(**marker)
    def register_controls(profile: sqmkit.Profile) -> list[dict[str, Any]]:
        return [{"id": chapter_id, "title": "附加控制", "order": order,
                 "articles": [{"id": "rule", "text": "{{ company.short_name }}执行本章规定。"}]}]

    return register_controls


def test_tryfirst_and_trylast_move_a_contribution_ahead_of_or_behind_chapters_of_equal_order(tmp_path):
    profile, _ = sqmkit.load_profile(DEMOS["courier"])
    first_order = min(c.order for _, c in sqmkit.get_plugin_manager().chapters("controls", profile))
    # by name, "zz-first" would come after courier and "aa-last" before it: the markers win
    first = module_plugin("zz_first", register_controls=chapter_hook("extra.first", first_order, tryfirst=True))
    last = module_plugin("aa_last", register_controls=chapter_hook("extra.last", first_order, trylast=True))
    mgr = sqmkit.get_plugin_manager([("zz-first", first), ("aa-last", last)])

    contributed = mgr.chapters("controls", profile)
    assert (contributed[0][0], contributed[0][1].id) == ("zz-first", "extra.first")
    assert (contributed[-1][0], contributed[-1][1].id) == ("aa-last", "extra.last")
    assert {p for p, _ in contributed[1:-1]} == {"courier"}

    reg = sqmkit.build(DEMOS["courier"], tmp_path, ["html"], mgr=mgr).regulation
    # the organization chapter (a duties block) is printed right after 总则; the others keep this order
    moved = {c.id for c in reg.chapters[1:2] if c.family == "controls"}
    controls = [c.id for c in reg.chapters if c.family == "controls" and c.id not in moved]
    equal = [c.id for _, c in contributed if c.order == first_order and c.id not in moved]
    assert controls[: len(equal)] == equal  # sorted by order, ties in contribution order
    assert controls[0] == "extra.first" and controls[len(equal) - 1] == "extra.last"


@pytest.mark.parametrize("marker", ["wrapper", "hookwrapper"])
def test_a_wrapper_is_refused_with_the_reason(marker):
    @hookimpl(**{marker: True})
    def register_controls(profile: sqmkit.Profile) -> Any:
        result = yield
        return result

    wrapping = module_plugin("sqmkit_wrapping", register_controls=register_controls)
    with pytest.raises(sqmkit.PluginError) as info:
        sqmkit.get_plugin_manager([("wrapping", wrapping)], load_entry_points=False)
    err = info.value
    assert err.plugin == "wrapping" and err.hook == "register_controls"
    assert "wrapper" in str(err) and "tryfirst" in str(err)


def test_the_privacy_plugin_needs_no_industry_and_no_data_files():
    """Registered alone (no industry plugin), the manager knows no industry but takes the plugin."""
    mgr = sqmkit.get_plugin_manager([("privacy", PRIVACY)], load_entry_points=False)
    assert mgr.industries() == {} and mgr.hooks_of("privacy") == ["register_controls"]
