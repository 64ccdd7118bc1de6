"""Rich tables for people. The only module that imports Rich.

Every string from the data becomes a ``rich.text.Text`` after its control
characters are made visible, so a title containing ``[bold]`` or an escape
sequence prints as the characters it is, never as markup or terminal
control. On a terminal narrower than ``NARROW`` columns, records are printed
as stacked blocks instead of a table, so dates and ids stay whole.
"""

from __future__ import annotations

import os
import re
from typing import IO, Any, Callable

from rich import box
from rich.console import Console
from rich.cells import cell_len
from rich.measure import Measurement
from rich.padding import Padding
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from ..model import SINGULAR, label_of, source_ids
from .writers import cell, figure_value, role_text

NARROW = 60

# Like box.SIMPLE_HEAD: a rule under the header, blank verticals between columns.
_BOX = box.Box(
    "    \n"
    "    \n"
    " ── \n"
    "    \n"
    "    \n"
    "    \n"
    "    \n"
    "    \n"
)

# C0 and C1 controls (tab and newline excepted), DEL, and the bidirectional
# overrides that can make text read backwards.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(value: Any) -> str:
    """Text safe to show on a terminal: controls become visible \\xNN escapes."""
    text = "" if value is None else str(value)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)


def txt(value: Any, style: str = "") -> Text:
    return Text(clean(value), style=style)


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # Rich's own handler exits 1; a reader that stopped early is not an
        # error, so let the command line end quietly with 0.
        self.quiet = True
        raise BrokenPipeError


def make_console(stream: IO[str], no_color: bool = False, width: int | None = None) -> Console:
    plain = no_color or bool(os.environ.get("NO_COLOR"))
    return _Console(
        file=stream,
        width=width,
        color_system=None if plain else "auto",
        no_color=plain,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
    )


class Column:
    """One table column: a header, how to draw a record's cell, and its layout.

    ``keep`` gives words (ids, dates) that must never be cut: the column is
    made at least as wide as the longest of them.
    """

    def __init__(self, header: str, draw: Callable[[dict], Text], *, justify: str = "left",
                 no_wrap: bool = False, ratio: int | None = None,
                 keep: Callable[[dict], list[str]] | None = None):
        self.header = header
        self.draw = draw
        self.justify = justify
        self.no_wrap = no_wrap
        self.ratio = ratio
        self.keep = keep


def _source_line(record: dict) -> str:
    return ", ".join(clean(s) for s in source_ids(record))


def _lines(*parts: tuple[Any, str]) -> Text:
    out = Text()
    for value, style in parts:
        if value in (None, "", []):
            continue
        if out:
            out.append("\n")
        out.append(clean(value), style=style)
    return out


_VOICE_STYLE = {"official": "magenta", "independent": "green"}


