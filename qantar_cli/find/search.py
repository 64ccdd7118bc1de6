"""Full-text search: every record's text in an SQLite FTS5 index, ranked by bm25.

The index holds each record's words folded as the resolver folds names
(``fold.words``: any script, any transliteration, no case or diacritics),
so ``Жанаозен`` finds what ``Zhanaozen`` finds. It is built from the
collections' descriptions (the id, the label, and the paths each names in
``searched``), the first time a search needs it, and kept with the cache
as the bytes of an SQLite database. The user's words are words: each
becomes a quoted prefix term, so no character of theirs is query syntax.

A word that is one of a place's names also finds the place's other names
(``alternatives``): Karagandy finds what Karaganda finds, Kapchagay what
Konayev finds, Aktyubinsk what Aktobe finds, whichever the article wrote.

A record one of whose names is the whole of what was typed (``names``,
folded: Astana, Астана, Nur-Sultan for the city) comes first; then those
that have every word typed as a whole word, not only words that begin
with it (qandy: Qandy Qantar before Kandyagash); bm25 ranks within each.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .. import collections as kinds
from ..errors import QantarError, QueryError
from ..kb.store import KnowledgeBase
from . import fold
from .query import Selection

if TYPE_CHECKING:
    import sqlite3

KINDS = kinds.SEARCH_KINDS
_BY_KIND = {c.kind: c for c in kinds.ALL}
#: How much a word weighs in a name (of a person, place, publisher), in the id or label, and in the rest.
WEIGHTS = (20.0, 5.0, 1.0)
#: The fields that name a record: a word found there is the record's own name.
NAME_FIELDS = ("name", "aliases", "publisher")
#: How many of the user's words ``nearest`` looks at: beyond them nothing is "near" anyway.
NEAREST_TERMS = 8
#: Fields whose words are a closed set of terms (an event's tags, a figure's category): a snippet from
#: one names the field ("tag: casualties"), whose name is shown but not searched.
TAGGED = {"tags": "tag", "category": "category"}
#: Words of context on each side of the first match in a snippet.
CONTEXT = 6
#: Format of the stored index: a change to the tables below needs a new number.
FORMAT = "5"

_TOKEN = fold.TOKEN
_COMPOUND = re.compile(r"(?<!\w)\w++(?:[-'’]\w++)+")

_SCHEMA = """
CREATE TABLE records (n INTEGER PRIMARY KEY, kind TEXT, id TEXT, title TEXT, date TEXT, tie INTEGER);
CREATE TABLE texts (n INTEGER, part INTEGER, original TEXT, folded TEXT, PRIMARY KEY (n, part));
CREATE TABLE terms (folded TEXT PRIMARY KEY, shown TEXT);
CREATE TABLE alternatives (folded TEXT, alternative TEXT, PRIMARY KEY (folded, alternative));
CREATE TABLE names (folded TEXT, n INTEGER, PRIMARY KEY (folded, n));
CREATE VIRTUAL TABLE words USING fts5(names, label, body, tokenize = 'unicode61 remove_diacritics 2');
"""


class SearchUnavailable(QantarError):
    """This Python's SQLite has no FTS5 (every mainstream build has it)."""

    def __init__(self) -> None:
        super().__init__("search needs SQLite's FTS5 module, which this Python's sqlite3 library lacks: "
                         "use a Python built with a standard SQLite")


