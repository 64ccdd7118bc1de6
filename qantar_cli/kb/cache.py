"""A content-addressed cache of validated knowledge bases, trusted only after it verifies.

Parsing and validating YAML costs far more than reading JSON, and a
knowledge file rarely changes between two commands. After a file passes
validation, its records (already in contract form) are stored as JSON under
a key made from the file's bytes, the schema's bytes, the package version
and the size and modification time of every ``.py`` file of the package
(so an upgrade or an edit of any module, including ones added later, is a
new key and a stale entry is never read). The JSON holds one collection a
line, so that a query decodes only the collections it reads (``get_parts``);
the whole entry is verified first all the same.

Where: ``$QANTAR_CACHE_DIR``, else ``$XDG_CACHE_HOME/qantar`` when that is
an absolute path (the XDG Base Directory spec says to ignore a relative
one), else ``~/.cache/qantar``; never inside the installed package.
``QANTAR_NO_CACHE=1`` turns the cache off.

The cache is best-effort: it can cost speed, never the answer. Each entry is
``kb-<key>.<suffix>``, one header line then the payload::

    qantar-cache 2 kb-<key>.json <BLAKE2b-256 of this line up to here + payload>\\n

and is used only if all of these hold, checked in this order, so that no
file, whatever its bytes or type, can raise, block or exhaust memory:

- it is opened with ``O_NOFOLLOW | O_NONBLOCK``: a symbolic link is refused,
  and a FIFO cannot block the open;
- ``fstat`` says it is a regular file (not a FIFO, device or directory) of
  at most ``MAX_ENTRY`` bytes, owned by this user (in a cache directory
  others may write to, as ``/tmp`` is, another user's file is not this
  user's entry), checked before it is read;
- the header names this format, this file's key and suffix, and its
  checksum matches: any truncation, corruption or edit is caught;
- (``get``) the payload is JSON whose shape is what ``load`` needs: the six
  collection names mapping to lists of dicts. Parsing errors, including
  the RecursionError of deeply nested input, count as a failed check.

An entry that fails is ignored, and the next ``put`` overwrites it. The
checksum guards against accidents, not forgery: whoever can write to the
user's cache directory can also write a valid entry, as they can edit the
user's shell start-up files.

Writes go to a fresh temporary file in the same directory (created with
``O_EXCL | O_NOFOLLOW``), then ``os.replace``, so concurrent runs only ever
see whole entries; no fsync is needed, since a file torn by a crash fails its
checksum. Pruning keeps the ``KEEP`` newest entries of each suffix and
removes only files this module wrote: exact name, regular file, starting with
its header; it never follows a link or enters a directory.

Other artefacts derived from the same knowledge file (a search index) are
stored under the same key with ``put_bytes(key, suffix, data)`` and read back,
verified the same way, with ``get_bytes(key, suffix)``.
"""

from __future__ import annotations

import json
import os
import stat  # already loaded by os: no import cost
from typing import Any, Protocol

from .files import MAX_BYTES

#: Whose entries are trusted: this process's user (None where the system has no user ids).
_USER = os.geteuid() if hasattr(os, "geteuid") else None

try:  # BLAKE2 from its own C module: hashlib would first load OpenSSL (~2 ms at start-up)
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - other Python implementations
    from hashlib import blake2b as _blake2b

FORMAT = 3
#: From this many bytes on, digests are SHA-256 through OpenSSL, which uses the processor's SHA
#: instructions and hashes a 22 MB file in about half the time BLAKE2b takes; below it, loading
#: OpenSSL (about 4 ms) would cost more than it saves. The choice depends on the length alone.
_BIG = 1 << 20
KEEP = 16
#: The largest entry read or written: four times the largest knowledge file,
#: room for the null fields and computed fields JSON spells out. A larger one
#: is never written (that knowledge base is simply not cached) nor read.
MAX_ENTRY = 4 * MAX_BYTES
MAGIC = b"qantar-cache "
_SUM = 64  # hex digits of a 256-bit checksum (BLAKE2b, or SHA-256 for a big entry)
_HEX = "0123456789abcdef"
_SUFFIX = "abcdefghijklmnopqrstuvwxyz0123456789"
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_READ = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def directory() -> str | None:
    """The cache directory, or None when caching is off."""
    if os.environ.get("QANTAR_NO_CACHE"):
        return None
    chosen = os.environ.get("QANTAR_CACHE_DIR")
    if chosen:
        return chosen
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = xdg if os.path.isabs(xdg) else os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "qantar")


