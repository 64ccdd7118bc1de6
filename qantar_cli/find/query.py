"""Answer questions: filter and sort the records of one collection.

``select(kb, kind, **criteria)`` applies every criterion given (they narrow
one another) and returns records in the documented order:

- events by date, then time, then id; an event known only to the month or
  year comes after the days of that month or year;
- figures by category, then id; every other kind by id.
"""

from __future__ import annotations

from typing import Any, Callable

from .. import dates, model
from ..errors import QueryError
from ..kb.store import KnowledgeBase

VOICES = model.VOICES

#: The date field(s) each kind is filtered on: (start field, end field).
DATE_FIELDS = {
    "events": ("date", "end_date"),
    "figures": ("as_of", None),
    "sources": ("published", None),
}


class SourceMatch:
    """What ``--source`` asked for: some source ids, or one of the two voices."""

    __slots__ = ("ids", "voice")

    def __init__(self, ids: frozenset[str] = frozenset(), voice: str | None = None):
        self.ids = ids
        self.voice = voice


def date_span(text: str, option: str = "--date") -> tuple:
    try:
        return dates.span(text)
    except ValueError as exc:
        raise QueryError(f"{exc}.", option) from None


def _named(records: list[dict]) -> list[tuple[str, str, list[str]]]:
    """Name-matching candidates: (id, name, aliases) of places or actors."""
    return [(r["id"], r["name"], r["aliases"]) for r in records]


def resolve_place(kb: KnowledgeBase, text: str) -> str:
    from . import names

    return names.resolve_one(text, _named(kb["places"]), "region", "--region")


def resolve_actor(kb: KnowledgeBase, text: str, option: str = "--actor") -> list[str]:
    from . import names

    return names.resolve(text, _named(kb["actors"]), "actor", option)


def resolve_source(kb: KnowledgeBase, text: str) -> SourceMatch:
    from . import names

    wanted = text.strip().lower()
    if wanted in VOICES:
        return SourceMatch(voice=wanted)
    pool = []
    for s in kb["sources"]:
        short = short_name(s["id"])
        pool.append((s["id"], s["publisher"], [short, s["publisher"]]))
    try:
        return SourceMatch(ids=frozenset(names.resolve(text, pool, "source", "--source")))
    except QueryError as exc:
        if not exc.suggestions:  # nothing close: say what would work
            exc.suggestions = sorted({short_name(s["id"]) for s in kb["sources"]}) + list(VOICES)
        raise


def short_name(source_id: str) -> str:
    """``kazinform-2025-chronology`` -> ``kazinform``: the part before the year."""
    parts = source_id.split("-")
    for i, part in enumerate(parts):
        if len(part) == 4 and part.isdigit():
            return "-".join(parts[:i])
    return source_id


def _span_of(record: dict, fields: tuple[str, str | None]) -> tuple:
    start = dates.span(record[fields[0]])
    end_text = record.get(fields[1]) if fields[1] else None
    return (start[0], dates.span(end_text)[1]) if end_text else start


def _cites(record: dict, match: SourceMatch) -> bool:
    for c in model.citations_of(record):
        if c["source"] in match.ids or (match.voice and c["origin"] == match.voice):
            return True
    return False


def select(
    kb: KnowledgeBase,
    kind: str,
    *,
    date: str | None = None,
    start: str | None = None,
    end: str | None = None,
    region: str | None = None,
    source: str | None = None,
    actor: str | None = None,
    category: str | None = None,
    actor_kind: str | None = None,
    name: str | None = None,
) -> list[dict]:
    """The records of ``kind`` that meet every criterion given."""
    if kind not in model.COLLECTIONS:
        raise QueryError(f"Unknown collection {kind!r}: use one of {', '.join(model.COLLECTIONS)}.")
    tests: list[Callable[[dict], bool]] = []

    spans = []
    if date is not None:
        spans.append(date_span(date, "--date"))
    if start is not None:
        first = date_span(start, "--from")[0]
        spans.append((first, dates.span("9999")[1]))
    if end is not None:
        last = date_span(end, "--to")[1]
        spans.append((dates.span("0001")[0], last))
    if start is not None and end is not None and spans[-2][0] > spans[-1][1]:
        raise QueryError(f"--from {start} comes after --to {end}: nothing can match.", "--from")
    if spans:
        fields = DATE_FIELDS.get(kind)
        if fields is None:
            raise QueryError(f"{kind} have no dates to filter on.", "--date")
        tests.append(lambda r: all(dates.overlaps(_span_of(r, fields), s) for s in spans))

    if region is not None:
        place = resolve_place(kb, region)
        country = place == _country(kb)

        def in_region(r: dict) -> bool:
            places = [r["id"]] if kind == "places" else r.get("places") or [_country(kb)]
            if country:
                return True
            return any(place in kb.ancestors(p) for p in places)

        tests.append(in_region)

    if source is not None:
        match = resolve_source(kb, source)
        if kind == "sources":
            tests.append(lambda r: r["id"] in match.ids or r["stance"] == match.voice)
        elif kind == "figures":
            tests.append(lambda r: (r["origin"] == match.voice) if match.voice else _cites(r, match))
        else:
            tests.append(lambda r: _cites(r, match))

    if actor is not None:
        wanted = set(resolve_actor(kb, actor))
        if kind == "events":
            tests.append(lambda r: bool(wanted.intersection(r["actors"])))
        elif kind == "figures":
            tests.append(lambda r: r["claimed_by"] in wanted)
        elif kind == "actors":
            tests.append(lambda r: r["id"] in wanted)
        else:
            raise QueryError(f"{kind} cannot be filtered by actor.", "--actor")

    if category is not None:
        category = category.strip().lower()
        known = sorted({f["category"] for f in kb["figures"]})
        if category not in known:
            raise QueryError(f"Unknown category {category!r}.", "--category",
                             names_like(category, known) or known)
        tests.append(lambda r: r["category"] == category)

    if actor_kind is not None:
        actor_kind = actor_kind.lower()
        tests.append(lambda r: r["kind"] == actor_kind)

    if name is not None:
        tests.append(_name_test(kb, name))

    found = [r for r in kb[kind] if all(t(r) for t in tests)]
    return sorted(found, key=sort_key(kind))


