"""Localizable texts and stable ids: the two value types every data file uses.

A :class:`Text` is a string per language (a plain string means zh-CN); an id is a stable name,
never a position — :data:`SegmentId` for a local id (``no-private-fees``) and :data:`DottedId`
for a full one (``courier.standards.conduct``). Each is validated here, once, and used by every
model of :mod:`sqmkit.schema`.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict

#: Languages a text may carry. zh-CN is required; English is addable without restructuring.
LANGUAGES = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"

#: A local id segment: lower-case ascii, digits and hyphens.
SEGMENT_RE = re.compile(r"^[a-z][a-z0-9-]{0,47}$")
#: A full dotted id such as ``courier.standards.conduct.no-private-fees``.
DOTTED_RE = re.compile(r"^[a-z][a-z0-9-]{0,47}(\.[a-z][a-z0-9-]{0,47}){0,7}$")


def _check_text_mapping(value: Any) -> dict[str, str]:
    if isinstance(value, str):
        return {DEFAULT_LANGUAGE: value}
    if isinstance(value, dict):
        unknown = [k for k in value if k not in LANGUAGES]
        if unknown:
            raise ValueError(f"unknown language {unknown[0]!r}; use one of {', '.join(LANGUAGES)}")
        if DEFAULT_LANGUAGE not in value:
            raise ValueError(f"a {DEFAULT_LANGUAGE} text is required")
        for lang, text in value.items():
            if not isinstance(text, str):
                raise ValueError(f"the {lang} text must be a string, not {type(text).__name__}")
        return dict(value)
    raise ValueError(f"expected a string or a mapping of language to string, not {type(value).__name__}")


class Text(dict[str, str]):
    """A localizable string: ``{"zh-CN": "…", "en": "…"}``; a plain string means zh-CN."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:  # noqa: D105
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(
            lambda v: cls(_check_text_mapping(v)),
            serialization=core_schema.plain_serializer_function_ser_schema(dict),
        )

    def get(self, lang: str = DEFAULT_LANGUAGE, default: str | None = None) -> str:  # type: ignore[override]
        if lang in self:
            return self[lang]
        return dict.get(self, DEFAULT_LANGUAGE, default or "")


def _segment(value: str) -> str:
    if not isinstance(value, str) or not SEGMENT_RE.match(value):
        raise ValueError(
            f"{value!r} is not a valid id segment: use lower-case letters, digits and hyphens, "
            "starting with a letter (at most 48 characters)"
        )
    return value


def _dotted(value: str) -> str:
    if not isinstance(value, str) or not DOTTED_RE.match(value):
        raise ValueError(
            f"{value!r} is not a valid dotted id such as 'courier.standards.conduct': "
            "lower-case segments of letters, digits and hyphens joined by dots"
        )
    return value


#: A local id (``no-private-fees``), validated once here and used by every model.
SegmentId = Annotated[str, AfterValidator(_segment)]
#: A full dotted id (``courier.standards.conduct``), validated once here and used by every model.
DottedId = Annotated[str, AfterValidator(_dotted)]


class Strict(BaseModel):
    """The base of every spec model: an unknown field is an error, never silently dropped.

    A model's validator is built when it is first used (``defer_build``), not when its module is
    imported: a command builds only the models it validates (a model nested in another is built
    as part of it), which is most of what importing the schema used to cost."""

    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=False, defer_build=True)
