"""The schema compiled to Python source, for a yes-or-no answer: is there any problem at all?

``schema.Validator`` reports every issue with its path and message, one
small function a keyword, which costs a call and a path a value: about
0.5 s for a file 100 times the bundled one. A file with no problem, the
common case, needs only the answer. This module writes each object schema
of the knowledge file as one Python function whose body checks every
property in line (``x = v.get('id', MISSING)``, then its type, pattern and
length as plain ``if`` statements), so a record costs one call, not one
a value, and the first problem ends the check.

The source is generated from the same schema and keywords ``schema.Validator``
reads (``tests/test_verdict.py`` holds the two to the same answer on the
bundled file and on mutated records). It names only its own variables and
the properties' names as literals (``repr``); every value from the schema
(patterns, enums, limits) is a constant passed in, never written into the
source.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .schema import _PYTHON_TYPES, SUPPORTED, ecma_regex, resolve

Test = Callable[[Any], bool]

_OBJECT_KEYWORDS = {"required", "properties", "additionalProperties"}


def compile_test(schema: dict[str, Any]) -> Test:
    """``schema`` (a document's root) as a function that says whether a value meets it."""
    return _Writer(schema).test()


class _Writer:
    def __init__(self, root: dict[str, Any]):
        self.root = root
        self.lines: list[str] = []
        self.constants: dict[str, Any] = {"MISSING": object(), "finite": math.isfinite}
        self.functions: dict[str, str] = {}  # a $ref -> the name of its function
        self.inlining: set[str] = set()  # the $refs being written in line
        self.written = 0

    def test(self) -> Test:
        name = self.function(self.root)
        namespace = dict(self.constants)
        exec(compile("\n".join(self.lines), "<qantar schema>", "exec"), namespace)  # our own source, see above
        test: Test = namespace[name]
        return test

    # -- names ------------------------------------------------------------------

    def constant(self, value: Any) -> str:
        name = f"c{len(self.constants)}"
        self.constants[name] = value
        return name

    def function(self, schema: dict[str, Any], ref: str | None = None) -> str:
        """The name of a function ``name(v) -> bool`` for ``schema``, written once per ``$ref``."""
        if ref is not None and ref in self.functions:
            return self.functions[ref]
        self.written += 1
        name = f"f{self.written}"
        if ref is not None:
            self.functions[ref] = name  # before the body: a schema may refer to itself
        body: list[str] = []
        self.check(schema, "v", 1, body, depth=0)
        self.lines += [f"def {name}(v):", *body, "    return True", ""]
        return name

    # -- statements: each appends lines that ``return False`` unless ``var`` meets the schema ---------

    def check(self, schema: dict[str, Any], var: str, level: int, out: list[str], depth: int) -> None:
        unknown = set(schema) - SUPPORTED
        if unknown:
            raise ValueError(f"schema keywords not supported: {sorted(unknown)}")
        pad = "    " * level
        if "$ref" in schema:
            ref = schema["$ref"]
            target = resolve(self.root, ref)
            if not {"items", "properties", "required"} & set(target) and ref not in self.inlining:
                self.inlining.add(ref)  # a value, not a record: checked in line (once per chain of refs)
                self.check(target, var, level, out, depth)
                self.inlining.discard(ref)
            else:
                out.append(f"{pad}if not {self.function(target, ref)}({var}): return False")
        known = self.types(schema, var, pad, out)
        if "enum" in schema:
            if known is str and all(isinstance(e, str) for e in schema["enum"]):
                out.append(f"{pad}if {var} not in {self.constant(frozenset(schema['enum']))}: return False")
            else:
                out.append(f"{pad}if {var}.__class__ is bool or {var} not in {self.constant(tuple(schema['enum']))}: "
                           f"return False")
        self.strings(schema, var, pad, out, known)
        self.numbers(schema, var, pad, out, known)
        if "minItems" in schema or "items" in schema:
            self.items(schema, var, level, out, depth, known)
        if _OBJECT_KEYWORDS & set(schema):
            self.fields(schema, var, level, out, depth, known)
        if "anyOf" in schema:
            self.any_of(schema["anyOf"], var, level, out, depth)

    def types(self, schema: dict[str, Any], var: str, pad: str, out: list[str]) -> type | None:
        """The type check; returns the one Python type ``var`` then has, if there is one."""
        if "type" not in schema:
            return None
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        python = tuple(t for n in names for t in _PYTHON_TYPES[n])
        clauses = [f"not isinstance({var}, {self.constant(python)})"]
        if any(n in names for n in ("integer", "number")):
            if "boolean" not in names:
                clauses.append(f"{var}.__class__ is bool")
            clauses.append(f"({var}.__class__ is float and not finite({var}))")
        out.append(f"{pad}if {' or '.join(clauses)}: return False")
        return python[0] if len(python) == 1 and python[0] is not int else None

    def strings(self, schema: dict[str, Any], var: str, pad: str, out: list[str], known: type | None) -> None:
        tests = []
        if "pattern" in schema:
            tests.append(f"{self.constant(ecma_regex(schema['pattern']).search)}({var}) is None")
        if "minLength" in schema:
            tests.append(f"len({var}) < {self.constant(schema['minLength'])}")
        if "maxLength" in schema:
            tests.append(f"len({var}) > {self.constant(schema['maxLength'])}")
        if not tests:
            return
        guard = "" if known is str else f"isinstance({var}, str) and "
        if "pattern" not in schema:
            out.append(f"{pad}if {guard}({' or '.join(tests)}): return False")
            return
        # A text that met the pattern once meets it again: ids, dates and source ids repeat
        # across records, and a set look-up costs less than a regular expression.
        met = self.constant(set())
        out.append(f"{pad}if {guard}{var} not in {met}:")
        out.append(f"{pad}    if {' or '.join(tests)}: return False")
        out.append(f"{pad}    {met}.add({var})")

    def numbers(self, schema: dict[str, Any], var: str, pad: str, out: list[str], known: type | None) -> None:
        tests = []
        if "minimum" in schema:  # "not >=", not "<": NaN meets no bound
            tests.append(f"not {var} >= {self.constant(schema['minimum'])}")
        if "maximum" in schema:
            tests.append(f"not {var} <= {self.constant(schema['maximum'])}")
        if tests:
            guard = f"isinstance({var}, (int, float)) and {var}.__class__ is not bool"
            out.append(f"{pad}if {guard} and ({' or '.join(tests)}): return False")

    def items(self, schema: dict[str, Any], var: str, level: int, out: list[str], depth: int,
              known: type | None) -> None:
        level = _guard(var, list, known, level, out)
        pad = "    " * level
        if "minItems" in schema:
            out.append(f"{pad}if len({var}) < {self.constant(schema['minItems'])}: return False")
        if "items" in schema:
            item = f"y{depth}"
            out.append(f"{pad}for {item} in {var}:")
            self.check(schema["items"], item, level + 1, out, depth + 1)
            out.append(f"{pad}    pass")  # a loop whose checks were all written elsewhere stays a loop

    def fields(self, schema: dict[str, Any], var: str, level: int, out: list[str], depth: int,
               known: type | None) -> None:
        level = _guard(var, dict, known, level, out)
        pad = "    " * level
        properties: dict[str, Any] = schema.get("properties", {})
        required = schema.get("required", [])
        if required:
            out.append(f"{pad}if not {self.constant(frozenset(required))} <= {var}.keys(): return False")
        if schema.get("additionalProperties", True) is False:
            out.append(f"{pad}if not {var}.keys() <= {self.constant(frozenset(properties))}: return False")
        value = f"x{depth}"
        for key, sub in properties.items():
            out.append(f"{pad}{value} = {var}.get({key!r}, MISSING)")
            out.append(f"{pad}if {value} is not MISSING:")
            self.check(sub, value, level + 1, out, depth + 1)
            out.append(f"{pad}    pass")

    def any_of(self, options: list[dict[str, Any]], var: str, level: int, out: list[str], depth: int) -> None:
        pad = "    " * level
        rest = [o for o in options if o != {"type": "null"}]
        if len(rest) == 1 and len(options) == 2:  # the common "this, or null": checked in line
            out.append(f"{pad}if {var} is not None:")
            self.check(rest[0], var, level + 1, out, depth)
            out.append(f"{pad}    pass")
            return
        names = [self.function(o) for o in options]
        out.append(f"{pad}if not ({' or '.join(f'{n}({var})' for n in names)}): return False")


def _guard(var: str, kind: type, known: type | None, level: int, out: list[str]) -> int:
    """Open ``if isinstance(var, kind):`` unless ``var`` is known to be one; the level to write at then."""
    if known is kind:
        return level
    pad = "    " * level
    out.append(f"{pad}if isinstance({var}, {kind.__name__}):")
    out.append(f"{pad}    pass")  # a block even if nothing below writes into it
    return level + 1