def _name_test(kb: KnowledgeBase, text: str) -> Callable[[dict], bool]:
    """``actors NAME``: exact id/name/alias, else every actor whose name contains it."""
    from . import names

    try:
        wanted = set(resolve_actor(kb, text, "NAME"))
    except QueryError:
        needle = names.key(text)
        wanted = {
            a["id"]
            for a in kb["actors"]
            if needle and any(needle in names.key(n) for n in [a["id"], a["name"], *a["aliases"]])
        }
        if not wanted:
            raise
    return lambda r: r["id"] in wanted


def names_like(text: str, options: list[str]) -> list[str]:
    import difflib

    return difflib.get_close_matches(text, options, n=3, cutoff=0.5)


def _country(kb: KnowledgeBase) -> str:
    for p in kb["places"]:
        if p["within"] is None:
            return p["id"]
    return "kazakhstan"


def _event_order(record: dict) -> tuple:
    """Day-dated events by day and time; an event known only to the month or the
    year comes after the days of that month or year (by then, it had happened);
    a span with an end date sits at its first day."""
    start, end = dates.span(record["date"])
    day = start if len(record["date"]) == 10 or record["end_date"] else end
    return (day, -len(record["date"]), record["time"] or "", record["id"])


def sort_key(kind: str) -> Callable[[dict], Any]:
    if kind == "events":
        return _event_order
    if kind == "figures":
        return lambda r: (r["category"], r["id"])
    return lambda r: r["id"]


def supported_by(kb: KnowledgeBase, source_id: str) -> dict[str, list[str]]:
    """The ids of the records that cite ``source_id``, by collection."""
    found: dict[str, list[str]] = {}
    for kind in model.COLLECTIONS:
        if kind in ("sources", "places"):
            continue
        ids = [r["id"] for r in kb[kind] if any(c["source"] == source_id for c in model.citations_of(r))]
        if ids:
            found[kind] = ids
    return found


def find(kb: KnowledgeBase, text: str) -> tuple[str, dict]:
    """A record of any kind by id, or an actor or place by name or alias."""
    from . import names

    found = kb.get(text.strip())
    if found is not None:
        return found
    by_short = [s for s in kb["sources"] if short_name(s["id"]) == text.strip().lower()]
    if len(by_short) == 1:
        return "sources", by_short[0]
    for kind in ("actors", "places"):
        try:
            hits = names.resolve(text, _named(kb[kind]), kind[:-1], "ID")
        except QueryError:
            continue
        if len(hits) == 1:
            return kb.get(hits[0])
    import difflib

    close = difflib.get_close_matches(text.strip().lower(), list(kb.by_id), n=3, cutoff=0.6)
    raise QueryError(f"No record has the id {text.strip()!r}.", "ID", close)


def related(kb: KnowledgeBase, kind: str, record: dict) -> dict[str, list[dict]]:
    """The records connected to ``record``, by collection, each sorted as its list is."""
    rid = record["id"]
    out: dict[str, list[dict]] = {}

    def put(name: str, records: list[dict]) -> None:
        if records:
            out[name] = sorted(records, key=sort_key(name))

    if kind == "actors":
        put("events", [e for e in kb["events"] if rid in e["actors"]])
        put("figures", [f for f in kb["figures"] if f["claimed_by"] == rid])
    elif kind == "sources":
        for name, ids in supported_by(kb, rid).items():
            put(name, [kb.get(i)[1] for i in ids])
    elif kind == "places":
        put("places", [p for p in kb["places"] if p["within"] == rid])
        put("events", [e for e in kb["events"] if any(rid in kb.ancestors(p) for p in e["places"])])
        put("figures", [f for f in kb["figures"] if any(rid in kb.ancestors(p) for p in f["places"])])
    elif kind in ("events", "figures"):
        ids = record.get("actors", []) + ([record["claimed_by"]] if record.get("claimed_by") else [])
        put("actors", [kb.actors[i] for i in dict.fromkeys(ids)])
        put("places", [kb.places[i] for i in record["places"]])
    put("sources", [kb.sources[s] for s in model.source_ids(record)] if kind != "sources" else [])
    return out
