"""Demo profiles: every profile in ``examples/`` is valid (``profile``).

Each is read with the core's own :func:`sqmkit.profile.profile_from_data` and, when it is a
profile of the plugin's industry, checked with :func:`sqmkit.profilecheck.check_against_industry`
(modules, parameter names and types, grade scales); its logo and template folder must exist.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ...errors import DataError, ProfileProblems
from ...profile import Profile, profile_from_data
from ...profilecheck import check_against_industry
from ...yamlio import YamlDoc
from ..context import LintContext
from ..findings import Finding, error, from_data_error
from ..rule import Rule

CODES = ("profile",)


def _files_exist(profile: Profile, doc: YamlDoc) -> Iterator[Finding]:
    logo = profile.logo_path()
    if logo is not None and not logo.is_file():
        yield error("profile", f"logo file {profile.branding.logo} does not exist", doc, ("branding", "logo"))
    if profile.templates and not (profile.template_dir() or Path()).is_dir():
        yield error("profile", f"template folder {profile.templates} does not exist", doc, ("templates",))


def _each(exc: DataError) -> list[DataError]:
    """Every problem a profile error holds (:class:`~sqmkit.errors.ProfileProblems` holds several)."""
    return list(exc.problems) if isinstance(exc, ProfileProblems) else [exc]


def check_demo_profiles(ctx: LintContext) -> Iterator[Finding]:
    """Every demo profile is valid, for the plugin's industry too."""
    industry = ctx.industry_spec
    for doc in ctx.examples:
        try:
            profile = profile_from_data(doc.data, doc)
        except DataError as exc:
            for one in _each(exc):
                yield from_data_error("profile", one, hint=one.hint or "the profile schema is sqmkit.Profile")
            continue
        if industry is not None and profile.industry == industry.id:
            try:
                check_against_industry(profile, industry, doc)
            except DataError as exc:
                for one in _each(exc):
                    yield from_data_error("profile", one)
        yield from _files_exist(profile, doc)


RULES = (Rule("demo-profiles", check_demo_profiles, CODES),)
