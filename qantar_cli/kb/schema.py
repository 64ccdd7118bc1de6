"""Check values against the shipped JSON Schema, with no third-party validator.

The schema (``data/qantar.schema.json``) keeps to keywords that draft-07 and
2020-12 read alike; this module implements exactly those, compiled once into
small checking functions. A keyword it does not know is a programming error
and fails loudly (the test suite also cross-checks the bundled file with the
``jsonschema`` package).

Each check reports into an ``Issues`` collector as ``(path, message)``;
``path`` is a tuple of keys and indexes from the document root. A collector
keeps the first ``LIMIT`` issues and only counts the rest, so a file with a
million mistakes costs a count, not a million messages.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from typing import Any

from ..errors import LIMIT
from ..text import shortened

Path = tuple[Any, ...]
Issue = tuple[Any, str]  # (a path, or a line number for what is found by line; the message)


class Issues:
    """Issues found at paths: the first ``limit`` with their messages, then a count.

    ``add(path, message, *args)`` builds the message only while there is room:
    with ``args``, ``message`` is a function called with them or a
    ``str.format`` template, so that a check need not build text that will
    never be shown.
    """

    __slots__ = ("full", "kept", "limit", "more")

    def __init__(self, limit: int = LIMIT):
        self.kept: list[Issue] = []
        self.limit = limit
        self.more = 0
        self.full = limit <= 0

    def add(self, path: Path | int, message: Any, *args: Any) -> None:
        if self.full:
            self.more += 1
            return
        if args:
            message = message(*args) if callable(message) else message.format(*args)
        self.kept.append((path, message))
        self.full = len(self.kept) >= self.limit

    @property
    def total(self) -> int:
        return len(self.kept) + self.more

    def __bool__(self) -> bool:
        return self.total > 0


Check = Callable[[Any, Path, Issues], None]

SUPPORTED = {
    "$schema", "$id", "$ref", "title", "description", "definitions",
    "type", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum",
    "required", "properties", "additionalProperties", "items", "minItems", "anyOf",
}

_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
    "array": (list,),
    "object": (dict,),
}

#: Integers with more bits than this are described by their size, not their digits:
#: turning a huge integer into decimal text is slow, and beyond 4,300 digits Python refuses.
_SHOWN_BITS = 200


def number_text(value: float) -> str:
    """A number as text, however large: ``238``, ``1.5``, ``a 1,234-digit integer``."""
    if isinstance(value, int) and value.bit_length() > _SHOWN_BITS:
        digits = int(value.bit_length() * math.log10(2)) + 1  # within one of the true count
        return f"an integer of about {digits:,} digits"
    return str(value)


def describe(value: Any) -> str:
    """A short, user-facing description of a value's YAML type."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int):
        shown = number_text(value)
        return shown if shown.startswith("an ") else f"the integer {shown}"
    if isinstance(value, float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {shortened(repr(value), 60)}"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def ecma_regex(pattern: str) -> re.Pattern[str]:
    """Compile a JSON Schema (ECMA-262) pattern so that Python reads it the same way.

    In ECMA-262 without the multiline flag ``$`` matches only at the very
    end; Python's ``$`` also matches before a final newline, so ``"abc\\n"``
    would pass ``^[a-z]+$``. Every ``$`` outside a character class and not
    escaped becomes ``\\Z``.
    """
    out = []
    i, in_class = 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            # Python reads a ] right after [ or [^ as a member, not the end of the class.
            opening = "[^]" if pattern.startswith("[^]", i) else "[]" if pattern.startswith("[]", i) else "["
            out.append(opening)
            i += len(opening)
            continue
        elif char == "$":
            char = r"\Z"
        out.append(char)
        i += 1
    return re.compile("".join(out))


_STRING_KEYWORDS = {"type", "enum", "pattern", "minLength", "maxLength", "title", "description"}


def _listed(allowed: list[Any]) -> str:
    return ", ".join(str(a) for a in allowed)


def _hint(schema: dict[str, Any]) -> str:
    return str(schema.get("description", f"must match {schema.get('pattern')}")).rstrip(".")


# Messages, built only for the issues a collector keeps.

def _not_type(wanted: str, value: Any) -> str:
    return f"must be {wanted}, not {describe(value)}"


def _not_in(listed: str, value: Any) -> str:
    return f"must be one of {listed}, not {describe(value)}"


def _not_form(hint: str, value: Any) -> str:
    return f"{describe(value)} is not in the expected form ({hint})"


def _unknown_field(key: Any, known: str) -> str:
    return f"unknown field {shortened(repr(key), 60)} (the fields here are: {known})"


class Validator:
    """A JSON Schema compiled into checking functions."""

    def __init__(self, schema: dict[str, Any]):
        self.root = schema
        self._refs: dict[str, Check] = {}
        self.check = self._compile(schema)

    def check_into(self, value: Any, issues: Issues) -> Issues:
        """Check ``value``, reporting into ``issues``; returns it."""
        self.check(value, (), issues)
        return issues

    def iter_issues(self, value: Any) -> Iterator[Issue]:
        """Every issue of ``value`` (no limit)."""
        issues = Issues(limit=2**62)
        self.check(value, (), issues)
        return iter(issues.kept)

    # -- compilation ------------------------------------------------------

    def _resolve(self, ref: str) -> Check:
        if ref not in self._refs:
            target = resolve(self.root, ref)
            slot: list[Check] = []

            def forward(v: Any, p: Path, out: Issues) -> None:  # for cycles: the check is compiled below
                slot[0](v, p, out)

            self._refs[ref] = forward
            slot.append(self._compile(target))
            self._refs[ref] = slot[0]
        return self._refs[ref]

    def _compile(self, schema: dict[str, Any]) -> Check:
        unknown = set(schema) - SUPPORTED
        if unknown:
            raise ValueError(f"schema keywords not supported: {sorted(unknown)}")
        if schema.get("type") == "string" and set(schema) <= _STRING_KEYWORDS:
            return self._string(schema)  # the commonest shape, checked in one call
        checks: list[Check] = []

        if "$ref" in schema:
            checks.append(self._resolve(schema["$ref"]))

        if "type" in schema:
            checks.append(self._type(schema["type"]))

        if "enum" in schema:
            allowed = schema["enum"]
            listed = _listed(allowed)

            def check_enum(v: Any, p: Path, out: Issues) -> None:
                if isinstance(v, bool) or v not in allowed:
                    out.add(p, _not_in, listed, v)

            checks.append(check_enum)

        if "pattern" in schema:
            search = ecma_regex(schema["pattern"]).search
            hint = _hint(schema)

            def check_pattern(v: Any, p: Path, out: Issues) -> None:
                if isinstance(v, str) and not search(v):
                    out.add(p, _not_form, hint, v)

            checks.append(check_pattern)

        if "minLength" in schema:
            checks.append(self._bound(schema["minLength"], lambda v, n: len(v) >= n,
                                      "at least {} characters long", str))
        if "maxLength" in schema:
            checks.append(self._bound(schema["maxLength"], lambda v, n: len(v) <= n, "at most {} characters long", str))
        if "minimum" in schema:
            checks.append(self._bound(schema["minimum"], lambda v, n: v >= n, "at least {}", (int, float)))
        if "maximum" in schema:
            checks.append(self._bound(schema["maximum"], lambda v, n: v <= n, "at most {}", (int, float)))
        if "minItems" in schema:
            checks.append(self._bound(schema["minItems"], lambda v, n: len(v) >= n,
                                      "a list of at least {} items", list))

        if "required" in schema or "properties" in schema or "additionalProperties" in schema:
            checks.append(self._object(schema))

        if "items" in schema:
            item = self._compile(schema["items"])

            def check_items(v: Any, p: Path, out: Issues) -> None:
                if isinstance(v, list):
                    for i, element in enumerate(v):
                        item(element, p + (i,), out)

            checks.append(check_items)

        if "anyOf" in schema:
            checks.append(self._any_of([self._compile(s) for s in schema["anyOf"]]))

        if len(checks) == 1:
            return checks[0]
        if not checks:
            return lambda v, p, out: None

        def check_all(v: Any, p: Path, out: Issues) -> None:
            for c in checks:
                c(v, p, out)

        return check_all

    @staticmethod
    def _string(schema: dict[str, Any]) -> Check:
        """``type: string`` with any of enum, pattern, minLength and maxLength, as one check."""
        allowed = schema.get("enum")
        listed = _listed(allowed) if allowed is not None else ""
        search = ecma_regex(schema["pattern"]).search if "pattern" in schema else None
        hint = _hint(schema)
        shortest = schema.get("minLength")
        longest = schema.get("maxLength")

        def check_string(v: Any, p: Path, out: Issues) -> None:
            if not isinstance(v, str):
                out.add(p, _not_type, "string", v)
                return
            if allowed is not None and v not in allowed:
                out.add(p, _not_in, listed, v)
            if search is not None and not search(v):
                out.add(p, _not_form, hint, v)
            if shortest is not None and len(v) < shortest:
                out.add(p, f"must be at least {shortest} characters long")
            if longest is not None and len(v) > longest:
                out.add(p, f"must be at most {longest} characters long")

        return check_string

    @staticmethod
    def _type(names: str | list[str]) -> Check:
        names = names if isinstance(names, list) else [names]
        python = tuple(t for n in names for t in _PYTHON_TYPES[n])
        bool_ok = "boolean" in names
        wanted = " or ".join("a list" if n == "array" else "a mapping" if n == "object" else n for n in names)

        def check_type(v: Any, p: Path, out: Issues) -> None:
            if not isinstance(v, python) or (v.__class__ is bool and not bool_ok):
                out.add(p, _not_type, wanted, v)
            elif v.__class__ is float and not math.isfinite(v):
                out.add(p, "must be a finite number")

        return check_type

    @staticmethod
    def _any_of(options: list[Check]) -> Check:
        def check_any(v: Any, p: Path, out: Issues) -> None:
            found: list[Issue] = []
            for option in options:
                # While the collector has room, keep the options' messages to choose the
                # most telling one; once it is full, only whether one option passes matters.
                trial = Issues(limit=0 if out.full else 2**62)
                option(v, p, trial)
                if not trial:
                    return
                found.extend(trial.kept)
            if out.full:
                out.add(p, "")
                return
            # Report the most telling failure: the one that is not about type.
            specific = [i for i in found if not i[1].startswith("must be ")]
            out.add(*(specific or found)[0])

        return check_any

    @staticmethod
    def _bound(limit: Any, test: Callable[[Any, Any], bool], what: str, kind: Any) -> Check:
        message = f"must be {what.format(limit)}"

        def check(v: Any, p: Path, out: Issues) -> None:
            if isinstance(v, kind) and v.__class__ is not bool and not test(v, limit):
                out.add(p, message)

        return check

    def _object(self, schema: dict[str, Any]) -> Check:
        required = schema.get("required", [])
        props = {k: self._compile(s) for k, s in schema.get("properties", {}).items()}
        closed = schema.get("additionalProperties", True) is False
        known = ", ".join(props)

        def check(v: Any, p: Path, out: Issues) -> None:
            if not isinstance(v, dict):
                return
            for key in required:
                if key not in v:
                    out.add(p, "the field {!r} is missing", key)
            for key, value in v.items():
                sub = props.get(key)
                if sub is not None:
                    sub(value, p + (key,), out)
                elif closed:
                    out.add(p + (key,), _unknown_field, key, known)

        return check


def resolve(root: dict[str, Any], ref: str) -> dict[str, Any]:
    """The schema a local ``$ref`` (``#/definitions/id``) points to in ``root``."""
    if not ref.startswith("#/"):
        raise ValueError(f"only local $ref is supported, not {ref!r}")
    target: Any = root
    for part in ref[2:].split("/"):
        target = target[part]
    return dict(target)


def format_path(path: Path) -> str:
    """``('events', 3, 'time')`` -> ``events[3].time``."""
    out = ""
    for step in path:
        if isinstance(step, int) and not isinstance(step, bool):
            out += f"[{step}]"
        else:
            name = shortened(str(step), 60)  # a key can be any length
            out += f".{name}" if out else name
    return out
