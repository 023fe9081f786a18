"""The data schema of what plugins contribute: industries, chapters, forms and checklists.

These pydantic models are the public contract between plugins and the core. A plugin may build them
in Python or, more usually, write them as YAML data files and load them with
:class:`sqmkit.datapack.DataPack`. Every text field is *localizable*: a plain string is taken as
zh-CN, a mapping gives one string per language (``{"zh-CN": "…", "en": "…"}``).

Text fields are small Jinja templates rendered against the client profile, so a clause can say
``{{ org.departments.operations }}负责…`` or ``不超过{{ params.vehicle.paint_damage_max_cm2 }}平方厘米``
and read as written for that client. ``{{ ref("clause.id") }}`` renders a cross-reference
(见第X条) and ``{{ form("form.id") }}`` the title of a form with a link to it.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Union

from .grades import check_scale, check_scales_in
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

#: Languages a text may carry. zh-CN is required; English is addable without restructuring.
LANGUAGES = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"

#: A local id segment: lower-case ascii, digits and hyphens. Stable ids are names, never positions.
SEGMENT_RE = re.compile(r"^[a-z][a-z0-9-]{0,47}$")
#: A full dotted id such as ``courier.standards.conduct.no-private-fees``.
DOTTED_RE = re.compile(r"^[a-z][a-z0-9-]{0,47}(\.[a-z][a-z0-9-]{0,47}){0,7}$")

#: The parts of a handbook: the three families the kit is about (standards, controls,
#: improvement) and the frame around them (总则, 奖惩, 附则). Printed in the order of
#: :data:`sqmkit.hookspecs.FAMILY_HOOKS`.
Family = Literal["general", "standards", "controls", "improvement", "incentives", "supplementary"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=False)


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


class Text(dict):
    """A localizable string: ``{"zh-CN": "…", "en": "…"}``; a plain string means zh-CN."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source, handler):  # noqa: D105
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


# ---------------------------------------------------------------------------------------------
# Industries
# ---------------------------------------------------------------------------------------------


class Module(_Strict):
    """An optional module of an industry, switched on per client (e.g. cash-on-delivery)."""

    id: SegmentId
    name: Text
    description: Text | None = None



class Industry(_Strict):
    """An industry a plugin adds: its names, optional modules and parameter defaults.

    ``parameters`` declares every parameter the industry's texts may use, with its default value;
    a client profile may override values but not add keys nor change types. ``organization``
    gives default department names and responsible posts (by key), which a profile overrides.
    """

    id: SegmentId
    name: Text
    description: Text | None = None
    modules: list[Module] = Field(default_factory=list)
    parameters: dict[str, Any] = Field(default_factory=dict)
    departments: dict[str, Text] = Field(default_factory=dict)
    roles: dict[str, Text] = Field(default_factory=dict)
    title: Text | None = None  # the regulation's title, e.g. 快递服务质量管理制度

    @field_validator("parameters")
    @classmethod
    def _scales(cls, v: dict[str, Any]) -> dict[str, Any]:
        return check_scales_in(v)  # every grade scale among the defaults (sqmkit.grades)

    @model_validator(mode="after")
    def _unique_modules(self):
        seen = set()
        for m in self.modules:
            if m.id in seen:
                raise ValueError(f"module {m.id!r} is declared twice")
            seen.add(m.id)
        return self

    def module_ids(self) -> list[str]:
        return [m.id for m in self.modules]


# ---------------------------------------------------------------------------------------------
# Structured blocks inside articles
# ---------------------------------------------------------------------------------------------


class TableBlock(_Strict):
    """A plain table: column headings and rows of cells."""

    kind: Literal["table"]
    caption: Text | None = None
    columns: list[Text]
    rows: list[list[Text]]

    @model_validator(mode="after")
    def _row_widths(self):
        for i, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(f"row {i + 1} has {len(row)} cells but there are {len(self.columns)} columns")
        return self


class GradesBlock(_Strict):
    """A grade scale taken from a parameter (a list of bands), rendered as a table.

    ``param`` is the dotted parameter path of the bands, e.g. ``grading.courier``; each band is a
    mapping with ``grade``, ``min`` (lowest score that earns it), ``label`` and optional ``consequence``.
    """

    kind: Literal["grades"]
    caption: Text | None = None
    param: str
    veto_note: Text | None = None


