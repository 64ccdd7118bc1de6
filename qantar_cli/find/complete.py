"""What the shell may offer for a half-typed name: ids, found the way the resolver finds names.

``offer(kb, what, typed)`` returns the ids (or closed values) that what
the user has typed could be the start of. The typed text is folded as the
resolver folds names (``names.key`` and ``names.loose``, then ``sound``) and compared with
each candidate's id, name and aliases, folded too: first the ids whose
name starts with it, then (from three characters on) those whose name
contains it. So ``tok`` offers
``kassym-jomart-tokayev``, and ``mangist`` offers ``mangystau``.

Only ids are offered, never names: one token each, made of letters,
digits, dots and hyphens, which no shell splits, expands or quotes; a
value of any other shape is left out rather than offered. Nothing here
knows the shell or Click: ``cli.py`` wires ``offer`` into Click's
completion.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..kb.store import KnowledgeBase
from . import names
from .query import VOICES, candidates, source_candidates

#: What a candidate may look like to be offered: a single token no shell acts on.
SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*\Z")

#: Fewer characters than this match only at the start of a name: one or two letters occur in almost every name.
CONTAINS_FROM = 3

#: What can be completed: a collection's ids (by name too), a source or a voice,
#: or a record of any kind (``show``). Closed sets (categories, kinds, tags,
#: formats) complete through their Click choices.
WHAT = ("places", "actors", "sources", "references")


def pool(kb: KnowledgeBase, what: str) -> list[names.Candidate]:
    """The candidates for ``what``: each id with every name it answers to."""
    if what == "sources":
        return source_candidates(kb) + [names.Candidate(v, v) for v in VOICES]
    if what == "references":  # what ``show`` finds: any id, a source's short name, an actor's or a place's names
        found = candidates(kb, "actors") + candidates(kb, "places") + candidates(kb, "sources")
        named = {c.id for c in found}
        return found + [names.Candidate(rid, rid) for rid in kb.by_id if rid not in named]
    if what in ("places", "actors"):
        return candidates(kb, what)
    raise ValueError(f"cannot complete {what!r}: use one of {', '.join(WHAT)}")


def offer(kb: KnowledgeBase, what: str, typed: str) -> list[str]:
    """The ids ``typed`` may stand for, those whose names start with it first, each once."""
    return matching(pool(kb, what), typed)


def matching(found: Iterable[names.Candidate], typed: str) -> list[str]:
    """The safe ids of ``found`` one of whose names starts with, or else contains, ``typed``, folded.

    Nothing typed offers every id. Within each group, ids in order.
    """
    typed = typed[: 4 * names.SUGGEST_CHARS]  # no name is longer: a huge value costs no more than a long one
    targets = {fold(typed) for fold in (names.key, names.loose)} - {""}
    heard = names.sound(typed) if typed.strip() else ""  # Ток, Aqt: the spelling variants, by their start
    starts: set[str] = set()
    contains: set[str] = set()
    for c in found:
        if not SAFE.match(c.id):
            continue
        if not targets:
            starts.add(c.id)
            continue
        folded = [names.key(n) for n in c.names]
        spelled = any(f.startswith(t) for f in folded for t in targets)
        if spelled or (heard and any(s.startswith(heard) for s in c.sounds)):
            starts.add(c.id)
        elif any(t in f for f in folded for t in targets if len(t) >= CONTAINS_FROM):
            contains.add(c.id)
    return sorted(starts) + sorted(contains - starts)
