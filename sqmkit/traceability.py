"""The clause–form–checklist matrix (条款—表单—检查表对照表).

The printed handbook does not interrupt its articles with working notes ("记录：《…》",
"检查项：《…》"); it prints this matrix as an appendix instead: every clause that a form records
or a checklist item checks, in document order, with those forms and items. The HTML site may
still show the same links inline; both are read from the model's indexes
(:meth:`Regulation.forms_for`, :meth:`Regulation.checked_by`).
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import ArticleNode, ChapterNode, Regulation
from .numbering import Numbering


@dataclass(frozen=True)
class TraceLink:
    """A form or a checklist item linked to a clause: its anchor in the printed document and
    its text (``F01 客户投诉登记表``, ``《网点服务检查表》2.3``)."""

    target: str
    text: str


@dataclass(frozen=True)
class TraceRow:
    """One clause of the matrix: its reference (第十二条, 第十二条第二项), the title of the
    article it belongs to, and the forms that record it and the checklist items that check it."""

    clause_id: str
    reference: str
    title: str | None
    forms: tuple[TraceLink, ...]
    checks: tuple[TraceLink, ...]


def form_text(reg: Regulation, form_id: str) -> str:
    form = reg.form(form_id)
    return f"{form.code} {form.title}" if form.code else form.title


def matrix(reg: Regulation, numbering: Numbering) -> list[TraceRow]:
    """Every clause with a form or a checklist item, in document order."""
    rows: list[TraceRow] = []
    title: str | None = None
    for clause in reg.clauses():
        if isinstance(clause, ChapterNode):
            title = clause.title
        elif isinstance(clause, ArticleNode):
            title = clause.title
        forms = tuple(TraceLink(fid, form_text(reg, fid)) for fid in reg.forms_for(clause.id))
        checks = tuple(
            TraceLink(cid, f"《{reg.checklist(cid).title}》{numbering.check_label[item_id]}")
            for cid, item_id in reg.checked_by(clause.id))
        if forms or checks:
            rows.append(TraceRow(clause.id, numbering.ref_text(clause.id, see=False), title, forms, checks))
    return rows

