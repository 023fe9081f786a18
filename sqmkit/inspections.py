"""Inspections: the scoring data a checklist page carries, scoring an inspection the same way
the page does in the browser, and importing a result the page exported.

Answers map a check item id to ``"pass"``, ``"fail"``, ``"na"``, a number (score mode) or
``None`` (not yet inspected). Imported results are re-scored here, never trusted.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from .errors import DataError
from .messages import _
from .model import ChecklistNode, Regulation
from .storefile import clean_text, parse_json, shown

#: the format marker of an exported result
RESULT_FORMAT = "sqmkit-inspection/1"

# Limits on a result file (``results import``): each is refused with a message naming it.
#: the largest result file read
MAX_RESULT_BYTES = 5 * 1024 * 1024
#: answers in one result (a checklist has a few dozen items)
MAX_ANSWERS = 2000
#: header fields (inspectee, inspector, date, …) in one result
MAX_FIELDS = 50
#: characters of one field's text
MAX_TEXT = 2000
#: characters of an id (client, checklist, build, check item)
MAX_ID = 200
#: the largest number an answer may hold (scores are small; this only bounds the input)
MAX_NUMBER = 1_000_000


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
    total = math.floor(earned / possible * 1000 + 0.5) / 10 if possible else 0.0
    grade = next((b["grade"] for b in data["bands"] if total >= b["min"]), data["bands"][-1]["grade"])
    return Score(total, data["fail_grade"] if veto_failed else grade, answered, veto_failed)


# ---------------------------------------------------------------------------------------------
# Reading an exported result: a strict schema with limits
# ---------------------------------------------------------------------------------------------

Ident = Annotated[str, StringConstraints(min_length=1, max_length=MAX_ID), AfterValidator(clean_text)]
FieldName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")]
FieldText = Annotated[str, StringConstraints(max_length=MAX_TEXT), AfterValidator(clean_text)]
Number = Annotated[float, Field(ge=-MAX_NUMBER, le=MAX_NUMBER, allow_inf_nan=False)]
Answer = Literal["pass", "fail", "na"] | Number | None


class ResultFile(BaseModel):
    """What a checklist page exports. ``total``, ``grade`` and ``veto_failed`` are the page's
    own claims: read, never trusted (the result is re-scored)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    format: Literal["sqmkit-inspection/1"]
    client: Ident
    checklist: Ident
    build: Ident | None = None
    fields: dict[FieldName, FieldText] = Field(default_factory=dict, max_length=MAX_FIELDS)
    answers: dict[Ident, Answer] = Field(max_length=MAX_ANSWERS)
    total: Number | None = None
    grade: Annotated[str, StringConstraints(max_length=MAX_ID)] | None = None
    veto_failed: list[Ident] = Field(default_factory=list, max_length=MAX_ANSWERS)


def _where(loc: tuple[int | str, ...]) -> str:
    """The field path of a schema error, without pydantic's union tags (nor a bad key), printable."""
    if "[key]" in loc:
        loc = loc[:loc.index("[key]") - 1]
    parts = [str(p) for p in loc if not (isinstance(p, str) and (p in ("str", "float", "none")
                                                                   or p.startswith(("literal[", "function-"))))]
    return shown(".".join(parts))[:300]


def _schema_problem(err: Any) -> str:
    kind, ctx, loc = err["type"], err.get("ctx") or {}, err["loc"]
    limits = {"string_too_long": _("longer than the limit of {limit} characters"),
              "too_long": _("more than the limit of {limit} entries")}
    if kind in limits:
        return limits[kind].format(limit=ctx.get("max_length"))
    if kind in ("string_too_short", "too_short"):
        return _("must not be empty")
    if kind == "extra_forbidden":
        return _("unknown field (a result file has: {known})").format(known=", ".join(ResultFile.model_fields))
    if kind == "missing":
        return _("required field is missing")
    if "[key]" in loc and loc[0] == "fields":
        return _("a field name must be a letter followed by at most 63 letters, digits, '-' or '_' "
                 "(found {name})").format(name=repr(loc[loc.index("[key]") - 1])[:80])
    if loc[0] == "answers" and len(loc) > 1 and "[key]" not in loc:
        return _('an answer must be "pass", "fail", "na", a score between 0 and the item\'s maximum, or null')
    if kind in ("less_than_equal", "greater_than_equal", "finite_number"):
        return _("the number must be finite and within ±{limit}").format(limit=MAX_NUMBER)
    if kind == "literal_error" and loc == ("format",):
        return _("expected {expected!r}").format(expected=RESULT_FORMAT)
    expected = {"dict_type": _("an object"), "string_type": _("text"), "list_type": _("a list"),
                "float_type": _("a number"), "int_type": _("a number")}.get(kind)
    if expected:
        return _("expected {expected}").format(expected=expected)
    return str(err["msg"])