def search(kb: KnowledgeBase, text: str, kinds_wanted: Iterable[str] = (), **criteria: Any) -> Matches:
    """The records whose text has every word of ``text`` (as word prefixes), best first.

    Each is ``{kind, id, title, date, snippet}``. ``criteria`` are the
    filters of the record kinds (``region``, ``source``, ``tag``, ``date``,
    ``start``, ``end``, ``coarse``); a kind that cannot be filtered by one
    given is left out, as a date filter leaves out undated kinds. The result
    has ``left_out``: matches a date filter left out for being dated less
    precisely than asked, and ``nearest``: known words close to those that
    matched nothing, when nothing matched.
    """
    terms = query_terms(text)
    wanted = set(kinds_wanted) or set(KINDS)
    unknown = sorted(wanted - set(KINDS))
    if unknown:
        raise QueryError(f"unknown kind {unknown[0]!r}", criterion="kind", value=unknown[0], candidates=list(KINDS))
    db = index(kb)
    found = Matches()
    terms, others = _with_alternatives(db, text, terms)
    rows = db.execute(
        "SELECT r.kind, r.id, r.title, r.date, r.n FROM words JOIN records r ON r.n = words.rowid "
        "WHERE words MATCH ? ORDER BY r.n NOT IN (SELECT n FROM names WHERE folded = ?), "
        "r.n NOT IN (SELECT rowid FROM words WHERE words MATCH ?), "
        f"bm25(words, {', '.join(map(str, WEIGHTS))}), r.tie, r.id",
        (match_expression(terms, others), whole_name(text), match_expression(terms, others, whole=True))).fetchall()
    shown = [*terms, *(other for each in others.values() for other in each)]
    given = {k: v for k, v in criteria.items() if v not in (None, [], (), False)}
    # Given filters are read for every kind asked for, matched or not, so that an unknown name in one
    # is an error as always, whichever records the words happened to match.
    allowed, coarse_only = _allowed(kb, (set(KINDS) if given else {kind for kind, *_ in rows}) & wanted, given)
    for kind, record_id, title, date, n in rows:
        if record_id in allowed.get(kind, ()):
            found.append({"kind": kind, "id": record_id, "title": title, "date": date,
                          "snippet": snippet(db, n, shown)})
        elif record_id in coarse_only.get(kind, ()):
            found.left_out += 1
    if not rows:
        found.nearest, found.apart = nearest(db, terms)
    return found


class Matches(Selection):
    """What a search found; when nothing matched, ``nearest``: known words close to the user's, and
    ``apart``: whether each of several words is in some record, though none has them all."""

    def __init__(self) -> None:
        super().__init__()
        self.nearest: list[str] = []
        self.apart = False


def match_expression(terms: list[str], others: dict[str, list[str]] | None = None, whole: bool = False) -> str:
    """FTS5's query for ``terms``: each a quoted word, a prefix unless it is a number (2000 is not 20000),
    a single letter (zzzz folds to z, which is no prefix of every word in z) or ``whole`` asks for whole
    words only; a term with ``others`` (a place's other names) also matches any of them, as whole words
    (Emba is a name of Embi; "embassy" is not)."""

    def exact(term: str) -> str:
        return f'"{term}"'

    def one(term: str) -> str:
        return exact(term) if whole or term.isdigit() or len(term) == 1 else exact(term) + "*"

    parts = []
    for term in terms:
        names = (others or {}).get(term)
        parts.append(f"({' OR '.join([one(term), *map(exact, names)])})" if names else one(term))
    return " AND ".join(parts)


