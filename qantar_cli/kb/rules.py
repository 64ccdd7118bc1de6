"""Rules a JSON Schema cannot express, read from the collections' descriptions.

Generic checks come from the fields alone: ids are unique across the file,
every reference (``Field(ref=...)``) resolves, every date (``Field(date=True)``)
is a real day, month or year, and a field's own ``check`` holds. Each
collection adds its own ``rules`` (spans run forwards, a range has both
ends, places do not lie within themselves, ...). The checks read raw,
possibly malformed records defensively: the schema reports type errors,
these rules skip what they cannot read.
"""

from __future__ import annotations

import re
from typing import Iterator

from .. import collections as kinds
from .. import dates
from ..spec import Collection, Field

Issue = tuple[tuple, str]

_DATE_FORM = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")


def _indexed(root: dict, key: str) -> list[tuple[int, dict]]:
    items = root.get(key)
    if not isinstance(items, list):
        return []
    return [(i, r) for i, r in enumerate(items) if isinstance(r, dict)]


def check(root: dict, collections: tuple[Collection, ...] = kinds.ALL) -> list[Issue]:
    """Every rule problem of a parsed knowledge file, as ``(path, message)`` pairs."""
    issues: list[Issue] = []
    released = root.get("released")
    if isinstance(released, str) and _DATE_FORM.fullmatch(released) and not dates.is_real(released):
        issues.append((("released",), f"{released!r} is not a real date"))
    ids: dict[str, set[str]] = {c.key: set() for c in collections}
    singular = {c.key: c.kind for c in collections}
    first: dict[str, tuple] = {}
    for c in collections:
        for i, record in _indexed(root, c.key):
            rid = record.get("id")
            if not isinstance(rid, str):
                continue
            if rid in first:
                issues.append(((c.key, i, "id"), f"duplicate id {rid!r}: already used at "
                                                  f"{'/'.join(map(str, first[rid][:2]))}"))
            else:
                first[rid] = (c.key, i)
                ids[c.key].add(rid)
    for c in collections:
        records = _indexed(root, c.key)
        for i, record in records:
            issues.extend(_fields(record, c.fields, (c.key, i), ids, singular))
        for rule in c.rules:
            issues.extend(rule(records))
    return issues


def _fields(raw: dict, fields: tuple[Field, ...], path: tuple, ids: dict[str, set[str]],
            singular: dict[str, str]) -> Iterator[Issue]:
    for f in fields:
        value = raw.get(f.name)
        if value is None or f.computed:
            continue
        here = path + (f.name,)
        if f.shape is not None:
            for j, item in enumerate(value if isinstance(value, list) else []):
                if isinstance(item, dict):
                    yield from _fields(item, f.shape, here + (j,), ids, singular)
            continue
        values = list(enumerate(value)) if f.many and isinstance(value, list) else [(None, value)]
        for j, v in values:
            at = here if j is None else here + (j,)
            if f.ref is not None and isinstance(v, str) and v not in ids[f.ref]:
                yield (at, f"unknown {singular[f.ref]} id {v!r}")
            if f.date and isinstance(v, str) and _DATE_FORM.fullmatch(v):
                try:
                    dates.span(v)
                except ValueError as exc:
                    yield (at, str(exc))
            if f.check is not None:
                message = f.check(v)
                if message:
                    yield (at, message)

