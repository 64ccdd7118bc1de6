"""The exceptions the core raises. The command line turns them into exit codes."""

from __future__ import annotations


class QantarError(Exception):
    """Base class of every error qantar reports to a user."""


class Problem:
    """One thing wrong with a knowledge file, located as ``file:line``."""

    __slots__ = ("file", "line", "message")

    def __init__(self, file: str, line: int | None, message: str):
        self.file = file
        self.line = line
        self.message = message

    def __repr__(self) -> str:
        return f"Problem({self.file!r}, {self.line!r}, {self.message!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and (self.file, self.line, self.message) == (other.file, other.line, other.message)

    def __hash__(self) -> int:
        return hash((self.file, self.line, self.message))

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.message}"


class DataError(QantarError):
    """A knowledge file that cannot be read or is not valid (exit code 1)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, file: str, message: str, line: int | None = None) -> "DataError":
        return cls([Problem(file, line, message)])


class QueryError(QantarError):
    """A question the knowledge base cannot take as asked (exit code 2).

    Said in the core's own terms: ``criterion`` names what was asked
    (``region``, ``date``, ``name``), ``value`` the value at fault, and
    ``candidates`` the closest values that would have worked. The command
    line maps the criterion to its option or argument.
    """

    def __init__(self, message: str, *, criterion: str | None = None, value: str | None = None,
                 candidates: list[str] | tuple[str, ...] = ()):
        self.message = message
        self.criterion = criterion
        self.value = value
        self.candidates = list(candidates)
        super().__init__(self.full_message())

    def full_message(self) -> str:
        text = self.message[:1].upper() + self.message[1:]
        text = text if text.endswith((".", "?", "!")) else text + "."
        if not self.candidates:
            return text
        return f"{text} Did you mean: {', '.join(self.candidates)}?"