class Kpi(_Strict):
    id: SegmentId
    name: Text
    formula: Text
    target: Text
    frequency: Text
    owner: Text | None = None



class KpisBlock(_Strict):
    """Key performance indicators: name, formula, target, frequency, owner."""

    kind: Literal["kpis"]
    caption: Text | None = None
    kpis: list[Kpi]


class IncentiveRule(_Strict):
    """One reward or penalty rule, as data.

    ``points`` are penalty points (or merit points for rewards), ``amount`` a sum in yuan;
    ``repeat`` says how a repeat within the period is treated (e.g. 2 = doubled each repeat);
    ``escalation`` who else is held accountable; ``grade`` links the rule to a grade band.
    """

    id: SegmentId
    kind: Literal["reward", "penalty"]
    trigger: Text
    points: Text | None = None
    amount: Text | None = None
    repeat: Text | None = None
    escalation: Text | None = None
    grade: Text | None = None



class IncentivesBlock(_Strict):
    kind: Literal["incentives"]
    caption: Text | None = None
    rules: list[IncentiveRule]


class Activity(_Strict):
    """An improvement-cycle activity: what, who owns it, how often, what it produces."""

    id: SegmentId
    name: Text
    owner: Text
    interval: Text
    output: Text | None = None



class ActivitiesBlock(_Strict):
    kind: Literal["activities"]
    caption: Text | None = None
    activities: list[Activity]


class Step(_Strict):
    """A step of a procedure (e.g. complaint handling) with owner and time limit."""

    id: SegmentId
    name: Text
    owner: Text
    time_limit: Text | None = None
    escalation: Text | None = None



class StepsBlock(_Strict):
    kind: Literal["steps"]
    caption: Text | None = None
    steps: list[Step]


class Duty(_Strict):
    """A unit's place in a responsibility matrix: responsible / executes / supervises / assists."""

    unit: Text
    role: Literal["responsible", "executes", "supervises", "assists"]
    duties: list[Text] = Field(default_factory=list)


class DutiesBlock(_Strict):
    kind: Literal["duties"]
    caption: Text | None = None
    duties: list[Duty]


Block = Annotated[
    Union[TableBlock, GradesBlock, KpisBlock, IncentivesBlock, ActivitiesBlock, StepsBlock, DutiesBlock],
    Field(discriminator="kind"),
]

# ---------------------------------------------------------------------------------------------
# Regulation content: chapter → article → item
# ---------------------------------------------------------------------------------------------


class Item(_Strict):
    """A 款/项 of an article. Items nest: 一、 → （一） → 1."""

    id: SegmentId
    text: Text
    module: str | None = None
    items: list["Item"] = Field(default_factory=list)



class Article(_Strict):
    """A 条: an optional heading, a lead text, items and an optional structured block."""

    id: SegmentId
    title: Text | None = None
    text: Text | None = None
    items: list[Item] = Field(default_factory=list)
    block: Block | None = None
    after: Text | None = None  # a closing paragraph after items/block
    module: str | None = None
    order: int = 100  # only used where articles from several plugins are merged (总则, 附则)

    @model_validator(mode="after")
    def _has_content(self):
        if self.text is None and not self.items and self.block is None:
            raise ValueError("an article needs a text, items or a block")
        return self


class Chapter(_Strict):
    """A 章. ``id`` is the full dotted prefix of every clause id inside it.

    Which part of the handbook a chapter belongs to (its family) is stated once: by the hook that
    returns it (``register_controls`` → controls), or, in a data pack, by the ``family:`` of its
    ``rules/*.yaml`` file (:class:`ChapterFile`). Chapters of the general and supplementary
    families are merged into the single 总则 and 附则 chapters, their articles sorted by ``order``;
    every other chapter needs a title. ``module`` limits the chapter to clients that switch that
    module on.
    """

    id: DottedId
    title: Text | None = None
    order: int = 100
    module: str | None = None
    intro: Text | None = None
    articles: list[Article]

    @model_validator(mode="after")
    def _has_articles(self) -> "Chapter":
        if not self.articles:
            raise ValueError("a chapter needs at least one article")
        return self


#: families whose chapters are merged into one chapter and need no title of their own
MERGED_FAMILIES: tuple[Family, ...] = ("general", "supplementary")


