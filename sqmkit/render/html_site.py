"""The handbook as a static HTML site: index.html, one page per chapter, a stylesheet, search.

Every page links relatively, so the site works from ``file://`` with no network; the search index
is a script beside the pages (:mod:`sqmkit.search`), not a file fetched at run time."""

from __future__ import annotations

from typing import Any, Iterator

import jinja2

from ..formats import RenderContext
from ..search import Entry, build_index, index_script, plain_text
from .environment import Links
from ..messages import _

#: the site's own wording, in the document's language (the handbook's words are in i18n.MESSAGES)
SITE_WORDS: dict[str, dict[str, str]] = {
    "zh-CN": {
        "skip": "跳到正文", "search": "搜索", "search_placeholder": "搜索条款（按 / 键）",
        "search_results": "搜索结果", "no_results": "没有找到匹配的条款", "menu": "章节目录",
        "print_controlled": "受控", "print_uncontrolled": "非受控",
    },
    "en": {
        "skip": "Skip to content", "search": "Search", "search_placeholder": "Search articles (press /)",
        "search_results": "Search results", "no_results": "No matching article", "menu": "Chapters",
        "print_controlled": "Controlled", "print_uncontrolled": "Uncontrolled",
    },
}


def site_words(lang: str) -> dict[str, str]:
    return SITE_WORDS.get(lang, SITE_WORDS["zh-CN"])


def search_entries(ctx: RenderContext, links: Links) -> Iterator[Entry]:
    """One entry per article, its text as the site shows it (rendered by the same macro)."""
    reg, label = ctx.regulation, ctx.numbering.label
    content: Any = ctx.env.get_template("partials/content.html").make_module({"links": links})
    for chapter in reg.chapters:
        heading = f"{label[chapter.id]} {chapter.title}"
        for article in chapter.articles:
            text = plain_text(str(content.article(article, links)))
            yield Entry(links.clause(article.id), label[article.id], article.title or "", heading, text)


def _raw(env: jinja2.Environment, name: str) -> str:
    """A static asset from the template folders, as it is (an override folder may replace it)."""
    assert env.loader is not None
    return env.loader.get_source(env, name)[0]


def render(ctx: RenderContext) -> None:
    reg, env = ctx.regulation, ctx.env
    links = Links(reg, ctx.numbering, "site", "")
    common = {"links": links, "base": "", "logo": ctx.options.logo, "site": site_words(reg.language)}
    ctx.progress(_("HTML: index and {count} chapter pages").format(count=len(reg.chapters)))
    ctx.write_text("index.html", env.get_template("site/index.html").render(common))
    page = env.get_template("site/chapter.html")
    for i, chapter in enumerate(reg.chapters):
        ctx.write_text(links.chapter_file(i), page.render(common, chapter=chapter, current=i))
    css = env.get_template("css/content.css").render() + "\n" + env.get_template("css/site.css").render()
    ctx.write_text("assets/site.css", css)
    ctx.write_text("assets/search-index.js", index_script(build_index(search_entries(ctx, links))))
    ctx.write_text("assets/search.js", _raw(env, "site/search.js"))
