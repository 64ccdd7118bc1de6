"""Turn what a user types into ids, and suggest what they may have meant.

Matching goes in tiers: the exact id, then a name or alias ignoring case,
then the folded forms of ``fold`` (``key``, ``loose``, then ``sound``: any
script, any transliteration). The first tier that matches decides. A value
that matches nothing raises ``QueryError`` with the closest candidates;
``suggest`` is the one way candidates are found, and its cost is bounded
whatever the input's length.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..errors import QueryError
from .fold import key, loose, sound

__all__ = ["SUGGEST_CHARS", "Candidate", "ambiguous", "key", "loose", "quoted", "resolve", "sound", "suggest"]

#: Longest input compared when suggesting: beyond it nothing is "close" anyway.
SUGGEST_CHARS = 64


class Candidate:
    """Something a user may name: its id, how it is shown, every name it answers to, and its kind (a city,
    a person), which an ambiguous name's candidates are shown with."""

    __slots__ = ("_folded", "_forms", "id", "kind", "label", "names")

    def __init__(self, id: str, label: str, names: Iterable[str] = (),
                 folded: Callable[[], dict[str, list[str]]] | None = None, kind: str | None = None):
        self.id = id
        self.label = label
        self.kind = kind
        self.names = [id, label, *names]
        self._folded = folded
        self._forms: dict[Callable[[str], str], list[str]] = {}

    def forms(self, fold: Callable[[str], str]) -> list[str]:
        """Every name folded by ``fold``, folded once."""
        found = self._forms.get(fold)
        if found is None:
            found = self._forms[fold] = [fold(n) for n in self.names]
        return found

    @property
    def sounds(self) -> list[str]:
        """The ``sound`` form of every name: from ``folded`` (the knowledge base folded
        beforehand, by id) when it has them, else folded here."""
        if sound not in self._forms:
            known = self._folded().get(self.id) if self._folded is not None else None
            if known is not None:
                self._forms[sound] = known
        return self.forms(sound)

    def shown(self, kind: bool = False) -> str:
        """``id (Label)``, or with ``kind`` ``id (Label, kind)``; just the id when nothing more is known."""
        said = [self.label] if self.label != self.id else []
        if kind and self.kind:
            said.append(self.kind)
        return f"{self.id} ({', '.join(said)})" if said else self.id


def resolve(text: str, pool: list[Candidate], what: str, criterion: str, close: bool = True) -> list[str]:
    """The ids ``text`` names at the best tier that matches; ``QueryError`` if none."""
    wanted = text.strip()
    if not wanted:
        raise QueryError(f"an empty {what} matches nothing", criterion=criterion, value=text)
    for c in pool:
        if c.id == wanted:
            return [c.id]
    if len(wanted) <= 4 * SUGGEST_CHARS:  # no name is longer: skip folding a huge value
        for tier in _TIERS:
            hits = tier(wanted, pool)
            if hits:
                return list(dict.fromkeys(hits))
    raise QueryError(f"unknown {what} {quoted(wanted)}", criterion=criterion, value=wanted,
                     candidates=suggest(wanted, pool) if close else [])


def _same(fold: Callable[[str], str]) -> Callable[[str, list[Candidate]], list[str]]:
    def tier(text: str, pool: list[Candidate]) -> list[str]:
        target = fold(text)
        return [c.id for c in pool if target in c.forms(fold)] if target else []
    return tier


def _sounds_alike(text: str, pool: list[Candidate]) -> list[str]:
    target = sound(text)
    return [c.id for c in pool if target in c.sounds] if target else []


_TIERS = (_same(str.casefold), _same(key), _same(loose), _sounds_alike)


def answers_to(text: str, candidate: Candidate) -> bool:
    """Whether ``candidate`` answers to ``text`` in any tier."""
    wanted = text.strip()
    return wanted == candidate.id or any(tier(wanted, [candidate]) for tier in _TIERS)


def ambiguous(text: str, hits: list[str], pool: list[Candidate], what: str, criterion: str) -> QueryError:
    """The error for ``text`` matching several of ``pool`` (``hits``), listing each with its kind."""
    shown = {c.id: c.shown(kind=True) for c in pool}
    things = "places" if what == "region" else f"{what}s"  # a region option may name any place
    return QueryError(f"{what} {quoted(text.strip())} is ambiguous: it matches {len(hits)} {things}",
                      criterion=criterion, value=text, candidates=[shown[h] for h in hits])


def suggest(text: str, pool: Iterable[Candidate], limit: int = 3, cutoff: float = 0.6) -> list[str]:
    """The candidates closest to ``text``, best first, shown as ``id (Label)``.

    Only the first ``SUGGEST_CHARS`` characters of the input are compared,
    so the time this takes does not grow with the input.
    """
    import difflib

    short = text[:SUGGEST_CHARS]
    target = loose(short) if short.isascii() else sound(short)
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(target)
    best: dict[str, tuple[float, Candidate]] = {}
    for c in pool:
        forms = [loose(name[:SUGGEST_CHARS]) for name in c.names] if short.isascii() else c.sounds
        for candidate in forms:
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
