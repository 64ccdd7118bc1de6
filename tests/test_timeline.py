"""``qantar timeline``: every filter, what is in and what is out."""

import pytest
from conftest import MINI, assert_usage_error, invoke

ALL = [  # by day; the same day in the file's order (the order the sources narrate), never by id
    "2022-01-01-zhanaozen-protest",
    "2022-01-02-protests-begin",
    "2022-01-02-pavlodar-protest",
    "2022-01-05-almaty-airport",
    "2022-01-05-taldykorgan",
    "2022-01-05-state-of-emergency",
    "2022-01-csto-deployment",  # known only to the month: after the days of January
    "2023-01-05-assylov-speech",
]
CSTO = ["2022-01-csto-deployment"]


@pytest.mark.parametrize(
    "args, expected",
    [
        ([], ALL),
        # a day matches that day and the day-dated emergency span across it, not the CSTO
        # event known only to the month (--coarse adds it)
        (["--date", "2022-01-05"], ["2022-01-05-almaty-airport", "2022-01-05-taldykorgan",
                                    "2022-01-05-state-of-emergency"]),
        (["--date", "2022-01-05", "--coarse"], ["2022-01-05-almaty-airport", "2022-01-05-taldykorgan",
                                                "2022-01-05-state-of-emergency", "2022-01-csto-deployment"]),
        (["--date", "2022-01-10"], ["2022-01-05-state-of-emergency"]),
        (["--date", "2022-01-10", "--coarse"], ["2022-01-05-state-of-emergency", "2022-01-csto-deployment"]),
        (["--date", "2022-01"], ALL[:-1]),  # the month event lies wholly inside the month
        (["--date", "2023"], ["2023-01-05-assylov-speech"]),
        (["--date", "2021"], []),
        (["--from", "2022-01-05"], ["2022-01-05-almaty-airport", "2022-01-05-taldykorgan",
                                    "2022-01-05-state-of-emergency", "2023-01-05-assylov-speech"]),
        (["--from", "2022-01-05", "--coarse"], ALL[3:]),  # the month-long CSTO event overlaps
        (["--to", "2022-01-01"], ["2022-01-01-zhanaozen-protest"]),
        (["--from", "2022-01-02", "--to", "2022-01-02"], ["2022-01-02-protests-begin", "2022-01-02-pavlodar-protest"]),
        # a repeated filter means or; different filters mean and
        (["--region", "zhanaozen", "--region", "pavlodar"], ["2022-01-01-zhanaozen-protest", "2022-01-02-pavlodar-protest"]),
        (["--region", "mangistau", "--region", "almaty", "--date", "2022-01-05"], ["2022-01-05-almaty-airport"]),
        (["--date", "2022-01-01", "--date", "2023"], ["2022-01-01-zhanaozen-protest", "2023-01-05-assylov-speech"]),
        (["--source", "trt", "--source", "independent"],
         ["2022-01-02-protests-begin", "2022-01-02-pavlodar-protest", "2022-01-csto-deployment", "2023-01-05-assylov-speech"]),
        (["--actor", "csto", "--actor", "protesters", "--region", "mangistau"],
         ["2022-01-01-zhanaozen-protest", "2022-01-02-protests-begin"]),
        (["--from", "2022-01", "--to", "2022-01-02"],  # the finest bound decides: a day
         ["2022-01-01-zhanaozen-protest", "2022-01-02-protests-begin", "2022-01-02-pavlodar-protest"]),
        # regions: a region matches what lies within it, by id, name or alias
        (["--region", "mangistau"], ["2022-01-01-zhanaozen-protest", "2022-01-02-protests-begin"]),
        (["--region", "Mangystau Region"], ["2022-01-01-zhanaozen-protest", "2022-01-02-protests-begin"]),
        (["--region", "MANGISTAU OBLAST"], ["2022-01-01-zhanaozen-protest", "2022-01-02-protests-begin"]),
        (["--region", "Маңғыстау облысы"], ["2022-01-01-zhanaozen-protest", "2022-01-02-protests-begin"]),
        (["--region", "zhanaozen"], ["2022-01-01-zhanaozen-protest"]),
        (["--region", "almaty"], ["2022-01-05-almaty-airport"]),
        (["--region", "Almaty Region"], ["2022-01-05-taldykorgan"]),
        (["--region", "almaty-oblast"], ["2022-01-05-taldykorgan"]),
        (["--region", "kazakhstan"], ALL),
        # sources: id, short name, publisher, voice
        (["--source", "iwpr"], ["2022-01-02-protests-begin", "2022-01-02-pavlodar-protest", "2022-01-csto-deployment"]),
        (["--source", "iwpr-2023-year-on"],
         ["2022-01-02-protests-begin", "2022-01-02-pavlodar-protest", "2022-01-csto-deployment"]),
        (["--source", "Institute for War & Peace Reporting"],
         ["2022-01-02-protests-begin", "2022-01-02-pavlodar-protest", "2022-01-csto-deployment"]),
        (["--source", "trt"], ["2023-01-05-assylov-speech"]),
        (["--source", "official"], ["2022-01-01-zhanaozen-protest", "2022-01-05-almaty-airport",
                                    "2022-01-05-taldykorgan", "2022-01-05-state-of-emergency",
                                    "2023-01-05-assylov-speech"]),
        (["--source", "independent"], ["2022-01-02-protests-begin", "2022-01-02-pavlodar-protest",
                                       "2022-01-csto-deployment"]),
        # actors by id, name, alias
        (["--actor", "Tokayev"], ["2022-01-05-almaty-airport", "2022-01-05-state-of-emergency"]),
        (["--actor", "csto"], ["2022-01-csto-deployment"]),
        (["--actor", "protesters"], ["2022-01-01-zhanaozen-protest", "2022-01-02-protests-begin"]),
        # filters narrow one another
        (["--date", "2022-01-05", "--region", "almaty"], ["2022-01-05-almaty-airport"]),
        (["--date", "2022-01-02", "--source", "iwpr", "--region", "pavlodar"], ["2022-01-02-pavlodar-protest"]),
        (["--region", "mangistau", "--source", "official"], ["2022-01-01-zhanaozen-protest"]),
    ],
)
def test_filters(args, expected):
    run = invoke("timeline", *args, "--json")
    assert run.ids() == expected
    assert run.stderr in ("", "qantar: 1 event dated less precisely than asked (only to the month or year) "
                              "was left out: add --coarse to include it.\n")


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv", "table"])
def test_records_left_out_for_their_precision_are_counted_on_stderr(fmt):
    run = invoke("timeline", "--date", "2022-01-05", "-f", fmt)
    assert "2022-01-csto-deployment" not in run.stdout
    assert run.stderr == ("qantar: 1 event dated less precisely than asked (only to the month or year) "
                          "was left out: add --coarse to include it.\n")
    coarse = invoke("timeline", "--date", "2022-01-05", "--coarse", "-f", fmt)
    assert "2022-01-csto-deployment" in coarse.stdout and coarse.stderr == ""
    exact = invoke("timeline", "--date", "2022-01", "-f", fmt)  # nothing coarser than a month here
    assert exact.stderr == ""


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["--date", "2022-13"], ["--date", "month must be 01 to 12"]),
        (["--date", "2022-02-30"], ["--date", "February 2022 has 28 days"]),
        (["--date", "yesterday"], ["--date", "YYYY, YYYY-MM or YYYY-MM-DD"]),
        (["--from", "2022-1-5"], ["--from", "YYYY-MM-DD"]),
        (["--from", "2022-02", "--to", "2022-01"], ["--from", "comes after the end 2022-01"]),
        (["--region", "Mangistaw"], ["--region", "Unknown region 'Mangistaw'", "mangystau-region (Mangystau Region)"]),
        (["--region", "atlantis"], ["--region", "Unknown region 'atlantis'"]),
        (["--source", "bbc"], ["--source", "Unknown source 'bbc'"]),
        (["--source", "kazinfrom"], ["--source", "kazinform-2025-chronology"]),
        (["--actor", "Nazarbayev"], ["--actor", "Unknown actor 'Nazarbayev'"]),
        (["--json", "--format", "csv"], ["two formats"]),
        (["--no-color"], ["--no-color is a global option: give it before the command"]),
        (["--data", "x.yaml"], ["--data is a global option", "qantar --data x.yaml --data"]),
        (["--format", "xml"], ["--format", "xml"]),
    ],
)
def test_errors(args, fragments):
    assert_usage_error(invoke("timeline", *args, ok=False), *fragments)


