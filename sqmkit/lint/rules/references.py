"""References resolve (``dangling-ref``) and check items check something (``check-nothing``).

``ref()``, ``form()`` and ``checklist()`` in texts, the ``clauses`` a form records and the
``clauses`` a check item checks must name something the plugin defines — and nothing that
belongs to a module the referring content does not belong to (or test for), since the reference
dangles for a client without that module. A merged 总则/附则 chapter has no number of its own.
"""

from __future__ import annotations

import difflib
from typing import Iterator

from ...schema import MERGED_FAMILIES
from ...yamlio import YamlDoc
from ..context import REFERENCE_KINDS, REFERENCE_NOUNS, Def, LintContext
from ..findings import Finding, Loc, error, warning
from ..rule import Rule

CODES = ("dangling-ref", "check-nothing")


def close_id(target: str, ids: list[str]) -> str | None:
    """The id ``target`` was probably meant to be: a sibling with a similar last segment, or a
    very similar id."""
    parent, _, leaf = target.rpartition(".")
    siblings = {i.rpartition(".")[2]: i for i in ids if i.rpartition(".")[0] == parent}
    found = difflib.get_close_matches(leaf, list(siblings), n=1, cutoff=0.6)
    if found:
        return siblings[found[0]]
    found = difflib.get_close_matches(target, ids, n=1, cutoff=0.9)
    return found[0] if found else None


def _missing(ctx: LintContext, kind: str, target: str, doc: YamlDoc, loc: Loc, what: str) -> Iterator[Finding]:
    noun = REFERENCE_NOUNS[kind]
    d = ctx.index.get(target)
    if (kind == "ref" and target in ctx.external) or (ctx.unreadable and d is None):
        return  # the default plugin's, or perhaps in a file that could not be read (reported already)
    close = close_id(target, [i for i, x in ctx.index.items() if x.kind in REFERENCE_KINDS[kind]])
    hint = f"did you mean {close!r}?" if close else f"no {noun} with this id is defined in this plugin"
    if d is not None:
        hint = f"{target!r} is a {d.kind}, not a {noun}"
    yield error("dangling-ref", f"{what} {noun} {target!r}, which does not exist", doc, loc, hint)


def _resolve(ctx: LintContext, kind: str, target: str, requires: frozenset[str], doc: YamlDoc, loc: Loc,
             what: str) -> Iterator[Finding]:
    d = ctx.lookup(kind, target)
    if d is None:
        yield from _missing(ctx, kind, target, doc, loc, what)
        return
    noun = REFERENCE_NOUNS[kind]
    if d.kind == "chapter" and d.family in MERGED_FAMILIES:
        yield error("dangling-ref", f"{what} chapter {target!r}, which is merged into the {d.family} chapter and "
                    "has no number of its own", doc, loc, "refer to one of its articles")
        return
    declared = ctx.modules
    missing = sorted(m for m in d.requires - requires if declared is None or m in declared)
    if missing:
        mods = ", ".join(repr(m) for m in missing)
        yield error("dangling-ref", f"{what} {noun} {target!r}, which belongs to module {mods}: for a client "
                    "without it the reference dangles", doc, loc,
                    f"give this content the same module: {missing[0]}, or wrap the reference in "
                    f"{{% if \"{missing[0]}\" in modules %}}…{{% endif %}}")


def check_text_references(ctx: LintContext) -> Iterator[Finding]:
    """``ref()``, ``form()`` and ``checklist()`` in texts name what exists for every client."""
    for t in ctx.templates:
        for ref in t.use.refs if t.use else []:
            if ref.target is None:
                yield warning("dangling-ref", f"{ref.kind}() with a computed argument cannot be checked",
                              t.doc, t.loc, f"write the id as a string: {ref.kind}('full.id')")
                continue
            requires = t.site.place.requires | ref.guards
            yield from _resolve(ctx, ref.kind, ref.target, requires, t.doc, t.loc, "the text refers to")


def _clause_lists(ctx: LintContext, d: Def, what: str) -> Iterator[Finding]:
    for i, cid in enumerate(d.clauses):
        yield from _resolve(ctx, "ref", cid, d.requires, d.doc, d.loc + ("clauses", i), what)


def check_clause_lists(ctx: LintContext) -> Iterator[Finding]:
    """The clauses a form records and a check item checks exist; every check item checks one."""
    for d in ctx.index.values():
        if d.kind == "form":
            yield from _clause_lists(ctx, d, "the form names")
        elif d.kind == "check item":
            if not d.clauses:
                yield error("check-nothing", f"check item {d.id!r} checks no clause", d.doc, d.loc,
                            "list the clause ids it checks under clauses:, so the handbook can show which item "
                            "checks each clause")
            yield from _clause_lists(ctx, d, "the check item names")


RULES = (Rule("text-references", check_text_references, CODES),
         Rule("clause-lists", check_clause_lists, CODES))
