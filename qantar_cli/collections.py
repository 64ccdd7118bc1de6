"""The six record kinds of the knowledge base, each described once.

Everything kind-specific lives here: the fields of the JSON contract in
their order (SPEC.md, "Collections and the JSON contract"), the filters a
kind takes, its order, its table, how CSV flattens it, what is related to
it, and the rules a schema cannot say. The store, the rules, the queries
and the writers are generic and read these descriptions; adding a field or
a filter is a line here (and its tests).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from . import dates
from .display import figure_value, first_sentence, json_cell, role_text, sources_cell, unit_of
from .spec import (
    Actors,
    Choice,
    Col,
    Collection,
    Dates,
    Field,
    Issue,
    Lines,
    Named,
    Path,
    Places,
    Record,
    Related,
    Sources,
    View,
    lines,
    source_ids,
)

VOICES = ("official", "independent", "foreign")
ACTOR_KINDS = ("person", "organization", "group", "state")
PLACE_KINDS = ("country", "region", "city", "site")
# The closed vocabularies, equal to the schema's enums (a test keeps them so):
# here, so that --help lists them without reading the schema or the knowledge file.
FIGURE_CATEGORIES = ("casualties", "detentions", "prosecutions", "weapons", "security-forces", "protests",
                     "prices", "economy", "politics")
TAGS = ("background", "prices", "protests", "negotiations", "violence", "seizures", "casualties", "weapons",
        "security-forces", "police-violence", "detentions", "emergency-measures", "csto", "government",
        "official-account", "trials", "commemoration", "reforms", "elections", "nazarbayev", "aftermath", "media",
        "airport", "name")

Indexed = list[tuple[int, Record]]

_ELLIPSIS = r"\u2026|\.\.\.|\[\s*\.\.+\s*\]"  # compiled on first use: only validation needs it


def _no_ellipsis(value: Any, context: Any) -> str | None:
    if isinstance(value, str) and ("\u2026" in value or ".." in value) and re.search(_ELLIPSIS, value):
        return "a quote may not contain an ellipsis: quote two passages instead"
    return None


# -- voice, derived from who speaks ----------------------------------------------------


def _of(table: dict[str, Any], key: Any) -> Any:
    """``table[key]`` for an id, else None: a raw value may be anything, a list or a mapping (the schema says so)."""
    return table.get(key) if isinstance(key, str) else None


def citation_origin(raw: Record, context: Any) -> str | None:
    """Whose account a quote carries: its speaker's voice, else its source's stance."""
    speaker = raw.get("speaker")
    found = _of(context.voices, speaker) if speaker else _of(context.stances, raw.get("source"))
    return found if isinstance(found, str) else None


def shared_origin(citations: Any, context: Any) -> str | None:
    """The one origin a list of raw citations shares, or None when they differ (a rule says so)."""
    if not isinstance(citations, list):
        return None
    found = {citation_origin(c, context) for c in citations if isinstance(c, dict)}
    return found.pop() if len(found) == 1 else None


def _figure_origin(raw: Record, context: Any) -> str | None:
    """A figure's origin: the voice of whoever gives the number, else the one voice of its citations."""
    claimed = raw.get("claimed_by")
    voice = _of(context.voices, claimed) if claimed else None
    return voice if isinstance(voice, str) else shared_origin(raw.get("citations"), context)


def _voiced(speaker: Any, context: Any) -> str | None:
    if isinstance(speaker, str) and speaker in context.voices and context.voices[speaker] is None:
        return f"the speaker {speaker!r} has no voice: give that actor one (official, independent or foreign)"
    return None


CITATION = (
    Field("source", ref="sources"),
    Field("quote", check=_no_ellipsis),
    Field("speaker", ref="actors", check=_voiced),
    Field("origin", computed=True, default=citation_origin),
)
ROLE = (Field("title"), Field("from", date=True), Field("until", date=True))
POSITION = (
    Field("claim"),
    Field("origin", computed=True, default=lambda raw, context: shared_origin(raw.get("citations"), context)),
    Field("citations", shape=CITATION, csv=sources_cell),
)


def _citations() -> Field:
    return Field("citations", shape=CITATION, csv=sources_cell)


# -- shared cells -------------------------------------------------------------------

_VOICE_STYLE = {"official": "magenta", "independent": "green", "foreign": "yellow"}


def _url_style(record: Record) -> str:
    """An article's address in blue; "URL unknown" dimmed (SPEC: the sources table says so)."""
    return "blue" if record["url"] else "dim"


