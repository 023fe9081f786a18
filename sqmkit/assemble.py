"""From a profile and the plugins' contributions to one validated :class:`~sqmkit.model.Regulation`.

Steps: find the industry → check the profile against it (modules, parameters, plugin checks) →
collect chapters, forms and checklists from every plugin → drop what belongs to modules the
client did not switch on → merge 总则/附则 → tailor every text → check ids are unique and every
reference resolves. Every problem names the plugin (or the profile file) it comes from.
"""

from __future__ import annotations

from typing import Any, Iterable

from pydantic import BaseModel, ValidationError

from . import schema
from .errors import PluginError, ProfileError
from .model import Article, Chapter, Checklist, Form, Item, Regulation
from .params import MissingParameter, effective_parameters, lookup
from .plugins import Manager
from .profile import Profile, check_against_industry
from .textrender import TextError, TextRenderer, references
from .yamlio import YamlDoc

#: family → the hook that contributes it, in handbook order
FAMILY_HOOKS = {
    "general": "register_general_provisions",
    "standards": "register_service_standards",
    "controls": "register_controls",
    "improvement": "register_improvement_cycle",
    "incentives": "register_incentives",
    "supplementary": "register_supplementary_provisions",
}
MERGED_TITLES = {
    "general": {"zh-CN": "总则", "en": "General provisions"},
    "supplementary": {"zh-CN": "附则", "en": "Supplementary provisions"},
}


def find_industries(mgr: Manager) -> dict[str, tuple[str, schema.Industry]]:
    found: dict[str, tuple[str, schema.Industry]] = {}
    for plugin, result in mgr.call("register_industries"):
        for ind in _as_list(plugin, "register_industries", result):
            ind = _coerce(plugin, "register_industries", ind, schema.Industry)
            if ind.id in found:
                raise PluginError(plugin, f"industry {ind.id!r} is already declared by plugin {found[ind.id][0]!r}")
            found[ind.id] = (plugin, ind)
    return found


def _as_list(plugin: str, hook: str, result: Any) -> list:
    if isinstance(result, (list, tuple)):
        return list(result)
    raise PluginError(plugin, f"hook {hook} must return a list, not {type(result).__name__}")


def _coerce(plugin: str, hook: str, obj: Any, model: type[BaseModel]):
    if isinstance(obj, model):
        return obj
    if isinstance(obj, dict):
        try:
            return model.model_validate(obj)
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = ".".join(str(p) for p in err["loc"])
            raise PluginError(plugin, f"hook {hook} returned an invalid {model.__name__} at {loc}: {err['msg']}") from None
    raise PluginError(plugin, f"hook {hook} must return {model.__name__} objects, not {type(obj).__name__}")


