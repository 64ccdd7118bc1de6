"""The record kinds of the knowledge base and the field order of the JSON contract.

Records are plain dicts whose keys follow the contract order of SPEC.md, so
that they serialise to the documented JSON as they are.
"""

from __future__ import annotations

from typing import Any

COLLECTIONS = ("sources", "places", "actors", "events", "figures", "disputes")

#: Singular names, for messages ("no events match ...", "unknown actor").
SINGULAR = {
    "sources": "source",
    "places": "place",
    "actors": "actor",
    "events": "event",
    "figures": "figure",
    "disputes": "dispute",
}

FIELDS: dict[str, tuple[str, ...]] = {
    "sources": ("id", "title", "publisher", "publisher_kind", "stance", "author",
                "published", "url", "language", "text_sha256"),
    "places": ("id", "name", "aliases", "kind", "within", "lat", "lon", "note"),
    "actors": ("id", "name", "aliases", "kind", "roles", "summary", "citations"),
    "events": ("id", "date", "end_date", "time", "title", "summary", "places",
               "regions", "actors", "tags", "citations"),
    "figures": ("id", "label", "category", "value", "value_max", "qualifier", "unit",
                "as_of", "places", "regions", "claimed_by", "origin", "citations"),
    "disputes": ("id", "question", "positions", "note"),
}

#: Fields whose absent value is ``[]`` rather than ``null``.
LIST_FIELDS = frozenset({"aliases", "roles", "places", "regions", "actors", "tags",
                         "citations", "positions"})

CITATION_FIELDS = ("source", "quote", "origin")
ROLE_FIELDS = ("title", "from", "until")
POSITION_FIELDS = ("claim", "origin", "citations")

VOICES = ("official", "independent")

#: Output formats, the first the default.
FORMATS = ("table", "json", "ndjson", "csv")


def blank(field: str) -> Any:
    return [] if field in LIST_FIELDS else None


def citation(raw: dict, stances: dict[str, str]) -> dict:
    """A citation in contract form; ``origin`` defaults to its source's stance."""
    origin = raw.get("origin") or stances.get(raw.get("source"))
    return {"source": raw.get("source"), "quote": raw.get("quote"), "origin": origin}


def normalise(kind: str, raw: dict, stances: dict[str, str]) -> dict:
    """Return ``raw`` with every contract field, in contract order.

    Computed fields (``regions``) are left empty here and filled by the store.
    """
    out: dict[str, Any] = {}
    for field in FIELDS[kind]:
        value = raw.get(field)
        if value is None:
            value = blank(field)
        if field == "citations":
            value = [citation(c, stances) for c in value]
        elif field == "roles":
            value = [{k: r.get(k) for k in ROLE_FIELDS} for r in value]
        elif field == "positions":
            value = [
                {
                    "claim": p.get("claim"),
                    "origin": p.get("origin"),
                    "citations": [citation(c, stances) for c in p.get("citations") or []],
                }
                for p in value
            ]
        elif field in LIST_FIELDS:
            value = list(value)
        out[field] = value
    return out


def label_of(record: dict) -> str:
    """A record's human name: its name, title, label or question."""
    for field in ("name", "title", "label", "question"):
        if record.get(field):
            return record[field]
    return record["id"]


def citations_of(record: dict) -> list[dict]:
    """Every citation of a record, the positions' of a dispute included."""
    found = list(record.get("citations") or [])
    for position in record.get("positions") or []:
        found.extend(position.get("citations") or [])
    return found


def source_ids(record: dict) -> list[str]:
    """The ids of the sources a record cites, in first-cited order."""
    seen: dict[str, None] = {}
    for c in citations_of(record):
        seen.setdefault(c["source"], None)
    return list(seen)
