"""Rich tables for people. The only module that imports Rich.

Every table, the detail of ``show`` and its related records included, is
drawn by ``print_table`` from a collection's ``Col`` descriptions. Every
string from the data is made visible-safe first (controls become ``\\xNN``
escapes) and drawn as plain segments, never parsed as markup. Column
widths are computed and cells wrapped here, by terminal cells rather than
characters, so Rich neither measures nor re-wraps them. An id wider than
its column stands alone on its line and runs on into the columns to its
right (``_make_way`` leaves them empty there); one wider than the room to
the edge starts at the left edge, on a line no other column uses. On a
terminal narrower than ``NARROW`` columns records are stacked blocks
instead, so dates and ids stay whole.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import IO, Any

from rich.cells import cell_len, chop_cells
from rich.console import Console
from rich.segment import Segment
from rich.text import Text

from ..spec import Col, Collection, Lines, Record
from ..text import visible, visible_lines

NARROW = 60
#: Widths a terminal may claim; anything outside is taken as the nearest bound.
MIN_WIDTH, MAX_WIDTH = 20, 500
GAP = 2  # blank columns between two table columns


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # Rich's own handler exits 1; a reader that stopped early is not an
        # error, so let the command line end quietly with 0.
        self.quiet = True
        raise BrokenPipeError


def terminal_width(stream: IO[str], asked: int | None = None) -> int:
    """The width to draw at: asked, else ``COLUMNS``, else the terminal's, clamped to a sane range."""
    width = asked
    if width is None:
        try:
            width = int(os.environ.get("COLUMNS", ""))
        except ValueError:
            width = None
    if width is None:
        try:
            width = os.get_terminal_size(stream.fileno()).columns
        except (AttributeError, ValueError, OSError):
            width = 80
    return max(MIN_WIDTH, min(MAX_WIDTH, width))


def make_console(stream: IO[str], no_color: bool = False, width: int | None = None) -> Console:
    plain = no_color or bool(os.environ.get("NO_COLOR"))
    return _Console(
        file=stream,
        width=terminal_width(stream, width),
        color_system=None if plain else "auto",
        no_color=plain,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
    )


def cell_lines(col: Col, record: Record, view: Any) -> Lines:
    """A cell's lines, made safe to show, one line a text line."""
    out: Lines = []
    for text, style in col.cell(record, view):
        for line in visible_lines(text):
            out.append((line, style))
    return out


def column_widths(total: int, cols: tuple[Col, ...], records: list[Record], rows: list[list[Lines]],
                  gap: int = GAP, overflow: bool = True) -> list[int] | None:
    """Each column's width: whole for no-wrap columns, the rest shared by ratio.

    A column with ``keep`` words is at least as wide as the longest of them.
    None when the terminal is too narrow for that.
    """
    # First every kept word inside its column and words of up to 16 cells whole; then words of up to
    # 10; then (unless ``overflow`` is False) a kept word (an id) may be wider than its column, standing
    # alone on its line and running on into the columns to its right, as long as it ends inside the terminal.
    passes = ((16, False), (10, False), *(((10, True),) if overflow else ()))
    for longest_word, run_on in passes:
        widths = _widths(total, cols, records, rows, gap, longest_word, run_on)
        if widths is not None:
            return widths
    return None


