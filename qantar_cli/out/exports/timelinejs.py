"""Events as TimelineJS3 JSON (its documented "JSON format").

``{"title": slide, "events": [slide, ...]}``. A slide's ``start_date`` and
``end_date`` (for a span) hold ``year``, then ``month`` and ``day`` only as
far as the record's date gives them; ``text`` has the title as headline and
the summary and sources as text; ``group`` is the event's region, "Several
regions" when it has more than one, or the country's name (one row a
group in the timeline's navigation); ``unique_id`` is the event's
id. TimelineJS renders headline and text as HTML, so every string from the
data is escaped here.
"""

from __future__ import annotations

from html import escape
from typing import Any

from ...kb.store import KnowledgeBase
from ...spec import Record, source_ids
from ..writers import _json_text
from . import about


def render_timelinejs(kb: KnowledgeBase, events: list[Record]) -> str:
    title = {"text": {"headline": escape(about.TITLE),
                      "text": "".join(f"<p>{escape(line)}</p>" for line in _credits(kb))}}
    document = {"title": title, "events": [_slide(kb, e) for e in events]}
    return _json_text(document, ensure_ascii=False, indent=2) + "\n"


def _credits(kb: KnowledgeBase) -> list[str]:
    return [about.summary(kb), f"Made with {about.version_text(kb)}.", *about.attributions(kb, coordinates=False)]


def date_object(text: str) -> dict[str, int]:
    """``2022-01`` -> ``{"year": 2022, "month": 1}``: as precise as the date, no more."""
    parts = [int(p) for p in text.split("-")]
    return dict(zip(("year", "month", "day"), parts, strict=False))


def _slide(kb: KnowledgeBase, event: Record) -> dict[str, Any]:
    slide: dict[str, Any] = {"start_date": date_object(event["date"])}
    if event["end_date"]:
        slide["end_date"] = date_object(event["end_date"])
    slide["text"] = {"headline": escape(event["title"]), "text": _text(kb, event)}
    slide["group"] = escape(_group(kb, event))
    slide["unique_id"] = event["id"]
    return slide


#: The group of an event in more than one region: no one region's row is its own.
SEVERAL = "Several regions"


def _group(kb: KnowledgeBase, event: Record) -> str:
    """The event's row: its one region, ``SEVERAL``, or (national, or in no region) the country."""
    country = kb.country()
    regions = [r for r in dict.fromkeys(event["regions"]) if r != country]
    if len(regions) > 1:
        return SEVERAL
    place = kb.places.get(regions[0] if regions else country or "")
    return place["name"] if place else "Kazakhstan"


def _text(kb: KnowledgeBase, event: Record) -> str:
    parts = []
    if event["time"]:
        parts.append(f"<p>{escape(event['time'])}</p>")
    if event["summary"]:
        parts.append(f"<p>{escape(event['summary'])}</p>")
    links = []
    for sid in source_ids(event):
        found = kb.get(sid)
        publisher, address = (found[1]["publisher"], found[1]["url"]) if found else (sid, None)
        name = escape(str(publisher))
        links.append(f'<a href="{escape(str(address))}">{name}</a>' if address else name)
    if links:
        parts.append(f"<p>Sources: {', '.join(links)}</p>")
    return "".join(parts)
