"""``qantar disputes`` and ``qantar show ID``."""

import pytest
from conftest import MINI, assert_usage_error, invoke

from qantar_cli.collections import BY_KEY

FIELDS = {key: c.names for key, c in BY_KEY.items()}


@pytest.mark.parametrize(
    "args, expected",
    [
        ([], ["protest-start-date"]),
        (["--source", "iwpr"], ["protest-start-date"]),
        (["--source", "official"], ["protest-start-date"]),
        (["--source", "trt"], []),
    ],
)
def test_disputes_filters(args, expected):
    assert invoke("disputes", *args, "--json").ids() == expected


def test_dispute_json_and_table():
    [dispute] = invoke("disputes", "--json").json()
    assert tuple(dispute) == FIELDS["disputes"]
    assert [p["origin"] for p in dispute["positions"]] == ["official", "independent"]
    assert list(dispute["positions"][0]) == ["claim", "origin", "citations"]
    out = invoke("disputes").stdout
    assert "When did the protests begin?" in out
    header = next(line for line in out.splitlines() if "Official accounts" in line)
    assert header.index("Official accounts") < header.index("Independent accounts")
    official_row = next(line for line in out.splitlines() if "Kazinform: on 1 January" in line)
    assert "IWPR: on 2 January" in official_row  # side by side, on one line


@pytest.mark.parametrize("columns", ["40", "59", "60", "100"])
def test_a_disputes_note_is_printed_at_every_width(columns):
    """In: the note under the dispute, as sections (60 columns and more) or as the last field of its block.
    Out: nothing of the dispute lost below 60 columns, where the note used to be dropped."""
    out = invoke("disputes", env={"COLUMNS": columns}).stdout
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= int(columns)
    assert "The sources differ by a day." in " ".join(line.strip() for line in lines)
    if int(columns) < 60:
        assert lines[-2:] == ["Note:", "  The sources differ by a day."]
        assert "Question:" in lines and "Official accounts:" in lines
    else:
        assert lines[-1] == "Note: The sources differ by a day."


@pytest.mark.parametrize(
    "ident, kind_fields, in_table",
    [
        ("kassym-jomart-tokayev", "actors", ["Actor kassym-jomart-tokayev", "Kasym-Zhomart", "Related events (2)",
                                             "2022-01-05-state-of-emergency", "Related figures (1)"]),
        ("Masimov", "actors", ["Actor karim-massimov"]),
        ("2022-01-05-almaty-airport", "events", ["Event 2022-01-05-almaty-airport", "“captured the Almaty city's",
                                                 "kazinform-2025-chronology", "Related actors"]),
        ("killed-official", "figures", ["Figure killed-official", "238", "Kassym-Jomart Tokayev"]),
        ("iwpr-2023-year-on", "sources", ["Source iwpr-2023-year-on", "Related events (3)", "Related figures (3)"]),
        ("mangystau-region", "places", ["Place mangystau-region", "Related places (2)", "2022-01-01-zhanaozen-protest"]),
        ("Mangistau", "places", ["Place mangystau-region"]),
        ("protest-start-date", "disputes", ["Position 1 (official)", "Position 2 (independent)"]),
        ("kazinform", "sources", ["Source kazinform-2025-chronology"]),
    ],
)
def test_show(ident, kind_fields, in_table):
    out = invoke("show", ident).stdout
    for fragment in in_table:
        assert fragment in out
    record = invoke("show", ident, "--json").json()  # one reference: the object itself
    assert tuple(record) == FIELDS[kind_fields]


def test_each_citation_names_whose_words_it_carries():
    """A quote's voice follows its speaker (SPEC, citations): the line under its source names the
    speaker, or says the quote is the article's own narration, beside the origin that follows."""
    quoted = invoke("show", "killed-official", env={"COLUMNS": "100"}).stdout
    block = quoted[quoted.index("Citations (1)"):]
    assert "iwpr-2023-year-on" in block and "Kassym-Jomart Tokayev · official" in block
    assert "its own narration" not in block and "· independent" not in block
    narrated = invoke("show", "2022-01-05-almaty-airport", env={"COLUMNS": "100"}).stdout
    block = narrated[narrated.index("Citations ("):narrated.index("Related")]
    assert "its own narration · official" in block and "Tokayev" not in block


def test_show_related_are_right():
    out = invoke("show", "csto").stdout
    assert "2022-01-csto-deployment" in out
    assert "2022-01-01-zhanaozen-protest" not in out


