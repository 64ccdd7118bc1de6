"""Share the work on a large knowledge file with a second process.

Two steps of a first (uncached) load of a large file run in two processes
where the machine has a second core: reading it (``read``), and, while the
records are checked here, building and encoding them for the cache in a
forked child (``beside``, used by ``store.examine``).

``quickyaml`` reads about 20 MB a second. A file several times the bundled
one is therefore read in two halves:
a forked child reads the second half while this process reads the first,
and sends back what it read (``marshal``, over a pipe of its own; nothing
is written to disk). The answer is the one ``quickyaml.read`` gives for
the whole file, or None, exactly as it gives it (``tests/test_parallel.py``):

- A file is cut only at a line at column 0 that ``quickyaml`` always reads
  as a boundary: a top-level key, or an item of a top-level list, whose key
  line is then repeated at the head of the second half. Both halves are
  valid documents when the whole is, and read to the same values.
- The halves are joined only when they fit: the list cut in two is the
  first half's last entry and the second half's first, and no other
  top-level key appears in both (a duplicate is the careful reader's to
  report, so that gives None).
- Whatever goes wrong in the child (it fails, is killed, sends something
  short) makes this process read the second half itself. Ctrl-C ends the
  child at once: it does not handle SIGINT, and this process kills and
  reaps it on any way out.

Below ``LEAST`` characters, where forking costs more than it saves, on a
single core and where ``os.fork`` does not exist, everything is done in this
process, in one piece (``worth``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

from . import quickyaml

#: Files shorter than this (in characters, about 15 times the bundled file) are read in one piece.
LEAST = 4 * 2**20

#: A line at column 0 with content: a top-level key, a top-level list's item, or anything else.
_COLUMN_ZERO = re.compile(r"\n(?=[^ \n#])")
#: A line at column 0 that is neither a list item nor a comment.
_TOP_LINE = re.compile(r"\n(?=[^ \n#-])")
_TOP_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?: |\n)")
_LIST_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):\n")
#: Blank lines and comments, then a list item at column 0: the first item of a list whose items are there.
_FIRST_ITEM = re.compile(r"(?:[ ]*(?:#[^\n]*)?\n)*-[ \n]")


def worth(size: int, least: int | None = None) -> bool:
    """Whether work on a text of ``size`` characters is worth sharing with a second process here.

    ``least``: the shortest text that is (``LEAST`` by default).
    """
    return size >= (LEAST if least is None else least) and _cores() > 1


def read(text: str, name: str, *, least: int | None = None) -> dict[str, Any] | None:
    """What ``quickyaml.read(text, name)`` gives, read in two processes when that is ``worth`` it."""
    cut = halves(text) if worth(len(text), least) else None
    if cut is None:
        return quickyaml.read(text, name)
    first, second, joined = cut
    with beside(lambda: quickyaml.read(second, name)) as child:
        head = quickyaml.read(first, name)
        if head is None:
            return None
        tail = child.result()
    if tail is _LOST:
        tail = quickyaml.read(second, name)
    if tail is None:
        return None
    return join(head, tail, joined)


def halves(text: str, after: int | None = None) -> tuple[str, str, str | None] | None:
    """``text`` cut near its middle: ``(first, second, the list key both share or None)``, or None.

    The cut is made before the first line at column 0 after the middle (or
    after the offset ``after``). A
    top-level key there starts the second half; an item of a top-level list
    starts it after a copy of that list's key line (``events:``), which must
    be the last top-level key before the cut, have nothing after its colon,
    and be followed by an item at column 0 (the list's first).
    """
    found = _COLUMN_ZERO.search(text, len(text) // 2 if after is None else after)
    if found is None:
        return None
    at = found.end()
    if _TOP_KEY.match(text, at):
        if text[:1] in ("", " ", "#", "\n", "-") and not _TOP_LINE.search(text, 0, at - 1):
            return None  # nothing but comments before the cut: the first half is no mapping
        return text[:at], text[at:], None
    if not text.startswith(("- ", "-\n"), at):
        return None
    key_at = _last_top_line(text, at)
    key = _LIST_KEY.fullmatch(text, key_at, text.find("\n", key_at) + 1) if key_at is not None else None
    if key is None or not _FIRST_ITEM.match(text, key.end()):
        return None  # not the key of a list whose items are at column 0, as the cut one is
    return text[:at], key.group() + text[at:], key.group(1)


def _last_top_line(text: str, before: int) -> int | None:
    """Where the last line at column 0 before ``before`` that is not a list item (nor a comment) starts."""
    last = 0 if text[:1] not in ("", " ", "#", "\n", "-") else None
    for found in _TOP_LINE.finditer(text, 0, before):
        last = found.end()
    return last


def join(head: dict[str, Any], tail: dict[str, Any], joined: str | None) -> dict[str, Any] | None:
    """The two halves' values as one document's, or None if they do not fit together."""
    for key in tail:
        if key in head and key != joined:
            return None  # a key written twice: the careful reader says where
    if joined is not None:
        last = next(reversed(head), None)
        first = next(iter(tail), None)
        if last != joined or first != joined:
            return None
        start, more = head[joined], tail[joined]
        if not isinstance(more, list):
            return None
        if start is None:  # the key line was the first half's last line: the list is all in the second
            head[joined] = more
        elif isinstance(start, list):
            start.extend(more)
        else:
            return None
    for key, value in tail.items():
        if key != joined:
            head[key] = value
    return head


def _cores() -> int:
    if not hasattr(os, "fork"):
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class _Lost:
    """The child's result never came: it failed, was killed or sent something short."""


LOST = _LOST = _Lost()


def beside(work: Callable[[], Any]) -> _Child:
    """``work()`` started in a forked child, for ``with``: ``result()`` waits for its value, or ``LOST``.

    The value must be one ``marshal`` writes (bytes, text, numbers, lists,
    mappings, None). Leaving the ``with`` block ends the child if it still runs.
    """
    return _Child(work)


class _Child:
    """``work()`` run in a forked child; ``result()`` waits for its value (or ``LOST``)."""

    def __init__(self, work: Callable[[], Any]):
        self.work = work
        self.pid = 0
        self.reader = -1

    def __enter__(self) -> _Child:
        import signal

        reader, writer = os.pipe()
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # no Ctrl-C before the child is set
        try:
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child's coverage is not collected
                _serve(self.work, reader, writer)
        except BaseException:
            os.close(reader)
            os.close(writer)
            raise
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
        os.close(writer)
        self.pid, self.reader = pid, reader
        return self

    def result(self) -> Any:
        import marshal

        with open(self.reader, "rb") as pipe:
            self.reader = -1
            payload = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            return _LOST
        try:
            return marshal.loads(payload)
        except (EOFError, ValueError, TypeError):
            return _LOST

    def __exit__(self, *exc: object) -> None:
        if self.reader != -1:
            os.close(self.reader)
        if self.pid:
            import signal

            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
            os.waitpid(self.pid, 0)


def _serve(work: Callable[[], Any], reader: int, writer: int) -> None:  # pragma: no cover - runs in the child
    """The child: do the work, write its value to the pipe, and leave without running anything else."""
    import signal

    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the child, with no Python handling
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        os.close(reader)
        import marshal

        payload = marshal.dumps(work())
        with open(writer, "wb") as pipe:
            pipe.write(payload)
        code = 0
    except BaseException:  # nothing may escape a forked child: the parent reads the half itself
        pass
    finally:
        os._exit(code)