def key(data: bytes) -> str | None:
    """The cache key of a knowledge file's bytes, or None when caching is off."""
    if directory() is None:
        return None
    from ..version import __version__
    from .files import schema_path

    digest = _digest(data)
    try:
        with open(schema_path(), "rb") as handle:
            digest.update(handle.read())
        stamp = code_stamp()
    except OSError:
        return None
    digest.update(f"\0{FORMAT}\0{__version__}\0{stamp}".encode())
    return digest.hexdigest()


def code_stamp(root: str = _PACKAGE) -> str:
    """Path, size and mtime of every ``.py`` file under the package, subpackages included.

    Costs one ``scandir`` per directory and one ``stat`` per module (about
    0.1 ms for the package). A linked module is stamped by its target's
    times; a linked directory is not entered (no loops), nor a bytecode cache.
    """
    lines = []
    pending = [root]
    while pending:
        with os.scandir(pending.pop()) as found:
            for entry in found:
                if entry.name.endswith(".py") and entry.is_file():
                    info = entry.stat()
                    lines.append(f"{entry.path[len(root):]}:{info.st_size}:{info.st_mtime_ns}")
                elif entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                    pending.append(entry.path)
    return "\n".join(sorted(lines))


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def get(cache_key: str) -> dict[str, list[dict[str, Any]]] | None:
    """The records stored under ``cache_key``, or None unless a verified entry has them."""
    payload = get_bytes(cache_key, "json")
    if payload is None:
        return None
    records = _decoded(payload)
    from ..collections import KEYS as COLLECTIONS

    if not isinstance(records, dict) or len(records) != len(COLLECTIONS):
        return None
    for name in COLLECTIONS:
        if not _records(records.get(name)):
            return None
    return records


def get_parts(cache_key: str, names: tuple[str, ...]) -> dict[str, memoryview] | None:
    """The JSON text of each collection in the entry under ``cache_key``, not yet decoded.

    ``put`` writes one collection a line (JSON text never holds a raw
    newline, so the only ones are those it puts between collections):
    ``{"sources":[...]\n,"places":[...]\n,...}``. This checks that layout,
    with exactly ``names`` in that order, and cuts the payload into each
    collection's text, so that a query decodes only the collections it reads
    (``decode_part``). If each part decodes, the payload as a whole is JSON
    that ``get`` decodes to the same records, since each part is a complete
    value of its own. None unless the entry verifies and has this layout.
    """
    found = _verified(cache_key, "json")
    if found is None:
        return None
    blob, start = found  # the entry's bytes, searched in place: each part is a view, nothing is copied
    if not blob.startswith(b"{", start) or not blob.endswith(b"}"):
        return None
    start += 1
    parts = {}
    for i, name in enumerate(names):
        head = (b"," if i else b"") + json.dumps(name).encode() + b":"
        if not blob.startswith(head, start):
            return None
        end = blob.find(b"\n", start)
        if (end == -1) != (i == len(names) - 1):  # a newline after each part but the last
            return None
        end = len(blob) - 1 if end == -1 else end
        parts[name] = memoryview(blob)[start + len(head):end]
        start = end + 1
    return parts


def decode_part(text: memoryview) -> list[dict[str, Any]] | None:
    """One collection's records, from ``get_parts``; None unless they are a list of records."""
    records = _decoded(text)
    return records if _records(records) else None


def _decoded(payload: bytes | memoryview) -> Any:
    try:
        # NaN and Infinity are not JSON, and a knowledge file cannot hold them: an entry that does is forged.
        return json.loads(str(payload, "utf-8"), parse_constant=_not_json)
    except (ValueError, RecursionError, MemoryError):  # UnicodeDecodeError is a ValueError
        return None


