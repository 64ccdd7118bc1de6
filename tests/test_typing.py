"""Plain scalars are typed as PyYAML types them, with or without PyYAML.

``yamlread.common_plain`` reads the plain scalars knowledge files are made
of (text, decimal numbers, days, months, booleans, nulls) without importing
PyYAML, and leaves anything else to it. Both readers type through it, so
comparing the two readers cannot catch a mistake here: these tests compare
it with PyYAML's own resolver and constructors instead, on YAML 1.1's
corner cases and on random text made of the characters numbers, dates and
YAML's words are made of. For a longer run:

    QANTAR_FUZZ_EXAMPLES=20000 pytest tests/test_typing.py
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from qantar_cli.errors import DataError
from qantar_cli.kb import yamlread

EXAMPLES = int(os.environ.get("QANTAR_FUZZ_EXAMPLES", "60")) * 25
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))


def typed(found):
    value, as_text = found
    return type(value).__name__, repr(value), as_text


def by_pyyaml(value: str):
    """What PyYAML's resolver and constructors make of an untagged plain scalar (through ``Typing.typed``)."""
    typing = yamlread.Typing("kb.yaml")
    _, node, resolver, _ = typing._library()
    try:
        return typed(typing.typed(resolver.resolve(node, value, (True, False)), value))
    except DataError as error:
        return "refused", str(error)


def agrees(value: str) -> bool:
    """The property: ``common_plain`` leaves the scalar to PyYAML, or reads it as PyYAML does. Whether it read."""
    found = yamlread.common_plain(value)
    if found is None:
        return False
    assert typed(found) == by_pyyaml(value), value
    return True


#: Read without PyYAML: what knowledge files hold, and the near misses of each form.
READ_HERE = [
    "", "text", "official-account", "Almaty", "Жанаозен", "18 years", "3,000", "695.5 million", "2022-01", "2025-01",
    "2022-01-05", "2024-02-29", "0", "-0", "+0", "7", "238", "-12", "+12", "123456789012345", "43.25249", "-0.0",
    "+1.5", "01.5", "0.0", "null", "Null", "NULL", "~", "yes", "Yes", "YES", "no", "No", "NO", "true", "True",
    "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "nULL", "yES", "oN", "tRUE", "nil",
    "none", "None", "y", "n", "Y", "N", "~x", "<<x", "=x", "!x", "&x", "*x", ":x", "1,5", "1.5 m", "-texts",
    "2022-01-05-almaty", "4fba8ed748a5", "4FBA8ED7", "1a", "1e5a", "0B1", "Inf", "NaN", "infinity", "+1 km", ".5 km",
]
#: Left to PyYAML: numbers in other notations, timestamps with times, dates that are not real, YAML's symbols.
LEFT_TO_PYYAML = [
    "00", "007", "0777", "0b101", "0x1F", "-0x1f", "1_000", "1_000.5", "1:30", "190:20:30.15", "1e5", "1.0e+5",
    "1.", ".5", "-.5", ".inf", "-.Inf", "+.INF", ".nan", ".NaN", "1234567890123456", "1.1234567890123456",
    "2022-02-30", "0000-01-01", "2022-1-5", "2022-01-5", "2022-01-05T10:00:00Z", "2022-01-05 10:00:00",
    "2022-01-05t10:00:00.5+06:00", "2022-01-05 ", "<<", "=", "!", "&", "*", "1\n2", "yes\n", "-1-2",
    "12:30", "1.2.3", "--1", "+-1", "1e", "0x", "0b",
    "1 2", "2022 -01", "2022-1", "-", "+", ".", "..", "-text", ".beef", "0x4fba", "1.5f", "0b1",  # made of what numbers are made of
]


@pytest.mark.parametrize("value", READ_HERE)
def test_the_common_forms_are_read_as_pyyaml_reads_them(value):
    assert agrees(value)


@pytest.mark.parametrize("value", LEFT_TO_PYYAML)
def test_other_forms_are_left_to_pyyaml(value):
    assert yamlread.common_plain(value) is None
    assert yamlread.Typing("kb.yaml").plain(value) if by_pyyaml(value)[0] != "refused" else True


@pytest.mark.parametrize("value", ["2022-02-30", "0000-01-01", "1" * 401, "1.0e+999", "0x" + "f" * 300])
def test_what_pyyaml_refuses_is_still_refused_with_its_message(value):
    with pytest.raises(DataError) as raised:
        yamlread.Typing("kb.yaml").plain(value)
    assert by_pyyaml(value) == ("refused", str(raised.value))


#: The characters YAML 1.1's numbers, timestamps, booleans and nulls are made of, and a few that end them.
ALPHABET = "0123456789" * 3 + "-+._:" * 2 + " \teExXabcdfABCDEFinINtTZ~yYnNoOlLsSuU<=!&*,/"


@FUZZ
@given(value=st.text(ALPHABET, min_size=1, max_size=24))
@example(value="2022-01-05")
@example(value="1:0")
def test_random_scalars(value):
    agrees(value)


@FUZZ
@given(year=st.integers(0, 9999), month=st.integers(0, 19), day=st.integers(0, 39))
def test_every_day_and_month(year, month, day):
    try:
        real = bool(datetime.date(year, month, day))
    except ValueError:
        real = False
    assert agrees(f"{year:04}-{month:02}-{day:02}") == real  # a day that is not real is PyYAML's to refuse
    assert agrees(f"{year:04}-{month:02}")


@FUZZ
@given(number=st.one_of(st.integers(-10**16, 10**16), st.floats(allow_nan=False, allow_infinity=False)))
def test_numbers_as_python_writes_them(number):
    agrees(str(number))
    agrees(f"{number:.6f}" if isinstance(number, float) else f"+{number}")


def test_the_bundled_file_is_read_without_pyyaml(tmp_path):
    """A first, uncached load of the bundled file never imports PyYAML: all its scalars are read here."""
    code = ("import sys\n"
            "from qantar_cli.kb import store\n"
            "kb = store.load(use_cache=False)\n"
            "assert kb.counts()['events'] > 0\n"
            "sys.stdout.write('yaml' if 'yaml' in sys.modules else 'clean')\n")
    env = dict(os.environ, QANTAR_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("QANTAR_DATA", None)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "clean"
