"""Quote matching: is a citation's quote a verbatim passage of its article?

Both sides are folded the same way before comparing (SPEC, "Citations and
quotes"): Unicode NFKC, typographic quotes and dashes to ASCII, Cyrillic
letters that look Latin to Latin, and every run of whitespace (U+00A0 too)
to a single space.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata

_FOLD = str.maketrans(
    {
        # quotes and apostrophes
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
        # dashes and minus signs
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-",
        # Cyrillic letters that are drawn like Latin ones
        "\u0430": "a", "\u0435": "e", "\u043e": "o", "\u0440": "p", "\u0441": "c",
        "\u0443": "y", "\u0445": "x", "\u0456": "i", "\u0458": "j", "\u04bb": "h",
        "\u0410": "A", "\u0412": "B", "\u0415": "E", "\u041a": "K", "\u041c": "M",
        "\u041d": "H", "\u041e": "O", "\u0420": "P", "\u0421": "C", "\u0422": "T",
        "\u0425": "X", "\u0406": "I", "\u0408": "J",
    }
)
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Return the comparison form of ``text``."""
    text = unicodedata.normalize("NFKC", text).translate(_FOLD)
    return _SPACE.sub(" ", text).strip()


def sha256_file(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def index_texts(directory: str | os.PathLike[str]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Map the SHA-256 of every regular file in ``directory`` to its path.

    Also returns the files (or the directory itself) that could not be read,
    each with the operating system's reason, so that the caller can report
    them by name instead of failing as a whole.
    """
    found: dict[str, str] = {}
    unreadable: list[tuple[str, str]] = []
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as exc:
        return found, [(os.fspath(directory), exc.strerror or str(exc))]
    for entry in entries:
        try:
            if entry.is_file():
                found[sha256_file(entry.path)] = entry.path
        except OSError as exc:
            unreadable.append((entry.path, exc.strerror or str(exc)))
    return found, unreadable


def read_folded(path: str) -> str:
    with open(path, encoding="utf-8", errors="replace") as handle:
        return fold(handle.read())
