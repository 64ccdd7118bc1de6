"""A fast reader for the plain block style knowledge files are written in, or nothing.

The careful reader (``yamlread``) goes through PyYAML's event stream: every
scalar, mapping and list becomes a Python event object with two marks, which
costs about 2.5 µs an event, 2.4 s for a 22 MB file before any checking.
This module reads the subset of YAML such files use, line by line, straight
into values:

- block mappings whose keys are plain words (``end_date``), and block
  sequences, indented or not;
- plain scalars, single- and double-quoted ones, on one line or (plain and
  single-quoted) over several, folded as YAML folds them;
- flow sequences of scalars on one line (``[a, "b c"]``), and ``{}``;
- literal and folded block scalars (``|``, ``>-``, ...) without indentation
  indicators;
- comments on lines of their own, and blank lines.

Scalars are typed by ``yamlread.Typing``, the careful reader's own rules.
Anything else (tabs, carriage returns, anchors and aliases, tags, flow
mappings, a comment after a value, a duplicate key, unusual indentation,
an escape it does not know, a number YAML 1.1 reads surprisingly, ...) makes
``read`` return None at once: the caller then reads the file carefully, which
refuses what must be refused and says where. This reader never reports a
problem itself, so its only duty is to return exactly what the careful
reader would, or None (tests/test_quickyaml.py compares the two).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..errors import DataError
from .files import MAX_LINES, MAX_VALUES
from .yamlread import MAX_DEPTH, Lines, Typing

#: Whatever the careful reader treats specially anywhere in a file: tabs, line
#: breaks other than LF (CR, NEL, U+2028, U+2029), a byte order mark, and what
#: YAML does not allow unescaped (C0 and C1 controls, DEL, surrogates, U+FFFE, U+FFFF).
#: It is looked for in the text's UTF-8 bytes once the printable ASCII and the line
#: feeds are taken out (``_USUAL_ASCII``): a regular expression over every character of
#: a 22 MB file took 150 ms, this takes 60. What is left is any other ASCII byte (a
#: control) and the multi-byte characters, each whole (a lead byte is followed by its
#: own continuation bytes), so a sequence below is found only as the character it encodes.
_UNUSUAL = re.compile(rb"[\x00-\x7f]"  # an ASCII control
                      rb"|\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9]"  # C1 controls (NEL too), U+2028, U+2029
                      rb"|\xef\xbb\xbf|\xef\xbf[\xbe\xbf]|\xed[\xa0-\xbf]")  # BOM, U+FFFE, U+FFFF, surrogates
_USUAL_ASCII = b"\n" + bytes(range(0x20, 0x7f))
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?: +|\Z)")
#: Possessive: no backtracking state kept a character (a 60 MB quoted line took gigabytes).
_DOUBLE = re.compile(r'"((?:[^"\\]++|\\.)*+)" *\Z')
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_SIMPLE_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
                   "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0",
                   "L": "\u2028", "P": "\u2029"}
_FLOW_ITEM = re.compile(r""" *(?:"((?:[^"\\]++|\\.)*+)"|'((?:[^']++|'')*+)'|([^\s,\[\]{}#&*!|>'"%@`?:-][^,\[\]{}#:]*?"""
                        r"""|-[^\s,\[\]{}#:][^,\[\]{}#:]*?)) *([,\]])""")
#: Plain text that needs no typing: it cannot resolve to anything but a string.
_MAYBE_TYPED = frozenset("+-.0123456789:<=~nNyYtTfFoO")
#: Numbers YAML 1.1 reads in a way no one means (the store reports them by line): left to the careful reader.
_SURPRISING = re.compile(r"[-+]?(0[0-7_]+|0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?)\Z")
_NOT_PLAIN = frozenset(",[]{}#&*!|>'\"%@`?:")
#: What a plain scalar may start with (``-`` is left to ``value``, which looks at what follows it).
_PLAIN_START = frozenset(chr(c) for c in range(0x21, 0x7f)) - _NOT_PLAIN - {"-"} | {chr(c) for c in range(0xa0, 0x3000)}
#: Plain text that starts like a number or a word YAML types, yet is text: an id like ``2022-01-05-almaty``,
#: a word and a hyphen, or six characters or more starting with a letter (the words YAML types, null,
#: true, off, ..., have at most five; numbers and dates start otherwise).
_SURE_TEXT = re.compile(r"[A-Za-z].{5}|[a-z]+-|[0-9]{4}-[0-9]{2}-[0-9]{2}[a-su-z-]")
_DEPTH = MAX_DEPTH // 2
_WIDEST = 256  # columns
#: YAML's limit on a key written without ``?``: libyaml (and PyYAML) refuse a longer one.
_LONGEST_KEY = 1024


