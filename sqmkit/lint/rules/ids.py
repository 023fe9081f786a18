"""Ids: unique where they must be (``duplicate-id``), names rather than positions (``unstable-id``).

Full ids (chapters, clauses, forms, checklists, check items) are unique across the plugin and
must not reuse the built-in default plugin's; local ids are unique among siblings (the fields of
one form, the KPIs of one block …). An id segment such as ``item-1`` or ``a1`` numbers a
position, which changes when content is reordered, so it is worth a warning.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from ... import schema
from ..context import Def, LintContext, Site
from ..findings import Finding, display, error, warning
from ..rule import Rule

CODES = ("duplicate-id", "unstable-id")

#: an id segment that numbers a position instead of naming a thing
UNSTABLE_RE = re.compile(
    r"^(?:[a-z]|item|items|art|article|clause|sec|section|ch|chap|chapter|para|paragraph|part|point|rule|step|"
    r"check|field|col|column|row|q|question|no|num|number|entry|line|new|tmp|temp|todo|untitled|x)-?\d+$"
    r"|^\d|^(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)$"
)
#: lists whose members are checked by their full ids instead (see check_unique_ids)
FULL_ID_LISTS = (schema.Chapter, schema.CheckSection)


def _where(first: Def, again: Def) -> str:
    return f"{display(first.file)}:{first.line}" if first.file != again.file else f"line {first.line}"


def check_unique_ids(ctx: LintContext) -> Iterator[Finding]:
    """Chapters, clauses, forms, checklists and check items have ids of their own."""
    for d in ctx.defs:
        first = ctx.index[d.id]
        if first is not d:
            yield error("duplicate-id", f"{d.kind} id {d.id!r} is already used by a {first.kind} "
                        f"({_where(first, d)})", d.doc, d.loc + ("id",),
                        "ids are unique across chapters, clauses, forms, checklists and check items; rename one")
        elif d.id in ctx.external:
            yield error("duplicate-id", f"{d.kind} id {d.id!r} is already used by {ctx.external[d.id]}",
                        d.doc, d.loc + ("id",), "start your ids with your industry id")


def _siblings(site: Site, name: str, value: list[Any]) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for i, v in enumerate(value):
        if isinstance(v, dict) and isinstance(v.get("id"), str):
            if v["id"] in seen:
                yield error("duplicate-id", f"{name}[{i}] repeats the id {v['id']!r} of {name}[{seen[v['id']]}]",
                            site.doc, site.place.loc + (name, i, "id"), "siblings need different ids")
            seen.setdefault(v["id"], i)


def _form_fields(site: Site) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for si, sec in enumerate(site.data.get("sections") or []):
        fields = sec.get("fields") if isinstance(sec, dict) else None
        for fi, fld in enumerate(fields if isinstance(fields, list) else []):
            fid = fld.get("id") if isinstance(fld, dict) else None
            if not isinstance(fid, str):
                continue
            if fid in seen and seen[fid] != si:
                yield error("duplicate-id", f"field id {fid!r} is used twice in this form", site.doc,
                            site.place.loc + ("sections", si, "fields", fi, "id"),
                            "a form's field ids name its columns and answers; make them unique across sections")
            seen.setdefault(fid, si)


def check_sibling_ids(ctx: LintContext) -> Iterator[Finding]:
    """Siblings (fields of a section, KPIs of a block, modules …) have different ids, and so
    have the fields of one form."""
    for site in ctx.sites:
        for name, value in site.data.items():
            if not isinstance(value, list) or issubclass(site.cls, FULL_ID_LISTS) \
                    or (name == "items" and site.cls in (schema.Article, schema.Item)):
                continue  # articles, items and check items are checked by their full ids
            yield from _siblings(site, name, value)
        if site.cls is schema.Form:
            yield from _form_fields(site)


def check_stable_ids(ctx: LintContext) -> Iterator[Finding]:
    """Ids are names that survive reordering, not positions."""
    for site in ctx.sites:
        ident = site.data.get("id")
        if isinstance(ident, str) and any(UNSTABLE_RE.match(seg) for seg in ident.split(".")):
            yield warning("unstable-id", f"id {ident!r} looks like a position, not a name", site.doc,
                          site.place.loc + ("id",), "ids are permanent names that survive reordering: say what it "
                          "is (e.g. 'uniform', 'response-time'); numbers are computed")


RULES = (Rule("unique-ids", check_unique_ids, CODES), Rule("sibling-ids", check_sibling_ids, CODES),
         Rule("stable-ids", check_stable_ids, CODES))
