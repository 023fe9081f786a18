"""The assembled document model: one :class:`Regulation` per client build.

It is the single source every output renders from, and it has its own names: what a plugin
contributes is a *spec* (:mod:`sqmkit.schema`: ``Chapter``, ``Form`` …, texts still templates);
what the assembler makes of it for one client is a *node* (``ChapterNode``, ``FormNode`` …, texts
tailored to the client in the client's language). Cross-references stay markers (see
:mod:`sqmkit.textrender`) that each renderer turns into links with the numbers it computes.

The model is complete when it is made: the assembler fills the indexes (clauses by id, which
checklist items check a clause, which forms record it) and the revision log, issued versions
included. Walk it with :meth:`Regulation.clauses`, :meth:`Regulation.texts` and the lookups.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Iterator, Literal, Union

from .profile import Company, DocumentControl, Profile
from .schema import Family, Industry

if TYPE_CHECKING:  # pragma: no cover
    from _typeshed import DataclassInstance

# ---------------------------------------------------------------------------------------------
# Blocks: the structured leaves of an article
# ---------------------------------------------------------------------------------------------


class _Node:
    """Shared by the leaf nodes: a plain-data view for snapshots and diffs (a block's class-level
    ``kind`` included)."""

    def to_data(self: DataclassInstance) -> dict[str, Any]:
        data = asdict(self)
        kind = vars(type(self)).get("kind")
        if isinstance(kind, str):
            data["kind"] = kind
        return data


@dataclass
class BandNode(_Node):
    """A grade band: the lowest percentage score (``min``) that earns ``grade``."""

    grade: str
    min: float
    label: str | None = None
    consequence: str | None = None


@dataclass
class TableNode(_Node):
    kind: ClassVar[str] = "table"
    caption: str | None
    columns: list[str]
    rows: list[list[str]]


@dataclass
class GradesNode(_Node):
    """A grade scale printed as a table; ``bands`` are the client's, highest first."""

    kind: ClassVar[str] = "grades"
    caption: str | None
    param: str
    veto_note: str | None
    bands: list[BandNode]


@dataclass
class KpiNode(_Node):
    id: str
    name: str
    formula: str
    target: str
    frequency: str
    owner: str | None


@dataclass
class KpisNode(_Node):
    kind: ClassVar[str] = "kpis"
    caption: str | None
    kpis: list[KpiNode]


@dataclass
class IncentiveRuleNode(_Node):
    id: str
    kind: Literal["reward", "penalty"]
    trigger: str
    points: str | None
    amount: str | None
    repeat: str | None
    escalation: str | None
    grade: str | None


@dataclass
class IncentivesNode(_Node):
    kind: ClassVar[str] = "incentives"
    caption: str | None
    rules: list[IncentiveRuleNode]


@dataclass
class ActivityNode(_Node):
    id: str
    name: str
    owner: str
    interval: str
    output: str | None


@dataclass
class ActivitiesNode(_Node):
    kind: ClassVar[str] = "activities"
    caption: str | None
    activities: list[ActivityNode]


@dataclass
class StepNode(_Node):
    id: str
    name: str
    owner: str
    time_limit: str | None
    escalation: str | None


@dataclass
class StepsNode(_Node):
    kind: ClassVar[str] = "steps"
    caption: str | None
    steps: list[StepNode]


@dataclass
class DutyNode(_Node):
    unit: str
    role: Literal["responsible", "executes", "supervises", "assists"]
    duties: list[str]


@dataclass
class DutiesNode(_Node):
    kind: ClassVar[str] = "duties"
    caption: str | None
    duties: list[DutyNode]


BlockNode = Union[TableNode, GradesNode, KpisNode, IncentivesNode, ActivitiesNode, StepsNode, DutiesNode]

# ---------------------------------------------------------------------------------------------
# The clause tree: chapter → article → item
# ---------------------------------------------------------------------------------------------


@dataclass
class ItemNode:
    """A 款/项/目 of an article; items nest."""

    id: str
    text: str
    items: list["ItemNode"] = field(default_factory=list)


@dataclass
class ArticleNode:
    """A 条: optional title, lead text, items, an optional block and a closing paragraph."""

    id: str
    title: str | None
    text: str | None
    items: list[ItemNode]
    block: BlockNode | None
    after: str | None
    plugin: str
    owner: str | None = None  # the department key responsible (the article's, else its chapter's)


@dataclass
class ChapterNode:
    """A 章 of one family; ``plugins`` contributed its articles (several for 总则 and 附则)."""

    id: str
    family: Family
    title: str
    intro: str | None
    articles: list[ArticleNode]
    plugins: list[str]
    owner: str | None = None


Clause = Union[ChapterNode, ArticleNode, ItemNode]

# ---------------------------------------------------------------------------------------------
# Forms and checklists
# ---------------------------------------------------------------------------------------------


