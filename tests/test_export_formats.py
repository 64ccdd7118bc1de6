"""Each export checked by the tool that reads it, and against the JSON of the same question.

sqlite is opened with sqlite-utils and datasette (in-process), geojson with
the geojson package, csl-json against the CSL-JSON schema (vendored in
tests/schemas/), bibtex with bibtexparser, timelinejs against TimelineJS3's
documented JSON format. Round trips: the events of geojson and timelinejs
are those ``qantar timeline --json`` gives for the same filters; the items
of csl-json and bibtex those of ``qantar sources --json``. (The html page
is tested with its own module.)
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3

import pytest
from conftest import MINI, TESTS, invoke

from qantar_cli import load
from qantar_cli.dates import precision
from qantar_cli.out.exports import EXPORTS
from qantar_cli.spec import citations_of, source_ids

JANUARY = ("--from", "2022-01-01", "--to", "2022-01-31")


@pytest.fixture(scope="module")
def kb():
    return load(use_cache=False)


def export(*args: str, data=None):
    return invoke("export", *args, data=data)


def national(kb, event):
    return all(kb.places[p]["within"] is None for p in event["places"])


def located(place):
    return place["within"] is not None and place["lat"] is not None


# -- the registry ----------------------------------------------------------------------


def test_the_registry_names_every_format_of_the_spec():
    assert list(EXPORTS) == ["sqlite", "geojson", "timelinejs", "csl-json", "bibtex", "html"]
    assert [n for n, e in EXPORTS.items() if e.filtered] == ["geojson", "timelinejs", "html"]
    assert [n for n, e in EXPORTS.items() if e.binary] == ["sqlite"]
    assert EXPORTS["html"].writer == "html:render_html"  # qantar_cli.out.exports.html, imported when used
    assert all(e.purpose for e in EXPORTS.values())


def test_the_format_is_case_insensitive(tmp_path):
    out = tmp_path / "s.json"
    export("CSL-JSON", "-o", str(out), data=MINI)
    assert json.loads(out.read_text(encoding="utf-8"))[0]["type"] == "article-newspaper"


def test_text_formats_go_to_stdout_and_nothing_else_does(tmp_path):
    run = export("csl-json", "-o", "-", data=MINI)
    assert [i["id"] for i in json.loads(run.stdout)] == invoke("sources", "--json").ids()
    assert run.stderr == ""
    run = export("sqlite", "-o", str(tmp_path / "q.db"), data=MINI)
    assert run.stdout == "" and run.stderr == ""


# -- sqlite ----------------------------------------------------------------------------


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "qantar.db"
    meta = tmp_path / "metadata.json"
    run = export("sqlite", "-o", str(path), "--metadata", str(meta))
    assert run.stdout == "" and run.stderr == ""
    return path, meta


def test_sqlite_has_a_table_per_collection_with_every_record(kb, database):
    import sqlite_utils

    db = sqlite_utils.Database(database[0])
    for key, records in kb.data.items():
        table = db[key]
        assert table.pks == ["id"]
        assert table.count == len(records)
        assert sorted(r["id"] for r in table.rows) == sorted(r["id"] for r in records)
    assert db["citations"].count == sum(len(citations_of(r)) for records in kb.data.values() for r in records)
    assert db["positions"].count == sum(len(d["positions"]) for d in kb["disputes"])
    assert db["event_places"].count == sum(len(set(e["places"])) for e in kb["events"])
    assert db["event_actors"].count == sum(len(set(e["actors"])) for e in kb["events"])
    assert db["figure_places"].count == sum(len(set(f["places"])) for f in kb["figures"])


def test_sqlite_lists_are_json_and_values_are_exact(kb, database):
    import sqlite_utils

    db = sqlite_utils.Database(database[0])
    event = kb["events"][0]
    row = db["events"].get(event["id"])
    for name in ("places", "regions", "actors", "tags"):
        assert json.loads(row[name]) == event[name]
    assert (row["title"], row["date"], row["end_date"]) == (event["title"], event["date"], event["end_date"])
    almaty = db["places"].get("almaty")
    assert (almaty["lat"], almaty["lon"]) == (kb.places["almaty"]["lat"], kb.places["almaty"]["lon"])
    dispute = kb["disputes"][0]
    assert json.loads(db["disputes"].get(dispute["id"])["positions"]) == dispute["positions"]
    quotes = [r["quote"] for r in db["citations"].rows_where("record_id = ? and position = 1", [dispute["id"]])]
    assert quotes == [c["quote"] for c in dispute["positions"][0]["citations"]]


def test_sqlite_keys_hold(database):
    import sqlite_utils

    db = sqlite_utils.Database(database[0])
    links = {(fk.table, fk.column, fk.other_table) for t in db.tables for fk in t.foreign_keys}
    assert {("event_places", "event_id", "events"), ("event_places", "place_id", "places"),
            ("event_actors", "actor_id", "actors"), ("figure_places", "figure_id", "figures"),
            ("citations", "source", "sources"), ("citations", "speaker", "actors"),
            ("places", "within", "places"), ("figures", "claimed_by", "actors"),
            ("positions", "dispute_id", "disputes")} <= links
    conn = sqlite3.connect(database[0])
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.execute("PRAGMA foreign_keys = ON")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO event_places VALUES ('2022-01-05-no-such-event', 'almaty')")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO citations (record_kind, record_id, source) VALUES ('event', 'x', 'no-such-source')")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO events (id) VALUES (?)", [conn.execute("SELECT id FROM events").fetchone()[0]])


def test_sqlite_full_text_finds_the_right_records_and_only_them(kb, database):
    import sqlite_utils

    db = sqlite_utils.Database(database[0])
    assert db["events"].detect_fts() == "events_fts"
    found = {r["id"] for r in db["events"].search("zhanaozen", columns=["id"])}
    expected = {e["id"] for e in kb["events"]
                if "zhanaozen" in " ".join([e["title"], e["summary"] or "", *e["tags"]]).lower()}
    assert found == expected and len(found) >= 3
    quotes = {r["citation_id"] for r in db["citations"].search("curfew", columns=["citation_id"])}
    assert quotes and all("curfew" in db["citations"].get(q)["quote"].lower() for q in quotes)
    folded = {r["id"] for r in db["places"].search("Zhanaozen", columns=["id"])}
    assert "zhanaozen" in folded and "almaty" not in folded


def test_sqlite_carries_its_version_and_credits(kb, database):
    import sqlite_utils

    from qantar_cli.cli import version_line

    db = sqlite_utils.Database(database[0])
    meta = {r["key"]: r["value"] for r in db["metadata"].rows}
    assert f"knowledge base {meta['knowledge_base_released']} ({meta['knowledge_base_sha256']})" in version_line(None)
    for source in kb["sources"]:
        assert source["title"] in meta["attributions"]
    assert "GeoNames" in meta["attributions"] and "CC BY 4.0" in meta["attributions"]


def test_datasette_opens_it_as_is(kb, database):
    from datasette.app import Datasette

    path, meta = database
    metadata = json.loads(meta.read_text(encoding="utf-8"))
    assert list(metadata["databases"]) == ["qantar"]
    assert metadata["license"] and "GeoNames" in metadata["description"]

    async def visit():
        ds = Datasette(files=[str(path)], metadata=metadata)
        await ds.invoke_startup()
        home = await ds.client.get("/qantar")
        search = await ds.client.get("/qantar/events.json?_search=zhanaozen&_shape=array&_size=max")
        labelled = await ds.client.get("/qantar/citations.json?_shape=array&_labels=on&_size=1")
        page = await ds.client.get("/qantar/events")
        return home, search, labelled, page

    home, search, labelled, page = asyncio.run(visit())
    assert home.status_code == 200 and metadata["title"] in home.text
    assert search.status_code == 200
    found = {r["id"] for r in search.json()}
    assert found and all("zhanaozen" in (r["title"] + (r["summary"] or "")).lower() for r in search.json())
    assert found == {e["id"] for e in kb["events"]
                     if "zhanaozen" in " ".join([e["title"], e["summary"] or "", *e["tags"]]).lower()}
    source = labelled.json()[0]["source"]
    assert source["label"] == kb.get(source["value"])[1]["title"]  # the foreign key, shown by its label
    assert page.status_code == 200 and 'name="_search"' in page.text


# -- geojson ---------------------------------------------------------------------------


def test_geojson_is_valid_rfc_7946_with_points_at_lon_lat(kb, tmp_path):
    import geojson

    out = tmp_path / "january.geojson"
    run = export("geojson", "-o", str(out), *JANUARY)
    text = out.read_text(encoding="utf-8")
    parsed = geojson.loads(text)
    assert parsed.is_valid, parsed.errors()
    document = json.loads(text)
    assert document["type"] == "FeatureCollection" and "crs" not in document
    assert "qantar" in document["name"]
    assert re.search(r"knowledge base \d{4}-\d{2}-\d{2} \([0-9a-f]{12}\)", document["description"])
    assert "GeoNames" in document["description"] and "CC BY 4.0" in document["description"]
    assert all(s["title"] in document["description"] for s in kb["sources"])
    assert document["features"]
    for feature in document["features"]:
        props = feature["properties"]
        place = kb.places[props["place"]]
        assert feature["geometry"] == {"type": "Point", "coordinates": [place["lon"], place["lat"]]}
        event = kb.get(props["id"])[1]
        assert props["place"] in event["places"] and props["place_kind"] == place["kind"]
        assert (props["date"], props["title"], props["sources"]) == (event["date"], event["title"], source_ids(event))
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", props["date_start"]) and props["date_start"] <= props["date_end"]
        assert props["precision"] in ("day", "month", "year")
    assert run.stdout == ""


def test_geojson_dates_are_full_days_to_the_record_precision(tmp_path):
    out = tmp_path / "all.geojson"
    export("geojson", "-o", str(out), "--from", "2022-01-05", "--to", "2022-01-05")
    by_id = {f["properties"]["id"]: f["properties"] for f in json.loads(out.read_text())["features"]}
    emergency = [p for p in by_id.values() if p["date"] == "2022-01-05" and p.get("end_date")]
    for props in by_id.values():
        if props["date"] == "2022-01-05" and not props["end_date"]:
            assert (props["date_start"], props["date_end"], props["precision"]) == ("2022-01-05", "2022-01-05", "day")
    for props in emergency:
        assert props["date_end"] == props["end_date"] if len(props["end_date"]) == 10 else props["date_end"] > "2022-01-05"


def test_geojson_round_trip_and_the_national_events_counted(kb, tmp_path):
    out = tmp_path / "almaty.geojson"
    filters = ("--date", "2022-01-05")
    run = export("geojson", "-o", str(out), *filters)
    timeline = invoke("timeline", *filters, "--json", data=None).json()
    mapped = [f["properties"]["id"] for f in json.loads(out.read_text())["features"]]
    left = [e for e in timeline if e["id"] not in set(mapped)]
    assert set(mapped) == {e["id"] for e in timeline if any(located(kb.places[p]) for p in e["places"])}
    assert len(mapped) == sum(len([p for p in dict.fromkeys(e["places"]) if located(kb.places[p])]) for e in timeline)
    gone = [e for e in left if national(kb, e)]
    assert gone, "the day should have national-level events"
    line = next(line for line in run.stderr.splitlines() if "national-level" in line)
    assert f"{len(gone)} national-level event" in line


def test_geojson_takes_the_timeline_filters(kb, tmp_path):
    out = tmp_path / "mangystau.geojson"
    export("geojson", "-o", str(out), "--region", "mangystau")
    ids = {f["properties"]["id"] for f in json.loads(out.read_text())["features"]}
    timeline = set(invoke("timeline", "--region", "mangystau", "--json", data=None).ids())
    assert ids and ids <= timeline
    assert all(any(kb.within(p, "mangystau-region") for p in kb.get(e)[1]["places"]) for e in ids)
    assert not {e["id"] for e in kb["events"] if any(kb.within(p, "almaty") for p in e["places"])
                and not any(kb.within(p, "mangystau-region") for p in e["places"])} & ids


@pytest.mark.parametrize("fmt", ["timelinejs", "geojson"])
def test_a_tag_chooses_the_events_of_an_export(fmt, tmp_path):
    out = tmp_path / f"airport.{fmt}"
    export(fmt, "-o", str(out), "--tag", "AIRPORT")
    data = json.loads(out.read_text())
    ids = ({e["unique_id"] for e in data["events"]} if fmt == "timelinejs"
           else {f["properties"]["id"] for f in data["features"]})
    airport = set(invoke("timeline", "--tag", "airport", "--json", data=None).ids())
    assert ids and ids <= airport  # geojson leaves out events with no point
    assert "2022-01-05-almaty-akimat-kazinform" not in ids


# -- timelinejs ------------------------------------------------------------------------

SLIDE = {"start_date", "end_date", "text", "media", "group", "display_date", "background", "autolink", "unique_id"}
DATE = {"year", "month", "day", "hour", "minute", "second", "millisecond", "display_date", "format"}


def check_timelinejs(document):
    """TimelineJS3's documented JSON format (timeline.knightlab.com/docs/json-format.html)."""
    assert set(document) <= {"events", "title", "eras", "scale"} and isinstance(document["events"], list)
    slides = document["events"] + ([document["title"]] if "title" in document else [])
    for slide in slides:
        assert set(slide) <= SLIDE
        assert set(slide.get("text", {})) <= {"headline", "text"}
        for key in ("start_date", "end_date"):
            if key in slide:
                date = slide[key]
                assert set(date) <= DATE and isinstance(date["year"], int)
                assert 1 <= date.get("month", 1) <= 12 and 1 <= date.get("day", 1) <= 31
    for slide in document["events"]:
        assert "start_date" in slide
    ids = [s["unique_id"] for s in document["events"]]
    assert len(ids) == len(set(ids))


