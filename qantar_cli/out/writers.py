"""The one renderer: records of one kind -> table, json, ndjson or csv.

JSON, NDJSON and CSV are written here with the standard library only; the
table form lives in ``tables`` and is the only path that imports Rich.
"""

from __future__ import annotations

import json
import sys
from typing import IO, Any

from .. import model

from ..model import FORMATS  # noqa: F401  (re-exported)


def _ascii_only(stream: IO[str]) -> bool:
    """True when ``stream`` cannot take arbitrary Unicode (PYTHONIOENCODING=ascii)."""
    encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("_", "-")
    return not encoding.startswith("utf")


def render(records: list[dict], kind: str, fmt: str, stream: IO[str] | None = None, **table_options: Any) -> None:
    """Write ``records`` (all of ``kind``) to ``stream`` in format ``fmt``."""
    out = stream if stream is not None else sys.stdout
    if fmt == "json":
        # ensure_ascii only where the stream cannot encode the text: the JSON
        # stays exact either way, as \\u escapes are part of JSON.
        out.write(json.dumps(records, ensure_ascii=_ascii_only(out), indent=2, allow_nan=False))
        out.write("\n")
    elif fmt == "ndjson":
        ascii_only = _ascii_only(out)
        for record in records:
            out.write(json.dumps(record, ensure_ascii=ascii_only, separators=(",", ":"), allow_nan=False))
            out.write("\n")
    elif fmt == "csv":
        if _ascii_only(out) and hasattr(out, "buffer"):
            # CSV has no escapes of its own: give it UTF-8 bytes rather than "?"
            import io

            out.flush()
            utf8 = io.TextIOWrapper(out.buffer, encoding="utf-8", newline="", write_through=True)
            try:
                write_csv(records, kind, utf8)
            finally:
                utf8.detach()
        else:
            write_csv(records, kind, out)
    elif fmt == "table":
        from .tables import print_table

        print_table(records, kind, out, **table_options)
    else:
        raise ValueError(f"unknown format {fmt!r}")


def write_csv(records: list[dict], kind: str, out: IO[str]) -> None:
    """A header of the contract's fields, then one row a record.

    Lists are joined with "; ", citations become their source ids, roles
    "title (from – until)", a dispute's positions "origin: claim".
    """
    import csv

    fields = model.FIELDS[kind]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    for record in records:
        writer.writerow([cell(field, record.get(field)) for field in fields])


def cell(field: str, value: Any) -> str:
    """One field as flat text (CSV, and the plain parts of tables)."""
    if value is None:
        return ""
    if field == "citations":
        return "; ".join(dict.fromkeys(c["source"] for c in value))
    if field == "roles":
        return "; ".join(role_text(r) for r in value)
    if field == "positions":
        return "; ".join(f"{p['origin']}: {p['claim']}" for p in value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def role_text(role: dict) -> str:
    start, end = role.get("from"), role.get("until")
    if start and end:
        return f"{role['title']} ({start} – {end})"
    if start:
        return f"{role['title']} (from {start})"
    if end:
        return f"{role['title']} (until {end})"
    return role["title"]


_QUALIFIER_WORDS = {
    "exact": "",
    "about": "about ",
    "at-least": "at least ",
    "more-than": "more than ",
    "up-to": "up to ",
    "range": "",
}


def number(value: float | int) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,}"
    return f"{int(value):,}"


def figure_value(record: dict) -> str:
    """``238``, ``about 3,000``, ``4–8``: a figure's value as a person reads it."""
    text = number(record["value"])
    if record["qualifier"] == "range" and record["value_max"] is not None:
        text = f"{text}–{number(record['value_max'])}"
    return _QUALIFIER_WORDS.get(record["qualifier"], "") + text
