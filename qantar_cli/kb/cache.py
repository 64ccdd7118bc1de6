"""A content-addressed cache of validated knowledge bases.

Parsing and validating YAML costs far more than reading JSON, and a
knowledge file rarely changes between two commands. After a file passes
validation, its records (already in contract form) are stored as JSON
under a key made from the file's bytes, the schema's bytes and the code
that validates them; any change to one of those is a new key, so a stale
entry is never read. An entry that cannot be read or does not carry its
own key is ignored and rebuilt. Entries live in the user's cache directory
(``$QANTAR_CACHE_DIR``, else ``$XDG_CACHE_HOME/qantar``, else
``~/.cache/qantar``), never inside the installed package.
``QANTAR_NO_CACHE=1`` turns the cache off.
"""

from __future__ import annotations

import json
import os
from typing import Any

try:  # BLAKE2 from its own C module: hashlib would first load OpenSSL (~2 ms at start-up)
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - other Python implementations
    from hashlib import blake2b as _blake2b

FORMAT = 1
KEEP = 16
_CODE = ("collections.py", "spec.py", "display.py", "dates.py", "kb/store.py", "kb/rules.py", "kb/schema.py", "kb/yamlread.py", "kb/cache.py")


def directory() -> str | None:
    if os.environ.get("QANTAR_NO_CACHE"):
        return None
    chosen = os.environ.get("QANTAR_CACHE_DIR")
    if chosen:
        return chosen
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "qantar")


def key(data: bytes) -> str | None:
    """The cache key of a knowledge file's bytes, or None when caching is off."""
    if directory() is None:
        return None
    from ..version import __version__
    from .files import schema_path

    digest = _blake2b(data, digest_size=32)
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the package
    stamp = [str(FORMAT), __version__]
    try:
        for name in _CODE:
            info = os.stat(os.path.join(here, name))
            stamp.append(f"{name}:{info.st_size}:{info.st_mtime_ns}")
        with open(schema_path(), "rb") as handle:
            digest.update(handle.read())
    except OSError:
        return None
    digest.update("\0".join(stamp).encode())
    return digest.hexdigest()


def _file(cache_key: str) -> str | None:
    folder = directory()
    return os.path.join(folder, f"kb-{cache_key}.json") if folder else None


def get(cache_key: str) -> dict[str, list[dict]] | None:
    path = _file(cache_key)
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            entry = json.load(handle)
        if entry.get("key") != cache_key or not isinstance(entry.get("data"), dict):
            return None
        return entry["data"]
    except (OSError, ValueError, AttributeError, UnicodeDecodeError):
        return None


def put(cache_key: str, records: dict[str, Any]) -> None:
    """Store records; any failure (read-only home, full disk) is ignored."""
    path = _file(cache_key)
    if path is None:
        return
    import tempfile

    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".kb-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"key": cache_key, "data": records}, handle, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        _prune(folder)
    except OSError:
        return


def _prune(folder: str) -> None:
    entries = []
    for entry in os.scandir(folder):
        if entry.name.startswith("kb-") and entry.name.endswith(".json"):
            entries.append((entry.stat().st_mtime, entry.path))
    for _, path in sorted(entries, reverse=True)[KEEP:]:
        try:
            os.unlink(path)
        except OSError:
            pass
