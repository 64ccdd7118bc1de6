"""Fuzzing the command line's arguments: any text, any length, any combination.

The contract (SPEC, "Exit codes" and "Reliability promises"): whatever a
user types, ``qantar`` ends with 0, 1 or 2, never lets an exception escape,
and never prints a raw control character on stderr, where the user's own
words are echoed back in error messages.

Commands and their options are read from the Click group itself, so a new
command or option is fuzzed without touching this file. The suite runs a
few dozen examples per command; for a longer run:

    QANTAR_FUZZ_EXAMPLES=2000 pytest tests/test_fuzz_cli.py
"""

from __future__ import annotations

import os
import re

import click
import pytest
from click.testing import CliRunner
from conftest import MINI, TESTS
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from qantar_cli.cli import cli

EXAMPLES = int(os.environ.get("QANTAR_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

#: What must never reach the terminal raw. A newline ends a message and is allowed.
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

# Characters a terminal acts on, offered often; NUL is left out because no
# real command line can carry it (argv entries are C strings).
CONTROLS = "\x01\x07\x08\t\n\r\x1b\x7f\x85\x9b\u2028\u2029\u202a\u202e\u2066\u2069"
CHARS = st.one_of(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), st.sampled_from(CONTROLS))
TEXT = st.text(alphabet=CHARS, max_size=24)
LONG = st.builds(lambda piece, n: (piece or "x") * n, TEXT, st.integers(200, 5_000))
KNOWN = st.sampled_from([
    # values that mean something to the fixture, so that some runs get past the parsing
    "2022", "2022-01", "2022-01-05", "2022-13", "2022-02-30", "0000", "mangistau", "Mangystau Region", "almaty",
    "kazakhstan", "official", "independent", "iwpr", "kazinform", "Masimov", "csto", "casualties", "person",
    "karim-massimov", "2022-01-05-state-of-emergency", "trt-2023-coup-attempt", "Маңғыстау", "état",
    "\x1b[31mred\x1b[0m", "\x1b]8;;https://example.org\x07link\x1b]8;;\x07", "[bold]x[/bold]", "a\u202eb",
    "", " ", "-", "--", "--json", "-f", "--help", "%s", "{}", "\\", "'", '"',
])
# A meaningful value wrapped in controls: gets past the parsing that random text never passes.
PADDED = st.builds(lambda before, value, after: before + value + after,
                   st.text(alphabet=st.sampled_from(CONTROLS + " "), max_size=2), KNOWN,
                   st.text(alphabet=st.sampled_from(CONTROLS + " "), max_size=2))
VALUE = st.one_of(KNOWN, PADDED, TEXT, LONG)


def option_values(param: click.Parameter) -> st.SearchStrategy[str]:
    """Values for one parameter: its own choices (in any case) as often as anything else."""
    if isinstance(param.type, click.Choice):
        choices = [str(c) for c in param.type.choices]
        return st.one_of(st.sampled_from(choices), st.sampled_from(choices).map(str.upper), VALUE)
    if isinstance(param.type, click.Path):
        return st.one_of(st.sampled_from([str(MINI), str(TESTS / "fixtures"), str(TESTS), "/nonexistent"]), VALUE)
    return VALUE


@st.composite
def command_line(draw, name: str) -> list[str]:
    """``[global options] NAME [its options and arguments, in any order, some repeated] [stray words]``."""
    command = cli.commands[name]
    parts: list[list[str]] = []
    for param in command.params:
        for _ in range(draw(st.integers(0, 2))):  # absent, once, or repeated
            if isinstance(param, click.Option):
                flag = draw(st.sampled_from(param.opts))
                parts.append([flag] if param.is_flag else [flag, draw(option_values(param))])
            else:
                parts.append([draw(option_values(param))])
    if draw(st.integers(0, 5)) == 0:
        parts.append([draw(VALUE)])  # a stray word or option
    order = draw(st.permutations(parts))
    head = draw(st.lists(st.sampled_from(["--no-color", "--help", "--version"]), max_size=1))
    tail = draw(st.lists(st.sampled_from(["--help", "-h"]), max_size=1)) if draw(st.integers(0, 9)) == 0 else []
    return head + [name] + [word for part in order for word in part] + tail


def invoke(args: list[str], columns: str = "80"):
    result = CliRunner().invoke(cli, ["--data", str(MINI), *args], env={"COLUMNS": columns, "LINES": "40"})
    where = f"qantar --data {MINI} {args!r} (COLUMNS={columns})"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{where} raised {result.exception!r}") from result.exception
    assert result.exit_code in (0, 1, 2), (where, result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr, (where, result.stderr)
    return result, where


def assert_no_raw_controls(stderr: str, where: str) -> None:
    raw = CONTROL.search(stderr)
    assert raw is None, (where, f"raw {raw.group()!r} on stderr", stderr[:2000])


def run(args: list[str], columns: str) -> None:
    result, where = invoke(args, columns)
    assert_no_raw_controls(result.stderr, where)


COLUMNS = st.one_of(st.integers(1, 300).map(str), st.sampled_from(["80", "40", "", "0", "-5", "abc", "99999999"]))


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_takes_any_arguments(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # export writes the files it is given here

    @FUZZ
    @given(args=command_line(name), columns=COLUMNS)
    def check(args, columns):
        run(args, columns)

    check()


@FUZZ
@given(args=st.lists(VALUE, max_size=6), columns=COLUMNS)
@example(args=["\x1b[31m"], columns="80")  # an unknown command named with an escape sequence
def test_any_words_at_all(args, columns):
    run(args, columns)


# -- inputs the fuzzer once found, kept as regression cases -----------------------------


@pytest.mark.parametrize("args", [
    ["actors", "2022", "\x1f"],
    ["show", "2022", "\x9b31mred"],  # C1 CSI: Click strips ESC [ sequences off a non-terminal, not this
    ["disputes", "\x08:"],
    ["validate", "kb.yaml", "+\\\x81"],
    ["timeline", "\x07bell"],
])
def test_an_extra_argument_is_echoed_escaped(args):
    result, where = invoke(args)
    assert result.exit_code == 2
    assert_no_raw_controls(result.stderr, where)


@pytest.mark.parametrize("args", [
    ["timeline", "--source", "official\x0b", "--date", "2021"],
    ["timeline", "--region", "mangistau\x1c", "--date", "2021"],
    ["timeline", "--actor", "csto\u2028", "--date", "2021"],
    ["figures", "--region", "almaty\x85", "--date", "2021"],
    ["actors", "csto\x1f", "--kind", "state"],
    ["sources", "iwpr\x0b", "--date", "2021"],
])
def test_an_empty_result_names_the_filters_escaped(args):
    result, where = invoke(args)
    assert result.exit_code == 0
    assert_no_raw_controls(result.stderr, where)


@pytest.mark.parametrize("args", [
    ["figures", "--category", "casualties\x85"],
    ["timeline", "--tag", "csto\x1b[31m"],
    ["places", "--kind", "city\u202e"],
    ["timeline", "-f", "json\x9b"],
])
def test_a_wrong_closed_set_value_is_echoed_escaped(args):
    result, where = invoke(args)
    assert result.exit_code == 2
    assert "Use one of:" in result.stderr
    assert_no_raw_controls(result.stderr, where)
