"""``rules.clean`` (the quick answer) agrees with ``rules.check`` (every issue, with paths).

On files the schema accepts, which is when ``store.examine`` asks it: the
bundled file, and the bundled file with one text changed to another the
schema also accepts (an id, a date, a voice, a quote taken from elsewhere
in the file, or made to break a rule).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qantar_cli.kb import rules, store
from qantar_cli.kb.files import bundled_path
from qantar_cli.kb.schema import Validator
from qantar_cli.kb.yamlread import read

EXAMPLES = int(os.environ.get("QANTAR_FUZZ_EXAMPLES", "300"))
with open(bundled_path(), encoding="utf-8") as _handle:
    ROOT = read(_handle.read(), "qantar.yaml")[0]
VALIDATOR = Validator(store._schema())


def _leaves(node, path=()):
    """Every text in the tree, with the container and key that hold it."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        if isinstance(value, str):
            yield node, key
        else:
            yield from _leaves(value, (*path, key))


LEAVES = list(_leaves(ROOT))
TEXTS = sorted({holder[key] for holder, key in LEAVES})
BROKEN = ["no-such-id", "2022-02-30", "2021-13", "a quote... cut", "2023-01-06", "official", "foreign",
          "kassym-jomart-tokayev", "almaty", "2022-01-05-almaty-airport"]


def agree(root) -> bool:
    expected = not rules.check(root)
    assert rules.clean(root) is expected
    return expected


def test_the_bundled_file_is_clean_both_ways():
    assert agree(ROOT)


@given(st.sampled_from(range(len(LEAVES))), st.sampled_from(TEXTS) | st.sampled_from(BROKEN))
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_one_text_changed_gets_the_same_answer(where, text):
    holder, key = LEAVES[where]
    before = holder[key]
    holder[key] = text
    try:
        if not list(VALIDATOR.iter_issues(ROOT)):  # the file still meets the schema
            agree(ROOT)
    finally:
        holder[key] = before


def test_the_changes_do_break_rules():
    """The property above is not vacuous: these changes each break a rule, and both answers say so."""
    event = ROOT["events"][3]
    citation = event["citations"][0]
    changes = [(event, "id", ROOT["events"][0]["id"]), (event, "date", "2022-02-30"), (event, "end_date", "1999"),
               (event, "places", ["no-such-id"]), (citation, "source", "no-such-id"),
               (citation, "quote", "a quote... cut"), (citation, "speaker", "no-such-id")]
    for holder, key, text in changes:
        missing = key not in holder
        before = holder.get(key)
        holder[key] = text
        try:
            assert not list(VALIDATOR.iter_issues(ROOT)), key
            assert not agree(ROOT), key
        finally:
            if missing:
                del holder[key]
            else:
                holder[key] = before
    assert agree(ROOT)


def test_text_of_a_subclass_of_str_is_text():
    class Text(str):
        pass

    citation = ROOT["events"][0]["citations"][0]
    before = citation["source"]
    citation["source"] = Text("no-such-id")
    try:
        assert not agree(ROOT)
    finally:
        citation["source"] = before
