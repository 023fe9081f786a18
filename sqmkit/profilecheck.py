"""A client profile checked against its industry: every problem at once, each located.

The checks read the profile's data as written (a mapping), so they run even where the schema
check (:func:`sqmkit.profile.schema_problems`) found problems, and both lists are reported
together, sorted by line:

* modules, departments, posts (roles), terms and parameters the industry declares — an unknown
  key gets "did you mean" and the known keys;
* every parameter value against its declaration (:func:`sqmkit.paramspec.value_problems`): type,
  range with its unit, NaN and infinity, list lengths, grade scales;
* posts of a department (``office_head`` = 办公室 + 主任) follow the department's name; a profile
  that renames the department but names such a post with the department's old name is told the
  post, what it says and the name to write.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .composition import Composition, borrow_problems, compose
from .errors import ProfileError, ProfileProblems
from .grades import Loc
from .messages import _
from .paramspec import ParamSpec, SpecTree, value_problems
from .profile import Profile, schema_problems
from .schema import Industry
from .validation import unknown_hint
from .yamlio import YamlDoc, format_loc

#: a problem before it is located: where, what, and a hint
_Found = tuple[Loc, str, str | None]

ORG_SECTIONS = ("departments", "roles", "terms")


def located(doc: YamlDoc | None, loc: Loc, problem: str, hint: str | None = None) -> ProfileError:
    """A :class:`ProfileError` at ``loc`` of the profile file (``<profile>`` without a file)."""
    return ProfileError(str(doc.path) if doc else "<profile>", format_loc(loc), problem,
                        doc.line_of(list(loc)) if doc else None, hint)


def unknown_industry(value: Any, known: Iterable[str], doc: YamlDoc | None) -> ProfileError:
    known = sorted(known)
    hint = unknown_hint(str(value), known) if known else _("no industry plugin is installed")
    return located(doc, ("industry",), _("unknown industry {id!r}").format(id=value), hint)


def _module_problems(modules: Any, industry: Industry) -> list[_Found]:
    known = industry.module_ids()
    if not isinstance(modules, list):
        return []  # the schema says what a module list is
    return [(("modules", i), _("unknown module {module!r} for industry {industry!r}").format(
                module=m, industry=industry.id), unknown_hint(m, known))
            for i, m in enumerate(modules) if isinstance(m, str) and m not in known and "." not in m]


def _unknown_org(section: str, key: Any) -> str:
    if section == "departments":
        return _("unknown department {key!r}").format(key=key)
    if section == "roles":
        return _("unknown post (role) {key!r}").format(key=key)
    return _("unknown term {key!r}").format(key=key)


def _org_key_problems(org: Mapping[str, Any], industry: Industry) -> list[_Found]:
    found: list[_Found] = []
    for section in ORG_SECTIONS:
        names = org.get(section)
        declared = getattr(industry, section)
        if not isinstance(names, dict):
            continue
        for key in names:
            if key not in declared:
                found.append((("organization", section, key), _unknown_org(section, key),
                              unknown_hint(str(key), declared)))
    return found


def _in(value: Any, lang: str) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get(lang), str):
        return str(value[lang])
    return None


def _post_problems(org: Mapping[str, Any], industry: Industry) -> list[_Found]:
    """Posts of a renamed department that still carry the department's old name."""
    departments, roles = org.get("departments"), org.get("roles")
    if not isinstance(departments, dict) or not isinstance(roles, dict):
        return []
    found: list[_Found] = []
    for key, post in industry.roles.items():
        if post.department is None or key not in roles or post.department not in departments:
            continue
        for lang, old in industry.departments[post.department].name.items():
            new, given = _in(departments[post.department], lang), _in(roles[key], lang)
            if not new or not given or new == old or old not in given or new in given:
                continue
            found.append((("organization", "roles", key), _(
                "the post {key} is named {name!r}, which still says {old!r}, but the department {department} "
                "is now {new!r}").format(key=key, name=given, old=old, department=post.department, new=new),
                _("write {suggested!r}, or leave {key} out: a post of a department follows the department's "
                  "name").format(suggested=given.replace(old, new), key=key)))
            break
    return found


def _param_problems(values: Mapping[Any, Any], tree: SpecTree, loc: Loc) -> list[_Found]:
    found: list[_Found] = []
    for key, value in values.items():
        here = loc + (key,)
        decl = tree.get(key) if isinstance(key, str) else None
        if decl is None:
            found.append((here, _("unknown parameter {key!r}").format(key=key), unknown_hint(str(key), tree)))
        elif isinstance(decl, ParamSpec):
            found += [(here + sub, problem, None) for sub, problem in value_problems(decl, value)]
        elif not isinstance(value, dict):
            found.append((here, _("{key} is a group of parameters, not a value").format(key=key),
                          _("set the parameters inside it: {known}").format(known=", ".join(sorted(decl)))))
        else:
            found += _param_problems(value, decl, here)
    return found


def industry_problems(data: Mapping[str, Any], industry: Industry, doc: YamlDoc | None) -> list[ProfileError]:
    """Every way the profile ``data`` does not fit ``industry``, located in ``doc``."""
    found = _module_problems(data.get("modules"), industry)
    org = data.get("organization")
    if isinstance(org, dict):
        found += _org_key_problems(org, industry) + _post_problems(org, industry)
    params = data.get("parameters")
    if isinstance(params, dict):
        found += _param_problems(params, industry.parameter_tree(), ("parameters",))
    return [located(doc, loc, problem, hint) for loc, problem, hint in found]


def composed_problems(data: Mapping[str, Any], host: Industry, industries: Mapping[str, Industry],
                      doc: YamlDoc | None) -> tuple[Composition, list[ProfileError]]:
    """The industries the profile ``data`` involves (its own, and those it borrows modules
    from), merged, and every problem: modules that cannot be borrowed, then the profile against
    the merged industry."""
    borrowing = borrow_problems(data.get("modules"), host, industries)
    modules = data.get("modules")
    comp = compose(host, industries, [m for m in modules if isinstance(m, str)] if isinstance(modules, list) else [])
    problems = [located(doc, loc, problem, hint) for loc, problem, hint in borrowing]
    return comp, problems + industry_problems(data, comp.industry, doc)


def profile_data(profile: Profile) -> dict[str, Any]:
    """What :func:`industry_problems` reads, from a validated profile."""
    return {"modules": list(profile.modules), "organization": profile.organization.model_dump(),
            "parameters": profile.parameters}


def check_against_industry(profile: Profile, industry: Industry, doc: YamlDoc | None) -> None:
    """Raise every problem of ``profile`` against ``industry`` at once (none: return)."""
    problems = industry_problems(profile_data(profile), industry, doc)
    if problems:
        raise ProfileProblems.of(problems)


def file_problems(doc: YamlDoc, industries: Mapping[str, Industry]) -> tuple[Profile | None, list[ProfileError]]:
    """A profile file's schema problems and its problems against its industry, together: the
    profile (``None`` when the schema check failed) and every problem found."""
    profile, problems = schema_problems(doc.data, doc)
    data = doc.data if isinstance(doc.data, dict) else {}
    ident = data.get("industry")
    if isinstance(ident, str) and ident in industries:
        problems += composed_problems(data, industries[ident], industries, doc)[1]
    elif isinstance(ident, str) and not any(p.where == "industry" for p in problems):
        problems.append(unknown_industry(ident, industries, doc))
    return profile, problems
