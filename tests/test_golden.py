"""Golden tables at a fixed width: a layout change is a visible diff.

Regenerate after an intended change with ``QANTAR_UPDATE_GOLDEN=1 pytest tests/test_golden.py``.
"""

import os

import pytest
from conftest import TESTS, invoke

GOLDEN = TESTS / "golden"

CASES = {
    "timeline-100": (["timeline"], "100"),
    "figures-100": (["figures"], "100"),
    "actors-80": (["actors"], "80"),
    "disputes-100": (["disputes"], "100"),
    "timeline-narrow-30": (["timeline", "--date", "2022-01-05"], "30"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_table(name, monkeypatch):
    args, width = CASES[name]
    monkeypatch.setenv("COLUMNS", width)
    out = invoke(*args).stdout
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("QANTAR_UPDATE_GOLDEN"):
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8")
    assert max(len(line) for line in out.splitlines()) <= int(width) or name.endswith("narrow-30")


@pytest.mark.parametrize("command", ["timeline", "figures", "actors", "disputes", "places", "sources"])
@pytest.mark.parametrize("width", ["40", "55", "60", "70", "80", "100", "132"])
def test_ids_stay_whole_and_lines_end_without_spaces(command, width, monkeypatch):
    """SPEC: ids never broken inside a table at 40 columns or more; no trailing spaces."""
    monkeypatch.setenv("COLUMNS", width)
    out = invoke(command, data=None).stdout
    ids = [r["id"] for r in invoke(command, "--json", data=None).json()]
    assert [i for i in ids if i not in out] == []
    assert [line for line in out.splitlines() if line != line.rstrip()] == []


def test_a_long_id_runs_on_alone_at_80_columns_instead_of_stacking(monkeypatch):
    """At 80 columns the day of 5 January is a table: the 61-cell id stands alone, nothing beside it."""
    monkeypatch.setenv("COLUMNS", "80")
    out = invoke("timeline", "--date", "2022-01-05", data=None).stdout
    assert out.startswith("Date ") and "Event" in out.splitlines()[0]  # a table, not blocks
    long_id = "2022-01-05-almaty-businesses-looted-hospitals-receive-wounded"
    [line] = [line for line in out.splitlines() if long_id in line]
    assert line.strip() == long_id  # alone on its line: the Where column leaves it empty
    assert all(len(line) <= 80 for line in out.splitlines())


def test_two_wide_ids_in_one_row_never_meet():
    """Each id wider than its column gets a line of its own, whatever the other columns hold."""
    import io

    from qantar_cli.out.tables import draw, make_console
    from qantar_cli.spec import Col, lines

    cols = (Col("A", lines(("a", "")), keep=lambda r: [r["a"]]), Col("B", lines(("b", "")), keep=lambda r: [r["b"]]),
            Col("C", lines(("c", "")), ratio=3))
    record = {"a": "first-very-long-identifier-here", "b": "second-long-identifier-xyz",
              "c": "words " * 30}
    out = io.StringIO()
    draw(make_console(out, no_color=True, width=60), cols, [record], None)
    text = out.getvalue()
    assert "first-very-long-identifier-here" in text and "second-long-identifier-xyz" in text
    for line in text.splitlines():
        assert "heresecond" not in line and not line.endswith(" ")
        if "first-very-long-identifier-here" in line:
            assert line.strip() == "first-very-long-identifier-here"


@pytest.mark.parametrize("width", ["64", "72", "80"])
def test_an_id_too_long_for_the_room_to_the_edge_starts_a_line_of_its_own(monkeypatch, width):
    monkeypatch.setenv("COLUMNS", width)
    out = invoke("search", "almaty", data=None).stdout
    assert out.startswith("Kind ")  # a table
    long_id = "2022-01-05-almaty-businesses-looted-hospitals-receive-wounded"
    assert f"\n{long_id}\n" in out  # from the left edge, alone
    assert all(len(line) <= int(width) and not line.endswith(" ") for line in out.splitlines())


@pytest.mark.parametrize("width", ["30", "45", "59"])
@pytest.mark.parametrize("args", [("timeline",), ("figures",), ("actors",), ("disputes",)])
def test_a_line_past_the_edge_of_a_block_is_one_word_from_the_left_edge(args, width, monkeypatch):
    """Stacked blocks (below 60 columns): only an id longer than the line runs past the edge, and
    then from column 0, where the terminal wraps it least. Out: an indented id past the edge."""
    monkeypatch.setenv("COLUMNS", width)
    for line in invoke(*args).stdout.splitlines():
        if len(line) > int(width):
            assert " " not in line, line
