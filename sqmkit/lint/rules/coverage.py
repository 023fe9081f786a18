"""Coverage: service standards are inspectable (``unchecked``) and forms are used (``unused-form``).

An article of a service-standards chapter that no check item checks — neither the article, its
chapter nor one of its items — cannot be inspected with the plugin's checklists; a form that no
text mentions with ``{{ form("…") }}`` is printed but never asked for. Both are warnings: some
clauses cannot be inspected, and a form may be required by other means.
"""

from __future__ import annotations

from typing import Iterator

from ..context import LintContext
from ..findings import Finding, warning
from ..rule import Rule

CODES = ("unchecked", "unused-form")

#: families whose articles are expected to be inspectable by a checklist
CHECKED_FAMILIES = ("standards",)


def checked_clauses(ctx: LintContext) -> set[str]:
    """The ids of the chapters and clauses some check item checks."""
    out: set[str] = set()
    for d in ctx.index.values():
        if d.kind == "check item":
            out |= {t.id for t in (ctx.lookup("ref", cid) for cid in d.clauses) if t is not None}
    return out


def mentioned_forms(ctx: LintContext) -> set[str]:
    """The ids of the forms some text mentions with ``form()``."""
    return {ref.target for t in ctx.templates for ref in (t.use.refs if t.use else [])
            if ref.kind == "form" and ref.target is not None and ctx.lookup("form", ref.target) is not None}


def check_unchecked(ctx: LintContext) -> Iterator[Finding]:
    """Every service-standards article is checked by some check item."""
    checked = checked_clauses(ctx)
    for d in ctx.index.values():
        if d.kind != "clause" or d.family not in CHECKED_FAMILIES or d.level != "article":
            continue
        if d.id in checked or d.id.rsplit(".", 1)[0] in checked or any(c.startswith(d.id + ".") for c in checked):
            continue
        yield warning("unchecked", f"no checklist item checks {d.id!r}", d.doc, d.loc,
                      f"add a check item with clauses: [{d.id}] to a checklist, if the clause can be inspected")


def check_unused_forms(ctx: LintContext) -> Iterator[Finding]:
    """Every form is mentioned by some text."""
    mentioned = mentioned_forms(ctx)
    for d in ctx.index.values():
        if d.kind == "form" and d.id not in mentioned:
            how = "the clauses it names link to it, but " if d.clauses else ""
            yield warning("unused-form", f"{how}no text mentions form {d.id!r}", d.doc, d.loc,
                          f"mention it where the form is required: {{{{ form('{d.id}') }}}}")


RULES = (Rule("unchecked", check_unchecked, ("unchecked",)), Rule("unused-forms", check_unused_forms, ("unused-form",)))