def _sources_line(record: Record, view: View) -> str:
    return ", ".join(source_ids(record))


def _names(field: str) -> Callable[[Record, View], str]:
    return lambda record, view: ", ".join(view.name_of(i) for i in record[field])


def _keep_id(record: Record) -> list[str]:
    return [record["id"]]


def _id_and_sources(record: Record) -> list[str]:
    """The words of a main column that must never be cut: the record's id and its sources' ids."""
    return [record["id"], *source_ids(record)]


def voice_style(field: str) -> Callable[[Record], str]:
    return lambda record: _VOICE_STYLE.get(record[field], "")


# -- related records ----------------------------------------------------------------


def _citing(kb: Any, record: Record, key: str) -> list[Record]:
    rid = record["id"]
    return [r for r in kb[key] if rid in source_ids(r)]


def _in_place(kb: Any, record: Record, key: str) -> list[Record]:
    rid = record["id"]
    return [r for r in kb[key] if any(kb.within(p, rid) for p in r["places"])]


def _refs(field: str, key: str) -> Related:
    def find(kb: Any, record: Record) -> list[Record]:
        value = record.get(field)
        ids = value if isinstance(value, list) else [value] if value else []
        return [kb.get(i)[1] for i in dict.fromkeys(ids) if kb.get(i) is not None]
    return Related(key, find)


def _cited_sources() -> Related:
    return Related("sources", lambda kb, r: [kb.get(s)[1] for s in source_ids(r)])


# -- rules ------------------------------------------------------------------------

_SOURCE_ID = r"[a-z0-9]+(?:-[a-z0-9]+)*?-([0-9]{4})(?:-|\Z)"  # \Z: a trailing newline is not the end


def _source_rules(records: Indexed, context: Any) -> Iterator[Issue]:
    digests: dict[str, Any] = {}
    for i, s in records:
        rid, published = s.get("id"), s.get("published")
        if isinstance(rid, str) and isinstance(published, str):
            match = re.match(_SOURCE_ID, rid)
            if not match:
                yield (("sources", i, "id"), "a source id starts with the publisher's short name and the year, "
                                             "like kazinform-2025-chronology")
            elif match.group(1) != published[:4]:
                yield (("sources", i, "id"),
                       f"the year in the id ({match.group(1)}) is not the year published ({published[:4]})")
        digest = s.get("text_sha256")
        if isinstance(digest, str):
            if digest in digests:
                yield (("sources", i, "text_sha256"), f"the same text as source {digests[digest]!r}")
            digests[digest] = rid


def _place_rules(records: Indexed, context: Any) -> Iterator[Issue]:
    parents: dict[str, Any] = {}
    where: dict[str, Path] = {}
    for i, p in records:
        if p.get("within") is None and p.get("kind") not in (None, "country"):
            yield (("places", i, "within"), "only a country may stand outside every other place")
        if isinstance(p.get("id"), str) and p["id"] not in parents:
            parents[p["id"]] = p.get("within")
            where[p["id"]] = ("places", i, "id")
    yield from _nesting_cycles(parents, where)


def _nesting_cycles(parents: dict[str, Any], where: dict[str, Path]) -> Iterator[Issue]:
    """Places that lie within themselves, found in one pass over the ``within`` chains."""
    done: set[str] = set()
    for start in parents:
        path: dict[str, None] = {}
        node: Any = start
        while isinstance(node, str) and node in parents and node not in done and node not in path:
            path[node] = None
            node = parents[node]
        if isinstance(node, str) and node in path:
            cycle = list(path)[list(path).index(node):]
            for pid in cycle:
                yield (where[pid], f"the place {pid!r} lies within itself")
        done.update(path)


def _role_rules(records: Indexed, context: Any) -> Iterator[Issue]:
    for i, a in records:
        roles = a.get("roles")
        for j, role in enumerate(roles if isinstance(roles, list) else []):
            if isinstance(role, dict):
                yield from _ordered(("actors", i, "roles", j), role, "from", "until")


def _event_rules(records: Indexed, context: Any) -> Iterator[Issue]:
    for i, e in records:
        yield from _ordered(("events", i), e, "date", "end_date")
        yield from _id_dated(("events", i), e)


_LEADING_DATE = r"(\d{4}(?:-\d{2}(?:-\d{2})?)?)-"  # compiled on first use: only validation needs it


