"""``show``: one record in full, drawn by the same table code as every list.

First the record's fields (a two-column grid), then every citation with its
quote, a dispute's positions each with theirs, then each kind of related
record as that kind's own table.
"""

from __future__ import annotations

from typing import IO, Any

from .. import collections as kinds
from ..display import flat, role_text
from ..spec import Col, Record, lines
from .tables import draw, make_console, print_heading, print_table

_FIELD_COLUMNS = (
    Col("Field", lines(("field", "bold")), no_wrap=True),
    Col("Value", lambda r, view: r["value"], ratio=4),
)


def _speaker(citation: Record, view: Any) -> str:
    """Whose words or account a quote carries, and its origin (SPEC: voice follows who speaks)."""
    who = view.name_of(citation["speaker"]) if citation.get("speaker") else "its own narration"
    return f"{who} · {citation['origin']}"


_CITATION_COLUMNS = (
    Col("Source, speaker", lines(("source", "cyan"), (_speaker, kinds.voice_style("origin"))), ratio=2,
        keep=lambda r: [r["source"]]),
    Col("Quote", lines((lambda r, view: f"“{r['quote']}”", "italic")), ratio=4),
)
_REFERENCES = {"places", "regions", "actors", "within", "claimed_by"}


def _value(field: str, value: Any, view: Any) -> list[tuple[str, str]]:
    if value is None or value == []:
        return [("—", "dim")]
    if field == "roles":
        return [(role_text(r), "") for r in value]
    if field in _REFERENCES:
        ids = value if isinstance(value, list) else [value]
        return [(", ".join(f"{view.name_of(v)} ({v})" for v in ids), "")]
    if isinstance(value, list):
        return [(", ".join(str(v) for v in value), "")]
    return [(flat(value), "")]


def print_detail(key: str, record: Record, related: dict[str, list[Record]], stream: IO[str], view: Any) -> None:
    console = make_console(stream, no_color=getattr(view, "no_color", False), width=getattr(view, "width", None))
    collection = kinds.get(key)
    print_heading(console, f"{collection.kind.capitalize()} {record['id']}", first=True)
    rows = [{"field": f.name, "value": _value(f.name, record[f.name], view)}
            for f in collection.fields if f.shape is None or f.name == "roles"]
    draw(console, _FIELD_COLUMNS, rows, view, header=False, lines_between=False)
    # A quote beside a source id that does not fit its column would start a line above its source:
    # blocks instead (overflow=False), the source always above its quote.
    for n, position in enumerate(record.get("positions") or [], 1):
        print_heading(console, f"Position {n} ({position['origin']}): {position['claim']}")
        draw(console, _CITATION_COLUMNS, position["citations"], view, lines_between=False, overflow=False)
    if record.get("citations"):
        print_heading(console, f"Citations ({len(record['citations'])})")
        draw(console, _CITATION_COLUMNS, record["citations"], view, lines_between=False, overflow=False)
    for group, records in related.items():
        print_heading(console, f"Related {group} ({len(records)})")
        print_table(records, kinds.get(group), stream, view, console=console)
