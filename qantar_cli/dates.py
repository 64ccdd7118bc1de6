"""Dates with precision: ``2022``, ``2022-01``, ``2022-01-05``.

A date of lower precision stands for a span (``2022-01`` is the whole of
January); filters compare spans.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

_FORM = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")


def span(text: str) -> tuple[dt.date, dt.date]:
    """The first and last day a date of any precision covers.

    Raises ``ValueError`` with a sentence a user can act on.
    """
    match = _FORM.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"{text!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD (for example 2022-01-05)")
    year, month, day = (int(g) if g else None for g in match.groups())
    if year < 1:
        raise ValueError(f"{text!r} is not a real date: there is no year 0")
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if not 1 <= month <= 12:
        raise ValueError(f"{text!r} is not a real date: the month must be 01 to 12")
    last = calendar.monthrange(year, month)[1]
    if day is None:
        return dt.date(year, month, 1), dt.date(year, month, last)
    if not 1 <= day <= last:
        raise ValueError(f"{text!r} is not a real date: {dt.date(year, month, 1):%B %Y} has {last} days")
    one = dt.date(year, month, day)
    return one, one


def is_real(text: str) -> bool:
    try:
        span(text)
    except ValueError:
        return False
    return True


def overlaps(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]
