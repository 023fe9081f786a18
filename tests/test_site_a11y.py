"""The site on a phone, in print and for assistive technology: real headless Chromium from file://,
axe-core (the npm package, installed by the Makefile into .node/) loaded into the page."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = Path(__file__).resolve().parents[1] / ".node" / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                                reason="Debian's chromium is not installed (make test installs it)")


def _pages(demo_build):
    reg = demo_build.regulation
    return {"index": "index.html", "chapter": "chapter-05.html",
            "checklist": f"checklists/{reg.checklists[0].id}.html", "form": f"forms/{reg.forms[0].id}.html"}


@pytest.mark.parametrize("kind", ["index", "chapter", "checklist", "form"])
def test_axe_finds_nothing_serious(browser, demo_build, kind):
    assert AXE.is_file(), "axe-core is missing: make test installs it (npm ci --prefix .node)"
    page = browser.new_page()
    page.goto((demo_build.out_dir / _pages(demo_build)[kind]).as_uri())
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => (await axe.run(document)).violations.map(
        v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))""")
    page.close()
    bad = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not bad, bad
    assert not [v for v in violations if v["id"] in ("landmark-one-main", "html-has-lang", "region")], violations


@pytest.mark.parametrize("kind", ["index", "chapter", "checklist", "form"])
def test_every_page_has_a_language_and_a_main_landmark(browser, demo_build, kind):
    page = browser.new_page()
    page.goto((demo_build.out_dir / _pages(demo_build)[kind]).as_uri())
    assert page.evaluate("document.documentElement.lang") == demo_build.regulation.language
    assert page.locator("main").count() == 1
    page.close()


def test_site_pages_have_a_skip_link_landmarks_and_a_visible_focus(browser, demo_build):
    page = browser.new_page()
    page.goto((demo_build.out_dir / "chapter-03.html").as_uri())
    assert page.locator("header").count() == 1 and page.locator("nav").count() >= 1
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
        return {href: e.getAttribute("href"), outline: s.outlineStyle, top: e.getBoundingClientRect().top}; }""")
    assert focused["href"] == "#main" and focused["outline"] != "none" and focused["top"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.close()


def test_on_a_phone_the_article_text_comes_first(browser, demo_build):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.goto((demo_build.out_dir / "chapter-03.html").as_uri())
    first = page.locator("section.article .article-head").first
    box = first.bounding_box()
    assert box is not None and box["y"] + 40 < 844, box  # within the first screen
    assert not page.locator("nav.toc details").evaluate("d => d.open")  # the menu is folded
    assert not page.locator("nav.toc ol").is_visible()
    page.locator("nav.toc summary").click()
    assert page.locator("nav.toc ol").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # tables scroll in their own box
    docno = page.locator("header .docno > span").first
    assert docno.evaluate("e => e.getClientRects().length") == 1  # the document number does not wrap
    ctx.close()


def test_on_a_desktop_the_menu_is_open_beside_the_text(browser, demo_build):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((demo_build.out_dir / "chapter-03.html").as_uri())
    assert page.locator("nav.toc ol").is_visible()
    nav, main = page.locator("nav.toc").bounding_box(), page.locator("main").bounding_box()
    assert nav["x"] + nav["width"] <= main["x"]
    page.close()


def test_index_contents_are_numbered_once_without_default_list_styling(browser, demo_build):
    page = browser.new_page()
    page.goto((demo_build.out_dir / "index.html").as_uri())
    style = page.locator("ol.contents > li").first.evaluate(
        "e => [getComputedStyle(e).listStyleType, getComputedStyle(e.querySelector('a')).textDecorationLine]")
    assert style == ["none", "none"]
    assert page.locator("ol.contents > li").first.locator("a").first.inner_text().startswith("第一章")
    page.close()


def test_a_printed_page_carries_the_document_identification(browser, demo_build):
    from pypdf import PdfReader

    reg = demo_build.regulation
    page = browser.new_page()
    longest = max(demo_build.out_dir.glob("chapter-*.html"), key=lambda p: p.stat().st_size)  # prints on 2+ pages
    page.goto(longest.as_uri())
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    page.close()
    assert len(pdf.pages) >= 2
    for sheet in pdf.pages:
        text = sheet.extract_text()
        for part in (reg.company.name, reg.document.number, reg.document.version, "受控"):
            assert part in text, (part, text[:200])
