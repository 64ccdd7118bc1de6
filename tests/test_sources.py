"""``qantar sources [ID]``."""

import re

import pytest
from conftest import assert_usage_error, invoke

ALL = ["iwpr-2023-year-on", "kazinform-2025-chronology", "trt-2023-coup-attempt"]


@pytest.mark.parametrize(
    "args, expected",
    [
        ([], ALL),
        (["kazinform"], ["kazinform-2025-chronology"]),
        (["trt-2023-coup-attempt"], ["trt-2023-coup-attempt"]),
        (["TRT World"], ["trt-2023-coup-attempt"]),
        (["Institute for War and Peace Reporting"], ["iwpr-2023-year-on"]),
        (["official"], ["kazinform-2025-chronology", "trt-2023-coup-attempt"]),
        (["--source", "independent"], ["iwpr-2023-year-on"]),
        (["--date", "2023"], ["iwpr-2023-year-on", "trt-2023-coup-attempt"]),
        (["--from", "2024"], ["kazinform-2025-chronology"]),
    ],
)
def test_filters(args, expected):
    assert invoke("sources", *args, "--json").ids() == expected


def test_fields_follow_the_contract():
    [iwpr] = invoke("sources", "iwpr", "--json").json()
    assert list(iwpr) == ["id", "title", "publisher", "publisher_kind", "stance", "author", "published",
                          "url", "language", "text_sha256"]
    assert iwpr["url"] is None and iwpr["author"] is None


@pytest.mark.parametrize("width", ["50", "80", "100", "120", "200"])
def test_the_table_shows_each_url_or_says_it_is_unknown(width, monkeypatch):
    """SPEC: the sources table shows each article's publisher, date, stance and URL (or says it is unknown).

    A URL is shown whole on a line of its own when it is wider than its column but not than the
    terminal (as a long id is), and folded only when it is wider than the terminal.
    """
    monkeypatch.setenv("COLUMNS", width)
    records = invoke("sources", "--json", data=None).json()
    blocks = invoke("sources", data=None).stdout.split("\n\n")  # a source a block
    assert len(blocks) == len(records)
    for r in records:
        [block] = [b for b in blocks if r["id"] in b]
        if r["url"] is None:
            assert "URL unknown" in block and "http" not in block
            continue
        assert "URL unknown" not in block
        if len(r["url"]) <= int(width):
            assert r["url"] in block
        else:
            assert r["url"] in re.sub(r"\s+", "", block)


@pytest.mark.parametrize("args, said", [
    (["foreign"], "qantar: no sources match 'foreign'.\n"),  # the argument as typed, not an option never given
    (["--source", "foreign"], "qantar: no sources match --source foreign.\n"),
])
def test_an_empty_table_names_what_was_asked_as_it_was_typed(args, said):
    done = invoke("sources", *args, data=None)
    assert done.stdout == "" and done.stderr == said


def test_one_source_table_lists_what_it_supports():
    out = invoke("sources", "trt").stdout
    assert "trt-2023-coup-attempt" in out
    assert "Events citing trt-2023-coup-attempt (1)" in out
    assert "2023-01-05-assylov-speech" in out
    assert "kazinform-2025-chronology" not in out


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["bbc"], ["Invalid value for ID", "Unknown source 'bbc'"]),
        (["trt", "--source", "iwpr"], ["not both"]),
    ],
)
def test_errors(args, fragments):
    assert_usage_error(invoke("sources", *args, ok=False), *fragments)
