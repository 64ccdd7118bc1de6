"""Answer questions: filter and sort the records of one collection.

``select(kb, key, **criteria)`` applies every criterion given; each takes a
value or a list of values (several values of one criterion mean *or*,
different criteria mean *and*) and returns the records in the collection's
order. What a criterion means for a kind of record is in that collection's
description (``qantar_cli.collections``); this module resolves the user's
words into ids for the filters and runs them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from .. import collections as kinds
from ..errors import QueryError
from ..kb.store import KnowledgeBase
from ..spec import Collection, Record

if TYPE_CHECKING:
    from .names import Candidate

VOICES = kinds.VOICES


def short_name(source_id: str) -> str:
    """``kazinform-2025-chronology`` -> ``kazinform``: the part before the year."""
    parts = source_id.split("-")
    for i, part in enumerate(parts):
        if len(part) == 4 and part.isdigit():
            return "-".join(parts[:i])
    return source_id


#: The collections whose records a user may name.
NAMED = ("actors", "places", "sources")


def candidates(kb: KnowledgeBase, key: str) -> list[Candidate]:
    """What a user may call the records of a collection: ids, names, aliases, short forms (made once a run)."""
    made: list[Candidate] | None = kb.derived.get(f"pool-{key}")
    if made is None:
        made = kb.derived[f"pool-{key}"] = _candidates(kb, key, lambda: folded_names(kb, key))
    return made


def _candidates(kb: KnowledgeBase, key: str, folded: Callable[[], dict[str, list[str]]] | None) -> list[Candidate]:
    """The candidates of a collection, their folded names from ``folded`` (None: fold them here)."""
    from .names import Candidate

    if key == "sources":
        return [Candidate(s["id"], s["publisher"], [short_name(s["id"]), s["publisher"]], folded) for s in kb[key]]
    # a region answers to its ISO 3166-2 code too (KZ-75), as places --json gives it
    return [Candidate(r["id"], r["name"], [*r["aliases"], *filter(None, [r.get("iso_code")])], folded, r.get("kind"))
            for r in kb[key]]


def source_candidates(kb: KnowledgeBase) -> list[Candidate]:
    """The sources as ``--source`` and ``sources ID`` name them: also by author (Almas Kaisar). Not in
    ``show``, where an author's name is the actor's, not the article's."""
    from .names import Candidate

    return candidates(kb, "sources") + [Candidate(s["id"], s["publisher"], [s["author"]])
                                        for s in kb["sources"] if s.get("author")]


def folded_names(kb: KnowledgeBase, key: str) -> dict[str, list[str]]:
    """The names of a collection's records in their ``sound`` form, by id.

    Folded once and kept with the cache (one entry a collection, so a
    question reads only the collections it names), and so an ASCII question
    never loads the transliteration library the Cyrillic names need.
    """
    suffix = f"names{key}"
    found: dict[str, list[str]] | None = kb.derived.get(suffix)
    if found is not None:
        return found
    import json

    from ..kb import cache
    from .fold import library_stamp

    stamp = library_stamp()
    stored = cache.get_bytes(kb.cache_key, suffix) if kb.cache_key else None
    if stored is not None:
        try:
            entry = json.loads(stored)
            names = entry.get("library") == stamp and entry.get("names")
            if isinstance(names, dict) and all(
                    isinstance(k, str) and isinstance(v, list) and all(isinstance(f, str) for f in v)
                    for k, v in names.items()):
                found = names  # verified, and of the right shape: anything else is folded again
        except (ValueError, AttributeError):
            found = None
    if found is None:
        found = {}
        for c in _candidates(kb, key, None) if key in kb.keys else ():
            found[c.id] = sorted(set(c.sounds))
        if kb.cache_key:
            cache.put_bytes(kb.cache_key, suffix, json.dumps({"library": stamp, "names": found}).encode())
    kb.derived[suffix] = found
    return found


#: How a region's note tells of a region formed from part of it later ("Zhetysu Region, centred on
#: Taldykorgan, was formed from part of it in June 2022").
_FORMED = r"(\w+) Region, centred on ([\w-]+), was formed from part of it in ([\w ]+?\d{4})"


def _later_region(kb: KnowledgeBase, text: str, error: QueryError) -> QueryError:
    """``error``, told when ``text`` names a region formed after January 2022 (Abai, Zhetysu, Ulytau)
    that the gazetteer, which keeps January 2022's regions, knows from a region's note."""
    import re

    from .names import Candidate, loose, sound

    asked = sound(text)
    for place in kb["places"]:
        for name, centre, when in re.findall(_FORMED, place.get("note") or ""):
            if sound(name) == asked or loose(text) == loose(f"{name} Region"):
                where = [c.shown() for c in candidates(kb, "places") if sound(c.label) == sound(centre)]
                error.message += (f"; {name} Region was formed in {when} from part of {place['name']}, and the "
                                  f"gazetteer keeps the regions of January 2022: ask for {place['id']}, or for "
                                  f"{centre}, its centre")
                error.candidates = [*error.candidates, Candidate(place["id"], place["name"]).shown(), *where]
                return error
    return error


