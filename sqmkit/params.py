"""What a client's texts read: industry defaults merged with a profile's overrides.

:func:`effective_parameters` gives the parameter values (looked up by dotted path with
:func:`lookup`), :func:`effective_organization` the names of departments, posts and terms. Both
are in the profile's language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from .model import OrgNames
from .paramspec import localize
from .schema import DEFAULT_LANGUAGE, compose_post

if TYPE_CHECKING:  # pragma: no cover
    from .profile import Profile
    from .schema import Industry


class MissingParameter(KeyError):
    """No parameter at that dotted path."""


def lookup(params: dict[str, Any], path: str) -> Any:
    """The value at a dotted path such as ``grading.courier`` or ``kpi.on_time_rate``."""
    node: Any = params
    for part in path.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise MissingParameter(path)
    return node


def merge_parameters(defaults: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge profile parameters over industry defaults (lists are replaced whole)."""
    out = dict(defaults)
    for k, v in overrides.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge_parameters(out[k], v)
        else:
            out[k] = v
    return out


def effective_parameters(profile: "Profile", industry: "Industry") -> dict[str, Any]:
    """Industry defaults with the profile's overrides merged in, texts in the profile's language."""
    lang = profile.language
    return merge_parameters(industry.parameter_defaults(lang), localize(profile.parameters, lang))


def _name(value: Any, lang: str) -> str | None:
    """A name the profile gives (a string or ``{zh-CN: …, en: …}``) in ``lang``."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, Mapping):
        text = value.get(lang, value.get(DEFAULT_LANGUAGE))
        return text.strip() or None if isinstance(text, str) else None
    return None


def effective_organization(profile: "Profile", industry: "Industry") -> OrgNames:
    """The names texts print for ``org.departments.X``, ``org.roles.X`` and ``org.terms.X``.

    Each is the profile's name for the key; else, for a post of a department, the department's
    effective name followed by the post's title (so renaming 办公室 to 总裁办公室 makes 办公室主任
    总裁办公室主任); else the industry's default name.
    """
    lang, org = profile.language, profile.organization
    departments = {k: _name(org.departments.get(k), lang) or unit.name.get(lang)
                   for k, unit in industry.departments.items()}
    roles: dict[str, str] = {}
    for key, post in industry.roles.items():
        named = _name(org.roles.get(key), lang)
        if named is not None:
            roles[key] = named
        elif post.department is not None and post.title is not None:
            roles[key] = compose_post(departments[post.department], post.title.get(lang), lang)
        else:
            roles[key] = industry.post_name(key, lang)
    terms = {k: _name(org.terms.get(k), lang) or unit.name.get(lang) for k, unit in industry.terms.items()}
    return OrgNames(departments=departments, roles=roles, terms=terms)
