"""The HTML page (``render_html``): what it shows, that it asks for nothing, and that data stays text.

The page is parsed with the standard library's ``html.parser`` (a real
browser renders it in ``test_html_browser.py``).
"""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest
from conftest import MINI, TESTS

from qantar_cli import load, select
from qantar_cli.kb.store import KnowledgeBase, knowledge_version
from qantar_cli.out.exports.html import quote_link, render_html, text_fragment

HOSTILE = TESTS / "fixtures" / "hostile-html.yaml"


class Parsed(HTMLParser):
    """Every start tag with its attributes, the text, and the headings in order."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.headings: list[tuple[int, str]] = []
        self.style = ""
        self._open: list[str] = []
        self._heading: list[str] | None = None
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = []
        self._open.append(tag)

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append((int(tag[1]), "".join(self._heading).strip()))
            self._heading = None
        if self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data):
        self.text.append(data)
        if self._heading is not None:
            self._heading.append(data)
        if self._open and self._open[-1] == "style":
            self.style += data

    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def page_for(path: Path = MINI, **criteria) -> tuple[str, KnowledgeBase, list[dict]]:
    kb = load(path)
    events = select(kb, "events", **criteria)
    return render_html(kb, events), kb, events


def event_rows(page: str) -> list[str]:
    """The rows of the timeline's table body."""
    body = page.split('<table class="records events">', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>.*?</tr>", body, re.S)


# -- what it shows --------------------------------------------------------------------


def test_the_page_is_one_document_in_english_for_phones():
    page, _, _ = page_for()
    parsed = Parsed(page)
    assert page.startswith("<!DOCTYPE html>")
    assert parsed.named("html") == [{"lang": "en"}]
    assert {"name": "viewport", "content": "width=device-width, initial-scale=1"} in parsed.named("meta")
    assert {"charset": "utf-8"} in parsed.named("meta")
    assert "@media (max-width: 40rem)" in parsed.style


def test_headings_go_down_one_level_at_a_time():
    parsed = Parsed(page_for()[0])
    levels = [level for level, _ in parsed.headings]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in pairwise(levels))
    assert [text for level, text in parsed.headings if level == 2] == \
        ["Timeline", "Figures", "Disputes", "Who was involved", "Sources"]
    assert ("When did the protests begin?" in [text for level, text in parsed.headings if level == 3])


def test_tables_have_column_headers():
    parsed = Parsed(page_for()[0])
    headers = parsed.named("th")
    assert headers and all(th.get("scope") in ("col", "row") for th in headers)


@pytest.mark.parametrize(("criteria", "wanted", "unwanted"), [
    ({}, ["2022-01-01-zhanaozen-protest", "2023-01-05-assylov-speech", "2022-01-csto-deployment"], []),
    ({"region": "mangistau"}, ["2022-01-01-zhanaozen-protest", "2022-01-02-protests-begin"],
     ["2022-01-05-almaty-airport", "2022-01-02-pavlodar-protest", "2023-01-05-assylov-speech"]),
    ({"source": "iwpr"}, ["2022-01-02-protests-begin", "2022-01-csto-deployment"],
     ["2022-01-01-zhanaozen-protest", "2022-01-05-taldykorgan"]),
])
def test_the_timeline_shows_exactly_the_selected_events_in_order(criteria, wanted, unwanted):
    page, kb, events = page_for(**criteria)
    rows = event_rows(page)
    assert len(rows) == len(events)
    shown = [re.search(r'<p class="id">([^ <]+)', row).group(1) for row in rows]
    assert shown == [e["id"] for e in events]
    assert set(wanted) <= set(shown)
    assert not set(unwanted) & set(shown)
    total = len(kb["events"])
    assert (f"all {total} events" if len(events) == total else f"{len(events)} of the {total} events") in page


def test_the_chart_counts_day_dated_events_on_their_start_day():
    page, _, _ = page_for()
    chart = page.split('<figure class="chart"', 1)[1].split("</figure>", 1)[0]
    bars = dict(re.findall(r'<th scope="row">([0-9-]+)</th><td><div class="bar">.*?<span class="count">(\d+)</span>',
                           chart))
    # mini: two on 1-2 January, three starting on 5 January (the state of emergency only on its first day),
    # one a year later; 3 and 4 January are drawn empty, the year between as one gap
    assert bars == {"2022-01-01": "1", "2022-01-02": "2", "2022-01-03": "0", "2022-01-04": "0", "2022-01-05": "3",
                    "2023-01-05": "1"}
    assert "364 days without events" in chart
    assert "1 dated only to the month or year is not counted" in chart
    assert 'aria-labelledby="chart-caption"' in chart and '<figcaption id="chart-caption">' in chart
    # bar lengths are attributes on SVG rectangles, scaled to the busiest day
    assert re.findall(r'<rect width="([0-9.]+)"', chart) == ["33.33", "66.67", "100", "33.33"]


