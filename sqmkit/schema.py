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

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .grades import check_scale
from .blocks import (
    ActivitiesBlock, Activity, Block, DutiesBlock, Duty, GradesBlock, IncentiveRule, IncentivesBlock, Kpi, KpisBlock,
    Step, StepsBlock, TableBlock,
)
from .industry import ORG_KEY_RE, Industry, Language, Module, OrgUnit, Post, compose_post
from .localized import DEFAULT_LANGUAGE, LANGUAGES, DottedId, SegmentId, Strict, Text
from .paramspec import PARAM_TYPES, ParamSpec, ParamType

__all__ = [
    # re-exported: the value types and the blocks are part of this contract
    "DEFAULT_LANGUAGE", "LANGUAGES", "DottedId", "SegmentId", "Strict", "Text", "Block", "TableBlock", "GradesBlock",
    "Kpi", "KpisBlock", "IncentiveRule", "IncentivesBlock", "Activity", "ActivitiesBlock", "Step", "StepsBlock",
    "Duty", "DutiesBlock",
    "ParamSpec", "ParamType", "PARAM_TYPES", "Module", "Language", "OrgUnit", "Post", "compose_post", "Industry",
    "ORG_KEY_RE",
    # defined here
    "Family", "MERGED_FAMILIES", "Item", "Article", "Chapter", "ChapterFile", "FieldType",
    "FormField", "FormSection", "Form", "Band", "CheckItem", "CheckSection", "Checklist",
    "Schedule",
]

#: The parts of a handbook: the three families the kit is about (standards, controls,
#: improvement) and the frame around them (总则, 奖惩, 附则). Printed in the order of
#: :data:`sqmkit.hookspecs.FAMILY_HOOKS`.
Family = Literal["general", "standards", "controls", "improvement", "incentives", "supplementary"]


# ---------------------------------------------------------------------------------------------
# Regulation content: chapter → article → item
# ---------------------------------------------------------------------------------------------


class Item(Strict):
    """A 款/项 of an article. Items nest: 一、 → （一） → 1."""

    id: SegmentId
    text: Text
    module: str | None = None
    items: list["Item"] = Field(default_factory=list)



class Article(Strict):
    """A 条: an optional heading, a lead text, items and an optional structured block."""

    id: SegmentId
    title: Text | None = None
    text: Text | None = None
    items: list[Item] = Field(default_factory=list)
    block: Block | None = None
    after: Text | None = None  # a closing paragraph after items/block
    module: str | None = None
    #: the key of the department (industry ``departments:``) responsible for this clause; overrides
    #: the chapter's. Corrective actions on the clause go to it.
    owner: str | None = None
    order: int = 100  # only used where articles from several plugins are merged (总则, 附则)

    @model_validator(mode="after")
    def _has_content(self) -> "Article":
        if self.text is None and not self.items and self.block is None:
            raise ValueError("an article needs a text, items or a block")
        return self


class Chapter(Strict):
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
    #: the key of the department responsible for the chapter's clauses (an article's owner wins)
    owner: str | None = None
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


class FormField(Strict):
    id: SegmentId
    label: Text
    type: FieldType = "text"
    choices: list[Text] = Field(default_factory=list)
    max: int | None = None  # for score fields
    width: Literal[1, 2, 3, 4] = 2  # in quarters of the page (record layout) or relative column width
    hint: Text | None = None

    @model_validator(mode="after")
    def _choices(self) -> "FormField":
        if self.type in ("choice", "multichoice") and not self.choices:
            raise ValueError(f"a {self.type} field needs choices")
        if self.type == "score" and not self.max:
            raise ValueError("a score field needs max")
        return self


class FormSection(Strict):
    id: SegmentId
    title: Text | None = None
    fields: list[FormField]



class Form(Strict):
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


class Band(Strict):
    """A grade band: the lowest percentage score that earns ``grade``."""

    grade: str
    min: float
    label: Text | None = None
    consequence: Text | None = None

    # a band is checked as part of its scale (sqmkit.grades), where order and uniqueness are seen


class CheckItem(Strict):
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
    def _max(cls, v: int) -> int:
        if v <= 0:
            raise ValueError("max must be positive")
        return v

    @field_validator("weight")
    @classmethod
    def _weight(cls, v: float) -> float:
        if v <= 0:
            raise ValueError("weight must be positive")
        return v


class CheckSection(Strict):
    id: SegmentId
    title: Text
    items: list[CheckItem]



class Schedule(Strict):
    """How often the regulation plans inspections with a checklist: ``times`` per ``per``, a number
    or the dotted path of an integer parameter (``inspection.monthly_checks``)."""

    per: Literal["week", "month", "quarter", "year"]
    times: int | str

    @field_validator("times")
    @classmethod
    def _times(cls, v: int | str) -> int | str:
        if isinstance(v, int) and v <= 0:
            raise ValueError("times must be positive")
        return v


class Checklist(Strict):
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
    #: the planned inspections (agrees with ``frequency``; the improvement report's planned side)
    schedule: Schedule | None = None
    bands: list[Band] | str
    fail_grade: str | None = None
    sections: list[CheckSection]

    @field_validator("bands", mode="before")
    @classmethod
    def _scale(cls, v: Any) -> Any:
        return check_scale(v) if isinstance(v, list) else v

