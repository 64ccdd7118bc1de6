"""``export html``: one page a reader opens without a terminal, and without a network.

``render_html(kb, events)`` returns the page: the timeline (the events the
timeline's filters selected, in timeline order) with a chart of events per
day, the figures with their origin and the source's own words, the
disputes with each voice's positions side by side, the sources, and every
record's quotes, each linking to its article at the passage (a URL text
fragment, ``#:~:text=``; a browser without them opens the article at the
top). The knowledge base's version and the attributions close it.

The page asks for nothing: no script, no external style, font or image.
Its Content-Security-Policy (``default-src 'none'``) allows only its own
style sheet, by hash, so not even a string that slipped past escaping could
load or run anything. The bars of the chart are SVG rectangles whose
lengths are attributes, not styles, so the page needs no inline style.

Every string from the data goes through ``_text`` (controls made visible,
then ``html.escape`` with quotes), and a link's address through ``_href``,
which takes only ``http`` and ``https`` URLs.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape
from itertools import groupby
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from ... import collections as kinds
from ...display import figure_value, role_text, unit_of
from ...errors import DataError
from ...text import visible_lines
from ...version import __version__
from ..counts import Bar, count_events

Record = dict[str, Any]

TITLE = "The January 2022 events in Kazakhstan (Qandy Qantar), from five articles"
VOICE_NAMES = {"official": "Official accounts", "independent": "Independent accounts",
               "foreign": "Foreign accounts"}
#: A quote longer than this many words is found by its first and last ``_ENDS`` words.
_WHOLE_WORDS, _ENDS = 10, 5
#: The fewest words a term of a quote with quotation marks in it is made of.
_FEWEST = 4
#: Characters a URL carries as they are (RFC 3986's reserved ones, and "%" of its escapes).
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"

_STYLE = """
:root { color-scheme: light; --ink: #1b1b1b; --muted: #4a4a4a; --line: #d0d0d0; --link: #0b4fc0;
  --bar: #2b5fb8; --paper: #ffffff; --soft: #f4f5f7; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--paper); color: var(--ink); line-height: 1.5;
  font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
header, main, footer { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1.5rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 .5rem; }
h2 { font-size: 1.35rem; margin: 2.5rem 0 .75rem; padding-top: .5rem; border-top: 2px solid var(--ink); }
h3 { font-size: 1.1rem; margin: 1.75rem 0 .5rem; }
h4 { font-size: 1rem; margin: 0 0 .5rem; }
p { margin: .4rem 0; }
a { color: var(--link); }
a:focus-visible { outline: 3px solid var(--bar); outline-offset: 2px; }
.meta, .id, .small { color: var(--muted); font-size: .875rem; }
.id { font-family: ui-monospace, "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
nav ul { list-style: none; padding: 0; margin: .75rem 0 0; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .5rem .5rem; border-bottom: 1px solid var(--line); }
thead th { border-bottom: 2px solid var(--ink); font-size: .875rem; }
td.num { text-align: right; white-space: nowrap; }
.date { white-space: nowrap; font-variant-numeric: tabular-nums; }
.title { font-weight: 600; }
.quotes { list-style: none; margin: .4rem 0 0; padding: 0; }
.quotes li { margin: .35rem 0; padding-left: .75rem; border-left: 3px solid var(--line); font-size: .925rem; }
q { font-style: italic; quotes: "“" "”" "‘" "’"; }
q.quoted { quotes: none; }
.voice { display: inline-block; padding: 0 .4rem; border-radius: .25rem; font-size: .8rem; font-weight: 600;
  white-space: nowrap; }
.voice-official { background: #efe4f7; color: #4f1d73; }
.voice-independent { background: #e3f1e6; color: #1d4d2a; }
.voice-foreign { background: #fbefd5; color: #5c3d00; }
.chart { margin: 1rem 0 1.5rem; }
.chart figcaption { font-weight: 600; margin-bottom: .25rem; }
.chart table { max-width: 40rem; table-layout: fixed; }
.chart col.day { width: 7.5rem; }
.chart th, .chart td { padding: .1rem 0; border: 0; font-weight: 400; }
.chart th { white-space: nowrap; font-variant-numeric: tabular-nums; }
.chart .small { font-weight: 400; }
.chart .bar { display: flex; align-items: center; gap: .5rem; }
.chart svg { flex: 1 1 auto; height: .9rem; min-width: 0; }
.chart rect { fill: var(--bar); }
.chart .count { min-width: 1.5rem; font-variant-numeric: tabular-nums; }
.chart tr.gap td { color: var(--muted); font-size: .875rem; padding: 0 0 .3rem; }
.chart tr.gap td:first-child { text-align: center; }
.sides { display: grid; grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr)); gap: .75rem; }
.side { background: var(--soft); border-radius: .375rem; padding: .75rem; }
.side > p + p { margin-top: .75rem; }
.note { color: var(--muted); font-size: .925rem; }
footer { margin-top: 3rem; padding-bottom: 2rem; border-top: 1px solid var(--line); }
.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 40rem) {
  h1 { font-size: 1.35rem; }
  table.records thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.records, table.records tbody, table.records tr, table.records td { display: block; width: 100%; }
  table.records tr { border-bottom: 1px solid var(--line); padding: .5rem 0; }
  table.records td { border: 0; padding: .15rem 0; }
  table.records td.num { text-align: left; }
  table.records td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); font-size: .875rem; }
}
"""


def render_html(kb: Any, events: list[Record]) -> str:
    """The page for ``kb``, its timeline showing ``events`` (already filtered, in timeline order)."""
    page = _Page(kb)
    body = [
        page.header(len(events), getattr(events, "asked", "")),
        "<main>",
        page.timeline(events),
        page.figures(kb["figures"]),
        page.disputes(kb["disputes"]),
        page.actors(kb["actors"]),
        page.sources(kb["sources"]),
        "</main>",
        page.footer(),
    ]
    style = _STYLE.strip()
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode("ascii")
    policy = f"default-src 'none'; style-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    head = (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{_text(TITLE)}</title>\n<style>{style}</style>\n</head>\n<body>\n"
    )
    return head + "\n".join(body) + "\n</body>\n</html>\n"


# -- escaping and links --------------------------------------------------------------


def _text(value: Any) -> str:
    """A value from the data as HTML text or a quoted attribute's value: controls made visible, then escaped."""
    return escape(" ".join(visible_lines(value)), quote=True)


