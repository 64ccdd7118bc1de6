"""A strict, bounded YAML reader for knowledge files.

PyYAML's loaders are built for trusting callers: the composer recurses once
per nesting level (the C one overflows the C stack on a deeply nested file),
aliases are expanded without limit, and duplicate keys silently overwrite.
This module builds plain Python values straight from PyYAML's event stream,
with an explicit stack, so it can refuse, with a line number:

- nesting deeper than ``MAX_DEPTH``;
- aliases and anchors (a knowledge file never needs them; they are how
  "billion laughs" files explode);
- explicit tags other than YAML's core ones (``!!python/object`` and kin
  never construct anything);
- duplicate keys, and keys that are not plain scalars;
- more than one document, or none.

It also records the line of every mapping key, so that later checks can
report ``file:line: message``.
"""

from __future__ import annotations

import math
from typing import Any

from ..errors import DataError
from .files import MAX_BYTES  # noqa: F401  (re-exported: the limit used to live here)

MAX_DEPTH = 64

_CORE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:timestamp",
}
_STR = "tag:yaml.org,2002:str"
# Plain scalars that are obviously text need no resolver: this is most of a
# knowledge file, and skipping the resolver's regular expressions for them
# keeps loading fast.  A scalar can only resolve to a non-string if it starts
# with one of these characters (see yaml.resolver's implicit resolvers).
_MAYBE_TYPED = frozenset("+-.0123456789:<=~nNyYtTfFoO")


class Lines:
    """Where each mapping of a loaded document and each of its keys started.

    ``of(root, path)`` answers the line of the value at ``path`` (a sequence
    of keys and indexes), falling back to the nearest enclosing mapping.
    """

    def __init__(self) -> None:
        self._maps: dict[int, tuple[int, dict[Any, int], dict[Any, str]]] = {}
        self._keep: list[Any] = []  # keeps ids stable while the map lives

    def add(self, mapping: dict, line: int, keys: dict[Any, int], raw: dict[Any, str]) -> None:
        self._maps[id(mapping)] = (line, keys, raw)
        self._keep.append(mapping)

    def of(self, root: Any, path: tuple) -> int | None:
        line = None
        node = root
        for step in path:
            entry = self._maps.get(id(node)) if isinstance(node, dict) else None
            if entry is not None:
                line = entry[1].get(step, entry[0])
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                break
        else:
            entry = self._maps.get(id(node)) if isinstance(node, dict) else None
            if entry is not None and line is None:
                line = entry[0]
        return line

    def entries(self):
        """(line, key lines, raw scalars) of every mapping."""
        return self._maps.values()

    def raw(self, mapping: Any, key: Any) -> str | None:
        """The source text of an unquoted scalar that YAML did not read as a string."""
        entry = self._maps.get(id(mapping)) if isinstance(mapping, dict) else None
        return entry[2].get(key) if entry else None


