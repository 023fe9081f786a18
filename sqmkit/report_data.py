"""The figures of an improvement report over a period: grades per checklist and per unit, score
trends, the most-failed clauses, open and overdue actions, KPI attainment against the
regulation's targets, and inspections planned (the checklists' schedules) against done.

Plain data, no rendering: :mod:`sqmkit.render.improvement_report` lays it out; a group report
puts several clients' :class:`ReportData` side by side.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from .actions import ACTIVE, is_overdue
from .inspections import checklist_payload
from .model import KpisNode, Regulation
from .numbering import Numbering
from .periods import Period

#: how many of the most-failed clauses a report lists
TOP_CLAUSES = 10
_TARGET = re.compile(r"(≥|>=|不低于|不少于|≤|<=|不高于|不超过|不大于|>|<)?\s*(-?\d+(?:\.\d+)?)\s*(%|％)?")


@dataclass
class GradeTable:
    """Counts of each grade (columns, best first) by row (a checklist, a unit)."""

    grades: list[str]
    rows: list[tuple[str, dict[str, int], float]]  # (name, counts by grade, average total)


@dataclass
class Trend:
    """Average totals per time bucket, one line per checklist."""

    buckets: list[str]
    lines: dict[str, list[float | None]]


@dataclass
class FailedClause:
    id: str
    label: str
    text: str
    count: int
    chapter: int  # the chapter's index in the handbook (its page is chapter-NN.html)


@dataclass
class KpiAttainment:
    id: str
    name: str
    target: str
    measured: float | None
    samples: int
    met: bool | None


@dataclass
class Plan:
    checklist: str
    planned: int | None
    done: int
    per: str | None
    times: int | None


@dataclass
class ReportData:
    client: str
    company: str
    period: Period
    as_of: dt.date
    inspections: int
    by_checklist: GradeTable
    by_unit: GradeTable
    trend: Trend
    failed: list[FailedClause]
    open_actions: list[dict[str, Any]]
    overdue: int
    kpis: list[KpiAttainment]
    plans: list[Plan]
    average: float | None = None
    flags: dict[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.inspections == 0


def _day(row: dict[str, Any]) -> dt.date:
    return dt.date.fromisoformat(str(row.get("date") or row["imported_at"][:10]))


def _grade_table(rows: list[dict[str, Any]], key: Any, grades: list[str]) -> GradeTable:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[key(r)].append(r)
    out = []
    for name in sorted(groups):
        counts = Counter(r["grade"] for r in groups[name])
        avg = sum(float(r["total"]) for r in groups[name]) / len(groups[name])
        out.append((name, {g: counts.get(g, 0) for g in grades}, round(avg, 1)))
    return GradeTable(grades, out)


def _all_grades(reg: Regulation) -> list[str]:
    seen: list[str] = []
    for c in reg.checklists:
        for b in c.bands:
            if b.grade not in seen:
                seen.append(b.grade)
    return seen


def _bucket(day: dt.date, period: Period) -> str:
    if (period.end - period.start).days <= 62:
        monday = day - dt.timedelta(days=day.weekday())
        return monday.isoformat()
    return f"{day.year}-{day.month:02d}"


def _trend(rows: list[dict[str, Any]], reg: Regulation, period: Period) -> Trend:
    buckets = sorted({_bucket(_day(r), period) for r in rows})
    lines: dict[str, list[float | None]] = {}
    for c in reg.checklists:
        mine = [r for r in rows if r["checklist"] == c.id]
        if not mine:
            continue
        values: list[float | None] = []
        for b in buckets:
            totals = [float(r["total"]) for r in mine if _bucket(_day(r), period) == b]
            values.append(round(sum(totals) / len(totals), 1) if totals else None)
        lines[c.title] = values
    return Trend(buckets, lines)


def _failed_items(row: dict[str, Any], items: dict[str, dict[str, Any]]) -> list[str]:
    out = []
    for item_id, entry in (row.get("answers") or {}).items():
        answer = entry.get("answer") if isinstance(entry, dict) else entry
        spec = items.get(item_id)
        if spec is None or answer in (None, "na", "pass"):
            continue
        if answer == "fail" or (isinstance(answer, (int, float)) and answer < spec["max"]):
            out.append(item_id)
    return out


def _failed_clauses(rows: list[dict[str, Any]], reg: Regulation, num: Numbering) -> list[FailedClause]:
    counts: Counter[str] = Counter()
    for c in reg.checklists:
        items = {i["id"]: i for i in checklist_payload(reg, c)["items"]}
        nodes = {i.id: i for i in c.items()}
        for r in rows:
            if r["checklist"] != c.id:
                continue
            for item in _failed_items(r, items):
                counts.update(cl for cl in nodes[item].clauses if cl in reg.index.clauses)
    out = []
    for clause_id, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_CLAUSES]:
        node = reg.index.clauses[clause_id]
        text = getattr(node, "title", None) or getattr(node, "text", None) or ""
        out.append(FailedClause(clause_id, num.ref_label.get(clause_id, clause_id), str(text), n,
                                num.chapter_of.get(clause_id, 0)))
    return out


def _target(text: str) -> tuple[str, float] | None:
    m = _TARGET.search(text)
    if not m:
        return None
    op = {"≥": ">=", ">=": ">=", "不低于": ">=", "不少于": ">=", "≤": "<=", "<=": "<=", "不高于": "<=", "不超过": "<=",
          "不大于": "<=", ">": ">", "<": "<"}.get(m[1] or "", ">=")
    return op, float(m[2])


def _met(op: str, value: float, target: float) -> bool:
    return {">=": value >= target, "<=": value <= target, ">": value > target, "<": value < target}[op]


def _kpis(rows: list[dict[str, Any]], reg: Regulation) -> list[KpiAttainment]:
    out = []
    for clause in reg.clauses():
        block = getattr(clause, "block", None)
        if not isinstance(block, KpisNode):
            continue
        for k in block.kpis:
            local = k.id.rpartition(".")[2]
            values = [float(v) for r in rows for key, v in (r.get("kpis") or {}).items() if key in (k.id, local)]
            measured = round(sum(values) / len(values), 2) if values else None
            target = _target(k.target)
            met = _met(target[0], measured, target[1]) if target and measured is not None else None
            out.append(KpiAttainment(k.id, k.name, k.target, measured, len(values), met))
    return out


def _planned(per: str, times: int, period: Period) -> int:
    days = (period.end - period.start).days + 1
    units = {"week": days / 7, "month": period.months(), "quarter": period.months() / 3, "year": period.months() / 12}
    return max(1, round(times * units[per]))


def _plans(rows: list[dict[str, Any]], reg: Regulation, period: Period) -> list[Plan]:
    out = []
    for c in reg.checklists:
        done = sum(1 for r in rows if r["checklist"] == c.id)
        if c.schedule is None:
            out.append(Plan(c.title, None, done, None, None))
        else:
            per, times = c.schedule
            out.append(Plan(c.title, _planned(per, times, period), done, per, times))
    return out


def report_data(reg: Regulation, inspections: list[dict[str, Any]], actions: list[dict[str, Any]],
                period: Period, today: dt.date) -> ReportData:
    """The figures of one client's report over ``period``; overdue is judged on the earlier of
    ``today`` and the period's last day."""
    as_of = min(today, period.end)
    rows = [r for r in inspections if _day(r) in period]
    scored = [r for r in rows if r.get("total") is not None]  # a result with nothing answered has no grade
    titles = {c.id: c.title for c in reg.checklists}
    grades = _all_grades(reg)
    unit = (lambda r: (r.get("fields") or {}).get("site") or (r.get("fields") or {}).get("inspectee") or "—")
    open_actions = [a for a in actions if a["status"] in ACTIVE and dt.date.fromisoformat(a["created"]) <= period.end]
    open_actions.sort(key=lambda a: (a["due"], a.get("id", 0)))
    num = Numbering.of(reg)
    return ReportData(
        client=reg.profile.id, company=reg.company.name, period=period, as_of=as_of, inspections=len(rows),
        by_checklist=_grade_table(scored, lambda r: titles.get(r["checklist"], r["checklist"]), grades),
        by_unit=_grade_table(scored, unit, grades), trend=_trend(scored, reg, period),
        failed=_failed_clauses(rows, reg, num), open_actions=open_actions,
        overdue=sum(1 for a in open_actions if is_overdue(a, as_of)), kpis=_kpis(rows, reg),
        plans=_plans(rows, reg, period),
        average=round(sum(float(r["total"]) for r in scored) / len(scored), 1) if scored else None,
        flags={"incomplete": sum(1 for r in rows if r.get("incomplete")),
               "rescored": sum(1 for r in rows if r.get("rescored"))})