def _url(url: Any) -> str | None:
    """An article's address as given, or None unless it is an absolute http(s) URL."""
    if not isinstance(url, str):
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    # what a URL may not carry raw (quotes, brackets, spaces) percent-encoded; the rest as given
    return quote(urlunsplit(parts), safe=_URL_SAFE)


def _href(url: Any) -> str | None:
    """An article's address escaped for an attribute, or None unless it is an http(s) URL."""
    found = _url(url)
    return None if found is None else escape(found, quote=True)


def text_fragment(passage: str) -> str:
    """``#:~:text=...``: the fragment that scrolls to ``passage`` and highlights it.

    Each term is percent-encoded, ``-``, ``,`` and ``&`` included (the
    directive's own syntax). A long passage is given by its first and last
    words (``start,end``), so a difference in the middle (a line break)
    does not lose the match. A word with a quotation mark or an apostrophe
    is not matched on: a quote may write ``'`` or ``"`` where its article
    has a typographic one (the check against the articles folds them), and
    a browser does not. The terms are then the first and last runs of words
    without one, or a short passage's longest such run (of ``_FEWEST`` words
    at least, which common words rarely repeat elsewhere in the article;
    without one, the passage as it is).
    """
    words = passage.split()
    runs = [list(run) for plain, run in groupby(words, _QUOTE_MARKS.isdisjoint) if plain]
    if runs == [words]:
        terms = [words] if len(words) <= _WHOLE_WORDS else [words[:_ENDS], words[-_ENDS:]]
    else:
        first = next((r for r in runs if len(r) >= _ENDS), None)
        last = next((r for r in reversed(runs) if len(r) >= _ENDS), None)
        if first is not None and last is not None and (first is not last or len(first) >= 2 * _ENDS):
            terms = [first[:_ENDS], last[-_ENDS:]]
        else:
            longest = max(runs, key=len, default=[])
            terms = [longest] if len(longest) >= _FEWEST else [words]
    return "#:~:text=" + ",".join(quote(" ".join(t), safe="").replace("-", "%2D") for t in terms)


