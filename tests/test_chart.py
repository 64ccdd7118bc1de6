"""``timeline --chart`` and the counting it shares with the HTML page."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections import Counter

import pytest
from conftest import MINI, ROOT, assert_usage_error, invoke

from qantar_cli.out.chart import print_chart
from qantar_cli.out.counts import MAX_ROWS, Bar, Gap, choose_unit, count_events

ROW = re.compile(r"^(\d{4}(?:-\d{2}){0,2})  (?:\S+ )?(\d+)$")


def chart_counts(stdout: str) -> dict[str, int]:
    """The bars of a drawn chart: label -> count."""
    return {m.group(1): int(m.group(2)) for line in stdout.splitlines() if (m := ROW.match(line))}


def events_on(*dates: str) -> list[dict]:
    return [{"id": f"e{n}", "date": d} for n, d in enumerate(dates)]


# -- counting ---------------------------------------------------------------------------


def test_day_dated_events_count_on_their_start_day_and_coarser_ones_are_not_counted():
    counts = count_events(events_on("2022-01-05", "2022-01-05", "2022-01-07", "2022-01", "2022"), "day")
    assert counts.bars == [Bar("2022-01-05", 2), Bar("2022-01-07", 1)]
    assert counts.rows() == [Bar("2022-01-05", 2), Bar("2022-01-06", 0), Bar("2022-01-07", 1)]
    assert (counts.counted, counts.not_counted, counts.most) == (3, 2, 2)


def test_per_month_counts_day_and_month_dated_events_per_year_every_event():
    dated = events_on("2022-01-05", "2022-01", "2022-03-01", "2022", "2023-06")
    assert count_events(dated, "month").rows() == [Bar("2022-01", 2), Bar("2022-02", 0), Bar("2022-03", 1),
                                                    Gap("2022-04", "2023-05", 14), Bar("2023-06", 1)]
    assert count_events(dated, "month").not_counted == 1
    assert count_events(dated, "year").rows() == [Bar("2022", 4), Bar("2023", 1)]
    assert count_events(dated, "year").not_counted == 0


def test_four_or_more_empty_days_in_a_row_are_one_gap():
    three = count_events(events_on("2022-01-01", "2022-01-05"), "day").rows()
    assert [r.count for r in three if isinstance(r, Bar)] == [1, 0, 0, 0, 1]
    four = count_events(events_on("2022-01-01", "2022-01-06"), "day").rows()
    assert four == [Bar("2022-01-01", 1), Gap("2022-01-02", "2022-01-05", 4), Bar("2022-01-06", 1)]
    # across a month and a leap day
    assert count_events(events_on("2024-02-27", "2024-03-02"), "day").rows()[1:-1] == \
        [Bar("2024-02-28", 0), Bar("2024-02-29", 0), Bar("2024-03-01", 0)]


def test_the_unit_is_the_finest_whose_chart_fits_in_max_rows():
    # busy every other day for a week: per day
    assert choose_unit(events_on(*(f"2022-01-{d:02d}" for d in range(1, 15, 2)))) == "day"
    # quiet months between busy days are one row each: still per day
    assert choose_unit(events_on("2021-12-17", "2022-01-05", "2023-07-11", "2024-01-04")) == "day"
    # an event every other day for 200 days: 199 rows a day, so per month
    from datetime import date, timedelta
    every_other = [(date(2022, 1, 1) + timedelta(days=2 * n)).isoformat() for n in range(100)]
    assert len(count_events(events_on(*every_other), "day").rows()) > MAX_ROWS
    assert choose_unit(events_on(*every_other)) == "month"
    # a month every other month for 20 years: per year
    months = [f"{y}-{m:02d}" for y in range(2000, 2020) for m in range(1, 13, 2)]
    assert choose_unit(events_on(*months)) == "year"
    # only years, or nothing at all: per year
    assert choose_unit(events_on("1991", "2019")) == "year"
    assert count_events([]).rows() == []


def test_an_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="unknown unit 'week'"):
        count_events([], "week")


def test_wide_ranges_are_drawn_per_month_with_labels_and_note():
    from datetime import date, timedelta
    dated = [(date(2022, 1, 1) + timedelta(days=2 * n)).isoformat() for n in range(100)] + ["2022"]
    out = io.StringIO()
    print_chart(events_on(*dated), out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Events per month, 2022-01 to 2022-07"
    assert chart_counts(out.getvalue()) == Counter(d[:7] for d in dated if len(d) == 10)
    assert len(chart_counts(out.getvalue())) == 7
    assert lines[-1] == "100 events counted in the month they start; 1 dated only to the year is not counted."


def test_an_ascii_only_stream_gets_ascii_bars():
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii")
    print_chart(events_on("2022-01-01", "2022-01-01", "2022-01-09"), stream)
    stream.flush()
    text = raw.getvalue().decode("ascii")
    assert "#" in text and "..." in text and "?" not in text


# -- the command --------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "expected"), [
    ((), {"2022-01-01": 1, "2022-01-02": 2, "2022-01-03": 0, "2022-01-04": 0, "2022-01-05": 3, "2023-01-05": 1}),
    (("--region", "mangistau"), {"2022-01-01": 1, "2022-01-02": 1}),
    (("--region", "almaty"), {"2022-01-05": 1}),
    (("--source", "iwpr"), {"2022-01-02": 2}),
    (("--actor", "tokayev", "--date", "2022-01-05"), {"2022-01-05": 2}),
    (("--from", "2022-01-02", "--to", "2022-01-05"), {"2022-01-02": 2, "2022-01-03": 0, "2022-01-04": 0,
                                                      "2022-01-05": 3}),
])
def test_the_chart_counts_what_the_filters_select(args, expected):
    run = invoke("timeline", "--chart", *args)
    assert chart_counts(run.stdout) == expected
    # the same filters as JSON: the bars count exactly the day-dated events, on their start day
    listed = invoke("timeline", *args, "--json").json()
    days = Counter(e["date"] for e in listed if len(e["date"]) == 10)
    assert {day: n for day, n in chart_counts(run.stdout).items() if n} == dict(days)


def test_the_filters_leave_out_what_they_should():
    run = invoke("timeline", "--chart", "--region", "mangistau")
    assert "2022-01-05" not in run.stdout and "2023-01-05" not in run.stdout
    assert run.stdout.splitlines()[0] == "Events per day, 2022-01-01 to 2022-01-02"
    assert run.stdout.splitlines()[-1] == "2 events counted on the day they start."


def test_the_note_counts_the_events_left_out_of_the_bars():
    run = invoke("timeline", "--chart", "--source", "iwpr")
    assert run.stdout.splitlines()[-1] == \
        "2 events counted on the day they start; 1 dated only to the month or year is not counted."


def test_a_date_filter_still_says_what_it_left_out():
    run = invoke("timeline", "--chart", "--date", "2022-01-05")
    assert chart_counts(run.stdout) == {"2022-01-05": 3}
    assert "add --coarse" in run.stderr


def test_the_bundled_timeline_draws_per_day_with_gaps():
    run = invoke("timeline", "--chart", data=None)
    lines = run.stdout.splitlines()
    assert lines[0] == "Events per day, 2021-12-17 to 2024-01-04"
    assert chart_counts(run.stdout)["2022-01-05"] == max(chart_counts(run.stdout).values())
    assert any(re.fullmatch(r" +⋮ +\d+ days without events \(\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d\)", line)
               for line in lines)


def test_no_match_is_an_empty_chart_and_a_line_on_stderr():
    run = invoke("timeline", "--chart", "--date", "2021-03")
    assert run.code == 0 and run.stdout == ""
    assert "no events match --date 2021-03" in run.stderr


@pytest.mark.parametrize("extra", [("--json",), ("-f", "csv"), ("--format", "table"), ("--fields", "id")])
def test_the_chart_is_not_a_data_format(extra):
    run = invoke("timeline", "--chart", *extra, ok=False)
    assert_usage_error(run, "--chart draws a chart for people")


@pytest.mark.parametrize("width", [20, 30, 40, 60, 80, 100, 200])
def test_lines_fit_the_width_and_never_end_in_a_space(width):
    run = invoke("timeline", "--chart", data=None, env={"COLUMNS": str(width)})
    lines = run.stdout.splitlines()
    assert len(lines) > 10
    for line in lines:
        assert len(line) <= width, (width, line)
        assert line == line.rstrip(), (width, line)
    # the longest bar reaches the edge, less its count: the width is used
    longest = max(lines, key=lambda line: line.count("█"))
    assert len(longest) >= width - 2


def test_plain_when_piped_coloured_on_a_terminal():
    plain = invoke("timeline", "--chart", data=None)
    assert "\x1b" not in plain.stdout + plain.stderr
    forced = invoke("timeline", "--chart", data=None, env={"FORCE_COLOR": "1"})
    assert "\x1b[" in forced.stdout
    assert re.sub(r"\x1b\[[0-9;]*m", "", forced.stdout) == plain.stdout
    no_color = invoke("--no-color", "timeline", "--chart", data=None, env={"FORCE_COLOR": "1"})
    assert "\x1b" not in no_color.stdout


def test_piped_from_a_real_process():
    done = subprocess.run([sys.executable, "-m", "qantar_cli", "--data", str(MINI), "timeline", "--chart"],
                          capture_output=True, text=True, timeout=60, cwd=ROOT,
                          env={"PATH": "", "PYTHONIOENCODING": "utf-8", "QANTAR_NO_CACHE": "1", "COLUMNS": "60"})
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and done.stderr == ""
    assert chart_counts(done.stdout)["2022-01-05"] == 3


@pytest.mark.parametrize(("dates", "unit", "summary"), [
    (("2022-01-05",), "day", "1 event counted on the day it starts"),
    (("2022-01-05", "2022-01-06", "2022-01"), "day",
     "2 events counted on the day they start; 1 dated only to the month or year is not counted"),
    (("2022-01-05", "2022", "2023"), "month",
     "1 event counted in the month it starts; 2 dated only to the year are not counted"),
    (("2022-01-05", "2022"), "year", "2 events counted in the year they start"),
])
def test_the_summary_says_what_is_counted(dates, unit, summary):
    assert count_events(events_on(*dates), unit).summary() == summary