def test_show_unknown_id_suggests():
    run = invoke("show", "karim-masimoff", ok=False)
    assert_usage_error(run, "No record has the id or name 'karim-masimoff'", "karim-massimov")


def test_show_takes_several_references():
    out = invoke("show", "Masimov", "csto").stdout
    assert "Actor karim-massimov" in out and "Actor csto" in out
    records = invoke("show", "Masimov", "csto", "--json").json()
    assert [r["id"] for r in records] == ["karim-massimov", "csto"]
    lines = invoke("show", "Masimov", "csto", "-f", "ndjson").stdout.splitlines()
    assert len(lines) == 2


def test_show_refuses_several_kinds_in_one_machine_format():
    run = invoke("show", "Masimov", "2022-01-05-almaty-airport", "--json", ok=False)
    assert_usage_error(run, "records of one kind", "actors, events")
    assert "Event 2022-01-05-almaty-airport" in invoke("show", "Masimov", "2022-01-05-almaty-airport").stdout


def test_show_names_the_first_bad_reference_and_counts_the_rest():
    run = invoke("show", "nope-one", "csto", "nope-two", "nope-three", ok=False)
    assert_usage_error(run, "No record has the id or name 'nope-one'", "2 more references not found either")


def test_an_id_given_to_a_list_command_points_to_show():
    run = invoke("disputes", "coup-attempt-or-protest", ok=False)
    assert_usage_error(run, "unexpected extra argument (coup-attempt-or-protest)",
                       "use qantar show coup-attempt-or-protest.")


@pytest.mark.parametrize(("args", "hint", "not_said"), [
    (["timeline", "2022-01-05"], "to filter by date, use --date 2022-01-05.", "qantar show"),
    (["timeline", "05.01.2022"], "to filter by date, use --date YYYY-MM-DD.", "qantar search"),
    (["figures", "casualties"], "use qantar search casualties; for filters, --help.", "qantar show"),
    (["places", "Almaty", "city"], "use qantar search Almaty city;", "--date"),
    (["disputes", "it's"], "use qantar search 'it'\"'\"'s';", "--date"),  # quoted as a shell needs it
    (["timeline", "\x1b[31m"], "use qantar show ID; to find words, qantar search.", "\x1b"),
])
def test_a_stray_argument_to_a_list_command_gets_the_hint_its_shape_suggests(args, hint, not_said):
    """In: the one hint that fits what was typed. Out: the others, and anything a terminal would interpret."""
    run = invoke(*args, ok=False)
    assert_usage_error(run, "unexpected extra argument", hint)
    lines = run.stderr.splitlines()
    assert not_said not in run.stderr and len(lines) == 4 and lines[-1].startswith("Error: ")  # one error line


@pytest.mark.parametrize("columns", [str(w) for w in range(60, 101, 4)])
def test_a_source_id_in_a_dispute_stays_on_the_side_that_cites_it(columns):
    """Sides side by side only when each side's source ids fit inside it; else the section is a block
    a side. Out (61 to 79 columns, the bundled file): a 35-character id of the official side moved below
    both sides, or one of the independent side at the left edge, under the official side."""
    out = invoke("disputes", data=None, env={"COLUMNS": columns}).stdout
    sources = [s["id"] for s in invoke("sources", "--json", data=None).json()]
    border = None
    for line in out.splitlines():
        if line.startswith("Official accounts ") and "Independent accounts" in line:
            border = line.index("Independent accounts")  # a side-by-side section starts
        elif line.startswith("Note:") or line.endswith("accounts:"):  # the section ends, or is blocks
            border = None
        elif border is not None:
            for source in sources:
                at = line.find(source)
                if at != -1:
                    assert at + len(source) <= border - 2 or at >= border, (columns, line)


def test_a_source_id_too_wide_for_its_column_is_never_below_its_quote(tmp_path):
    """A citation's source stands above its quote: blocks when the id does not fit its column.
    Out (80 columns, a 70-character id): the quote on the first line, its source on the line below."""
    wide = "iwpr-2023-year-on-" + "x" * 52
    data = tmp_path / "wide.yaml"
    data.write_text(MINI.read_text(encoding="utf-8").replace("iwpr-2023-year-on", wide), encoding="utf-8")
    out = invoke("show", "killed-official", data=data, env={"COLUMNS": "80"}).stdout
    block = out[out.index("Citations (1)"):out.index("Related")]
    assert block.index(wide) < block.index("Official figures set the number")
    assert "Source, speaker:" in block
