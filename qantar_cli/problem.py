"""``Problem``: one thing wrong with a knowledge file, located as ``file:line``.

It lives apart from ``errors`` because a dataclass costs the ``dataclasses``
import, and the warm path (a cached knowledge base answering a JSON query)
imports ``errors`` but never needs a ``Problem``. ``errors.Problem`` is this
class, imported on first use.
"""

from __future__ import annotations

from dataclasses import dataclass

from .text import visible


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a knowledge file, located as ``file:line``."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        """``file:line: message`` on one line, control characters made visible.

        File names, keys and tags come from outside; none of them may move
        the cursor, recolour the terminal or start a second line.
        """
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return visible(f"{where}: {self.message}")