def test_timelinejs_round_trip_with_dates_to_the_record_precision(kb, tmp_path):
    out = tmp_path / "timeline.json"
    export("timelinejs", "-o", str(out), "--from", "2021", "--to", "2022", "--coarse")
    document = json.loads(out.read_text(encoding="utf-8"))
    check_timelinejs(document)
    timeline = invoke("timeline", "--from", "2021", "--to", "2022", "--coarse", "--json", data=None).json()
    assert [s["unique_id"] for s in document["events"]] == [e["id"] for e in timeline]
    seen = set()
    for slide, event in zip(document["events"], timeline, strict=True):
        parts = [int(p) for p in event["date"].split("-")]
        assert list(slide["start_date"].values()) == parts
        seen.add(precision(event["date"]))
        if event["end_date"]:
            assert list(slide["end_date"].values()) == [int(p) for p in event["end_date"].split("-")]
        else:
            assert "end_date" not in slide
        assert slide["text"]["headline"] == event["title"].replace("&", "&amp;").replace("<", "&lt;") \
            .replace(">", "&gt;").replace('"', "&quot;").replace("'", "&#x27;")
        assert slide["group"]
    assert seen == {1, 2, 3}, "the test needs events dated to the year, the month and the day"
    title = document["title"]["text"]
    assert "qantar" in title["headline"] and "knowledge base" in title["text"]
    assert all(s["publisher"].replace("&", "&amp;") in title["text"] for s in kb["sources"])