def _records(found: Any) -> bool:
    return isinstance(found, list) and all(isinstance(record, dict) for record in found)


def put(cache_key: str, records: dict[str, Any]) -> None:
    """Store records, one collection a line (see ``get_parts``); any failure (read-only home, full disk) is ignored."""
    payload = encode(records)
    if payload is not None:
        put_bytes(cache_key, "json", payload)


def stage_records(temporary: str, cache_key: str, records: dict[str, Any]) -> bool:
    """``stage`` the entry ``put`` would write for ``records``; whether it was written."""
    payload = encode(records)
    return payload is not None and stage(temporary, cache_key, "json", payload)


def encode(records: dict[str, Any]) -> bytes | None:
    """Records as ``put`` stores them (see ``get_parts``), or None if JSON cannot hold them."""
    try:
        # ASCII JSON (``\\u`` escapes) is a third faster to write than UTF-8 and as fast to read.
        encoder = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode
        lines = [f"{encoder(name)}:{encoder(value)}" for name, value in records.items()]
        return ("{" + "\n,".join(lines) + "}").encode("ascii")
    except (ValueError, TypeError, RecursionError):  # a value JSON cannot hold, or nested too deep
        return None


def get_bytes(cache_key: str, suffix: str) -> bytes | None:
    """The payload stored under ``cache_key`` and ``suffix``, or None unless it verifies."""
    found = _verified(cache_key, suffix)
    return None if found is None else found[0][found[1]:]


