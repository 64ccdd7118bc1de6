"""The fast reader gives exactly what the careful reader gives, or nothing.

``quickyaml.read`` may decline any file (it returns None and the careful
reader takes over); whenever it does read one, the values must be equal to
the careful reader's, type for type (``1``, ``1.0`` and ``True`` are equal in
Python but not in a knowledge file), and the file must be one the careful
reader reads at all. These tests hold it to that on the bundled file, the
fixture, every hostile and broken file of the other tests, hand-written
corner cases of YAML, and files generated at random. For a longer run:

    QANTAR_FUZZ_EXAMPLES=5000 pytest tests/test_quickyaml.py
"""

from __future__ import annotations

import os
import random
import re

import pytest
import yaml
from conftest import MINI, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_hostile import HOSTILE
from test_loading import CASES

from qantar_cli.errors import DataError
from qantar_cli.kb import quickyaml, store, yamlread
from qantar_cli.kb.files import bundled_path

EXAMPLES = int(os.environ.get("QANTAR_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))


def typed(value):
    """A value with its types spelt out, so that equality also compares types and key order."""
    if isinstance(value, dict):
        return "map", [(typed(k), typed(v)) for k, v in value.items()]
    if isinstance(value, list):
        return "list", [typed(v) for v in value]
    return type(value).__name__, value


def careful(text: str):
    try:
        return yamlread.read(text, "kb.yaml")[0]
    except DataError:
        return DataError


def agrees(text: str) -> bool:
    """The property: the fast reader declines, or reads what the careful one reads. Returns whether it read.

    Read noting lines (``read_lines``, for a file with problems), it also
    says where each value is as the careful reader does.
    """
    quick = quickyaml.read(text, "kb.yaml")
    noted = quickyaml.read_lines(text, "kb.yaml")
    assert (noted is None) == (quick is None)
    if quick is None or noted is None:
        return False
    expected = careful(text)
    assert expected is not DataError, "the fast reader read a file the careful reader refuses"
    assert typed(quick) == typed(expected) == typed(noted[0])
    same_lines(text, *noted)
    return True


def same_lines(text: str, root, lines) -> None:
    """``lines`` answers for ``root`` as the careful reader's ``Lines`` does for its reading of ``text``."""
    expected_root, expected = yamlread.read(text, "kb.yaml")
    stack = [((), root, expected_root)]
    while stack:
        path, node, other = stack.pop()
        assert lines.of(root, path) == expected.of(expected_root, path), path
        if isinstance(node, dict):
            for key in node:
                assert lines.raw(node, key) == expected.raw(other, key), (path, key)
                stack.append(((*path, key), node[key], other[key]))
            assert lines.raw(node, "no such key") is None
        elif isinstance(node, list):
            stack.extend(((*path, i), item, other[i]) for i, item in enumerate(node))
    assert sorted(lines.scalars()) == sorted(expected.scalars())


@pytest.mark.parametrize("path", [bundled_path(), str(MINI)], ids=["bundled", "fixture"])
def test_the_knowledge_files_are_read_fast_and_the_same(path):
    with open(path, encoding="utf-8") as handle:
        assert agrees(handle.read())


def test_a_generated_file_is_read_fast_and_the_same():
    from benchmarks.generate import generate

    for style in ({}, {"width": 40}, {"indent": 4}):
        assert agrees(yaml.safe_dump(generate(2), allow_unicode=True, sort_keys=False, **style))
    for style in ({"allow_unicode": False}, {"default_flow_style": None}):  # escapes over lines, flow mappings
        agrees(yaml.safe_dump(generate(2), sort_keys=False, **style))


def test_a_load_through_the_fast_reader_is_the_careful_load(monkeypatch):
    """End to end: records, and their order, are the same either way."""
    with open(bundled_path(), "rb") as handle:
        data = handle.read()
    fast = store.parse(data, "qantar.yaml")
    monkeypatch.setattr(quickyaml, "read", lambda text, name: None)
    slow = store.parse(data, "qantar.yaml")
    assert fast[1] == slow[1] == []
    assert typed(fast[0]) == typed(slow[0])


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files(name, tmp_path):
    """Each is declined, or read the same; either way the problems reported are the careful path's."""
    text = HOSTILE[name]
    if isinstance(text, bytes):
        return  # not UTF-8: refused before either reader
    text = text.replace("{marker}", "marker")
    if agrees(text):
        assert name in ("yaml11-no", "nan")  # YAML reads them well; the schema refuses what it read
    assert_same_problems(tmp_path, text)


def assert_same_problems(tmp_path, text):
    path = tmp_path / "kb.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as fast:
        store.load(path, use_cache=False)
    original = quickyaml.read
    try:
        quickyaml.read = lambda text, name: None
        with pytest.raises(DataError) as slow:
            store.load(path, use_cache=False)
    finally:
        quickyaml.read = original
    assert fast.value.lines() == slow.value.lines()


@pytest.mark.parametrize("text", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_files_keep_their_messages(text, tmp_path):
    """Files with problems: whatever the fast reader does, the problems are the careful path's, with lines."""
    agrees(text)
    assert_same_problems(tmp_path, text)


# Corner cases of YAML. Those marked fast must be read by the fast reader (it covers them); all must agree.
READ_FAST = {
    "the longest key YAML allows": "k" * 1024 + ": 1\n" + "b: 2\n",
    "plain": "a: b\n",
    "plain over lines": "a: one\n  two\n   three\nb: 1\n",
    "plain item over lines": "a:\n- one\n  two\n- three\n",
    "text that starts like an indicator": "a: foo\n  \"bar\" - [x] {y} 'z' &a *b !c |d >e %f @g ?h :i ,j\n",
    "trailing spaces": "a: b   \nc: 'd'  \n",
    "numbers": "a: 1\nb: -2\nc: 1.5\nd: 1e3\ne: +7\nf: 0\ng: .5\nh: 1_000\ni: 1.5e+3\nj: 1.5e-3\n",
    "special words": "a: null\nb: ~\nc: true\nd: False\ne: yes\nf: off\ng: On\nh: NULL\n",
    "dates and times": "a: 2022-01-05\nb: 2022-01-05 10:00:00\nc: 2022-01-05t10:00:00Z\nd: '2022-01-05'\n",
    "ids that look like dates": "a: 2022-01-05-almaty\nb: 2022-01-05x\nc: 1991-kazakhstan\n",
    "empty values": "a:\nb:   \nc: ''\nd: \"\"\ne: []\nf: {}\n",
    "single quotes": "a: 'it''s'\nb: '''quoted'''\nc: 'a # b: c'\nd: '  spaced  '\n",
    "single quotes over lines": "a: 'one two\n  three ''four''\n    five'\nb: 2\n",
    "double quotes": "a: \"x\"\nb: \"say \\\"hi\\\"\"\nc: \"\\e[31m \\x41 \\u0416 \\U0001F600 \\t \\\\ \\/ \\N \\_ \\L \\P \\0\"\n",
    "flow lists": "a: [x, 'y z', \"w\", 1, true, null, 2022-01-05]\nb: [ spaced , out ]\nc: []\n",
    "nested": "a:\n  b:\n    c: 1\n    d:\n    - x\n    - y: 1\n      z: 2\n  e: 3\nf: 4\n",
    "indentless lists": "a:\n- x\n- y\nb:\n- c: 1\n  d:\n  - e\n  f: 2\n",
    "indented lists": "a:\n    - x\n    -   y\n    -   k: v\n        l: w\n",
    "comments and blank lines": "# top\n\na: 1   \n\n  # indented comment\nb:\n  # inside\n  - x\n\n  - y\n# end\n",
    "literal": "a: |\n  one\n   two\n\n  three\nb: 1\n",
    "literal stripped": "a: |-\n  one\n  two\n\n\nb: 1\n",
    "folded": "a: >\n  one\n  two\n\n  three\n\n\n  four\nb: 1\n",
    "folded stripped, in a list": "a:\n  - claim: >-\n      one\n      two\n    by: x\n",
    "block with a hash": "a: |\n  # not a comment\n  x\n",
    "unicode": "a: Қазақстан\nb: [\"Алматы\", Ақтау]\nc: 'ő'\n",
    "keys that are words": "end_date: x\n_private: y\nA1: z\n",
    "a key after a long list": "a:\n- 1\n- 2\nb: c\n",
    "document without a final newline": "a: b",
    "plain over lines at the end, no final newline": "a: one\n  two",
    "literal at the end, no final newline": "a: |\n  x",
    "folded at the end, no final newline": "a: >\n  x\n  y",
    "literal in a list at the end, no final newline": "a:\n- |\n  x\n\n  y",
    "literal at the end, with blank lines after": "a: |\n  x\n\n",
    "stripped literal at the end, no final newline": "a: |-\n  x",
    "a key seen with a value, then alone": "a:\n  b: 1\nc:\n  b:\n  - x\n",
    "a key seen alone, then with a value": "a:\n  b:\n  - x\nc:\n  b: 1\n",
    "plain items over lines, then a key": "a:\n- one\n  two\n- three\n  four\nb: five\n  six\n",
}
LEFT_TO_THE_CAREFUL_READER = {
    "a key longer than YAML allows": "k" * 1025 + ": 1\n",
    "a list item's key longer than YAML allows": "a:\n- " + "k" * 1025 + ": 1\n",
    "a nested key longer than YAML allows": "a:\n  b:\n    " + "k" * 1025 + ": 1\n",
    "a comment after a value": "a: b # c\n",
    "a tab": "a:\tb\n",
    "a carriage return": "a: b\r\nc: d\r\n",
    "an anchor": "a: &x 1\nb: *x\n",
    "a tag": "a: !!str 1\n",
    "a flow mapping": "a: {b: 1}\n",
    "a nested flow list": "a: [[1]]\n",
    "a flow list over lines": "a: [1,\n  2]\n",
    "a key with a space": "a b: 1\n",
    "a quoted key": "'a': 1\n",
    "a number key": "1: a\n",
    "a null key": "null: a\n",
    "a boolean key": "yes: a\n",
    "a duplicate key": "a: 1\na: 2\n",
    "a duplicate nested key": "a:\n  b: 1\n  b: 2\n",
    "a complex key": "? a\n: b\n",
    "a mapping value in a plain scalar": "a: b: c\n",
    "a colon in a continuation": "a: b\n  c: d\n",
    "a blank line inside a plain scalar": "a: b\n\n  c\n",
    "a keep block scalar": "a: |+\n  x\n\nb: 1\n",
    "an indentation indicator": "a: |2\n   x\n",
    "a more indented folded line": "a: >\n  x\n    y\n  z\n",
    "an empty block scalar": "a: |\nb: 1\n",
    "a double-quoted scalar over lines": "a: \"x\n  y\"\n",
    "an unknown escape": "a: \"\\q\"\n",
    "a surrogate escape": "a: \"\\ud800\"\n",
    "octal": "a: 0777\n",
    "base 60": "a: 1:30\n",
    "hexadecimal in a list": "a: [0x1F]\n",
    "a huge number": "a: " + "9" * 500 + "\n",
    "an infinite number": "a: 1.0e+999\n",
    "a second document": "a: 1\n---\nb: 2\n",
    "a document end": "a: 1\n...\n",
    "a directive": "%YAML 1.1\n---\na: 1\n",
    "a list at the top": "- a\n- b\n",
    "a scalar at the top": "a\n",
    "a known key without its colon": "a:\n  b: 1\nc:\n  b\n",
    "a known bare key without its colon": "a:\n  b:\n  - x\nc:\n  d: 1\n  b\n",
    "nothing": "",
    "only comments": "# nothing\n",
    "an item with nothing": "a:\n-\n- b\n",
    "a list in a list": "a:\n- - b\n",
    "a list under a key with a value": "a: b\n- c\n",
    "a deeper key without a parent": "a: b\n  c: d\n",
    "a shallower key": "a:\n    b: 1\n  c: 2\n",
    "a key beside a list": "a:\n  - x\n  b: 1\n",
    "text after a closing quote": "a: 'x' y\n",
    "a byte order mark inside": "a: \ufeffb\n",
    "a line separator": "a: b\u2028c\n",
    "a control character": "a: b\x01\n",
    "a delete character": "a: b\x7f\n",
    "too deep": "".join("  " * i + f"k{i}:\n" for i in range(40)) + "  " * 40 + "x: 1\n",
    "too far right": "a:\n" + " " * 300 + "b: 1\n",
}


@pytest.mark.parametrize("text", READ_FAST.values(), ids=READ_FAST.keys())
def test_the_common_style_is_read_fast_and_the_same(text):
    assert agrees(text)


@pytest.mark.parametrize("text", LEFT_TO_THE_CAREFUL_READER.values(), ids=LEFT_TO_THE_CAREFUL_READER.keys())
def test_anything_else_is_left_to_the_careful_reader(text):
    assert not agrees(text)


# -- random files: PyYAML's own output in its many styles, then damaged --------------------------

KEYS = st.sampled_from(["id", "name", "value", "a_b", "x1", "on", "null", "Yes", "y", "n", "when", "date"])
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30) | st.sampled_from(
    ["", " ", "a b", "it's", 'say "x"', "a: b", "a #b", "- x", "[x]", "2022-01-05", "17:20", "0777", "1_000", "~",
     "null", "yes", "No", ".inf", "-.5", "1e3", "0x1F", "x\ny", "x\n\ny\n", " lead", "trail ", "Қазақ", "ő",
     "\t", "a\\b", "#", "&a", "*a", "!t", "%", "@", "`", "'", '"', "|", ">", "? x", ": x"])
SCALAR = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False) | TEXT
VALUE = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
                     max_leaves=25)
