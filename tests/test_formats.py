"""Every format parses back; JSON keys follow the contract."""

import csv
import io
import json

import pytest
from conftest import assert_usage_error, invoke

from qantar_cli.collections import BY_KEY

FIELDS = {key: c.names for key, c in BY_KEY.items()}

KINDS = [("timeline", "events"), ("figures", "figures"), ("actors", "actors"), ("sources", "sources")]


@pytest.mark.parametrize("command, kind", KINDS)
def test_json_has_exactly_the_contract_fields_in_order(command, kind):
    records = invoke(command, "--json").json()
    assert records
    for record in records:
        assert tuple(record) == FIELDS[kind]
        for citation in record.get("citations", []):
            assert list(citation) == ["source", "quote", "speaker", "origin"]  # SPEC v0.2
            assert citation["origin"] in ("official", "independent", "foreign")


@pytest.mark.parametrize("command, kind", KINDS)
def test_json_forms_agree(command, kind):
    as_json = invoke(command, "--json").json()
    assert invoke(command, "--format", "json").json() == as_json
    assert invoke(command, "-f", "json").json() == as_json
    ndjson = invoke(command, "-f", "ndjson").stdout
    assert ndjson.endswith("\n")
    assert [json.loads(line) for line in ndjson.splitlines()] == as_json


@pytest.mark.parametrize("command, kind", KINDS)
def test_csv_round_trips(command, kind):
    out = invoke(command, "-f", "csv").stdout
    assert "\r" not in out
    rows = list(csv.reader(io.StringIO(out)))
    assert tuple(rows[0]) == FIELDS[kind]
    records = invoke(command, "--json").json()
    assert [row[0] for row in rows[1:]] == [r["id"] for r in records]
    for row, record in zip(rows[1:], records, strict=True):
        cells = dict(zip(rows[0], row, strict=True))
        if "citations" in cells:
            assert cells["citations"].split(";") == list(dict.fromkeys(c["source"] for c in record["citations"]))
        for field in ("aliases", "tags", "places", "actors", "regions"):
            if field in cells:  # lists split back exactly
                assert (cells[field].split(";") if cells[field] else []) == record[field]


def test_csv_lists_are_joined():
    rows = list(csv.DictReader(io.StringIO(invoke("timeline", "--date", "2022-01-05", "--coarse", "-f", "csv").stdout)))
    csto = next(r for r in rows if r["id"] == "2022-01-csto-deployment")
    assert csto["actors"] == "csto;russia"
    assert csto["end_date"] == "" and csto["time"] == ""


def test_json_is_utf8_not_escaped():
    out = invoke("places", "--json").stdout
    assert "Маңғыстау облысы" in out
    assert "\\u" not in out


def test_json_stdout_is_only_json():
    run = invoke("timeline", "--json")
    json.loads(run.stdout)
    assert run.stderr == ""


def test_strings_from_data_are_not_markup():
    out = invoke("timeline", "--date", "2022-01-05", "--region", "almaty").stdout
    assert "[bold]as told[/bold]" in out


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv"])
def test_fields_select_and_order_the_fields(fmt):
    out = invoke("figures", "--fields", "value,id", "-f", fmt).stdout
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert rows[0] == ["value", "id"] and len(rows[1]) == 2
    else:
        records = json.loads(out) if fmt == "json" else [json.loads(line) for line in out.splitlines()]
        assert records and all(list(r) == ["value", "id"] for r in records)


@pytest.mark.parametrize("value, fragment", [
    ("id,bogus", "figures have no field 'bogus'; their fields are: id, label"),
    ("id,,label", "names an empty field"),
    ("id,label,id", "id given twice"),
])
def test_fields_refuses_unknown_empty_and_repeated_names(value, fragment):
    assert_usage_error(invoke("figures", "--fields", value, "--json", ok=False), "--fields", fragment)


def test_fields_needs_a_machine_format():
    assert_usage_error(invoke("figures", "--fields", "id", ok=False), "json, ndjson and csv")


@pytest.mark.parametrize("spelling", ["JSON", "Json", "json"])
def test_formats_are_case_insensitive(spelling):
    assert invoke("sources", "-f", spelling).json() == invoke("sources", "--json").json()


def test_csv_objects_are_json_text_and_split_back_exactly(tmp_path):
    from conftest import MINI

    text = MINI.read_text(encoding="utf-8").replace(
        '"Kazinform: on 1 January, in Zhanaozen."', '"Kazinform: on 1 January; in Zhanaozen, at 17:20."')
    path = tmp_path / "kb.yaml"
    path.write_text(text, encoding="utf-8")
    [row] = list(csv.DictReader(io.StringIO(invoke("disputes", "-f", "csv", data=path).stdout)))
    positions = json.loads(row["positions"])
    assert positions == invoke("disputes", "--json", data=path).json()[0]["positions"]
    assert positions[0]["claim"] == "Kazinform: on 1 January; in Zhanaozen, at 17:20."


def test_a_semicolon_in_an_alias_is_refused(tmp_path):
    from conftest import MINI

    path = tmp_path / "kb.yaml"
    path.write_text(MINI.read_text(encoding="utf-8").replace('aliases: ["CSTO"]', 'aliases: ["CSTO; ODKB"]'),
                    encoding="utf-8")
    run = invoke("validate", str(path), data=None, ok=False)
    assert run.code == 1 and "aliases[0]" in run.stdout