def unusual(text: str) -> bool:
    """Whether ``text`` has a character the careful reader treats specially (see ``_UNUSUAL``)."""
    return _UNUSUAL.search(text.encode("utf-8", "surrogatepass").translate(None, _USUAL_ASCII)) is not None


def _events(document: Any) -> int:
    """How many events PyYAML's stream has for ``document``, as the careful reader counts them."""
    events = 4  # the stream's and the document's starts and ends
    stack = [document]
    while stack:
        node = stack.pop()
        if node.__class__ is dict:
            events += 2 + len(node)
            stack.extend(node.values())
        elif node.__class__ is list:
            events += 2
            stack.extend(node)
        else:
            events += 1
    return events


#: What ``read_lines`` notes: each mapping's id -> the mapping (which keeps the id its own), the lines of
#: its keys (from 1), and its own line if it has no key (``{}``).
_Notes = dict[int, tuple[dict[str, Any], list[int], int | None]]


class _Unusual(Exception):
    """Something this reader leaves to the careful one."""


def read(text: str, name: str) -> dict[str, Any] | None:
    """The document's values, exactly as ``yamlread.read`` gives them, or None."""
    found = _read(text, name, None)
    return None if found is None else found[0]


def read_lines(text: str, name: str) -> tuple[dict[str, Any], Lines] | None:
    """The document's values and where each mapping and key is: exactly ``yamlread.read``'s answer, or None.

    For a file with problems, which are reported by line. The careful
    reader takes twice as long as ``read`` over a large file, for the same
    values; this reader also notes the line of every key it reads (at the
    cost of one test a key when it does not), and answers for them as the
    careful reader's ``Lines`` does (``_Noted``).
    """
    noted: _Notes = {}
    found = _read(text, name, noted)
    if found is None:
        return None
    document, reader = found
    # The careful reader counts every event of PyYAML's stream and refuses more than ``MAX_VALUES``. A
    # line makes at most six (``- a: 1``, first of its list under a key, starts a list and a mapping, each
    # ended later, and holds two scalars), an item of a flow list at most three: only a file that could
    # come near the bound is counted.
    if 6 * len(reader.lines) + 3 * reader.flow_items + 4 > MAX_VALUES and _events(document) > MAX_VALUES:
        return None
    return document, _Noted(reader.lines, noted)


class _Noted(Lines):
    """``Lines`` made of what the fast reader noted: each mapping's key lines, looked up when asked.

    It answers as the careful reader's ``Lines`` does, without building
    anything per mapping, which would cost as much again for a file of many.
    """

    def __init__(self, lines: list[str], noted: _Notes):
        super().__init__()
        self._lines = lines
        self._noted = noted  # keeps the mappings, so their ids stay theirs

    def _start(self, mapping: dict[Any, Any]) -> int | None:
        entry = self._noted.get(id(mapping))
        return None if entry is None else _first_line(entry)

    def _key_line(self, mapping: dict[Any, Any], key: Any) -> int | None:
        entry = self._noted.get(id(mapping))
        if entry is None:
            return None
        index = self._position(mapping, key)
        return _first_line(entry) if index is None else entry[1][index]

    def raw(self, mapping: Any, key: Any) -> str | None:
        entry = self._noted.get(id(mapping)) if isinstance(mapping, dict) else None
        index = None if entry is None else self._position(mapping, key)
        if entry is None or index is None or not _typed(mapping[key]):
            return None
        return self._raw(entry[1][index], key)

    def scalars(self) -> Iterator[tuple[int, Any, str]]:
        for mapping, keys, _ in self._noted.values():
            for key, line in zip(mapping, keys, strict=True):
                if _typed(mapping[key]):
                    yield line, key, self._raw(line, key)

    def _raw(self, line: int, key: str) -> str:
        """The text after ``key:`` on line ``line`` (from 1): a value YAML typed, as the careful reader notes it.

        Such a value is on its key's line: plain text over several lines has
        spaces, and no type but a date (given back as text) takes spaces.
        """
        content = self._lines[line - 1].lstrip(" ")
        if content[0] == "-":
            content = content[1:].lstrip(" ")
        return content[len(key) + 1:].strip(" ")


def _first_line(entry: tuple[dict[str, Any], list[int], int | None]) -> int:
    """The line a noted mapping starts on: its own (``{}``), else its first key's, as a block mapping's."""
    _, keys, own = entry
    return own if own is not None else keys[0]