def _widths(total: int, cols: tuple[Col, ...], records: list[Record], rows: list[list[Lines]], gap: int,
            longest_word: int, overflow: bool) -> list[int] | None:
    natural: list[int | None] = []
    for i, c in enumerate(cols):
        if c.no_wrap:
            natural.append(max([cell_len(c.header)] + [cell_len(t) for row in rows for t, _ in row[i]]))
        else:
            natural.append(None)
    minimum = []
    kept = []
    for i, c in enumerate(cols):
        keep = max((cell_len(visible(w)) for r in records for w in (c.keep(r) if c.keep else [])), default=0)
        kept.append(keep)
        # no word cut in two while words stay short enough to give room to others
        words = max((cell_len(w) for row in rows for t, _ in row[i] for w in t.split()), default=0)
        minimum.append(max(0 if overflow else keep, min(words, longest_word), cell_len(c.header), 4))
    free = total - gap * (len(cols) - 1) - sum(n for n in natural if n is not None)
    flexible = [i for i, n in enumerate(natural) if n is None]
    if free < sum(minimum[i] for i in flexible):
        return None
    widths = list(natural)
    weights = sum(cols[i].ratio for i in flexible)
    left, share = free, {}
    for i in flexible:
        share[i] = max(minimum[i], free * cols[i].ratio // weights)
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
        widest = flexible[0] if len(flexible) == 1 else max(flexible, key=lambda i: cols[i].ratio)
        widths[widest] = share[widest] + left
    if overflow and max(kept, default=0) > total:
        return None  # an id longer than a line: stacked blocks instead
    return [w or 0 for w in widths]


class _Block:
    """A table cell already wrapped to its width: Rich draws it as it is."""

    __slots__ = ("lines", "room", "width")

    def __init__(self, cell: Lines, width: int, justify: str, console: Console, styles: dict[str, Any],
                 room: int | None = None):
        self.width = width
        self.room = room if room is not None else width  # cells from the column's start to the edge
        self.lines: list[list[Segment]] = []
        for text, style in cell:
            style_obj = styles.get(style)
            if style_obj is None:
                style_obj = styles[style] = console.get_style(style) if style else None
            # a word (an id) wider than the column but not than a line: whole, alone on its line
            whole = room is not None and max(map(cell_len, text.split(" "))) <= console.width
            for line in wrap(text, width, fold=not whole):
                pad = width - cell_len(line)
                if justify == "right" and pad > 0:
                    self.lines.append([Segment(" " * pad), Segment(line, style_obj)])
                else:
                    self.lines.append([Segment(line, style_obj)])

    def __rich_console__(self, console: Console, options: Any) -> Iterator[Segment]:
        newline = Segment.line()
        for i, line in enumerate(self.lines):
            if i:
                yield newline
            yield from line

    def __str__(self) -> str:  # what Rich shows if it ever needs a plain header
        return "\n".join("".join(seg.text for seg in line) for line in self.lines)


class _Grid:
    """Rows of wrapped cells, GAP apart, a rule under the header, a blank line between rows.

    What ``rich.table.Table`` would draw with a blank box and these widths,
    without its measuring and layout passes: the widths are known already.
    """

    def __init__(self, header: list[_Block] | None, rows: list[list[_Block]], widths: list[int],
                 lines_between: bool):
        self.header = header
        self.rows = rows
        self.widths = widths
        self.lines_between = lines_between

    def __rich_console__(self, console: Console, options: Any) -> Iterator[Segment]:
        total = sum(self.widths) + GAP * (len(self.widths) - 1)
        newline = Segment.line()
        if self.header is not None:
            yield from self._row(self.header, newline)
            yield Segment("─" * total)
            yield newline
        for n, row in enumerate(self.rows):
            if n and self.lines_between:
                yield newline
            yield from self._row(row, newline)

    def _row(self, blocks: list[_Block], newline: Segment) -> Iterator[Segment]:
        """Each text line of a row: cells padded to their columns, nothing after the last word."""
        _make_way(blocks)
        for j in range(max(len(b.lines) for b in blocks)):
            out: list[Segment] = []
            alone = [b.lines[j] for b in blocks if j < len(b.lines) and _cells(b.lines[j]) > b.room]
            if alone:  # too wide to start in its column: from the left edge, on a line of its own
                yield from alone[0]
                yield newline
                continue
            for i, block in enumerate(blocks):
                line = block.lines[j] if j < len(block.lines) else []
                out.extend(line)
                room = self.widths[i] + GAP - sum(cell_len(s.text) for s in line)
                if room > 0:
                    out.append(Segment(" " * room))
            while out and not out[-1].text.strip():
                out.pop()
            if out:
                last = out[-1]
                out[-1] = Segment(last.text.rstrip(" "), last.style)
            yield from out
            yield newline


def _make_way(blocks: list[_Block]) -> None:
    """Move each line wider than its column (a whole id) down to a line the columns to its right leave empty.

    Moving a column's lines down can put one of them beside a wider line
    further left, so this goes round until no line has to move: each move
    only pushes a wide line down, and the rightmost column never moves, so
    it ends.
    """
    moved = True
    while moved:
        moved = False
        for i, block in enumerate(blocks):
            for j, line in enumerate(block.lines):
                cells = _cells(line)
                if cells <= block.width:
                    continue
                # wider than its column: the columns to its right leave the line empty; wider than the
                # room to the edge: it starts at the left edge, and every other column leaves it empty
                others = blocks[i + 1:] if cells <= block.room else blocks[:i] + blocks[i + 1:]
                if any(j < len(other.lines) and other.lines[j] for other in others):
                    block.lines.insert(j, [])
                    moved = True
                    break


def _cells(line: list[Segment]) -> int:
    return sum(cell_len(seg.text) for seg in line)


def wrap(line: str, width: int, fold: bool = True) -> list[str]:
    """Greedy word wrap to ``width`` terminal cells.

    A word longer than a line is folded by cells, or with ``fold=False``
    stands alone on its line, whole (an id in the stacked layout).
    """
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
        current = word
        if fold and cell_len(word) > width:
            *whole, current = chop_cells(word, width)
            out.extend(whole)
    if current or not out:
        out.append(current)
    return out


def print_table(records: list[Record], collection: Collection, stream: IO[str], view: Any,
                console: Console | None = None) -> None:
    """Records of one collection as a table (or stacked blocks, or sections), as its columns say."""
    console = console or make_console(stream, no_color=getattr(view, "no_color", False),
                                      width=getattr(view, "width", None))
    if collection.layout == "sections":
        rows = [[cell_lines(c, record, view) for c in collection.columns] for record in records]
        if console.width >= NARROW:
            _print_sections(console, collection, records, rows)
        else:  # too narrow for sides side by side: blocks, each with its footer still under it
            cols, rows = shown(collection.columns, rows)
            _print_stacked(console, cols, rows, [_footer(collection, record) for record in records])
        return
    draw(console, collection.columns, records, view)


def shown(cols: tuple[Col, ...], rows: list[list[Lines]]) -> tuple[tuple[Col, ...], list[list[Lines]]]:
    """The columns to draw, without the optional ones that are empty in every row."""
    keep = [i for i, c in enumerate(cols) if not c.optional or any(row[i] for row in rows)]
    if len(keep) == len(cols):
        return cols, rows
    return tuple(cols[i] for i in keep), [[row[i] for i in keep] for row in rows]


def draw(console: Console, cols: tuple[Col, ...], records: list[Record], view: Any, *,
         header: bool = True, lines_between: bool = True, overflow: bool = True) -> None:
    """Records as a grid of ``cols``, or as stacked blocks where the terminal is too narrow.

    ``overflow=False``: blocks too when a kept word (an id) would not fit inside its column.
    """
    cols, rows = shown(cols, [[cell_lines(c, record, view) for c in cols] for record in records])
    _grid_or_blocks(console, cols, records, rows, header=header, lines_between=lines_between, overflow=overflow)


def _grid_or_blocks(console: Console, cols: tuple[Col, ...], records: list[Record], rows: list[list[Lines]], *,
                    header: bool = True, lines_between: bool = True, overflow: bool = True) -> None:
    """``rows`` as a grid where the terminal is wide enough for ``cols`` (and, without ``overflow``,
    for every kept word inside its column), else as stacked blocks."""
    widths = column_widths(console.width, cols, records, rows, gap=GAP, overflow=overflow) \
        if console.width >= NARROW else None
    if widths is None:
        _print_stacked(console, cols, rows)
    else:
        _print_grid(console, cols, rows, widths, header=header, lines_between=lines_between)


def _print_grid(console: Console, cols: tuple[Col, ...], rows: list[list[Lines]], widths: list[int],
                header: bool = True, lines_between: bool = True) -> None:
    styles: dict[str, Any] = {}
    heads = [_Block([(c.header, "bold")], w, c.justify, console, styles) for c, w in zip(cols, widths, strict=True)]
    rooms = [console.width - sum(widths[:i]) - GAP * i for i in range(len(widths))]
    body = [[_Block(cell, w, c.justify, console, styles, room)
             for cell, w, c, room in zip(row, widths, cols, rooms, strict=True)] for row in rows]
    console.print(_Grid(heads if header else None, body, widths, lines_between))


def _print_sections(console: Console, collection: Collection, records: list[Record], rows: list[list[Lines]]) -> None:
    """A heading a record (its first column), then its other columns side by side, then its footer."""
    for n, (record, row) in enumerate(zip(records, rows, strict=True)):
        if n:
            console.print()
        for text, style in row[0]:
            print_wrapped(console, text, style)
        sides, cells = shown(collection.columns[1:], [row[1:]])
        # Side by side only with every source id inside its side: one running on across the next side,
        # or out to the left edge below both, would no longer show whose side cites it.
        _grid_or_blocks(console, sides, [record], cells, lines_between=False, overflow=False)
        note = _footer(collection, record)
        if note:
            print_wrapped(console, "Note: " + note, "dim")


def _footer(collection: Collection, record: Record) -> str:
    """The record's footer field (a dispute's note) as one safe line, or ``""``."""
    note = record.get(collection.footer) if collection.footer else None
    return " ".join(visible_lines(note)) if note else ""


def _print_stacked(console: Console, cols: tuple[Col, ...], rows: list[list[Lines]],
                   footers: list[str] | None = None) -> None:
    """One block a record, one field a line: for terminals too narrow for a table.

    A line that is a single word (a date, an id) is never cut: it may run
    past the edge, and the terminal wraps it whole. ``footers``, one a
    record, end its block as a ``Note:`` field.
    """
    for n, row in enumerate(rows):
        if n:
            console.print()
        for c, cell in zip(cols, row, strict=True):
            console.print(Text(c.header + ":", style="bold"))
            for text, style in cell:
                if text.strip():
                    print_wrapped(console, text, style, indent="  ")
                else:
                    console.print()
        if footers and footers[n]:
            console.print(Text("Note:", style="bold"))
            print_wrapped(console, footers[n], "dim", indent="  ")


def print_heading(console: Console, text: str, first: bool = False) -> None:
    """A bold line, after a blank one unless it is the first thing printed."""
    if not first:
        console.print()
    print_wrapped(console, visible(text), "bold")


def print_wrapped(console: Console, text: str, style: str = "", indent: str = "") -> None:
    """Safe text wrapped to the console by cells, each line printed as it is: no trailing spaces, ids whole.

    A word wider than the room the indent leaves (a long id) starts at the left edge instead.
    """
    room = max(console.width - len(indent), 1)
    for line in wrap(text, room, fold=False):
        lead = indent if cell_len(line) <= room else ""
        console.print(Text(lead + line, style=style), no_wrap=True, overflow="ignore", crop=False)
