"""Texts: complete in every declared language (``translation``), valid templates (``schema``),
using only the names and filters texts have (``undeclared``).

A plugin declares the languages it is complete in (see
:func:`sqmkit.lint.load.declared_languages`); every text then needs each of them.
"""

from __future__ import annotations

from typing import Iterator

from ..context import LintContext
from ..findings import Finding, error
from ..rule import Rule

CODES = ("translation", "schema", "undeclared")


def check_translations(ctx: LintContext) -> Iterator[Finding]:
    """Every text has every declared language, and no language's text is empty."""
    for site in ctx.texts:
        variants = site.variants()
        if not variants:
            continue
        for lang in ctx.languages:
            if lang not in variants:
                yield error("translation", f"no {lang} text", site.doc, site.place.loc,
                            f"{ctx.languages_why} declares {lang}: write this text as {{zh-CN: …, {lang}: …}}")
        for lang, source in variants.items():
            if not source.strip():
                yield error("translation", f"the {lang} text is empty", site.doc, site.place.loc)


def check_template_syntax(ctx: LintContext) -> Iterator[Finding]:
    """Every text is a valid Jinja template."""
    for t in ctx.templates:
        if t.syntax_error is not None:
            yield error("schema", f"template syntax error in the text: {t.syntax_error}", t.doc, t.loc,
                        "texts are Jinja templates: {{ params.x }}, {{ ref('id') }}; a value starting with {{ "
                        "must be quoted in YAML")


def check_names(ctx: LintContext) -> Iterator[Finding]:
    """Texts use only the names and filters texts have."""
    for t in ctx.templates:
        if t.use is None:
            continue
        for name in sorted(t.use.names - ctx.text_names):
            yield error("undeclared", f"the text uses {name!r}, which texts do not have", t.doc, t.loc,
                        "texts can use company, org, params, doc, modules, industry, ref(), form(), checklist()")
        for flt in sorted(t.use.filters - ctx.filters):
            yield error("undeclared", f"unknown filter {flt!r}", t.doc, t.loc)


RULES = (Rule("translations", check_translations, ("translation",)),
         Rule("template-syntax", check_template_syntax, ("schema",)),
         Rule("text-names", check_names, ("undeclared",)))
