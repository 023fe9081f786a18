"""Group profiles: a group company (集团) and its units, each a client of the workspace.

A group profile lives in the workspace as ``groups/ID.yaml``. It lists its units (client ids)
and holds the content the group writes once for all of them: its general rules (集团总则), its
quality policy and its organization (the group's bodies and their duties), and the language of
its portal (``language: zh-CN`` or ``en``; each unit's handbook keeps its own). Every unit's
regulation includes it: :func:`group_of` finds the group listing a client, and
:func:`include_group` adds to the unit's 总则 an article saying that the group's rules apply,
quoting the group's quality policy, and a chapter holding the group's rules and organization.
So the group's content is part of each unit's regulation (and of what its build hashes):
changing the group policy changes every unit's handbook on the next build.

An issued version freezes its inputs beside ``profile.yaml``; a ``group.yaml`` there is the
group the version was issued with, so a rebuild uses it rather than today's group.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ProfileError, ProfileProblems
from .localized import LANGUAGES
from .messages import _
from .model import ArticleNode, ChapterNode, TableNode
from .profile import Profile
from .strings import SafeStr
from .workspace import CLIENT_ID_RE, FROZEN_GROUP, GROUPS_DIR, group_files
from .yamlio import load_yaml, validation_errors

__all__ = ["GroupProfile", "GroupRule", "GroupBody", "GROUPS_DIR", "FROZEN_GROUP", "load_group", "group_files",
           "group_of", "include_group", "GROUP_CHAPTER"]

#: the id of the group's chapter in a unit's regulation
GROUP_CHAPTER = "group"
#: the ids of the articles the group's chapter always has
RESERVED_RULE_IDS = frozenset({"applies", "policy", "organization"})


def _filled(value: str) -> str:
    if not value.strip():
        raise ValueError(_("must not be blank"))
    return value


def _slug(value: str) -> str:
    if not CLIENT_ID_RE.match(value):
        raise ValueError(_("{value!r} is not a valid id: use lower-case letters, digits and hyphens").format(
            value=value))
    return value


Filled = Annotated[SafeStr, AfterValidator(_filled)]
Slug = Annotated[SafeStr, AfterValidator(_slug)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)  # built when a group is read (see localized.Strict)


class GroupRule(_Strict):
    """One article of the group's general rules (集团总则)."""

    id: Slug
    title: Filled = Field(max_length=60)
    text: Filled


class GroupBody(_Strict):
    """A body of the group's organization (集团质量管理委员会 …) and its duties."""

    name: Filled = Field(max_length=60)
    duties: Filled


class GroupProfile(_Strict):
    """A group company: its names, its units and the content it gives every unit."""

    id: Slug
    name: Filled = Field(max_length=200)
    short_name: Filled = Field(max_length=60)
    title: Filled | None = Field(default=None, max_length=100)  # the portal's title
    language: SafeStr = "zh-CN"  # the portal's language (each unit's handbook follows its own profile)
    units: list[Slug] = Field(min_length=1)
    policy: Filled = Field(max_length=500)  # the group's quality policy, quoted in every unit
    rules: list[GroupRule] = Field(default_factory=list)
    organization: list[GroupBody] = Field(default_factory=list)

    #: where the group was read from; not part of the YAML
    source: Path | None = Field(default=None, exclude=True)

    @field_validator("units")
    @classmethod
    def _units(cls, units: list[str]) -> list[str]:
        if len(set(units)) != len(units):
            raise ValueError(_("a unit is listed twice"))
        return units

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(_("unknown language {value!r}; use one of {known}").format(
                value=value, known=", ".join(LANGUAGES)))
        return value

    @field_validator("rules")
    @classmethod
    def _rules(cls, rules: list[GroupRule]) -> list[GroupRule]:
        if len({r.id for r in rules}) != len(rules):
            raise ValueError(_("two rules have one id"))
        for rule in rules:
            if rule.id in RESERVED_RULE_IDS:
                raise ValueError(_("the rule id {id!r} is taken by the group's own articles; choose another").format(
                    id=rule.id))
        return rules

    def portal_title(self) -> str:
        if self.title:
            return self.title
        return f"{self.short_name}: service quality regulations" if self.language == "en" else \
            self.short_name + "服务质量管理制度"


