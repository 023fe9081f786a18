"""Inspections: the scoring data a checklist page carries, scoring an inspection the same way
the page does in the browser, and importing a result the page exported.

Answers map a check item id to ``"pass"``, ``"fail"``, ``"na"``, a number (score mode) or
``None`` (not yet inspected). Imported results are re-scored here, never trusted.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import Any

from .errors import DataError
from .model import ChecklistNode, Regulation

#: the format marker of an exported result
RESULT_FORMAT = "sqmkit-inspection/1"


def checklist_payload(reg: Regulation, checklist: ChecklistNode) -> dict[str, Any]:
    """The scoring data embedded in a checklist page; ``build`` identifies its version."""
    payload: dict[str, Any] = {
        "client": reg.profile.id,
        "checklist": checklist.id,
        "bands": [{"grade": b.grade, "min": b.min} for b in checklist.bands],
        "fail_grade": checklist.fail_grade,
        "items": [{"id": i.id, "max": i.max, "weight": i.weight, "veto": i.veto, "mode": i.mode}
                  for i in checklist.items()],
    }
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]
    payload["build"] = f"{reg.document.number}@{reg.document.version}#{digest}"
    return payload


@dataclass
class Score:
    total: float
    grade: str
    answered: int
    veto_failed: list[str] = field(default_factory=list)


class AnswerError(ValueError):
    """An answer that does not fit its check item."""


def _points(item: dict[str, Any], answer: Any) -> float:
    mx = float(item["max"])
    if answer == "pass":
        return mx
    if answer == "fail":
        return 0.0
    if isinstance(answer, (int, float)) and not isinstance(answer, bool) and item["mode"] == "score":
        if not 0 <= answer <= mx:
            raise AnswerError(f"score {answer} for {item['id']!r} is outside 0–{item['max']}")
        return float(answer)
    raise AnswerError(f"answer {answer!r} for {item['id']!r} is not valid for a {item['mode']} item")


def score(data: dict[str, Any], answers: dict[str, Any]) -> Score:
    """Score ``answers`` against a :func:`checklist_payload`."""
    earned = possible = 0.0
    answered = 0
    veto_failed: list[str] = []
    unknown = sorted(set(answers) - {i["id"] for i in data["items"]})
    if unknown:
        raise AnswerError(f"unknown check item {unknown[0]!r}")
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
    total = math.floor(earned / possible * 1000 + 0.5) / 10 if possible else 0.0
    grade = next((b["grade"] for b in data["bands"] if total >= b["min"]), data["bands"][-1]["grade"])
    return Score(total, data["fail_grade"] if veto_failed else grade, answered, veto_failed)


@dataclass
class ImportedResult:
    """A result file re-scored against the client's current checklist."""

    checklist: ChecklistNode
    payload: dict[str, Any]
    score: Score
    record: dict[str, Any]

    @property
    def stale(self) -> bool:
        """Whether the result was recorded on another version of the checklist."""
        return bool(self.record["build"] != self.payload["build"])


def read_result(path: str, text: str, reg: Regulation, imported_at: str) -> ImportedResult:
    """Parse and re-score one exported result; every problem is a :class:`DataError` naming the
    file and the field."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(path, "", f"not a JSON result file ({exc.msg})", exc.lineno) from None
    if not isinstance(data, dict) or data.get("format") != RESULT_FORMAT:
        raise DataError(path, "format", f"expected {RESULT_FORMAT!r}")
    if data.get("client") != reg.profile.id:
        raise DataError(path, "client", f"{data.get('client')!r} is not this profile's client {reg.profile.id!r}")
    checklist = reg.index.checklists.get(str(data.get("checklist")))
    if checklist is None:
        raise DataError(path, "checklist", f"{data.get('checklist')!r} is not in this client's regulation")
    if not isinstance(data.get("answers"), dict):
        raise DataError(path, "answers", "expected an object of item id → answer")
    payload = checklist_payload(reg, checklist)
    try:
        s = score(payload, data["answers"])
    except AnswerError as exc:
        raise DataError(path, "answers", str(exc)) from None
    record = {"client": reg.profile.id, "checklist": checklist.id, "imported_at": imported_at,
              "build": data.get("build"), "current_build": payload["build"],
              "fields": data.get("fields") or {}, "answers": data["answers"],
              "total": s.total, "grade": s.grade, "veto_failed": s.veto_failed}
    return ImportedResult(checklist, payload, s, record)
