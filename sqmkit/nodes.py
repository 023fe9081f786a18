"""Making the document model's nodes from the plugins' specs, for one client.

:class:`NodeMaker` tailors every text (parameters, departments and posts filled in, in the
client's language), drops what belongs to modules the client did not switch on, merges the
总则/附则 contributions and claims every id, so a duplicate is reported with both plugins.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from pydantic import BaseModel

from . import schema
from .authority import document_owner
from .errors import PluginError
from .grades import scale_problems
from .languages import Untranslated
from .model import (
    ActivitiesNode, ActivityNode, ArticleNode, BandNode, BlockNode, ChapterNode, CheckItemNode, ChecklistNode,
    CheckSectionNode, DutiesNode, DutyNode, FieldNode, FormNode, FormSectionNode, GradesNode, IncentiveRuleNode,
    IncentivesNode, ItemNode, KpiNode, KpisNode, OrgNames, StepNode, StepsNode, TableNode,
)
from .normrefs import Citer
from .params import MissingParameter, lookup
from .profile import Profile
from .schema import Family
from .textrender import TextError, TextRenderer

#: the node each nested spec becomes
NODE_OF: dict[type[BaseModel], type] = {
    schema.TableBlock: TableNode, schema.GradesBlock: GradesNode, schema.Kpi: KpiNode, schema.KpisBlock: KpisNode,
    schema.IncentiveRule: IncentiveRuleNode, schema.IncentivesBlock: IncentivesNode, schema.Activity: ActivityNode,
    schema.ActivitiesBlock: ActivitiesNode, schema.Step: StepNode, schema.StepsBlock: StepsNode,
    schema.Duty: DutyNode, schema.DutiesBlock: DutiesNode, schema.FormField: FieldNode,
    schema.FormSection: FormSectionNode, schema.Band: BandNode, schema.CheckItem: CheckItemNode,
}


_SHARED: dict[type[BaseModel], tuple[str, ...]] = {}


def _shared_fields(spec: type[BaseModel]) -> tuple[str, ...]:
    """The fields of a spec's node that the spec has too, in the node's order (asked once a class)."""
    if spec not in _SHARED:
        _SHARED[spec] = tuple(f.name for f in dataclasses.fields(NODE_OF[spec]) if f.name in spec.model_fields)
    return _SHARED[spec]


class NodeMaker:
    """Turns one client's specs into nodes; ``owner`` maps every id claimed to its plugin."""

    def __init__(self, profile: Profile, industry: schema.Industry, params: dict[str, Any], org: OrgNames):
        self.industry, self.params = industry, params
        self.modules = set(profile.modules)
        self.known_modules = set(industry.module_ids())
        self.lang = profile.language
        self.texts = TextRenderer({
            "company": profile.company.model_dump(), "params": params,
            "org": {"departments": org.departments, "roles": org.roles, "terms": org.terms},
            "doc": {**profile.document.model_dump(exclude={"revisions"}),
                    "owner": document_owner(profile, industry, org)}, "modules": sorted(self.modules),
            "industry": {"id": industry.id, "name": industry.name.get(self.lang)},
        }, self.lang, Citer(industry.references, self.modules, self.lang))
        self.owner: dict[str, str] = {}
        self.untranslated = Untranslated(self.lang)
        #: plugin → the maker of the content it lends (a module borrowed from another industry)
        self.lenders: dict[str, NodeMaker] = {}

    def borrowing(self, plugin: str, industry: schema.Industry, modules: set[str]) -> "NodeMaker":
        """The maker of what ``plugin`` lends from ``industry`` (its ``modules``): the same
        client, parameters and id claims, the lender's modules switched on; registered so that
        :meth:`maker_for` hands that plugin's contributions to it."""
        view = copy.copy(self)
        view.industry, view.modules, view.known_modules = industry, set(modules), set(industry.module_ids())
        view.texts = TextRenderer({**self.texts.context, "modules": sorted(modules)}, self.lang,
                                  Citer(industry.references, modules, self.lang))
        view.lenders = {}
        self.lenders[plugin] = view
        return view

    def maker_for(self, plugin: str) -> "NodeMaker":
        """The maker of ``plugin``'s contributions: its lender view, else this one."""
        return self.lenders.get(plugin, self)

    # -- ids, modules, texts ---------------------------------------------------------------------

    def claim(self, plugin: str, ident: str, what: str, hook: str | None = None) -> None:
        if ident in self.owner:
            other = self.owner[ident]
            by = "the same plugin" if other == plugin else f"plugin {other!r}"
            raise PluginError(plugin, f"duplicate {what} id {ident!r} (already used by {by})", hook=hook, ids=(ident,))
        self.owner[ident] = plugin

    def enabled(self, plugin: str, module: str | None, where: str, ident: str = "") -> bool:
        if module is None:
            return True
        if module not in self.known_modules:
            raise PluginError(plugin, f"{where} names module {module!r}, which industry {self.industry.id!r} "
                                      "does not declare", ids=(ident,) if ident else ())
        return module in self.modules

    def text(self, plugin: str, value: schema.Text | None, where: str) -> str | None:
        if isinstance(value, schema.Text):
            self.untranslated.note(plugin, value, where)
        try:
            return self.texts.text(value, where)
        except TextError as exc:
            raise PluginError(plugin, str(exc), ids=(where.split(" ")[0],)) from None

    def req(self, plugin: str, value: schema.Text, where: str) -> str:
        """A text that the schema requires, so never ``None``."""
        return self.text(plugin, value, where) or ""

    def leaf(self, plugin: str, value: Any, where: str) -> Any:
        """A nested spec (block, field, band, check item …) as its node, texts tailored."""
        if isinstance(value, schema.Text):
            return self.text(plugin, value, where)
        if isinstance(value, BaseModel):
            cls = NODE_OF[type(value)]
            args = {name: self.leaf(plugin, getattr(value, name), f"{where}.{name}")
                    for name in _shared_fields(type(value))}
            if cls is GradesNode:
                args["bands"] = self.bands(plugin, args["param"], where)
            return cls(**args)
        if isinstance(value, list):
            return [self.leaf(plugin, v, f"{where}[{i}]") for i, v in enumerate(value)]
        return value

    def bands(self, plugin: str, bands: list[schema.Band] | str, where: str) -> list[BandNode]:
        """A scale given inline or by parameter path, as nodes highest first."""
        if isinstance(bands, str):
            try:
                value = lookup(self.params, bands)
            except MissingParameter:
                raise PluginError(plugin, f"{where}: grade bands parameter {bands!r} is not declared",
                                  ids=(where,)) from None
            for loc, problem in scale_problems(value)[:1]:
                raise PluginError(plugin, f"{where}: parameter {bands!r} is not a grade scale: {problem}", ids=(where,))
            bands = [schema.Band.model_validate(b) for b in value]
        out: list[BandNode] = [self.leaf(plugin, b, where + ".bands") for b in bands]
        return sorted(out, key=lambda b: -b.min)

    # -- chapters --------------------------------------------------------------------------------

    def chapter(self, plugin: str, family: Family, spec: schema.Chapter) -> ChapterNode:
        articles = [a for a in (self.article(plugin, spec.id, art, spec.owner) for art in spec.articles) if a]
        title = self.text(plugin, spec.title, spec.id) or ""  # the manager made sure it has one
        return ChapterNode(spec.id, family, title, self.text(plugin, spec.intro, spec.id + " intro"), articles, [plugin],
                           spec.owner)

    def merged_chapter(self, family: Family, contributed: list[tuple[str, schema.Chapter]],
                       title: dict[str, str]) -> ChapterNode | None:
        """总则 or 附则: every plugin's articles of the family, sorted by ``order``."""
        found = [(art.order, plugin, ch, art) for plugin, ch in contributed for art in ch.articles]
        found.sort(key=lambda t: t[0])
        articles = [a for a in (self.maker_for(p).article(p, ch.id, art, ch.owner) for _, p, ch, art in found) if a]
        if not articles:
            return None
        name = title.get(self.lang, title["zh-CN"])
        return ChapterNode(family, family, name, None, articles, sorted({p for _, p, _, _ in found}))

    def article(self, plugin: str, prefix: str, spec: schema.Article, owner: str | None = None) -> ArticleNode | None:
        ident = f"{prefix}.{spec.id}"
        self.claim(plugin, ident, "clause")
        if not self.enabled(plugin, spec.module, f"article {ident!r}", ident):
            self._claim_items(plugin, ident, spec.items)
            return None
        items = self.items(plugin, ident, spec.items)
        if spec.text is None and not items and spec.block is None:
            return None  # every item belonged to a module that is off
        block: BlockNode | None = self.leaf(plugin, spec.block, ident + ".block") if spec.block is not None else None
        return ArticleNode(ident, self.text(plugin, spec.title, ident + " title"), self.text(plugin, spec.text, ident),
                           items, block, self.text(plugin, spec.after, ident + " after"), plugin, spec.owner or owner)

    def _claim_items(self, plugin: str, prefix: str, items: list[schema.Item]) -> None:
        for it in items:
            self.claim(plugin, f"{prefix}.{it.id}", "clause")
            self._claim_items(plugin, f"{prefix}.{it.id}", it.items)

    def items(self, plugin: str, prefix: str, specs: list[schema.Item]) -> list[ItemNode]:
        out = []
        for it in specs:
            ident = f"{prefix}.{it.id}"
            self.claim(plugin, ident, "clause")
            if not self.enabled(plugin, it.module, f"item {ident!r}", ident):
                self._claim_items(plugin, ident, it.items)
                continue
            out.append(ItemNode(ident, self.req(plugin, it.text, ident), self.items(plugin, ident, it.items)))
        return out

    # -- forms and checklists --------------------------------------------------------------------

    def form(self, plugin: str, spec: schema.Form) -> FormNode | None:
        self.claim(plugin, spec.id, "form", "register_forms")
        if not self.enabled(plugin, spec.module, f"form {spec.id!r}", spec.id):
            return None
        sections: list[FormSectionNode] = self.leaf(plugin, spec.sections, spec.id)
        return FormNode(spec.id, self.req(plugin, spec.title, spec.id), spec.code, spec.layout, spec.orientation,
                        spec.rows, self.text(plugin, spec.intro, spec.id + " intro"), list(spec.clauses), sections,
                        self.text(plugin, spec.footer, spec.id + " footer"), plugin)

    def checklist(self, plugin: str, spec: schema.Checklist) -> ChecklistNode | None:
        self.claim(plugin, spec.id, "checklist", "register_checklists")
        if not self.enabled(plugin, spec.module, f"checklist {spec.id!r}", spec.id):
            return None
        sections = [s for s in (self._check_section(plugin, spec.id, sec) for sec in spec.sections) if s.items]
        bands = self.bands(plugin, spec.bands, spec.id)
        fail = spec.fail_grade or bands[-1].grade
        if fail not in {b.grade for b in bands}:
            raise PluginError(plugin, f"checklist {spec.id!r}: fail_grade {fail!r} is not one of its grades",
                              hook="register_checklists", ids=(spec.id,))
        if not sections:
            return None
        return ChecklistNode(spec.id, self.req(plugin, spec.title, spec.id), spec.code,
                             self.text(plugin, spec.subject, spec.id), self.text(plugin, spec.frequency, spec.id),
                             bands, fail, sections, plugin, self.schedule(plugin, spec))

    def schedule(self, plugin: str, spec: schema.Checklist) -> tuple[str, int] | None:
        """A checklist's planned inspections, ``times`` looked up when it names a parameter."""
        if spec.schedule is None:
            return None
        times: Any = spec.schedule.times
        if isinstance(times, str):
            try:
                times = lookup(self.params, times)
            except MissingParameter:
                times = None
        if not isinstance(times, int) or isinstance(times, bool) or times <= 0:
            raise PluginError(plugin, f"checklist {spec.id!r}: schedule.times {spec.schedule.times!r} is not a "
                              "positive integer or the path of an integer parameter", hook="register_checklists",
                              ids=(spec.id,))
        return spec.schedule.per, times

    def _check_section(self, plugin: str, checklist_id: str, spec: schema.CheckSection) -> CheckSectionNode:
        items: list[CheckItemNode] = []
        for it in spec.items:
            ident = f"{checklist_id}.{spec.id}.{it.id}"
            self.claim(plugin, ident, "check item", "register_checklists")
            if self.enabled(plugin, it.module, f"check item {ident!r}", ident):
                node: CheckItemNode = self.leaf(plugin, it, ident)
                node.id = ident
                items.append(node)
        return CheckSectionNode(f"{checklist_id}.{spec.id}", self.req(plugin, spec.title, spec.id), items)