def test_a_timeline_without_day_dated_events_says_there_is_no_chart():
    kb = load(MINI)
    page = render_html(kb, select(kb, "events", date="2022-01", coarse=True, source="iwpr")[-1:])
    assert "<figure" not in page and "no chart of events per day" in page


def test_every_quote_is_shown_and_links_to_its_article_at_the_passage():
    page, kb, _ = page_for()
    parsed = Parsed(page)
    links = {a["href"] for a in parsed.named("a")}
    text = parsed.all_text()
    urls = {s["id"]: s["url"] for s in kb["sources"]}
    quoted = [c for key in ("events", "figures", "actors") for r in kb[key] for c in r["citations"]] + \
        [c for d in kb["disputes"] for p in d["positions"] for c in p["citations"]]
    assert len(quoted) >= 15
    for citation in quoted:
        assert " ".join(citation["quote"].split()) in text
        url = urls[citation["source"]]
        if url:
            assert url + text_fragment(citation["quote"]) in links
    # iwpr has no URL in mini: its quotes are shown without a link
    assert not any(link.startswith("None") or "iwpr" in link for link in links)


def test_figures_show_their_value_stated_words_and_origin():
    page, _, _ = page_for()
    row = page.split("weapons stolen from armories", 1)[1].split("</tr>", 1)[0]
    whole = page.split("weapons stolen from armories", 1)[0].rsplit("<tr>", 1)[1] + row
    assert "<strong>about 3,000</strong> weapons" in whole
    assert "In the source’s words: <q>approximately 3,000</q>" in whole
    assert 'class="voice voice-official">official<' in whole
    assert "2025-01" in whole


def test_disputes_put_each_position_under_its_voice():
    page, _, _ = page_for()
    dispute = page.split("When did the protests begin?", 1)[1].split("</article>", 1)[0]
    official, independent = dispute.split("<h4>Official accounts</h4>")[1].split("<h4>Independent accounts</h4>")
    assert "Kazinform: on 1 January, in Zhanaozen." in official and "IWPR" not in official
    assert "IWPR: on 2 January, in Mangystau." in independent and "Kazinform:" not in independent
    assert "Foreign accounts" not in dispute  # no foreign position in this dispute
    assert "Note: The sources differ by a day." in dispute


def test_version_and_attributions_are_on_the_page():
    page, kb, _ = page_for()
    _, digest = knowledge_version(str(MINI))
    assert digest in page
    text = Parsed(page).all_text()
    for source in kb["sources"]:
        assert source["title"] in text and source["publisher"] in text
    assert "GeoNames" in text and "CC BY 4.0" in text


def test_the_bundled_knowledge_base_renders_whole():
    page, kb, events = page_for(None)
    assert len(event_rows(page)) == len(events) == len(kb["events"])
    assert page.count('<article class="dispute">') == len(kb["disputes"])
    assert len(re.findall(r"<tr><td class=\"num\">", page)) == len(kb["figures"])


# -- text fragments ---------------------------------------------------------------------


@pytest.mark.parametrize(("passage", "fragment"), [
    ("a peaceful protest began", "#:~:text=a%20peaceful%20protest%20began"),
    # the directive's syntax characters are encoded inside a term
    ("Kazakh-born, 2 & 3", "#:~:text=Kazakh%2Dborn%2C%202%20%26%203"),
    ("“coup attempt”", "#:~:text=%E2%80%9Ccoup%20attempt%E2%80%9D"),
    # a long passage is found by its first and last five words
    ("one two three four five six seven eight nine ten eleven",
     "#:~:text=one%20two%20three%20four%20five,seven%20eight%20nine%20ten%20eleven"),
])
def test_text_fragments_are_percent_encoded(passage, fragment):
    assert text_fragment(passage) == fragment