class _Assembler:
    def __init__(self, mgr: Manager, profile: Profile, doc: YamlDoc | None):
        self.mgr, self.profile, self.doc = mgr, profile, doc
        self.file = str(doc.path) if doc else "<profile>"
        industries = find_industries(mgr)
        if profile.industry not in industries:
            known = ", ".join(sorted(industries)) or "none (no industry plugin is installed)"
            raise ProfileError(self.file, "industry", f"unknown industry {profile.industry!r}",
                               doc.line_of(["industry"]) if doc else None, f"installed industries: {known}")
        self.industry_plugin, self.industry = industries[profile.industry]
        check_against_industry(profile, self.industry, doc)
        for plugin, problems in mgr.call("validate_profile", profile=profile, industry=self.industry):
            for field_path, problem in _as_list(plugin, "validate_profile", problems)[:1]:
                loc = _parse_path(field_path)
                raise ProfileError(self.file, field_path, problem, doc.line_of(loc) if doc else None)
        self.modules = set(profile.modules)
        self.known_modules = set(self.industry.module_ids())
        self.lang = profile.language
        self.params = effective_parameters(profile, self.industry)
        self.org = {
            "departments": {k: v.get(self.lang) for k, v in {**self.industry.departments, **profile.organization.departments}.items()},
            "roles": {k: v.get(self.lang) for k, v in {**self.industry.roles, **profile.organization.roles}.items()},
        }
        d = profile.document
        self.document = d.model_dump(exclude={"revisions"})
        self.company = profile.company.model_dump()
        self.texts = TextRenderer({
            "company": self.company, "org": self.org, "params": self.params, "doc": self.document,
            "modules": sorted(self.modules), "industry": {"id": self.industry.id, "name": self.industry.name.get(self.lang)},
        }, self.lang)
        self.owner: dict[str, str] = {}  # id → plugin, for duplicate detection and messages

    # -- helpers -------------------------------------------------------------------------------

    def _enabled(self, plugin: str, module: str | None, where: str) -> bool:
        if module is None:
            return True
        if module not in self.known_modules:
            raise PluginError(plugin, f"{where} names module {module!r}, which industry "
                                      f"{self.industry.id!r} does not declare")
        return module in self.modules

    def _claim(self, plugin: str, ident: str, what: str) -> None:
        if ident in self.owner:
            other = self.owner[ident]
            by = "the same plugin" if other == plugin else f"plugin {other!r}"
            raise PluginError(plugin, f"duplicate {what} id {ident!r} (already used by {by})")
        self.owner[ident] = plugin

    def _t(self, plugin: str, value, where: str) -> str | None:
        try:
            return self.texts.text(value, where)
        except TextError as exc:
            raise PluginError(plugin, str(exc)) from None

    def _leaf(self, plugin: str, value: Any, where: str) -> Any:
        """Resolve a nested pydantic value (block, field, …) to plain data with tailored texts."""
        if isinstance(value, schema.Text):
            return self._t(plugin, value, where)
        if isinstance(value, BaseModel):
            return {name: self._leaf(plugin, getattr(value, name), f"{where}.{name}") for name in type(value).model_fields}
        if isinstance(value, list):
            return [self._leaf(plugin, v, f"{where}[{i}]") for i, v in enumerate(value)]
        return value

    # -- chapters ------------------------------------------------------------------------------

    def chapters(self) -> list[Chapter]:
        out: list[Chapter] = []
        for family, hook in FAMILY_HOOKS.items():
            contributed: list[tuple[str, schema.Chapter]] = []
            for plugin, result in self.mgr.call(hook, profile=self.profile):
                for ch in _as_list(plugin, hook, result):
                    ch = _coerce(plugin, hook, ch, schema.Chapter)
                    if ch.family != family:
                        raise PluginError(plugin, f"hook {hook} returned chapter {ch.id!r} of family "
                                                  f"{ch.family!r}; it takes {family!r} chapters")
                    self._claim(plugin, ch.id, "chapter")
                    if self._enabled(plugin, ch.module, f"chapter {ch.id!r}"):
                        contributed.append((plugin, ch))
            if family in MERGED_TITLES:
                merged = self._merge(family, contributed)
                if merged:
                    out.append(merged)
            else:
                contributed.sort(key=lambda pc: pc[1].order)  # stable: ties keep plugin order
                out.extend(c for c in (self._chapter(p, ch) for p, ch in contributed) if c.articles)
        return out

    def _merge(self, family: str, contributed: list[tuple[str, schema.Chapter]]) -> Chapter | None:
        articles: list[tuple[int, str, schema.Chapter, schema.Article]] = []
        for plugin, ch in contributed:
            for art in ch.articles:
                articles.append((art.order, plugin, ch, art))
        articles.sort(key=lambda t: t[0])
        resolved = [a for a in (self._article(p, ch.id, art) for _, p, ch, art in articles) if a]
        if not resolved:
            return None
        title = self._t("sqmkit.default", schema.Text(MERGED_TITLES[family]), family)
        return Chapter(f"{family}", family, title, None, resolved,
                       sorted({p for _, p, _, _ in articles}))

    def _chapter(self, plugin: str, ch: schema.Chapter) -> Chapter:
        arts = [a for a in (self._article(plugin, ch.id, art) for art in ch.articles) if a]
        return Chapter(ch.id, ch.family, self._t(plugin, ch.title, ch.id), self._t(plugin, ch.intro, ch.id + " intro"),
                       arts, [plugin])

    def _article(self, plugin: str, prefix: str, art: schema.Article) -> Article | None:
        ident = f"{prefix}.{art.id}"
        self._claim(plugin, ident, "clause")
        if not self._enabled(plugin, art.module, f"article {ident!r}"):
            self._claim_items(plugin, ident, art.items)
            return None
        items = self._items(plugin, ident, art.items)
        if art.text is None and not items and art.block is None:
            return None  # every item belonged to a module that is off
        block = self._leaf(plugin, art.block, ident + ".block") if art.block is not None else None
        if block and block.get("kind") == "grades":
            block["bands"] = self._bands(plugin, block["param"], ident)
        return Article(ident, self._t(plugin, art.title, ident + " title"), self._t(plugin, art.text, ident),
                       items, block, self._t(plugin, art.after, ident + " after"), plugin)

    def _claim_items(self, plugin: str, prefix: str, items: list[schema.Item]) -> None:
        for it in items:
            self._claim(plugin, f"{prefix}.{it.id}", "clause")
            self._claim_items(plugin, f"{prefix}.{it.id}", it.items)

    def _items(self, plugin: str, prefix: str, items: list[schema.Item]) -> list[Item]:
        out = []
        for it in items:
            ident = f"{prefix}.{it.id}"
            self._claim(plugin, ident, "clause")
            if not self._enabled(plugin, it.module, f"item {ident!r}"):
                self._claim_items(plugin, ident, it.items)
                continue
            out.append(Item(ident, self._t(plugin, it.text, ident), self._items(plugin, ident, it.items)))
        return out

    def _bands(self, plugin: str, bands: Any, where: str) -> list[dict]:
        if isinstance(bands, str):
            try:
                value = lookup(self.params, bands)
            except MissingParameter:
                raise PluginError(plugin, f"{where}: grade bands parameter {bands!r} is not declared") from None
            try:
                bands = [schema.Band.model_validate(b) for b in value]
            except (ValidationError, TypeError) as exc:
                raise PluginError(plugin, f"{where}: parameter {bands!r} is not a list of grade bands: {exc}") from None
        out = [self._leaf(plugin, b, where + ".bands") for b in bands]
        out.sort(key=lambda b: -b["min"])
        if not out or out[-1]["min"] != 0:
            raise PluginError(plugin, f"{where}: the lowest grade band must start at 0")
        return out

    # -- forms and checklists --------------------------------------------------------------------

    def forms(self) -> list[Form]:
        out = []
        for plugin, result in self.mgr.call("register_forms", profile=self.profile):
            for f in _as_list(plugin, "register_forms", result):
                f = _coerce(plugin, "register_forms", f, schema.Form)
                self._claim(plugin, f.id, "form")
                if not self._enabled(plugin, f.module, f"form {f.id!r}"):
                    continue
                sections = self._leaf(plugin, f.sections, f.id)
                out.append(Form(f.id, self._t(plugin, f.title, f.id), f.code, f.layout, f.orientation, f.rows,
                                self._t(plugin, f.intro, f.id + " intro"), list(f.clauses), sections,
                                self._t(plugin, f.footer, f.id + " footer"), plugin))
        return out

    def checklists(self) -> list[Checklist]:
        out = []
        for plugin, result in self.mgr.call("register_checklists", profile=self.profile):
            for c in _as_list(plugin, "register_checklists", result):
                c = _coerce(plugin, "register_checklists", c, schema.Checklist)
                self._claim(plugin, c.id, "checklist")
                if not self._enabled(plugin, c.module, f"checklist {c.id!r}"):
                    continue
                sections = []
                for s in c.sections:
                    items = []
                    for it in s.items:
                        ident = f"{c.id}.{s.id}.{it.id}"
                        self._claim(plugin, ident, "check item")
                        if not self._enabled(plugin, it.module, f"check item {ident!r}"):
                            continue
                        d = self._leaf(plugin, it, ident)
                        d["id"] = ident
                        items.append(d)
                    if items:
                        sections.append({"id": f"{c.id}.{s.id}", "title": self._t(plugin, s.title, s.id), "items": items})
                bands = self._bands(plugin, c.bands, c.id)
                fail = c.fail_grade or bands[-1]["grade"]
                if fail not in {b["grade"] for b in bands}:
                    raise PluginError(plugin, f"checklist {c.id!r}: fail_grade {fail!r} is not one of its grades")
                if not sections:
                    continue
                out.append(Checklist(c.id, self._t(plugin, c.title, c.id), c.code, self._t(plugin, c.subject, c.id),
                                     self._t(plugin, c.frequency, c.id), bands, fail, sections, plugin))
        return out


