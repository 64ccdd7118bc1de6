"""Fuzzing the loader and the command line.

The contract: whatever the input, the only failures a user can see are the
project's own ``DataError`` (exit 1) and usage errors (exit 2); nothing else
escapes, and tables never carry raw control characters.

The suite runs a few dozen examples of each. For a longer run:

    QANTAR_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py
"""

import io
import os
import random
import re

from click.testing import CliRunner
from conftest import MINI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qantar_cli import load, select
from qantar_cli.cli import cli
from qantar_cli.collections import BY_KEY
from qantar_cli.errors import DataError
from qantar_cli.kb.store import KnowledgeBase, parse
from qantar_cli.out.writers import write

EXAMPLES = int(os.environ.get("QANTAR_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
GOOD = MINI.read_bytes()
BASE = load(MINI, use_cache=False)
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def mutate(data: bytes, seed: int, edits: int) -> bytes:
    rnd = random.Random(seed)
    buf = bytearray(data)
    lines = data.split(b"\n")
    for _ in range(edits):
        op = rnd.randrange(6)
        if op == 0 and buf:  # flip a byte
            buf[rnd.randrange(len(buf))] = rnd.randrange(256)
        elif op == 1:  # insert a YAML-significant character
            buf.insert(rnd.randrange(len(buf) + 1), rnd.choice(b":-[]{}&*!|>'\"#%@`\t\n ,?"))
        elif op == 2 and buf:  # delete a run
            i = rnd.randrange(len(buf))
            del buf[i:i + rnd.randrange(1, 20)]
        elif op == 3 and lines:  # duplicate a line
            i = rnd.randrange(len(lines))
            lines.insert(i, lines[i])
            buf = bytearray(b"\n".join(lines))
        elif op == 4 and lines:  # drop a line
            del lines[rnd.randrange(len(lines))]
            buf = bytearray(b"\n".join(lines))
        else:  # swap two lines
            i, j = rnd.randrange(len(lines)), rnd.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            buf = bytearray(b"\n".join(lines))
    return bytes(buf)


@FUZZ
@given(seed=st.integers(0, 2**32), edits=st.integers(1, 12))
def test_loader_only_ever_raises_data_error(seed, edits):
    data = mutate(GOOD, seed, edits)
    try:
        records, problems = parse(data, "fuzz.yaml")
    except DataError as exc:
        assert exc.problems and all(str(p).startswith("fuzz.yaml") for p in exc.problems)
        return
    assert (records is None) == bool(problems)
    if records is not None:  # a mutation that is still valid must query and render
        kb = KnowledgeBase(records, "fuzz.yaml")
        for kind in ("events", "figures", "actors", "sources", "disputes"):
            write("json", select(kb, kind), BY_KEY[kind], io.StringIO())


@FUZZ
@given(st.binary(max_size=400))
def test_loader_on_arbitrary_bytes(data):
    try:
        parse(data, "bytes.yaml")
    except DataError:
        pass


VALUES = st.one_of(
    st.sampled_from(["2022", "2022-01", "2022-01-05", "2022-13", "2022-02-30", "0000", "", " ", "almaty", "mangistau",
                     "kazakhstan", "official", "independent", "iwpr", "Masimov", "csto", "casualties", "person",
                     "-", "--json", "[bold]", "\x1b[31m", "état", "Маңғыстау"]),
    st.text(max_size=12),
)
OPTIONS = ["--date", "--from", "--to", "--region", "--source", "--actor", "--category", "--kind", "--format", "-f"]
FLAGS = ["--json", "--help"]


@st.composite
def argv(draw):
    command = draw(st.sampled_from(["timeline", "figures", "actors", "sources", "disputes", "places", "show", "nope"]))
    args = [command]
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            args.append(draw(st.sampled_from(FLAGS)))
        elif kind == 1:
            args.append(draw(VALUES))
        else:
            args += [draw(st.sampled_from(OPTIONS)), draw(VALUES)]
    return args


@FUZZ
@given(args=argv())
def test_cli_only_ever_exits_0_1_or_2(args):
    result = CliRunner().invoke(cli, ["--data", str(MINI), *args], env={"COLUMNS": "80"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr
    if result.exit_code:
        assert result.stdout == "" and result.stderr.strip()


class FakeView:
    """What a table asks while drawing, without a knowledge base behind it."""

    no_color = True

    def __init__(self, name_of, width):
        self.name_of = name_of
        self.width = width

    def support(self, source_id):
        return "nothing"


DISPLAYED = {
    "events": ["title", "summary", "date"],
    "figures": ["label", "unit"],
    "actors": ["name", "summary"],
    "sources": ["title", "publisher", "publisher_kind"],
    "places": ["name", "note"],
}


@FUZZ
@given(kind=st.sampled_from(sorted(DISPLAYED)), text=st.text(), width=st.integers(20, 160),
       fmt=st.sampled_from(["table", "json", "ndjson", "csv"]))
def test_any_text_in_any_displayed_field_renders_safely(kind, text, width, fmt):
    records = [dict(r) for r in BASE[kind]]
    for field in DISPLAYED[kind]:
        if field != "date":
            records[0][field] = text
    out = io.StringIO()
    write(fmt, records, BY_KEY[kind], out, FakeView(lambda i: text if i == records[0]["id"] else i, width))
    shown = out.getvalue()
    if fmt == "table":
        assert not CONTROL.search(shown.replace("\n", ""))
        assert "\x1b" not in shown
    elif fmt in ("json", "ndjson"):
        assert "\x1b" not in shown and "\x00" not in shown