def columns(kind: str, lookup: Callable[[str], str], support: Callable[[str], str] | None = None) -> list[Column]:
    """The columns of each kind's table.

    ``lookup`` turns an id into a name; ``support`` says what a source
    supports. Every row shows the ids of its sources, in cyan, under the
    row's main text.
    """

    def names(ids: list[str]) -> str:
        return ", ".join(lookup(i) for i in ids)

    if kind == "events":
        return [
            Column("Date", lambda r: _lines((r["date"], "bold"), ("– " + r["end_date"] if r["end_date"] else None, "bold"),
                                            (r["time"], "")), no_wrap=True),
            Column("Event", lambda r: _lines((r["title"], "bold"), (r["id"], "dim"), (_source_line(r), "cyan")),
                   ratio=4, keep=source_ids),
            Column("Where", lambda r: txt(names(r["places"])), ratio=1),
        ]
    if kind == "figures":
        return [
            Column("Value", lambda r: _lines((figure_value(r), "bold"), (r["unit"], "dim")), justify="right", ratio=1,
                   keep=lambda r: [figure_value(r)]),
            Column("What", lambda r: _lines((r["label"], ""),
                                            (" · ".join([r["category"], r["id"]] + (["given by " + lookup(r["claimed_by"])] if r["claimed_by"] else [])), "dim"),
                                            (_source_line(r), "cyan")), ratio=4, keep=source_ids),
            Column("As of", lambda r: _lines((r["as_of"], ""), (r["origin"], _VOICE_STYLE[r["origin"]])), no_wrap=True),
        ]
    if kind == "actors":
        return [
            Column("Actor", lambda r: _lines((r["name"], "bold"), (r["id"], "dim")), ratio=2,
                   keep=lambda r: [r["id"]]),
            Column("Kind", lambda r: txt(r["kind"]), no_wrap=True),
            Column("Roles and sources", lambda r: _lines(*((role_text(x), "") for x in r["roles"]), (_source_line(r), "cyan")),
                   ratio=3, keep=source_ids),
        ]
    if kind == "sources":
        return [
            Column("Source", lambda r: _lines((r["id"], "cyan"), (r["publisher"], "bold")), ratio=2,
                   keep=lambda r: [r["id"]]),
            Column("Published", lambda r: _lines((r["published"], ""), (r["stance"], _VOICE_STYLE.get(r["stance"], ""))),
                   no_wrap=True),
            Column("Title", lambda r: _lines((r["title"], ""), (r["publisher_kind"], "dim"),
                                             ("supports " + support(r["id"]) if support else None, "")), ratio=3),
        ]
    if kind == "places":
        return [
            Column("Place", lambda r: _lines((r["name"], "bold"), (r["id"], "dim")), ratio=2, keep=lambda r: [r["id"]]),
            Column("Kind", lambda r: txt(r["kind"]), no_wrap=True),
            Column("Within", lambda r: txt(lookup(r["within"]) if r["within"] else "—"), ratio=2),
            Column("Also written", lambda r: txt(", ".join(r["aliases"])), ratio=3),
        ]
    if kind == "disputes":
        def side(voice: str) -> Callable[[dict], Text]:
            def draw(r: dict) -> Text:
                out = Text()
                for p in r["positions"]:
                    if p["origin"] != voice:
                        continue
                    if out:
                        out.append("\n\n")
                    out.append(clean(p["claim"]))
                    out.append("\n" + "\n".join(dict.fromkeys(clean(c["source"]) for c in p["citations"])), style="cyan")
                return out or Text("—", style="dim")
            return draw

        def words(voice: str) -> Callable[[dict], list[str]]:
            return lambda r: [c["source"] for p in r["positions"] if p["origin"] == voice for c in p["citations"]]

        return [
            Column("Question", lambda r: _lines((r["question"], "bold"), (r["id"], "dim")), ratio=2,
                   keep=lambda r: [r["id"]]),
            Column("Official accounts", side("official"), ratio=3, keep=words("official")),
            Column("Independent accounts", side("independent"), ratio=3, keep=words("independent")),
        ]
    raise ValueError(f"no table for {kind!r}")


GAP = 2  # columns apart: one blank vertical of the box plus one of padding


