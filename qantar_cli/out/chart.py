"""``timeline --chart``: events per day (month, year) as a bar chart in the terminal.

The counting is ``out/counts.py``'s, which the HTML page shares; this
module only draws. A row is the day's label, a bar of block characters
scaled to the busiest day and the width of the terminal, and the count.
Colour comes from Rich on a terminal; piped, the same lines are plain
text. No line ends in a space and none is wider than the terminal.
"""

from __future__ import annotations

from typing import IO, Any

from rich.cells import cell_len, chop_cells
from rich.text import Text

from .counts import Bar, Counts, Gap, count_events
from .tables import make_console, print_wrapped

_EIGHTHS = " ▏▎▍▌▋▊▉"  # a bar's last cell, by eighths; full cells are "█"
_GAP_MARK = "⋮"


def print_chart(events: list[dict[str, Any]], stream: IO[str], view: Any = None) -> None:
    """The chart of ``events`` (already filtered and in timeline order), heading and note included."""
    console = make_console(stream, no_color=getattr(view, "no_color", False), width=getattr(view, "width", None))
    counts = count_events(events)
    ascii_only = not (getattr(stream, "encoding", None) or "utf-8").lower().replace("_", "-").startswith("utf")
    rows = counts.rows()
    if rows:
        first, last = rows[0], rows[-1]
        assert isinstance(first, Bar) and isinstance(last, Bar)  # rows start and end with an event
        between = first.label if first is last else f"{first.label} to {last.label}"
        print_wrapped(console, f"Events per {counts.unit}, {between}", "bold")
        for line in chart_lines(counts, console.width, ascii_only):
            console.print(line, no_wrap=True, overflow="ignore", crop=False)
    print_wrapped(console, counts.summary() + ".", "dim")


def chart_lines(counts: Counts, width: int, ascii_only: bool = False) -> list[Text]:
    """One line per row of ``counts``, each at most ``width`` cells wide and without trailing spaces."""
    rows = counts.rows()
    label_width = max((cell_len(r.label) for r in rows if isinstance(r, Bar)), default=0)
    digits = len(str(counts.most))
    room = max(1, width - label_width - 2 - 1 - digits)  # label, two spaces, bar, a space, count
    out = []
    for row in rows:
        if isinstance(row, Gap):
            out.append(_gap_line(row, counts, label_width, width, ascii_only))
            continue
        line = Text(row.label.ljust(label_width), style="bold")
        bar = _bar(row.count, counts.most, room, ascii_only)
        line.append("  ")
        if bar:
            line.append(bar, style="cyan")
            line.append(" ")
        line.append(str(row.count))
        out.append(line)
    return out


def _bar(count: int, most: int, room: int, ascii_only: bool) -> str:
    """``count`` as a bar ``room`` cells long at ``most``; any count above zero shows at least a sliver."""
    if count <= 0 or most <= 0:
        return ""
    if ascii_only:
        return "#" * max(1, round(count * room / most))
    eighths = max(1, round(count * room * 8 / most))
    whole, part = divmod(eighths, 8)
    return "█" * whole + (_EIGHTHS[part] if part else "")


def _gap_line(gap: Gap, counts: Counts, label_width: int, width: int, ascii_only: bool) -> Text:
    """A run of empty days as one row: how many, and from when to when if it fits."""
    mark = "..." if ascii_only else _GAP_MARK
    length = f"{counts.units(gap.length)} without events"
    for said in (f"{length} ({gap.first} to {gap.last})", length, counts.units(gap.length)):
        text = f"{mark.center(label_width)}  {said}"
        if cell_len(text) <= width:
            return Text(text, style="dim")
    return Text(chop_cells(text, width)[0].rstrip(), style="dim")
