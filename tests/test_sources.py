"""``qantar sources [ID]``."""

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
