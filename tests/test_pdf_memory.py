"""The parts of one printed file share one font configuration (:func:`sqmkit.printing.shared_fonts`):
the large CJK faces are opened once, and the PDF is the very same. Real WeasyPrint layouts with
the print faces, real PDFs compared byte for byte; the handbook's own parts of the courier demo."""

from __future__ import annotations

import pytest

from sqmkit import printing

FACES = "font-family: 'Noto Serif CJK SC', serif"
HEADINGS = "font-family: 'Noto Sans CJK SC', sans-serif; font-weight: 700"


def page(text: str) -> str:
    style = f"<style>@page {{ size: A6; margin: 1cm }} body {{ {FACES} }} h1 {{ {HEADINGS} }}</style>"
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><title>字体</title>{style}</head>'
            f'<body><h1 id="top">{text}</h1><p>{text}，<b>加粗</b>与正文。</p></body></html>')


def two_parts(folder):
    return [printing.layout(page("前言目录"), folder, "front", style="r"),
            printing.layout(page("第一章 总则"), folder, "body")]


def test_parts_laid_out_within_the_block_share_one_configuration(tmp_path):
    with printing.shared_fonts():
        front, body = two_parts(tmp_path)
    alone = printing.layout(page("附件"), tmp_path, "form")
    assert front.document.font_config is body.document.font_config
    assert alone.document.font_config is not body.document.font_config


def test_blocks_do_not_share_with_each_other(tmp_path):
    with printing.shared_fonts():
        first = printing.layout(page("一"), tmp_path, "one")
        with printing.shared_fonts():
            inner = printing.layout(page("二"), tmp_path, "two")
        after = printing.layout(page("三"), tmp_path, "three")
    assert inner.document.font_config is not first.document.font_config
    assert after.document.font_config is first.document.font_config


def test_sharing_the_faces_changes_no_byte_of_the_pdf(tmp_path):
    shared, separate = tmp_path / "shared.pdf", tmp_path / "separate.pdf"
    with printing.shared_fonts():
        printing.write_parts(two_parts(tmp_path), shared, printing.TAGGED)
    printing.write_parts(two_parts(tmp_path), separate, printing.TAGGED)
    assert shared.read_bytes() == separate.read_bytes()


def test_a_failed_layout_leaves_no_shared_configuration_behind(tmp_path):
    from sqmkit.errors import BuildError

    with pytest.raises(BuildError), printing.shared_fonts():
        printing.layout(page("一"), tmp_path, "one")
        raise BuildError("a part failed inside the block")
    first, second = printing.layout(page("一"), tmp_path, "one"), printing.layout(page("二"), tmp_path, "two")
    assert first.document.font_config is not second.document.font_config


def test_the_handbook_parts_with_bound_forms_share_one_configuration(make_profile):
    from sqmkit.build import load
    from sqmkit.formats import RenderContext
    from sqmkit.numbering import Numbering
    from sqmkit.render.environment import make_environment
    from sqmkit.render.handbook_pdf import handbook_parts

    def bind(data):
        data.setdefault("branding", {}).setdefault("print", {})["bind_forms"] = True

    path = make_profile(bind)
    _mgr, _profile, _doc, reg = load(path)
    numbering = Numbering.of(reg)
    ctx = RenderContext(reg, path.parent, make_environment(reg, numbering, []), numbering)
    parts = handbook_parts(ctx)
    assert len(parts) == 2 + len(reg.forms) and reg.forms
    assert len({id(part.document.font_config) for part in parts}) == 1
    after = printing.layout(page("三"), path.parent, "later")  # the block is closed
    assert after.document.font_config is not parts[0].document.font_config
