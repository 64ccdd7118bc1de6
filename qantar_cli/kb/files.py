"""Knowledge files on disk: where the bundled one is, reading one, naming one.

The bundled knowledge file and its schema are found inside the package (a
wheel) or beside it (a checkout). A knowledge file may be a regular file or
a stream (``--data -`` for standard input, ``--data /dev/stdin``, a named
pipe); either way at most ``MAX_BYTES`` are read and anything longer is
refused, never cut short. A device (``/dev/zero``, a terminal), a directory
or a socket is refused before reading.
"""


from __future__ import annotations

import os
import stat
from typing import BinaryIO

from ..errors import DataError

_PACKAGE_DATA = "data"
#: The path that means standard input (``--data -``), and how messages name it.
STDIN = "-"
_STDIN_SHOWN = "<stdin>"


def _data_dir() -> str:
    """Where the bundled knowledge file and schema are.

    From a wheel they sit inside the package (``qantar_cli/data``, mapped
    there at build time); from a source checkout or an editable install they
    are in the top-level ``data/`` beside the package.
    """
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the package
    inside = os.path.join(here, _PACKAGE_DATA)
    if os.path.isfile(os.path.join(inside, "qantar.yaml")):
        return inside  # an installed wheel: the fast path, no importlib.resources import
    checkout = os.path.join(os.path.dirname(here), "data")
    if os.path.isfile(os.path.join(checkout, "qantar.yaml")):
        return checkout  # a source checkout or an editable install
    from importlib.resources import as_file, files  # anything else, e.g. a zipped install

    resource = files("qantar_cli").joinpath(_PACKAGE_DATA)
    with as_file(resource) as path:
        return str(path)


def bundled_path() -> str:
    return os.path.join(_data_dir(), "qantar.yaml")


def schema_path() -> str:
    return os.path.join(_data_dir(), "qantar.schema.json")

MAX_BYTES = 64 * 1024 * 1024
#: The most lines a knowledge file may have. A valid file of MAX_BYTES has about 1.4 million (the bundled
#: one's lines average 47 bytes); the bound is for files of junk, which cost memory and time by the line.
MAX_LINES = 2_000_000
#: The most values (scalars, mappings, lists) a knowledge file may hold: items of flow lists, many to a
#: line, are not bounded by MAX_LINES. The bundled file holds about 15,000.
MAX_VALUES = 6_000_000
_CHUNK = 1 << 20
_TOO_LARGE = (f"the file is larger than {MAX_BYTES // 2**20} MiB; "
              f"a knowledge file may be at most {MAX_BYTES // 2**20} MiB")


def display_name(path: str) -> str:
    """How messages name a file: relative to the working directory when inside it; ``<stdin>`` for ``-``."""
    if path == STDIN:
        return _STDIN_SHOWN
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive, on Windows
        return path
    return path if relative.startswith("..") or relative == "." else relative


def read_bytes(path: str) -> bytes:
    """Read a knowledge file, refusing in a sentence what is not one (``-``: standard input)."""
    if path == STDIN:
        return _read_stdin()
    shown = display_name(path) or "''"
    try:
        info = os.stat(path)
        _refuse_unless_readable_kind(info.st_mode, shown)  # a device is never opened
        if stat.S_ISREG(info.st_mode) and info.st_size > MAX_BYTES:
            raise DataError.single(shown, _TOO_LARGE)  # refused without reading
        with open(path, "rb", buffering=0) as handle:
            # What was opened is what is read: check it again, in case the path changed.
            opened = os.fstat(handle.fileno())
            _refuse_unless_readable_kind(opened.st_mode, shown)
            return _read_at_most(handle, shown, opened.st_size if stat.S_ISREG(opened.st_mode) else 0)
    except DataError:
        raise
    except FileNotFoundError:
        raise DataError.single(shown, "no such file") from None
    except PermissionError:
        raise DataError.single(shown, "permission denied: the file cannot be read") from None
    except IsADirectoryError:
        raise DataError.single(shown, "is a directory, not a knowledge file") from None
    except OSError as exc:
        raise DataError.single(shown, f"cannot read the file: {exc.strerror or exc}") from None
    except ValueError:  # a NUL character in the name: no file can have it
        raise DataError.single(shown, "no such file (the name contains a NUL character)") from None


def _read_stdin() -> bytes:
    """A knowledge file piped or redirected into standard input; a terminal or a closed one is refused."""
    try:
        if os.isatty(0):
            raise DataError.single(_STDIN_SHOWN, "is a terminal: pipe a knowledge file into it, as in "
                                                 "qantar --data - timeline < FILE")
        info = os.fstat(0)
        _refuse_unless_readable_kind(info.st_mode, _STDIN_SHOWN)
        with os.fdopen(os.dup(0), "rb", buffering=0) as handle:
            return _read_at_most(handle, _STDIN_SHOWN, info.st_size if stat.S_ISREG(info.st_mode) else 0)
    except DataError:
        raise
    except OSError as exc:  # closed (EBADF), or unreadable
        raise DataError.single(_STDIN_SHOWN, f"cannot be read: {exc.strerror or exc}") from None


def _refuse_unless_readable_kind(mode: int, shown: str) -> None:
    if stat.S_ISDIR(mode):
        raise DataError.single(shown, "is a directory, not a knowledge file")
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
        raise DataError.single(shown, f"is {_kind(mode)}, not a knowledge file: give a regular file or a pipe")


def _kind(mode: int) -> str:
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _read_at_most(handle: BinaryIO, shown: str, expected: int = 0) -> bytes:
    """All of ``handle``, or a refusal once it passes ``MAX_BYTES``.

    A regular file's ``expected`` size (at most ``MAX_BYTES``) is read in one
    call, and one more read makes sure nothing follows; otherwise, and when
    more does follow, it reads in chunks until end of file, so a pipe, whose
    size is unknown, and a regular file that grows while it is read are
    treated alike.
    """
    chunks: list[bytes] = []
    size = 0
    if 0 < expected <= MAX_BYTES:
        whole = handle.read(expected)
        if len(whole) == expected and not handle.read(1):
            return whole
        chunks.append(whole)
        size = len(whole)
        handle.seek(size)  # whatever that read of one byte found is read again below
    while True:
        chunk = handle.read(min(_CHUNK, MAX_BYTES + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BYTES:
            raise DataError.single(shown, _TOO_LARGE)
