"""The one renderer: records of one collection -> table, json, ndjson or csv.

Writers are a registry with one signature, ``writer(records, collection,
stream, view)``; later formats plug in with ``register``. JSON, NDJSON and
CSV use the standard library only; the table writer is the only path that
imports Rich, and only when it runs.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import IO, Any

from ..spec import Collection, Record

Writer = Callable[[list[Record], Collection, IO[str], Any], None]
WRITERS: dict[str, Writer] = {}


def register(name: str) -> Callable[[Writer], Writer]:
    def add(writer: Writer) -> Writer:
        WRITERS[name] = writer
        return writer
    return add


def write(fmt: str, records: list[Record], collection: Collection, stream: IO[str] | None = None,
          view: Any = None) -> None:
    """Write ``records`` (all of ``collection``) to ``stream`` in format ``fmt``."""
    try:
        writer = WRITERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(WRITERS)}") from None
    writer(records, collection, stream if stream is not None else sys.stdout, view)


def _ascii_only(stream: IO[str]) -> bool:
    """True when ``stream`` cannot take arbitrary Unicode (PYTHONIOENCODING=ascii, LANG=C)."""
    encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("_", "-")
    return not encoding.startswith("utf")


# Characters JSON may carry raw but a terminal or an editor would act on: C1
# controls, DEL, line and paragraph separators, bidirectional overrides.
# (C0 controls are always escaped by the json module.)
_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _json_text(value: Any, **options: Any) -> str:
    import json  # here, so that --help and the tables never pay for it

    text = json.dumps(value, allow_nan=False, **options)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


@register("table")
def write_table(records: list[Record], collection: Collection, out: IO[str], view: Any) -> None:
    from .tables import print_table

    print_table(records, collection, out, view)


@register("json")
def write_json(records: list[Record], collection: Collection, out: IO[str], view: Any) -> None:
    # ensure_ascii only where the stream cannot encode the text: the JSON
    # stays exact either way, as \\u escapes are part of JSON.
    out.write(_json_text(records, ensure_ascii=_ascii_only(out), indent=2))
    out.write("\n")


def write_object(record: Record, out: IO[str]) -> None:
    """One record as a JSON object (``show`` with one reference)."""
    out.write(_json_text(record, ensure_ascii=_ascii_only(out), indent=2))
    out.write("\n")


@register("ndjson")
def write_ndjson(records: list[Record], collection: Collection, out: IO[str], view: Any) -> None:
    ascii_only = _ascii_only(out)
    for record in records:
        out.write(_json_text(record, ensure_ascii=ascii_only, separators=(",", ":")))
        out.write("\n")


@register("csv")
def write_csv(records: list[Record], collection: Collection, out: IO[str], view: Any) -> None:
    """A header of the contract's fields, then one row a record, flattened as the collection says."""
    if _ascii_only(out) and hasattr(out, "buffer"):
        # CSV has no escapes of its own: give it UTF-8 bytes rather than "?"
        import io

        out.flush()
        utf8 = io.TextIOWrapper(out.buffer, encoding="utf-8", newline="", write_through=True)
        try:
            _csv_rows(records, collection, utf8)
        finally:
            utf8.detach()
    else:
        _csv_rows(records, collection, out)


def _csv_rows(records: list[Record], collection: Collection, out: IO[str]) -> None:
    import csv

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(collection.names)
    for record in records:
        writer.writerow([f.csv(record.get(f.name)) for f in collection.fields])
