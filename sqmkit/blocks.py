"""Structured blocks inside articles: tables, grade scales, KPIs, incentives, activities, steps
and duties. Part of the plugin data contract (:mod:`sqmkit.schema` re-exports them); each becomes
a typed node of the document model (:mod:`sqmkit.model`)."""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from .localized import SegmentId, Strict, Text




class TableBlock(Strict):
    """A plain table: column headings and rows of cells."""

    kind: Literal["table"]
    caption: Text | None = None
    columns: list[Text]
    rows: list[list[Text]]

    @model_validator(mode="after")
    def _row_widths(self) -> "TableBlock":
        for i, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(f"row {i + 1} has {len(row)} cells but there are {len(self.columns)} columns")
        return self


class GradesBlock(Strict):
    """A grade scale taken from a parameter (a list of bands), rendered as a table.

    ``param`` is the dotted parameter path of the bands, e.g. ``grading.courier``; each band is a
    mapping with ``grade``, ``min`` (lowest score that earns it), ``label`` and optional ``consequence``.
    """

    kind: Literal["grades"]
    caption: Text | None = None
    param: str
    veto_note: Text | None = None


class Kpi(Strict):
    id: SegmentId
    name: Text
    formula: Text
    target: Text
    frequency: Text
    owner: Text | None = None



class KpisBlock(Strict):
    """Key performance indicators: name, formula, target, frequency, owner."""

    kind: Literal["kpis"]
    caption: Text | None = None
    kpis: list[Kpi]


class IncentiveRule(Strict):
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



class IncentivesBlock(Strict):
    kind: Literal["incentives"]
    caption: Text | None = None
    rules: list[IncentiveRule]


class Activity(Strict):
    """An improvement-cycle activity: what, who owns it, how often, what it produces."""

    id: SegmentId
    name: Text
    owner: Text
    interval: Text
    output: Text | None = None



class ActivitiesBlock(Strict):
    kind: Literal["activities"]
    caption: Text | None = None
    activities: list[Activity]


class Step(Strict):
    """A step of a procedure (e.g. complaint handling) with owner and time limit."""

    id: SegmentId
    name: Text
    owner: Text
    time_limit: Text | None = None
    escalation: Text | None = None



class StepsBlock(Strict):
    kind: Literal["steps"]
    caption: Text | None = None
    steps: list[Step]


class Duty(Strict):
    """A unit's place in a responsibility matrix: responsible / executes / supervises / assists."""

    unit: Text
    role: Literal["responsible", "executes", "supervises", "assists"]
    duties: list[Text] = Field(default_factory=list)


class DutiesBlock(Strict):
    kind: Literal["duties"]
    caption: Text | None = None
    duties: list[Duty]


Block = Annotated[
    Union[TableBlock, GradesBlock, KpisBlock, IncentivesBlock, ActivitiesBlock, StepsBlock, DutiesBlock],
    Field(discriminator="kind"),
]
