"""Client profiles: the particulars of one client company, validated against a schema.

A profile is a YAML file (see ``examples/*.yaml``). It is checked twice: first against the schema
below (types, required fields, safe strings and ids, names that are not blank, dates that make
sense), then against the chosen industry (:mod:`sqmkit.profilecheck`: known modules, departments,
posts, terms and parameters, values of the declared type and range). Every problem names the file,
the field path and the line, and every problem is reported in one run
(:class:`~sqmkit.errors.ProfileProblems`).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from .errors import ProfileError, ProfileProblems
from .grades import LocatedValueError
from .messages import _, follow_profile
from .outdir import reserved_name_problem
from .schema import LANGUAGES
from .strings import SafeStr, SafeTree, check_safe_tree
from .validation import DATE_EXAMPLE, describe
from .workspace import CLIENT_ID_RE  # a folder name and a store key: a strict slug, no dots, no slashes
from .yamlio import YamlDoc, load_yaml, validation_errors

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")


#: dates before this are refused (a regulation in force in year 1 is a typo)
EARLIEST_DATE = dt.date(1990, 1, 1)
#: and dates after this
LATEST_DATE = dt.date(2100, 12, 31)
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _org_key(value: str) -> str:
    if not KEY_RE.match(value):
        raise ValueError(_("{key!r} is not a valid key: use lower-case letters, digits and underscores").format(
            key=value))
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError(_("must not be blank"))
    return value


def _org_name(value: Any) -> Any:
    """A name: a string, or ``{zh-CN: …, en: …}``; never blank."""
    texts = [value] if isinstance(value, str) else list(value.values()) if isinstance(value, dict) else None
    if (texts is None or not texts or not all(isinstance(t, str) for t in texts)
            or (isinstance(value, dict) and not set(value) <= set(LANGUAGES))):
        raise ValueError(_("expected a name (text, or {{zh-CN: …, en: …}}), not {got}").format(got=describe(value)))
    if any(not t.strip() for t in texts):
        raise ValueError(_("must not be blank"))
    check_safe_tree(value)
    return value


def _date_input(value: Any) -> Any:
    """Dates are written 2026-01-31: a number, a wrong form or a day not in the calendar is refused
    with an example of the right form."""
    if isinstance(value, dt.datetime):
        raise ValueError(_("write a date without a time, like {example}").format(example=DATE_EXAMPLE))
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(_("expected a date like {example}, not {got}").format(example=DATE_EXAMPLE,
                                                                              got=describe(value)))
    if not ISO_DATE_RE.match(value.strip()):
        raise ValueError(_("{value!r} is not in the form year-month-day; write a date like {example}").format(
            value=value, example=DATE_EXAMPLE))
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(_("{value} is not a day of the calendar; write a real date like {example}").format(
            value=value.strip(), example=DATE_EXAMPLE)) from None


def _date_range(value: dt.date) -> dt.date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(_("{value} is not a plausible date: use a date from {first} to {last}").format(
            value=value.isoformat(), first=EARLIEST_DATE.isoformat(), last=LATEST_DATE.isoformat()))
    return value


#: a department, post or term key (``operations``, ``quality_lead``, ``institution``)
OrgKey = Annotated[SafeStr, AfterValidator(_org_key)]
#: a name a person reads (a company, a post holder): not blank
Name = Annotated[SafeStr, AfterValidator(_not_blank)]
#: a department, post or term name: text or ``{zh-CN: …, en: …}``, not blank
OrgName = Annotated[Any, BeforeValidator(_org_name)]
#: a date of the document: written 2026-01-31, from 1990 to 2100
DocDate = Annotated[dt.date, BeforeValidator(_date_input), AfterValidator(_date_range)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)  # built on first use (see localized.Strict)


class Company(_Strict):
    name: Name = Field(min_length=1, max_length=200)
    short_name: Name = Field(min_length=1, max_length=60)
    address: SafeStr | None = None


class Organization(_Strict):
    """The client's names for the industry's departments, posts (roles) and terms, by key."""

    departments: dict[OrgKey, OrgName] = Field(default_factory=dict)
    roles: dict[OrgKey, OrgName] = Field(default_factory=dict)
    terms: dict[OrgKey, OrgName] = Field(default_factory=dict)


class Revision(_Strict):
    version: Name = Field(min_length=1, max_length=20)
    date: DocDate
    description: Name = Field(min_length=1, max_length=500)


class DocumentControl(_Strict):
    number: Name = Field(min_length=1, max_length=40)
    version: Name = Field(min_length=1, max_length=20)
    title: Name | None = Field(default=None, max_length=100)
    prepared_by: Name = Field(min_length=1, max_length=60)
    reviewed_by: Name = Field(min_length=1, max_length=60)
    approved_by: Name = Field(min_length=1, max_length=60)
    effective_date: DocDate
    issued_date: DocDate | None = None  # 发布日期; defaults to the latest revision's date
    controlled_copy: bool = True
    copy_number: SafeStr | None = Field(default=None, max_length=20)
    holder: SafeStr | None = Field(default=None, max_length=60)
    owner: SafeStr | None = Field(default=None, max_length=60)  # the department that interprets the document
    revisions: list[Revision] = Field(default_factory=list)

    @field_validator("revisions")
    @classmethod
    def _revisions_ascend(cls, revisions: list[Revision]) -> list[Revision]:
        for i in range(1, len(revisions)):
            before, rev = revisions[i - 1], revisions[i]
            if rev.date < before.date:
                raise LocatedValueError((i, "date"), _(
                    "revision {version} is dated {date}, before the revision listed above it ({previous}, "
                    "{previous_date}): list revisions oldest first").format(
                    version=rev.version, date=rev.date.isoformat(), previous=before.version,
                    previous_date=before.date.isoformat()))
        return revisions


class PrintFaces(_Strict):
    """The printed faces, by fontconfig family name; unset, the body is the installed serif CJK
    face (Noto Serif CJK SC) and the headings the installed sans one (Noto Sans CJK SC)."""

    body: SafeStr | None = Field(default=None, max_length=80)
    headings: SafeStr | None = Field(default=None, max_length=80)


class PrintOptions(_Strict):
    """How the handbook PDF is laid out."""

    toc: Literal["chapters", "articles"] = "chapters"  # what the printed contents list
    colour: Literal["cover", "headings"] = "cover"  # where the brand colour prints; elsewhere black
    front_numbers: Literal["roman", "none"] = "roman"  # page numbers of the front matter
    bind_forms: bool = False  # bind the blank forms into the handbook as 附件 (forms.pdf is written too)


class Branding(_Strict):
    logo: SafeStr | None = None
    color: SafeStr = "#1f4e79"
    fonts: PrintFaces = Field(default_factory=PrintFaces)
    print: PrintOptions = Field(default_factory=PrintOptions)

    @field_validator("color")
    @classmethod
    def _color(cls, v: str) -> str:
        if not COLOR_RE.match(v):
            raise ValueError(_("must be a colour like '#1f4e79'"))
        return v

    @field_validator("logo")
    @classmethod
    def _logo(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if not v.lower().endswith(LOGO_SUFFIXES):
            raise ValueError(f"the logo must be one of {', '.join(LOGO_SUFFIXES)}")
        return v


class Profile(_Strict):
    """One client: who they are, which industry and modules, their organization and parameters."""

    id: SafeStr
    company: Company
    industry: SafeStr
    modules: list[SafeStr] = Field(default_factory=list)
    language: SafeStr = "zh-CN"
    organization: Organization = Field(default_factory=Organization)
    parameters: SafeTree = Field(default_factory=dict)
    document: DocumentControl
    branding: Branding = Field(default_factory=Branding)
    templates: SafeStr | None = None  # a folder of template overrides, relative to the profile

    #: where the profile was read from (set by :func:`load_profile`); not part of the YAML
    source: Path | None = Field(default=None, exclude=True)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not CLIENT_ID_RE.match(v):
            raise ValueError(
                f"{v!r} is not a valid client id: use lower-case letters, digits and hyphens "
                "(no dots, slashes or spaces), at most 63 characters"
            )
        reserved = reserved_name_problem(v)
        if reserved:
            raise ValueError(reserved)
        return v

    @field_validator("industry")
    @classmethod
    def _industry(cls, v: str) -> str:
        if not KEY_RE.match(v.replace("-", "_")):
            raise ValueError(_("{value!r} is not a valid industry id").format(value=v))
        return v

    @field_validator("modules")
    @classmethod
    def _modules(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError(_("a module is listed twice"))
        return v

    @field_validator("language")
    @classmethod
    def _lang(cls, v: str) -> str:
        if v not in LANGUAGES:
            raise ValueError(_("unknown language {value!r}; use one of {known}").format(
                value=v, known=", ".join(LANGUAGES)))
        return v


    # -- derived -----------------------------------------------------------------------------

    @property
    def base_dir(self) -> Path:
        return self.source.parent if self.source else Path.cwd()

    def logo_path(self) -> Path | None:
        return (self.base_dir / self.branding.logo) if self.branding.logo else None

    def template_dir(self) -> Path | None:
        return (self.base_dir / self.templates) if self.templates else None


def schema_problems(data: Any, doc: YamlDoc) -> tuple[Profile | None, list[ProfileError]]:
    """The profile read from ``data``, or every way it does not match the schema (not only the first)."""
    if not isinstance(data, dict):
        return None, [ProfileError(str(doc.path), "", _("a profile is a mapping of fields, not {got}").format(
            got=describe(data)), 1)]
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        return None, [e for e in validation_errors(doc, exc, ProfileError, model=Profile)
                      if isinstance(e, ProfileError)]
    profile.source = doc.path.resolve()
    return profile, []


def profile_from_data(data: Any, doc: YamlDoc) -> Profile:
    """The profile read from ``data``; every schema problem is raised at once
    (:class:`~sqmkit.errors.ProfileProblems`, a :class:`~sqmkit.errors.ProfileError`)."""
    profile, problems = schema_problems(data, doc)
    if profile is None:
        raise ProfileProblems.of(problems)
    return profile


def read_profile_doc(path: str | Path) -> YamlDoc:
    """Read a profile's YAML; messages follow its ``language`` from here on."""
    doc = load_yaml(path, ProfileError)
    follow_profile(doc.data)
    return doc


def load_profile(path: str | Path) -> tuple[Profile, YamlDoc]:
    """Read and schema-check a profile YAML file (the checks against its industry are
    :func:`sqmkit.profilecheck.check_against_industry`)."""
    doc = read_profile_doc(path)
    return profile_from_data(doc.data, doc), doc
