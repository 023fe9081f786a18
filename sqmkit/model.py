"""The assembled document model: one :class:`Regulation` per client build.

It is the single source every output renders from. Texts are already tailored to the client
(parameters, departments and posts filled in) in the client's language; cross-references are
kept as markers (see :mod:`sqmkit.textrender`) that each renderer turns into links with the
numbers it computes. Nested leaves (blocks, form fields, check items) are plain dicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .profile import Profile
from .schema import Industry


@dataclass
class Item:
    id: str
    text: str
    items: list["Item"] = field(default_factory=list)


@dataclass
class Article:
    id: str
    title: str | None
    text: str | None
    items: list[Item]
    block: dict | None
    after: str | None
    plugin: str


@dataclass
class Chapter:
    id: str
    family: str
    title: str
    intro: str | None
    articles: list[Article]
    plugins: list[str]


@dataclass
class Form:
    id: str
    title: str
    code: str | None
    layout: str
    orientation: str
    rows: int
    intro: str | None
    clauses: list[str]
    sections: list[dict]
    footer: str | None
    plugin: str


@dataclass
class Checklist:
    id: str
    title: str
    code: str | None
    subject: str | None
    frequency: str | None
    bands: list[dict]
    fail_grade: str
    sections: list[dict]  # {id, title, items: [{id, text, clauses, max, weight, veto, mode, method}]}
    plugin: str

    def items(self):
        for section in self.sections:
            yield from section["items"]


@dataclass
class Regulation:
    profile: Profile
    industry: Industry
    language: str
    title: str
    company: dict
    org: dict
    params: dict
    document: dict
    revisions: list[dict]
    chapters: list[Chapter]
    forms: list[Form]
    checklists: list[Checklist]
    #: clause id → [(checklist id, check item id)] of the items that check it
    checked_by: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    #: clause id → [form id] of the forms that record it
    forms_for: dict[str, list[str]] = field(default_factory=dict)

    def clause_ids(self) -> list[str]:
        out: list[str] = []

        def walk(items):
            for it in items:
                out.append(it.id)
                walk(it.items)

        for ch in self.chapters:
            out.append(ch.id)
            for a in ch.articles:
                out.append(a.id)
                walk(a.items)
        return out

    def form(self, form_id: str) -> Form:
        return next(f for f in self.forms if f.id == form_id)

    def checklist(self, checklist_id: str) -> Checklist:
        return next(c for c in self.checklists if c.id == checklist_id)

    def all_text(self) -> str:
        """Every string that can be printed (used to check font coverage)."""
        parts: list[str] = [self.title, self.company["name"], self.company["short_name"]]
        parts += [str(v) for v in self.document.values() if v]
        parts += [r["description"] for r in self.revisions]

        def collect(value: Any):
            if isinstance(value, str):
                parts.append(value)
            elif isinstance(value, dict):
                for v in value.values():
                    collect(v)
            elif isinstance(value, (list, tuple)):
                for v in value:
                    collect(v)
            elif hasattr(value, "__dataclass_fields__"):
                for name in value.__dataclass_fields__:
                    collect(getattr(value, name))

        collect(self.chapters)
        collect(self.forms)
        collect(self.checklists)
        return "".join(parts)
