"""``qantar validate``: every problem of a knowledge file, quotes included.

Without texts, a file is checked as every load checks it (schema and rules).
With a directory of archived article texts, each source's text is found by
its ``text_sha256``, whatever the file is called, and every quote must occur
in it after folding (see ``quotes``). An article file that cannot be read is
a problem of its own, named by that file.

At most ``errors.LIMIT`` problems are listed; ``Report.total`` counts them
all, and ``Report.lines()`` ends with ``... and N more problems``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .. import collections as kinds
from ..errors import LIMIT, DataError, Problem, Problems
from .files import display_name, read_bytes
from .quotes import fold, index_texts, read_folded
from .store import Examined, chosen_path, examine


@dataclass
class Report:
    path: str
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    quotes_checked: int = 0
    texts: str | None = None
    total: int = 0  # every problem found, listed or not

    def __post_init__(self) -> None:
        self.total = max(self.total, len(self.problems))

    @property
    def more(self) -> int:
        """How many problems were found beyond those listed."""
        return self.total - len(self.problems)

    def lines(self) -> list[str]:
        """Each listed problem as ``file:line: message``, then ``... and N more problems``."""
        return Problems(self.problems, self.total).lines()

    def summary(self) -> str:
        """One line for stderr: how many problems, or what a valid file holds."""
        from ..text import visible

        return visible(self._summary())

    def _summary(self) -> str:
        if self.total:
            n = self.total
            text = f"{self.path}: {n} problem{'s' if n != 1 else ''}"
            return text + (f" (the first {len(self.problems)} listed)" if self.more else "")
        records = sum(self.counts.values())
        text = f"{self.path}: valid ({records} records: " + ", ".join(f"{v} {k}" for k, v in self.counts.items()) + ")"
        if self.texts is not None:
            text += f"; {self.quotes_checked} quotes found in their articles"
        return text


def validate_file(path: str | None = None, texts: str | None = None) -> Report:
    name = chosen_path(path)
    report = Report(display_name(name), texts=texts)
    try:
        result = examine(read_bytes(name), display_name(name))
    except DataError as exc:
        report.problems, report.total = list(exc.problems), exc.total
        return report
    report.problems = list(result.problems)
    report.total = getattr(result.problems, "total", len(result.problems))
    root = result.root
    report.counts = {k: len(root.get(k) or []) for k in kinds.KEYS if isinstance(root.get(k), list)}
    if texts is not None and not result.problems:
        found = check_quotes(result, texts, report)
        report.problems.extend(found[:LIMIT])
        report.total += len(found)
    return report


def check_quotes(result: Examined, texts: str, report: Report) -> list[Problem]:
    """Every citation's quote must occur in its source's archived text.

    An article file (or the directory) that cannot be read is a problem
    naming that file and the reason, not an error of the whole command.
    """
    problems: list[Problem] = []
    found, unreadable = index_texts(texts)
    for file_path, reason in unreadable:
        problems.append(Problem(display_name(file_path), None, f"cannot read the article text: {reason}"))
    articles: dict[str, tuple[str, str]] = {}  # source id -> (file name, folded text)
    for i, source in enumerate(result.root["sources"]):
        path = found.get(source["text_sha256"])
        if path is None:
            problems.append(Problem(result.name, result.line_of(("sources", i, "text_sha256")),
                                    f"no file in {texts} has the SHA-256 of source {source['id']!r}"))
            continue
        try:
            articles[source["id"]] = (os.path.basename(path), read_folded(path))
        except OSError as exc:
            problems.append(Problem(display_name(path), None, f"cannot read the article text: {exc.strerror or exc}"))
    for kind, i, where, cite in _citations(result.root):
        if cite["source"] not in articles:
            continue
        file_name, text = articles[cite["source"]]
        report.quotes_checked += 1
        if fold(cite["quote"]) not in text:
            shown = cite["quote"] if len(cite["quote"]) <= 60 else cite["quote"][:57] + "..."
            problems.append(Problem(result.name, result.line_of(where + ("quote",)),
                                    f"{kind}[{i}]: the quote {shown!r} is not in {file_name} ({cite['source']})"))
    return problems


def _citations(root: dict[str, Any]) -> Iterator[tuple[str, int, tuple[Any, ...], dict[str, Any]]]:
    for kind in kinds.KEYS:
        for i, record in enumerate(root.get(kind) or []):
            for j, cite in enumerate(record.get("citations") or []):
                yield kind, i, (kind, i, "citations", j), cite
            for k, position in enumerate(record.get("positions") or []):
                for j, cite in enumerate(position.get("citations") or []):
                    yield kind, i, (kind, i, "positions", k, "citations", j), cite
