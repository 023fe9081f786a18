"""Grade scales (A/B/C, 优/良/中/差 …): one check, used wherever a scale is written.

A scale is a list of bands, each a mapping with ``grade`` (its name) and ``min`` (the lowest
percentage score that earns it), highest band first. The core checks every scale it meets —
in an industry's parameter defaults, in a client profile's parameters and in a checklist's own
``bands`` — with :func:`scale_problems`, so no plugin has to remember to:

* there is at least one band;
* grade names are non-empty and unique;
* every ``min`` is a number from 0 to 100;
* the minimums descend strictly (A above B above C);
* the lowest band starts at 0, so every score has a grade.
"""

from __future__ import annotations

from typing import Any, Iterator, TypeGuard, TypeVar

from .messages import _

_T = TypeVar("_T")

#: a location inside a data file: keys and list indexes
Loc = tuple[str | int, ...]


class LocatedValueError(ValueError):
    """A validation problem that knows where below the validated field it is (``loc``), so
    the message can name the exact line of the value (see :func:`sqmkit.yamlio.validation_error`)."""

    def __init__(self, loc: Loc, problem: str):
        self.loc, self.problem = loc, problem
        super().__init__(problem)


def is_scale(value: Any) -> bool:
    """Whether ``value`` has the shape of a grade scale: a non-empty list of mappings that each
    carry ``grade`` and ``min``."""
    return (isinstance(value, list) and bool(value)
            and all(isinstance(b, dict) and "grade" in b and "min" in b for b in value))


def find_scales(value: Any, loc: Loc = ()) -> Iterator[tuple[Loc, list[Any]]]:
    """Every grade scale inside a parameter tree, with its location."""
    if is_scale(value):
        yield loc, value
    elif isinstance(value, dict):
        for key, sub in value.items():
            yield from find_scales(sub, loc + (str(key),))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            yield from find_scales(sub, loc + (i,))


def _number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def scale_problems(bands: Any) -> list[tuple[Loc, str]]:
    """The problems of one scale, each with its location relative to the scale."""
    if not isinstance(bands, list) or not bands:
        return [((), _("a grade scale must be a non-empty list of bands (grade, min)"))]
    problems: list[tuple[Loc, str]] = []
    seen: set[str] = set()
    previous: float | None = None
    for i, band in enumerate(bands):
        if not isinstance(band, dict):
            problems.append(((i,), _("a band is a mapping with grade and min")))
            continue
        grade, low = band.get("grade"), band.get("min")
        if not isinstance(grade, str) or not grade.strip():
            problems.append(((i, "grade"), _("the grade needs a name")))
        elif grade in seen:
            problems.append(((i, "grade"), _("grade {grade!r} appears twice").format(grade=grade)))
        else:
            seen.add(grade)
        if not _number(low) or not 0 <= low <= 100:
            problems.append(((i, "min"), _("min must be a number from 0 to 100")))
            previous = None
            continue
        if previous is not None and low >= previous:
            problems.append(((i, "min"), _("min must be below the band above ({previous}): bands descend").format(
                previous=f"{previous:g}")))
        previous = float(low)
    last = bands[-1]
    if isinstance(last, dict) and _number(last.get("min")) and last["min"] != 0:
        problems.append(((len(bands) - 1, "min"), _("the lowest band must start at 0, so every score has a grade")))
    return problems


def check_scale(bands: _T) -> _T:
    """Raise :class:`LocatedValueError` for the first problem of a scale; return it unchanged."""
    for loc, problem in scale_problems(bands):
        raise LocatedValueError(loc, problem)
    return bands
