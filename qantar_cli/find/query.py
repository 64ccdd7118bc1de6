"""Answer questions: filter and sort the records of one collection.

``select(kb, key, **criteria)`` applies every criterion given; each takes a
value or a list of values (several values of one criterion mean *or*,
different criteria mean *and*) and returns the records in the collection's
order. What a criterion means for a kind of record is in that collection's
description (``qantar_cli.collections``); this module resolves the user's
words into ids for the filters and runs them.
"""

from __future__ import annotations

from collections.abc import Iterable
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


def candidates(kb: KnowledgeBase, key: str) -> list[Candidate]:
    """What a user may call the records of a collection: ids, names, aliases, short forms."""
    from .names import Candidate

    if key == "sources":
        return [Candidate(s["id"], s["publisher"], [short_name(s["id"]), s["publisher"]]) for s in kb[key]]
    return [Candidate(r["id"], r["name"], r["aliases"]) for r in kb[key]]


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
        return {names.resolve_one(t, pool, "region", "region", lambda hits: largest(self.kb, hits))
                for t in texts}

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

        pool = candidates(self.kb, "sources")
        for text in named:
            try:
                ids.update(names.resolve(text, pool, "source", "source"))
            except QueryError as exc:
                if not exc.candidates:  # nothing close: say what would work
                    exc.candidates = sorted({short_name(s["id"]) for s in self.kb["sources"]}) + list(VOICES)
                raise
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
    found = Selection()
    for r in records:
        failed = None
        for f, prepared in tests:
            if not f.test(r, prepared, ask):
                failed = failed or []
                failed.append((f, prepared))
        if failed is None:
            found.append(r)
        elif all(f.near(r, prepared) for f, prepared in failed):
            found.left_out += 1
    found.sort(key=collection.order)
    return found


class Selection(list[Record]):
    """The records a query found; ``left_out`` counts those a date filter left out for being
    dated less precisely than asked (``coarse=True`` includes them)."""

    left_out = 0


def collection_of(key: str) -> Collection:
    try:
        return kinds.get(key)
    except KeyError:
        raise QueryError(f"unknown collection {key!r}: use one of {', '.join(kinds.KEYS)}",
                         criterion="collection", value=key) from None


def _as_list(value: Any) -> list[str]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def find(kb: KnowledgeBase, text: str) -> tuple[str, Record]:
    """A record of any kind by id, a source by its short name, or an actor or place by name."""
    from . import names

    wanted = text.strip()
    found = kb.get(wanted)
    if found is not None:
        return found
    by_short = [s for s in kb["sources"] if short_name(s["id"]) == wanted.lower()]
    if len(by_short) == 1:
        return "sources", by_short[0]
    for key in ("actors", "places"):
        try:
            hits = names.resolve(text, candidates(kb, key), key[:-1], "reference")
        except QueryError:
            continue
        if len(hits) > 1 and key == "places":
            outer = largest(kb, hits)
            hits = [outer] if outer else hits
        if len(hits) == 1:
            return kb.get(hits[0])  # type: ignore[return-value]
    pool = [names.Candidate(rid, rid) for rid in kb.by_id]
    raise QueryError(f"no record has the id {names.quoted(wanted)}", criterion="reference", value=wanted,
                     candidates=names.suggest(wanted.lower(), pool))


def related(kb: KnowledgeBase, key: str, record: Record) -> dict[str, list[Record]]:
    """The records connected to ``record``, by collection, each sorted as its list is."""
    out: dict[str, list[Record]] = {}
    for rel in collection_of(key).related:
        found = rel.find(kb, record)
        if found:
            out[rel.key] = sorted(found, key=kinds.get(rel.key).order)
    return out