def test_ambiguous_region_lists_candidates(tmp_path):
    data = tmp_path / "amb.yaml"
    source = MINI.read_text(encoding="utf-8")
    data.write_text(source.replace('aliases: ["Almaty Oblast"]', 'aliases: ["Almaty Oblast", "Almaty city"]'), encoding="utf-8")
    run = invoke("timeline", "--region", "almaty city", data=data, ok=False)
    assert_usage_error(run, "ambiguous", "almaty (Almaty, city)", "almaty-region (Almaty Region, region)")


def test_same_day_events_keep_the_files_order_not_the_ids():
    ids = [i for i in invoke("timeline", "--date", "2022-01-02", "--json").ids() if i.startswith("2022-01-02")]
    assert ids == ["2022-01-02-protests-begin", "2022-01-02-pavlodar-protest"]  # the file's order
    assert ids != sorted(ids)


def test_sorted_by_date_then_time():
    records = invoke("timeline", "--json").json()
    days = [r["date"] for r in records if len(r["date"]) == 10]
    assert days == sorted(days)
    dates = [r["date"] for r in records]
    assert dates.index("2022-01") > dates.index("2022-01-05")  # the month after its days
    assert dates.index("2022-01") < dates.index("2023-01-05")


def test_empty_result_is_an_empty_list_and_exit_0():
    run = invoke("timeline", "--date", "2021", "--json")
    assert run.json() == [] and run.stderr == ""
    table = invoke("timeline", "--date", "2021")
    assert table.stdout == ""
    assert "no events match --date 2021" in table.stderr


def test_table_shows_dates_titles_places_and_sources():
    run = invoke("timeline", "--date", "2022-01-01")
    assert "2022-01-01" in run.stdout and "17:20" in run.stdout
    assert "A protest begins in Zhanaozen" in run.stdout
    assert "kazinform-2025-chronology" in run.stdout
    assert "Zhanaozen" in run.stdout
    assert "Pavlodar" not in run.stdout
    assert "\x1b[" not in run.stdout  # not a terminal: plain
