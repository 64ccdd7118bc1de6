"""The pieces a collection is described with: fields, filters, columns.

A ``Collection`` (see ``collections``) is data: it says which fields a record
kind has and in which order, which filters it takes and how each reads a
record, how it sorts, how a table shows it and how CSV flattens it. Generic
code reads these descriptions: the store normalises records with ``Field``,
the rules check references and dates from them, queries run ``Filter``s,
and the writers draw ``Col``s. Nothing here imports Click, Rich or YAML,
and nothing here imports the layers above it.

Filters work on plain dicts and get what they need from the knowledge base
through a small context object (``Ask``) that the query layer provides: the
resolution of a user's words into ids lives there, not here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from . import dates
from .display import csv_cell, flat
from .errors import QueryError

Record = dict[str, Any]
Lines = list[tuple[str, str]]  # (text, style) a line: what a table cell shows


class Field:
    """One field of the JSON contract.

    ``many``: a list (absent means ``[]``, not ``null``). ``shape``: the
    fields of the objects in a list (citations, roles, positions), in
    contract order. ``ref``: the collection its ids point into. ``date``:
    an ISO date of any precision. ``computed``: filled by the store, never
    read from the file. ``default``: computes the value when the file leaves
    it out, from the raw object and the store's context. ``check``: a rule
    on the value (and the rules' context), returning a message or None. ``csv``: flattens the
    value to one CSV cell.
    """

    __slots__ = ("check", "computed", "csv", "date", "default", "many", "name", "ref", "shape")

    def __init__(self, name: str, *, many: bool = False, shape: tuple[Field, ...] | None = None,
                 ref: str | None = None, date: bool = False, computed: bool = False,
                 default: Callable[[Record, Any], Any] | None = None,
                 check: Callable[[Any, Any], str | None] | None = None,
                 csv: Callable[[Any], str] = csv_cell):
        self.name = name
        self.many = many or shape is not None
        self.shape = shape
        self.ref = ref
        self.date = date
        self.computed = computed
        self.default = default
        self.check = check
        self.csv = csv

    def blank(self) -> Any:
        return [] if self.many else None

    def __repr__(self) -> str:
        return f"Field({self.name!r})"


def normalise(raw: Record, fields: tuple[Field, ...], context: Any) -> Record:
    """``raw`` with every field of ``fields``, in contract order, nested objects too."""
    out: Record = {}
    for f in fields:
        value = None if f.computed else raw.get(f.name)
        if value is None and f.default is not None:
            value = f.default(raw, context)
        if value is None:
            value = f.blank()
        elif f.shape is not None:
            value = [normalise(item, f.shape, context) for item in value]
        elif f.many:
            value = list(value)
        out[f.name] = value
    return out


# -- filters --------------------------------------------------------------------

if TYPE_CHECKING:  # the protocols cost an import of typing machinery at run time; only checkers need them
    from typing import Protocol

    class Ask(Protocol):
        """What filters may ask of the knowledge base (the query layer answers)."""

        def places(self, texts: list[str]) -> set[str]: ...          # names -> place ids (regions and all)
        def within(self, place_id: str, area: str) -> bool: ...      # does place_id lie in area?
        def country(self) -> str: ...
        def actors(self, texts: list[str], criterion: str) -> set[str]: ...
        def sources(self, texts: list[str]) -> tuple[set[str], set[str]]: ...  # (source ids, voices)
        def choices(self, criterion: str, texts: list[str], known: Iterable[str]) -> set[str]: ...

    class View(Protocol):
        """What a column may ask while drawing: names of ids, what a source supports."""

        def name_of(self, record_id: str) -> str: ...
        def support(self, source_id: str) -> str: ...

else:
    Ask = View = Any


class Filter:
    """A criterion a collection accepts.

    ``criteria`` are the names the core knows it by (``region``, ``date``);
    the command line maps them to its options. ``prepare`` turns the user's
    values (each criterion: a list, repeated values meaning *or*) into what
    ``test`` needs, raising ``QueryError`` in the core's own terms.
    """

    criteria: tuple[str, ...] = ()
    #: Whether ``near`` can ever be true: whether a record this filter refuses may still be counted
    #: as left out only for its precision (``Dates``).
    nearable = False

    def prepare(self, given: dict[str, list[str]], ask: Ask, records: list[Record]) -> Any:
        raise NotImplementedError

    def test(self, record: Record, prepared: Any, ask: Ask) -> bool:
        raise NotImplementedError

    def near(self, record: Record, prepared: Any) -> bool:
        """Whether a record this filter refused would pass with a looser form of it (see ``Dates``)."""
        return False


class Dates(Filter):
    """``date``, ``start``, ``end``: records whose date span meets the one asked for.

    ``start`` and ``end`` name the fields holding the record's first and
    (optionally) last date. A record matches when its span lies wholly
    inside the one asked for, or overlaps it and is dated at least as
    precisely: ``--date 2022-01-05`` gives that day's records and the
    day-dated spans across it, not those known only to "January 2022".
    A range (``start``/``end``) needs the precision of its finest bound for
    a partial overlap. ``coarse`` adds the coarser overlapping records;
    without it, ``near`` tells which ones were left out for that reason.
    """

    nearable = True

    def __init__(self, start: str, end: str | None = None, *, criterion: str = "date", ranged: bool = True):
        self.start = start
        self.end = end
        self.criterion = criterion
        self.criteria = (criterion, "start", "end", "coarse") if ranged else (criterion, "coarse")

    def prepare(self, given: dict[str, list[Any]], ask: Ask, records: list[Record]) -> Any:
        # every group must be met, by any (span, precision) of the group
        wanted: list[list[tuple[dates.Span, int]]] = []
        if given.get(self.criterion):
            wanted.append([(span_of(value, self.criterion), dates.precision(value))
                           for value in given[self.criterion]])
        first = [(span_of(v, "start")[0], dates.precision(v)) for v in given.get("start", [])]
        last = [(span_of(v, "end")[1], dates.precision(v)) for v in given.get("end", [])]
        if first or last:
            low = min(day for day, _ in first) if first else dates.FIRST
            high = max(day for day, _ in last) if last else dates.LAST
            if low > high:
                raise QueryError(f"the start {given['start'][0]} comes after the end {given['end'][0]}: "
                                 "nothing can match", criterion="start", value=given["start"][0])
            wanted.append([((low, high), max(p for _, p in first + last))])
        coarse = any(given.get("coarse", []))
        return wanted, coarse

    def span(self, record: Record) -> dates.Span:
        first = dates.span(record[self.start])
        last_text = record.get(self.end) if self.end else None
        return (first[0], dates.span(last_text)[1]) if last_text else first

    def _precision(self, record: Record) -> int:
        last_text = record.get(self.end) if self.end else None
        return min(dates.precision(record[self.start]), dates.precision(last_text) if last_text else 3)

    def test(self, record: Record, prepared: Any, ask: Ask) -> bool:
        wanted, coarse = prepared
        if not wanted:  # only --coarse was given: it widens a date filter, and there is none
            return True
        if record.get(self.start) is None:
            return False
        mine, finest = self.span(record), self._precision(record)
        for group in wanted:  # every group, by any of its spans (loops: this runs once a record)
            for span, precision in group:
                if _meets(mine, finest, span, precision, coarse):
                    break
            else:
                return False
        return True

    def near(self, record: Record, prepared: Any) -> bool:
        """Left out only because it is dated less precisely than asked (``coarse`` would add it)."""
        wanted, coarse = prepared
        if coarse or not wanted or record.get(self.start) is None:
            return False
        mine = self.span(record)
        return all(any(dates.overlaps(mine, span) for span, _ in group) for group in wanted)


def _meets(mine: dates.Span, finest: int, span: dates.Span, precision: int, coarse: bool) -> bool:
    if not dates.overlaps(mine, span):
        return False
    inside = span[0] <= mine[0] and mine[1] <= span[1]
    return inside or coarse or finest >= precision


def span_of(text: str, criterion: str) -> dates.Span:
    try:
        return dates.span(text)
    except ValueError as exc:
        raise QueryError(f"{exc}.", criterion=criterion, value=text) from None


class Places(Filter):
    """``region``: records in a place or anywhere within it.

    ``field`` holds the record's place ids; ``None`` means the record is a
    place itself. A record with no place is national: only the country
    matches it.
    """

    criteria = ("region",)

    def __init__(self, field: str | None):
        self.field = field

    def prepare(self, given: dict[str, list[str]], ask: Ask, records: list[Record]) -> Any:
        return ask.places(given["region"])

    def test(self, record: Record, prepared: Any, ask: Ask) -> bool:
        country = ask.country()
        if country in prepared:
            return True
        mine = [record["id"]] if self.field is None else record[self.field] or [country]
        within = ask.within
        for p in mine:
            for area in prepared:
                if within(p, area):
                    return True
        return False


class Sources(Filter):
    """``source``: records a source supports, or that carry a voice.

    A record matches when one of its citations is from one of the sources
    asked for, or has the voice asked for. ``voice`` names a field that
    holds the record's own voice instead (a figure's ``origin``, a source's
    ``stance``); ``itself`` matches a source record by its own id.
    """

    criteria = ("source",)

    def __init__(self, voice: str | None = None, itself: bool = False):
        self.voice = voice
        self.itself = itself

    def prepare(self, given: dict[str, list[str]], ask: Ask, records: list[Record]) -> Any:
        return ask.sources(given["source"])

    def test(self, record: Record, prepared: Any, ask: Ask) -> bool:
        ids, voices = prepared
        if self.itself:
            return record["id"] in ids or record[self.voice] in voices  # type: ignore[index]
        if self.voice is not None and voices and record[self.voice] in voices:
            return True
        return any(c["source"] in ids or (self.voice is None and c["origin"] in voices) for c in citations_of(record))


class Actors(Filter):
    """``actor``: records that name an actor in ``field`` (``None``: the actor itself)."""

    criteria = ("actor",)

    def __init__(self, field: str | None):
        self.field = field

    def prepare(self, given: dict[str, list[str]], ask: Ask, records: list[Record]) -> Any:
        return ask.actors(given["actor"], "actor")

    def test(self, record: Record, prepared: Any, ask: Ask) -> bool:
        value = record["id"] if self.field is None else record[self.field]
        if isinstance(value, list):
            return not prepared.isdisjoint(value)
        return value in prepared


class Named(Filter):
    """``name``: an actor by id, name or alias, else every actor whose names contain the words."""

    criteria = ("name",)

    def prepare(self, given: dict[str, list[str]], ask: Ask, records: list[Record]) -> Any:
        return ask.actors(given["name"], "name")

    def test(self, record: Record, prepared: Any, ask: Ask) -> bool:
        return record["id"] in prepared


class Choice(Filter):
    """A field from a closed set (``category``, ``kind``, ``tag``), matched without regard to case.

    A field holding a list (an event's ``tags``) matches when any of its
    values is one asked for.
    """

    def __init__(self, criterion: str, field: str, values: tuple[str, ...] | None = None):
        self.criteria = (criterion,)
        self.field = field
        self.values = values

    def prepare(self, given: dict[str, list[str]], ask: Ask, records: list[Record]) -> Any:
        known = self.values if self.values is not None else sorted({r[self.field] for r in records})
        return ask.choices(self.criteria[0], given[self.criteria[0]], known)

    def test(self, record: Record, prepared: Any, ask: Ask) -> bool:
        value = record[self.field]
        if isinstance(value, list):
            return any(one in prepared for one in value)
        return value in prepared


# -- tables ---------------------------------------------------------------------

Part = str | Callable[[Record, View], Any]
Style = str | Callable[[Record], str]


class Col:
    """A table column: a header and, for each record, its lines with a style each.

    ``cell`` returns the lines; ``keep`` the words (ids, dates) that must
    never be cut, so the column is at least as wide as the longest.
    ``no_wrap`` columns take their natural width; the rest share what is
    left by ``ratio``. An ``optional`` column is left out of a table in
    which all its cells are empty.
    """

    __slots__ = ("cell", "header", "justify", "keep", "no_wrap", "optional", "ratio")

    def __init__(self, header: str, cell: Callable[[Record, View], Lines], *, justify: str = "left",
                 no_wrap: bool = False, ratio: int = 1, keep: Callable[[Record], list[str]] | None = None,
                 optional: bool = False):
        self.header = header
        self.cell = cell
        self.justify = justify
        self.no_wrap = no_wrap
        self.ratio = ratio
        self.keep = keep
        self.optional = optional


def lines(*parts: tuple[Part, Style]) -> Callable[[Record, View], Lines]:
    """A cell of one line a part: a field name or a function of (record, view), and a style.

    A style is a name, or a function of the record (a voice's colour).
    Empty parts are left out.
    """

    def cell(record: Record, view: View) -> Lines:
        out: Lines = []
        for part, style in parts:
            value = record.get(part) if isinstance(part, str) else part(record, view)
            if value in (None, "", []):
                continue
            out.append((value if isinstance(value, str) else flat(value),
                        style if isinstance(style, str) else style(record)))
        return out

    return cell


# -- related records ------------------------------------------------------------


class Related:
    """A kind of record related to a record of this collection, for ``show``.

    ``find(kb, record)`` returns the related records of collection ``key``.
    """

    __slots__ = ("find", "key")

    def __init__(self, key: str, find: Callable[[Any, Record], list[Record]]):
        self.key = key
        self.find = find


# -- the collection ---------------------------------------------------------------


Path = tuple[str | int, ...]
Issue = tuple[Path, str]
Rule = Callable[[list[tuple[int, Record]], Any], Iterable[Issue]]


class Collection:
    """One record kind, described once.

    ``key`` is the collection's name in the file and in commands' output
    (``events``); ``kind`` the singular (``event``). ``span`` names the
    start and end fields of a date span whose order the rules check.
    ``rules`` are extra checks: ``rule([(index, raw_record), ...], context)``
    yields ``(path, message)`` pairs, where the context gives the actors'
    voices, the sources' stances and the quote folding; references and dates
    are checked from the fields alone. ``layout`` is ``table``, or ``sections`` for a heading a
    record with the other columns side by side below it (disputes), with
    ``footer`` naming a field printed under each section. ``searched`` names
    the text that full-text search reads besides the id and the label, as
    paths into the record (``positions.claim``, ``citations.quote``).
    """

    def __init__(self, key: str, kind: str, *, fields: tuple[Field, ...], filters: tuple[Filter, ...] = (),
                 order: Callable[[Record], Any] = lambda r: r["id"], columns: tuple[Col, ...] = (),
                 related: tuple[Related, ...] = (), rules: tuple[Rule, ...] = (),
                 span: tuple[str, str] | None = None, date: str | None = None,
                 label: str = "id", layout: str = "table", footer: str | None = None,
                 searched: tuple[str, ...] = ()):
        self.key = key
        self.kind = kind
        self.fields = fields
        self.names = tuple(f.name for f in fields)
        self.filters = filters
        self.order = order
        self.columns = columns
        self.related = related
        self.rules = rules
        self.span = span
        self.date = date
        self.label = label
        self.layout = layout
        self.footer = footer
        self.searched = searched

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def only(self, names: list[str]) -> Collection:
        """This collection with only the fields named, in that order (``--fields``)."""
        cut = Collection.__new__(Collection)
        cut.__dict__.update(self.__dict__)
        cut.fields = tuple(self.field(name) for name in names)
        cut.names = tuple(names)
        return cut

    def criteria(self) -> tuple[str, ...]:
        return tuple(c for f in self.filters for c in f.criteria)

    def __repr__(self) -> str:
        return f"Collection({self.key!r})"


def citations_of(record: Record) -> list[Record]:
    """Every citation of a record, the positions' of a dispute included."""
    found = list(record.get("citations") or [])
    for position in record.get("positions") or []:
        found.extend(position.get("citations") or [])
    return found


def source_ids(record: Record) -> list[str]:
    """The ids of the sources a record cites, in first-cited order."""
    return list(dict.fromkeys(c["source"] for c in citations_of(record)))
