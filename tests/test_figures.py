"""``qantar figures``: the numbers, their origin and who gives them."""

import pytest
from conftest import assert_usage_error, invoke

ALL = ["killed-official", "political-prisoners", "airport-sentences", "weapons-stolen"]  # category, then id


@pytest.mark.parametrize(
    "args, expected",
    [
        ([], ALL),
        (["--source", "official"], ["killed-official", "weapons-stolen"]),
        (["--source", "independent"], ["political-prisoners", "airport-sentences"]),
        # a publisher: figures citing it, whatever their origin
        (["--source", "iwpr"], ["killed-official", "political-prisoners", "airport-sentences"]),
        (["--source", "kazinform"], ["weapons-stolen"]),
        (["--category", "casualties"], ["killed-official"]),
        (["--category", "Casualties"], ["killed-official"]),
        (["--category", "prosecutions"], ["airport-sentences"]),
        (["--date", "2023-01-11"], ["killed-official", "political-prisoners"]),
        (["--date", "2023-07"], ["airport-sentences"]),
        (["--date", "2023-07-11"], []),  # the figure is known only to the month
        (["--date", "2023-07-11", "--coarse"], ["airport-sentences"]),
        # as_of is when a number was stated: Kazinform's weapons figure is of January 2025
        (["--from", "2023-01-12"], ["airport-sentences", "weapons-stolen"]),
        (["--to", "2023-01-11"], ["killed-official", "political-prisoners"]),
        (["--region", "almaty"], ["airport-sentences", "weapons-stolen"]),
        (["--region", "kazakhstan"], ALL),
        (["--actor", "Tokayev"], ["killed-official"]),
        (["--source", "official", "--category", "weapons"], ["weapons-stolen"]),
        (["--category", "weapons", "--category", "politics"], ["political-prisoners", "weapons-stolen"]),
        (["--category", "weapons", "--category", "politics", "--source", "independent"], ["political-prisoners"]),
    ],
)
def test_filters(args, expected):
    run = invoke("figures", *args, "--json")
    assert run.ids() == expected
    assert run.stderr in ("", "qantar: 1 figure dated less precisely than asked (only to the month or year) "
                              "was left out: add --coarse to include it.\n")


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["--category", "casualty"], ["--category", "Unknown category 'casualty'", "casualties"]),
        (["--source", "officials"], ["--source", "Unknown source"]),
        (["--source", "bbc"], ["--source", "Unknown source 'bbc'", "iwpr, kazinform, trt, official, independent"]),
        (["--date", "2022-00"], ["--date", "month must be 01 to 12"]),
        (["--region", "Mordor"], ["--region", "Unknown region"]),
    ],
)
def test_errors(args, fragments):
    assert_usage_error(invoke("figures", *args, ok=False), *fragments)


def test_json_numbers_and_ranges():
    records = {r["id"]: r for r in invoke("figures", "--json").json()}
    assert records["killed-official"]["value"] == 238
    assert records["killed-official"]["claimed_by"] == "kassym-jomart-tokayev"
    sentences = records["airport-sentences"]
    assert (sentences["value"], sentences["value_max"], sentences["qualifier"]) == (4, 8, "range")
    assert records["political-prisoners"]["places"] == [] and records["political-prisoners"]["regions"] == []


def test_table_right_aligns_values_and_words_qualifiers():
    out = invoke("figures").stdout
    assert "about 3,000" in out and "4–8" in out and "more than 125" in out
    header = out.splitlines()[0]
    assert header.index("Value") < header.index("What")
    # right alignment: the value ends where the column ends on every row
    ends = {line.index(v) + len(v) for line in out.splitlines() for v in ("238", "about 3,000", "4–8") if v in line}
    assert len(ends) == 1


@pytest.mark.parametrize("unit, value, value_max, shown", [
    ("people", 1, None, "person"), ("people", 2, None, "people"), ("children", 1, None, "child"),
    ("years", 1, None, "year"), ("parties", 1, None, "party"), ("businesses", 1, None, "business"),
    ("years", 1, 3, "years"), ("gun ammunition", 1, None, "gun ammunition"), ("USD", 1, None, "USD"),
])
def test_a_single_unit_reads_in_the_singular(unit, value, value_max, shown):
    from qantar_cli.display import unit_of

    assert unit_of({"unit": unit, "value": value, "value_max": value_max}) == shown


@pytest.mark.parametrize(("stated", "shown"), [
    ("Dozens", "dozens"),  # capitalised only for starting the article's sentence
    ("hundreds", "hundreds"),
    ("CSTO troops", "CSTO troops"),  # an acronym keeps its capitals
    (None, "—"),
])
def test_a_vague_figures_value_is_its_words_in_running_text(stated, shown):
    from qantar_cli.display import figure_value

    assert figure_value({"value": None, "stated": stated, "qualifier": "vague"}) == shown
