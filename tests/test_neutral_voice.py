"""The tool's own words never state a contested label as fact.

In every field written in the tool's voice (titles, summaries, labels,
claims, questions, notes, role titles), a sentence that uses a loaded word
must name who uses it, or put the word in quotation marks.
"""

import re

import pytest

from qantar_cli import load

LOADED = re.compile(
    r"\b(terroris[mt]s?|terrorist|counter-?terror\w*|bandits?|coup|coups|putsch|militants?|extremis[mt]s?|extremist|"
    r"conspirators?|conspiracy|criminals?|criminal|provocateurs?|looters?|radicals?|thugs?|"
    r"seized? the airport|hijack\w*|masterminds?|traitors?|purges?|purged)\b",
    re.I,
)
ATTRIBUTION = re.compile(
    r"(according to|\bsays?\b|\bsaid\b|\bcalls?\b|\bcalled\b|\bdescrib\w*|\bper\b|\bclaim\w*|\balleg\w*|"
    r"\bbrand\w*|\blabel\w*|\bterm\w*|in the words of|\bdeem\w*|\bnarrat\w*|\baccount\b|\bversion\b|"
    r"\bchronology\b|\bdocumentary\b|\bofficial\b|\bofficials\b|\bauthorities\b|\bprosecut\w*|\bcharg\w*|"
    r"\bconvict\w*|\bverdict\w*|\bsentenc\w*|\bcourt\b|\bfound guilty\b|\breport\w*|\bannounc\w*|"
    r"\bKazinform\b|\bTokayev\b|\bAssylov\b|\bAsylov\b|\bAstana Times\b|\bTRT\b|\bIWPR\b|\bGlobal Voices\b|"
    r"\bSarym\b|\bstate\b|\bgovernment\b|\bwhat it\b|\bit calls\b|\bknown as\b|\bas\s+\"|\"[^\"]*\")",
    re.I,
)
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


def tool_voice(kb):
    """(record id, field, text) for every field written in the tool's own words."""
    fields = {
        "events": ("title", "summary"),
        "figures": ("label",),
        "actors": ("summary",),
        "disputes": ("question", "note"),
        "places": ("note",),
    }
    for kind, names in fields.items():
        for record in kb[kind]:
            for name in names:
                if record.get(name):
                    yield record["id"], name, record[name]
            for role in record.get("roles", []):
                yield record["id"], "roles.title", role["title"]
            for position in record.get("positions", []):
                yield record["id"], "positions.claim", position["claim"]


QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|‘[^’]*’|(?<!\w)'[^']*'(?!\w)")
LEGAL_TERMS = re.compile(r"\bcriminal (cases?|proceedings|investigations?|code|charges?|liability)\b", re.I)


def offences(text):
    """Sentences using a loaded word with no speaker named (quoted words are theirs)."""
    text = LEGAL_TERMS.sub("", QUOTED.sub('"…"', text))
    for sentence in SENTENCE.split(text):
        if LOADED.search(sentence) and not ATTRIBUTION.search(sentence):
            yield sentence


def test_no_contested_label_in_the_tools_own_voice():
    kb = load(use_cache=False)
    found = [f"{rid} {field}: {s}" for rid, field, text in tool_voice(kb) for s in offences(text)]
    assert not found, "unattributed loaded words:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "text, bad",
    [
        ("Terrorists attacked the airport.", True),
        ("Bandits seized the akimat.", True),
        ("Kazinform says bandits seized the akimat.", False),
        ("The Prosecutor General called it a coup attempt.", False),
        ("It was a \"coup attempt\", in the words of the documentary.", False),
        ("Protesters gathered in the square.", False),
        ("The film \"Qantar. A Coup Attempt. How It Was\" was released.", False),
        ("5,300 criminal cases were registered.", False),
        ("Criminal groups took over the city.", True),
    ],
)
def test_the_check_itself_can_fail(text, bad):
    assert bool(list(offences(text))) is bad
