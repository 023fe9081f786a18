"""Client parameters: looking them up by dotted path and checking them (public helpers)."""

from __future__ import annotations

from typing import Any

from .profile import Profile, merge_parameters
from .schema import Industry


class MissingParameter(KeyError):
    pass


def lookup(params: dict, path: str) -> Any:
    """The value at a dotted path such as ``grading.courier`` or ``kpi.on_time_rate``."""
    node: Any = params
    for part in path.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise MissingParameter(path)
    return node


def effective_parameters(profile: Profile, industry: Industry) -> dict:
    """Industry defaults with the profile's overrides merged in."""
    return merge_parameters(industry.parameters, profile.parameters)


def check_descending_bands(profile: Profile, industry: Industry, path: str) -> list[tuple[str, str]]:
    """Problems with a grade-band parameter: each band's ``min`` strictly below the one above,
    within 0–100, and grades unique. For use in ``validate_profile`` hooks."""
    try:
        bands = lookup(effective_parameters(profile, industry), path)
    except MissingParameter:
        return [(f"parameters.{path}", "grade bands are not declared")]
    problems = []
    field = f"parameters.{path}"
    if not isinstance(bands, list) or not bands:
        return [(field, "must be a non-empty list of bands")]
    seen = set()
    for i, band in enumerate(bands):
        grade, low = band.get("grade"), band.get("min")
        if grade in seen:
            problems.append((f"{field}[{i}].grade", f"grade {grade!r} appears twice"))
        seen.add(grade)
        if not isinstance(low, (int, float)) or isinstance(low, bool) or not 0 <= low <= 100:
            problems.append((f"{field}[{i}].min", "must be a number between 0 and 100"))
        elif i and isinstance(bands[i - 1].get("min"), (int, float)) and low >= bands[i - 1]["min"]:
            problems.append((f"{field}[{i}].min", f"must be below the band above ({bands[i - 1]['min']})"))
    if isinstance(bands[-1].get("min"), (int, float)) and bands[-1]["min"] != 0:
        problems.append((f"{field}[{len(bands) - 1}].min", "the lowest band must start at 0 so every score has a grade"))
    return problems
