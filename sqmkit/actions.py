"""Corrective actions (整改): the register the improvement loop keeps.

An imported inspection makes one action per check item that
- failed (``fail``, or a score of 0 on a veto item): severity ``high`` for a veto item, else ``normal``;
- scored below its maximum *with a remark* (a partial score): severity ``normal``. A partial
  score without a remark makes none: the page asks for a remark on every partial score, so a
  partial without one is a minor deduction the inspector chose not to describe.

Each action carries the clauses its item checks (with their labels as the handbook numbers them,
第十二条), the remark, the owner — the department responsible for the first clause (``owner:`` of
the article, else of its chapter; else the document's owner as the profile names it; never an
invented unit) — and a due date: the inspection's date plus ``improvement.action_days_high`` or
``improvement.action_days_normal`` days of the client's parameters.

Statuses run ``open → in_progress → done → verified`` (by whom, when, an evidence note), or
``closed`` (a reason) from any status before verified; :data:`TRANSITIONS` lists what is allowed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .errors import StoreError
from .messages import _
from .model import ArticleNode, ChapterNode, Regulation
from .numbering import Numbering

STATUSES = ("open", "in_progress", "done", "verified", "closed")
#: status → the statuses it may move to
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "open": ("in_progress", "done", "closed"),
    "in_progress": ("open", "done", "closed"),
    "done": ("in_progress", "verified", "closed"),
    "verified": (),
    "closed": (),
}
#: statuses of an action still to be worked on (overdue when past its due date)
ACTIVE = ("open", "in_progress")
#: default rectification periods in days, when an industry declares no improvement parameters
DEFAULT_DAYS = {"high": 3, "normal": 10}


def status_name(status: str) -> str:
    names = {"open": _("open"), "in_progress": _("in progress"), "done": _("done"), "verified": _("verified"),
             "closed": _("closed")}
    return names.get(status, status)


def severity_name(severity: str) -> str:
    """A severity as the user reads it (``high`` for a veto item, else ``normal``)."""
    names = {"high": _("high (veto)"), "normal": _("normal")}
    return names.get(severity, severity)


def action_days(reg: Regulation) -> dict[str, int]:
    """Days to rectify by severity, from the client's ``improvement`` parameters."""
    group = reg.params.get("improvement") if isinstance(reg.params.get("improvement"), dict) else {}
    out = dict(DEFAULT_DAYS)
    for severity, name in (("high", "action_days_high"), ("normal", "action_days_normal")):
        value = group.get(name) if group else None
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            out[severity] = value
    return out


def clause_owner(reg: Regulation, clause_id: str) -> str | None:
    """The department key responsible for a clause: its article's owner (which holds its
    chapter's when it has none of its own); an item belongs to its article."""
    ident = clause_id
    while ident:
        node = reg.index.clauses.get(ident)
        if isinstance(node, (ArticleNode, ChapterNode)):
            return node.owner
        ident = ident.rpartition(".")[0]
    return None


def owner_of(reg: Regulation, clauses: list[str]) -> tuple[str | None, str]:
    """``(department key, name)`` of the owner of the first clause that has one; else the
    document's owner (no key), else nobody (``(None, "")``)."""
    for clause in clauses:
        key = clause_owner(reg, clause)
        if key:
            return key, reg.org.departments.get(key, key)
    return None, reg.document.owner or ""


def _needs_action(item: dict[str, Any], entry: dict[str, Any]) -> str | None:
    """The severity of the action an answer calls for, or None."""
    answer, remark = entry.get("answer"), str(entry.get("remark") or "").strip()
    if answer == "fail" or (item["veto"] and isinstance(answer, (int, float)) and answer == 0):
        return "high" if item["veto"] else "normal"
    if isinstance(answer, (int, float)) and not isinstance(answer, bool) and answer < item["max"] and remark:
        return "normal"
    return None


