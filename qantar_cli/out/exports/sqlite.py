"""The knowledge base as one SQLite file, for datasette, sqlite-utils and any SQL client.

Made from the collections' descriptions, not a schema of its own: a table a
collection with its contract fields (``id`` the primary key, lists and
nested objects as JSON text, a reference a foreign key); a link table for
each list of references (``event_places``, ``event_actors``, ...);
``citations`` (record kind, record id, position, source, quote, speaker,
origin) for every record's citations, a dispute's positions' too (their
``position`` numbered from 1); ``positions`` for the disputes' positions;
an FTS5 index beside each table (``events_fts`` ...), the way
``sqlite-utils enable-fts`` makes them, so datasette offers a search box;
and ``metadata`` (key, value): the title, versions, licence and credits.

``datasette_metadata(kb, database)`` is the metadata JSON datasette reads
with ``-m`` (``export sqlite --metadata PATH``).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from ... import collections as kinds
from ...kb.store import KnowledgeBase
from ...spec import Collection, Field, Record
from . import ExportFailed, about

#: The text each table's full-text index covers (besides, for citations, the quotes).
SEARCHABLE = {
    "sources": ("title", "publisher", "author"),
    "places": ("name", "aliases", "note"),
    "actors": ("name", "aliases", "summary", "roles"),
    "events": ("title", "summary", "tags"),
    "figures": ("label", "stated", "unit"),
    "disputes": ("question", "positions", "note"),
    "citations": ("quote",),
}

#: What each table holds, for datasette's metadata.
DESCRIPTIONS = {
    "sources": "The five articles the knowledge base is built from, with their stance.",
    "places": "The gazetteer: regions of January 2022, cities and sites, with GeoNames coordinates.",
    "actors": "People, organisations, groups and states, with their voice and roles.",
    "events": "What happened, one row an event; dates carry their precision (YYYY, YYYY-MM, YYYY-MM-DD).",
    "figures": "The numbers: what is counted, the words the source used, who gives it and when.",
    "disputes": "Where the sources disagree; the positions are in the positions table.",
    "positions": "Each position a dispute records, with the voice it carries.",
    "citations": "Every quote that supports a record, its source, speaker and origin (the voice it carries).",
    "metadata": "The title, versions, licence and credits of this export.",
}

_LABELS = {"sources": "title", "places": "name", "actors": "name", "events": "title", "figures": "label",
           "disputes": "question"}

_TOKENIZE = "unicode61 remove_diacritics 2"


def render_sqlite(kb: KnowledgeBase, events: list[Record]) -> bytes:
    """The whole knowledge base as the bytes of an SQLite database (``events`` is not used: all are in it)."""
    db = sqlite3.connect(":memory:")
    try:
        _fill(db, kb)
        problems = db.execute("PRAGMA foreign_key_check").fetchall()
        if problems:  # the store checked every reference: this would be a bug here
            raise ExportFailed(f"the database would have {len(problems)} broken references, the first in "
                               f"{problems[0][0]}: please report this")
        return bytes(db.serialize())
    finally:
        db.close()


def _fill(db: sqlite3.Connection, kb: KnowledgeBase) -> None:
    for collection in kinds.ALL:
        _record_table(db, collection, kb[collection.key])
    for collection in kinds.ALL:
        for f in collection.fields:
            if f.many and f.ref and f.shape is None:
                _link_table(db, collection, f, kb[collection.key])
    _positions(db, kb["disputes"])
    _citations(db, kb)
    for table, columns in SEARCHABLE.items():
        _full_text(db, table, columns, "citation_id" if table == "citations" else "rowid")
    _metadata(db, kb)
    db.commit()


def _q(name: str) -> str:
    """An identifier, quoted for SQL."""
    return '"' + name.replace('"', '""') + '"'


def _stored(f: Field) -> bool:
    """Citations have a table of their own; every other field is a column."""
    return f.name != "citations"


def _column_type(f: Field, records: list[Record]) -> str:
    if f.many:
        return "TEXT"  # JSON text
    values = [r[f.name] for r in records if r[f.name] is not None]
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "INTEGER"
    if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return "REAL"
    return "TEXT"


def _cell(f: Field, value: Any) -> Any:
    if f.many:
        return json.dumps(value, ensure_ascii=False)
    return value


def _record_table(db: sqlite3.Connection, collection: Collection, records: list[Record]) -> None:
    fields = [f for f in collection.fields if _stored(f)]
    columns = []
    for f in fields:
        kind = _column_type(f, records)
        if f.name == "id":
            columns.append(f"{_q(f.name)} TEXT PRIMARY KEY NOT NULL")
        elif f.ref and not f.many:
            columns.append(f"{_q(f.name)} {kind} REFERENCES {_q(f.ref)}(id)")
        else:
            columns.append(f"{_q(f.name)} {kind}")
    db.execute(f"CREATE TABLE {_q(collection.key)} ({', '.join(columns)})")
    marks = ", ".join("?" for _ in fields)
    db.executemany(f"INSERT INTO {_q(collection.key)} VALUES ({marks})",
                   [[_cell(f, r[f.name]) for f in fields] for r in records])


def link_table_name(collection: Collection, f: Field) -> str:
    """``event_places``: the link table of a list of references."""
    return f"{collection.kind}_{f.name}"


def _link_table(db: sqlite3.Connection, collection: Collection, f: Field, records: list[Record]) -> None:
    assert f.ref is not None
    target = kinds.get(f.ref)
    mine, theirs = f"{collection.kind}_id", f"{target.kind}_id"
    if mine == theirs:
        theirs = f"{f.name}_id"
    table = link_table_name(collection, f)
    db.execute(f"CREATE TABLE {_q(table)} ({_q(mine)} TEXT NOT NULL REFERENCES {_q(collection.key)}(id), "
               f"{_q(theirs)} TEXT NOT NULL REFERENCES {_q(target.key)}(id), "
               f"PRIMARY KEY ({_q(mine)}, {_q(theirs)}))")
    rows = [(r["id"], other) for r in records for other in dict.fromkeys(r[f.name])]
    db.executemany(f"INSERT INTO {_q(table)} VALUES (?, ?)", rows)


def _positions(db: sqlite3.Connection, disputes: list[Record]) -> None:
    db.execute('CREATE TABLE "positions" ("dispute_id" TEXT NOT NULL REFERENCES "disputes"(id), '
               '"position" INTEGER NOT NULL, "claim" TEXT, "origin" TEXT, PRIMARY KEY ("dispute_id", "position"))')
    db.executemany('INSERT INTO "positions" VALUES (?, ?, ?, ?)',
                   [(d["id"], n, p["claim"], p["origin"]) for d in disputes
                    for n, p in enumerate(d["positions"], start=1)])


def _citations(db: sqlite3.Connection, kb: KnowledgeBase) -> None:
    db.execute('CREATE TABLE "citations" ("citation_id" INTEGER PRIMARY KEY, "record_kind" TEXT NOT NULL, '
               '"record_id" TEXT NOT NULL, "position" INTEGER, '
               '"source" TEXT NOT NULL REFERENCES "sources"(id), "quote" TEXT, '
               '"speaker" TEXT REFERENCES "actors"(id), "origin" TEXT)')
    rows: list[tuple[Any, ...]] = []
    for collection in kinds.ALL:
        for record in kb[collection.key]:
            for c in record.get("citations") or []:
                rows.append((collection.kind, record["id"], None, c["source"], c["quote"], c["speaker"], c["origin"]))
            for n, p in enumerate(record.get("positions") or [], start=1):
                for c in p["citations"]:
                    rows.append((collection.kind, record["id"], n, c["source"], c["quote"], c["speaker"],
                                 c["origin"]))
    db.executemany('INSERT INTO "citations" ("record_kind", "record_id", "position", "source", "quote", "speaker", '
                   '"origin") VALUES (?, ?, ?, ?, ?, ?, ?)', rows)


def _full_text(db: sqlite3.Connection, table: str, columns: tuple[str, ...], rowid: str) -> None:
    """An external-content FTS5 index on ``table``, as ``sqlite-utils enable-fts`` makes one."""
    fts = f"{table}_fts"
    names = ", ".join(_q(c) for c in columns)
    try:
        db.execute(f"CREATE VIRTUAL TABLE {_q(fts)} USING fts5({names}, content={_q(table)}, "
                   f"content_rowid={_q(rowid)}, tokenize='{_TOKENIZE}')")
    except sqlite3.OperationalError as exc:
        if "fts5" in str(exc).lower():
            raise ExportFailed("this Python's SQLite has no full-text search (FTS5), which the sqlite export "
                               "needs: use a Python built with a current SQLite") from None
        raise
    db.execute(f"INSERT INTO {_q(fts)} (rowid, {names}) SELECT {_q(rowid)}, {names} FROM {_q(table)}")


def _metadata(db: sqlite3.Connection, kb: KnowledgeBase) -> None:
    found = about.version(kb)
    rows = [("title", about.TITLE), ("description", about.summary(kb)), ("qantar_version", found["qantar"]),
            ("knowledge_base_released", found["released"]), ("knowledge_base_sha256", found["sha256"]),
            ("licence", about.LICENCE), ("attributions", "\n".join(about.attributions(kb)))]
    db.execute('CREATE TABLE "metadata" ("key" TEXT PRIMARY KEY NOT NULL, "value" TEXT)')
    db.executemany('INSERT INTO "metadata" VALUES (?, ?)', rows)


def datasette_metadata(kb: KnowledgeBase, database: str) -> str:
    """datasette's metadata JSON for the database named ``database`` (its file name without ``.db``)."""
    tables: dict[str, Any] = {}
    for key, text in DESCRIPTIONS.items():
        entry: dict[str, Any] = {"description": text}
        if key in _LABELS:
            entry["label_column"] = _LABELS[key]
        tables[key] = entry
    tables["events"]["sort"] = "date"
    sources = "; ".join(about.credit(s) for s in sorted(kb["sources"], key=lambda s: s["id"]))
    document = {
        "title": about.TITLE,
        "description": about.description(kb),
        "license": about.LICENCE,
        "license_url": about.LICENCE_URL,
        "source": f"{about.articles(kb).capitalize()}: {sources}",
        "databases": {database: {"title": about.TITLE, "tables": tables}},
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
