"""Normative references are cited, and cited right (``citation``, ``uncited``).

An industry declares the laws, regulations and standards its regulation rests on under
``references:`` in ``industry.yaml`` (:mod:`sqmkit.normrefs`); texts cite one with
``{{ cite("id") }}``. This rule checks:

* ``cite()`` names a declared reference (or the core's own, ``gb-t-19001``), and one of a module
  only in content of that module (or inside ``{% if "module" in modules %}``);
* every 《…》 written literally in a text (Jinja removed) is the exact title of one of the
  plugin's forms or checklists; a declared reference's title must come from ``cite()``, and any
  other title is a reference to declare;
* a declared reference of no module that no text cites is a warning.
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Iterator

from ... import schema
from ...messages import _
from ...normrefs import CORE_REFERENCES, NormRef
from ..context import LintContext
from ..findings import Finding, error, warning
from ..rule import Rule
from .literals import plain

CODES = ("citation", "uncited")

#: a title written in 书名号
TITLE_RE = re.compile(r"《([^《》]+)》")


def _zh(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get(schema.DEFAULT_LANGUAGE, ""))
    return value if isinstance(value, str) else ""


def declared(ctx: LintContext) -> list[NormRef]:
    """The industry's references and the core's own."""
    return [*(ctx.industry_spec.references if ctx.industry_spec else []), *CORE_REFERENCES]


def record_titles(ctx: LintContext) -> set[str]:
    """The zh-CN titles of the plugin's forms and checklists (Jinja removed)."""
    return {plain(_zh((d.data or {}).get("title"))).strip() for d in ctx.index.values()
            if d.kind in ("form", "checklist") and isinstance(d.data, dict)}


def check_cites(ctx: LintContext) -> Iterator[Finding]:
    """``cite()`` names a declared reference, of a module the text belongs to (or tests for)."""
    if ctx.industry is not None and ctx.industry_spec is None:
        return  # industry.yaml is invalid: reported as schema errors
    refs = {r.id: r for r in declared(ctx)}
    for t in ctx.templates:
        for cite in t.use.cites if t.use else []:
            if cite.target is None:
                yield warning("citation", _("cite() with a computed argument cannot be checked"), t.doc, t.loc,
                              _("write the id as a string: cite('postal-law')"))
                continue
            ref = refs.get(cite.target)
            if ref is None:
                close = difflib.get_close_matches(cite.target, list(refs), n=1, cutoff=0.6)
                hint = (_("did you mean {id!r}?").format(id=close[0]) if close else
                        _("declare it under references: in industry.yaml"))
                yield error("citation", _("cite() names reference {id!r}, which is not declared").format(
                    id=cite.target), t.doc, t.loc, hint)
            elif ref.module is not None and ref.module not in t.site.place.requires | cite.guards:
                yield error("citation", _("cite() names reference {id!r} of module {module!r}: for a client "
                                          "without it the citation names a document the handbook does not "
                                          "list").format(id=ref.id, module=ref.module), t.doc, t.loc,
                            _("give this content module: {module}, or wrap the citation in "
                              "{{% if \"{module}\" in modules %}}…{{% endif %}}").format(module=ref.module))


def check_titles(ctx: LintContext) -> Iterator[Finding]:
    """Every literal 《…》 is a form or checklist of the plugin; a reference comes from cite()."""
    if ctx.industry is not None and ctx.industry_spec is None:
        return
    by_title = {r.title.get(schema.DEFAULT_LANGUAGE): r for r in declared(ctx)}
    records = record_titles(ctx)
    industry_doc = ctx.industry_file.doc if ctx.industry_file else None
    for site in ctx.texts:
        text = site.variants().get(schema.DEFAULT_LANGUAGE)
        if site.doc is industry_doc or not text:
            continue
        for title in dict.fromkeys(TITLE_RE.findall(plain(text))):
            ref = by_title.get(title.strip())
            if ref is not None:
                yield error("citation", _("the text writes 《{title}》 literally").format(title=title), site.doc,
                            site.loc_of(schema.DEFAULT_LANGUAGE),
                            _("write {{{{ cite('{id}') }}}}, so the title and number come from references:").format(
                                id=ref.id))
            elif title.strip() not in records:
                yield error("citation", _("《{title}》 is neither a declared reference nor a form or checklist of "
                                          "the plugin").format(title=title), site.doc,
                            site.loc_of(schema.DEFAULT_LANGUAGE),
                            _("declare it under references: in industry.yaml with its exact title and cite it, or "
                              "use form()/checklist() for a record"))


def check_uncited(ctx: LintContext) -> Iterator[Finding]:
    """A declared reference of no module is cited somewhere."""
    if ctx.industry_spec is None or ctx.industry_file is None:
        return
    cited = {c.target for t in ctx.templates if t.use for c in t.use.cites}
    for i, ref in enumerate(ctx.industry_spec.references):
        if ref.module is None and ref.id not in cited:
            yield warning("uncited", _("reference {id!r} is declared but no text cites it").format(id=ref.id),
                          ctx.industry_file.doc, ("references", i),
                          _("cite it with {{{{ cite('{id}') }}}} where an article relies on it").format(id=ref.id))


RULES = (Rule("cites", check_cites, ("citation",)),
         Rule("cited-titles", check_titles, ("citation",)),
         Rule("uncited-references", check_uncited, ("uncited",)))
