"""The Jinja environment shared by every renderer.

Template search order: the user's folder (``--templates`` or the profile's ``templates:``), then
plugin template folders in plugin order, then the core templates. ``core:NAME`` always reaches
the core's own template, so an override can ``{% extends "core:handbook/cover.html" %}``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import jinja2
from jinja2.loaders import split_template_path
from markupsafe import Markup, escape

from ..coretemplates import core_template_dir
from ..errors import BuildError
from ..i18n import format_date, messages
from ..messages import _
from ..model import Regulation
from ..numbering import Numbering
from ..textrender import replace_markers


class Links:
    """Where a clause, form or checklist lives, seen from the page being rendered.

    ``mode="site"`` links across the HTML site (``base`` is the path back to the site root);
    ``mode="print"`` links inside one printed document.
    """

    def __init__(self, reg: Regulation, numbering: Numbering, mode: str = "site", base: str = ""):
        self.reg, self.numbering, self.mode, self.base = reg, numbering, mode, base

    def chapter_file(self, index: int) -> str:
        return f"chapter-{index + 1:02d}.html"

    def clause(self, clause_id: str) -> str:
        if self.mode == "print":
            return "#" + clause_id
        return f"{self.base}{self.chapter_file(self.numbering.chapter_of[clause_id])}#{clause_id}"

    def form(self, form_id: str) -> str:
        return "#" + form_id if self.mode == "print" else f"{self.base}forms/{form_id}.html"

    def checklist(self, checklist_id: str) -> str:
        return "#" + checklist_id if self.mode == "print" else f"{self.base}checklists/{checklist_id}.html"

    def checks(self, clause_id: str) -> list[tuple[str, str]]:
        """``(href, text)`` for each checklist item that checks ``clause_id``."""
        out = []
        for checklist_id, item_id in self.reg.checked_by(clause_id):
            cl = self.reg.checklist(checklist_id)
            href = self.checklist(checklist_id) + ("" if self.mode == "print" else "#" + item_id)
            out.append((href, f"《{cl.title}》{self.numbering.check_label[item_id]}"))
        return out

    def forms_for(self, clause_id: str) -> list[tuple[str, str]]:
        return [(self.form(fid), f"《{self.reg.form(fid).title}》") for fid in self.reg.forms_for(clause_id)]


def render_text(text: str | None, links: Links) -> Markup:
    """Escape a tailored text and turn its reference markers into links."""
    if text is None:
        return Markup("")
    reg, numbering = links.reg, links.numbering

    def repl(kind: str, target: str, flags: str) -> str:
        if kind == "ref":
            label = numbering.ref_text(target, see="nosee" not in flags)
            return str(Markup('<a class="xref" href="{}">{}</a>').format(links.clause(target), label))
        if kind == "form":
            return str(Markup('<a class="form-ref" href="{}">《{}》</a>').format(links.form(target), reg.form(target).title))
        return str(Markup('<a class="checklist-ref" href="{}">《{}》</a>').format(
            links.checklist(target), reg.checklist(target).title))

    return Markup(replace_markers(str(escape(text)), repl))


#: what :func:`css_string` escapes (quotes, backslash, <, >, & and control characters), as ``\\0000XX``
_CSS_ESCAPES = {code: f"\\{code:06x}" for code in [*map(ord, '"\\<>&'), *range(0x20)]}


def css_string(value: object) -> Markup:
    """A CSS string literal, safe inside a <style> element (no quote, backslash or '<' escapes it)."""
    return Markup('"' + str(value).translate(_CSS_ESCAPES) + '"')


class FolderLoader(jinja2.FileSystemLoader):
    """A folder of template overrides. A template file that cannot be read (not UTF-8, not
    readable) is a template error naming the file, so the fault is put on the folder's owner (the
    plugin that registered it, or the user) and not on the core's format that asked for it."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        try:
            return super().get_source(environment, template)
        except jinja2.TemplateNotFound:  # an OSError too: the next folder may have it
            raise
        except (UnicodeDecodeError, OSError) as exc:
            path = os.path.join(str(self.searchpath[0]), *split_template_path(template))
            problem = _("the template file is not UTF-8 text") if isinstance(exc, UnicodeDecodeError) else \
                _("the template file cannot be read: {reason}").format(reason=exc.strerror or exc)
            raise jinja2.TemplateSyntaxError(problem, 1, template, path) from None


def make_environment(reg: Regulation, numbering: Numbering, template_dirs: list[Path],
                     prepare: Callable[[jinja2.Environment], None] | None = None) -> jinja2.Environment:
    """The environment for one client's outputs: ``template_dirs`` (the user's folder first, then
    the plugins') override the core templates; ``prepare`` adjusts the environment last (the
    build passes the plugins' ``prepare_jinja_env``)."""
    core = jinja2.FileSystemLoader(str(core_template_dir()))
    loaders: list[jinja2.BaseLoader] = []
    for folder in template_dirs:
        if not folder.is_dir():
            raise BuildError(f"template folder {folder} does not exist")
        loaders.append(FolderLoader(str(folder)))
    loaders.append(core)
    loader = jinja2.ChoiceLoader([jinja2.PrefixLoader({"core": core}, delimiter=":"), *loaders])
    env = jinja2.Environment(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html", "htm", "xml", "svg"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.do"],
    )
    lang = reg.language

    @jinja2.pass_context
    def clause(ctx: jinja2.runtime.Context, text: str | None) -> Markup:
        return render_text(text, ctx["links"])

    env.filters["clause"] = clause
    env.filters["date"] = lambda d: format_date(d, lang)
    env.filters["label"] = lambda ident: numbering.label[ident]
    env.filters["num"] = lambda v: (str(int(v)) if float(v).is_integer() else f"{v:g}") if isinstance(v, (int, float)) else v
    env.filters["css_string"] = css_string
    env.globals.update(msg=messages(lang), reg=reg, numbering=numbering, lang=lang)
    if prepare is not None:
        prepare(env)
    return env