def test_timelinejs_groups_an_event_by_its_one_region_or_as_several(kb):
    """In: one region's name for an event in one region, "Several regions" for more, the country for none.
    Out: the first of several regions standing for them all (the six-place spread was "Atyrau Region")."""
    document = json.loads(export("timelinejs", "-o", "-", "--coarse").stdout)
    groups = {s["unique_id"]: s["group"] for s in document["events"]}
    names = {p["id"]: p["name"] for p in kb["places"]}
    seen = set()
    for event in kb["events"]:
        regions = [r for r in event["regions"] if r != "kazakhstan"]
        expected = ("Several regions" if len(set(regions)) > 1 else names[regions[0]] if regions
                    else names["kazakhstan"])
        assert groups[event["id"]] == expected, event["id"]
        seen.add(min(len(set(regions)), 2))
    assert seen == {0, 1, 2}, "the bundled events cover no region, one and several"
    assert groups["2022-01-03-protests-spread-to-other-regions"] == "Several regions"
    assert groups["2022-01-07-belarusian-contingent-zhetygen-kapshagay"] == "Almaty Region"


def hostile(tmp_path):
    text = MINI.read_text(encoding="utf-8")
    text = text.replace('title: "Events at Almaty airport [bold]as told[/bold]"',
                        'title: "<script>alert(1)</script> & <b>airport</b>"')
    text = text.replace('summary: "Kazinform says armed groups captured the airport."',
                        'summary: "<img src=x onerror=alert(2)> \\"quoted\\" \'single\'"')
    text = text.replace('title: "Chronology"', 'title: "Chronology & {braces} 100% $5 #1 a_b ~ ^ back\\\\slash"')
    text = text.replace('url: "https://example.org/chronology"', 'url: "https://example.org/a\\"><script>x{}"')
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_timelinejs_escapes_every_string_it_renders_as_html(tmp_path):
    data = hostile(tmp_path)
    document = json.loads(export("timelinejs", "-o", "-", data=data).stdout)
    check_timelinejs(document)
    slide = next(s for s in document["events"] if s["unique_id"] == "2022-01-05-almaty-airport")
    assert slide["text"]["headline"] == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;airport&lt;/b&gt;"
    assert "<img" not in slide["text"]["text"] and "&lt;img src=x onerror=alert(2)&gt;" in slide["text"]["text"]
    texts = [s["text"][k] for s in document["events"] for k in ("headline", "text")] + [s["group"] for s in
                                                                                      document["events"]]
    assert not any("<script" in t or "<img" in t or "<b>" in t for t in texts)
    cited = [s["text"]["text"] for s in document["events"] if "Kazinform" in s["text"]["text"]]
    assert cited and all('<a href="https://example.org/a&quot;&gt;&lt;script&gt;x{}">Kazinform</a>' in t for t in cited)