def _with_alternatives(db: sqlite3.Connection, text: str, terms: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """The terms, and the other names of those that name a place. A hyphenated name the user typed
    (Nur-Sultan, Alma-Ata) is one term then, as the index holds it, instead of its parts."""
    others = alternatives(db, terms)
    for compound in _COMPOUND.findall(text):
        joined = _joined(compound)
        found = alternatives(db, [joined]).get(joined) if joined else None
        if found:
            parts = set(fold.words(compound))
            terms = [t for t in terms if t not in parts] + [joined]
            others[joined] = found
    return terms, others


def alternatives(db: sqlite3.Connection, terms: list[str]) -> dict[str, list[str]]:
    """For each term that is one of a place's names, folded, the place's other names (one word each)."""
    found: dict[str, list[str]] = {}
    for term in terms:
        rows = db.execute("SELECT alternative FROM alternatives WHERE folded = ? ORDER BY alternative", (term,))
        others = [other for (other,) in rows]
        if others:
            found[term] = others
    return found


#: What people type as search syntax, in capitals, as search engines spell it.
_OPERATOR = re.compile(r"(?<!\w)(?:AND|OR|NOT|NEAR)(?!\w)")


def _joined(compound: str) -> str:
    """A hyphenated compound as the one word the index also holds it as: Nur-Sultan is nursultan."""
    return fold.word(re.sub(r"[-'’]", "", compound))


def whole_name(text: str) -> str:
    """A name as ``names`` holds it: its words folded, one space apart (Nur-Sultan is nur sultan)."""
    return " ".join(fold.words(text))


def query_terms(text: str) -> list[str]:
    """The user's words, folded; quotes, stars, colons and the like are not words, nor are the
    operators of search syntax typed in capitals (AND, OR, NOT, NEAR) beside other words."""
    terms = list(dict.fromkeys(fold.words(_OPERATOR.sub(" ", text)) or fold.words(text)))
    if not terms:
        raise QueryError(f"{text.strip()!r} has no word to search for" if text.strip()
                         else "an empty search matches nothing", criterion="text", value=text)
    return terms


def _allowed(kb: KnowledgeBase, present: set[str], given: dict[str, Any]) -> tuple[dict[str, set[str]],
                                                                                   dict[str, set[str]]]:
    """By kind, the ids the filters let through, and those only ``coarse`` would let through."""
    from .query import select

    allowed: dict[str, set[str]] = {}
    coarse_only: dict[str, set[str]] = {}
    dated = any(given.get(c) for c in ("date", "start", "end"))
    for kind in present:
        collection = _BY_KIND[kind]
        accepted = collection.criteria()
        if any(name not in accepted for name in given if name != "coarse"):
            continue  # a kind that cannot be filtered so is not what was asked for
        mine = {k: v for k, v in given.items() if k in accepted}
        allowed[kind] = {r["id"] for r in select(kb, collection, **mine)}
        if dated and not given.get("coarse"):
            coarse_only[kind] = {r["id"] for r in select(kb, collection, **mine, coarse=True)} - allowed[kind]
    return allowed, coarse_only


# -- the index ------------------------------------------------------------------------


def index(kb: KnowledgeBase) -> sqlite3.Connection:
    """The search index of ``kb``: from the cache when it holds one, else built (and stored)."""
    db: sqlite3.Connection | None = kb.derived.get("search")
    if db is not None:
        return db
    import sqlite3

    from ..kb import cache

    suffix = f"fts{FORMAT}"
    stored = cache.get_bytes(kb.cache_key, suffix) if kb.cache_key else None
    if stored is not None:
        db = _opened(stored)
    if db is None:
        db = sqlite3.connect(":memory:")
        try:
            db.executescript(_SCHEMA)
        except sqlite3.OperationalError as exc:
            if "fts5" in str(exc).lower():
                raise SearchUnavailable() from None
            raise
        _fill(db, kb)
        if kb.cache_key and hasattr(db, "serialize"):
            cache.put_bytes(kb.cache_key, suffix, db.serialize())
    kb.derived["search"] = db
    return db


def _opened(stored: bytes) -> sqlite3.Connection | None:
    """A database from verified cache bytes; None when they do not hold the tables expected."""
    import sqlite3

    db = sqlite3.connect(":memory:")
    try:
        db.deserialize(stored)
        # Only the tables written here, and nothing that runs: a view or a trigger (which a forged entry
        # may hold, a view that recurses for ever) is not read at all.
        if _objects(db) != _expected_objects():
            return None
        db.execute("SELECT n, kind, id, title, date, tie FROM records LIMIT 1").fetchall()
        db.execute("SELECT n, part, original, folded FROM texts LIMIT 1").fetchall()
        db.execute("SELECT folded, shown FROM terms LIMIT 1").fetchall()
        db.execute("SELECT folded, alternative FROM alternatives LIMIT 1").fetchall()
        db.execute("SELECT folded, n FROM names LIMIT 1").fetchall()
        db.execute("SELECT rowid FROM words WHERE words MATCH 'a*' LIMIT 1").fetchall()
        odd = db.execute(
            "SELECT (SELECT count(*) FROM texts WHERE typeof(original) != 'text' OR typeof(folded) != 'text'"
            " OR typeof(n) != 'integer' OR typeof(part) != 'integer')"
            " + (SELECT count(*) FROM records WHERE typeof(n) != 'integer' OR typeof(kind) != 'text'"
            " OR typeof(id) != 'text' OR typeof(title) != 'text' OR typeof(date) NOT IN ('text', 'null')"
            " OR typeof(tie) != 'integer' OR kind NOT IN ('event', 'figure', 'actor', 'source', 'dispute', 'place'))"
            " + (SELECT count(*) FROM terms WHERE typeof(folded) != 'text' OR typeof(shown) != 'text')"
            " + (SELECT count(*) FROM alternatives WHERE typeof(folded) != 'text' OR typeof(alternative) != 'text'"
            " OR alternative GLOB '*[^a-z0-9_]*' OR alternative = '')"
            " + (SELECT count(*) FROM names WHERE typeof(folded) != 'text' OR typeof(n) != 'integer')").fetchone()
        if odd != (0,):
            return None
    except (sqlite3.Error, AttributeError, OverflowError, ValueError):
        return None
    return db


def _objects(db: sqlite3.Connection) -> set[tuple[str, str]]:
    return set(db.execute("SELECT type, name FROM sqlite_master").fetchall())


@functools.cache
def _expected_objects() -> frozenset[tuple[str, str]]:
    """What ``_SCHEMA`` makes in this SQLite: the tables, FTS5's own tables and the indexes (made once)."""
    import sqlite3

    fresh = sqlite3.connect(":memory:")
    fresh.executescript(_SCHEMA)
    made = frozenset(_objects(fresh))
    fresh.close()
    return made


def _fill(db: sqlite3.Connection, kb: KnowledgeBase) -> None:
    n = 0
    shown: dict[str, str] = {}
    folded_words: dict[str, str] = {}  # most words recur: fold each once

    def folded(text: str) -> list[str]:
        tokens = _TOKEN.findall(text)
        out = []
        for token in tokens:
            word = folded_words.get(token)
            if word is None:
                word = folded_words[token] = fold.word(token)
                if word and (word not in shown or (token.isascii() and not shown[word].isascii())):
                    shown[word] = token.lower()
            out.append(word)
        return out

    def indexed(text: str) -> str:
        """``text``'s words folded, and each hyphenated compound once more as one word (Nur-Sultan)."""
        words = folded(text) + [_joined(c) for c in _COMPOUND.findall(text)]
        return " ".join(w for w in words if w)

    for kind in KINDS:
        collection = _BY_KIND[kind]
        for record in kb[collection.key]:
            n += 1
            title = kinds.label_of(record)
            date = record.get(collection.date) if collection.date else None
            found = [("", title), *((path, t) for path in collection.searched for t in strings_at(record, path))]
            texts = [t for _, t in found]
            for part, (path, original) in enumerate(found):
                tagged = TAGGED.get(path)  # shown with its field's name, which is no known word
                db.execute("INSERT INTO texts VALUES (?, ?, ?, ?)",
                           (n, part, f"{tagged}: {original}" if tagged else original,
                            " ".join([*fold.words(tagged), *folded(original)] if tagged else folded(original))))
            own = [t for field in NAME_FIELDS for t in strings_at(record, field)]
            names = " ".join(indexed(t) for t in own)
            db.executemany("INSERT OR IGNORE INTO names VALUES (?, ?)",
                           [(whole, n) for whole in map(whole_name, own) if whole])
            label = indexed(record["id"]) + " " + indexed(title)
            body = " ".join(indexed(t) for t in texts[1:])
            db.execute("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?)", (n, kind, record["id"], title, date,
                                                                          KINDS.index(kind)))
            db.execute("INSERT INTO words (rowid, names, label, body) VALUES (?, ?, ?, ?)", (n, names, label, body))
    db.executemany("INSERT INTO terms VALUES (?, ?)", sorted(shown.items()))
    pairs: set[tuple[str, str]] = set()
    regional = frozenset(fold.word(w) for w in fold.REGION_WORDS)
    # A place's name that is also a word of a person's name neither finds nor is found by the place's
    # other names: Astana was Nur-Sultan, but Nursultan is also Nazarbayev's first name, and the index
    # holds both alike (search nursultan is about him as often as about the city).
    people = {w for r in (kb["actors"] if "actors" in kb.keys else []) if r.get("kind") == "person"
              for name in (r.get("name"), *r.get("aliases", ())) if isinstance(name, str) for w in fold.words(name)}
    for place in kb["places"] if "places" in kb.keys else []:
        forms = place_forms(place, regional)
        pairs.update((a, b) for a in forms - people for b in forms - people if a != b)
    db.executemany("INSERT INTO alternatives VALUES (?, ?)", sorted(pairs))
    db.commit()


def place_forms(place: dict[str, Any], regional: frozenset[str]) -> set[str]:
    """The one-word forms of a place's name and aliases, folded as the index folds words, region words aside.

    A hyphenated name is one word, as the index also holds it (Nur-Sultan, Alma-Ata); a name of
    several words (East Kazakhstan, southern capital) has no one-word form and is left out.
    """
    forms = set()
    for name in [place.get("name"), *(place.get("aliases") or [])]:
        if not isinstance(name, str):
            continue
        words = [w for w in fold.words(name) if w not in regional]
        if len(words) == 1:
            forms.add(words[0])
            continue
        compounds = [c for c in _COMPOUND.findall(name) if fold.word(c) not in regional]
        if len(compounds) == 1 and fold.words(compounds[0]) == words:
            joined = _joined(compounds[0])
            if joined:
                forms.add(joined)
    return forms


def strings_at(record: Any, path: str) -> Iterator[str]:
    """The strings at a dotted path into a record, through lists (``positions.citations.quote``)."""
    head, _, rest = path.partition(".")
    values = record.get(head) if isinstance(record, dict) else None
    for value in values if isinstance(values, list) else [values]:
        if rest:
            yield from strings_at(value, rest)
        elif isinstance(value, str) and value:
            yield value


# -- what is shown ----------------------------------------------------------------------


def snippet(db: sqlite3.Connection, n: int, terms: list[str]) -> str:
    """A few words around the first place where the record's text matches, from its own words.

    The text beyond the label comes first: the label is shown anyway.
    """
    texts = db.execute("SELECT original, folded FROM texts WHERE n = ? ORDER BY part = 0, part", (n,)).fetchall()
    for original, folded in texts:
        words = folded.split(" ")
        for i, word in enumerate(words):
            if any(word == t if t.isdigit() else word.startswith(t) for t in terms):
                return _around(original, i)
    return str(texts[-1][0]) if texts else ""  # matched in the id alone: the label


def _around(text: str, i: int) -> str:
    spans = [m.span() for m in _TOKEN.finditer(text)]
    first, last = max(0, i - CONTEXT), min(len(spans) - 1, i + CONTEXT)
    start = 0 if first == 0 else spans[first][0]
    end = len(text) if last == len(spans) - 1 else spans[last][1]
    # whole words of the text, not pieces of them: an id or a hyphenated name is never cut
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return ("…" if start else "") + " ".join(text[start:end].split()) + ("…" if end < len(text) else "")


def nearest(db: sqlite3.Connection, terms: list[str], limit: int = 3) -> tuple[list[str], bool]:
    """Words the knowledge base has that are closest to the terms that found nothing, and whether
    there were none such: each of several terms found something alone."""
    import difflib

    known = dict(db.execute("SELECT folded, shown FROM terms").fetchall())
    close: list[str] = []
    lost = False
    for term in terms[:NEAREST_TERMS]:  # a long text costs no more than its first words
        if db.execute("SELECT 1 FROM words WHERE words MATCH ? LIMIT 1", (match_expression([term]),)).fetchone():
            continue
        lost = True
        for match in difflib.get_close_matches(term[:64], list(known), n=limit, cutoff=0.7):
            close.append(known[match])
    return list(dict.fromkeys(close))[:limit * 2], not lost and 1 < len(terms) <= NEAREST_TERMS
