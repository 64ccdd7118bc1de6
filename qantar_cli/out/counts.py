"""How many events start on each day, month or year: what the timeline's charts draw.

Shared by ``timeline --chart`` (``out/chart.py``) and the HTML page, and
free of Rich. Each event is counted once, at its start (SPEC: "the per-day
chart counts day-dated events on their start day"): per day, the events
dated to the day; per month, those dated to the day or the month; per
year, every event. An event dated less precisely than the unit is not
counted, and ``Counts.not_counted`` says how many were not.

A chart has a row for every day (month, year) from the first event it
counts to the last, except that four or more empty ones in a row are one
row saying how many. The unit, unless asked for, is the finest one whose
chart has at most ``MAX_ROWS`` rows: per day, else per month, else per
year. The bundled timeline (with its quiet months between the events of
January 2022 and the trials and reforms after them) fits per day; a
selection whose events spread over more than about two months of busy
days goes per month.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..dates import span

UNITS = ("day", "month", "year")
#: The most rows a chart draws at a unit before it moves to the next one.
MAX_ROWS = 62
#: This many empty bars in a row or more are drawn as one gap.
GAP = 4
_PRECISION = {"day": 10, "month": 7, "year": 4}  # the shortest date string a unit counts


@dataclass(frozen=True)
class Bar:
    """One day, month or year (``label`` as ISO 8601 at that precision) and its count."""

    label: str
    count: int


@dataclass(frozen=True)
class Gap:
    """A run of empty bars, drawn as one row: ``first`` to ``last``, ``length`` of them."""

    first: str
    last: str
    length: int


@dataclass
class Counts:
    """Events per ``unit``: ``bars`` are the days (months, years) with at least one event, in order."""

    unit: str
    bars: list[Bar] = field(default_factory=list)
    not_counted: int = 0

    @property
    def counted(self) -> int:
        return sum(b.count for b in self.bars)

    @property
    def most(self) -> int:
        return max((b.count for b in self.bars), default=0)

    def summary(self) -> str:
        """What the bars count, and how many events they leave out for their precision."""
        n = self.counted
        when = f"{'on' if self.unit == 'day' else 'in'} the {self.unit} {'it starts' if n == 1 else 'they start'}"
        said = f"{n} event{'s' if n != 1 else ''} counted {when}"
        left = self.not_counted
        if left:
            coarse = {"day": "the month or year", "month": "the year"}.get(self.unit, "")
            said += f"; {left} dated only to {coarse} {'is' if left == 1 else 'are'} not counted"
        return said

    def units(self, n: int) -> str:
        """``1 day``, ``14 days``: ``n`` of the unit, in words."""
        return f"{n} {self.unit}{'' if n == 1 else 's'}"

    def rows(self, gap: int = GAP) -> list[Bar | Gap]:
        """Every day (month, year) from the first bar to the last, empty ones included as
        ``Bar(label, 0)``, except that ``gap`` or more empty ones in a row are one ``Gap``."""
        out: list[Bar | Gap] = []
        for n, bar in enumerate(self.bars):
            if n:
                after, before = _index(self.bars[n - 1].label, self.unit) + 1, _index(bar.label, self.unit)
                if before - after >= gap:
                    out.append(Gap(_label(after, self.unit), _label(before - 1, self.unit), before - after))
                else:
                    out.extend(Bar(_label(i, self.unit), 0) for i in range(after, before))
            out.append(bar)
        return out


def _start(record: dict[str, Any], unit: str) -> str | None:
    """The label of the day, month or year an event starts in, or None when it is dated less precisely."""
    when = str(record["date"])
    size = _PRECISION[unit]
    return when[:size] if len(when) >= size else None


def choose_unit(events: list[dict[str, Any]]) -> str:
    """The finest unit whose chart of ``events`` has at most ``MAX_ROWS`` rows (gaps being one row each)."""
    for unit in UNITS[:-1]:
        counts = count_events(events, unit)
        if counts.bars and len(counts.rows()) <= MAX_ROWS:
            return unit
    return UNITS[-1]


def count_events(events: list[dict[str, Any]], unit: str | None = None) -> Counts:
    """How many of ``events`` start on each day (``unit="day"``), month or year; the unit by
    ``choose_unit`` when not given."""
    chosen = unit or choose_unit(events)
    if chosen not in UNITS:
        raise ValueError(f"unknown unit {chosen!r}: use one of {', '.join(UNITS)}")
    tally: dict[str, int] = {}
    not_counted = 0
    for e in events:
        label = _start(e, chosen)
        if label is None:
            not_counted += 1
        else:
            tally[label] = tally.get(label, 0) + 1
    return Counts(chosen, [Bar(label, tally[label]) for label in sorted(tally)], not_counted)


def _index(label: str, unit: str) -> int:
    """A day's (month's, year's) place in the calendar: consecutive ones differ by one."""
    (year, month, day), _ = span(label)
    if unit == "day":
        return date(year, month, day).toordinal()
    return year * 12 + month - 1 if unit == "month" else year


def _label(index: int, unit: str) -> str:
    if unit == "day":
        return date.fromordinal(index).isoformat()
    return f"{index // 12:04d}-{index % 12 + 1:02d}" if unit == "month" else f"{index:04d}"
