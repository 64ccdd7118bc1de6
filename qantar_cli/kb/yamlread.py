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

import gc
import math
import re
from collections.abc import Iterator
from typing import Any

from ..errors import DataError
from ..text import shortened
from .files import MAX_BYTES, MAX_LINES, MAX_VALUES  # noqa: F401  (MAX_BYTES re-exported: it used to live here)

MAX_DEPTH = 64
#: The longest text read as a number. The largest finite double has 309 digits;
#: anything longer is refused before it is converted (a base-60 number grows
#: quadratically, and Python refuses to convert more than 4,300 digits).
MAX_NUMBER_TEXT = 400
_FLOAT_MAX = 1.7976931348623157e308

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
# Plain scalars that did need the resolver are remembered (short ones, up to
# this many): a file repeats its numbers, booleans and nulls.
_REMEMBER = 4096


class Lines:
    """Where each mapping of a loaded document and each of its keys started.

    ``of(root, path)`` answers the line of the value at ``path`` (a sequence
    of keys and indexes), falling back to the nearest enclosing mapping.
    Key lines are kept as offsets from the mapping's first line, in key order
    (the order of the mapping itself), which costs a few bytes per mapping.
    """

    def __init__(self) -> None:
        self._maps: dict[int, tuple[int, tuple[int, ...] | None, dict[Any, str] | None]] = {}
        self._keep: list[Any] = []  # keeps ids stable while the map lives
        self._index: dict[int, dict[Any, int]] = {}  # key positions of large mappings, built on demand

    def add(self, mapping: dict[Any, Any], line: int, offsets: list[int], raw: dict[Any, str] | None) -> None:
        # Keys on consecutive lines, the usual block style, need no offsets at all.
        consecutive = all(offset == index for index, offset in enumerate(offsets))
        self._maps[id(mapping)] = (line, None if consecutive else tuple(offsets), raw)
        self._keep.append(mapping)

    def _offset(self, offsets: tuple[int, ...] | None, index: int) -> int:
        return index if offsets is None else offsets[index]

    def _position(self, mapping: dict[Any, Any], key: Any) -> int | None:
        """Where ``key`` is among ``mapping``'s keys (from 0), or None."""
        if len(mapping) > 16:
            positions = self._index.get(id(mapping))
            if positions is None:
                positions = self._index[id(mapping)] = {each: i for i, each in enumerate(mapping)}
            return positions.get(key)
        return next((i for i, each in enumerate(mapping) if each == key), None)

    def _start(self, mapping: dict[Any, Any]) -> int | None:
        """The line a noted mapping starts on, or None."""
        entry = self._maps.get(id(mapping))
        return None if entry is None else entry[0]

    def _key_line(self, mapping: dict[Any, Any], key: Any) -> int | None:
        entry = self._maps.get(id(mapping))
        if entry is None:
            return None
        line, offsets, _ = entry
        index = self._position(mapping, key)
        return line if index is None else line + self._offset(offsets, index)

    def of(self, root: Any, path: tuple[Any, ...]) -> int | None:
        line = None
        node = root
        for step in path:
            if isinstance(node, dict):
                line = self._key_line(node, step) or line
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                break
        else:
            if line is None and isinstance(node, dict):
                line = self._start(node)
        return line

    def scalars(self) -> Iterator[tuple[int, Any, str]]:
        """(line, key, source text) of every unquoted scalar value that YAML did not read as text."""
        for mapping in self._keep:
            line, offsets, raw = self._maps[id(mapping)]
            if raw:
                for index, key in enumerate(mapping):
                    if key in raw:
                        yield line + self._offset(offsets, index), key, raw[key]

    def raw(self, mapping: Any, key: Any) -> str | None:
        """The source text of an unquoted scalar that YAML did not read as a string."""
        entry = self._maps.get(id(mapping)) if isinstance(mapping, dict) else None
        return entry[2].get(key) if entry and entry[2] else None


