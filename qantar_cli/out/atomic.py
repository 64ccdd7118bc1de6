"""Write a file whole or not at all, never through a symbolic link.

``check(path, force)`` says, before any work is done, whether ``path`` may
be written: a path that does not exist, in a directory that does; with
``force``, also an existing regular file or symbolic link. Anything else (a
directory, a device, a pipe, an existing file without ``force``) is a
``QueryError`` (a usage problem, exit 2); a missing directory or a path
that cannot be examined is a ``WriteFailed`` (exit 1).

A symbolic link is replaced only if it leads to a regular file or to
nothing: one that leads to a device, a pipe or a directory, or through a
process's open files (``/dev/stdout`` is ``/proc/self/fd/1``, a regular
file while stdout is redirected to one), is refused, so that ``--force``
never replaces it.

``write(path, fill, force)`` hands ``fill`` a temporary file in the
target's directory, then renames it over the target with ``os.replace``,
which replaces a symbolic link itself rather than the file it points to; a
regular file replaced keeps its permissions. Without ``force`` the
temporary file is hard-linked into place, which fails if something
appeared at the path in the meantime. If anything goes wrong, during
``fill`` too, or the process is told to end (SIGTERM, SIGHUP: ``Ended``),
the temporary file is removed and the target is left as it was.
``write_all`` does the same for several files at once: every one is
written before any is put in place.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable, Iterator
from typing import IO

from ..errors import Ended, QantarError, QueryError

#: The criterion a refusal names; the command line calls it ``-o``.
CRITERION = "output"


class WriteFailed(QantarError):
    """The file could not be written (exit 1); nothing was left behind."""


def check(path: str, force: bool, criterion: str = CRITERION) -> None:
    """Raise unless ``path`` may be written (see the module's description)."""
    if not path:
        raise QueryError("the output path is empty: name a file", criterion=criterion, value=path)
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = None
    except NotADirectoryError:
        raise WriteFailed(f"cannot write {path}: a part of the path before the file name is not a directory") \
            from None
    except OSError as exc:
        raise WriteFailed(f"cannot write {path}: {exc.strerror or exc}") from None
    if mode is None:
        if path.endswith(os.sep) or (os.altsep and path.endswith(os.altsep)):
            raise QueryError(f"the path {path} names a directory: name a file in it", criterion=criterion, value=path)
        folder = _folder(path)
        if not os.path.isdir(folder):
            raise WriteFailed(f"cannot write {path}: the directory {folder} does not exist (qantar never "
                              "creates directories: create it first)")
        return
    if stat.S_ISLNK(mode):
        if _through_streams(path):
            raise QueryError(f"the path {path} is a symbolic link to an open stream (such as standard output), "
                             "not to a file: name a file (- is standard output)", criterion=criterion, value=path)
        try:
            target = os.stat(path).st_mode
        except OSError:  # leads nowhere (or nowhere readable): the link itself is replaced
            target = None
        if target is not None and not stat.S_ISREG(target):
            what = "a directory" if stat.S_ISDIR(target) else "a device, a pipe or a socket"
            raise QueryError(f"the path {path} is a symbolic link to {what}, not to a file: name a file "
                             "(- is standard output)", criterion=criterion, value=path)
    if stat.S_ISDIR(mode):
        raise QueryError(f"the path {path} is a directory: name a file", criterion=criterion, value=path)
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        raise QueryError(f"the path {path} is not a regular file but a device, a pipe or a socket: name a file",
                         criterion=criterion, value=path)
    if not force:
        what = "a symbolic link" if stat.S_ISLNK(mode) else "a file"
        raise QueryError(f"there is already {what} at {path}: add --force to replace it",
                         criterion=criterion, value=path)


#: Where the links that lead to a process's open files are: /dev/stdout is /proc/self/fd/1.
_STREAMS = ("/proc/", "/dev/fd/")


def _through_streams(path: str) -> bool:
    """Whether the symbolic link ``path`` leads, in any of its steps, to a process's open file.

    Such a link names a stream that is a regular file only while it is redirected to one: replacing the
    link then would replace /dev/stdout itself, for every program on the machine.
    """
    folder = os.path.realpath(_folder(path))
    if folder == "/proc" or folder.startswith("/proc/"):  # /dev/fd/1 is /proc/self/fd/1
        return True
    here = os.path.abspath(path)
    for _ in range(40):  # the kernel's own limit on links in a row
        try:
            target = os.readlink(here)
        except OSError:
            return False  # not a link (any more): the end of the chain
        here = os.path.normpath(os.path.join(os.path.dirname(here), target))
        if here.startswith(_STREAMS) or here in ("/proc", "/dev/fd"):
            return True
    return True  # a loop, or a chain longer than any the kernel follows: nothing to replace


def write(path: str, fill: Callable[[IO[bytes]], object], force: bool, criterion: str = CRITERION) -> None:
    """Write ``path`` whole, or leave it as it was: ``fill`` writes into a temporary file."""
    write_all([(path, fill, criterion)], force)


def write_all(files: list[tuple[str, Callable[[IO[bytes]], object], str]], force: bool) -> None:
    """Write each ``(path, fill, criterion)`` whole, or leave every one as it was.

    All are written to temporary files first; only then is each put in place.
    """
    for path, _, criterion in files:
        check(path, force, criterion)
    pending: list[str] = []
    path = files[0][0] if files else ""
    try:
        with _ending_cleanly():
            written = []
            for path, fill, _ in files:
                try:
                    fd, temporary = _temporary(_folder(path), os.path.basename(path))
                except OSError as exc:
                    raise WriteFailed(f"cannot write {path}: {exc.strerror or exc}") from None
                pending.append(temporary)
                with os.fdopen(fd, "wb") as handle:
                    fill(handle)
                    handle.flush()
                    os.fsync(handle.fileno())
                written.append((temporary, path))
            for (temporary, path), (_, _, criterion) in zip(written, files, strict=True):
                _put(temporary, path, force, criterion)
                pending.remove(temporary)
    except BaseException as exc:
        for temporary in pending:
            try:
                os.unlink(temporary)
            except OSError:
                pass
        if isinstance(exc, OSError):
            others = "; no file was written" if len(files) > 1 else ""
            raise WriteFailed(f"cannot write {path}: {exc.strerror or exc}; it was left as it was{others}") \
                from None
        raise


@contextlib.contextmanager
def _ending_cleanly() -> Iterator[None]:
    """While writing, SIGTERM and SIGHUP raise ``Ended`` (where they would end the process at once), so
    the temporary files are removed first; on leaving, the handlers are as they were."""
    import signal
    import threading

    saved = []
    if threading.current_thread() is threading.main_thread():
        for name in ("SIGTERM", "SIGHUP"):
            signum = getattr(signal, name, None)
            if signum is not None and signal.getsignal(signum) is signal.SIG_DFL:
                saved.append((signum, signal.signal(signum, _raise_ended)))
    try:
        yield
    finally:
        for signum, handler in saved:
            signal.signal(signum, handler)


def _raise_ended(signum: int, frame: object) -> None:
    raise Ended(signum)


def _folder(path: str) -> str:
    return os.path.dirname(path) or os.curdir


def _temporary(folder: str, name: str) -> tuple[int, str]:
    """A new file beside the target, readable as a file made by ``open`` would be (umask honoured)."""
    import tempfile

    fd, temporary = tempfile.mkstemp(prefix=f".{name[:100]}.", suffix=".part", dir=folder)
    mask = os.umask(0o022)
    os.umask(mask)
    try:
        os.fchmod(fd, 0o666 & ~mask)
    except OSError:
        pass  # a file system without modes: the file stays private, which is no harm
    return fd, temporary


def _put(temporary: str, path: str, force: bool, criterion: str) -> None:
    """Move the finished file into place: over anything with ``force`` (a regular file replaced keeps its
    permissions), else only where nothing is."""
    if force:
        try:
            mode = os.lstat(path).st_mode
            if stat.S_ISREG(mode):
                os.chmod(temporary, stat.S_IMODE(mode))
        except OSError:  # nothing there (any more), or modes this file system does not keep
            pass
        os.replace(temporary, path)
        return
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise QueryError(f"a file appeared at {path} while it was being written: add --force to replace it",
                         criterion=criterion, value=path) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS):
            raise
        # a file system without hard links: check again, then rename
        check(path, force, criterion)
        os.replace(temporary, path)
        return
    os.unlink(temporary)
