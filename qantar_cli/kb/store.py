"""Find, read, validate and hold a knowledge base.

``load()`` is the library's front door: it returns a ``KnowledgeBase`` or
raises ``DataError`` listing every problem as ``file:line: message``.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from .. import collections as kinds
from ..errors import DataError
from ..spec import Collection, normalise
from . import cache
from .files import bundled_path, display_name, read_bytes, schema_path

if TYPE_CHECKING:
    from ..errors import Problem
    from ..spec import Record
    from .yamlread import Lines

ENV_DATA = "QANTAR_DATA"


def chosen_path(path: str | os.PathLike[str] | None = None) -> str:
    """The file to load: ``path``, else ``$QANTAR_DATA``, else the bundled one."""
    if path is not None:
        return os.fspath(path)
    return os.environ.get(ENV_DATA) or bundled_path()


def _schema() -> dict[str, Any]:
    """The schema every file is checked against; ``DataError`` if the installation's copy cannot be read.

    An error here is the installation's, not the knowledge file's: it names
    the schema file and says to reinstall, rather than letting an OS error
    reach the CLI (which would take it for a failed write) or a traceback out.
    """
    try:
        with open(schema_path(), encoding="utf-8") as handle:
            schema = json.load(handle)
    except OSError as exc:
        raise _damaged(f"cannot read qantar's schema ({exc.strerror or exc})") from None
    except (ValueError, RecursionError):  # not UTF-8, not JSON, or nested too deep
        raise _damaged("qantar's schema is not valid JSON") from None
    if not isinstance(schema, dict):
        raise _damaged("qantar's schema is not a JSON object")
    return schema


def _validator() -> Any:
    """The schema's validator; ``DataError`` if the installation's schema is JSON but not one it can use
    (an unknown keyword, a bad pattern, a reference to nothing or to itself)."""
    import re

    from ..text import one_line
    from .schema import Validator

    try:
        return Validator(_schema())
    except (KeyError, ValueError, TypeError, IndexError, AttributeError, RecursionError, re.error) as exc:
        detail = exc.args[0] if exc.args and isinstance(exc.args[0], str) else type(exc).__name__
        raise _damaged(f"qantar's schema cannot be used ({one_line(detail)})") from None


def _damaged(problem: str) -> DataError:
    """The error of an installation whose schema is missing or broken, naming the schema file."""
    return DataError.single(display_name(schema_path()), f"{problem}: the installation is damaged; reinstall qantar")


def parse(data: bytes, name: str) -> tuple[dict[str, list[Record]] | None, list[Problem]]:
    """Parse and check a knowledge file's bytes.

    Returns the collections in contract form (``None`` if there are any
    problems) and the problems found: an ``errors.Problems`` list of at
    most ``errors.LIMIT`` of them, whose ``total`` counts them all (and
    which ``DataError`` reads).
    """
    result = examine(data, name)
    return result.records, result.problems


class Examined:
    """A parsed knowledge file: its raw tree, the lines of its keys, its problems.

    A file read by the fast reader has no lines until one is asked for: then
    it is read again carefully, and ``root`` becomes that reading (equal
    values, whose mappings the lines know).
    """

    def __init__(self, name: str, root: dict[str, Any], lines: Lines | None, problems: list[Problem],
                 text: str = ""):
        self.name = name
        self.root = root
        self._lines = lines
        self._text = text
        self.problems = problems

    @property
    def records(self) -> dict[str, list[Record]] | None:
        """The records in contract form (built when first asked for), or None if there are problems."""
        return None if self.problems else self.built

    @property
    def built(self) -> dict[str, list[Record]]:
        """The records in contract form, for a file without problems."""
        return self.lazily.all()

    @functools.cached_property
    def lazily(self) -> Built:
        """The records in contract form, for a file without problems, each collection built when first read."""
        return Built(self.root)

    @property
    def lines(self) -> Lines:
        if self._lines is None:
            from . import yamlread

            self.root, self._lines = yamlread.read(self._text, self.name)
        return self._lines

    def line_of(self, path: tuple[Any, ...]) -> int | None:
        lines = self.lines
        return lines.of(self.root, path)


def examine(data: bytes, name: str, write: Callable[[dict[str, list[Record]]], Any] | None = None,
            adopt: Callable[[Any], None] | None = None) -> Examined:
    """Parse a knowledge file and check it against the schema and the rules.

    Raises ``DataError`` when the file cannot be parsed at all; otherwise
    the problems are collected in the result: the first ``errors.LIMIT``
    found, in line order, and the count of all of them (``problems.total``).
    Past the limit, checks only count, so a file with a million mistakes
    costs no more than reading it.

    The file is first read by ``quickyaml``, which reads the common style
    fast and gives up on anything else. If it reads the file and the checks
    find nothing, that is the answer. Otherwise the file is read again,
    noting lines (by ``quickyaml.read_lines`` if it read the file, which
    gives the careful reader's answer in about half its time; else by the careful
    reader), and the checks run again, so every problem is reported as the
    careful reader finds it, with its line.

    ``write``, when given, is what the caller will do with the records (the
    store writes them to the cache). For a large file read without a problem
    it runs in a second process (``parallel.beside``) on the records built
    there, while this one checks them. When the checks find nothing, that
    process, still running, is handed to ``adopt``, whose caller then waits
    for it or ends it; otherwise it is ended here. Elsewhere ``write`` is
    left to the caller.
    """
    import contextlib
    import gc

    from ..errors import Problem, Problems
    from ..text import shortened
    from . import parallel, quickyaml, rules, verdict, yamlread
    from .schema import Issues, format_path

    text = yamlread.decode(data, name)
    collecting = gc.isenabled()
    gc.disable()  # a large file makes millions of objects and no cycles: collecting would only cost time
    try:
        validator = _validator()
        quick = parallel.read(text, name)  # quickyaml's reading, in two processes for a large file
        if quick is not None:
            with contextlib.ExitStack() as stack:
                other = (stack.enter_context(parallel.beside(lambda: write(build(quick)), ctrl_c=False))
                         if write is not None and adopt is not None and parallel.worth(len(text)) else None)
                # Only whether there is any problem matters here. Compiling the schema to source
                # (``verdict``) costs about 10 ms and halves the checking: worth it for a large file.
                clean = (verdict.compile_test(validator.root)(quick) if len(text) >= _LARGE
                         else not validator.check_into(quick, Issues(0)))
                if clean and rules.clean(quick):
                    if other is not None and adopt is not None:
                        adopt(other)  # the caller's now, to wait for or end (until then, ended here)
                        stack.pop_all()
                    return Examined(name, quick, None, Problems([], 0), text)
        # The file has problems, reported by line. If the fast reader read it, it reads it again noting
        # lines (in about half the careful reader's time over a large file, the same answer); else the
        # careful reader reads it, refusing what must be refused and saying where.
        if quick is not None:
            quick.clear()  # the values are read again: the first reading goes first
        tracked = quickyaml.read_lines(text, name) if quick is not None else None
        root, lines = tracked if tracked is not None else yamlread.read(text, name)
        if not isinstance(root, dict):
            what = "a list" if isinstance(root, list) else "a single value"
            raise DataError.single(name, f"the file must be a mapping of collections ({', '.join(kinds.KEYS)}), "
                                         f"not {what}", 1)
        issues = Issues()
        validator.check_into(root, issues)
        if tracked is None:  # the fast reader gives up on every such number (``_SURPRISING``): none to find
            _yaml11_numbers(lines, issues)
        for at, message in rules.check(root):
            issues.add(at, message)
    finally:
        if collecting:
            gc.enable()

    problems = []
    for where, message in issues.kept:
        if isinstance(where, int):  # found by line, not by path
            problems.append(Problem(name, where, message))
            continue
        raw = _raw_scalar(lines, root, where)
        said = message
        if raw is not None and "must be" in message:
            said += f" (YAML read the unquoted {shortened(raw)} that way: put it in quotes)"
        path = format_path(where)
        problems.append(Problem(name, lines.of(root, where), f"{path}: {said}" if path else said))
    problems.sort(key=lambda p: (p.line or 0))
    return Examined(name, root, lines, Problems(problems, issues.total))


#: From this many characters on, a file is checked by the schema compiled to source.
_LARGE = 2**20
_NUMBER_FIELDS = ("value", "value_max", "lat", "lon")
_SURPRISING = r"^[-+]?(0[0-7_]+|0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?)\Z"


def _yaml11_numbers(lines: Any, issues: Any) -> None:
    """Numbers YAML 1.1 reads in a way no one means: 0777 (octal 511), 1:30 (base 60, 90).

    Reported into ``issues`` by line (an ``int`` where a path would be).
    """
    import re

    from ..text import shortened

    surprising = re.compile(_SURPRISING)
    for line, key, text in lines.scalars():
        if key in _NUMBER_FIELDS and surprising.match(text):
            issues.add(line,
                       "{}: YAML 1.1 reads the unquoted {} as a different number "
                       "(octal, binary, hexadecimal or base 60): write the number in plain decimal",
                       key, shortened(text))


def _raw_scalar(lines: Any, root: Any, path: tuple[Any, ...]) -> str | None:
    node = root
    for step in path[:-1]:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return None
    return lines.raw(node, path[-1]) if path else None


def build(root: dict[str, Any], collections: tuple[Collection, ...] = kinds.ALL) -> dict[str, list[Record]]:
    """Valid raw collections -> contract records, with computed fields (``Built``, all at once)."""
    return Built(root, collections).all()


class Built:
    """The records of a file without problems, each collection built when first read.

    Fields' defaults (derived origins) read the same context the rules check
    with: the sources' stances and the actors' voices. A collection with
    ``regions`` is built after the places, which its regions are read from.
    A query reads two collections or three: for the 100x file, building the
    events and places a timeline reads costs a third of building all six.
    """

    def __init__(self, root: dict[str, Any], collections: tuple[Collection, ...] = kinds.ALL):
        self.keys = tuple(c.key for c in collections)
        self._root = root
        self._collections = {c.key: c for c in collections}
        self._done: dict[str, list[Record]] = {}
        self._context: Any = None

    def fetch(self, key: str) -> list[Record]:
        done = self._done.get(key)
        if done is not None:
            return done
        from .rules import Context

        c = self._collections[key]
        if self._context is None:
            self._context = Context(self._root)
        context = self._context
        records = [normalise(r, c.fields, context) for r in self._root[key]]
        if "regions" in c.names:
            found = records if key == "places" else self.fetch("places") if "places" in self._collections else []
            places = {p["id"]: p for p in found}
            for record in records:
                record["regions"] = regions_of(record["places"], places)
        self._done[key] = records
        return records

    def all(self) -> dict[str, list[Record]]:
        """Every collection, by key, in the order they were described."""
        return {key: self.fetch(key) for key in self.keys}


def region_of(place_id: str, places: dict[str, Record]) -> str:
    """The region-level place a place belongs to.

    That is the place itself or the ancestor that sits directly in the
    country (a region, or a city of republican significance such as Almaty);
    the country itself for national-level records.
    """
    node = places[place_id]
    while node["within"] is not None:
        parent = places[node["within"]]
        if parent["within"] is None:
            # a site placed directly in the country has no known region
            return str(node["id"] if node["kind"] in ("region", "city") else parent["id"])
        node = parent
    return str(node["id"])


def regions_of(place_ids: Iterable[str], places: dict[str, Record]) -> list[str]:
    seen: dict[str, None] = {}
    for pid in place_ids:
        seen.setdefault(region_of(pid, places), None)
    return list(seen)


def load(path: str | os.PathLike[str] | None = None, *, use_cache: bool = True,
         defer_cache: bool = False) -> KnowledgeBase:
    """Load and validate a knowledge file (default: ``$QANTAR_DATA`` or the bundled one).

    From a verified cache entry, each collection is decoded when it is
    first read: a query of events near a place decodes those two.

    A large file's new cache entry is written by a second process. By
    default ``load`` waits for it; with ``defer_cache`` it returns as soon as
    the file has proved to have no problem, and the entry is finished by
    ``KnowledgeBase.settle`` or ``settle_all``, which the caller must then
    call (the command line does, once it has answered).
    """
    name = chosen_path(path)
    data = read_bytes(name)
    key = cache.key(data) if use_cache else None
    parts = cache.get_parts(key, kinds.KEYS) if key else None
    if parts is not None:
        return KnowledgeBase(Cached(parts, lambda: _checked(data, name, key).settled()), name, cache_key=key)
    checked = _checked(data, name, key)
    if not defer_cache:
        return KnowledgeBase(checked.settled(), name, cache_key=key)
    return KnowledgeBase(checked.built, name, cache_key=key, writing=checked)


def _checked(data: bytes, name: str, key: str | None) -> Writing:
    """Parse and check a file's bytes and cache its records under ``key`` (if any), or raise ``DataError``.

    The ``Writing`` returned holds the records. For a large file its cache
    entry is being written by a second process, to a temporary file that
    is put in place only once the file has proved to have no problem, by
    ``Writing.finish``. Otherwise the entry is written before this returns.
    """
    writing = Writing(key)  # from here on, whatever is staged or started is ended by it on any way out
    try:
        result = examine(data, display_name(name), writing.write if writing.temporary else None, writing.adopt)
        if result.problems:
            raise DataError(result.problems)
        writing.records = result.lazily
        if not writing.running:
            writing.cancel()  # nothing runs beside this process: the entry is written here
            if key:
                cache.put(key, result.built)
    except BaseException:
        writing.cancel()
        raise
    return writing


#: The cache entries being written beside this process and not yet settled (``settle_all``).
_PENDING: list[Writing] = []


def settle_all(complete: bool = True) -> None:
    """Finish (or, ``complete=False``, abandon) every cache entry being written beside this process.

    Finishing waits for the other process, and a Ctrl-C meanwhile raises
    KeyboardInterrupt (having abandoned that entry); abandoning is quick,
    and a Ctrl-C waits until it is done.
    """
    if not _PENDING:
        return
    import contextlib

    from .parallel import ctrl_c_held

    with contextlib.nullcontext() if complete else ctrl_c_held():
        while _PENDING:
            _PENDING[-1].settle(complete)


class Writing:
    """A knowledge file's records and their new cache entry on its way.

    ``write`` is what a second process does (build and stage the entry),
    and ``adopt`` hands that process over; until ``finish`` or ``cancel``
    settles it, it is pending (``settle_all``). ``finish`` waits for the
    process and publishes the entry it staged (or, if it was lost, writes
    the entry here); ``cancel`` ends it. Either way no process and no staged
    file is left behind, and only the first call does anything.
    """

    def __init__(self, key: str | None):
        self.key = key
        self.temporary = cache.staging(key, "json") if key else None
        self.records: Built | None = None
        self._child: Any = None

    @property
    def running(self) -> bool:
        return self._child is not None

    def write(self, records: dict[str, list[Record]]) -> bool:
        """In the second process: stage the entry of ``records``; whether it was written."""
        return self.temporary is not None and self.key is not None and \
            cache.stage_records(self.temporary, self.key, records)

    def adopt(self, child: Any) -> None:
        self._child = child
        _PENDING.append(self)

    @property
    def built(self) -> Built:
        """The records (``_checked`` sets them before it returns)."""
        if self.records is None:
            raise RuntimeError("no records: the file was not checked")
        return self.records

    def settled(self) -> Built:
        """The records, once the entry is finished."""
        self.finish()
        return self.built

    def settle(self, complete: bool = True) -> None:
        """``finish``, or (``complete=False``) ``cancel``."""
        if complete:
            self.finish()
        else:
            self.cancel()

    def finish(self) -> None:
        from . import parallel

        child, self._child = self._child, None
        if child is None:
            return
        published = False
        try:
            written = child.result()
            if written is True and self.temporary and self.key:
                cache.publish(self.temporary, self.key, "json")
                published = True
            elif written is parallel.LOST and self.key:
                cache.put(self.key, self.built.all())
        finally:
            self._end(child, published)

    def cancel(self) -> None:
        child, self._child = self._child, None
        self._end(child, False)

    def _end(self, child: Any, published: bool) -> None:
        """End the process if it runs and remove what it staged unless it was published.

        With a process to end, a Ctrl-C meanwhile waits until both are done.
        """
        import contextlib

        from .parallel import ctrl_c_held

        with contextlib.nullcontext() if child is None else ctrl_c_held():
            if child is not None:
                if self in _PENDING:
                    _PENDING.remove(self)
                child.__exit__()
            if self.temporary and not published:
                cache.discard(self.temporary)


class Cached:
    """Collections read from a verified cache entry, each decoded on first use.

    ``parts`` is each collection's JSON text (``cache.get_parts``). A part
    that does not decode to a list of records (only a forged entry can hold
    one: the checksum catches damage) is not used: ``rebuild`` parses the
    knowledge file again, and the cache is rewritten, so every collection
    read from then on is the file's own (or, if the file itself has
    problems, that read raises ``DataError`` as ``load`` would have).
    """

    def __init__(self, parts: dict[str, memoryview], rebuild: Callable[[], Built]):
        self.keys = tuple(parts)
        self._parts = parts
        self._rebuild = rebuild
        self._fresh: Built | None = None

    def fetch(self, key: str) -> list[Record]:
        if self._fresh is None:
            records = cache.decode_part(self._parts[key])
            if records is not None:
                return records
            self._fresh = self._rebuild()
        return self._fresh.fetch(key)


class KnowledgeBase:
    """The six collections, with look-ups by id and the place hierarchy.

    ``data`` maps each collection's key to its records, or is a ``Cached``
    or a ``Built``, whose collections are decoded or built when first read.
    Queries live in ``qantar_cli.find.query`` (``qantar_cli.select``).
    """

    def __init__(self, data: dict[str, list[Record]] | Cached | Built, path: str = "<memory>",
                 cache_key: str | None = None, writing: Writing | None = None):
        self.path = path
        self._source = None if isinstance(data, dict) else data
        self._keys = tuple(data) if isinstance(data, dict) else data.keys
        self._found: dict[str, list[Record]] = dict(data) if isinstance(data, dict) else {}
        self._ids: dict[str, dict[str, Record]] = {}
        #: Where what is derived from the records (folded names, the search index) may be cached.
        self.cache_key = cache_key
        #: What has been derived from the records in this run, by name.
        self.derived: dict[str, Any] = {}
        self._ancestors: dict[str, frozenset[str]] = {}
        self._country: str | None = ""  # not looked for yet
        #: A new cache entry still being written beside this process (``load(defer_cache=True)``).
        self.writing = writing

    def settle(self, complete: bool = True) -> None:
        """Finish what loading left running: wait for the new cache entry and put it in place.

        With ``complete=False`` (the command was interrupted) the entry is
        abandoned instead. Nothing is left running or staged either way.
        """
        writing, self.writing = self.writing, None
        if writing is not None:
            writing.settle(complete)

    def __getitem__(self, key: str) -> list[Record]:
        found = self._found.get(key)
        if found is None:
            if self._source is None or key not in self._keys:
                raise KeyError(key)
            found = self._found[key] = self._source.fetch(key)
        return found

    @property
    def keys(self) -> tuple[str, ...]:
        """The keys of the collections it holds, none decoded for asking."""
        return self._keys

    @property
    def data(self) -> dict[str, list[Record]]:
        """Every collection, by key (all of them decoded)."""
        return {key: self[key] for key in self._keys}

    def _index(self, key: str) -> dict[str, Record]:
        found = self._ids.get(key)
        if found is None:
            found = self._ids[key] = {r["id"]: r for r in self[key]} if key in self._keys else {}
        return found

    @property
    def by_id(self) -> dict[str, tuple[str, Record]]:
        """Every record by its id, as ``(collection key, record)``."""
        return {rid: (key, r) for key in self._keys for rid, r in self._index(key).items()}

    @property
    def places(self) -> dict[str, Record]:
        return self._index("places")

    def get(self, record_id: str) -> tuple[str, Record] | None:
        """``(collection key, record)`` of the record with this id, or None.

        Ids are unique across collections; they are looked for collection by
        collection, so a place's id never decodes the events.
        """
        for key in self._keys:
            found = self._index(key).get(record_id)
            if found is not None:
                return key, found
        return None

    def counts(self) -> dict[str, int]:
        return {key: len(self[key]) for key in self._keys}

    def country(self) -> str | None:
        """The place that lies within no other."""
        if self._country == "":
            self._country = next((str(p["id"]) for p in (self["places"] if "places" in self._keys else [])
                                  if p["within"] is None), None)
        return self._country

    def within(self, place_id: str, area: str) -> bool:
        """Whether ``place_id`` is ``area`` or lies anywhere within it."""
        found = self._ancestors.get(place_id)
        if found is None:
            places = self.places
            chain = []
            node: str | None = place_id
            while node is not None and node not in chain:
                chain.append(node)
                node = places[node]["within"] if node in places else None
            found = self._ancestors[place_id] = frozenset(chain)
        return area in found


def knowledge_version(path: str) -> tuple[str | None, str]:
    """A knowledge file's version: its ``released:`` date and the start of its SHA-256.

    Read without parsing YAML, so ``--version`` stays fast: the date is the
    top-level ``released:`` line (the schema checks it is a real date), and
    the hash is over the file's bytes, so ``sha256sum`` shows the same digits.
    """
    import hashlib
    import re

    data = read_bytes(path)
    match = re.search(rb'^released:[ \t]*["\']?([0-9]{4}-[0-9]{2}-[0-9]{2})["\']?[ \t]*(?:#.*)?$', data, re.M)
    released = match.group(1).decode("ascii") if match else None
    return released, hashlib.sha256(data).hexdigest()[:12]