def _an_actor(kb: KnowledgeBase, text: str, error: QueryError) -> QueryError:
    """``error``, told when ``text`` is no source but names an actor (Vlast.kz, whose article Global
    Voices republished), whose record says how it bears on the sources."""
    from . import names

    pool = candidates(kb, "actors")
    try:
        found = names.resolve(text, pool, "actor", "actor", close=False)
    except QueryError:
        return error
    if len(found) == 1:
        name = next(c.label for c in pool if c.id == found[0])
        error.message += (f"; it names an actor, {name}, not one of the sources: qantar show {found[0]} "
                          f"says who it is, with the records it is part of")
    return error


def outermost(kb: KnowledgeBase, text: str, place_id: str, pool: list[Candidate]) -> str:
    """The largest place around ``place_id`` that answers to the same name, else ``place_id``.

    A region wins over the city inside it that shares its name, whichever
    tier each matched in and whichever of the city's names was given:
    Qyzylorda is the region, as Kyzylorda is, and so is Kzyl-Orda, an old
    name of the city only (Aktyubinsk is Aktobe Region). The city's id, in
    any spelling that is not also its name, names the city itself
    (``kyzylorda-city``, Aktobe city).
    """
    from .names import Candidate, answers_to

    by_id = {c.id: c for c in pool}
    own = by_id[place_id].label if place_id in by_id else None
    if answers_to(text, Candidate(place_id, place_id)) and (own is None or not answers_to(text, Candidate(own, own))):
        return place_id
    chosen = place_id
    node = kb.places[place_id]["within"] if place_id in kb.places else None
    seen = {place_id}
    while node is not None and node not in seen:
        seen.add(node)
        if node in by_id and (answers_to(text, by_id[node]) or (own is not None and answers_to(own, by_id[node]))):
            chosen = node
        node = kb.places[node]["within"] if node in kb.places else None
    return chosen


def _place_answer(kb: KnowledgeBase, text: str, hits: list[str], pool: list[Candidate]) -> list[str]:
    """The places ``text`` names, by the region rule: of several, the one the others lie within; of one,
    the largest place around it that answers to the same name. Still several when the rule cannot tell."""
    if len(hits) > 1:
        outer = largest(kb, hits)
        if outer is None:
            return hits
        hits = [outer]
    return [outermost(kb, text, hits[0], pool)]


def largest(kb: KnowledgeBase, place_ids: list[str]) -> str | None:
    """Of places that share a name, the one all the others lie within, if any.

    A region and a city inside it that answer to the same name (Aktobe
    Region and Aktobe) resolve to the region, the larger (SPEC, "Finding
    things"); any other tie stays ambiguous.
    """
    for outer in place_ids:
        if all(kb.within(p, outer) for p in place_ids):
            return outer
    return None


