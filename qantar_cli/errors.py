"""The exceptions the core raises. The command line turns them into exit codes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .problem import Problem as Problem  # re-exported: ``__getattr__`` below imports it at run time

#: At most this many problems of a knowledge file are reported; the rest are counted.
LIMIT = 100


def __getattr__(name: str) -> Any:
    # ``Problem`` is a dataclass; importing it only when a problem is reported
    # keeps ``dataclasses`` off the path of a query that succeeds.
    if name == "Problem":
        from .problem import Problem

        return Problem
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class QantarError(Exception):
    """Base class of every error qantar reports to a user."""


class Problems(list["Problem"]):
    """Problems to report, at most ``LIMIT`` of them, and ``total``: how many were found."""

    def __init__(self, problems: Iterable[Problem] = (), total: int | None = None):
        super().__init__(problems)
        self.total = len(self) if total is None else max(total, len(self))

    @property
    def more(self) -> int:
        """How many problems were found beyond those listed."""
        return self.total - len(self)

    def lines(self) -> list[str]:
        """Each problem as ``file:line: message``, then ``... and N more problems``."""
        shown = [str(p) for p in self]
        if self.more:
            shown.append(f"... and {self.more} more problem{'s' if self.more != 1 else ''}")
        return shown


class DataError(QantarError):
    """A knowledge file that cannot be read or is not valid (exit code 1).

    ``problems`` lists at most ``LIMIT`` problems; ``total`` counts them all
    (taken from ``problems.total`` when given a ``Problems`` list). ``str()``
    and ``lines()`` end with ``... and N more problems`` when some are not listed.
    """

    def __init__(self, problems: Iterable[Problem], total: int | None = None):
        given = list(problems)
        if total is None:
            total = getattr(problems, "total", None)
        self.problems = Problems(given[:LIMIT], len(given) if total is None else max(total, len(given)))
        self.total = self.problems.total
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        return self.problems.lines()

    @classmethod
    def single(cls, file: str, message: str, line: int | None = None) -> DataError:
        from .problem import Problem

        return cls([Problem(file, line, message)])


class Ended(BaseException):
    """SIGTERM or SIGHUP came while a file was being written (``out.atomic``): what was begun is removed,
    then the process ends with ``128 + signum``, as the signal's default action would have."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


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