STYLE = st.fixed_dictionaries({
    "default_flow_style": st.sampled_from([False, None]),
    "width": st.sampled_from([20, 40, 80, 1000]),
    "indent": st.sampled_from([2, 3, 4]),
    "allow_unicode": st.booleans(),
    "default_style": st.sampled_from([None, None, None, "'", '"', "|", ">"]),
})


@FUZZ
@given(document=st.dictionaries(KEYS, VALUE, min_size=1, max_size=6), style=STYLE, final_newline=st.booleans())
def test_pyyaml_output_in_any_style(document, style, final_newline):
    text = yaml.safe_dump(document, sort_keys=False, **style)
    agrees(text if final_newline else text.rstrip("\n"))


def damaged(text: str, seed: int, edits: int) -> str:
    """Line-level damage: indentation moved, lines deleted, doubled or swapped, characters inserted."""
    rnd = random.Random(seed)
    lines = text.split("\n")
    for _ in range(edits):
        at = rnd.randrange(len(lines))
        op = rnd.randrange(6)
        if op == 0:
            lines[at] = " " * rnd.randrange(1, 4) + lines[at]
        elif op == 1:
            lines[at] = lines[at][rnd.randrange(1, 4):]
        elif op == 2 and len(lines) > 1:
            del lines[at]
        elif op == 3:
            lines.insert(at, lines[rnd.randrange(len(lines))])
        elif op == 4:
            i = rnd.randrange(len(lines[at]) + 1)
            lines[at] = lines[at][:i] + rnd.choice([":", " ", "- ", "'", '"', "#", "\\", "[", "]", "|", ">", "x"]) \
                + lines[at][i:]
        else:
            lines[at] = ""
    return "\n".join(lines)


