"""Periods of the improvement loop: ``2026Q1``, ``2026-03``, ``2026`` or ``--from/--to`` dates,
as a :class:`Period` (first and last day, both included)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from .errors import DataError
from .messages import _


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    label: str

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    def months(self) -> float:
        return ((self.end - self.start).days + 1) / (365.2425 / 12)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_period(text: str) -> Period:
    """``2026Q1`` (a quarter), ``2026-03`` (a month) or ``2026`` (a year)."""
    text = text.strip()
    if m := re.fullmatch(r"(\d{4})[Qq]([1-4])", text):
        year, q = int(m[1]), int(m[2])
        return Period(dt.date(year, 3 * q - 2, 1), _month_end(year, 3 * q), f"{year}Q{q}")
    if (m := re.fullmatch(r"(\d{4})-(\d{1,2})", text)) and 1 <= int(m[2]) <= 12:
        year, month = int(m[1]), int(m[2])
        return Period(dt.date(year, month, 1), _month_end(year, month), f"{year}-{month:02d}")
    if m := re.fullmatch(r"(\d{4})", text):
        year = int(m[1])
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year))
    raise DataError("", "--period", _("{text!r} is not a period: write 2026Q1 (a quarter), 2026-03 (a month) or 2026 "
                                      "(a year)").format(text=text))


def parse_day(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DataError("", option, _("{text!r} is not a date (YYYY-MM-DD)").format(text=text)) from None


def choose_period(period: str | None, start: str | None, end: str | None, required: bool = False) -> Period | None:
    """The period of ``--period`` or ``--from``/``--to`` (not both); None when neither is given
    and none is required."""
    if period and (start or end):
        raise DataError("", "--period", _("give --period or --from/--to, not both"))
    if period:
        return parse_period(period)
    if start or end:
        first = parse_day(start, "--from") if start else dt.date.min
        last = parse_day(end, "--to") if end else dt.date.max
        if last < first:
            raise DataError("", "--to", _("--to {end} is before --from {start}").format(end=end, start=start))
        label = f"{start or '…'}–{end or '…'}"
        return Period(first, last, label)
    if required:
        raise DataError("", "--period", _("give the period: --period 2026Q1 (or 2026-03, 2026), or --from and --to"))
    return None
