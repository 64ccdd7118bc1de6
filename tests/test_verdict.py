"""The schema compiled to source (``verdict``) answers exactly as the reporting check does.

``compile_test(schema)(x)`` must be true exactly when ``iter_issues(x)`` finds nothing: on
the bundled file, on every keyword alone and mixed, and on records of the
bundled file damaged at random (a value replaced, a field dropped or added).
"""

from __future__ import annotations

import copy
import math
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qantar_cli.collections import KEYS
from qantar_cli.kb import store, verdict
from qantar_cli.kb.files import bundled_path
from qantar_cli.kb.schema import Validator
from qantar_cli.kb.yamlread import read

EXAMPLES = int(os.environ.get("QANTAR_FUZZ_EXAMPLES", "300"))
SCHEMA = store._schema()
VALIDATOR = Validator(SCHEMA)
with open(bundled_path(), encoding="utf-8") as _handle:
    BUNDLED = read(_handle.read(), "qantar.yaml")[0]


def agree(validator: Validator, value) -> bool:
    expected = not list(validator.iter_issues(value))
    assert verdict.compile_test(validator.root)(value) is expected, value
    return expected


def test_the_bundled_file_is_valid_both_ways():
    assert agree(VALIDATOR, BUNDLED)


VALUES = [None, True, False, 0, 1, 2, -1, 1.5, 2.0, math.nan, math.inf, -math.inf, 10**400, "", "a", "ab", "abc\n",
          "2022-01-05", "KZ-47", "x" * 5000, [], [1], ["a", "b"], [None], [[]], {}, {"a": True}, {"a": 1}, {"b": 1},
          {"a": None, "b": "x"}]

KEYWORD_SCHEMAS = [
    {"type": "integer", "minimum": 1},
    {"type": ["number", "null"], "maximum": 5, "minimum": -1},
    {"type": "boolean"},
    {"type": ["boolean", "integer"]},
    {"enum": [1, "a", None]},
    {"type": "string", "enum": ["a", "ab"]},
    {"type": "string", "pattern": "^[a-z]+$", "minLength": 2, "maxLength": 3},
    {"pattern": "^a"},
    {"minLength": 1},
    {"minimum": 0, "maximum": 1},
    {"type": "array", "minItems": 2, "items": {"type": "string"}},
    {"minItems": 1},
    {"items": {"type": "integer"}},
    {"anyOf": [{"type": "string"}, {"type": "integer"}]},
    {"anyOf": [{"type": "string", "minLength": 2}, {"type": "null"}]},
    {"anyOf": [{"type": "null"}, {"type": "array", "items": {"enum": [1]}}, {"type": "boolean"}]},
    {"type": "object", "required": ["a"], "additionalProperties": False, "properties": {"a": {"type": "boolean"}}},
    {"required": ["a"]},
    {"properties": {"a": {"type": "integer"}, "b": {"type": "string"}}},
    {"additionalProperties": False, "properties": {"a": {}}},
    {"$ref": "#/definitions/tree", "definitions": {"tree": {"anyOf": [
        {"type": "integer"}, {"type": "array", "items": {"$ref": "#/definitions/tree"}}]}}},
    {"$ref": "#/definitions/node", "definitions": {"node": {
        "type": "object", "properties": {"next": {"anyOf": [{"$ref": "#/definitions/node"}, {"type": "null"}]}}}}},
    {"type": "object", "properties": {"a'\n\"b": {"type": "integer"}, "c": {"$ref": "#/definitions/s"}},
     "definitions": {"s": {"type": "string", "maxLength": 1}}},
    {},
    {"properties": {}},
    {"required": []},
    {"additionalProperties": True},
    {"type": "string", "enum": [["x"], "a"]},
    {"items": {}},
]
#: Schemas that every value meets.
TAKES_ALL = [{}, {"properties": {}}, {"required": []}, {"additionalProperties": True}, {"items": {}}]


@pytest.mark.parametrize("schema", KEYWORD_SCHEMAS, ids=range(len(KEYWORD_SCHEMAS)))
def test_every_keyword_alone_and_mixed(schema):
    validator = Validator(schema)
    answers = {agree(validator, value) for value in VALUES}
    nested = [{"next": {"next": None}}, {"next": {"next": 1}}, [1, [2, [3]]], [1, ["x"]], {"a'\n\"b": 1},
              {"a'\n\"b": "1"}, {"c": "xy"}, {"c": "x"}]
    answers |= {agree(validator, value) for value in nested}
    assert answers == ({True} if schema in TAKES_ALL else {True, False})  # the others take some values, not all


@pytest.mark.parametrize("schema", [{"not": {}}, {"properties": {"a": {"const": 1}}}, {"$ref": "other.json#/a"}])
def test_what_it_cannot_compile_is_refused(schema):
    with pytest.raises(ValueError, match="supported"):
        verdict.compile_test(schema)


REPLACEMENTS = st.sampled_from(VALUES) | st.text(max_size=8) | st.integers() | st.floats()


@st.composite
def damaged(draw):
    """A one-record knowledge file, its record taken from the bundled file and damaged once."""
    key = draw(st.sampled_from(KEYS))
    record = copy.deepcopy(draw(st.sampled_from(BUNDLED[key])))
    node, steps = record, []
    while isinstance(node, (dict, list)) and node and (not steps or draw(st.booleans())):
        step = draw(st.sampled_from(list(node) if isinstance(node, dict) else range(len(node))))
        steps.append((node, step))
        node = node[step]
    parent, step = steps[-1]
    action = draw(st.sampled_from(["replace", "drop", "add"]))
    if action == "replace":
        parent[step] = draw(REPLACEMENTS)
    elif action == "drop":
        del parent[step]
    elif isinstance(parent, dict):
        parent[draw(st.sampled_from(["extra", "id", "origin", "citations"]))] = draw(REPLACEMENTS)
    else:
        parent.append(draw(REPLACEMENTS))
    root = {k: [] for k in KEYS}
    root[key] = [record]
    return root


@given(damaged())
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_damaged_records_get_the_same_answer(root):
    agree(VALIDATOR, root)


def test_the_damage_is_often_found():
    """The property above is not vacuous: most damage makes the file invalid, some does not."""
    answers = []

    @given(damaged())
    @settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def collect(root):
        answers.append(agree(VALIDATOR, root))

    collect()
    assert answers.count(False) > 50 and answers.count(True) > 0


def test_a_load_checked_by_the_compiled_schema_is_the_same(monkeypatch, tmp_path):
    """``store.examine`` uses it for large files: made to use it always, loads and refusals do not change."""
    from test_loading import CASES

    from qantar_cli.errors import DataError

    with open(bundled_path(), "rb") as handle:
        data = handle.read()
    broken = tmp_path / "kb.yaml"

    def outcomes():
        found = [store.parse(data, "qantar.yaml")]
        for _, text, _ in CASES:
            broken.write_text(text, encoding="utf-8")
            try:
                found.append(store.load(broken, use_cache=False).data)
            except DataError as error:
                found.append(error.lines())
        return found

    before = outcomes()
    used = []
    real = verdict.compile_test
    monkeypatch.setattr(verdict, "compile_test", lambda schema: used.append(1) or real(schema))
    monkeypatch.setattr(store, "_LARGE", 0)
    assert outcomes() == before
    assert used
