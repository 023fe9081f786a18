"""No CJK font → the build stops with a clear message and writes no PDF; missing glyphs too."""

from __future__ import annotations

import pytest

from sqmkit import fonts
from sqmkit.errors import FontError


@pytest.fixture
def no_fonts(tmp_path, monkeypatch):
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    f'<cachedir>{tmp_path}/cache</cachedir></fontconfig>')
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))
    fonts.find_cjk_font.cache_clear()
    fonts._covered_by_any_font.cache_clear()
    yield
    fonts.find_cjk_font.cache_clear()
    fonts._covered_by_any_font.cache_clear()


def test_build_without_cjk_font_stops_and_writes_no_pdf(no_fonts, cli_run, demo_profile_path, tmp_path):
    result = cli_run("build", demo_profile_path, "-o", tmp_path / "out", "--no-store")
    assert result.exit_code == 1
    assert "fonts-noto-cjk" in result.output and "Traceback" not in result.output
    assert not list((tmp_path / "out").rglob("*.pdf"))


def test_html_only_build_needs_no_font(no_fonts, cli_run, demo_profile_path, tmp_path):
    result = cli_run("build", demo_profile_path, "-o", tmp_path / "out", "-f", "html", "--no-store")
    assert result.exit_code == 0, result.output


def test_character_no_font_has_is_refused():
    font = fonts.find_cjk_font()
    fonts.check_coverage("服务质量", font)
    with pytest.raises(FontError, match=r"U\+10FFFD"):
        fonts.check_coverage("服务\U0010fffd", font)


def test_a_cjk_faces_character_map_is_read_as_fonttools_reads_it():
    """The character map of a CJK face is read straight from its format 12 subtable (fast): the
    very characters fontTools' getBestCmap maps, for every installed CJK face."""
    from fontTools.ttLib import TTCollection, TTFont

    for file in sorted(set(fonts.cjk_faces().values())):
        collection = file.lower().endswith((".ttc", ".otc"))
        font = TTCollection(file, lazy=True).fonts[0] if collection else TTFont(file, lazy=True)
        fast = fonts._best_cmap_format_12(file)
        assert fast is not None, f"{file}: its best Unicode subtable is not of format 12"
        assert fast == frozenset(font.getBestCmap() or {}), file