def actions_for(record: dict[str, Any], payload: dict[str, Any], reg: Regulation) -> list[dict[str, Any]]:
    """The actions an imported inspection makes (see the module docstring), in item order."""
    num = Numbering.of(reg)
    days = action_days(reg)
    checklist = reg.index.checklists[record["checklist"]]
    items = {i.id: i for i in checklist.items()}
    base = dt.date.fromisoformat(record["date"])
    out = []
    for spec in payload["items"]:
        entry = record["answers"].get(spec["id"]) or {}
        severity = _needs_action(spec, entry)
        node = items.get(spec["id"])
        if severity is None or node is None:
            continue
        clauses = [c for c in node.clauses if c in reg.index.clauses]
        key, name = owner_of(reg, clauses)
        out.append({
            "client": record["client"], "inspection": record["id"], "checklist": record["checklist"],
            "item": spec["id"], "item_text": node.text, "clauses": clauses,
            "clause_labels": [num.ref_label.get(c, c) for c in clauses], "remark": entry.get("remark") or "",
            "answer": entry.get("answer"), "owner": key, "owner_name": name, "severity": severity,
            "site": record["fields"].get("site", ""), "inspectee": record["fields"].get("inspectee", ""),
            "created": record["date"], "due": (base + dt.timedelta(days=days[severity])).isoformat(),
            "status": "open", "history": [{"status": "open", "at": record["imported_at"], "note": ""}],
        })
    return out


def is_overdue(action: dict[str, Any], today: dt.date) -> bool:
    return action["status"] in ACTIVE and dt.date.fromisoformat(action["due"]) < today


def transition(action: dict[str, Any], status: str, at: str, note: str = "", by: str | None = None,
               reason: str | None = None) -> dict[str, Any]:
    """The action's fields after moving it to ``status``; an illegal move is a :class:`StoreError`."""
    current = action["status"]
    if status not in STATUSES:
        raise StoreError(_("unknown status {status!r} (choose from: {known})").format(
            status=status, known=", ".join(STATUSES)))
    if status not in TRANSITIONS.get(current, ()):
        allowed = ", ".join(TRANSITIONS.get(current, ())) or _("none: the action is finished")
        raise StoreError(_("an action that is {current} cannot become {status} (allowed: {allowed})")
                        .format(current=current, status=status, allowed=allowed))
    step: dict[str, Any] = {"status": status, "at": at, "note": note}
    changes: dict[str, Any] = {"status": status, "history": [*action.get("history", []), step]}
    if status == "verified":
        if not by:
            raise StoreError(_("a verification names who verified (--by NAME)"))
        step["by"] = by
        changes.update(verified_by=by, verified_at=at, evidence=note)
    if status == "closed":
        if not reason:
            raise StoreError(_("closing an action needs a reason (--reason TEXT)"))
        step["note"] = reason
        changes.update(closed_reason=reason, closed_at=at)
    return changes


def supersede(old: list[dict[str, Any]], new: list[dict[str, Any]],
              at: str) -> tuple[list[dict[str, Any]], list[tuple[int, dict[str, Any]]]]:
    """Bring the actions an incomplete import made (``old``, each with its ``id``) in step with
    the actions its finished result makes (``new``): ``(to add, [(id, changes)])``.

    An item that now calls for an action and had none gets one; an open action whose item no
    longer calls for one is closed (superseded by the finished result); an open action whose
    item still does takes the finished result's remark, answer, severity and due date; an action
    already in progress or beyond is kept as it is."""
    have = {a["item"] for a in old}
    wanted = {a["item"]: a for a in new}
    changes: list[tuple[int, dict[str, Any]]] = []
    for action in old:
        if action["status"] != "open":
            continue
        now = wanted.get(action["item"])
        if now is None:
            changes.append((action["id"], transition(action, "closed", at, reason=_(
                "superseded by the finished result"))))
        else:
            changes.append((action["id"], {k: now[k] for k in ("remark", "answer", "severity", "due")}))
    return [a for a in new if a["item"] not in have], changes