def _typed(value: Any) -> bool:
    """Whether a scalar was read as something other than text (the careful reader notes its raw text)."""
    return value is None or value.__class__ in (bool, int, float)


def _read(text: str, name: str, track: _Notes | None) -> tuple[dict[str, Any], _Reader] | None:
    if unusual(text):
        return None
    try:
        lines = text.split("\n")
        if len(lines) > MAX_LINES:
            return None  # the careful reader refuses it, saying why
        lines.append("")  # an empty line after the last: the line after any line with text can be read
        reader = _Reader(lines, Typing(name), track)
        return reader.document(), reader
    except (_Unusual, DataError):
        return None


class _Reader:
    def __init__(self, lines: list[str], typing: Typing, track: _Notes | None = None):
        self.lines = lines
        self.typing = typing
        self.flow_items = 0  # items of flow lists so far: many to a line, so bounded here (MAX_VALUES)
        self.keys: dict[str, str] = {}  # key text -> the key, once it is known to read as text
        self.bare: dict[str, str] = {}  # the same, followed by its colon: a line ``word:``
        self.track = track  # where to note lines (``read_lines``), or None

    def document(self) -> dict[str, Any]:
        # One pass over the lines. The common lines (a key and a one-line value, a
        # list item) are read inline; anything else goes through ``value``.
        lines = self.lines
        count = len(lines)
        known = self.keys
        bare = self.bare
        track = self.track
        new_key = self.key
        plain_text = self.typing.plain
        value_of = self.value
        more_plain = self.more_plain
        deeper = [" " * (n + 1) for n in range(_WIDEST)]  # what a line deeper than column n starts with
        root: dict[str, Any] = {}
        container: Any
        # The open container: its column, the container, whether it is a mapping, and
        # (for a mapping) the key whose value is still to come on the following lines.
        indent, container, is_map, pending = 0, root, True, None
        outer: list[tuple[int, Any, bool]] = []
        i = 0
        while i < count:
            line = lines[i]
            i += 1
            content = line.lstrip(" ")
            if not content or content[0] == "#":
                continue
            column = len(line) - len(content)
            if column >= _WIDEST:
                raise _Unusual
            if indent > column:  # close what this line is outside of
                while indent > column:
                    indent, container, is_map = outer.pop()
                pending = None
            if content[0] == "-" and content[1:2] in (" ", ""):  # a list item
                if is_map:
                    if pending is None:
                        raise _Unusual
                    items: list[Any] = []
                    container[pending] = items
                    pending = None
                    outer.append((indent, container, is_map))
                    indent, container, is_map = column, items, False
                elif indent != column:
                    raise _Unusual
                text = content[1:].lstrip(" ")
                if not text or text[0] == "#":
                    raise _Unusual
                head, sep, rest = text.partition(": ")
                key = known.get(head) if sep else None
                if key is None:
                    if text[-1] == ":" and _KEY.fullmatch(text):
                        key, rest = new_key(text[:-1]), ""
                    elif sep and _KEY.match(text):
                        key = new_key(head)
                if key is None:  # a scalar item
                    first = text[0]
                    if first in _PLAIN_START and not (": " in text or " #" in text or text[-1] == ":"):
                        if lines[i].startswith(deeper[column]):  # plain text that goes on over the next lines
                            value, i = more_plain(text, column, i)
                            container.append(value)
                            continue
                        if text[-1] == " ":
                            text = text.rstrip(" ")
                        if first in _MAYBE_TYPED and not _SURE_TEXT.match(text):
                            if _SURPRISING.match(text):
                                raise _Unusual
                            container.append(plain_text(text)[0])
                        else:
                            container.append(text)
                    else:
                        value, i = value_of(text, column, i)
                        container.append(value)
                    continue
                mapping: dict[str, Any] = {}  # an item that is a mapping, its first key on this line
                container.append(mapping)
                outer.append((indent, container, is_map))
                column += len(content) - len(text)
                indent, container, is_map = column, mapping, True
                if len(outer) > _DEPTH:
                    raise _Unusual
            else:  # a key
                head, sep, rest = content.partition(": ")
                key = known.get(head) if sep else bare.get(content)  # ``word: ...`` or ``word:``
                if key is None:
                    if content[-1] == ":" and _KEY.fullmatch(content):
                        key, rest = new_key(content[:-1]), ""
                    elif sep and _KEY.match(content):
                        key = new_key(head)
                    else:
                        raise _Unusual
                if indent != column or not is_map:
                    if not is_map and indent == column and outer and outer[-1][0] == column and outer[-1][2]:
                        indent, container, is_map = outer.pop()  # a list at its key's column ends
                    if not is_map:
                        raise _Unusual
                    if indent != column:
                        if pending is None:
                            raise _Unusual
                        mapping = {}
                        container[pending] = mapping
                        outer.append((indent, container, is_map))
                        indent, container, is_map = column, mapping, True
                        if len(outer) > _DEPTH:
                            raise _Unusual
                pending = None
            if key in container:
                raise _Unusual  # a duplicate: the careful reader says where
            if track is not None:
                noted = track.get(id(container))
                if noted is None:
                    noted = track[id(container)] = (container, [], None)
                noted[1].append(i)  # the line just read, counted from 1
            first = rest[:1]
            if first == " ":
                rest = rest.lstrip(" ")
                first = rest[:1]
            if not first:
                container[key] = None  # null, unless a nested block follows
                pending = key
                continue
            if first in _PLAIN_START and not (": " in rest or " #" in rest or rest[-1] == ":"):
                if lines[i].startswith(deeper[column]):  # plain text that goes on over the next lines
                    container[key], i = more_plain(rest, column, i)
                    continue
                if rest[-1] == " ":
                    rest = rest.rstrip(" ")
                if first in _MAYBE_TYPED and not _SURE_TEXT.match(rest):
                    if _SURPRISING.match(rest):
                        raise _Unusual
                    container[key] = plain_text(rest)[0]
                else:
                    container[key] = rest
            elif first in "'\"" and rest[-1] == first and len(rest) > 1 and first not in rest[1:-1] and (
                    "\\" not in rest or first == "'"):
                container[key] = rest[1:-1]
            else:
                container[key], i = value_of(rest, column, i)
        if not root:
            raise _Unusual  # no mapping at the top
        return root

    def key(self, text: str) -> str:
        found = self.keys.get(text)
        if found is None:
            if len(text) > _LONGEST_KEY:
                raise _Unusual  # YAML refuses it: the careful reader says where
            value, is_text = self.typing.plain(text)
            if not is_text or value != text:
                raise _Unusual  # `null:`, `yes:`, ... are not text keys
            found = self.keys[text] = self.bare[f"{text}:"] = text
        return found

    def value(self, text: str, parent: int, i: int) -> tuple[Any, int]:
        """The scalar (or flow) value starting with ``text`` on the line before ``i``, and the next line."""
        first = text[0]
        if first == "'":
            return self.single(text, parent, i)
        if first == '"':
            match = _DOUBLE.match(text)
            if match is None:
                raise _Unusual  # over several lines, or something after it
            return _unescape(match.group(1)), i
        if first == "[":
            return self.flow(text), i
        if first == "{":
            if text.rstrip(" ") != "{}":
                raise _Unusual
            empty: dict[str, Any] = {}
            if self.track is not None:
                self.track[id(empty)] = (empty, [], i)  # the line just read, counted from 1
            return empty, i
        if first in "|>":
            return self.block(text, parent, i)
        if first in _NOT_PLAIN or (first == "-" and (len(text) == 1 or text[1] == " ")):
            raise _Unusual
        return self.plain(text, parent, i)

    def plain(self, text: str, parent: int, i: int) -> tuple[Any, int]:
        if ": " in text or " #" in text or text.endswith(":"):
            raise _Unusual
        return self.more_plain(text, parent, i)

    def more_plain(self, text: str, parent: int, i: int) -> tuple[Any, int]:
        """A plain scalar that starts with ``text`` (checked by the caller) and may go on over lines from ``i``."""
        value = text.rstrip(" ")
        lines = self.lines
        more = []
        while True:  # the empty line after the last (``read``) ends it
            line = lines[i]
            content = line.lstrip(" ")
            if not content:
                if self._continues(i, parent):
                    raise _Unusual  # a blank line inside a plain scalar folds into a newline
                break
            if len(line) - len(content) <= parent:
                break
            if content[0] == "#" or ": " in content or " #" in content or content.endswith(":"):
                raise _Unusual
            more.append(content.rstrip(" "))
            i += 1
        if more:
            value = " ".join([value, *more])
        if value[0] not in _MAYBE_TYPED or _SURE_TEXT.match(value):
            return value, i
        typed, is_text = self.typing.plain(value)
        if not is_text and _SURPRISING.match(value):
            raise _Unusual
        return typed, i

    def _continues(self, i: int, parent: int) -> bool:
        """Whether the next line with text from line ``i`` on lies deeper than ``parent``."""
        lines = self.lines
        while i < len(lines):
            content = lines[i].lstrip(" ")
            if content:
                return len(lines[i]) - len(content) > parent
            i += 1
        return False

    def single(self, text: str, parent: int, i: int) -> tuple[str, int]:
        body = text[1:]
        end = _closing_quote(body)
        if end != -1:
            if body[end + 1:].strip(" "):
                raise _Unusual
            return body[:end].replace("''", "'"), i
        pieces = [body.rstrip(" ")]
        if not pieces[0]:
            raise _Unusual  # the text starts on the next line
        lines = self.lines
        while True:
            if i >= len(lines):
                raise _Unusual
            line = lines[i]
            i += 1
            content = line.lstrip(" ")
            if not content or len(line) - len(content) <= parent:
                raise _Unusual
            end = _closing_quote(content)
            if end == -1:
                pieces.append(content.rstrip(" "))
                continue
            if content[end + 1:].strip(" "):
                raise _Unusual
            pieces.append(content[:end])
            return " ".join(pieces).replace("''", "'"), i

    def flow(self, text: str) -> list[Any]:
        inside = text[1:].strip(" ")
        if inside == "]":
            return []
        items: list[Any] = []
        at = 1
        while True:
            match = _FLOW_ITEM.match(text, at)
            if match is None:
                raise _Unusual
            double, single, plain, end = match.groups()
            if double is not None:
                items.append(_unescape(double))
            elif single is not None:
                items.append(single.replace("''", "'"))
            elif plain[0] in _MAYBE_TYPED:
                value, is_text = self.typing.plain(plain)
                if not is_text and _SURPRISING.match(plain):
                    raise _Unusual
                items.append(value)
            else:
                items.append(plain)
            at = match.end()
            self.flow_items += 1
            if self.flow_items > MAX_VALUES:
                raise _Unusual  # the careful reader refuses it, saying why
            if end == "]":
                if text[at:].strip(" "):
                    raise _Unusual
                return items

    def block(self, text: str, parent: int, i: int) -> tuple[str, int]:
        style, chomp = text[0], text[1:].rstrip(" ")
        if chomp not in ("", "-"):
            raise _Unusual  # keep (+), an indentation indicator, a comment
        lines = self.lines
        body: list[str] = []
        width = 0
        last = 0  # the line of the last text
        while i < len(lines):
            line = lines[i]
            content = line.lstrip(" ")
            if not content:
                if line:
                    raise _Unusual  # spaces only: content or not, depending on their number
                body.append("")
                i += 1
                continue
            column = len(line) - len(content)
            if not width:
                if column <= parent or body:
                    raise _Unusual  # empty, or blank lines before the first line
                width = column
            elif column < width:
                if column > parent:
                    raise _Unusual
                break
            piece = line[width:]
            if piece.endswith(" ") or (style == ">" and piece[0] == " "):
                raise _Unusual  # trailing spaces; a more indented line in folded text
            body.append(piece)
            last = i
            i += 1
        while body and not body[-1]:
            body.pop()
        if not body:
            raise _Unusual
        if style == "|":
            value = "\n".join(body)
        else:
            parts: list[str] = []
            blanks = 0
            for piece in body:
                if not piece:
                    blanks += 1
                    continue
                if parts:
                    parts.append("\n" * blanks if blanks else " ")
                parts.append(piece)
                blanks = 0
            value = "".join(parts)
        # Clipped, the text keeps the line break after its last line, if it has one: the last line of a
        # file without a final newline (just before the empty line ``read`` adds) has none.
        broken = chomp != "-" and last != len(lines) - 2
        return (value + "\n" if broken else value), i


def _closing_quote(text: str) -> int:
    """Where the single quote that ends a single-quoted scalar is in ``text`` (``''`` is a quote), or -1."""
    at = text.find("'")
    while at != -1 and text.startswith("'", at + 1):
        at = text.find("'", at + 2)
    return at


def _unescape(body: str) -> str:
    return _ESCAPE.sub(_escape, body) if "\\" in body else body


def _escape(match: re.Match[str]) -> str:
    code = match.group(1)
    if len(code) == 1:
        found = _SIMPLE_ESCAPES.get(code)
        if found is None:
            raise _Unusual
        return found
    point = int(code[1:], 16)
    if 0xD800 <= point <= 0xDFFF or point > 0x10FFFF:
        raise _Unusual
    return chr(point)