@FUZZ
@given(document=st.dictionaries(KEYS, VALUE, min_size=1, max_size=6), style=STYLE,
       seed=st.integers(0, 2**32), edits=st.integers(1, 4))
def test_damaged_files(document, style, seed, edits):
    agrees(damaged(yaml.safe_dump(document, sort_keys=False, **style), seed, edits))


@FUZZ
@given(seed=st.integers(0, 2**32), edits=st.integers(1, 6))
def test_damaged_knowledge_files(seed, edits):
    agrees(damaged(MINI.read_text(encoding="utf-8"), seed, edits))


def test_the_reader_stays_in_its_layer():
    source = (ROOT / "qantar_cli" / "kb" / "quickyaml.py").read_text(encoding="utf-8")
    assert "import yaml" not in source  # PyYAML comes in only through the careful reader's typing


#: What the careful reader treats specially, as a set of characters: the definition ``quickyaml.unusual`` must keep.
SPECIAL = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")


def test_unusual_characters_are_found_in_the_bytes_exactly_as_the_characters_say():
    edges = [*range(0x3100), *range(0xd700, 0xe100), *range(0xfe00, 0x10100), *range(0x10fff0, 0x110000)]
    for point in edges:
        char = chr(point)
        for text in (char, f"a: x{char}y\n"):
            assert quickyaml.unusual(text) == bool(SPECIAL.search(text)), hex(point)
    mixed = "key: Қазақстан ’quoted’ 😀\n" * 3
    assert not quickyaml.unusual(mixed)
    assert quickyaml.unusual(mixed + "\u2029") and quickyaml.unusual("\x85" + mixed)


