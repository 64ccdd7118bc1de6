"""Turn what a user types into ids: places, actors, sources.

Matching ignores case, diacritics, spaces, hyphens and punctuation, and for
places a trailing "region"/"oblast". Exact ids win, then exact names and
aliases, then names with the suffix stripped; anything else is an error that
lists the closest matches.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable

from ..errors import QueryError

_DROP = re.compile(r"[\s\-_'’`.,()/]+")
_SUFFIX = re.compile(r"(regions?|oblast|oblysy|obl|province|област[ьи]|облысы)$")
_LEADING_THE = re.compile(r"^the")


def key(text: str) -> str:
    """The comparison form of a name."""
    text = unicodedata.normalize("NFKD", text).replace("&", "and")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _DROP.sub("", text.casefold())


def loose(text: str) -> str:
    """``key`` without a trailing region word or a leading "the"."""
    stripped = _SUFFIX.sub("", key(text))
    return _LEADING_THE.sub("", stripped) or key(text)


Candidate = tuple[str, str, list[str]]  # id, display name, every name to match


def resolve(text: str, candidates: Iterable[Candidate], what: str, option: str) -> list[str]:
    """Ids matching ``text`` at the best tier. Raises QueryError on none."""
    pool = list(candidates)
    wanted = text.strip()
    if not wanted:
        raise QueryError(f"An empty {what} matches nothing.", option)
    for cid, _, _ in pool:
        if cid == wanted:
            return [cid]
    for fold in (key, loose):
        target = fold(wanted)
        hits = [cid for cid, name, names in pool if any(fold(n) == target for n in [cid, name, *names])]
        if hits:
            return list(dict.fromkeys(hits))
    raise QueryError(f"Unknown {what} {wanted!r}.", option, suggest(wanted, pool))


def resolve_one(text: str, candidates: Iterable[Candidate], what: str, option: str) -> str:
    pool = list(candidates)
    hits = resolve(text, pool, what, option)
    if len(hits) > 1:
        labels = {cid: name for cid, name, _ in pool}
        raise QueryError(
            f"{what.capitalize()} {text.strip()!r} is ambiguous: it matches {len(hits)} {what}s.",
            option,
            [f"{h} ({labels[h]})" for h in hits],
        )
    return hits[0]


def suggest(text: str, pool: list[Candidate], limit: int = 3) -> list[str]:
    """The closest ids to ``text``, shown as ``id (Name)``."""
    import difflib

    target = loose(text)
    scored: dict[str, float] = {}
    for cid, name, names in pool:
        for n in [cid, name, *names]:
            candidate = loose(n)
            score = difflib.SequenceMatcher(None, target, candidate).ratio()
            if target and (target in candidate or candidate in target):
                score = max(score, 0.75)
            if score > scored.get(cid, 0.0):
                scored[cid] = score
    best = sorted((s, cid) for cid, s in scored.items() if s >= 0.6)
    labels = {cid: name for cid, name, _ in pool}
    return [f"{cid} ({labels[cid]})" for _, cid in sorted(best, key=lambda x: (-x[0], x[1]))[:limit]]