# -- csl-json and bibtex -------------------------------------------------------------------


def test_csl_json_validates_against_the_csl_schema_and_round_trips(kb):
    import jsonschema

    schema = json.loads((TESTS / "schemas" / "csl-data.json").read_text(encoding="utf-8"))
    items = json.loads(export("csl-json", "-o", "-").stdout)
    jsonschema.Draft7Validator(schema).validate(items)
    sources = invoke("sources", "--json", data=None).json()
    assert [i["id"] for i in items] == [s["id"] for s in sources]
    for item, source in zip(items, sources, strict=True):
        assert item["type"] == "article-newspaper"
        assert (item["title"], item["container-title"], item["language"]) == \
            (source["title"], source["publisher"], source["language"])
        assert item["issued"]["date-parts"] == [[int(p) for p in source["published"].split("-")]]
        assert item.get("URL") == source["url"]
        assert ("author" in item) == (source["author"] is not None)
        assert "knowledge base" in item["note"]


def test_csl_json_schema_check_can_fail():
    import jsonschema

    schema = json.loads((TESTS / "schemas" / "csl-data.json").read_text(encoding="utf-8"))
    items = json.loads(export("csl-json", "-o", "-").stdout)
    items[0]["type"] = "newspaper-article"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(schema).validate(items)


