"""Folding: the forms in which differently spelled names compare equal.

Three forms, each looser than the one before:

- ``key``: case, diacritics, spaces, hyphens and punctuation ignored
  (``Mangystau Region`` -> ``mangystauregion``);
- ``loose``: ``key`` without a trailing "region"/"oblast"/"облысы" or a
  leading "the";
- ``sound``: ``loose`` of the name in Latin letters, with the spelling
  variants transliteration leaves apart brought together: Kazakh and
  Russian Cyrillic are transliterated with ``anyascii``, after the Kazakh
  letters are written as their Russian counterparts (Тоқаев as Токаев);
  then q/k, gh/g, kh/k, zh/dzh/dj/j, -jev/-yev after a vowel, doubled
  letters and the y between vowels or standing for a vowel are folded, so
  that Tokayev, Tokaev, Toqaev, Токаев and Тоқаев are one name, as are
  Aktau, Aqtau and Актау, Mangystau, Mangistau and Маңғыстау,
  Dzhumageldiev and Djumageldiev, and Nazarbayev and Nazarbajev.

``anyascii`` is imported only for text that is not ASCII (it costs about a
third of the startup budget): the knowledge base's names are folded when
the cache is built, so an ASCII question never loads it.
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata

_DROP = re.compile(r"[\s\-_'’`\".,()/\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]+")  # zero-width, bidi too
#: The words that only say that a place is a region (Karaganda Oblast is Karaganda), in ``key`` form.
REGION_WORDS = ("region", "regions", "oblast", "oblasti", "oblysy", "obl", "province", "область", "области", "облысы")
_SUFFIX = re.compile(f"({'|'.join(REGION_WORDS)})$")
_LEADING_THE = re.compile(r"^the")

#: Kazakh letters as the Russian alphabet writes them, and the Kazakh Latin
#: letters that stand for two Latin ones; then ``anyascii`` does the rest.
_KAZAKH = str.maketrans({
    "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и",
    "Ә": "А", "Ғ": "Г", "Қ": "К", "Ң": "Н", "Ө": "О", "Ұ": "У", "Ү": "У", "Һ": "Х", "І": "И",
    "ş": "sh", "Ş": "Sh", "ç": "ch", "Ç": "Ch",
})

#: Spelling variants, applied in order to a folded Latin name.
_VARIANTS = (
    # The -ev after a vowel written -jev (Nazarbajev, Nazarbayev), before zh becomes j: Kazhev is not Kaev.
    (re.compile(r"(?<=[aeiou])je(?=v)"), "ye"),
    (re.compile(r"dzh|zh|dj"), "j"),  # Dzhumageldiev, Zhumageldiev, Djumageldiev, Jumageldiev
    (re.compile(r"kh|q"), "k"),
    (re.compile(r"gh"), "g"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"([a-z])\1+"), r"\1"),  # Massimov, Masimov
    (re.compile(r"(?:(?<=[aeiou])|^)y(?=[aeiou])"), ""),  # Tokayev, Tokaev; Yerlan, Erlan
    (re.compile(r"y"), "i"),  # Mangystau, Mangistau; Semey, Semei
    (re.compile(r"([a-z])\1+"), r"\1"),  # -iy, -ii
)


def key(text: str) -> str:
    """The comparison form of a name: no case, diacritics, spaces, hyphens or punctuation."""
    text = unicodedata.normalize("NFKD", text).replace("&", "and")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _DROP.sub("", text.casefold())


def loose(text: str) -> str:
    """``key`` without a trailing region word or a leading "the"."""
    stripped = _SUFFIX.sub("", key(text))
    return _LEADING_THE.sub("", stripped) or key(text)


def latin(text: str) -> str:
    """``text`` in ASCII Latin letters; the transliteration library is loaded only when needed."""
    if text.isascii():
        return text
    from anyascii import anyascii

    return anyascii(text.translate(_KAZAKH))


def sound(text: str) -> str:
    """The loosest form: ``loose`` of the Latin spelling, its variants folded together."""
    return _variants(loose(latin(text)))


def _variants(folded: str) -> str:
    for pattern, replacement in _VARIANTS:
        folded = pattern.sub(replacement, folded)
    return folded


#: A word: a number written with thousands separators (2,000; 20,000) is one.
TOKEN = re.compile(r"\d{1,3}(?:,\d{3})+(?!\d)|\w+")


def word(token: str) -> str:
    """One word folded as ``sound`` folds a name, without taking off region words (for search);
    a number without its thousands separators (2,000 is 2000)."""
    number = token.replace(",", "")
    if number.isdecimal():  # in any script: ２０００ and ٢٠٠٠ are 2000
        return "".join(str(unicodedata.decimal(ch)) for ch in number)
    return _variants(key(latin(token)))


def words(text: str) -> list[str]:
    """The words of ``text``, each folded by ``word``; those that fold to nothing left out."""
    return [folded for folded in map(word, TOKEN.findall(text)) if folded]


def library_stamp() -> str:
    """Which transliteration library is installed (its module's size and time), found
    without importing it: what was folded with another one is folded again."""
    for folder in sys.path:
        try:
            info = os.stat(os.path.join(folder or ".", "anyascii", "__init__.py"))
        except (OSError, ValueError):
            continue
        return f"anyascii:{info.st_size}:{info.st_mtime_ns}"
    return "anyascii:missing"
