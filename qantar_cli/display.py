"""How values read as plain text: in CSV cells and in the plain parts of tables."""

from __future__ import annotations

from typing import Any


def flat(value: Any) -> str:
    """One value as one line of text; lists joined with "; "."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(flat(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def csv_cell(value: Any) -> str:
    """One value as a CSV cell: lists of ids, tags and names joined with ";" (the schema
    forbids ";" in them, so they split back exactly); no value is the empty cell."""
    if isinstance(value, list):
        return ";".join(flat(v) for v in value)
    return flat(value)


def sources_cell(citations: list[dict[str, Any]]) -> str:
    """Citations as the ids of their sources, each once, joined with ";"."""
    return ";".join(dict.fromkeys(c["source"] for c in citations))


def json_cell(objects: list[dict[str, Any]]) -> str:
    """A list of objects (roles, positions) as JSON text: CSV has no nesting, JSON splits back exactly."""
    import json

    return json.dumps(objects, ensure_ascii=False, separators=(",", ":")) if objects else ""


def first_sentence(text: str | None) -> str:
    """A summary's first sentence: an actor's one-line description."""
    if not text:
        return ""
    flat_text = " ".join(text.split())
    start = 0
    while True:
        end = flat_text.find(". ", start)
        if end < 0:
            return flat_text
        # a full stop inside quotation marks (a title: "Qantar. A Coup Attempt.") ends no sentence
        if flat_text.count('"', 0, end) % 2 == 0 and flat_text.count("“", 0, end) <= flat_text.count("”", 0, end):
            return flat_text[: end + 1]
        start = end + 2


def role_text(role: dict[str, Any]) -> str:
    """``Prime minister (2019 – 2022)``: a role and its span as a person reads it."""
    start, end = role.get("from"), role.get("until")
    if start and end:
        return f"{role['title']} ({start} – {end})"
    if start:
        return f"{role['title']} (from {start})"
    if end:
        return f"{role['title']} (until {end})"
    return str(role["title"])


_QUALIFIER_WORDS = {
    "about": "about ",
    "at-least": "at least ",
    "more-than": "more than ",
    "up-to": "up to ",
}


_SINGULAR = {"people": "person", "children": "child"}


def unit_of(record: dict[str, Any]) -> str:
    """A figure's unit as a person reads it beside its value: ``1 person``, ``238 people``.

    The knowledge base writes units in the plural; a value of exactly one
    (not a range) takes the singular of a one-word unit.
    """
    unit = str(record.get("unit") or "")
    if record.get("value") != 1 or record.get("value_max") is not None or " " in unit:
        return unit
    if unit in _SINGULAR:
        return _SINGULAR[unit]
    if unit.endswith("ies"):
        return unit[:-3] + "y"
    if unit.endswith(("sses", "xes", "ches", "shes")):
        return unit[:-2]
    return unit[:-1] if unit.endswith("s") and not unit.endswith("ss") else unit


def number(value: float | int) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,}"
    return f"{int(value):,}"


def figure_value(record: dict[str, Any]) -> str:
    """``238``, ``about 3,000``, ``4–8``, ``hundreds``: a figure's value as a person reads it.

    A vague quantity has no value: its words are the value.
    """
    if record["value"] is None:
        stated = str(record.get("stated") or "—")
        # the article's words, capitalised only for starting its sentence ("Dozens of businesses ...")
        return stated[:1].lower() + stated[1:] if stated[:1].isupper() and not stated[1:2].isupper() else stated
    text = number(record["value"])
    if record["qualifier"] == "range" and record["value_max"] is not None:
        text = f"{text}–{number(record['value_max'])}"
    return _QUALIFIER_WORDS.get(record["qualifier"], "") + text
