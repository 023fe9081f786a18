"""Client profiles: the particulars of one client company, validated against a schema.

A profile is a YAML file (see ``examples/*.yaml``). It is checked twice: first against the schema
below (types, required fields, safe strings and ids), then against the chosen industry (known
modules, declared parameters of the right type). Every problem names the file, the field path and
the line.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Sequence

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ProfileError
from .grades import find_scales, scale_problems
from .schema import LANGUAGES, Industry
from .strings import SafeStr, SafeText, SafeTree
from .yamlio import YamlDoc, format_loc, load_yaml, validation_error

#: A client id is used as a folder name and a store key, so it is a strict slug: no dots, no slashes.
CLIENT_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")


def _org_key(value: str) -> str:
    if not KEY_RE.match(value):
        raise ValueError(f"{value!r} is not a valid key: use lower-case letters, digits and underscores")
    return value


#: a department or role key (``operations``, ``quality_lead``)
OrgKey = Annotated[SafeStr, AfterValidator(_org_key)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Company(_Strict):
    name: SafeStr = Field(min_length=1, max_length=200)
    short_name: SafeStr = Field(min_length=1, max_length=60)
    address: SafeStr | None = None


class Organization(_Strict):
    departments: dict[OrgKey, SafeText] = Field(default_factory=dict)
    roles: dict[OrgKey, SafeText] = Field(default_factory=dict)


class Revision(_Strict):
    version: SafeStr = Field(min_length=1, max_length=20)
    date: dt.date
    description: SafeStr = Field(min_length=1, max_length=500)


class DocumentControl(_Strict):
    number: SafeStr = Field(min_length=1, max_length=40)
    version: SafeStr = Field(min_length=1, max_length=20)
    title: SafeStr | None = Field(default=None, max_length=100)
    prepared_by: SafeStr = Field(min_length=1, max_length=60)
    reviewed_by: SafeStr = Field(min_length=1, max_length=60)
    approved_by: SafeStr = Field(min_length=1, max_length=60)
    effective_date: dt.date
    controlled_copy: bool = True
    copy_number: SafeStr | None = Field(default=None, max_length=20)
    holder: SafeStr | None = Field(default=None, max_length=60)
    owner: SafeStr | None = Field(default=None, max_length=60)  # the department that interprets the document
    revisions: list[Revision] = Field(default_factory=list)


class Branding(_Strict):
    logo: SafeStr | None = None
    color: SafeStr = "#1f4e79"

    @field_validator("color")
    @classmethod
    def _color(cls, v: str) -> str:
        if not COLOR_RE.match(v):
            raise ValueError("must be a colour like '#1f4e79'")
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
        return v

    @field_validator("industry")
    @classmethod
    def _industry(cls, v: str) -> str:
        if not KEY_RE.match(v.replace("-", "_")):
            raise ValueError(f"{v!r} is not a valid industry id")
        return v

    @field_validator("modules")
    @classmethod
    def _modules(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("a module is listed twice")
        return v

    @field_validator("language")
    @classmethod
    def _lang(cls, v: str) -> str:
        if v not in LANGUAGES:
            raise ValueError(f"unknown language {v!r}; use one of {', '.join(LANGUAGES)}")
        return v


    # -- derived -----------------------------------------------------------------------------

    @property
    def base_dir(self) -> Path:
        return self.source.parent if self.source else Path.cwd()

    def logo_path(self) -> Path | None:
        return (self.base_dir / self.branding.logo) if self.branding.logo else None

    def template_dir(self) -> Path | None:
        return (self.base_dir / self.templates) if self.templates else None


def profile_from_data(data: Any, doc: YamlDoc) -> Profile:
    if not isinstance(data, dict):
        raise ProfileError(str(doc.path), "", f"a profile is a mapping of fields, not a {type(data).__name__}", 1)
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        raise validation_error(doc, exc, ProfileError) from None
    profile.source = doc.path.resolve()
    return profile


def load_profile(path: str | Path) -> tuple[Profile, YamlDoc]:
    """Read and schema-check a profile YAML file."""
    doc = load_yaml(path, ProfileError)
    return profile_from_data(doc.data, doc), doc


# ---------------------------------------------------------------------------------------------
# Checks against the industry
# ---------------------------------------------------------------------------------------------


def _type_name(v: Any) -> str:
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "list"
    if isinstance(v, dict):
        return "mapping"
    return type(v).__name__


#: a problem found in the profile's parameters: where it is and what is wrong
_Problem = tuple[list[str | int], str]


def _check_value(default: Any, value: Any, loc: list[str | int], problems: list[_Problem]) -> None:
    dt_, vt = _type_name(default), _type_name(value)
    if dt_ != vt and not (isinstance(default, dict) and set(default) <= {"zh-CN", "en"} and vt == "string"):
        problems.append((loc, f"expected a {dt_} (like {default!r}), got a {vt} ({value!r})"))
        return
    if isinstance(default, dict) and isinstance(value, dict):
        if set(default) <= {"zh-CN", "en"}:  # a localized text
            return
        for k, v in value.items():
            if k not in default:
                known = ", ".join(sorted(default))
                problems.append((loc + [k], f"unknown parameter; this industry declares: {known}"))
                continue
            _check_value(default[k], v, loc + [k], problems)
    elif isinstance(default, list) and isinstance(value, list) and default:
        proto = default[0]
        for i, v in enumerate(value):
            if isinstance(proto, dict) and isinstance(v, dict):
                missing = [k for k in proto if k not in v and k not in ("label", "consequence")]
                if missing:
                    problems.append((loc + [i], f"missing key {missing[0]!r}"))
                for k, vv in v.items():
                    if k not in proto:
                        problems.append((loc + [i, k], f"unknown key; expected {', '.join(proto)}"))
                    elif _type_name(proto[k]) != _type_name(vv):
                        problems.append((loc + [i, k], f"expected a {_type_name(proto[k])}, got {vv!r}"))
            else:
                _check_value(proto, v, loc + [i], problems)


def check_against_industry(profile: Profile, industry: Industry, doc: YamlDoc | None) -> None:
    """Modules must exist in the industry; parameters must be declared and of the declared type."""
    file = str(doc.path) if doc else "<profile>"

    def err(loc: Sequence[str | int], problem: str, hint: str | None = None) -> ProfileError:
        return ProfileError(file, format_loc(loc), problem, doc.line_of(loc) if doc else None, hint)

    known = industry.module_ids()
    for i, m in enumerate(profile.modules):
        if m not in known:
            raise err(["modules", i], f"unknown module {m!r} for industry {industry.id!r}",
                      f"known modules: {', '.join(known) or 'none'}")
    problems: list[_Problem] = []
    _check_value(industry.parameters, profile.parameters, ["parameters"], problems)
    for loc, bands in find_scales(profile.parameters, ("parameters",)):
        problems += [(list(loc + sub), problem) for sub, problem in scale_problems(bands)]
    if problems:
        where, problem = problems[0]
        raise err(where, problem)
