"""Events as GeoJSON (RFC 7946), for QGIS, geojson.io and kepler.gl.

One Point feature per event and place, at ``[lon, lat]``. A place that is
the country itself has no point: an event placed only there (or nowhere)
is national-level and left out, and ``left_out`` says how many on stderr,
as it does for places without coordinates. The collection's ``name`` and
``description`` (what GDAL and QGIS read) carry the title, the version and
the credits.
"""

from __future__ import annotations

from typing import Any

from ... import dates
from ...kb.store import KnowledgeBase
from ...spec import Record, source_ids
from ..writers import _json_text
from . import about

_PRECISION = {1: "year", 2: "month", 3: "day"}


def render_geojson(kb: KnowledgeBase, events: list[Record]) -> str:
    features = [_feature(event, kb.places[pid]) for event in events for pid in _mapped(kb, event)]
    collection = {
        "type": "FeatureCollection",
        "name": about.TITLE,
        "description": about.description(kb),
        "features": features,
    }
    return _json_text(collection, ensure_ascii=False, indent=2) + "\n"


def _mapped(kb: KnowledgeBase, event: Record) -> list[str]:
    """The event's places that have a point: every one but the country, and those with coordinates."""
    return [pid for pid in dict.fromkeys(event["places"]) if _located(kb.places[pid])]


def _located(place: Record) -> bool:
    return place["within"] is not None and place["lat"] is not None and place["lon"] is not None


def _national(kb: KnowledgeBase, event: Record) -> bool:
    return all(kb.places[pid]["within"] is None for pid in event["places"])


def _feature(event: Record, place: Record) -> dict[str, Any]:
    first = dates.span(event["date"])[0]
    last = dates.span(event["end_date"] or event["date"])[1]
    known = min(dates.precision(d) for d in (event["date"], event["end_date"]) if d)
    return {
        "type": "Feature",
        "id": f"{event['id']}@{place['id']}",
        "geometry": {"type": "Point", "coordinates": [place["lon"], place["lat"]]},
        "properties": {
            "id": event["id"],
            "date": event["date"],
            "end_date": event["end_date"],
            "date_start": _day(first),
            "date_end": _day(last),
            "precision": _PRECISION[known],
            "time": event["time"],
            "title": event["title"],
            "place": place["id"],
            "place_name": place["name"],
            "place_kind": place["kind"],
            "sources": source_ids(event),
        },
    }


def _day(day: dates.Day) -> str:
    return f"{day[0]:04d}-{day[1]:02d}-{day[2]:02d}"


def left_out(kb: KnowledgeBase, events: list[Record]) -> list[str]:
    """One line saying which events the map cannot show, if any, and which places have no point."""
    national = sum(1 for e in events if _national(kb, e))
    lost = sum(1 for e in events if not _national(kb, e) and not _mapped(kb, e))
    missing = sorted({pid for e in events for pid in e["places"]
                      if kb.places[pid]["within"] is not None and not _located(kb.places[pid])})
    parts = []
    if national:
        parts.append(f"{_count(national, 'national-level event')} (placed in no region or city)")
    if lost:
        parts.append(f"{_count(lost, 'event')} placed only where the gazetteer has no coordinates")
    line = f"left out {' and '.join(parts)}: a map has no point for them." if parts else ""
    if missing:
        shown = ", ".join(missing[:5]) + (", ..." if len(missing) > 5 else "")
        line += f"{' ' if line else ''}Places without coordinates: {shown}."
    return [f"geojson: {line}"] if line else []


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'s' if n != 1 else ''}"