def _id_dated(path: Path, raw: Record) -> Iterator[Issue]:
    """An event's id begins with its date, as precise as the date: readers take the id at its word."""
    rid, date = raw.get("id"), raw.get("date")
    if not (isinstance(rid, str) and isinstance(date, str) and dates.is_real(date)):
        return  # a date that is no date is reported by itself
    leading = re.match(_LEADING_DATE, rid)
    if leading is None or leading.group(1) != date:
        yield (path + ("id",), f"the id {rid!r} does not begin with the event's date {date} (write {date}-...)")


def _ordered(path: Path, raw: Record, first: str, last: str) -> Iterator[Issue]:
    start, end = raw.get(first), raw.get(last)
    if not (isinstance(start, str) and isinstance(end, str) and dates.is_real(start) and dates.is_real(end)):
        return
    if dates.span(end)[1] < dates.span(start)[0]:
        yield (path + (last,), f"{last} {end} comes before {first} {start}")


def _figure_rules(records: Indexed, context: Any) -> Iterator[Issue]:
    for i, f in records:
        yield from _figure_words(i, f, context)
        path = ("figures", i, "value_max")
        value, top, qualifier = f.get("value"), f.get("value_max"), f.get("qualifier")
        if qualifier == "range" and top is None:
            yield (path, "a range needs value_max")
        if qualifier != "range" and top is not None:
            yield (path, "value_max goes only with qualifier: range")
        if isinstance(value, (int, float)) and isinstance(top, (int, float)) and _number(value) and _number(top) \
                and top < value:
            yield (path, f"value_max {top} is below value {value}")


def _figure_words(i: int, f: Record, context: Any) -> Iterator[Issue]:
    """A vague quantity has no value; the stated words occur in a quote; the voice can be derived."""
    value, qualifier, stated = f.get("value"), f.get("qualifier"), f.get("stated")
    if qualifier == "vague" and value is not None:
        yield (("figures", i, "value"), "a vague quantity (qualifier: vague) has value: null; the words go in stated")
    if qualifier != "vague" and qualifier is not None and value is None:
        yield (("figures", i, "value"), "only a vague quantity (qualifier: vague) may have value: null")
    citations = f.get("citations")
    quotes = [c.get("quote") for c in citations if isinstance(c, dict)] if isinstance(citations, list) else []
    if isinstance(stated, str) and quotes and not any(
            isinstance(q, str) and context.fold(stated) in context.fold(q) for q in quotes):
        yield (("figures", i, "stated"), f"the stated words {stated!r} are not in any of the figure's quotes")
    if isinstance(f.get("citations"), list) and _figure_origin(f, context) is None:
        yield (("figures", i, "citations"), "the figure's citations carry different voices: name who gives the "
                                             "number in claimed_by, or cite one voice")


def _dispute_rules(records: Indexed, context: Any) -> Iterator[Issue]:
    for i, d in records:
        positions = d.get("positions")
        for j, p in enumerate(positions if isinstance(positions, list) else []):
            if isinstance(p, dict) and isinstance(p.get("citations"), list) \
                    and shared_origin(p["citations"], context) is None:
                yield (("disputes", i, "positions", j, "citations"),
                       "a position's citations carry different voices: split it into one position a voice")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# -- order --------------------------------------------------------------------------


def event_order(record: Record) -> tuple[dates.Day, int, str]:
    """Day-dated events by day, then time; the sort is stable, so events of
    the same day and time keep the order of the file (the order the sources
    narrate them), never the order of their ids. An event whose start is
    known only to the month or the year comes after the days of that month
    or year (by then, it had begun), whether or not it has an end date."""
    start, end = dates.span(record["date"])
    day = start if len(record["date"]) == 10 else end
    return (day, -len(record["date"]), record["time"] or "")


# -- the six ------------------------------------------------------------------------

SOURCES = Collection(
    "sources", "source",
    fields=(Field("id"), Field("title"), Field("publisher"), Field("publisher_kind"), Field("stance"),
            Field("author"), Field("published", date=True), Field("url"), Field("language"),
            Field("text_sha256")),
    filters=(Dates("published"), Sources(voice="stance", itself=True)),
    columns=(
        Col("Source", lines(("id", "cyan"), ("publisher", "bold")), ratio=2, keep=_keep_id),
        Col("Published", lines(("published", ""), ("stance", voice_style("stance"))), no_wrap=True),
        Col("Title", lines(("title", ""), (lambda r, view: r["url"] or "URL unknown", _url_style),
                           ("publisher_kind", "dim"),
                           (lambda r, view: "supports " + view.support(r["id"]), "")), ratio=3),
    ),
    related=(Related("actors", lambda kb, r: _citing(kb, r, "actors")),
             Related("events", lambda kb, r: _citing(kb, r, "events")),
             Related("figures", lambda kb, r: _citing(kb, r, "figures")),
             Related("disputes", lambda kb, r: _citing(kb, r, "disputes"))),
    rules=(_source_rules,),
    date="published", label="title", searched=("publisher", "author"),
)

