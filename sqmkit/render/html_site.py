"""The handbook as a static HTML site: index.html, one page per chapter, a stylesheet.

Every page links relatively, so the site works from ``file://`` with no network."""

from __future__ import annotations

from ..formats import RenderContext
from .environment import Links
from ..messages import _


def render(ctx: RenderContext) -> None:
    reg, env = ctx.regulation, ctx.env
    links = Links(reg, ctx.numbering, "site", "")
    common = {"links": links, "base": "", "logo": ctx.options.logo}
    ctx.progress(_("HTML: index and {count} chapter pages").format(count=len(reg.chapters)))
    ctx.write_text("index.html", env.get_template("site/index.html").render(common))
    page = env.get_template("site/chapter.html")
    for i, chapter in enumerate(reg.chapters):
        ctx.write_text(links.chapter_file(i), page.render(common, chapter=chapter, current=i))
    css = env.get_template("css/content.css").render() + "\n" + env.get_template("css/site.css").render()
    ctx.write_text("assets/site.css", css)

