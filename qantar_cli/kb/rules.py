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
from typing import Any

from .. import collections as kinds
from .. import dates
from ..spec import Collection, Field

Issue = tuple[tuple[Any, ...], str]  # (a path into the file, the message)

_DATE_FORM = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")


def _indexed(root: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    items = root.get(key)
    if not isinstance(items, list):
        return []
    return [(i, r) for i, r in enumerate(items) if isinstance(r, dict)]


class Context:
    """What rules may read besides the records they check: voices, stances, quote folding."""

    def __init__(self, root: dict[str, Any]):
        self._folded: dict[str, str] = {}
        self.voices: dict[Any, Any] = {}
        self.stances: dict[Any, Any] = {}
        for key, field, into in (("actors", "voice", self.voices), ("sources", "stance", self.stances)):
            records = root.get(key)
            for record in records if isinstance(records, list) else []:
                if isinstance(record, dict) and isinstance(record.get("id"), str):
                    into[record["id"]] = record.get(field)

    def fold(self, text: str) -> str:
        """``quotes.fold(text)``, each distinct text folded once (a quote often supports several records)."""
        found = self._folded.get(text)
        if found is None:
            from .quotes import fold

            found = self._folded[text] = fold(text)
        return found


def check(root: dict[str, Any], collections: tuple[Collection, ...] = kinds.ALL) -> list[Issue]:
    """Every rule problem of a parsed knowledge file, as ``(path, message)`` pairs."""
    issues: list[Issue] = []
    context = Context(root)
    released = root.get("released")
    if isinstance(released, str) and _DATE_FORM.fullmatch(released) and not dates.is_real(released):
        issues.append((("released",), f"{released!r} is not a real date"))
    ids: dict[str, set[str]] = {c.key: set() for c in collections}
    singular = {c.key: c.kind for c in collections}
    first: dict[str, tuple[str, int]] = {}
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
        checked = _checked(c.fields)
        for i, record in records:
            _fields(record, checked, (c.key, i), ids, singular, context, issues)
        for rule in c.rules:
            issues.extend(rule(records, context))
    return issues


def clean(root: dict[str, Any], collections: tuple[Collection, ...] = kinds.ALL) -> bool:
    """Whether ``check(root)`` finds nothing, for a file the schema accepts: the quick answer, without paths.

    The same rules, read differently: a field is checked across all the
    records of a kind at once, a reference as a set against the ids, and a
    distinct date or text only once (the 100-times file repeats most of them).
    A collection's own rules run as in ``check``, and stop at their first issue.
    """
    context = Context(root)
    released = root.get("released")
    if isinstance(released, str) and _DATE_FORM.fullmatch(released) and not dates.is_real(released):
        return False
    indexed = {c.key: _indexed(root, c.key) for c in collections}
    ids: dict[str, set[str]] = {}
    count = 0
    for c in collections:
        found = [rid for _, r in indexed[c.key] if isinstance(rid := r.get("id"), str)]
        ids[c.key] = set(found)
        count += len(found)
    if len(set().union(*ids.values())) != count:
        return False  # an id used twice
    for c in collections:
        records = indexed[c.key]
        if not _clean_fields([r for _, r in records], _checked(c.fields), ids, context):
            return False
        for rule in c.rules:
            for _issue in rule(records, context):
                return False
    return True


def _clean_fields(records: list[dict[str, Any]], fields: tuple[Field, ...], ids: dict[str, set[str]],
                  context: Context) -> bool:
    for f in fields:
        name = f.name
        present = [value for r in records if (value := r.get(name)) is not None]
        if f.shape is not None:
            items = [item for value in present if isinstance(value, list) for item in value if isinstance(item, dict)]
            if not _clean_fields(items, _checked(f.shape), ids, context):
                return False
            continue
        if f.many:
            values = [v for value in present for v in (value if isinstance(value, list) else (value,))]
        else:
            values = present
        texts = {v for v in values if isinstance(v, str)}
        others = [v for v in values if not isinstance(v, str)]  # a checked field's values are text in a valid file
        if f.ref is not None and not texts <= ids[f.ref]:
            return False
        if f.date:
            for v in texts:
                if _DATE_FORM.fullmatch(v):
                    try:
                        dates.span(v)
                    except ValueError:
                        return False
        if f.check is not None and any(f.check(v, context) for v in (*texts, *others)):
            return False
    return True


_CHECKED: dict[tuple[Field, ...], tuple[Field, ...]] = {}


def _checked(fields: tuple[Field, ...]) -> tuple[Field, ...]:
    """The fields with something to check (a reference, a date, a rule, nested fields): the rest cost nothing."""
    found = _CHECKED.get(fields)
    if found is None:
        found = _CHECKED[fields] = tuple(
            f for f in fields
            if not f.computed and (f.shape is not None or f.ref is not None or f.date or f.check is not None))
    return found


def _fields(raw: dict[str, Any], fields: tuple[Field, ...], path: tuple[str | int, ...], ids: dict[str, set[str]],
            singular: dict[str, str], context: Context, out: list[Issue]) -> None:
    """The problems of one record's fields (those of ``_checked``), in field order, added to ``out``."""
    for f in fields:
        value = raw.get(f.name)
        if value is None:
            continue
        if f.shape is not None:
            if isinstance(value, list):
                shape = _checked(f.shape)
                for i, item in enumerate(value):
                    if isinstance(item, dict):
                        _fields(item, shape, path + (f.name, i), ids, singular, context, out)
            continue
        if f.many and isinstance(value, list):
            for j, v in enumerate(value):
                _value(f, v, path, j, ids, singular, context, out)
        else:
            _value(f, value, path, None, ids, singular, context, out)


def _value(f: Field, v: Any, path: tuple[str | int, ...], j: int | None, ids: dict[str, set[str]],
           singular: dict[str, str], context: Context, out: list[Issue]) -> None:
    at: tuple[Any, ...] | None = None  # built only for a problem
    if f.ref is not None and isinstance(v, str) and v not in ids[f.ref]:
        at = path + ((f.name,) if j is None else (f.name, j))
        out.append((at, f"unknown {singular[f.ref]} id {v!r}"))
    if f.date and isinstance(v, str) and _DATE_FORM.fullmatch(v):
        try:
            dates.span(v)
        except ValueError as exc:
            at = at or path + ((f.name,) if j is None else (f.name, j))
            out.append((at, str(exc)))
    if f.check is not None:
        message = f.check(v, context)
        if message:
            at = at or path + ((f.name,) if j is None else (f.name, j))
            out.append((at, message))