def parse_bibtex(text):
    import bibtexparser
    from bibtexparser.middlewares import LatexDecodingMiddleware

    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    return library


def test_bibtex_parses_and_round_trips():
    library = parse_bibtex(export("bibtex", "-o", "-").stdout)
    sources = invoke("sources", "--json", data=None).json()
    assert [e.key for e in library.entries] == [s["id"] for s in sources]
    assert "knowledge base" in library.comments[0].comment
    for entry, source in zip(library.entries, sources, strict=True):
        fields = {name: field.value for name, field in entry.fields_dict.items()}
        assert entry.entry_type == "online"
        assert fields["title"] == source["title"]
        assert fields["organization"] == source["publisher"]
        assert (fields["date"], fields["year"]) == (source["published"], source["published"][:4])
        assert fields.get("author") == source["author"]
        assert fields.get("url") == source["url"]
        assert fields["langid"] == "english"


def test_bibtex_escapes_what_latex_would_read(tmp_path):
    text = export("bibtex", "-o", "-", data=hostile(tmp_path)).stdout
    entry = next(e for e in parse_bibtex(text).entries if e.key == "kazinform-2025-chronology")
    # pylatexenc reads \\textasciicircum{} as U+02C6, the modifier letter circumflex
    assert entry.fields_dict["title"].value == "Chronology & {braces} 100% $5 #1 a_b ~ \u02c6 back\\slash"
    raw = text.split("@online{kazinform-2025-chronology,")[1].split("\n}\n")[0]
    assert r"\& \{braces\} 100\% \$5 \#1 a\_b \textasciitilde{} \textasciicircum{} back\textbackslash{}slash" in raw
    assert "url = {https://example.org/a%22><script>x%7B%7D}" in raw


def test_bibtex_never_prints_a_control_character(tmp_path):
    """An author, a title or a URL with terminal controls (an OSC 52 clipboard write, a screen clear, a
    bidirectional override) came out raw with export bibtex -o -; now as visible escapes."""
    text = MINI.read_text(encoding="utf-8").replace('title: "Chronology"',
                                                    'title: "Chrono\\x1b]52;c;eA==\\x07\\x1b[2Jlogy\\u202e"')
    text = text.replace('url: "https://example.org/chronology"', 'url: "https://example.org/a\\x1b[2J\\x9b"')
    data = tmp_path / "controls.yaml"
    data.write_text(text, encoding="utf-8")
    out = export("bibtex", "-o", "-", data=data).stdout
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]", out)
    assert r"Chrono\textbackslash{}x1b]52;c;eA==\textbackslash{}x07" in out
    assert "url = {https://example.org/a%1B[2J%C2%9B}" in out


def test_geojson_says_what_a_gazetteer_without_coordinates_costs():
    mini = load(MINI, use_cache=False)
    run = export("geojson", "-o", "-", data=MINI)
    assert json.loads(run.stdout)["features"] == []
    national_ids = [e for e in mini["events"] if national(mini, e)]
    [line] = run.stderr.splitlines()
    assert line.startswith("qantar: geojson: left out ")
    assert f"{len(national_ids)} national-level events" in line
    assert f"{len(mini['events']) - len(national_ids)} events placed only where the gazetteer has no coordinates" in line
    assert "zhanaozen" in line and "GeoNames" not in json.loads(run.stdout)["description"]