def _parse_path(path: str) -> list:
    out: list = []
    for part in path.replace("]", "").split("."):
        for j, piece in enumerate(part.split("[")):
            if piece == "":
                continue
            out.append(int(piece) if j and piece.isdigit() else piece)
    return out


def _texts_of(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _texts_of(v)
    elif isinstance(value, list):
        for v in value:
            yield from _texts_of(v)


def assemble(mgr: Manager, profile: Profile, doc: YamlDoc | None = None) -> Regulation:
    """Build the validated document model for one client."""
    a = _Assembler(mgr, profile, doc)
    chapters = a.chapters()
    forms = a.forms()
    checklists = a.checklists()
    title = profile.document.title or (a.industry.title.get(a.lang) if a.industry.title else None) \
        or ("服务质量管理制度" if a.lang == "zh-CN" else "Service Quality Management Regulation")
    reg = Regulation(
        profile=profile, industry=a.industry, language=a.lang, title=title, company=a.company, org=a.org,
        params=a.params, document=a.document,
        revisions=[r.model_dump() for r in profile.document.revisions],
        chapters=chapters, forms=forms, checklists=checklists,
    )
    _check_references(reg, a.owner)
    return reg


def _check_references(reg: Regulation, owner: dict[str, str]) -> None:
    clause_ids = set(reg.clause_ids())
    form_ids = {f.id for f in reg.forms}
    checklist_ids = {c.id for c in reg.checklists}
    targets = {"ref": clause_ids, "form": form_ids, "checklist": checklist_ids}
    what = {"ref": "clause", "form": "form", "checklist": "checklist"}

    def check_text(plugin: str, where: str, value: Any):
        for text in _texts_of(value):
            for kind, target in references(text):
                if target not in targets[kind]:
                    state = "switched off for this client" if target in owner else "not defined"
                    raise PluginError(plugin, f"{where} refers to {what[kind]} {target!r}, which is {state}")

    for ch in reg.chapters:
        for art in ch.articles:
            check_text(art.plugin, art.id, [art.title, art.text, art.after, art.block])

            def walk(items):
                for it in items:
                    check_text(art.plugin, it.id, it.text)
                    walk(it.items)

            walk(art.items)
    for f in reg.forms:
        check_text(f.plugin, f.id, [f.intro, f.footer, f.sections])
        for cid in f.clauses:
            if cid not in clause_ids:
                state = "switched off for this client" if cid in owner else "not defined"
                raise PluginError(f.plugin, f"form {f.id!r} names clause {cid!r}, which is {state}")
            reg.forms_for.setdefault(cid, []).append(f.id)
    for c in reg.checklists:
        check_text(c.plugin, c.id, c.sections)
        for item in c.items():
            for cid in item["clauses"]:
                if cid not in clause_ids:
                    state = "switched off for this client" if cid in owner else "not defined"
                    raise PluginError(c.plugin, f"check item {item['id']!r} names clause {cid!r}, which is {state}")
                reg.checked_by.setdefault(cid, []).append((c.id, item["id"]))
