"""The industry a plugin declares: names, optional modules, parameters and organization.

Part of the data schema (:mod:`sqmkit.schema` re-exports everything here). ``industry.yaml``
is one :class:`Industry`: its parameters are declared as :class:`~sqmkit.paramspec.ParamSpec`
leaves in a tree of groups; its departments and terms are :class:`OrgUnit`, its posts
:class:`Post` — either named, or tied to a department and named after it.
"""

from __future__ import annotations

import copy
import re
from typing import Any, Literal

from pydantic import Field, PrivateAttr, model_validator

from .grades import LocatedValueError
from .localized import DEFAULT_LANGUAGE, LANGUAGES, DottedId, SegmentId, Strict, Text
from .messages import _
from .normrefs import NormRef
from .paramspec import ParamSpec, SpecTree, defaults_tree, read_tree, spec_tree

__all__ = ["Module", "Language", "OrgUnit", "Post", "compose_post", "Industry", "ORG_KEY_RE", "NormRef"]


# ---------------------------------------------------------------------------------------------
# Industries
# ---------------------------------------------------------------------------------------------


class Module(Strict):
    """An optional module of an industry, switched on per client (e.g. cash-on-delivery)."""

    id: SegmentId
    name: Text
    description: Text | None = None
    #: whether a client of another industry may add it (``modules: [hospitality.catering]``)
    borrowable: bool = True
    #: chapters or articles of this industry outside the module that the module's texts refer to;
    #: a client of another industry who borrows the module gets them too
    requires: list[DottedId] = Field(default_factory=list)


Language = Literal["zh-CN", "en"]


def _only_chinese() -> list[Language]:
    return ["zh-CN"]


#: a department, post or term key (``operations``, ``office_head``, ``institution``)
ORG_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,47}$")


def _as_name(value: Any) -> Any:
    """A plain string (or ``{zh-CN: …, en: …}``) is the name alone."""
    if isinstance(value, str) or (isinstance(value, dict) and value and set(value) <= set(LANGUAGES)):
        return {"name": value}
    return value


class OrgUnit(Strict):
    """A department (or an institution word, for terms): its default name and what it is."""

    name: Text
    meaning: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain(cls, value: Any) -> Any:
        return _as_name(value)


class Post(Strict):
    """A post (role). Either it has a ``name`` of its own (总经理), or it belongs to a
    ``department`` and its name is the department's name followed by ``title`` (办公室 + 主任),
    so renaming the department renames the post."""

    name: Text | None = None
    department: str | None = None
    title: Text | None = None
    meaning: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain(cls, value: Any) -> Any:
        return _as_name(value)

    @model_validator(mode="after")
    def _name_or_department(self) -> "Post":
        if self.department is not None and (self.title is None or self.name is not None):
            raise ValueError(_("a post of a department has a title and no name of its own (name = the "
                               "department's name + title)"))
        if self.department is None and (self.name is None or self.title is not None):
            raise ValueError(_("a post needs a name, or a department and a title"))
        return self


def compose_post(department: str, title: str, lang: str) -> str:
    """The name of a post tied to a department: 办公室 + 主任 → 办公室主任; Front Office + Manager."""
    return f"{department} {title}" if lang == "en" else department + title


def _org_keys(section: str, mapping: dict[str, Any]) -> None:
    for key in mapping:
        if not ORG_KEY_RE.match(key):
            raise LocatedValueError((section, key), _("{key!r} is not a valid key: use lower-case letters, digits "
                                                      "and underscores").format(key=key))


def _check_references(industry: "Industry") -> None:
    """Reference ids and titles unique, their modules declared."""
    ids: set[str] = set()
    titles: dict[str, str] = {}
    modules = set(industry.module_ids())
    for i, ref in enumerate(industry.references):
        title = ref.title.get(DEFAULT_LANGUAGE)
        if ref.id in ids:
            raise LocatedValueError(("references", i, "id"), _("reference {id!r} is declared twice").format(id=ref.id))
        if title in titles:
            raise LocatedValueError(("references", i, "title"), _("references {id!r} and {other!r} have the same "
                                                                  "title {title!r}").format(
                id=ref.id, other=titles[title], title=title))
        if ref.module is not None and ref.module not in modules:
            raise LocatedValueError(("references", i, "module"), _("unknown module {module!r}").format(
                module=ref.module))
        ids.add(ref.id)
        titles[title] = ref.id