PLACES = Collection(
    "places", "place",
    fields=(Field("id"), Field("name"), Field("aliases", many=True), Field("kind"), Field("within", ref="places"),
            Field("iso_code"), Field("geonames_id"), Field("lat"), Field("lon"), Field("note")),
    filters=(Places(None), Choice("kind", "kind", PLACE_KINDS)),
    columns=(
        Col("Place", lines(("name", "bold"), ("id", "dim")), ratio=2, keep=_keep_id),
        Col("Kind", lines(("kind", "")), no_wrap=True),
        Col("Within", lines((lambda r, view: view.name_of(r["within"]) if r["within"] else "—", "")), ratio=2),
        Col("Also written", lines((lambda r, view: ", ".join(r["aliases"]), "")), ratio=3),
    ),
    related=(Related("places", lambda kb, r: [p for p in kb["places"] if p["within"] == r["id"]]),
             Related("events", lambda kb, r: _in_place(kb, r, "events")),
             Related("figures", lambda kb, r: _in_place(kb, r, "figures"))),
    rules=(_place_rules,),
    label="name", searched=("aliases", "note"),
)

ACTORS = Collection(
    "actors", "actor",
    fields=(Field("id"), Field("name"), Field("aliases", many=True), Field("kind"), Field("voice"),
            Field("roles", shape=ROLE, csv=json_cell), Field("summary"), _citations()),
    filters=(Named(), Sources(), Choice("kind", "kind", ACTOR_KINDS)),
    columns=(
        Col("Actor", lines(("name", "bold"), ("id", "dim")), ratio=2, keep=_keep_id),
        Col("Kind", lines(("kind", "")), no_wrap=True),
        Col("Who, in which roles", lambda r, view: [(first_sentence(r["summary"]), "")]
            + [(role_text(x), "dim") for x in r["roles"]] + lines((_sources_line, "cyan"))(r, view),
            ratio=3, keep=source_ids),
    ),
    related=(Related("events", lambda kb, r: [e for e in kb["events"] if r["id"] in e["actors"]]),
             Related("figures", lambda kb, r: [f for f in kb["figures"] if f["claimed_by"] == r["id"]]),
             _cited_sources()),
    rules=(_role_rules,),
    label="name", searched=("aliases", "summary", "roles.title", "citations.quote"),
)

EVENTS = Collection(
    "events", "event",
    fields=(Field("id"), Field("date", date=True), Field("end_date", date=True), Field("time"), Field("title"),
            Field("summary"), Field("places", many=True, ref="places"), Field("regions", many=True, computed=True),
            Field("actors", many=True, ref="actors"), Field("tags", many=True), _citations()),
    filters=(Dates("date", "end_date"), Places("places"), Sources(), Actors("actors"), Choice("tag", "tags", TAGS)),
    order=event_order,
    columns=(
        Col("Date", lines(("date", "bold"), (lambda r, view: "– " + r["end_date"] if r["end_date"] else None, "bold"),
                          ("time", "")), no_wrap=True),
        Col("Event", lines(("title", "bold"), ("id", "dim"), (_sources_line, "cyan")), ratio=4, keep=_id_and_sources),
        Col("Where", lines((_names("places"), "")), ratio=1),
    ),
    related=(_refs("actors", "actors"), _refs("places", "places"), _cited_sources()),
    rules=(_event_rules,),
    span=("date", "end_date"), date="date", label="title", searched=("summary", "tags", "citations.quote"),
)


def _stated_words(record: Record, view: View) -> str | None:
    """The article's own words under the value, unless they are the value itself."""
    stated = record.get("stated")
    return f"“{stated}”" if stated and stated != figure_value(record) and record["value"] is not None else None


def _figure_about(record: Record, view: View) -> str:
    parts = [record["category"], record["id"]]
    if record["claimed_by"]:
        parts.append("given by " + view.name_of(record["claimed_by"]))
    return " · ".join(parts)


def _figure_actors(kb: Any, record: Record) -> list[Record]:
    found = kb.get(record["claimed_by"]) if record["claimed_by"] else None
    return [found[1]] if found else []