def test_a_file_past_the_careful_readers_count_is_left_to_it(monkeypatch, tmp_path):
    """The careful reader refuses a file of more than ``MAX_VALUES`` events; the fast one, noting lines, leaves it so."""
    text = MINI.read_text(encoding="utf-8").replace("kind: city", "kind: town", 1)  # a problem: lines are wanted
    root, _ = yamlread.read(text, "kb.yaml")
    events = quickyaml._events(root)
    monkeypatch.setattr(quickyaml, "MAX_VALUES", events)
    monkeypatch.setattr(yamlread, "MAX_VALUES", events)
    assert quickyaml.read_lines(text, "kb.yaml") is not None  # exactly at the bound: read by both
    yamlread.read(text, "kb.yaml")
    monkeypatch.setattr(quickyaml, "MAX_VALUES", events - 1)
    monkeypatch.setattr(yamlread, "MAX_VALUES", events - 1)
    assert quickyaml.read(text, "kb.yaml") is not None  # the fast reader bounds only flow lists by count
    assert quickyaml.read_lines(text, "kb.yaml") is None
    path = tmp_path / "kb.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as refused:
        store.load(path, use_cache=False)
    assert f"more than {events - 1:,} values" in str(refused.value)


def test_a_file_with_problems_read_fast_is_not_read_carefully(monkeypatch, tmp_path):
    """Its lines come from the fast reader's notes; PyYAML's event stream is never read."""
    text = MINI.read_text(encoding="utf-8").replace("kind: city", "kind: town", 1)
    path = tmp_path / "kb.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as fast:
        store.load(path, use_cache=False)
    monkeypatch.setattr(yamlread, "read", lambda text, name: pytest.fail("read carefully"))
    with pytest.raises(DataError) as again:
        store.load(path, use_cache=False)
    assert again.value.lines() == fast.value.lines()
    assert any("town" in line for line in fast.value.lines())
