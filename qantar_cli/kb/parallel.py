"""Share the work on a large knowledge file with a second process.

Two steps of a first (uncached) load of a large file run in two processes
where the machine has a second core: reading it (``read``), and, while the
records are checked here, building them and writing the cache entry in a
forked child (``beside``, used by ``store.examine``).

``quickyaml`` reads about 20 MB a second. A file several times the bundled
one is therefore read in two halves: a forked child reads the second half
while this process reads the first,
and sends back what it read (``marshal``, over a pipe of its own; nothing
is written to disk). The answer is the one ``quickyaml.read`` gives for
the whole file, or None, exactly as it gives it (``tests/test_parallel.py``):

- A file is cut only at a line at column 0 that ``quickyaml`` always reads
  as a boundary: a top-level key, or an item of a top-level list, which
  then starts the second half under a key line of its own. Both halves are
  valid documents when the whole is, and read to the same values.
- The halves are joined only when they fit: a list cut in two is the first
  half's last entry, its items are at column 0 as the cut one is, and no
  top-level key appears in both halves (a duplicate is the careful
  reader's to report, so that gives None).
- Whatever goes wrong in the child (it fails, is killed, sends something
  short) makes this process read the second half itself. Ctrl-C ends the
  child at once: it does not handle SIGINT, and this process kills and
  reaps it on any way out. (The child that writes the cache entry ignores
  SIGINT instead: it may still be writing while a pager shows the answer,
  and a Ctrl-C in the pager is the pager's. This process ends it.)

Below ``LEAST`` characters, where forking costs more than it saves, on a
single core, off Linux, beside other threads and where children are reaped
unseen, everything is done in this process, in one piece (``worth``).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from typing import Any

from . import quickyaml

#: Files shorter than this (in characters, about 15 times the bundled file) are read in one piece.
LEAST = 4 * 2**20

#: A line at column 0 with content: a top-level key, a top-level list's item, or anything else.
_COLUMN_ZERO = re.compile(r"\n(?=[^ \n#])")
#: A line at column 0 that is neither a list item nor a comment.
_TOP_LINE = re.compile(r"\n(?=[^ \n#-])")
_TOP_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?: |\n)")
#: Blank lines and comments, then a list item at column 0: the first item of a list whose items are there.
_FIRST_ITEM = re.compile(r"(?:[ ]*(?:#[^\n]*)?\n)*-[ \n]")
_BLANK_TO_END = re.compile(r"(?:[ ]*(?:#[^\n]*)?\n)*")


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
    at, inside = cut
    # Each process copies out the half it reads (22 MB of copying costs ~30 ms, the first time).
    with beside(lambda: quickyaml.read(second_half(text, at, inside), name)) as child:
        first = text[:at]
        head = quickyaml.read(first, name)
        if head is None:
            return None
        tail = child.result()
    if tail is LOST:
        tail = quickyaml.read(second_half(text, at, inside), name)
    if tail is None:
        return None
    return join(head, tail, first, inside)


#: The key the second half of a list cut in two is read under (``join`` gives it back to its list).
#: A list is not cut where a top-level key of this name follows.
CONTINUED = "qantar_continued_list"


def halves(text: str, after: int | None = None) -> tuple[int, bool] | None:
    """Where to cut ``text`` near its middle and whether that is inside a list, or None.

    The first half is ``text[:at]``, the second ``second_half(text, at, inside)``.

    The cut is made before the first line at column 0 after the middle (or
    after the offset ``after``). A top-level key there starts the second
    half. An item of a top-level list starts it after a key line of its
    own, ``CONTINUED:``; the list it continues is the first half's last
    entry, which ``join`` finds once the first half is read, with no search
    of the text before the cut here.
    """
    found = _COLUMN_ZERO.search(text, len(text) // 2 if after is None else after)
    if found is None:
        return None
    at = found.end()
    if text[:1] in ("", " ", "#", "\n", "-") and not _TOP_LINE.search(text, 0, at - 1):
        return None  # nothing but comments (or list items) before the cut: the first half is no mapping
    if _TOP_KEY.match(text, at):
        return at, False
    if text.startswith(("- ", "-\n"), at) and text.find(f"\n{CONTINUED}:", at) == -1:
        return at, True
    return None


def second_half(text: str, at: int, inside: bool) -> str:
    """The text of the second half of a cut (see ``halves``)."""
    return f"{CONTINUED}:\n{text[at:]}" if inside else text[at:]


def join(head: dict[str, Any], tail: dict[str, Any], first: str, inside: bool) -> dict[str, Any] | None:
    """The two halves' values as one document's, or None if they do not fit together.

    ``first`` is the first half's text and ``inside`` whether the cut was in
    a list: the second half's ``CONTINUED`` list then joins the first half's
    last entry, whose key line must have nothing after its colon and whose
    first item must be at column 0 (else the item at the cut is none of its).
    """
    if inside:
        key = next(reversed(head), None)
        if key is None or next(iter(tail), None) != CONTINUED:
            return None
        after_key = _key_line_end(first, key)
        if after_key is None:
            return None
        before, more = head[key], tail.pop(CONTINUED)
        if not isinstance(more, list):
            return None
        if before is None and _BLANK_TO_END.fullmatch(first, after_key):
            head[key] = more  # the key line was the first half's last: the list is all in the second
        elif isinstance(before, list) and _FIRST_ITEM.match(first, after_key):
            before.extend(more)
        else:
            return None
    for key, value in tail.items():
        if key in head:
            return None  # a key written twice: the careful reader says where
        head[key] = value
    return head


def _key_line_end(text: str, key: str) -> int | None:
    """Where the line after the top-level line ``key:`` (with nothing after its colon but spaces) starts."""
    start = 0 if text.startswith(f"{key}:") else text.rfind(f"\n{key}:") + 1
    if not start and not text.startswith(f"{key}:"):
        return None
    end = text.find("\n", start)
    if end == -1 or text[start + len(key) + 1:end].strip(" "):
        return None
    return end + 1


def _cores() -> int:
    """The cores this process may use, or 1 where it should not fork.

    Only on Linux: elsewhere (macOS) a child forked without ``exec`` may
    crash once system frameworks are loaded, and Windows has no ``fork``.
    Not beside other threads, nor where children are reaped unseen
    (``SIGCHLD`` ignored: their exit could not be read).
    """
    import signal
    import sys

    if not sys.platform.startswith("linux") or _threaded() or signal.getsignal(signal.SIGCHLD) == signal.SIG_IGN:
        return 1
    return len(os.sched_getaffinity(0))


def _threaded() -> bool:
    """Whether other threads run here (a notebook, a server): a forked child could inherit a held lock."""
    import sys

    threading = sys.modules.get("threading")  # never imported: no thread was started from Python
    return threading is not None and threading.active_count() > 1


@contextlib.contextmanager
def ctrl_c_held() -> Iterator[None]:
    """Hold back Ctrl-C (SIGINT) in this thread for the block: one that comes meanwhile is raised as it ends."""
    import signal

    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


class _Lost:
    """The child's result never came: it failed, was killed or sent something short."""


