"""Write a valid knowledge file N times the size of the bundled one.

    python benchmarks/generate.py 100 /tmp/qantar-100x.yaml

Sources and the gazetteer stay as they are; every actor, event, figure and
dispute is copied N times with its ids suffixed (``-c2``, ``-c3``, ...) and its
references rewritten to the same copy, so the file stays valid. Copies vary:
each copy's events and figures get their own ids and references, and every
other copy is moved to a different year so that date filters stay selective.
"""

from __future__ import annotations

import copy
import sys

import yaml

from qantar_cli.kb.files import bundled_path


def rename(value: str, n: int) -> str:
    return value if n == 1 else f"{value}-c{n}"


def shift_year(date: str | None, years: int) -> str | None:
    if not date or not years:
        return date
    return f"{int(date[:4]) + years:04d}{date[4:]}"


def generate(factor: int) -> dict:
    with open(bundled_path(), encoding="utf-8") as handle:
        base = yaml.safe_load(handle)
    out = {"sources": base["sources"], "places": base["places"],
           "actors": [], "events": [], "figures": [], "disputes": []}
    actor_ids = {a["id"] for a in base["actors"]}
    for n in range(1, factor + 1):
        years = 0 if n % 2 else 10 + n  # odd copies keep their dates, even ones move
        for actor in base["actors"]:
            a = copy.deepcopy(actor)
            a["id"] = rename(a["id"], n)
            out["actors"].append(a)
        for event in base["events"]:
            e = copy.deepcopy(event)
            e["id"] = rename(shift_year(e["id"], years), n)  # an event's id begins with its date
            if e.get("end_date"):
                e["end_date"] = shift_year(e["end_date"], years)
            e["date"] = shift_year(e["date"], years)
            e["actors"] = [rename(a, n) for a in e.get("actors", []) if a in actor_ids]
            out["events"].append(e)
        for figure in base["figures"]:
            f = copy.deepcopy(figure)
            f["id"] = rename(f["id"], n)
            f["as_of"] = shift_year(f["as_of"], years)
            if f.get("value") is not None:  # a vague quantity has none
                f["value"] = f["value"] + (n - 1)
            if f.get("value_max") is not None:
                f["value_max"] = f["value_max"] + (n - 1)
            if f.get("claimed_by"):
                f["claimed_by"] = rename(f["claimed_by"], n)
            out["figures"].append(f)
        for dispute in base["disputes"]:
            d = copy.deepcopy(dispute)
            d["id"] = rename(d["id"], n)
            out["disputes"].append(d)
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 3 or not argv[1].isdigit() or int(argv[1]) < 1:
        print("usage: python benchmarks/generate.py FACTOR OUT.yaml", file=sys.stderr)
        return 2
    data = generate(int(argv[1]))
    with open(argv[2], "w", encoding="utf-8") as handle:
        yaml.safe_dump(data, handle, allow_unicode=True, sort_keys=False, width=100)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