def _verified(cache_key: str, suffix: str) -> tuple[bytes, int] | None:
    """A verified entry's bytes and where its payload starts, or None."""
    path, head = _where(cache_key, suffix)
    if path is None:
        return None
    try:
        fd = os.open(path, _READ)
    except OSError:  # missing, a symbolic link (ELOOP), unreadable
        return None
    try:
        info = os.fstat(fd)
        if not _ours(info) or not (len(head) + _SUM + 1 <= info.st_size <= MAX_ENTRY):
            return None  # a FIFO, device, directory or another user's file; too short for a header, or too large
        with open(fd, "rb", closefd=False) as handle:
            blob = handle.read(info.st_size + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    start = len(head) + _SUM + 1
    if len(blob) != info.st_size or not blob.startswith(head) or blob[start - 1:start] != b"\n":
        return None
    if _checksum(head, memoryview(blob)[start:]) != blob[len(head):start - 1]:
        return None
    return blob, start


def put_bytes(cache_key: str, suffix: str, payload: bytes) -> None:
    """Store ``payload`` under ``cache_key`` and ``suffix``; any failure is ignored."""
    temporary = staging(cache_key, suffix)
    if temporary is not None and stage(temporary, cache_key, suffix, payload):
        publish(temporary, cache_key, suffix)


def staging(cache_key: str, suffix: str) -> str | None:
    """A new name for an entry to be written (``stage``) before it is put in place, or None when caching is off."""
    path, _ = _where(cache_key, suffix)
    if path is None:
        return None
    return os.path.join(os.path.dirname(path), f".kb-{os.getpid()}-{os.urandom(6).hex()}.tmp")


def stage(temporary: str, cache_key: str, suffix: str, payload: bytes) -> bool:
    """Write the sealed entry of ``payload`` to ``temporary`` (from ``staging``); whether it was written.

    It is not an entry until ``publish`` moves it into place; ``discard`` removes it.
    """
    path, head = _where(cache_key, suffix)
    if path is None or len(head) + _SUM + 1 + len(payload) > MAX_ENTRY:
        return False
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        fd = os.open(temporary, _CREATE, 0o600)
        try:
            with open(fd, "wb") as handle:
                handle.write(head + _checksum(head, payload) + b"\n")
                handle.write(payload)
        except BaseException:
            discard(temporary)
            raise
    except OSError:
        return False
    return True


def publish(temporary: str, cache_key: str, suffix: str) -> None:
    """Move a staged entry into place, then prune old entries; on failure it is removed."""
    path, _ = _where(cache_key, suffix)
    try:
        if path is None:
            raise OSError("caching is off")
        os.replace(temporary, path)
        _prune(os.path.dirname(path), suffix)
    except OSError:
        discard(temporary)


def discard(temporary: str) -> None:
    """Remove a staged entry that will not be published (it may not exist)."""
    try:
        os.unlink(temporary)
    except OSError:
        pass


def _where(cache_key: str, suffix: str) -> tuple[str | None, bytes]:
    """An entry's path and the start of its header (None when caching is off or the key is no key)."""
    if not 0 < len(suffix) <= 16 or suffix.strip(_SUFFIX):
        raise ValueError(f"a cache suffix is lowercase letters and digits, not {suffix!r}")
    folder = directory()
    if folder is None or not _is_key(cache_key):
        return None, b""
    name = f"kb-{cache_key}.{suffix}"
    return os.path.join(folder, name), MAGIC + f"{FORMAT} {name} ".encode()


def _is_key(text: Any) -> bool:
    return isinstance(text, str) and len(text) == 64 and not text.strip(_HEX)


class _Digest(Protocol):
    def update(self, data: bytes | memoryview, /) -> None: ...
    def hexdigest(self) -> str: ...


def _digest(first: bytes, size: int | None = None) -> _Digest:
    """A 256-bit digest object started with ``first``, for an input of ``size`` bytes in all
    (``first``'s own length by default): BLAKE2b, or SHA-256 for a big one."""
    if (len(first) if size is None else size) < _BIG:
        return _blake2b(first, digest_size=32)
    import hashlib

    return hashlib.sha256(first)


def _checksum(head: bytes, payload: bytes | memoryview) -> bytes:
    digest = _digest(head, len(payload))
    digest.update(payload)
    return digest.hexdigest().encode()


def _prune(folder: str, suffix: str) -> None:
    """Keep the ``KEEP`` newest entries with ``suffix``; delete only older files this module wrote.

    Also delete what a process that has ended left staged (``staging``):
    killed (SIGTERM, SIGKILL) between ``stage`` and ``publish``.
    """
    import re

    staged = re.compile(_STAGED)
    ours = []
    stale = []
    with os.scandir(folder) as found:
        for entry in found:
            name = entry.name
            if name.startswith("kb-") and name.endswith(f".{suffix}") and _is_key(name[3:-len(suffix) - 1]):
                mtime = _written_here(entry.path, name)
                if mtime is not None:
                    ours.append((mtime, entry.path))
            elif staged.fullmatch(name) and not _alive(int(name.split("-")[1])) and _staged_here(entry.path):
                stale.append(entry.path)
    for path in [path for _, path in sorted(ours, reverse=True)[KEEP:]] + stale:
        try:
            os.unlink(path)  # removes the name only: unlink never follows a link
        except OSError:
            pass


_STAGED = r"\.kb-[0-9]{1,10}-[0-9a-f]{12}\.tmp"  # what ``staging`` names


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # another user's process (EPERM), or no pid at all
        return pid > 0
    return True


def _staged_here(path: str) -> bool:
    """Whether a staged file is one this module writes: a regular file, empty (killed at once) or sealed."""
    found = _start_of(path, len(MAGIC))
    return found is not None and found[1] in (b"", MAGIC)


def _written_here(path: str, name: str) -> int | None:
    """The mtime of a regular file that starts with this module's header (any format), else None.

    Format 1 entries were bare JSON, ``{"key":"<key>","data":...}``.
    """
    legacy = b'{"key":"' + name[3:67].encode() + b'","data":'
    found = _start_of(path, len(legacy))
    if found is None:
        return None
    mtime, start = found
    return mtime if start.startswith(MAGIC) or start == legacy else None


def _ours(info: os.stat_result) -> bool:
    """Whether a file could be one this module wrote: a regular file of this user's."""
    return stat.S_ISREG(info.st_mode) and (_USER is None or info.st_uid == _USER)


def _start_of(path: str, size: int) -> tuple[int, bytes] | None:
    """The mtime and first ``size`` bytes of a regular file of this user's (never through a link), or None."""
    try:
        fd = os.open(path, _READ)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not _ours(info):
            return None
        return info.st_mtime_ns, os.read(fd, size)
    except OSError:
        return None
    finally:
        os.close(fd)