FIGURES = Collection(
    "figures", "figure",
    fields=(Field("id"), Field("label"), Field("category"), Field("value"), Field("value_max"), Field("qualifier"),
            Field("stated"), Field("unit"), Field("as_of", date=True), Field("period", date=True),
            Field("places", many=True, ref="places"), Field("regions", many=True, computed=True),
            Field("claimed_by", ref="actors"), Field("origin", computed=True, default=_figure_origin),
            _citations()),
    filters=(Dates("as_of"), Dates("period", criterion="period", ranged=False), Places("places"),
             Sources(voice="origin"), Actors("claimed_by"), Choice("category", "category", FIGURE_CATEGORIES)),
    order=lambda r: (r["category"], r["id"]),
    columns=(
        Col("Value", lines((lambda r, view: figure_value(r), "bold"), (lambda r, view: unit_of(r), "dim"),
                           (_stated_words, "italic")),
            justify="right", keep=lambda r: [figure_value(r)]),
        Col("What", lines(("label", ""), (_figure_about, "dim"), (_sources_line, "cyan")), ratio=4,
            keep=_id_and_sources),
        Col("As of", lines(("as_of", ""), ("origin", voice_style("origin"))), no_wrap=True),
    ),
    related=(Related("actors", _figure_actors), _refs("places", "places"), _cited_sources()),
    rules=(_figure_rules,),
    date="as_of", label="label", searched=("stated", "unit", "category", "citations.quote"),
)


def _side(voice: str, empty: Lines | None = None) -> Callable[[Record, View], Lines]:
    def cell(record: Record, view: View) -> Lines:
        out: Lines = []
        for p in record["positions"]:
            if p["origin"] != voice:
                continue
            if out:
                out.append(("", ""))
            out.append((p["claim"], ""))
            out.extend((s, "cyan") for s in dict.fromkeys(c["source"] for c in p["citations"]))
        return out or (empty if empty is not None else [("—", "dim")])
    return cell


def _side_words(voice: str) -> Callable[[Record], list[str]]:
    return lambda r: [c["source"] for p in r["positions"] if p["origin"] == voice for c in p["citations"]]


DISPUTES = Collection(
    "disputes", "dispute",
    fields=(Field("id"), Field("question"), Field("positions", shape=POSITION, csv=json_cell), Field("note")),
    filters=(Sources(),),
    columns=(
        Col("Question", lines(("question", "bold"), ("id", "dim")), ratio=2, keep=_keep_id),
        Col("Official accounts", _side("official"), ratio=3, keep=_side_words("official")),
        Col("Independent accounts", _side("independent"), ratio=3, keep=_side_words("independent")),
        Col("Foreign accounts", _side("foreign", empty=[]), ratio=3, keep=_side_words("foreign"), optional=True),
    ),
    related=(_cited_sources(),),
    rules=(_dispute_rules,),
    label="question", layout="sections", footer="note",
    searched=("note", "positions.claim", "positions.citations.quote"),
)

ALL: tuple[Collection, ...] = (SOURCES, PLACES, ACTORS, EVENTS, FIGURES, DISPUTES)

def _snippet(record: Record, view: View) -> str | None:
    return record["snippet"] if record["snippet"] != record["title"] else None


#: The kinds ``search`` finds, in the order it breaks ties, as its JSON names them.
SEARCH_KINDS = ("event", "figure", "actor", "source", "dispute", "place")


#: What ``search`` finds: one row a matching record, of any kind. Not a
#: collection of the file; its filters are those of the kinds it finds.
MATCHES = Collection(
    "matches", "match",
    fields=(Field("kind"), Field("id"), Field("title"), Field("date", date=True), Field("snippet")),
    columns=(
        Col("Kind", lines(("kind", "dim")), no_wrap=True),
        Col("Date", lines(("date", "")), no_wrap=True, optional=True),
        Col("Record", lines(("title", "bold"), (_snippet, "italic"), ("id", "dim")), ratio=4,
            keep=lambda r: [r["id"]]),
    ),
    label="title",
)
BY_KEY = {c.key: c for c in ALL}
KEYS = tuple(BY_KEY)


def get(key: str) -> Collection:
    return BY_KEY[key]


def label_of(record: Record) -> str:
    """A record's human name: its name, title, label or question."""
    for field in ("name", "title", "label", "question"):
        if record.get(field):
            return str(record[field])
    return str(record["id"])
