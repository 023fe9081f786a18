"""Scoring an inspection, the same way the HTML checklist does in the browser.

Answers map a check item id to ``"pass"``, ``"fail"``, ``"na"``, a number (score mode) or
``None`` (not yet inspected). Used to re-score imported results rather than trusting them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass
class Score:
    total: float
    grade: str
    answered: int
    veto_failed: list[str] = field(default_factory=list)


class AnswerError(ValueError):
    pass


def score(data: dict, answers: dict) -> Score:
    """``data`` is :func:`sqmkit.render.checklists.checklist_data` output."""
    earned = possible = 0.0
    answered = 0
    veto_failed: list[str] = []
    known = {i["id"] for i in data["items"]}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise AnswerError(f"unknown check item {unknown[0]!r}")
    for item in data["items"]:
        a = answers.get(item["id"])
        mx, w = float(item["max"]), float(item["weight"])
        if a == "na":
            answered += 1
            continue
        possible += w * mx
        if a is None:
            continue
        if a == "pass":
            got = mx
        elif a == "fail":
            got = 0.0
        elif isinstance(a, (int, float)) and not isinstance(a, bool) and item["mode"] == "score":
            if not 0 <= a <= mx:
                raise AnswerError(f"score {a} for {item['id']!r} is outside 0–{item['max']}")
            got = float(a)
        else:
            raise AnswerError(f"answer {a!r} for {item['id']!r} is not valid for a {item['mode']} item")
        answered += 1
        earned += w * got
        if item["veto"] and got == 0:
            veto_failed.append(item["id"])
    total = math.floor(earned / possible * 1000 + 0.5) / 10 if possible else 0.0
    grade = data["bands"][-1]["grade"]
    for band in data["bands"]:
        if total >= band["min"]:
            grade = band["grade"]
            break
    if veto_failed:
        grade = data["fail_grade"]
    return Score(total, grade, answered, veto_failed)