def parse_result(path: str, text: str) -> ResultFile:
    """Check an exported result's shape and limits; strings come back without control
    characters. Every problem is a :class:`DataError` naming the file and the field."""
    try:
        data = parse_json(text)
    except json.JSONDecodeError as exc:
        raise DataError(path, "", _("not a JSON result file ({problem})").format(problem=exc.msg), exc.lineno) from None
    except (ValueError, RecursionError) as exc:
        problem = _("nested too deeply") if isinstance(exc, RecursionError) else str(exc)
        raise DataError(path, "", _("not a JSON result file ({problem})").format(problem=problem)) from None
    if not isinstance(data, dict) or data.get("format") != RESULT_FORMAT:
        raise DataError(path, "format", _("expected {expected!r}").format(expected=RESULT_FORMAT),
                        hint=_("export the result with the checklist page's export button"))
    if _SURROGATE_ESCAPE.search(text):
        data = _without_surrogates(path, data)
    try:
        return ResultFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise DataError(path, _where(err["loc"]), _schema_problem(err)) from None


#: a JSON escape of a UTF-16 surrogate: the only way a lone surrogate gets into a parsed string
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _without_surrogates(path: str, value: Any) -> Any:
    """``value`` with lone surrogates dropped from every string (they cannot be stored as UTF-8)."""
    def walk(v: Any) -> Any:
        if isinstance(v, str):
            return "".join(ch for ch in v if not 0xD800 <= ord(ch) <= 0xDFFF)
        if isinstance(v, dict):
            return {walk(k): walk(x) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x) for x in v]
        return v

    try:
        return walk(value)
    except RecursionError:
        raise DataError(path, "", _("not a JSON result file ({problem})").format(problem=_("nested too deeply"))) from None


def read_result_file(path: str) -> ResultFile:
    """Read and check a result file: a regular file of at most :data:`MAX_RESULT_BYTES`, UTF-8."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise DataError(path, "", _("not a regular file"))
        with open(path, "rb") as fh:
            raw = fh.read(MAX_RESULT_BYTES + 1)
    except OSError as exc:
        raise DataError(path, "", _("cannot read the file: {reason}").format(reason=exc.strerror or exc)) from None
    if len(raw) > MAX_RESULT_BYTES:
        raise DataError(path, "", _("the file is larger than the limit of {limit} MB for a result file").format(
            limit=MAX_RESULT_BYTES // (1024 * 1024)))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(path, "", _("not a JSON result file (not UTF-8 text)")) from None
    return parse_result(path, text)


# ---------------------------------------------------------------------------------------------
# Re-scoring, and the identity of a result
# ---------------------------------------------------------------------------------------------


def result_digest(client: str, checklist: str, build: str | None, fields: dict[str, Any],
                  answers: dict[str, Any]) -> str:
    """The identity of a result: a hash of what the inspector recorded (not of when it was
    imported, nor of the page's own total), with numbers normalised (``5`` is ``5.0``)."""
    norm = {k: float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for k, v in answers.items()}
    body = {"client": client, "checklist": checklist, "build": build, "fields": fields, "answers": norm}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def find_duplicate(rows: list[dict[str, Any]], digest: str) -> dict[str, Any] | None:
    """The stored result with ``digest`` (results stored before 0.2 carry none: theirs is computed)."""
    for row in rows:
        known = row.get("digest") or result_digest(row["client"], row["checklist"], row.get("build"),
                                                   row.get("fields") or {}, row.get("answers") or {})
        if known == digest:
            return row
    return None


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

    @property
    def digest(self) -> str:
        return str(self.record["digest"])


def score_result(path: str, result: ResultFile, reg: Regulation, imported_at: str) -> ImportedResult:
    """Re-score a checked result against the client's checklist."""
    if result.client != reg.profile.id:
        raise DataError(path, "client", _("{found!r} is not this profile's client {client!r}").format(
            found=result.client, client=reg.profile.id))
    checklist = reg.index.checklists.get(result.checklist)
    if checklist is None:
        raise DataError(path, "checklist", _("{found!r} is not in this client's regulation").format(
            found=result.checklist))
    payload = checklist_payload(reg, checklist)
    try:
        s = score(payload, result.answers)
    except AnswerError as exc:
        raise DataError(path, _where(("answers", exc.item)), str(exc)) from None
    record = {"client": reg.profile.id, "checklist": checklist.id, "imported_at": imported_at,
              "build": result.build, "current_build": payload["build"],
              "fields": result.fields, "answers": result.answers,
              "total": s.total, "grade": s.grade, "veto_failed": s.veto_failed,
              "digest": result_digest(reg.profile.id, checklist.id, result.build, result.fields, result.answers)}
    return ImportedResult(checklist, payload, s, record)


def read_result(path: str, text: str, reg: Regulation, imported_at: str) -> ImportedResult:
    """Parse and re-score one exported result; every problem is a :class:`DataError` naming the
    file and the field."""
    return score_result(path, parse_result(path, text), reg, imported_at)
