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
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from .render import cell, figure_value, role_text

NARROW = 60

# C0 and C1 controls (tab and newline excepted), DEL, and the bidirectional
# overrides that can make text read backwards.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(value: Any) -> str:
    """Text safe to show on a terminal: controls become visible \\xNN escapes."""
    text = "" if value is None else str(value)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)


def txt(value: Any, style: str = "") -> Text:
    return Text(clean(value), style=style)


def make_console(stream: IO[str], no_color: bool = False, width: int | None = None) -> Console:
    plain = no_color or bool(os.environ.get("NO_COLOR"))
    return Console(
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
    from .model import source_ids

    return ", ".join(clean(s) for s in source_ids(record))


def _source_words(record: dict) -> list[str]:
    from .model import source_ids

    return source_ids(record)


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
            Column("Event", lambda r: _lines((r["title"], "bold"), (_source_line(r), "cyan")),
                   ratio=4, keep=_source_words),
            Column("Where", lambda r: txt(names(r["places"])), ratio=1),
        ]
    if kind == "figures":
        return [
            Column("Value", lambda r: _lines((figure_value(r), "bold"), (r["unit"], "dim")), justify="right", no_wrap=True),
            Column("What", lambda r: _lines((r["label"], ""),
                                            ("given by " + lookup(r["claimed_by"]) if r["claimed_by"] else None, "dim"),
                                            (_source_line(r), "cyan")), ratio=4, keep=_source_words),
            Column("As of", lambda r: _lines((r["as_of"], ""), (r["origin"], _VOICE_STYLE[r["origin"]])), no_wrap=True),
        ]
    if kind == "actors":
        return [
            Column("Actor", lambda r: _lines((r["name"], "bold"), (r["id"], "dim")), ratio=2,
                   keep=lambda r: [r["id"]]),
            Column("Kind", lambda r: txt(r["kind"]), no_wrap=True),
            Column("Roles", lambda r: _lines(*((role_text(x), "") for x in r["roles"]), (_source_line(r), "cyan")),
                   ratio=3, keep=_source_words),
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


def print_table(records: list[dict], kind: str, stream: IO[str], *, no_color: bool = False,
                lookup: Callable[[str], str] | None = None, support: Callable[[str], str] | None = None,
                title: str | None = None, width: int | None = None) -> None:
    console = make_console(stream, no_color=no_color, width=width)
    cols = columns(kind, lookup or (lambda i: i), support)
    if console.width < NARROW:
        _print_stacked(console, records, cols)
        return
    if kind == "disputes":
        _print_disputes(console, records, cols)
        return
    table = Table(box=box.SIMPLE_HEAD, show_lines=True, show_edge=False, expand=True, title=title, title_justify="left",
                  header_style="bold", pad_edge=False)
    for c in cols:
        longest = max((len(w) for r in records for w in (c.keep(r) if c.keep else [])), default=None)
        table.add_column(c.header, justify=c.justify, no_wrap=c.no_wrap, ratio=c.ratio,
                         min_width=longest, overflow="fold")
    for record in records:
        table.add_row(*(c.draw(record) for c in cols))
    console.print(table)


def _print_disputes(console: Console, records: list[dict], cols: list[Column]) -> None:
    """A heading a question, then its official and independent accounts side by side."""
    question, sides = cols[0], cols[1:]
    for n, record in enumerate(records):
        if n:
            console.print()
        console.print(question.draw(record))
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, expand=True, header_style="bold", pad_edge=False)
        for c in sides:
            longest = max((len(w) for w in c.keep(record)), default=None) if c.keep else None
            table.add_column(c.header, ratio=1, min_width=longest, overflow="fold")
        table.add_row(*(c.draw(record) for c in sides))
        console.print(table)
        note = record.get("note")
        if note:
            console.print(Padding(Text("Note: ", style="bold") + txt(note, "dim"), (0, 0, 0, 0)))


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


__all__ = ["print_table", "clean", "cell"]


def print_detail(kind: str, record: dict, related: dict[str, list[dict]], stream: IO[str], *,
                 no_color: bool = False, lookup: Callable[[str], str] | None = None,
                 width: int | None = None) -> None:
    """One record in full: every field, every citation with its quote, then related records."""
    from .model import SINGULAR

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
            label = r.get("title") or r.get("label") or r.get("name") or r.get("question") or ""
            line = Text(clean(r["id"]), style="cyan")
            when = r.get("date") or r.get("as_of") or r.get("published")
            if when:
                line += Text(f"  {clean(when)}")
            line += Text("  ") + txt(label)
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