LOST = _Lost()


def beside(work: Callable[[], Any], *, ctrl_c: bool = True) -> _Child:
    """``work()`` started in a forked child, for ``with``: ``result()`` waits for its value, or ``LOST``.

    The value must be one ``marshal`` writes (bytes, text, numbers, lists,
    mappings, None). Leaving the ``with`` block ends the child if it still runs.
    A Ctrl-C at the terminal ends the child too, unless ``ctrl_c`` is False:
    then only this process ends it (a child that outlives a pager, to which a
    Ctrl-C belongs while it runs).
    """
    return _Child(work, ctrl_c)


class _Child:
    """``work()`` run in a forked child; ``result()`` waits for its value (or ``LOST``)."""

    def __init__(self, work: Callable[[], Any], ctrl_c: bool = True):
        self.work = work
        self.ctrl_c = ctrl_c
        self.pid = 0
        self.reader = -1

    def __enter__(self) -> _Child:
        try:
            reader, writer = os.pipe()
        except OSError:  # out of file descriptors: nothing is started, and result() is LOST
            return self
        try:
            with ctrl_c_held():  # no Ctrl-C before the child is set
                try:
                    pid = os.fork()
                except OSError:  # no process to spare (EAGAIN, ENOMEM): result() is LOST
                    os.close(reader)
                    os.close(writer)
                    return self
                if pid == 0:  # pragma: no cover - the child's coverage is not collected
                    _serve(self.work, reader, writer, self.ctrl_c)
                os.close(writer)
                self.pid, self.reader = pid, reader
        except BaseException:  # a Ctrl-C that came meanwhile, raised as it is let through: the child is ended
            self.__exit__()
            raise
        return self

    def result(self) -> Any:
        import marshal

        if not self.pid:
            return LOST
        reader, self.reader = self.reader, -1  # closed below, once only, whatever interrupts
        with open(reader, "rb") as pipe:
            payload = pipe.read()
        status = self._reap()
        if status is None or not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            return LOST
        try:
            return marshal.loads(payload)
        except (EOFError, ValueError, TypeError):
            return LOST

    def _reap(self) -> int | None:
        pid, self.pid = self.pid, 0
        try:
            return os.waitpid(pid, 0)[1]
        except ChildProcessError:  # reaped by someone else: its exit is unknown
            return None

    def __exit__(self, *exc: object) -> None:
        if self.reader != -1:
            reader, self.reader = self.reader, -1
            os.close(reader)
        if self.pid:
            import signal

            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
            self._reap()


def _serve(work: Callable[[], Any], reader: int, writer: int,
           ctrl_c: bool) -> None:  # pragma: no cover - runs in the child
    """The child: do the work, write its value to the pipe, and leave without running anything else."""
    import signal

    code = 1
    try:
        # Ctrl-C ends the child, with no Python handling; or it is ignored, and the parent decides
        signal.signal(signal.SIGINT, signal.SIG_DFL if ctrl_c else signal.SIG_IGN)
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
