"""Borrowable modules (``borrow-ref``, ``borrow-requires``): a client of another industry may add
a module (``modules: [hospitality.catering]``) and gets only the module's content and what the
module lists under ``requires:``. So a module's texts must not refer to clauses, forms or
checklists of its own industry outside the module, and its check items must not check them,
unless ``requires:`` lists them (or the module says ``borrowable: false``). Every id ``requires``
lists must exist.

A reference guarded by ``{% if "x" in modules %}`` is not checked (the guard decides). For a
module that does not say ``borrowable:`` the finding is a warning; for ``borrowable: true`` it is
an error, as the assembler refuses to lend such a module.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..context import Def, LintContext
from ..findings import Finding, Loc, error, warning
from ..rule import Rule

CODES = ("borrow-ref", "borrow-requires")


def _modules(ctx: LintContext) -> list[tuple[int, dict[str, Any]]]:
    data = ctx.industry or {}
    return [(i, m) for i, m in enumerate(data.get("modules") or []) if isinstance(m, dict) and "id" in m]


def _covered(ident: str, requires: list[str]) -> bool:
    return any(ident == r or ident.startswith(r + ".") for r in requires)


def _outside(ctx: LintContext, target: str, module: str, requires: list[str]) -> bool:
    """Whether ``target`` is the plugin's own and not lent with ``module``."""
    d: Def | None = ctx.owner_of(target)
    if d is None or target in ctx.external:
        return False  # unknown (another rule says so) or the core's, which every industry has
    return module not in d.requires and not _covered(target, requires)


def _finding(module: dict[str, Any], code: str, message: str, doc: Any, loc: Loc, hint: str) -> Finding:
    make = error if module.get("borrowable") is True else warning
    return make(code, message, doc, loc, hint)


def check_borrowed_references(ctx: LintContext) -> Iterator[Finding]:
    """A borrowable module's texts and check items stay inside it (or declare what they need)."""
    for _i, module in _modules(ctx):
        mid, requires = str(module["id"]), [str(r) for r in module.get("requires") or []]
        if module.get("borrowable") is False:
            continue
        hint = f"list it under requires: of module {mid!r} in industry.yaml, or set borrowable: false"
        for t in ctx.templates:
            if mid not in t.site.place.requires or t.use is None:
                continue
            for ref in t.use.refs:
                if ref.target is not None and not ref.guards and _outside(ctx, ref.target, mid, requires):
                    yield _finding(module, "borrow-ref", f"module {mid!r} can be borrowed by another industry, but "
                                   f"its text refers to {ref.target!r}, which is outside the module", t.doc, t.loc,
                                   hint)
        for d in ctx.index.values():
            if d.kind == "check item" and mid in d.requires:
                for n, cid in enumerate(d.clauses):
                    if _outside(ctx, cid, mid, requires):
                        yield _finding(module, "borrow-ref", f"module {mid!r} can be borrowed by another industry, "
                                       f"but check item {d.id!r} checks {cid!r}, which is outside the module",
                                       d.doc, d.loc + ("clauses", n), hint)


def check_requires(ctx: LintContext) -> Iterator[Finding]:
    """Every id a module ``requires`` is a chapter, article, form or checklist of the plugin."""
    if ctx.industry_file is None:
        return
    for i, module in _modules(ctx):
        for j, ident in enumerate(module.get("requires") or []):
            d = ctx.index.get(str(ident))
            if d is None or d.kind not in ("chapter", "clause", "form", "checklist"):
                yield error("borrow-requires", f"module {module['id']!r} requires {ident!r}, which is not a chapter, "
                            "article, form or checklist of this plugin", ctx.industry_file.doc,
                            ("modules", i, "requires", j), "write the full id, e.g. industry.controls.chapter.article")


RULES = (Rule("borrowed-references", check_borrowed_references, CODES),
         Rule("module-requires", check_requires, CODES))
