"""The profile reference: what a client profile of an industry may say, as plain data.

:func:`industry_reference` gathers, for one industry, its modules, departments, posts (roles),
institution terms and declared parameters (dotted path, type, default, unit, range, meaning) into
plain dicts and lists ready for JSON. ``sqmkit industries show`` prints that one structure either
as text (:func:`render_text`) or as JSON; docs/profiles.md holds its tables as Markdown
(:func:`markdown_tables`), regenerated with ``python -m sqmkit.reference --update-docs
docs/profiles.md`` (``make docs``) and kept in step by a test.

Texts are given in one language: the one asked for where the plugin carries it, else zh-CN.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
import textwrap
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from .columns import WIDTH, display_width, table, wrap
from .errors import SqmkitError
from .localized import DEFAULT_LANGUAGE
from .messages import _
from .paramspec import localize

if TYPE_CHECKING:  # pragma: no cover
    from .schema import Industry, ParamSpec

_CJK = re.compile("[\u3000-\u9fff\uff00-\uffef]")


# ---------------------------------------------------------------------------------------------
# The structure
# ---------------------------------------------------------------------------------------------


def text_in(value: Any, lang: str) -> Any:
    """``value`` with every localized text (``{"zh-CN": …, "en": …}``) as its string in ``lang``
    (else zh-CN), models turned into plain data first."""
    if hasattr(value, "model_dump"):
        value = value.model_dump(mode="json", exclude_none=True)
    return localize(value, lang)


def module_of(path: str, industry: "Industry") -> str | None:
    """The module a parameter belongs to: the one its group (first path part) is named after
    (``cod.settlement_hours`` → ``cod``; ``-`` and ``_`` count as the same), else None."""
    group = path.split(".")[0]
    for module_id in industry.module_ids():
        if module_id.replace("-", "_") == group.replace("-", "_"):
            return module_id
    return None


def item_range(spec: "ParamSpec") -> tuple[Any, Any]:
    """How many items a list parameter (texts, scale) may have; (None, None) for other types."""
    return spec.item_bounds() if spec.type in ("texts", "scale") else (None, None)


def parameter_entry(spec: "ParamSpec", industry: "Industry", lang: str) -> dict[str, Any]:
    low, high = spec.bounds()
    fewest, most = item_range(spec)
    return {
        "path": spec.path, "type": spec.type, "default": text_in(spec.default, lang),
        "unit": text_in(spec.unit, lang) if spec.unit else None, "min": low, "max": high,
        "min_items": fewest, "max_items": most,
        "meaning": _meaning(spec.meaning, lang), "module": module_of(spec.path, industry),
    }


def parameter_groups(industry: "Industry", lang: str) -> list[dict[str, Any]]:
    """The declared parameters grouped by their first path part, in file order."""
    groups: dict[str, dict[str, Any]] = {}
    for spec in industry.parameter_specs():
        name = spec.path.split(".")[0]
        group = groups.setdefault(name, {"group": name, "module": module_of(spec.path, industry), "parameters": []})
        group["parameters"].append(parameter_entry(spec, industry, lang))
    return list(groups.values())


def industry_reference(industry: "Industry", lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """Everything a profile of ``industry`` may set, as plain data (texts in ``lang``)."""
    names = industry.default_names(lang)
    return {
        "id": industry.id,
        "language": lang,
        "languages": list(industry.languages),
        "name": text_in(industry.name, lang),
        "description": text_in(industry.description, lang) if industry.description else None,
        "modules": [{"id": m.id, "name": text_in(m.name, lang),
                     "description": text_in(m.description, lang) if m.description else None}
                    for m in industry.modules],
        "departments": [{"key": key, "name": names[f"departments.{key}"], "meaning": _meaning(unit.meaning, lang)}
                        for key, unit in industry.departments.items()],
        "roles": [{"key": key, "name": names[f"roles.{key}"], "department": post.department,
                   "title": text_in(post.title, lang) if post.title else None,
                   "meaning": _meaning(post.meaning, lang)}
                  for key, post in industry.roles.items()],
        "terms": [{"key": key, "name": names[f"terms.{key}"], "meaning": _meaning(term.meaning, lang)}
                  for key, term in industry.terms.items()],
        "parameter_groups": parameter_groups(industry, lang),
    }


def _meaning(value: Any, lang: str) -> str:
    return str(text_in(value, lang)) if value else ""


def to_json(reference: Mapping[str, Any]) -> str:
    """The reference as JSON: keys sorted, Chinese as it is, indented."""
    return json.dumps(reference, ensure_ascii=False, sort_keys=True, indent=2)


class UnknownName(SqmkitError):
    """An industry or module id that is not there: the message names the known ones."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return _(" (did you mean {choice!r}?)").format(choice=close[0]) if close else ""


