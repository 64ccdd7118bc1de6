"""Write a file whole or not at all, never through a symbolic link.

``check(path, force)`` says, before any work is done, whether ``path`` may
be written: a path that does not exist, in a directory that does; with
``force``, also an existing regular file or symbolic link. Anything else (a
directory, a device, a pipe, an existing file without ``force``) is a
``QueryError`` (a usage problem, exit 2); a missing directory or a path
that cannot be examined is a ``WriteFailed`` (exit 1).

``write(path, fill, force)`` hands ``fill`` a temporary file in the
target's directory, then renames it over the target with ``os.replace``,
which replaces a symbolic link itself rather than the file it points to.
Without ``force`` the temporary file is hard-linked into place, which
fails if something appeared at the path in the meantime. If anything goes
wrong, during ``fill`` too, the temporary file is removed and the target is
left as it was.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from typing import IO

from ..errors import QantarError, QueryError

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
    if stat.S_ISDIR(mode):
        raise QueryError(f"the path {path} is a directory: name a file", criterion=criterion, value=path)
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        raise QueryError(f"the path {path} is not a regular file but a device, a pipe or a socket: name a file",
                         criterion=criterion, value=path)
    if not force:
        what = "a symbolic link" if stat.S_ISLNK(mode) else "a file"
        raise QueryError(f"there is already {what} at {path}: add --force to replace it",
                         criterion=criterion, value=path)


def write(path: str, fill: Callable[[IO[bytes]], object], force: bool, criterion: str = CRITERION) -> None:
    """Write ``path`` whole, or leave it as it was: ``fill`` writes into a temporary file."""
    check(path, force, criterion)
    folder = _folder(path)
    name = os.path.basename(path)
    try:
        fd, temporary = _temporary(folder, name)
    except OSError as exc:
        raise WriteFailed(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            fill(handle)
            handle.flush()
            os.fsync(handle.fileno())
        _put(temporary, path, force, criterion)
    except BaseException as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise WriteFailed(f"cannot write {path}: {exc.strerror or exc}; it was left as it was") from None
        raise


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
    """Move the finished file into place: over anything with ``force``, else only where nothing is."""
    if force:
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
