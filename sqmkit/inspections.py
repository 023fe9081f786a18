"""Inspections: the scoring data a checklist page carries, scoring an inspection the same way
the page does in the browser, and turning an exported result (:mod:`sqmkit.result_schema`) into
the record the store keeps.

Answers map a check item id to ``"pass"``, ``"fail"``, ``"na"``, a number (score mode) or
``None`` (not yet inspected). Imported results are re-scored here, never trusted: a result whose
own total or grade differs from the re-score is refused unless the caller accepts the re-score.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import DataError
from .messages import _
from .model import ChecklistNode, KpisNode, Regulation
from .result_schema import (  # re-exported: the names importers and tests use
    MAX_ANSWERS, MAX_FIELDS, MAX_ID, MAX_NUMBER, MAX_RESULT_BYTES, MAX_TEXT, RESULT_FORMAT, Result, ResultFile,
    parse_result, read_result_file, where,
)

__all__ = [
    "MAX_ANSWERS", "MAX_FIELDS", "MAX_ID", "MAX_NUMBER", "MAX_RESULT_BYTES", "MAX_TEXT", "RESULT_FORMAT", "Result",
    "ResultFile", "parse_result", "read_result_file", "where", "checklist_payload", "Score", "AnswerError", "score",
    "result_digest", "plain", "find_duplicate", "ImportedResult", "score_result", "regulation_kpis",
]

def checklist_payload(reg: Regulation, checklist: ChecklistNode) -> dict[str, Any]:
    """The scoring data embedded in a checklist page: ``version`` (document number@version) and
    ``hash`` (12 hex digits of the scoring data) identify it; ``build`` joins them (format 1)."""
    payload: dict[str, Any] = {
        "client": reg.profile.id,
        "checklist": checklist.id,
        "bands": [{"grade": b.grade, "min": b.min} for b in checklist.bands],
        "fail_grade": checklist.fail_grade,
        "items": [{"id": i.id, "max": i.max, "weight": i.weight, "veto": i.veto, "mode": i.mode}
                  for i in checklist.items()],
    }
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]
    payload["version"] = f"{reg.document.number}@{reg.document.version}"
    payload["hash"] = digest
    payload["build"] = f"{payload['version']}#{digest}"
    return payload


#: the unit after a KPI target's figure ("≥ 97.5%" → "%", "≤ 1件/万件" → "件/万件")
_UNIT = re.compile(r"\d+(?:\.\d+)?\s*([^\d\s；;，,。（(]*)")


def regulation_kpis(reg: Regulation) -> list[dict[str, str]]:
    """The regulation's KPIs an inspector may record a reading of: ``id`` (the id a result's
    ``kpis`` names), ``name``, ``target`` as the handbook prints it and the ``unit`` read from it."""
    out: list[dict[str, str]] = []
    for clause in reg.clauses():
        block = getattr(clause, "block", None)
        if not isinstance(block, KpisNode):
            continue
        for k in block.kpis:
            if any(seen["id"] == k.id for seen in out):
                continue
            m = _UNIT.search(k.target)
            out.append({"id": k.id, "name": k.name, "target": k.target, "unit": m[1] if m else ""})
    return out


@dataclass
class Score:
    """A scored inspection; ``total`` and ``grade`` are None while nothing is answered, or when
    nothing answered is scorable (every answer N/A): the page shows no grade then either."""

    total: float | None
    grade: str | None
    answered: int
    veto_failed: list[str] = field(default_factory=list)


class AnswerError(ValueError):
    """An answer that does not fit its check item; ``item`` is the item's id."""

    def __init__(self, message: str, item: str):
        super().__init__(message)
        self.item = item


def _points(item: dict[str, Any], answer: Any) -> float:
    mx = float(item["max"])
    if answer == "pass":
        return mx
    if answer == "fail":
        return 0.0
    if isinstance(answer, (int, float)) and not isinstance(answer, bool) and item["mode"] == "score":
        if not 0 <= answer <= mx:
            raise AnswerError(_("score {score} for {item!r} is outside 0–{max}; scores are refused, not "
                                "clamped").format(score=f"{answer:g}", item=item["id"], max=item["max"]), item["id"])
        return float(answer)
    raise AnswerError(_("answer {answer!r} for {item!r} is not valid for a {mode} item").format(
        answer=answer, item=item["id"], mode=item["mode"]), item["id"])


def score(data: dict[str, Any], answers: dict[str, Any]) -> Score:
    """Score ``answers`` against a :func:`checklist_payload`."""
    earned = possible = 0.0
    answered = 0
    veto_failed: list[str] = []
    unknown = sorted(set(answers) - {i["id"] for i in data["items"]})
    if unknown:
        raise AnswerError(_("unknown check item {item!r}").format(item=unknown[0]), unknown[0])
    for item in data["items"]:
        a = answers.get(item["id"])
        if a == "na":
            answered += 1
            continue
        possible += float(item["weight"]) * float(item["max"])
        if a is None:
            continue
        got = _points(item, a)
        answered += 1
        earned += float(item["weight"]) * got
        if item["veto"] and got == 0:
            veto_failed.append(item["id"])
    if not answered or not possible:  # nothing answered, or nothing scorable (every answer N/A)
        return Score(None, None, answered, [])
    total = math.floor(earned / possible * 1000 + 0.5) / 10
    grade = next((b["grade"] for b in data["bands"] if total >= b["min"]), data["bands"][-1]["grade"])
    return Score(total, data["fail_grade"] if veto_failed else grade, answered, veto_failed)