@pytest.mark.parametrize(("passage", "terms"), [
    # a word with a quotation mark or an apostrophe is not matched on: the article may have a typographic one
    ('"This period entered history as the January events", he said', ["period entered history as the January"]),
    ("CSTO member states approved Kazakhstan's request for help with peacekeepers",
     ["request for help with peacekeepers"]),
    ('a b c d e f "g" h i j k l m n o p', ["a b c d e", "l m n o p"]),
    ("it's one two three four five six seven eight nine ’ ten", ["one two three four five six seven eight nine"]),
    ("it's 1 2 3 4 5 6 7 8 9 10 11 ’ x", ["1 2 3 4 5", "7 8 9 10 11"]),
    # too few plain words to be found by alone: the passage as it is
    ('"The people are not terrorists!"', ['"The people are not terrorists!"']),
    ("“coup attempt”", ["“coup attempt”"]),
])
def test_text_fragments_leave_out_words_with_quotation_marks(passage, terms):
    """In: runs of words without quotation marks or apostrophes, in the passage's order. Out: every word with
    one (straight in the data where the article may have a curly one), unless nothing else would do."""
    got = [unquote(t) for t in text_fragment(passage).removeprefix("#:~:text=").split(",")]
    assert got == terms
    joined = " ".join(passage.split())
    assert all(term in joined for term in got)


def test_text_fragment_terms_decode_to_the_passage_words():
    passage = "the capturing of the airport was a key step to ensure the passage of militants"
    terms = text_fragment(passage).removeprefix("#:~:text=").split(",")
    words = passage.split()
    assert [unquote(t) for t in terms] == [" ".join(words[:5]), " ".join(words[-5:])]


def test_quote_links_take_only_http_urls():
    assert quote_link("https://example.org/a?b=1&c=2#top", "x y") == "https://example.org/a?b=1&amp;c=2#:~:text=x%20y"
    for url in ("javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "data:text/html,x",
                "vbscript:x", "//example.org/x", "http:alert(1)", None, ""):
        assert quote_link(url, "x") is None, url


# -- no network, no injection ------------------------------------------------------------


def assert_inert(page: str, allowed_links: set[str]) -> Parsed:
    """No script, no handler, no style attribute, nothing loaded; links are <a> to http(s) or the page."""
    parsed = Parsed(page)
    names = [name for name, _ in parsed.tags]
    for forbidden in ("script", "iframe", "object", "embed", "img", "link", "base", "form", "frame", "audio",
                      "video", "source", "image"):
        assert forbidden not in names, forbidden
    assert [m for m in parsed.named("meta") if m.get("http-equiv", "").lower() == "refresh"] == []
    for name, attrs in parsed.tags:
        for attr, value in attrs.items():
            assert not attr.startswith("on"), (name, attr, value)
            assert attr not in ("src", "style", "srcset", "action", "formaction", "data", "xlink:href"), (name, attr)
            if attr == "href":
                assert name == "a", name
                link = (value or "").strip()
                assert link.startswith("#") or urlsplit(link).scheme in ("http", "https"), link
                assert link.startswith("#") or link.split("#")[0] in {a.split("#")[0] for a in allowed_links}, link
            elif attr != "content":  # the policy's text
                assert "javascript:" not in (value or "").lower().replace(" ", ""), (name, attr)
    return parsed


