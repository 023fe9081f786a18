"""The site's offline search: the index module, and the search box in real headless Chromium from file://."""

from __future__ import annotations

import json
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sqmkit.numbering import Numbering
from sqmkit.search import Entry, _fast_parts, _Text, build_index, grams, index_script, plain_text

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
browser_only = pytest.mark.skipif(CHROMIUM is None and not __import__("os").environ.get("CI"),
                                  reason="Debian's chromium is not installed (make test installs it)")


def test_plain_text_leaves_out_numbers_and_notes():
    html = ('<section class="article"><p class="article-head"><span class="num">第一条</span>'
            '<span class="text">投诉<a class="xref" href="#x">见第二条</a>处理</span>'
            '<span class="annot">检查项：<a href="c.html">《表》</a></span></p>'
            '<table><tr><td>甲</td><td>乙<br>丙</td></tr></table></section>')
    assert plain_text(html) == "投诉见第二条处理 甲 乙丙"


def test_keys_are_characters_and_pairs_within_words():
    assert grams("申诉 Ab") == {"申", "诉", "申诉", "a", "b", "ab"}


def test_index_lists_each_pair_once_in_document_order_and_is_safe_in_a_script():
    entries = [Entry("a.html#1", "第一条", "申诉", "第一章", "员工对结果有异议的，可以申诉。"),
               Entry("a.html#2", "第二条", "", "第一章", "</script>申诉时限"),
               Entry("b.html#3", "第三条", "", "第二章", "无关")]
    index = build_index(entries)
    assert index["keys"]["申诉"] == [0, 1]
    assert index["keys"]["无关"] == [2]
    assert list(index["keys"]) == sorted(index["keys"])
    script = index_script(index)
    assert script.startswith("window.SQMKIT_SEARCH=") and "</script>" not in script
    assert json.loads(script[len("window.SQMKIT_SEARCH="):-2]) == index
    assert index_script(build_index(entries)) == script


def test_the_site_ships_its_index_and_pages_load_it(demo_build):
    root = demo_build.out_dir
    assert (root / "assets" / "search-index.js").stat().st_size > 10_000
    for page in ["index.html", "chapter-01.html"]:
        html = (root / page).read_text(encoding="utf-8")
        assert 'src="assets/search-index.js"' in html and 'id="search-box"' in html


def _article(reg, title_part):
    return next(a for ch in reg.chapters for a in ch.articles if a.title and title_part in a.title)


@browser_only
@pytest.mark.parametrize("query, title", [("一票否决", "一票否决"), ("申诉", "申诉"), ("迟到", "迟到告知")])
def test_first_result_is_the_article(page, demo_build, query, title):
    reg = demo_build.regulation
    article = _article(reg, title)
    page.goto((demo_build.out_dir / "chapter-02.html").as_uri())
    page.keyboard.press("/")
    page.keyboard.type(query)
    first = page.locator("#search-results a.search-hit").first
    first.wait_for()
    numbering = Numbering.of(reg)
    assert first.get_attribute("href") == f"chapter-{numbering.chapter_of[article.id] + 1:02d}.html#{article.id}"
    text = first.inner_text()
    assert text.startswith(numbering.label[article.id]) and title in text  # 第X条, the title, a snippet
    assert page.locator("#search-results a.search-hit").first.locator("mark").first.inner_text() == query
    assert all(r.startswith("file://") for r in page.requests)


@browser_only
def test_keyboard_moves_through_results_and_enter_opens(page, demo_build):
    reg = demo_build.regulation
    page.goto((demo_build.out_dir / "index.html").as_uri())
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search-box"
    page.keyboard.type("投诉")
    hits = page.locator("#search-results a.search-hit")
    hits.first.wait_for()
    assert hits.count() >= 2
    second = hits.nth(1).get_attribute("href")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.getAttribute('href')") == second
    page.keyboard.press("Enter")
    page.wait_for_url("**/" + second)
    anchor = second.split("#")[1]
    assert page.locator(f"[id='{anchor}']").is_visible()
    assert anchor in reg.clause_ids()


@browser_only
def test_a_query_with_no_match_says_so(page, demo_build):
    page.goto((demo_build.out_dir / "index.html").as_uri())
    page.fill("#search-box", "量子纠缠")
    assert page.locator("#search-status").inner_text() == page.locator("#search-status").get_attribute("data-none")
    assert page.locator("#search-results a").count() == 0


# -- the fast reader of rendered fragments: the parser's text, or no answer at all -----------------

PIECES = ['<p>', '</p>', '<span class="num">', "<span class='num'>", '</span>', '<br>', '<br/>', '<br />', '<li id="a">',
          '</li>', '<span class="annot x">', '<SPAN CLASS="NUM">', '<div>', '</div>', '文字', 'a&amp;b', '&lt;', '&#26379;',
          '&nbsp;', ' ', '\u3000', '\n', 'x > y', '<!-- c -->', '<a href="x&amp;y">', '</a>', '<td>', '</td>',
          '<img src="a">', '<span class="num"/>', '<p class="">', '<p hidden>', '<table>', '</table>', '<script>',
          '</script>', '&amp', '&', '<b class="annot" class="x">', '</b>', '<sp\u3000an>', '< p>', '</ p>',
          '<p\tclass="num">', '<x-y>', '</x-y>', '<p ="a">', '<section class="article" id="s.a">', '<p class=num>']


def _parsed(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30))
def test_the_fast_reader_reads_what_the_parser_reads_or_leaves_it_to_the_parser(pieces):
    html = "".join(pieces)
    fast = _fast_parts(html)
    assert fast is None or "".join(fast) == _parsed(html)
    assert plain_text(html) == " ".join(_parsed(html).split())


@pytest.mark.parametrize("html", ['a <!-- b --> c', '<script>x<y</script>', 'a < b', '<p class=num>x</p>',
                                  '<a title="1>2">x</a>'])
def test_html_the_fast_reader_does_not_know_goes_to_the_parser(html):
    assert _fast_parts(html) is None
    assert plain_text(html) == " ".join(_parsed(html).split())


def test_every_article_of_the_demo_is_read_by_the_fast_reader(demo_profile_path):
    from sqmkit.build import load
    from sqmkit.render.environment import Links, make_environment

    mgr, profile, _doc, reg = load(demo_profile_path)
    numbering = Numbering.of(reg)
    links = Links(reg, numbering, "site", "")
    content = make_environment(reg, numbering, mgr.template_dirs(profile)).get_template(
        "partials/content.html").make_module({"links": links})
    for article in (a for ch in reg.chapters for a in ch.articles):
        html = str(content.article(article, links))
        fast = _fast_parts(html)
        assert fast is not None and "".join(fast) == _parsed(html), article.id


def _grams_as_before(text: str) -> set[str]:
    low = text.lower()
    out = {c for c in low if not c.isspace()}
    out.update(low[i:i + 2] for i in range(len(low) - 1) if not (low[i].isspace() or low[i + 1].isspace()))
    return out


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("申诉Ab İẞ \t\n\u3000\u00a0\u2028x1"), max_size=40))
def test_grams_split_on_the_whitespace_isspace_knows(text):
    assert grams(text) == _grams_as_before(text)