def load_group(path: str | Path) -> GroupProfile:
    """Read and check a group profile; every problem at once, each at file:line."""
    doc = load_yaml(path, ProfileError)
    try:
        group = GroupProfile.model_validate(doc.data)
    except ValidationError as exc:
        raise ProfileProblems.of([e for e in validation_errors(doc, exc, ProfileError, model=GroupProfile)
                                  if isinstance(e, ProfileError)]) from None
    group.source = Path(path).resolve()
    return group


def group_of(profile: Profile) -> GroupProfile | None:
    """The group whose units include ``profile``'s client: the frozen ``group.yaml`` beside an
    issued version's profile, else the workspace's group listing the client (its profile must be
    one of the workspace's clients), else None."""
    source = profile.source
    if source is None:
        return None
    frozen = source.parent / FROZEN_GROUP
    if source.name == "profile.yaml" and frozen.is_file():
        return load_group(frozen)
    from .workspace import Workspace

    ws = Workspace.find(source.parent)
    if ws is None or not ws.is_client_file(source):
        return None
    for path in group_files(ws.root):
        group = load_group(path)
        if profile.id in group.units:
            return group
    return None


# ---------------------------------------------------------------------------------------------
# the group's content in a unit's regulation
# ---------------------------------------------------------------------------------------------

_WORDS = {
    "zh-CN": {"chapter": "集团管理规定", "applies": "集团规定的适用", "policy": "集团质量方针",
              "organization": "集团质量管理组织", "body": "机构", "duties": "职责"},
    "en": {"chapter": "Group provisions", "applies": "Group rules", "policy": "Group quality policy",
           "organization": "Group quality organization", "body": "Body", "duties": "Duties"},
}


def _applies_text(group: GroupProfile, company: str, lang: str) -> str:
    see = f"\x1eref:{GROUP_CHAPTER}:\x1f"
    if lang == "en":
        return (f"{company} is a unit of {group.name}. The group's general rules, quality policy and organization "
                f"({see}) apply to {company}; where this regulation differs from them, the group's rules prevail. "
                f"The group's quality policy: \u201c{group.policy}\u201d")
    return (f"{company}是{group.name}的成员单位。集团制定的总则、质量方针和质量管理组织（{see}）适用于{company}，"
            f"本制度与集团规定不一致的，以集团规定为准。集团质量方针：“{group.policy}”。")


def include_group(chapters: list[ChapterNode], group: GroupProfile | None, company: str,
                  lang: str) -> list[ChapterNode]:
    """``chapters`` with the group's content: an article at the end of the 总则 and the group's
    chapter after it (first, when there is no 总则)."""
    if group is None:
        return chapters
    words = _WORDS.get(lang, _WORDS["zh-CN"])
    applies = ArticleNode(f"{GROUP_CHAPTER}.applies", words["applies"],
                          _applies_text(group, company, lang), [], None, None, GROUP_CHAPTER)
    articles = [ArticleNode(f"{GROUP_CHAPTER}.policy", words["policy"], group.policy, [], None, None, GROUP_CHAPTER)]
    articles += [ArticleNode(f"{GROUP_CHAPTER}.{r.id}", r.title, r.text, [], None, None, GROUP_CHAPTER)
                 for r in group.rules]
    if group.organization:
        table = TableNode(None, [words["body"], words["duties"]], [[b.name, b.duties] for b in group.organization])
        articles.append(ArticleNode(f"{GROUP_CHAPTER}.organization", words["organization"], None, [], table, None,
                                    GROUP_CHAPTER))
    chapter = ChapterNode(GROUP_CHAPTER, "general", f"{words['chapter']}（{group.name}）", None, articles,
                          [GROUP_CHAPTER])
    out = list(chapters)
    at = next((i for i, c in enumerate(out) if c.id == "general"), None)
    if at is None:
        return [chapter] + out
    out[at].articles.append(applies)
    return out[:at + 1] + [chapter] + out[at + 1:]


def group_path(root: Path, group_id: str) -> Path:
    """``groups/ID.yaml`` of the workspace at ``root``; an unknown id is refused with a did-you-mean."""
    from .validation import unknown_hint
    from .workspace import WorkspaceError

    for path in group_files(root):
        if path.stem == group_id:
            return path
    known = [p.stem for p in group_files(root)]
    raise WorkspaceError(_("no group {id!r} in the workspace {root} ({hint})").format(
        id=group_id, root=root, hint=unknown_hint(group_id, known) if known else _("it has no groups/ folder yet")))