def find_industry(found: Mapping[str, tuple[str, "Industry"]], industry_id: str) -> "Industry":
    """The industry ``industry_id`` among ``found`` (``Manager.industries()``), or :class:`UnknownName`."""
    if industry_id in found:
        return found[industry_id][1]
    raise UnknownName(_("unknown industry {industry!r}{suggestion}; installed industries: {known}").format(
        industry=industry_id, suggestion=did_you_mean(industry_id, found), known=", ".join(sorted(found)) or "—"))


def check_modules(industry: "Industry", modules: Iterable[str]) -> list[str]:
    """``modules`` if the industry has each (in the order given, once each), else :class:`UnknownName`."""
    known, out = industry.module_ids(), []
    for module in modules:
        if module not in known:
            raise UnknownName(_("unknown module {module!r} for industry {industry!r}{suggestion}; "
                                "its modules: {known}").format(
                module=module, industry=industry.id, suggestion=did_you_mean(module, known),
                known=", ".join(known) or "—"))
        if module not in out:
            out.append(module)
    return out


# ---------------------------------------------------------------------------------------------
# Values as short text
# ---------------------------------------------------------------------------------------------


def format_value(value: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """A default value in one line: numbers as written, lists of texts joined, grade scales as
    ``A ≥90 · B ≥75 · C ≥0``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        if all(isinstance(b, dict) and "grade" in b and "min" in b for b in value) and value:
            return " · ".join(f"{b['grade']} ≥{format_value(b['min'])}" for b in value)
        items = [format_value(v, lang) for v in value]
        return ("、" if any(_CJK.search(item) for item in items) else ", ").join(items)
    if value is None:
        return "—"
    return str(value)


def format_range(entry: Mapping[str, Any]) -> str:
    """``0–100``, ``≥ 1``, ``≤ 72``, items ``1–6``, or an empty string."""
    parts = []
    low, high = entry.get("min"), entry.get("max")
    if low is not None or high is not None:
        parts.append(_bounds(low, high))
    if entry.get("min_items") is not None or entry.get("max_items") is not None:
        parts.append(_("items {bounds}").format(bounds=_bounds(entry.get("min_items"), entry.get("max_items"))))
    return "; ".join(parts)


def _bounds(low: Any, high: Any) -> str:
    if low is not None and high is not None:
        return f"{format_value(low)}–{format_value(high)}"
    if low is not None:
        return f"≥ {format_value(low)}"
    return f"≤ {format_value(high)}"


# ---------------------------------------------------------------------------------------------
# Text for a terminal
# ---------------------------------------------------------------------------------------------


def _heading(title: str) -> list[str]:
    return ["", title, "-" * display_width(title)]


def _parameter_lines(group: Mapping[str, Any], lang: str, width: int) -> list[str]:
    head = f"  [{group['group']}]"
    if group["module"]:
        head += " " + _("(only with module {module})").format(module=group["module"])
    lines = [head]
    for p in group["parameters"]:
        facts = [p["type"], _("default {value}").format(value=format_value(p["default"], lang))]
        if p["unit"]:
            facts.append(_("unit {unit}").format(unit=p["unit"]))
        if format_range(p):
            facts.append(_("range {range}").format(range=format_range(p)))
        head = f"    {p['path']}  "
        if display_width(head) > width // 2:
            lines.append(head.rstrip())
            head = " " * 8
        body = wrap(" | ".join(facts), width - display_width(head))
        lines += [head + body[0]] + [" " * display_width(head) + more for more in body[1:]]
        lines += ["        " + line for line in wrap(p["meaning"], width - 8)]
    return lines


def render_text(ref: Mapping[str, Any], width: int = WIDTH) -> str:
    """The reference laid out for a terminal of ``width`` columns."""
    lang = ref["language"]
    out = [f"{ref['id']} — {ref['name']}"]
    if ref["description"]:
        out += ["  " + line for line in wrap(ref["description"], width - 2)]
    out += ["  " + _("Document languages (language): {languages}").format(languages=", ".join(ref["languages"]))]
    key, name, meaning = _("key"), _("default name"), _("meaning")
    out += _heading(_("Modules (modules)"))
    out += table([[_("id"), _("name"), _("description")]]
                 + [[m["id"], m["name"], m["description"] or ""] for m in ref["modules"]], width=width)
    out += _heading(_("Departments (organization.departments)"))
    out += table([[key, name, meaning]] + [[d["key"], d["name"], d["meaning"]] for d in ref["departments"]],
                 width=width)
    out += _heading(_("Posts (organization.roles)"))
    out += table([[key, name, _("department"), meaning]]
                 + [[r["key"], r["name"], r["department"] or "—", r["meaning"]] for r in ref["roles"]], width=width)
    out += ["  " + _("A post of a department is named after it: renaming the department renames the post.")]
    out += _heading(_("Terms (organization.terms)"))
    out += table([[key, name, meaning]] + [[t["key"], t["name"], t["meaning"]] for t in ref["terms"]], width=width)
    out += _heading(_("Parameters (parameters)"))
    for group in ref["parameter_groups"]:
        out += _parameter_lines(group, lang, width)
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# Markdown for docs/profiles.md
# ---------------------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ") if value not in (None, "") else "—"


def _md_table(header: list[str], rows: list[list[Any]]) -> list[str]:
    if not rows:
        return ["（无 none）"]
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def markdown_tables(industry: "Industry") -> str:
    """The Markdown tables of docs/profiles.md for one industry (zh-CN texts; fixed bilingual
    headings, so the document does not depend on the reader's locale)."""
    ref = industry_reference(industry, DEFAULT_LANGUAGE)
    out = [f"### {ref['id']} — {ref['name']}", "", f"文档语言 Languages (`language`): {', '.join(ref['languages'])}",
           "", "**模块 Modules** (`modules`)", ""]
    out += _md_table(["id", "名称 name", "说明 description"],
                     [[f"`{m['id']}`", m["name"], m["description"]] for m in ref["modules"]])
    out += ["", "**部门 Departments** (`organization.departments`)", ""]
    out += _md_table(["key", "默认名称 default", "含义 meaning"],
                     [[f"`{d['key']}`", d["name"], d["meaning"]] for d in ref["departments"]])
    out += ["", "**岗位 Posts** (`organization.roles`)", ""]
    out += _md_table(["key", "默认名称 default", "所属部门 department", "含义 meaning"],
                     [[f"`{r['key']}`", r["name"], f"`{r['department']}`" if r["department"] else None, r["meaning"]]
                      for r in ref["roles"]])
    out += ["", "**称谓 Terms** (`organization.terms`)", ""]
    out += _md_table(["key", "默认 default", "含义 meaning"],
                     [[f"`{t['key']}`", t["name"], t["meaning"]] for t in ref["terms"]])
    out += ["", "**参数 Parameters** (`parameters`)", ""]
    rows = []
    for group in ref["parameter_groups"]:
        for p in group["parameters"]:
            meaning = p["meaning"] + (f"（仅模块 `{p['module']}`）" if p["module"] else "")
            rows.append([f"`{p['path']}`", p["type"], format_value(p["default"]), p["unit"],
                         format_range(p) if _has_range(p) else None, meaning])
    out += _md_table(["path", "类型 type", "默认值 default", "单位 unit", "范围 range", "含义 meaning"], rows)
    return "\n".join(out)


def _has_range(entry: Mapping[str, Any]) -> bool:
    return any(entry.get(k) is not None for k in ("min", "max", "min_items", "max_items"))


BEGIN, END = "<!-- BEGIN {id} -->", "<!-- END {id} -->"


def section_pattern(industry_id: str) -> re.Pattern[str]:
    begin, end = BEGIN.format(id=industry_id), END.format(id=industry_id)
    return re.compile(re.escape(begin) + r"\n(.*?)\n?" + re.escape(end), re.S)


def update_document(text: str, industries: Iterable["Industry"]) -> str:
    """``text`` with every industry's marked section replaced by its current tables; an industry
    without a section gets one appended at the end."""
    for industry in industries:
        block = f"{BEGIN.format(id=industry.id)}\n{markdown_tables(industry)}\n{END.format(id=industry.id)}"
        pattern = section_pattern(industry.id)
        if pattern.search(text):
            text = pattern.sub(lambda _m: block, text, count=1)
        else:
            text = text.rstrip("\n") + "\n\n" + block + "\n"
    return text


def main(argv: list[str] | None = None) -> int:
    """``python -m sqmkit.reference --update-docs docs/profiles.md``: regenerate the tables."""
    from pathlib import Path

    from .plugins import get_plugin_manager

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or args[0] != "--update-docs":
        print(textwrap.dedent(main.__doc__ or "").strip(), file=sys.stderr)
        return 2
    path = Path(args[1])
    industries = [ind for _id, (_plugin, ind) in sorted(get_plugin_manager().industries().items())]
    old = path.read_text(encoding="utf-8")
    new = update_document(old, industries)
    if new != old:
        path.write_text(new, encoding="utf-8")
    done = _("{path}: updated ({count} industries)") if new != old else _("{path}: up to date ({count} industries)")
    print(done.format(path=path, count=len(industries)))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
