"""Find, read, validate and hold a knowledge base.

``load()`` is the library's front door: it returns a ``KnowledgeBase`` or
raises ``DataError`` listing every problem as ``file:line: message``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .. import model
from ..errors import DataError
from . import cache
from .files import display_name, read_bytes

if TYPE_CHECKING:
    from ..errors import Problem

ENV_DATA = "QANTAR_DATA"
_PACKAGE_DATA = "data"


def _data_dir() -> str:
    """Where the bundled knowledge file and schema are.

    From a wheel they sit inside the package (``qantar_cli/data``, mapped
    there at build time); from a source checkout or an editable install they
    are in the top-level ``data/`` beside the package.
    """
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the package
    inside = os.path.join(here, _PACKAGE_DATA)
    if os.path.isfile(os.path.join(inside, "qantar.yaml")):
        return inside  # an installed wheel: the fast path, no importlib.resources import
    checkout = os.path.join(os.path.dirname(here), "data")
    if os.path.isfile(os.path.join(checkout, "qantar.yaml")):
        return checkout  # a source checkout or an editable install
    from importlib.resources import as_file, files  # anything else, e.g. a zipped install

    resource = files("qantar_cli").joinpath(_PACKAGE_DATA)
    with as_file(resource) as path:
        return str(path)


def bundled_path() -> str:
    return os.path.join(_data_dir(), "qantar.yaml")


def schema_path() -> str:
    return os.path.join(_data_dir(), "qantar.schema.json")


def chosen_path(path: str | os.PathLike[str] | None = None) -> str:
    """The file to load: ``path``, else ``$QANTAR_DATA``, else the bundled one."""
    if path is not None:
        return os.fspath(path)
    return os.environ.get(ENV_DATA) or bundled_path()


def _schema() -> dict:
    with open(schema_path(), encoding="utf-8") as handle:
        return json.load(handle)


def parse(data: bytes, name: str) -> tuple[dict[str, list[dict]] | None, list[Problem]]:
    """Parse and check a knowledge file's bytes.

    Returns the collections in contract form (``None`` if there are any
    problems) and the problems found: an ``errors.Problems`` list of at
    most ``errors.LIMIT`` of them, whose ``total`` counts them all (and
    which ``DataError`` reads).
    """
    result = examine(data, name)
    return result.records, result.problems


class Examined:
    """A parsed knowledge file: its raw tree, the lines of its keys, its problems."""

    def __init__(self, name: str, root: dict, lines: Any, problems: list[Problem]):
        self.name = name
        self.root = root
        self.lines = lines
        self.problems = problems
        self.records = None if problems else build(root)

    def line_of(self, path: tuple) -> int | None:
        return self.lines.of(self.root, path)


def examine(data: bytes, name: str) -> Examined:
    """Parse a knowledge file and check it against the schema and the rules.

    Raises ``DataError`` when the file cannot be parsed at all; otherwise
    the problems are collected in the result: the first ``errors.LIMIT``
    found, in line order, and the count of all of them (``problems.total``).
    Past the limit, checks only count, so a file with a million mistakes
    costs no more than reading it.
    """
    import gc

    from ..errors import Problem, Problems
    from ..text import shortened
    from . import rules, yamlread
    from .schema import Issues, Validator, format_path

    text = yamlread.decode(data, name)
    collecting = gc.isenabled()
    gc.disable()  # a large file makes millions of objects and no cycles: collecting would only cost time
    try:
        root, lines = yamlread.read(text, name)
        if not isinstance(root, dict):
            what = "a list" if isinstance(root, list) else "a single value"
            raise DataError.single(name, f"the file must be a mapping of collections ({', '.join(model.COLLECTIONS)}), "
                                         f"not {what}", 1)
        issues = Issues()
        Validator(_schema()).check_into(root, issues)
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
        if raw is not None and "must be" in message:
            message += f" (YAML read the unquoted {shortened(raw)} that way: put it in quotes)"
        path = format_path(where)
        problems.append(Problem(name, lines.of(root, where), f"{path}: {message}" if path else message))
    problems.sort(key=lambda p: (p.line or 0))
    return Examined(name, root, lines, Problems(problems, issues.total))


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


def _raw_scalar(lines: Any, root: Any, path: tuple) -> str | None:
    node = root
    for step in path[:-1]:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return None
    return lines.raw(node, path[-1]) if path else None


def build(root: dict) -> dict[str, list[dict]]:
    """Valid raw collections -> contract records, with computed fields."""
    stances = {s["id"]: s["stance"] for s in root["sources"]}
    data = {kind: [model.normalise(kind, r, stances) for r in root[kind]] for kind in model.COLLECTIONS}
    places = {p["id"]: p for p in data["places"]}
    for kind in ("events", "figures"):
        for record in data[kind]:
            record["regions"] = regions_of(record["places"], places)
    return data


def region_of(place_id: str, places: dict[str, dict]) -> str:
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
            return node["id"] if node["kind"] in ("region", "city") else parent["id"]
        node = parent
    return node["id"]


def regions_of(place_ids: Iterable[str], places: dict[str, dict]) -> list[str]:
    seen: dict[str, None] = {}
    for pid in place_ids:
        seen.setdefault(region_of(pid, places), None)
    return list(seen)


def load(path: str | os.PathLike[str] | None = None, *, use_cache: bool = True) -> "KnowledgeBase":
    """Load and validate a knowledge file (default: ``$QANTAR_DATA`` or the bundled one)."""
    name = chosen_path(path)
    data = read_bytes(name)
    key = cache.key(data) if use_cache else None
    records = cache.get(key) if key else None
    if records is None:
        records, problems = parse(data, display_name(name))
        if problems:
            raise DataError(problems)
        if key:
            cache.put(key, records)
    return KnowledgeBase(records, name)


class KnowledgeBase:
    """The six collections, with look-ups by id.

    Queries live in ``qantar_cli.query``; ``select`` is a shortcut to them.
    """

    def __init__(self, data: dict[str, list[dict]], path: str = "<memory>"):
        self.path = path
        self.data = data
        self.by_id: dict[str, tuple[str, dict]] = {}
        for kind in model.COLLECTIONS:
            for record in data[kind]:
                self.by_id[record["id"]] = (kind, record)
        self.places = {p["id"]: p for p in data["places"]}
        self.actors = {a["id"]: a for a in data["actors"]}
        self.sources = {s["id"]: s for s in data["sources"]}

    def __getitem__(self, kind: str) -> list[dict]:
        return self.data[kind]

    def get(self, record_id: str) -> tuple[str, dict] | None:
        return self.by_id.get(record_id)

    def counts(self) -> dict[str, int]:
        return {kind: len(self.data[kind]) for kind in model.COLLECTIONS}

    def ancestors(self, place_id: str) -> list[str]:
        """The place and every place it lies within, innermost first."""
        chain = []
        node: str | None = place_id
        while node is not None:
            chain.append(node)
            node = self.places[node]["within"]
        return chain

    def select(self, kind: str, **criteria: Any) -> list[dict]:
        from ..find.query import select

        return select(self, kind, **criteria)