# ---------------------------------------------------------------------------------------------
# Re-scoring, and the identity of a result
# ---------------------------------------------------------------------------------------------


def result_digest(client: str, checklist: str, build: str | None, fields: dict[str, Any],
                  answers: dict[str, Any]) -> str:
    """The identity of a format 1 result: a hash of what the inspector recorded (not of when it
    was imported, nor of the page's own total), with numbers normalised (``5`` is ``5.0``)."""
    norm = {k: float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for k, v in answers.items()}
    body = {"client": client, "checklist": checklist, "build": build, "fields": fields, "answers": norm}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def plain(answers: dict[str, Any]) -> dict[str, Any]:
    """``{item: answer}`` of stored answers (format 2 stores ``{answer, remark}`` per item)."""
    return {k: v.get("answer") if isinstance(v, dict) else v for k, v in answers.items()}


def find_duplicate(rows: list[dict[str, Any]], digest: str, result_id: str | None = None) -> dict[str, Any] | None:
    """The stored result with this id, or (format 1) this digest; results stored before 0.2 carry
    no digest: theirs is computed."""
    for row in rows:
        if result_id is not None and row.get("id") == result_id:
            return row
        known = row.get("digest") or result_digest(row["client"], row["checklist"], row.get("build"),
                                                   row.get("fields") or {}, plain(row.get("answers") or {}))
        if known == digest:
            return row
    return None


@dataclass
class ImportedResult:
    """A result re-scored against a checklist payload: the record the store keeps."""

    checklist: ChecklistNode
    payload: dict[str, Any]
    score: Score
    record: dict[str, Any]

    @property
    def stale(self) -> bool:
        """Whether the result was recorded on another version of the checklist than the current."""
        return bool(self.record["build"] != self.record["current_build"])

    @property
    def digest(self) -> str:
        return str(self.record["digest"])

    @property
    def unanswered(self) -> list[str]:
        return [i["id"] for i in self.payload["items"] if self.record["answers"].get(i["id"], {}).get("answer") is None]


def _inspection_date(result: Result, imported_at: str) -> str:
    """The day of the inspection: its ``date`` field, else the day it finished or started, else
    the import day."""
    for value in (result.fields.get("date"), result.finished_at, result.started_at):
        if value:
            try:
                return (dt.date.fromisoformat(value[:10])).isoformat()
            except ValueError:
                continue
    return imported_at[:10]


def _check_kpis(path: str, result: Result, reg: Regulation) -> None:
    """Refuse a KPI reading of a KPI the regulation does not define (the schema already refused
    anything but a finite number)."""
    known = [k["id"] for k in regulation_kpis(reg)]
    unknown = sorted(set(result.kpis) - set(known))
    if unknown:
        raise DataError(path, where(("kpis", unknown[0])), _("{kpi!r} is not a KPI of this regulation (its KPIs: "
                                                            "{known})").format(kpi=unknown[0], known=", ".join(known) or _("none")))


def score_result(path: str, result: Result, reg: Regulation, imported_at: str,
                 payload: dict[str, Any] | None = None) -> ImportedResult:
    """Re-score a checked result against the client's checklist (``payload``: the scoring data
    of the version it was recorded on; by default the current one)."""
    if result.client != reg.profile.id:
        raise DataError(path, "client", _("{found!r} is not this profile's client {client!r}").format(
            found=result.client, client=reg.profile.id))
    checklist = reg.index.checklists.get(result.checklist)
    if checklist is None:
        raise DataError(path, "checklist", _("{found!r} is not in this client's regulation").format(
            found=result.checklist))
    _check_kpis(path, result, reg)
    current = checklist_payload(reg, checklist)
    payload = payload or current
    answers = result.plain_answers()
    try:
        s = score(payload, answers)
    except AnswerError as exc:
        raise DataError(path, where(("answers", exc.item)), str(exc)) from None
    build = result.build
    digest = result_digest(reg.profile.id, checklist.id, build, result.fields, answers)
    record = {"id": result.id or digest, "format": 1 if result.legacy else 2, "client": reg.profile.id,
              "checklist": checklist.id, "imported_at": imported_at, "date": _inspection_date(result, imported_at),
              "version": result.version, "hash": result.hash, "build": build, "current_build": current["build"],
              "started_at": result.started_at, "finished_at": result.finished_at, "fields": result.fields,
              "answers": {k: {"answer": a.answer, "remark": a.remark} for k, a in result.answers.items()},
              "kpis": dict(result.kpis), "photos": [], "total": s.total, "grade": s.grade,
              "veto_failed": s.veto_failed, "answered": s.answered, "items": len(payload["items"]),
              "incomplete": False, "rescored": False, "digest": digest}
    return ImportedResult(checklist, payload, s, record)
