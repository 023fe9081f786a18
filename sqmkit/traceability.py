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



def basis(reg: Regulation, numbering: Numbering, clause_ids: list[str]) -> list[TraceLink]:
    """The clauses a form records as its 依据条款 column prints them: in document order, each once,
    an item left out when its article is listed too, and three or more consecutive articles as one
    range (第三条至第五条); each link points at the first clause it names."""
    position = {cid: i for i, cid in enumerate(reg.clause_ids())}
    articles = [a.id for ch in reg.chapters for a in ch.articles]
    article_no = {aid: i for i, aid in enumerate(articles)}
    ids = sorted((c for c in dict.fromkeys(clause_ids) if c in position), key=position.__getitem__)
    ids = [c for c in ids if not any(c.startswith(a + ".") for a in ids if a in article_no)]
    runs: list[list[str]] = []
    for cid in ids:
        last = runs[-1][-1] if runs else None
        if last in article_no and cid in article_no and article_no[cid] == article_no[last] + 1:
            runs[-1].append(cid)
        else:
            runs.append([cid])
    out: list[TraceLink] = []
    for run in runs:
        if len(run) >= 3:
            joiner = "–" if reg.language == "en" else "至"
            out.append(TraceLink(run[0], numbering.ref_text(run[0], see=False) + joiner
                                 + numbering.ref_text(run[-1], see=False)))
        else:
            out.extend(TraceLink(cid, numbering.ref_text(cid, see=False)) for cid in run)
    return out