class ChapterFile(Chapter):
    """One ``rules/*.yaml`` file of a data pack: a :class:`Chapter` plus the family it belongs to,
    which decides the hook the pack hands it to."""

    family: Family

    @model_validator(mode="after")
    def _title_needed(self) -> "ChapterFile":
        if self.family not in MERGED_FAMILIES and self.title is None:
            raise ValueError(f"a {self.family} chapter needs a title")
        return self

    def chapter(self) -> Chapter:
        """The chapter itself, without the family (the hook states it)."""
        return Chapter.model_construct(**{name: getattr(self, name) for name in Chapter.model_fields})


# ---------------------------------------------------------------------------------------------
# Forms
# ---------------------------------------------------------------------------------------------

FieldType = Literal["text", "textarea", "date", "number", "choice", "multichoice", "signature", "score", "checkbox"]


class FormField(_Strict):
    id: SegmentId
    label: Text
    type: FieldType = "text"
    choices: list[Text] = Field(default_factory=list)
    max: int | None = None  # for score fields
    width: Literal[1, 2, 3, 4] = 2  # in quarters of the page (record layout) or relative column width
    hint: Text | None = None

    @model_validator(mode="after")
    def _choices(self):
        if self.type in ("choice", "multichoice") and not self.choices:
            raise ValueError(f"a {self.type} field needs choices")
        if self.type == "score" and not self.max:
            raise ValueError("a score field needs max")
        return self


class FormSection(_Strict):
    id: SegmentId
    title: Text | None = None
    fields: list[FormField]



class Form(_Strict):
    """A printable blank form (表单).

    ``layout: record`` prints labelled boxes for one record per sheet; ``layout: register`` prints
    a ruled table with ``rows`` blank lines, one column per field. ``clauses`` names the clause ids
    that require this form; the handbook links them both ways.
    """

    id: DottedId
    title: Text
    code: str | None = None  # a form number suffix, e.g. "F01"; the document number is prefixed
    module: str | None = None
    layout: Literal["record", "register"] = "record"
    orientation: Literal["portrait", "landscape"] = "portrait"
    rows: int = 15
    intro: Text | None = None
    clauses: list[str] = Field(default_factory=list)
    sections: list[FormSection]
    footer: Text | None = None



# ---------------------------------------------------------------------------------------------
# Checklists
# ---------------------------------------------------------------------------------------------


class Band(_Strict):
    """A grade band: the lowest percentage score that earns ``grade``."""

    grade: str
    min: float
    label: Text | None = None
    consequence: Text | None = None

    # a band is checked as part of its scale (sqmkit.grades), where order and uniqueness are seen


class CheckItem(_Strict):
    """One inspection item. ``mode: check`` is pass/fail (pass earns ``max``); ``mode: score``
    takes a score from 0 to ``max``. ``weight`` multiplies the item in the total. A failed
    ``veto`` item (一票否决) forces the checklist's failing grade whatever the total."""

    id: SegmentId
    text: Text
    clauses: list[str] = Field(default_factory=list)
    max: int = 10
    weight: float = 1
    veto: bool = False
    mode: Literal["check", "score"] = "check"
    method: Text | None = None
    module: str | None = None


    @field_validator("max")
    @classmethod
    def _max(cls, v):
        if v <= 0:
            raise ValueError("max must be positive")
        return v

    @field_validator("weight")
    @classmethod
    def _weight(cls, v):
        if v <= 0:
            raise ValueError("weight must be positive")
        return v


class CheckSection(_Strict):
    id: SegmentId
    title: Text
    items: list[CheckItem]



class Checklist(_Strict):
    """A self-scoring inspection checklist (检查表).

    ``bands`` is either a list of :class:`Band` or the dotted path of a parameter holding one
    (e.g. ``grading.courier``), so the client's thresholds drive the score. ``fail_grade`` is the
    grade a failed veto item forces; it defaults to the lowest band.
    """

    id: DottedId
    title: Text
    code: str | None = None
    module: str | None = None
    subject: Text | None = None  # what is inspected, e.g. 快递员 / 车辆
    frequency: Text | None = None
    bands: list[Band] | str
    fail_grade: str | None = None
    sections: list[CheckSection]

    @field_validator("bands", mode="before")
    @classmethod
    def _scale(cls, v: Any) -> Any:
        return check_scale(v) if isinstance(v, list) else v



Item.model_rebuild()
