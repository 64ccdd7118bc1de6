"""Tables taller than the terminal go through a pager, the way git's output does.

While a command runs on a terminal, what it prints is held in a ``Screen``:
a buffer that answers like the terminal it stands in for (``isatty``, its
size, its encoding), so tables are drawn exactly as they would be there,
colours included. When the command is done, ``Paging`` either writes the
text to the terminal or, for a table taller than the terminal, hands it to
the pager: ``$QANTAR_PAGER``, else ``$PAGER``, else ``less -FRX``; an empty
value turns paging off. A pager that cannot start costs nothing but the
paging: the text is written as it is. While the pager runs, Ctrl-C belongs
to it: qantar ignores SIGINT until the pager has ended.

Nothing here draws anything, so nothing here changes what is shown: the
table code has made the text safe already.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Mapping
from types import TracebackType
from typing import IO

DEFAULT = ("less", "-FRX")
#: The settings ``less`` gets when it is the pager and the user has set none:
#: quit if one screen holds it all (-F), keep colours (-R), leave the text on the screen (-X).
LESS_DEFAULT = "FRX"


def pager_command(environ: Mapping[str, str]) -> tuple[list[str] | None, str | None]:
    """The pager's argument list and the variable that chose it; ``None`` when paging is off.

    A variable that is set but empty turns paging off; a value the shell
    could not split either (an unclosed quote) is taken as a pager that
    cannot start.
    """
    import shlex

    for name in ("QANTAR_PAGER", "PAGER"):
        value = environ.get(name)
        if value is None:
            continue
        if not value.strip():
            return None, name
        try:
            return shlex.split(value), name
        except ValueError:
            return [value], name
    return list(DEFAULT), None


def terminal_rows(stream: IO[str], environ: Mapping[str, str]) -> int:
    """The terminal's height: ``LINES`` when it is a positive number, else what the terminal says."""
    try:
        rows = int(environ.get("LINES", ""))
    except ValueError:
        rows = 0
    if rows > 0:
        return rows
    try:
        return os.get_terminal_size(stream.fileno()).lines or 24
    except (AttributeError, ValueError, OSError):
        return 24


class Screen(io.TextIOWrapper):
    """A buffer standing in for a terminal: it says it is one, and has its size and its encoding.

    Like ``sys.stdout`` it has a binary ``buffer`` underneath (writers that
    need exact bytes, such as CSV on an ASCII-only terminal, use it), so
    what reaches the terminal or the pager is byte for byte what would have
    been written without it.
    """

    def __init__(self, terminal: IO[str]):
        encoding = getattr(terminal, "encoding", None) or "utf-8"
        super().__init__(io.BytesIO(), encoding=encoding, errors=getattr(terminal, "errors", None) or "strict",
                         write_through=True)
        self.terminal = terminal

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:  # for the terminal's size; nothing is written to it through this buffer
        return self.terminal.fileno()

    def contents(self) -> bytes:
        self.flush()
        data: bytes = self.buffer.getvalue()  # type: ignore[attr-defined]  # a BytesIO, made above
        return data


class Paging:
    """Hold what is printed to ``sys.stdout``; at the end, write it or page it.

    Set ``table`` when a table is printed: only tables are paged. Messages
    to a stderr that is a terminal too are held as well and follow the
    table into the pager, as git's do, so that a note under a table (how
    many records were left out) is read where it is printed, after the
    table, rather than hidden behind the pager; when nothing is paged they
    go to stderr as they are.
    """

    def __init__(self, command: list[str], chosen_by: str | None, environ: Mapping[str, str] | None = None):
        self.command = command
        self.chosen_by = chosen_by
        self.environ = os.environ if environ is None else environ
        self.terminal: IO[str] = sys.stdout
        self.stderr: IO[str] = sys.stderr
        self.screen: Screen | None = None
        self.messages: io.StringIO | None = None
        self.table = False
        self.problem: str | None = None

    def __enter__(self) -> Paging:
        self.terminal, self.stderr = sys.stdout, sys.stderr
        self.screen = sys.stdout = Screen(self.terminal)
        if _isatty(self.stderr):
            self.messages = sys.stderr = io.StringIO()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        sys.stdout, sys.stderr = self.terminal, self.stderr
        assert self.screen is not None
        data = self.screen.contents()
        messages = self.messages.getvalue() if self.messages is not None else ""
        if data and kind is None and self.table:
            everything = data + messages.encode(self.screen.encoding, errors="replace")
            if everything.count(b"\n") >= terminal_rows(self.terminal, self.environ) and self.page(everything):
                return
        try:
            if data:
                _write_bytes(self.terminal, data, self.screen.encoding)
        finally:
            if messages:
                self.stderr.write(messages)
                self.stderr.flush()

    def page(self, data: bytes) -> bool:
        """Run the pager on ``data``; False when it cannot start (``problem`` says why)."""
        import shutil
        import subprocess

        program = shutil.which(self.command[0]) if self.command and self.command[0] else None
        if program is None:
            self.problem = f"cannot find the pager {self.command[0] if self.command else ''!r}"
            return False
        env = dict(self.environ)
        if os.path.basename(program) == "less":
            env.setdefault("LESS", LESS_DEFAULT)
        try:
            self.terminal.flush()
            process = subprocess.Popen([program, *self.command[1:]], stdin=subprocess.PIPE, env=env)
        except OSError as exc:
            self.problem = f"cannot start the pager {self.command[0]!r}: {exc.strerror or exc}"
            return False
        with _sigint_ignored():  # Ctrl-C is the pager's: less ends its search or scroll, not qantar
            try:
                assert process.stdin is not None
                with process.stdin:
                    process.stdin.write(data)
            except OSError:  # the reader quit before reading it all: as `| head` does
                pass
            process.wait()
        if process.returncode != 0:  # it failed (PAGER=false shows nothing at all): a pager quit with q ends 0
            self.problem = f"the pager {self.command[0]!r} ended with status {process.returncode}"
            return False
        return True

    def notice(self) -> str | None:
        """One line for stderr when a pager the user chose could not start (the default may be absent)."""
        if self.problem is None or self.chosen_by is None:
            return None
        return f"{self.problem} (set by {self.chosen_by}): the output is printed as it is."


def _write_bytes(stream: IO[str], data: bytes, encoding: str) -> None:
    """Bytes onto a text stream: through its binary buffer when it has one, else decoded."""
    stream.flush()
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        buffer.write(data)
        buffer.flush()
    else:
        stream.write(data.decode(encoding, errors="replace"))
        stream.flush()


def _isatty(stream: IO[str] | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (ValueError, AttributeError):  # closed, or not a file at all
        return False


class _sigint_ignored:
    """SIGINT ignored within, then the handler before restored (where this thread may set handlers)."""

    def __enter__(self) -> None:
        import signal

        self.changed = False
        try:
            self.previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
            self.changed = True
        except ValueError:  # not the main thread: the handler is not ours to change
            pass

    def __exit__(self, *exc: object) -> None:
        import signal

        if self.changed:  # None: a handler not set from Python, which the default stands for
            signal.signal(signal.SIGINT, self.previous if self.previous is not None else signal.SIG_DFL)