@dataclass
class FieldNode(_Node):
    id: str
    label: str
    type: str
    choices: list[str]
    max: int | None
    width: int
    hint: str | None


@dataclass
class FormSectionNode(_Node):
    id: str
    title: str | None
    fields: list[FieldNode]


@dataclass
class FormNode:
    """A printable blank form (表单)."""

    id: str
    title: str
    code: str | None
    layout: str
    orientation: str
    rows: int
    intro: str | None
    clauses: list[str]
    sections: list[FormSectionNode]
    footer: str | None
    plugin: str

    def fields(self) -> list[FieldNode]:
        return [f for s in self.sections for f in s.fields]


@dataclass
class CheckItemNode(_Node):
    """One inspection item; ``id`` is the full id (``checklist.section.item``)."""

    id: str
    text: str
    clauses: list[str]
    max: int
    weight: float
    veto: bool
    mode: str
    method: str | None
    module: str | None


@dataclass
class CheckSectionNode(_Node):
    id: str
    title: str
    items: list[CheckItemNode]


@dataclass
class ChecklistNode:
    """A self-scoring inspection checklist (检查表) with the client's grade bands."""

    id: str
    title: str
    code: str | None
    subject: str | None
    frequency: str | None
    bands: list[BandNode]
    fail_grade: str
    sections: list[CheckSectionNode]
    plugin: str
    #: planned inspections: (week|month|quarter|year, times), the parameter resolved
    schedule: tuple[str, int] | None = None

    def items(self) -> Iterator[CheckItemNode]:
        for section in self.sections:
            yield from section.items


# ---------------------------------------------------------------------------------------------
# The regulation
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RevisionEntry:
    """A line of the revision log (修订记录)."""

    version: str
    date: dt.date
    description: str


@dataclass
class OrgNames:
    """The client's department, post and term names by key, in the client's language
    (made by :func:`sqmkit.params.effective_organization`)."""

    departments: dict[str, str]
    roles: dict[str, str]
    terms: dict[str, str] = field(default_factory=dict)


@dataclass
class Index:
    """Lookups the assembler fills once, so no renderer walks the tree to find something."""

    clauses: dict[str, Clause] = field(default_factory=dict)
    forms: dict[str, FormNode] = field(default_factory=dict)
    checklists: dict[str, ChecklistNode] = field(default_factory=dict)
    #: clause id → [(checklist id, check item id)] of the items that check it
    checked_by: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    #: clause id → [form id] of the forms that record it
    forms_for: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Regulation:
    """One client's regulation: the document, its control data and its indexes."""

    profile: Profile
    industry: Industry
    language: str
    title: str
    company: Company
    org: OrgNames
    params: dict[str, Any]
    document: DocumentControl
    revisions: list[RevisionEntry]
    chapters: list[ChapterNode]
    forms: list[FormNode]
    checklists: list[ChecklistNode]
    index: Index = field(default_factory=Index)
    #: a build of anything not issued is a draft (草稿 on every page); the build decides
    draft: bool = True

    # -- walking -------------------------------------------------------------------------------

    def clauses(self) -> Iterator[Clause]:
        """Every chapter, article and item, in document order."""
        for chapter in self.chapters:
            yield chapter
            for article in chapter.articles:
                yield article
                yield from walk_items(article.items)

    def clause_ids(self) -> list[str]:
        return [c.id for c in self.clauses()]

    def texts(self) -> Iterator[str]:
        """Every string that can be printed (used to check font coverage)."""
        yield from (self.title, self.company.name, self.company.short_name)
        yield from (str(v) for v in self.document.model_dump(exclude={"revisions"}).values() if v)
        yield from (r.description for r in self.revisions)
        for node in (*self.chapters, *self.forms, *self.checklists):
            yield from strings_of(node)

    # -- lookups -------------------------------------------------------------------------------

    def clause(self, clause_id: str) -> Clause:
        """The chapter, article or item with this id (``KeyError`` if it is not in the regulation)."""
        return self.index.clauses[clause_id]

    def form(self, form_id: str) -> FormNode:
        return self.index.forms[form_id]

    def checklist(self, checklist_id: str) -> ChecklistNode:
        return self.index.checklists[checklist_id]

    def checked_by(self, clause_id: str) -> list[tuple[str, str]]:
        """``(checklist id, check item id)`` of the items that check a clause."""
        return self.index.checked_by.get(clause_id, [])

    def forms_for(self, clause_id: str) -> list[str]:
        """The ids of the forms that record a clause."""
        return self.index.forms_for.get(clause_id, [])


def walk_items(items: list[ItemNode]) -> Iterator[ItemNode]:
    for item in items:
        yield item
        yield from walk_items(item.items)


def strings_of(value: Any) -> Iterator[str]:
    """Every string inside a node of the regulation, a list, a tuple or a dict's values, in order."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple, dict)):
        for v in (value.values() if isinstance(value, dict) else value):
            yield from strings_of(v)
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            yield from strings_of(getattr(value, name))
