"""Check values against the shipped JSON Schema, with no third-party validator.

The schema (``data/qantar.schema.json``) keeps to keywords that draft-07 and
2020-12 read alike; this module implements exactly those, compiled once into
small checking functions. A keyword it does not know is a programming error
and fails loudly (the test suite also cross-checks the bundled file with the
``jsonschema`` package).

Each check yields ``(path, message)`` pairs; ``path`` is a tuple of keys and
indexes from the document root.
"""

from __future__ import annotations

import math
import re
from typing import Any, Callable, Iterator

Path = tuple
Issue = tuple[Path, str]
Check = Callable[[Any, Path], Iterator[Issue]]

SUPPORTED = {
    "$schema", "$id", "$ref", "title", "description", "definitions",
    "type", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum",
    "required", "properties", "additionalProperties", "items", "minItems", "anyOf",
}

_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


def describe(value: Any) -> str:
    """A short, user-facing description of a value's YAML type."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, float):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {shown!r}"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


class Validator:
    """A JSON Schema compiled into checking functions."""

    def __init__(self, schema: dict):
        self.root = schema
        self._refs: dict[str, Check] = {}
        self.check = self._compile(schema)

    def iter_issues(self, value: Any) -> Iterator[Issue]:
        return self.check(value, ())

    # -- compilation ------------------------------------------------------

    def _resolve(self, ref: str) -> Check:
        if ref not in self._refs:
            if not ref.startswith("#/"):
                raise ValueError(f"only local $ref is supported, not {ref!r}")
            target: Any = self.root
            for part in ref[2:].split("/"):
                target = target[part]
            self._refs[ref] = lambda v, p: iter(())  # placeholder for cycles
            compiled = self._compile(target)
            self._refs[ref] = compiled
        return self._refs[ref]

    def _compile(self, schema: dict) -> Check:
        unknown = set(schema) - SUPPORTED
        if unknown:
            raise ValueError(f"schema keywords not supported: {sorted(unknown)}")
        checks: list[Check] = []

        if "$ref" in schema:
            ref = schema["$ref"]
            checks.append(lambda v, p: self._resolve(ref)(v, p))

        if "type" in schema:
            names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            tests = [_TYPES[n] for n in names]
            wanted = " or ".join("a list" if n == "array" else "a mapping" if n == "object" else n for n in names)

            def check_type(v: Any, p: Path) -> Iterator[Issue]:
                if not any(t(v) for t in tests):
                    yield p, f"must be {wanted}, not {describe(v)}"
                elif isinstance(v, float) and not math.isfinite(v):
                    yield p, "must be a finite number"

            checks.append(check_type)

        if "enum" in schema:
            allowed = schema["enum"]
            listed = ", ".join(str(a) for a in allowed)

            def check_enum(v: Any, p: Path) -> Iterator[Issue]:
                if v not in allowed or isinstance(v, bool):
                    yield p, f"must be one of {listed}, not {describe(v)}"

            checks.append(check_enum)

        if "pattern" in schema:
            regex = re.compile(schema["pattern"])
            hint = schema.get("description", f"must match {schema['pattern']}")

            def check_pattern(v: Any, p: Path) -> Iterator[Issue]:
                if isinstance(v, str) and not regex.search(v):
                    yield p, f"{describe(v)} is not in the expected form ({hint.rstrip('.')})"

            checks.append(check_pattern)

        for key, test, what in (
            ("minLength", lambda v, n: len(v) >= n, "at least {} characters long"),
            ("maxLength", lambda v, n: len(v) <= n, "at most {} characters long"),
        ):
            if key in schema:
                checks.append(self._bound(schema[key], test, what, str))
        for key, test, what in (
            ("minimum", lambda v, n: v >= n, "at least {}"),
            ("maximum", lambda v, n: v <= n, "at most {}"),
        ):
            if key in schema:
                checks.append(self._bound(schema[key], test, what, (int, float)))
        if "minItems" in schema:
            checks.append(self._bound(schema["minItems"], lambda v, n: len(v) >= n, "a list of at least {} items", list))

        if "required" in schema or "properties" in schema or "additionalProperties" in schema:
            checks.append(self._object(schema))

        if "items" in schema:
            item = self._compile(schema["items"])

            def check_items(v: Any, p: Path) -> Iterator[Issue]:
                if isinstance(v, list):
                    for i, element in enumerate(v):
                        yield from item(element, p + (i,))

            checks.append(check_items)

        if "anyOf" in schema:
            options = [self._compile(s) for s in schema["anyOf"]]

            def check_any(v: Any, p: Path) -> Iterator[Issue]:
                found: list[Issue] = []
                for option in options:
                    issues = list(option(v, p))
                    if not issues:
                        return
                    found.extend(issues)
                # Report the most telling failure: the one that is not about type.
                specific = [i for i in found if not i[1].startswith("must be ")]
                yield (specific or found)[0]

            checks.append(check_any)

        if len(checks) == 1:
            return checks[0]

        def check_all(v: Any, p: Path) -> Iterator[Issue]:
            for c in checks:
                yield from c(v, p)

        return check_all

    @staticmethod
    def _bound(limit: Any, test: Callable[[Any, Any], bool], what: str, kind: Any) -> Check:
        def check(v: Any, p: Path) -> Iterator[Issue]:
            if isinstance(v, kind) and not isinstance(v, bool) and not test(v, limit):
                yield p, f"must be {what.format(limit)}"

        return check

    def _object(self, schema: dict) -> Check:
        required = schema.get("required", [])
        props = {k: self._compile(s) for k, s in schema.get("properties", {}).items()}
        closed = schema.get("additionalProperties", True) is False

        def check(v: Any, p: Path) -> Iterator[Issue]:
            if not isinstance(v, dict):
                return
            for key in required:
                if key not in v:
                    yield p, f"the field {key!r} is missing"
            for key, value in v.items():
                sub = props.get(key)
                if sub is not None:
                    yield from sub(value, p + (key,))
                elif closed:
                    known = ", ".join(props)
                    yield p + (key,), f"unknown field {key!r} (the fields here are: {known})"

        return check


def format_path(path: Path) -> str:
    """``('events', 3, 'time')`` -> ``events[3].time``."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out
