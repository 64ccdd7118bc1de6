"""Turn what a user types into ids, and suggest what they may have meant.

Matching goes in tiers: the exact id, then names and aliases ignoring
case, diacritics, spaces, hyphens and punctuation (``key``), then the same
without a trailing "region"/"oblast" or a leading "the" (``loose``). The
first tier that matches decides. A value that matches nothing raises
``QueryError`` with the closest candidates; ``suggest`` is the one way
candidates are found, and its cost is bounded whatever the input's length.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from ..errors import QueryError

_DROP = re.compile(r"[\s\-_'’`.,()/]+")
_SUFFIX = re.compile(r"(regions?|oblast|oblysy|obl|province|област[ьи]|облысы)$")
_LEADING_THE = re.compile(r"^the")

#: Longest input compared when suggesting: beyond it nothing is "close" anyway.
SUGGEST_CHARS = 64


def key(text: str) -> str:
    """The comparison form of a name."""
    text = unicodedata.normalize("NFKD", text).replace("&", "and")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _DROP.sub("", text.casefold())


def loose(text: str) -> str:
    """``key`` without a trailing region word or a leading "the"."""
    stripped = _SUFFIX.sub("", key(text))
    return _LEADING_THE.sub("", stripped) or key(text)


class Candidate:
    """Something a user may name: its id, how it is shown, every name it answers to."""

    __slots__ = ("id", "label", "names")

    def __init__(self, id: str, label: str, names: Iterable[str] = ()):
        self.id = id
        self.label = label
        self.names = [id, label, *names]

    def shown(self) -> str:
        return self.id if self.label == self.id else f"{self.id} ({self.label})"


def resolve(text: str, pool: list[Candidate], what: str, criterion: str) -> list[str]:
    """The ids ``text`` names at the best tier that matches; ``QueryError`` if none."""
    wanted = text.strip()
    if not wanted:
        raise QueryError(f"an empty {what} matches nothing", criterion=criterion, value=text)
    for c in pool:
        if c.id == wanted:
            return [c.id]
    if len(wanted) <= 4 * SUGGEST_CHARS:  # no name is longer: skip folding a huge value
        for fold in (key, loose):
            target = fold(wanted)
            hits = [c.id for c in pool if any(fold(n) == target for n in c.names)]
            if hits:
                return list(dict.fromkeys(hits))
    raise QueryError(f"unknown {what} {quoted(wanted)}", criterion=criterion, value=wanted,
                     candidates=suggest(wanted, pool))


def resolve_one(text: str, pool: list[Candidate], what: str, criterion: str,
                prefer: Callable[[list[str]], str | None] | None = None) -> str:
    """Like ``resolve``, but more than one match is an error listing each.

    ``prefer`` may settle a tie: given the ids of one tier's matches, it
    returns the one to take, or None to leave it ambiguous.
    """
    hits = resolve(text, pool, what, criterion)
    if len(hits) > 1 and prefer is not None:
        chosen = prefer(hits)
        if chosen is not None:
            return chosen
    if len(hits) > 1:
        shown = {c.id: c.shown() for c in pool}
        raise QueryError(f"{what} {quoted(text.strip())} is ambiguous: it matches {len(hits)} {what}s",
                         criterion=criterion, value=text, candidates=[shown[h] for h in hits])
    return hits[0]


def suggest(text: str, pool: Iterable[Candidate], limit: int = 3, cutoff: float = 0.6) -> list[str]:
    """The candidates closest to ``text``, best first, shown as ``id (Label)``.

    Only the first ``SUGGEST_CHARS`` characters of the input are compared,
    so the time this takes does not grow with the input.
    """
    import difflib

    target = loose(text[:SUGGEST_CHARS])
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(target)
    best: dict[str, tuple[float, Candidate]] = {}
    for c in pool:
        for name in c.names:
            candidate = loose(name[:SUGGEST_CHARS])
            matcher.set_seq1(candidate)
            score = matcher.ratio() if matcher.real_quick_ratio() >= cutoff else 0.0
            if target and (target in candidate or candidate in target):
                score = max(score, 0.75)
            if score >= cutoff and score > best.get(c.id, (0.0, c))[0]:
                best[c.id] = (score, c)
    ranked = sorted(best.values(), key=lambda sc: (-sc[0], sc[1].id))
    return [c.shown() for _, c in ranked[:limit]]


def quoted(text: str) -> str:
    """A user's value inside a message: quoted, and cut short if very long."""
    return repr(text if len(text) <= SUGGEST_CHARS else text[:SUGGEST_CHARS] + "…")