class Asker:
    """The knowledge base as filters see it (``spec.Ask``): names resolved to ids."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb

    # The resolver (and its folding tables) is imported only when a name is asked for.

    def places(self, texts: list[str]) -> set[str]:
        from . import names

        pool = candidates(self.kb, "places")
        found = set()
        for t in texts:
            try:
                hits = _place_answer(self.kb, t, names.resolve(t, pool, "region", "region"), pool)
                if len(hits) > 1:
                    raise names.ambiguous(t, hits, pool, "region", "region")
                found.add(hits[0])
            except QueryError as exc:
                raise _later_region(self.kb, t, exc) from None
        return found

    def within(self, place_id: str, area: str) -> bool:
        return self.kb.within(place_id, area)

    def country(self) -> str:
        return self.kb.country() or "kazakhstan"

    def actors(self, texts: list[str], criterion: str) -> set[str]:
        from . import names

        pool = candidates(self.kb, "actors")
        found: set[str] = set()
        for text in texts:
            try:
                found.update(names.resolve(text, pool, "actor", criterion))
            except QueryError:
                hits = self._containing(text, pool) if criterion == "name" else set()
                if not hits:
                    raise
                found.update(hits)
        return found

    @staticmethod
    def _containing(text: str, pool: list[Candidate]) -> set[str]:
        """``actors NAME`` also finds every actor one of whose names contains NAME."""
        from . import names

        needle = names.key(text)
        return {c.id for c in pool if needle and any(needle in names.key(n) for n in c.names)}

    def sources(self, texts: list[str]) -> tuple[set[str], set[str]]:
        ids: set[str] = set()
        voices = {text.strip().lower() for text in texts if text.strip().lower() in VOICES}
        named = [text for text in texts if text.strip().lower() not in VOICES]
        if not named:
            return ids, voices  # a voice asks nothing of the resolver
        from . import names

        pool = source_candidates(self.kb)
        for text in named:
            try:
                ids.update(names.resolve(text, pool, "source", "source"))
            except QueryError as exc:
                if not exc.candidates:  # nothing close: say what would work
                    exc.candidates = sorted({short_name(s["id"]) for s in self.kb["sources"]}) + list(VOICES)
                raise _an_actor(self.kb, text, exc) from None
        return ids, voices

    def choices(self, criterion: str, texts: list[str], known: Iterable[str]) -> set[str]:
        from . import names

        known = list(known)
        found = set()
        for text in texts:
            wanted = text.strip().lower()
            if wanted not in known:
                close = names.suggest(wanted, [names.Candidate(k, k) for k in known])
                raise QueryError(f"unknown {criterion} {names.quoted(wanted)}", criterion=criterion, value=text,
                                 candidates=close or known)
            found.add(wanted)
        return found


def select(kb: KnowledgeBase, key: str | Collection, **criteria: Any) -> list[Record]:
    """The records of a collection (its key, or its description) that meet every criterion given.

    A criterion given as None or [] is not given.
    """
    collection = key if isinstance(key, Collection) else collection_of(key)
    key = collection.key
    given = {name: _as_list(value) for name, value in criteria.items() if value not in (None, [], ())}
    accepted = collection.criteria()
    for name, values in given.items():
        if name not in accepted:
            raise QueryError(f"{key} cannot be filtered by {name}", criterion=name, value=values[0])
    ask = Asker(kb)
    records = kb[key]
    tests = []
    for f in collection.filters:
        mine = {c: given[c] for c in f.criteria if c in given}
        if mine:
            tests.append((f, f.prepare(mine, ask, records)))
    # Filters that can never leave a record out "only for its precision" first: a record one of
    # them refuses is out, and the costlier date tests are not run for it.
    tests.sort(key=lambda test: test[0].nearable)
    found = Selection()
    for r in records:
        failed = None
        for f, prepared in tests:
            if not f.test(r, prepared, ask):
                if not f.nearable:
                    break
                failed = failed or []
                failed.append((f, prepared))
        else:
            if failed is None:
                found.append(r)
            elif all(f.near(r, prepared) for f, prepared in failed):
                found.left_out += 1
    found.sort(key=collection.order)
    return found


def unrecorded(kb: KnowledgeBase, key: str, regions: Iterable[str]) -> list[Record]:
    """The places named in ``regions`` when none of them has a record of this collection within it.

    An empty list when any of them has one (the answer was narrowed by
    something else), or when a collection is not filtered by place.
    """
    collection = collection_of(key)
    if "region" not in collection.criteria():
        return []
    places = Asker(kb).places(list(regions))
    if select(kb, collection, region=sorted(places)):
        return []
    return [kb.places[p] for p in sorted(places)]


class Selection(list[Record]):
    """The records a query found; ``left_out`` counts those a date filter left out for being
    dated less precisely than asked (``coarse=True`` includes them)."""

    left_out = 0
    #: How the question was put, in the words of whoever asked it (the command line's options), if told.
    asked = ""


def collection_of(key: str) -> Collection:
    try:
        return kinds.get(key)
    except KeyError:
        raise QueryError(f"unknown collection {key!r}: use one of {', '.join(kinds.KEYS)}",
                         criterion="collection", value=key) from None


def _as_list(value: Any) -> list[str]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def find(kb: KnowledgeBase, text: str, suggest: bool = True) -> tuple[str, Record]:
    """A record of any kind by id, or an actor, place or source by any of its names.

    Names go through the resolver's tiers over actors, places and sources
    together: the best tier that matches decides, a region wins over the
    city inside it of the same name, and any other tie is ambiguous (a
    ``QueryError`` naming each record's kind and id). ``suggest=False``
    leaves out the search for close candidates when nothing matches.
    """
    from . import names

    wanted = text.strip()
    found = kb.get(wanted)
    if found is not None:
        return found
    pools = {key: candidates(kb, key) for key in NAMED if key in kb.keys}
    pool = [c for key in pools for c in pools[key]]
    kind_of = {c.id: key[:-1] for key, found_pool in pools.items() for c in found_pool}
    try:
        hits = names.resolve(text, pool, "record", "reference", close=False)  # suggested from ids below
    except QueryError:
        close = names.suggest(wanted.lower(), [names.Candidate(rid, rid) for rid in kb.by_id]) if suggest else []
        missing = QueryError(f"no record has the id or name {names.quoted(wanted)}", criterion="reference",
                             value=wanted, candidates=close)
        raise _later_region(kb, wanted, missing) from None
    if all(kind_of[h] == "place" for h in hits):
        hits = _place_answer(kb, text, hits, pools["places"])
    if len(hits) > 1:
        shown = {c.id: c.shown() for c in pool}
        raise _later_region(kb, wanted, QueryError(
            f"{names.quoted(wanted)} is ambiguous: it names {len(hits)} records; give one's id",
            criterion="reference", value=wanted, candidates=[f"{kind_of[h]} {shown[h]}" for h in hits]))
    return kb.get(hits[0])  # type: ignore[return-value]


def related(kb: KnowledgeBase, key: str, record: Record) -> dict[str, list[Record]]:
    """The records connected to ``record``, by collection, each sorted as its list is."""
    out: dict[str, list[Record]] = {}
    for rel in collection_of(key).related:
        found = rel.find(kb, record)
        if found:
            out[rel.key] = sorted(found, key=kinds.get(rel.key).order)
    return out
