"""What each table of the store holds: one pydantic model a table, and a bad record's problem in
sqmkit's words. Imported by :mod:`sqmkit.store` when it first checks a record, so a command that
reads no record (a build the cache finds up to date for a client never issued) needs no pydantic."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

from .messages import _
from .storefile import shown


def _iso_date(value: str) -> str:
    dt.date.fromisoformat(value)
    return value


def _iso_time(value: str) -> str:
    dt.datetime.fromisoformat(value)
    return value


class _Row(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class ClientRow(_Row):
    id: str
    profile: dict[str, Any]
    source: str | None = None


class VersionRow(_Row):
    client: str
    version: str
    date: Annotated[str, AfterValidator(_iso_date)]
    description: str
    snapshot: dict[str, Any]
    by: str | None = None


class BuildRow(_Row):
    client: str
    version: str | None = None
    formats: list[str] = []
    profile_sha256: str | None = None
    inputs_sha256: str | None = None
    plugins: dict[str, str | None] = {}


class InspectionRow(_Row):
    """An imported result (format 2 adds id, version, hash, date, answers as {answer, remark},
    kpis, photos, flags; rows of format 1 imports lack them and read as before)."""

    client: str
    checklist: str
    imported_at: Annotated[str, AfterValidator(_iso_time)]
    total: float | None  # None (and grade None): nothing was answered (stored only as incomplete)
    grade: str | None
    fields: dict[str, str] = {}
    answers: dict[str, Any] = {}
    build: str | None = None
    digest: str | None = None
    id: str | None = None
    date: Annotated[str, AfterValidator(_iso_date)] | None = None
    kpis: dict[str, float] = {}
    incomplete: bool = False
    rescored: bool = False


class ActionRow(_Row):
    """A corrective action (:mod:`sqmkit.actions`)."""

    client: str
    inspection: str
    checklist: str
    item: str
    severity: Literal["high", "normal"]
    status: Literal["open", "in_progress", "done", "verified", "closed"]
    created: Annotated[str, AfterValidator(_iso_date)]
    due: Annotated[str, AfterValidator(_iso_date)]
    clauses: list[str] = []
    remark: str = ""
    owner: str | None = None
    owner_name: str = ""


ROW_MODELS: dict[str, type[_Row]] = {"clients": ClientRow, "versions": VersionRow, "builds": BuildRow,
                                     "inspections": InspectionRow, "actions": ActionRow}


def _row_problem(exc: ValidationError) -> tuple[str, str]:
    """``(field, problem)`` of the first error of a record's validation."""
    err = exc.errors()[0]
    loc = shown(".".join(str(p) for p in err["loc"]))[:200]
    kind = err["type"]
    if kind == "missing":
        return loc, _("a required field is missing")
    if kind == "value_error" or kind.startswith(("date", "datetime")):
        return loc, _("{value!r} is not a valid date or time").format(value=str(err.get("input"))[:40])
    expected = _kind_name(kind.split("_")[0])
    found = {str: "string", dict: "dict", list: "list", bool: "bool", int: "int", float: "float"}.get(
        type(err["input"]), "null")
    return loc, _("expected {expected}, found {found}").format(expected=expected, found=_kind_name(found))


def _kind_name(word: str) -> str:
    """A JSON type's name for a person, from pydantic's type word."""
    names = {"string": _("text"), "dict": _("an object"), "float": _("a number"), "int": _("a whole number"),
             "list": _("a list"), "bool": _("true or false"), "null": _("null")}
    return names.get(word, word)


def row_problem(table: str, row: dict[str, Any]) -> tuple[str, str] | None:
    """``(field, problem)`` when ``row`` lacks a field ``table`` needs or has one of the wrong
    type; None when it is good."""
    try:
        ROW_MODELS[table].model_validate(row)
    except ValidationError as exc:
        return _row_problem(exc)
    return None
