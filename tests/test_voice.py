"""Voice follows who speaks: derived, never typed, the same for a speaker everywhere (SPEC v0.2)."""

import re
from collections import defaultdict

import pytest
from conftest import MINI, TESTS, invoke

from qantar_cli import load
from qantar_cli.spec import citations_of

KB = load(use_cache=False)
GOOD = MINI.read_text(encoding="utf-8")
VOICE_OF = {a["id"]: a["voice"] for a in KB["actors"]}
STANCE_OF = {s["id"]: s["stance"] for s in KB["sources"]}


def every_citation():
    for key in ("actors", "events", "figures", "disputes"):
        for record in KB[key]:
            for c in citations_of(record):
                yield key, record, c


def test_a_citations_origin_is_its_speakers_voice_else_its_sources_stance():
    checked = 0
    for _, _, c in every_citation():
        expected = VOICE_OF[c["speaker"]] if c["speaker"] else STANCE_OF[c["source"]]
        assert c["origin"] == expected, c
        checked += 1
    assert checked > 500


def test_the_same_speaker_has_one_voice_everywhere():
    voices = defaultdict(set)
    for _, _, c in every_citation():
        if c["speaker"]:
            voices[c["speaker"]].add(c["origin"])
    assert len(voices) >= 15
    assert {speaker: v for speaker, v in voices.items() if len(v) != 1} == {}


def test_every_speaker_has_a_voice_and_the_deputies_agree():
    speakers = {c["speaker"] for _, _, c in every_citation() if c["speaker"]}
    assert all(VOICE_OF[s] in ("official", "independent", "foreign") for s in speakers)
    assert VOICE_OF["aidos-sarym"] == VOICE_OF["arman-kozhakhmetov"] == "official"  # two deputies, one voice


def test_a_figures_origin_follows_who_gives_it():
    for f in KB["figures"]:
        if f["claimed_by"] and VOICE_OF[f["claimed_by"]]:
            assert f["origin"] == VOICE_OF[f["claimed_by"]], f["id"]
        else:
            assert {c["origin"] for c in f["citations"]} == {f["origin"]}, f["id"]


def test_a_positions_origin_is_the_one_its_citations_share():
    for d in KB["disputes"]:
        for p in d["positions"]:
            assert {c["origin"] for c in p["citations"]} == {p["origin"]}, d["id"]


def test_filtering_by_voice_uses_the_derived_origin():
    official = {f["id"] for f in invoke("figures", "--source", "official", "--json", data=None).json()}
    assert official == {f["id"] for f in KB["figures"] if f["origin"] == "official"}
    assert "tagzym-victims-honoured-iwpr" not in {  # IWPR relays the official 238: official, not independent
        f["id"] for f in invoke("figures", "--source", "independent", "--json", data=None).json()}


def test_the_disputes_table_puts_each_position_under_its_derived_voice():
    out = invoke("disputes", "--json", data=None).json()
    for d in out:
        for p in d["positions"]:
            assert p["origin"] in ("official", "independent", "foreign")


# -- the input is checked, since derived voices cannot disagree --------------------------

REPORTING = re.compile(r"\b(said|told|according to|stated|called)\b", re.I)


def narration_allowed():
    lines = (TESTS / "narration.txt").read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def test_a_quote_that_reports_someones_words_names_its_speaker():
    allowed = narration_allowed()
    unnamed = {c["quote"][:80] for _, _, c in every_citation() if not c["speaker"] and REPORTING.search(c["quote"])}
    assert unnamed - allowed == set(), "name the speaker, or review the quote and list it in tests/narration.txt"
    assert allowed - unnamed == set(), "tests/narration.txt lists quotes that no longer need it"


@pytest.mark.parametrize("old, new, fragment", [
    ('        quote: "now the list has over 125 names"\n',
     '        quote: "now the list has over 125 names"\n        origin: independent\n', "unknown field 'origin'"),
    ("      - claim: \"Kazinform: on 1 January, in Zhanaozen.\"\n",
     "      - claim: \"Kazinform: on 1 January, in Zhanaozen.\"\n        origin: official\n", "unknown field 'origin'"),
    ('    stated: "over 125"\n', '    stated: "over 150"\n', "the stated words 'over 150' are not in any of the figure's quotes"),
    ("    qualifier: more-than\n", "    qualifier: vague\n", "a vague quantity (qualifier: vague) has value: null"),
    ("        speaker: kassym-jomart-tokayev\n", "        speaker: karim-massimov\n", "the speaker 'karim-massimov' has no voice"),
    ("        speaker: kassym-jomart-tokayev\n", "        speaker: nobody\n", "unknown actor id 'nobody'"),
    ("    voice: foreign\n", "    voice: hostile\n", "must be one of official, independent, foreign"),
])
def test_the_validator_refuses_hand_written_or_inconsistent_voice(tmp_path, old, new, fragment):
    assert old in GOOD, old
    path = tmp_path / "kb.yaml"
    path.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    run = invoke("validate", str(path), data=None, ok=False)
    assert run.code == 1 and fragment in run.stdout, run.stdout


def test_a_position_mixing_voices_is_refused(tmp_path):
    text = GOOD.replace('''          - source: kazinform-2025-chronology
            quote: "On January 1, 2022, at 17:20 local time"''', '''          - source: kazinform-2025-chronology
            quote: "On January 1, 2022, at 17:20 local time"
          - source: iwpr-2023-year-on
            quote: "On January 2, 2022 peaceful protests began"''')
    path = tmp_path / "kb.yaml"
    path.write_text(text, encoding="utf-8")
    run = invoke("validate", str(path), data=None, ok=False)
    assert run.code == 1 and "a position's citations carry different voices" in run.stdout