def decode(data: bytes, name: str) -> str:
    """Decode UTF-8 (a BOM is allowed), or say which line is not UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DataError.single(name, "the file is not UTF-8 text (undecodable byte)", line) from None
    return text[1:] if text.startswith("\ufeff") else text


def _constructors():
    # Imported here so that a cached load never pays for PyYAML.
    import yaml

    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml, loader_cls


def read(text: str, name: str) -> tuple[Any, Lines]:
    """Parse one YAML document into plain values, refusing anything hostile."""
    yaml, loader_cls = _constructors()
    from yaml import events as ev
    from yaml.constructor import SafeConstructor
    from yaml.nodes import ScalarNode
    from yaml.resolver import Resolver

    resolver = Resolver()
    constructor = SafeConstructor()
    lines = Lines()

    def fail(message: str, mark: Any = None) -> DataError:
        line = mark.line + 1 if mark is not None else None
        return DataError.single(name, message, line)

    def scalar(event: Any) -> tuple[Any, bool]:
        """The value of a scalar event, and whether it was read as text."""
        value = event.value
        tag = event.tag
        if tag is not None and tag != "!":
            if tag not in _CORE_TAGS:
                raise fail(f"the tag {tag} is not allowed in a knowledge file", event.start_mark)
        elif not event.implicit[0]:
            return value, True  # quoted, or tagged with the non-specific "!"
        elif not value:
            return None, False  # `key:` with nothing after it is null
        elif value[0] not in _MAYBE_TYPED:
            return value, True
        else:
            tag = resolver.resolve(ScalarNode, value, (True, False))
        if tag == _STR:
            return value, True
        node = ScalarNode(tag, value, event.start_mark, event.end_mark)
        try:
            if tag == "tag:yaml.org,2002:null":
                return None, False
            if tag == "tag:yaml.org,2002:bool":
                return constructor.construct_yaml_bool(node), False
            if tag == "tag:yaml.org,2002:int":
                return constructor.construct_yaml_int(node), False
            if tag == "tag:yaml.org,2002:float":
                number = constructor.construct_yaml_float(node)
                if not math.isfinite(number):
                    raise fail(f"{value!r} is not a finite number", event.start_mark)
                return number, False
            if tag == "tag:yaml.org,2002:timestamp":
                # Dates come out as ISO text, the form the schema checks.
                return constructor.construct_yaml_timestamp(node).isoformat(), True
        except DataError:
            raise
        except (ValueError, OverflowError, TypeError, yaml.YAMLError):
            if tag == "tag:yaml.org,2002:timestamp":
                raise fail(f"{value} is not a real date", event.start_mark) from None
            raise fail(f"cannot read {value!r} as {tag.rsplit(':', 1)[-1]}", event.start_mark) from None
        raise fail(f"a {tag.rsplit(':', 1)[-1]} cannot be a single value", event.start_mark)

    # Each frame: [container, pending_key_or_marker, key_lines, raw, start_line]
    stack: list[list[Any]] = []
    root: Any = None
    have_root = False
    documents = 0
    _NOKEY = object()

    def attach(value: Any, mark: Any, raw: str | None) -> None:
        nonlocal root, have_root
        if not stack:
            root, have_root = value, True
            return
        frame = stack[-1]
        container = frame[0]
        if isinstance(container, list):
            container.append(value)
            return
        key = frame[1]
        if key is _NOKEY:
            if isinstance(value, (dict, list)):
                raise fail("a mapping key must be a plain value, not a mapping or a list", mark)
            if value in container or value in frame[2]:
                first = frame[2].get(value)
                where = f" (first at line {first})" if first else ""
                raise fail(f"duplicate key {value!r}{where}", mark)
            frame[1] = value
            frame[2][value] = mark.line + 1
        else:
            container[key] = value
            if raw is not None:
                frame[3][key] = raw
            frame[1] = _NOKEY

    try:
        for event in yaml.parse(text, Loader=loader_cls):
            kind = type(event)
            if kind is ev.ScalarEvent:
                if event.anchor is not None:
                    raise fail("anchors and aliases are not allowed in a knowledge file", event.start_mark)
                value, is_text = scalar(event)
                attach(value, event.start_mark, None if is_text else event.value)
            elif kind is ev.MappingStartEvent or kind is ev.SequenceStartEvent:
                if event.anchor is not None:
                    raise fail("anchors and aliases are not allowed in a knowledge file", event.start_mark)
                if event.tag is not None and event.tag != "!" and event.tag not in _CORE_TAGS:
                    raise fail(f"the tag {event.tag} is not allowed in a knowledge file", event.start_mark)
                if len(stack) >= MAX_DEPTH:
                    raise fail(f"the file nests deeper than {MAX_DEPTH} levels", event.start_mark)
                if kind is ev.MappingStartEvent:
                    stack.append([{}, _NOKEY, {}, {}, event.start_mark.line + 1, event.start_mark])
                else:
                    stack.append([[], None, None, None, event.start_mark.line + 1, event.start_mark])
            elif kind is ev.MappingEndEvent or kind is ev.SequenceEndEvent:
                frame = stack.pop()
                if kind is ev.MappingEndEvent:
                    lines.add(frame[0], frame[4], frame[2], frame[3])
                attach(frame[0], frame[5], None)
            elif kind is ev.AliasEvent:
                raise fail("anchors and aliases are not allowed in a knowledge file", event.start_mark)
            elif kind is ev.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise fail("the file holds more than one YAML document", event.start_mark)
    except DataError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "not valid YAML"
        raise fail(f"not valid YAML: {problem}", mark) from None
    except yaml.YAMLError as exc:
        raise DataError.single(name, f"not valid YAML: {exc}") from None
    except RecursionError:
        raise fail(f"the file nests deeper than {MAX_DEPTH} levels") from None

    if not have_root:
        raise DataError.single(name, "the file is empty: expected a mapping of collections", 1)
    return root, lines

