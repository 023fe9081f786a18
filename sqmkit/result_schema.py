"""The file a checklist page exports, read strictly: format 2 (remarks, photos, KPIs, an id, the
checklist's version and hash) and format 1 (the 0.2 export), which is converted to format 2 in
memory. Every problem is a :class:`~sqmkit.errors.DataError` naming the file and the field; the
limits below are each refused with a message naming them. Strings come back without control
characters or terminal escapes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from .errors import DataError
from .messages import _
from .storefile import clean_text, parse_json, shown

#: the format markers of an exported result
RESULT_FORMAT = "sqmkit-inspection/2"
RESULT_FORMAT_1 = "sqmkit-inspection/1"

#: the largest result file read (photos travel inside it)
MAX_RESULT_BYTES = 50 * 1024 * 1024
#: answers in one result (a checklist has a few dozen items)
MAX_ANSWERS = 2000
#: header fields (inspectee, inspector, date, …) in one result
MAX_FIELDS = 50
#: characters of one field's text or remark
MAX_TEXT = 2000
#: characters of an id (client, checklist, version, check item)
MAX_ID = 200
#: the largest number an answer may hold (scores are small; this only bounds the input)
MAX_NUMBER = 1_000_000
#: photos in one result, and the size of one (decoded)
MAX_PHOTOS = 20
MAX_PHOTO_BYTES = 2 * 1024 * 1024
#: KPI values in one result
MAX_KPIS = 200


def _iso_time(value: str) -> str:
    dt.datetime.fromisoformat(value)
    return value


Ident = Annotated[str, StringConstraints(min_length=1, max_length=MAX_ID), AfterValidator(clean_text)]
FieldName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")]
FieldText = Annotated[str, StringConstraints(max_length=MAX_TEXT), AfterValidator(clean_text)]
Number = Annotated[float, Field(ge=-MAX_NUMBER, le=MAX_NUMBER, allow_inf_nan=False)]
Answer = Literal["pass", "fail", "na"] | Number | None
Hash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{12}$")]
Timestamp = Annotated[str, StringConstraints(max_length=40), AfterValidator(_iso_time)]
#: base64 of at most MAX_PHOTO_BYTES (4 characters per 3 bytes)
PhotoData = Annotated[str, StringConstraints(max_length=(MAX_PHOTO_BYTES + 2) // 3 * 4 + 4)]


class ResultFile(BaseModel):
    """Format 1 (sqmkit 0.2): answers without remarks, a ``build`` (``number@version#hash``)."""

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


class AnswerEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    answer: Answer = None
    remark: FieldText = ""


class Photo(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    item: Ident
    name: Annotated[str, StringConstraints(max_length=MAX_ID), AfterValidator(clean_text)] = ""
    type: Literal["image/jpeg", "image/png", "image/webp"]
    data: PhotoData


class Result(BaseModel):
    """Format 2, what the checklist page exports (a format 1 file is converted to it: no id,
    no remarks, no photos). ``total``, ``grade``, ``veto_failed``, ``answered`` and ``items`` are
    the page's own claims: compared with the re-score, never trusted."""

    model_config = ConfigDict(extra="forbid", strict=True)

    format: Literal["sqmkit-inspection/2", "sqmkit-inspection/1"]
    id: Ident | None = None
    client: Ident
    checklist: Ident
    version: Ident | None = None
    hash: Hash | None = None
    started_at: Timestamp | None = None
    finished_at: Timestamp | None = None
    fields: dict[FieldName, FieldText] = Field(default_factory=dict, max_length=MAX_FIELDS)
    answers: dict[Ident, AnswerEntry] = Field(max_length=MAX_ANSWERS)
    photos: list[Photo] = Field(default_factory=list, max_length=MAX_PHOTOS)
    kpis: dict[Ident, Number] = Field(default_factory=dict, max_length=MAX_KPIS)
    total: Number | None = None
    grade: Annotated[str, StringConstraints(max_length=MAX_ID)] | None = None
    veto_failed: list[Ident] = Field(default_factory=list, max_length=MAX_ANSWERS)
    answered: int | None = None
    items: int | None = None

    @property
    def legacy(self) -> bool:
        return self.format == RESULT_FORMAT_1

    def plain_answers(self) -> dict[str, Any]:
        return {k: a.answer for k, a in self.answers.items()}

    @property
    def build(self) -> str | None:
        """``number@version#hash`` as format 1 wrote it (None when the file named no version)."""
        if self.version is None:
            return None
        return self.version + (f"#{self.hash}" if self.hash else "")


def from_format_1(old: ResultFile) -> Result:
    """A format 1 result as format 2 (finished: the 0.2 page had no unfinished export)."""
    version, _sep, digest = (old.build or "").partition("#")
    return Result.model_construct(
        format="sqmkit-inspection/1", id=None, client=old.client, checklist=old.checklist, version=version or None,
        hash=digest or None, started_at=None, finished_at=None, fields=old.fields,
        answers={k: AnswerEntry.model_construct(answer=v, remark="") for k, v in old.answers.items()},
        photos=[], kpis={}, total=old.total, grade=old.grade, veto_failed=old.veto_failed, answered=None,
        items=None)


# ---------------------------------------------------------------------------------------------
# Schema errors as messages
# ---------------------------------------------------------------------------------------------


def where(loc: tuple[int | str, ...]) -> str:
    """The field path of a schema error, without pydantic's union tags (nor a bad key), printable."""
    if "[key]" in loc:
        loc = loc[:loc.index("[key]") - 1]
    parts = [str(p) for p in loc if not (isinstance(p, str) and (p in ("str", "float", "none")
                                                                   or p.startswith(("literal[", "function-"))))]
    return shown(".".join(parts))[:300]


def _answer_problem(loc: tuple[Any, ...], model: type[BaseModel]) -> str | None:
    if loc[0] != "answers" or len(loc) < 2 or "[key]" in loc:
        return None
    if model is Result and (len(loc) == 2 or loc[2] != "answer"):
        return None
    return _('an answer must be "pass", "fail", "na", a score between 0 and the item\'s maximum, or null')


def _schema_problem(err: Any, model: type[BaseModel]) -> str:
    kind, ctx, loc = err["type"], err.get("ctx") or {}, err["loc"]
    limits = {"string_too_long": _("longer than the limit of {limit} characters"),
              "too_long": _("more than the limit of {limit} entries")}
    if kind in limits:
        return limits[kind].format(limit=ctx.get("max_length"))
    if kind in ("string_too_short", "too_short"):
        return _("must not be empty")
    if kind == "extra_forbidden":
        return _("unknown field (a result file has: {known})").format(
            known=", ".join(model.model_fields if len(loc) == 1 else ()) or _("see the result format"))
    if kind == "missing":
        return _("required field is missing")
    if "[key]" in loc and loc[0] == "fields":
        return _("a field name must be a letter followed by at most 63 letters, digits, '-' or '_' "
                 "(found {name})").format(name=repr(loc[loc.index("[key]") - 1])[:80])
    answer = _answer_problem(loc, model)
    if answer:
        return answer
    if kind in ("less_than_equal", "greater_than_equal", "finite_number"):
        return _("the number must be finite and within ±{limit}").format(limit=MAX_NUMBER)
    if kind == "string_pattern_mismatch" and loc[-1] == "hash":
        return _("a hash is 12 hexadecimal digits")
    if kind == "value_error":
        return _("not a valid date and time (expected ISO 8601, e.g. 2026-03-02T09:15:00+08:00)")
    expected = {"dict_type": _("an object"), "string_type": _("text"), "list_type": _("a list"),
                "float_type": _("a number"), "int_type": _("a whole number"), "model_type": _("an object"),
                "literal_error": _("one of {choices}").format(choices=ctx.get("expected", ""))}.get(kind)
    if expected:
        return _("expected {expected}").format(expected=expected)
    return str(err["msg"])


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------

#: a JSON escape of a UTF-16 surrogate: the only way a lone surrogate gets into a parsed string
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _not_json(path: str, problem: str, line: int | None = None) -> DataError:
    return DataError(path, "", _("not a JSON result file ({problem})").format(problem=problem), line)


def _json(path: str, text: str) -> Any:
    try:
        data = parse_json(text)
    except json.JSONDecodeError as exc:
        raise _not_json(path, exc.msg, exc.lineno) from None
    except (ValueError, RecursionError) as exc:
        raise _not_json(path, _("nested too deeply") if isinstance(exc, RecursionError) else str(exc)) from None
    if _SURROGATE_ESCAPE.search(text):
        data = _without_surrogates(path, data)
    return data


def parse_result(path: str, text: str) -> Result:
    """Check an exported result's shape and limits (format 2, or format 1 converted)."""
    data = _json(path, text)
    found = data.get("format") if isinstance(data, dict) else None
    model: type[BaseModel] = ResultFile if found == RESULT_FORMAT_1 else Result
    if found not in (RESULT_FORMAT, RESULT_FORMAT_1):
        raise DataError(path, "format", _("expected {expected!r} (or {old!r})").format(
            expected=RESULT_FORMAT, old=RESULT_FORMAT_1), hint=_("export the result with the checklist page's "
                                                                "export button"))
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise DataError(path, where(err["loc"]), _schema_problem(err, model)) from None
    if isinstance(parsed, ResultFile):
        return from_format_1(parsed)
    assert isinstance(parsed, Result)
    for name in ("id", "version", "hash"):
        if getattr(parsed, name) is None:
            raise DataError(path, name, _("required field is missing"))
    return parsed


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
        raise _not_json(path, _("nested too deeply")) from None


def read_result_file(path: str) -> Result:
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
        raise _not_json(path, _("not UTF-8 text")) from None
    return parse_result(path, text)
