"""The sources as CSL-JSON, for Zotero, pandoc and citation.js.

One item a source, as the CSL-JSON schema (citation-style-language/schema,
``csl-data.json``) describes it: ``id`` (the source id), ``type``
``article-newspaper``, ``title``, ``container-title`` (the publisher),
``author`` (as written, a literal name: splitting a name into given and
family would be a guess), ``issued`` to the precision of the publication
date, ``URL`` when known, ``language``, and a ``note`` naming the
knowledge base's version.
"""

from __future__ import annotations

from typing import Any

from ...kb.store import KnowledgeBase
from ...spec import Record
from ..writers import _json_text
from . import about


def render_csl(kb: KnowledgeBase, events: list[Record]) -> str:
    made = f"Listed by {about.version_text(kb)}."
    return _json_text([item(s, made) for s in ordered_sources(kb)], ensure_ascii=False, indent=2) + "\n"


def ordered_sources(kb: KnowledgeBase) -> list[Record]:
    """The sources in the order ``qantar sources`` lists them."""
    from ...find.query import select

    return select(kb, "sources")


def item(source: Record, note: str) -> dict[str, Any]:
    found: dict[str, Any] = {"id": source["id"], "type": "article-newspaper", "title": source["title"],
                             "container-title": source["publisher"]}
    if source["author"]:
        found["author"] = [{"literal": source["author"]}]
    found["issued"] = {"date-parts": [[int(p) for p in source["published"].split("-")]]}
    if source["url"]:
        found["URL"] = source["url"]
    if source["language"]:
        found["language"] = source["language"]
    found["note"] = note
    return found
