"""The improvement loop's data: an ``owner:`` (chapter, article) names a declared department
(``unknown-owner``), and a checklist's ``schedule:`` agrees with its printed ``frequency`` text
and names a declared integer parameter (``schedule``)."""

from __future__ import annotations

import re
from typing import Any, Iterator

from ... import schema
from ..context import LintContext
from ..findings import Finding, error
from ..rule import Rule
from ...paramspec import defaults_tree, read_tree

CODES = ("unknown-owner", "schedule")

#: the words of a period in a frequency text, by ``schedule.per``
PERIOD_WORDS = {"week": ("周", "星期", "week"), "month": ("月", "month"), "quarter": ("季", "quarter"),
                "year": ("年", "year", "annual")}
_CJK_DIGITS = "零一二三四五六七八九十"


def _departments(ctx: LintContext) -> set[str] | None:
    if ctx.industry is None:
        return None
    found = ctx.industry.get("departments")
    return set(found) if isinstance(found, dict) else set()


def check_owners(ctx: LintContext) -> Iterator[Finding]:
    """``owner:`` of a chapter or an article is a key of ``departments:`` in industry.yaml."""
    departments = _departments(ctx)
    if departments is None:
        return
    for site in ctx.sites:
        owner = site.data.get("owner")
        if "owner" not in site.cls.model_fields or site.cls not in (schema.Chapter, schema.ChapterFile, schema.Article):
            continue
        if isinstance(owner, str) and owner not in departments:
            yield error("unknown-owner", f"owner {owner!r} is not a department industry {ctx.industry_id!r} declares",
                        site.doc, site.place.loc + ("owner",),
                        f"declared departments: {', '.join(sorted(departments)) or 'none'} (industry.yaml departments)")


def _parameter(ctx: LintContext, path: str) -> Any:
    """The default of a declared parameter (None when it is not declared)."""
    if ctx.industry_spec is not None:
        node: Any = ctx.industry_spec.parameters
    else:
        node = defaults_tree(read_tree((ctx.industry or {}).get("parameters") or {})[0])
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _zh_frequency(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("zh-CN") or next(iter(value.values()), ""))
    return value if isinstance(value, str) else ""


def _numerals(n: int) -> tuple[str, ...]:
    out = [str(n)]
    if 0 < n <= 10:
        out.append(_CJK_DIGITS[n])
        if n == 2:
            out.append("两")
    return tuple(out)


def _schedule_problem(ctx: LintContext, sched: dict[str, Any], text: str) -> str | None:
    per, times = sched.get("per"), sched.get("times")
    if isinstance(times, str):
        value = _parameter(ctx, times)
        if not isinstance(value, int) or isinstance(value, bool):
            return f"schedule.times names params.{times}, which is not a declared integer parameter"
    if not text:
        return None
    words = PERIOD_WORDS.get(str(per), ())
    if words and not any(w in text for w in words):
        return f"the frequency text {text!r} does not speak of a {per} (schedule.per is {per!r})"
    if isinstance(times, str) and f"params.{times}" not in text.replace(" ", ""):
        return f"the frequency text does not use params.{times}, the parameter schedule.times names"
    if isinstance(times, int) and "{{" not in text and not any(
            re.search(rf"(?<![0-9]){re.escape(n)}(?![0-9])", text) for n in _numerals(times)):
        return f"the frequency text {text!r} does not say {times} times (schedule.times is {times})"
    return None


def check_schedules(ctx: LintContext) -> Iterator[Finding]:
    """A checklist's ``schedule`` agrees with its ``frequency`` text."""
    for site in ctx.sites:
        sched = site.data.get("schedule")
        if site.cls is not schema.Checklist or not isinstance(sched, dict):
            continue
        problem = _schedule_problem(ctx, sched, _zh_frequency(site.data.get("frequency")))
        if problem:
            yield error("schedule", problem, site.doc, site.place.loc + ("schedule",),
                        "state the same plan in both: e.g. frequency 每月不少于2次 with schedule {per: month, times: 2}, "
                        "or a parameter in both ({{ params.X }} in the text, times: X)")


RULES = (Rule("owners", check_owners, ("unknown-owner",)), Rule("schedules", check_schedules, ("schedule",)))
