"""Rules a JSON Schema cannot express.

Every reference resolves, ids are unique across the file, dates are real
and spans run forwards, ranges have both ends, the place hierarchy has no
cycles, source ids carry their publication year, and quotes carry no
ellipsis. The checks read raw (possibly malformed) records defensively:
the schema reports type errors, these rules skip what they cannot read.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from .. import dates
from .quotes import ELLIPSIS

Issue = tuple[tuple, str]

# \Z, not $: Python's $ also matches before a final newline (see schema.ecma_regex).
_SOURCE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*?-([0-9]{4})(?:-|\Z)")
_DATE_FORM = re.compile(r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?\Z")


def _records(root: dict, kind: str) -> Iterator[tuple[int, dict]]:
    items = root.get(kind)
    if isinstance(items, list):
        for i, record in enumerate(items):
            if isinstance(record, dict):
                yield i, record


def _strings(value: Any) -> list[str]:
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def check(root: dict) -> list[Issue]:
    issues: list[Issue] = []
    add = issues.append
    ids: dict[str, dict[str, tuple]] = {kind: {} for kind in
                                        ("sources", "places", "actors", "events", "figures", "disputes")}
    seen: dict[str, tuple] = {}

    for kind in ids:
        for i, record in _records(root, kind):
            rid = record.get("id")
            if not isinstance(rid, str):
                continue
            path = (kind, i, "id")
            if rid in seen:
                add((path, f"duplicate id {rid!r}: already used at {'/'.join(map(str, seen[rid][:2]))}"))
            else:
                seen[rid] = path
                ids[kind][rid] = path

    def ref(path: tuple, value: Any, kind: str) -> None:
        if isinstance(value, str) and value not in ids[kind]:
            add((path, f"unknown {kind[:-1]} id {value!r}"))

    def date_field(path: tuple, value: Any) -> bool:
        if isinstance(value, str) and _DATE_FORM.match(value):
            try:
                dates.span(value)
            except ValueError as exc:
                add((path, str(exc)))
                return False
            return True
        return False

    def citations(path: tuple, value: Any) -> None:
        if not isinstance(value, list):
            return
        for j, cite in enumerate(value):
            if not isinstance(cite, dict):
                continue
            ref(path + (j, "source"), cite.get("source"), "sources")
            quote = cite.get("quote")
            if isinstance(quote, str) and ELLIPSIS.search(quote):
                add((path + (j, "quote"), "a quote may not contain an ellipsis: quote two passages instead"))

    stances: dict[str, Any] = {}
    digests: dict[str, str] = {}
    for i, s in _records(root, "sources"):
        path = ("sources", i)
        stances[s.get("id")] = s.get("stance")
        published = s.get("published")
        date_field(path + ("published",), published)
        match = _SOURCE_ID.match(s.get("id") or "") if isinstance(s.get("id"), str) else None
        if isinstance(s.get("id"), str) and isinstance(published, str):
            if not match:
                add((path + ("id",), "a source id starts with the publisher's short name and the year, "
                                     "like kazinform-2025-chronology"))
            elif match.group(1) != published[:4]:
                add((path + ("id",), f"the year in the id ({match.group(1)}) is not the year published ({published[:4]})"))
        digest = s.get("text_sha256")
        if isinstance(digest, str):
            if digest in digests:
                add((path + ("text_sha256",), f"the same text as source {digests[digest]!r}"))
            digests[digest] = s.get("id")

    parents: dict[str, Any] = {}
    for i, p in _records(root, "places"):
        path = ("places", i)
        within = p.get("within")
        ref(path + ("within",), within, "places")
        if isinstance(p.get("id"), str):
            parents[p["id"]] = within
        if within is None and p.get("kind") not in (None, "country"):
            add((path + ("within",), "only a country may stand outside every other place"))
    cycles = places_within_themselves(parents)
    for pid, start in ids["places"].items():
        if pid in cycles:
            add((start, f"the place {pid!r} lies within itself"))

    for i, a in _records(root, "actors"):
        path = ("actors", i)
        citations(path + ("citations",), a.get("citations"))
        roles = a.get("roles")
        if isinstance(roles, list):
            for j, role in enumerate(roles):
                if isinstance(role, dict):
                    start, end = role.get("from"), role.get("until")
                    date_field(path + ("roles", j, "from"), start)
                    if date_field(path + ("roles", j, "until"), end) and is_date(start):
                        if dates.span(end)[1] < dates.span(start)[0]:
                            add((path + ("roles", j, "until"), f"until {end} comes before from {start}"))

    for i, e in _records(root, "events"):
        path = ("events", i)
        start, end = e.get("date"), e.get("end_date")
        date_field(path + ("date",), start)
        if date_field(path + ("end_date",), end) and is_date(start):
            if dates.span(end)[1] < dates.span(start)[0]:
                add((path + ("end_date",), f"end_date {end} comes before date {start}"))
        for j, place in enumerate(_strings(e.get("places"))):
            ref(path + ("places", j), place, "places")
        for j, actor in enumerate(_strings(e.get("actors"))):
            ref(path + ("actors", j), actor, "actors")
        citations(path + ("citations",), e.get("citations"))

    for i, f in _records(root, "figures"):
        path = ("figures", i)
        date_field(path + ("as_of",), f.get("as_of"))
        for j, place in enumerate(_strings(f.get("places"))):
            ref(path + ("places", j), place, "places")
        ref(path + ("claimed_by",), f.get("claimed_by"), "actors")
        citations(path + ("citations",), f.get("citations"))
        value, top, qualifier = f.get("value"), f.get("value_max"), f.get("qualifier")
        if qualifier == "range" and top is None:
            add((path + ("value_max",), "a range needs value_max"))
        if qualifier != "range" and top is not None:
            add((path + ("value_max",), "value_max goes only with qualifier: range"))
        if _number(value) and _number(top) and top < value:
            add((path + ("value_max",), f"value_max {top} is below value {value}"))

    for i, d in _records(root, "disputes"):
        positions = d.get("positions")
        if isinstance(positions, list):
            for j, position in enumerate(positions):
                if isinstance(position, dict):
                    citations(("disputes", i, "positions", j, "citations"), position.get("citations"))

    return issues


def places_within_themselves(parents: dict[str, Any]) -> set[str]:
    """The places on a cycle of ``within`` (``parents``: place id -> the id it lies within).

    Each place is walked once: a walk stops at a place an earlier walk
    finished, so the check is linear in the number of places however long
    the chains are. Meeting a place of the current walk again closes a
    cycle; the places from there on lie within themselves (the walk's tail
    leading into the cycle does not).
    """
    finished: set[str] = set()
    cycles: set[str] = set()
    for pid in parents:
        if pid in finished:
            continue
        walk: dict[str, int] = {}  # place -> its position on this walk
        node: Any = pid
        while isinstance(node, str) and node in parents and node not in finished and node not in walk:
            walk[node] = len(walk)
            node = parents[node]
        if isinstance(node, str) and node in walk:
            cycles.update(list(walk)[walk[node]:])
        finished.update(walk)
    return cycles


def is_date(value: Any) -> bool:
    return isinstance(value, str) and dates.is_real(value)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