def column_widths(total: int, cols: list[Column], records: list[dict], rows: list[list[Text]],
                  gap: int = GAP) -> list[int] | None:
    """Each column's width: whole for no-wrap columns, the rest shared by ratio.

    A column with ``keep`` words is at least as wide as the longest of them.
    None when the terminal is too narrow for that.
    """
    natural = []
    for i, c in enumerate(cols):
        cells = [row[i] for row in rows]
        header = len(c.header)
        if c.no_wrap:
            natural.append(max([header] + [max((cell_len(line) for line in t.plain.split("\n")), default=0) for t in cells]))
        else:
            natural.append(None)
    minimum = []
    for i, c in enumerate(cols):
        keep = max((cell_len(w) for r in records for w in (c.keep(r) if c.keep else [])), default=0)
        # no word cut in two while words stay short enough to give room to others
        words = max((cell_len(w) for row in rows for w in row[i].plain.split()), default=0)
        minimum.append(max(keep, min(words, 16), len(c.header), 4))
    free = total - gap * (len(cols) - 1) - sum(n for n in natural if n is not None)
    flexible = [i for i, n in enumerate(natural) if n is None]
    if free < sum(minimum[i] for i in flexible):
        return None
    widths = list(natural)
    weights = sum(cols[i].ratio or 1 for i in flexible)
    left, share = free, {}
    for i in flexible:
        share[i] = max(minimum[i], free * (cols[i].ratio or 1) // weights)
    over = sum(share.values()) - free
    for i in sorted(flexible, key=lambda i: -(share[i] - minimum[i])):  # give back from the roomiest
        if over <= 0:
            break
        cut = min(over, share[i] - minimum[i])
        share[i] -= cut
        over -= cut
    for i in flexible:
        widths[i] = share[i]
        left -= share[i]
    if flexible and left > 0:
        widths[flexible[0] if len(flexible) == 1 else max(flexible, key=lambda i: cols[i].ratio or 1)] += left
    return widths


class _Block:
    """A table cell already wrapped to its width: Rich draws it as it is."""

    __slots__ = ("lines", "width")

    def __init__(self, text: Text, width: int, justify: str, console: Console, styles: dict[str, Any]):
        self.width = width
        self.lines: list[list[Segment]] = []
        plain = text.plain
        for start, end, style in _line_styles(text):
            style_obj = styles.get(style)
            if style_obj is None:
                style_obj = styles[style] = console.get_style(style) if style else None
            for line in wrap(plain[start:end], width):
                pad = width - cell_len(line)
                if justify == "right" and pad > 0:
                    self.lines.append([Segment(" " * pad), Segment(line, style_obj)])
                else:
                    self.lines.append([Segment(line, style_obj)])

    def __rich_console__(self, console: Console, options: Any):
        newline = Segment.line()
        for i, line in enumerate(self.lines):
            if i:
                yield newline
            yield from line

    def __rich_measure__(self, console: Console, options: Any) -> Measurement:
        return Measurement(self.width, self.width)

    def __str__(self) -> str:  # what Rich shows if it ever needs a plain header
        return "\n".join("".join(seg.text for seg in line) for line in self.lines)


def _line_styles(text: Text) -> list[tuple[int, int, str]]:
    """(start, end, style) of each line of a Text built by ``_lines``: one style a line."""
    out = []
    plain = text.plain
    style_at = {span.start: str(span.style) for span in text.spans}
    start = 0
    for line in plain.split("\n"):
        end = start + len(line)
        out.append((start, end, style_at.get(start, str(text.style) if text.style else "")))
        start = end + 1
    return out


def wrap(line: str, width: int) -> list[str]:
    """Greedy word wrap to ``width`` cells; a word longer than a line is folded."""
    if cell_len(line) <= width:
        return [line]
    out: list[str] = []
    current = ""
    for word in line.split(" "):
        candidate = f"{current} {word}" if current else word
        if cell_len(candidate) <= width:
            current = candidate
            continue
        if current:
            out.append(current)
        while cell_len(word) > width:
            out.append(word[:width])
            word = word[width:]
        current = word
    if current or not out:
        out.append(current)
    return out


def print_table(records: list[dict], kind: str, stream: IO[str], *, no_color: bool = False,
                lookup: Callable[[str], str] | None = None, support: Callable[[str], str] | None = None,
                width: int | None = None) -> None:
    console = make_console(stream, no_color=no_color, width=width)
    cols = columns(kind, lookup or (lambda i: i), support)
    if console.width < NARROW:
        _print_stacked(console, records, cols)
        return
    if kind == "disputes":
        _print_disputes(console, records, cols)
        return
    rows = [[c.draw(record) for c in cols] for record in records]
    widths = column_widths(console.width, cols, records, rows, gap=GAP)
    if widths is None:
        _print_stacked(console, records, cols)
        return
    # Widths are computed and cells wrapped here, so Rich neither measures
    # nor re-wraps every cell: that halves the drawing time of a long table.
    # Each column but the last is one wider than its cells, which with the
    # box's blank vertical keeps columns GAP apart.
    table = Table(box=_BOX, show_lines=True, show_edge=False, header_style="bold", padding=0)
    styles: dict[str, Any] = {}
    last = len(cols) - 1
    for i, (c, w) in enumerate(zip(cols, widths, strict=True)):
        header = _Block(Text(c.header, style="bold"), w, c.justify, console, styles)
        table.add_column(header, no_wrap=True, width=w + (GAP - 1 if i < last else 0), overflow="ignore")
    for row in rows:
        table.add_row(*(_Block(text, w, c.justify, console, styles) for text, w, c in zip(row, widths, cols, strict=True)))
    console.print(table)


def _print_disputes(console: Console, records: list[dict], cols: list[Column]) -> None:
    """A heading a question, then its official and independent accounts side by side."""
    question, sides = cols[0], cols[1:]
    for n, record in enumerate(records):
        if n:
            console.print()
        console.print(question.draw(record))
        table = Table(box=_BOX, show_edge=False, expand=True, header_style="bold", padding=(0, 1), pad_edge=False)
        for c in sides:
            longest = max((len(w) for w in c.keep(record)), default=None) if c.keep else None
            table.add_column(c.header, ratio=1, min_width=longest, overflow="fold")
        table.add_row(*(c.draw(record) for c in sides))
        console.print(table)
        note = record.get("note")
        if note:
            console.print(Padding(Text("Note: ", style="bold") + txt(note, "dim"), 0))


def _print_stacked(console: Console, records: list[dict], cols: list[Column]) -> None:
    """One block a record, one field a line: for terminals too narrow for a table.

    A line that is a single word (a date, an id) is never cut: it may run
    past the edge, and the terminal wraps it whole.
    """
    for n, record in enumerate(records):
        if n:
            console.print()
        for c in cols:
            console.print(Text(c.header + ":", style="bold"))
            for line in c.draw(record).split("\n"):
                if " " not in line.plain.strip():
                    line.no_wrap = True
                    line.overflow = "ignore"
                    console.print(Text("  ") + line, no_wrap=True, overflow="ignore", crop=False)
                else:
                    console.print(Padding(line, (0, 0, 0, 2)))


def print_detail(kind: str, record: dict, related: dict[str, list[dict]], stream: IO[str], *,
                 no_color: bool = False, lookup: Callable[[str], str] | None = None,
                 width: int | None = None) -> None:
    """One record in full: every field, every citation with its quote, then related records."""
    console = make_console(stream, no_color=no_color, width=width)
    name = lookup or (lambda i: i)
    console.print(Text(SINGULAR[kind].capitalize() + " ", style="bold") + Text(clean(record["id"]), style="bold cyan"))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for field, value in record.items():
        if field in ("citations", "positions"):
            continue
        grid.add_row(Text(field), _detail_value(field, value, name))
    console.print(grid)
    if record.get("positions"):
        for n, position in enumerate(record["positions"], 1):
            console.print()
            console.print(Text(f"Position {n} ({position['origin']})", style="bold"))
            console.print(Padding(txt(position["claim"]), (0, 0, 0, 2)))
            _print_citations(console, position["citations"])
    if record.get("citations"):
        console.print()
        console.print(Text("Citations", style="bold"))
        _print_citations(console, record["citations"])
    for group, records in related.items():
        console.print()
        console.print(Text(f"Related {group} ({len(records)})", style="bold"))
        for r in records:
            line = Text(clean(r["id"]), style="cyan")
            when = r.get("date") or r.get("as_of") or r.get("published")
            if when:
                line += Text(f"  {clean(when)}")
            line += Text("  ") + txt(label_of(r))
            console.print(Padding(line, (0, 0, 0, 2)))


def _detail_value(field: str, value: Any, name: Callable[[str], str]) -> Text:
    if value is None or value == []:
        return Text("—", style="dim")
    if field == "roles":
        return txt("\n".join(role_text(r) for r in value))
    if field in ("places", "regions", "actors") and isinstance(value, list):
        return txt(", ".join(f"{name(v)} ({v})" for v in value))
    if field in ("within", "claimed_by") and isinstance(value, str):
        return txt(f"{name(value)} ({value})")
    if isinstance(value, list):
        return txt(", ".join(str(v) for v in value))
    return txt(cell(field, value))


def _print_citations(console: Console, citations: list[dict]) -> None:
    for c in citations:
        line = Text(clean(c["source"]), style="cyan") + Text(f" ({clean(c['origin'])})", style="dim")
        console.print(Padding(line, (0, 0, 0, 2)))
        console.print(Padding(Text("“") + txt(c["quote"], "italic") + Text("”"), (0, 0, 0, 4)))