#: Quotation marks and apostrophes, straight and typographic: a word with one is not matched on.
_QUOTE_MARKS = frozenset("'\"‘’‚‛“”„‟«»")


def quote_link(url: Any, passage: str) -> str | None:
    """The address of ``passage`` in its article (escaped for an attribute), or None without a usable URL."""
    found = _url(url)
    if found is None:
        return None
    return escape(urlunsplit(urlsplit(found)._replace(fragment="")) + text_fragment(passage), quote=True)


def _quoted(passage: str) -> bool:
    """Whether a passage is itself wholly in quotation marks (the article quoting someone): then
    the page adds none of its own around it."""
    text = passage.strip()
    return len(text) > 1 and text[0] in "“\"‘'«" and text[-1] in "”\"’'»"


def _voice(voice: Any) -> str:
    if voice not in VOICE_NAMES:
        return ""
    return f'<span class="voice voice-{voice}">{_text(voice)}</span>'


# -- the page ------------------------------------------------------------------------


class _Page:
    def __init__(self, kb: Any):
        self.kb = kb
        self.source_of = {s["id"]: s for s in kb["sources"]}

    def name(self, record_id: str | None) -> str:
        found = self.kb.get(record_id) if record_id else None
        return _text(kinds.label_of(found[1]) if found else record_id or "")

    def names(self, ids: list[str]) -> str:
        return ", ".join(self.name(i) for i in ids)

    def version(self) -> str:
        from ...kb.store import knowledge_version

        try:
            released, digest = knowledge_version(self.kb.path)
        except (DataError, OSError):
            return "knowledge base of unknown version"
        return f"knowledge base {_text(released or 'undated')} ({_text(digest)})"

    def header(self, shown: int, asked: str = "") -> str:
        total = len(self.kb["events"])
        scope = f"{shown} of the {total} events" if shown != total else \
            {1: "the one event", 2: "both events"}.get(total, f"all {total} events")
        if asked:
            scope += f" (chosen with <code>{_text(asked)}</code>)"
        return (
            "<header>\n"
            f"<h1>{_text(TITLE)}</h1>\n"
            "<p>What five news articles say about the unrest of January 2022 in Kazakhstan (Qandy Qantar, "
            "“Bloody January”): every statement names its source and quotes it. Official and independent "
            "accounts are kept apart, and where they disagree both are shown, each with its citation.</p>\n"
            f'<p class="meta">The timeline shows {scope}; the figures, disputes and sources are the whole '
            f"knowledge base. Made by qantar {_text(__version__)} from the {self.version()}.</p>\n"
            '<nav aria-label="Contents"><ul><li><a href="#timeline">Timeline</a></li>'
            '<li><a href="#figures">Figures</a></li><li><a href="#disputes">Disputes</a></li>'
            '<li><a href="#actors">Who</a></li><li><a href="#sources">Sources</a></li></ul></nav>\n'
            "</header>"
        )

    # -- quotes

    def citations(self, citations: list[Record]) -> str:
        if not citations:
            return ""
        items = []
        for c in citations:
            source = self.source_of.get(c["source"], {})
            publisher = _text(source.get("publisher") or c["source"])
            link = quote_link(source.get("url"), c["quote"])
            where = f'<a href="{link}">{publisher}</a>' if link else publisher
            speaker = f"{self.name(c['speaker'])}, in " if c.get("speaker") else ""
            marks = ' class="quoted"' if _quoted(c["quote"]) else ""
            items.append(f"<li><q{marks}>{_text(c['quote'])}</q> <span class=\"small\">— {speaker}{where} "
                         f"{_voice(c.get('origin'))}</span></li>")
        return '<ul class="quotes">' + "".join(items) + "</ul>"

    # -- timeline

    def timeline(self, events: list[Record]) -> str:
        out = ['<section id="timeline" aria-labelledby="timeline-h">', '<h2 id="timeline-h">Timeline</h2>']
        if not events:
            out.append("<p>No events match the filters given.</p></section>")
            return "\n".join(out)
        out.append(self.chart(events))
        out.append('<table class="records events">')
        count = f"{len(events)} event" + ("" if len(events) == 1 else "s")
        out.append(f"<caption class=\"vh\">{count}, in order</caption>")
        out.append(_head(("Date", "What happened", "Where")))
        for e in events:
            when = _text(e["date"]) + (f"<br>– {_text(e['end_date'])}" if e["end_date"] else "") \
                + (f"<br>{_text(e['time'])}" if e["time"] else "")
            who = f'<p class="small">Who: {self.names(e["actors"])}</p>' if e["actors"] else ""
            tags = f" · {_text(', '.join(e['tags']))}" if e["tags"] else ""
            out.append(
                f'<tr><td class="date">{when}</td>'
                f'<td><p class="title">{_text(e["title"])}</p><p>{_text(e["summary"])}</p>{who}'
                f'<p class="id">{_text(e["id"])}{tags}</p>{self.citations(e["citations"])}</td>'
                f'<td data-label="Where">{self.names(e["places"])}</td></tr>'
            )
        out.append("</tbody></table></section>")
        return "\n".join(out)

    def chart(self, events: list[Record]) -> str:
        """Events per day as a table of bars: readable as data by a screen reader, as bars by an eye."""
        counts = count_events(events, "day")
        rows = counts.rows()
        if not rows:
            return f'<p class="small">No event here is dated to the day, so there is no chart of events per day ' \
                   f"({len(events)} dated only to the month or year).</p>"
        first, last = rows[0], rows[-1]
        assert isinstance(first, Bar) and isinstance(last, Bar)
        caption = (f'Events per day, <span class="date">{_text(first.label)}</span> to '
                   f'<span class="date">{_text(last.label)}</span> <span class="small">({counts.summary()})</span>')
        out = ['<figure class="chart" aria-labelledby="chart-caption">',
               f'<figcaption id="chart-caption">{caption}</figcaption>',
               '<table><colgroup><col class="day"><col></colgroup>',
               '<thead class="vh"><tr><th scope="col">Day</th><th scope="col">Events</th></tr></thead><tbody>']
        for row in rows:
            if isinstance(row, Bar):
                length = f"{100 * row.count / counts.most:.2f}".rstrip("0").rstrip(".")
                rect = f'<rect width="{length}" height="10"/>' if row.count else ""
                out.append(f'<tr><th scope="row">{_text(row.label)}</th><td><div class="bar">'
                           f'<svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" '
                           f'focusable="false">{rect}</svg>'
                           f'<span class="count">{row.count}</span></div></td></tr>')
            else:
                out.append(f'<tr class="gap"><td aria-hidden="true">⋮</td><td>{counts.units(row.length)} '
                           f'without events (<span class="date">{_text(row.first)}</span> to '
                           f'<span class="date">{_text(row.last)}</span>)</td></tr>')
        out.append("</tbody></table></figure>")
        return "\n".join(out)

    # -- figures

    def figures(self, figures: list[Record]) -> str:
        out = _table_section("figures", "Figures", "The numbers the articles give, in their own words, with who "
                             "gives them (their origin: official, independent or foreign) and when they were stated.",
                             ("Value", "What is counted", "Origin", "As of"))
        for f in figures:
            stated = f'<p class="small">In the source’s words: <q>{_text(f["stated"])}</q></p>' if f["stated"] else ""
            given = f' · given by {self.name(f["claimed_by"])}' if f["claimed_by"] else ""
            where = f' · {self.names(f["places"])}' if f["places"] else ""
            period = f'<br><span class="small">counts {_text(f["period"])}</span>' if f["period"] else ""
            out.append(
                f'<tr><td class="num"><strong>{_text(figure_value(f))}</strong> {_text(unit_of(f))}</td>'
                f'<td><p class="title">{_text(f["label"])}</p>{stated}'
                f'<p class="id">{_text(f["category"])} · {_text(f["id"])}{given}{where}</p>'
                f'{self.citations(f["citations"])}</td>'
                f'<td data-label="Origin">{_voice(f["origin"])}</td>'
                f'<td class="date" data-label="As of">{_text(f["as_of"])}{period}</td></tr>'
            )
        out.append("</tbody></table></section>")
        return "\n".join(out)

    # -- disputes

    def disputes(self, disputes: list[Record]) -> str:
        out = ['<section id="disputes" aria-labelledby="disputes-h">', '<h2 id="disputes-h">Disputes</h2>',
               "<p>Where the sources disagree: each question with every position, grouped by who holds it. "
               "qantar does not pick one.</p>"]
        for d in disputes:
            voices = [v for v in VOICE_NAMES if v != "foreign" or any(p["origin"] == v for p in d["positions"])]
            out.append(f'<article class="dispute"><h3>{_text(d["question"])}</h3>'
                       f'<p class="id">{_text(d["id"])}</p><div class="sides">')
            for voice in voices:
                positions = [p for p in d["positions"] if p["origin"] == voice]
                said = "".join(f"<p>{_text(p['claim'])}</p>{self.citations(p['citations'])}" for p in positions)
                said = said or '<p class="small">No position recorded.</p>'
                out.append(f'<section class="side"><h4>{VOICE_NAMES[voice]}</h4>{said}</section>')
            out.append("</div>")
            if d["note"]:
                out.append(f'<p class="note">Note: {_text(d["note"])}</p>')
            out.append("</article>")
        out.append("</section>")
        return "\n".join(out)

    # -- actors

    def actors(self, actors: list[Record]) -> str:
        out = _table_section("actors", "Who was involved", "People, organisations, groups and states the articles "
                             "name, with their roles. A voice says whose account their words carry when they are "
                             "quoted.", ("Name", "Who, in which roles", "Voice"))
        for a in actors:
            aliases = f'<p class="small">Also: {_text(", ".join(a["aliases"]))}</p>' if a["aliases"] else ""
            roles = "".join(f'<p class="small">{_text(role_text(r))}</p>' for r in a["roles"])
            out.append(f'<tr><td><p class="title">{_text(a["name"])}</p>{aliases}'
                       f'<p class="id">{_text(a["kind"])} · {_text(a["id"])}</p></td>'
                       f'<td><p>{_text(a["summary"])}</p>{roles}{self.citations(a["citations"])}</td>'
                       f'<td data-label="Voice">{_voice(a["voice"]) or "—"}</td></tr>')
        out.append("</tbody></table></section>")
        return "\n".join(out)

    # -- sources and attributions

    def sources(self, sources: list[Record]) -> str:
        out = _table_section("sources", "Sources", "The five articles this knowledge base is built from. The "
                             "quotes on this page are short passages from them, to cite them; the articles belong "
                             "to their publishers.", ("Article", "Published", "Stance"))
        for s in sources:
            link = _href(s["url"])
            title = f'<a href="{link}">{_text(s["title"])}</a>' if link else \
                f'{_text(s["title"])} <span class="small">(no web address known)</span>'
            author = f" · {_text(s['author'])}" if s["author"] else ""
            out.append(f'<tr><td><p class="title">{title}</p><p class="small">{_text(s["publisher"])}'
                       f'{author} · {_text(s["publisher_kind"])}</p><p class="id">{_text(s["id"])}</p></td>'
                       f'<td class="date" data-label="Published">{_text(s["published"])}</td>'
                       f'<td data-label="Stance">{_voice(s["stance"])}</td></tr>')
        out.append("</tbody></table></section>")
        return "\n".join(out)

    def footer(self) -> str:
        return (
            "<footer>\n"
            f"<p class=\"small\">Made by qantar {_text(__version__)} from the {self.version()}. "
            "A quote’s link opens its article at the passage where the browser supports text fragments.</p>\n"
            '<p class="small">The places’ coordinates in the knowledge base come from '
            '<a href="https://www.geonames.org/">GeoNames</a>, licensed '
            '<a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>. '
            "The quotes are from the five articles listed under Sources, which belong to their publishers.</p>\n"
            "</footer>"
        )



def _table_section(key: str, heading: str, intro: str, headers: tuple[str, ...]) -> list[str]:
    """The opening of a section holding one table of records: heading, a sentence, the column headers."""
    return [f'<section id="{key}" aria-labelledby="{key}-h">', f'<h2 id="{key}-h">{_text(heading)}</h2>',
            f"<p>{_text(intro)}</p>", f'<table class="records {key}">', _head(headers)]


def _head(headers: tuple[str, ...]) -> str:
    """A records table's column headers, and the opening of its body."""
    columns = "".join(f'<th scope="col">{_text(h)}</th>' for h in headers)
    return f"<thead><tr>{columns}</tr></thead>\n<tbody>"