class Industry(Strict):
    """An industry a plugin adds: its names, optional modules, parameters and organization.

    ``parameters`` (in the file) declares every parameter the industry's texts may use: groups
    are mappings, each leaf a :class:`ParamSpec` with type, default, range, unit and meaning (see
    :mod:`sqmkit.paramspec`). :meth:`parameter_specs` lists them; :attr:`parameters` is the tree
    of their defaults, which a profile overrides value by value (it can add no key, change no
    type, leave no range). ``departments``, ``roles`` (posts) and ``terms`` (the institution words
    the texts use, 卫生院/院) give default names by key, which a profile renames.
    """

    id: SegmentId
    name: Text
    description: Text | None = None
    modules: list[Module] = Field(default_factory=list)
    declared: dict[str, Any] = Field(default_factory=dict, alias="parameters")
    departments: dict[str, OrgUnit] = Field(default_factory=dict)
    roles: dict[str, Post] = Field(default_factory=dict)
    terms: dict[str, OrgUnit] = Field(default_factory=dict)
    title: Text | None = None  # the regulation's title, e.g. 快递服务质量管理制度
    #: the languages the industry's content is complete in (a profile may ask for no other)
    languages: list[str] = Field(default_factory=lambda: [DEFAULT_LANGUAGE])
    #: the laws, regulations and standards the regulation rests on (编制依据; see :mod:`sqmkit.normrefs`)
    references: list[NormRef] = Field(default_factory=list)
    #: the department that owns service quality: it interprets the regulation when the profile names
    #: no document owner
    quality_department: str | None = None

    _specs: list[ParamSpec] = PrivateAttr(default_factory=list)
    _tree: SpecTree = PrivateAttr(default_factory=dict)
    _defaults: dict[str, dict[str, Any]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> "Industry":
        for i, lang in enumerate(self.languages):
            if lang not in LANGUAGES:
                raise LocatedValueError(("languages", i), _("unknown language {value!r}; use one of {known}").format(
                    value=lang, known=", ".join(LANGUAGES)))
        seen: set[str] = set()
        for i, m in enumerate(self.modules):
            if m.id in seen:
                raise LocatedValueError(("modules", i, "id"), _("module {id!r} is declared twice").format(id=m.id))
            seen.add(m.id)
        for section in ("departments", "roles", "terms"):
            _org_keys(section, getattr(self, section))
        for key, post in self.roles.items():
            if post.department is not None and post.department not in self.departments:
                raise LocatedValueError(("roles", key, "department"), _("unknown department {key!r}").format(
                    key=post.department))
        _check_references(self)
        if self.quality_department is not None and self.quality_department not in self.departments:
            raise LocatedValueError(("quality_department",), _("unknown department {key!r}").format(
                key=self.quality_department))
        specs, problems = read_tree(self.declared)
        for loc, problem in problems:
            raise LocatedValueError(("parameters",) + loc, problem)
        self._specs, self._tree = specs, spec_tree(specs)
        return self

    def module_ids(self) -> list[str]:
        return [m.id for m in self.modules]

    # -- parameters ------------------------------------------------------------------------------

    def parameter_specs(self) -> list[ParamSpec]:
        """Every declared parameter, in file order."""
        return list(self._specs)

    def parameter_spec(self, path: str) -> ParamSpec | None:
        return next((s for s in self._specs if s.path == path), None)

    def parameter_tree(self) -> SpecTree:
        """The declarations as a tree: groups are mappings, leaves :class:`ParamSpec`."""
        return self._tree

    def parameter_defaults(self, lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        """The tree of default values, texts in ``lang`` (a fresh copy each time)."""
        if lang not in self._defaults:
            self._defaults[lang] = defaults_tree(self._specs, lang)
        return copy.deepcopy(self._defaults[lang])

    @property
    def parameters(self) -> dict[str, Any]:
        """The tree of default values (zh-CN), as texts read them: ``kpi.on_time_rate`` → 98."""
        return self.parameter_defaults()

    # -- organization ----------------------------------------------------------------------------

    def post_name(self, key: str, lang: str = DEFAULT_LANGUAGE, departments: dict[str, str] | None = None) -> str:
        """The name of post ``key``; a post of a department is named after ``departments[dept]``
        (the client's name for it) or the department's default name."""
        post = self.roles[key]
        if post.department is None or post.title is None:
            return (post.name or Text({DEFAULT_LANGUAGE: key})).get(lang)
        dept = (departments or {}).get(post.department) or self.departments[post.department].name.get(lang)
        return compose_post(dept, post.title.get(lang), lang)

    def default_names(self, lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
        """Every department, post and term key's default name: ``{"departments.office": "办公室",
        "roles.office_head": "办公室主任", "terms.institution": "卫生院", …}``."""
        out = {f"departments.{k}": u.name.get(lang) for k, u in self.departments.items()}
        out.update({f"roles.{k}": self.post_name(k, lang) for k in self.roles})
        out.update({f"terms.{k}": u.name.get(lang) for k, u in self.terms.items()})
        return out
