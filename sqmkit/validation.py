"""Pydantic's validation errors in sqmkit's own words, in the user's language.

Pydantic words its errors in English ("Input should be a valid string"), for programmers. Every
error a person sees is one of the messages below instead, chosen by the error's ``type`` and
translated with :func:`sqmkit.messages._`; an error type not listed here still gets a plain
"invalid value" with pydantic's detail, never a traceback. :func:`sqmkit.yamlio.validation_error`
adds the file, field path and line.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Callable, Iterable, get_args

from .grades import LocatedValueError
from .messages import _

if TYPE_CHECKING:  # pragma: no cover  # pydantic is imported where a model is validated, not here
    from pydantic import BaseModel
    from pydantic_core import ErrorDetails

#: an example of the date form every date field takes
DATE_EXAMPLE = "2026-01-31"


def did_you_mean(word: str, known: Iterable[str]) -> str | None:
    """The known word closest to ``word``, if one is close enough to be a likely typo."""
    import difflib

    found = difflib.get_close_matches(str(word), sorted(known), n=1, cutoff=0.6)
    return found[0] if found else None


def unknown_hint(word: str, known: Iterable[str]) -> str:
    """"did you mean X? known: a, b, c" (or just the known words)."""
    names = sorted(known)
    if not names:
        return _("none is declared")
    listed = ", ".join(names)
    guess = did_you_mean(word, names)
    if guess is not None:
        return _("did you mean {guess!r}? known: {known}").format(guess=guess, known=listed)
    return _("known: {known}").format(known=listed)


def number_text(value: float) -> str:
    """A number as a person writes it: ``5``, ``97.5`` (never ``5.0``)."""
    return str(value) if isinstance(value, int) else f"{value:g}"


def describe(value: Any) -> str:
    """What a value is, for a message: "the number 0.9", "a list", "the text 'abc'" …"""
    if value is None:
        return _("nothing (null)")
    if isinstance(value, bool):
        return _("the yes/no value {value}").format(value=str(value).lower())
    if isinstance(value, (int, float)):
        return _("the number {value}").format(value=number_text(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return _("the date {value}").format(value=value.isoformat())
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:40] + "…"
        return _("the text {value!r}").format(value=shown)
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a mapping")
    return type(value).__name__


def quote_hint(key: str | int, written: str) -> str:
    """The hint for a number or date where text is expected: quote it (``version: "0.9"``)."""
    example = f'{key}: "{written}"' if isinstance(key, str) else f'- "{written}"'
    return _("YAML reads an unquoted {value} as a number or a date; put it in quotes: {example}").format(
        value=written, example=example)


def written_value(line_text: str, key: str | int) -> str | None:
    """The value as written on a YAML line (``version: 0.9  # x`` → ``0.9``), when it is plain."""
    text = line_text.split(" #", 1)[0].strip()
    if isinstance(key, int):
        return text[1:].strip() if text.startswith("-") else None
    head, sep, value = text.partition(":")
    return value.strip() if sep and head.strip().strip("-").strip() == key and value.strip() else None


def _ctx(err: ErrorDetails, key: str) -> Any:
    return (err.get("ctx") or {}).get(key)


def _too_short(err: ErrorDetails) -> str:
    if isinstance(err.get("input"), str):
        return _("must not be empty")
    return _("needs at least {count} item(s)").format(count=_ctx(err, "min_length"))


def _too_long(err: ErrorDetails) -> str:
    if isinstance(err.get("input"), str):
        return _("is too long: at most {count} characters").format(count=_ctx(err, "max_length"))
    return _("has too many items: at most {count}").format(count=_ctx(err, "max_length"))


def _date(err: ErrorDetails) -> str:
    return _("{value} is not a valid date; write a date like {example}").format(
        value=describe(err.get("input")), example=DATE_EXAMPLE)


_MESSAGES: dict[str, Callable[[ErrorDetails], str]] = {
    "missing": lambda e: _("required field is missing"),
    "extra_forbidden": lambda e: _("unknown field"),
    "string_type": lambda e: _("expected text, not {got}").format(got=describe(e.get("input"))),
    "string_too_short": _too_short,
    "string_too_long": _too_long,
    "too_short": _too_short,
    "too_long": _too_long,
    "int_type": lambda e: _("expected a whole number, not {got}").format(got=describe(e.get("input"))),
    "int_parsing": lambda e: _("expected a whole number, not {got}").format(got=describe(e.get("input"))),
    "int_from_float": lambda e: _("expected a whole number, not {got}").format(got=describe(e.get("input"))),
    "float_type": lambda e: _("expected a number, not {got}").format(got=describe(e.get("input"))),
    "float_parsing": lambda e: _("expected a number, not {got}").format(got=describe(e.get("input"))),
    "finite_number": lambda e: _("NaN and infinity are not allowed; write a number"),
    "bool_type": lambda e: _("expected true or false, not {got}").format(got=describe(e.get("input"))),
    "bool_parsing": lambda e: _("expected true or false, not {got}").format(got=describe(e.get("input"))),
    "list_type": lambda e: _("expected a list (like [a, b]), not {got}").format(got=describe(e.get("input"))),
    "dict_type": lambda e: _("expected a mapping of names to values, not {got}").format(got=describe(e.get("input"))),
    "model_type": lambda e: _("expected a mapping of fields, not {got}").format(got=describe(e.get("input"))),
    "model_attributes_type": lambda e: _("expected a mapping of fields, not {got}").format(
        got=describe(e.get("input"))),
    "date_type": _date,
    "date_parsing": _date,
    "date_from_datetime_parsing": _date,
    "date_from_datetime_inexact": _date,
    "datetime_type": _date,
    "greater_than": lambda e: _("must be more than {limit}").format(limit=_ctx(e, "gt")),
    "greater_than_equal": lambda e: _("must be at least {limit}").format(limit=_ctx(e, "ge")),
    "less_than": lambda e: _("must be less than {limit}").format(limit=_ctx(e, "lt")),
    "less_than_equal": lambda e: _("must be at most {limit}").format(limit=_ctx(e, "le")),
    "literal_error": lambda e: _("must be one of {expected}").format(expected=_ctx(e, "expected")),
    "enum": lambda e: _("must be one of {expected}").format(expected=_ctx(e, "expected")),
    "union_tag_invalid": lambda e: _("unknown kind {tag!r}; use one of {expected}").format(
        tag=_ctx(e, "tag"), expected=_ctx(e, "expected_tags")),
    "union_tag_not_found": lambda e: _("the field {field!r} is missing").format(field=_ctx(e, "discriminator")),
    "string_pattern_mismatch": lambda e: _("does not have the expected form ({pattern})").format(
        pattern=_ctx(e, "pattern")),
    "is_instance_of": lambda e: _("expected a mapping of fields, not {got}").format(got=describe(e.get("input"))),
}


def error_message(err: ErrorDetails) -> tuple[tuple[str | int, ...], str, str | None]:
    """``(location below the error's own, message, hint)`` for one pydantic error."""
    kind = err["type"]
    cause = _ctx(err, "error")
    if kind in ("value_error", "assertion_error"):
        sub = tuple(cause.loc) if isinstance(cause, LocatedValueError) else ()
        msg = cause.problem if isinstance(cause, LocatedValueError) else str(cause) if cause else err["msg"]
        for prefix in ("Value error, ", "Assertion failed, "):
            msg = msg[len(prefix):] if msg.startswith(prefix) else msg
        return sub, msg, None
    make = _MESSAGES.get(kind)
    if make is None:
        return (), _("invalid value: {detail}").format(detail=err["msg"]), None
    return (), make(err), None


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model an annotation holds (``Model``, ``Model | None``, ``list[Model]``, ``dict[str, Model]``)."""
    from pydantic import BaseModel

    stack = [annotation]
    while stack:
        ann = stack.pop()
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            return ann
        stack.extend(a for a in get_args(ann) if a is not type(None))
    return None


def fields_at(model: type[BaseModel], loc: Iterable[str | int]) -> list[str]:
    """The field names (YAML keys) of the model found at ``loc`` inside ``model``, or ``[]``."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return []
        if isinstance(part, int):
            continue
        info = current.model_fields.get(str(part))
        if info is None:  # a key of a dict of models: stay on the dict's model
            continue
        current = _model_in(info.annotation)
    if current is None:
        return []
    return sorted(info.alias or name for name, info in current.model_fields.items() if not info.exclude)