def test_the_content_security_policy_forbids_everything_but_the_page_style():
    page, _, _ = page_for()
    parsed = Parsed(page)
    [policy] = [m["content"] for m in parsed.named("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives.pop("default-src") == "'none'"
    digest = base64.b64encode(hashlib.sha256(parsed.style.encode("utf-8")).digest()).decode()
    assert directives.pop("style-src") == f"'sha256-{digest}'"  # the one <style>, by hash: no 'unsafe-inline'
    assert directives == {"base-uri": "'none'", "form-action": "'none'"}
    assert page.count("<style>") == 1


GEONAMES = {"https://www.geonames.org/", "https://creativecommons.org/licenses/by/4.0/"}


def test_the_page_loads_nothing_and_links_only_to_articles():
    page, kb, _ = page_for(None)
    articles = {s["url"] for s in kb["sources"] if s["url"]}
    parsed = assert_inert(page, articles | GEONAMES)
    hrefs = [a["href"] for a in parsed.named("a") if a["href"].startswith("http")]
    assert {h.split("#")[0] for h in hrefs} == articles | GEONAMES


def test_a_hostile_knowledge_file_stays_text():
    page, kb, events = page_for(HOSTILE, coarse=True)
    assert len(event_rows(page)) == len(events) == 2
    # the addresses as linked: what a URL may not carry raw is percent-encoded
    urls = {quote(s["url"], safe=":/?#[]@!$&'()*+,;=%~") for s in kb["sources"]}
    assert urls == {'https://example.org/a%22onmouseover=%22alert(\'url\')%22%3E%3Cscript%3Ealert(3)%3C/script%3E',
                    "https://example.org/b#%22%3E%3Ciframe%20src=javascript:alert(5)%3E"}
    parsed = assert_inert(page, urls | GEONAMES)
    text = parsed.all_text()
    # the hostile strings are shown as they are written, not dropped and not run
    for shown in ("<script>alert('title')</script>", "\"><img src=x onerror=alert('publisher')>",
                  "<svg onload=alert('place')>", "<script src=https://example.org/x.js></script>",
                  "<iframe src=\"javascript:alert(11)\"></iframe>", "]]><![CDATA[<script>alert(14)</script>",
                  "<h1 onclick=alert(18)>Who?</h1>", "<style>*{color:red}</style>",
                  "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(15)\">"):
        assert shown in text, shown
    # a bidirectional override is shown as an escape, never applied
    assert "\u202e" not in page and "\\u202eevil" in text
    # the one heading of level 1 is the page's own, whatever the data says
    assert [t for level, t in parsed.headings if level == 1] == [
        "The January 2022 events in Kazakhstan (Qandy Qantar), from five articles"]


def test_urls_the_schema_would_refuse_never_become_links():
    kb = load(MINI)
    data = {key: [dict(r) for r in kb[key]] for key in kb.data}
    for source in data["sources"]:
        source["url"] = "javascript:alert(document.domain)"
    forged = KnowledgeBase(data)
    page = render_html(forged, forged["events"])
    assert_inert(page, GEONAMES)
    assert "knowledge base of unknown version" in page  # not read from a file


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    """WCAG's contrast ratio of two ``#rrggbb`` colours."""
    a, b = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def test_text_contrast_meets_wcag_aa():
    style = Parsed(page_for()[0]).style
    var = dict(re.findall(r"--([a-z]+): (#[0-9a-f]{6})", style))
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    pairs = [(var["ink"], var["paper"]), (var["muted"], var["paper"]), (var["muted"], var["soft"]),
             (var["ink"], var["soft"]), (var["link"], var["paper"]), (var["link"], var["soft"])]
    badges = re.findall(r"\.voice-[a-z]+ \{ background: (#[0-9a-f]{6}); color: (#[0-9a-f]{6}); \}", style)
    assert len(badges) == 3
    for foreground, background in pairs + [(fg, bg) for bg, fg in badges]:
        assert contrast(foreground, background) >= 4.5, (foreground, background)
    assert contrast(var["bar"], var["paper"]) >= 3  # a graphical object (WCAG 1.4.11)


def test_a_foreign_position_gets_its_own_column_and_an_empty_side_says_so():
    kb = load(MINI)
    data = {key: [dict(r) for r in kb[key]] for key in kb.data}
    dispute = data["disputes"][0]
    dispute["positions"] = [p for p in dispute["positions"] if p["origin"] != "independent"] + [{
        "claim": "Russia: a foreign claim.", "origin": "foreign",
        "citations": [{"source": "trt-2023-coup-attempt", "quote": "peacekeepers from Russia", "speaker": "russia",
                       "origin": "foreign"}]}]
    page = render_html(KnowledgeBase(data), [])
    article = page.split("When did the protests begin?", 1)[1].split("</article>", 1)[0]
    sides = re.findall(r"<h4>([A-Za-z ]+)</h4>(.*?)</section>", article)
    assert [name for name, _ in sides] == ["Official accounts", "Independent accounts", "Foreign accounts"]
    assert "Kazinform: on 1 January" in sides[0][1]
    assert "No position recorded." in sides[1][1]
    assert "Russia: a foreign claim." in sides[2][1] and "Russia, in" in sides[2][1]


def test_an_empty_timeline_says_so():
    kb = load(MINI)
    page = render_html(kb, [])
    assert "No events match the filters given." in page
    assert '<table class="records events">' not in page and "<figure" not in page
    assert f"0 of the {len(kb['events'])} events" in page


def test_a_filtered_page_says_how_its_events_were_chosen(tmp_path):
    from conftest import invoke

    out = tmp_path / "one.html"
    invoke("export", "html", "--region", "Taldykorgan", "--date", "2022-01-05", "-o", str(out), data=None)
    page = out.read_text(encoding="utf-8")
    assert "1 of the 90 events (chosen with <code>--region Taldykorgan --date 2022-01-05</code>)" in page
    assert "1 event, in order" in page and "1 events" not in page
    whole = tmp_path / "all.html"
    invoke("export", "html", "-o", str(whole), data=None)
    assert "chosen with" not in whole.read_text(encoding="utf-8")
