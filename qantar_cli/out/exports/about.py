"""What every export carries: a title, the knowledge base's version, and the credits its data needs.

The credits are the five articles (from the sources collection, as the
knowledge file gives them) and, wherever coordinates are exported,
GeoNames, whose coordinates are licensed CC BY 4.0.
"""

from __future__ import annotations

from typing import Any

from ...errors import DataError
from ...kb.store import KnowledgeBase, knowledge_version
from ...version import __version__

TITLE = "qantar: the January 2022 events in Kazakhstan (Qandy Qantar)"
_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
LICENCE = "MIT, as qantar; the quotes are short passages of the articles, which belong to their publishers"
LICENCE_URL = "https://opensource.org/license/mit"
PROJECT = "qantar"
GEONAMES = "Coordinates and GeoNames ids: GeoNames (geonames.org), licensed CC BY 4.0."
GEONAMES_URL = "https://www.geonames.org/"


def articles(kb: KnowledgeBase) -> str:
    """``five news articles``: how many sources the knowledge base is built from."""
    n = len(kb["sources"])
    return f"{_NUMBERS[n] if n < len(_NUMBERS) else n} news article{'s' if n != 1 else ''}"


def summary(kb: KnowledgeBase) -> str:
    return (f"Cited facts about the January 2022 unrest in Kazakhstan from {articles(kb)}, official and "
            "independent; every record names its sources and quotes them.")


def version(kb: KnowledgeBase) -> dict[str, str | None]:
    """qantar's version and the knowledge file's: its ``released`` date and the start of its SHA-256."""
    try:
        released, digest = knowledge_version(kb.path)
    except DataError:  # a knowledge base built in memory has no file to hash
        released, digest = None, None
    return {"qantar": __version__, "released": released, "sha256": digest}


def version_text(kb: KnowledgeBase) -> str:
    """``qantar 0.2.0, knowledge base 2026-12-01 (1a2b3c4d5e6f)``, as ``qantar --version`` says it."""
    found = version(kb)
    if found["sha256"] is None:
        return f"qantar {__version__}, knowledge base of unknown version"
    return f"qantar {__version__}, knowledge base {found['released'] or 'undated'} ({found['sha256']})"


def has_coordinates(kb: KnowledgeBase) -> bool:
    return any(p.get("lat") is not None for p in kb["places"])


def credit(source: dict[str, Any]) -> str:
    """One article as a line of credit: author, publisher, title, date, address."""
    parts = [source["author"], source["publisher"], f"“{source['title']}”", source["published"],
             source["url"] or "address unknown"]
    return ", ".join(str(p) for p in parts if p)


def attributions(kb: KnowledgeBase, coordinates: bool | None = None) -> list[str]:
    """The credits an export of ``kb`` owes: each article, then GeoNames when coordinates are in it.

    ``coordinates`` says whether this export carries coordinates; by default,
    whether the knowledge base has any.
    """
    lines = [f"Source: {credit(s)}." for s in sorted(kb["sources"], key=lambda s: s["id"])]
    if has_coordinates(kb) if coordinates is None else coordinates:
        lines.append(GEONAMES)
    return lines


def description(kb: KnowledgeBase, coordinates: bool | None = None) -> str:
    """The summary, the version and the credits as one paragraph of plain text."""
    return " ".join([summary(kb), f"Made with {version_text(kb)}.", *attributions(kb, coordinates)])
