"""Closed vocabularies (tags, categories, kinds, formats): from the schema, any case, listed in help.

Also ``--tag`` on the timeline and ``--period`` on figures, each with what is in and what is out.
"""

import json

import pytest
from conftest import ROOT, assert_usage_error, invoke

from qantar_cli import collections as kinds

SCHEMA = json.loads((ROOT / "data" / "qantar.schema.json").read_text(encoding="utf-8"))["definitions"]


@pytest.mark.parametrize("values, enum", [
    (kinds.TAGS, SCHEMA["event"]["properties"]["tags"]["items"]["enum"]),
    (kinds.FIGURE_CATEGORIES, SCHEMA["figure"]["properties"]["category"]["enum"]),
    (kinds.ACTOR_KINDS, SCHEMA["actor"]["properties"]["kind"]["enum"]),
    (kinds.PLACE_KINDS, SCHEMA["place"]["properties"]["kind"]["enum"]),
])
def test_the_vocabularies_the_options_offer_are_the_schemas(values, enum):
    assert list(values) == enum


@pytest.mark.parametrize("command, option, values", [
    ("timeline", "--tag", kinds.TAGS),
    ("figures", "--category", kinds.FIGURE_CATEGORIES),
    ("actors", "--kind", kinds.ACTOR_KINDS),
    ("places", "--kind", kinds.PLACE_KINDS),
])
def test_help_lists_every_value_without_reading_the_knowledge_file(command, option, values):
    run = invoke(command, "--help", data="/nonexistent/kb.yaml")
    text = " ".join(run.stdout.split())
    assert option in text
    for value in values:
        assert value in text.replace("- ", "-")  # Click may wrap inside a hyphenated word


def _ids(*args):
    return invoke(*args, "--json", data=None).ids()


def test_tag_keeps_the_events_with_that_tag_and_no_other():
    found = _ids("timeline", "--tag", "airport")
    assert found == ["2022-01-05-almaty-airport-kazinform", "2022-01-05-almaty-airport-global-voices",
                     "2023-07-11-airport-protesters-sentenced"]
    every = invoke("timeline", "--json", data=None).json()
    assert {e["id"] for e in every if "airport" not in e["tags"]}.isdisjoint(found)


def test_repeated_tags_mean_or_and_with_another_filter_and():
    trials = set(_ids("timeline", "--tag", "trials"))
    csto = set(_ids("timeline", "--tag", "csto"))
    assert trials and csto and not trials <= csto
    assert set(_ids("timeline", "--tag", "trials", "--tag", "CSTO")) == trials | csto
    both = _ids("timeline", "--tag", "airport", "--date", "2023")
    assert both == ["2023-07-11-airport-protesters-sentenced"]


@pytest.mark.parametrize("args, expected", [
    # the day a figure counts: only figures counting that day, not those counting all January
    (["--period", "2022-01-05"], ["businesses-looted-kazinform", "weapons-stolen-kazinform"]),
    (["--period", "2022-01-02"], ["pavlodar-wounded-alibaev", "pavlodar-protesters-alibaev",
                                  "pavlodar-police-alibaev"]),
    (["--period", "2023-07"], ["airport-protesters-sentence-range-global-voices",
                               "airport-protesters-sentenced-global-voices", "courtroom-protesters-global-voices"]),
    (["--period", "2021"], []),
])
def test_period_filters_on_the_span_a_figure_counts(args, expected):
    assert sorted(_ids("figures", *args)) == sorted(expected)


def test_period_with_coarse_adds_the_figures_counting_the_whole_month():
    day = set(_ids("figures", "--period", "2022-01-05"))
    coarse = set(_ids("figures", "--period", "2022-01-05", "--coarse"))
    assert day < coarse
    assert "killed-total-astana-times" in coarse - day
    figures = {f["id"]: f for f in invoke("figures", "--json", data=None).json()}
    assert all(figures[i]["period"] == "2022-01" for i in coarse - day)
    assert all(f["period"] is None for i, f in figures.items() if i not in coarse and f["period"] is None)


def test_period_says_how_many_were_left_out():
    run = invoke("figures", "--period", "2022-01-05", "--json", data=None)
    assert "were left out: add --coarse" in run.stderr


def test_period_and_as_of_are_different_dates():
    stated_then = set(_ids("figures", "--date", "2023-01-11"))
    counting_then = set(_ids("figures", "--period", "2022-01-02"))
    assert "pavlodar-police-alibaev" in stated_then & counting_then
    assert "killed-official-iwpr" in stated_then - counting_then


@pytest.mark.parametrize("kind", ["region", "REGION", "Region"])
def test_places_kind_any_case(kind):
    places = invoke("places", "--kind", kind, "--json", data=None).json()
    assert len(places) == 14 and {p["kind"] for p in places} == {"region"}


@pytest.mark.parametrize("args, fragments", [
    (["timeline", "--tag", "protest"], ["--tag", "Unknown tag 'protest'", "Did you mean: protests", "Use one of:",
                                        "police-violence"]),
    (["figures", "--category", "deaths"], ["--category", "Unknown category 'deaths'", "casualties"]),
    (["places", "--kind", "town"], ["--kind", "Unknown kind 'town'", "country, region, city, site"]),
    (["figures", "--period", "2022-13"], ["--period", "month must be 01 to 12"]),
    (["timeline", "-f", "xml"], ["--format", "Unknown format 'xml'", "table, json, ndjson, csv"]),
])
def test_a_wrong_value_names_the_valid_ones(args, fragments):
    assert_usage_error(invoke(*args, ok=False, data=None), *fragments)
