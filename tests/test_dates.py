"""Dates in running text are CLDR's, as Babel formats them, without loading Babel's locale data."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date as babel_date
from hypothesis import given, settings
from hypothesis import strategies as st

from sqmkit.i18n import _DATE_FORMATS, format_date


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)), st.sampled_from(["zh-CN", "en", "fr"]))
def test_a_date_reads_as_babel_writes_it(day: dt.date, lang: str) -> None:
    locale, pattern = _DATE_FORMATS.get(lang, _DATE_FORMATS["zh-CN"])
    assert format_date(day, lang) == babel_date(day, pattern, locale=locale)
    assert format_date(day.isoformat(), lang) == format_date(day, lang)


def test_every_day_of_a_leap_year_in_both_languages() -> None:
    day = dt.date(2024, 1, 1)
    while day.year == 2024:
        for lang, (locale, pattern) in _DATE_FORMATS.items():
            assert format_date(day, lang) == babel_date(day, pattern, locale=locale)
        day += dt.timedelta(days=1)
