"""A record kind is described once: a toy collection defined here runs through the ordinary code.

If adding a kind, a field or a filter needed a branch anywhere else, these
tests could not be written without touching the package.
"""

import csv
import io

import pytest
from test_fuzz import FakeView

from qantar_cli import collections as kinds
from qantar_cli.errors import QueryError
from qantar_cli.find.query import select
from qantar_cli.kb import rules
from qantar_cli.kb.store import KnowledgeBase, build
from qantar_cli.out.writers import write
from qantar_cli.spec import Choice, Col, Collection, Dates, Field, Places, lines

QUAKES = Collection(
    "quakes", "quake",
    fields=(Field("id"), Field("date", date=True), Field("magnitude"), Field("places", many=True, ref="places"),
            Field("regions", many=True, computed=True), Field("felt_by", many=True), Field("scale")),
    filters=(Dates("date"), Places("places"), Choice("scale", "scale", ("richter", "moment"))),
    order=lambda r: (r["date"], r["id"]),
    columns=(Col("When", lines(("date", "bold")), no_wrap=True),
             Col("Quake", lines(("id", ""), ("magnitude", "dim")), ratio=3, keep=lambda r: [r["id"]])),
    rules=(lambda records, context: ((("quakes", i, "magnitude"), "a magnitude is below 10")
                            for i, r in records if isinstance(r.get("magnitude"), (int, float)) and r["magnitude"] >= 10),),
)
COLLECTIONS = (kinds.PLACES, QUAKES)

ROOT = {
    "places": [
        {"id": "kz", "name": "Kazakhstan", "kind": "country"},
        {"id": "almaty-region", "name": "Almaty Region", "kind": "region", "within": "kz"},
        {"id": "almaty", "name": "Almaty", "kind": "city", "within": "kz"},
        {"id": "talgar", "name": "Talgar", "kind": "city", "within": "almaty-region"},
    ],
    "quakes": [
        {"id": "verny-1887", "date": "1887-06-09", "magnitude": 7.3, "places": ["almaty"], "scale": "moment"},
        {"id": "kemin-1911", "date": "1911-01-03", "magnitude": 8.0, "places": ["talgar"], "felt_by": ["a", "b"],
         "scale": "richter"},
        {"id": "small-2024", "date": "2024-01", "magnitude": 4, "scale": "moment"},
    ],
}


@pytest.fixture
def kb():
    return KnowledgeBase(build(ROOT, COLLECTIONS))


def test_records_are_built_in_contract_order_with_computed_fields(kb):
    first = kb["quakes"][0]
    assert tuple(first) == QUAKES.names
    assert first["felt_by"] == [] and first["regions"] == ["almaty"]
    assert kb["quakes"][1]["regions"] == ["almaty-region"]


@pytest.mark.parametrize("criteria, expected", [
    ({}, ["verny-1887", "kemin-1911", "small-2024"]),
    ({"date": "1911"}, ["kemin-1911"]),
    ({"region": "Almaty Region"}, ["kemin-1911"]),
    ({"region": ["almaty", "almaty-region"]}, ["verny-1887", "kemin-1911"]),  # repeated: or
    ({"region": "kz", "date": "2024"}, ["small-2024"]),                       # different: and
    ({"scale": "MOMENT"}, ["verny-1887", "small-2024"]),
])
def test_a_query_reads_the_description(kb, criteria, expected):
    assert [r["id"] for r in select(kb, QUAKES, **criteria)] == expected


def test_the_larger_place_wins_only_over_places_inside_it():
    """The tie-break on a toy gazetteer: containment decides, nothing else."""
    root = {"places": [
        {"id": "kz", "name": "Kazakhstan", "kind": "country"},
        {"id": "north", "name": "North Region", "aliases": ["North"], "kind": "region", "within": "kz"},
        {"id": "south", "name": "South Region", "kind": "region", "within": "kz"},
        {"id": "north-city", "name": "North", "kind": "city", "within": "north"},
        {"id": "twin-a", "name": "Twin", "kind": "city", "within": "north"},
        {"id": "twin-b", "name": "Twin", "kind": "city", "within": "south"},
    ]}
    toy = KnowledgeBase(build(root, (kinds.PLACES,)))
    assert [p["id"] for p in select(toy, kinds.PLACES, region="North")] == ["north", "north-city", "twin-a"]
    with pytest.raises(QueryError, match="ambiguous"):
        select(toy, kinds.PLACES, region="Twin")


def test_a_filter_the_kind_does_not_take_is_refused_in_core_terms(kb):
    with pytest.raises(QueryError) as caught:
        select(kb, QUAKES, actor="tokayev")
    assert caught.value.criterion == "actor" and "quakes cannot be filtered by actor" in caught.value.message
    with pytest.raises(QueryError) as caught:
        select(kb, QUAKES, scale="mercalli")
    assert caught.value.candidates == ["richter", "moment"] and "--" not in str(caught.value)


def test_table_and_csv_come_from_the_columns_and_fields(kb):
    out = io.StringIO()
    write("table", kb["quakes"], QUAKES, out, FakeView(lambda i: i, 80))
    table = out.getvalue()
    assert table.splitlines()[0].split() == ["When", "Quake"]
    assert "kemin-1911" in table and "1911-01-03" in table and "felt_by" not in table
    out = io.StringIO()
    write("csv", kb["quakes"], QUAKES, out, None)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == list(QUAKES.names)
    assert rows[1]["felt_by"] == "a;b" and rows[0]["magnitude"] == "7.3" and rows[1]["magnitude"] == "8"


def test_rules_come_from_the_fields_and_the_collection():
    bad = {"places": ROOT["places"], "quakes": [
        {"id": "x", "date": "1911-02-30", "magnitude": 11, "places": ["atlantis"], "scale": "moment"},
    ]}
    found = {(path, message) for path, message in rules.check(bad, COLLECTIONS)}
    assert (("quakes", 0, "places", 0), "unknown place id 'atlantis'") in found
    assert (("quakes", 0, "magnitude"), "a magnitude is below 10") in found
    assert any(path == ("quakes", 0, "date") and "February 1911 has 28 days" in m for path, m in found)


def test_the_six_collections_match_the_schema():
    import json

    from qantar_cli.kb.files import schema_path

    with open(schema_path(), encoding="utf-8") as handle:
        schema = json.load(handle)
    for c in kinds.ALL:
        properties = schema["definitions"][c.kind]["properties"]
        stored = [f.name for f in c.fields if not f.computed]
        assert stored == list(properties), c.key  # same fields, same order