def decode(data: bytes, name: str) -> str:
    """Decode UTF-8 (a BOM is allowed), or say which line is not UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DataError.single(name, "the file is not UTF-8 text (undecodable byte)", line) from None
    return text.removeprefix("\ufeff")


def _constructors() -> tuple[Any, Any]:
    # Imported here so that a cached load never pays for PyYAML.
    import yaml

    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml, loader_cls


def _key_text(key: Any) -> str:
    return shortened(repr(key), 60) if isinstance(key, str) else str(key)


#: The plain words YAML 1.1 types (PyYAML's bool and null resolvers), and what they mean.
_WORDS: dict[str, bool | None] = {
    **dict.fromkeys(("yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
    **dict.fromkeys(("no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
    **dict.fromkeys(("null", "Null", "NULL", "~"), None),
}
#: First characters of a plain scalar that an implicit resolver looks at: PyYAML picks resolvers
#: by the first character, so a scalar starting with anything else is text.
_WORD_STARTS = frozenset("yYnNtTfFoO~")
_NUMBER_STARTS = frozenset("+-.0123456789")
_SYMBOLS = frozenset(("<<", "=", "!", "&", "*"))  # merge keys, values and the rest: PyYAML's to read
#: Every character a YAML 1.1 number or timestamp can hold (0x1F, 1_000, 1:30, .inf, .NaN, 2022-01-05T10:00Z).
_NUMBERISH = frozenset("0123456789_.:+- \tabcdefABCDEFxXinINtTZ")
#: Letters only a hexadecimal number (``0x``), ``.inf`` or ``.nan`` holds (not b: ``0b1`` is binary):
#: without an ``x`` or a dot, text that has them is text (a SHA-256 digest).
_HEX_LETTERS = re.compile(r"[acdfABCDF]")
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]{0,14})")
_FLOAT = re.compile(r"[-+]?[0-9]{1,15}\.[0-9]{1,15}")
_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")


def common_plain(value: str) -> tuple[Any, bool] | None:
    """What ``Typing.plain`` gives for the plain scalars knowledge files are made of, or None.

    Text, plain decimal numbers, days, months, booleans and nulls are read
    here as PyYAML reads them (tests/test_typing.py holds the two to the
    same answers), so that a file of them never imports PyYAML: that costs
    25 ms or more, which is a tenth of a first load of the bundled file.
    None leaves the rest to PyYAML: other numbers (hexadecimal, base 60,
    exponents, ``_``), timestamps with a time, dates that are not real, and
    YAML's symbols.
    """
    if not value:
        return None, False  # `key:` with nothing after it is null
    first = value[0]
    if "\n" in value or value in _SYMBOLS:
        return None
    if first in _WORD_STARTS:
        return (value, True) if value not in _WORDS else (_WORDS[value], False)
    if first not in _NUMBER_STARTS or not _NUMBERISH.issuperset(value):
        return value, True
    if _HEX_LETTERS.search(value) and not ("x" in value or "X" in value or "." in value):
        return value, True
    if _INT.fullmatch(value):
        return int(value), False
    if _FLOAT.fullmatch(value):
        return float(value), False
    if _MONTH.fullmatch(value):
        return value, True
    day = _DAY.fullmatch(value)
    if day is not None:
        import datetime

        try:
            datetime.date(int(day[1]), int(day[2]), int(day[3]))
        except ValueError:
            return None  # PyYAML says it is not a real date
        return value, True  # read as a date, given back as its ISO text (``typed``)
    return None


class Typing:
    """What a scalar's text means: YAML 1.1's implicit types, within a knowledge file's limits.

    Both readers (this one and ``quickyaml``) type scalars here, so they
    agree on every value. ``plain`` reads an untagged plain scalar, ``typed``
    a scalar whose tag is known; both return ``(value, read as text)`` and
    raise ``DataError`` (at ``mark``'s line, when there is one) for a number
    too long or too large, a date that is not real, or text a tag cannot read.
    """

    def __init__(self, name: str):
        self.name = name
        self._remembered: dict[str, tuple[Any, bool]] = {}
        self._pyyaml: tuple[Any, Any, Any, Any] | None = None

    def _library(self) -> tuple[Any, Any, Any, Any]:
        """PyYAML, its scalar node class, a resolver and a constructor (imported when first needed)."""
        if self._pyyaml is None:
            import yaml
            from yaml.constructor import SafeConstructor
            from yaml.nodes import ScalarNode
            from yaml.resolver import Resolver

            self._pyyaml = yaml, ScalarNode, Resolver(), SafeConstructor()  # PyYAML has no type hints
        return self._pyyaml

    def fail(self, message: str, mark: Any = None) -> DataError:
        line = mark.line + 1 if mark is not None else None
        return DataError.single(self.name, message, line)

    def plain(self, value: str, mark: Any = None) -> tuple[Any, bool]:
        """An untagged plain scalar."""
        found = self._remembered.get(value)
        if found is None:
            found = common_plain(value)
            if found is None:
                _, node, resolver, _ = self._library()
                found = self.typed(resolver.resolve(node, value, (True, False)), value, mark)
            if len(value) <= 40 and len(self._remembered) < _REMEMBER:
                self._remembered[value] = found
        return found

    def typed(self, tag: str, value: str, mark: Any = None) -> tuple[Any, bool]:
        """A scalar of a core tag."""
        if tag == _STR:
            return value, True
        kind = tag.rsplit(":", 1)[-1]
        if kind in ("int", "float") and len(value) > MAX_NUMBER_TEXT:
            raise self.fail(f"the number {shortened(value)} is too long: a knowledge file's numbers must fit "
                            f"in a 64-bit float (at most about 1.8e308)", mark)
        yaml, node_class, _, constructor = self._library()
        node = node_class(tag, value, mark, mark)
        try:
            if tag == "tag:yaml.org,2002:null":
                return None, False
            if tag == "tag:yaml.org,2002:bool":
                return constructor.construct_yaml_bool(node), False
            if tag == "tag:yaml.org,2002:int":
                number = constructor.construct_yaml_int(node)
                if abs(number) > _FLOAT_MAX:
                    raise self.fail(f"the number {shortened(value)} is too large: a knowledge file's numbers "
                                    f"must fit in a 64-bit float (at most about 1.8e308)", mark)
                return number, False
            if tag == "tag:yaml.org,2002:float":
                real = constructor.construct_yaml_float(node)
                if not math.isfinite(real):
                    raise self.fail(f"{shortened(value)!r} is not a finite number", mark)
                return real, False
            if tag == "tag:yaml.org,2002:timestamp":
                # Dates come out as ISO text, the form the schema checks.
                return constructor.construct_yaml_timestamp(node).isoformat(), True
        except DataError:
            raise
        except (ValueError, OverflowError, TypeError, LookupError, AttributeError, yaml.YAMLError):
            # PyYAML's constructors fail in many ways on explicitly tagged text
            # (`!!bool maybe` is a KeyError, `!!timestamp x` an AttributeError).
            if tag == "tag:yaml.org,2002:timestamp":
                raise self.fail(f"{shortened(value)} is not a real date", mark) from None
            raise self.fail(f"cannot read {shortened(value)!r} as {kind}", mark) from None
        raise self.fail(f"a {kind} cannot be a single value", mark)


def read(text: str, name: str) -> tuple[Any, Lines]:
    """Parse one YAML document into plain values, refusing anything hostile."""
    yaml, loader_cls = _constructors()
    from yaml import events as ev

    typing = Typing(name)
    fail = typing.fail
    lines = Lines()

    def scalar(event: Any) -> tuple[Any, bool]:
        """The value of a scalar event that may not be text, and whether it was read as text."""
        value = event.value
        tag = event.tag
        if tag is not None and tag != "!":
            if tag not in _CORE_TAGS:
                raise fail(f"the tag {shortened(tag, 60)} is not allowed in a knowledge file", event.start_mark)
            return typing.typed(tag, value, event.start_mark)
        if not event.implicit[0]:
            return value, True  # quoted, or tagged with the non-specific "!"
        return typing.plain(value, event.start_mark)

    ScalarEvent, MappingStartEvent, MappingEndEvent = ev.ScalarEvent, ev.MappingStartEvent, ev.MappingEndEvent
    SequenceStartEvent, SequenceEndEvent = ev.SequenceStartEvent, ev.SequenceEndEvent
    AliasEvent, DocumentStartEvent = ev.AliasEvent, ev.DocumentStartEvent
    _NOKEY = object()
    _NOROOT = object()

    # The open container and its bookkeeping live in locals; ``outer`` saves
    # the enclosing ones, so nesting costs an explicit stack, not recursion.
    container: Any = None  # the open dict or list; None at the top level
    is_map = False
    key: Any = _NOKEY  # the key waiting for its value, in an open mapping
    offsets: list[int] = []  # key lines, as offsets from start_line
    raw: dict[Any, str] | None = None  # source text of values that YAML did not read as text
    start_line = 0
    start_mark: Any = None
    outer: list[tuple[Any, ...]] = []
    root: Any = _NOROOT
    documents = 0
    known_keys: dict[Any, Any] = {}

    count = text.count("\n") + 1
    if count > MAX_LINES:  # a bound checked before reading: junk costs time and memory by the line
        raise DataError.single(name, f"the file has {count:,} lines; a knowledge file may have at most "
                                     f"{MAX_LINES:,}")
    budget = MAX_VALUES  # values still allowed: flow lists put many on one line
    parser = loader_cls(text)
    get_event = parser.get_event
    collecting = gc.isenabled()
    gc.disable()  # millions of new containers, no cycles among them: nothing for the collector to find
    try:
        for event in iter(get_event, None):
            cls = event.__class__
            budget -= 1
            if budget < 0:
                raise fail(f"the file holds more than {MAX_VALUES:,} values; a knowledge file may hold at most "
                           f"{MAX_VALUES:,}", event.start_mark)
            if cls is ScalarEvent:
                if event.anchor is not None:
                    raise fail("anchors and aliases are not allowed in a knowledge file", event.start_mark)
                value = event.value
                if event.tag is None and (not event.implicit[0] or (value and value[0] not in _MAYBE_TYPED)):
                    is_text = True  # quoted, or plain and plainly text
                else:
                    value, is_text = scalar(event)
                if is_map:
                    if key is _NOKEY:
                        if value in container:
                            first = lines_of_key(container, value, start_line, offsets)
                            raise fail(f"duplicate key {_key_text(value)} (first at line {first})", event.start_mark)
                        key = known_keys.setdefault(value, value)  # one string per key name, not per record
                        offsets.append(event.start_mark.line + 1 - start_line)
                    else:
                        container[key] = value
                        if not is_text:
                            if raw is None:
                                raw = {}
                            raw[key] = event.value
                        key = _NOKEY
                elif container is not None:
                    container.append(value)
                else:
                    root = value
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                if event.anchor is not None:
                    raise fail("anchors and aliases are not allowed in a knowledge file", event.start_mark)
                if event.tag is not None and event.tag != "!" and event.tag not in _CORE_TAGS:
                    raise fail(f"the tag {shortened(event.tag, 60)} is not allowed in a knowledge file",
                               event.start_mark)
                if len(outer) >= MAX_DEPTH:
                    raise fail(f"the file nests deeper than {MAX_DEPTH} levels", event.start_mark)
                outer.append((container, is_map, key, offsets, raw, start_line, start_mark))
                start_mark = event.start_mark
                start_line = start_mark.line + 1
                if cls is MappingStartEvent:
                    container, is_map, key, offsets, raw = {}, True, _NOKEY, [], None
                else:
                    container, is_map = [], False
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                value = container
                if is_map:
                    lines.add(value, start_line, offsets, raw)
                mark = start_mark
                container, is_map, key, offsets, raw, start_line, start_mark = outer.pop()
                if is_map:
                    if key is _NOKEY:
                        raise fail("a mapping key must be a plain value, not a mapping or a list", mark)
                    container[key] = value
                    key = _NOKEY
                elif container is not None:
                    container.append(value)
                else:
                    root = value
            elif cls is AliasEvent:
                raise fail("anchors and aliases are not allowed in a knowledge file", event.start_mark)
            elif cls is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise fail("the file holds more than one YAML document", event.start_mark)
    except DataError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "not valid YAML"
        raise fail(f"not valid YAML: {problem}", mark) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow: said by line, as the others
        line = text.count("\n", 0, exc.position) + 1 if isinstance(exc.position, int) else None
        character = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
        raise DataError.single(name, f"not valid YAML: {exc.reason} (the character {character})", line) from None
    except yaml.YAMLError as exc:
        raise DataError.single(name, f"not valid YAML: {exc}") from None
    except RecursionError:
        raise fail(f"the file nests deeper than {MAX_DEPTH} levels") from None
    finally:
        if collecting:
            gc.enable()
        parser.dispose()

    if root is _NOROOT:
        raise DataError.single(name, "the file is empty: expected a mapping of collections", 1)
    return root, lines


def lines_of_key(mapping: dict[Any, Any], key: Any, start_line: int, offsets: list[int]) -> int:
    """The line of ``key`` in a mapping still being read."""
    for index, each in enumerate(mapping):
        if each == key:
            return start_line + offsets[index]
    return start_line
