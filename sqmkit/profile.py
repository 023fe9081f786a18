"""Client profiles: the particulars of one client company, validated against a schema.

A profile is a YAML file (see ``examples/*.yaml``). It is checked twice: first against the schema
below (types, required fields, safe strings and ids), then against the chosen industry (known
modules, declared parameters of the right type). Every problem names the file, the field path and
the line.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ProfileError
from .schema import LANGUAGES, Industry, Text
from .yamlio import YamlDoc, format_loc, load_yaml, validation_error

#: A client id is used as a folder name and a store key, so it is a strict slug: no dots, no slashes.
CLIENT_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")


def _safe_string(value: str, what: str = "text") -> str:
    """Refuse control characters (they could smuggle markup markers) and over-long strings."""
    for ch in value:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") and ch not in "\n\t":
            raise ValueError(f"contains a control character U+{ord(ch):04X}")
    if len(value) > 2000:
        raise ValueError(f"{what} is longer than 2000 characters")
    return value


def _walk_strings(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _walk_strings(k)
            yield from _walk_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk_strings(v)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Company(_Strict):
    name: str = Field(min_length=1, max_length=200)
    short_name: str = Field(min_length=1, max_length=60)
    address: str | None = None

    @field_validator("name", "short_name", "address")
    @classmethod
    def _safe(cls, v):
        return _safe_string(v) if v is not None else v


class Organization(_Strict):
    departments: dict[str, Text] = Field(default_factory=dict)
    roles: dict[str, Text] = Field(default_factory=dict)

    @field_validator("departments", "roles")
    @classmethod
    def _keys(cls, v):
        for key, text in v.items():
            if not KEY_RE.match(key):
                raise ValueError(f"{key!r} is not a valid key: use lower-case letters, digits and underscores")
            for s in text.values():
                _safe_string(s)
        return v


class Revision(_Strict):
    version: str = Field(min_length=1, max_length=20)
    date: dt.date
    description: str = Field(min_length=1, max_length=500)

    @field_validator("version", "description")
    @classmethod
    def _safe(cls, v):
        return _safe_string(v)


class DocumentControl(_Strict):
    number: str = Field(min_length=1, max_length=40)
    version: str = Field(min_length=1, max_length=20)
    title: str | None = Field(default=None, max_length=100)
    prepared_by: str = Field(min_length=1, max_length=60)
    reviewed_by: str = Field(min_length=1, max_length=60)
    approved_by: str = Field(min_length=1, max_length=60)
    effective_date: dt.date
    controlled_copy: bool = True
    copy_number: str | None = Field(default=None, max_length=20)
    holder: str | None = Field(default=None, max_length=60)
    owner: str | None = Field(default=None, max_length=60)  # the department that interprets the document
    revisions: list[Revision] = Field(default_factory=list)

    @field_validator("number", "version", "title", "prepared_by", "reviewed_by", "approved_by", "copy_number", "holder", "owner")
    @classmethod
    def _safe(cls, v):
        return _safe_string(v) if v is not None else v


class Branding(_Strict):
    logo: str | None = None
    color: str = "#1f4e79"

    @field_validator("color")
    @classmethod
    def _color(cls, v):
        if not COLOR_RE.match(v):
            raise ValueError("must be a colour like '#1f4e79'")
        return v

    @field_validator("logo")
    @classmethod
    def _logo(cls, v):
        if v is None:
            return v
        _safe_string(v)
        if not v.lower().endswith(LOGO_SUFFIXES):
            raise ValueError(f"the logo must be one of {', '.join(LOGO_SUFFIXES)}")
        return v


class Profile(_Strict):
    """One client: who they are, which industry and modules, their organization and parameters."""

    id: str
    company: Company
    industry: str
    modules: list[str] = Field(default_factory=list)
    language: str = "zh-CN"
    organization: Organization = Field(default_factory=Organization)
    parameters: dict[str, Any] = Field(default_factory=dict)
    document: DocumentControl
    branding: Branding = Field(default_factory=Branding)
    templates: str | None = None  # a folder of template overrides, relative to the profile

    #: where the profile was read from (set by :func:`load_profile`); not part of the YAML
    source: Path | None = Field(default=None, exclude=True)

    @field_validator("id")
    @classmethod
    def _id(cls, v):
        if not CLIENT_ID_RE.match(v):
            raise ValueError(
                f"{v!r} is not a valid client id: use lower-case letters, digits and hyphens "
                "(no dots, slashes or spaces), at most 63 characters"
            )
        return v

    @field_validator("industry")
    @classmethod
    def _industry(cls, v):
        if not KEY_RE.match(v.replace("-", "_")):
            raise ValueError(f"{v!r} is not a valid industry id")
        return v

    @field_validator("modules")
    @classmethod
    def _modules(cls, v):
        if len(set(v)) != len(v):
            raise ValueError("a module is listed twice")
        return v

    @field_validator("language")
    @classmethod
    def _lang(cls, v):
        if v not in LANGUAGES:
            raise ValueError(f"unknown language {v!r}; use one of {', '.join(LANGUAGES)}")
        return v

    @field_validator("parameters")
    @classmethod
    def _params(cls, v):
        for s in _walk_strings(v):
            _safe_string(s)
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


def _check_value(default: Any, value: Any, loc: list, problems: list):
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


def merge_parameters(defaults: dict, overrides: dict) -> dict:
    """Deep-merge profile parameters over industry defaults (lists are replaced whole)."""
    out = dict(defaults)
    for k, v in overrides.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge_parameters(out[k], v)
        else:
            out[k] = v
    return out


def check_against_industry(profile: Profile, industry: Industry, doc: YamlDoc | None) -> None:
    """Modules must exist in the industry; parameters must be declared and of the declared type."""
    file = str(doc.path) if doc else "<profile>"

    def err(loc, problem, hint=None):
        return ProfileError(file, format_loc(loc), problem, doc.line_of(loc) if doc else None, hint)

    known = industry.module_ids()
    for i, m in enumerate(profile.modules):
        if m not in known:
            raise err(["modules", i], f"unknown module {m!r} for industry {industry.id!r}",
                      f"known modules: {', '.join(known) or 'none'}")
    problems: list = []
    _check_value(industry.parameters, profile.parameters, ["parameters"], problems)
    if problems:
        loc, problem = problems[0]
        raise err(loc, problem)
