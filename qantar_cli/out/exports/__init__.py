"""The exports: the knowledge base for other tools (SPEC v0.2, "Exports").

A registry, name -> ``Export``: what the format is for, whether it is text
or binary, whether the timeline's filters choose its events, and where its
writer lives (``module:function``, imported only when that format is
written). Every writer has one signature::

    render(kb, events) -> str | bytes

``kb`` is the whole knowledge base and ``events`` the events chosen by the
timeline's filters (all of them, in timeline order, for the formats that
take no filters). A text format returns ``str`` (written as UTF-8), a
binary one ``bytes``. An export may also name a ``notes`` function,
``notes(kb, events) -> list[str]``: lines for stderr about what the format
had to leave out, and a ``metadata`` function for a companion file.
Adding a format is an entry here and a module beside this one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...errors import QantarError

if TYPE_CHECKING:
    from ...kb.store import KnowledgeBase
    from ...spec import Record


class ExportFailed(QantarError):
    """An export that cannot be made here (exit 1), e.g. an SQLite without FTS5."""


class Export:
    """One format: what it is for, its kind of output, and where its writer lives.

    ``binary``: bytes, never written to stdout. ``filtered``: the
    timeline's filters choose its events. ``writer``, ``notes`` and
    ``metadata`` are ``"module:function"`` names relative to this package;
    ``metadata(kb, database) -> str`` writes a companion file for the tool
    that opens the export (datasette's metadata JSON). (A plain class: a
    NamedTuple would cost every command a millisecond to build.)
    """

    __slots__ = ("binary", "filtered", "metadata", "name", "notes", "purpose", "writer")

    def __init__(self, name: str, purpose: str, *, binary: bool, filtered: bool, writer: str,
                 notes: str | None = None, metadata: str | None = None):
        self.name = name
        self.purpose = purpose
        self.binary = binary
        self.filtered = filtered
        self.writer = writer
        self.notes = notes
        self.metadata = metadata

    def __repr__(self) -> str:
        return f"Export({self.name!r})"

    def render(self, kb: KnowledgeBase, events: list[Record]) -> str | bytes:
        result: str | bytes = _resolve(self.writer)(kb, events)
        return result

    def remarks(self, kb: KnowledgeBase, events: list[Record]) -> list[str]:
        if self.notes is None:
            return []
        found: list[str] = _resolve(self.notes)(kb, events)
        return found

    def companion(self, kb: KnowledgeBase, database: str) -> str:
        """The metadata file for the export named ``database`` (its file name without the extension)."""
        if self.metadata is None:
            raise ValueError(f"{self.name} has no metadata file")
        text: str = _resolve(self.metadata)(kb, database)
        return text


EXPORTS: dict[str, Export] = {e.name: e for e in (
    Export("sqlite", "datasette, sqlite-utils, any SQL client", binary=True, filtered=False,
           writer="sqlite:render_sqlite", metadata="sqlite:datasette_metadata"),
    Export("geojson", "QGIS, geojson.io, kepler.gl", binary=False, filtered=True,
           writer="geojson:render_geojson", notes="geojson:left_out"),
    Export("timelinejs", "TimelineJS3", binary=False, filtered=True, writer="timelinejs:render_timelinejs"),
    Export("csl-json", "Zotero, pandoc, citation.js", binary=False, filtered=False, writer="csl:render_csl"),
    Export("bibtex", "LaTeX (biblatex), pandoc", binary=False, filtered=False, writer="bibtex:render_bibtex"),
    Export("html", "a reader without a terminal: one self-contained page", binary=False, filtered=True,
           writer="html:render_html"),
)}

NAMES = tuple(EXPORTS)


def _resolve(target: str) -> Callable[..., Any]:
    from importlib import import_module

    module, function = target.split(":")
    name = f"{__name__}.{module}"
    try:
        found: Callable[..., Any] = getattr(import_module(name), function)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        raise ExportFailed(f"this installation of qantar lacks the module {name}: reinstall qantar") from None
    return found
