"""Dates with precision: ``2022``, ``2022-01``, ``2022-01-05``.

A date of lower precision stands for a span (``2022-01`` is the whole of
January); filters compare spans.
"""

from __future__ import annotations

import re

Day = tuple[int, int, int]  # (year, month, day): compares like a date, costs no import
Span = tuple[Day, Day]

FIRST: Day = (1, 1, 1)
LAST: Day = (9999, 12, 31)

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_FORM = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")


_SPANS: dict[str, Span] = {}  # the spans of the dates seen: a file repeats its dates


def span(text: str) -> Span:
    """The first and last day a date of any precision covers.

    Raises ``ValueError`` with a sentence a user can act on.
    """
    found = _SPANS.get(text) if isinstance(text, str) else None
    if found is None:
        found = _span(text)
        if len(_SPANS) < 65536:
            _SPANS[text] = found
    return found


def _span(text: str) -> Span:
    match = _FORM.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"{text!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD (for example 2022-01-05)")
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    if year < 1:
        raise ValueError(f"{text!r} is not a real date: there is no year 0")
    if month is None:
        return (year, 1, 1), (year, 12, 31)
    if not 1 <= month <= 12:
        raise ValueError(f"{text!r} is not a real date: the month must be 01 to 12")
    last = days_in_month(year, month)
    if day is None:
        return (year, month, 1), (year, month, last)
    if not 1 <= day <= last:
        raise ValueError(f"{text!r} is not a real date: {_MONTHS[month - 1]} {year} has {last} days")
    one = (year, month, day)
    return one, one


_PRECISION = {4: 1, 7: 2}


def precision(text: str) -> int:
    """How precisely a date is known: 1 the year, 2 the month, 3 the day."""
    return _PRECISION.get(len(text.strip()), 3)


def days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def is_real(text: str) -> bool:
    try:
        span(text)
    except ValueError:
        return False
    return True


def overlaps(a: Span, b: Span) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]
